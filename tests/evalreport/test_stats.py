"""pass@k, Wilson intervals, bootstrap and the z-test against values derived by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval._eval_errors import EvalInputError
from eval._stats import (
    bootstrap_mean_ci,
    clustered_wilson_interval,
    effective_samples,
    majority_share_correct,
    pass_at_k,
    two_proportion_z,
    wilson_interval,
)


@pytest.mark.parametrize("n", range(1, 11))
def test_pass_at_k_matches_closed_form(n):
    """For every small (n, c, k): 1 - C(n-c, k) / C(n, k) computed with exact binomials."""
    for c in range(n + 1):
        for k in range(1, n + 1):
            exact = 1.0 - math.comb(n - c, k) / math.comb(n, k)
            assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-12)


def test_pass_at_k_hand_values():
    """n=4, c=1, k=2: 1 - C(3,2)/C(4,2) = 1 - 3/6 = 0.5.
    n=5, c=2, k=3: 1 - C(3,3)/C(5,3) = 1 - 1/10 = 0.9.
    n=8, c=0: always 0; c=n: always 1; k=1: c/n (3/8 = 0.375).
    n=200, c=3, k=100 (binomials ~1e58, product form stays exact): 1 - (197·...)/... =
    1 - (100·99·98)/(200·199·198) = 1 - 970200/7880400 = 0.876884...
    """
    assert pass_at_k(4, 1, 2) == pytest.approx(0.5)
    assert pass_at_k(5, 2, 3) == pytest.approx(0.9)
    assert pass_at_k(8, 0, 4) == 0.0
    assert pass_at_k(8, 8, 1) == 1.0
    assert pass_at_k(8, 3, 1) == pytest.approx(0.375)
    assert pass_at_k(200, 3, 100) == pytest.approx(1 - 970200 / 7880400, rel=1e-12)


def test_pass_at_k_rejects_bad_arguments():
    with pytest.raises(EvalInputError, match="'k' parameter of pass_at_k"):
        pass_at_k(4, 1, 5)
    with pytest.raises(EvalInputError, match="'c' parameter of pass_at_k"):
        pass_at_k(4, 5, 1)


def test_wilson_hand_values():
    """z = 1.96 (1.959964), n = 10.

    8/10: p = .8, z²/n = .38415, centre = (.8 + .19207)/1.38415 = .71674,
          half = 1.96·sqrt(.016 + .0096036)/1.38415 = .22659 -> [0.4902, 0.9433].
    0/10: lower 0, upper = 2·(z²/2n)/(1 + z²/n) = .38415/1.38415 = 0.2775.
    5/10: symmetric around .5: half = 1.96·sqrt(.025 + .0096036)/1.38415 = .26337 -> [0.2366, 0.7634].
    """
    lo, hi = wilson_interval(8, 10)
    assert lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    assert wilson_interval(0, 10) == (0.0, pytest.approx(0.2775, abs=1e-4))
    lo, hi = wilson_interval(5, 10)
    assert lo == pytest.approx(0.2366, abs=1e-4) and hi == pytest.approx(0.7634, abs=1e-4)
    assert wilson_interval(10, 10)[1] == 1.0
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_two_proportion_z_hand_value():
    """50/100 vs 70/100: pooled p = .6, se = sqrt(.24 · .02) = .069282, z = .2/.069282 = 2.8868."""
    assert two_proportion_z(50, 100, 70, 100) == pytest.approx(2.8868, abs=1e-4)
    assert two_proportion_z(70, 100, 50, 100) == pytest.approx(-2.8868, abs=1e-4)
    assert two_proportion_z(0, 10, 0, 10) == 0.0


def test_bootstrap_ci_brackets_mean_and_is_deterministic():
    """Constant values give a zero-width CI at that value; a 0/1 mix gives a CI around its mean."""
    assert bootstrap_mean_ci(np.full(20, 0.25)).tolist() == [0.25, 0.25]
    vals = np.array([0.0, 1.0] * 50)
    a = bootstrap_mean_ci(vals, seed=3)
    b = bootstrap_mean_ci(vals, seed=3)
    assert a.tolist() == b.tolist()
    # The sd of a mean of 100 fair coin flips is .05: the 95% CI is about .5 +- .1.
    assert 0.38 < a[0] < 0.45 and 0.55 < a[1] < 0.62


def test_majority_share_ties():
    """(votes, correct?): clear win 1 or 0; a 2-way tie including correct -> 1/2; 3-way -> 1/3."""
    assert majority_share_correct([(3, True), (2, False)]) == 1.0
    assert majority_share_correct([(1, True), (2, False)]) == 0.0
    assert majority_share_correct([(2, True), (2, False)]) == 0.5
    assert majority_share_correct([(1, True), (1, False), (1, False)]) == pytest.approx(1 / 3)
    assert majority_share_correct([]) == 0.0


def test_clustered_wilson_matches_plain_wilson_with_one_sample_per_problem():
    correct, samples = [1] * 8 + [0] * 2, [1] * 10
    assert effective_samples(correct, samples) == 10
    assert clustered_wilson_interval(correct, samples) == pytest.approx(wilson_interval(8, 10))


def test_clustered_wilson_counts_problems_when_samples_agree():
    """20 problems x 10 samples, 12 always solved and 8 never: p = 0.6, and the ratio-estimator
    variance is 20/19 * (12 x (10 - 6)^2 + 8 x 6^2) / 200^2 = 20/19 * 480 / 40000 = 0.012632, so
    n_eff = 0.24 / 0.012632 = 19.0 (about the 20 problems, not the 200 samples): the interval is
    the Wilson interval of 11.4 / 19.0 and much wider than the naive one over 200 samples."""
    correct, samples = [10] * 12 + [0] * 8, [10] * 20
    assert effective_samples(correct, samples) == pytest.approx(19.0, abs=1e-9)
    lo, hi = clustered_wilson_interval(correct, samples)
    assert (lo, hi) == pytest.approx(wilson_interval(11.4, 19.0))
    naive = wilson_interval(120, 200)
    assert hi - lo > 2.5 * (naive[1] - naive[0])


def test_clustered_wilson_is_close_to_naive_for_independent_samples():
    """Every problem solved with the same probability 0.5, 10 samples each (binomial within and
    between problems): n_eff is near the 2000 samples, not the 200 problems."""
    rng = np.random.default_rng(0)
    correct = rng.binomial(10, 0.5, size=200)
    n_eff = effective_samples(correct, [10] * 200)
    assert 1400 < n_eff <= 2000


def test_clustered_wilson_edges():
    assert clustered_wilson_interval([0, 0], [0, 0]) == (0.0, 1.0)
    lo, hi = clustered_wilson_interval([0, 0, 0], [5, 5, 5])  # nothing solved: n_eff = 3 problems
    assert lo == 0.0 and hi == pytest.approx(wilson_interval(0, 3)[1])
    assert clustered_wilson_interval([5, 5], [5, 5])[1] == 1.0
