"""ReportBuffer (no Ray): batching thresholds, exactly-once retries, threads and async callers.

The transport is a small in-memory receiver that de-duplicates by batch id like the service does,
and can be told to fail: before applying (service down) or after applying (the answer was lost).
"""

import asyncio
import threading
import time

import numpy as np
import pytest

from sai_dpo._outcomes import validate_outcomes
from sai_dpo._report_buffer import ReportBuffer
from sai_dpo.errors import InvalidInputError


class Receiver:
    def __init__(self):
        self.lock = threading.Lock()
        self.applied: dict[str, int] = {}
        self.attempts: list[str] = []
        self.down = False
        self.lose_answer_every = 0
        self.reject_ids: set[str] = set()

    def send_many(self, batches):
        out = []
        for b in batches:
            with self.lock:
                self.attempts.append(b.batch_id)
                if self.down:
                    out.append(ConnectionError("service unreachable"))
                    continue
                if self.reject_ids & set(b.payload["problem_ids"]):
                    out.append(InvalidInputError("unknown problem id"))
                    continue
                self.applied.setdefault(b.batch_id, len(b.payload["problem_ids"]))
                lose = self.lose_answer_every and len(self.attempts) % self.lose_answer_every == 0
                out.append(TimeoutError("answer lost") if lose else None)
        return out

    @property
    def rows(self):
        return sum(self.applied.values())


def _out(n, start=0, **kw):
    return validate_outcomes([f"p{start + i}" for i in range(n)], np.ones(n), **kw)


def _wait(cond, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_size_threshold_sends_full_batches_and_flush_sends_the_rest():
    """batch_size=10, 25 rows: two full batches go at once, 5 rows wait for the flush (max_merge=1: a
    backlog is not merged, so the cut is exactly at the threshold)."""
    rx = Receiver()
    buf = ReportBuffer(rx.send_many, batch_size=10, flush_interval=60, max_merge=1)
    for k in range(5):
        buf.add(_out(5, start=5 * k))
    assert _wait(lambda: rx.rows == 20)
    assert buf.pending == 5
    buf.flush(timeout=10)
    assert rx.rows == 25 and buf.pending == 0 and len(rx.applied) == 3
    buf.close()


def test_a_backlog_goes_in_fewer_bigger_batches_and_every_row_arrives_once():
    """While the service is slow, rows pile up; the sender then merges them (up to max_merge x
    batch_size per batch) instead of one call per batch_size rows, in the order they were added."""
    rx, gate, seen = Receiver(), threading.Event(), []

    def slow_send(batches):
        gate.wait(10)  # the first send blocks until the backlog has built up
        seen.extend(batches)
        return rx.send_many(batches)

    buf = ReportBuffer(slow_send, batch_size=10, flush_interval=60, max_merge=4)
    for k in range(100):  # 10 rows at the threshold, then 990 while the first send waits
        buf.add(_out(10, start=10 * k))
    gate.set()
    buf.flush(timeout=10)
    sizes = [len(b.payload["problem_ids"]) for b in seen]
    assert sum(sizes) == 1000 and rx.rows == 1000 and len(rx.attempts) == len(rx.applied)
    assert max(sizes) == 40 and len(seen) <= 1 + 990 // 40 + 1  # unmerged: 100 batches of 10
    assert [i for b in seen for i in b.payload["problem_ids"]] == [f"p{i}" for i in range(1000)]
    buf.close()


def test_a_backlog_is_merged_by_whole_additions_without_small_tail_batches():
    """500-row additions under a 2,048-row limit: 4 whole additions per batch, not 2,048 rows and a
    tail of 452 each time (twice the calls, each a journal write and an fsync)."""
    rx, gate, seen = Receiver(), threading.Event(), []

    def slow_send(batches):
        gate.wait(10)
        seen.extend(batches)
        return rx.send_many(batches)

    buf = ReportBuffer(slow_send, batch_size=1024, flush_interval=60, max_merge=2)
    for k in range(40):
        buf.add(_out(500, start=500 * k))
    gate.set()
    buf.flush(timeout=10)
    sizes = [len(b.payload["problem_ids"]) for b in seen]
    assert sum(sizes) == 20_000 and rx.rows == 20_000
    assert all(n % 500 == 0 for n in sizes) and max(sizes) == 2000, sizes
    buf.close()


def test_numpy_integers_are_accepted_as_batch_settings():
    buf = ReportBuffer(Receiver().send_many, batch_size=np.int64(512), max_merge=np.int32(4))
    assert (buf.batch_size, buf.max_merge) == (512, 4) and type(buf.batch_size) is int
    buf.close()


@pytest.mark.parametrize("kw", [{"batch_size": 0}, {"batch_size": -5}, {"batch_size": 2.5}, {"batch_size": True},
                                {"batch_size": 10**8}, {"max_merge": 0}])
def test_bad_batch_settings_are_refused_up_front(kw):
    """A batch size of 0 used to kill the sender thread on its first cut: nothing was ever sent and
    flush() waited for its timeout."""
    with pytest.raises(InvalidInputError, match=next(iter(kw))):
        ReportBuffer(Receiver().send_many, **kw)


def test_time_threshold_sends_a_small_batch_without_flush():
    rx = Receiver()
    buf = ReportBuffer(rx.send_many, batch_size=1000, flush_interval=0.05)
    buf.add(_out(3))
    assert _wait(lambda: rx.rows == 3)
    buf.close()


def test_retries_reuse_the_batch_id_so_nothing_is_counted_twice():
    """Every 3rd answer is lost after the receiver applied the batch: the sender retries with the
    same id, the receiver ignores it, and the total is exactly what was added."""
    rx = Receiver()
    rx.lose_answer_every = 3
    buf = ReportBuffer(rx.send_many, batch_size=7, flush_interval=0.01, max_backoff=0.02, max_merge=1)  # many batches
    for k in range(40):
        buf.add(_out(3, start=k))
    buf.flush(timeout=30)
    assert rx.rows == 120
    assert len(rx.attempts) > len(rx.applied)  # some ids were sent more than once
    assert buf.retries > 0
    buf.close()


def test_nothing_is_lost_while_the_service_is_down():
    rx = Receiver()
    rx.down = True
    buf = ReportBuffer(rx.send_many, batch_size=4, flush_interval=0.01, max_backoff=0.05)
    for k in range(10):
        buf.add(_out(2, start=k))
    with pytest.raises(TimeoutError, match="retried with the same batch ids"):
        buf.flush(timeout=0.3)
    assert buf.pending == 20 and rx.rows == 0
    rx.down = False
    buf.flush(timeout=10)
    assert rx.rows == 20
    failed_then_ok = [b for b in rx.applied if rx.attempts.count(b) > 1]
    assert failed_then_ok  # the batches cut while down were re-sent under their first id
    buf.close()


def test_many_threads_report_concurrently_with_exact_totals():
    """8 threads x 250 calls x 4 rows = 8000 rows, every one delivered once."""
    rx = Receiver()
    buf = ReportBuffer(rx.send_many, batch_size=64, flush_interval=0.01)

    def worker(t):
        for k in range(250):
            buf.add(_out(4, start=t * 1000 + k))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    buf.flush(timeout=30)
    assert rx.rows == 8000 and len(rx.attempts) == len(rx.applied)
    buf.close()


def test_async_reward_functions_can_report_and_flush():
    rx = Receiver()
    buf = ReportBuffer(rx.send_many, batch_size=16, flush_interval=0.01)

    async def reward_fn(k):
        buf.add(_out(2, start=k))  # non-blocking: safe inside the event loop
        await asyncio.sleep(0)
        return 1.0

    async def main():
        await asyncio.gather(*(reward_fn(k) for k in range(50)))
        await asyncio.to_thread(buf.flush, 10)

    asyncio.run(main())
    assert rx.rows == 100
    buf.close()


def test_a_rejected_batch_is_dropped_and_raised_from_flush():
    rx = Receiver()
    rx.reject_ids = {"p1"}
    buf = ReportBuffer(rx.send_many, batch_size=100, flush_interval=60)
    buf.add(_out(3))
    with pytest.raises(InvalidInputError, match="unknown problem id"):
        buf.flush(timeout=10)
    buf.add(_out(2, start=10))
    buf.flush(timeout=10)  # the error was reported once; later batches go through
    assert rx.rows == 2
    buf.close()


def test_batches_only_merge_rows_with_the_same_columns():
    rx = Receiver()
    seen = []
    buf = ReportBuffer(lambda bs: seen.extend(bs) or rx.send_many(bs), batch_size=100, flush_interval=60)
    buf.add(_out(2))
    buf.add(_out(2, n_tokens=[3, 4]))
    buf.add(_out(2, n_tokens=[5, 6]))
    buf.add(_out(1, round=7))
    buf.flush(timeout=10)
    shapes = [(len(b.payload["problem_ids"]), b.payload["n_tokens"] is not None, b.payload["round"]) for b in seen]
    assert shapes == [(2, False, None), (4, True, None), (1, False, 7)]
    assert seen[1].payload["n_tokens"].tolist() == [3, 4, 5, 6]
    buf.close()


def test_rows_merge_with_rows_and_ids_with_ids():
    """Outcomes whose pool rows the client found go as ``rows`` (merged, in order); others by id."""
    seen = []
    buf = ReportBuffer(lambda bs: seen.extend(bs) or [None] * len(bs), batch_size=100, flush_interval=60)
    for start, rows in ((0, [4, 5]), (2, None), (4, [9, 1, 0])):
        out = _out(len(rows or [0, 0]), start=start)
        out.rows = None if rows is None else np.array(rows)
        buf.add(out)
    buf.flush(timeout=10)
    assert [sorted(k for k in b.payload if k in ("rows", "problem_ids")) for b in seen] == [["rows"], ["problem_ids"], ["rows"]]
    assert seen[0].payload["rows"].tolist() == [4, 5] and seen[2].payload["rows"].tolist() == [9, 1, 0]
    assert seen[1].payload["problem_ids"] == ["p2", "p3"]
    buf.close()
    seen.clear()
    buf = ReportBuffer(lambda bs: seen.extend(bs) or [None] * len(bs), batch_size=100, flush_interval=60)
    for start in (0, 2):
        out = _out(2, start=start)
        out.rows = np.array([start, start + 1])
        buf.add(out)
    buf.flush(timeout=10)
    assert len(seen) == 1 and seen[0].payload["rows"].tolist() == [0, 1, 2, 3]
    buf.close()


def test_closed_buffer_refuses_new_rows():
    rx = Receiver()
    buf = ReportBuffer(rx.send_many)
    buf.add(_out(2))
    buf.close()
    assert rx.rows == 2
    with pytest.raises(RuntimeError, match="closed"):
        buf.add(_out(1))
