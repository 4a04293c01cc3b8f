"""E-mail to the people an action names when someone completes it, after the commit.

    notify.after_commit(entity, record, action, completion, user)

Whom: the action's `notify` list (administrators, managers of the record's owner, the
record's participants, chosen users), less the one who completed it, and only those who may
see the record (a notice about a record is not sent to someone it is hidden from). Sent
through Django's mail backend, each in the recipient's language; a mail server that refuses
is logged, the completion stands.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from modules.access import engine
from modules.access.grants import holders
from modules.accounts.models import Membership
from modules.core.i18n import localized
from modules.sales.models import Notify

log = logging.getLogger(__name__)


def recipients(entity, record, action, actor) -> list:
    """The active users the action notifies who may see the record, less the actor."""
    wanted = set(action.notify)
    ids: set[int] = set()
    users = get_user_model().objects.filter(is_active=True)
    if Notify.ADMINISTRATORS in wanted:
        ids |= set(
            users.filter(Q(is_superuser=True) | Q(memberships__role="administrator")).values_list(
                "pk", flat=True
            )
        )
    if Notify.MANAGERS in wanted and record.owner_id:
        teams = Membership.objects.filter(user_id=record.owner_id).values("team_id")
        ids |= set(
            Membership.objects.filter(team_id__in=teams, role="manager").values_list(
                "user_id", flat=True
            )
        )
    if Notify.PARTICIPANTS in wanted:
        held = holders(entity, [record.pk])[record.pk].get("participant", {})
        ids |= set(held.get("users", []))
        teams = held.get("teams", [])
        if teams:
            ids |= set(
                Membership.objects.filter(team_id__in=teams).values_list("user_id", flat=True)
            )
    if Notify.USERS in wanted:
        ids |= set(action.notify_users)
    ids.discard(getattr(actor, "pk", None))
    found = users.filter(pk__in=ids).exclude(email="").order_by("pk")
    return [u for u in found if engine.can(u, "view", record)]


def send(entity, record, action, completion, actor) -> int:
    """Send the notices now; how many were sent."""
    people = recipients(entity, record, action, actor)
    if not people:
        return 0
    by = (actor.get_full_name() or actor.get_username()) if actor is not None else _("The system")
    messages = []
    for person in people:
        with translation.override(getattr(person, "language", "") or settings.LANGUAGE_CODE):
            subject = _("%(user)s completed “%(action)s” on %(record)s") % {
                "user": by,
                "action": localized(action.name),
                "record": entity.title_of(record) or f"#{record.pk}",
            }
            body = subject + "\n"
            if completion.note:
                body += "\n" + _("Note: %(note)s") % {"note": completion.note} + "\n"
        messages.append(EmailMessage(subject, body, to=[person.email]))
    try:
        return get_connection().send_messages(messages) or 0
    except OSError:
        log.exception("Could not send the notices of a completed action")
        return 0


def after_commit(entity, record, action, completion, actor) -> None:
    """Send the notices once the completion has committed."""
    if action.notify:
        transaction.on_commit(lambda: send(entity, record, action, completion, actor))
