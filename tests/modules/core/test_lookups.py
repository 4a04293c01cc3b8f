import pytest
from django.db import connection
from django.db.models import F, Q
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from modules.accounts.models import User
from modules.core.lookups import InArray

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db):
    return [User.objects.create_user(f"user{n}") for n in range(6)]


@pytest.mark.smoke
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(picks=st.lists(st.integers(0, 7), max_size=8), name=st.sampled_from(["user0", "user3"]))
def test_in_array_selects_what_in_selects_alone_and_within_or(users, picks, name):
    # given some of the users' ids, and ids no user has
    ids = [users[n].pk if n < len(users) else 10**9 + n for n in picks]
    everyone = User.objects.filter(pk__in=[u.pk for u in users])
    # when
    alone = set(everyone.filter(InArray(F("pk"), ids)).values_list("pk", flat=True))
    either = everyone.filter(Q(InArray(F("pk"), ids)) | Q(username=name))
    # then
    assert alone == set(everyone.filter(pk__in=ids).values_list("pk", flat=True))
    expected = everyone.filter(Q(pk__in=ids) | Q(username=name))
    assert set(either.values_list("pk", flat=True)) == set(expected.values_list("pk", flat=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the array is PostgreSQL's")
def test_in_array_sends_the_whole_list_as_one_parameter(users):
    # given
    ids = [u.pk for u in users]
    # when
    with CaptureQueriesContext(connection) as queries:
        found = list(User.objects.filter(InArray(F("pk"), ids)).values_list("pk", flat=True))
    # then
    assert sorted(found) == sorted(ids)
    sql = queries.captured_queries[0]["sql"]
    assert "= ANY(" in sql and " IN (" not in sql
