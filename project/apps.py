from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The deployment's own wiring: error reports start once every app is ready."""

    name = "project"
    label = "project"
    verbose_name = "Tessera"

    def ready(self) -> None:
        from project.logs import start_error_reports

        start_error_reports()
