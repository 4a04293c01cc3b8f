"""The process steps of the admin screens: form posts from the profile panel and the board.

    POST records/<slug>/<pk>/process/move/       stage=, version=, next=
    POST records/<slug>/<pk>/process/complete/   action=, note=, file=, next=
    POST records/<slug>/<pk>/process/reopen/     action=, next=
    POST records/<slug>/<pk>/process/win/        next=
    POST records/<slug>/<pk>/process/lose/       reason=, next=
    POST records/<slug>/<pk>/process/unlock/     next=

Each goes through `ProcessService`, says what happened as a Wagtail message and goes back
to `next` (the board or the profile; only a path of this site), else the profile.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.http import require_POST

from modules.core.exceptions import Conflict, TesseraError
from modules.core.exceptions import PermissionDenied as Refused
from modules.records.exceptions import RecordNotFound
from modules.sales.exceptions import ProcessesOff
from modules.sales.process import ProcessService

STEPS = ("move", "complete", "reopen", "win", "lose", "unlock")


def _version(request) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


def _back(request, slug: str, pk: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(reverse(f"records_{slug}:inspect", args=[pk]))


def _do(request, entity_slug: str, pk: int, step: str):
    service, post, user = ProcessService(), request.POST, request.user
    version = _version(request)
    if step == "move":
        service.move(user, entity_slug, pk, post.get("stage", ""), version=version)
        return _("Moved.")
    if step == "complete":
        service.complete(
            user,
            entity_slug,
            pk,
            post.get("action", ""),
            note=post.get("note", ""),
            file=request.FILES.get("file"),
            version=version,
        )
        return _("Action completed.")
    if step == "reopen":
        service.reopen(user, entity_slug, pk, post.get("action", ""), version=version)
        return _("Action reopened.")
    if step == "win":
        service.win(user, entity_slug, pk, version=version)
        return _("Marked as won.")
    if step == "lose":
        service.lose(user, entity_slug, pk, post.get("reason", ""), version=version)
        return _("Marked as lost.")
    service.unlock(user, entity_slug, pk, version=version)
    return _("Unlocked.")


@require_POST
def process_step(request, entity_slug: str, pk: int, step: str):
    """POST: one step of the record's process, then back where the user came from."""
    try:
        done = _do(request, entity_slug, pk, step)
    except (RecordNotFound, ProcessesOff):
        raise Http404 from None
    except Refused as refusal:
        return defaults.permission_denied(request, PermissionDenied(refusal.detail))
    except Conflict as conflict:
        messages.error(
            request,
            _("Not saved: %(reason)s Reload to see the record as it is now.")
            % {"reason": conflict.detail},
        )
    except TesseraError as error:
        details = [m for messages_ in error.errors.values() for m in messages_]
        messages.error(request, " ".join([error.detail, *details]) if details else error.detail)
    else:
        messages.success(request, done)
    return _back(request, entity_slug, pk)
