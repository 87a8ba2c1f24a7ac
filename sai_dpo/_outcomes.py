"""Validation of reported outcomes, shared by the service, its client and the HTTP front end.

One set of rules everywhere: a batch that breaks any of them is rejected whole, with a message
that names the first offending row, and nothing is changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from sai_dpo.errors import InvalidInputError, UnknownProblemIdError

STATUSES = ("correct", "incorrect", "unparseable_pred", "unparseable_gold", "timeout")
# Not the model's fault: counted and surfaced, never folded into accuracy (DESIGN.md section 3).
NOT_MODEL_FAULT = frozenset({"unparseable_gold", "timeout"})
NOT_MODEL_FAULT_CODES = np.array([STATUSES.index(s) for s in sorted(NOT_MODEL_FAULT)], np.uint8)
UNLABELLED = "unlabelled"
_STATUS_CODE = {s: k for k, s in enumerate(STATUSES)}


@dataclass
class Outcomes:
    """One validated batch of outcomes, as columns. ``rows``: the problems' rows in the service's pool,
    when known (a client that checked the ids, or a ``report_rows`` call: then ``problem_ids`` may be
    ``None``)."""

    problem_ids: list[str] | None
    rewards: np.ndarray
    n_tokens: np.ndarray | None
    n_steps: np.ndarray | None
    statuses: list[str] | None
    round: int | None
    rows: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rewards)


# Tokens or steps of one completion above this are a unit mix-up or garbage, not a count (the tracker keeps
# float32 means: 1e300 tokens would be inf there).
MAX_COUNT = 1e9


def _as_id_list(problem_ids: Any) -> list[str]:
    if isinstance(problem_ids, (str, bytes)) or not hasattr(problem_ids, "__len__"):
        raise InvalidInputError(
            f"problem_ids must be a list of problem id strings. Got {type(problem_ids).__name__} instead."
        )
    ids = problem_ids.tolist() if isinstance(problem_ids, np.ndarray) else list(problem_ids)
    try:  # the common case in one C pass: only strings, none holding a NUL
        if "\x00".join(ids).count("\x00") == max(len(ids) - 1, 0):
            return ids
    except TypeError:
        pass  # a non-string: the loop below names its row
    for row, pid in enumerate(ids):
        if not isinstance(pid, str):
            raise InvalidInputError(
                f"problem_ids[{row}] must be a string (the pool's 'id' column). Got {pid!r} "
                f"({type(pid).__name__}) instead; convert ids with str() if your pool uses strings."
            )
        if "\x00" in pid:
            # Fixed-width byte arrays drop trailing NULs, so "p-0\x00" would count as "p-0": refuse it.
            raise InvalidInputError(f"problem_ids[{row}] contains a NUL character ({pid[:80]!r}); ids must match "
                                    "the pool's 'id' column exactly.")
    return ids


def _as_numbers(name: str, values: Any, n: int) -> np.ndarray:
    try:
        raw = values if isinstance(values, np.ndarray) else np.asarray(values)
    except (TypeError, ValueError):
        raw = None  # ragged input: the float conversion below names it
    if raw is not None and raw.ndim == 1 and raw.dtype.kind == "c":
        raise InvalidInputError(f"{name} must be real numbers. Got complex values ({values!r:.80}).")
    if raw is not None and raw.ndim == 1 and (
            raw.dtype.kind in "USb" or (raw.dtype.kind == "O" and any(isinstance(v, (str, bytes, bool, np.bool_))
                                                                      for v in raw.tolist()))):
        # "1" and True are not numbers here (the HTTP API refuses them too): a caller's mix-up, not a reward.
        raise InvalidInputError(f"{name} must be a list of numbers (not strings or bools). Got {values!r:.80} "
                                "instead; convert with float().")
    if raw is not None and raw.ndim == 1 and raw.dtype.kind == "O" and any(v is None for v in raw.tolist()):
        k = next(i for i, v in enumerate(raw.tolist()) if v is None)  # numpy reads None as NaN: name it
        raise InvalidInputError(f"{name}[{k}] is None; report a number for every problem id (drop the rows "
                                "without one).")
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name} must be a list of numbers. Got {values!r:.80} instead.") from exc
    if arr.ndim != 1 or arr.shape[0] != n:
        raise InvalidInputError(
            f"{name} must have one entry per problem id ({n}). Got shape {arr.shape} instead."
        )
    return arr


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def validate_outcomes(
    problem_ids: Any,
    rewards: Any,
    n_tokens: Any = None,
    n_steps: Any = None,
    statuses: Any = None,
    round: Any = None,
) -> Outcomes:
    """Check one batch of outcomes and return it as columns.

    Raises:
        InvalidInputError: on a length mismatch, a reward outside [0, 1] or NaN, a negative or
            non-finite token/step count, an unknown status, or a negative round.
    """
    ids = _as_id_list(problem_ids)
    return _columns(ids, None, len(ids), rewards, n_tokens, n_steps, statuses, round)


def validate_rows(rows: Any, pool_size: int, rewards: Any, n_tokens: Any = None, n_steps: Any = None,
                  statuses: Any = None, round: Any = None) -> Outcomes:
    """``validate_outcomes`` for outcomes that name problems by their row in the pool (``rows``: a 1-D
    integer array, each in ``[0, pool_size)``); the result's ``problem_ids`` is ``None``."""
    if not isinstance(rows, np.ndarray) or rows.ndim != 1 or rows.dtype.kind not in "iu":
        raise InvalidInputError(f"rows must be a 1-D numpy array of pool rows (integers). Got {rows!r:.80} instead.")
    bad = (rows < 0) | (rows >= pool_size)
    if bad.any():
        k = _first_bad(bad)
        raise InvalidInputError(f"rows[{k}] = {int(rows[k])} is not a row of the pool (0 to {pool_size - 1}).")
    return _columns(None, rows.astype(np.int64), len(rows), rewards, n_tokens, n_steps, statuses, round)


def _columns(ids, rows, n: int, rewards, n_tokens, n_steps, statuses, round) -> Outcomes:
    r = _as_numbers("rewards", rewards, n)
    bad = ~((r >= 0.0) & (r <= 1.0))  # also catches NaN
    if bad.any():
        k = _first_bad(bad)
        raise InvalidInputError(
            f"rewards[{k}] must be in [0, 1] (1 = correct). Got {float(r[k])!r} instead; "
            "map your reward into [0, 1] and drop NaN rewards before reporting."
        )
    cols = {}
    for name, values in (("n_tokens", n_tokens), ("n_steps", n_steps)):
        if values is None:
            cols[name] = None
            continue
        arr = _as_numbers(name, values, n)
        bad = ~(np.isfinite(arr) & (arr >= 0) & (arr <= MAX_COUNT))
        if bad.any():
            k = _first_bad(bad)
            raise InvalidInputError(f"{name}[{k}] must be a count in [0, {MAX_COUNT:.0e}]. Got {float(arr[k])!r} instead.")
        cols[name] = arr
    sts = None
    if statuses is not None:
        sts = None
        if not isinstance(statuses, (str, bytes)) and hasattr(statuses, "__len__"):
            sts = statuses.tolist() if isinstance(statuses, np.ndarray) else list(statuses)
        if sts is None or len(sts) != n:
            raise InvalidInputError(
                f"statuses must have one entry per problem id ({n}). Got {statuses!r:.80} instead."
            )
        for k, s in enumerate(sts):
            if s not in STATUSES:
                raise InvalidInputError(f"statuses[{k}] must be one of {list(STATUSES)}. Got {s!r} instead.")
    if round is not None and (isinstance(round, bool) or not isinstance(round, (int, np.integer)) or round < 0):
        raise InvalidInputError(f"round must be an int >= 0 or None. Got {round!r} instead.")
    return Outcomes(ids, r, cols["n_tokens"], cols["n_steps"], sts, None if round is None else int(round), rows)


def status_codes(statuses: list[str]) -> np.ndarray:
    """Validated statuses as ``uint8`` indices into ``STATUSES`` (how the journal stores them)."""
    return np.fromiter((_STATUS_CODE[x] for x in statuses), np.uint8, len(statuses))


def unknown_ids_error(ids: list[str], rows: np.ndarray, pool_size: int, applied: int | None = None,
                      queued: bool = False) -> UnknownProblemIdError:
    """The error for rows ``rows`` of ``ids`` that are not in the pool (names the first few).

    ``applied``: how many other rows the service applied anyway (``None``: the batch changed
    nothing); ``queued``: the message is for the client, which queued nothing from the call.
    """
    rows = [int(k) for k in rows]
    distinct = list(dict.fromkeys(ids[k] for k in rows))
    first_row = {}
    for k in rows:
        first_row.setdefault(ids[k], k)
    shown = ", ".join(f"{pid[:80]!r} (problem_ids[{first_row[pid]}])" for pid in distinct[:5])
    more = f" and {len(distinct) - 5} more" if len(distinct) > 5 else ""
    msg = (f"{len(rows)} of {len(ids)} reported outcomes name problem ids not in the pool ({pool_size} "
           f"problems): {shown}{more}. Report the 'id' column of the pool the service was started with.")
    if applied is not None:
        msg += f" The other {applied} outcomes of that batch were applied."
    elif queued:
        msg += " Nothing from this call was queued: drop or fix those rows and report the rest again."
    else:
        msg += " Nothing from this batch was applied."
    return UnknownProblemIdError(msg, unknown_ids=distinct, n_unknown=len(rows),
                                 n_applied=0 if applied is None else applied)


#: Outcomes in one report batch: one journal record of about 33 bytes a row, far below its 2 GiB limit.
MAX_REPORT_ROWS = 10_000_000
#: Longest draw key or batch id accepted: both are kept in memory and written to every snapshot.
MAX_KEY_CHARS = 256


def validate_key(key: Any) -> str | int:
    """A draw key must be a string or an int (it is stored in snapshots as JSON)."""
    if isinstance(key, bool) or not isinstance(key, (str, int, np.integer)):
        raise InvalidInputError(f"A draw key must be a str or an int. Got {key!r:.80} ({type(key).__name__}) instead.")
    if not isinstance(key, str) and not -(2**63) <= key < 2**63:
        raise InvalidInputError(f"An int draw key must fit in 64 bits (a str key may be longer). Got an int of "
                                f"{int(key).bit_length()} bits.")
    if isinstance(key, str) and (not key or "\x00" in key):
        raise InvalidInputError(f"A draw key must be a non-empty string without NUL characters (or an int). "
                                f"Got {key[:80]!r} instead.")
    if isinstance(key, str) and len(key) > MAX_KEY_CHARS:
        raise InvalidInputError(f"A draw key must be at most {MAX_KEY_CHARS} characters (it is cached and "
                                f"snapshotted). Got one of {len(key)} characters.")
    return int(key) if isinstance(key, np.integer) else key


def validate_n(n: Any, pool_size: int) -> int:
    """A draw size must be an int in [1, pool_size]."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= pool_size:
        raise InvalidInputError(f"n must be an int in [1, {pool_size}] (the pool size). Got {n!r} instead.")
    return int(n)
