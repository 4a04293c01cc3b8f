"""Type-ahead for users and teams: the admin's lookups and the pickers that ask them.

    GET /lookup/users/?q=ann  ->  [{"id": 3, "title": "Anna Nowak (anna)"}, ...]
    GET /lookup/teams/?q=sal  ->  [{"id": 2, "title": "Sales North"}, ...]
    forms.ModelChoiceField(users, widget=user_picker())

Every signed-in user of the admin may look up active users and teams (the selects
offered them all before); only administrators find users by e-mail address.
"""

from __future__ import annotations

from functools import reduce
from operator import and_

from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from modules.accounts.models import Team, User
from modules.accounts.screens.forms import user_label
from modules.core.widgets import PickerWidget

#: How many users one lookup returns.
LOOKUP_LIMIT = 20
#: Words of a query that count (so a pasted paragraph is not a huge query).
MAX_WORDS = 5
URL_NAME = "tessera_user_lookup"
TEAMS_URL_NAME = "tessera_team_lookup"


@never_cache
@require_GET
def user_lookup(request):
    """Active users whose name or username holds every word of `q` (e-mail: admins)."""
    words = request.GET.get("q", "").split()[:MAX_WORDS]
    by_email = bool(getattr(request.user, "is_administrator", False))
    users = User.objects.filter(is_active=True)
    if words:
        users = users.filter(reduce(and_, (_matches(word, by_email) for word in words)))
    users = users.order_by("first_name", "last_name", "username")[:LOOKUP_LIMIT]
    return JsonResponse([{"id": u.pk, "title": user_label(u)} for u in users], safe=False)


@never_cache
@require_GET
def team_lookup(request):
    """Teams whose name holds every word of `q`, by name."""
    words = request.GET.get("q", "").split()[:MAX_WORDS]
    teams = Team.objects.all()
    if words:
        teams = teams.filter(reduce(and_, (Q(name__icontains=word) for word in words)))
    teams = teams.order_by("name")[:LOOKUP_LIMIT]
    return JsonResponse([{"id": t.pk, "title": t.name} for t in teams], safe=False)


def _matches(word: str, by_email: bool) -> Q:
    found = (
        Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(username__icontains=word)
    )
    return found | Q(email__icontains=word) if by_email else found


def user_titles(ids: list[int]) -> dict[int, str]:
    """The chosen users' labels (inactive ones too: a stored owner may have left)."""
    return {u.pk: user_label(u) for u in User.objects.filter(pk__in=ids)}


def user_picker(*, multiple: bool = False) -> PickerWidget:
    """A type-ahead widget for one user (or several) in an admin form."""
    return PickerWidget(lambda: reverse(URL_NAME), titles=user_titles, multiple=multiple)


def team_titles(ids: list[int]) -> dict[int, str]:
    """The chosen teams' names."""
    return {t.pk: t.name for t in Team.objects.filter(pk__in=ids)}


def team_picker(*, multiple: bool = True) -> PickerWidget:
    """A type-ahead widget for several teams (or one) in an admin form."""
    return PickerWidget(lambda: reverse(TEAMS_URL_NAME), titles=team_titles, multiple=multiple)
