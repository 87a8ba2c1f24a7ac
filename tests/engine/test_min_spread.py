"""``SelectionConfig.min_spread``: the peak factor softens where the draw weights would concentrate on
a handful of problems (a thin frontier), and changes nothing where the frontier is broad."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sai_dpo import SelectionConfig, SelectionEngine
from sai_dpo.errors import InvalidInputError
from sai_dpo.policies import GENTLER, SPREAD_SHARE, spread

N = 400
PLAIN = dict(cooldown=0.0, difficulty_weight=0.0, epsilon=0.0, tau=math.inf)


def test_spread_counts_the_problems_that_hold_the_weight():
    assert spread(np.ones(10, np.float32)) == pytest.approx(10.0)
    assert spread(np.array([0, 0, 3, 0], np.float32)) == pytest.approx(1.0)
    assert spread(np.array([1, 1, 0, 0], np.float32)) == pytest.approx(2.0)
    assert spread(np.zeros(5, np.float32)) == 0.0


def _thin_frontier(rounds: int = 3, **cfg) -> SelectionEngine:
    """390 problems solved 7 times in 8, 10 solved half the time: few problems sit near p = 0.5."""
    e = SelectionEngine(["s"] * N, [1] * N, SelectionConfig(**PLAIN, **cfg))
    idx = np.repeat(np.arange(N), 8)
    rewards = np.tile([1.0] * 7 + [0.0], N)
    rewards[: 10 * 8] = np.tile([1.0, 0.0], 40)
    for r in range(rounds):
        e.report(idx, rewards, r)
    return e


@pytest.mark.parametrize("estimator", ["beta", "rasch"])
def test_a_thin_frontier_gets_the_largest_gentler_sharpness_that_spreads_the_weights(estimator):
    target = min(64.0, SPREAD_SHARE * N)
    sharp = _thin_frontier(estimator=estimator, min_spread=0).weights(3)
    assert spread(sharp) < target  # at sharpness 32 the weight sits on the 10 frontier problems
    w = _thin_frontier(estimator=estimator).weights(3)
    assert spread(w) >= target
    assert set(np.argsort(-w)[:10]) == set(range(10))  # still the frontier first
    # The sharpness used is the largest gentler one that reaches the target: the next larger does not.
    used = [b for b in GENTLER if np.array_equal(w, _thin_frontier(estimator=estimator, sharpness=b,
                                                                    min_spread=0).weights(3))]
    assert len(used) == 1
    larger = [b for b in (32.0, *GENTLER) if b > used[0]][-1]
    assert spread(_thin_frontier(estimator=estimator, sharpness=larger, min_spread=0).weights(3)) < target


def test_a_broad_frontier_draws_exactly_as_without_it():
    """Outcomes spread over the whole range of pass rates: the weights at sharpness 32 already spread
    over more than 64 problems, so the default changes no weight and no draw."""
    rng = np.random.default_rng(0)
    p = rng.uniform(0.05, 0.95, N)

    def engine(**cfg):
        e = SelectionEngine(["a", "b"] * (N // 2), [1, 2, 3, 4] * (N // 4), SelectionConfig(**cfg))
        r_rng = np.random.default_rng(1)
        for r in range(3):
            idx = np.repeat(np.arange(N), 8)
            e.report(idx, (r_rng.random(len(idx)) < p[idx]).astype(float), r)
        return e

    default, off = engine(), engine(min_spread=0)
    assert spread(off.policy_.scores(off.tracker_, 3, None)) > 64
    np.testing.assert_array_equal(default.weights(3), off.weights(3))
    np.testing.assert_array_equal(default.draw(32, 3), off.draw(32, 3))


def test_small_pools_ask_for_at_most_an_eighth_of_their_problems():
    """40 problems: the target is 5, not 64 (which no weighting of 40 problems could reach)."""
    e = SelectionEngine(["s"] * 40, [1] * 40, SelectionConfig(**PLAIN))
    idx = np.repeat(np.arange(40), 8)
    rewards = np.tile([1.0] * 7 + [0.0], 40)
    rewards[:8] = [1.0, 0.0] * 4  # one frontier problem
    e.report(idx, rewards, 0)
    w = e.weights(1)
    assert 5 <= spread(w) < 40
    assert int(np.argmax(w)) == 0


def test_thompson_weights_do_not_read_it():
    a = _thin_frontier(thompson=True).weights(3)
    b = _thin_frontier(thompson=True, min_spread=0).weights(3)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("bad", [-1.0, math.inf, math.nan, "64", True, None])
def test_min_spread_must_be_a_non_negative_finite_number(bad):
    with pytest.raises((ValueError, InvalidInputError), match="min_spread"):
        SelectionConfig(min_spread=bad)


def test_numpy_numbers_are_accepted_as_the_python_numbers_they_stand_for():
    """A value from np.arange or a dataframe column was refused ("Got np.int64(64)"); it is now stored as
    int or float, so the config still saves as JSON."""
    import json

    cfg = SelectionConfig(min_spread=np.int64(64), sharpness=np.float32(16), group_size=np.int32(4), seed=np.uint8(3))
    assert (cfg.min_spread, cfg.sharpness, cfg.group_size, cfg.seed) == (64, 16.0, 4, 3)
    assert type(cfg.min_spread) is int and type(cfg.sharpness) is float and type(cfg.group_size) is int
    json.dumps(cfg.to_dict())


@pytest.mark.parametrize("bad", [10**400, np.bool_(True)], ids=["10**400", "np.bool_"])
def test_an_int_beyond_any_float_and_a_numpy_bool_are_refused_by_name(bad):
    with pytest.raises(InvalidInputError, match="min_spread"):
        SelectionConfig(min_spread=bad)


def test_the_summary_says_which_sharpness_was_used():
    thin = _thin_frontier()
    thin.weights(3)
    assert thin.summary()["sharpness_used"] == 2.0  # the weights above spread at 2, not at 4 (see the test before)
    sharp = _thin_frontier(min_spread=0)
    sharp.weights(3)
    assert sharp.summary()["sharpness_used"] == 32.0


def test_a_bool_field_says_true_or_false():
    with pytest.raises(InvalidInputError, match=r"thompson.*a bool \(true or false\)"):
        SelectionConfig(thompson=1)
