from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "modules.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from modules.leads.api import urls as api_urls
        from modules.leads.distribution import DistributionService
        from modules.leads.services import new_lead_status
        from modules.records import hooks

        hooks.register_preparer(new_lead_status)
        hooks.register_assigner(DistributionService().assign)
        api_urls.register()
