"""HTML / Markdown / JSON eval reports, comparisons and training-run reports."""

from __future__ import annotations

import json
import re

import pytest

from eval._eval_errors import EvalInputError
from eval.metrics import MetricsConfig, compute_metrics
from eval.report import write_eval_report
from eval.run_report import load_rounds, render_run_report
from tests.evalreport._fixtures import problems_from_spec, write_run

EVAL_SECTIONS = ["summary", "status", "pass-at-k", "heatmap", "per-skill", "per-level", "lengths", "data-issues", "methods"]



def _metrics(spec):
    return compute_metrics(problems_from_spec(spec), config=MetricsConfig(n_boot=300))


def _assert_self_contained(text: str):
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text and "<link" not in text
    for ref in re.findall(r'(?:src|href)="([^"]*)"', text):
        assert ref.startswith("data:image/png;base64,"), ref


def test_eval_html_has_every_section_and_no_external_refs(tmp_path):
    m = _metrics({"alg": [2, 6, 4], "geo": [8, 0, 3]})
    m["data_issues"] = {"unknown_ids": {"count": 2, "ids": ["x9", "x9"]}, "missing_problems": {"count": 0, "ids": []}}
    paths = write_eval_report(m, tmp_path, samples=[{"problem_id": "alg0"}])
    text = paths["html"].read_text()
    for sec in EVAL_SECTIONS:
        assert f'<section id="{sec}">' in text, sec
    assert text.count("data:image/png;base64,") == 4  # status bars, pass@k, heatmap, lengths
    _assert_self_contained(text)
    assert "x9" in text  # data issues are listed
    md = paths["markdown"].read_text()
    assert "| accuracy | 0.479 |" in md  # (2+6+4+8+0+3)/48 = 23/48 = 0.479
    assert json.loads(paths["metrics"].read_text())["accuracy"] == pytest.approx(23 / 48)
    assert paths["samples"].read_text().strip() == '{"problem_id": "alg0"}'


def test_run_report_from_synthetic_rounds(tmp_path):
    """Halves of 3 rounds: the first round, then rounds 1-2. Level 1 draw share 1.0, .75, .5 -> 1.000,
    .625, all .750; level 2 0, .25, .5 (0 where not drawn) -> 0, .375, .250. Informative .25 | .5, .75 ->
    .250, .625, .500; the uniform probe has a gap in round 2 -> .200, .250, .225. The tracker's estimate is
    shown as its last value only: its first value is the prior, not a measurement."""
    run = tmp_path / "run"
    write_run(run)
    paths = render_run_report(run)
    assert paths["html"].parent == run / "report"
    text = paths["html"].read_text()
    for sec in ("summary", "training", "skill-accuracy", "draw-share", "informative", "status"):
        assert f'<section id="{sec}">' in text
    _assert_self_contained(text)
    assert "sai_dpo" in text  # run.json shown
    series = json.loads(paths["json"].read_text())["series"]
    assert series["rounds"] == [0, 1, 2]
    assert series["draw_share"]["add|2"] == [0.0, 0.25, 0.5]
    assert series["skill_accuracy"]["add"] == [0.2, 0.5, 0.8]
    assert series["status_counts"]["timeout"] == [0, 1, 0]
    md = paths["markdown"].read_text()
    assert "| add | \u2014 | \u2014 | 0.800 |" in md
    assert "| level 1 | 1.000 | 0.625 | 0.750 |" in md and "| level 2 | 0.000 | 0.375 | 0.250 |" in md
    assert "| drawn groups | 0.250 | 0.625 | 0.500 |" in md
    assert "| uniform probe | 0.200 | 0.250 | 0.225 |" in md


def test_run_report_errors(tmp_path):
    with pytest.raises(EvalInputError, match="No rounds.jsonl"):
        load_rounds(tmp_path)
    (tmp_path / "rounds.jsonl").write_text('{"round": 0}\nnot json\n')
    with pytest.raises(EvalInputError, match="rounds.jsonl: line 2 is not valid JSON"):
        load_rounds(tmp_path)


@pytest.mark.parametrize(("record", "match"), [
    ('{"round": 0, "n_outcomes": "lots"}', r"record 1 \(round 0\): 'n_outcomes' must be a non-negative integer"),
    ('{"round": 0, "n_outcomes": true}', "'n_outcomes' must be a non-negative integer"),
    ('{"round": 0, "skill_accuracy": {"add": "abc"}}', r"skill_accuracy\['add'\] must be a number"),
    ('{"round": 0, "draw_share": [0.5]}', "'draw_share' must be an object of names to numbers"),
    ('{"round": 0, "status_counts": {"correct": 2.5}}', r"status_counts\['correct'\] must be an integer count"),
    ('{"round": 0, "informative_share": "high"}', "'informative_share' must be a number"),
    ('{"round": true}', "needs an integer 'round' field"),
])
def test_run_report_names_a_field_of_the_wrong_type(tmp_path, record, match):
    (tmp_path / "rounds.jsonl").write_text(record + "\n")
    with pytest.raises(EvalInputError, match=match):
        render_run_report(tmp_path, tmp_path / "report")


def test_reading_shares_and_examples_show_what_the_checker_read():
    """10 samples: 4 correct, 3 incorrect, 2 unparseable_pred, 1 timeout -> 30% unread; at most 3 examples
    of each status but correct, with the gold, what was read and the completion's end."""
    from eval.runner import reading

    statuses = ["correct"] * 4 + ["incorrect"] * 3 + ["unparseable_pred"] * 2 + ["timeout"]
    samples = [{"problem_id": f"p{i}", "status": s, "gold": "239", "answer": None if s != "incorrect" else "6",
                "completion_tail": f"There are 239 strings of length 6 (#{i})"} for i, s in enumerate(statuses)]
    r = reading(samples)
    assert r["unread_share"] == pytest.approx(0.3) and r["share"]["incorrect"] == pytest.approx(0.3)
    assert {k: len(v) for k, v in r["examples"].items()} == {"incorrect": 3, "unparseable_pred": 2, "timeout": 1}
    assert r["examples"]["incorrect"][0] == {"problem_id": "p4", "gold": "239", "answer": "6",
                                             "completion_tail": "There are 239 strings of length 6 (#4)"}
    assert reading([]) == {"n_samples": 0, "unread_share": 0.0, "share": {}, "examples": {}}


@pytest.mark.parametrize(("unread", "warned"), [(0.3, True), (0.1, False)])
def test_report_warns_when_the_checker_cannot_read_the_model(tmp_path, unread, warned):
    m = _metrics({"alg": [2, 6, 4]})
    m["reading"] = {"n_samples": 24, "unread_share": unread, "share": {"incorrect": 0.4},
                    "examples": {"incorrect": [{"problem_id": "alg1", "gold": "239", "answer": "6",
                                                "completion_tail": "There are 239 strings of length 6"}]}}
    paths = write_eval_report(m, tmp_path)
    text = paths["html"].read_text()
    assert '<section id="reading">' in text and "There are 239 strings of length 6" in text
    assert ('class="warn"' in text) is warned and ("would be blind" in text) is warned
    md = paths["markdown"].read_text()
    assert "## What the checker read" in md and "| incorrect | alg1 | 239 | 6 |" in md
    old = _metrics({"alg": [2, 6, 4]})  # metrics written before this section existed: no section, no error
    assert '<section id="reading">' not in write_eval_report(old, tmp_path / "old")["html"].read_text()
