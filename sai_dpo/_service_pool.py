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
    """The service's view of a pool: ids (object array), id -> index, skills and levels."""

    ids: np.ndarray
    index: dict[str, int]
    skills: list
    levels: list


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


def _from_columns(ids: list, skills: list, levels: list, where: str) -> PoolColumns:
    for row, pid in enumerate(ids):
        if not isinstance(pid, str) or not pid:
            raise PoolValidationError(
                f"Pool {where}: row {row} has id {pid!r}; every row needs a non-empty string 'id'."
            )
    index = {pid: i for i, pid in enumerate(ids)}
    if len(index) != len(ids):
        seen: set[str] = set()
        for row, pid in enumerate(ids):
            if pid in seen:
                raise PoolValidationError(f"Pool {where}: row {row} repeats id {pid!r}; ids must be unique.")
            seen.add(pid)
    if not ids:
        raise PoolValidationError(f"Pool {where} is empty; the service needs at least one problem.")
    arr = np.empty(len(ids), dtype=object)
    arr[:] = ids
    return PoolColumns(arr, index, skills, levels)


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
            table = pq.read_table(path, columns=list(_NEEDED))
            return _from_columns(*(table.column(c).to_pylist() for c in _NEEDED), where=str(path))
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
    table = pool.select_columns(list(_NEEDED)).with_format("arrow")[:]
    return _from_columns(*(table.column(c).to_pylist() for c in _NEEDED), where="dataset")
