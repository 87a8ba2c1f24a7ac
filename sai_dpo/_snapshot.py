"""Atomic, checksummed snapshot files for the selection service.

A snapshot is one uncompressed ``.npz`` file (a zip archive, so every member carries a CRC that
``numpy.load`` checks on read) holding:

- ``__tree__``: the state as JSON (uint8 bytes), where every numpy array was replaced by a
  reference ``{"__array__": "a<k>"}``;
- ``a0``, ``a1``, ...: the arrays themselves (never object dtype, so no pickle is involved:
  a snapshot file cannot run code when loaded).

Files are written to a temporary name in the same directory, fsynced, then renamed with
``os.replace``, so a reader sees either the old snapshot or the complete new one. A file that is
cut short or damaged fails to load and is skipped with a warning; the next older one is tried.

Layout of a checkpoint directory::

    pool.parquet                  the pool the service was launched with
    snapshot-000000000012.npz     newest (sequence numbers only grow)
    snapshot-000000000011.npz     kept as a fallback (``keep`` newest are kept)
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

_NAME = re.compile(r"^snapshot-(\d{12})\.npz$")
_FORMAT = 1


def _flatten(obj: Any, arrays: list[np.ndarray]) -> Any:
    """Return a JSON-able copy of ``obj`` with arrays moved into ``arrays``."""
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return {"__objarray__": [_flatten(x, arrays) for x in obj.tolist()]}
        arrays.append(obj)
        return {"__array__": f"a{len(arrays) - 1}"}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        if not all(isinstance(k, str) for k in obj):
            # JSON keys must be strings: keep the real keys in a list of pairs.
            return {"__pairs__": [[_flatten(k, arrays), _flatten(v, arrays)] for k, v in obj.items()]}
        return {k: _flatten(v, arrays) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return {"__tuple__": [_flatten(x, arrays) for x in obj]}
    if isinstance(obj, list):
        return [_flatten(x, arrays) for x in obj]
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    raise TypeError(f"Cannot snapshot a value of type {type(obj).__name__}: {obj!r:.80}")


def _unflatten(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    """Inverse of :func:`_flatten`."""
    if isinstance(obj, dict):
        if len(obj) == 1:
            (tag, val), = obj.items()
            if tag == "__array__":
                return arrays[val]
            if tag == "__objarray__":
                out = np.empty(len(val), dtype=object)
                out[:] = [_unflatten(x, arrays) for x in val]
                return out
            if tag == "__pairs__":
                return {_unflatten(k, arrays): _unflatten(v, arrays) for k, v in val}
            if tag == "__tuple__":
                return tuple(_unflatten(x, arrays) for x in val)
        return {k: _unflatten(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_unflatten(x, arrays) for x in obj]
    return obj


def write_snapshot(directory: str | os.PathLike, seq: int, state: dict, *, keep: int = 3) -> Path:
    """Atomically write ``state`` as snapshot number ``seq``; prune all but the ``keep`` newest.

    Returns:
        The path of the new snapshot file.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    arrays: list[np.ndarray] = []
    tree = json.dumps({"format": _FORMAT, "state": _flatten(state, arrays)}).encode()
    # (np.ascontiguousarray would turn 0-d arrays into 1-d ones)
    members = {f"a{k}": a if a.flags.c_contiguous else a.copy(order="C") for k, a in enumerate(arrays)}
    members["__tree__"] = np.frombuffer(tree, dtype=np.uint8)
    final = directory / f"snapshot-{seq:012d}.npz"
    fd, tmp = tempfile.mkstemp(prefix=".snapshot-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **members)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(directory)
    for old in list_snapshots(directory)[keep:]:
        old.unlink(missing_ok=True)
    return final


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (best effort: some filesystems refuse to open directories)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def numbered_files(directory: str | os.PathLike, pattern: re.Pattern) -> list[tuple[int, Path]]:
    """``(number, path)`` of the files in ``directory`` whose name matches ``pattern`` (group 1 is the
    number), lowest number first; none when the folder does not exist."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    return sorted((int(m.group(1)), p) for p in directory.iterdir() if (m := pattern.match(p.name)))


def list_snapshots(directory: str | os.PathLike) -> list[Path]:
    """Snapshot files in ``directory``, newest (highest sequence number) first."""
    return [p for _, p in reversed(numbered_files(directory, _NAME))]


def snapshot_seq(path: Path) -> int:
    """The sequence number in a snapshot file name."""
    return int(_NAME.match(path.name).group(1))


def read_snapshot(path: str | os.PathLike) -> dict:
    """Load one snapshot file; raises ``ValueError`` if it is damaged or cut short."""
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(f"snapshot {path} is damaged or incomplete ({type(exc).__name__}: {exc})") from exc
    if "__tree__" not in arrays:
        raise ValueError(f"snapshot {path} has no state tree")
    try:
        doc = json.loads(arrays.pop("__tree__").tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"snapshot {path} has an unreadable state tree ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != _FORMAT:
        raise ValueError(f"snapshot {path} has an unknown format")
    return _unflatten(doc["state"], arrays)
