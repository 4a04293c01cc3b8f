"""Who may see and do what with records: per entity type settings and record grants.

    access = EntityAccess.objects.get(entity_type__slug="persons")
    access.system_permissions["user"]        # ["view", "add", "edit", ...]
    RecordGrant.objects.create(entity_type_id=7, record_id=12, role="participant", team=sales)

`EntityAccess` is metadata: changing it bumps the schema version, so every process
sees the new rules on its next request. The engine (`engine.py`) reads them from
the schema snapshot, never per row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Visibility(models.TextChoices):
    """How far a record is visible beyond the people who hold a role on it."""

    PUBLIC = "public", _("Public")
    NON_PUBLIC = "non_public", _("Non-public")
    HIDDEN = "hidden", _("Hidden")


class Action(models.TextChoices):
    """What a permission allows."""

    VIEW = "view", _("View")
    ADD = "add", _("Add")
    EDIT = "edit", _("Edit")
    DELETE = "delete", _("Delete")
    EXPORT = "export", _("Export")
    IMPORT = "import", _("Import")
    CHANGE_USER = "change_user", _("Change owner and participants")
    CHANGE_VISIBILITY = "change_visibility", _("Change visibility")
    VIEW_HISTORY = "view_history", _("View history")


class ObjectRole(models.TextChoices):
    """Roles a user (or a team) holds on one record."""

    AUTHOR = "author", _("Author")
    RESPONSIBLE = "responsible", _("Responsible")
    OWNER = "owner", _("Owner")
    PARTICIPANT = "participant", _("Participant")


#: Object roles kept in RecordGrant rows; owner and author are columns of the record.
GRANTED_ROLES = (ObjectRole.RESPONSIBLE, ObjectRole.PARTICIPANT)
#: System roles an administrator configures; Administrator may do everything.
CONFIGURABLE_ROLES = ("manager", "user")
RECORD_ACTIONS = tuple(a for a in Action.values if a not in ("add", "import"))


def default_system_permissions() -> dict:
    """What Managers and Users may do on a new entity type.

    Users may not change a record's visibility: making a public record hidden takes it away from
    everyone else, a delete in effect, so it goes with the right to delete.
    """
    return {
        "manager": list(Action.values),
        "user": ["view", "add", "edit", "export", "view_history"],
    }


def default_object_permissions() -> dict:
    """What each object role may do on a new entity type (the owner: everything)."""
    return {
        "author": ["view", "edit", "view_history"],
        "responsible": ["view", "edit", "view_history"],
        "owner": list(RECORD_ACTIONS),
        "participant": ["view", "view_history"],
    }


def default_object_roles() -> list:
    """The object roles a new entity type has."""
    return [ObjectRole.OWNER.value, ObjectRole.PARTICIPANT.value]


def default_allowed() -> list:
    """Every visibility is allowed on a new entity type."""
    return list(Visibility.values)


class EntityAccess(models.Model):
    """The access settings of one entity type."""

    entity_type = models.OneToOneField(
        "metamodel.EntityType",
        verbose_name=_("entity type"),
        on_delete=models.CASCADE,
        related_name="access",
    )
    allowed_visibilities = models.JSONField(_("allowed visibilities"), default=default_allowed)
    default_visibility = models.CharField(
        _("default visibility"),
        max_length=16,
        choices=Visibility.choices,
        default=Visibility.PUBLIC,
    )
    object_roles = models.JSONField(_("object roles"), default=default_object_roles)
    system_permissions = models.JSONField(
        _("system role permissions"), default=default_system_permissions
    )
    object_permissions = models.JSONField(
        _("object role permissions"), default=default_object_permissions
    )
    creator_team_participates = models.BooleanField(
        _("the creator's teams participate"),
        default=True,
        help_text=_("New records invite the teams of the user who creates them."),
    )
    default_participant_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("default participants (users)"),
        blank=True,
        related_name="+",
    )
    default_participant_teams = models.ManyToManyField(
        "accounts.Team",
        verbose_name=_("default participants (teams)"),
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[default_participant_users, default_participant_teams])

    class Meta:
        verbose_name = _("access settings")
        verbose_name_plural = _("access settings")

    def __str__(self) -> str:
        return str(self.entity_type)


class RecordGrant(models.Model):
    """An object role on one record, held by a user or by a whole team."""

    entity_type = models.ForeignKey(
        "metamodel.EntityType", on_delete=models.CASCADE, related_name="+"
    )
    record_id = models.BigIntegerField()
    role = models.CharField(max_length=20, choices=ObjectRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("record grant")
        verbose_name_plural = _("record grants")
        indexes = [
            models.Index(fields=["entity_type", "record_id"], name="grant_record"),
            models.Index(fields=["entity_type", "user", "role"], name="grant_user"),
            models.Index(fields=["entity_type", "team", "role"], name="grant_team"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=True, team__isnull=False)
                | Q(user__isnull=False, team__isnull=True),
                name="grant_user_xor_team",
            ),
            models.UniqueConstraint(
                fields=["entity_type", "record_id", "role", "user"],
                condition=Q(user__isnull=False),
                name="uniq_grant_user",
            ),
            models.UniqueConstraint(
                fields=["entity_type", "record_id", "role", "team"],
                condition=Q(team__isnull=False),
                name="uniq_grant_team",
            ),
        ]

    def __str__(self) -> str:
        holder = self.user or self.team
        return f"{self.get_role_display()}: {holder} on #{self.record_id}"
