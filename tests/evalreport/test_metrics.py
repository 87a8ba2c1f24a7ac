"""maj@k over checker-equivalence classes and the aggregate metrics, with the real checker."""

from __future__ import annotations

import pytest

from eval._eval_errors import EvalInputError
from eval.metrics import (
    MetricsConfig,
    ProblemSamples,
    answer_classes,
    compute_metrics,
    default_ks,
    maj_at_k,
    pairwise,
)


def _prob(pid, statuses, answers, skill="s", level=1):
    return ProblemSamples(pid, skill, level, tuple(statuses), tuple(answers))


def test_equivalent_forms_vote_together_with_real_checker():
    """Gold 2. Wrong answers 1/2, 0.5 and \\frac{1}{2} are one class of 3 votes; the correct "2" has 2.

    By checker classes the majority is wrong: maj@5 = 0. By raw strings "2" (2 votes) would win.
    """
    p = _prob("p", ["incorrect"] * 3 + ["correct"] * 2, ["1/2", "0.5", "\\frac{1}{2}", "2", "2"])
    (classes,) = answer_classes([p])
    assert classes == [1, 1, 1, 0, 0]
    assert maj_at_k(classes, 5) == 0.0


def test_correct_forms_win_over_a_wrong_string_majority():
    """Gold 1/2: 0.5, \\frac{1}{2}, 1/2 are correct (3 votes) against "3", "3" -> maj@5 = 1."""
    p = _prob("p", ["correct", "correct", "incorrect", "incorrect", "correct"], ["0.5", "\\frac{1}{2}", "3", "3", "1/2"])
    m = compute_metrics([p], config=MetricsConfig(ks=(5,)))
    assert m["maj_at_k"] == {"5": 1.0}


def test_distinct_wrong_answers_stay_apart():
    """Gold 7: wrong 3, 4, 5 are three classes of 1 vote, correct has 2 votes -> maj@5 = 1."""
    p = _prob("p", ["incorrect"] * 3 + ["correct"] * 2, ["3", "4", "5", "7", "7"])
    (classes,) = answer_classes([p])
    assert classes == [1, 2, 3, 0, 0]
    assert maj_at_k(classes, 5) == 1.0


def test_maj_ties_and_unparseable():
    """Classes [0, 1, None, None]: maj@4 is a 1-1 tie -> 1/2; unparseable samples do not vote.

    maj@2 over the 6 pairs: {0,1} tie .5; {0,N} 1; {0,N} 1; {1,N} 0; {1,N} 0; {N,N} no vote 0
    -> 2.5/6 = 0.41667.
    """
    assert maj_at_k([0, 1, None, None], 4) == 0.5
    assert maj_at_k([0, 1, None, None], 2) == pytest.approx(2.5 / 6)
    assert maj_at_k([None, None], 2) == 0.0


def test_text_the_checker_could_not_read_does_not_vote():
    """Gold 2: two correct samples and three unparseable_pred ones whose extracted text is the same ('x +').
    The three used to form a class of 3 that outvoted the correct class (maj@5 = 0)."""
    p = _prob("p", ["correct"] * 2 + ["unparseable_pred"] * 3, ["2", "2", "x +", "x +", "x +"])
    (classes,) = answer_classes([p])
    assert classes == [0, 0, None, None, None]
    assert maj_at_k(classes, 5) == 1.0


def test_maj_sampled_subsets_are_seeded():
    """C(16, 8) = 12870 > 64 subsets: sampled, repeatable for a seed, and close to the exact value.

    Classes: 10 correct, 6 of one wrong class. Exact maj@8 = P(correct > wrong) + 1/2 P(tie) where
    the number of correct in the subset is hypergeometric(16, 10, 8); by hand: P(X >= 5) + 1/2 P(X = 4)
    = (C(10,5)C(6,3) + C(10,6)C(6,2) + C(10,7)C(6,1) + C(10,8)) / 12870 + 1/2 C(10,4)C(6,4)/12870
    = (5040 + 3150 + 720 + 45)/12870 + 1/2 · 3150/12870 = 0.69580 + 0.12238 = 0.81818.
    """
    classes = [0] * 10 + [1] * 6
    a = maj_at_k(classes, 8, max_subsets=64, seed=1)
    assert a == maj_at_k(classes, 8, max_subsets=64, seed=1)
    assert a == pytest.approx(0.81818, abs=0.12)
    exact = maj_at_k(classes, 8, max_subsets=20000)
    assert exact == pytest.approx(0.81818, abs=1e-4)


def test_injected_equivalence_is_used():
    """An equivalence that calls everything equal merges all wrong answers into one class."""
    p = _prob("p", ["incorrect"] * 3 + ["correct"], ["3", "4", "5", "7"])
    (classes,) = answer_classes([p], pairwise(lambda a, b: True))
    assert classes == [1, 1, 1, 0]


def test_compute_metrics_hand_example():
    """Two problems, skill/level differ.

    a (alg, 1): statuses C I I I -> c=1, n=4; b (geo, 2): C C U T -> c=2, n=4.
    accuracy = 3/8 = .375. pass@2: a 1 - C(3,2)/C(4,2) = .5, b 1 - C(2,2)/C(4,2) = 5/6 -> .66667.
    pass@4 = 1 for both. Status counts: correct 3, incorrect 3, unparseable_pred 1, timeout 1.
    Per skill alg accuracy 1/4; per level 2 accuracy 2/4. Cells: alg|1 = .25, geo|2 = .5.
    """
    a = ProblemSamples("a", "alg", 1, ("correct", "incorrect", "incorrect", "incorrect"), ("1", "2", "3", "4"))
    b = ProblemSamples("b", "geo", 2, ("correct", "correct", "unparseable_pred", "timeout"), ("2", "2", None, "x"))
    m = compute_metrics([a, b])
    assert m["ks"] == [1, 2, 4]
    assert m["accuracy"] == 0.375
    assert m["pass_at_k"]["2"] == pytest.approx((0.5 + 5 / 6) / 2)
    assert m["pass_at_k"]["4"] == 1.0
    assert m["status_counts"] == {"correct": 3, "incorrect": 3, "unparseable_pred": 1, "unparseable_gold": 0, "timeout": 1}
    assert m["per_skill"]["alg"]["accuracy"] == 0.25
    assert m["per_level"]["2"]["accuracy"] == 0.5
    assert m["per_cell"]["alg"]["1"]["accuracy"] == 0.25 and m["per_cell"]["geo"]["2"]["accuracy"] == 0.5
    lo, hi = m["accuracy_ci"]
    assert lo < 0.375 < hi


def test_ks_above_smallest_sample_count_are_dropped():
    """Problems with 4 and 2 samples: default ks (1, 2); asking for 4 drops it and says so."""
    a = _prob("a", ["correct"] * 4, ["1"] * 4)
    b = _prob("b", ["incorrect"] * 2, ["2", "2"])
    assert default_ks(6) == (1, 2, 4, 6) and default_ks(8) == (1, 2, 4, 8) and default_ks(1) == (1,)
    m = compute_metrics([a, b], config=MetricsConfig(ks=(1, 4)))
    assert m["ks"] == [1] and m["dropped_ks"] == [4]


def test_bad_inputs_raise():
    with pytest.raises(EvalInputError, match="unknown statuses"):
        _prob("a", ["right"], ["1"])
    with pytest.raises(EvalInputError, match="'ks' parameter of MetricsConfig"):
        MetricsConfig(ks=(0,))
    with pytest.raises(EvalInputError, match="no scored problems"):
        compute_metrics([])
