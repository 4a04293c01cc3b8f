"""Users and teams: who works in Tessera and in which team, with which role.

team = Team.objects.create(name="Sales North", parent=sales)
Membership.objects.create(user=alice, team=team, role=Role.MANAGER)
alice.is_administrator   # True for superusers and team administrators
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """System roles a user holds in a team."""

    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    USER = "user", _("User")


class User(AbstractUser):
    """A person who signs in to Tessera."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_administrator(self) -> bool:
        """Administrators may do everything, including shaping the schema."""
        from modules.access.engine import user_access

        return self.is_active and user_access(self).is_admin

    @property
    def initials(self) -> str:
        """Used by numbering patterns (`%I`)."""
        parts = [self.first_name, self.last_name]
        letters = "".join(p[0] for p in parts if p)
        return (letters or self.username[:2]).upper()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    """A team; teams form a tree through `parent`."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    members = models.ManyToManyField(User, through="Membership", related_name="teams")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in a team, with the system role they hold there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.USER)

    class Meta:
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="uniq_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.team} ({self.get_role_display()})"
