"""Demo data: `manage.py load_demo` fills a fresh installation with teams, users and records.

It sits above the domain modules (records, relations) because it writes through their
services; nothing imports it.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    name = "modules.demo"
    label = "demo"
    verbose_name = _("Demo data")
