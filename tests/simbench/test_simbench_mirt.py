"""The second simulated learner (dynamics "mirt"): 3PL guessing floor, GRPO's std-normalised signal,
zero learning from all-same groups, topic transfer and interference, saturation, repeat wear-out."""

import dataclasses

import numpy as np
import pytest

from eval.simbench import (
    BenchSizes,
    MirtConfig,
    MirtLearner,
    get_dynamics,
    get_scenarios,
    make_mirt_world,
    run_benchmark,
)

BIG_ROOM = (1e6, 1e6)   # no saturation, for exact hand computations


def _learner(n_skills=4, seed=3, **kw):
    cfg = MirtConfig(n_skills=n_skills, n_pool=200, **kw)
    return MirtLearner(make_mirt_world(cfg, seed=seed), seed=seed)


def _fix_problem(lr, i, skill, second, load, guess, at_ability=True):
    """Give pool problem ``i`` fixed skills, loading and guessing; put its difficulty at the learner's
    current effective ability (so its knowledge part is sigmoid(0) = 0.5) when ``at_ability``."""
    it = lr.world.items
    arrays = {k: getattr(it, k).copy() for k in ("skill", "second", "load", "guess", "difficulty")}
    arrays["skill"][i], arrays["second"][i], arrays["load"][i], arrays["guess"][i] = skill, second, load, guess
    if at_ability:
        arrays["difficulty"][i] = (1 - load) * lr.theta[skill] + load * lr.theta[second]
    lr.world = dataclasses.replace(lr.world, items=dataclasses.replace(it, **arrays))


def test_guessing_floor_on_multiple_choice_problems():
    """p = c + (1 - c) sigmoid(a (theta_eff - b)). At theta_eff = b: 0.2 + 0.8 * 0.5 = 0.6 for a
    multiple-choice problem, 0.5 for an open one; with abilities far below, p -> c (0.2 or 0)."""
    lr = _learner()
    _fix_problem(lr, 0, 0, 1, 0.3, 0.2)
    _fix_problem(lr, 1, 0, 1, 0.3, 0.0)
    assert lr.pass_rates([0, 1]) == pytest.approx([0.6, 0.5])
    lr.theta -= 50.0
    mc = lr.world.items.guess > 0
    assert 0.15 < mc.mean() < 0.45                       # mc_share 0.3 of the pool
    np.testing.assert_allclose(lr.pass_rates()[mc], 0.2, atol=1e-6)
    np.testing.assert_allclose(lr.pass_rates()[~mc], 0.0, atol=1e-6)


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_all_same_group_changes_nothing(value):
    """GRPO's advantage is zero for an all-same group: no ability, interference or exposure moves."""
    lr = _learner(n_skills=6)
    lr.theta += 0.7   # away from the start, so saturation or drift would show if anything moved
    theta, exposures = lr.theta.copy(), lr.exposures.copy()
    assert lr.learn(np.arange(20), np.full((20, 8), value)) == 0.0
    np.testing.assert_array_equal(lr.theta, theta)
    np.testing.assert_array_equal(lr.exposures, exposures)


def test_extreme_abilities_stay_finite():
    """Far below every open problem p underflows to 0: an all-wrong group must not turn 0 / 0 into nan."""
    lr = _learner()
    lr.theta -= 1e4
    with np.errstate(all="raise"):
        rewards = lr.rollout(np.arange(50), 8)
        lr.learn(np.arange(50), rewards)
        assert np.isfinite(lr.theta).all() and np.isfinite(lr.heldout_accuracy()["mean"])


def test_learning_rule_by_hand():
    """Four skills in topics {0, 1} and {2, 3}; eta 0.15, transfer 0.2, interference 0.05.

    One open problem, primary skill 0, secondary 2 with loading 0.25; 4 of 8 right: q = 0.5, advantage
    mass 2 sqrt(0.25) = 1, batch of 1, so direct = (0.75, 0, 0.25, 0). Each skill t gains
    eta * sum_s M[s, t] direct_s:
      skill 0: 0.15 * (0.75 - 0.05 * 0.25)        = 0.15 * 0.7375 = 0.110625
      skill 1: 0.15 * (0.2 * 0.75 - 0.05 * 0.25)  = 0.15 * 0.1375 = 0.020625
      skill 2: 0.15 * (-0.05 * 0.75 + 0.25)       = 0.15 * 0.2125 = 0.031875
      skill 3: 0.15 * (-0.05 * 0.75 + 0.2 * 0.25) = 0.15 * 0.0125 = 0.001875
    """
    lr = _learner(learning_rate=0.15, transfer=0.2, interference=0.05, headroom=BIG_ROOM)
    _fix_problem(lr, 0, 0, 2, 0.25, 0.0)
    before = lr.theta.copy()
    assert lr.learn([0], np.array([[1, 1, 1, 1, 0, 0, 0, 0]], float)) == pytest.approx(1.0)
    np.testing.assert_allclose(lr.theta - before, [0.110625, 0.020625, 0.031875, 0.001875])
    assert lr.exposures[0] == 1


def test_practising_one_topic_hurts_the_other_topic():
    """Loading 0 (one skill): skill 0 gains eta, its topic mate 1 gains 0.2 eta, skills 2 and 3 of the
    other topic lose 0.05 eta each."""
    lr = _learner(learning_rate=0.1, headroom=BIG_ROOM)
    _fix_problem(lr, 0, 0, 2, 0.0, 0.0)
    before = lr.theta.copy()
    lr.learn([0], np.array([[1, 1, 1, 1, 0, 0, 0, 0]], float))
    np.testing.assert_allclose(lr.theta - before, [0.1, 0.02, -0.005, -0.005])


def test_signal_is_std_normalised_not_variance():
    """1 of 8 right vs 4 of 8: the signal ratio is 2 sqrt(7/64) / 1 = sqrt(7) / 4 = 0.661 (the
    variance ratio would be 7/16 = 0.4375)."""
    gains = []
    for k in (1, 4):
        lr = _learner(headroom=BIG_ROOM)
        _fix_problem(lr, 0, 1, 3, 0.0, 0.0)
        before = lr.theta[1]
        lr.learn([0], np.array([[1] * k + [0] * (8 - k)], float))
        gains.append(lr.theta[1] - before)
    assert gains[0] / gains[1] == pytest.approx(np.sqrt(7) / 4)


def test_lucky_guesses_teach_less():
    """Multiple choice, c = 0.2, at theta_eff = b: p = 0.6 of which 0.8 * 0.5 = 0.4 is knowledge, so
    the same 4-of-8 group teaches 0.4 / 0.6 = 2/3 of what it teaches on an open problem."""
    gains = []
    for guess in (0.0, 0.2):
        lr = _learner(headroom=BIG_ROOM)
        _fix_problem(lr, 0, 2, 0, 0.0, guess)
        before = lr.theta[2]
        lr.learn([0], np.array([[1, 0] * 4], float))
        gains.append(lr.theta[2] - before)
    assert gains[1] / gains[0] == pytest.approx(2 / 3)


def test_repeats_wear_out_and_only_informative_exposures_count():
    """repeat_scale 3: the 2nd informative exposure teaches 1 / (1 + 1/3) = 0.75 of the 1st, the 3rd
    1 / (1 + 2/3) = 0.6. An all-same group in between is not an exposure."""
    lr = _learner(repeat_scale=3.0, headroom=BIG_ROOM, interference=0.0)
    _fix_problem(lr, 0, 0, 1, 0.0, 0.0)
    mixed = np.array([[1, 0] * 4], float)
    gains = []
    for rewards in (mixed, mixed, np.ones((1, 8)), mixed):
        before = lr.theta[0]
        lr.learn([0], rewards)
        gains.append(lr.theta[0] - before)
    assert gains[1] / gains[0] == pytest.approx(0.75)
    assert gains[2] == 0.0
    assert gains[3] / gains[0] == pytest.approx(0.6)
    assert lr.exposures[0] == 3


def test_saturation_shrinks_gains_to_zero_at_the_headroom():
    """Room = 1 - gain / headroom: half the headroom used -> half the step; all of it -> no step."""
    gains = []
    for used in (0.0, 0.5, 1.0):
        lr = _learner(interference=0.0)
        _fix_problem(lr, 0, 0, 1, 0.0, 0.0, at_ability=False)
        lr.theta[0] = lr.world.theta0[0] + used * lr.world.headroom[0]
        before = lr.theta[0]
        lr.learn([0], np.array([[1, 0] * 4], float))
        gains.append(lr.theta[0] - before)
    assert gains[1] / gains[0] == pytest.approx(0.5)
    assert gains[2] == 0.0


def test_levels_are_monotone_in_difficulty_only_on_average():
    """Mean difficulty rises with level overall, but some skill's level-to-difficulty map bends."""
    inversions = 0
    for seed in range(5):
        w = make_mirt_world(MirtConfig(n_pool=3000, label_noise=0.0), seed)
        by_level = [w.difficulty[w.level == lv].mean() for lv in range(1, 6)]
        assert np.all(np.diff(by_level) > 0)
        for s in range(6):
            cell = [w.difficulty[(w.skill == s) & (w.level == lv)].mean() for lv in range(1, 6)]
            inversions += int(np.sum(np.diff(cell) < 0))
    assert inversions > 0


def test_heldout_sets_are_exact_and_differ_from_the_pool():
    lr = _learner(n_skills=6)
    aime, math_set = lr.world.heldout["aime"], lr.world.heldout["math"]
    assert (aime.guess == 0).all() and np.allclose(aime.load, 0.5)   # hard, two skills, no guessing
    assert 0.2 < (math_set.guess > 0).mean() < 0.4
    acc = lr.heldout_accuracy()
    eff = 0.5 * lr.theta[aime.skill] + 0.5 * lr.theta[aime.second]
    assert acc["aime"] == pytest.approx(np.mean(1 / (1 + np.exp(-aime.slope * (eff - aime.difficulty)))))
    assert acc["aime"] < acc["math"] and acc["mean"] == pytest.approx((acc["aime"] + acc["math"]) / 2)
    assert lr.skill_accuracy().shape == (6,)
    lr.theta += 0.5
    assert lr.heldout_accuracy()["mean"] > acc["mean"]


def test_deterministic_by_seed():
    def trajectory(seed):
        lr = _learner(n_skills=6, seed=seed)
        out = []
        for r in range(5):
            idx = np.arange(r * 10, r * 10 + 10)
            rewards = lr.rollout(idx, 8)
            lr.learn(idx, rewards)
            out.append(rewards)
        return np.stack(out), lr.theta.copy()

    (r1, t1), (r2, t2), (r3, _) = trajectory(7), trajectory(7), trajectory(8)
    np.testing.assert_array_equal(r1, r2)
    np.testing.assert_array_equal(t1, t2)
    assert not np.array_equal(r1, r3)


def test_config_and_dynamics_errors_teach():
    with pytest.raises(ValueError, match="'guess' parameter of MirtConfig must be a number in"):
        MirtConfig(guess=1.0)
    with pytest.raises(ValueError, match="'dynamics' parameter .* one of \\['irt', 'mirt'\\]"):
        get_dynamics("nope")
    with pytest.raises(ValueError, match="must be a MirtConfig for dynamics 'mirt'. Got a LearnerConfig"):
        from eval.simbench import LearnerConfig

        run_benchmark(get_scenarios(["balanced"]), ["uniform"], seeds=1, learner=LearnerConfig(), dynamics="mirt")


def test_harness_runs_the_mirt_learner_through_the_public_contract():
    """Same seeds and budget as the irt learner, different worlds; every peer spends the budget."""
    sizes = BenchSizes(batch_size=8, rounds=10, n_pool=200)
    policies = ["uniform", "sai_dpo", "oracle", "dapo"]
    res = run_benchmark(get_scenarios(["balanced", "one_label"]), policies, seeds=2, sizes=sizes, workers=1,
                        progress=False, dynamics="mirt")
    irt = run_benchmark(get_scenarios(["balanced"]), ["uniform"], seeds=1, sizes=sizes, workers=1, progress=False)
    assert len(res) == 2 * 4 * 2
    for r in res:
        assert r.rollouts[-1] <= r.budget == 10 * 8 * 8
        if r.policy != "dapo":
            assert r.rollouts[-1] == r.budget
    start = {r.accuracy[0] for r in res if r.seed == 0}
    assert len(start) == 1 and start != {irt[0].accuracy[0]}   # one mirt world per seed, not the irt one
    oracle = [r for r in res if r.policy == "oracle" and r.scenario == "balanced"]
    uniform = [r for r in res if r.policy == "uniform" and r.scenario == "balanced"]
    assert np.mean([r.informative_share for r in oracle]) > np.mean([r.informative_share for r in uniform])


def test_cli_dynamics_flag_and_learner_overrides(tmp_path, capsys):
    from sai_dpo.cli import main

    args = ["bench", "select", "--quick", "--out", str(tmp_path), "--seeds", "1", "--rounds", "3", "--pool-size", "80",
            "--batch-size", "4", "--scenarios", "balanced", "--policies", "uniform,sai_dpo;coverage=false",
            "--workers", "1", "--no-progress", "--dynamics", "mirt"]
    assert main(args + ["--learner", "guess=0.25;repeat_scale=5"]) == 0
    md = (tmp_path / "report.md").read_text()
    assert "| dynamics | mirt: two-skill 3PL" in md and "MirtConfig(" in md and "guess=0.25" in md
    assert "| sai_dpo:coverage=false |" in md
    assert main(args + ["--learner", "memorization=0"]) == 2   # a SimLearner field, not a MirtConfig one
    assert "--learner 'memorization=0': unknown MirtConfig field(s) 'memorization'" in capsys.readouterr().err
