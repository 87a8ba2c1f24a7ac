"""Decay, late and out-of-order reports, informative groups: the tracker's bookkeeping by hand."""

import numpy as np
import pytest

from sai_dpo import SelectionConfig, SelectionEngine

GAMMA = 2 ** (-1 / 50)


def _engine(n=10, **kw):
    return SelectionEngine(["a"] * (n // 2) + ["b"] * (n - n // 2), [1] * n, SelectionConfig(**{"half_life": 50.0, **kw}))


def test_repeated_index_counts_every_rollout():
    """A group of 4 rollouts on problem 2 with rewards 1, 0, 1, 1: 4 attempts, 3 successes."""
    e = _engine()
    e.report([2, 2, 2, 2], [1, 0, 1, 1], round=0)
    t = e.tracker_
    assert t.attempts[2] == 4 and t.successes[2] == 3
    assert e.table()[0]["attempts"] == 4 and e.table()[0]["accuracy"] == 0.75


def test_decay_is_lazy_and_exact():
    """4 attempts at round 0 read at round 50 weigh 4 * gamma^50 = 2 (half-life 50)."""
    e = _engine()
    e.report([1] * 4, [1, 1, 0, 0], round=0)
    a, s = e.tracker_.decayed(50)
    assert a[1] == pytest.approx(2.0, rel=1e-5) and s[1] == pytest.approx(1.0, rel=1e-5)
    a_old, _ = e.tracker_.decayed(0)
    assert a_old[1] == pytest.approx(4.0)  # asking about an older round never inflates evidence


def test_late_report_is_discounted_by_its_age():
    """Round 10 then a late round-4 report: 2 + 2 * gamma^6 attempts, as if it came on time."""
    e = _engine()
    e.report([3, 3], [1, 1], round=10)
    e.report([3, 3], [0, 0], round=4)
    t = e.tracker_
    assert t.attempts[3] == pytest.approx(2 + 2 * GAMMA**6, rel=1e-6)
    assert t.successes[3] == pytest.approx(2, rel=1e-6)
    assert t.ref[3] == 10


def test_out_of_order_equals_in_order():
    """Reports for rounds 1, 5, 3 give the same state as 1, 3, 5 (problems and cells)."""
    batches = {1: ([0, 0, 6], [1, 0, 1]), 3: ([0, 6, 6], [0, 0, 1]), 5: ([6, 7], [1, 1])}
    a, b = _engine(), _engine()
    for r in (1, 3, 5):
        a.report(*batches[r], round=r)
    for r in (1, 5, 3):
        b.report(*batches[r], round=r)
    ta, tb = a.tracker_, b.tracker_
    np.testing.assert_allclose(ta.attempts, tb.attempts, rtol=1e-6)
    np.testing.assert_allclose(ta.successes, tb.successes, rtol=1e-6)
    np.testing.assert_allclose(ta.c_att, tb.c_att, rtol=1e-9)
    np.testing.assert_allclose(ta.c_succ, tb.c_succ, rtol=1e-9)


def test_means_of_tokens_and_steps():
    """Tokens 10 and 30 in round 0, then 50 in round 0: decayed-weighted mean (10 + 30 + 50) / 3 = 30."""
    e = _engine()
    e.report([4, 4], [1, 0], round=0, n_tokens=[10, 30], n_steps=[2, 4])
    e.report([4], [1], round=0, n_tokens=[50], n_steps=[6])
    assert e.tracker_.tokens[4] == pytest.approx(30.0)
    assert e.tracker_.steps[4] == pytest.approx(4.0)
    assert np.isnan(e.tracker_.tokens[5])


def test_informative_share_aggregates_groups_across_calls():
    """Round 2: problem 0 gets 1 then 0 in two calls (one mixed group); problem 1 only 1s; problem 2
    only 0s -> 1 of 3 groups mixed. A late round-1 report does not change it; round 3 resets it."""
    e = _engine()
    assert e.summary()["informative_share"] is None
    e.report([0, 1, 1], [1, 1, 1], round=2)
    e.report([0, 2, 2], [0, 0, 0], round=2)
    assert e.summary()["informative_share"] == pytest.approx(1 / 3)
    e.report([5, 5], [1, 0], round=1)
    assert e.summary()["informative_share"] == pytest.approx(1 / 3)
    e.report([3, 3], [1, 0], round=3)
    s = e.summary()
    assert s["informative_share"] == 1.0 and s["informative_round"] == 3 and s["n_outcomes"] == 10


def test_hierarchical_prior_for_unseen_cell():
    """Skill a only at level 1 (8/8), level 2 only on skill b (0/8): the unseen cell (a, 2) gets
    logit^-1(logit skill_a + logit level_2 - logit global).

    m = 4: global = (8 + 2) / 20 = 0.5; skill a = (8 + 2) / 12 = 0.8333; level 2 = (0 + 2) / 12 =
    0.1667; prior(a, 2) = sigmoid(logit 0.8333 + logit 0.1667 - 0) = sigmoid(0) = 0.5.
    Seen cell (a, 1): level 1 = 10 / 12 too, prior = sigmoid(2 * 1.6094) = 0.9615, so
    estimate = (8 + 4 * 0.9615) / 12 = 0.9872; (b, 2) mirrors it: 0.0128.
    """
    e = SelectionEngine(["a", "a", "b", "b"], [1, 2, 1, 2], SelectionConfig())
    e.report([0] * 8, [1] * 8, 0)
    e.report([3] * 8, [0] * 8, 0)
    rows = {(r["skill"], r["level"]): r for r in e.table()}
    assert rows[("a", 2)]["estimate"] == pytest.approx(0.5)
    assert rows[("a", 1)]["estimate"] == pytest.approx(0.9872, abs=1e-4)
    assert rows[("b", 2)]["estimate"] == pytest.approx(0.0128, abs=1e-4)
    assert e.summary()["skill_accuracy"]["a"] == pytest.approx(10 / 12)


def test_bytes_per_problem_within_budget():
    """24 bytes of evidence + 1 flag byte + 4 bytes of cell code + 2 x 2 bytes of step/token codes
    + 2 x 4 bytes of Rasch offset and precision = 41 bytes <= 64."""
    assert _engine(n=1000).tracker_.nbytes_per_problem() == 41
