"""Behaviour of the SAI-DPO method with expectations derived by hand (DESIGN.md section 4)."""

import numpy as np
import pytest

from sai_dpo import SelectionConfig, SelectionEngine

G = 8
# The hand derivations below use DESIGN.md section 4's reference formula (Beta posteriors, no peak
# factor, one half-life of 50 rounds for problems and cells, no skill coverage); the shipped defaults
# were tuned on the selection benchmark (eval/simbench), so these tests pin the reference values.
DESIGN_REF = {"sharpness": 0.0, "half_life": 50.0, "cell_half_life": None, "epsilon": 0.05, "estimator": "beta",
              "coverage": False}


def _skill_share(w, skills, name):
    return float(w[np.array(skills) == name].sum())


def test_draws_shift_to_failing_skill():
    """Skills A (fails 7 of 8), B (always solved), C (never reported); 200 problems each, one level.

    Hand derivation (m = 4, k = 2, G = 8, thompson off, no cooldown): 100 A problems reported with
    1/8 success -> cell A: 800 attempts, 100 successes; B: 800 attempts, 800 successes.
    global = (900 + 2) / 1604 = 0.562; skill A = (100 + 4 * 0.562) / 804 = 0.127,
    skill B = 0.998, skill C = global = 0.562 (unseen skill gets the prior).
    p_A = 0.125 -> f = 1 - 0.125^8 - 0.875^8 = 0.656; tilt exp(1 - 0.127) = 2.39 -> score 1.57.
    p_C = 0.562 -> f = 0.989; tilt exp(0.438) = 1.55 -> score 1.53.
    p_B ~ 0.9996 -> f ~ 0.003 -> score ~ 0.003 (B gets essentially only epsilon / 3 = 0.0167).
    Shares: A = 0.95 * 1.57 / (1.57 + 1.53 + 0.003) + 0.0167 = 0.497, B ~ 0.017, C ~ 0.486.
    A fresh engine gives each skill 1/3.
    """
    skills = ["A"] * 200 + ["B"] * 200 + ["C"] * 200
    levels = [3] * 600
    cfg = SelectionConfig(thompson=False, cooldown=0.0, seed=0, **DESIGN_REF)
    e = SelectionEngine(skills, levels, cfg)
    assert _skill_share(e.weights(0), skills, "A") == pytest.approx(1 / 3, abs=1e-6)
    a_idx, b_idx = np.arange(100), np.arange(200, 300)
    e.report(np.repeat(a_idx, G), np.tile([1.0] + [0.0] * 7, 100), round=0)
    e.report(np.repeat(b_idx, G), np.ones(100 * G), round=0)
    w = e.weights(1)
    assert _skill_share(w, skills, "A") == pytest.approx(0.497, abs=0.01)
    assert _skill_share(w, skills, "B") == pytest.approx(0.0167, abs=0.003)
    assert _skill_share(w, skills, "C") == pytest.approx(0.486, abs=0.01)
    # The same shift with Thompson exploration and real draws over 20 rounds.
    e2 = SelectionEngine(skills, levels, SelectionConfig(seed=3, thompson=True, **DESIGN_REF))
    e2.report(np.repeat(a_idx, G), np.tile([1.0] + [0.0] * 7, 100), round=0)
    e2.report(np.repeat(b_idx, G), np.ones(100 * G), round=0)
    drawn = np.concatenate([e2.draw(30, r) for r in range(1, 21)])
    share_a = np.mean(drawn < 200)
    share_b = np.mean((drawn >= 200) & (drawn < 400))
    assert share_a > 0.4 and share_b < 0.1


@pytest.mark.parametrize("policy", ["sai_dpo", "learnability"])
@pytest.mark.parametrize("reward", [1.0, 0.0])
def test_always_or_never_solved_falls_to_epsilon(policy, reward):
    """Problem 0 solved always (or never) over 20 rounds of G = 8; 1-20 solved half the time.

    Decayed attempts after 20 rounds: 8 * sum_{t<20} gamma^t with gamma = 2^(-1/50) = 0.98623,
    = 8 * (1 - 0.7579) / 0.01377 = 140.7. sai_dpo: posterior mean 1 - 2(1 - pi)/142.7 with pi ~ 0.5
    -> 0.993, f = 1 - 0.993^8 = 0.055 vs ~0.99 for a fresh or half-solved problem, so problem 0 has
    ~ 0.95 * 0.055 / 97 + 0.05 / 100 = 1.04e-3, about 2x the epsilon floor eps/N = 5e-4 and about a
    tenth of a typical problem's 0.0102. learnability: p = 141.7/142.7 -> p(1-p) = 0.007 vs 0.25.
    """
    n = 100
    e = SelectionEngine(["s"] * n, [1] * n, SelectionConfig(policy=policy, thompson=False, cooldown=0.0, **DESIGN_REF))
    mixed = np.arange(1, 21)
    for r in range(20):
        e.report(np.full(G, 0), np.full(G, reward), round=r)
        e.report(np.repeat(mixed, G), np.tile([1.0, 0.0] * 4, 20), round=r)
    w = e.weights(20)
    floor = 0.05 / n
    assert w[0] < 2.5 * floor
    assert w[0] < 0.15 * np.median(w)


def test_forgetting_brings_a_skill_back():
    """Skill A always solved for 10 rounds, then never reported again; half_life = 5 rounds.

    At round 10, A's 40 problems carry 8 * sum_{t<10} gamma^t = 8 * (1 - 0.25) / (1 - 0.8706) = 46
    decayed attempts each, all successes: p_A ~ (46 + 2 pi) / 48 ~ 0.98, f ~ 0.15 vs ~0.99 for B
    (half solved), so A's share ~ 0.95 * 0.15 / (0.15 + 0.99 * 1.6) + 0.025 ~ 0.11 (B's tilt
    exp(0.5) vs A's exp(~0) adds the factor 1.6). By round 80 the counts are 71 rounds old and
    weigh 2^-14.2 = 5.4e-5: cell A keeps 1840 * 5.4e-5 = 0.1 attempts, skill A = (0.1 + 4 * 0.5) /
    4.1 = 0.51 ~ B's 0.5, so both skills look alike again and A's share returns to ~0.49.
    """
    skills = ["A"] * 40 + ["B"] * 40
    cfg = SelectionConfig(**{**DESIGN_REF, "half_life": 5.0}, thompson=False, cooldown=0.0, tau=1.0)
    e = SelectionEngine(skills, [1] * 80, cfg)
    a_idx, b_idx = np.arange(40), np.arange(40, 80)
    for r in range(10):
        e.report(np.repeat(a_idx, G), np.ones(40 * G), round=r)
        e.report(np.repeat(b_idx, G), np.tile([1.0, 0.0] * 4, 40), round=r)
    share_early = _skill_share(e.weights(10), skills, "A")
    for r in range(10, 80):
        e.report(np.repeat(b_idx, G), np.tile([1.0, 0.0] * 4, 40), round=r)
    share_late = _skill_share(e.weights(80), skills, "A")
    assert share_early < 0.2
    assert share_late == pytest.approx(0.49, abs=0.015)


def test_cooldown_stops_back_to_back_repeats():
    """cooldown(r - last) = 1 - exp(-1/2) = 0.39 one round later: repeats are rarer than without it.

    With 1000 equal problems and 100 drawn per round, a uniform draw repeats ~10 of the previous
    round's problems; with cooldown each of them has 0.39x the weight, so ~4 repeat.
    """
    n = 1000
    on = SelectionEngine(["s"] * n, [1] * n, SelectionConfig(thompson=False, seed=2))
    off = SelectionEngine(["s"] * n, [1] * n, SelectionConfig(thompson=False, seed=2, cooldown=0.0))
    rep_on = rep_off = 0
    for r in range(1, 21):
        prev_on, prev_off = on.draw(100, r - 1), off.draw(100, r - 1)
        rep_on += len(np.intersect1d(prev_on, on.draw(100, r)))
        rep_off += len(np.intersect1d(prev_off, off.draw(100, r)))
    assert rep_off / 20 == pytest.approx(10, abs=3)
    assert rep_on / 20 == pytest.approx(4, abs=2)


def test_longer_responses_break_ties():
    """Two equally solved problems: the one with more steps and tokens ranks 1, the other 0.

    Weight ratio (1 + lambda * 1) / (1 + lambda * 0) = 1.05 with lambda = 0.05 (epsilon = 0).
    Problems 2 and 3 were never tried: they take the cell's means (5 steps, 255 tokens), which rank
    strictly between, and the cell's pass rate 0.5, so they weigh between problems 0 and 1.
    """
    e = SelectionEngine(["s"] * 4, [1] * 4, SelectionConfig(thompson=False, cooldown=0.0, epsilon=0.0,
                                                            estimator="beta"))
    e.report([0] * 4 + [1] * 4, [1, 0, 1, 0] * 2, 0, n_tokens=[10] * 4 + [500] * 4, n_steps=[1] * 4 + [9] * 4)
    w = e.weights(1)
    assert w[1] / w[0] == pytest.approx(1.05, rel=1e-4)
    assert w[0] < w[2] < w[1]


def test_curriculum_moves_easy_to_hard():
    """Levels 1..5; target level 1 at round 0 and 5 at round curriculum_rounds (= 10 here)."""
    levels = [1, 2, 3, 4, 5] * 20
    e = SelectionEngine(["s"] * 100, levels, SelectionConfig(policy="curriculum", curriculum_rounds=10))
    lv = np.array(levels)
    assert lv[e.draw(10, 0)].mean() < 2
    assert lv[e.draw(10, 10)].mean() > 4


def _run_learner(policy, rounds=30, batch=64, seed=0):
    """A fixed learner (true pass rate set by level), driven only through the public contract."""
    n = 1500
    levels = [1 + (i % 3) * 2 for i in range(n)]  # levels 1, 3, 5
    true_p = np.array([{1: 0.98, 3: 0.5, 5: 0.02}[lv] for lv in levels])
    skills = [f"s{i % 5}" for i in range(n)]
    e = SelectionEngine(skills, levels, SelectionConfig(policy=policy, seed=seed))
    rng = np.random.default_rng(seed)
    shares = []
    for r in range(rounds):
        idx = e.draw(batch, r)
        rep = np.repeat(idx, G)
        e.report(rep, (rng.random(len(rep)) < true_p[rep]).astype(float), r)
        shares.append(e.summary()["informative_share"])
    return float(np.mean(shares[rounds // 2:]))


def test_sai_dpo_finds_the_informative_problems():
    """Levels 1/3/5 have true pass rates 0.98/0.5/0.02 (a third of the pool each), G = 8.

    Chance a group is mixed: f(0.98) = f(0.02) = 1 - 0.98^8 - 0.02^8 = 0.149, f(0.5) = 0.992, so a
    uniform draw has (0.149 + 0.992 + 0.149) / 3 = 0.43 informative groups. Once the level-3 cells
    are known to sit at 0.5, SAI-DPO puts most mass there: with a share s of draws at level 3 the
    informative share is 0.992 s + 0.149 (1 - s); s >= 0.75 gives >= 0.78.
    """
    uniform = _run_learner("uniform")
    sai = _run_learner("sai_dpo")
    assert uniform == pytest.approx(0.43, abs=0.06)
    assert sai > 0.75




@pytest.mark.parametrize("successes, attempts", [(2, 160), (3, 200)])
def test_a_nearly_hopeless_pool_still_ranks_by_learnability(successes, attempts):
    """Every problem solved about 1.3% of the time: the raw peak factor (4pq)**32 is ~1e-42 for the
    whole pool, under float32's normal range, and 1 / sum overflows. The weights must stay a finite
    distribution (not NaN, not a uniform fallback) and still favour problem 0, solved three times as often."""
    n = 40
    engine = SelectionEngine(["a"] * n, [1] * n, SelectionConfig())
    idx = np.repeat(np.arange(n), attempts)
    rewards = np.zeros(len(idx))
    for i in range(n):
        rewards[i * attempts: i * attempts + successes * (3 if i == 0 else 1)] = 1
    engine.report(idx, rewards, round=0)
    w = engine.weights(1)
    assert np.isfinite(w).all() and abs(float(w.sum()) - 1) < 1e-5
    assert int(np.argmax(w)) == 0 and w[0] > 5 * np.median(w)
    assert len(set(engine.draw(8, round=1).tolist())) == 8


def test_a_uniformly_hopeless_pool_keeps_finite_weights():
    """40 problems, each solved 2 times in 160: every score is ~1e-42 (float32 subnormal); the
    normalisation 1 / sum would overflow to inf and turn the weights into NaN."""
    n, attempts = 40, 160
    engine = SelectionEngine(["a"] * n, [1] * n, SelectionConfig())
    rewards = np.tile(np.r_[np.ones(2), np.zeros(attempts - 2)], n)
    engine.report(np.repeat(np.arange(n), attempts), rewards, round=0)
    w = engine.weights(1)
    assert np.isfinite(w).all() and abs(float(w.sum()) - 1) < 1e-5
