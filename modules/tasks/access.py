"""Who sees and who changes a task, asked of the access engine.

    Task.objects.filter(visible_q(user))     # the tasks `user` may see
    may_change(user, task, records)          # edit, mark done, delete

A task is seen by its responsible user and its members (users, or members of a team
taking part), and — unless it is private — by its author and by whoever may open at least
one record it is linked to (`engine.open_q`, so roles, visibility and managers' teams
count as on the record itself), and by the managers of the responsible user's teams.
Administrators see every task that is not private; a
private task is seen by its responsible user and members only, administrators included
in "only". None (the system) sees everything.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q

from modules.access import engine
from modules.access.spec import user_access
from modules.metamodel.runtime import get_snapshot
from modules.tasks.models import TaskLink, TaskMember


def taking_part_q(user) -> Q:
    """Tasks the user is responsible for or a member of (directly or through a team)."""
    access = user_access(user)
    if access is None:
        return Q()
    if not access.user_id:
        return Q(pk__in=[])
    people = Q(user_id=access.user_id)
    if access.team_ids:
        people |= Q(team_id__in=access.team_ids)
    members = TaskMember.objects.filter(people, task=OuterRef("pk"))
    return Q(responsible_id=access.user_id) | Q(Exists(members))


def linked_q(user) -> Q:
    """Tasks linked to a live record the user may open."""
    snapshot = get_snapshot()
    # One index probe per link (the record by its id, then the open condition), not a
    # hash of every record the user may open built for each query.
    parts = [
        Q(
            Exists(
                snapshot.model(entity.slug)
                .objects.alive()
                .filter(engine.open_q(user, entity), pk=OuterRef("record_id"))
            ),
            entity_type_id=entity.id,
        )
        for entity in snapshot.entities
    ]
    if not parts:
        return Q(pk__in=[])
    links = TaskLink.objects.filter(reduce(or_, parts), task=OuterRef("pk"))
    return Q(Exists(links))


def visible_q(user) -> Q:
    """The condition on `Task` of the tasks the user may see."""
    access = user_access(user)
    if access is None:
        return Q()
    if not access.user_id:
        return Q(pk__in=[])
    mine = taking_part_q(user)
    if access.is_admin:
        return Q(private=False) | mine
    shared = Q(created_by_id=access.user_id) | linked_q(user)
    if access.managed_members:
        # As with records: a manager sees the work of the members of the teams they lead.
        shared |= Q(responsible_id__in=sorted(access.managed_members))
    return (Q(private=False) & shared) | mine


def takes_part(user, task) -> bool:
    """Is the user the task's responsible user or a member (directly or by a team)?"""
    access = user_access(user)
    if access is None:
        return True
    if not access.user_id:
        return False
    if task.responsible_id == access.user_id:
        return True
    return any(
        m.user_id == access.user_id or (m.team_id is not None and m.team_id in access.team_ids)
        for m in task.members.all()
    )


def may_change(user, task, linked_records: list) -> bool:
    """May the user edit the task, mark it done or delete it? The people taking part, its
    author, administrators (tasks they see), and those who may edit a linked record."""
    access = user_access(user)
    if access is None or takes_part(user, task):
        return True
    if not access.user_id or task.private:
        return False
    if access.is_admin or task.created_by_id == access.user_id:
        return True
    return any(engine.can(user, "edit", record) for record in linked_records)
