from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "modules.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self):
        from modules.leads.api import urls as api_urls
        from modules.leads.distribution import DistributionService
        from modules.leads.screens import merge, profile, qualify
        from modules.leads.services import new_lead_status
        from modules.records import hooks
        from modules.records.screens import extensions

        hooks.register_preparer(new_lead_status)
        hooks.register_assigner(DistributionService().assign)
        extensions.register_profile_panel("lead_steps", profile.lead_panel)
        extensions.register_profile_panel("duplicates", profile.duplicates_panel)
        extensions.register_created_notice(profile.duplicates_notice)
        extensions.register_record_urls(profile.record_urlpatterns)
        extensions.register_record_urls(merge.record_urlpatterns)
        extensions.register_record_urls(qualify.record_urlpatterns)
        api_urls.register()
