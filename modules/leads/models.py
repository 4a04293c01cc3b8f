"""Distribution rules of leads: ordered conditions that hand new leads to users and teams.

    rule = DistributionRule(name="Poland", position=1, conditions=[
        {"field": "country", "op": "eq", "value": "PL"}])
    RuleAssignee(rule=rule, user=alice, percent=50, position=0)   # 50 % to Alice
    RuleAssignee(rule=rule, team=sales, percent=50, position=1)   # 50 % round-robin in Sales

`total` and each assignee's `count` are the rule's counters since its assignees last
changed; they live in the database and are read under a row lock (`select_for_update`),
so every process and every concurrent intake shares them. `rotation` is a team's
round-robin pointer over its active members. Written only by `DistributionService`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from modules.accounts.models import Team


class DistributionRule(models.Model):
    """One rule: conditions on a new lead's fields, first match wins, then the shares."""

    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    total = models.BigIntegerField(_("assignments since the shares changed"), default=0)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("distribution rule")
        verbose_name_plural = _("distribution rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class RuleAssignee(models.Model):
    """A user or a team that gets `percent` of a rule's leads."""

    rule = models.ForeignKey(DistributionRule, on_delete=models.CASCADE, related_name="assignees")
    position = models.PositiveIntegerField(_("position"), default=0)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    percent = models.PositiveSmallIntegerField(_("percent"))
    count = models.BigIntegerField(_("assigned"), default=0)
    rotation = models.BigIntegerField(_("next team member"), default=0)

    class Meta:
        verbose_name = _("rule assignee")
        verbose_name_plural = _("rule assignees")
        ordering = ["rule", "position"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, team__isnull=True)
                | models.Q(user__isnull=True, team__isnull=False),
                name="leads_assignee_user_or_team",
            ),
            models.CheckConstraint(
                condition=models.Q(percent__gte=1, percent__lte=100), name="leads_assignee_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.team}: {self.percent} %"


class MatchRules(models.Model):
    """How records of one entity type are matched as likely duplicates.

    `rules` is a list of `{"kind": "email" | "phone" | "name", "fields": [api names],
    "threshold": 0.1-1.0 (name only)}`; an entity type without a row uses the defaults
    `duplicates.default_rules` derives from its field names. Written by `DuplicateService`.
    """

    entity_slug = models.CharField(_("entity type"), max_length=63, unique=True)
    rules = models.JSONField(_("rules"), default=list)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("duplicate match rules")
        verbose_name_plural = _("duplicate match rules")

    def __str__(self) -> str:
        return self.entity_slug


class MergeLink(models.Model):
    """The pointer a merge leaves: which record was merged into which, by whom, and what
    moved. The merged record is in the trash; its history is not rewritten."""

    entity_slug = models.CharField(_("entity type"), max_length=63)
    kept_id = models.BigIntegerField(_("record kept"))
    merged_id = models.BigIntegerField(_("record merged"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("merged at"), auto_now_add=True)
    moved = models.JSONField(_("what moved"), default=dict)

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [
            models.Index(fields=["entity_slug", "kept_id"], name="leads_merge_kept"),
            models.Index(fields=["entity_slug", "merged_id"], name="leads_merge_merged"),
        ]

    def __str__(self) -> str:
        return f"{self.entity_slug} {self.merged_id} → {self.kept_id}"


class Anonymisation(models.Model):
    """A record whose personal values were blanked (GDPR); there is no way back."""

    entity_slug = models.CharField(_("entity type"), max_length=63)
    record_id = models.BigIntegerField(_("record"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("anonymised at"), auto_now_add=True)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        constraints = [
            models.UniqueConstraint(
                fields=["entity_slug", "record_id"], name="leads_anonymised_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.entity_slug} {self.record_id}"
