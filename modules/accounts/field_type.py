"""The `user` field type: a user of Tessera (an account manager, a reviewer, ...); stored as
the user's id. Accounts registers it in its `AppConfig.ready()`."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from modules.accounts.filters import UserFilter
from modules.accounts.screens.lookup import user_picker
from modules.core.values import is_digits
from modules.metamodel.field_types.base import LinkType


class UserType(LinkType):
    """A field holding the id of one user (active when chosen)."""

    type = "user"
    label = _("User")
    lookups = ("exact", "in", "isnull")
    segmentation_kind = "categorical"
    indexed = True

    def model_field(self, field, target_model=None):
        return models.ForeignKey(
            get_user_model(),
            null=True,
            blank=True,
            on_delete=models.DO_NOTHING,
            related_name="+",
            db_index=False,
            db_constraint=False,
        )

    def form_field(self, field):
        return forms.ModelChoiceField(
            queryset=get_user_model().objects.filter(is_active=True),
            required=False,
            widget=user_picker(),
        )

    def admin_filter(self, field):
        return UserFilter(field_name=field.api_name, label=field.display_label)

    def clean(self, field, value):
        if self.is_empty(value):
            return None
        if isinstance(value, get_user_model()):
            value = value.pk
        if isinstance(value, bool) or not is_digits(str(value)):
            raise ValidationError(_("Give a user's id."), code="invalid")
        user_id = int(value)
        if not get_user_model().objects.filter(pk=user_id, is_active=True).exists():
            raise ValidationError(
                _("No active user has the id %(id)s."), params={"id": user_id}, code="invalid_user"
            )
        return user_id

    def to_text(self, field, value, *, viewer):
        if value is None:
            return ""
        user = get_user_model().objects.filter(pk=value).first()
        return user.get_username() if user else str(value)

    def history_texts(self, field, values, *, viewer):
        ids = {v for v in values if isinstance(v, int) and not isinstance(v, bool)}
        names = {u.pk: str(u) for u in get_user_model().objects.filter(pk__in=ids)}
        return ["—" if v is None else names.get(v, f"#{v}") for v in values]

    def parse_many(self, field, texts, *, viewer):
        """Active users by username or e-mail (any case), or id, in one query."""
        wanted = {text.strip().casefold() for text in texts if text.strip()}
        ids = {int(text) for text in wanted if is_digits(text)}
        rows = (
            get_user_model()
            .objects.filter(is_active=True)
            .annotate(login=Lower("username"), mail=Lower("email"))
            .filter(Q(login__in=wanted) | Q(mail__in=wanted) | Q(pk__in=ids))
            .values_list("pk", "login", "mail")
        )
        found: dict[str, int] = {}
        for pk, _login, mail in rows:
            found.setdefault(mail, pk)
            found[str(pk)] = pk
        for pk, login, _mail in rows:
            found[login] = pk  # a username wins over someone else's e-mail
        return {
            text: found[text.strip().casefold()]
            for text in texts
            if text.strip().casefold() in found
        }

    def parse_text(self, field, text):
        """A user by id, username or e-mail."""
        if self.is_empty(text) or not str(text).strip():
            return None
        text = str(text).strip()
        users = get_user_model().objects.filter(is_active=True)
        match = (
            users.filter(username__iexact=text).first() or users.filter(email__iexact=text).first()
        )
        if match is None and is_digits(text):
            return self.clean(field, text)
        if match is None:
            raise ValidationError(
                _("No active user is called %(name)s."), params={"name": text}, code="invalid_user"
            )
        return match.pk
