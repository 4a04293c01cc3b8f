"""What happens to a lead besides its values: disqualify with a reason, archive.

    LeadService().disqualify(user, lead_id, "no_budget", expected_version=3)
    LeadService().archive(user, lead_id)

Both are updates through `RecordService` (the access engine decides: `edit` on the lead),
labelled in the lead's history as `disqualify` and `archive`. The reasons are the choices
of the lead's `disqualification_reason` field, which administrators edit in the data
model like any field. `new_lead_status` is a preparer: a lead created without a status
starts as `new`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from modules.access import engine
from modules.core.exceptions import Conflict
from modules.records.exceptions import RecordInvalid
from modules.records.services import RecordService
from modules.records.sharing import refuse

LEADS = "leads"
STATUSES = ("new", "working", "qualified", "disqualified", "archived")


class LeadStateConflict(Conflict):
    """Raised when a lead's status does not allow the step asked for."""

    code = "lead_status"


def new_lead_status(entity, record) -> list[str]:
    """The preparer: a new lead without a status is `new`."""
    if entity.slug != LEADS or not record._state.adding:
        return []
    if not any(spec.api_name == "status" for spec in entity.fields):
        return []
    if getattr(record, "status", None):
        return []
    record.status = "new"
    return ["status"]


class LeadService:
    """Status steps of leads, written by `RecordService`."""

    records = RecordService()

    def _editable(self, user, lead_id: Any):
        """The lead, if the user may edit it (else 404 or 403, before its status shows)."""
        lead = self.records.get(user, LEADS, lead_id)
        if not engine.can(user, "edit", lead):
            raise refuse("edit")
        return lead

    def disqualify(self, user, lead_id: Any, reason: Any, *, expected_version=None):
        """Mark a lead disqualified with one of the reasons; a qualified lead stays."""
        if not isinstance(reason, str) or not reason:
            raise RecordInvalid(_("Choose a disqualification reason."), field="reason")
        lead = self._editable(user, lead_id)
        if lead.status in ("qualified", "disqualified"):
            raise LeadStateConflict(
                _("A qualified or disqualified lead cannot be disqualified (again).")
            )
        try:
            return self.records.update(
                user,
                LEADS,
                lead.pk,
                {"status": "disqualified", "disqualification_reason": reason},
                expected_version=expected_version,
                action="disqualify",
            )
        except RecordInvalid as error:
            if "disqualification_reason" in error.errors:
                error.errors["reason"] = error.errors.pop("disqualification_reason")
            raise

    def archive(self, user, lead_id: Any, *, expected_version=None):
        """Archive a lead (any status but archived)."""
        lead = self._editable(user, lead_id)
        if lead.status == "archived":
            raise LeadStateConflict(_("This lead is archived already."))
        return self.records.update(
            user,
            LEADS,
            lead.pk,
            {"status": "archived"},
            expected_version=expected_version,
            action="archive",
        )
