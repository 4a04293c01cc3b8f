"""Metadata rows that describe the CRM's entity types, their fields and form layouts.

    persons = EntityType.objects.alive().by_slug("persons")   # not in the trash, else 404
    persons.fields.alive()              # fields not in trash, in form order
    SchemaState.current()               # (version, token) the runtime compares

Rows are written only by `SchemaService`; every change bumps `SchemaState`.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from modules.core.i18n import localized
from modules.core.trash import TrashQuerySet, alive_q
from modules.metamodel.exceptions import EntityTypeNotFound
from modules.metamodel.field_types import field_types


class EntityTypeQuerySet(TrashQuerySet):
    """Entity types in and out of the trash."""

    def by_slug(self, slug: str) -> "EntityType":
        """The entity type called `slug` among these rows; else EntityTypeNotFound (the
        API answers 404, a screen turns it into Http404)."""
        try:
            return self.get(slug=slug)
        except EntityType.DoesNotExist:
            raise EntityTypeNotFound(
                _("There is no entity type '%(slug)s'.") % {"slug": slug}
            ) from None


class EntityType(models.Model):
    """A kind of record (persons, companies, deals, ...) backed by its own table."""

    slug = models.CharField(_("API name"), max_length=63, unique=True)
    label = models.JSONField(_("label"), help_text=_("Singular, e.g. {'en': 'Person'}."))
    label_plural = models.JSONField(_("plural label"))
    icon = models.CharField(_("icon"), max_length=40, default="folder")
    title_template = models.CharField(
        _("title template"),
        max_length=255,
        blank=True,
        help_text=_("How a record is named, e.g. '{first_name} {last_name}'."),
    )
    supports_visibility = models.BooleanField(_("record visibility"), default=True)
    supports_segmentation = models.BooleanField(_("segmentation"), default=False)
    supports_relations = models.BooleanField(_("relations"), default=True)
    list_columns = models.JSONField(
        _("list columns"),
        default=list,
        blank=True,
        help_text=_("Ids of the fields the record list shows, in order; empty: basic fields."),
    )
    is_system = models.BooleanField(_("built in"), default=False)
    version = models.PositiveIntegerField(default=1)
    #: Set while the type is in the trash: its table and rows stay, the runtime skips it.
    deleted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = EntityTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("entity type")
        verbose_name_plural = _("entity types")
        ordering = ["id"]

    def __str__(self) -> str:
        return localized(self.label_plural) or self.slug

    @property
    def db_table(self) -> str:
        """The physical table; never derived from a name an admin typed."""
        assert self.pk, "An entity type has a table only once it is saved."
        return f"ent_{self.pk}"


class FieldQuerySet(TrashQuerySet):
    """Fields in and out of the trash."""


class FieldDefinition(models.Model):
    """One custom or built-in field; `type` is a key of the field-type registry."""

    entity_type = models.ForeignKey(EntityType, on_delete=models.CASCADE, related_name="fields")
    api_name = models.CharField(_("API name"), max_length=63)
    label = models.JSONField(_("label"))
    help_text = models.JSONField(_("help text"), default=dict, blank=True)
    type = models.CharField(_("type"), max_length=40)
    options = models.JSONField(_("options"), default=dict, blank=True)
    target_entity = models.ForeignKey(
        EntityType,
        verbose_name=_("target entity type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_fields",
    )
    required = models.BooleanField(_("required"), default=False)
    unique = models.BooleanField(_("unique"), default=False)
    is_basic = models.BooleanField(
        _("basic"),
        default=False,
        help_text=_("Shown on records the user may not open."),
    )
    is_system = models.BooleanField(_("built in"), default=False)
    position = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced",
        help_text=_("Set when a type change moved this field's data to a new column."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = FieldQuerySet.as_manager()

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "api_name"],
                condition=alive_q(),
                name="uniq_live_field_api_name",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity_type.slug}.{self.api_name}"

    @property
    def column(self) -> str:
        """The physical column: always `f_<id>`, whatever the field is called."""
        assert self.pk, "A field has a column only once it is saved."
        return f"f_{self.pk}"

    @property
    def display_label(self) -> str:
        return localized(self.label) or self.api_name

    @property
    def type_class(self):
        """The field-type object (registry entry) that knows how this field behaves."""
        return field_types.get(self.type)


class FormLayout(models.Model):
    """How an entity type's form is laid out: ordered sections of ordered fields."""

    entity_type = models.OneToOneField(EntityType, on_delete=models.CASCADE, related_name="layout")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form layout")
        verbose_name_plural = _("form layouts")

    def __str__(self) -> str:
        return str(self.entity_type)


class LayoutSection(models.Model):
    """A titled group of fields on a form."""

    layout = models.ForeignKey(FormLayout, on_delete=models.CASCADE, related_name="sections")
    label = models.JSONField(_("label"))
    sort_order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return localized(self.label)


class LayoutItem(models.Model):
    """A field's place in a section. Items of trashed fields stay, so restore puts them back."""

    section = models.ForeignKey(LayoutSection, on_delete=models.CASCADE, related_name="items")
    field = models.ForeignKey(FieldDefinition, on_delete=models.CASCADE, related_name="+")
    sort_order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("form item")
        verbose_name_plural = _("form items")
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["field"], name="uniq_layout_item_field")]

    def __str__(self) -> str:
        return str(self.field)


class SchemaState(models.Model):
    """The schema version: one row, bumped in the same transaction as any metadata change.

    `token` changes with every bump, so a version number seen inside a transaction
    that later rolled back is never mistaken for the committed one.
    """

    version = models.BigIntegerField(default=1)
    token = models.UUIDField(default=uuid.uuid4)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schema state")

    def __str__(self) -> str:
        return f"v{self.version}"

    SINGLETON_ID = 1

    @classmethod
    def current(cls) -> tuple[int, uuid.UUID]:
        """One indexed single-row read."""
        return cls.objects.values_list("version", "token").get(pk=cls.SINGLETON_ID)

    @classmethod
    def bump(cls) -> tuple[int, uuid.UUID]:
        token = uuid.uuid4()
        cls.objects.filter(pk=cls.SINGLETON_ID).update(version=models.F("version") + 1, token=token)
        return cls.current()


class AppliedSchema(models.Model):
    """What `sync_schemas` last applied from one file, for a three-way merge next time."""

    name = models.CharField(max_length=100, unique=True)
    digest = models.CharField(max_length=64)
    definition = models.JSONField()
    applied_at = models.DateTimeField(auto_now=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("applied schema file")

    def __str__(self) -> str:
        return self.name
