"""The worker pool: hard per-task limits, replacement of stuck workers, clean shutdown."""

import threading
import time

import pytest

from eval.checker._pool import TaskTimeout, WorkerPool

FN = "tests.checker._slow_task:run"


@pytest.fixture()
def pool():
    p = WorkerPool(FN, size=1)
    p.warm()
    yield p
    p.shutdown()


def test_task_result_comes_back(pool):
    assert pool.run((0.0, "hello"), timeout=5.0) == "hello"


def test_stuck_worker_is_killed_and_replaced(pool):
    (first,) = pool._idle
    start = time.monotonic()
    with pytest.raises(TaskTimeout):
        pool.run((60.0, "never"), timeout=0.5)
    assert time.monotonic() - start < 0.5 + 3.0
    first.proc.wait(timeout=5)
    assert first.proc.returncode is not None  # killed
    assert pool.run((0.0, "again"), timeout=30.0) == "again"
    (second,) = pool._idle
    assert second.proc.pid != first.proc.pid


def test_concurrent_callers_share_the_pool(pool):
    results = []

    def call(i):
        results.append(pool.run((0.05, i), timeout=30.0))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [0, 1, 2, 3]


def test_shutdown_stops_workers():
    p = WorkerPool(FN, size=1)
    p.warm()
    (worker,) = p._idle
    p.shutdown()
    worker.proc.wait(timeout=5)
    assert worker.proc.returncode is not None
    with pytest.raises(RuntimeError, match="shut down"):
        p.run((0.0, 1), timeout=1.0)
