"""The `Apps` registry runtime models live in, apart from `django.apps.apps`.

Rebuilding models in the global registry would leak pending operations and
receivers; here each schema snapshot gets a fresh registry that still resolves
static models (the user model) through the global one.
"""

from django.apps import apps as global_apps
from django.apps.registry import Apps

RUNTIME_APP_LABEL = "runtime"


class RuntimeApps(Apps):
    """A registry for one snapshot's runtime models; static models come from the global one."""

    def __init__(self):
        super().__init__(installed_apps=())

    def get_registered_model(self, app_label: str, model_name: str):
        if app_label == RUNTIME_APP_LABEL:
            return super().get_registered_model(app_label, model_name)
        return global_apps.get_registered_model(app_label, model_name)
