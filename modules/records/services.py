"""RecordService: the only writer of entity rows.

    service = RecordService()
    deal = service.create(user, "deals", {"name": "Renewal", "value": {"amount": "1200"}})
    service.update(user, "deals", deal.pk, {"name": "Renewal 2027"}, expected_version=1)
    service.delete(user, "deals", deal.pk)       # to the trash
    service.restore(user, "deals", deal.pk)

Values are validated by the field types; a stale `expected_version` is a conflict;
only the fields named in an update are written, so concurrent edits of different
fields both survive.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.records import numbering
from modules.records.exceptions import RecordInvalid, RecordNotFound, StaleRecord

VISIBILITIES = ("public", "non_public", "hidden")


class RecordService:
    """Create, update, trash and restore records of any entity type."""

    def get(self, user, entity_slug: str, record_id: Any, *, trashed: bool = False):
        snapshot = get_snapshot()
        model = snapshot.model(entity_slug)
        return self._load(model, record_id, trashed=trashed)

    @transaction.atomic
    def create(
        self, user, entity_slug: str, values: dict, *, owner=None, visibility: str | None = None
    ):
        snapshot = get_snapshot()
        entity, model = snapshot.entity(entity_slug), snapshot.model(entity_slug)
        record = model()
        cleaned = self._clean(model, values, creating=True)
        for spec in entity.fields:
            given = cleaned.get(spec.api_name)
            if given is None and spec.type_class.allocates_on_create:
                # Left empty (or sent empty by a form): the next number.
                given = numbering.allocate(spec, user)
            if given is not None:
                spec.type_class.set_value(record, spec, given)
        record.owner = self._owner(owner) if owner is not None else user
        record.visibility = self._visibility(visibility)
        record.created_by = record.updated_by = user
        record.save(force_insert=True)
        return record

    @transaction.atomic
    def update(
        self,
        user,
        entity_slug: str,
        record_id: Any,
        values: dict,
        *,
        expected_version: int | None = None,
        owner=None,
        visibility: str | None = None,
    ):
        """Write the named values; `owner` and `visibility` change only when given."""
        snapshot = get_snapshot()
        entity, model = snapshot.entity(entity_slug), snapshot.model(entity_slug)
        record = self._load(model, record_id, lock=True)
        if expected_version is not None and expected_version != record.version:
            raise StaleRecord(
                _(
                    "Someone else changed this record since you opened it (version %(theirs)s, "
                    "yours %(yours)s). Reload it and apply your change again."
                )
                % {"theirs": record.version, "yours": expected_version},
                field="version",
                extra={"current_version": record.version},
            )
        cleaned = self._clean(model, values, creating=False, record_id=record.pk)
        changed: list[str] = []
        for name, value in cleaned.items():
            spec = entity.field(name)
            if spec.type_class.get_value(record, spec) != value:
                spec.type_class.set_value(record, spec, value)
                changed.extend(spec.type_class.attribute_names(spec.api_name))
        if owner is not None and self._owner(owner).pk != record.owner_id:
            record.owner = self._owner(owner)
            changed.append("owner")
        if visibility is not None and self._visibility(visibility) != record.visibility:
            record.visibility = visibility
            changed.append("visibility")
        if not changed:
            return record
        record.updated_by = user
        record.updated_at = timezone.now()
        record.version = F("version") + 1
        record.save(update_fields=[*changed, "updated_by", "updated_at", "version"])
        record.refresh_from_db(fields=["version"])
        return record

    @transaction.atomic
    def delete(self, user, entity_slug: str, record_id: Any) -> None:
        """Move a record to the trash; it keeps its data (and its number)."""
        model = get_snapshot().model(entity_slug)
        record = self._load(model, record_id, lock=True)
        model.objects.filter(pk=record.pk).update(
            deleted_at=timezone.now(),
            updated_by=user,
            updated_at=timezone.now(),
            version=F("version") + 1,
        )

    @transaction.atomic
    def restore(self, user, entity_slug: str, record_id: Any):
        model = get_snapshot().model(entity_slug)
        record = self._load(model, record_id, lock=True, trashed=True)
        model.objects.filter(pk=record.pk).update(
            deleted_at=None, updated_by=user, updated_at=timezone.now(), version=F("version") + 1
        )
        record.refresh_from_db()
        return record

    # -- helpers -------------------------------------------------------------------
    def _load(self, model, record_id: Any, *, lock: bool = False, trashed: bool = False):
        rows = model.objects.filter(deleted_at__isnull=not trashed)
        if lock:
            rows = rows.select_for_update()
        try:
            return rows.get(pk=int(record_id))
        except (model.DoesNotExist, TypeError, ValueError):
            raise RecordNotFound(_("No such record.")) from None

    def _clean(self, model, values: Any, *, creating: bool, record_id: int | None = None) -> dict:
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
        errors.update(self._unique_errors(model, cleaned, record_id))
        if errors:
            raise RecordInvalid(_("Some values are not valid."), errors=errors)
        return cleaned

    def _unique_errors(self, model, cleaned: dict, own_id: int | None) -> dict:
        errors = {}
        for name, value in cleaned.items():
            spec = model.entity.field(name)
            if not spec.unique or value is None:
                continue
            lookup = {f"{name}__iexact" if isinstance(value, str) else name: value}
            clash = model.objects.filter(deleted_at__isnull=True, **lookup)
            if own_id is not None:
                clash = clash.exclude(pk=own_id)
            if clash.exists():
                errors[name] = [_("Another record already has this value.")]
        return errors

    def _owner(self, owner):
        """A user object for an owner given as a user or an id; only active users own."""
        user_model = get_user_model()
        if isinstance(owner, user_model) and owner.is_active:
            return owner
        if not isinstance(owner, bool) and str(owner).isdigit():
            found = user_model.objects.filter(pk=int(owner), is_active=True).first()
            if found is not None:
                return found
        raise RecordInvalid(_("Choose an active user as the owner."), field="owner")

    def _visibility(self, visibility: str | None) -> str:
        if visibility is None:
            return "public"
        if visibility not in VISIBILITIES:
            raise RecordInvalid(
                _("Visibility must be one of: %(values)s.") % {"values": ", ".join(VISIBILITIES)},
                field="visibility",
            )
        return visibility
