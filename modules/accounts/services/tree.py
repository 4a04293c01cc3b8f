"""The team tree, read: depth-first order, descendants, cycles and what a team holds.

    for team, depth in team_tree():
        print("  " * depth, team.name)

Reads only; `AccountService` changes the tree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.db import models
from django.utils.text import capfirst

from modules.accounts.models import Membership, Team


def team_tree(teams: Iterable[Team] | None = None) -> list[tuple[Team, int]]:
    """Teams depth first, each with its depth (0 at the top); siblings sorted by name."""
    teams = list(Team.objects.all() if teams is None else teams)
    known = {t.pk for t in teams}
    children: dict[int | None, list[Team]] = {}
    for team in teams:
        parent = team.parent_id if team.parent_id in known else None
        children.setdefault(parent, []).append(team)
    for siblings in children.values():
        siblings.sort(key=lambda t: (t.name.casefold(), t.pk))
    result: list[tuple[Team, int]] = []
    seen: set[int] = set()
    stack = [(team, 0) for team in reversed(children.get(None, []))]
    while stack:
        team, depth = stack.pop()
        if team.pk in seen:
            continue
        seen.add(team.pk)
        result.append((team, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(team.pk, [])))
    # Only a cycle stored behind the service's back leaves teams unvisited; show them anyway.
    result.extend((team, 0) for team in teams if team.pk not in seen)
    return result


def descendant_ids(team_id: int, parents: Mapping[int, int | None]) -> set[int]:
    """Ids of every team below `team_id` in the tree `{team id: parent id}`."""
    below: set[int] = set()
    for candidate in parents:
        if candidate == team_id:
            continue
        seen = {candidate}
        current = parents.get(candidate)
        while current is not None and current not in seen:
            if current == team_id:
                below.add(candidate)
                break
            seen.add(current)
            current = parents.get(current)
    return below


def would_cycle(team_id: int, parent_id: int | None, parents: Mapping[int, int | None]) -> bool:
    """Whether putting `team_id` under `parent_id` would make a loop in the tree."""
    seen: set[int] = set()
    current = parent_id
    while current is not None and current not in seen:
        if current == team_id:
            return True
        seen.add(current)
        current = parents.get(current)
    return current is not None  # a loop already there, above the new parent


def team_usage(team: Team) -> list[tuple[str, int]]:
    """What refers to the team, as `(what, how many)`: everything but sub-teams and members.

    Found from the model's reverse relations, so data other modules add (record grants,
    default participants, ...) counts without this module knowing it. Historical copies
    (django-simple-history's, which do nothing on delete) do not count.
    """
    usage = []
    for relation in Team._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        model = relation.related_model
        if model in (Team, Membership) or model._meta.auto_created:
            continue
        if getattr(relation, "on_delete", None) is models.DO_NOTHING:
            continue
        count = model._base_manager.filter(**{relation.field.name: team}).count()
        if count:
            usage.append((str(capfirst(model._meta.verbose_name_plural)), count))
    return usage
