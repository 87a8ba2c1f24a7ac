"""Append-only journal (write-ahead log) of the selection service: acknowledged reports survive a crash.

Every applied report batch (and every new draw key) is appended to the journal *before* the
service acts on it and answers; a snapshot only bounds how much of the journal a restart replays.

Files in the checkpoint directory (segment numbers share the sequence of the snapshots)::

    snapshot-000000000012.npz     covers everything in segments < 12 ("journal_from": 12)
    journal-000000000012.log      records after snapshot 12, oldest first (the one appended to)
    journal-000000000011.log      kept while snapshot 11 is kept (a fallback if 12 is damaged)

A snapshot with sequence number ``s`` first opens segment ``s`` (so nothing written after the
snapshot's state was taken can land in an older segment), then writes the snapshot file. A service
that never snapshotted appends to segment 0. Segments below the oldest snapshot kept are deleted.

Segment layout: ``MAGIC`` then records; record 0 is the segment header. A record is::

    u32 little-endian payload length | u32 CRC-32 of the payload | payload

and a payload is ``u32 meta length | meta (JSON) | raw little-endian arrays`` where ``meta["a"]``
lists ``[name, dtype, length]`` of each array in order. No pickle anywhere: reading a journal
cannot run code. A record cut short by a crash mid-write (a *torn* record) or one whose CRC fails
ends the readable part of its segment: what comes before it is kept, the rest is reported.
"""

from __future__ import annotations

import json
import logging
import os
import re
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo._snapshot import _fsync_dir, numbered_files
from sai_dpo.errors import InvalidInputError

logger = logging.getLogger(__name__)

MAGIC = b"SAIDPOJ1"
_FRAME = struct.Struct("<II")  # payload length, CRC-32
_META = struct.Struct("<I")
_NAME = re.compile(r"^journal-(\d{12})\.log$")
_FORMAT = 1
# Larger than any sane record (a 10M-row batch is ~300 MB): a length beyond it is damage.
_MAX_RECORD = 1 << 31


def segment_path(directory: str | os.PathLike, number: int) -> Path:
    """The file of segment ``number``."""
    return Path(directory) / f"journal-{number:012d}.log"


def list_segments(directory: str | os.PathLike) -> list[tuple[int, Path]]:
    """``(number, path)`` of the journal segments in ``directory``, oldest (lowest) first."""
    return numbered_files(directory, _NAME)


def prune_segments(directory: str | os.PathLike, below: int) -> None:
    """Delete the segments numbered below ``below``."""
    for number, path in list_segments(directory):
        if number < below:
            path.unlink(missing_ok=True)


# -- payloads ------------------------------------------------------------------------------------

def _payload(meta: dict, arrays: list[tuple[str, np.ndarray]]) -> bytes:
    cols = [np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("<")) for _, a in arrays]
    meta = dict(meta, a=[[name, c.dtype.str, len(c)] for (name, _), c in zip(arrays, cols, strict=True)])
    head = json.dumps(meta, separators=(",", ":")).encode()
    return b"".join([_META.pack(len(head)), head, *(c.tobytes() for c in cols)])


def decode(payload: bytes) -> dict:
    """A payload back as its meta dict, with each array under its name.

    Raises:
        ValueError: the payload does not parse (a CRC-valid record never fails this).
    """
    try:
        (n,) = _META.unpack_from(payload, 0)
        meta = json.loads(payload[_META.size:_META.size + n].decode())
        off = _META.size + n
        for name, dtype, length in meta.pop("a"):
            dt = np.dtype(dtype)
            if dt.hasobject:
                raise ValueError("object arrays are not allowed in a journal")
            meta[name] = np.frombuffer(payload, dtype=dt, count=length, offset=off)
            off += dt.itemsize * length
    except (struct.error, UnicodeDecodeError, json.JSONDecodeError, TypeError, KeyError) as exc:
        raise ValueError(f"unreadable journal record ({type(exc).__name__}: {exc})") from exc
    if off != len(payload):
        raise ValueError("journal record has trailing bytes")
    return meta


def encode_report(batch_id: str, round_: int, idx: np.ndarray, rewards: np.ndarray,
                  n_tokens: np.ndarray | None, n_steps: np.ndarray | None,
                  status_codes: np.ndarray | None) -> bytes:
    """One applied report batch (pool indices of the known rows, the round it was filed under)."""
    arrays = [("idx", np.asarray(idx, np.int64)), ("rewards", np.asarray(rewards, np.float64))]
    for name, col in (("n_tokens", n_tokens), ("n_steps", n_steps), ("statuses", status_codes)):
        if col is not None:
            arrays.append((name, col))
    return _payload({"k": "report", "batch_id": batch_id, "round": int(round_)}, arrays)


def encode_draw(key: str | int, round_: int, idx: np.ndarray) -> bytes:
    """One new draw key and the indices it was answered with."""
    return _payload({"k": "draw", "key": key, "round": int(round_)}, [("idx", np.asarray(idx, np.int64))])


def _frame(payload: bytes) -> bytes:
    return _FRAME.pack(len(payload), zlib.crc32(payload)) + payload


# -- reading -------------------------------------------------------------------------------------

@dataclass
class Segment:
    """What could be read from one segment file."""

    number: int
    path: Path
    header: dict | None = None
    records: list[bytes] = field(default_factory=list)
    good_bytes: int = 0  # length of the readable prefix (magic, header, whole records)
    size: int = 0
    damage: str | None = None  # why reading stopped early (None: the whole file was read)
    torn_tail: bool = False  # the damage is a record cut short at the end of the file

    @property
    def lost_bytes(self) -> int:
        return self.size - self.good_bytes


def read_segment(number: int, path: Path) -> Segment:
    """Read a segment; stops at the first damaged record (see ``Segment.damage``)."""
    data = path.read_bytes()
    seg = Segment(number, path, size=len(data))
    if data[:len(MAGIC)] != MAGIC:
        seg.damage = "it does not start with the journal magic bytes"
        seg.torn_tail = len(data) < len(MAGIC) and MAGIC.startswith(data)
        return seg
    off = len(MAGIC)
    while off < len(data):
        if len(data) - off < _FRAME.size:
            seg.damage, seg.torn_tail = f"a record header is cut short at byte {off}", True
            break
        length, crc = _FRAME.unpack_from(data, off)
        end = off + _FRAME.size + length
        if length > _MAX_RECORD or end > len(data):
            seg.damage, seg.torn_tail = f"the record at byte {off} is cut short ({length} bytes announced)", True
            break
        payload = data[off + _FRAME.size:end]
        if zlib.crc32(payload) != crc:
            seg.damage, seg.torn_tail = f"the record at byte {off} fails its CRC", end == len(data)
            break
        if seg.header is None:
            seg.header = _parse_header(payload)
            if seg.header is None:
                seg.damage = "its header record does not parse"
                break
        else:
            seg.records.append(payload)
        off = end
        seg.good_bytes = off
    return seg


def _parse_header(payload: bytes) -> dict | None:
    try:
        head = decode(payload)
    except ValueError:
        return None
    return head if head.get("k") == "segment" and head.get("format") == _FORMAT else None


# -- writing -------------------------------------------------------------------------------------

class JournalWriter:
    """Appends records to one segment; each ``append`` reaches the OS (and the disk if ``sync``).

    A failed append is cut off again (the file is truncated back to its last whole record), so a
    full disk never leaves a torn record in the middle of a segment. If even that fails the writer
    is ``broken`` and refuses further appends until the service opens a new segment.

    Args:
        path: the segment file.
        header: the segment header (``number`` and the pool ``fingerprint``).
        keep_bytes: ``None`` creates the file (it must not exist); an int reopens an existing
            segment and first cuts it to that many bytes (its readable prefix; 0 rewrites it).
    """

    def __init__(self, path: Path, header: dict, keep_bytes: int | None = None) -> None:
        self.path = path
        self.broken = False
        if keep_bytes is None or keep_bytes == 0:
            mode = "xb" if keep_bytes is None else "wb"
            self._fh = open(path, mode, buffering=0)  # noqa: SIM115 - kept open while appending
            self._size = 0
            self._write(MAGIC + _frame(_payload(dict(header, k="segment", format=_FORMAT), [])))
            os.fsync(self._fh.fileno())
            _fsync_dir(path.parent)
        else:
            self._fh = open(path, "r+b", buffering=0)  # noqa: SIM115
            self._fh.truncate(keep_bytes)
            self._fh.seek(keep_bytes)
            os.fsync(self._fh.fileno())
            self._size = keep_bytes

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            n = self._fh.write(view)
            view = view[n:]
        self._size += len(data)

    def sync(self) -> None:
        """fsync what was appended. Raises OSError (and marks the segment unusable) if the disk refuses."""
        try:
            os.fsync(self._fh.fileno())
        except (OSError, ValueError) as exc:  # ValueError: the file was closed (a new segment began)
            self.broken = True
            raise OSError(f"journal segment {self.path} could not be synced: {exc}") from None

    def append(self, payload: bytes, sync: bool) -> None:
        """Write one record; with ``sync`` also fsync it before returning.

        Raises:
            OSError: the record could not be written (the segment is left as it was).
        """
        if self.broken:
            raise OSError(f"journal segment {self.path} is unusable after an earlier write error")
        if len(payload) >= _MAX_RECORD:  # its length would not read back: never acknowledge it
            raise InvalidInputError(f"A journal record of {len(payload)} bytes is too large (the limit is "
                                    f"{_MAX_RECORD - 1}); report in smaller batches.")
        size = self._size
        try:
            self._write(_frame(payload))
            if sync:
                os.fsync(self._fh.fileno())
        except BaseException:
            self._size = size
            try:
                self._fh.truncate(size)
                self._fh.seek(size)
            except OSError:
                self.broken = True
            raise

    def close(self) -> None:
        """Close the file (idempotent)."""
        try:
            self._fh.close()
        except OSError as exc:  # the data was flushed by every append; nothing more to save
            logger.warning("Closing journal segment %s failed: %s", self.path, exc)


def describe(seg: Segment) -> str:
    """One log line about a damaged segment."""
    kind = "a torn last record (a crash mid-write)" if seg.torn_tail else "damage"
    return (f"Journal segment {seg.path} ends in {kind}: {seg.damage}. Kept the {len(seg.records)} "
            f"records before it; ignored the last {seg.lost_bytes} bytes.")


def make_header(number: int, fingerprint: str) -> dict[str, Any]:
    """The header of segment ``number`` over the pool with this fingerprint."""
    return {"number": int(number), "fingerprint": fingerprint}
