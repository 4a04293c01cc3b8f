"""The benchmark's entity types, created through SchemaService like an admin would.

    entities = bench_entities(rows=1_000_000)
    create_schema(entities)        # real runtime models and `ent_<id>` tables

Each field may carry its own SQL value (`sql`, a template over `{i}`, the row number,
and `{r}`, a pseudo-random number); the others get their type's default from `data.py`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

SMALL_ROWS = 10_000
#: Rows of each of B5's tables (the issue's 200k records).
SEGMENTED_ROWS = 200_000


@dataclass(frozen=True)
class BenchField:
    """One custom field of a benchmark entity type."""

    api_name: str
    type: str
    options: dict = field(default_factory=dict)
    #: SQL for the value; `{i}` is the row number, `{r}` a pseudo-random bigint >= 0.
    sql: str | None = None


@dataclass(frozen=True)
class BenchEntity:
    """One benchmark entity type and how many rows it gets."""

    slug: str
    fields: tuple[BenchField, ...]
    rows: int
    segmentation: bool = False


def _choices(*values: str) -> dict:
    return {"choices": [{"value": v, "label": v.replace("_", " ").title()} for v in values]}


def _pick(*words: str) -> str:
    array = ",".join(f"'{w}'" for w in words)
    return f"(ARRAY[{array}])[1 + {{r}} % {len(words)}]"


COMPANY_FIELDS = (
    BenchField("name", "text", sql="'Company ' || {i}"),
    BenchField("city", "text", sql=_pick("Warsaw", "Krakow", "Gdansk", "Poznan", "Lodz")),
    BenchField("industry", "choice", _choices("it", "retail", "finance", "logistics", "other")),
    BenchField("employees", "integer"),
    BenchField("annual_revenue", "money"),
    BenchField("website", "url"),
    BenchField("tags", "tags"),
)

# 23 custom fields (24 columns: money has two) + 11 system columns = 35 columns.
PERSON_FIELDS = (
    BenchField("first_name", "text", sql=_pick("Anna", "Jan", "Ewa", "Piotr", "Maria", "Adam")),
    BenchField("last_name", "text", sql=_pick("Nowak", "Kowalski", "Wisniewska", "Lewandowski")),
    BenchField("position", "text", sql=_pick("CEO", "CTO", "Buyer", "Engineer", "Assistant")),
    BenchField("company", "relation", {"target": "companies"}),
    BenchField("email", "email"),
    BenchField("phone", "phone"),
    BenchField("linkedin", "url"),
    BenchField("source", "choice", _choices("website", "referral", "event", "cold_call", "other")),
    BenchField("status", "choice", _choices("lead", "prospect", "customer", "former")),
    BenchField("sales_potential", "integer", {"min": 0, "max": 100}),
    BenchField("nps", "integer"),
    BenchField("lifetime_value", "money"),
    BenchField("discount", "percent"),
    BenchField("credit_limit", "decimal"),
    BenchField("birthday", "date"),
    BenchField("last_contacted_at", "datetime"),
    BenchField("gdpr_consent", "boolean"),
    BenchField("account_manager", "user"),
    BenchField("tags", "tags"),
    BenchField("interests", "multi_choice", _choices("crm", "erp", "bi", "cloud")),
    BenchField("city", "text", sql=_pick("Warsaw", "Krakow", "Gdansk", "Poznan", "Lodz")),
    BenchField("notes", "long_text"),
    BenchField("customer_no", "auto_number", {"pattern": "P-%N"}, sql="'P-' || {i}"),
)

DEAL_FIELDS = (
    BenchField("name", "text", sql="'Deal ' || {i}"),
    BenchField("company", "relation", {"target": "companies"}),
    BenchField("contact", "relation", {"target": "persons"}),
    BenchField("value", "money"),
    BenchField("stage", "choice", _choices("lead", "qualified", "proposal", "won", "lost")),
    BenchField("probability", "percent"),
    BenchField("expected_close_date", "date"),
    BenchField("closed_at", "datetime"),
)

#: B14/B15 (`sales.py`): one record in a hundred open, each in a stage of the pipeline `bench`.
SALES_DEAL_FIELDS = (
    BenchField("name", "text", sql="'Deal ' || {i}"),
    BenchField("value", "money"),
    BenchField("probability", "percent"),
    BenchField("expected_close_date", "date"),
    BenchField("closed_at", "datetime"),
    BenchField(
        "process_stage",
        "choice",
        _choices("b_lead", "b_meet", "b_offer", "b_deal"),
        sql=_pick("b_lead", "b_meet", "b_offer", "b_deal"),
    ),
    BenchField(
        "process_status",
        "choice",
        _choices("open", "won", "lost"),
        sql="CASE WHEN {i} % 100 = 0 THEN 'open' WHEN {r} % 2 = 0 THEN 'won' ELSE 'lost' END",
    ),
    BenchField(
        "process_actions",
        "multi_choice",
        _choices("a_call", "a_needs", "a_offer", "a_terms"),
        sql="'[]'::jsonb",
    ),
    BenchField("process_progress", "percent", sql="0"),
    BenchField("process_stage_since", "datetime"),
    BenchField("process_lost_reason", "choice", _choices("price", "other")),
    BenchField("process_locked", "boolean", sql="false"),
)

_WIDE_CYCLE = (
    ("text", {}),
    ("integer", {}),
    ("decimal", {}),
    ("date", {}),
    ("datetime", {}),
    ("boolean", {}),
    ("choice", _choices("a", "b", "c", "d")),
    ("email", {}),
    ("user", {}),
    ("relation", {"target": "companies"}),
    ("tags", {}),
    ("money", {}),
)


def wide_fields(columns: int = 100, system_columns: int = 9) -> tuple[BenchField, ...]:
    """Mixed-type fields until the table has `columns` columns (money takes two)."""
    fields, used = [], system_columns
    for n, (kind, options) in enumerate(itertools.cycle(_WIDE_CYCLE)):
        width = 2 if kind == "money" else 1
        if used + width > columns:
            if width == 1:
                break
            continue
        fields.append(BenchField(f"{kind}_{n}", kind, options))
        used += width
    return tuple(fields)


def bench_entities(rows: int) -> list[BenchEntity]:
    """The entity types in creation order (a relation's target comes first)."""
    small = min(SMALL_ROWS, max(1_000, rows // 10))
    return [
        BenchEntity("companies", COMPANY_FIELDS, max(1_000, rows // 10)),
        BenchEntity("persons", PERSON_FIELDS, rows, segmentation=True),
        BenchEntity("persons_small", PERSON_FIELDS, small, segmentation=True),
        BenchEntity("deals", DEAL_FIELDS, max(1_000, rows // 5)),
        BenchEntity("wide_records", wide_fields(), 2_000),
        BenchEntity("sales_deals", SALES_DEAL_FIELDS, rows),
        # B5: two identical tables, so each side of a ratio rewrites its own rows.
        BenchEntity("segmented_a", PERSON_FIELDS, SEGMENTED_ROWS, segmentation=True),
        BenchEntity("segmented_b", PERSON_FIELDS, SEGMENTED_ROWS, segmentation=True),
    ]


def create_schema(entities: list[BenchEntity]) -> None:
    """Create every entity type and field through SchemaService (as the system user)."""
    from modules.metamodel.services import SchemaService

    service = SchemaService()
    for entity in entities:
        service.create_entity_type(
            None,
            slug=entity.slug,
            label=entity.slug.replace("_", " ").title(),
            label_plural=entity.slug.replace("_", " ").title(),
            supports_segmentation=entity.segmentation,
        )
        for spec in entity.fields:
            service.add_field(
                None,
                entity.slug,
                api_name=spec.api_name,
                label=spec.api_name.replace("_", " ").capitalize(),
                type=spec.type,
                options=dict(spec.options),
            )
