from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "modules.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # The field type imports accounts' models, loaded only once apps are ready.
        from modules.accounts.api import urls as api_urls
        from modules.accounts.field_type import UserType
        from modules.metamodel.field_types import field_types

        field_types.register(UserType())
        api_urls.register()
