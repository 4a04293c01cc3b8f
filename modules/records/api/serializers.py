"""Serializers and filtersets built per entity type, once per schema snapshot.

    serializer_class = record_serializer(snapshot, "persons")
    filterset_class = record_filterset(snapshot, "persons")

The declared DRF fields document the JSON (OpenAPI); values are written through
RecordService, which validates with the field types, and read with the field
types' `to_json` (one pass, no per-field DRF machinery).
"""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from modules.access import engine, grants
from modules.access.links import Links
from modules.access.spec import OPEN_FLAG, access_spec
from modules.api.filtering import RecordFilterSet
from modules.metamodel.runtime.builder import class_name
from modules.metamodel.runtime.snapshot import SchemaSnapshot
from modules.metamodel.runtime.specs import EntitySpec
from modules.records.services import VISIBILITIES

READ_ONLY_SYSTEM = ("id", "created_at", "updated_at", "created_by", "updated_by")
#: Names the link fields whose target the viewer may not see (their value is null).
RESTRICTED_FIELDS = "restricted_fields"
SEGMENTATION_KEYS = ("score", "segment")


class RecordListSerializer(serializers.ListSerializer):
    """Many records: their participants (and other granted roles) in one query."""

    def to_representation(self, data):
        records = list(data.all() if hasattr(data, "all") else data)
        grants.attach(self.child.entity, records)
        links = Links.of(self.child.viewer, self.child.entity, records)
        return [self.child.to_representation(record, links) for record in records]


class RecordSerializer(serializers.Serializer):
    """A record as JSON for `context["viewer"]` (else the request's user);
    `context["fields"]` limits the keys (`?fields=`).

    A link to a record the viewer may not see is null and named in `restricted_fields`.
    """

    entity: EntitySpec

    class Meta:
        list_serializer_class = RecordListSerializer

    @property
    def viewer(self):
        assert "viewer" in self.context or "request" in self.context, (
            "A record serializer shows what its viewer may see: pass context={'viewer': user}."
        )
        return self.context["viewer"] if "viewer" in self.context else self.context["request"].user

    def to_representation(self, record, links: Links | None = None) -> dict:
        wanted = self.context.get("fields")
        if links is None:
            links = Links.of(self.viewer, self.entity, [record])
        if not getattr(record, OPEN_FLAG, True):
            return self._restricted(record, wanted, links)
        data = {"id": record.pk}
        for spec in self.entity.fields:
            if wanted is None or spec.api_name in wanted:
                data[spec.api_name] = spec.type_class.to_json(spec, links.value(record, spec))
        data[RESTRICTED_FIELDS] = links.restricted(record, wanted)
        system = {
            "owner": record.owner_id,
            "visibility": record.visibility,
            "restricted": False,
            "version": record.version,
            "created_at": record.created_at.isoformat() if record.created_at else None,
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
            "created_by": record.created_by_id,
            "updated_by": record.updated_by_id,
        }
        if self.entity.supports_segmentation:
            system["score"] = None if record.score is None else str(record.score)
            system["segment"] = record.segment
        held = getattr(record, grants.HOLDERS, None)
        if held is None and self.access.granted_roles:
            held = grants.holders(self.entity, [record.pk])[record.pk]
        for role in self.access.granted_roles:
            system[grants.ROLE_KEYS[role]] = held[role]
        for key, value in system.items():
            if wanted is None or key in wanted:
                data[key] = value
        return data

    def _restricted(self, record, wanted, links: Links) -> dict:
        """A non-public record the user may not open: its basic fields only."""
        data = {"id": record.pk}
        shown = set()
        for spec in self.entity.fields:
            if spec.is_basic and (wanted is None or spec.api_name in wanted):
                data[spec.api_name] = spec.type_class.to_json(spec, links.value(record, spec))
                shown.add(spec.api_name)
        data[RESTRICTED_FIELDS] = links.restricted(record, shown)
        data["visibility"] = record.visibility
        data["restricted"] = True
        return data

    @property
    def access(self):
        return access_spec(self.entity)


class HoldersField(serializers.Serializer):
    """Users and teams holding an object role on a record (participants, responsible)."""

    users = serializers.ListField(child=serializers.IntegerField(), help_text=_("User ids."))
    teams = serializers.ListField(child=serializers.IntegerField(), help_text=_("Team ids."))


def _build_serializer(entity: EntitySpec) -> type[RecordSerializer]:
    attrs: dict = {
        "entity": entity,
        "id": serializers.IntegerField(read_only=True),
        **{spec.api_name: spec.type_class.serializer_field(spec) for spec in entity.fields},
        "owner": serializers.IntegerField(
            allow_null=True, required=False, help_text=_("The owner's user id.")
        ),
        "visibility": serializers.ChoiceField(choices=VISIBILITIES, required=False),
        "restricted": serializers.BooleanField(
            read_only=True,
            required=False,
            help_text=_(
                "True on a non-public record you may not open: it shows only its id, "
                "basic fields and visibility."
            ),
        ),
        RESTRICTED_FIELDS: serializers.ListField(
            child=serializers.CharField(),
            read_only=True,
            help_text=_(
                "Link fields whose linked record you may not see (out of your sight or in "
                "the trash): their value is null here and is kept when you write the "
                "record without it or with null. Sorted; empty when nothing is withheld."
            ),
        ),
        "version": serializers.IntegerField(
            required=False,
            help_text=_("Send the version you read; a newer stored one answers 409."),
        ),
        "created_at": serializers.DateTimeField(read_only=True),
        "updated_at": serializers.DateTimeField(read_only=True),
        "created_by": serializers.IntegerField(read_only=True, allow_null=True),
        "updated_by": serializers.IntegerField(read_only=True, allow_null=True),
    }
    for role in access_spec(entity).granted_roles:
        attrs[grants.ROLE_KEYS[role]] = HoldersField(required=False)
    if entity.supports_segmentation:
        attrs["score"] = serializers.DecimalField(
            max_digits=14, decimal_places=2, read_only=True, allow_null=True
        )
        attrs["segment"] = serializers.CharField(read_only=True, allow_null=True)
    return type(f"{class_name(entity)}Record", (RecordSerializer,), attrs)


def record_serializer(snapshot: SchemaSnapshot, slug: str) -> type[RecordSerializer]:
    """The record serializer of an entity type, built once per snapshot."""
    entity = snapshot.entity(slug)
    return snapshot.memo(("serializer", slug), lambda: _build_serializer(entity))


def output_keys(entity: EntitySpec) -> set[str]:
    """Every key a record of this type has (what `?fields=` may name)."""
    keys = {"id", "owner", "visibility", "restricted", RESTRICTED_FIELDS, "version"}
    keys.update(READ_ONLY_SYSTEM)
    keys.update(spec.api_name for spec in entity.fields)
    keys.update(grants.ROLE_KEYS[role] for role in access_spec(entity).granted_roles)
    if entity.supports_segmentation:
        keys.update(SEGMENTATION_KEYS)
    return keys


class GrantHolderFilter(django_filters.BaseInFilter, django_filters.NumberFilter):
    """`?participant=3` / `?participant__in=3,4`: records one of these users holds the role on.

    Any user id counts, a deleted user's too. Only records the caller may open match:
    a non-public record they may only list does not show who takes part in it.
    """

    def __init__(self, *args, role: str, entity_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.role, self.entity_id = role, entity_id

    def filter(self, qs, value):
        if value in (None, [], ()):
            return qs
        entity = qs.model.entity
        held = grants.held_by_q(self.entity_id, self.role, value)
        return qs.filter(held, engine.open_q(self.parent.request.user, entity))


def _build_filterset(entity: EntitySpec, model) -> type[django_filters.FilterSet]:
    filters: dict = {}
    for spec in entity.fields:
        for lookup in spec.type_class.lookups:
            name = spec.api_name if lookup == "exact" else f"{spec.api_name}__{lookup}"
            filters[name] = spec.type_class.filter_for(spec, lookup)
    number_in = type("NumberIn", (django_filters.BaseInFilter, django_filters.NumberFilter), {})
    choice_in = type("ChoiceIn", (django_filters.BaseInFilter, django_filters.ChoiceFilter), {})
    visibility = [(v, v) for v in VISIBILITIES]
    filters.update(
        {
            "id__in": number_in(field_name="id", lookup_expr="in"),
            "owner": django_filters.NumberFilter(field_name="owner_id"),
            "owner__in": number_in(field_name="owner_id", lookup_expr="in"),
            "owner__isnull": django_filters.BooleanFilter(field_name="owner", lookup_expr="isnull"),
            "visibility": django_filters.ChoiceFilter(field_name="visibility", choices=visibility),
            "visibility__in": choice_in(
                field_name="visibility", lookup_expr="in", choices=visibility
            ),
            **{
                f"{name}__{lookup}": django_filters.IsoDateTimeFilter(
                    field_name=name, lookup_expr=lookup
                )
                for name in ("created_at", "updated_at")
                for lookup in ("gte", "lte")
            },
        }
    )
    for role in access_spec(entity).granted_roles:
        for name in (str(role), f"{role}__in"):
            filters[name] = GrantHolderFilter(field_name="id", role=str(role), entity_id=entity.id)
    if entity.supports_segmentation:
        filters["segment"] = django_filters.CharFilter(field_name="segment")
        filters["segment__in"] = type(
            "CharIn", (django_filters.BaseInFilter, django_filters.CharFilter), {}
        )(field_name="segment", lookup_expr="in")
        for lookup in ("gte", "lte"):
            filters[f"score__{lookup}"] = django_filters.NumberFilter(
                field_name="score", lookup_expr=lookup
            )
    meta = type("Meta", (), {"model": model, "fields": []})
    return type(f"{class_name(entity)}FilterSet", (RecordFilterSet,), {**filters, "Meta": meta})


def record_filterset(snapshot: SchemaSnapshot, slug: str) -> type[django_filters.FilterSet]:
    """The filterset of an entity type (every field's lookups), built once per snapshot."""
    entity, model = snapshot.entity(slug), snapshot.model(slug)
    return snapshot.memo(("filterset", slug), lambda: _build_filterset(entity, model))


def sortable_keys(entity: EntitySpec) -> set[str]:
    """What `?ordering=` may name."""
    keys = {"id", "created_at", "updated_at"}
    keys.update(spec.api_name for spec in entity.fields if spec.type_class.sortable)
    if entity.supports_segmentation:
        keys.update(SEGMENTATION_KEYS)
    return keys
