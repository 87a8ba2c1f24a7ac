"""Snapshots and the journal of ``SelectionService``: what is written, and how a restart reads it back.

Restore order (in the constructor): load the newest snapshot that reads and fits the pool, then
replay the journal segments from the one the snapshot names (``journal_from``) on, record by
record, skipping report batch ids already applied (the exactly-once ledger), then append to the
newest segment. A checkpoint directory written before the journal existed (snapshots only)
restores exactly as it did then.

Kept apart from ``_selection_service`` so that each file holds one idea: this one is the disk.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo import _journal, _snapshot
from sai_dpo.errors import CheckpointInUseError, InvalidInputError

logger = logging.getLogger(__name__)


# Checkpoint folders this process holds the lock of: resolved ".lock" path -> its open descriptor.
_HELD: dict[str, int] = {}


def check_folder_free(checkpoint_dir: str | os.PathLike) -> None:
    """Refuse a checkpoint folder that a live service holds, before anything is written into it (the
    service itself checks again when it starts; this catches it on the driver, in one line).

    Raises:
        CheckpointInUseError: a service process on this machine holds ``checkpoint_dir``.
    """
    from data._locks import holder_of

    path = Path(checkpoint_dir) / ".lock"
    holder = None if str(path.resolve()) in _HELD else holder_of(path)
    if holder is not None:
        raise CheckpointInUseError(_in_use(checkpoint_dir, holder))


def _in_use(folder, holder: str) -> str:
    return (f"The checkpoint folder {folder} is in use by a running selection service ({holder}); two services "
            "on one folder would overwrite each other's journal. Connect to that service (`sai-dpo serve "
            "--address ...` attaches to it), stop it first, or pass another --checkpoint-dir.")


class DurableState:
    """Mixin of ``SelectionService``: state <-> snapshot, the journal writer, restore and replay.

    Relies on the service's ``engine``, ``checkpoint_dir``, ``_fingerprint``, ``journal``,
    ``journal_fsync``, the counters set by ``_reset_counters`` and the two appliers
    ``_apply_report(...)`` and ``_apply_draw(...)``.
    """

    checkpoint_dir: Path | None
    journal: bool
    journal_fsync: bool

    # -- snapshot contents -----------------------------------------------------------------------

    def _state(self) -> dict:
        keys = list(self._cache)
        entries = [self._cache[k] for k in keys]
        return {
            "pool_fingerprint": self._fingerprint,
            "engine": self.engine.state_dict(),
            "batch_ids": list(self._batch_ids),
            # Each id's outcome digest (8 bytes as a uint64; 0: unknown), so a reused id is still caught.
            "batch_digests": np.frombuffer(b"".join(d or bytes(8) for d in self._batch_ids.values()), np.uint64),
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
            "rounds_filed": self._rounds_filed,
            "seq": self._seq,
            # Everything in journal segments below this number is inside this snapshot.
            "journal_from": self._seq,
        }

    def _load_state(self, st: dict) -> None:
        self.engine.load_state_dict(st["engine"])
        digests = np.asarray(st.get("batch_digests", np.zeros(len(st["batch_ids"]), np.uint64)), np.uint64)
        self._batch_ids = OrderedDict(
            (b, d.tobytes() if d else None) for b, d in zip(st["batch_ids"], digests, strict=True))
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
        self._rounds_filed = int(st.get("rounds_filed", 0))  # snapshots before it was kept: 0
        self._seq = int(st["seq"])

    # -- the folder lock --------------------------------------------------------------------------

    def _lock_folder(self) -> None:
        """Hold an exclusive lock on ``checkpoint_dir/.lock`` for this service's life (released when its
        process ends, a crash included): a second service on the same folder is refused at once.

        Raises:
            CheckpointInUseError: another live service (any process on this machine) holds the folder.
        """
        from data._locks import try_lock

        self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
        path = self.checkpoint_dir / ".lock"
        key = str(path.resolve())
        if key in _HELD:  # a service of this very process held it: the newest one takes over (a restart
            self._lock_key = key  # in one process, as tests do; Ray restarts an actor in a new process)
            return
        got = try_lock(path)
        if isinstance(got, str):
            raise CheckpointInUseError(_in_use(self.checkpoint_dir, got))
        _HELD[key] = got
        self._lock_key = key

    def release_folder(self) -> None:
        """Let go of the checkpoint folder's lock (the process ending does the same)."""
        key, self._lock_key = getattr(self, "_lock_key", None), None
        fd = _HELD.pop(key, None) if key is not None else None
        if fd is not None:
            os.close(fd)

    # -- restore ---------------------------------------------------------------------------------

    def _restore(self) -> str | None:
        """Load the newest usable snapshot, then replay the journal after it; returns the snapshot path."""
        path, journal_from = self._load_newest_snapshot()
        if self.journal:
            self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
            self._open_journal(journal_from, have_base=path is not None)
        return path

    def _load_newest_snapshot(self) -> tuple[str | None, int]:
        """The newest snapshot that reads and fits (damaged ones are skipped with a warning), and the
        journal segment its state continues in (0 when none loads: the journal's very start)."""
        pristine = copy.deepcopy(self.engine.state_dict())  # what a half-loaded snapshot is rolled back to
        snaps = _snapshot.list_snapshots(self.checkpoint_dir)  # newest first
        # A newer but damaged file may exist: never reuse a sequence number at or below it.
        newest = _snapshot.snapshot_seq(snaps[0]) if snaps else 0
        for path in snaps:
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
            self._seq = max(self._seq, newest)
            self._last_snapshot = {"path": str(path), "seq": _snapshot.snapshot_seq(path),
                                   "n_reports": self._n_reports, "time": os.path.getmtime(path)}
            logger.info("Restored selection service from %s (%d reports).", path, self._n_reports)
            # Snapshots from before the journal have no "journal_from"; their own number is right.
            return str(path), int(st.get("journal_from", _snapshot.snapshot_seq(path)))
        self._seq = max(self._seq, newest)
        return None, 0

    def _open_journal(self, journal_from: int, have_base: bool) -> None:
        """Replay the segments from ``journal_from`` on and keep appending to the newest one."""
        segments = _journal.list_segments(self.checkpoint_dir)
        self._seq = max(self._seq, segments[-1][0] if segments else 0)  # sorted, oldest first
        todo = [(n, p) for n, p in segments if n >= journal_from]
        if todo and todo[0][0] != journal_from:
            if not have_base:  # no snapshot loads, and the journal's start was pruned with them
                logger.error(
                    "No snapshot in %s loads and the journal there starts at segment %d, not at the beginning: "
                    "its %d segment(s) cannot be replayed without their base and are ignored. Starting fresh.",
                    self.checkpoint_dir, todo[0][0], len(todo))
                self._rebase_journal()
                return
            logger.warning("Journal segment %d (right after the restored snapshot) is missing; replaying "
                           "the later ones.", journal_from)
        last = None
        for number, path in todo:
            last = self._replay_segment(_journal.read_segment(number, path))
        if last is None:
            self._writer = _journal.JournalWriter(_journal.segment_path(self.checkpoint_dir, journal_from),
                                                  _journal.make_header(journal_from, self._fingerprint))
        else:  # cut a torn tail off and append after the last whole record
            if last.damage is not None and not last.torn_tail:  # more than a torn record: keep a copy
                _save_damaged_tail(last)
            self._writer = _journal.JournalWriter(last.path, _journal.make_header(last.number, self._fingerprint),
                                                  keep_bytes=last.good_bytes)

    def _rebase_journal(self) -> None:
        """Snapshot the fresh state now, so that new records follow a base a restart can load."""
        try:
            self.snapshot()
        except OSError as exc:
            logger.error("Could not write a fresh snapshot (%s); reports will fail until one succeeds.", exc)

    def _replay_segment(self, seg: _journal.Segment) -> _journal.Segment:
        if seg.header is not None and seg.header.get("fingerprint") != self._fingerprint:
            raise InvalidInputError(
                f"The journal segment {seg.path} was written over a different pool than the one given. "
                "Start the service with the pool it was launched with, or use a fresh checkpoint_dir."
            )
        rep = self._replayed
        for payload in seg.records:
            try:
                rec = _journal.decode(payload)
                if rec["k"] == "report":
                    if rec["batch_id"] in self._batch_ids:  # already inside the snapshot
                        rep["skipped_duplicates"] += 1
                        continue
                    self._apply_report(rec["batch_id"], rec["idx"], rec["rewards"], rec.get("n_tokens"),
                                       rec.get("n_steps"), rec.get("statuses"), rec["round"])
                    rep["reports"] += 1
                    rep["outcomes"] += len(rec["idx"])
                elif rec["k"] == "draw":
                    if rec["key"] in self._cache:  # drawn before the snapshot was taken
                        continue
                    self._replay_draw(rec["key"], rec["round"], rec["idx"])
                    rep["draws"] += 1
            except (ValueError, KeyError, TypeError) as exc:  # InvalidInputError is a ValueError
                logger.error("Skipping a journal record in %s that does not apply (%s: %s).", seg.path,
                             type(exc).__name__, exc)
        if seg.damage is not None:
            rep["damaged_segments"].append(str(seg.path))
            (logger.warning if seg.torn_tail else logger.error)(_journal.describe(seg))
        if seg.records:
            logger.info("Replayed %d journal records from %s.", len(seg.records), seg.path)
        return seg

    def _replay_draw(self, key: Any, round_: int, idx: np.ndarray) -> None:
        got = self._apply_draw(key, len(idx), round_, np.array(idx, dtype=np.int64))
        if not np.array_equal(got, idx):
            logger.warning("Replaying draw key %r gave other indices than the first time; the cached "
                           "answer keeps the original ones.", key)

    # -- writing ---------------------------------------------------------------------------------

    def _journal_append(self, payload: bytes, sync: bool) -> None:
        """Append one record to the journal (no-op without one).

        Raises:
            OSError: the record is not on disk; the caller must not act on it.
        """
        if self._writer is None:
            if not self.journal:  # the constructor turns it off without a checkpoint_dir
                return
            self._rebase_journal()  # an earlier failure left no usable segment: try a new one
            if self._writer is None:
                raise OSError(f"The journal in {self.checkpoint_dir} is unusable (see the earlier error).")
        with self._lock:
            if self._writer.broken:
                self.snapshot()  # raises OSError if the disk still refuses; else opens a fresh segment
            writer = self._writer
            writer.append(payload, sync=False)
        if sync:
            writer.sync()  # outside the lock: draws never wait for the disk

    def snapshot(self) -> str:
        """Write a snapshot now (atomically); returns its path. Starts a new journal segment first.

        The state is captured (copied) and the journal cut under the service's lock; the file is
        written after the lock is released, so draws do not wait for the disk.

        Raises:
            InvalidInputError: the service has no ``checkpoint_dir``.
            OSError: the disk refused; the journal keeps appending to its current segment.
        """
        with self._lock:
            seq, state = self._snapshot_begin()
        return self._snapshot_finish(seq, state)

    def _snapshot_begin(self) -> tuple[int, dict]:
        """Cut the journal and copy the state, under the lock: the state holds exactly the records
        before the cut."""
        if getattr(self, "_degraded", None) is not None:
            self._check_not_degraded()  # never overwrite the folder with a state that did not restore
        if self.checkpoint_dir is None:
            raise InvalidInputError("This service has no checkpoint_dir; pass one to enable snapshots.")
        self._seq += 1
        if self.journal:
            self.checkpoint_dir.mkdir(parents=True, exist_ok=True)
            new = _journal.JournalWriter(_journal.segment_path(self.checkpoint_dir, self._seq),
                                         _journal.make_header(self._seq, self._fingerprint))
            if self._writer is not None:
                self._writer.close()
            self._writer = new
        state = self._state()
        state["engine"] = {k: np.array(v, copy=True) for k, v in state["engine"].items()}
        self._since_snapshot = 0
        return self._seq, state

    def _snapshot_finish(self, seq: int, state: dict) -> str:
        """Write the captured state (outside the lock), then prune what it makes redundant."""
        try:
            path = _snapshot.write_snapshot(self.checkpoint_dir, seq, state)
        except OSError:
            with self._lock:  # try again after the next report
                self._since_snapshot = max(self._since_snapshot, self.snapshot_every or 1)
            raise
        with self._lock:
            if self.journal:  # segments older than every snapshot kept can no longer be replayed
                oldest = _snapshot.snapshot_seq(_snapshot.list_snapshots(self.checkpoint_dir)[-1])  # newest first
                _journal.prune_segments(self.checkpoint_dir, oldest)
            self._last_snapshot = {"path": str(path), "seq": seq, "n_reports": int(state["n_reports"]),
                                   "time": time.time()}
        return str(path)

def _save_damaged_tail(seg: _journal.Segment) -> None:
    """Copy the unreadable rest of a segment beside it before the writer cuts it off."""
    aside = seg.path.with_name(f"{seg.path.name}.damaged-{int(time.time())}")
    with open(seg.path, "rb") as src:
        src.seek(seg.good_bytes)
        aside.write_bytes(src.read())
    logger.error("Saved the %d unreadable bytes of %s to %s before appending after its last good record.",
                 seg.lost_bytes, seg.path, aside)
