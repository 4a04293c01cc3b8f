"""URLs of Settings > Access: `settings/access/` of the Wagtail admin, namespace access_settings."""

from django.urls import path

from modules.access.screens import views

app_name = views.NS

urlpatterns = [
    path("", views.AccessIndexView.as_view(), name="index"),
    path("<slug:slug>/", views.EntityAccessView.as_view(), name="entity"),
]
