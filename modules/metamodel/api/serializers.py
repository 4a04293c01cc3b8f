"""Request and response bodies of the metadata API (`/api/v1/meta/`).

    body = FieldCreateSerializer(data=request.data)
    body.is_valid(raise_exception=True)          # 400 naming each bad or unknown key
    SchemaService().add_field(request.user, slug, **body.validated_data)

Request serializers check only JSON shapes (text is text, a flag is true or false,
no unknown keys); the rules of the data model (names, labels, options) stay in
`SchemaService`, which names the offending key itself. Response serializers read
metadata rows; they also document both directions for drf-spectacular.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from modules.api.serializers import (
    ErrorSerializer,
    LabelField,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    StrictSerializer,
)
from modules.metamodel.models import FieldDefinition
from modules.metamodel.schemafiles.definitions import FEATURE_KEYS


class OptionsField(serializers.DictField):
    """A field type's options: a JSON object (what goes in it: `GET /meta/field-types/`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Options of the field type; see /meta/field-types/."))
        super().__init__(**kwargs)


# -- entity types ---------------------------------------------------------------------------
class FeaturesInputSerializer(StrictSerializer):
    """Features of an entity type to switch on or off."""

    visibility = StrictBooleanField(required=False, help_text=_("Records can be non-public."))
    segmentation = StrictBooleanField(required=False, help_text=_("Records get a score."))
    relations = StrictBooleanField(required=False, help_text=_("Records can be related."))


def _service_features(features: dict | None) -> dict[str, bool]:
    return {FEATURE_KEYS[key]: value for key, value in (features or {}).items()}


class EntityTypeCreateSerializer(StrictSerializer):
    """`POST /meta/entity-types/`."""

    slug = StrictCharField(help_text=_("API name, e.g. 'tickets'; it cannot change later."))
    label = LabelField()
    label_plural = LabelField()
    icon = StrictCharField(required=False, max_length=40)
    title_template = StrictCharField(required=False, allow_blank=True, max_length=255)
    features = FeaturesInputSerializer(required=False)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        features = _service_features(data.pop("features", None))
        return {**data, **features}


class EntityTypeUpdateSerializer(StrictSerializer):
    """`PATCH /meta/entity-types/{slug}/`; `version` makes it refuse a stale edit (409)."""

    label = LabelField(required=False)
    label_plural = LabelField(required=False)
    icon = StrictCharField(required=False, max_length=40)
    title_template = StrictCharField(required=False, allow_blank=True, max_length=255)
    features = FeaturesInputSerializer(required=False)
    list_columns = serializers.ListField(
        child=StrictCharField(),
        required=False,
        help_text=_("API names of the fields the record list shows, in order; [] for the default."),
    )
    version = StrictIntegerField(
        required=False, help_text=_("The version you edited; a different stored one is a 409.")
    )

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data.pop("version", None)
        features = _service_features(data.pop("features", None))
        return {**data, **features}


class FeaturesSerializer(serializers.Serializer):
    """Features an entity type has switched on."""

    visibility = serializers.BooleanField(source="supports_visibility")
    segmentation = serializers.BooleanField(source="supports_segmentation")
    relations = serializers.BooleanField(source="supports_relations")


class EntityTypeSerializer(serializers.Serializer):
    """An entity type. Its fields are listed at `/meta/entity-types/{slug}/fields/`."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    label = LabelField()
    label_plural = LabelField()
    icon = serializers.CharField()
    title_template = serializers.CharField()
    features = FeaturesSerializer(source="*")
    list_columns = serializers.SerializerMethodField(
        help_text=_("API names of the fields the record list shows; [] means the basic fields.")
    )
    is_system = serializers.BooleanField()
    version = serializers.IntegerField(help_text=_("Send it back with PATCH to avoid lost edits."))
    field_count = serializers.IntegerField(help_text=_("How many live fields it has."))
    deleted_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was moved to the trash; null while live.")
    )

    def get_list_columns(self, entity) -> list[str]:
        names = dict(entity.fields.alive().values_list("id", "api_name"))
        return [names[i] for i in entity.list_columns or () if i in names]


# -- fields ----------------------------------------------------------------------------------
class FieldSerializer(serializers.Serializer):
    """A field of an entity type (its storage column is not part of the API)."""

    api_name = serializers.CharField()
    label = LabelField()
    help_text = LabelField()
    type = serializers.CharField()
    options = serializers.SerializerMethodField(
        help_text=_("Options of the type; a relation names its target entity type in 'target'.")
    )
    required = serializers.BooleanField()
    unique = serializers.BooleanField()
    is_basic = serializers.BooleanField()
    is_system = serializers.BooleanField()
    position = serializers.IntegerField()
    deleted_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was moved to the trash; null while live.")
    )

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_options(self, field: FieldDefinition) -> dict:
        options = dict(field.options or {})
        if field.type_class.needs_target_entity and field.target_entity_id:
            options["target"] = field.target_entity.slug
        return options


class FieldCreateSerializer(StrictSerializer):
    """`POST /meta/entity-types/{slug}/fields/`."""

    api_name = StrictCharField(help_text=_("e.g. 'potential'; the key in record JSON."))
    label = LabelField()
    type = StrictCharField(help_text=_("A key of GET /meta/field-types/."))
    required = StrictBooleanField(required=False, default=False)
    unique = StrictBooleanField(required=False, default=False)
    is_basic = StrictBooleanField(
        required=False, default=False, help_text=_("Shown on records the caller may not open.")
    )
    options = OptionsField(required=False, allow_null=True)
    help_text = LabelField(required=False, allow_null=True)
    section = StrictIntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        help_text=_("Index of the layout section to put it in; default: the last one."),
    )


class FieldUpdateSerializer(StrictSerializer):
    """`PATCH /meta/entity-types/{slug}/fields/{api_name}/`.

    With a new `type` (and optionally `options` for it) the field is converted into
    a new column; no other key may come along then.
    """

    api_name = StrictCharField(required=False, help_text=_("A new API name (a rename)."))
    label = LabelField(required=False)
    help_text = LabelField(required=False, allow_null=True)
    required = StrictBooleanField(required=False)
    unique = StrictBooleanField(required=False)
    is_basic = StrictBooleanField(required=False)
    options = OptionsField(required=False, allow_null=True)
    type = StrictCharField(required=False, help_text=_("A new type: converts the stored values."))
    confirm_loss = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Go on although values would be lost or orphaned (else 409)."),
    )


class TypePreviewSerializer(StrictSerializer):
    """`POST .../fields/{api_name}/type-preview/`: what a type change would do."""

    type = StrictCharField()
    options = OptionsField(required=False, allow_null=True)


class ConversionSampleSerializer(serializers.Serializer):
    """A stored value that would not convert."""

    id = serializers.IntegerField(help_text=_("The record's id."))
    value = serializers.CharField()
    error = serializers.CharField()


class ConversionPreviewSerializer(serializers.Serializer):
    """How many stored values a type change converts, and samples of those it cannot."""

    total = serializers.IntegerField()
    converted = serializers.IntegerField()
    failing = serializers.IntegerField()
    samples = ConversionSampleSerializer(many=True)


class FieldOrderSerializer(StrictSerializer):
    """`POST .../fields/order/`: every live field's api name, once, in the new order."""

    fields = serializers.ListField(child=StrictCharField(), allow_empty=True)


# -- layout -------------------------------------------------------------------------------------
class LayoutSectionInputSerializer(StrictSerializer):
    """A form section to store: a label and field api names in order."""

    label = LabelField()
    fields = serializers.ListField(child=StrictCharField(), required=False, default=list)
    other = StrictBooleanField(
        required=False,
        default=False,
        help_text=_("Sections marked 'other' (as GET shows them) are skipped."),
    )


class LayoutInputSerializer(StrictSerializer):
    """`PUT /meta/entity-types/{slug}/layout/`; fields left out show under "Other"."""

    sections = LayoutSectionInputSerializer(many=True)

    def service_sections(self) -> list[dict]:
        return [
            {"label": s["label"], "fields": s["fields"]}
            for s in self.validated_data["sections"]
            if not s["other"]
        ]


class LayoutSectionSerializer(serializers.Serializer):
    """A form section as the form shows it."""

    label = LabelField(help_text=_("As stored (send this back with PUT)."))
    display_label = serializers.CharField(help_text=_("In the caller's language."))
    fields = serializers.ListField(child=serializers.CharField())
    other = serializers.BooleanField(
        help_text=_("Fields placed in no section; not a stored section, do not send it back.")
    )


class LayoutSerializer(serializers.Serializer):
    """The form layout of an entity type."""

    sections = LayoutSectionSerializer(many=True)


# -- field types and errors --------------------------------------------------------------------
class FieldTypeSerializer(serializers.Serializer):
    """A field type, as its `describe()` tells it."""

    type = serializers.CharField()
    label = serializers.CharField()
    options_schema = serializers.JSONField(help_text=_("JSON Schema of the options."))
    lookups = serializers.ListField(child=serializers.CharField())
    sortable = serializers.BooleanField()
    segmentation_kind = serializers.CharField()
    convertible_to = serializers.ListField(child=serializers.CharField())


class ConversionErrorSerializer(ErrorSerializer):
    """409 of a type change that would lose values: the error with the preview."""

    preview = ConversionPreviewSerializer()
