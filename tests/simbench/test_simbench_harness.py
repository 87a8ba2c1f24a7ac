"""Harness: budget accounting (DAPO pays for dropped groups), oracle ceiling, delay, policy specs."""

import numpy as np
import pytest

from eval.simbench import (
    BenchSizes,
    DynamicSampling,
    LearnerConfig,
    SimLearner,
    budget_of,
    get_scenarios,
    make_world,
    parse_policy_spec,
    run_benchmark,
    run_one,
)
from eval.simbench.harness import _Task
from eval.simbench.scenarios import SCENARIOS

TINY = BenchSizes(batch_size=8, rounds=12, n_pool=200)


def test_dynamic_sampling_pays_for_dropped_groups():
    """Budget 10 batches of 8 groups x 8 rollouts = 640. Every generated group is paid for, kept or not."""
    lr = SimLearner(make_world(LearnerConfig(n_pool=200), 0), 0)
    ds = DynamicSampling(200, seed=0, max_batches=10)
    idx, rewards, n_groups, n_mixed, used = ds.collect(lr, batch_size=8, group_size=8, budget_left=640)
    assert used == n_groups * 8
    assert used > idx.size * 8          # some all-same groups were dropped and still cost rollouts
    assert idx.size == min(8, n_mixed)
    assert (rewards.min(axis=1) != rewards.max(axis=1)).all()   # only mixed groups are kept
    assert len(set(idx.tolist())) == idx.size                   # candidate batches are distinct problems


def test_dynamic_sampling_never_overspends():
    lr = SimLearner(make_world(LearnerConfig(n_pool=200), 0), 0)
    lr.theta += 5.0   # nearly everything is solved: almost all groups are all-right
    ds = DynamicSampling(200, seed=0, max_batches=50)
    _, _, n_groups, _, used = ds.collect(lr, batch_size=8, group_size=8, budget_left=200)
    assert used <= 200 and used == n_groups * 8 and used == 192  # 3 batches of 64 fit, a 4th does not


def test_dapo_run_stays_within_budget_and_counts_every_rollout():
    res = run_one(_Task(SCENARIOS["balanced"], "dapo", 0, TINY))
    assert res.budget == budget_of(TINY) == 12 * 8 * 8
    assert res.rollouts[-1] <= res.budget
    assert res.rollouts[-1] == res.n_groups * 8       # dropped groups included
    assert np.all(np.diff(res.rollouts) > 0)


def test_oracle_picks_the_most_uncertain_problems():
    from eval.simbench.peers import OracleSelector

    lr = SimLearner(make_world(LearnerConfig(n_pool=200), 1), 1)
    sel = OracleSelector(lr, 0)
    idx = sel.draw(10, 0)
    p = lr.pass_rates()
    assert len(set(idx.tolist())) == 10
    assert (p[idx] * (1 - p[idx])).min() >= np.sort(p * (1 - p))[-10] - 1e-6


def test_oracle_beats_uniform_on_a_small_run():
    res = run_benchmark(get_scenarios(["balanced"]), ["uniform", "oracle"], seeds=2, sizes=TINY,
                        workers=1, progress=False)
    final = {}
    for r in res:
        final.setdefault(r.policy, []).append(r.accuracy[-1])
        assert r.rollouts[-1] == r.budget      # fixed-size policies spend exactly the budget
    assert np.mean(final["oracle"]) > np.mean(final["uniform"])
    inf = {r.policy: r.informative_share for r in res if r.seed == 0}
    assert inf["oracle"] > inf["uniform"]


def test_informed_peer_learns_each_problems_difficulty_from_outcomes():
    """After 60 groups of 8 on the problem nearest p = 0.5 (480 outcomes, information ~ 480 x 0.25 x
    a^2 ~ 270 for slope a ~ 1.5, so a posterior sd ~ 0.06 in difficulty), the informed posterior
    concentrates near the true difficulty; and the first problems of a draw come from distinct skills."""
    from eval.simbench.peers import InformedSelector

    lr = SimLearner(make_world(LearnerConfig(n_pool=300), 2), 2)
    sel = InformedSelector(lr, 0)
    i = int(np.argmin(np.abs(lr.pass_rates() - 0.5)))
    idx = np.full(60, i, np.int64)
    sel.observe(idx, lr.rollout(idx, 8))
    post = np.exp(sel._logpost[i] - sel._logpost[i].max())
    mean_b = float((post * sel._b[i]).sum() / post.sum())
    sd_b = float(np.sqrt((post * (sel._b[i] - mean_b) ** 2).sum() / post.sum()))
    assert abs(mean_b - lr.world.difficulty[i]) < 3 * sd_b and sd_b < 0.1
    draw = sel.draw(10, 0)
    assert len(set(draw.tolist())) == 10
    assert len({int(lr.world.skill[i]) for i in draw[:6]}) == 6  # 6 skills


def test_informed_peer_beats_uniform_and_takes_its_overrides():
    res = run_benchmark(get_scenarios(["balanced"]), ["uniform", "informed"], seeds=2, sizes=TINY,
                        workers=1, progress=False)
    final = {}
    for r in res:
        final.setdefault(r.policy, []).append(r.accuracy[-1])
        assert r.rollouts[-1] == r.budget
    assert np.mean(final["informed"]) > np.mean(final["uniform"])
    assert run_one(_Task(SCENARIOS["balanced"], "informed:sharpness=8", 0, TINY)).rollouts[-1] == budget_of(TINY)
    with pytest.raises(TypeError, match="bogus"):
        run_one(_Task(SCENARIOS["balanced"], "informed:bogus=1", 0, TINY))


def test_delayed_feedback_reports_one_round_late():
    """With delay, round r is drawn before round r-1 is reported; every round is still trained on."""

    class Spy:
        def __init__(self):
            self.log = []

        def draw(self, n, round):
            self.log.append(("draw", round))
            return np.arange(n)

        def report(self, indices, rewards, round):
            self.log.append(("report", round))

    from eval.simbench.harness import _Recorder, _run_selector

    for delay, expected in [(False, [("draw", 0), ("report", 0), ("draw", 1), ("report", 1)]),
                            (True, [("draw", 0), ("draw", 1), ("report", 0), ("report", 1)])]:
        spy = Spy()
        lr = SimLearner(make_world(LearnerConfig(n_pool=200), 0), 0)
        sc = SCENARIOS["delayed"] if delay else SCENARIOS["balanced"]
        rec = _Recorder(lr)
        _run_selector(spy, lr, rec, _Task(sc, "x", 0, TINY), budget=2 * 8 * 8)
        assert spy.log == expected
        assert len(rec.points) == 3   # start + two training steps


def test_group_size_changes_rounds_not_budget():
    g4 = run_one(_Task(SCENARIOS["g4"], "oracle", 0, TINY))
    g16 = run_one(_Task(SCENARIOS["g16"], "oracle", 0, TINY))
    assert g4.rollouts[-1] == g16.rollouts[-1] == budget_of(TINY)
    assert len(g4.rollouts) - 1 == 24 and len(g16.rollouts) - 1 == 6


def test_policy_specs_parse_and_reject_unknown_names():
    assert parse_policy_spec("sai_dpo:tau=inf,half_life=8,thompson=false") == (
        "sai_dpo", {"tau": float("inf"), "half_life": 8, "thompson": False})
    with pytest.raises(ValueError, match="'policy' parameter"):
        parse_policy_spec("random")
    with pytest.raises(ValueError, match="key=value"):
        parse_policy_spec("sai_dpo:tau")


def test_clustered_scenario_uses_true_skills_for_the_learner_and_clusters_for_the_engine():
    from eval.simbench._cluster import clustered_labels, is_available

    assert is_available()
    cl = clustered_labels(120, seed=0)
    assert cl.true_skills.shape == (120,) and len(cl.shown) == 120
    assert cl.n_skills == len(set(cl.true_skills.tolist())) > 1
    assert cl.ari is not None and cl.ari > 0.2            # clustering recovers real structure
    task = _Task(SCENARIOS["clustered"], "uniform", 0, BenchSizes(batch_size=8, rounds=3, n_pool=120), None, cl)
    res = run_one(task)
    assert res.label_ari == cl.ari and res.rollouts[-1] == res.budget


def test_sai_dpo_beats_uniform_with_the_same_rollouts():
    """The product's claim in miniature: same worlds (seeds), same budget, SAI-DPO's final held-out
    accuracy and informative-group share above uniform's on every seed (a paired comparison)."""
    sizes = BenchSizes(batch_size=16, rounds=60, n_pool=600)
    res = run_benchmark(get_scenarios(["balanced"]), ["uniform", "sai_dpo"], seeds=3, sizes=sizes,
                        workers=1, progress=False)
    by = {(r.policy, r.seed): r for r in res}
    for seed in {r.seed for r in res}:
        sai, uni = by[("sai_dpo", seed)], by[("uniform", seed)]
        assert sai.rollouts[-1] == uni.rollouts[-1] == sai.budget
        assert sai.accuracy[-1] > uni.accuracy[-1]
        assert sai.informative_share > uni.informative_share


@pytest.mark.parametrize(("spec", "message"), [
    ("sai_dpo:nosuchfield=1", "Policy 'sai_dpo:nosuchfield=1': policy 'sai_dpo' has no field 'nosuchfield'; "
                              "valid fields: ability_drift, base_accuracy,"),
    ("sai_dpo:tau=0", "Policy 'sai_dpo:tau=0': The 'tau' parameter of SelectionConfig must be a positive number"),
    ("informed:bogus=1", "valid fields: sharpness"),
    ("dapo:max_batches=2", "policy 'dapo' has no field 'max_batches'; valid fields: none (it takes no overrides)"),
])
def test_run_benchmark_checks_every_override_before_any_run(spec, message, monkeypatch):
    """A bad field or value is a ValueError in the calling process (it was a worker's TypeError)."""
    import eval.simbench.harness as harness

    monkeypatch.setattr(harness, "run_one", lambda task: pytest.fail("a run started"))
    with pytest.raises(ValueError) as info:
        run_benchmark(get_scenarios(["balanced"]), ["uniform", spec], seeds=1, sizes=TINY, workers=1, progress=False)
    assert message in str(info.value)


def test_policy_fields_and_overrides():
    from eval.simbench import check_policy, parse_overrides, policy_fields

    assert "tau" in policy_fields("curriculum") and "seed" not in policy_fields("sai_dpo")
    assert policy_fields("informed") == ("sharpness",) and policy_fields("oracle") == policy_fields("dapo") == ()
    assert parse_overrides(["tau=inf", " thompson = false ", "", "estimator=rasch"]) == {
        "tau": float("inf"), "thompson": False, "estimator": "rasch"}
    with pytest.raises(ValueError, match="override '=1' must look like key=value"):
        parse_overrides(["=1"])
    check_policy("sai_dpo", {"tau": float("inf"), "sharpness": 0})
    check_policy("informed", {"sharpness": 8})
    with pytest.raises(ValueError, match="'sharpness' parameter of InformedSelector"):
        check_policy("informed", {"sharpness": "high"})
    with pytest.raises(ValueError, match="unknown policy 'random'; known: sai_dpo, "):
        check_policy("random", {})
