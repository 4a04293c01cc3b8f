"""Account pages outside the admin's sign-in wall: accepting an invitation, and the
first-password page (signed in, but held there until the password is changed); and
Wagtail's account page, taken over (same path and name) so its password change counts.

    path("", include("modules.accounts.urls"))   # in project/urls.py, before Wagtail
"""

from django.urls import path
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access

from modules.accounts.middleware import PASSWORD_URL_NAME
from modules.accounts.screens.account import AccountView
from modules.accounts.screens.login import AcceptInvitationView, FirstPasswordView

urlpatterns = [
    path("invitations/<str:token>/", AcceptInvitationView.as_view(), name="tessera_invitation"),
    path("account/first-password/", FirstPasswordView.as_view(), name=PASSWORD_URL_NAME),
    path(
        "account/",
        never_cache(require_admin_access(AccountView.as_view())),
        name="wagtailadmin_account",
    ),
]
