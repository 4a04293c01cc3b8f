"""Users and teams: who works in Tessera and in which team, with which role.

team = Team.objects.create(name="Sales North", parent=sales)
Membership.objects.create(user=alice, team=team, role=Role.MANAGER)
alice.is_administrator   # True for superusers and team administrators
alice.status             # active, suspended or deleted (only active users sign in)
AccountSettings.current().seats

Users are written by `AccountService` and `LifecycleService`; `is_active` is kept
equal to "status is active", so every check Django and DRF make on it (sign-in,
sessions, tokens, password reset) follows the status.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from modules.accounts import administrators
from modules.core import formats


class Role(models.TextChoices):
    """System roles a user holds in a team."""

    ADMINISTRATOR = "administrator", _("Administrator")
    MANAGER = "manager", _("Manager")
    USER = "user", _("User")


class UserStatus(models.TextChoices):
    """Where a user is in their life cycle; only active users sign in and use a seat."""

    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DELETED = "deleted", pgettext_lazy("user status", "Deleted")


class User(AbstractUser):
    """A person who signs in to Tessera."""

    status = models.CharField(
        _("status"), max_length=16, choices=UserStatus.choices, default=UserStatus.ACTIVE
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set with a temporary password: the user chooses their own at sign-in."),
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def set_password(self, raw_password) -> None:
        """A password the user chose (change, reset) is no longer a temporary one.

        `AccountService` sets `must_change_password` again after giving a temporary one.
        """
        super().set_password(raw_password)
        self.must_change_password = False

    def set_unusable_password(self) -> None:
        """No password any more; like a new one, this ends the API tokens at the save."""
        super().set_unusable_password()
        self._password_dropped = True

    def save(self, *args, **kwargs) -> None:
        """Save; a new password (chosen, reset, set by an administrator, taken away) ends
        every API token of the user.

        Every way to change a password (the services, Django's and Wagtail's password
        forms) ends in this save, so this is the one place that cannot be missed. Django
        keeps the new raw password in `_password` until the save, but not when it only
        re-hashes an unchanged one at sign-in. Sessions need nothing here: Django checks a
        hash of the password on every request, so every other session of the user ends;
        `update_session_auth_hash` keeps the one that made the change.
        """
        dropped = self.__dict__.pop("_password_dropped", False)
        changed = (self._password is not None or dropped) and not self._state.adding
        super().save(*args, **kwargs)
        if changed:
            revoke_tokens(self)

    @property
    def is_deleted(self) -> bool:
        """Deleted users stay as rows: their records keep pointing at them."""
        return self.status == UserStatus.DELETED

    @property
    def filter_label(self) -> str:
        """How the user is named in list filters: marked when deleted or suspended."""
        if self.status == UserStatus.DELETED:
            return str(_("%(user)s (deleted)") % {"user": self})
        if self.status == UserStatus.SUSPENDED:
            return str(_("%(user)s (suspended)") % {"user": self})
        return str(self)

    @property
    def is_administrator(self) -> bool:
        """Administrators may do everything, including shaping the schema."""
        return self.is_active and administrators.decide(self)

    @property
    def initials(self) -> str:
        """Used by numbering patterns (`%I`)."""
        parts = [self.first_name, self.last_name]
        letters = "".join(p[0] for p in parts if p)
        return (letters or self.username[:2]).upper()

    def __str__(self) -> str:
        return self.get_full_name() or self.username


def revoke_tokens(user: User) -> None:
    """Delete every API token of the user (a new password or a suspension ends them all)."""
    ApiToken.objects.filter(user=user).delete()


class ApiToken(models.Model):
    """A named API token of a user: what it may do (`scopes`), until when, last used when.

    Only a SHA-256 digest of the secret is stored; the secret is shown once, when the
    token is made (`modules/accounts/tokens.py`). `prefix` is its first characters, so a
    person can tell their tokens apart.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="access_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="api_token_user")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def expired(self, now=None) -> bool:
        """Whether the token's expiry has passed."""
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())


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


class AccountSettings(models.Model):
    """Installation-wide user settings: paid seats and how lists show deleted users. One row."""

    SINGLETON_ID = 1

    seats = models.PositiveIntegerField(
        _("paid seats"), help_text=_("Every active user uses a seat; suspended users do not.")
    )
    show_deleted_users_in_filters = models.BooleanField(
        _("show deleted users in list filters"),
        default=False,
        help_text=_(
            "Deleted users appear in the owner and participant filters, marked (deleted), "
            "so their records can be found and handed over."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("account settings")
        verbose_name_plural = _("account settings")

    def __str__(self) -> str:
        return str(_("%(n)s seats") % {"n": self.seats})

    @classmethod
    def current(cls) -> "AccountSettings":
        """The one row, for reading; before its first write, the unsaved defaults.

        Reading never writes, so a page costs the same queries whether the row exists yet.
        """
        row = cls.objects.filter(pk=cls.SINGLETON_ID).first()
        return row if row is not None else cls.defaults()

    @classmethod
    def defaults(cls) -> "AccountSettings":
        """The settings of a new installation: `ACCOUNT_SEATS` seats, or the active users."""
        active = User.objects.filter(status=UserStatus.ACTIVE).count()
        return cls(pk=cls.SINGLETON_ID, seats=max(settings.ACCOUNT_SEATS, active))

    @classmethod
    def show_deleted_users(cls) -> bool:
        """Whether list filters offer deleted users (one small query)."""
        row = cls.objects.filter(pk=cls.SINGLETON_ID).values("show_deleted_users_in_filters")
        found = row.first()
        return bool(found and found["show_deleted_users_in_filters"])


class InvitationStatus(models.TextChoices):
    """Where an invitation stands (expiry is computed, not stored)."""

    PENDING = "pending", _("Pending")
    EXPIRED = "expired", _("Expired")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class Invitation(models.Model):
    """An e-mail invitation to join in a team with a role; its link works until it expires.

    Only a hash of the link's token is stored, so the table does not hold working links.
    """

    email = models.EmailField(_("e-mail address"))
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.USER)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    send_count = models.PositiveIntegerField(_("times sent"), default=1)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text=_("The user who accepted it."),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["email"], name="invitation_email")]

    def __str__(self) -> str:
        return self.email

    @property
    def status(self) -> str:
        """Pending, expired, accepted or revoked, as of now."""
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    def get_status_display(self) -> str:
        """The status in the interface language."""
        return str(InvitationStatus(self.status).label)


class RegionalSettings(models.Model):
    """How one user's screens write dates, times and numbers (blank: as their language does).

    The language and the time zone are Wagtail's profile (`wagtail_userprofile`); these
    complete them. Written by `accounts.regional.save_regional`.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="regional",
    )
    date_format = models.CharField(
        _("date format"), max_length=16, blank=True, choices=formats.choices(formats.DATE_STYLES)
    )
    time_format = models.CharField(
        _("time format"), max_length=16, blank=True, choices=formats.choices(formats.TIME_STYLES)
    )
    number_format = models.CharField(
        _("number format"),
        max_length=16,
        blank=True,
        choices=formats.choices(formats.NUMBER_STYLES),
    )

    class Meta:
        verbose_name = _("regional settings")
        verbose_name_plural = _("regional settings")

    def __str__(self) -> str:
        return str(_("Regional settings of %(user)s") % {"user": self.user})

    @property
    def regional_format(self) -> formats.RegionalFormat:
        return formats.RegionalFormat(
            date=self.date_format, time=self.time_format, number=self.number_format
        )
