"""Relation types between entity types, and the relations between two records.

    hq = RelationType.objects.create(source=companies, target=companies,
                                     source_label={"en": "Headquarters"},
                                     target_label={"en": "Branch"}, max_sources=1)
    Relation.objects.create(relation_type=hq, source_id=acme.pk, target_id=acme_krakow.pk)

A relation reads "source is <source_label> of target": Acme SA is the Headquarters of
Acme Kraków, Acme Kraków the Branch of Acme SA. `max_targets` limits how many targets
one source links to, `max_sources` how many sources one target has (a branch has one
headquarters: `max_sources=1`). A symmetric type ("Competitors") links records of one
type with one label; its rows are stored once, lower id first. Relation types are
metadata (simple-history, schema version bumps); relations are data, read through
the access engine. Entity rows are pointed at by id, never by a foreign key.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from modules.core.i18n import localized
from modules.core.trash import TrashQuerySet


class RelationTypeQuerySet(TrashQuerySet):
    """Relation types in and out of the trash."""


class RelationType(models.Model):
    """How records of two entity types (or of one) may be linked, labelled per side."""

    key = models.SlugField(
        _("key"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Set for relation types shipped in schemas/, so a sync finds them again."),
    )
    source = models.ForeignKey(
        "metamodel.EntityType",
        verbose_name=_("source entity type"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    target = models.ForeignKey(
        "metamodel.EntityType",
        verbose_name=_("target entity type"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    source_label = models.JSONField(_("source label"))
    target_label = models.JSONField(_("target label"), blank=True, default=dict)
    symmetric = models.BooleanField(_("symmetric"), default=False)
    max_targets = models.PositiveIntegerField(_("targets per source at most"), null=True)
    max_sources = models.PositiveIntegerField(_("sources per target at most"), null=True)
    source_form_section = models.ForeignKey(
        "metamodel.LayoutSection",
        verbose_name=_("section of the source's form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_form_section = models.ForeignKey(
        "metamodel.LayoutSection",
        verbose_name=_("section of the target's form"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_system = models.BooleanField(_("shipped"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = RelationTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("relation type")
        verbose_name_plural = _("relation types")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(symmetric=False) | Q(source=F("target")),
                name="relation_type_symmetric_one_type",
            ),
        ]

    def __str__(self) -> str:
        if self.symmetric:
            return localized(self.source_label)
        return f"{localized(self.source_label)} — {localized(self.target_label)}"


class Relation(models.Model):
    """One link: `source_id` (a record of the type's source) to `target_id`."""

    relation_type = models.ForeignKey(RelationType, on_delete=models.CASCADE, related_name="+")
    source_id = models.BigIntegerField()
    target_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        indexes = [
            models.Index(fields=["source_id", "relation_type"], name="relation_source"),
            models.Index(fields=["target_id", "relation_type"], name="relation_target"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["relation_type", "source_id", "target_id"], name="uniq_relation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relation_type}: #{self.source_id} → #{self.target_id}"


class RelationSettings(models.Model):
    """Installation-wide switch: are relations in use at all? One row."""

    SINGLETON_ID = 1

    enabled = models.BooleanField(
        _("relations are switched on"),
        default=True,
        help_text=_("Off: profiles, forms, lists and the API show no relations."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("relation settings")
        verbose_name_plural = _("relation settings")

    def __str__(self) -> str:
        return str(_("Relations on")) if self.enabled else str(_("Relations off"))

    @classmethod
    def current(cls) -> "RelationSettings":
        row, _created = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return row
