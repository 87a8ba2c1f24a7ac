"""Small statistics used by the eval metrics: pass@k, Wilson intervals, bootstrap, z-tests.

Everything here is pure numpy/math so it can be tested against closed forms by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from eval._eval_errors import EvalInputError

__all__ = [
    "Z_95",
    "bootstrap_mean_ci",
    "holm_adjust",
    "paired_sign_flip_pvalues",
    "majority_share_correct",
    "pass_at_k",
    "two_proportion_z",
    "wilson_interval",
    "clustered_wilson_interval",
    "effective_samples",
]

# Two-sided 95% normal quantile, used by the Wilson interval and the two-proportion z-test.
Z_95 = 1.959963984540054


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased estimate of pass@k from ``n`` samples of which ``c`` are correct.

    The estimator is ``1 - C(n - c, k) / C(n, k)`` (Chen et al. 2021). Binomials overflow for
    large ``n``, so it is computed in the equivalent product form

        C(n - c, k) / C(n, k) = prod_{i = n - c + 1}^{n} (1 - k / i)

    which only multiplies numbers in [0, 1]. When fewer than ``k`` samples are wrong every
    ``k``-subset holds a correct one and the estimate is exactly 1.

    Example:
        >>> round(pass_at_k(4, 1, 2), 6)  # 1 - C(3,2)/C(4,2) = 1 - 3/6
        0.5
    """
    if not (isinstance(n, int | np.integer) and n >= 1):
        raise EvalInputError(f"The 'n' parameter of pass_at_k must be an integer >= 1. Got {n!r} instead.")
    if not (isinstance(c, int | np.integer) and 0 <= c <= n):
        raise EvalInputError(
            f"The 'c' parameter of pass_at_k must be an integer in [0, n={n}]. Got {c!r} instead."
        )
    if not (isinstance(k, int | np.integer) and 1 <= k <= n):
        raise EvalInputError(
            f"The 'k' parameter of pass_at_k must be an integer in [1, n={n}]. Got {k!r} instead."
        )
    if n - c < k:
        return 1.0
    i = np.arange(n - c + 1, n + 1, dtype=np.float64)
    return float(1.0 - np.prod(1.0 - k / i))


def wilson_interval(successes: int, total: int, z: float = Z_95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (95% by default).

    ``(p + z^2/2n -+ z * sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)`` with ``p = successes/total``.
    It stays inside [0, 1] and behaves at p = 0 or 1, where the normal interval collapses.
    With ``total == 0`` the proportion is unknown and the interval is the whole of [0, 1].
    """
    if total < 0 or successes < 0 or successes > total:
        raise EvalInputError(
            f"wilson_interval needs 0 <= successes <= total. Got successes={successes}, total={total}."
        )
    if total == 0:
        return 0.0, 1.0
    p = successes / total
    z2 = z * z
    denom = 1.0 + z2 / total
    centre = (p + z2 / (2 * total)) / denom
    half = z * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / denom
    # Clamp the float dust at the ends (the exact bounds at p = 0 or 1 are 0 or 1).
    lo = 0.0 if successes == 0 else max(0.0, centre - half)
    hi = 1.0 if successes == total else min(1.0, centre + half)
    return lo, hi


def effective_samples(correct, samples) -> float:
    """Effective number of independent samples behind the pooled accuracy ``sum(c) / sum(n)``.

    Samples of one problem are correlated (a model that can solve a problem tends to solve it every
    time), so the accuracy is a ratio estimator over problems, not a binomial over samples. With
    ``N`` problems, ``c_i`` correct of ``n_i`` samples and ``p = sum(c) / sum(n)``, its variance is
    ``v = N / (N - 1) * sum((c_i - p n_i)^2) / sum(n)^2`` and the effective size ``p (1 - p) / v``,
    kept within ``[1, sum(n)]``. Independent samples give about
    ``sum(n)``; problems always or never solved give about ``N``. When ``p`` is 0 or 1 the spread
    says nothing about the correlation and the count of problems ``N`` is used (conservative).
    """
    c = np.asarray(correct, dtype=np.float64)
    n = np.asarray(samples, dtype=np.float64)
    total, k = float(n.sum()), len(n)
    if total <= 0:
        return 0.0
    if k < 2 or np.all(n <= 1):
        return total
    p = float(c.sum()) / total
    if p <= 0.0 or p >= 1.0:
        return float(k)
    v = k / (k - 1) * float(((c - p * n) ** 2).sum()) / total**2
    if v <= 0:
        return total
    return float(min(total, max(1.0, p * (1 - p) / v)))


def clustered_wilson_interval(correct, samples, z: float = Z_95, n_eff: float | None = None) -> tuple[float, float]:
    """Wilson interval for the pooled accuracy over problems with several samples each: the Wilson
    score interval at the accuracy with ``total`` = :func:`effective_samples` (or ``n_eff`` when the
    caller has it) instead of the raw sample count (one sample per problem gives exactly
    :func:`wilson_interval`)."""
    c = np.asarray(correct, dtype=np.float64)
    total = float(np.sum(samples))
    if total <= 0:
        return 0.0, 1.0
    n_eff = effective_samples(c, samples) if n_eff is None else n_eff
    return wilson_interval(float(c.sum()) / total * n_eff, n_eff, z)


def bootstrap_mean_ci(
    values: np.ndarray, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> np.ndarray:
    """Percentile bootstrap CI of the mean over problems, for every column of ``values`` at once.

    ``values`` has shape ``(n_problems,)`` or ``(n_problems, n_metrics)``: one per-problem value
    (pass@k or maj@k estimate) per column. Problems are resampled with replacement ``n_boot``
    times with one seeded generator, so the result is deterministic. Returns an array of shape
    ``(n_metrics, 2)`` (or ``(2,)`` for 1-D input) with the lower and upper bounds.
    """
    arr = np.asarray(values, dtype=np.float64)
    one_d = arr.ndim == 1
    if one_d:
        arr = arr[:, None]
    n = arr.shape[0]
    if n == 0:
        out = np.tile([0.0, 1.0], (arr.shape[1], 1))
        return out[0] if one_d else out
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    means = arr[idx].mean(axis=1)  # (n_boot, n_metrics)
    alpha = (1.0 - level) / 2.0
    lo = np.quantile(means, alpha, axis=0)
    hi = np.quantile(means, 1.0 - alpha, axis=0)
    out = np.stack([lo, hi], axis=1)
    return out[0] if one_d else out


def two_proportion_z(s1: int, n1: int, s2: int, n2: int) -> float:
    """Pooled two-proportion z statistic for ``s2/n2 - s1/n1`` (0 when undefined).

    ``z = (p2 - p1) / sqrt(p (1 - p) (1/n1 + 1/n2))`` with the pooled ``p = (s1 + s2) / (n1 + n2)``.
    Returns 0.0 when either sample is empty or the pooled proportion is 0 or 1 (no variance,
    so no evidence of a difference).
    """
    if n1 <= 0 or n2 <= 0:
        return 0.0
    p = (s1 + s2) / (n1 + n2)
    var = p * (1 - p) * (1 / n1 + 1 / n2)
    if var <= 0:
        return 0.0
    return (s2 / n2 - s1 / n1) / math.sqrt(var)


def majority_share_correct(class_counts: Sequence[tuple[int, bool]]) -> float:
    """Credit of a majority vote: the share of top-voted classes that are the correct class.

    ``class_counts`` holds ``(votes, is_correct_class)`` per answer class. A clear winner gives 1 or
    0; a tie between ``t`` classes gives ``1/t`` if the correct class is among them (the expected
    score of breaking the tie uniformly at random). No votes at all give 0.
    """
    if not class_counts:
        return 0.0
    top = max(v for v, _ in class_counts)
    if top <= 0:
        return 0.0
    tied = [ok for v, ok in class_counts if v == top]
    return sum(tied) / len(tied)


def paired_sign_flip_pvalues(
    diffs: np.ndarray, members: np.ndarray | None = None, n_flips: int = 10_000, seed: int = 0
) -> np.ndarray:
    """Two-sided paired permutation (sign-flip) test of "mean difference = 0", one p-value per column.

    ``diffs`` has shape ``(n_problems, n_tests)``: the per-problem difference ``B - A`` of one metric
    (column) over the problems both evals scored; ``members`` (same shape, bool) says which problems
    belong to each test (a skill or level group); default all. Under the null hypothesis each
    difference is as likely to have either sign, so the statistic ``|sum of members' diffs|`` is
    compared with its value under every sign pattern: all ``2^n`` patterns when ``2^n <= n_flips``
    (exact), else ``n_flips`` seeded random ones, with the observed pattern counted once
    (``(1 + hits) / (1 + n_flips)``, never 0). A column whose differences are all 0 gets p = 1.

    Example (hand-computed): four problems that each gain 0.5 -> only the all-plus and all-minus
    patterns of the 16 reach |sum| = 2, so p = 2/16.
        >>> float(paired_sign_flip_pvalues(np.full((4, 1), 0.5))[0])
        0.125
    """
    d = np.asarray(diffs, dtype=np.float64)
    if d.ndim == 1:
        d = d[:, None]
    m = np.ones(d.shape, dtype=bool) if members is None else np.asarray(members, dtype=bool).reshape(d.shape)
    d = np.where(m, d, 0.0)
    n = d.shape[0]
    observed = np.abs(d.sum(axis=0))
    tol = 1e-9 * np.maximum(1.0, observed)
    exact = n <= 30 and 2**n <= n_flips
    if exact:
        signs = 1.0 - 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1)
        hits = (np.abs(signs @ d) >= observed - tol).sum(axis=0)
        p = hits / 2**n
    else:
        rng = np.random.default_rng(seed)
        hits = np.zeros(d.shape[1], dtype=np.int64)
        done = 0
        while done < n_flips:  # in chunks: n_flips x n_problems signs at once could be large
            size = min(2_000, n_flips - done)
            signs = rng.choice(np.array([-1.0, 1.0]), size=(size, n))
            hits += (np.abs(signs @ d) >= observed - tol).sum(axis=0)
            done += size
        p = (1 + hits) / (1 + n_flips)
    return np.where(observed <= 1e-12, 1.0, np.minimum(p, 1.0))


def holm_adjust(pvalues: Sequence[float]) -> np.ndarray:
    """Holm's step-down adjustment: p-values whose ``< alpha`` rule keeps the family-wise error <= alpha.

    Sorted ascending, the i-th smallest (1-based) of ``m`` becomes ``max over j <= i of
    min(1, (m - j + 1) * p_j)``; the result is in the input order. Valid under any dependence between
    the tests (the rows of a comparison share problems, so they are dependent).

    Example (hand-computed): (0.01, 0.04, 0.03) -> sorted .01, .03, .04 -> 3 * .01 = .03,
    max(.03, 2 * .03) = .06, max(.06, 1 * .04) = .06.
        >>> [round(float(x), 4) for x in holm_adjust([0.01, 0.04, 0.03])]
        [0.03, 0.06, 0.06]
    """
    p = np.asarray(pvalues, dtype=np.float64)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted
