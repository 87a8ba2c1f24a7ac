"""The Rasch estimator (sai_dpo._rasch, estimator="rasch") and skill coverage, with expectations derived by hand."""

import json
import math

import numpy as np
import pytest

from sai_dpo import InvalidInputError, SelectionConfig, SelectionEngine
from sai_dpo._draw import gumbel_top_k
from sai_dpo._rasch import log_learnability


def _sigmoid(z):
    return 1 / (1 + math.exp(-z))


def _log_sig(z):
    return -math.log1p(math.exp(-z))


def test_one_report_is_the_map_fit_of_skill_then_level_then_offset():
    """One skill, one level, problem 0 solved 6 of 8 at round 0; base accuracy 0.5 (logit 0).

    Each stage is the MAP of its parameter under its Gaussian prior and the 8 outcomes, the others
    held at their newest values, checked against scipy's scalar minimiser: ability (prior N(0, 1)),
    then hardness (prior N(0, 1)) against the fitted ability, then the offset (prior N(0, 0.8^2))
    against both; each posterior variance is 1 / (prior precision + 8 p (1 - p)) at the fit.
    Problem 1 (never reported) has the cell's logit and variance plus the offset prior 0.64; ten
    rounds later the ability variance has grown by 10 x 0.003.
    """
    from scipy.optimize import minimize_scalar

    def nll(z):
        return -6 * _log_sig(z) - 2 * _log_sig(-z)

    th = minimize_scalar(lambda x: 0.5 * x * x + nll(x)).x
    b = minimize_scalar(lambda y: 0.5 * y * y + nll(th - y)).x
    o = minimize_scalar(lambda y: 0.5 * y * y / 0.64 + nll(th - b - y)).x

    def info(z):
        return 8 * _sigmoid(z) * _sigmoid(-z)

    e = SelectionEngine(["s"] * 2, [1] * 2, SelectionConfig(estimator="rasch"))
    e.report([0] * 8, [1] * 6 + [0] * 2, 0)
    t = e.tracker_
    assert t.ability[0].tolist() == pytest.approx([th, 1 / (1 + info(th))], abs=1e-5)
    assert t.hardness[0].tolist() == pytest.approx([b, 1 / (1 + info(th - b))], abs=1e-5)
    assert float(t.offset[0]) == pytest.approx(o, abs=1e-5)
    cell_var = 1 / (1 + info(th)) + 1 / (1 + info(th - b))
    mu, var = e.policy_.logits(t, 0)
    assert mu.tolist() == pytest.approx([th - b - o, th - b], abs=1e-5)
    assert var.tolist() == pytest.approx([cell_var + 1 / (1 / 0.64 + info(th - b - o)), cell_var + 0.64], abs=1e-5)
    assert e.policy_.logits(t, 10)[1][1] == pytest.approx(cell_var + 0.03 + 0.64, abs=1e-5)
    assert e.difficulty(0)[1] == pytest.approx(1 - _sigmoid(th - b), abs=1e-6)


def test_a_prior_far_from_the_data_does_not_overshoot():
    """Base accuracy 0.01 (logit -4.6) and a skill solved 70% of the time: one full Newton step from
    the prior would land tens of logits away; the damped fit lands near logit(0.7) = 0.85 and
    stays there as the same evidence keeps coming."""
    e = SelectionEngine(["s"] * 50, [1] * 50, SelectionConfig(estimator="rasch", base_accuracy=0.01))
    rewards = np.tile([1.0] * 7 + [0.0] * 3, 50)
    means = []
    for r in range(6):
        e.report(np.repeat(np.arange(50), 10), rewards, r)
        means.append(float(np.mean(1 - e.difficulty(r))))
    assert all(abs(m - 0.7) < 0.08 for m in means[1:]), means


def test_expected_learnability_against_the_integral():
    """4 E[p (1 - p)] for logit ~ N(mu, var) by Gauss-Hermite quadrature: the probit
    approximation is exact at var = 0 and within 8% up to var = 4."""
    x, w = np.polynomial.hermite_e.hermegauss(80)
    for mu in np.linspace(-4, 4, 9):
        for var in (0.0, 0.5, 2.0, 4.0):
            p = 1 / (1 + np.exp(-(mu + math.sqrt(var) * x)))
            exact = float((w * 4 * p * (1 - p)).sum() / w.sum())
            got = math.exp(float(log_learnability(np.float32([mu]), np.float32([var]), np.empty(1, np.float32))[0]))
            assert got == pytest.approx(exact, rel=0.001 if var == 0 else 0.08)


def test_confident_half_solved_problem_beats_an_unknown_one():
    """Problems 0-9 solved 4/8 three times each: their logits sit at the cell's with small
    variance, so they outweigh the never-tried problems of the same cell (same mean, wide)."""
    e = SelectionEngine(["s"] * 100, [1] * 100, SelectionConfig(cooldown=0.0, epsilon=0.0, difficulty_weight=0.0,
                                                                estimator="rasch"))
    for r in range(3):
        e.report(np.repeat(np.arange(10), 8), np.tile([1.0, 0.0] * 4, 10), r)
    w = e.weights(3)
    assert w[:10].min() > 3 * w[10:].max()


def test_skill_estimate_resists_selection_bias():
    """A skill whose problems are mostly easy (true logits ~ N(2, 1)): SAI-DPO keeps drawing the few
    that sit near p = 0.5, so the raw accuracy of what it drew is far below the pool's. The Rasch
    prediction for the problems it never drew still matches their true mean pass rate; the cell
    table of the Beta estimator, fed the same draws, is dragged toward the drawn ones."""
    rng = np.random.default_rng(0)
    n = 2000
    true_logit = rng.normal(2.0, 1.0, n)
    # min_spread=0: the point is a strong selection (the default spreads the draws of this thin frontier)
    e = SelectionEngine(["s"] * n, [1] * n, SelectionConfig(seed=1, estimator="rasch", min_spread=0))
    drawn = np.zeros(n, bool)
    for r in range(40):
        idx = e.draw(32, r)
        drawn[idx] = True
        rep = np.repeat(idx, 8)
        e.report(rep, (rng.random(len(rep)) < 1 / (1 + np.exp(-true_logit[rep]))).astype(float), r)
    truth = float(np.mean(1 / (1 + np.exp(-true_logit[~drawn]))))
    mu, _ = e.policy_.logits(e.tracker_, 40)
    rasch = float(np.mean(1 / (1 + np.exp(-mu[~drawn].astype(np.float64)))))
    raw = e.table()[0]["accuracy"]
    assert truth - raw > 0.15  # what was drawn is much harder than the pool
    assert rasch == pytest.approx(truth, abs=0.05)


def test_ability_follows_a_skill_that_improves():
    """Problem 0 was solved 4/8 at round 0 and never drawn again; the other problems of its skill
    go from half solved to always solved over 30 rounds. Its predicted pass rate rises with its
    skill although no new outcome of its own arrived; the Beta estimate, which holds the problem's
    own record, stays at ~0.5."""
    n = 50
    rasch = SelectionEngine(["s"] * n, [1] * n, SelectionConfig(estimator="rasch"))
    beta = SelectionEngine(["s"] * n, [1] * n, SelectionConfig(estimator="beta"))
    for e in (rasch, beta):
        e.report([0] * 8, [1.0, 0.0] * 4, 0)
        for r in range(1, 31):
            solved = min(8, 4 + r // 5)
            e.report(np.repeat(np.arange(1, n), 8), np.tile([1.0] * solved + [0.0] * (8 - solved), n - 1), r)
    assert 1 - rasch.difficulty(31)[0] > 0.8
    assert 1 - beta.difficulty(31)[0] < 0.65


def test_practice_term_lowers_a_trained_problem_by_hand():
    """Problem 0: 4/8, then a repeat solved 8/8 against a prediction of 0.5: score 4, information 2,
    so delta = 4 / (2 + 8) = 0.4 (that group trained nothing, variance 0, so no shift yet and both
    engines agree so far). Problem 1 then solved 4 of 8 (variance 1/4): with the practice term its
    offset ends 0.4 x 4 x 1/4 = 0.4 lower (easier) than without it; everything else is equal."""
    def run(calibrate):
        e = SelectionEngine(["s"] * 3, [1] * 3, SelectionConfig(calibrate=calibrate, estimator="rasch"))
        e.report([0] * 8, [1.0, 0.0] * 4, 0)
        e.report([0] * 8, [1.0] * 8, 0)
        e.report([1] * 8, [1.0, 0.0] * 4, 0)
        return e.tracker_
    on, off = run(True), run(False)
    assert on.calib[:2].tolist() == pytest.approx([4.0, 2.0])
    assert on.offset[1] - off.offset[1] == pytest.approx(-0.4, abs=1e-5)
    assert on.offset[0] == off.offset[0] and np.array_equal(on.ability, off.ability)


def test_rasch_state_round_trips_and_old_states_load(caplog):
    e = SelectionEngine(["a", "b"] * 10, [1, 2] * 10, SelectionConfig(seed=4, estimator="rasch"))
    for r in range(3):
        idx = e.draw(6, r)
        e.report(np.repeat(idx, 4), np.tile([1.0, 0.0, 0.0, 1.0], 6), r)
    sd = e.state_dict()
    f = SelectionEngine(["a", "b"] * 10, [1, 2] * 10, SelectionConfig(seed=4, estimator="rasch"))
    f.load_state_dict(sd)
    assert np.array_equal(f.weights(3), e.weights(3))
    # A state saved before the Rasch estimates existed (no arrays, no 'estimator' in its config)
    # loads, and the Rasch estimates are refitted from its per-problem evidence (with a warning).
    meta = json.loads(str(sd["meta"]))
    for key in ("estimator", "offset_sd", "ability_drift", "coverage"):
        del meta["config"][key]
    old = {k: v for k, v in sd.items() if k not in ("offset", "offset_prec", "ability", "hardness", "rasch_round")}
    old["meta"] = np.array(json.dumps(meta))
    g = SelectionEngine(["a", "b"] * 10, [1, 2] * 10, SelectionConfig(seed=4, estimator="rasch"))
    with caplog.at_level("WARNING", logger="sai_dpo.engine"):
        g.load_state_dict(old)
    assert "refitted" in caplog.text
    seen = g.tracker_.attempts > 0
    assert (g.tracker_.offset_prec[seen] > 0).all() and (g.tracker_.offset_prec[~seen] == 0).all()
    assert int(g.tracker_.rasch_round[0]) == 2
    # Damaged Rasch values are refused and leave the engine as it was.
    bad = dict(sd)
    bad["ability"] = np.array(sd["ability"]) * np.array([1.0, -1.0])
    with pytest.raises(InvalidInputError, match="positive variances"):
        f.load_state_dict(bad)
    assert np.array_equal(f.weights(3), e.weights(3))


def test_a_beta_engine_state_warms_up_a_rasch_engine():
    """The Beta estimator never feeds the Rasch arrays: loading its state into a Rasch engine refits
    them, so a skill solved 90% of the time and one solved 10% are told apart at once."""
    skills = ["hi"] * 20 + ["lo"] * 20
    beta = SelectionEngine(skills, [1] * 40, SelectionConfig(estimator="beta"))
    beta.report(np.repeat(np.arange(40), 10), np.r_[np.tile([1.0] * 9 + [0.0], 20), np.tile([1.0] + [0.0] * 9, 20)], 0)
    rasch = SelectionEngine(skills, [1] * 40, SelectionConfig(estimator="rasch"))
    rasch.load_state_dict(beta.state_dict())
    p = 1 - rasch.difficulty(0)
    assert p[:20].mean() > 0.8 and p[20:].mean() < 0.2
    acc = rasch.summary()["skill_accuracy"]  # the Rasch per-skill accuracy
    assert acc["hi"] > 0.8 and acc["lo"] < 0.2


# ---------------------------------------------------------------------------------------- coverage
def test_every_skill_is_in_every_draw():
    """Skill 'rare' holds 5 of 1000 problems, all solved half the time like 100 problems of 'a' and
    'b' (the untried rest sit at their cells' 0.5 too, so all weigh about the same): without coverage
    the rare skill holds ~5/1000 of the mass and a draw of 20 includes it with probability about
    1 - 0.995^20 = 0.10 (4 of 40 draws); with coverage every draw has one."""
    skills = ["rare"] * 5 + ["a"] * 495 + ["b"] * 500
    seen = np.r_[np.arange(5), np.arange(5, 105), np.arange(500, 600)]
    for cover in (True, False):
        e = SelectionEngine(skills, [1] * 1000, SelectionConfig(coverage=cover, seed=2, cooldown=0.0))
        e.report(np.repeat(seen, 8), np.tile([1.0, 0.0] * 4, len(seen)), 0)
        hits = sum(bool((e.draw(20, r) < 5).any()) for r in range(1, 41))
        assert hits == 40 if cover else hits <= 12


def test_coverage_skips_a_skill_with_nothing_worth_practising():
    """Skill 'dead' (200 problems) is always failed: its best pick weighs about the epsilon floor,
    far below 1e-6 of the best problem's weight above it, so coverage does not give it a slot and
    it appears only through epsilon (0.01 x 200/1000 of the mass)."""
    skills = ["dead"] * 200 + ["a"] * 800
    e = SelectionEngine(skills, [1] * 1000, SelectionConfig(seed=3))
    e.report(np.repeat(np.arange(200), 8), np.zeros(1600), 0)
    e.report(np.repeat(np.arange(200, 400), 8), np.tile([1.0, 0.0] * 4, 200), 0)
    hits = sum(int((e.draw(20, r) < 200).sum()) for r in range(1, 41))
    assert hits <= 4  # expected 40 x 20 x 0.002 = 1.6


def test_coverage_keeps_the_prefix_property_and_distinct_skills():
    skills = [f"s{i % 7}" for i in range(700)]
    e = SelectionEngine(skills, [1] * 700, SelectionConfig(seed=5))
    big = e.draw(40, 0)
    assert np.array_equal(e.draw(12, 0), big[:12])
    small = e.draw(4, 1)
    assert len({skills[i] for i in small}) == 4  # fewer slots than skills: distinct skills first
    assert len({skills[i] for i in big[:7]}) == 7


def test_group_representative_follows_weights_within_the_group():
    """Group A weights (3, 1), group B (1,): a draw of 2 always takes one from each, and A's pick
    is problem 0 with probability 3/4 (2000 draws: 0.75 +- 0.03)."""
    w = np.array([3.0, 1.0, 1.0], np.float32)
    groups = (np.array([0, 0, 1], np.int32), 2, 0.0)
    picks = [gumbel_top_k(w, 2, np.random.default_rng(s), groups=groups) for s in range(2000)]
    assert all(sorted(p.tolist()) in ([0, 2], [1, 2]) for p in picks)
    assert np.mean([0 in p for p in picks]) == pytest.approx(0.75, abs=0.03)


def test_a_group_without_drawable_problems_is_not_forced():
    w = np.array([0.0, 0.0, 1.0, 2.0], np.float32)
    idx = gumbel_top_k(w, 2, np.random.default_rng(0), groups=(np.array([0, 0, 1, 1], np.int32), 2, 0.0))
    assert sorted(idx.tolist()) == [2, 3]
