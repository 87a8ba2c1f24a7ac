"""Validation of inputs at the engine's public boundary (never in the hot loop)."""

from __future__ import annotations

import numbers

import numpy as np

from sai_dpo.errors import InvalidInputError

MAX_ROUND = 2**30 - 1


def check_round(round_: object) -> int:
    """A round must be an int in [0, 2**30)."""
    if isinstance(round_, (bool, np.bool_)) or not isinstance(round_, (numbers.Integral,)):
        raise InvalidInputError(f"round must be a non-negative int (the training round). Got {round_!r} instead.")
    r = int(round_)
    if not 0 <= r <= MAX_ROUND:
        raise InvalidInputError(f"round must be in [0, {MAX_ROUND}]. Got {r} instead.")
    return r


def check_key(key: object) -> object:
    """A draw key must be None, an int or a str (its repr must not change between processes)."""
    if key is None or isinstance(key, str) or (isinstance(key, numbers.Integral) and not isinstance(key, bool)):
        return key if not isinstance(key, numbers.Integral) else int(key)
    raise InvalidInputError(
        f"key must be None, an int or a str (e.g. 'epoch2/round5'). Got {type(key).__name__} {key!r} instead."
    )


def check_n(n: object, pool_size: int) -> int:
    """Draw size must be an int in [0, pool_size]."""
    if isinstance(n, (bool, np.bool_)) or not isinstance(n, numbers.Integral):
        raise InvalidInputError(f"n must be an int (number of problems to draw). Got {n!r} instead.")
    if not 0 <= int(n) <= pool_size:
        raise InvalidInputError(
            f"n must be between 0 and the pool size {pool_size} (draws are distinct problems). "
            f"Got {int(n)} instead; draw fewer problems or report with repeated indices for G rollouts."
        )
    return int(n)


def _as_1d(values: object, name: str) -> np.ndarray:
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"{name} must be a 1-D array-like of numbers. Got {type(values).__name__}: {exc}") from exc
    if arr.ndim != 1:
        raise InvalidInputError(f"{name} must be 1-D (one entry per rollout). Got shape {arr.shape} instead.")
    return arr


def check_report(indices, rewards, n_tokens, n_steps, pool_size: int):
    """Validate one report batch; returns (idx int64, rewards float64, tokens, steps) as new arrays."""
    idx = _as_1d(indices, "indices")
    if idx.size and not np.issubdtype(idx.dtype, np.integer):
        if np.issubdtype(idx.dtype, np.floating) and np.all(np.isfinite(idx)) and np.all(idx == np.round(idx)):
            idx = idx.astype(np.int64)
        else:
            raise InvalidInputError(f"indices must be integer pool indices. Got dtype {idx.dtype} instead.")
    idx = idx.astype(np.int64, copy=True)
    if idx.size and (idx.min() < 0 or idx.max() >= pool_size):
        bad = idx[(idx < 0) | (idx >= pool_size)][:5].tolist()
        raise InvalidInputError(
            f"indices must be pool indices in [0, {pool_size}). Got unknown indices {bad} instead; "
            "map problem ids to indices with the pool the engine was built from."
        )
    rew = _number_column(rewards, "rewards", len(idx))
    if rew.size and (rew.min() < 0 or rew.max() > 1):
        raise InvalidInputError(
            f"rewards must lie in [0, 1] (1 = correct). Got values from {rew.min()} to {rew.max()} instead; "
            "rescale shaped rewards or report correctness only."
        )
    tok = None if n_tokens is None else _nonneg_column(n_tokens, "n_tokens", len(idx))
    steps = None if n_steps is None else _nonneg_column(n_steps, "n_steps", len(idx))
    return idx, rew, tok, steps


def _number_column(values, name: str, length: int) -> np.ndarray:
    arr = _as_1d(values, name)
    if len(arr) != length:
        raise InvalidInputError(
            f"{name} must have one entry per reported index ({length}). Got {len(arr)} entries instead."
        )
    if arr.size and not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise InvalidInputError(f"{name} must be numbers. Got dtype {arr.dtype} instead.")
    arr = arr.astype(np.float64, copy=True)
    if not np.all(np.isfinite(arr)):
        raise InvalidInputError(f"{name} must be finite. Got NaN or infinite values instead (drop unscored rollouts).")
    return arr


def _nonneg_column(values, name: str, length: int) -> np.ndarray:
    arr = _number_column(values, name, length)
    if arr.size and arr.min() < 0:
        raise InvalidInputError(f"{name} must be non-negative. Got {arr.min()} instead.")
    return arr
