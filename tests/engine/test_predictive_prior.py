"""The predictive prior (``SelectionConfig.prior = "predictive"``, ``sai_dpo._predictive``)."""

import json

import numpy as np
import pytest

from sai_dpo import InvalidInputError, SelectionConfig, SelectionEngine, problem_features

G = 8


def _world(n, d, strength, seed=0):
    """A pool of 4 skills x 3 levels whose logit pass rate is a level effect, a skill effect and
    ``strength`` times a planted direction of the features, plus noise no feature sees."""
    rng = np.random.default_rng(seed)
    skills, levels = rng.integers(0, 4, n), rng.integers(1, 4, n)
    x = rng.standard_normal((n, d)).astype(np.float32)
    w = rng.standard_normal(d)
    w /= np.linalg.norm(w)
    z = 1.2 - 0.6 * levels + 0.2 * (skills - 1.5) + strength * (x @ w) + 0.3 * rng.standard_normal(n)
    return skills, levels, x, 1 / (1 + np.exp(-z))


def _run(engine, p, rounds, n=128, seed=1):
    rng = np.random.default_rng(seed)
    draws = []
    for r in range(rounds):
        idx = engine.draw(n, r)
        draws.append(idx)
        rep = np.repeat(idx, G)
        engine.report(rep, (rng.random(len(rep)) < p[rep]).astype(float), r)
    return np.concatenate(draws)


# Recorded with the code before the predictive prior existed (commit 9fe4e60): the default config
# must keep drawing exactly these.
PINNED = {
    False: [[24, 228, 242, 13, 155, 245, 89, 147], [5, 109, 102, 294, 280, 64, 275, 264],
            [265, 179, 210, 155, 135, 66, 167, 270], [139, 120, 291, 147, 159, 7, 192, 195],
            [82, 259, 248, 283, 40, 268, 16, 261], [181, 216, 89, 23, 113, 257, 294, 206]],
    True: [[245, 147, 241, 185, 155, 230, 281, 56], [280, 10, 93, 96, 167, 185, 74, 52],
           [61, 47, 42, 32, 266, 135, 179, 145], [139, 191, 208, 213, 27, 270, 126, 150],
           [110, 261, 211, 141, 0, 91, 77, 172], [181, 89, 113, 120, 74, 214, 117, 5]],
}


@pytest.mark.parametrize("thompson", [False, True])
@pytest.mark.parametrize("with_features", [False, True])
def test_default_config_draws_as_before(thompson, with_features):
    """prior='cell' (the default), with or without features, draws what the old code drew."""
    rng = np.random.default_rng(7)
    n = 300
    skills, levels = rng.integers(0, 4, n), rng.integers(1, 4, n)
    features = np.random.default_rng(0).standard_normal((n, 5)) if with_features else None
    e = SelectionEngine(skills, levels, SelectionConfig(seed=3, thompson=thompson), features=features)
    got = []
    for r in range(6):
        idx = e.draw(8, r)
        got.append(idx.tolist())
        rep = np.repeat(idx, 4)
        e.report(rep, (rng.random(len(rep)) < 0.2 + 0.1 * levels[rep]).astype(float), r,
                 n_tokens=rng.integers(10, 100, len(rep)))
    assert got == PINNED[thompson]
    assert "prior" not in e.summary()


def test_learns_planted_relation_on_held_out_problems():
    """Trained on problems 0..5999 only, the model's prior beats the cell prior on 6000..7999
    (never reported, same cells): expected log-loss under the true pass rates."""
    skills, levels, x, p = _world(8000, 8, strength=1.5)
    e = SelectionEngine(skills, levels, SelectionConfig(seed=0, prior="predictive"), features=x)
    rng = np.random.default_rng(2)
    for r in range(20):
        idx = np.arange(300 * r, 300 * (r + 1))  # each problem drawn once, as in a large pool
        rep = np.repeat(idx, G)
        e.report(rep, (rng.random(len(rep)) < p[rep]).astype(float), r)
    held = np.arange(6000, 8000)
    cell = e._estimates().cell.ravel()[e.tracker_.cell_of[held]]
    pred = 1 / (1 + np.exp(-(np.log(cell) - np.log1p(-cell) + e.predictor_.linear(held))))

    def loss(q):
        return float(np.mean(-(p[held] * np.log(q) + (1 - p[held]) * np.log1p(-q))))

    assert loss(pred) < loss(cell) - 0.03
    s = e.summary()["prior"]
    assert s["used"] == "predictive" and s["logloss_predictive"] < s["logloss_cell"] and s["gate_z"] > 2


def test_gate_stays_shut_on_noise_features():
    """Features that carry nothing: the cell prior stays in use, so the draws are the cell prior's."""
    skills, levels, x, p = _world(8000, 8, strength=0.0)
    cell = SelectionEngine(skills, levels, SelectionConfig(seed=0), features=x)
    pred = SelectionEngine(skills, levels, SelectionConfig(seed=0, prior="predictive"), features=x)
    a, b = _run(cell, p, 40), _run(pred, p, 40)
    s = json.loads(json.dumps(pred.summary()))["prior"]  # JSON-serialisable, for run logs
    assert pred.predictor_.coef_.any()  # it was fit (on first draws), and found nothing
    assert s["used"] == "cell" and s["outcomes_scored"] == 40 * 128 * G
    assert s["logloss_predictive"] >= s["logloss_cell"] - 1e-3
    np.testing.assert_array_equal(a, b)


def test_predictive_prior_changes_draws_and_thompson_runs():
    skills, levels, x, p = _world(8000, 8, strength=2.0)
    for thompson in (False, True):
        e = SelectionEngine(skills, levels, SelectionConfig(seed=0, prior="predictive", thompson=thompson), features=x)
        _run(e, p, 30)
        assert e.summary()["prior"]["used"] == "predictive"
        w = e.weights(25)
        assert np.isfinite(w).all() and w.min() >= 0 and w.sum() == pytest.approx(1.0)
        d = e.difficulty()
        assert np.isfinite(d).all()


@pytest.mark.parametrize("features, match", [
    (np.zeros((299, 4)), r"shape \(n_problems, d\) = \(300, d >= 1\)"),
    (np.zeros(300), r"shape \(n_problems, d\)"),
    (np.zeros((300, 0)), r"d >= 1"),
    (np.full((300, 2), np.nan), r"must be finite. Got NaN or inf in row 0"),
    (np.array([["a"]] * 300), r"must hold real numbers"),
])
def test_features_validation(features, match):
    with pytest.raises(InvalidInputError, match=r"The 'features' parameter of SelectionEngine .*" + match):
        SelectionEngine(np.zeros(300, int), np.ones(300, int), SelectionConfig(prior="predictive"), features=features)


def test_predictive_config_errors():
    with pytest.raises(InvalidInputError, match="needs features"):
        SelectionEngine([0, 1], [1, 1], SelectionConfig(prior="predictive"))
    with pytest.raises(InvalidInputError, match="The 'prior' parameter of SelectionConfig must be one of"):
        SelectionConfig(prior="text")
    with pytest.raises(InvalidInputError, match="estimator='beta'"):
        SelectionConfig(prior="predictive", estimator="rasch")
    with pytest.raises(InvalidInputError, match="no 'problem' column"):
        SelectionEngine.from_pool({"skill": ["a"], "level": [1]}, SelectionConfig(prior="predictive"))


def test_state_round_trip_keeps_the_model(tmp_path):
    skills, levels, x, p = _world(8000, 8, strength=1.5)
    cfg = SelectionConfig(seed=0, prior="predictive")
    e = SelectionEngine(skills, levels, cfg, features=x)
    _run(e, p, 25)
    assert e.predictor_.coef_.any()
    np.savez(tmp_path / "s.npz", **e.state_dict())
    f = SelectionEngine(skills, levels, cfg, features=x)
    with np.load(tmp_path / "s.npz") as z:
        f.load_state_dict(dict(z))
    np.testing.assert_array_equal(f.predictor_.coef_, e.predictor_.coef_)
    assert f.summary()["prior"] == e.summary()["prior"]
    np.testing.assert_array_equal(_run(f, p, 5, seed=9), _run(e, p, 5, seed=9))
    np.testing.assert_array_equal(f.predictor_.coef_, e.predictor_.coef_)
    other = SelectionEngine(skills, levels, cfg, features=x * 2 + 1)
    with pytest.raises(InvalidInputError, match="other features"):
        other.load_state_dict(e.state_dict())
    # A state saved with the cell prior loads into a predictive engine with a fresh model, and back.
    plain = SelectionEngine(skills, levels, SelectionConfig(seed=0))
    f.load_state_dict(plain.state_dict())
    assert not f.predictor_.coef_.any()
    plain.load_state_dict(e.state_dict())


def test_from_pool_computes_text_features():
    pool = {"skill": ["a", "a", "b"], "level": [1, 2, 1],
            "problem": ["Find x if x + 1 = 2.", "Find y if 2y = 6.", "How many primes are below 20?"]}
    e = SelectionEngine.from_pool(pool, SelectionConfig(prior="predictive"))
    np.testing.assert_array_equal(e.features_, problem_features(pool["problem"]))


def test_problem_features():
    texts = ["Find the sum of the roots of x^2 - 5x + 6 = 0.", "Find the sum of the roots of x^2 - 7x + 12 = 0.",
             "A bag holds 3 red and 5 blue marbles; what is the probability of drawing red?", "", None]
    f = problem_features(texts, dim=64)
    assert f.shape == (5, 64) and f.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(f[:3], axis=1), 1.0, rtol=1e-5)
    assert not f[3:].any()
    assert f[0] @ f[1] > f[0] @ f[2] + 0.2  # near texts, near vectors
    np.testing.assert_array_equal(problem_features(texts[:1], dim=64), f[:1])  # no fit: row by row the same
    with pytest.raises(InvalidInputError, match="The 'dim' parameter of problem_features"):
        problem_features(texts, dim=0)
    with pytest.raises(InvalidInputError, match="The 'texts' parameter of problem_features"):
        problem_features(["ok", 3])
