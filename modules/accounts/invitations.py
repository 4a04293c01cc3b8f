"""Invitations by e-mail: invite with a team and a role, re-send, revoke, accept.

    service = InvitationService()
    invitation = service.invite(admin, email="eve@example.com", team=3, role="user")
    service.resend(admin, invitation.pk)          # a new link, a new expiry
    user = service.accept(token, username="eve", password="...")   # the invitee, no actor

The link carries a random token; only its SHA-256 is stored. A link works until
`INVITATION_EXPIRY_HOURS` after it was (re-)sent, and once. Accepting needs a free
seat, like adding a user does; e-mails go out after the transaction commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.accounts.emails import send_invitation
from modules.accounts.exceptions import (
    AccountInvalid,
    DuplicateName,
    InvitationNotFound,
    InvitationUnusable,
)
from modules.accounts.models import Invitation, InvitationStatus, Role, Team, User, UserStatus
from modules.accounts.seats import require_free_seat
from modules.accounts.services import AccountService, _valid_id


def token_hash(token: str) -> str:
    """What is stored of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def _expiry():
    return timezone.now() + timedelta(hours=settings.INVITATION_EXPIRY_HOURS)


class InvitationService:
    """Writes invitations; the accept page and the API call it."""

    accounts = AccountService()

    def invite(self, actor, *, email: Any, team: Any = None, role: Any = Role.USER) -> Invitation:
        """Invite `email` into `team` with `role`; an earlier pending invitation is revoked."""
        self.accounts.require_administrator(actor)
        errors: dict[str, list[str]] = {}
        email = self._clean_email(email, errors)
        if role not in Role.values:
            errors["role"] = [_("Give one of: %(roles)s.") % {"roles": ", ".join(Role.values)}]
        if team is not None and not (_valid_id(team) and Team.objects.filter(pk=team).exists()):
            errors["team"] = [_("There is no such team.")]
        if errors:
            raise AccountInvalid(_("Some values are not valid."), errors=errors)
        taken = User.objects.filter(email__iexact=email).exclude(status=UserStatus.DELETED)
        if taken.exists():
            raise DuplicateName(
                _("A user with the e-mail address %(email)s already exists.") % {"email": email},
                field="email",
            )
        with transaction.atomic():
            require_free_seat()
            now = timezone.now()
            pending = Invitation.objects.filter(
                email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
            )
            pending.update(revoked_at=now)
            token, hashed = _new_token()
            invitation = Invitation.objects.create(
                email=email,
                team_id=team,
                role=role,
                token_hash=hashed,
                invited_by=actor,
                created_at=now,
                sent_at=now,
                expires_at=_expiry(),
            )
            transaction.on_commit(lambda: send_invitation(invitation, token))
        return invitation

    def resend(self, actor, invitation_id: Any) -> Invitation:
        """A new link with a new expiry for a pending or expired invitation (the old one dies)."""
        self.accounts.require_administrator(actor)
        with transaction.atomic():
            invitation = self.get(invitation_id, lock=True)
            if invitation.status not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
                raise InvitationUnusable(
                    _("This invitation was %(status)s; invite again instead.")
                    % {"status": invitation.get_status_display().lower()}
                )
            token, invitation.token_hash = _new_token()
            invitation.sent_at = timezone.now()
            invitation.expires_at = _expiry()
            invitation.send_count += 1
            invitation.save()
            transaction.on_commit(lambda: send_invitation(invitation, token))
        return invitation

    def revoke(self, actor, invitation_id: Any) -> Invitation:
        """The link stops working; an accepted invitation cannot be revoked."""
        self.accounts.require_administrator(actor)
        with transaction.atomic():
            invitation = self.get(invitation_id, lock=True)
            if invitation.status == InvitationStatus.ACCEPTED:
                raise InvitationUnusable(_("This invitation was already accepted."))
            invitation.revoked_at = invitation.revoked_at or timezone.now()
            invitation.save(update_fields=["revoked_at"])
        return invitation

    @staticmethod
    def get(invitation_id: Any, *, lock: bool = False) -> Invitation:
        """The invitation, or InvitationNotFound."""
        rows = Invitation.objects.select_for_update() if lock else Invitation.objects.all()
        found = rows.filter(pk=invitation_id).first() if _valid_id(invitation_id) else None
        if found is None:
            raise InvitationNotFound(_("There is no such invitation."))
        return found

    @staticmethod
    def usable(token: Any, *, lock: bool = False) -> Invitation:
        """The invitation a link names, if it may still be accepted; else InvitationUnusable."""
        rows = Invitation.objects.select_for_update() if lock else Invitation.objects.all()
        found = rows.filter(token_hash=token_hash(str(token))).first() if token else None
        if found is None or found.status == InvitationStatus.REVOKED:
            raise InvitationUnusable(_("This invitation link is not valid (any more)."))
        if found.status == InvitationStatus.ACCEPTED:
            raise InvitationUnusable(_("This invitation was already accepted; sign in instead."))
        if found.status == InvitationStatus.EXPIRED:
            raise InvitationUnusable(
                _("This invitation link has expired. Ask your administrator to send it again.")
            )
        return found

    def accept(
        self,
        token: Any,
        *,
        username: Any,
        password: Any,
        first_name: Any = "",
        last_name: Any = "",
    ) -> User:
        """Make the invited user (active, in the invitation's team and role) and use the link."""
        if not isinstance(password, str) or not password:
            raise AccountInvalid(
                _("Some values are not valid."), errors={"password": [_("Choose a password.")]}
            )
        with transaction.atomic():
            invitation = self.usable(token, lock=True)
            memberships = (
                [{"team": invitation.team_id, "role": invitation.role}]
                if invitation.team_id
                else []
            )
            user = self.accounts.create_user(
                None,
                username=username,
                password=password,
                first_name=first_name,
                last_name=last_name,
                email=invitation.email,
                teams=memberships,
            )
            invitation.accepted_at = timezone.now()
            invitation.user = user
            invitation.save(update_fields=["accepted_at", "user"])
        return user

    @staticmethod
    def _clean_email(email: Any, errors: dict) -> str:
        if not isinstance(email, str) or not email.strip():
            errors["email"] = [_("Give an e-mail address.")]
            return ""
        email = User.objects.normalize_email(email.strip())
        try:
            validate_email(email)
        except ValidationError as error:
            errors["email"] = list(error.messages)
        return email
