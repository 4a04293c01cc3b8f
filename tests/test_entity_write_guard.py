"""The suite's guard refuses entity row writes that bypass RecordService."""

import threading

import pytest
from django.db import connection, transaction

from modules.metamodel.runtime import get_model
from modules.records.services import RecordService
from tests.support.entity_writes import UnguardedEntityWrite


def test_an_orm_update_of_an_entity_row_is_refused(db, admin):
    # given a record written by the service
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    model = get_model("companies")
    # when a test changes it with the ORM directly
    with pytest.raises(UnguardedEntityWrite), transaction.atomic():
        model.objects.filter(pk=company.pk).update(visibility="hidden")
    # then the row is as the service left it
    assert model.objects.get(pk=company.pk).visibility == company.visibility


def test_an_orm_insert_and_a_raw_delete_are_refused(db, admin):
    # given
    model = get_model("companies")
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    # when / then both are refused and the record is still there
    with pytest.raises(UnguardedEntityWrite), transaction.atomic():
        model.objects.create(name="Bypass", owner=admin, visibility="public")
    with pytest.raises(UnguardedEntityWrite), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{model._meta.db_table}" WHERE id = %s', [company.pk])
    assert list(model.objects.values_list("name", flat=True)) == ["Acme"]


def test_a_write_from_another_thread_is_refused(live_schema, admin):
    # given a thread with its own database connection
    model = get_model("companies")
    company = RecordService().create(admin, "companies", {"name": "Acme"})
    caught = []

    def write():
        try:
            model.objects.filter(pk=company.pk).update(visibility="hidden")
        except UnguardedEntityWrite as error:
            caught.append(error)
        finally:
            connection.close()

    # when
    thread = threading.Thread(target=write)
    thread.start()
    thread.join(30)
    # then
    assert len(caught) == 1
    assert model.objects.get(pk=company.pk).visibility == company.visibility
