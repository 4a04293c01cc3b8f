"""The global search over the API.

    GET /api/v1/search/?q=jan+kowalski               every type, up to 5 hits each
    GET /api/v1/search/?q=acme&limit=10&type=companies&type=deals

Hits are the records of each entity type the caller may see matching every word of `q`
(`modules/workspace/search.py`), grouped by type, best group first; a group says whether
more match (`more`), never how many.
"""

from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from modules.api.serializers import ErrorSerializer
from modules.metamodel.runtime import get_snapshot
from modules.workspace import search

E = ErrorSerializer
PARAMETERS = {"q", "limit", "type"}


class SearchHitSerializer(serializers.Serializer):
    """One record found."""

    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(help_text=gettext_lazy("The record in the API."))


class SearchGroupSerializer(serializers.Serializer):
    """The records found of one entity type, best first."""

    entity = serializers.CharField(help_text=gettext_lazy("The entity type's slug."))
    label = serializers.CharField()
    results = SearchHitSerializer(many=True)
    more = serializers.BooleanField(
        help_text=gettext_lazy("Whether more records of this type match than are listed.")
    )


class SearchResultSerializer(serializers.Serializer):
    """The answer: the words searched for and the groups, best group first."""

    query = serializers.CharField(help_text=gettext_lazy("The words searched for."))
    groups = SearchGroupSerializer(many=True)


class SearchQuerySerializer(serializers.Serializer):
    """The query parameters."""

    q = serializers.CharField(max_length=1000, allow_blank=True, trim_whitespace=True)
    limit = serializers.IntegerField(
        min_value=1, max_value=search.MAX_LIMIT, default=search.DEFAULT_LIMIT
    )


class SearchView(APIView):
    """`/search/`: records of every entity type matching every word of `q`."""

    @extend_schema(
        tags=["search"],
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description=gettext_lazy(
                    "Words to find, each in some field, without case or accents."
                ),
            ),
            OpenApiParameter(
                "limit",
                OpenApiTypes.INT,
                description=gettext_lazy("Hits per entity type, 1 to 20 (default 5)."),
            ),
            OpenApiParameter(
                "type",
                OpenApiTypes.STR,
                description=gettext_lazy(
                    "Entity type slugs to search, comma-separated (default: all)."
                ),
            ),
        ],
        responses={200: SearchResultSerializer, 400: E, 401: E},
        summary=gettext_lazy("Search every entity type"),
    )
    def get(self, request):
        unknown = sorted(set(request.query_params) - PARAMETERS)
        if unknown:
            raise ValidationError(
                {unknown[0]: [_("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        query = SearchQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        types = [slug for slug in request.query_params.get("type", "").split(",") if slug]
        known = {entity.slug for entity in get_snapshot().entities}
        strange = [slug for slug in types if slug not in known]
        if strange:
            raise ValidationError(
                {"type": [_("Unknown entity type: %(slug)s.") % {"slug": strange[0][:100]}]}
            )
        api_root = reverse("api-search").removesuffix("search/")
        words = search.words_of(query.validated_data["q"])
        groups = search.search(
            request.user, " ".join(words), limit=query.validated_data["limit"], types=set(types)
        )
        return Response(
            {
                "query": " ".join(words),
                "groups": [
                    {
                        "entity": group.entity.slug,
                        "label": group.entity.display_label_plural,
                        "results": [
                            {
                                "id": record.pk,
                                "title": str(record).strip(),
                                "url": f"{api_root}{group.entity.slug}/{record.pk}/",
                            }
                            for record in group.hits
                        ],
                        "more": group.more,
                    }
                    for group in groups
                ],
            }
        )


urlpatterns = [path("search/", SearchView.as_view(), name="api-search")]
