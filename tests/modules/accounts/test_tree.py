"""The team tree stays a tree: property-based checks of re-parenting through the service."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.accounts.exceptions import TeamCycle
from modules.accounts.models import Team
from modules.accounts.services import AccountService, descendant_ids, team_tree

pytestmark = pytest.mark.django_db

SIZE = 6


def stored_tree() -> dict[int, int | None]:
    return dict(Team.objects.values_list("pk", "parent_id"))


def has_cycle(parents: dict[int, int | None]) -> bool:
    for start in parents:
        seen = set()
        current = start
        while current is not None:
            if current in seen:
                return True
            seen.add(current)
            current = parents.get(current)
    return False


def move_loops(parents: dict[int, int | None], team: int, parent: int | None) -> bool:
    """Whether putting `team` under `parent` would close a loop: the test's own reference."""
    return has_cycle({**parents, team: parent})


# A move: (index of the team, index of its new parent or None for the top).
moves = st.lists(
    st.tuples(st.integers(0, SIZE - 1), st.one_of(st.none(), st.integers(0, SIZE - 1))),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=moves)
def test_random_parent_assignments_never_make_a_cycle(admin, steps):
    service = AccountService()
    with transaction.atomic():
        ids = [Team.objects.create(name=f"Team {i}").pk for i in range(SIZE)]
        model = dict.fromkeys(ids)
        for child, parent in steps:
            team_id = ids[child]
            parent_id = None if parent is None else ids[parent]
            before = stored_tree()
            expect_refusal = move_loops(model, team_id, parent_id)
            # when
            try:
                service.update_team(admin, team_id, parent=parent_id)
            except TeamCycle as error:
                refused = True
                assert error.errors == {"parent": [error.detail]}
            else:
                refused = False
            # then
            after = stored_tree()
            assert refused == expect_refusal
            if refused:
                assert after == before
            else:
                model[team_id] = parent_id
                assert after == {**before, team_id: parent_id}
            assert after == model
            assert not has_cycle(after)
            tree = team_tree()
            assert sorted(t.pk for t, _depth in tree) == sorted(ids)
            depth_of = {t.pk: depth for t, depth in tree}
            for pk, parent_pk in after.items():
                assert depth_of[pk] == (0 if parent_pk is None else depth_of[parent_pk] + 1)
        transaction.set_rollback(True)


@given(
    parents=st.lists(st.one_of(st.none(), st.integers(0, SIZE - 1)), min_size=SIZE, max_size=SIZE)
)
def test_descendants_are_exactly_the_teams_a_move_under_would_refuse(parents):
    # given a random forest (links that would loop are dropped)
    tree: dict[int, int | None] = {}
    for child, parent in enumerate(parents):
        tree[child] = None
        if parent is not None and not move_loops(tree, child, parent):
            tree[child] = parent
    assert not has_cycle(tree)
    for team in tree:
        # when
        below = descendant_ids(team, tree)
        # then
        refused = {other for other in tree if move_loops(tree, team, other)}
        assert refused == below | {team}


def test_two_crossing_moves_at_once_cannot_make_a_cycle(live_schema, admin):
    # given two top-level teams, committed
    import threading

    from django.db import connections

    a = Team.objects.create(name="A").pk
    b = Team.objects.create(name="B").pk
    barrier = threading.Barrier(2)
    outcomes = {}

    def move(team_id, parent_id):
        try:
            barrier.wait()
            AccountService().update_team(admin, team_id, parent=parent_id)
            outcomes[team_id] = "moved"
        except TeamCycle:
            outcomes[team_id] = "refused"
        finally:
            connections.close_all()

    # when A goes under B and B under A at the same time
    threads = [threading.Thread(target=move, args=args) for args in ((a, b), (b, a))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then one wins, the other sees its result and is refused
    assert sorted(outcomes.values()) == ["moved", "refused"]
    assert not has_cycle(stored_tree())
