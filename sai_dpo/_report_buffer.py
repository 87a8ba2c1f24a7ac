"""A thread-safe outbox that batches reported outcomes and sends them in the background.

The caller's ``add`` only appends under a lock: it never waits for the network. One sender thread
cuts the buffered rows into batches (``batch_size`` rows, or up to ``max_merge * batch_size`` when
more are waiting; consecutive additions with the same optional columns and round are merged), names
each batch once with a unique id, and hands the batches to ``send_many``. A batch that fails with a transient error stays at the head of the outbox
and is retried, with the *same* id, after a growing pause, so a retry cannot be counted twice and a
briefly unreachable service loses nothing. A batch the service rejects as invalid is dropped,
logged, and re-raised from the next ``flush()``; so is the error of a batch the service applied
only in part (``UnknownProblemIdError``: rows naming ids not in the pool were left out).

Row bookkeeping (``seq`` = running row number)::

    added rows:   [ acked ............ | outbox (cut, unacked) | buffer (not cut yet) ]
                                       ^ min unacked seq          flush(target) waits until
                                                                  min unacked seq >= target
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from sai_dpo._outcomes import MAX_REPORT_ROWS, Outcomes
from sai_dpo.errors import InvalidInputError, param_error

logger = logging.getLogger(__name__)


def _one_line(exc: BaseException) -> str:
    """An exception as one line: its type and the last line of its message (Ray puts the remote
    traceback first and the message last)."""
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1] if lines else ''}"[:300]


@dataclass
class Batch:
    """One named batch, ready to send: ``payload`` holds the keyword arguments of ``report``."""

    batch_id: str
    start: int
    n: int
    payload: dict


def _signature(o: Outcomes) -> tuple:
    return (o.n_tokens is not None, o.n_steps is not None, o.statuses is not None, o.round, o.rows is not None)


def _merge(chunks: list[Outcomes]) -> dict:
    first = chunks[0]
    out = {
        # Pool rows when the client checked the ids (the service then skips its lookup), else the ids.
        **({"problem_ids": [i for c in chunks for i in c.problem_ids]} if first.rows is None
           else {"rows": np.concatenate([c.rows for c in chunks])}),
        "rewards": np.concatenate([c.rewards for c in chunks]),
        "n_tokens": None if first.n_tokens is None else np.concatenate([c.n_tokens for c in chunks]),
        "n_steps": None if first.n_steps is None else np.concatenate([c.n_steps for c in chunks]),
        "round": first.round,
    }
    if first.statuses is not None:
        out["statuses"] = [s for c in chunks for s in c.statuses]
    return out


def _slice(payload: dict, lo: int, hi: int) -> dict:
    return {k: (v[lo:hi] if k != "round" and v is not None else v) for k, v in payload.items()}


#: Largest ``max_merge`` accepted (batches stay within MAX_REPORT_ROWS whatever it is).
MAX_MERGE = 1_000_000


def check_batch_settings(batch_size: Any, max_merge: Any) -> None:
    """Refuse a ``batch_size`` or ``max_merge`` the sender cannot work with (0 would stop its thread)."""
    for name, value, high in (("batch_size", batch_size, MAX_REPORT_ROWS), ("max_merge", max_merge, MAX_MERGE)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 1 <= value <= high:
            raise param_error(name, "ServiceClient", f"an integer in [1, {high:,}]", value)


class ReportBuffer:
    """Batch outcomes and deliver each batch exactly once through ``send_many``.

    Args:
        send_many: ``send_many(batches) -> list[BaseException | None]``, one entry per batch
            (``None`` = acknowledged). An ``InvalidInputError`` means "rejected (or applied in part),
            do not retry".
        batch_size: rows that make a batch (one is cut as soon as this many are buffered).
        max_merge: when more rows are buffered than ``batch_size`` as the sender cuts (the service
            was behind, or one ``add`` was large), up to ``max_merge * batch_size`` of them go as one
            batch: one call, one journal write and one fsync in the service instead of several, so
            draws wait less behind reports under a full report load. ``1`` cuts every batch at
            ``batch_size`` rows.
        flush_interval: seconds after which buffered rows are sent even if fewer.
        max_in_flight: batches handed to ``send_many`` at once.
    """

    def __init__(self, send_many: Callable[[list[Batch]], list], *, batch_size: int = 1024,
                 flush_interval: float = 0.5, max_in_flight: int = 8, max_backoff: float = 2.0,
                 max_merge: int = 32) -> None:
        check_batch_settings(batch_size, max_merge)
        self._send_many = send_many
        self.batch_size = int(batch_size)
        self.max_merge = int(max_merge)
        self.flush_interval = flush_interval
        self.max_in_flight = max_in_flight
        self.max_backoff = max_backoff
        self._prefix = uuid.uuid4().hex[:16]
        self._n_batches = 0
        self._cond = threading.Condition()
        self._buffer: deque[tuple[int, Outcomes]] = deque()
        self._buffered_rows = 0
        self._oldest = 0.0
        self._outbox: deque[Batch] = deque()
        self._added = 0
        self._flush_target = 0
        self._errors: list[BaseException] = []
        self._closing = False
        self.sent_batches = 0
        self.retries = 0
        self._retrying = False
        self._thread = threading.Thread(target=self._run, name="sai-dpo-report-sender", daemon=True)
        self._thread.start()

    def add(self, outcomes: Outcomes) -> None:
        """Queue one validated batch of outcomes (never blocks on the service)."""
        if not len(outcomes):
            return
        with self._cond:
            if self._closing:
                raise RuntimeError("This report buffer is closed; create a new client.")
            if not self._buffer:
                self._oldest = time.monotonic()
            self._buffer.append((self._added, outcomes))
            self._added += len(outcomes)
            self._buffered_rows += len(outcomes)
            # Wake the sender when a batch is full, or when the buffer was empty (its timer starts).
            if self._buffered_rows >= self.batch_size or len(self._buffer) == 1:
                self._cond.notify_all()

    @property
    def pending(self) -> int:
        """Rows added but not yet acknowledged by the service."""
        with self._cond:
            return self._added - self._min_unacked()

    def _min_unacked(self) -> int:
        if self._outbox:
            return self._outbox[0].start
        if self._buffer:
            return self._buffer[0][0]
        return self._added

    def flush(self, timeout: float | None = None) -> None:
        """Send everything added so far and wait for the service to acknowledge it.

        Raises:
            TimeoutError: not everything was acknowledged within ``timeout`` seconds (the rows
                stay queued and keep being retried).
            InvalidInputError: a batch was rejected (or, ``UnknownProblemIdError``, applied without
                its rows naming unknown ids) by the service since the last flush.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            target = self._added
            self._flush_target = max(self._flush_target, target)
            self._cond.notify_all()
            while self._min_unacked() < target:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise TimeoutError(
                        f"{target - self._min_unacked()} reported outcomes are not acknowledged yet "
                        f"after {timeout} s; they stay queued and are retried with the same batch ids."
                    )
                self._cond.wait(left if left is not None else 1.0)
            errors, self._errors = self._errors, []
        if errors:
            raise errors[0]

    def close(self, timeout: float | None = 30.0) -> None:
        """Flush (up to ``timeout`` s), then stop the sender; rows still unsent are logged as lost."""
        if self._closing:
            return
        try:
            self.flush(timeout)
        except TimeoutError:
            logger.error("Closing with %d outcomes that could not be delivered.", self.pending)
        except InvalidInputError as exc:
            logger.error("Closing after the service did not apply a report batch in full: %s", exc)
        finally:
            with self._cond:
                self._closing = True
                self._cond.notify_all()
            self._thread.join(timeout=5.0)

    # -- sender thread ---------------------------------------------------------------------------

    def _cut(self, force: bool) -> None:
        """Move buffered rows into named batches (called with the lock held)."""
        while self._buffer and (force or self._buffered_rows >= self.batch_size):
            # A backlog goes in bigger batches (see max_merge). Past batch_size rows, only whole
            # additions are merged up to the limit (splitting one to fill a batch would leave a small
            # tail batch each time); a batch is cut into pieces only to stay within the limit.
            limit = min(max(self.batch_size, self._buffered_rows), self.batch_size * self.max_merge, MAX_REPORT_ROWS)
            start, first = self._buffer.popleft()
            chunks, rows, sig = [first], len(first), _signature(first)
            while (self._buffer and (rows < self.batch_size or rows + len(self._buffer[0][1]) <= limit)
                   and _signature(self._buffer[0][1]) == sig):
                chunks.append(self._buffer.popleft()[1])
                rows += len(chunks[-1])
            self._buffered_rows -= rows
            payload = _merge(chunks)
            for lo in range(0, rows, limit):
                hi = min(lo + limit, rows)
                self._n_batches += 1
                bid = f"{self._prefix}-{self._n_batches:010d}"
                self._outbox.append(Batch(bid, start + lo, hi - lo, _slice(payload, lo, hi)))
        if self._buffer:
            self._oldest = time.monotonic()

    def _wait_for_work(self) -> list[Batch] | None:
        with self._cond:
            while True:
                due = self._buffer and time.monotonic() - self._oldest >= self.flush_interval
                flushing = self._flush_target > self._min_unacked()
                self._cut(force=bool(due or flushing or self._closing))
                if self._outbox:
                    return list(self._outbox)[: self.max_in_flight]
                if self._closing:
                    return None
                wait = self.flush_interval - (time.monotonic() - self._oldest) if self._buffer else 1.0
                self._cond.wait(max(wait, 0.001))

    def _run(self) -> None:
        backoff = 0.05
        while True:
            batches = self._wait_for_work()
            if batches is None:
                return
            try:
                results = self._send_many(batches)
            except Exception as exc:  # the transport itself failed: retry all
                results = [exc] * len(batches)
            failed = False
            with self._cond:
                for b, err in zip(batches, results, strict=True):
                    if err is None:
                        self.sent_batches += 1
                    elif isinstance(err, InvalidInputError):
                        logger.error("Report batch %s (%d rows) was not applied in full: %s", b.batch_id, b.n, err)
                        self._errors.append(err)
                    else:
                        failed = True
                        continue
                    self._outbox.remove(b)
                self._cond.notify_all()
                if failed:
                    self.retries += 1
                    if self._closing:
                        return
                    self._cond.wait(backoff)
            if failed:
                if not self._retrying:  # once per outage, in one line (not a remote traceback per retry)
                    err = next(e for e in results if e is not None and not isinstance(e, InvalidInputError))
                    logger.warning("Sending reports failed (%s); retrying with the same batch ids until the "
                                   "service answers.", _one_line(err))
                    self._retrying = True
                backoff = min(backoff * 2, self.max_backoff)
            else:
                if self._retrying:
                    logger.info("Reports are delivered again (after %d retries).", self.retries)
                    self._retrying = False
                backoff = 0.05
