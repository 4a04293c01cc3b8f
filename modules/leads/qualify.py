"""Qualify a lead: it becomes a deal and a person and/or a company, matched first.

    proposal = QualifyService().propose(user, lead_id)
    # {"person": {"values": {...}, "matches": [Candidate, ...]}, "company": {...},
    #  "deal": {"values": {...}}}
    QualifyService().qualify(user, lead_id, person={"link": 12}, company={"create": True},
                             deal={"values": {"name": "Renewal"}})

`MAPPING` says which lead field fills which field of each record made. Before anything is
made, the person and the company are looked up by the duplicate rules of their types
(`DuplicateService`, among records the user may open), so the caller can link an existing
one instead of creating another. In one transaction, through `RecordService` (the caller
needs `add` on what is created, and `edit` on the lead): the company, then the person
(linked to the company), then the deal (linked to both); the lead becomes `qualified`
with links to all three (history action `qualify`). A lead already qualified,
disqualified or archived is refused, and so is the whole step when any part is refused.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from modules.core.exceptions import TesseraError
from modules.leads.duplicates import DuplicateService
from modules.leads.services import LEADS, LeadService, LeadStateConflict
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.runtime import get_snapshot
from modules.records.exceptions import RecordInvalid, RecordNotFound
from modules.records.services import RecordService

#: Record made -> {its field: the lead field that fills it}.
MAPPING = {
    "companies": {"name": "company_name", "country": "country"},
    "persons": {
        "first_name": "first_name",
        "last_name": "last_name",
        "email": "email",
        "phone": "phone",
    },
    "deals": {"value": "value", "description": "description"},
}
OPEN_STATUSES = ("new", "working")


class QualifyInvalid(TesseraError):
    """Raised when a qualification's choices are not valid."""

    code = "invalid"


def _mapped(entity_slug: str, lead, lead_entity) -> dict:
    """The values the lead gives a record of `entity_slug`, as JSON input."""
    try:
        target = get_snapshot().entity(entity_slug)
    except EntityTypeNotFound:
        return {}
    names = {spec.api_name for spec in target.fields}
    values = {}
    for field, source in MAPPING.get(entity_slug, {}).items():
        if field not in names:
            continue
        try:
            spec = lead_entity.field(source)
        except TesseraError:
            continue
        value = spec.type_class.get_value(lead, spec)
        if not spec.type_class.is_empty(value):
            values[field] = spec.type_class.to_json(spec, value)
    return values


def deal_name(lead) -> str:
    """The deal's name: the lead's company, else its person, else its number."""
    company = (getattr(lead, "company_name", "") or "").strip()
    person = " ".join(
        part for part in (getattr(lead, "first_name", ""), getattr(lead, "last_name", "")) if part
    ).strip()
    return company or person or _("Deal from lead %(id)s") % {"id": lead.pk}


class QualifyService:
    """Turns leads into deals, persons and companies."""

    records = RecordService()

    def _lead(self, user, lead_id: Any):
        lead = LeadService()._editable(user, lead_id)
        if lead.status not in OPEN_STATUSES:
            raise LeadStateConflict(_("Only a new or working lead can be qualified."))
        return lead

    def propose(self, user, lead_id: Any) -> dict:
        """What qualifying would make, and existing persons and companies that match."""
        lead = self._lead(user, lead_id)
        entity = get_snapshot().entity(LEADS)
        proposal = {}
        for slug in ("companies", "persons"):
            values = _mapped(slug, lead, entity)
            matches = DuplicateService().candidates(user, slug, values) if values else []
            proposal[slug] = {"values": values, "matches": matches}
        deal = _mapped("deals", lead, entity)
        deal["name"] = deal_name(lead)
        proposal["deals"] = {"values": deal, "matches": []}
        return proposal

    def _choice(self, key: str, choice: Any) -> tuple[str, int | None]:
        """("create" | "link" | "none", id) from `{"create": true}`, `{"link": id}` or None."""
        if choice is None:
            return "none", None
        if isinstance(choice, dict) and choice == {"create": True}:
            return "create", None
        if isinstance(choice, dict) and set(choice) == {"link"}:
            ident = choice["link"]
            if isinstance(ident, int) and not isinstance(ident, bool) and 0 < ident < 2**63:
                return "link", ident
        raise QualifyInvalid(_('Give {"create": true}, {"link": <id>} or null.'), field=key)

    @transaction.atomic
    def qualify(
        self,
        user,
        lead_id: Any,
        *,
        person: Any = None,
        company: Any = None,
        deal: Any = None,
        expected_version: int | None = None,
    ) -> dict:
        """Make or link what the caller chose; the ids of the lead's new links."""
        person_choice = self._choice("person", person)
        company_choice = self._choice("company", company)
        if deal is not None and (not isinstance(deal, dict) or set(deal) - {"values"}):
            raise QualifyInvalid(_('Give {"values": {...}} for the deal.'), field="deal")
        overrides = (deal or {}).get("values") or {}
        if not isinstance(overrides, dict):
            raise QualifyInvalid(_("Give the deal's values as an object."), field="deal.values")
        lead = self._lead(user, lead_id)
        entity = get_snapshot().entity(LEADS)
        made: dict[str, int | None] = {"company": None, "person": None}
        for key, slug, (how, ident) in (
            ("company", "companies", company_choice),
            ("person", "persons", person_choice),
        ):
            if how == "link":
                try:
                    made[key] = self.records.get(user, slug, ident).pk
                except RecordNotFound:
                    # A 400 naming the key: the same for a hidden record and a missing one.
                    raise QualifyInvalid(_("No such record."), field=f"{key}.link") from None
            elif how == "create":
                values = _mapped(slug, lead, entity)
                if key == "person" and made["company"] is not None:
                    values["company"] = made["company"]
                made[key] = self._create(user, slug, values, key)
        proposal = _mapped("deals", lead, entity)
        proposal["name"] = deal_name(lead)
        if made["company"] is not None:
            proposal["company"] = made["company"]
        if made["person"] is not None:
            proposal["contact"] = made["person"]
        made["deal"] = self._create(user, "deals", {**proposal, **overrides}, "deal")
        links = {k: v for k, v in made.items() if v is not None}
        self.records.update(
            user,
            LEADS,
            lead.pk,
            {"status": "qualified", **links},
            expected_version=expected_version,
            action="qualify",
        )
        return made

    def _create(self, user, slug: str, values: dict, key: str) -> int:
        try:
            return self.records.create(user, slug, values).pk
        except RecordInvalid as error:
            raise type(error)(
                error.detail,
                errors={f"{key}.{name}": problems for name, problems in error.errors.items()},
            ) from None
