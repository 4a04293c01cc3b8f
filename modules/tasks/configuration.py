"""Task types, statuses and the statuses switch: the administrators' lists.

    ConfigurationService().add_type(admin, {"name": "Call"})
    ConfigurationService().set_statuses_enabled(admin, True)
    ConfigurationService().add_status(admin, {"name": "Waiting", "is_done": False})

Everyone signed in reads them; administrators write (`require_administrator`). A type
or status in use may be deleted: its tasks keep their other values and lose that one.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.tasks.exceptions import TaskInvalid, TaskNotFound
from modules.tasks.models import TaskSettings, TaskStatus, TaskType


def _denied() -> str:
    return _("Only administrators may change task settings.")


class ConfigurationService:
    """The one writer of task types, statuses and the task settings."""

    def add_type(self, user, values: dict) -> TaskType:
        """A new task type at the end of the list."""
        return self._save(user, TaskType(position=_next(TaskType)), values)

    def change_type(self, user, type_id: Any, values: dict) -> TaskType:
        """Rename or move a task type."""
        return self._save(user, get_row(TaskType, type_id), values)

    def delete_type(self, user, type_id: Any) -> None:
        """Delete a task type; its tasks keep no type."""
        require_administrator(user, _denied())
        get_row(TaskType, type_id).delete()

    def add_status(self, user, values: dict) -> TaskStatus:
        """A new status at the end of the list."""
        return self._save(user, TaskStatus(position=_next(TaskStatus)), values)

    def change_status(self, user, status_id: Any, values: dict) -> TaskStatus:
        """Rename, move or change what a status means."""
        return self._save(user, get_row(TaskStatus, status_id), values)

    def delete_status(self, user, status_id: Any) -> None:
        """Delete a status; its tasks keep no status."""
        require_administrator(user, _denied())
        get_row(TaskStatus, status_id).delete()

    def set_statuses_enabled(self, user, enabled: bool) -> TaskSettings:
        """Switch task statuses on or off (off: tasks are only done or not)."""
        require_administrator(user, _denied())
        settings = TaskSettings.current()
        settings.statuses_enabled = bool(enabled)
        settings.save()
        return settings

    def _save(self, user, row, values: dict):
        require_administrator(user, _denied())
        if "name" in values or row.pk is None:
            name = (values.get("name") or "").strip()
            if not name or len(name) > 100:
                raise TaskInvalid(_("Give a name of 1 to 100 characters."), field="name")
            row.name = name
        if "position" in values:
            row.position = values["position"]
        if "is_done" in values and isinstance(row, TaskStatus):
            row.is_done = bool(values["is_done"])
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            raise TaskInvalid(_("This name is taken."), field="name") from None
        return row


def get_row(model, pk: Any):
    """The row of `model` with id `pk`; TaskNotFound for a missing or malformed id."""
    if isinstance(pk, bool) or not str(pk).isdecimal() or int(pk) >= 2**63:
        raise TaskNotFound(_("Not found."))
    row = model.objects.filter(pk=int(pk)).first()
    if row is None:
        raise TaskNotFound(_("Not found."))
    return row


def _next(model) -> int:
    last = model.objects.order_by("-position").values_list("position", flat=True).first()
    return 0 if last is None else last + 1
