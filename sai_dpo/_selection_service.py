"""``SelectionService``: the selection engine behind problem ids, keyed draws and snapshots.

A plain class (no Ray here): ``sai_dpo.service`` turns it into a named, detached Ray actor. Calls
are not thread-safe on purpose; the actor runs them one at a time.

Rounds and keys: each *new* draw key is given the next value of a monotone round counter
(0, 1, 2, ...) unless the caller passes ``round=`` explicitly, and the answer is cached by key in a
bounded LRU cache, so every caller asking with the same key gets the same ids. A report without a
``round`` is filed under the round of the newest key (0 before any draw); pass ``round=`` (e.g.
``round_of(key)``) to file it exactly.

Durability: a snapshot holds the engine state, the last ``max_batch_ids`` applied batch ids, the
key cache and the counters. After a crash the service is exactly as it was at its newest snapshot:
batches acknowledged after it are lost (snapshot every report to lose none), and keys first drawn
after it are forgotten, so asking for one again draws anew from the restored state.
"""

from __future__ import annotations

import copy
import logging
import os
import time
import zlib
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo import _snapshot
from sai_dpo._outcomes import (
    MAX_KEY_CHARS,
    NOT_MODEL_FAULT,
    UNLABELLED,
    validate_key,
    validate_n,
    validate_outcomes,
)
from sai_dpo._service_pool import PoolColumns, read_pool_columns
from sai_dpo.errors import InvalidInputError, param_error

logger = logging.getLogger(__name__)


class SelectionService:
    """Track outcomes by problem id and serve keyed draws over one pool, with durable snapshots.

    Args:
        pool: a ``datasets.Dataset`` in the record schema, or a path to a pool file (parquet is
            read column-wise and fast; other formats go through ``data.load_pool``).
        config: a ``SelectionConfig`` (``None``: the defaults).
        checkpoint_dir: where snapshots go; ``None`` keeps everything in memory only.
        snapshot_every: write a snapshot after this many applied reports (0: only on ``snapshot()``).
        key_cache_size: how many draw keys to remember (least recently used are forgotten).
        max_batch_ids: how many applied batch ids to remember for de-duplication.
        validate: run ``data.validate_pool`` on the pool (``launch`` validates once, up front).

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
        key_cache_size: int = 4096,
        max_batch_ids: int = 100_000,
        validate: bool = True,
    ) -> None:
        for name, value, low in (("snapshot_every", snapshot_every, 0), ("key_cache_size", key_cache_size, 1),
                                 ("max_batch_ids", max_batch_ids, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise param_error(name, "SelectionService", f"an int >= {low}", value)
        t0 = time.perf_counter()
        self._started_at = time.time()
        import sai_dpo

        cols: PoolColumns = read_pool_columns(pool, validate=validate)
        self.config = config if config is not None else sai_dpo.SelectionConfig()
        self.engine = sai_dpo.SelectionEngine(cols.skills, cols.levels, self.config)
        self._ids = cols.ids
        self._pool = cols
        self._fingerprint = _fingerprint(cols.ids)
        self.checkpoint_dir = None if checkpoint_dir is None else Path(checkpoint_dir)
        self.snapshot_every = snapshot_every
        self.key_cache_size = key_cache_size
        self.max_batch_ids = max_batch_ids
        self._reset_counters()
        self._restored_from = self._restore() if self.checkpoint_dir is not None else None
        self._restore_seconds = time.perf_counter() - t0

    # -- state -----------------------------------------------------------------------------------

    def _reset_counters(self) -> None:
        self._cache: OrderedDict[Any, tuple[int, int, np.ndarray]] = OrderedDict()
        self._batch_ids: OrderedDict[str, None] = OrderedDict()
        self._next_round = 0
        self._n_reports = 0
        self._n_outcomes = 0
        self._status_counts: dict[str, int] = {}
        self._duplicates = 0
        self._since_snapshot = 0
        self._seq = 0
        self._last_snapshot: dict | None = None

    def _state(self) -> dict:
        keys = list(self._cache)
        entries = [self._cache[k] for k in keys]
        return {
            "pool_fingerprint": self._fingerprint,
            "engine": self.engine.state_dict(),
            "batch_ids": list(self._batch_ids),
            "cache": {
                "keys": keys,
                "rounds": [e[0] for e in entries],
                "ns": [e[1] for e in entries],
                "indices": np.concatenate([e[2] for e in entries]) if entries else np.zeros(0, np.int64),
            },
            "next_round": self._next_round,
            "n_reports": self._n_reports,
            "n_outcomes": self._n_outcomes,
            "status_counts": dict(self._status_counts),
            "duplicates": self._duplicates,
            "seq": self._seq,
        }

    def _load_state(self, st: dict) -> None:
        self.engine.load_state_dict(st["engine"])
        self._batch_ids = OrderedDict.fromkeys(st["batch_ids"])
        c = st["cache"]
        flat = np.asarray(c["indices"], dtype=np.int64)
        offsets = np.concatenate([[0], np.cumsum(c["ns"], dtype=np.int64)])
        self._cache = OrderedDict(
            (k, (int(r), int(n), flat[offsets[j]:offsets[j + 1]]))
            for j, (k, r, n) in enumerate(zip(c["keys"], c["rounds"], c["ns"], strict=True))
        )
        self._next_round = int(st["next_round"])
        self._n_reports = int(st["n_reports"])
        self._n_outcomes = int(st["n_outcomes"])
        self._status_counts = {str(k): int(v) for k, v in st["status_counts"].items()}
        self._duplicates = int(st["duplicates"])
        self._seq = int(st["seq"])

    def _restore(self) -> str | None:
        """Load the newest snapshot that reads and fits; damaged ones are skipped with a warning."""
        pristine = copy.deepcopy(self.engine.state_dict())  # what a half-loaded snapshot is rolled back to
        for path in _snapshot.list_snapshots(self.checkpoint_dir):
            try:
                st = _snapshot.read_snapshot(path)
            except ValueError as exc:
                logger.warning("Skipping snapshot: %s. Trying the next older one.", exc)
                continue
            if st.get("pool_fingerprint") != self._fingerprint:
                raise InvalidInputError(
                    f"The snapshot {path} was taken over a different pool than the one given. "
                    "Start the service with the pool it was launched with, or use a fresh checkpoint_dir."
                )
            try:
                self._load_state(st)
            except (KeyError, TypeError, ValueError) as exc:
                logger.warning("Skipping snapshot %s: its state does not load (%s: %s).", path,
                               type(exc).__name__, exc)
                self.engine.load_state_dict(copy.deepcopy(pristine))
                self._reset_counters()
                continue
            # A newer but damaged file may exist: never reuse its sequence number below it.
            self._seq = max(self._seq, *(_snapshot.snapshot_seq(p) for p in _snapshot.list_snapshots(path.parent)))
            self._last_snapshot = {"path": str(path), "seq": _snapshot.snapshot_seq(path),
                                   "n_reports": self._n_reports, "time": os.path.getmtime(path)}
            logger.info("Restored selection service from %s (%d reports).", path, self._n_reports)
            return str(path)
        return None

    # -- public API ------------------------------------------------------------------------------

    @property
    def pool_size(self) -> int:
        """Number of problems in the pool."""
        return len(self._ids)

    def info(self) -> dict:
        """Pool size, checkpoint directory and snapshot cadence (what a client needs at connect)."""
        return {"pool_size": self.pool_size, "checkpoint_dir": None if self.checkpoint_dir is None
                else str(self.checkpoint_dir), "snapshot_every": self.snapshot_every,
                "policy": getattr(self.config, "policy", None)}

    def pool_ids(self) -> np.ndarray:
        """The pool's problem ids as UTF-8 bytes (``S<width>`` array), in pool order."""
        return self._ids

    def report(self, batch_id: str, problem_ids, rewards, n_tokens=None, n_steps=None, round=None,
               statuses=None) -> dict:
        """Apply one batch of outcomes, once: a batch id already applied is ignored.

        Rows whose status is ``unparseable_gold`` or ``timeout`` are counted in ``stats()`` but not
        given to the engine (not the model's fault). Returns ``{"applied": bool, "duplicate": bool,
        "n": rows}``.

        Raises:
            InvalidInputError: for a bad batch id, unknown problem id or any rule of
                ``validate_outcomes``; nothing is changed.
        """
        if not isinstance(batch_id, str) or not batch_id or len(batch_id) > MAX_KEY_CHARS:
            raise InvalidInputError(f"batch_id must be a non-empty string of at most {MAX_KEY_CHARS} characters. "
                                    f"Got {str(batch_id)[:80]!r}{'...' if len(str(batch_id)) > 80 else ''} instead.")
        out = validate_outcomes(problem_ids, rewards, n_tokens, n_steps, statuses, round)
        if batch_id in self._batch_ids:
            self._duplicates += 1
            return {"applied": False, "duplicate": True, "n": len(out)}
        idx = self._lookup(out.problem_ids)
        rnd = out.round if out.round is not None else max(self._next_round - 1, 0)
        keep = None
        if out.statuses is not None:
            keep = np.fromiter((s not in NOT_MODEL_FAULT for s in out.statuses), bool, len(out))
        if len(out):
            sel = slice(None) if keep is None else keep
            if keep is None or keep.any():
                self.engine.report(
                    idx[sel], out.rewards[sel], round=rnd,
                    n_tokens=None if out.n_tokens is None else out.n_tokens[sel],
                    n_steps=None if out.n_steps is None else out.n_steps[sel],
                )
        self._count(batch_id, out)
        if self.snapshot_every and self._since_snapshot >= self.snapshot_every and self.checkpoint_dir:
            try:
                self.snapshot()
            except OSError as exc:  # the batch is applied; a full disk must not make callers retry it
                logger.error("Periodic snapshot failed (%s); will try again after the next report.", exc)
        return {"applied": True, "duplicate": False, "n": len(out)}

    def _lookup(self, ids: list[str]) -> np.ndarray:
        idx = self._pool.lookup(ids)
        if (idx < 0).any():
            k = int(np.flatnonzero(idx < 0)[0])
            raise InvalidInputError(
                f"problem_ids[{k}] = {ids[k]!r} is not in the pool ({len(self._ids)} problems). "
                "Report the 'id' column of the pool the service was started with."
            )
        return idx

    def _count(self, batch_id: str, out) -> None:
        self._batch_ids[batch_id] = None
        while len(self._batch_ids) > self.max_batch_ids:
            self._batch_ids.popitem(last=False)
        self._n_reports += 1
        self._since_snapshot += 1
        self._n_outcomes += len(out)
        if out.statuses is None:
            self._status_counts[UNLABELLED] = self._status_counts.get(UNLABELLED, 0) + len(out)
        else:
            names, counts = np.unique(np.asarray(out.statuses, dtype=object), return_counts=True)
            for s, c in zip(names.tolist(), counts.tolist(), strict=True):
                self._status_counts[s] = self._status_counts.get(s, 0) + int(c)

    def draw(self, key, n: int, round: int | None = None) -> tuple[list[str], np.ndarray]:
        """Draw ``n`` distinct problems for ``key``; the same key always gets the same answer.

        A new key takes the next round of the counter (or ``round`` if given). Asking again with
        the same key but a different ``n`` is an error. Returns ``(ids, indices)``.
        """
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
            rnd = self._next_round if round is None else round
            idx = np.asarray(self.engine.draw(n, rnd, key=key), dtype=np.int64)
            self._next_round = max(self._next_round, rnd + 1)
            self._cache[key] = (rnd, n, idx)
            while len(self._cache) > self.key_cache_size:
                self._cache.popitem(last=False)
        return self._pool.ids_at(idx), idx.copy()

    def round_of(self, key) -> int | None:
        """The round a cached key was drawn for (``None`` if unknown or forgotten)."""
        hit = self._cache.get(validate_key(key))
        return None if hit is None else hit[0]

    def table(self):
        """The engine's per (skill, level) table."""
        return self.engine.table()

    def summary(self) -> dict:
        """The engine's summary (accuracy by skill, draw entropy, informative share, ...)."""
        return self.engine.summary()

    def stats(self) -> dict:
        """Counts: reports applied, outcomes by status, duplicates ignored, the last snapshot."""
        return {
            "pool_size": self.pool_size,
            "n_reports": self._n_reports,
            "n_outcomes": self._n_outcomes,
            "status_counts": dict(sorted(self._status_counts.items())),
            "duplicates_ignored": self._duplicates,
            "round": max(self._next_round - 1, 0),
            "n_keys_cached": len(self._cache),
            "reports_since_snapshot": self._since_snapshot,
            "last_snapshot": None if self._last_snapshot is None else dict(self._last_snapshot),
            "restored_from": self._restored_from,
            "restore_seconds": self._restore_seconds,
            "pid": os.getpid(),
            "started_at": self._started_at,
        }

    def snapshot(self) -> str:
        """Write a snapshot now (atomically); returns its path."""
        if self.checkpoint_dir is None:
            raise InvalidInputError("This service has no checkpoint_dir; pass one to enable snapshots.")
        self._seq += 1
        path = _snapshot.write_snapshot(self.checkpoint_dir, self._seq, self._state())
        self._since_snapshot = 0
        self._last_snapshot = {"path": str(path), "seq": self._seq, "n_reports": self._n_reports,
                               "time": time.time()}
        return str(path)


def _fingerprint(ids: np.ndarray) -> str:
    """A short checksum of the pool's ids, in order: snapshots only load over the same pool.

    CRC-32 (not a cryptographic hash): it guards against restarting over the wrong pool by
    mistake, at ~20x the speed of blake2b on a million ids.
    """
    buf = np.ascontiguousarray(ids).view(np.uint8)
    return f"{len(ids)}:{ids.dtype.str}:{zlib.crc32(buf):08x}"
