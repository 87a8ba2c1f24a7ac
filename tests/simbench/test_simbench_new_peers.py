"""The issue-18 peers MoPPS and GPS: each selection rule pinned by a small case worked out by hand."""

import numpy as np
import pytest

from eval.simbench import BenchSizes, budget_of, check_policy, policy_fields, run_one
from eval.simbench.gps import GPSSelector
from eval.simbench.harness import _Task
from eval.simbench.mopps import EpochCandidates, MoPPSSelector
from eval.simbench.scenarios import SCENARIOS

TINY = BenchSizes(batch_size=8, rounds=12, n_pool=200)


class _FixedBeta:
    """Stands in for the selector's Generator: ``beta`` returns fixed samples (of the candidates, in order)."""

    def __init__(self, samples):
        self.samples = np.asarray(samples, dtype=float)

    def beta(self, a, b):
        return self.samples[: len(a)]


def _draw_from(sel, cand, n):
    """``sel.draw(n)`` with the round's candidates fixed to ``cand``."""
    class _Fixed:
        def next(self, m):
            assert m >= len(cand)
            return np.asarray(cand)
    sel._candidates = _Fixed()
    return sel.draw(n, 0)


def test_mopps_keeps_the_candidates_whose_sample_is_nearest_the_target():
    """Candidates 10, 11, 12, 13, 14 with posterior samples 0.1, 0.45, 0.7, 0.52, 0.95. Target 0.5:
    distances 0.4, 0.05, 0.2, 0.02, 0.45 -> the two nearest are 13 then 11. Target 0.8: distances 0.7,
    0.35, 0.1, 0.28, 0.15 -> 12 then 14."""
    for target, expect in ((0.5, [13, 11]), (0.8, [12, 14])):
        sel = MoPPSSelector(20, seed=0, target=target, ts_ratio=3)
        sel._rng = _FixedBeta([0.1, 0.45, 0.7, 0.52, 0.95])
        assert _draw_from(sel, [10, 11, 12, 13, 14], 2).tolist() == expect


def test_mopps_discounted_update_by_hand():
    """lam = 0.5, prior Beta(1, 1), posterior Beta(7, 3); a group of 8 with 6 successes:
    alpha = 0.5 * 7 + 0.5 * 1 + 6 = 10, beta = 0.5 * 3 + 0.5 * 1 + 2 = 4. With lam = 1 (no forgetting):
    7 + 6 = 13 and 3 + 2 = 5. A prompt not reported keeps its posterior (no per-round decay)."""
    for lam, expect in ((0.5, (10.0, 4.0)), (1.0, (13.0, 5.0))):
        sel = MoPPSSelector(3, seed=0, discount=lam)
        sel.alpha[:] = 7.0
        sel.beta[:] = 3.0
        sel.report(np.array([1]), np.array([[1, 1, 1, 1, 1, 1, 0, 0]]), round=4)
        assert (sel.alpha[1], sel.beta[1]) == expect
        assert (sel.alpha[0], sel.beta[0]) == (7.0, 3.0)


def test_mopps_discount_pulls_toward_the_prior_by_the_factor():
    """Empty groups (G = 0 outcomes) leave only the discount: alpha - alpha_0 shrinks by lam each update."""
    sel = MoPPSSelector(1, seed=0, discount=0.8, prior_alpha=2.0, prior_beta=3.0)
    sel.alpha[0], sel.beta[0] = 12.0, 8.0
    sel.report(np.array([0]), np.zeros((1, 0)), round=0)
    assert sel.alpha[0] == pytest.approx(2.0 + 0.8 * 10.0) and sel.beta[0] == pytest.approx(3.0 + 0.8 * 5.0)


def test_mopps_concentrated_posteriors_decide_without_luck():
    """Prompts 0-3 with Beta(9000, 1000) (p ~ 0.9), Beta(5000, 5000) (0.5), Beta(100, 9900) (0.01),
    Beta(5500, 4500) (0.55): a draw of 2 over the whole pool is {1, 3} for any seed."""
    for seed in range(5):
        sel = MoPPSSelector(4, seed=seed, ts_ratio=2)
        sel.alpha[:] = [9000, 5000, 100, 5500]
        sel.beta[:] = [1000, 5000, 9900, 4500]
        assert sorted(sel.draw(2, 0).tolist()) == [1, 3]


def test_epoch_candidates_are_distinct_and_cover_the_pool_each_epoch():
    ec = EpochCandidates(10, np.random.default_rng(0))
    first = np.concatenate([ec.next(3) for _ in range(3)])  # 9 of 10, then the partial batch is dropped
    assert len(set(first.tolist())) == 9
    nxt = ec.next(3)
    assert len(set(nxt.tolist())) == 3
    assert sorted(EpochCandidates(10, np.random.default_rng(0)).next(50).tolist()) == list(range(10))


def test_gps_learns_a_planted_feature_relation_and_ranks_unseen_prompts():
    """True logit = 1.5 x0 - 1.0 x1 (one skill, one level). 40 rounds of 16-outcome groups on prompts
    0-299 only; on prompts 300-599, never seen, the predicted p must rank like the truth (Spearman > 0.9)
    and the fitted feature weights must point the planted way (per standardised unit, ratio ~ -1.5)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((600, 4)).astype(np.float32)
    p_true = 1 / (1 + np.exp(-(1.5 * x[:, 0] - 1.0 * x[:, 1])))
    sel = GPSSelector(["s"] * 600, [3] * 600, x, seed=0, thompson=False, window=100, half_life=1e6)
    for r in range(40):
        idx = rng.choice(300, 16, replace=False)
        sel.report(idx, (rng.random((16, 16)) < p_true[idx, None]).astype(float), round=r)
    sel.fit(40, steps=10)
    pred = sel.predict(np.arange(300, 600))
    rank = lambda v: np.argsort(np.argsort(v))  # noqa: E731
    assert np.corrcoef(rank(pred), rank(p_true[300:]))[0, 1] > 0.9
    w = sel.coef_[-4:]
    assert w[0] > 0.8 and w[1] < -0.5 and abs(w[2]) < 0.2 and abs(w[3]) < 0.2


def test_gps_without_features_predicts_the_shrunk_pooled_rate():
    """One skill, one level, no features: the design is three identical columns (intercept, skill, level),
    so the MAP puts t/3 on each (t = logit p) and each weight's score is sum(k - g p) - l2 t / 3 = 0. With
    100 groups of 6 of 8 and l2 = 1: 600 - 800 p = t / 3 with t ~ logit 0.75 = 1.0986, so p = 0.75 - 0.00046."""
    sel = GPSSelector(["s"] * 10, [1] * 10, None, seed=0, thompson=False, half_life=1e9)
    for r in range(10):
        sel.report(np.arange(10), np.tile([1, 1, 1, 1, 1, 1, 0, 0], (10, 1)), round=r)
    sel.fit(10, steps=10)
    assert sel.predict([0])[0] == pytest.approx(0.75 - 0.00046, abs=2e-5)


def test_gps_batch_rule_spreads_over_cells_by_hand():
    """Prompts 0, 1 in skill a and 2, 3 in skill b, one level, no features, an unfitted predictor (p = 0.5
    for all, relevance 0 everywhere). phi(a) = (1, 0, 1) / sqrt(2), phi(b) = (0, 1, 1) / sqrt(2): cos = 1
    within a skill and 0.5 across. With diversity 0.1 the first pick (a tie, the first candidate) makes its
    twin cost 0.1 and the other skill 0.05, so the second pick is from the other skill. With diversity 0
    the two first candidates are taken whatever their skill. Next round, the history anchor holds both
    skills equally: the tie goes to candidate order again."""
    sel = GPSSelector(["a", "a", "b", "b"], [1] * 4, None, seed=0, thompson=False, ts_ratio=2, diversity=0.1)
    cand = sel._candidates._order[:4].copy()
    out = sel.draw(2, 0)
    assert out[0] == cand[0]
    assert (out[0] < 2) != (out[1] < 2)  # one of each skill
    sel0 = GPSSelector(["a", "a", "b", "b"], [1] * 4, None, seed=0, thompson=False, ts_ratio=2, diversity=0.0)
    assert list(sel0.draw(2, 0)) == list(sel0._candidates._order[:2])


def test_gps_history_anchor_penalises_recent_cells():
    """Skill a was drawn last round (anchor); this round both a-prompt and b-prompt candidates predict
    p = 0.5, so the b-prompt wins: the a-prompt costs diversity * 1, the b one diversity * 0.5."""
    sel = GPSSelector(["a", "a", "b", "b"], [1] * 4, None, seed=0, thompson=False, diversity=0.1,
                      history_rounds=1)
    sel._recent.append(np.array([0]))

    class _Fixed:
        def next(self, m):
            return np.array([1, 2])
    sel._candidates = _Fixed()
    assert sel.draw(1, 1).tolist() == [2]


@pytest.mark.parametrize("policy", ["mopps", "gps"])
def test_new_peers_spend_the_budget_and_are_deterministic(policy):
    a = run_one(_Task(SCENARIOS["features"], policy, 3, TINY))
    b = run_one(_Task(SCENARIOS["features"], policy, 3, TINY))
    assert a.rollouts[-1] == a.budget == budget_of(TINY)
    np.testing.assert_array_equal(a.accuracy, b.accuracy)
    c = run_one(_Task(SCENARIOS["delayed"], policy, 3, TINY, dynamics="mirt"))
    assert c.rollouts[-1] == c.budget


def test_new_peers_overrides_are_checked():
    assert policy_fields("mopps") == ("discount", "prior_alpha", "prior_beta", "target", "ts_ratio")
    assert "diversity" in policy_fields("gps")
    check_policy("mopps", {"discount": 0.7, "ts_ratio": 8})
    check_policy("gps", {"diversity": 0.0, "thompson": False})
    with pytest.raises(ValueError, match="policy 'mopps' has no field 'tau'; valid fields: discount"):
        check_policy("mopps", {"tau": 1.0})
    with pytest.raises(ValueError, match="The 'discount' parameter of MoPPSSelector must be a number in"):
        check_policy("mopps", {"discount": 0.0})
    with pytest.raises(ValueError, match="The 'ts_ratio' parameter of GPSSelector must be an integer >= 1"):
        check_policy("gps", {"ts_ratio": 0.5})
    with pytest.raises(ValueError, match="The 'thompson' parameter of GPSSelector must be true or false"):
        check_policy("gps", {"thompson": "yes"})


def test_engine_gets_the_features_only_where_it_takes_them(monkeypatch):
    """The single hand-over point: an engine whose constructor has ``features`` gets a float32 matrix."""
    import sai_dpo
    from eval.simbench.peers import _engine

    seen = {}

    class WithFeatures:
        def __init__(self, skills, levels, config, features=None):
            seen["features"] = features

    class Without:
        def __init__(self, skills, levels, config):
            seen["without"] = True

    feats = np.ones((2, 3))
    monkeypatch.setattr(sai_dpo, "SelectionEngine", WithFeatures)
    _engine(["a", "b"], [1, 2], None, feats)
    assert seen["features"].dtype == np.float32 and seen["features"].shape == (2, 3)
    monkeypatch.setattr(sai_dpo, "SelectionEngine", Without)
    _engine(["a", "b"], [1, 2], None, feats)
    assert seen["without"]
