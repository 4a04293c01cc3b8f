"""The fairness bound of lead distribution: for every prefix of N assignments by a rule,
each assignee's count is within |count - N·p| < 1, whatever the percents, and also when
the leads arrive from many connections at once."""

import threading
from collections import Counter

import pytest
from django.db import connection, connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.leads.distribution import DistributionService, quota_pick
from modules.leads.models import DistributionRule
from modules.metamodel.runtime import get_model
from modules.records.services import RecordService


@st.composite
def percents(draw, most=8):
    """Whole percents, each at least 1, adding up to 100."""
    count = draw(st.integers(min_value=1, max_value=most))
    cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=count - 1, max_size=count - 1)))
    return [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]


def within_bound(shares, counts, n) -> bool:
    return all(abs(c * 100 - n * p) < 100 for p, c in zip(shares, counts, strict=True))


@settings(max_examples=300, deadline=None)
@given(shares=percents(), length=st.integers(1, 400))
def test_every_prefix_keeps_each_count_within_one_of_its_share(shares, length):
    counts = [0] * len(shares)
    for n in range(1, length + 1):
        counts[quota_pick(shares, counts, [True] * len(shares))] += 1
        assert within_bound(shares, counts, n), (shares, n, counts)


@settings(max_examples=100, deadline=None)
@given(shares=percents(), length=st.integers(1, 200), away=st.data())
def test_an_unavailable_assignee_is_never_picked(shares, length, away):
    available = [True] * len(shares)
    if len(shares) > 1:
        available[away.draw(st.integers(0, len(shares) - 1))] = False
    counts = [0] * len(shares)
    for _n in range(length):
        index = quota_pick(shares, counts, available)
        assert available[index]
        counts[index] += 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
@settings(
    max_examples=4,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shares=percents(most=4), writers=st.integers(2, 4), per_writer=st.integers(2, 6))
def test_concurrent_intakes_keep_the_bound(live_schema, make_user, shares, writers, per_writer):
    # given a rule over fresh users
    admin = make_user(admin=True)
    users = [make_user() for _ in shares]
    DistributionRule.objects.all().delete()
    DistributionService().create(
        admin,
        {
            "name": "Everyone",
            "conditions": [],
            "assignees": [{"user": u.pk, "percent": p} for u, p in zip(users, shares, strict=True)],
        },
    )
    errors, owners, lock = [], [], threading.Lock()
    barrier = threading.Barrier(writers)

    def write():
        try:
            barrier.wait()
            for i in range(per_writer):
                lead = RecordService().create(admin, "leads", {"last_name": f"L{i}"})
                with lock:
                    owners.append(lead.pk)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    # when each thread creates leads on its own connection
    threads = [threading.Thread(target=write) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then in commit order (the lead ids follow the rule's lock), every prefix keeps the bound
    assert errors == []
    by_id = dict(get_model("leads").objects.filter(pk__in=owners).values_list("pk", "owner_id"))
    index = {u.pk: i for i, u in enumerate(users)}
    counts = [0] * len(users)
    for n, pk in enumerate(sorted(by_id), start=1):
        counts[index[by_id[pk]]] += 1
        assert within_bound(shares, counts, n), (shares, n, counts)
    assert sum(Counter(by_id.values()).values()) == writers * per_writer
