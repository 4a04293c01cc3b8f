from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _

from modules.accounts import administrators


class AccessConfig(AppConfig):
    name = "modules.access"
    label = "access"
    verbose_name = _("Access")

    def ready(self):
        # Models may be imported only once every app is loaded.
        from modules.access import schemafile
        from modules.access.api import urls as api_urls
        from modules.access.engine import open_q, scoped
        from modules.access.spec import is_admin, teams_changed
        from modules.accounts.models import Membership, Team
        from modules.metamodel.runtime.queryset import register_access

        register_access(scoped, open_q)

        administrators.register(is_admin)
        for model in (Team, Membership):
            post_save.connect(teams_changed, sender=model, dispatch_uid=f"access-{model.__name__}")
            post_delete.connect(
                teams_changed, sender=model, dispatch_uid=f"access-del-{model.__name__}"
            )
        m2m_changed.connect(teams_changed, sender=Team.members.through, dispatch_uid="access-m2m")
        api_urls.register()
        schemafile.register()
