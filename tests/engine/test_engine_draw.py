"""Keyed streams, the exponential-race draw and the Beta quantile tables against exact references."""

import numpy as np
import pytest

from sai_dpo import InvalidInputError, SelectionConfig, SelectionEngine
from sai_dpo._beta import beta_draws, frontier_draws
from sai_dpo._draw import _smallest_candidates, gumbel_top_k, keyed_rng


def test_keyed_rng_depends_only_on_the_triple():
    a = keyed_rng(0, 5, "draw").random(4)
    assert np.array_equal(a, keyed_rng(0, 5, "draw").random(4))
    for other in (keyed_rng(1, 5, "draw"), keyed_rng(0, 6, "draw"), keyed_rng(0, "5", "draw"), keyed_rng(0, 5, "x")):
        assert not np.array_equal(a, other.random(4))


def test_single_draw_frequencies_follow_weights():
    """n = 1: the race winner is i with probability w_i / sum(w) (Exp(1)/w_i is Exp(w_i)).

    Weights 1, 2, 3, 4 -> probabilities 0.1, 0.2, 0.3, 0.4; 20,000 draws give a standard error of
    sqrt(0.4 * 0.6 / 20000) = 0.0035, so a 0.015 tolerance is > 4 sigma.
    """
    w = np.array([1, 2, 3, 4], np.float32)
    wins = np.bincount([gumbel_top_k(w, 1, keyed_rng(0, k, "t"))[0] for k in range(20000)], minlength=4)
    assert np.allclose(wins / 20000, [0.1, 0.2, 0.3, 0.4], atol=0.015)


def test_without_replacement_inclusion():
    """n = 2 of weights (8, 1, 1): P(0 included) = 1 - P(0 last) = 1 - (1/10)(1/9)*2... by hand:
    orders without 0 first or second: (1, 2) and (2, 1), each (1/10) * (1/9) -> P(0 out) = 2/90,
    so P(0 in) = 0.978; P(1 in) = P(2 in) = (2 - 0.978) / 2 = 0.511."""
    w = np.array([8, 1, 1], np.float32)
    counts = np.zeros(3)
    for k in range(20000):
        counts[gumbel_top_k(w, 2, keyed_rng(1, k, "t"))] += 1
    assert np.allclose(counts / 20000, [0.978, 0.511, 0.511], atol=0.015)


@pytest.mark.parametrize("size,n", [(10, 3), (200_000, 1), (200_000, 512), (200_000, 150_000), (300_000, 300_000)])
def test_candidates_contain_the_n_smallest(size, n):
    keys = np.random.default_rng(size + n).random(size).astype(np.float32)
    keys[:5] = keys[5]  # ties
    cand = _smallest_candidates(keys, n)
    want = np.sort(keys)[:n]
    got = np.sort(keys[cand])[:n]
    assert np.array_equal(want, got)


def test_zero_weights_drawn_last():
    w = np.array([0, 1, 0, 1], np.float32)
    idx = gumbel_top_k(w, 3, keyed_rng(0, 0, "t"))
    assert set(idx[:2].tolist()) == {1, 3} and idx[2] in (0, 2)


@pytest.mark.parametrize("a,b", [(1.0, 1.0), (0.2, 1.8), (9.8, 0.2), (3.0, 7.0), (50.0, 50.0), (0.05, 2.0), (400.0, 0.6)])
def test_beta_draws_match_numpy_beta(a, b):
    """The table sampler's mean, sd and quartiles match Generator.beta within table resolution
    (64 quantiles: the outer 1/128 tails are clamped to the outermost quantiles, which trims the sd
    of very skewed posteriors such as Beta(0.05, 2) by ~8%)."""
    rng = np.random.default_rng(0)
    x = beta_draws(np.full(100_000, a), np.full(100_000, b), rng)
    y = rng.beta(a, b, 100_000)
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    assert x.mean() == pytest.approx(y.mean(), abs=0.01 + 0.03 * y.mean())
    assert x.std() == pytest.approx(y.std(), rel=0.1, abs=0.003)
    assert np.allclose(np.quantile(x, [0.25, 0.5, 0.75]), np.quantile(y, [0.25, 0.5, 0.75]), atol=0.02, rtol=0.06)


@pytest.mark.parametrize("g", [2, 8, 16])
def test_frontier_draws_mean_matches_exact_expectation(g):
    """E[1 - p^G - (1-p)^G] under Beta(a, b) has a closed form: E[p^G] = prod_{r<G} (a+r)/(a+b+r)."""
    rng = np.random.default_rng(1)
    for a, b in [(1.0, 1.0), (0.3, 1.7), (6.0, 2.0), (90.0, 1.0)]:
        exact = 1 - np.prod([(a + r) / (a + b + r) for r in range(g)]) - np.prod([(b + r) / (a + b + r) for r in range(g)])
        got = frontier_draws(np.full(100_000, a), np.full(100_000, b), g, rng).mean()
        assert got == pytest.approx(exact, abs=0.015)


def test_difficulty_orders_pass_rate_then_length():
    """Problem 0 solved 1/8, problem 1 solved 7/8 (short), problem 2 solved 7/8 (long).

    D = (1 - p) + 0.05 * rho: p_0 ~ 0.2, p_1 = p_2 ~ 0.8 -> D_0 ~ 0.8 > D_2 = 0.2 + 0.05 > D_1 = 0.2.
    """
    for estimator in ("rasch", "beta"):  # one report: problems 1 and 2 get the same estimate
        e = SelectionEngine(["s"] * 3, [1] * 3, SelectionConfig(estimator=estimator))
        e.report([0] * 8 + [1] * 8 + [2] * 8, [1] + [0] * 7 + ([1] * 7 + [0]) * 2, 0,
                 n_tokens=[50] * 8 + [10] * 8 + [900] * 8, n_steps=[3] * 8 + [1] * 8 + [9] * 8)
        d = e.difficulty()
        assert d[0] > d[2] > d[1]
        assert d[2] - d[1] == pytest.approx(0.05, abs=1e-6)


def test_bad_draw_key():
    e = SelectionEngine(["s"] * 3, [1] * 3)
    with pytest.raises(InvalidInputError, match="key"):
        e.draw(1, 0, key=object())
    assert np.array_equal(e.draw(2, 0, key="run/0"), e.draw(2, 0, key="run/0"))


def test_tiny_weights_draw_without_overflow_and_in_weight_order():
    """epsilon = 0 with a sharp peak leaves weights below float32's range for E / w (~1e-38): the
    draw warns about nothing, stays deterministic, and still prefers larger weights. Five weights
    of 1 come first, then the ten of 1e-30, then the 1e-40 ones, then zero weights (random order,
    not index order: two keys give different tails)."""
    w = np.zeros(1000, np.float32)
    w[:5], w[50:60], w[5:50] = 1.0, 1e-30, 1e-40
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        a = gumbel_top_k(w, 70, keyed_rng(0, 1, "d"))
    assert np.array_equal(a, gumbel_top_k(w, 70, keyed_rng(0, 1, "d")))
    assert len(set(a.tolist())) == 70
    assert set(a[:5].tolist()) == set(range(5))
    assert set(a[5:15].tolist()) == set(range(50, 60))
    assert set(a[15:60].tolist()) == set(range(5, 50))
    tail_b = gumbel_top_k(w, 70, keyed_rng(0, 2, "d"))[60:]
    assert a[60:].min() >= 60 and not np.array_equal(a[60:], tail_b)


@pytest.mark.parametrize("estimator", ["rasch", "beta"])
def test_engine_with_no_epsilon_and_huge_sharpness_draws_quietly(estimator):
    """Problems 0-39 solved half the time, 40-79 always, in one report: the weights of all but the
    40 half-solved problems underflow, and the draw still completes without a floating-point warning."""
    cfg = SelectionConfig(epsilon=0.0, sharpness=400.0, thompson=False, estimator=estimator)
    e = SelectionEngine(["a"] * 300, [1] * 300, cfg)
    e.report(np.repeat(np.arange(80), 8), np.r_[np.tile(np.r_[np.ones(4), np.zeros(4)], 40), np.ones(320)], 0)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        idx = e.draw(64, 1)
    assert len(set(idx.tolist())) == 64 and set(range(40)) <= set(idx.tolist())


def test_no_draw_is_an_empty_index_array():
    got = gumbel_top_k(np.ones(5, np.float32), 0, np.random.default_rng(0))
    assert got.shape == (0,) and got.dtype == np.int64


def test_the_exact_fallback_replays_the_fast_race():
    """The log-space race draws the same uniforms as the float32 race: where both can order the
    pool, they give the same draw (so a draw does not depend on which path ran)."""
    from sai_dpo._draw import _log_space_race

    w = np.random.default_rng(3).uniform(0.01, 1.0, 500).astype(np.float32)
    w[::7] = 0.0
    for seed in range(5):
        rng = np.random.default_rng(seed)
        start = rng.bit_generator.state
        fast = gumbel_top_k(w, 60, rng)
        exact = _log_space_race(w, 60, np.random.default_rng(seed), start, len(w))
        assert fast.tolist() == exact.tolist()
    # zero weights come last, in the random order of their uniforms, never by index
    rng = np.random.default_rng(1)
    tail = _log_space_race(np.zeros(50, np.float32), 50, rng, rng.bit_generator.state, 50)
    assert sorted(tail.tolist()) == list(range(50)) and tail.tolist() != list(range(50))


def test_coverage_promotes_a_group_whose_pick_weighs_exactly_the_minimum():
    """A group's first arrival is promoted when its weight is at least the minimum (equal counts)."""
    w = np.array([1.0, 1.0, 1.0, 0.25, 0.25, 0.25], np.float32)
    codes = np.array([0, 0, 0, 1, 1, 1])
    for seed in range(20):
        race = gumbel_top_k(w, 6, np.random.default_rng(seed)).tolist()  # the full race, no coverage
        firsts = [next(i for i in race if codes[i] == c) for c in (0, 1)]
        got = gumbel_top_k(w, 2, np.random.default_rng(seed), groups=(codes, 2, 0.25))
        assert got.tolist() == sorted(firsts, key=race.index), seed  # both promoted, in order of arrival
        lighter = gumbel_top_k(w, 2, np.random.default_rng(seed), groups=(codes, 2, 0.26))
        assert lighter.tolist() == [firsts[0]] + [i for i in race if i != firsts[0]][:1], seed
