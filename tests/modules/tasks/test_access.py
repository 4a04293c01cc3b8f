"""Who sees a task, checked against a plain statement of the rule for many combinations of
privacy, roles on the task, the linked record's visibility and the viewer's system role."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from modules.accounts.models import Membership, Team
from modules.records.services import RecordService
from modules.tasks.models import Task
from modules.tasks.services import TaskService

NUMBERS = itertools.count(1)
ROLES = ("responsible", "member", "team_member", "author", "none")


def expected(viewer_role: str, private: bool, record: str, system: str, manages: bool) -> bool:
    """The rule as docs/security.md states it."""
    if viewer_role in ("responsible", "member", "team_member"):
        return True
    if private:
        return False
    if system == "admin" or viewer_role == "author" or manages:
        return True
    return record == "public"


def make_user(*, admin: bool = False):
    """A user without a password: hashing one per example would be most of the time."""
    return get_user_model().objects.create(
        username=f"u{next(NUMBERS)}", is_superuser=admin, is_staff=admin
    )


@pytest.mark.django_db(transaction=False)
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    viewer_role=st.sampled_from(ROLES),
    private=st.booleans(),
    record=st.sampled_from(["public", "hidden", "none"]),
    system=st.sampled_from(["user", "admin"]),
    manages=st.booleans(),
)
def test_visibility_follows_the_rule(
    django_db_blocker, viewer_role, private, record, system, manages
):
    # an author who may not see a record cannot link it (test_tasks checks the refusal)
    assume(not (viewer_role == "author" and record == "hidden" and system == "user"))
    with django_db_blocker.unblock():
        Task.objects.all().delete()
        owner = make_user(admin=True)
        viewer = make_user(admin=system == "admin")
        doer = viewer if viewer_role == "responsible" else make_user()
        team = Team.objects.create(name=f"team {viewer.pk}")
        if viewer_role == "team_member":
            Membership.objects.create(team=team, user=viewer, role="user")
        if manages:
            managed = Team.objects.create(name=f"managed {viewer.pk}")
            Membership.objects.create(team=managed, user=viewer, role="manager")
            if doer != viewer:
                Membership.objects.create(team=managed, user=doer, role="user")
        values = {"name": "Task", "private": private, "responsible": doer.pk}
        if viewer_role == "member":
            values["members"] = {"users": [viewer.pk]}
        if viewer_role == "team_member":
            values["members"] = {"teams": [team.pk]}
        if record != "none":
            deal = RecordService().create(owner, "deals", {"name": "Deal"}, visibility=record)
            values["links"] = [{"entity": "deals", "id": deal.pk}]
        author = viewer if viewer_role == "author" else owner
        task = TaskService().create(author, values)
        seen = TaskService().visible(viewer).filter(pk=task.pk).exists()
        assert seen == expected(viewer_role, private, record, system, manages)


def test_a_merged_records_tasks_follow_it(admin):
    keep = RecordService().create(admin, "deals", {"name": "Keep"})
    gone = RecordService().create(admin, "deals", {"name": "Gone"})
    both = TaskService().create(
        admin,
        {
            "name": "Both",
            "links": [{"entity": "deals", "id": keep.pk}, {"entity": "deals", "id": gone.pk}],
        },
    )
    only = TaskService().create(
        admin, {"name": "Only", "links": [{"entity": "deals", "id": gone.pk}]}
    )
    moved = TaskService().move_links(admin, keep.entity, keep.pk, gone.pk)
    assert moved == {"tasks": 1}
    assert [link.record_id for link in both.links.all()] == [keep.pk]
    assert [link.record_id for link in only.links.all()] == [keep.pk]
