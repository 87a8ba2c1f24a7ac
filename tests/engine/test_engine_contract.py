"""The contract every selection policy keeps (STYLE.md practice 6); new policies join via POLICIES."""

import copy
import json

import numpy as np
import pytest

from sai_dpo import POLICIES, InvalidInputError, SelectionConfig, SelectionEngine

ALL = sorted(POLICIES)


def _pool(n=300):
    skills = [["alg", "geo", "nt"][i % 3] for i in range(n)]
    levels = [1 + (i // 3) % 5 for i in range(n)]
    return skills, levels


def _engine(policy, n=300, **kw):
    skills, levels = _pool(n)
    return SelectionEngine(skills, levels, SelectionConfig(policy=policy, seed=7, **kw))


def _play(engine, rounds=3, n=16, g=4, seed=0):
    """Draw, then report G rollouts per problem with skill-dependent success."""
    rng = np.random.default_rng(seed)
    for r in range(rounds):
        idx = engine.draw(n, r)
        rep = np.repeat(idx, g)
        rewards = (rng.random(len(rep)) < 0.3 + 0.2 * (rep % 3)).astype(float)
        engine.report(rep, rewards, r, n_tokens=rng.integers(10, 200, len(rep)), n_steps=rng.integers(1, 9, len(rep)))


@pytest.mark.parametrize("policy", ALL)
def test_same_seed_same_draws(policy):
    a, b = _engine(policy), _engine(policy)
    _play(a)
    _play(b)
    assert np.array_equal(a.draw(32, 5), b.draw(32, 5))


@pytest.mark.parametrize("policy", ALL)
def test_repeat_call_same_round_returns_same_indices(policy):
    e = _engine(policy)
    first = e.draw(20, 3)
    e.report(np.repeat(first, 2), np.ones(40), 3)  # state changed in between
    assert np.array_equal(e.draw(20, 3), first)


@pytest.mark.parametrize("policy", ALL)
def test_smaller_draw_same_round_is_a_prefix(policy):
    """Indices come in order of preference and the same round sees the same weights."""
    e = _engine(policy)
    _play(e)
    big = e.draw(40, 7)
    assert np.array_equal(e.draw(15, 7), big[:15])


@pytest.mark.parametrize("policy", ALL)
def test_draws_distinct_in_range(policy):
    e = _engine(policy)
    _play(e)
    for n in (1, 50, 300):
        idx = e.draw(n, 10 + n)
        assert idx.dtype == np.int64 and len(idx) == n
        assert len(np.unique(idx)) == n
        assert idx.min() >= 0 and idx.max() < 300


@pytest.mark.parametrize("policy", ALL)
def test_weights_are_a_distribution(policy):
    e = _engine(policy)
    _play(e)
    w = e.weights(4)
    assert w.shape == (300,)
    assert np.all(np.isfinite(w)) and np.all(w >= 0)
    assert w.sum() == pytest.approx(1.0, abs=1e-9)
    # epsilon-uniform coverage: no problem below eps / N (up to float32 rounding)
    assert w.min() >= e.config.epsilon / 300 * (1 - 1e-5)


@pytest.mark.parametrize("policy", ALL)
def test_unseen_skill_gets_its_prior(policy):
    """Skill 'nt' never reported: its problems of one level share one weight and the prior estimate.

    With thompson=False every policy's weight is a function of (cell estimate, level, history);
    'nt' has no history, so its problems at the same level must weigh the same, and its shrunk
    accuracy equals the prior: no evidence on 'nt' means skill = global estimate.
    """
    skills, levels = _pool()
    e = SelectionEngine(skills, levels, SelectionConfig(policy=policy, seed=1, thompson=False, cooldown=0.0))
    seen = np.array([i for i in range(300) if skills[i] != "nt"][:60])
    e.report(np.repeat(seen, 4), np.tile([1.0, 0.0, 1.0, 1.0], 60), 0)
    w = e.weights(1)
    nt = np.array([i for i in range(300) if skills[i] == "nt"])
    for lv in range(1, 6):
        group = w[nt[np.array(levels)[nt] == lv]]
        assert np.allclose(group, group[0], rtol=1e-6)
    summ = e.summary()
    assert summ["skill_accuracy"]["nt"] == pytest.approx(summ["global_accuracy"])
    rows = [r for r in e.table() if r["skill"] == "nt"]
    assert all(r["attempts"] == 0 and r["accuracy"] is None for r in rows)


@pytest.mark.parametrize("policy", ALL)
def test_state_dict_round_trip_identical_draws(policy, tmp_path):
    a = _engine(policy)
    _play(a)
    sd = a.state_dict()
    np.savez(tmp_path / "s.npz", **sd)
    b = _engine(policy)
    b.load_state_dict(dict(np.load(tmp_path / "s.npz")))
    for r in (2, 3, 4):  # includes the last drawn round (served from the saved draw)
        assert np.array_equal(a.draw(24, r), b.draw(24, r))
    _play(a, rounds=2, seed=5)
    _play(b, rounds=2, seed=5)
    assert np.array_equal(a.draw(24, 9), b.draw(24, 9))
    assert a.table() == b.table()


@pytest.mark.parametrize("policy", ALL)
def test_inputs_not_mutated(policy):
    skills, levels = _pool()
    skills_copy, levels_copy = copy.deepcopy(skills), copy.deepcopy(levels)
    e = SelectionEngine(skills, levels, SelectionConfig(policy=policy))
    idx = np.array([3, 3, 5, 7], dtype=np.int32)
    rew = np.array([1.0, 0.0, 0.5, 1.0])
    tok, steps = np.array([10, 20, 30, 40]), np.array([1, 2, 3, 4])
    keep = [x.copy() for x in (idx, rew, tok, steps)]
    e.report(idx, rew, 0, n_tokens=tok, n_steps=steps)
    drawn = e.draw(5, 1)
    drawn[:] = -1  # the caller owns the returned array
    assert e.draw(5, 1).min() >= 0
    assert skills == skills_copy and levels == levels_copy
    for before, after in zip(keep, (idx, rew, tok, steps), strict=True):
        assert np.array_equal(before, after)
    sd = e.state_dict()
    sd["attempts"][:] = 99  # mutating a state dict must not reach the engine
    assert e.table()[0]["attempts"] < 99


def _snapshot(e):
    sd = e.state_dict()
    return {k: (v.tobytes() if k != "meta" else str(v)) for k, v in sd.items()}


BAD_REPORTS = [
    ("mismatched", dict(indices=[0, 1, 2], rewards=[1.0, 0.0]), "one entry per reported index"),
    ("above one", dict(indices=[0, 1], rewards=[1.0, 1.5]), r"\[0, 1\]"),
    ("negative reward", dict(indices=[0, 1], rewards=[-0.1, 1.0]), r"\[0, 1\]"),
    ("nan", dict(indices=[0, 1], rewards=[np.nan, 1.0]), "finite"),
    ("unknown index", dict(indices=[0, 300], rewards=[1.0, 1.0]), "unknown indices"),
    ("negative index", dict(indices=[-1], rewards=[1.0]), "unknown indices"),
    ("float index", dict(indices=[0.5], rewards=[1.0]), "integer"),
    ("negative tokens", dict(indices=[0], rewards=[1.0], n_tokens=[-3]), "non-negative"),
    ("steps length", dict(indices=[0, 1], rewards=[1.0, 0.0], n_steps=[2]), "one entry per"),
    ("2-D", dict(indices=[[0, 1]], rewards=[[1.0, 0.0]]), "1-D"),
]


@pytest.mark.parametrize("policy", ALL)
@pytest.mark.parametrize("case", BAD_REPORTS, ids=[c[0] for c in BAD_REPORTS])
def test_bad_reports_raise_and_leave_state(policy, case):
    _, kwargs, match = case
    e = _engine(policy)
    _play(e, rounds=1)
    before = _snapshot(e)
    with pytest.raises(InvalidInputError, match=match):
        e.report(round=1, **kwargs)
    assert _snapshot(e) == before


@pytest.mark.parametrize("policy", ALL)
def test_bad_draws_and_pools_raise(policy):
    e = _engine(policy)
    with pytest.raises(InvalidInputError, match="pool size"):
        e.draw(301, 0)
    with pytest.raises(InvalidInputError, match="round"):
        e.draw(3, -1)
    with pytest.raises(InvalidInputError, match="round"):
        e.report([0], [1.0], round=1.5)
    with pytest.raises(InvalidInputError, match="empty"):
        SelectionEngine([], [], SelectionConfig(policy=policy))
    with pytest.raises(InvalidInputError, match="one entry per problem"):
        SelectionEngine(["a", "b"], [1], SelectionConfig(policy=policy))
    with pytest.raises(ValueError, match="levels"):
        SelectionEngine(["a"], ["hard"], SelectionConfig(policy=policy))


@pytest.mark.parametrize("policy", ALL)
def test_load_state_from_other_pool_rejected(policy):
    a = _engine(policy, n=300)
    b = _engine(policy, n=303)
    sd = a.state_dict()
    before = _snapshot(b)
    with pytest.raises(InvalidInputError, match="another pool"):
        b.load_state_dict(sd)
    assert _snapshot(b) == before


@pytest.mark.parametrize("policy", ALL)
def test_table_and_summary_are_json(policy):
    e = _engine(policy)
    _play(e)
    rows = e.table()
    assert len(rows) == 15  # 3 skills x 5 levels
    assert sum(r["n_problems"] for r in rows) == 300
    assert sum(r["draw_share"] for r in rows) == pytest.approx(1.0)
    summ = e.summary()
    json.dumps(rows)
    json.dumps(summ)
    assert summ["n_outcomes"] == 3 * 16 * 4
    assert 0 < summ["draw_entropy_ratio"] <= 1 + 1e-9
    assert 0 <= summ["informative_share"] <= 1
    assert sum(summ["draw_share"].values()) == pytest.approx(1.0)
    assert all("|" in k for k in summ["draw_share"])


def test_registry_names_match_classes():
    for name, cls in POLICIES.items():
        assert cls.name == name
