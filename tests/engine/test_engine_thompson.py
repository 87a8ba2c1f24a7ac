"""Thompson exploration (thompson=True): unseen problems draw from their cell prior by table.

Reference expectations are computed here by numerical integration of the Beta density (in logit
space, where it is smooth even for alpha or beta < 1), independent of the quantile tables.
"""

import numpy as np
import pytest

from sai_dpo import SelectionConfig, SelectionEngine
from sai_dpo._beta import prior_quantiles
from sai_dpo._scratch import Scratch
from sai_dpo._thompson import Q, thompson_scores


def _beta_expectation(fn, a: float, b: float) -> float:
    """E[fn(p)] under Beta(a, b): density of t = logit p is proportional to p^a (1 - p)^b."""
    t = np.linspace(-60, 60, 400_001)
    p = 1 / (1 + np.exp(-t))
    logw = -a * np.log1p(np.exp(-t)) - b * np.log1p(np.exp(t))  # a log p + b log(1 - p), stable
    w = np.exp(logw - logw.max())
    return float(np.trapezoid(w * fn(p), t) / np.trapezoid(w, t))


def _frontier(g, s):
    return lambda p: np.maximum(1 - p**g - (1 - p) ** g, 0) * (p * (1 - p)) ** s


def _engine(n, seed=0, **kw):
    """Two skills x two levels, n problems; a few hundred reported so the cell priors differ."""
    rng = np.random.default_rng(seed)
    skills, levels = np.repeat([0, 0, 1, 1], n // 4), np.tile(np.repeat([1, 2], n // 4), 2)
    cfg = SelectionConfig(seed=seed, thompson=True, estimator="beta", **kw)
    e = SelectionEngine(skills, levels, cfg)
    seen = rng.choice(n, 400, replace=False)
    p_true = np.where(levels[seen] == 1, 0.8, 0.25)
    rep = np.repeat(seen, 4)
    e.report(rep, (rng.random(len(rep)) < np.repeat(p_true, 4)).astype(float), 0)
    return e, seen


@pytest.mark.parametrize("sharpness", [0.0, 32.0])
def test_unseen_scores_follow_cell_prior(sharpness):
    """Mean score of unseen problems per cell matches E[f(p~) (p~ q~)^s] under Beta(k pi, k (1 - pi)).

    With a peak factor the scores carry an unknown constant 1 / max(pq)^s, so for s > 0 the test
    compares the ratio of two cells' means (same skill, so the skill tilt cancels too).
    """
    n, g, k = 40_000, 8, 2.0
    e, seen = _engine(n, sharpness=sharpness, difficulty_weight=0.0, cooldown=0.0, posterior_strength=k)
    pol, tr = e.policy_, e.tracker_
    est = None
    means = {0: [], 1: []}
    unseen = np.ones(n, bool)
    unseen[seen] = False
    for r in range(1, 9):
        f = pol.scores(tr, r, np.random.default_rng(r)).astype(np.float64)
        for cell in (0, 1):
            means[cell].append(f[unseen & (tr.cell_of == cell)].mean())
    est = pol.posterior(tr, 9)[2]
    pi = est.cell.ravel()
    expect = [_beta_expectation(_frontier(g, sharpness), k * pi[c], k * (1 - pi[c])) for c in (0, 1)]
    got = [np.mean(means[c]) for c in (0, 1)]
    assert abs(pi[0] - pi[1]) > 0.2  # the cells really differ
    if sharpness == 0:
        assert got == pytest.approx(expect, rel=0.02)
    else:
        assert got[0] / got[1] == pytest.approx(expect[0] / expect[1], rel=0.05)


def test_unseen_atoms_are_prior_quantiles():
    """The 64 atoms are the Beta prior's quantiles at the bin midpoints (j + 0.5) / 64."""
    for a, b in [(0.6, 1.4), (1.6, 0.4), (1.0, 1.0), (30.0, 10.0)]:
        atoms = prior_quantiles([a], [b])[0]
        t = np.linspace(-60, 60, 400_001)
        p = 1 / (1 + np.exp(-t))
        logw = -a * np.log1p(np.exp(-t)) - b * np.log1p(np.exp(t))
        cdf = np.cumsum(np.exp(logw - logw.max()))
        cdf /= cdf[-1]
        exact = np.interp((np.arange(Q) + 0.5) / Q, cdf, p)
        assert np.allclose(atoms, exact, atol=0.01, rtol=0.03)
        assert np.all(np.diff(atoms) >= 0)


@pytest.mark.parametrize("n_seen_frac", [0.01, 0.9])
def test_thompson_draws_deterministic_and_valid(n_seen_frac):
    """Sparse (table) and dense (lookup) paths: same (seed, round) -> same draws; weights valid;
    state_dict round trip reproduces the draws."""
    n = 2000
    rng = np.random.default_rng(5)
    skills, levels = rng.integers(0, 5, n), rng.integers(1, 4, n)
    cfg = SelectionConfig(seed=7, thompson=True)
    e1, e2 = SelectionEngine(skills, levels, cfg), SelectionEngine(skills, levels, cfg)
    idx = rng.choice(n, int(n_seen_frac * n), replace=False)
    rew = (rng.random(len(idx)) < 0.5).astype(float)
    for e in (e1, e2):
        e.report(idx, rew, 0)
    d1, d2 = e1.draw(64, 1), e2.draw(64, 1)
    assert np.array_equal(d1, d2) and len(set(d1.tolist())) == 64
    w = e1.weights(2)
    assert np.all(np.isfinite(w)) and w.min() >= 0 and w.sum() == pytest.approx(1.0, abs=1e-6)
    e3 = SelectionEngine(skills, levels, cfg)
    e3.load_state_dict(e1.state_dict())
    assert np.array_equal(e3.draw(64, 3), e1.draw(64, 3))
    assert not np.array_equal(e1.draw(64, 4), e1.draw(64, 5))


def test_peak_normalisation_falls_back_to_exact_max():
    """One unseen problem with a U-shaped prior Beta(0.02, 0.02): the upper bound max over atoms
    would underflow the outer atoms' peak factor (pq / 0.25)^64 to 0; the exact max (its own pq)
    gives the peak factor 1, so the score is f(p) > 0 whichever atom is drawn."""
    atoms = prior_quantiles([0.02], [0.02])[0]
    pq = atoms * (1 - atoms)
    assert ((pq / pq.max()) ** 64).min() < 1e-38  # without the fallback some draws would score 0
    ws = Scratch()
    seen = np.zeros(0, np.intp)
    for seed in range(40):
        f = thompson_scores(np.ones(1, np.float32), np.ones(1, np.float32), seen, seen,
                            (np.array([0.02]), np.array([0.02])), (np.zeros(1, np.intp), np.array([1])),
                            8, 64.0, np.random.default_rng(seed), ws)
        assert np.isfinite(f).all() and f[0] > 0


@pytest.mark.parametrize("frac", [0.3, 1.0])
def test_sharpness_zero_keeps_tiny_scores_of_nearly_solved_problems(frac):
    """With sharpness 0 the seen problems' f(p~) is looked up from the float64-built f table, so a
    pool solved on every attempt still scores > 0 (1 - p^G in float32 would round to 0 at p~ = 1)."""
    n = 5000
    e = SelectionEngine(np.arange(n) % 3, np.arange(n) % 2 + 1, SelectionConfig(thompson=True, sharpness=0.0))
    k = int(frac * n)
    e.report(np.arange(k), np.ones(k), 0)
    s = e.policy_.scores(e.tracker_, 1, np.random.default_rng(0))
    assert np.isfinite(s).all() and s[:k].max() > 0


@pytest.mark.parametrize("g", [0, 1, 2, 3, 5, 8, 12, 32, 33, 1024])
@pytest.mark.parametrize("in_place", [False, True])
def test_int_power_is_the_power_in_float32_for_every_exponent_shape(g, in_place):
    """Powers of two square in ``out``, others keep a running square; ``out`` may be the input itself."""
    from sai_dpo._thompson import int_power, power

    x = np.array([0.0, 1e-3, 0.3, 0.5, 0.97, 0.999, 1.0], np.float32)
    want = x.astype(np.float64) ** g
    out = x.copy() if in_place else np.full_like(x, np.nan)
    got = int_power(out if in_place else x, g, out)
    assert got is out
    assert got == pytest.approx(want, rel=2e-6 * max(g, 1), abs=1e-30)
    assert power(x.copy(), float(g), np.empty_like(x)) == pytest.approx(want, rel=2e-6 * max(g, 1), abs=1e-30)
