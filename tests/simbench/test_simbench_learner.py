"""The simulated learner behaves as specified: variance teaches, all-same groups do not, transfer, forgetting."""

import numpy as np
import pytest

from eval.simbench.learner import LearnerConfig, SimLearner, make_world


def _learner(**kw):
    cfg = LearnerConfig(n_pool=300, **kw)
    return SimLearner(make_world(cfg, seed=3), seed=3)


def _one_of_skill(lr, skill):
    return np.flatnonzero(lr.world.skill == skill)[:1]


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_all_same_group_teaches_nothing(value):
    lr = _learner()
    before_theta, before_mem = lr.theta.copy(), lr.memory.copy()
    idx = np.arange(10)
    lr.learn(idx, np.full((10, 8), value))
    # Abilities start at theta0, so forgetting (relaxing toward theta0) moves nothing either.
    np.testing.assert_array_equal(lr.theta, before_theta)
    np.testing.assert_array_equal(lr.memory, before_mem)


def test_mixed_group_moves_its_skill_and_neighbours_by_hand_computed_amounts():
    """One group of 8 with 4 right: variance 0.5 * 0.5 = 0.25, batch of 1.

    Own skill gains eta * 0.25 = 0.3 * 0.25 = 0.075; each ring neighbour gains transfer times that,
    0.25 * 0.075 = 0.01875; a skill two steps away gets nothing from transfer and, being unpractised
    but still at its starting ability, does not forget either.
    """
    lr = _learner(learning_rate=0.3, transfer=0.25)
    idx = _one_of_skill(lr, 0)
    theta0 = lr.theta.copy()
    lr.learn(idx, np.array([[1, 1, 1, 1, 0, 0, 0, 0]], float))
    gain = lr.theta - theta0
    assert gain[0] == pytest.approx(0.075)
    assert gain[1] == pytest.approx(0.01875)
    assert gain[5] == pytest.approx(0.01875)
    assert gain[2] == pytest.approx(0.0) and gain[3] == pytest.approx(0.0)
    assert lr.memory[idx[0]] == pytest.approx(1.0 * 0.25)


def test_higher_variance_teaches_more():
    a, b = _learner(), _learner()
    idx = _one_of_skill(a, 2)
    a.learn(idx, np.array([[1, 0, 0, 0, 0, 0, 0, 0]], float))   # variance 7/64
    b.learn(idx, np.array([[1, 1, 1, 1, 0, 0, 0, 0]], float))   # variance 16/64
    assert b.theta[2] - b.world.theta0[2] > a.theta[2] - a.world.theta0[2] > 0


def test_unpractised_skills_forget_toward_their_start_and_practised_do_not():
    """Raise every ability by 1, then train skill 0 only.

    An all-same group has no gradient, so it practises nothing: after one such step every skill's
    gain of 1 shrinks by the forgetting rate, to 1 - 0.01. A mixed group on skill 0 practises it:
    skill 0 keeps its gain (plus what the group taught) while the others fade again, to 0.99^2.
    """
    lr = _learner(forgetting=0.01, learning_rate=0.0)
    lr.theta += 1.0
    lr.learn(_one_of_skill(lr, 0), np.ones((1, 8)))
    np.testing.assert_allclose(lr.theta - lr.world.theta0, 0.99)
    lr.learn(_one_of_skill(lr, 0), np.array([[1.0, 0.0] * 4]))
    gain = lr.theta - lr.world.theta0
    assert gain[0] == pytest.approx(0.99)
    np.testing.assert_allclose(gain[1:], 0.99**2)
    for _ in range(200):
        lr.learn(_one_of_skill(lr, 0), np.array([[1.0, 0.0] * 4]))
    assert (lr.theta[1:] - lr.world.theta0[1:] < 0.2).all()
    assert lr.theta[0] - lr.world.theta0[0] == pytest.approx(0.99)


def test_pass_rates_follow_the_irt_curve_and_rollouts_match_them():
    lr = _learner()
    w = lr.world
    i = 5
    expected = 1 / (1 + np.exp(-w.slope[i] * (lr.theta[w.skill[i]] - w.difficulty[i])))
    assert lr.pass_rates([i])[0] == pytest.approx(expected)
    rewards = lr.rollout(np.full(4000, i), 8)
    assert set(np.unique(rewards)) <= {0.0, 1.0}
    assert rewards.mean() == pytest.approx(expected, abs=0.01)


def test_levels_track_difficulty_but_not_exactly():
    w = make_world(LearnerConfig(n_pool=3000, label_noise=0.5), seed=0)
    corr = np.corrcoef(w.level, w.difficulty)[0, 1]
    assert 0.8 < corr < 0.99
    noisy = make_world(LearnerConfig(n_pool=3000, label_noise=1.5), seed=0)
    assert np.corrcoef(noisy.level, noisy.difficulty)[0, 1] < corr - 0.2


def test_heldout_accuracy_is_exact_and_rises_with_ability():
    lr = _learner()
    skill, b, a = lr.world.heldout["aime"]
    acc = lr.heldout_accuracy()
    assert acc["aime"] == pytest.approx(np.mean(1 / (1 + np.exp(-a * (lr.theta[skill] - b)))))
    assert acc["mean"] == pytest.approx((acc["aime"] + acc["math"]) / 2)
    assert acc["aime"] < acc["math"]  # the AIME-like set is harder
    lr.theta += 0.5
    assert lr.heldout_accuracy()["mean"] > acc["mean"]


def test_skills_start_at_different_abilities_and_worlds_are_deterministic():
    w1, w2 = make_world(LearnerConfig(n_pool=200), 4), make_world(LearnerConfig(n_pool=200), 4)
    assert len(set(np.round(w1.theta0, 6))) == 6
    np.testing.assert_array_equal(w1.difficulty, w2.difficulty)


def test_config_errors_use_house_wording():
    with pytest.raises(ValueError, match="The 'forgetting' parameter of LearnerConfig must be"):
        LearnerConfig(forgetting=1.5)
    with pytest.raises(ValueError, match="'level_weights'"):
        LearnerConfig(level_weights=(1, 1))


def test_given_skills_levels_and_topic_transfer():
    """Skills 0 and 1 share topic 0, skill 2 is alone: an update on skill 0 reaches 1, not 2."""
    cfg = LearnerConfig(n_pool=6, n_skills=3, transfer=0.5)
    w = make_world(cfg, 0, skills=[0, 0, 1, 1, 2, 2], levels=[1, 2, 3, 4, 5, 5], topics=[0, 0, 1])
    assert w.skill.tolist() == [0, 0, 1, 1, 2, 2] and w.level.tolist() == [1, 2, 3, 4, 5, 5]
    np.testing.assert_allclose(w.transfer, [[1, 0.5, 0], [0.5, 1, 0], [0, 0, 1]])
    lr = SimLearner(w, 0)
    lr.learn([0], np.array([[1, 0, 1, 0]], float))      # variance 0.25, eta 0.3 -> 0.075, half to skill 1
    np.testing.assert_allclose(lr.theta - w.theta0, [0.075, 0.0375, 0.0])
    with pytest.raises(ValueError, match="'skills' parameter of make_world"):
        make_world(cfg, 0, skills=[0, 0, 9, 1, 2, 2])


def test_an_empty_batch_trains_nothing_and_every_skill_forgets():
    """DAPO can end a step with no kept group: learning is 0 and every skill fades by the rate."""
    lr = _learner(forgetting=0.01)
    lr.theta += 1.0
    assert lr.learn(np.zeros(0, np.int64), np.zeros((0, 8))) == 0.0
    np.testing.assert_allclose(lr.theta - lr.world.theta0, 0.99)
