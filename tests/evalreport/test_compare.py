"""`sai-dpo eval --compare`: one paired test with Holm's correction for every row, equal metrics shown
once, plots and a compact table."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from eval._eval_errors import EvalInputError
from eval._stats import holm_adjust
from eval.compare import compare_metrics, problem_values, write_compare_report
from eval.metrics import MetricsConfig, compute_metrics, pairwise
from eval.report import write_eval_report
from tests.evalreport._fixtures import problems_from_spec

SAME = pairwise(lambda x, y: x == y)  # answers are plain integers: string equality is the checker's verdict



def _eval(spec):
    problems = problems_from_spec(spec, tokens=(5,) * 8)
    metrics = compute_metrics(problems, equivalent=SAME, config=MetricsConfig(n_boot=200))
    samples = [{"problem_id": p.problem_id, "sample": j, "status": s, "answer": a, "skill": p.skill, "level": p.level}
               for p in problems for j, (s, a) in enumerate(zip(p.statuses, p.answers, strict=True))]
    return metrics, samples


A_SPEC = {"alg": [2] * 20, "geo": [3, 5] * 10, "num": [3] * 6}
B_SPEC = {"alg": [6] * 20, "geo": [4, 6, 4, 6] + [3, 5] * 8, "num": [4] * 6}


@pytest.fixture(scope="module")
def pair():
    (a, sa), (b, sb) = _eval(A_SPEC), _eval(B_SPEC)
    cmp = compare_metrics(a, b, values_a=problem_values(sa, a, equivalent=SAME),
                          values_b=problem_values(sb, b, equivalent=SAME))
    return a, b, sa, sb, cmp


def test_per_problem_values_reproduce_the_eval(pair):
    """The paired test runs on the very values the eval averaged: their means are its metrics."""
    a, _, sa, _, _ = pair
    values = problem_values(sa, a, equivalent=SAME)
    for k in a["ks"]:
        assert values.values[f"pass@{k}"].mean() == pytest.approx(a["pass_at_k"][str(k)])
        assert values.values[f"maj@{k}"].mean() == pytest.approx(a["maj_at_k"][str(k)])
    assert values.values["accuracy"].mean() == pytest.approx(a["accuracy"])


def test_every_row_gets_the_same_paired_test_and_holm(pair):
    """alg: 20 problems each gain 4/8 -> no random sign pattern reaches the sum: p = 1/20001, different.
    geo: 4 problems gain 1/8 -> p ~ 2/16 = .125, not different.
    num: 6 problems gain 1/8 -> p ~ 2/64 = .031 < .05 on its own, but Holm over every row lifts it above
    .05 (dozens of rows have p = 1), so it is NOT marked: the correction is applied.
    pass@k and maj@k rows get the same test as accuracy (no CI-overlap rule for some rows)."""
    *_, cmp = pair
    rows = {(r["group"], r["metric"]): r for r in cmp["rows"]}
    alg, geo, num = (rows[(f"skill:{s}", "accuracy")] for s in ("alg", "geo", "num"))
    assert alg["p"] == pytest.approx(1 / 20_001) and alg["significant"] and alg["delta"] == pytest.approx(0.5)
    assert geo["p"] == pytest.approx(0.125, abs=0.01) and not geo["significant"]
    assert num["p"] == pytest.approx(2 / 64, abs=0.005) and num["p"] < 0.05
    assert num["p_adjusted"] >= 0.05 and not num["significant"]
    tested = [r for r in cmp["rows"] if r["a"] is not None and r["b"] is not None]
    assert all(r["p"] is not None for r in tested) and cmp["n_tested"] == len(tested)
    assert [r["p_adjusted"] for r in tested] == pytest.approx(list(holm_adjust([r["p"] for r in tested])))
    assert all(r["significant"] == (r["p_adjusted"] < 0.05) for r in tested)
    assert rows[("skill:alg", "pass@2")]["significant"] and not rows[("skill:alg", "pass@8")]["significant"]
    assert "Holm" in cmp["rule"] and "paired" in cmp["rule"]


def test_equal_metrics_are_shown_once(pair):
    """accuracy, pass@1 and maj@1 are one number per problem (one sample per draw), and maj@2 too when
    every wrong answer differs (c(c-1) + c(n-c) over n(n-1) = c/n): one row, all names in its label.
    Here every problem has at least 2 of 8 correct, so the vote over all 8 always wins (maj@8 = 1) as
    does pass@8: one row "pass@8 = maj@8"."""
    a, b, *_, cmp = pair
    overall = [r for r in cmp["rows"] if r["group"] == "overall"]
    assert [r["metric"] for r in overall] == ["accuracy", "pass@2", "pass@4", "pass@8", "maj@4"]
    assert overall[0]["same_as"] == ["pass@1", "maj@1", "maj@2"] and overall[3]["same_as"] == ["maj@8"]
    groups = {r["group"] for r in cmp["rows"]}
    kept = [r["metric"] for r in overall]
    for i, x in enumerate(kept):  # no two rows left that hold the same numbers in every group of both evals
        for y in kept[i + 1:]:
            same = all(next(r for r in cmp["rows"] if r["group"] == g and r["metric"] == x)[side]
                       == next(r for r in cmp["rows"] if r["group"] == g and r["metric"] == y)[side]
                       for g in groups for side in ("a", "b"))
            assert not same, (x, y)


def test_compare_report_has_plots_a_compact_table_and_names_the_correction(pair, tmp_path):
    a, b, sa, sb, _ = pair
    write_eval_report(a, tmp_path / "a", samples=sa)
    write_eval_report(b, tmp_path / "b", samples=sb)
    paths = write_compare_report(tmp_path / "a", tmp_path / "b", tmp_path / "cmp")
    text = paths["html"].read_text()
    assert text.count("data:image/png;base64,") == 2  # pass@k curves, per-group dumbbells
    compact = text[text.index('<section id="deltas">'):text.index("<details>")]
    groups = ["overall", "skill:alg", "skill:geo", "skill:num", "level:1", "level:2", "level:3"]
    assert re.findall(r"<tr><td>([^<]+)</td>", compact) == groups  # one row per group
    assert "accuracy = pass@1 = maj@1 = maj@2" in compact
    assert "Holm" in text and "paired sign-flip" in text
    cmp = json.loads(paths["json"].read_text())
    full = text[text.index("<details>"):]
    assert len(re.findall(r'<tr class="sig">', full)) == cmp["n_significant"] > 0
    md = paths["markdown"].read_text()
    assert "## Rows that differ" in md and "Holm" in md
    assert "| skill:alg | accuracy = pass@1 = maj@1 = maj@2 |" in md


def test_without_samples_nothing_is_tested_and_the_report_says_why(pair, tmp_path):
    a, b, *_ = pair
    for name, m in (("a", a), ("b", b)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "metrics.json").write_text(json.dumps(m))
    paths = write_compare_report(tmp_path / "a", tmp_path / "b", tmp_path / "cmp")
    cmp = json.loads(paths["json"].read_text())
    assert cmp["n_tested"] == 0 and cmp["n_significant"] == 0 and "samples.jsonl" in cmp["note"]
    assert "No row was tested" in paths["html"].read_text()


def test_missing_group_is_not_tested():
    (a, sa), (b, sb) = _eval({"alg": [2] * 5}), _eval({"alg": [6] * 5, "geo": [8] * 5})
    cmp = compare_metrics(a, b, values_a=problem_values(sa, a, equivalent=SAME),
                          values_b=problem_values(sb, b, equivalent=SAME))
    rows = [r for r in cmp["rows"] if r["group"] == "skill:geo"]
    assert rows and all(r["a"] is None and r["p"] is None and not r["significant"] for r in rows)
    assert np.isfinite([r["p"] for r in cmp["rows"] if r["group"] == "skill:alg"]).all()
    with pytest.raises(EvalInputError, match="No metrics.json"):
        write_compare_report("/nonexistent/a", "/nonexistent/b", "/tmp/x")


def test_rows_that_differ_are_listed_visibly_before_the_folded_table(pair, tmp_path):
    """The summary says "N of M tested rows differ": the N rows are a table of their own, not folded, right
    after the summary, each with its group, metric, A, B, delta and Holm p."""
    a, b, sa, sb, _ = pair
    write_eval_report(a, tmp_path / "a", samples=sa)
    write_eval_report(b, tmp_path / "b", samples=sb)
    paths = write_compare_report(tmp_path / "a", tmp_path / "b", tmp_path / "cmp")
    text = paths["html"].read_text()
    cmp = json.loads(paths["json"].read_text())
    section = text[text.index('<section id="different">'):text.index("</section>", text.index('id="different"'))]
    assert "<details>" not in section and text.index('id="different"') < text.index("<details>")
    assert text.index('id="summary"') < text.index('id="different"') < text.index('id="deltas"')
    assert "Rows that differ" in section and "Holm p" in section
    assert section.count("<tr><td>") == cmp["n_significant"] > 0
    first = next(r for r in cmp["rows"] if r["significant"])
    assert f"<td>{first['group']}</td><td>{' = '.join([first['metric'], *first['same_as']])}</td>" in section


def test_no_row_differs_says_so(pair):
    from eval.compare import render_compare_html

    a, b, *_ = pair
    cmp = compare_metrics(a, a, values_a=None, values_b=None)
    assert "No row was tested" in render_compare_html(cmp)
    _, _, sa, _, _ = pair
    values = problem_values(sa, a, equivalent=SAME)
    same = compare_metrics(a, a, values_a=values, values_b=values)
    html_text = render_compare_html(same)
    assert f"None of the {same['n_tested']} tested rows differs." in html_text
