"""Keyed random streams and distinct weighted draws (Gumbel-top-k in its exponential-race form)."""

from __future__ import annotations

import hashlib

import numpy as np


def keyed_rng(seed: int, key: object, purpose: str) -> np.random.Generator:
    """A Generator that depends only on ``(seed, key, purpose)``: same triple, same stream.

    Ranks of a multi-GPU job ask for the same round independently and must agree, so the stream
    is derived from a hash of the key, never from a process-wide generator. ``key`` is an int
    round or any value with a stable ``repr`` (e.g. a string); ``5`` and ``"5"`` differ.
    """
    digest = hashlib.blake2b(repr((int(seed), key, purpose)).encode(), digest_size=16).digest()
    return np.random.Generator(np.random.PCG64(int.from_bytes(digest, "little")))


def gumbel_top_k(weights: np.ndarray, n: int, rng: np.random.Generator, keys: np.ndarray | None = None,
                 groups: tuple[np.ndarray, int, float] | None = None) -> np.ndarray:
    """``n`` distinct indices drawn without replacement with probabilities proportional to ``weights``.

    Gumbel-top-k (take the n largest ``log w_i + Gumbel_i``) is the same as an exponential race:
    take the n smallest ``E_i / w_i`` with ``E_i ~ Exp(1)``, since ``-log E_i`` is a Gumbel variate.
    The race needs one uniform and one log per problem and an O(N) selection, no sort of the pool.
    Returned in order of arrival (first = most preferred); ties resolved by index. ``keys`` is an
    optional float32 buffer of the pool's size.

    ``groups`` = (group code per problem, number of groups, minimum weight) turns on coverage: the
    first arrival of every group whose first arrival has at least the minimum weight comes first (in
    order of arrival), then the rest of the race. A group's first arrival is a draw from that group's
    own weights, so each group is represented by a problem picked in proportion to its weight within
    the group; a group whose pick weighs less than the minimum (nothing worth practising drawn) is
    not promoted. Coverage works on the float32 race: a group whose every key overflowed (weights
    below ~1e-38) is not promoted, and the exact log-space fallback ignores coverage.
    """
    size = len(weights)
    keys = np.empty(size, np.float32) if keys is None else keys
    start = rng.bit_generator.state  # to replay the same uniforms in the exact fallback
    rng.random(out=keys, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        np.log(keys, out=keys)
        np.negative(keys, out=keys)
        keys /= weights  # zero weight -> inf; a weight below ~1e-38 overflows to inf too
    if n == 0:
        return np.empty(0, np.int64)
    if groups is not None and groups[1] > 1:
        _first_of_each_group(keys, weights, *groups)
    cand = _smallest_candidates(keys, n)
    order = np.lexsort((cand, keys[cand]))[:n]
    picked = cand[order].astype(np.int64)
    if np.isfinite(keys[picked[-1]]):
        return picked  # every pick beat every overflowed key: the float32 race was exact
    return _log_space_race(weights, n, rng, start, size)


def _first_of_each_group(keys: np.ndarray, weights: np.ndarray, codes: np.ndarray, n_groups: int,
                         min_weight: float) -> None:
    """Move each group's smallest finite key ahead of every other key, keeping their order:
    ``k -> -1 / (k + 1e-30)`` is negative and increasing in k (in place); groups whose smallest key
    belongs to a problem lighter than ``min_weight`` stay where they are."""
    best = np.full(n_groups, np.inf, np.float32)
    np.minimum.at(best, codes, keys)
    hit = np.flatnonzero(keys == np.take(best, codes))
    hit = hit[np.isfinite(keys[hit]) & (weights[hit] >= min_weight)]
    first = hit[np.unique(codes[hit], return_index=True)[1]]  # one per group (lowest index on ties)
    keys[first] = np.float32(-1) / (keys[first] + np.float32(1e-30))


def _log_space_race(weights: np.ndarray, n: int, rng: np.random.Generator, start: dict, size: int) -> np.ndarray:
    """The same race on ``log E_i - log w_i`` in float64, for when float32 ``E / w`` overflowed.

    Reached only when fewer than ``n`` problems have weights above ~1e-38 (e.g. ``epsilon = 0`` with
    a large ``sharpness``). Replays the uniforms of the fast path, so the draw stays deterministic.
    Zero-weight problems come last, in the random order of their ``E_i`` (never by index).
    """
    rng.bit_generator.state = start
    u = rng.random(size, dtype=np.float32).astype(np.float64)
    e = -np.log(u)
    with np.errstate(divide="ignore"):  # a zero weight: log 0 = -inf, so its key is +inf
        lk = np.log(e) - np.log(np.asarray(weights).astype(np.float64))
    return np.lexsort((np.arange(size), e, lk))[:n].astype(np.int64)


def _smallest_candidates(keys: np.ndarray, n: int) -> np.ndarray:
    """Indices of a set that contains the n smallest keys (and ties), in O(N) without a full partition.

    A strided sample of ~16k keys gives a threshold a little above the n-th smallest key; one
    comparison pass keeps the few thousand keys below it. When the guess falls short (rare), a full
    ``np.partition`` decides. Deterministic: no randomness, same keys -> same set.
    """
    size = len(keys)
    if n >= size:
        return np.arange(size)
    stride = size // 16384
    if stride >= 8:
        sample = keys[::stride].copy()
        k = min(len(sample) - 1, int(2 * n / stride) + 32)
        threshold = np.partition(sample, k)[k]
        cand = np.flatnonzero(keys <= threshold)
        if len(cand) >= n:
            return cand
    threshold = np.partition(keys, n - 1)[n - 1]
    return np.flatnonzero(keys <= threshold)
