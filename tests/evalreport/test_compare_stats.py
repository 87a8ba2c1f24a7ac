"""The paired sign-flip test and Holm's correction behind the compare report, against hand-derived values."""

from __future__ import annotations

import numpy as np
import pytest

from eval._stats import holm_adjust, paired_sign_flip_pvalues


def test_sign_flip_exact_small_cases():
    """Exact enumeration (2^n <= n_flips):
    - four equal gains: only all-plus / all-minus of the 16 sign patterns reach |sum| = 2 -> 2/16;
    - gains (1, 1, -1): |sum| = 1; patterns reaching |sum| >= 1 are all 8 (a sum of three +-1 is odd) -> 1;
    - gains (3, 1): |sum| = 4 only for ++ and -- -> 2/4; a zero difference flips to itself.
    """
    d = np.array([[0.5, 1.0, 3.0], [0.5, 1.0, 1.0], [0.5, -1.0, 0.0], [0.5, 0.0, 0.0]])
    assert paired_sign_flip_pvalues(d) == pytest.approx([2 / 16, 1.0, 2 / 4])


def test_sign_flip_members_and_no_change():
    """Members select the problems of a group: column 0 tests only the first two (gains 1, 1 -> 2/4);
    the rest of the problems are not its business. No difference at all gives p = 1."""
    d = np.array([[1.0, 0.0], [1.0, 0.0], [-5.0, 0.0], [7.0, 0.0]])
    members = np.array([[True, True], [True, True], [False, True], [False, True]])
    assert paired_sign_flip_pvalues(d, members) == pytest.approx([0.5, 1.0])


def test_sign_flip_monte_carlo_is_seeded_and_never_zero():
    """40 problems (2^40 patterns): 20 000 random ones. 30 equal gains: no random pattern reaches the
    observed sum (chance 2^-29), so p = 1 / 20 001; 4 gains among 40 -> about 2/16 again."""
    d = np.zeros((40, 2))
    d[:30, 0] = 0.25
    d[:4, 1] = 0.125
    p = paired_sign_flip_pvalues(d, n_flips=20_000, seed=3)
    assert p[0] == pytest.approx(1 / 20_001)
    assert p[1] == pytest.approx(0.125, abs=0.01)
    assert np.array_equal(p, paired_sign_flip_pvalues(d, n_flips=20_000, seed=3))


def test_holm_by_hand():
    """m = 4: sorted .001 .01 .02 .5 -> 4 x .001 = .004, 3 x .01 = .03, max(.03, 2 x .02) = .04,
    max(.04, 1 x .5) = .5; back in input order."""
    assert holm_adjust([0.5, 0.02, 0.001, 0.01]) == pytest.approx([0.5, 0.04, 0.004, 0.03])
    assert holm_adjust([0.3, 0.9]) == pytest.approx([0.6, 0.9])
    assert holm_adjust([]).size == 0
