"""Scoring a generations file against an eval set with the real checker; numbers derived by hand."""

from __future__ import annotations

import json

import pytest

from eval._eval_errors import EvalInputError
from eval._generations_io import load_generations, match_generations
from eval.runner import ScoringConfig, evaluate
from tests.evalreport._fixtures import EVAL_SET, write_eval_set, write_generations

SCORING = ScoringConfig(workers=2, progress=False)


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    d = tmp_path_factory.mktemp("run")
    return evaluate(write_generations(d / "gens.jsonl"), str(write_eval_set(d / "set.jsonl")), scoring=SCORING)


def test_hand_checked_numbers(result):
    """Statuses (see _fixtures): p1 C C I U, p2 C I I C, p3 C C I I, p4 I I I I; p5 missing.

    16 samples, 6 correct -> accuracy 6/16 = 0.375; incorrect 9, unparseable_pred 1.
    pass@1 = mean(c/n) = (.5 + .5 + .5 + 0)/4 = .375
    pass@2: c=2, n=4 -> 1 - C(2,2)/C(4,2) = 5/6 for p1..p3, 0 for p4 -> (5/6 · 3)/4 = .625
    pass@4: any correct -> 1, 1, 1, 0 -> .75
    maj@4: p1 {0.5, 1/2} beat {3} -> 1; p2 {7, 7.0} ties {8, 8} -> 1/2; p3 {B, 12} beat C, D -> 1;
           p4 {9, 9} wins, wrong -> 0. Mean (1 + .5 + 1 + 0)/4 = .625
    maj@2 (mean over the 6 pairs): p1 classes [0,0,1,-] -> (1 + .5 + 1 + .5 + 1 + 0)/6 = 4/6;
           p2 [0,1,1,0] -> (.5+.5+1+0+.5+.5)/6 = .5; p3 [0,0,1,2] -> (1+.5+.5+.5+.5+0)/6 = .5;
           p4 0 -> (2/3 + .5 + .5)/4 = .41667
    """
    m = result.metrics
    assert (m["n_problems"], m["n_samples"], m["n_correct"]) == (4, 16, 6)
    assert m["accuracy"] == 0.375
    assert m["status_counts"] == {"correct": 6, "incorrect": 9, "unparseable_pred": 1, "unparseable_gold": 0, "timeout": 0}
    assert m["ks"] == [1, 2, 4]
    assert m["pass_at_k"] == pytest.approx({"1": 0.375, "2": 0.625, "4": 0.75})
    assert m["maj_at_k"] == pytest.approx({"1": 0.375, "2": (4 / 6 + 0.5 + 0.5) / 4, "4": 0.625})


def test_reading_counts_what_the_checker_could_not_read(result):
    """1 unparseable of 16 samples is unread (1/16); the incorrect examples are the first 3 of the 9, each
    with its gold, what was read and the completion's end."""
    r = result.metrics["reading"]
    assert r["n_samples"] == 16 and r["unread_share"] == pytest.approx(1 / 16)
    assert r["share"]["incorrect"] == pytest.approx(9 / 16)
    assert len(r["examples"]["incorrect"]) == 3 and len(r["examples"]["unparseable_pred"]) == 1
    assert all(set(ex) == {"problem_id", "gold", "answer", "completion_tail"} for exs in r["examples"].values()
               for ex in exs)


def test_per_skill_and_level(result):
    """Skill A = p1, p2: 4/8 correct, maj@4 (1 + .5)/2 = .75; skill B = p3, p4 (p5 missing): 2/8, maj@4 .5.
    Level 1 = p1, p3: 4/8; level 2 = p2, p4: 2/8. Cells: A|1 2/4, A|2 2/4, B|1 2/4, B|2 0/4."""
    m = result.metrics
    assert m["per_skill"]["A"]["accuracy"] == 0.5 and m["per_skill"]["A"]["maj_at_k"]["4"] == 0.75
    assert m["per_skill"]["B"]["accuracy"] == 0.25 and m["per_skill"]["B"]["maj_at_k"]["4"] == 0.5
    assert m["per_level"]["1"]["accuracy"] == 0.5 and m["per_level"]["2"]["accuracy"] == 0.25
    assert m["per_cell"]["B"]["2"]["accuracy"] == 0.0 and m["per_cell"]["A"]["1"]["n_samples"] == 4


def test_data_issues_reported_not_dropped(result):
    """The unknown id, the duplicate (p1, sample 0) and the missing p5 are counted and listed."""
    issues = result.metrics["data_issues"]
    assert issues["unknown_ids"] == {"count": 1, "ids": ["zzz"]}
    assert issues["duplicate_rows"] == {"count": 1, "ids": ["p1"]}
    assert issues["missing_problems"] == {"count": 1, "ids": ["p5"]}
    # The first copy of (p1, 0) was kept: p1 still has its correct "0.5" first sample.
    first = [s for s in result.samples if s["problem_id"] == "p1"][0]
    assert first["status"] == "correct" and first["answer"] == "0.5"


def test_samples_carry_lengths_and_steps(result):
    assert len(result.samples) == 16
    assert all(isinstance(s["n_tokens"], int) and isinstance(s["n_steps"], int) for s in result.samples)
    lengths = result.metrics["lengths"]
    assert lengths["tokens"]["correct"]["n"] == 6 and lengths["tokens"]["incorrect"]["n"] == 10
    # Correct samples and their whitespace words: "so \boxed{0.5}" 2, "we get \boxed{\frac{1}{2}}" 3,
    # "\boxed{7}" 1, "\boxed{7.0}" 1, "\boxed{B}" 1, "\boxed{12}" 1 -> mean 9/6 = 1.5, max 3.
    assert lengths["tokens"]["correct"]["mean"] == 1.5 and lengths["tokens"]["correct"]["max"] == 3
    # Every completion is one line without a sentence end: count_steps gives 1 each.
    assert lengths["steps"]["correct"]["mean"] == 1.0 and lengths["steps"]["incorrect"]["mean"] == 1.0


def test_list_format_parquet_and_null_rows(tmp_path):
    """completions-list rows in parquet: a second row for p2 is a duplicate; a null list is reported."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [
        {"problem_id": "p1", "completions": ["\\boxed{1/2}", "\\boxed{2}"]},
        {"problem_id": "p2", "completions": ["\\boxed{7}", "\\boxed{7}"]},
        {"problem_id": "p2", "completions": ["\\boxed{1}", "\\boxed{1}"]},
        {"problem_id": "p4", "completions": None},
    ]
    path = tmp_path / "g.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    loaded = load_generations(path)
    matched, issues = match_generations(loaded, EVAL_SET)
    assert [m.problem_id for m in matched] == ["p1", "p2"]
    assert matched[1].completions == ("\\boxed{7}", "\\boxed{7}")
    assert issues.duplicate_rows == ["p2"] and issues.null_completions == ["p4"]
    assert sorted(issues.missing_problems) == ["p3", "p4", "p5"]
    res = evaluate(loaded, EVAL_SET, scoring=SCORING)
    assert res.metrics["accuracy"] == 0.75  # p1: 1/2 right, 2 wrong; p2: both right -> 3/4


def test_steps_follow_count_steps(tmp_path):
    """"Step 1: ...\nStep 2: ..." has 2 numbered steps; a 3-paragraph answer has 3 steps."""
    rows = [
        {"problem_id": "p1", "completion": "Step 1: halve one.\nStep 2: so \\boxed{1/2}"},
        {"problem_id": "p1", "completion": "Think.\n\nCompute.\n\nThe answer is \\boxed{2}"},
    ]
    res = evaluate(rows, EVAL_SET, scoring=SCORING)
    assert [s["n_steps"] for s in res.samples] == [2, 3]
    assert [s["status"] for s in res.samples] == ["correct", "incorrect"]


def test_row_format_without_sample_column_flags_repeats(tmp_path):
    """Without a 'sample' column identical rows are kept (sampling repeats) but listed; counts ragged."""
    rows = [{"problem_id": "p2", "completion": "\\boxed{7}"}] * 2 + [{"problem_id": "p4", "completion": "\\boxed{9}"}]
    matched, issues = match_generations(rows, EVAL_SET)
    assert len(matched[0].completions) == 2
    assert issues.repeated_completions == ["p2"] and issues.duplicate_rows == []
    assert issues.ragged == ["p4"] or issues.ragged == ["p2"]


def test_clear_errors(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"completion": "x"}) + "\n")
    with pytest.raises(EvalInputError, match="row 1 has no 'problem_id'"):
        load_generations(bad)
    bad.write_text(json.dumps({"problem_id": "p1"}) + "\n")
    with pytest.raises(EvalInputError, match="neither 'completion'"):
        load_generations(bad)
    for row, where in (({"problem_id": "p1", "completion": ["a", "b"]}, "completion is a list"),
                       ({"problem_id": "p1", "completions": ["a", {"text": "b"}]}, r"completions\[1\] is a dict"),
                       ({"problem_id": "p1", "completion": True}, "completion is a bool")):
        bad.write_text(json.dumps(row) + "\n")
        with pytest.raises(EvalInputError, match=f"row 1: {where}, not the model's text"):
            load_generations(bad)
    bad.write_text("")
    with pytest.raises(EvalInputError, match="has no rows"):
        load_generations(bad)
    bad.write_text('{"problem_id": "p1", "completions": NaN}\n')  # json reads NaN: a null list, no crash
    assert len(load_generations(bad)) == 1
    bad.write_text(json.dumps({"problem_id": "p1", "completions": ["x", 42, None]}) + "\n")
    assert load_generations(bad)[0]["completions"] == ["x", 42, None]  # numbers are text; null is no sample
    with pytest.raises(EvalInputError, match="No generation matched.*1 completions had unknown problem ids.*check --set"):
        evaluate([{"problem_id": "nope", "completion": "1"}], EVAL_SET, scoring=SCORING)
    for row in ({"completion": None}, {"completions": []}, {"completions": None}):  # a valid id, nothing generated
        with pytest.raises(EvalInputError, match="2 rows had null or empty completions.*check the generation step"):
            evaluate([{"problem_id": pid, **row} for pid in (EVAL_SET[0]["id"], EVAL_SET[1]["id"])], EVAL_SET, scoring=SCORING)
    with pytest.raises(EvalInputError, match="'workers' parameter of ScoringConfig"):
        ScoringConfig(workers=0)


def test_builtin_set_by_short_name():
    """"arith" resolves to builtin:arith; 3 boxed gold answers -> accuracy 1, the rest listed missing."""
    from eval.runner import resolve_eval_set

    pool, name = resolve_eval_set("arith")
    assert name == "builtin:arith"
    first = pool.select(range(3)).to_list()
    rows = [{"problem_id": r["id"], "completion": f"\\boxed{{{r['answer']}}}"} for r in first]
    res = evaluate(rows, "arith", scoring=SCORING)
    assert res.metrics["accuracy"] == 1.0 and res.metrics["set"] == "builtin:arith"
    assert res.metrics["data_issues"]["missing_problems"]["count"] == len(pool) - 3


def test_a_gold_the_checker_cannot_read_is_a_data_issue_not_model_blindness():
    """Gold "$$" reads as nothing: its completions fail (status unparseable_gold), listed as a data issue, and
    the share of completions whose answer could not be read counts only the model's answers."""
    eval_set = [dict(EVAL_SET[1]), {**EVAL_SET[3], "answer": "$$"}]
    rows = [{"problem_id": "p2", "completion": "\\boxed{7}"}, {"problem_id": "p2", "completion": "no idea"},
            {"problem_id": "p4", "completion": "\\boxed{10}"}, {"problem_id": "p4", "completion": "\\boxed{3}"}]
    res = evaluate(rows, eval_set, scoring=SCORING)
    assert [s["status"] for s in res.samples] == ["correct", "unparseable_pred", "unparseable_gold", "unparseable_gold"]
    assert res.metrics["data_issues"]["unreadable_golds"] == {"count": 1, "ids": ["p4"]}
    assert res.metrics["reading"]["unread_share"] == pytest.approx(0.25)  # the one completion without an answer
