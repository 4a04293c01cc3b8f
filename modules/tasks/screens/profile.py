"""The tasks panel of a record's profile, and its actions.

    context["tasks"] = tasks_panel(request.user, entity, record)    # open tasks, then done
    record_urlpatterns("deals")     # add, add from a template, done / not done

    POST records/<slug>/<pk>/tasks/add/               name, due (a date), template (an id)
    POST records/<slug>/<pk>/tasks/<task id>/done/    done=1 or done=0

Every write goes through TaskService or TemplateService; what they refuse comes back as
a Wagtail message and the user goes back to the profile.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from modules.core.exceptions import NotFound, TesseraError
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.tasks.presenter import describe_many
from modules.tasks.services import TaskService
from modules.tasks.templates import TemplateService

#: How many done tasks the panel lists under the open ones.
DONE_SHOWN = 5


class QuickTaskForm(forms.Form):
    """A task from the profile: a name and a day, or a template."""

    template = forms.TypedChoiceField(
        label=gettext_lazy("From a template"), required=False, coerce=int, empty_value=None
    )
    name = forms.CharField(label=gettext_lazy("Task"), required=False, max_length=255)
    due = forms.DateField(
        label=gettext_lazy("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, templates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", "—")] + [(t.pk, t.name) for t in templates]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("template") and not (cleaned.get("name") or "").strip():
            raise forms.ValidationError(_("Give the task a name or choose a template."))
        return cleaned


def tasks_panel(user, entity, record) -> dict:
    """The record's tasks the user may see: open ones by due date, then the last done."""
    rows = (
        TaskService()
        .visible(user)
        .filter(links__entity_type_id=entity.id, links__record_id=record.pk)
        .order_by("due_at", "id")
    )
    open_ = describe_many(user, rows.filter(done_at__isnull=True)[:50])
    done = describe_many(user, rows.filter(done_at__isnull=False).order_by("-done_at")[:DONE_SHOWN])
    templates = TemplateService().offered(entity.slug)
    base = f"records_{entity.slug}"
    return {
        "open": open_,
        "done": done,
        "form": QuickTaskForm(templates=templates, auto_id="task-%s"),
        "add_url": reverse(f"{base}:task_add", args=[record.pk]),
        "done_url": reverse(f"{base}:task_done", args=[record.pk, 0]).replace("/0/", "/{id}/"),
        "mine_url": reverse("tasks_my_work"),
    }


def _profile(entity_slug: str, pk: int) -> str:
    return reverse(f"records_{entity_slug}:inspect", args=[pk]) + "#tasks"


def _record(user, entity_slug: str, pk: int):
    try:
        get_snapshot().entity(entity_slug)
        return RecordService().get(user, entity_slug, pk)
    except NotFound:
        raise Http404 from None


def _refused(request, error: TesseraError) -> None:
    words = [str(m) for messages_ in error.errors.values() for m in messages_]
    messages.error(request, " ".join(words) or error.detail)


@require_POST
def add_task(request, entity_slug: str, pk: int):
    """POST: a task on the record, named here or made from a template."""
    record = _record(request.user, entity_slug, pk)
    templates = TemplateService().offered(entity_slug)
    form = QuickTaskForm(request.POST, templates=templates)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
        return redirect(_profile(entity_slug, pk))
    data = form.cleaned_data
    try:
        if data["template"]:
            task = TemplateService().apply(request.user, data["template"], entity_slug, record.pk)
        else:
            due = data["due"]
            values = {
                "name": data["name"],
                "links": [{"entity": entity_slug, "id": record.pk}],
            }
            if due:
                zone = timezone.get_current_timezone()
                values.update(due_at=dt.datetime.combine(due, dt.time(), tzinfo=zone), all_day=True)
            task = TaskService().create(request.user, values)
    except NotFound:
        raise Http404 from None
    except TesseraError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Task “%(name)s” added.") % {"name": task.name})
    return redirect(_profile(entity_slug, pk))


@require_POST
def set_done(request, entity_slug: str, pk: int, task_id: int):
    """POST done=1 / done=0: the task done or not done."""
    _record(request.user, entity_slug, pk)
    done = request.POST.get("done") == "1"
    try:
        task = TaskService().set_done(request.user, task_id, done)
    except NotFound:
        raise Http404 from None
    except TesseraError as error:
        _refused(request, error)
    else:
        text = _("“%(name)s” is done.") if done else _("“%(name)s” is not done.")
        messages.success(request, text % {"name": task.name})
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(_profile(entity_slug, pk))


def record_urlpatterns(entity_slug: str) -> list:
    """The task actions of every record of a type, under `records/<slug>/`."""
    common = {"entity_slug": entity_slug}
    return [
        path("<int:pk>/tasks/add/", add_task, common, name="task_add"),
        path("<int:pk>/tasks/<int:task_id>/done/", set_done, common, name="task_done"),
    ]
