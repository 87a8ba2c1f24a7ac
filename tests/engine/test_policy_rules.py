"""Each policy's selection rule pinned by a small case computed by hand.

A tracker of a few problems with known evidence; the scores each policy returns are compared with
the rule in its docstring, worked out here without the policy's code.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sai_dpo._estimates import cell_estimates, length_rank
from sai_dpo._scratch import Scratch
from sai_dpo._thompson import power
from sai_dpo._tracker import Tracker
from sai_dpo.config import SelectionConfig
from sai_dpo.policies import (
    POLICIES,
    CurriculumPolicy,
    LearnabilityPolicy,
    PrioritizedPolicy,
    SaiDpoPolicy,
    UniformPolicy,
    _apply_cooldown,
    _frontier,
    _frontier_at_mean,
    _relative,
)


def _relative_peak(pq, sharpness):
    """(pq / max pq) ** sharpness, as the policy computes its peak factor."""
    return power(_relative(pq), sharpness, pq)

GAMMA = 0.5


def _tracker(n_skills=1, levels=(1.0, 2.0, 3.0), per_cell=1, gamma=GAMMA):
    cell_of = np.repeat(np.arange(n_skills * len(levels)), per_cell)
    return Tracker(cell_of, n_skills, np.array(levels), gamma, 0.9)


def _policy(cls, **cfg):
    return cls(SelectionConfig(**cfg))


def test_registry():
    assert POLICIES == {"sai_dpo": SaiDpoPolicy, "uniform": UniformPolicy, "curriculum": CurriculumPolicy,
                        "learnability": LearnabilityPolicy, "prioritized": PrioritizedPolicy}
    assert [cls.name for cls in POLICIES.values()] == list(POLICIES)
    assert SaiDpoPolicy.calibrated and not any(c.calibrated for c in POLICIES.values() if c is not SaiDpoPolicy)


def test_uniform_is_all_ones_whatever_the_evidence():
    t = _tracker()
    t.report(np.array([0, 0, 1]), np.array([1.0, 0.0, 1.0]), 0)
    assert _policy(UniformPolicy).scores(t, 1, None).tolist() == [1.0, 1.0, 1.0]


@pytest.mark.parametrize("round_,target", [(0, 1.0), (5, 2.0), (10, 3.0), (25, 3.0)])
def test_curriculum_window_moves_from_easiest_to_hardest(round_, target):
    """target(r) = lo + (hi - lo) * min(1, r / rounds); score = exp(-(level - target)^2 / (2 width^2))."""
    t = _tracker(n_skills=2)  # cells: skill 0 levels 1,2,3 then skill 1 levels 1,2,3
    scores = _policy(CurriculumPolicy, curriculum_rounds=10, curriculum_width=0.5).scores(t, round_, None)
    per_level = [math.exp(-((lv - target) / 0.5) ** 2 / 2) for lv in (1.0, 2.0, 3.0)]
    np.testing.assert_allclose(scores, per_level * 2, rtol=1e-6)


def test_curriculum_without_levels_and_with_a_missing_level():
    t = _tracker(levels=(np.nan,))
    assert _policy(CurriculumPolicy).scores(t, 3, None).tolist() == [1.0]
    t = _tracker(levels=(1.0, np.nan, 3.0))  # a problem without a level counts as the middle one (2)
    scores = _policy(CurriculumPolicy, curriculum_rounds=10, curriculum_width=1.0).scores(t, 0, None)
    np.testing.assert_allclose(scores, [1.0, math.exp(-0.5), math.exp(-2.0)], rtol=1e-6)


def _evidence():
    """Problem 0: 3 attempts, 2 successes at round 0; problem 1: 1 attempt, 0 successes at round 2;
    problem 2: never reported."""
    t = _tracker()
    t.report(np.array([0, 0, 0]), np.array([1.0, 1.0, 0.0]), 0)
    t.report(np.array([1]), np.array([0.0]), 2)
    return t


def test_learnability_is_p_times_one_minus_p_of_the_laplace_rate():
    t = _evidence()
    g2 = GAMMA ** 2  # problem 0's evidence, read two rounds later
    p0 = (2 * g2 + 1) / (3 * g2 + 2)
    p1 = (0 + 1) / (1 + 2)
    scores = _policy(LearnabilityPolicy).scores(t, 2, None)
    np.testing.assert_allclose(scores, [p0 * (1 - p0), p1 * (1 - p1), 0.25], rtol=1e-6)


def test_prioritized_is_one_minus_the_laplace_rate():
    t = _evidence()
    g = GAMMA ** 3  # read at round 3: problem 0 three rounds on, problem 1 one round on
    p0 = (2 * g + 1) / (3 * g + 2)
    p1 = (0 + 1) / (1 * GAMMA + 2)
    np.testing.assert_allclose(_policy(PrioritizedPolicy).scores(t, 3, None), [1 - p0, 1 - p1, 0.5], rtol=1e-6)


@pytest.mark.parametrize("p,g", [(0.5, 8), (0.1, 8), (0.9, 4), (0.0, 8), (1.0, 8), (0.3, 1)])
def test_frontier_by_hand(p, g):
    """f(p) = 1 - p^G - (1 - p)^G: the chance that a group of G has both a success and a failure."""
    got = _frontier(np.array([p], np.float32), g, Scratch())
    assert got[0] == pytest.approx(max(0.0, 1 - p**g - (1 - p) ** g), abs=1e-6)


def test_frontier_at_mean_and_the_peak_factor():
    alpha = np.array([1.0, 3.0, 9.0], np.float32)
    beta = np.array([1.0, 1.0, 1.0], np.float32)
    p = alpha / (alpha + beta)  # 0.5, 0.75, 0.9
    f = 1 - p**8 - (1 - p) ** 8
    np.testing.assert_allclose(_frontier_at_mean(alpha, beta, 8, Scratch()), f, rtol=1e-6)
    pq = p * (1 - p)
    peak = (pq / pq.max()) ** 2
    np.testing.assert_allclose(_frontier_at_mean(alpha, beta, 8, Scratch(), sharpness=2.0), f * peak, rtol=1e-5)


def test_relative_peak_keeps_the_best_at_one_and_survives_underflow():
    pq = np.array([0.25, 0.125, 0.0], np.float32)
    np.testing.assert_allclose(_relative_peak(pq, 3.0), [1.0, 0.125, 0.0], rtol=1e-6)
    tiny = np.array([1e-30, 5e-31], np.float32)  # raw (4pq) ** 32 would underflow to zero
    np.testing.assert_allclose(_relative_peak(tiny, 32.0), [1.0, 0.5**32], rtol=1e-4)
    assert _relative_peak(np.zeros(2, np.float32), 4.0).tolist() == [0.0, 0.0]


def test_cooldown_by_hand():
    """f *= 1 - exp(-(r - last_drawn) / scale) for problems drawn in an earlier round only."""
    t = _tracker(levels=(1.0,), per_cell=5)
    t.mark_drawn(np.array([0]), 9)  # one round ago
    t.mark_drawn(np.array([1]), 7)  # three rounds ago
    t.mark_drawn(np.array([2]), 10)  # this round: not cooled (a second draw of the round sees the same weights)
    t.mark_drawn(np.array([3]), 12)  # a later round: not cooled
    f = np.ones(5, np.float32)
    _apply_cooldown(f, t, 10, 2.0)
    want = [1 - math.exp(-1 / 2), 1 - math.exp(-3 / 2), 1.0, 1.0, 1.0]
    np.testing.assert_allclose(f, want, rtol=1e-6)


def _plain_sai(**extra):
    """SAI-DPO with every factor but the frontier at the posterior mean turned off."""
    cfg = dict(thompson=False, calibrate=False, difficulty_weight=0.0, cooldown=0.0, tau=math.inf,
               sharpness=0.0, group_size=4, posterior_strength=2.0, prior_strength=4.0)
    cfg.update(extra)
    return _policy(SaiDpoPolicy, **cfg)


def _two_skill_evidence():
    t = _tracker(n_skills=2, levels=(1.0,), per_cell=3, gamma=1.0)
    # skill 0 (problems 0-2) mostly solved, skill 1 (problems 3-5) mostly failed
    t.report(np.array([0, 0, 1, 1, 3, 3, 4]), np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0]), 0)
    return t


def test_sai_dpo_posterior_mean_is_the_cell_shrunk_rate():
    """p~_i = (s_i + k pi_cell) / (a_i + k), and the score is f(p~) = 1 - p~^G - (1 - p~)^G."""
    t = _two_skill_evidence()
    policy = _plain_sai()
    est = cell_estimates(t, 1, 4.0, 0.5)
    pi = est.cell.ravel()[t.cell_of]
    a = np.array([2, 2, 0, 2, 1, 0], float)
    s = np.array([2, 1, 0, 0, 1, 0], float)
    p = (s + 2.0 * pi) / (a + 2.0)
    alpha, beta, _ = policy.posterior(t, 1)
    np.testing.assert_allclose(alpha / (alpha + beta), p, rtol=1e-5)
    np.testing.assert_allclose(alpha + beta, a + 2.0, rtol=1e-5)
    np.testing.assert_allclose(policy.scores(t, 1, None), 1 - p**4 - (1 - p) ** 4, rtol=1e-5)


def test_sai_dpo_knowledge_tilt_favours_the_weaker_skill():
    """t_c = exp((1 - acc_skill) / tau), divided by its largest value."""
    t = _two_skill_evidence()
    base = _plain_sai().scores(t, 1, None).copy()
    tilted = _plain_sai(tau=0.5).scores(t, 1, None)
    acc = cell_estimates(t, 1, 4.0, 0.5).skill
    tilt = np.exp((1 - acc) / 0.5)
    tilt /= tilt.max()
    assert acc[0] > acc[1] and tilt[1] == 1.0
    np.testing.assert_allclose(tilted, base * np.repeat(tilt, 3), rtol=1e-5)


def test_sai_dpo_difficulty_tie_break_and_cooldown_multiply_the_score():
    t = _two_skill_evidence()
    t.report(np.array([0, 1, 3]), np.array([1.0, 0.0, 0.0]), 1, tokens=np.array([50.0, 500.0, 100.0]),
             steps=np.array([2.0, 9.0, 4.0]))
    base = _plain_sai().scores(t, 2, None).copy()
    rho = length_rank(t, out=np.empty(6, np.float32), tmp=np.empty(6, np.float32)).copy()
    assert rho[1] > rho[3] > rho[0]  # longer and more steps rank higher
    np.testing.assert_allclose(_plain_sai(difficulty_weight=0.3).scores(t, 2, None), base * (1 + 0.3 * rho),
                               rtol=1e-5)
    t.mark_drawn(np.array([4]), 1)
    cooled = _plain_sai(cooldown=2.0).scores(t, 2, None)
    want = base.copy()
    want[4] *= 1 - math.exp(-1 / 2)
    np.testing.assert_allclose(cooled, want, rtol=1e-5)


def test_sai_dpo_sharpness_is_the_relative_peak_at_the_mean():
    t = _two_skill_evidence()
    alpha, beta, _ = _plain_sai().posterior(t, 1)
    p = (alpha / (alpha + beta)).astype(np.float64)
    pq = p * (1 - p)
    want = (1 - p**4 - (1 - p) ** 4) * (pq / pq.max()) ** 3
    np.testing.assert_allclose(_plain_sai(sharpness=3.0).scores(t, 1, None), want, rtol=1e-4)


def test_sai_dpo_calibration_shifts_only_problems_with_evidence():
    t = _two_skill_evidence()
    t.add_calibration(4.0, 8.0, 1)  # repeats ran above their estimates
    plain = _plain_sai().posterior(t, 1)
    alpha, beta, _ = plain
    p0 = (alpha / (alpha + beta)).copy()
    alpha, beta, _ = _plain_sai(calibrate=True).posterior(t, 1)
    p1 = alpha / (alpha + beta)
    seen = t.attempts > 0
    assert np.all(p1[seen] > p0[seen])
    np.testing.assert_allclose(p1[~seen], p0[~seen], rtol=1e-6)


def _rasch_policy(**extra):
    return _plain_sai(estimator="rasch", **extra)


def _rasch_evidence():
    t = _tracker(n_skills=2, levels=(1.0, 2.0), per_cell=3, gamma=1.0)
    idx = np.array([0, 0, 1, 4, 4, 6, 7, 7, 9, 11, 11])
    rewards = np.array([1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    policy = _rasch_policy()
    from sai_dpo import _rasch

    uniq, inv = t.group(idx)
    cnt = np.bincount(inv).astype(float)
    succ = np.bincount(inv, weights=rewards)
    _rasch.update(t, uniq, cnt, succ, 0, policy.config.ability_drift, policy.config.offset_sd, False)
    t.report(idx, rewards, 0)
    return t


def _sigmoid64(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, np.float64)))


@pytest.mark.parametrize("sharpness", [0.0, 0.5, 4.0])
def test_rasch_scores_at_the_mean(sharpness):
    """f(p) * (E[p q] / max E[p q]) ** sharpness with p = sigmoid(mu) (E[p q] from the logit's normal)."""
    from sai_dpo._rasch import log_learnability

    t = _rasch_evidence()
    policy = _rasch_policy(sharpness=sharpness)
    mu, var = (x.copy() for x in policy.logits(t, 1))
    assert np.ptp(mu) > 0.1 and (var > 0).all()  # the evidence moved the estimates apart
    p = _sigmoid64(mu)
    want = 1 - p**4 - (1 - p) ** 4
    if sharpness:
        lv = log_learnability(mu, var, np.empty_like(mu)).astype(np.float64)
        want = want * np.exp(sharpness * (lv - lv.max()))
    np.testing.assert_allclose(policy.scores(t, 1, np.random.default_rng(0)), want, rtol=2e-4, atol=1e-7)


@pytest.mark.parametrize("sharpness", [0.0, 0.5, 4.0])
def test_rasch_thompson_scores_at_one_draw_of_the_logit(sharpness):
    """With thompson the logit is one draw mu + sqrt(var) * z, z ~ N(0, 1) in float32 from the given
    generator; the score is f(p) * (p q / max p q) ** sharpness at that draw."""
    t = _rasch_evidence()
    policy = _rasch_policy(sharpness=sharpness, thompson=True)
    mu, var = (x.copy().astype(np.float64) for x in policy.logits(t, 1))
    z = np.random.default_rng(11).standard_normal(t.n, dtype=np.float32)
    x = mu + np.sqrt(var) * z
    p = _sigmoid64(x)
    want = 1 - p**4 - (1 - p) ** 4
    if sharpness:
        pq = p * (1 - p)
        want = want * (pq / pq.max()) ** sharpness
    got = policy.scores(t, 1, np.random.default_rng(11)).copy()  # a scratch buffer of the policy
    np.testing.assert_allclose(got, want, rtol=2e-4, atol=1e-7)
    again = policy.scores(t, 1, np.random.default_rng(12))
    assert not np.allclose(again, got)  # another draw, other scores


def test_beta_thompson_sparse_and_dense_paths_agree(monkeypatch):
    """Thompson draws take a per-problem path when most problems have evidence and a per-cell table
    for the unseen otherwise; both give the same scores for the same generator."""
    import sai_dpo.policies as policies_module

    t = _two_skill_evidence()
    sparse = _plain_sai(thompson=True, sharpness=2.0).scores(t, 1, np.random.default_rng(5)).copy()
    monkeypatch.setattr(policies_module, "is_dense", lambda attempts: True)
    dense = _plain_sai(thompson=True, sharpness=2.0).scores(t, 1, np.random.default_rng(5))
    np.testing.assert_allclose(dense, sparse, rtol=1e-6)
    assert np.ptp(sparse) > 0


def test_a_read_at_an_older_round_never_inflates_the_evidence():
    """Problem 1 was last reported at round 2; read at round 1, its counts are taken as they are."""
    t = _evidence()
    p1 = (0 + 1) / (1 + 2)
    scores = _policy(LearnabilityPolicy).scores(t, 1, None)
    assert scores[1] == pytest.approx(p1 * (1 - p1), rel=1e-6)


def test_cooldown_is_float32_arithmetic_and_reaches_exactly_its_horizon():
    """The factor is computed in float64 and rounded to float32 once, then multiplies the float32
    score; problems drawn up to ceil(17 * scale) + 1 rounds ago are visited, older ones are not."""
    scale, round_ = 100.0, 5000
    horizon = int(np.ceil(17 * scale)) + 1  # 1701
    ages = np.array([1, 2, 7, 40, 333, horizon - 1, horizon, horizon + 1, horizon + 2])
    t = _tracker(levels=(1.0,), per_cell=len(ages))
    for i, age in enumerate(ages):
        t.mark_drawn(np.array([i]), round_ - int(age))
    f = np.random.default_rng(2).uniform(0.1, 1.0, len(ages)).astype(np.float32)
    want = f.copy()
    visited = ages <= horizon
    want[visited] *= (1 - np.exp(-ages[visited].astype(np.float64) / scale)).astype(np.float32)
    got = f.copy()
    _apply_cooldown(got, t, round_, scale)
    np.testing.assert_array_equal(got, want)
    assert got[list(ages).index(horizon)] != f[list(ages).index(horizon)]  # the horizon itself still cools
    assert got[-2:].tolist() == f[-2:].tolist()


def test_a_cooldown_below_one_round_still_cools():
    t = _two_skill_evidence()
    t.mark_drawn(np.array([0]), 0)
    cooled = _plain_sai(cooldown=0.5).scores(t, 1, None).copy()
    plain = _plain_sai().scores(t, 1, None)
    assert cooled[0] == pytest.approx(plain[0] * (1 - math.exp(-2)), rel=1e-5)
    np.testing.assert_allclose(cooled[1:], plain[1:], rtol=1e-6)


def test_a_sharpness_below_one_still_shapes_the_peak():
    alpha = np.array([1.0, 3.0], np.float32)
    beta = np.array([1.0, 1.0], np.float32)
    p = alpha / (alpha + beta)
    f = 1 - p**8 - (1 - p) ** 8
    pq = p * (1 - p)
    got = _frontier_at_mean(alpha, beta, 8, Scratch(), sharpness=0.5)
    np.testing.assert_allclose(got, f * (pq / pq.max()) ** 0.5, rtol=1e-5)


def test_posterior_parameters_stay_positive_at_extreme_base_accuracies():
    """alpha and beta are at least 1e-6 even when the prior puts a problem's pass rate at 0 or 1."""
    for base in (1e-9, 1 - 1e-9):
        t = _tracker(levels=(1.0,), per_cell=3)
        alpha, beta, _ = _plain_sai(base_accuracy=base).posterior(t, 0)
        assert alpha.min() >= np.float32(1e-6) and beta.min() >= np.float32(1e-6)
        assert min(alpha.min(), beta.min()) == np.float32(1e-6)  # the floor acted


def test_the_predictive_prior_shifts_the_cell_logit_by_the_offset():
    """With per-problem offsets the prior mean is sigmoid(logit pi_cell + offset_i); zero offsets
    give the cell prior itself."""
    t = _two_skill_evidence()
    cell_policy = _plain_sai()
    alpha, beta, est = cell_policy.posterior(t, 1)
    cell_mean = (alpha / (alpha + beta)).copy()
    policy = _plain_sai()
    policy.prior_offset = np.zeros(t.n, np.float32)
    alpha, beta, _ = policy.posterior(t, 1)
    np.testing.assert_allclose(alpha / (alpha + beta), cell_mean, rtol=1e-5)
    offsets = np.linspace(-1.0, 1.0, t.n).astype(np.float32)
    policy.prior_offset = offsets
    alpha, beta, _ = policy.posterior(t, 1)
    pi_cell = est.cell.ravel()[t.cell_of]
    pi = _sigmoid64(np.log(pi_cell) - np.log1p(-pi_cell) + offsets)
    a = np.array([2, 2, 0, 2, 1, 0], float)
    s = np.array([2, 1, 0, 0, 1, 0], float)
    np.testing.assert_allclose(alpha / (alpha + beta), (s + 2.0 * pi) / (a + 2.0), rtol=1e-5)


@pytest.mark.parametrize("cfg,per_problem", [
    ({}, 44), ({"thompson": True}, 88), ({"estimator": "rasch"}, 44),
    ({"estimator": "rasch", "thompson": True}, 44), ({"policy": "curriculum"}, 12),
    ({"policy": "learnability"}, 20), ({"policy": "prioritized"}, 16), ({"policy": "uniform"}, 4),
])
def test_working_memory_per_problem(cfg, per_problem):
    """Each policy reuses named scratch buffers (sai_dpo/_scratch.py): its working memory is a fixed
    number of bytes per problem (44 B for the default is 44 MB at a million problems). A buffer that
    stops being shared shows up here."""
    from sai_dpo import SelectionEngine

    n = 2000
    engine = SelectionEngine([f"s{i % 5}" for i in range(n)], [1 + i % 4 for i in range(n)], SelectionConfig(**cfg))
    rng = np.random.default_rng(0)
    for r in range(3):
        idx = engine.draw(64, r)
        engine.report(idx, rng.integers(0, 2, len(idx)).astype(float), r)
    assert engine.policy_._ws.nbytes == per_problem * n


def test_no_cooldown_scores_quietly():
    """cooldown=0 turns the factor off: no division by the zero scale (and no numpy warning)."""
    import warnings

    t = _two_skill_evidence()
    t.mark_drawn(np.array([0, 1]), 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        scores = _plain_sai(cooldown=0.0).scores(t, 1, None)
    assert np.isfinite(scores).all()


def test_working_memory_with_the_predictive_prior():
    """Per-problem prior means reuse the cell prior's buffer: the same 44 bytes per problem."""
    t = _two_skill_evidence()
    policy = _policy(SaiDpoPolicy)
    policy.scores(t, 1, np.random.default_rng(0))
    plain = policy._ws.nbytes
    policy.prior_offset = np.linspace(-1, 1, t.n).astype(np.float32)
    policy.scores(t, 1, np.random.default_rng(0))
    assert policy._ws.nbytes == plain == 44 * t.n
