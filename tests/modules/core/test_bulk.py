import datetime as dt
import gc
from decimal import Decimal

import pytest

from modules.core.bulk import copy_insert, gc_paused
from modules.history.models import RowHistory
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def test_copy_insert_writes_every_column_and_gives_each_object_its_key(admin):
    # given: new records with text, number, date, list, foreign key and empty values
    model = get_model("persons")
    people = [
        model(
            first_name=f"Ann {n}",
            last_name='O\'Neil, "Jr"\t\\',
            sales_potential=n,
            birthday=dt.date(1990, 1, 1 + n),
            tags=["vip", "b2b"] if n else [],
            gdpr_consent=bool(n % 2),
            owner_id=admin.pk,
            created_by_id=admin.pk,
        )
        for n in range(3)
    ]
    # when
    copy_insert(model, people)
    # then
    assert all(p.pk for p in people) and len({p.pk for p in people}) == 3
    assert not any(p._state.adding for p in people)
    stored = {p.pk: p for p in model.objects.filter(pk__in=[p.pk for p in people])}
    for person in people:
        row = stored[person.pk]
        assert (row.first_name, row.last_name) == (person.first_name, 'O\'Neil, "Jr"\t\\')
        assert (row.sales_potential, row.birthday, row.tags) == (
            person.sales_potential,
            person.birthday,
            person.tags,
        )
        assert (row.gdpr_consent, row.owner_id, row.version) == (person.gdpr_consent, admin.pk, 1)
        assert row.created_at is not None


def test_copy_insert_keeps_json_and_the_sequence_going(admin):
    # given
    person = RecordService().create(admin, "persons", {"first_name": "A", "last_name": "B"})
    entity_id = get_model("persons").entity.id
    rows = [
        RowHistory(
            entity_type_id=entity_id,
            record_id=person.pk,
            user=admin,
            at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC),
            operation="update",
            changes={"1": [None, "żółw"], "score": [None, str(Decimal("1.50"))]},
            labels={"1": {"en": "Name"}},
        )
        for _ in range(2)
    ]
    # when
    copy_insert(RowHistory, rows)
    later = RowHistory.objects.create(
        entity_type_id=entity_id, record_id=person.pk, at=rows[0].at, operation="delete"
    )
    # then
    stored = RowHistory.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk")
    assert [r.changes for r in stored] == [{"1": [None, "żółw"], "score": [None, "1.50"]}] * 2
    assert [r.labels for r in stored] == [{"1": {"en": "Name"}}] * 2
    assert later.pk > max(r.pk for r in rows)


def test_gc_paused_holds_the_collector_only_inside():
    # given
    assert gc.isenabled()
    # when
    with gc_paused():
        inside = gc.isenabled()
        with gc_paused():
            nested = gc.isenabled()
        after_nested = gc.isenabled()
    # then
    assert (inside, nested, after_nested, gc.isenabled()) == (False, False, False, True)
