"""Anonymise a person or a lead (GDPR): blank its personal values, irreversibly.

    AnonymiseService().anonymise(user, "persons", 42)

Every field is blanked except numbers allocated on create and links to other records; a
required text field gets `ANONYMISED` instead of nothing. The record's history rows keep
telling what happened, with the blanked fields' values and the titles redacted
(`history.recorder.redact`), and a history row with the operation `anonymise` is added.
The user needs `edit` and `delete` on the record; anonymising twice is a 409.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from modules.access import engine
from modules.core.exceptions import Conflict
from modules.history import recorder
from modules.leads.models import Anonymisation
from modules.metamodel.runtime import get_snapshot
from modules.records.services import Effects, RecordService
from modules.records.sharing import refuse

#: What a required text field holds once anonymised.
ANONYMISED = "Anonymised"


class AlreadyAnonymised(Conflict):
    """Raised when a record was anonymised before."""

    code = "already_anonymised"


class AnonymiseService:
    """Blanks personal values through the record writer."""

    records = RecordService()

    @transaction.atomic
    def anonymise(self, user, slug: str, record_id: Any) -> int:
        """Blank the record's values; how many fields were blanked."""
        snapshot = get_snapshot()
        entity, model = snapshot.entity(slug), snapshot.model(slug)
        record = self.records.get(user, slug, record_id)
        for action in ("edit", "delete"):
            if not engine.can(user, action, record):
                raise refuse(action)
        record = model.objects.select_for_update().get(pk=record.pk)
        try:
            with transaction.atomic():
                Anonymisation.objects.create(entity_slug=slug, record_id=record.pk, user=user)
        except IntegrityError:
            raise AlreadyAnonymised(_("This record was anonymised already.")) from None
        blank: dict[str, Any] = {}
        keys = []
        for spec in entity.fields:
            kind = spec.type_class
            if kind.allocates_on_create or kind.needs_target_entity:
                continue
            keys.append(str(spec.id))
            if kind.is_empty(kind.get_value(record, spec)):
                continue
            if spec.required:
                if kind.searchable:
                    blank[spec.api_name] = ANONYMISED
            else:
                blank[spec.api_name] = None
        if blank:
            self.records.update_rows(
                user, model, [(record, blank)], Effects(history=None, titles=False)
            )
        recorder.redact(entity, record.pk, keys)
        recorder.log(
            user,
            entity,
            "anonymise",
            record.pk,
            {key: [None, None] for key in keys if key in self._ids(entity, blank)},
        )
        return len(blank)

    @staticmethod
    def _ids(entity, blank: dict) -> set[str]:
        return {str(spec.id) for spec in entity.fields if spec.api_name in blank}
