"""``compute_metrics`` output, every key and value, on a small case worked out here.

The reports read these keys; the values come from the formulas in ``eval/metrics.py``'s docstring,
recomputed here by enumeration (pass@k, maj@k over all subsets) or by calling the statistics helpers
with the arguments the docstring names (the bootstrap's seed and resample count, the effective
sample count).
"""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest

from eval import metrics
from eval._stats import bootstrap_mean_ci, clustered_wilson_interval, effective_samples, pass_at_k
from eval.metrics import MetricsConfig, ProblemSamples, answer_classes, compute_metrics, maj_at_k, pairwise

HALF = {"1/2", "0.5"}


def _same(a, b):
    return a == b or {a, b} == HALF


def _maj_by_hand(classes, k):
    """Mean over all k-subsets of the majority credit (ties of t classes: 1/t if 0 is among them)."""
    credit = []
    for subset in itertools.combinations(classes, k):
        votes = [c for c in subset if c is not None]
        if not votes:
            credit.append(0.0)
            continue
        counts = {c: votes.count(c) for c in set(votes)}
        top = max(counts.values())
        tied = [c for c, v in counts.items() if v == top]
        credit.append(1 / len(tied) if 0 in tied else 0.0)
    return sum(credit) / len(credit)


PROBLEMS = [
    ProblemSamples("p1", "alg", 1, ("correct", "incorrect", "incorrect", "incorrect"), ("2", "1/2", "0.5", "7")),
    ProblemSamples("p2", "alg", 2, ("correct", "correct", "unparseable_pred", "incorrect"), ("3", "3", None, "4")),
    ProblemSamples("p3", "geo", None, ("incorrect", "timeout", "incorrect", "correct"), (" 9 ", None, "9", "5")),
]
# classes: p1 -> 0, 1, 1, 2 (1/2 and 0.5 are one class); p2 -> 0, 0, None, 1; p3 -> 1, None, 1, 0
CLASSES = [[0, 1, 1, 2], [0, 0, None, 1], [1, None, 1, 0]]
CONFIG = MetricsConfig(ks=(1, 2, 4), n_boot=50, seed=3)


def _block_by_hand(idx):
    probs = [PROBLEMS[i] for i in idx]
    correct = [p.n_correct for p in probs]
    samples = [p.n for p in probs]
    n_eff = effective_samples(correct, samples)
    pass_vals = np.array([[pass_at_k(p.n, p.n_correct, k) for k in (1, 2, 4)] for p in probs])
    hand = np.array([[1 - comb(p.n - p.n_correct, k) / comb(p.n, k) for k in (1, 2, 4)] for p in probs])
    np.testing.assert_allclose(pass_vals, hand, rtol=1e-12)  # the product form is the ratio of binomials
    maj_vals = np.array([[_maj_by_hand(CLASSES[i], k) for k in (1, 2, 4)] for i in idx])
    vals = np.concatenate([pass_vals, maj_vals], axis=1)
    cis = bootstrap_mean_ci(vals, n_boot=50, seed=3)
    means = vals.mean(axis=0)
    statuses = [s for p in probs for s in p.statuses]
    return {
        "n_problems": len(probs),
        "n_samples": sum(samples),
        "n_correct": sum(correct),
        "accuracy": sum(correct) / sum(samples),
        "accuracy_ci": list(clustered_wilson_interval(correct, samples, n_eff=n_eff)),
        "accuracy_n_eff": n_eff,
        "pass_at_k": {str(k): float(means[j]) for j, k in enumerate((1, 2, 4))},
        "pass_at_k_ci": {str(k): [float(x) for x in cis[j]] for j, k in enumerate((1, 2, 4))},
        "maj_at_k": {str(k): float(means[3 + j]) for j, k in enumerate((1, 2, 4))},
        "maj_at_k_ci": {str(k): [float(x) for x in cis[3 + j]] for j, k in enumerate((1, 2, 4))},
        "status_counts": {s: statuses.count(s) for s in metrics.STATUSES},
    }


@pytest.fixture
def result():  # per test, not per module: mutmut maps a function to the tests whose run called it
    return compute_metrics(PROBLEMS, equivalent=pairwise(_same), config=CONFIG)


def test_answer_classes_by_hand():
    assert answer_classes(PROBLEMS, pairwise(_same)) == CLASSES


def test_overall_block_is_exact(result):
    want = _block_by_hand([0, 1, 2])
    assert {k: result[k] for k in want} == want
    assert result["maj_at_k"]["1"] == pytest.approx((1 / 4 + 2 / 4 + 1 / 4) / 3)  # share of class-0 votes; None scores 0


def test_groups_and_cells_are_exact(result):
    assert list(result["per_skill"]) == ["alg", "geo"]
    assert result["per_skill"]["alg"] == _block_by_hand([0, 1])
    assert result["per_skill"]["geo"] == _block_by_hand([2])
    assert list(result["per_level"]) == ["1", "2", "unknown"]
    assert result["per_level"]["unknown"] == _block_by_hand([2])
    cell = result["per_cell"]["alg"]["2"]
    assert cell == {"accuracy": 0.5, "accuracy_ci": list(clustered_wilson_interval([2], [4])), "n_samples": 4,
                    "n_correct": 2}
    assert list(result["per_cell"]) == ["alg", "geo"] and list(result["per_cell"]["geo"]) == ["unknown"]


def test_the_rest_of_the_output(result):
    from eval._lengths import length_stats

    assert result["lengths"] == length_stats(PROBLEMS)
    assert result["ks"] == [1, 2, 4] and result["dropped_ks"] == []
    assert result["config"] == {"ks": (1, 2, 4), "n_boot": 50, "seed": 3, "max_subsets": 64,
                                "max_pairwise_answers": 32}
    assert result["methods"] == {
        "accuracy_ci": "Wilson score interval (95%) at the effective number of independent samples "
                       "(samples of one problem are correlated; see accuracy_n_eff)",
        "pass_at_k": "unbiased estimator 1 - C(n-c,k)/C(n,k) per problem (product form), mean over problems",
        "maj_at_k": "majority over checker-equivalence classes of extracted answers; mean over all k-subsets "
                    "(or 64 seeded random ones); ties of t classes score 1/t if correct is tied; "
                    "unparseable answers do not vote",
        "pass_maj_ci": "percentile bootstrap (95%) over problems, 50 resamples, seed 3",
    }


def test_group_keys_sort_numbers_first_then_words_then_unknown():
    keys = ["10", "b", "unknown", "2", "-1", "a", "X1", "-5", "X5"]
    assert metrics._sort_keys(keys) == ["-5", "-1", "2", "10", "X1", "X5", "a", "b", "unknown"]


def test_maj_subsets_are_seeded_per_problem():
    """With more k-subsets than max_subsets, problem i samples its subsets with seed + 7919 * i."""
    classes = [[0, 1, 1, 0, 2, 1, 0, 1, 0, 2, 1, 1], [1, 0, 0, 1, 2, 0, 1, 1, 0, 0, 2, 1]]
    probs = [ProblemSamples(f"q{i}", None, None,
                            tuple("correct" if c == 0 else "incorrect" for c in cls),
                            tuple(str(c) for c in cls)) for i, cls in enumerate(classes)]
    config = MetricsConfig(ks=(6,), n_boot=10, seed=5, max_subsets=16)
    m = compute_metrics(probs, equivalent=pairwise(lambda a, b: a == b), config=config)
    want = [maj_at_k(cls, 6, 16, seed=5 + 7919 * i) for i, cls in enumerate(classes)]
    assert m["maj_at_k"]["6"] == pytest.approx(sum(want) / 2)
    assert want[0] != maj_at_k(classes[0], 6, 16, seed=6)  # another seed, another sample of subsets


def test_a_k_equal_to_the_fewest_samples_is_kept_and_the_error_names_the_limit():
    probs = [ProblemSamples("a", None, None, ("correct", "incorrect"), ("1", "2"))]
    m = compute_metrics(probs, equivalent=pairwise(_same), config=MetricsConfig(ks=(2, 3)))
    assert m["ks"] == [2] and m["dropped_ks"] == [3]
    with pytest.raises(ValueError, match=r"ks \(3, 5\): every value is above 2.*values up to 2"):
        compute_metrics(probs, equivalent=pairwise(_same), config=MetricsConfig(ks=(3, 5)))


def test_only_wrong_answers_are_compared_and_whitespace_does_not_count():
    seen = []

    def recording(pairs):
        seen.extend(pairs)
        return [_same(a, b) for a, b in pairs]

    answer_classes(PROBLEMS, recording)
    assert sorted(seen) == sorted([("1/2", "0.5"), ("1/2", "7"), ("0.5", "7")])  # p3's " 9 " and "9" are one key


def _many_wrong(n):
    answers = tuple(f"w{i}" for i in range(n)) + ("w0 ",)
    return ProblemSamples("m", None, None, ("incorrect",) * (n + 1), answers)


def test_pairwise_comparisons_stop_at_the_budget():
    """max_pairwise_answers (32 by default) distinct answers are compared; later ones only by string."""
    def eq(a, b):
        return {a, b} in ({"w0", "w32"}, {"w0", "w2"})

    classes = answer_classes([_many_wrong(33)], pairwise(eq))[0]
    assert classes[32] != classes[0]  # the 33rd answer is past the default budget of 32
    assert classes[2] == classes[0]
    assert classes[-1] == classes[0]  # "w0 " is "w0" without the space
    m = compute_metrics([_many_wrong(3)], equivalent=pairwise(eq), config=MetricsConfig(max_pairwise_answers=2))
    assert m["maj_at_k"]["1"] == 0.0
    with_budget = answer_classes([_many_wrong(3)], pairwise(eq), max_pairwise_answers=2)[0]
    assert with_budget[2] != with_budget[0]


def test_checker_equivalence_passes_its_timeout_and_workers(monkeypatch):
    import eval.checker

    calls = []

    def fake(golds, preds, timeout=None, workers=None):
        calls.append((golds, preds, timeout, workers))
        return [type("V", (), {"status": "correct" if g == p else "incorrect"})() for g, p in zip(golds, preds,
                                                                                              strict=True)]

    monkeypatch.setattr(eval.checker, "verify_batch", fake)
    eq = metrics.checker_equivalence(timeout=7.5, workers=3)
    assert eq([("1", "1"), ("1", "2")]) == [True, False]
    assert calls == [(["1", "1"], ["1", "2"], 7.5, 3)]
    assert eq([]) == [] and len(calls) == 1


def test_the_given_equivalence_is_the_one_used():
    """maj@k votes with the equivalence it is given, not the checker's: here "1/2" and "0.5" stay apart."""
    never = compute_metrics(PROBLEMS, equivalent=pairwise(lambda a, b: False), config=CONFIG)
    same = compute_metrics(PROBLEMS, equivalent=pairwise(_same), config=CONFIG)
    assert never["maj_at_k"]["4"] != same["maj_at_k"]["4"]


def test_no_problems_is_one_clear_error():
    with pytest.raises(metrics.EvalInputError) as exc:
        compute_metrics([])
    assert str(exc.value) == "compute_metrics got no scored problems; check that the generations match the eval set."


def test_compute_metrics_passes_its_pairwise_budget():
    """Two correct samples and three distinct wrong answers, of which w0 and w2 are one answer: within a
    budget of 2 compared answers (w0, w1) they stay apart and the correct class wins maj@5 outright."""
    prob = ProblemSamples("b", None, None, ("correct", "correct", "incorrect", "incorrect", "incorrect"),
                          ("c", "c", "w0", "w1", "w2"))

    def eq(a, b):
        return {a, b} == {"w0", "w2"}

    small = compute_metrics([prob], equivalent=pairwise(eq), config=MetricsConfig(ks=(5,), max_pairwise_answers=2))
    full = compute_metrics([prob], equivalent=pairwise(eq), config=MetricsConfig(ks=(5,)))
    assert small["maj_at_k"]["5"] == 1.0 and full["maj_at_k"]["5"] == 0.5


def test_maj_enumerates_exactly_max_subsets():
    """With C(n, k) equal to max_subsets every subset is used once (the exact mean), not a sample."""
    classes = [0, 1, 1, 0]
    assert maj_at_k(classes, 2, max_subsets=6) == pytest.approx(_maj_by_hand(classes, 2))


def test_bad_k_and_a_short_equivalence_have_clear_errors():
    with pytest.raises(metrics.EvalInputError) as exc:
        maj_at_k([0, 1], 3)
    assert str(exc.value) == "The 'k' parameter of maj_at_k must be in [1, 2]. Got 3 instead."
    with pytest.raises(metrics.EvalInputError) as exc:
        answer_classes(PROBLEMS, lambda pairs: [])
    assert str(exc.value) == "The equivalence function returned 0 results for 3 pairs."
