"""One generic viewset for the records of every entity type: /api/v1/{slug}/...

    GET|POST            /api/v1/persons/
    GET|PATCH|PUT|DELETE /api/v1/persons/{id}/
    GET                 /api/v1/persons/trash/
    POST                /api/v1/persons/{id}/restore/
    POST                /api/v1/persons/bulk/

The entity type comes from the URL; model, serializer and filterset come from the
schema snapshot bound to the request, so a type or field added a moment ago works.
A list page's query also reads the schema version for the request's check
(`metamodel/runtime/check.py`), so a page costs one query.
Every read goes through the access engine (`.visible_to(user)`), every write through
RecordService, which asks the engine too; a write answers what a read of the record
would answer the caller right after it (`written`).
"""

from __future__ import annotations

from django.conf import settings
from django.urls import path
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from modules.access import grants
from modules.access.links import flag as flag_links
from modules.api.pagination import KeysetPaginator, Ordering, capped_count
from modules.api.paging import page_link, page_size, wants_count
from modules.api.schema_support import KeysetPaginationDoc, RecordSchema
from modules.metamodel.runtime import get_snapshot
from modules.metamodel.runtime.check import pending_check
from modules.records import query
from modules.records.api import list_filters, preconditions
from modules.records.api.bulk_bodies import BULK_ACTIONS, BULK_REQUEST, BULK_RESPONSE
from modules.records.api.serializers import (
    READ_ONLY_SYSTEM,
    RESTRICTED_FIELDS,
    output_keys,
    record_filterset,
    record_serializer,
    sortable_keys,
)
from modules.records.exceptions import RecordNotFound, StaleRecord
from modules.records.services import RecordService

LIST_PARAMETERS = {
    "search",
    "ordering",
    "fields",
    "count",
    "page_size",
    "cursor",
    "format",
}
SYSTEM_INPUT = {"owner", "visibility", "version", "participants"}


def tagged(response: Response) -> Response:
    """A record's answer with its ETag (none for a record shown restricted)."""
    tag = preconditions.etag(response.data)
    if tag:
        response["ETag"] = tag
    return response


def list_parameters() -> set[str]:
    """The query parameters of a list that are not a field filter."""
    return LIST_PARAMETERS | list_filters.parameters()


class FilterBackend(DjangoFilterBackend):
    """django-filter with errors in the API's shape (400 naming the parameter)."""

    raise_exception = True


class RecordViewSet(viewsets.GenericViewSet):
    """Records of the entity type named in the URL."""

    filter_backends = [FilterBackend]
    pagination_class = KeysetPaginationDoc
    schema = RecordSchema()
    #: Set when the OpenAPI generator documents one entity type's paths.
    entity_slug: str | None = None

    # -- what the URL names ----------------------------------------------------------
    @property
    def slug(self) -> str:
        return self.entity_slug or self.kwargs["slug"]

    @property
    def snapshot(self):
        return getattr(self.request, "schema_snapshot", None) or get_snapshot()

    @property
    def entity(self):
        return self.snapshot.entity(self.slug)

    @property
    def filterset_class(self):
        return record_filterset(self.snapshot, self.slug)

    def get_serializer_class(self):
        return record_serializer(self.snapshot, self.slug)

    def get_queryset(self):
        model = self.snapshot.model(self.slug)
        trashed = self.action == "trash"
        rows = model.objects.trashed() if trashed else model.objects.alive()
        return rows.visible_to(self.request.user)

    # -- reads -----------------------------------------------------------------------
    @extend_schema(summary="List records")
    def list(self, request, *args, **kwargs):
        return self._list(request)

    @extend_schema(summary="List records in the trash")
    def trash(self, request, *args, **kwargs):
        return self._list(request)

    def _list(self, request):
        self._check_parameters(request)
        queryset = self.get_queryset()
        self._check_readable(request, queryset)
        # Building the filterset (every lookup of every field) costs more than the page
        # itself; only pay for it when a parameter names a filter.
        if set(request.query_params) - list_parameters():
            queryset = self.filter_queryset(queryset)
        queryset = queryset.search(request.query_params.get("search"), request.user)
        queryset = list_filters.apply(request, queryset, self.entity)
        paginator = KeysetPaginator(self._ordering(request), page_size(request))
        page = flag_links(grants.with_holders(queryset, self.entity), request.user, self.entity)
        cursor = request.query_params.get("cursor")
        check = pending_check()
        if check is None:
            rows, links = paginator.paginate(page, cursor)
        else:
            # The page query reads the schema version along: one query in all, as a
            # static ModelViewSet makes (SchemaSnapshotMiddleware).
            with check.carried():
                rows, links = paginator.paginate(check.carrying(page), cursor)
            check.settle_with(rows)
        serializer = self.get_serializer(rows, many=True, context=self._context(request))
        body = {
            "next": page_link(request, links["next"]),
            "previous": page_link(request, links["previous"]),
            "results": serializer.data,
        }
        if wants_count(request):
            body["count"], body["count_capped"] = capped_count(queryset, settings.API_COUNT_CAP)
        return Response(body)

    @extend_schema(summary="Get a record")
    def retrieve(self, request, *args, **kwargs):
        return tagged(Response(self.shown(request, kwargs["pk"], self._context(request))))

    def shown(self, request, pk, context: dict) -> dict:
        """The record as the caller may see it: read through the engine, masked alike.

        Raises RecordNotFound when the caller may not see it at all.
        """
        record = RecordService().get(request.user, self.slug, pk)
        return self.get_serializer(record, context={**context, "viewer": request.user}).data

    def written(self, request, pk, *, created: bool = False) -> Response:
        """The answer to a write: exactly what `GET /{slug}/{id}/` answers the caller now.

        The service's own copy of the record is never serialized: it carries no open
        flag, so it would show every field. A record the write took out of the caller's
        sight (handed over and out of their sight) stays written; its fields are not shown: 204, or
        for a create 201 with only its id.
        """
        try:
            body = self.shown(request, pk, {})
        except RecordNotFound:
            if created:
                return Response({"id": pk}, status=status.HTTP_201_CREATED)
            return Response(status=status.HTTP_204_NO_CONTENT)
        return tagged(
            Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
        )

    # -- writes ----------------------------------------------------------------------
    @extend_schema(summary="Create a record")
    def create(self, request, *args, **kwargs):
        values, system = self._body(request)
        record = RecordService().create(
            request.user,
            self.slug,
            values,
            owner=system.get("owner"),
            visibility=system.get("visibility"),
            participants=system.get("participants"),
        )
        return self.written(request, record.pk, created=True)

    @extend_schema(summary="Change some values of a record")
    def partial_update(self, request, *args, **kwargs):
        return self._update(request, kwargs["pk"], replace=False)

    @extend_schema(summary="Replace all values of a record")
    def update(self, request, *args, **kwargs):
        return self._update(request, kwargs["pk"], replace=True)

    def _update(self, request, pk, *, replace: bool):
        values, system = self._body(request)
        matched = preconditions.if_match_version(request, lambda: self.shown(request, pk, {}))
        if replace:
            values = {
                spec.api_name: values.get(spec.api_name)
                for spec in self.entity.fields
                if not spec.type_class.allocates_on_create or spec.api_name in values
            }
        try:
            record = RecordService().update(
                request.user,
                self.slug,
                pk,
                values,
                expected_version=system.get("version", matched),
                owner=system.get("owner"),
                visibility=system.get("visibility"),
                participants=system.get("participants"),
            )
        except StaleRecord as stale:
            if matched is None or "version" in system:
                raise
            raise preconditions.refused(stale) from None
        return self.written(request, record.pk)

    @extend_schema(summary="Move a record to the trash", responses={204: None})
    def destroy(self, request, *args, **kwargs):
        preconditions.if_match_version(request, lambda: self.shown(request, kwargs["pk"], {}))
        RecordService().delete(request.user, self.slug, kwargs["pk"])
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Restore a record from the trash", request=None)
    def restore(self, request, *args, **kwargs):
        record = RecordService().restore(request.user, self.slug, kwargs["pk"])
        return self.written(request, record.pk)

    @extend_schema(
        summary="Act on many records at once (all or nothing)",
        request={"application/json": BULK_REQUEST},
        responses={200: BULK_RESPONSE, 201: BULK_RESPONSE},
        description=(
            '`{"action": "change_user", "ids": [..], "role": "owner" | "participant" | ..., '
            '"users": [..], "teams": [..], "mode": "replace" | "add" | "remove"}`, '
            '`{"action": "update", "ids": [..], "values": {..}, "visibility": ".."}` '
            "(values, visibility or both) or "
            '`{"action": "delete", "ids": [..]}`, or `{"action": "create", "records": '
            "[{..}, ..]}` (up to 1,000; 201 with their ids). One id the caller may not act on, "
            "or one invalid value, rejects the whole call and nothing is written."
        ),
    )
    def bulk(self, request, *args, **kwargs):
        data = request.data
        if not isinstance(data, dict) or data.get("action") not in BULK_ACTIONS:
            raise ValidationError(
                {
                    "action": [
                        _("Choose one of: %(actions)s.") % {"actions": ", ".join(BULK_ACTIONS)}
                    ]
                }
            )
        service, ids = RecordService(), data.get("ids")
        if data["action"] == "create":
            created = service.bulk_create(request.user, self.slug, data.get("records"))
            body = {"action": "create", "count": len(created), "ids": created}
            return Response(body, status=status.HTTP_201_CREATED)
        if data["action"] == "delete":
            done = service.bulk_delete(request.user, self.slug, ids)
        elif data["action"] == "update":
            done = service.bulk_update(
                request.user, self.slug, ids, data.get("values"), visibility=data.get("visibility")
            )
        else:
            done = service.change_user(
                request.user,
                self.slug,
                ids,
                role=data.get("role"),
                users=data.get("users"),
                teams=data.get("teams"),
                mode=data.get("mode", "replace"),
            )
        return Response({"action": data["action"], "count": done})

    # -- helpers ---------------------------------------------------------------------
    def _check_readable(self, request, queryset) -> None:
        """Filtering or sorting on what some listed record withholds from the user is a 400."""
        named = [
            (param, param.split("__")[0])
            for param in request.query_params
            if param not in list_parameters()
        ]
        named += [
            ("ordering", raw.strip().lstrip("-"))
            for raw in request.query_params.get("ordering", "").split(",")
            if raw.strip()
        ]
        unreadable = query.unreadable_names(
            queryset, request.user, self.entity, {n for _p, n in named}
        )
        errors: dict[str, list[str]] = {}
        for param, name in named:
            if name in unreadable:
                errors.setdefault(param, []).append(
                    _(
                        "Some records listed here withhold this value from you (they are "
                        "non-public to you, or link to records you may not see); you "
                        "cannot filter or sort them by '%(name)s'."
                    )
                    % {"name": name}
                )
        if errors:
            raise ValidationError(errors)

    def _body(self, request) -> tuple[dict, dict]:
        data = request.data
        if not isinstance(data, dict):
            raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
        system = {key: data[key] for key in SYSTEM_INPUT if key in data}
        version = system.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            raise ValidationError({"version": [_("Give the version as a whole number.")]})
        ignored = SYSTEM_INPUT | set(READ_ONLY_SYSTEM) | {"score", "segment", "restricted"}
        ignored.add(RESTRICTED_FIELDS)
        return {k: v for k, v in data.items() if k not in ignored}, system

    def _check_parameters(self, request) -> None:
        known = list_parameters() | set(self.filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - known)
        if unknown:
            raise ValidationError({name: [_("Unknown parameter.")] for name in unknown})

    def _ordering(self, request) -> list[Ordering]:
        allowed = sortable_keys(self.entity)
        terms, seen = [], set()
        for raw in filter(None, request.query_params.get("ordering", "").split(",")):
            name = raw.strip().lstrip("-")
            if name not in allowed or name in seen:
                raise ValidationError(
                    {"ordering": [_("You cannot sort by '%(name)s'.") % {"name": raw.strip()}]}
                )
            seen.add(name)
            # Sort links by the stored id (attname), never through a join to the target.
            field = self.get_queryset().model._meta.get_field(name)
            terms.append(Ordering(field.attname, raw.strip().startswith("-"), field.null))
        if "id" not in seen:
            terms.append(Ordering("id", terms[0].descending if terms else True, nullable=False))
        return terms

    def _context(self, request) -> dict:
        raw = request.query_params.get("fields")
        if not raw:
            return {"viewer": request.user}
        wanted = {name.strip() for name in raw.split(",") if name.strip()}
        unknown = sorted(wanted - output_keys(self.entity))
        if unknown:
            raise ValidationError(
                {"fields": [_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        return {"viewer": request.user, "fields": wanted | {"id"}}


LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "patch": "partial_update", "put": "update", "delete": "destroy"}


def entity_urlpatterns(prefix: str = "<slug:slug>", **initkwargs) -> list:
    """The record routes under `prefix`; the OpenAPI generator makes one set per type."""
    view = RecordViewSet.as_view
    return [
        path(f"{prefix}/", view(LIST, **initkwargs)),
        path(f"{prefix}/trash/", view({"get": "trash"}, **initkwargs)),
        path(f"{prefix}/bulk/", view({"post": "bulk"}, **initkwargs)),
        path(f"{prefix}/<int:pk>/", view(DETAIL, **initkwargs)),
        path(f"{prefix}/<int:pk>/restore/", view({"post": "restore"}, **initkwargs)),
    ]
