"""B6: importing 20k rows x 35 columns (create) vs a hand-written bulk_create of the same rows.

    row = b6_import(ctx, measure)

Both sides write to their own entity type with the persons' fields (`b6_a`, `b6_b`),
emptied (with their history and undo rows) after the case. A is the import's run
(`ImportService.execute`, the Celery task's body): read the stored csv, parse every cell
through the field types, check the row, allocate numbers, score, write the records, history
and undo rows, progress on its own connection. B builds the model instances from
already-typed values and calls `bulk_create` in one transaction. Peak Python memory of A
is taken at 10k and 20k rows to show it does not grow with the file.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction

from modules.history.models import RowHistory
from modules.metamodel.models import EntityType
from modules.metamodel.runtime import bind, get_snapshot
from modules.transfer.models import ImportBatch, ImportedRow, Status
from modules.transfer.services import ImportService
from tests.benchmarks.harness import Row, Target, peak_memory
from tests.benchmarks.schema import PERSON_FIELDS, BenchEntity, create_schema

ROWS = 20_000
SIDES = ("b6_a", "b6_b")
#: Not imported: a relation to 1M companies by title, and the allocated number.
LEFT_OUT = ("company", "customer_no")


def _values(i: int, username: str) -> dict:
    """Row i as typed values (B) and, through `_text`, as csv text (A)."""
    return {
        "first_name": ("Anna", "Jan", "Ewa", "Piotr")[i % 4],
        "last_name": ("Nowak", "Kowalski", "Wisniewska")[i % 3],
        "position": "Buyer",
        "email": f"person{i}@example.com",
        "phone": f"+48 600 {i:06d}",
        "linkedin": f"https://example.com/in/{i}",
        "source": ("website", "referral", "event")[i % 3],
        "status": ("lead", "customer")[i % 2],
        "sales_potential": i % 100,
        "nps": i % 10,
        "lifetime_value": {"amount": Decimal(f"{i % 5000}.50"), "currency": "PLN"},
        "discount": Decimal("12.50"),
        "credit_limit": Decimal(f"{i % 9000}.25"),
        "birthday": dt.date(1970 + i % 40, 1 + i % 12, 1 + i % 28),
        "last_contacted_at": dt.datetime(2026, 1, 1 + i % 28, 10, 0, tzinfo=dt.UTC),
        "gdpr_consent": bool(i % 2),
        "account_manager": username,
        "tags": ["vip"],
        "interests": ["crm"],
        "city": "Warsaw",
        "notes": f"Imported row {i}",
    }


def _text(name: str, value) -> str:
    if isinstance(value, dict):
        return f"{value['amount']} {value['currency']}"
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if name in ("source", "status"):
        return value.replace("_", " ").title()
    return str(value)


def _csv(rows: int, username: str) -> bytes:
    names = [f.api_name for f in PERSON_FIELDS if f.api_name not in LEFT_OUT]
    lines = [",".join(names)]
    for i in range(rows):
        values = _values(i, username)
        lines.append(",".join(f'"{_text(n, values[n])}"' for n in names))
    return ("\n".join(lines) + "\n").encode()


def _ensure_types() -> None:
    missing = [s for s in SIDES if not EntityType.objects.filter(slug=s).exists()]
    create_schema([BenchEntity(s, PERSON_FIELDS, 0, segmentation=True) for s in missing])


def _empty(slug: str) -> None:
    """Drop the records, their history and the imports' undo rows: the next run starts
    from the same tables, and B10's unfiltered page does not show these imports."""
    table = get_snapshot().model(slug)._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{table}"')
    imports = ImportBatch.objects.filter(entity_type__slug=slug)
    keys = [batch.batch_key for batch in imports]
    RowHistory.objects.filter(entity_type__slug=slug, batch__in=keys).delete()
    ImportedRow.objects.filter(batch__in=imports).delete()
    imports.delete()


class ImportSide:
    """A: one stored file, a fresh queued batch per call, run by the task's body."""

    def __init__(self, admin, rows: int):
        self.admin = admin
        content = _csv(rows, admin.get_username())
        service = ImportService()
        first = service.upload(admin, SIDES[0], SimpleUploadedFile("b6.csv", content))
        checked = service.dry_run(admin, first.pk, mapping=first.mapping, mode="create")
        assert checked.totals["invalid"] == 0, checked.errors[:5]
        assert checked.totals["new"] == rows, checked.totals
        self.template = checked

    def __call__(self) -> ImportBatch:
        batch = ImportBatch.objects.get(pk=self.template.pk)
        batch.pk, batch.status, batch.done = None, Status.QUEUED, 0
        batch.save()
        # Bound like a Celery task's (task_prerun): one snapshot for the whole run.
        with bind():
            done = ImportService().execute(batch.pk)
        assert done.status == Status.DONE, done.error
        return done


class BulkSide:
    """B: the same rows as typed values, written by one bulk_create."""

    def __init__(self, admin, rows: int):
        self.admin = admin
        self.values = [_values(i, admin.get_username()) for i in range(rows)]
        for values in self.values:
            values["account_manager"] = admin.pk

    def __call__(self) -> None:
        model = get_snapshot().model(SIDES[1])
        entity = model.entity
        specs = [entity.field(name) for name in self.values[0]]
        records = []
        for i, values in enumerate(self.values):
            record = model(owner_id=self.admin.pk, created_by_id=self.admin.pk)
            for spec in specs:
                spec.type_class.set_value(record, spec, values[spec.api_name])
            record.customer_no = f"P-{i}"
            records.append(record)
        with transaction.atomic():
            model.objects.bulk_create(records, batch_size=1000)


def b6_import(ctx, measure) -> Row:
    _ensure_types()
    row = Row(
        "B6", f"import {ROWS // 1000}k x 35 (create) vs hand-written bulk_create", Target(p50=2.0)
    )
    try:
        small = ImportSide(ctx.admin, ROWS // 2)
        memory_10k = peak_memory(small)
        run_a, run_b = ImportSide(ctx.admin, ROWS), BulkSide(ctx.admin, ROWS)
        memory_20k = peak_memory(run_a)
        measure(row, run_a, run_b, memory=False, warmup=1, rounds=3)
        row.memory = (memory_20k, peak_memory(run_b))
        row.notes.append(
            f"peak Python memory of A at 10k rows {memory_10k // 1024} KiB, "
            f"at 20k rows {memory_20k // 1024} KiB (ratio {memory_20k / memory_10k:.2f})"
        )
    finally:
        for slug in SIDES:
            _empty(slug)
    return row
