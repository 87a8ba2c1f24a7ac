"""What a newcomer found in the reports in a browser: a blind reward nobody warned of, compressed rate
axes, repeated examples and raw JSON in the run table."""

from __future__ import annotations

import json

import pytest

from eval import _plots
from eval._html import readable, unread_verdict
from eval.report import distinct_examples, write_eval_report
from eval.run_report import render_run_report
from tests.evalreport._fixtures import write_dpo_run, write_run
from tests.evalreport.test_report import _metrics


def _section(text: str, sec: str) -> str:
    start = text.index(f'<section id="{sec}">')
    return text[start:text.index("</section>", start)]


def _write_rounds(run_dir, status_counts: list[dict]) -> None:
    rounds = [{"round": t, "n_outcomes": sum(c.values()), "skill_accuracy": {"add": 0.1},
               "draw_share": {"add|1": 1.0}, "informative_share": 0.5, "status_counts": c}
              for t, c in enumerate(status_counts)]
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "rounds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rounds))


# ---- 1. the run report warns when the checker could not read most verdicts ------------------------


def test_run_report_warns_at_the_top_when_most_verdicts_were_unreadable(tmp_path):
    """The demo run: 663 of 960 verdicts unparseable_pred (69%), in two rounds of 480 -> warned in the
    first section, with the eval report's wording and the counts; the status table shows the shares."""
    _write_rounds(tmp_path / "run", [{"correct": 40, "incorrect": 100, "unparseable_pred": 340},
                                     {"correct": 57, "incorrect": 100, "unparseable_pred": 323}])
    paths = render_run_report(tmp_path / "run")
    text = paths["html"].read_text()
    summary = _section(text, "summary")
    assert summary.index('class="warn"') < summary.index("round")
    assert "could not read an answer in 69% of the completions (663 of 960 verdicts: unparseable_pred 663)" in summary
    assert "would be blind to them" in summary
    assert "<td>unparseable_pred</td><td class=\"num\">663</td><td class=\"num\">69%</td>" in _section(text, "status")
    md = paths["markdown"].read_text()
    assert "69% of the completions" in md and md.index("blind") < md.index("## Accuracy")


@pytest.mark.parametrize(("unread", "warned"), [(20, True), (19, False), (0, False)])
def test_run_report_warns_from_the_eval_reports_threshold(tmp_path, unread, warned):
    """20 of 100 unread (timeout counts as unread, as in the eval report) is 20% = the threshold: warned."""
    _write_rounds(tmp_path / "run", [{"correct": 30, "incorrect": 70 - unread, "timeout": unread}])
    text = render_run_report(tmp_path / "run")["html"].read_text()
    assert ('class="warn"' in text) is warned and ("would be blind" in text) is warned


def test_eval_and_run_report_share_one_wording():
    assert unread_verdict(0.69).startswith("The checker could not read an answer in 69% of the completions: "
                                           "a reward built on it would be blind to them;")
    assert unread_verdict(0.1, " (1 of 10)") == "The checker could not read an answer in 10% of the completions (1 of 10)."


# ---- 2. rates start at 0 --------------------------------------------------------------------------


@pytest.fixture
def figures(monkeypatch):
    """The matplotlib figures the plot helpers build, instead of their PNGs."""
    captured = []
    monkeypatch.setattr(_plots, "_to_base64", lambda fig, layout=True: captured.append(fig) or "")
    return captured


def _axis(figs, title):
    return next(ax for fig in figs for ax in fig.axes if ax.get_title() == title)


def test_rate_panels_start_at_zero_not_at_their_smallest_value(figures):
    """Pair yield 0.0469 -> 0.05: the axis runs from (about) 0 to 8% above 0.05, not 0.047..0.050.
    A series with negative values keeps matplotlib's own axis."""
    _plots.panels([0, 1], [("pair yield", [("pair yield", [0.0469, 0.05], "line")]),
                           ("margin", [("margin", [-0.5, 0.5], "line")])], xlabel="iteration")
    low, high = _axis(figures, "pair yield").get_ylim()
    assert -0.002 <= low <= 0.0 and high == pytest.approx(0.054)
    assert _axis(figures, "margin").get_ylim()[0] < -0.5
    _plots.lines_over_rounds([0, 1, 2], {"share": [0.6, 0.62, 0.61]}, title="shares", ylabel="share")
    assert _axis(figures, "shares").get_ylim()[0] <= 0.0


def test_every_rate_panel_of_a_dpo_run_report_starts_at_zero(tmp_path, figures):
    """Yield 4/64 .. 8/64, reward accuracy .5, DPO loss .69 .. .67 with ln 2: all in [0, 1]."""
    write_dpo_run(tmp_path / "dpo", n_iterations=3)
    render_run_report(tmp_path / "dpo")
    for title in ("pair yield (pairs per sample generated)", "reward accuracy (chosen preferred)",
                  "DPO loss (mean over the pass)", "share of groups with mixed outcomes"):
        low, high = _axis(figures, title).get_ylim()
        assert low <= 0.0 and high <= 1.02, title


# ---- 4. the compare dot plot marks the pairs that differ --------------------------------------------


def test_different_pairs_are_shaded_starred_and_in_the_legend(figures):
    _plots.dumbbells(["overall", "skill:a"], [("accuracy", [0.2, 0.5], [0.8, 0.55], [True, False])],
                     different="different (Holm p < 0.05)")
    fig = figures[-1]
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == ["A", "B", "different (Holm p < 0.05)"]
    ax = fig.axes[0]
    shaded = [p for p in ax.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
    assert len(shaded) == 1 and shaded[0].get_y() == pytest.approx(-0.5)  # row 0 only
    assert sum(line.get_marker() == "*" for line in ax.lines) == 1
    _plots.dumbbells(["overall"], [("accuracy", [0.2], [0.25], [False])], different="different (Holm p < 0.05)")
    assert [t.get_text() for t in figures[-1].legends[0].get_texts()] == ["A", "B"]


# ---- 5. distinct examples of what the checker read ------------------------------------------------


def test_distinct_examples_by_hand():
    """p1's four unparseable samples: "x", "x", " x ", "y" -> (p1, x) and (p1, y) are distinct; p2 comes
    before p1's second one (different problems first); correct rows are never examples."""
    rows = [{"problem_id": "p1", "status": "unparseable_pred", "completion_tail": t, "gold": "1", "answer": None}
            for t in ("x", "x", " x ", "y")]
    rows += [{"problem_id": "p2", "status": "unparseable_pred", "completion_tail": "x", "gold": "2", "answer": None},
             {"problem_id": "p3", "status": "correct", "completion_tail": "1", "gold": "1", "answer": "1"}]
    ex = distinct_examples(rows)
    assert list(ex) == ["unparseable_pred"]
    assert [(e["problem_id"], e["completion_tail"]) for e in ex["unparseable_pred"]] == [("p1", "x"), ("p2", "x"),
                                                                                       ("p1", "y")]


def test_eval_report_shows_distinct_examples_not_one_completion_three_times(tmp_path):
    """The first three unparseable rows are one completion of alg0; the samples hold alg1 and alg2 too."""
    m = _metrics({"alg": [2, 6, 4]})
    same = {"problem_id": "alg0", "gold": "239", "answer": None, "completion_tail": "no answer"}
    m["reading"] = {"n_samples": 24, "unread_share": 0.25, "share": {"incorrect": 0.4},
                    "examples": {"unparseable_pred": [same] * 3}}
    samples = [{**same, "status": "unparseable_pred", "sample": j} for j in range(3)]
    samples += [{**same, "problem_id": f"alg{i}", "status": "unparseable_pred", "completion_tail": f"none {i}"}
                for i in (1, 2)]
    reading = _section(write_eval_report(m, tmp_path / "a", samples=samples)["html"].read_text(), "reading")
    assert [p for p in ("alg0", "alg1", "alg2") if f"<td>{p}</td>" in reading] == ["alg0", "alg1", "alg2"]
    reading = _section(write_eval_report(m, tmp_path / "b")["html"].read_text(), "reading")  # no samples at hand
    assert reading.count("<td>alg0</td>") == 1


# ---- 6. nested values in the run table --------------------------------------------------------------


def test_readable_nested_values_by_hand():
    assert readable({"steps": 50, "first_loss": 5.71780252456665, "last_loss": 1.3524574041366577}) == \
        "steps = 50, first_loss = 5.718, last_loss = 1.352"
    assert readable({"a": {"b": 0.0005, "c": None}, "d": [True, "x"]}) == "a = (b = 0.0005, c = \u2014), d = [true, x]"
    assert readable("x" * 400).endswith("...") and len(readable("x" * 400)) == 300


def test_run_table_shows_warm_start_readably(tmp_path):
    write_run(tmp_path / "run")
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    info["warm_start"] = {"steps": 50, "first_loss": 5.71780252456665, "last_loss": 1.3524574041366577}
    (tmp_path / "run" / "run.json").write_text(json.dumps(info))
    summary = _section(render_run_report(tmp_path / "run")["html"].read_text(), "summary")
    assert "steps = 50, first_loss = 5.718, last_loss = 1.352" in summary and "5.7178" not in summary
