"""The `worker` fixture's process keeps taking tasks however much it prints."""

import pytest

from tests.fixtures.worker import WORKER_LOG_KEY

pytestmark = pytest.mark.worker


def test_a_worker_printing_more_than_a_pipe_holds_keeps_answering(worker, request):
    # given a worker that printed far more than a pipe buffer (64 KiB) holds
    assert worker("tests.chatter", 512) == 512
    # when it gets its next tasks
    answers = [worker("tests.chatter", 256) for _ in range(2)]
    # then it answers them, and its output went to the log the report shows on failure
    assert answers == [256, 256]
    log = request.node.stash[WORKER_LOG_KEY]
    assert log.read_text().count("x" * 1023) >= 1024
