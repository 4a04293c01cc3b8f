"""The users list filters offer: every user who may own records, deleted ones on request.

    django_filters.ModelMultipleChoiceFilter(queryset=filter_users, field_class=UserFilterField)
    UserFilter(field_name="owner", label=_("Owner"))

Active and suspended users are always offered (a suspended user still owns records).
Deleted users are offered, marked "(deleted)", while the setting "show deleted users in
list filters" is on, so their records can be found and handed over to a successor.
"""

from __future__ import annotations

import django_filters
from django import forms

from modules.accounts.models import AccountSettings, User, UserStatus


def filter_users(request=None):
    """The users a list filter offers (the request is django-filter's calling convention)."""
    rows = User.objects.all()
    if not AccountSettings.show_deleted_users():
        rows = rows.exclude(status=UserStatus.DELETED)
    return rows.order_by("first_name", "last_name", "username")


class UserFilterField(forms.ModelMultipleChoiceField):
    """A multi-select of users labelled "(deleted)" / "(suspended)" where they are."""

    def label_from_instance(self, obj: User) -> str:
        return obj.filter_label


class UserFilter(django_filters.ModelMultipleChoiceFilter):
    """A filter by one or more users, offering `filter_users`."""

    field_class = UserFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", filter_users)
        super().__init__(*args, **kwargs)
