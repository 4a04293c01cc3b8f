"""My work: my tasks (overdue, today, upcoming), a week or month calendar, and a
manager's view of their teams' tasks.

    GET tasks/                          my open tasks in three groups, and the add form
    GET tasks/?who=team                 the same for the members of the teams I manage
    GET tasks/calendar/?view=week|month&date=2026-12-07&who=team
    POST tasks/add/                     name, due, priority, type, private
    POST tasks/<id>/done/               done=1 or done=0

Lists read through `TaskService().visible(user)`; the team view narrows it to tasks whose
responsible user is a member of a team the viewer manages (never widens it). Repeating
tasks show each occurrence in the calendar's range.
"""

from __future__ import annotations

import calendar as months
import datetime as dt

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from modules.access.spec import user_access
from modules.core import formats
from modules.core.exceptions import NotFound, TesseraError
from modules.tasks import access, recurrence
from modules.tasks.models import Priority, TaskType
from modules.tasks.presenter import describe_many
from modules.tasks.services import TaskService

#: Tasks listed per group of My work.
GROUP_SIZE = 100


class MyTaskForm(forms.Form):
    """A task of my own, not about a record."""

    name = forms.CharField(label=gettext_lazy("Task"), max_length=255)
    due = forms.DateTimeField(
        label=gettext_lazy("Due"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    type = forms.TypedChoiceField(
        label=gettext_lazy("Type"), required=False, coerce=int, empty_value=None
    )
    private = forms.BooleanField(label=gettext_lazy("Private"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "—")] + [(t.pk, t.name) for t in TaskType.objects.all()]


def _scope(request):
    """The tasks the page lists: mine, or (`?who=team`) my teams' members'."""
    user = request.user
    rows = TaskService().visible(user)
    if request.GET.get("who") == "team":
        managed = sorted(user_access(user).managed_members - {user.pk})
        return rows.filter(responsible_id__in=managed), True
    return rows.filter(access.taking_part_q(user)), False


class _Page(WagtailAdminTemplateMixin, TemplateView):
    """A page of My work, named in the breadcrumbs."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class MyWorkView(_Page):
    """My open tasks: overdue, today, upcoming (and those with no date)."""

    template_name = "tasks/my_work.html"
    page_title = gettext_lazy("My work")
    header_icon = "tasks"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows, team = _scope(self.request)
        rows = rows.filter(done_at__isnull=True)
        zone = timezone.get_current_timezone()
        today = timezone.localdate()
        start = dt.datetime.combine(today, dt.time(), tzinfo=zone)
        end = start + dt.timedelta(days=1)
        now = timezone.now()
        context.update(
            groups=[
                (
                    _("Overdue"),
                    "overdue",
                    describe_many(
                        self.request.user,
                        rows.filter(due_at__lt=now).order_by("due_at", "id")[:GROUP_SIZE],
                    ),
                ),
                (
                    _("Today"),
                    "today",
                    describe_many(
                        self.request.user,
                        rows.filter(due_at__gte=now, due_at__lt=end).order_by("due_at", "id")[
                            :GROUP_SIZE
                        ],
                    ),
                ),
                (
                    _("Upcoming"),
                    "upcoming",
                    describe_many(
                        self.request.user,
                        rows.filter(due_at__gte=end).order_by("due_at", "id")[:GROUP_SIZE],
                    ),
                ),
                (
                    _("No date"),
                    "undated",
                    describe_many(
                        self.request.user,
                        rows.filter(due_at__isnull=True).order_by("-id")[:GROUP_SIZE],
                    ),
                ),
            ],
            team=team,
            manages=bool(user_access(self.request.user).managed_members - {self.request.user.pk}),
            form=MyTaskForm(auto_id="my-task-%s"),
            done_url=reverse("tasks_done", args=[0]).replace("/0/", "/{id}/"),
            here=self.request.get_full_path(),
        )
        return context


class CalendarView(_Page):
    """A week or a month of my tasks (or my teams'), repeating ones at each occurrence."""

    template_name = "tasks/calendar.html"
    page_title = gettext_lazy("Task calendar")
    header_icon = "date"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        view = "month" if self.request.GET.get("view") == "month" else "week"
        try:
            day = dt.date.fromisoformat(self.request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        if view == "week":
            first = day - dt.timedelta(days=day.weekday())
            last = first + dt.timedelta(days=6)
            previous, following = first - dt.timedelta(days=7), first + dt.timedelta(days=7)
        else:
            first = day.replace(day=1)
            last = first.replace(day=months.monthrange(first.year, first.month)[1])
            first, last = (
                first - dt.timedelta(days=first.weekday()),
                last + dt.timedelta(days=6 - last.weekday()),
            )
            middle = day.replace(day=1)
            previous = (middle - dt.timedelta(days=1)).replace(day=1)
            following = (middle + dt.timedelta(days=32)).replace(day=1)
        zone = timezone.get_current_timezone()
        since = dt.datetime.combine(first, dt.time(), tzinfo=zone)
        until = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        rows, team = _scope(self.request)
        dated = rows.exclude(due_at__isnull=True).filter(
            (Q(repetition="") & Q(due_at__gte=since, due_at__lt=until))
            | (~Q(repetition="") & Q(due_at__lt=until))
        )
        by_day: dict[dt.date, list] = {}
        for row in describe_many(self.request.user, dated.order_by("due_at", "id")[:2000]):
            for moment in recurrence.occurrences(
                row["task"], since, until - dt.timedelta(microseconds=1)
            ):
                local = moment.astimezone(zone)
                by_day.setdefault(local.date(), []).append(
                    {**row, "when": "" if row["all_day"] else formats.time(local.time())}
                )
        weeks, cursor = [], first
        while cursor <= last:
            weeks.append(
                [
                    (cursor + dt.timedelta(days=i), by_day.get(cursor + dt.timedelta(days=i), []))
                    for i in range(7)
                ]
            )
            cursor += dt.timedelta(days=7)
        query = "&who=team" if team else ""
        other = "week" if view == "month" else "month"
        context.update(
            view=view,
            weeks=weeks,
            month=day.month if view == "month" else None,
            today=timezone.localdate(),
            weekdays=[formats.date(first + dt.timedelta(days=i)) for i in range(7)]
            if view == "week"
            else None,
            day_names=[_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")],
            title=f"{formats.date(first)} \N{EN DASH} {formats.date(last)}",
            previous_url=f"?view={view}&date={previous.isoformat()}{query}",
            next_url=f"?view={view}&date={following.isoformat()}{query}",
            other_view_url=f"?view={other}&date={day.isoformat()}{query}",
            team=team,
        )
        return context


@require_POST
def add_my_task(request):
    """POST: a task of mine from the form of My work."""
    form = MyTaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(m) for errs in form.errors.values() for m in errs))
        return redirect("tasks_my_work")
    data = form.cleaned_data
    values = {
        "name": data["name"],
        "priority": data["priority"],
        "type": data["type"],
        "private": data["private"],
    }
    if data["due"]:
        values["due_at"] = data["due"]
    try:
        task = TaskService().create(request.user, values)
    except TesseraError as error:
        messages.error(
            request, " ".join(str(m) for ms in error.errors.values() for m in ms) or error.detail
        )
    else:
        messages.success(request, _("Task “%(name)s” added.") % {"name": task.name})
    return redirect("tasks_my_work")


@require_POST
def set_done(request, task_id: int):
    """POST done=1 / done=0 from My work or the calendar."""
    done = request.POST.get("done") == "1"
    try:
        task = TaskService().set_done(request.user, task_id, done)
    except NotFound:
        messages.error(request, _("Not found."))
    except TesseraError as error:
        messages.error(request, error.detail)
    else:
        text = _("“%(name)s” is done.") if done else _("“%(name)s” is not done.")
        messages.success(request, text % {"name": task.name})
    target = request.POST.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("tasks_my_work")


urlpatterns = [
    path("tasks/", MyWorkView.as_view(), name="tasks_my_work"),
    path("tasks/calendar/", CalendarView.as_view(), name="tasks_calendar"),
    path("tasks/add/", add_my_task, name="tasks_add"),
    path("tasks/<int:task_id>/done/", set_done, name="tasks_done"),
]
