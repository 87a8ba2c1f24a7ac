"""Repeat calibration: re-drawn problems' outcomes shift the estimates of seen problems (by hand)."""

import json
import math

import numpy as np
import pytest

from sai_dpo import InvalidInputError, SelectionConfig, SelectionEngine


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _logit(p):
    return math.log(p / (1 - p))


def _engine(**kw):
    """The Beta estimator's calibration (the Rasch estimator's practice term: test_engine_rasch.py)."""
    cfg = SelectionConfig(cooldown=0.0, difficulty_weight=0.0, epsilon=0.0, estimator="beta", **kw)
    e = SelectionEngine(["s", "s", "s"], [1, 1, 1], cfg)
    e.report(np.zeros(8, int), np.repeat([1.0, 0.0], 4), round=0)  # first sight: nothing to score
    e.report(np.zeros(8, int), np.ones(8), round=0)  # a repeat that beats its estimate
    return e


def _means(e):
    alpha, beta, _ = e.policy_.posterior(e.tracker_, 0)
    return alpha / (alpha + beta)


def test_repeat_shift_by_hand():
    """All at round 0 (no decay), m = 4, k = 2, base 0.5, one cell.

    Before the repeat: problem 0 has 4/8, the cell table 4/8, so global = skill = level = cell =
    (4 + 4 * 0.5) / 12 = 0.5 and problem 0's mean is (4 + 2 * 0.5) / 10 = 0.5. The repeat scores
    8 - 8 * 0.5 = 4 with information 8 * 0.25 = 2: delta = 4 / (2 + 8) = 0.4 (prior 8).
    After it: 12/16 everywhere. global g = (12 + 2) / 20 = 0.7; skill = level = (12 + 2.8) / 20 =
    0.74; prior = sigmoid(2 logit 0.74 - logit 0.7); cell = (12 + 4 prior) / 20. Problem 0:
    sigmoid(logit((12 + 2 cell) / 18) + 0.4); problems 1 and 2 (unseen): the cell, unshifted.
    """
    prior = _sigmoid(2 * _logit(0.74) - _logit(0.7))
    cell = (12 + 4 * prior) / 20
    p0 = _sigmoid(_logit((12 + 2 * cell) / 18) + 0.4)
    got = _means(_engine())
    assert got[0] == pytest.approx(p0, abs=2e-5)
    assert got[1] == pytest.approx(cell, abs=2e-5) and got[2] == got[1]
    off = _means(_engine(calibrate=False))
    assert off[0] == pytest.approx((12 + 2 * cell) / 18, abs=2e-5)
    assert off[1] == pytest.approx(cell, abs=2e-5)


def test_calibration_survives_a_state_round_trip_and_old_states_load():
    e = _engine()
    sd = e.state_dict()
    assert sd["calib"].tolist() == [4.0, 2.0, 0.0]
    f = SelectionEngine(["s", "s", "s"], [1, 1, 1], e.config)
    f.load_state_dict(sd)
    assert np.array_equal(_means(f), _means(e))
    # A state saved before calibration existed: no 'calib' array and no 'calibrate' in its config.
    meta = json.loads(str(sd["meta"]))
    del meta["config"]["calibrate"]
    old = {k: v for k, v in sd.items() if k != "calib"} | {"meta": np.array(json.dumps(meta))}
    g = SelectionEngine(["s", "s", "s"], [1, 1, 1], e.config)
    g.load_state_dict(old)
    assert np.array_equal(_means(g), _means(_engine(calibrate=False)))
    # A current state that lost its 'calib' array (e.g. a damaged file) is refused.
    with pytest.raises(InvalidInputError, match=r"state\['calib'\] must have shape \(3,\)"):
        g.load_state_dict({k: v for k, v in sd.items() if k != "calib"})


def test_late_reports_are_discounted_like_the_cell_table():
    """A repeat reported for round 0 after one for round 10 weighs cell_gamma ** 10 = 0.5 (half-life 10)."""
    cfg = SelectionConfig(cell_half_life=10.0)
    e = SelectionEngine(["s"] * 2, [1] * 2, cfg)
    e.tracker_.add_calibration(2.0, 1.0, 10)
    e.tracker_.add_calibration(4.0, 2.0, 0)
    assert e.tracker_.calib.tolist() == pytest.approx([4.0, 2.0, 10.0])


@pytest.mark.parametrize("shift", [-120.0, -40.0, -3.0, -0.4, 0.05, 0.4, 3.0, 40.0, 120.0])
def test_logit_shift_matches_the_float64_sigmoid_over_the_whole_range(shift):
    """The shift is done without logs (c / (1/q + c - 1)); it must equal sigmoid(logit(q) + shift) of the
    mean clipped to [1e-4, 1 - 1e-4], for means at and beyond the clip bounds (all or no successes over
    many attempts, a weak prior), near them and in between, and leave unseen problems untouched."""
    from sai_dpo._posterior import means_in_place

    rate = np.array([0.0, 1e-6, 5e-5, 1e-4, 0.01, 0.3, 0.5, 0.7, 0.99, 1 - 5e-5, 1 - 1e-6, 1.0, 0.5])
    a = np.full(len(rate), 1e5, np.float32)
    a[-1] = 0.2  # unseen: decayed attempts below SEEN
    s, k = (rate * a).astype(np.float32), 1e-3
    want_mean = (s.astype(np.float64) + k * 0.5) / (a.astype(np.float64) + k)
    assert want_mean[0] < 1e-4 and want_mean[11] > 1 - 1e-4  # the clip bounds are reached
    q = np.clip(want_mean, 1e-4, 1 - 1e-4)
    with np.errstate(over="ignore"):
        shifted = 1 / (1 + np.exp(-(np.log(q) - np.log1p(-q) + shift)))
    want = np.where(a > 0.5, shifted, want_mean)
    mean, conc, seen = means_in_place(a, s, np.full(len(s), 0.5, np.float32), k, shift)
    assert seen.tolist() == [True] * 12 + [False]
    assert np.all(np.isfinite(mean)) and conc[-1] == pytest.approx(0.2 + k)
    # float32 holds 1 - 1e-4 to ~6e-8, so means pushed far below 1e-6 carry that relative error of 1 - q;
    # what a weight can feel there is the absolute error.
    mid = (want > 1e-6) & (want < 1 - 1e-6)
    assert mean[mid] == pytest.approx(want[mid], rel=1e-5)
    assert mean[~mid] == pytest.approx(want[~mid], abs=1e-9)
