"""URLs of the import screens, under /admin/imports/ (see views.py)."""

from django.urls import path

from modules.transfer.screens import views

app_name = "transfer"

urlpatterns = [
    path("<slug:slug>/", views.ImportIndexView.as_view(), name="index"),
    path("<slug:slug>/<int:pk>/", views.BatchView.as_view(), name="batch"),
    path("<slug:slug>/<int:pk>/status/", views.batch_status, name="status"),
]
