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


def gumbel_top_k(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` distinct indices drawn without replacement with probabilities proportional to ``weights``.

    Gumbel-top-k (take the n largest ``log w_i + Gumbel_i``) is the same as an exponential race:
    take the n smallest ``E_i / w_i`` with ``E_i ~ Exp(1)``, since ``-log E_i`` is a Gumbel variate.
    The race needs one uniform and one log per problem and an O(N) partition, no sort of the pool.
    Returned in order of arrival (first = most preferred); ties resolved by index.
    """
    size = len(weights)
    keys = rng.random(size, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        np.log(keys, out=keys)
        np.negative(keys, out=keys)
        keys /= weights  # zero weight -> inf: drawn last
    keys[np.isnan(keys)] = np.inf
    if n < size:
        threshold = np.partition(keys, n - 1)[n - 1]
        cand = np.flatnonzero(keys <= threshold)
    else:
        cand = np.arange(size)
    order = np.lexsort((cand, keys[cand]))[:n]
    return cand[order].astype(np.int64)
