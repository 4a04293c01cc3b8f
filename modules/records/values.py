"""Values sent to `RecordService`: cleaned by the field types, checked for clashes and
staleness without telling the caller what they may not open.

    cleaned = service._clean(model, {"name": "Acme"}, user=user, creating=True)
    service._check_version(user, record, expected_version=3)

`ValueChecks` is a part of `RecordService`.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from modules.access import engine
from modules.access.links import seen_values
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.records.exceptions import RecordInvalid, StaleRecord, ValueUnavailable
from modules.records.sharing import unavailable_message


class ValueChecks:
    """Cleaning and checking the values of a create or an update."""

    def _clean(self, model, values: Any, *, user, creating: bool, current=None) -> dict:
        entity: EntitySpec = model.entity
        if not isinstance(values, dict):
            raise RecordInvalid(_("Give the values as an object of field names."))
        errors: dict[str, list[str]] = {}
        cleaned: dict[str, Any] = {}
        for name, value in values.items():
            if not entity.has_field(name):
                errors[name] = [_("There is no field '%(name)s'.") % {"name": name}]
                continue
            spec = entity.field(name)
            try:
                cleaned[name] = spec.type_class.clean(spec, value)
            except ValidationError as error:
                errors[name] = list(error.messages)
                continue
            # Even a value equal to the stored one: else a 200 against a 400 would confirm
            # a guess at a link withheld from the caller.
            if spec.target_entity_id and cleaned[name] is not None:
                target = get_snapshot().model_by_id(spec.target_entity_id)
                seen = target.objects.filter(engine.visible_q(user, target.entity))
                if not seen.filter(pk=cleaned[name]).exists():
                    # The same words as for a missing id: nothing about the unseen record.
                    errors[name] = [_("No record has the id %(id)s.") % {"id": cleaned[name]}]
                    continue
            if spec.required and cleaned[name] is None:
                errors[name] = [_("This field is required.")]
        if creating:
            for spec in entity.fields:
                if (
                    spec.required
                    and spec.api_name not in values
                    and not spec.type_class.allocates_on_create
                ):
                    errors[spec.api_name] = [_("This field is required.")]
        taken, unavailable = self._unique_errors(
            model, cleaned, current.pk if current else None, user
        )
        errors.update(taken)
        if unavailable:
            errors.update(unavailable)
            raise ValueUnavailable(_("Some values are not available."), errors=errors)
        if errors:
            raise RecordInvalid(_("Some values are not valid."), errors=errors)
        return cleaned

    def _without_unread_blanks(self, user, record, values: Any) -> Any:
        """`values` less the empty ones for fields the user cannot read on `record`: a link
        to a record out of their sight (or in the trash), a field masked to them. A PUT of
        what they were shown (null there) or a null keeps the stored value: nobody clears
        what they never saw. An explicit new value still replaces it."""
        if not isinstance(values, dict):
            return values
        entity = record.entity
        blanks = [
            entity.field(name)
            for name, value in values.items()
            if entity.has_field(name) and entity.field(name).type_class.is_empty(value)
        ]
        if not blanks:
            return values
        mask = engine.field_mask(user, record)
        unread = set()
        for spec in blanks:
            stored = spec.type_class.get_value(record, spec)
            if stored is None:
                continue
            # A list (tags, several choices) links to no record; only a link can be unseen.
            unseen = isinstance(stored, Hashable) and not seen_values(spec, {stored}, user)
            if (mask is not None and spec.api_name not in mask) or unseen:
                unread.add(spec.api_name)
        return {name: value for name, value in values.items() if name not in unread}

    def _unique_errors(self, model, cleaned: dict, own_id: int | None, user) -> tuple[dict, dict]:
        """({name: [message]} for values a record the user may open holds, the same for
        values only records the user may not open hold). The second kind names no record
        and reads alike for an unseen and a masked holder, so it reveals neither."""
        taken, unavailable = {}, {}
        for name, value in cleaned.items():
            spec = model.entity.field(name)
            if not spec.unique or value is None:
                continue
            lookup = {f"{name}__iexact" if isinstance(value, str) else name: value}
            clash = model.objects.alive().filter(**lookup)
            if own_id is not None:
                clash = clash.exclude(pk=own_id)
            if clash.filter(engine.open_q(user, model.entity)).exists():
                taken[name] = [_("Another record already has this value.")]
            elif clash.exists():
                unavailable[name] = [unavailable_message()]
        return taken, unavailable

    def _check_version(self, user, record, expected_version: int) -> None:
        """Refuse a stale `expected_version`, telling the stored version only to a user who
        may open the record. On one they may only list, they never read its version, so any
        version they send is stale: answering 200 for the right one would reveal it."""
        if not engine.is_open(user, record):
            raise StaleRecord(
                _(
                    "Someone else changed this record since you opened it. "
                    "Reload it and apply your change again."
                ),
                field="version",
            )
        if expected_version == record.version:
            return
        raise StaleRecord(
            _(
                "Someone else changed this record since you opened it (version %(theirs)s, "
                "yours %(yours)s). Reload it and apply your change again."
            )
            % {"theirs": record.version, "yours": expected_version},
            field="version",
            extra={"current_version": record.version},
        )
