"""Read the columns the selection service needs (id, skill, level) from a pool, fast.

The service never needs problem text: a parquet pool file is read column-wise with pyarrow, so a
restarted actor rebuilds a million-problem index in a fraction of a second.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo.errors import PoolValidationError

_NEEDED = ("id", "skill", "level")


@dataclass
class PoolColumns:
    """The service's view of a pool: ids, an id -> index lookup, the skill and level columns.

    Ids are kept as fixed-width UTF-8 bytes (``S<width>``, pool order), copied straight out of the
    Arrow buffers without making a Python string per row, plus a sorted copy and its argsort.
    For a million ids that builds several times faster than a dict of Python strings (see
    ``eval/bench/service.py``), takes a quarter of the memory of a unicode array, and a lookup
    is one ``np.searchsorted``. (A side effect of ``S`` arrays: trailing NUL bytes do not count,
    so ids must not end in ``"\\x00"``.)
    """

    ids: np.ndarray
    sorted_ids: np.ndarray
    order: np.ndarray
    skills: Any
    levels: Any

    def __len__(self) -> int:
        return len(self.ids)

    def ids_at(self, idx: np.ndarray) -> list[str]:
        """The id strings at pool indices ``idx``."""
        return [b.decode("utf-8") for b in self.ids[idx].tolist()]

    def lookup(self, ids: list[str]) -> np.ndarray:
        """Pool indices of ``ids``; entries not in the pool are -1."""
        if not ids:
            return np.zeros(0, np.int64)
        pos, found = _search(self.sorted_ids, ids)
        return np.where(found, self.order[pos], -1)


def _search(sorted_ids: np.ndarray, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of ``ids`` in ``sorted_ids`` and whether each is really there."""
    enc = [s.encode("utf-8") for s in ids]
    # Search with the pool's own dtype (a wider query dtype would make numpy cast the whole
    # sorted array on every call); ids longer than the pool's width cannot be in it.
    q = np.array(enc, dtype=sorted_ids.dtype)
    too_long = np.fromiter(map(len, enc), np.int64, len(enc)) > sorted_ids.dtype.itemsize
    pos = np.minimum(np.searchsorted(sorted_ids, q), len(sorted_ids) - 1)
    return pos, (sorted_ids[pos] == q) & ~too_long


def find_unknown(sorted_ids: np.ndarray, ids: list[str]) -> np.ndarray:
    """Row numbers of the ``ids`` that are not in the pool whose sorted ids are ``sorted_ids``."""
    if not ids:
        return np.zeros(0, np.int64)
    return np.flatnonzero(~_search(sorted_ids, ids)[1])


def _fixed_width_bytes(arr) -> np.ndarray:
    """An Arrow (large_)string array as a numpy ``S<max length>`` array, from its raw buffers."""
    import pyarrow as pa

    large = pa.types.is_large_string(arr.type)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if large else np.int32)
    offsets = offsets[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    starts, lens = offsets[:-1], np.diff(offsets)
    width = max(int(lens.max()), 1)
    out = np.zeros((len(arr), width), np.uint8)
    for j in range(width):  # one vectorised pass per character column: light on memory
        rows = np.flatnonzero(lens > j)
        out[rows, j] = data[starts[rows] + j]
    return out.view(f"S{width}").ravel()


def _validate_full(ds) -> None:
    """Run the data package's full record-schema check, re-raised as our PoolValidationError."""
    import data

    try:
        data.validate_pool(ds)
    except data.PoolValidationError as exc:
        raise PoolValidationError(f"The pool does not validate: {exc}") from exc


def _load(path: Path):
    """``data.load_pool`` (which validates every row), its errors re-raised as ours."""
    import data

    try:
        return data.load_pool(str(path))
    except (data.PoolValidationError, data.PoolLoadError) as exc:
        raise PoolValidationError(f"The pool file {path} cannot be used: {exc}") from exc


def _from_table(table, where: str) -> PoolColumns:
    """Check the id column (vectorised) and build the sorted id index once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids_col = table.column("id")
    if len(ids_col) == 0:
        raise PoolValidationError(f"Pool {where} is empty; the service needs at least one problem.")
    if not (pa.types.is_string(ids_col.type) or pa.types.is_large_string(ids_col.type)):
        raise PoolValidationError(f"Pool {where}: the 'id' column must hold strings. Got type {ids_col.type} instead.")
    bad = pc.or_kleene(pc.is_null(ids_col), pc.equal(pc.utf8_length(ids_col), 0))
    if pc.any(bad).as_py():
        row = int(pc.index(bad, True).as_py())
        raise PoolValidationError(f"Pool {where}: row {row} has id {ids_col[row].as_py()!r}; every row needs a "
                                  "non-empty string 'id'.")
    ids = _fixed_width_bytes(ids_col.combine_chunks())
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    dup = np.flatnonzero(sorted_ids[1:] == sorted_ids[:-1])
    if len(dup):
        pid = sorted_ids[dup[0]]
        rows = np.sort(order[dup[0]:dup[0] + 2])
        raise PoolValidationError(f"Pool {where}: row {rows[1]} repeats id {pid.decode()!r} (first in row {rows[0]}); "
                                  "ids must be unique.")
    # skill/level stay Arrow columns: the engine encodes them vectorised.
    return PoolColumns(ids, sorted_ids, order.astype(np.int64), table.column("skill"), table.column("level"))


def _check_names(names, where: str) -> None:
    missing = [c for c in _NEEDED if c not in names]
    if missing:
        raise PoolValidationError(
            f"Pool {where} lacks column(s) {missing}; the record schema needs id, problem, answer, "
            "skill, level, source, choices (see data.load_pool)."
        )


def read_pool_columns(pool: Any, *, validate: bool = True) -> PoolColumns:
    """Return the id/skill/level columns of a ``datasets.Dataset`` or a pool file.

    Args:
        pool: a ``datasets.Dataset``, or a path (parquet is read column-wise; other formats are
            loaded with ``data.load_pool``).
        validate: also run ``data.validate_pool`` over every row.

    Raises:
        PoolValidationError: missing columns, a missing/duplicate id, an empty pool, or any
            row the full check rejects.
        FileNotFoundError: the pool path does not exist.
    """
    if isinstance(pool, (str, os.PathLike)):
        path = Path(pool)
        if not path.exists():
            raise FileNotFoundError(f"Pool file {path} does not exist.")
        if path.suffix == ".parquet" and not validate:
            import pyarrow.parquet as pq

            names = pq.read_schema(path).names
            _check_names(names, str(path))
            return _from_table(pq.read_table(path, columns=list(_NEEDED)), str(path))
        pool = _load(path)
        validate = False  # load_pool checked every row
    names = getattr(pool, "column_names", None)
    if names is None:
        raise PoolValidationError(
            f"A pool must be a datasets.Dataset or a path to a pool file. Got {type(pool).__name__} instead."
        )
    _check_names(names, "dataset")
    if validate:
        _validate_full(pool)
    return _from_table(pool.select_columns(list(_NEEDED)).with_format("arrow")[:], "dataset")
