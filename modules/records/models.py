"""Static tables of the records module: numbering counters and saved views of lists.

NumberSequence(field=deal_number, period="2026", last_value=17)
SavedView(entity_type=persons, owner=ann, name="Kraków leads", filters={"city": "Kraków"})
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import Role
from modules.metamodel.models import EntityType, FieldDefinition


class NumberSequence(models.Model):
    """The last number given by an auto-number field in one period ("" or a year).

    It only goes up, so a deleted record's number is never given again.
    """

    field = models.ForeignKey(FieldDefinition, on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=8, blank=True, default="")
    last_value = models.BigIntegerField()

    class Meta:
        verbose_name = _("number sequence")
        constraints = [
            models.UniqueConstraint(fields=["field", "period"], name="uniq_number_sequence"),
        ]

    def __str__(self) -> str:
        return f"{self.field} {self.period}: {self.last_value}"


class SavedView(models.Model):
    """A named way of looking at one entity type's list: filters, columns and sort.

    Personal unless `shared`; a shared view may be the default of a system role, opened
    when a user of that role opens the list without asking for anything else.
    """

    entity_type = models.ForeignKey(
        EntityType, on_delete=models.CASCADE, related_name="saved_views"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=100)
    shared = models.BooleanField(_("shared"), default=False)
    #: `{"field" or "field__lookup": "value"}`, as the list's query string takes them.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    search = models.CharField(_("search"), max_length=200, blank=True, default="")
    columns = models.JSONField(_("columns"), default=list, blank=True)
    ordering = models.CharField(_("sort"), max_length=80, blank=True, default="")
    default_for_role = models.CharField(
        _("default for role"), max_length=20, choices=Role.choices, blank=True, default=""
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "default_for_role"],
                condition=~models.Q(default_for_role=""),
                name="uniq_default_view_per_role",
            ),
        ]

    def __str__(self) -> str:
        return self.name
