"""URLs of Settings > Users: `settings/users/` of the Wagtail admin, namespace users_settings."""

from django.urls import path

from modules.accounts.screens import users as views

app_name = views.NS

urlpatterns = [
    path("", views.UserListView.as_view(), name="index"),
    path("add/", views.AddUserView.as_view(), name="add"),
    path("invite/", views.InviteView.as_view(), name="invite"),
    path("<int:pk>/delete/", views.DeleteUserView.as_view(), name="delete"),
    path(
        "<int:pk>/<str:action>/",
        views.StatusView.as_view(),
        name="status",
    ),
    path(
        "invitations/<int:pk>/<str:action>/",
        views.InvitationActionView.as_view(),
        name="invitation",
    ),
]
