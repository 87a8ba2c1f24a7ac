"""``SelectionService``: the selection engine behind problem ids, keyed draws and snapshots.

A plain class (no Ray here): ``sai_dpo.service`` turns it into a named, detached Ray actor. Calls
are not thread-safe on purpose; the actor runs them one at a time.

Rounds and keys: each *new* draw key is given the next value of a monotone round counter
(0, 1, 2, ...) unless the caller passes ``round=`` explicitly, and the answer is cached by key in a
bounded LRU cache, so every caller asking with the same key gets the same ids. A report without a
``round`` is filed under the round of the newest key (0 before any draw); pass ``round=`` (e.g.
``round_of(key)``) to file it exactly.

Durability (with a ``checkpoint_dir``): every applied report batch is appended to a journal
(write-ahead log) in that directory and flushed, by default also fsynced, *before* ``report``
returns, and every new draw key is appended too (flushed; the next fsynced report makes it
durable). A snapshot holds the engine state, the last ``max_batch_ids`` applied batch ids, the
key cache and the counters, and starts a new journal segment; older segments go with older
snapshots. A restarted service loads its newest usable snapshot and replays the journal after it
in order, skipping batch ids already applied, so it is exactly as it was when it last answered:
nothing acknowledged is lost, whatever ``snapshot_every`` is. A record cut short by a crash
mid-write was never acknowledged; it is cut off with a warning. Snapshots bound replay time only.
With ``journal=False`` the service is as it was at its newest snapshot (batches acknowledged after
it are lost) and keys first drawn after it are forgotten. What is not journaled: draws of keys
already cached (their LRU order) and the count of duplicates ignored.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import os
import struct
import threading
import time
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo import _journal
from sai_dpo._outcomes import (
    MAX_KEY_CHARS,
    MAX_REPORT_ROWS,
    NOT_MODEL_FAULT_CODES,
    STATUSES,
    UNLABELLED,
    Outcomes,
    status_codes,
    unknown_ids_error,
    validate_key,
    validate_n,
    validate_outcomes,
    validate_rows,
)
from sai_dpo._service_durability import DurableState
from sai_dpo._service_pool import PoolColumns, read_pool_columns
from sai_dpo._validate import MAX_ROUND
from sai_dpo.errors import InvalidInputError, PoolChangedError, ServiceDegradedError, param_error

logger = logging.getLogger(__name__)


def _problem_texts(pool: Any) -> list[str]:
    """The ``problem`` column of a pool (a Dataset, or a pool file: parquet read column-wise)."""
    if isinstance(pool, (str, os.PathLike)):
        if Path(pool).suffix == ".parquet":
            import pyarrow.parquet as pq

            return [str(t) for t in pq.read_table(pool, columns=["problem"]).column("problem").to_pylist()]
        from sai_dpo._service_pool import _load

        pool = _load(Path(pool))
    return [str(t) for t in pool["problem"]]


# How long a report step waits for running draws before it goes on anyway (draws never starve reports).
_YIELD_S = 0.05

class SelectionService(DurableState):
    """Track outcomes by problem id and serve keyed draws over one pool, with durable snapshots.

    Args:
        pool: a ``datasets.Dataset`` in the record schema, or a path to a pool file (parquet is
            read column-wise and fast; other formats go through ``data.load_pool``).
        config: a ``SelectionConfig`` (``None``: the defaults).
        checkpoint_dir: where snapshots and the journal go; ``None`` keeps everything in memory only.
        snapshot_every: write a snapshot after this many applied reports (0: only on ``snapshot()``).
            With the journal on, this bounds only how much a restart replays (and how big the
            journal grows), not what a crash loses.
        snapshot_min_interval: with the journal on, at most one periodic snapshot per this many seconds
            (a snapshot costs about 15-30 ms for a 100k pool: at hundreds of reports a second, one per
            ``snapshot_every`` reports took CPU from draws; the journal holds what comes between).
            Without the journal snapshots are the only record, so they follow ``snapshot_every`` alone.
        key_cache_size: how many draw keys to remember (least recently used are forgotten).
        max_batch_ids: how many applied batch ids to remember for de-duplication.
        validate: run ``data.validate_pool`` on the pool (``launch`` validates once, up front).
        journal: append every report and new draw key to a journal in ``checkpoint_dir`` before
            answering, so a crash loses nothing acknowledged (ignored without a ``checkpoint_dir``).
        journal_fsync: fsync the journal on every report (survives a power cut or kernel crash);
            ``False`` only flushes to the OS, which survives the actor process dying (``ray.kill``,
            an exception, OOM) and costs less per report on slow disks.

    Example:
        >>> svc = SelectionService(pool)                      # doctest: +SKIP
        >>> ids, idx = svc.draw("step-0", 8)                  # doctest: +SKIP
        >>> svc.report("batch-0", ids, [1, 0, 1, 1, 0, 0, 1, 0])  # doctest: +SKIP
    """

    def __init__(
        self,
        pool: Any,
        config: Any = None,
        *,
        checkpoint_dir: str | os.PathLike | None = None,
        snapshot_every: int = 100,
        snapshot_min_interval: float = 5.0,
        key_cache_size: int = 4096,
        max_batch_ids: int = 100_000,
        validate: bool = True,
        journal: bool = True,
        journal_fsync: bool = True,
    ) -> None:
        for name, value, low in (("snapshot_every", snapshot_every, 0), ("key_cache_size", key_cache_size, 1),
                                 ("max_batch_ids", max_batch_ids, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise param_error(name, "SelectionService", f"an int >= {low}", value)
        if (isinstance(snapshot_min_interval, bool) or not isinstance(snapshot_min_interval, int | float)
                or not 0 <= snapshot_min_interval <= 86_400):
            raise param_error("snapshot_min_interval", "SelectionService", "a number of seconds in [0, 86400]",
                              snapshot_min_interval)
        for name, value in (("journal", journal), ("journal_fsync", journal_fsync)):
            if not isinstance(value, bool):
                raise param_error(name, "SelectionService", "a bool", value)
        t0 = time.perf_counter()
        self._started_at = time.time()
        # Draws run on their own threads on the Ray actor (so they never wait behind a report's fsync):
        # _lock guards the engine, caches and counters (held briefly); _report_lock keeps reports in order.
        self._lock = threading.RLock()
        self._report_lock = threading.Lock()
        # Reports yield to draws: a trainer waits for its draw, a report only for its acknowledgement. While
        # a draw runs, a report waits at its next step (at most _YIELD_S each), so the two do not take turns
        # at the interpreter lock and the draw finishes first.
        self._draws_running = 0
        self._draws_lock = threading.Lock()
        self._no_draws = threading.Event()
        self._no_draws.set()
        import sai_dpo

        cols: PoolColumns = read_pool_columns(pool, validate=validate)
        self.config = config if config is not None else sai_dpo.SelectionConfig()
        features = None
        if getattr(self.config, "prior", "cell") == "predictive":  # features from the problem text, once
            features = sai_dpo.problem_features(_problem_texts(pool))
        self.engine = sai_dpo.SelectionEngine(cols.skills, cols.levels, self.config, features=features)
        self._ids = cols.ids
        self._pool = cols
        self._fingerprint = _fingerprint(cols.ids)
        self.checkpoint_dir = None if checkpoint_dir is None else Path(checkpoint_dir)
        self.snapshot_every = snapshot_every
        self.snapshot_min_interval = float(snapshot_min_interval)
        self._last_periodic = -float("inf")  # time.monotonic() of the last periodic snapshot
        self.key_cache_size = key_cache_size
        self.max_batch_ids = max_batch_ids
        self.journal = journal and self.checkpoint_dir is not None
        self.journal_fsync = journal_fsync
        self._writer: _journal.JournalWriter | None = None
        self._replayed = {"reports": 0, "outcomes": 0, "draws": 0, "skipped_duplicates": 0, "damaged_segments": []}
        self._reset_counters()
        self._degraded: str | None = None
        self._config_changes: str | None = None
        self._next_restore_try = 0.0
        self._pristine = copy.deepcopy(self.engine.state_dict())
        if self.checkpoint_dir is not None:
            self._lock_folder()  # before reading anything: another live service may be writing there
        self._restored_from = self._restore_or_degrade() if self.checkpoint_dir is not None else None
        self._restore_seconds = time.perf_counter() - t0

    def _restore_or_degrade(self) -> str | None:
        """Restore from the checkpoint folder; when reading or writing it fails (an unreadable journal
        segment, a read-only file), come up anyway in a degraded state that says what is wrong and
        refuses what it cannot do safely, instead of dying for good (Ray does not retry a constructor)."""
        self._degraded = None  # restoring may snapshot (a fresh base); that must not be refused
        try:
            path = self._restore()
        except OSError as exc:
            self._degraded = (f"could not restore from {self.checkpoint_dir}: {type(exc).__name__}: {exc}. Fix the "
                              "folder (permissions, disk, the file named); the service restores itself on the next call")
            logger.error("Selection service is degraded: %s", self._degraded)
            self.engine.load_state_dict(copy.deepcopy(self._pristine))
            self._reset_counters()
            self._writer = None
            return None
        if self._next_restore_try:
            logger.warning("Selection service restored from %s after an earlier failure; it is no longer degraded.",
                           self.checkpoint_dir)
        self._config_changes = self._changed_config()
        if self._config_changes:
            logger.warning("Selection service resumed from %s with other settings than it was saved with: %s",
                           self.checkpoint_dir, self._config_changes)
        return path

    def _changed_config(self) -> str | None:
        """The settings that differ from the ones the restored state was saved with ("policy: sai_dpo ->
        uniform"), or None: a resume may change them on purpose, but never without a word."""
        saved = getattr(self.engine, "restored_config_", None)
        if not saved or not hasattr(self.config, "to_dict"):
            return None
        now = self.config.to_dict()
        changed = [f"{k}: {saved[k]!r} -> {now[k]!r}" for k in sorted(now) if k in saved and saved[k] != now[k]]
        # A field the saved state predates: the resumed engine now uses it (its default or the value given).
        changed += [f"{k}: (not in the snapshot, which predates it) -> {now[k]!r}" for k in sorted(now) if k not in saved]
        return "; ".join(changed) or None

    def _check_not_degraded(self) -> None:
        """Try to restore again (at most every 2 s); raise ServiceDegradedError while it still fails."""
        if self._degraded is None:
            return
        now = time.monotonic()
        if now >= self._next_restore_try:
            self._next_restore_try = now + 2.0
            self._replayed = {"reports": 0, "outcomes": 0, "draws": 0, "skipped_duplicates": 0, "damaged_segments": []}
            self._restored_from = self._restore_or_degrade()
        if self._degraded is not None:
            raise ServiceDegradedError(f"The selection service is degraded: {self._degraded}.")

    # -- state -----------------------------------------------------------------------------------

    def _reset_counters(self) -> None:
        self._cache: OrderedDict[Any, tuple[int, int, np.ndarray]] = OrderedDict()
        # Applied batch id -> digest of its outcomes (None after a restart from a snapshot: not checked).
        self._batch_ids: OrderedDict[str, bytes | None] = OrderedDict()
        self._next_round = 0
        self._n_reports = 0
        self._n_outcomes = 0
        self._status_counts: dict[str, int] = {}
        self._duplicates = 0
        self._rounds_filed = 0
        self._since_snapshot = 0
        self._seq = 0
        self._last_snapshot: dict | None = None

    # -- public API ------------------------------------------------------------------------------

    @property
    def pool_size(self) -> int:
        """Number of problems in the pool."""
        return len(self._ids)

    def info(self) -> dict:
        """Pool size, checkpoint directory and snapshot cadence (what a client needs at connect)."""
        return {"pool_size": self.pool_size, "checkpoint_dir": None if self.checkpoint_dir is None
                else str(self.checkpoint_dir), "snapshot_every": self.snapshot_every,
                "snapshot_min_interval": self.snapshot_min_interval,
                "policy": getattr(self.config, "policy", None), "journal": self.journal,
                "journal_fsync": self.journal_fsync, "pool_fingerprint": self._fingerprint,
                "config": dataclasses.asdict(self.config) if dataclasses.is_dataclass(self.config) else None}

    def pool_ids(self) -> np.ndarray:
        """The pool's problem ids as UTF-8 bytes (``S<width>`` array), in pool order."""
        return self._ids

    def report(self, batch_id: str, problem_ids, rewards, n_tokens=None, n_steps=None, round=None,
               statuses=None, on_unknown: str = "raise") -> dict:
        """Apply one batch of outcomes, once: a batch id already applied is ignored.

        Rows whose status is ``unparseable_gold`` or ``timeout`` are counted in ``stats()`` but not
        given to the engine (not the model's fault). With a journal the batch is on disk before
        this returns. Returns ``{"applied": bool, "duplicate": bool, "n": rows}``; with
        ``on_unknown="skip"`` and rows naming ids not in the pool, also ``"unknown_ids"`` (distinct,
        in order of first row) and ``"n_unknown"`` (rows), and ``"n"`` counts the known rows applied.
        A batch with nothing to apply (no rows, or only unknown ids skipped) changes nothing: it is
        not journaled, not counted in ``stats()``, and its id stays free (``"applied": False``).

        Args:
            on_unknown: ``"raise"``: a problem id not in the pool rejects the whole batch (nothing
                changes); ``"skip"``: apply the known rows and return the unknown ids (what the
                buffered client uses, so one bad id never costs the rest of a merged batch).

        Raises:
            UnknownProblemIdError: (``on_unknown="raise"``) ids not in the pool; nothing is changed.
            InvalidInputError: a bad batch id or any rule of ``validate_outcomes``; nothing is changed.
            OSError: the journal could not be written; nothing is changed, retry with the same id.
        """
        if on_unknown not in ("raise", "skip"):
            raise param_error("on_unknown", "SelectionService.report", "'raise' or 'skip'", on_unknown)
        with self._report_lock:
            self._check_report(batch_id)
            return self._report(batch_id, validate_outcomes(problem_ids, rewards, n_tokens, n_steps, statuses, round),
                                on_unknown)

    def report_rows(self, batch_id: str, rows: np.ndarray, rewards, n_tokens=None, n_steps=None, round=None,
                    statuses=None, pool_fingerprint: str | None = None) -> dict:
        """``report`` for outcomes that name problems by their row in the pool (``pool_ids()`` order), as
        the buffered client sends them once it has checked their ids: the service skips the id lookup.
        ``pool_fingerprint`` must be ``info()["pool_fingerprint"]`` of the pool the rows index.

        Raises:
            PoolChangedError: the service holds another pool now (nothing is changed; resend by id).
            InvalidInputError: as ``report``, or a row outside the pool.
        """
        with self._report_lock:
            self._check_report(batch_id)
            if pool_fingerprint != self._fingerprint:
                raise PoolChangedError(f"These rows index pool {str(pool_fingerprint)[:80]!r}; the service holds pool "
                                       f"{self._fingerprint!r} now. Report by problem id (report()).")
            return self._report(batch_id, validate_rows(rows, self.pool_size, rewards, n_tokens, n_steps, statuses,
                                                         round), "raise")

    def _yield_to_draws(self) -> None:
        self._no_draws.wait(_YIELD_S)

    def _check_report(self, batch_id) -> None:
        self._yield_to_draws()
        with self._lock:
            self._check_not_degraded()  # nothing is applied or journaled over a state that did not restore
        if not isinstance(batch_id, str) or not batch_id or len(batch_id) > MAX_KEY_CHARS:
            raise InvalidInputError(f"batch_id must be a non-empty string of at most {MAX_KEY_CHARS} characters. "
                                    f"Got {str(batch_id)[:80]!r}{'...' if len(str(batch_id)) > 80 else ''} instead.")

    def _report(self, batch_id: str, out: Outcomes, on_unknown: str) -> dict:
        if len(out) > MAX_REPORT_ROWS:  # one journal record each: keep every record well under its limit
            raise InvalidInputError(
                f"A report batch may hold at most {MAX_REPORT_ROWS:,} outcomes (one journal record); got {len(out):,}. "
                "Split it (ServiceClient.report buffers and splits for you)."
            )
        idx = out.rows if out.rows is not None else self._pool.lookup(out.problem_ids)
        unknown = np.flatnonzero(idx < 0)
        answer = {"applied": False, "duplicate": True, "n": len(out)}
        if len(unknown) and on_unknown == "raise":
            raise unknown_ids_error(out.problem_ids, unknown, self.pool_size)
        if len(unknown):
            keep = idx >= 0
            answer["n"] = int(keep.sum())
            answer["unknown_ids"] = list(dict.fromkeys(out.problem_ids[k] for k in unknown.tolist()))
            answer["n_unknown"] = len(unknown)
        codes = None if out.statuses is None else status_codes(out.statuses)
        cols = [idx, out.rewards, out.n_tokens, out.n_steps, codes]
        if len(unknown):
            cols = [None if c is None else c[keep] for c in cols]
        empty = not len(cols[0])  # nothing to apply (no rows, or only unknown ids): not journaled or counted
        digest = _batch_digest(*cols)
        with self._lock:
            if batch_id in self._batch_ids:
                if self._batch_ids[batch_id] not in (None, digest):
                    # A reused id with other outcomes (a worker restarted its batch counter): ignoring it as a
                    # retry would drop these outcomes without a word.
                    raise InvalidInputError(
                        f"batch_id {batch_id!r} was already applied with other outcomes; a retry must resend the "
                        "same batch, and new outcomes need a new batch id (e.g. prefix ids with a per-run uuid).")
                self._duplicates += 1
                return answer
            if empty:
                answer["duplicate"] = False
                return answer
            # Filed on the service's clock before the journal: the journal holds the round it was applied at.
            rnd = self._file_round(out.round) if out.round is not None else max(self._next_round - 1, 0)
        # Write-ahead: on disk first (an OSError here changes nothing and the caller retries). The
        # fsync runs outside _lock, so draws go on while the disk syncs.
        self._journal_append(_journal.encode_report(batch_id, rnd, *cols), sync=self.journal_fsync)
        pending = None
        self._yield_to_draws()
        with self._lock:
            self._apply_report(batch_id, *cols, rnd, digest=digest)
            if self._snapshot_due():
                try:
                    pending = self._snapshot_begin()  # the cut and a copy of the state, under the lock
                except OSError as exc:  # the batch is applied (and journaled): callers must not retry it
                    logger.error("Periodic snapshot failed (%s); will try again after the next report.", exc)
        if pending is not None:  # the file is written with the lock released: draws go on
            try:
                self._snapshot_finish(*pending)
            except OSError as exc:
                logger.error("Periodic snapshot failed (%s); will try again after the next report.", exc)
        answer.update(applied=True, duplicate=False)
        return answer

    def _snapshot_due(self) -> bool:
        """A periodic snapshot is due: ``snapshot_every`` reports since the last one and (with the journal)
        ``snapshot_min_interval`` seconds since the last periodic one."""
        if not (self.snapshot_every and self._since_snapshot >= self.snapshot_every and self.checkpoint_dir):
            return False
        now = time.monotonic()
        if self.journal and now - self._last_periodic < self.snapshot_min_interval:
            return False
        self._last_periodic = now
        return True

    def _apply_report(self, batch_id: str, idx: np.ndarray, rewards: np.ndarray, n_tokens, n_steps,
                      codes: np.ndarray | None, rnd: int, digest: bytes | None = None) -> None:
        """Give one validated batch to the engine and count it (also used by journal replay, which
        computes the batch's digest here)."""
        n = len(idx)
        if n:
            sel = slice(None) if codes is None else ~np.isin(codes, NOT_MODEL_FAULT_CODES)
            if codes is None or sel.any():
                self.engine.report(
                    idx[sel], rewards[sel], round=rnd,
                    n_tokens=None if n_tokens is None else n_tokens[sel],
                    n_steps=None if n_steps is None else n_steps[sel],
                )
        self._batch_ids[batch_id] = digest if digest is not None else _batch_digest(idx, rewards, n_tokens, n_steps,
                                                                                    codes)
        while len(self._batch_ids) > self.max_batch_ids:
            self._batch_ids.popitem(last=False)
        self._n_reports += 1
        self._since_snapshot += 1
        self._n_outcomes += n
        if codes is None:
            if n:
                self._status_counts[UNLABELLED] = self._status_counts.get(UNLABELLED, 0) + n
        else:
            for code, c in enumerate(np.bincount(codes, minlength=len(STATUSES)).tolist()):
                if c:
                    self._status_counts[STATUSES[code]] = self._status_counts.get(STATUSES[code], 0) + c

    def draw(self, key, n: int, round: int | None = None) -> tuple[list[str], np.ndarray]:
        """Draw ``n`` distinct problems for ``key``; the same key always gets the same answer.

        A new key takes the next round of the counter (or ``round`` if given, filed at most at the
        counter's next round: see ``_file_round``), and is journaled.
        Asking again with the same key but a different ``n`` is an error. Returns ``(ids, indices)``.
        """
        with self._draws_lock:
            self._draws_running += 1
            self._no_draws.clear()
        try:
            with self._lock:
                return self._draw(key, n, round)
        finally:
            with self._draws_lock:
                self._draws_running -= 1
                if not self._draws_running:
                    self._no_draws.set()

    def _draw(self, key, n: int, round: int | None) -> tuple[list[str], np.ndarray]:
        self._check_not_degraded()  # the client falls back to a seeded uniform draw meanwhile
        key = validate_key(key)
        n = validate_n(n, self.pool_size)
        hit = self._cache.get(key)
        if hit is not None:
            if hit[1] != n:
                raise InvalidInputError(
                    f"Draw key {key!r} was already used with n={hit[1]}; got n={n}. Use a new key."
                )
            self._cache.move_to_end(key)
            idx = hit[2]
        else:
            if round is not None and (isinstance(round, bool) or not isinstance(round, int) or round < 0):
                raise InvalidInputError(f"round must be an int >= 0 or None. Got {round!r} instead.")
            rnd = self._next_round if round is None else self._file_round(round)
            idx = self._apply_draw(key, n, rnd)
            try:  # flushed, not fsynced: the next fsynced report carries it to disk
                self._journal_append(_journal.encode_draw(key, rnd, idx), sync=False)
            except OSError as exc:  # a draw can be recomputed; failing it would only hurt the caller
                logger.error("Could not journal draw key %r (%s); a crash before the next snapshot "
                             "forgets it.", key, exc)
        return self._pool.ids_at(idx), idx.copy()

    def _file_round(self, rnd: int) -> int:
        """The round a caller's round is filed at: as given up to the next round of the service's own clock
        (the newest round drawn), else that next round. A far-future round would age every estimate at
        once for every caller (evidence decays by rounds), or push the shared clock out of range; filed
        on the clock, a call moves the clock by at most one round, as any new draw key does. Callers that
        count their own rounds (a trainer resumed at step 5000, a service restarted empty) are never
        refused; ``round_of(key)`` tells the round a draw was filed at, ``stats()["rounds_filed_at_clock"]``
        how many calls were moved."""
        limit = min(max(self._next_round - 1, 0) + 1, MAX_ROUND - 1)
        if rnd <= limit:
            return rnd
        if not self._rounds_filed:
            logger.warning("A caller named round %d, ahead of the service's clock; filed at round %d (and so "
                           "every later one: stats()['rounds_filed_at_clock'] counts them).", rnd, limit)
        self._rounds_filed += 1
        return limit

    def _apply_draw(self, key, n: int, rnd: int, cached: np.ndarray | None = None) -> np.ndarray:
        """Draw for a new key and cache the answer (``cached``: keep these indices, from the journal)."""
        idx = np.asarray(self.engine.draw(n, rnd, key=key), dtype=np.int64)
        self._next_round = max(self._next_round, rnd + 1)
        self._cache[key] = (rnd, n, idx if cached is None else cached)
        while len(self._cache) > self.key_cache_size:
            self._cache.popitem(last=False)
        return idx

    def round_of(self, key) -> int | None:
        """The round a cached key was drawn for (``None`` if unknown or forgotten)."""
        with self._lock:
            hit = self._cache.get(validate_key(key))
        return None if hit is None else hit[0]

    def table(self):
        """The engine's per (skill, level) table."""
        with self._lock:
            return self.engine.table()

    def summary(self) -> dict:
        """The engine's summary (accuracy by skill, draw entropy, informative share, ...)."""
        with self._lock:
            return self.engine.summary()

    def stats(self) -> dict:
        """Counts: reports applied, outcomes by status, duplicates ignored, the last snapshot.

        Every count comes back after a crash (snapshot plus journal) except ``duplicates_ignored``:
        duplicates are not journaled, so a crash restores that count as of the last snapshot.
        """
        with self._lock:
            return self._stats()

    def _stats(self) -> dict:
        return {
            "pool_size": self.pool_size,
            "n_reports": self._n_reports,
            "n_outcomes": self._n_outcomes,
            "status_counts": dict(sorted(self._status_counts.items())),
            "duplicates_ignored": self._duplicates,
            "rounds_filed_at_clock": self._rounds_filed,
            "round": max(self._next_round - 1, 0),
            "n_keys_cached": len(self._cache),
            "reports_since_snapshot": self._since_snapshot,
            "last_snapshot": None if self._last_snapshot is None else dict(self._last_snapshot),
            "restored_from": self._restored_from,
            "config_changed_on_restore": self._config_changes,
            # the settings the service runs with (what `serve --set` and a resume decided)
            "config": self.config.to_dict() if hasattr(self.config, "to_dict") else None,
            "degraded": self._degraded,
            "journal": None if not self.journal else {
                "segment": None if self._writer is None else str(self._writer.path),
                "fsync": self.journal_fsync, "replayed": {k: (list(v) if isinstance(v, list) else v)
                                                          for k, v in self._replayed.items()}},
            "restore_seconds": self._restore_seconds,
            "pid": os.getpid(),
            "started_at": self._started_at,
        }


def _fingerprint(ids: np.ndarray) -> str:
    """A short checksum of the pool's ids, in order: snapshots only load over the same pool.

    CRC-32 (not a cryptographic hash): it guards against restarting over the wrong pool by
    mistake, at ~20x the speed of blake2b on a million ids.
    """
    buf = np.ascontiguousarray(ids).view(np.uint8)
    return f"{len(ids)}:{ids.dtype.str}:{zlib.crc32(buf):08x}"


def _batch_digest(idx, rewards, n_tokens, n_steps, codes) -> bytes:
    """What a batch applied (rows, rewards, counts, statuses), in 8 bytes (CRC-32 and the row count): a retry
    has the same digest, a reused batch id with other outcomes another. The same for a live report and its
    journal replay."""
    crc = 0  # CRC-32 (as the pool fingerprint): it tells an honest reuse apart at a fraction of blake2b's cost
    for col, dtype in ((idx, np.int64), (rewards, np.float64), (n_tokens, np.float64), (n_steps, np.float64),
                       (codes, np.uint8)):
        crc = zlib.crc32(b"-" if col is None else np.ascontiguousarray(col, dtype).view(np.uint8), crc)
        crc = zlib.crc32(b"|", crc)
    return struct.pack("<II", crc, len(idx) & 0xFFFFFFFF)
