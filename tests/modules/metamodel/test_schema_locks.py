"""Schema changes under a held table lock: bounded waits, retries, nothing half-applied."""

import threading
import time

import psycopg
import pytest
from django.db import connection, transaction

from modules.metamodel.exceptions import SchemaBusy
from modules.metamodel.models import EntityType, FieldDefinition, SchemaState
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="lock_timeout is a PostgreSQL setting"
)


def hold_table(table: str, seconds: float) -> threading.Thread:
    """Another connection reads the table in an open transaction for `seconds`."""
    db = connection.settings_dict
    started = threading.Event()

    def run():
        with psycopg.connect(
            dbname=db["NAME"], host=db["HOST"], port=db["PORT"], user=db["USER"]
        ) as other:
            other.execute(f'SELECT count(*) FROM "{table}"')
            started.set()
            time.sleep(seconds)

    thread = threading.Thread(target=run)
    thread.start()
    started.wait(10)
    return thread


def test_a_held_lock_gives_a_clear_error_and_changes_nothing(live_schema, schema, admin, settings):
    # given a reader that holds the table longer than all retries take
    settings.SCHEMA_LOCK_TIMEOUT_MS = 100
    settings.SCHEMA_LOCK_RETRIES = 2
    table = EntityType.objects.get(slug="companies").db_table
    state = SchemaState.current()
    holder = hold_table(table, seconds=3)
    # when
    started = time.monotonic()
    with pytest.raises(SchemaBusy) as error:
        schema.add_field(admin, "companies", api_name="blocked", label="Blocked", type="text")
    waited = time.monotonic() - started
    holder.join()
    # then
    assert error.value.status == 409
    assert waited < 2.5
    assert SchemaState.current() == state
    assert not FieldDefinition.objects.filter(api_name="blocked").exists()


def test_the_change_goes_through_once_the_lock_is_released(live_schema, schema, admin, settings):
    # given a reader that lets go after half a second
    settings.SCHEMA_LOCK_TIMEOUT_MS = 150
    settings.SCHEMA_LOCK_RETRIES = 8
    table = EntityType.objects.get(slug="companies").db_table
    holder = hold_table(table, seconds=0.5)
    # when
    field = schema.add_field(
        admin, "companies", api_name="patient", label="Patient", type="integer"
    )
    holder.join()
    # then
    with connection.cursor() as cursor:
        names = {c.name for c in connection.introspection.get_table_description(cursor, table)}
    assert field.column in names


def test_a_record_write_committing_while_a_change_waits_for_its_table_is_no_deadlock(
    live_schema, schema, admin, settings
):
    # given a record, and a writer whose edit is written but not yet committed
    settings.SCHEMA_LOCK_TIMEOUT_MS = 5000
    record = RecordService().create(admin, "companies", {"name": "Before"})
    written, failures = threading.Event(), []

    def write():
        try:
            with transaction.atomic():
                RecordService().update(admin, "companies", record.pk, {"name": "After"})
                written.set()
                # Commit once the schema change below waits for this table.
                time.sleep(0.5)
        except Exception as error:
            failures.append(error)
        finally:
            written.set()
            connection.close()

    writer = threading.Thread(target=write)
    writer.start()
    written.wait(10)
    # when a field is added meanwhile (its ALTER waits for the writer's transaction)
    field = schema.add_field(admin, "companies", api_name="later", label="Later", type="text")
    writer.join()
    # then the writer committed (its history row's check of the entity type did not wait
    # for the change) and the change went through after it
    assert failures == []
    assert get_model("companies").objects.get(pk=record.pk).name == "After"
    assert FieldDefinition.objects.filter(pk=field.pk, deleted_at__isnull=True).exists()


def test_a_reader_held_up_by_one_attempt_is_not_held_up_by_the_next(
    live_schema, schema, admin, settings
):
    # given a transaction that keeps the change's ALTER waiting for 2 s (two attempts)
    settings.SCHEMA_LOCK_TIMEOUT_MS = 1000
    settings.SCHEMA_LOCK_RETRIES = 5
    table = EntityType.objects.get(slug="companies").db_table
    holder = hold_table(table, seconds=2)
    # and a reader that queries the table twice, 0.3 s apart, while the first attempt waits
    db, blocked = connection.settings_dict, []

    def read():
        with psycopg.connect(
            dbname=db["NAME"], host=db["HOST"], port=db["PORT"], user=db["USER"], autocommit=True
        ) as reader:
            time.sleep(0.3)
            started = time.monotonic()
            reader.execute(f'SELECT count(*) FROM "{table}"')
            time.sleep(0.3)
            reader.execute(f'SELECT count(*) FROM "{table}"')
            blocked.append(time.monotonic() - started - 0.3)

    reader = threading.Thread(target=read)
    reader.start()
    # when a field is added meanwhile
    schema.add_field(admin, "companies", api_name="waited", label="Waited", type="text")
    reader.join()
    holder.join()
    # then the reader waited behind the first attempt only: the next one left it time
    assert blocked[0] < 1.0 + 0.2
