"""Workspace's pages served before Wagtail's admin URLs: the home page replaces Wagtail's
dashboard at `/` (the name `wagtailadmin_home` still reverses to it)."""

from django.urls import path

from modules.workspace.screens.home import home

urlpatterns = [path("", home, name="workspace_home")]
