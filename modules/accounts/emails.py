"""E-mails to users: invitations and temporary passwords, through Django's e-mail backend.

    transaction.on_commit(lambda: send_invitation(invitation, token))
    send_temporary_password(user, "x7...")

Links are absolute, made from `WAGTAILADMIN_BASE_URL` (the address users open Tessera
at). The console backend prints them in the embedded default; `EMAIL_URL` picks SMTP.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from modules.accounts.models import Invitation, User


def absolute(path: str) -> str:
    """`path` on the address Tessera is served at."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def invitation_link(token: str) -> str:
    """The page where an invitation is accepted."""
    return absolute(reverse("tessera_invitation", args=[token]))


def send_invitation(invitation: Invitation, token: str) -> None:
    """The invitation e-mail with its link and expiry."""
    inviter = invitation.invited_by
    body = _(
        "%(inviter)s invites you to %(site)s.\n\n"
        "Open this link to choose your username and password:\n%(link)s\n\n"
        "The link works until %(expires)s."
    ) % {
        "inviter": str(inviter) if inviter else settings.WAGTAIL_SITE_NAME,
        "site": settings.WAGTAIL_SITE_NAME,
        "link": invitation_link(token),
        "expires": formats.date_format(invitation.expires_at, "DATETIME_FORMAT"),
    }
    subject = _("Your invitation to %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
    send_mail(subject, body, None, [invitation.email])


def send_temporary_password(user: User, password: str) -> None:
    """A new user's username and temporary password, to change at first sign-in."""
    body = _(
        "An account at %(site)s was made for you.\n\n"
        "Sign in at %(link)s\nUsername: %(username)s\nTemporary password: %(password)s\n\n"
        "You will choose your own password when you first sign in."
    ) % {
        "site": settings.WAGTAIL_SITE_NAME,
        "link": absolute(reverse("wagtailadmin_login")),
        "username": user.username,
        "password": password,
    }
    subject = _("Your account at %(site)s") % {"site": settings.WAGTAIL_SITE_NAME}
    send_mail(subject, body, None, [user.email])
