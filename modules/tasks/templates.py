"""Task templates and task sets: tasks made from a pattern, dated from a moment.

    TemplateService().apply(user, template_id, "deals", 42)          # one task, due in N days
    TemplateService().apply_set(user, set_id, "deals", 42, moment=won_at)
    TemplateService().post_sale(user, "deals", 42, won_at)           # every post-sale set

A template's task is due `due_in_days` after the moment (now, or when the deal was won) at
`due_time` in the current time zone, or all day without one; it goes to the acting user
or to the record's owner, and is linked to the record. Templates and sets are written
by administrators; applying one needs only what making the task needs (seeing the record).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.records.services import RecordService
from modules.tasks.configuration import get_row
from modules.tasks.exceptions import TaskInvalid
from modules.tasks.models import Assignee, Priority, Task, TaskSet, TaskTemplate, TaskType
from modules.tasks.services import TaskService

MAX_DAYS = 3650


def _denied() -> str:
    return _("Only administrators may change task templates.")


class TemplateService:
    """The one writer of templates and sets; makes tasks from them through TaskService."""

    # -- applying ----------------------------------------------------------------------

    def apply(
        self, user, template_id: Any, entity_slug: str, record_id: Any, *, moment=None
    ) -> Task:
        """A task from the template, linked to the record (which the user must see)."""
        template = get_row(TaskTemplate, template_id)
        record = RecordService().get(user, entity_slug, record_id)
        if template.entity_types and entity_slug not in template.entity_types:
            raise TaskInvalid(
                _("This template is not offered on this kind of record."), field="template"
            )
        return TaskService().create(
            user, self.values(user, template, entity_slug, record, moment), template=template
        )

    def apply_set(
        self, user, set_id: Any, entity_slug: str, record_id: Any, *, moment=None
    ) -> list[Task]:
        """A task from each template of the set offered on the record's type."""
        task_set = get_row(TaskSet, set_id)
        record = RecordService().get(user, entity_slug, record_id)
        with transaction.atomic():
            return [
                TaskService().create(
                    user, self.values(user, t, entity_slug, record, moment), template=t
                )
                for t in task_set.templates.order_by("due_in_days", "name")
                if not t.entity_types or entity_slug in t.entity_types
            ]

    def post_sale(self, user, entity_slug: str, record_id: Any, won_at=None) -> list[Task]:
        """The tasks of every post-sale set for a deal just won, dated from `won_at`."""
        tasks: list[Task] = []
        for task_set in TaskSet.objects.filter(post_sale=True):
            tasks += self.apply_set(user, task_set.pk, entity_slug, record_id, moment=won_at)
        return tasks

    def values(self, user, template: TaskTemplate, entity_slug: str, record, moment) -> dict:
        """What TaskService is given for a task made from `template` on `record`."""
        zone = timezone.get_current_timezone()
        start = (moment or timezone.now()).astimezone(zone)
        day = start.date() + dt.timedelta(days=template.due_in_days)
        all_day = template.due_time is None
        due = dt.datetime.combine(day, template.due_time or dt.time(), tzinfo=zone)
        # The system (a deal won by an automation) gives the task to the record's owner.
        responsible = user if user is not None else record.owner_id
        if template.assignee == Assignee.RECORD_OWNER and record.owner_id:
            responsible = record.owner_id
        return {
            "name": template.task_name,
            "description": template.description,
            "type": template.type_id,
            "priority": template.priority,
            "due_at": due,
            "all_day": all_day,
            "time_zone": timezone.get_current_timezone_name(),
            "private": template.private,
            "responsible": getattr(responsible, "pk", responsible),
            "links": [{"entity": entity_slug, "id": record.pk}],
        }

    def by_key(self) -> dict[str, str]:
        """Every template's key and name: what a sales action may name."""
        return dict(TaskTemplate.objects.exclude(key=None).values_list("key", "name"))

    def offered(self, entity_slug: str) -> list[TaskTemplate]:
        """The templates offered on records of the entity type."""
        return [
            t
            for t in TaskTemplate.objects.all()
            if not t.entity_types or entity_slug in t.entity_types
        ]

    # -- templates and sets ------------------------------------------------------------

    def create_template(self, user, values: dict) -> TaskTemplate:
        """A new template."""
        return self._save_template(user, TaskTemplate(), values)

    def change_template(self, user, template_id: Any, values: dict) -> TaskTemplate:
        """Change what `values` names."""
        return self._save_template(user, get_row(TaskTemplate, template_id), values)

    def delete_template(self, user, template_id: Any) -> None:
        """Delete a template (tasks made from it stay)."""
        require_administrator(user, _denied())
        get_row(TaskTemplate, template_id).delete()

    def create_set(self, user, values: dict) -> TaskSet:
        """A new set of templates."""
        return self._save_set(user, TaskSet(), values)

    def change_set(self, user, set_id: Any, values: dict) -> TaskSet:
        """Change what `values` names."""
        return self._save_set(user, get_row(TaskSet, set_id), values)

    def delete_set(self, user, set_id: Any) -> None:
        """Delete a set (its templates stay)."""
        require_administrator(user, _denied())
        get_row(TaskSet, set_id).delete()

    def _save_template(self, user, row: TaskTemplate, values: dict) -> TaskTemplate:
        require_administrator(user, _denied())
        errors: dict[str, list[str]] = {}
        creating = row.pk is None
        for key, label in (("name", 100), ("task_name", 255)):
            if key in values or creating:
                text = (values.get(key) or "").strip()
                if not text or len(text) > label:
                    errors[key] = [_("Give 1 to %(count)s characters.") % {"count": label}]
                setattr(row, key, text)
        if "key" in values or creating:
            key = values.get("key") or slugify(row.name)[:63] or None
            if key is not None and not re.fullmatch(r"[-a-z0-9_]{1,63}", key):
                errors["key"] = [_("Give lowercase letters, digits, - and _.")]
            row.key = key
        if "description" in values:
            row.description = (values["description"] or "").strip()
        if "type" in values:
            row.type = None
            if values["type"] is not None:
                row.type = TaskType.objects.filter(pk=values["type"]).first()
                if row.type is None:
                    errors["type"] = [_("There is no such choice.")]
        if "priority" in values:
            if values["priority"] not in Priority.values:
                errors["priority"] = [_("Choose low, normal or high.")]
            row.priority = values["priority"]
        if "due_in_days" in values:
            days = values["due_in_days"]
            if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_DAYS:
                errors["due_in_days"] = [_("Give 0 to %(count)s days.") % {"count": MAX_DAYS}]
            else:
                row.due_in_days = days
        if "due_time" in values:
            row.due_time = values["due_time"]
        if "private" in values:
            row.private = bool(values["private"])
        if "assignee" in values:
            if values["assignee"] not in Assignee.values:
                errors["assignee"] = [_("Choose who the task goes to.")]
            row.assignee = values["assignee"]
        if "entity_types" in values:
            slugs = list(dict.fromkeys(values["entity_types"] or []))
            snapshot = get_snapshot()
            for slug in slugs:
                try:
                    snapshot.entity(slug)
                except EntityTypeNotFound:
                    errors.setdefault("entity_types", []).append(
                        _("There is no entity type '%(slug)s'.") % {"slug": slug}
                    )
            row.entity_types = slugs
        if errors:
            raise TaskInvalid(_("Some values are not valid."), errors=errors)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise TaskInvalid(_("This name or key is taken."), field="name") from None
        return row

    def _save_set(self, user, row: TaskSet, values: dict) -> TaskSet:
        require_administrator(user, _denied())
        if "name" in values or row.pk is None:
            name = (values.get("name") or "").strip()
            if not name or len(name) > 100:
                raise TaskInvalid(
                    _("Give 1 to %(count)s characters.") % {"count": 100}, field="name"
                )
            row.name = name
        if "post_sale" in values:
            row.post_sale = bool(values["post_sale"])
        templates = None
        if "templates" in values:
            ids = set(values["templates"] or [])
            templates = list(TaskTemplate.objects.filter(pk__in=ids))
            if len(templates) != len(ids):
                raise TaskInvalid(_("There is no such template."), field="templates")
        try:
            with transaction.atomic():
                row.save()
                if templates is not None:
                    row.templates.set(templates)
        except IntegrityError:
            raise TaskInvalid(_("This name is taken."), field="name") from None
        return row
