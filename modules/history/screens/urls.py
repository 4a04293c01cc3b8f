"""URLs of Settings > Change log: `settings/change-log/` of the Wagtail admin."""

from django.urls import path

from modules.history.screens import views

app_name = "history_settings"

urlpatterns = [path("", views.ChangeLogView.as_view(), name="change_log")]
