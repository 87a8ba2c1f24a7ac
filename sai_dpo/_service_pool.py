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
    Arrow buffers without making a Python string per row, with an ``IdIndex`` over them. For a
    million ids that builds in about the time a dict of Python strings takes (0.4 s), with 8-16
    bytes per id besides the ids (a dict and its strings: 134 at 14-byte ids), and looks up 32k
    ids in half the dict's time (``eval/bench/service.py``). (A side effect of ``S`` arrays:
    trailing NUL bytes do not count, so ids must not end in ``"\\x00"``.)
    """

    ids: np.ndarray
    index: IdIndex
    skills: Any
    levels: Any

    def __len__(self) -> int:
        return len(self.ids)

    def ids_at(self, idx: np.ndarray) -> list[str]:
        """The id strings at pool indices ``idx``."""
        return ids_at(self.ids, idx)

    def lookup(self, ids: list[str]) -> np.ndarray:
        """Pool indices of ``ids``; entries not in the pool are -1."""
        return self.index.lookup(ids)


_MIX = np.uint64(0xBF58476D1CE4E5B9)


def _keys(n: int) -> np.ndarray:
    """The odd 64-bit multipliers of words 0..n-1 (splitmix64 of the word's position): the same in
    every process, and word j's multiplier does not depend on ``n``."""
    z = (np.arange(1, n + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    z = (z ^ (z >> np.uint64(30))) * _MIX
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (z ^ (z >> np.uint64(31))) | np.uint64(1)


def _hash(rows: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each row of a ``(n, width)`` uint8 matrix (width a multiple of 8), vectorised.

    Multilinear (the sum of each 8-byte word times its own odd multiplier, mod 2^64), then mixed: a
    word of zeros adds nothing, so a row hashes the same however far it is zero-padded, and queries
    are packed only as wide as the longest of them, not the pool's widest id."""
    words = rows.view(np.uint64)
    h = np.zeros(len(rows), np.uint64)
    for j, k in enumerate(_keys(words.shape[1]).tolist()):
        h += words[:, j] * np.uint64(k)
    h ^= h >> np.uint64(31)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return h


def _pack(data: np.ndarray, starts: np.ndarray, lens: np.ndarray, width: int) -> np.ndarray:
    """Byte strings ``data[starts[i]:starts[i] + lens[i]]`` as a zero-padded ``(n, width)`` uint8 matrix
    (longer ones cut at ``width``): one gather per block of rows, so memory stays bounded."""
    out = np.zeros((len(starts), width), np.uint8)
    if not len(data):
        return out
    cols = np.arange(width)
    step = max(1, (1 << 19) // width)
    for lo in range(0, len(starts), step):
        block = np.take(data, starts[lo:lo + step, None] + cols, mode="clip")
        block[cols >= lens[lo:lo + step, None]] = 0
        out[lo:lo + step] = block
    return out


def ids_at(ids: np.ndarray, idx: np.ndarray) -> list[str]:
    """The id strings at pool indices ``idx`` of fixed-width UTF-8 ids."""
    return [b.decode("utf-8") for b in ids[idx].tolist()]


def _words(width: int) -> int:
    return max(8, -(-width // 8) * 8)


class IdIndex:
    """Exact lookup of id strings in a fixed-width ``S`` array of unique ids: an open-addressing hash
    table (linear probing, load <= 1/2) built and searched with whole-array numpy operations.

    Queries are encoded in one join and packed only as wide as the longest of them. A lookup of 32k
    ids in a 100k pool of 14-byte ids takes about 5 ms against 16 ms for ``np.searchsorted`` over
    sorted byte strings after encoding each id in Python, and holds the interpreter for less of it
    (the service's draws run on other threads of the same process). Ids that collide in the hash
    are told apart by their bytes; many colliding ids (only a hostile pool has them) make lookups
    slower, never wrong."""

    def __init__(self, ids: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids)
        self.ids = ids
        self.width = ids.dtype.itemsize
        #: ``(first row, later row)`` of an id that repeats an earlier one (the index is then incomplete).
        self.duplicate: tuple[int, int] | None = None
        n = len(ids)
        size = 1 << max(3, int(2 * n - 1).bit_length())
        self._mask = np.uint64(size - 1)
        self._table = np.full(size, -1, np.int64 if n >= 2**31 else np.int32)
        step = max(1, (1 << 24) // _words(self.width))  # hashed in blocks of about 16 MiB of padded rows
        slot = np.concatenate([_hash(self._rows(ids[lo:lo + step])) for lo in range(0, max(n, 1), step)]) & self._mask
        todo = np.arange(n, dtype=np.int64)
        while todo.size:  # each id goes to its slot or the next free one; of rows racing for a slot the first wins
            s = slot[todo]
            occupant = self._table[s].astype(np.int64)
            busy = occupant >= 0
            twin = np.flatnonzero(busy)[ids[occupant[busy]] == ids[todo[busy]]]
            if twin.size:  # a repeated id meets its first row on its probe path
                k = twin[np.argmin(todo[twin])]
                self.duplicate = (int(occupant[k]), int(todo[k]))
                return
            free = np.flatnonzero(~busy)
            taken, first = np.unique(s[free], return_index=True)
            self._table[taken] = todo[free[first]]
            stay = np.ones(todo.size, bool)
            stay[free[first]] = False
            slot[todo[busy]] = (s[busy] + np.uint64(1)) & self._mask  # losers of a race look again, unmoved
            todo = todo[stay]

    def __len__(self) -> int:
        return len(self.ids)

    def ids_at(self, idx: np.ndarray) -> list[str]:
        """The id strings at pool indices ``idx``."""
        return ids_at(self.ids, idx)

    def _rows(self, ids: np.ndarray) -> np.ndarray:
        rows = np.zeros((len(ids), _words(self.width)), np.uint8)
        rows[:, :self.width] = ids.view(np.uint8).reshape(len(ids), self.width)
        return rows

    def lookup(self, ids: list[str]) -> np.ndarray:
        """Pool indices of ``ids`` (a list of str); entries not in the pool, and entries that are not
        strings, are -1."""
        n = len(ids)
        out = np.full(n, -1, np.int64)
        if not n:
            return out
        rows, fits = self._encode(ids)
        q = rows.view(f"S{rows.shape[1]}").ravel()
        slot = _hash(rows) & self._mask
        todo = np.flatnonzero(fits)
        while todo.size:  # probe until an empty slot (not in the pool) or the same bytes (found)
            cand = self._table[slot[todo]].astype(np.int64)
            hit = np.flatnonzero(cand >= 0)
            same = self.ids[cand[hit]] == q[todo[hit]]
            out[todo[hit[same]]] = cand[hit[same]]
            todo = todo[hit[~same]]
            slot[todo] = (slot[todo] + np.uint64(1)) & self._mask
        return out

    def _encode(self, ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The ids as zero-padded rows of UTF-8 bytes, as wide as the longest that can be in the pool,
        and whether each can be.

        One join and one encode for the whole list; if an id holds a NUL (never in a valid report) or
        is not a string, each id is encoded on its own, and a non-string is in no pool. Lone surrogates
        are encoded as such ("surrogatepass"), never an encoding error."""
        try:
            joined = "\x00".join(ids)
        except TypeError:
            joined = None
        strings = None
        if joined is not None and joined.count("\x00") == len(ids) - 1:
            data = np.frombuffer(joined.encode("utf-8", "surrogatepass"), np.uint8)
            seps = np.flatnonzero(data == 0)
            starts = np.concatenate([[0], seps + 1])
            lens = np.concatenate([seps, [len(data)]]) - starts
        else:
            strings = np.fromiter((isinstance(s, str) for s in ids), bool, len(ids))
            enc = [s.encode("utf-8", "surrogatepass") if isinstance(s, str) else b"" for s in ids]
            data = np.frombuffer(b"".join(enc), np.uint8)
            lens = np.fromiter(map(len, enc), np.int64, len(enc))
            starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
        # An id that is empty, longer than the pool's width or ends in a NUL is in no pool: a pool id's
        # S bytes never end in NUL, and without this check "p-0\x00" would be padded into "p-0".
        last = data[np.maximum(starts + lens - 1, 0)] if len(data) else np.zeros(len(lens), np.uint8)
        fits = (lens > 0) & (lens <= self.width) & (last != 0)
        if strings is not None:
            fits &= strings
        width = _words(int(lens[fits].max(initial=1)))
        return _pack(data, starts, np.minimum(lens, width), width), fits


def _fixed_width_bytes(arr) -> np.ndarray:
    """An Arrow (large_)string array as a numpy ``S<max length>`` array, from its raw buffers."""
    import pyarrow as pa

    large = pa.types.is_large_string(arr.type)
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64 if large else np.int32)
    offsets = offsets[arr.offset: arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    lens = np.diff(offsets)
    width = max(int(lens.max()), 1)
    return _pack(data, offsets[:-1], lens, width).view(f"S{width}").ravel()


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
    """Check the id column (vectorised) and build the id index once."""
    ids = _id_bytes(table, where)
    index = IdIndex(ids)
    if index.duplicate is not None:
        first, later = index.duplicate
        raise PoolValidationError(f"Pool {where}: row {later} repeats id {ids[first].decode()!r} (first in row {first}); "
                                  "ids must be unique.")
    # skill/level stay Arrow columns: the engine encodes them vectorised.
    return PoolColumns(ids, index, table.column("skill"), table.column("level"))


def read_pool_ids(path: str | os.PathLike) -> np.ndarray:
    """The ids of a parquet pool file as fixed-width UTF-8 bytes (pool order), without building an index."""
    import pyarrow.parquet as pq

    return _id_bytes(pq.read_table(path, columns=["id"]), str(path))


def _id_bytes(table, where: str) -> np.ndarray:
    """The table's id column, checked (vectorised: strings, none missing or empty), as ``S<width>`` bytes."""
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
    return _fixed_width_bytes(ids_col.combine_chunks())


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
