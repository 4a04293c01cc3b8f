"""An entity type's auto-numbering as one setting: on or off, the pattern, the first number
and the yearly reset, kept in the options of its auto-number field.

    numbering = numbering_of(EntityType.objects.alive().by_slug("deals"))
    numbering.preview(dt.date(2026, 5, 4))            # "1000/2026" for %N/%Y from 1000
    set_numbering(admin, "deals", enabled=True, pattern="%N/%Y", start=1000,
                  reset_yearly=False)

Switching it on for a type without an auto-number field adds one (`number`); switching it
off moves that field to the trash, whence it comes back with its numbers. Every change
goes through `SchemaService`, so it is checked, versioned and in the configuration history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.translation import gettext as _

from modules.core.permissions import require_administrator
from modules.metamodel.exceptions import InvalidFieldOptions
from modules.metamodel.field_types import field_types
from modules.metamodel.field_types.auto_number import pattern_problem
from modules.metamodel.models import EntityType, FieldDefinition
from modules.metamodel.services import SchemaService

AUTO_NUMBER = "auto_number"
#: The field switching numbering on adds.
NUMBER_FIELD = "number"
NUMBER_LABEL = {"en": "Number", "pl": "Numer"}
MAX_START = 10**12
#: Initials a preview shows for `%I`.
PREVIEW_INITIALS = "AB"


@dataclass(frozen=True)
class Numbering:
    """The numbering of one entity type; `field` is the api name of its number field."""

    enabled: bool
    field: str | None
    pattern: str = "%N/%Y"
    start: int = 1
    reset_yearly: bool = False

    def preview(self, day: dt.date, initials: str = PREVIEW_INITIALS) -> str:
        """The first number this pattern gives on `day`."""
        options = SimpleNamespace(options={"pattern": self.pattern})
        return field_types.get(AUTO_NUMBER).format(options, self.start, day, initials)

    def as_dict(self, day: dt.date) -> dict:
        return {
            "enabled": self.enabled,
            "field": self.field,
            "pattern": self.pattern,
            "start": self.start,
            "reset_yearly": self.reset_yearly,
            "preview": self.preview(day),
        }


def number_field(entity: EntityType) -> FieldDefinition | None:
    """The entity type's first live auto-number field, in form order."""
    return entity.fields.alive().filter(type=AUTO_NUMBER).order_by("position", "id").first()


def numbering_of(entity: EntityType) -> Numbering:
    """The numbering as stored (off: the defaults a new one would start from)."""
    return _numbering_in(number_field(entity))


def _numbering_in(field: FieldDefinition | None) -> Numbering:
    if field is None:
        return Numbering(enabled=False, field=None)
    return Numbering(
        enabled=True,
        field=field.api_name,
        pattern=field.options.get("pattern", "%N"),
        start=int(field.options.get("start", 1)),
        reset_yearly=bool(field.options.get("reset_yearly", False)),
    )


def check_numbering(pattern: str, start: int) -> None:
    """Raise InvalidFieldOptions naming `pattern` or `start` when either is wrong."""
    errors = {}
    problem = pattern_problem(pattern) if 2 <= len(pattern) <= 40 else None
    if not 2 <= len(pattern) <= 40:
        problem = _("A pattern has 2 to 40 characters.")
    if problem:
        errors["pattern"] = [str(problem)]
    if not 0 <= start <= MAX_START:
        errors["start"] = [_("Start from a number between 0 and 10^12.")]
    if errors:
        raise InvalidFieldOptions(_("The numbering is not valid."), errors=errors)


def set_numbering(
    user,
    slug: str,
    *,
    enabled: bool,
    pattern: str | None = None,
    start: int | None = None,
    reset_yearly: bool | None = None,
) -> Numbering:
    """Store the numbering of `slug` (a setting left None keeps what the number field had,
    in the trash too); a refusal changes nothing."""
    require_administrator(user)
    service = SchemaService()
    entity = EntityType.objects.alive().by_slug(slug)
    field = number_field(entity)
    if not enabled:
        if field is not None:
            service.trash_field(user, slug, field.api_name)
        return numbering_of(EntityType.objects.alive().by_slug(slug))
    trashed = _trashed_number_field(entity) if field is None else None
    had = _numbering_in(field or trashed)
    pattern = had.pattern if pattern is None else pattern
    start = had.start if start is None else start
    reset_yearly = had.reset_yearly if reset_yearly is None else reset_yearly
    check_numbering(pattern, start)
    options = {"pattern": pattern, "start": start, "reset_yearly": reset_yearly}
    if trashed is not None:
        # Its numbers come back with it, and its counter goes on where it stopped.
        service.restore_field(user, slug, trashed.api_name)
        service.update_field(user, slug, trashed.api_name, options=options)
    elif field is None:
        service.add_field(
            user,
            slug,
            api_name=_free_name(entity),
            label=NUMBER_LABEL,
            type=AUTO_NUMBER,
            options=options,
            is_basic=True,
            section=0,
        )
    else:
        service.update_field(user, slug, field.api_name, options=options)
    return numbering_of(EntityType.objects.alive().by_slug(slug))


def _trashed_number_field(entity: EntityType) -> FieldDefinition | None:
    """The auto-number field switching numbering off put in the trash, if it is there."""
    rows = entity.fields.trashed().filter(type=AUTO_NUMBER, replaced_by__isnull=True)
    return rows.order_by("-deleted_at").first()


def _free_name(entity: EntityType) -> str:
    """`number`, or `number_2`, … when a live field has the name."""
    taken = set(entity.fields.alive().values_list("api_name", flat=True))
    name, suffix = NUMBER_FIELD, 1
    while name in taken:
        suffix += 1
        name = f"{NUMBER_FIELD}_{suffix}"
    return name
