"""The problem-record schema of a pool and its validation (DESIGN.md section 3).

A pool is a ``datasets.Dataset`` with the columns of :data:`COLUMNS`. Validation names the row index,
the row's id and the field for every problem it finds; nothing is dropped unless asked
(``skip_invalid=True``), and then the report says how many rows went and why.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from data._errors import SaiDpoError

logger = logging.getLogger(__name__)

#: Column order of every pool.
COLUMNS: tuple[str, ...] = ("id", "problem", "answer", "skill", "level", "source", "choices")
_REQUIRED_TEXT = ("id", "problem", "answer")
_MAX_EXAMPLES = 20


class PoolValidationError(SaiDpoError, ValueError):
    """A pool row does not match the record schema; the message names the row and the field."""


def features():
    """Return the ``datasets.Features`` of a pool (imported lazily: ``datasets`` is heavy)."""
    import datasets

    return datasets.Features(
        {
            "id": datasets.Value("string"),
            "problem": datasets.Value("string"),
            "answer": datasets.Value("string"),
            "skill": datasets.Value("string"),
            "level": datasets.Value("int64"),
            "source": datasets.Value("string"),
            "choices": datasets.Sequence(datasets.Value("string")),
        }
    )


@dataclass
class ValidationReport:
    """What validation found: the rows kept, how many were dropped and why.

    Attributes:
        pool: the pool with only valid rows (the input itself when nothing was dropped).
        n_rows: number of rows checked.
        n_dropped: number of rows dropped (always 0 unless ``skip_invalid=True``).
        reasons: count of dropped rows per reason (e.g. ``"missing 'answer'"``).
        examples: the first few error messages, each naming a row.
    """

    pool: object
    n_rows: int
    n_dropped: int = 0
    reasons: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line saying how many rows were kept and, if any were dropped, why."""
        kept = self.n_rows - self.n_dropped
        if not self.n_dropped:
            return f"{kept} rows, all valid"
        why = ", ".join(f"{n} {r}" for r, n in self.reasons.most_common())
        return f"{kept} of {self.n_rows} rows kept; dropped {self.n_dropped} ({why})"


def _row_label(index: int, row_id: object) -> str:
    if isinstance(row_id, str) and row_id:
        return f"row {index} (id {row_id!r})"
    return f"row {index}"


def _check_row(index: int, row: Mapping) -> tuple[str, str] | None:
    """Return ``(reason, message)`` for the first problem of one row, or None if it is valid."""
    label = _row_label(index, row.get("id"))
    for name in _REQUIRED_TEXT:
        value = row.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            return f"missing '{name}'", f"{label}: field '{name}' is missing or empty."
        if not isinstance(value, str):
            return (
                f"wrong type of '{name}'",
                f"{label}: field '{name}' must be a string. Got {type(value).__name__} {value!r} instead.",
            )
    for name in ("skill", "source"):
        value = row.get(name)
        if value is not None and not isinstance(value, str):
            return (
                f"wrong type of '{name}'",
                f"{label}: field '{name}' must be a string or null. Got {type(value).__name__} instead.",
            )
    level = row.get("level")
    if level is not None and (isinstance(level, bool) or not isinstance(level, int)):
        return (
            "wrong type of 'level'",
            f"{label}: field 'level' must be an integer or null. Got {type(level).__name__} {level!r} instead.",
        )
    return _check_choices(label, row.get("choices"), row["answer"])


def _check_choices(label: str, choices: object, answer: str) -> tuple[str, str] | None:
    if choices is None:
        return None
    if not isinstance(choices, (list, tuple)) or not all(isinstance(c, str) and c for c in choices):
        return (
            "wrong type of 'choices'",
            f"{label}: field 'choices' must be a list of non-empty strings or null. Got {choices!r} instead.",
        )
    if len(choices) < 2:
        return "bad 'choices'", f"{label}: field 'choices' needs at least 2 options. Got {len(choices)}."
    letters = [chr(ord("A") + i) for i in range(len(choices))]
    if answer.strip() not in letters:
        return (
            "bad 'answer' for choices",
            f"{label}: field 'answer' must be a choice letter in {letters[0]}-{letters[-1]} when 'choices' "
            f"is set. Got {answer!r} instead.",
        )
    return None


def _as_columns(pool) -> tuple[dict[str, Sequence], int]:
    """Columns of a Dataset, a dict of lists or a list of dicts, with the row count."""
    if isinstance(pool, Sequence) and not isinstance(pool, (str, bytes)):
        rows = list(pool)
        cols = {c: [r.get(c) for r in rows] for c in COLUMNS}
        return cols, len(rows)
    if not isinstance(pool, Mapping):
        pool = pool[:] if len(pool) else {c: [] for c in pool.column_names}  # Dataset: one bulk read
    n = len(next(iter(pool.values()), []))
    return {c: pool.get(c, [None] * n) for c in COLUMNS}, n


def _check_columns(pool) -> None:
    cols = getattr(pool, "column_names", None)
    if cols is None and isinstance(pool, Mapping):
        cols = list(pool)
    if cols is not None:
        missing = [c for c in _REQUIRED_TEXT if c not in cols]
        if missing:
            raise PoolValidationError(
                f"The pool has no column(s) {missing}; a pool needs {list(COLUMNS)} "
                f"(got {list(cols)}). Map your columns with a preset or columns={{...}} in load_pool."
            )


def find_errors(pool) -> Iterable[tuple[int, str, str]]:
    """Yield ``(row_index, reason, message)`` for every invalid row of ``pool``, in row order.

    A duplicate id is reported on its later row, naming the earlier one.
    """
    _check_columns(pool)
    cols, n = _as_columns(pool)
    seen: dict[str, int] = {}
    names = COLUMNS
    for i in range(n):
        row = {c: cols[c][i] for c in names}
        bad = _check_row(i, row)
        if bad is None:
            first = seen.setdefault(row["id"], i)
            if first != i:
                bad = (
                    "duplicate 'id'",
                    f"row {i}: field 'id' duplicates row {first} (both have id {row['id']!r}); "
                    "ids must be unique.",
                )
        if bad is not None:
            yield i, bad[0], bad[1]


def validate_pool(pool, *, skip_invalid: bool = False) -> ValidationReport:
    """Check every row of ``pool`` against the record schema.

    Args:
        pool: a ``datasets.Dataset``, a dict of column lists, or a list of row dicts.
        skip_invalid: drop invalid rows (logging how many and why) instead of raising.

    Returns:
        A :class:`ValidationReport`; ``report.pool`` holds the rows kept.

    Raises:
        PoolValidationError: on the first invalid row (when ``skip_invalid`` is False), naming the row
            index, its id and the field.

    Example:
        >>> validate_pool([{"id": "a", "problem": "1+1?", "answer": "2"}]).n_dropped
        0
    """
    errors = find_errors(pool)
    if not skip_invalid:
        for _i, _reason, message in errors:
            raise PoolValidationError(f"Invalid pool: {message}")
        return ValidationReport(pool=pool, n_rows=_len(pool))
    report = ValidationReport(pool=pool, n_rows=_len(pool))
    bad_rows = []
    for i, reason, message in errors:
        bad_rows.append(i)
        report.reasons[reason] += 1
        if len(report.examples) < _MAX_EXAMPLES:
            report.examples.append(message)
    if bad_rows:
        report.n_dropped = len(bad_rows)
        report.pool = _drop_rows(pool, set(bad_rows))
        logger.warning("skip_invalid: %s; first: %s", report.summary(), report.examples[0])
    return report


def _len(pool) -> int:
    return _as_columns(pool)[1] if isinstance(pool, Mapping) else len(pool)


def _drop_rows(pool, bad: set[int]):
    n = _len(pool)
    keep = [i for i in range(n) if i not in bad]
    if hasattr(pool, "select"):
        return pool.select(keep)
    if isinstance(pool, Mapping):
        return {k: [v[i] for i in keep] for k, v in pool.items()}
    return [pool[i] for i in keep]
