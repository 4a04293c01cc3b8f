"""Lead intake: what a marketing tool or a web form sends becomes a new lead.

    IntakeService().take(user, {"first_name": "Jan", "email": "jan@example.com", ...})

The values are checked as any create checks them (`RecordService.create`, as the calling
user, who needs `add` on leads), then the lead goes through distribution like any new
lead. The duplicate check follows: when a person the duplicate rules of persons match
already exists, the lead is attached to that contact (its `person` field, written as the
system with the history action `intake`). The caller learns nothing of that: the answer
is the same whether or not the contact existed. Fields the intake sets itself (`status`,
the distribution note, what a lead became) are refused in the body.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from modules.leads.duplicates import DuplicateService
from modules.leads.services import LEADS
from modules.records.exceptions import RecordInvalid
from modules.records.services import RecordService

#: Lead fields an intake may not set.
RESERVED = ("status", "disqualification_reason", "assignment_rule", "assignment_reason")
LINKS = ("deal", "person", "company")
#: Person field <- lead field, for the duplicate check.
CONTACT = {"first_name": "first_name", "last_name": "last_name", "email": "email", "phone": "phone"}


class IntakeService:
    """Takes leads from outside."""

    records = RecordService()

    @transaction.atomic
    def take(self, user, values: Any):
        """The new lead (the caller is told only that it was accepted)."""
        if not isinstance(values, dict):
            raise RecordInvalid(_("Give the lead's values as an object of field names."))
        refused = {
            name: [_("An intake may not set this field.")]
            for name in values
            if name in RESERVED or name in LINKS
        }
        if refused:
            raise RecordInvalid(_("Some values are not valid."), errors=refused)
        lead = self.records.create(user, LEADS, values)
        contact = {
            person_field: values[lead_field]
            for person_field, lead_field in CONTACT.items()
            if values.get(lead_field)
        }
        if contact:
            found = DuplicateService().candidates(None, "persons", contact, limit=1)
            if found:
                self.records.update(
                    None, LEADS, lead.pk, {"person": found[0].record.pk}, action="intake"
                )
        return lead
