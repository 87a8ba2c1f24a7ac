"""pass@k, Wilson intervals, bootstrap and the z-test against values derived by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from eval._eval_errors import EvalInputError
from eval._stats import (
    bootstrap_mean_ci,
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
