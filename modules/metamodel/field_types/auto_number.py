"""Numbers given on create from a pattern: `%N/%Y` gives `17/2026`.

Tokens: `%N` next number, `%Y` year, `%M` month, `%D` day, `%I` creator's initials.
Numbers come from a counter that never goes back, so a deleted record's number is
never given again; the number may be edited by hand afterwards.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.metamodel.exceptions import InvalidFieldOptions
from modules.metamodel.field_types.base import FieldType

TOKENS = ("%N", "%Y", "%M", "%D", "%I")


def pattern_problem(pattern: str) -> str | None:
    """What is wrong with a numbering pattern, in words (None: nothing)."""
    if "%N" not in pattern:
        return str(_("The pattern must contain %N, where the number goes."))
    for index, char in enumerate(pattern):
        # "%" before another "%" is a literal percent sign: "(%%N)" gives "(%17)".
        if char == "%" and pattern[index + 1 : index + 2] == "%":
            continue
        if char == "%" and pattern[index : index + 2] not in TOKENS:
            return str(
                _("%(token)s is not a token. Use %%N, %%Y, %%M, %%D or %%I.")
                % {"token": pattern[index : index + 2]}
            )
    if any(ord(char) < 32 for char in pattern):
        return str(_("The pattern cannot hold line breaks or other control characters."))
    return None


class AutoNumberType(FieldType):
    type = "auto_number"
    label = _("Auto number")
    options_schema = {
        "type": "object",
        "properties": {
            "pattern": {"type": "string", "minLength": 2, "maxLength": 40, "default": "%N"},
            "start": {"type": "integer", "minimum": 0, "maximum": 10**12, "default": 1},
            "reset_yearly": {"type": "boolean", "default": False},
        },
        "additionalProperties": False,
    }
    lookups = ("exact", "in", "icontains", "isnull")
    searchable = True
    convertible_to = frozenset({"text"})
    allocates_on_create = True
    indexed = True

    def check_options(self, options):
        problem = pattern_problem(options["pattern"])
        if problem:
            raise InvalidFieldOptions(problem, field="options.pattern")

    def model_field(self, field, target_model=None):
        return models.CharField(max_length=64, null=True, blank=True)

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        text = str(value).strip()
        if len(text) > 64:
            raise ValidationError(_("A number has at most 64 characters."), code="invalid")
        return text or None

    def period(self, field, day: dt.date) -> str:
        """The counter a number is drawn from: one per year when numbers reset yearly."""
        return str(day.year) if field.options.get("reset_yearly") else ""

    def format(self, field, sequence: int, day: dt.date, initials: str) -> str:
        tokens = {
            "%N": str(sequence),
            "%Y": f"{day.year:04d}",
            "%M": f"{day.month:02d}",
            "%D": f"{day.day:02d}",
            "%I": initials,
        }
        result, pattern, i = [], field.options.get("pattern", "%N"), 0
        while i < len(pattern):
            token = pattern[i : i + 2]
            if token in tokens:
                result.append(tokens[token])
                i += 2
            else:
                result.append(pattern[i])
                i += 1
        return "".join(result)
