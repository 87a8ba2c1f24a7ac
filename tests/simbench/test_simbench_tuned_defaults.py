"""The peak factor the benchmark added to SAI-DPO's frontier score, checked by hand through the engine."""

import numpy as np
import pytest

from sai_dpo import SelectionConfig, SelectionEngine


def _weights(**kw):
    """Problem 0 solved 400/800 times, problem 1 240/800 times: posterior means ~0.5 and ~0.3
    (k = 2 pseudo-attempts barely move them); one skill and one level, so no tilt."""
    cfg = SelectionConfig(thompson=False, cooldown=0.0, difficulty_weight=0.0, epsilon=0.0, estimator="beta", **kw)
    e = SelectionEngine(["s", "s"], [1, 1], cfg)
    e.report(np.zeros(800, int), np.repeat([1.0, 0.0], 400), round=0)
    e.report(np.ones(800, int), np.r_[np.ones(240), np.zeros(560)], round=0)
    return e.weights(1)


def test_peak_factor_sharpens_the_frontier_by_hand():
    """f(0.5) = 1 - 2 / 256 = 0.9922, f(0.3) = 1 - 0.3^8 - 0.7^8 = 0.9423.
    Without the peak factor the weight ratio w1 / w0 is 0.9423 / 0.9922 = 0.950; with beta = 32 it
    is further times (4 * 0.3 * 0.7)^32 = 0.84^32 = 0.00378, i.e. 0.00359.
    """
    w_flat = _weights(sharpness=0.0)
    w_peak = _weights(sharpness=32.0)
    assert w_flat[1] / w_flat[0] == pytest.approx(0.950, rel=0.01)
    assert w_peak[1] / w_peak[0] == pytest.approx(0.00359, rel=0.05)


def test_tuned_defaults_are_the_benchmark_winners():
    c = SelectionConfig()
    assert (c.sharpness, c.thompson, c.half_life, c.cell_half_life, c.calibrate, c.epsilon) == (
        32.0, False, 40.0, 10.0, True, 0.01)
    assert (c.estimator, c.coverage, c.offset_sd, c.ability_drift) == ("beta", True, 0.8, 0.003)
    with pytest.raises(ValueError, match="'sharpness' parameter of SelectionConfig"):
        SelectionConfig(sharpness=-1.0)
