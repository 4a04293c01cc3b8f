import re
import threading
from datetime import date

import pytest
from django.db import connection, connections
from django.utils import timezone

from modules.metamodel.runtime import get_model
from modules.records.models import NumberSequence
from modules.records.services import RecordService

service = RecordService()


def test_deals_are_numbered_n_slash_year(db, user):
    year = timezone.localdate().year
    numbers = [service.create(user, "deals", {"name": f"D{i}"}).number for i in range(3)]
    assert numbers == [f"1/{year}", f"2/{year}", f"3/{year}"]


def test_pattern_tokens_start_and_initials(db, admin, schema, scratch_entity):
    # given
    slug = scratch_entity()
    schema.add_field(
        admin,
        slug,
        api_name="ref",
        label="Ref",
        type="auto_number",
        options={"pattern": "INV-%Y%M%D-%I-%N", "start": 1000},
    )
    today = timezone.localdate()
    # when
    first = service.create(admin, slug, {}).ref
    second = service.create(admin, slug, {}).ref
    # then
    stamp = f"{today.year:04d}{today.month:02d}{today.day:02d}"
    assert (first, second) == (f"INV-{stamp}-AA-1000", f"INV-{stamp}-AA-1001")


def test_numbers_are_never_reused_after_delete(db, user):
    first = service.create(user, "deals", {"name": "A"})
    second = service.create(user, "deals", {"name": "B"})
    service.delete(user, "deals", second.pk)
    third = service.create(user, "deals", {"name": "C"})
    assert len({first.number, second.number, third.number}) == 3
    assert service.restore(user, "deals", second.pk).number == second.number


def test_number_can_be_given_or_edited_by_hand(db, user):
    deal = service.create(user, "deals", {"name": "A", "number": "SPECIAL-1"})
    assert deal.number == "SPECIAL-1"
    edited = service.update(user, "deals", deal.pk, {"number": "SPECIAL-2"})
    assert edited.number == "SPECIAL-2"


def test_yearly_reset_counts_per_year(db, admin, schema, scratch_entity):
    # given a counter that reached 41 last year
    slug = scratch_entity()
    field = schema.add_field(
        admin,
        slug,
        api_name="ref",
        label="Ref",
        type="auto_number",
        options={"pattern": "%N/%Y", "reset_yearly": True},
    )
    this_year = timezone.localdate().year
    NumberSequence.objects.create(field=field, period=str(this_year - 1), last_value=41)
    # when
    number = service.create(admin, slug, {}).ref
    # then this year starts again at 1
    assert number == f"1/{this_year}"
    spec = get_model(slug).entity.field("ref")
    assert spec.type_class.period(spec, date(2030, 5, 1)) == "2030"


def test_raising_the_start_moves_the_counter_up(db, admin, schema, scratch_entity):
    slug = scratch_entity()
    schema.add_field(admin, slug, api_name="ref", label="Ref", type="auto_number")
    assert service.create(admin, slug, {}).ref == "1"
    schema.update_field(admin, slug, "ref", options={"pattern": "%N", "start": 500})
    assert service.create(admin, slug, {}).ref == "500"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
def test_parallel_writers_get_unique_gapless_numbers(live_schema, make_user):
    # given
    user = make_user()
    writers, per_writer = 6, 8
    errors, barrier = [], threading.Barrier(writers)

    def write():
        try:
            barrier.wait()
            for i in range(per_writer):
                service.create(user, "deals", {"name": f"parallel {i}"})
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    numbers = list(get_model("deals").objects.values_list("number", flat=True))
    sequence = sorted(int(re.match(r"(\d+)/", n).group(1)) for n in numbers)
    assert sequence == list(range(1, writers * per_writer + 1))
