import pytest

from tests.support.xdist_redis import worker_redis_url

pytestmark = pytest.mark.smoke


def test_each_worker_counts_down_from_the_runs_database():
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw0") == "redis://127.0.0.1:6379/15"
    assert worker_redis_url("redis://127.0.0.1:6379/15", "gw3") == "redis://127.0.0.1:6379/12"
    assert worker_redis_url("redis://:pw@cache:6380/9", "gw1") == "redis://:pw@cache:6380/8"


def test_a_run_without_enough_databases_is_refused():
    with pytest.raises(pytest.UsageError, match="no Redis database for worker gw2"):
        worker_redis_url("redis://127.0.0.1:6379/1", "gw2")
