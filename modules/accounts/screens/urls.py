"""URLs of Settings > Teams: `settings/teams/` of the Wagtail admin, namespace teams_settings."""

from django.urls import path

from modules.accounts.screens import views

app_name = views.NS

urlpatterns = [
    path("", views.TeamListView.as_view(), name="index"),
    path("new/", views.TeamCreateView.as_view(), name="add"),
    path("<int:pk>/", views.TeamEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.TeamDeleteView.as_view(), name="delete"),
]
