"""The embedded default end to end; runs on PostgreSQL and (with `-m smoke`) on SQLite."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from modules.metamodel.models import FieldDefinition
from modules.metamodel.runtime import get_model, get_snapshot
from modules.metamodel.tasks import purge_trashed_fields
from modules.records.exceptions import StaleRecord
from modules.records.services import RecordService

pytestmark = pytest.mark.smoke


def test_schema_changes_and_records_end_to_end(live_schema, schema, admin):
    # given a new entity type with a few fields
    schema.create_entity_type(
        admin,
        slug="tickets",
        label={"en": "Ticket", "pl": "Zgłoszenie"},
        label_plural={"en": "Tickets", "pl": "Zgłoszenia"},
        title_template="{ref} {subject}",
    )
    schema.add_field(
        admin,
        "tickets",
        api_name="ref",
        label="Ref",
        type="auto_number",
        options={"pattern": "T-%N"},
    )
    schema.add_field(
        admin, "tickets", api_name="subject", label="Subject", type="text", required=True
    )
    schema.add_field(admin, "tickets", api_name="hours", label="Hours", type="text")
    schema.add_field(
        admin,
        "tickets",
        api_name="customer",
        label="Customer",
        type="relation",
        options={"target": "companies"},
    )
    records = RecordService()
    acme = records.create(admin, "companies", {"name": "Acme"})
    # when records are written, edited, trashed and restored
    ticket = records.create(
        admin, "tickets", {"subject": "Printer", "hours": "3", "customer": acme.pk}
    )
    records.update(admin, "tickets", ticket.pk, {"subject": "Printer on fire"}, expected_version=1)
    with pytest.raises(StaleRecord):
        records.update(admin, "tickets", ticket.pk, {"subject": "late"}, expected_version=1)
    records.delete(admin, "tickets", ticket.pk)
    records.restore(admin, "tickets", ticket.pk)
    # and fields are renamed, converted, trashed, restored and purged
    schema.update_field(admin, "tickets", "subject", api_name="title_text")
    schema.change_field_type(admin, "tickets", "hours", "integer")
    schema.trash_field(admin, "tickets", "customer")
    schema.restore_field(admin, "tickets", "customer")
    # then
    stored = get_model("tickets").objects.get(pk=ticket.pk)
    assert (stored.ref, stored.title_text, stored.hours, stored.customer_id) == (
        "T-1",
        "Printer on fire",
        3,
        acme.pk,
    )
    assert stored.version == 4 and str(stored) == "T-1 Printer on fire"
    # when the trash is purged after the grace period (an in-process task here)
    FieldDefinition.objects.filter(deleted_at__isnull=False).update(
        deleted_at=timezone.now() - timedelta(days=60)
    )
    purged = purge_trashed_fields.delay().get()
    # then the old text column of `hours` is gone and everything still reads
    assert purged == 1
    assert get_model("tickets").objects.get(pk=ticket.pk).hours == 3
    assert get_snapshot().entity("tickets").field("hours").type == "integer"


def test_demo_data_loads(live_schema):
    call_command("load_demo", verbosity=0)
    assert get_model("companies").objects.count() == 200
    assert get_model("deals").objects.exclude(number=None).count() == 100
