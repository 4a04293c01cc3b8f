"""The baseline: hand-written static Django models over the same physical tables.

    models = StaticModels.build(columns, tables)       # once per process
    view = static_list_view(models.person, models.person_serializer)

Plain Django and DRF as a developer would write them without Tessera: `managed=False`
models whose fields name the `f_<id>` columns, a `ModelSerializer`, a `ModelViewSet`
and DRF's `CursorPagination`. Column names are only known once the schema exists, so
the classes are written inside a function; they live in Django's global registry
under the app label `benchmarks`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from rest_framework import serializers, viewsets
from rest_framework.pagination import CursorPagination

from tests.benchmarks.schema import BenchField

APP_LABEL = "benchmarks"


class StaticRecord(models.Model):
    """The system columns every entity table has."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    visibility = models.CharField(max_length=16)
    version = models.PositiveIntegerField()
    deleted_at = models.DateTimeField(null=True)

    class Meta:
        abstract = True
        app_label = APP_LABEL


def _meta(table: str):
    return type("Meta", (), {"managed": False, "db_table": table, "app_label": APP_LABEL})


def _fk(to, column: str) -> models.ForeignKey:
    return models.ForeignKey(
        to,
        null=True,
        db_column=column,
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="+",
    )


@dataclass
class StaticModels:
    """The hand-written models and serializers of one benchmark database."""

    company: type[models.Model]
    person: type[models.Model]
    wide: type[models.Model]
    person_serializer: type[serializers.ModelSerializer]
    wide_serializer: type[serializers.ModelSerializer]

    @classmethod
    def build(cls, columns: dict[str, dict[str, str]], tables: dict[str, str]) -> StaticModels:
        """`columns[slug][api_name]` is a field's column, `tables[slug]` its table."""
        company = type(
            "StaticCompany",
            (models.Model,),
            {
                "__module__": __name__,
                "id": models.BigAutoField(primary_key=True),
                "Meta": _meta(tables["companies"]),
            },
        )
        person = _person_model(company, columns["persons"], tables["persons"])
        wide = _wide_model(company, columns["wide_records"], tables["wide_records"])
        return cls(company, person, wide, _serializer(person), _serializer(wide))


def _person_model(company_model, c: dict[str, str], table: str) -> type[models.Model]:
    class StaticPerson(StaticRecord):
        score = models.DecimalField(max_digits=14, decimal_places=2, null=True)
        segment = models.CharField(max_length=64, null=True)
        first_name = models.TextField(null=True, db_column=c["first_name"])
        last_name = models.TextField(null=True, db_column=c["last_name"])
        position = models.TextField(null=True, db_column=c["position"])
        company = _fk(company_model, c["company"])
        email = models.CharField(max_length=254, null=True, db_column=c["email"])
        phone = models.CharField(max_length=32, null=True, db_column=c["phone"])
        linkedin = models.TextField(null=True, db_column=c["linkedin"])
        source = models.CharField(max_length=64, null=True, db_column=c["source"])
        status = models.CharField(max_length=64, null=True, db_column=c["status"])
        sales_potential = models.BigIntegerField(null=True, db_column=c["sales_potential"])
        nps = models.BigIntegerField(null=True, db_column=c["nps"])
        lifetime_value = models.DecimalField(
            max_digits=20, decimal_places=2, null=True, db_column=c["lifetime_value"]
        )
        lifetime_value_currency = models.CharField(
            max_length=3, null=True, db_column=c["lifetime_value"] + "_currency"
        )
        discount = models.DecimalField(
            max_digits=10, decimal_places=2, null=True, db_column=c["discount"]
        )
        credit_limit = models.DecimalField(
            max_digits=20, decimal_places=2, null=True, db_column=c["credit_limit"]
        )
        birthday = models.DateField(null=True, db_column=c["birthday"])
        last_contacted_at = models.DateTimeField(null=True, db_column=c["last_contacted_at"])
        gdpr_consent = models.BooleanField(null=True, db_column=c["gdpr_consent"])
        account_manager = _fk(settings.AUTH_USER_MODEL, c["account_manager"])
        tags = models.JSONField(null=True, db_column=c["tags"])
        interests = models.JSONField(null=True, db_column=c["interests"])
        city = models.TextField(null=True, db_column=c["city"])
        notes = models.TextField(null=True, db_column=c["notes"])
        customer_no = models.CharField(max_length=64, null=True, db_column=c["customer_no"])

        Meta = _meta(table)

        def __str__(self) -> str:
            return f"{self.first_name} {self.last_name}"

    return StaticPerson


def _wide_fields(company, spec: BenchField, column: str) -> dict[str, models.Field]:
    """Plain Django fields for one column of the 100-column type (written as a table)."""
    plain = {
        "text": lambda: models.TextField(null=True, db_column=column),
        "integer": lambda: models.BigIntegerField(null=True, db_column=column),
        "decimal": lambda: models.DecimalField(
            max_digits=20, decimal_places=2, null=True, db_column=column
        ),
        "date": lambda: models.DateField(null=True, db_column=column),
        "datetime": lambda: models.DateTimeField(null=True, db_column=column),
        "boolean": lambda: models.BooleanField(null=True, db_column=column),
        "choice": lambda: models.CharField(max_length=64, null=True, db_column=column),
        "email": lambda: models.CharField(max_length=254, null=True, db_column=column),
        "user": lambda: _fk(settings.AUTH_USER_MODEL, column),
        "relation": lambda: _fk(company, column),
        "tags": lambda: models.JSONField(null=True, db_column=column),
        "money": lambda: models.DecimalField(
            max_digits=20, decimal_places=2, null=True, db_column=column
        ),
    }
    fields = {spec.api_name: plain[spec.type]()}
    if spec.type == "money":
        fields[f"{spec.api_name}_currency"] = models.CharField(
            max_length=3, null=True, db_column=f"{column}_currency"
        )
    return fields


def _wide_model(company, columns: dict[str, str], table: str) -> type[models.Model]:
    from tests.benchmarks.schema import wide_fields

    attrs: dict = {"__module__": __name__, "Meta": _meta(table)}
    for spec in wide_fields():
        attrs.update(_wide_fields(company, spec, columns[spec.api_name]))
    return type("StaticWide", (StaticRecord,), attrs)


def _serializer(model) -> type[serializers.ModelSerializer]:
    meta = type("Meta", (), {"model": model, "fields": "__all__"})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


def static_list_view(model_class, serializer, size: int = 50):
    """A plain ModelViewSet list over the live rows, with DRF's cursor pagination."""

    class Pagination(CursorPagination):
        page_size = size
        ordering = "-id"

    class StaticViewSet(viewsets.ModelViewSet):
        queryset = model_class.objects.filter(deleted_at__isnull=True)
        serializer_class = serializer
        pagination_class = Pagination

    return StaticViewSet.as_view({"get": "list"})
