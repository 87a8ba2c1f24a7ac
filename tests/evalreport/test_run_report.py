"""Training-run report: accuracy labelled as what it is, trainer curves, smoothed shares, DPO's own figures."""

from __future__ import annotations

import json
import re

import pytest

from eval.run_report import load_trainer_log, render_run_report, rolling_mean
from tests.evalreport._fixtures import write_dpo_run, write_grpo_run, write_run


def _section(text: str, sec: str) -> str:
    start = text.index(f'<section id="{sec}">')
    return text[start:text.index("</section>", start)]


def test_accuracy_is_labelled_as_drawn_not_held_out_and_not_a_change_from_the_prior(tmp_path):
    """The tracker's estimate starts at its prior (0.5 in round 0), so no "change" from it is shown;
    the drawn problems' accuracy alternates .25/.75 -> .500 in each half; held-out accuracy comes first."""
    write_grpo_run(tmp_path / "run")
    paths = render_run_report(tmp_path / "run")
    text = paths["html"].read_text()
    acc = _section(text, "skill-accuracy")
    assert "not held out" in acc and "Not a held-out measure" in acc and "prior" in acc
    assert "change" not in acc
    assert "Held-out accuracy" in _section(text, "summary") and "after GRPO" in text
    assert text.index('id="summary"') < text.index('id="skill-accuracy"')
    md = paths["markdown"].read_text()
    assert "| add | 0.500 | 0.500 | 0.600 |" in md and "change" not in md
    assert "Selection-biased" in md


def test_a_run_without_held_out_accuracy_says_so(tmp_path):
    write_run(tmp_path / "run")
    text = render_run_report(tmp_path / "run")["html"].read_text()
    assert "measured no held-out accuracy" in text


def test_reward_and_loss_curves_from_the_trainer_log(tmp_path):
    """trainer_log.jsonl has 4 entries with a loss or reward (the end-of-training summary has neither)."""
    write_grpo_run(tmp_path / "run")
    paths = render_run_report(tmp_path / "run")
    training = _section(paths["html"].read_text(), "training")
    assert 'alt="reward and loss curves"' in training and "4 entries" in training
    log = json.loads(paths["json"].read_text())["trainer_log"]
    assert [e["step"] for e in log] == [10, 20, 30, 40] and log[-1]["reward"] == pytest.approx(0.9)


def test_trainer_log_from_the_newest_trainer_state(tmp_path):
    """Without trainer_log.jsonl: the log_history of the newest checkpoint's trainer_state.json."""
    write_grpo_run(tmp_path / "run", trainer_log=False)
    assert load_trainer_log(tmp_path / "run") == []
    for step in (5, 10):
        ckpt = tmp_path / "run" / "trainer" / f"checkpoint-{step}"
        ckpt.mkdir(parents=True)
        history = [{"step": s, "loss": 0.1, "reward": s / 10} for s in range(1, step + 1)]
        (ckpt / "trainer_state.json").write_text(json.dumps({"global_step": step, "log_history": history}))
    assert [e["step"] for e in load_trainer_log(tmp_path / "run")] == list(range(1, 11))
    text = render_run_report(tmp_path / "run")["html"].read_text()
    assert 'alt="reward and loss curves"' in text


def test_rolling_mean_by_hand():
    assert rolling_mean([1, None, 3, 5], 2) == [1.0, 1.0, 2.0, 4.0]
    assert rolling_mean([None, 2], 3) == [None, 2.0]


def test_informative_share_and_draw_are_smoothed_and_stacked(tmp_path):
    """40 rounds -> window max(3, 40/20) = 3: the alternating 0/1 informative share is shown with its
    rolling mean; the draw is a stacked share by skill and by level, not a cell x round raster.
    Level 1 is drawn at .5 in the first 20 rounds and never after -> halves .500 and .000."""
    write_grpo_run(tmp_path / "run")
    paths = render_run_report(tmp_path / "run")
    text = paths["html"].read_text()
    assert "mean of 3 rounds" in _section(text, "informative")
    draw = _section(text, "draw-share")
    assert 'alt="draw share by skill"' in draw and 'alt="draw share by level"' in draw
    assert "per (skill, level) over rounds" not in draw
    assert "| level 1 | 0.500 | 0.000 | 0.250 |" in paths["markdown"].read_text()


def test_dpo_run_shows_pairs_yield_and_margins(tmp_path):
    """Iteration t: 4 + 2t pairs, yield (4 + 2t)/64 (t = 2: 8/64 = .125), loss .69 - .01t, margin .1t,
    uniform probe accuracy .1t."""
    write_dpo_run(tmp_path / "dpo", n_iterations=3)
    paths = render_run_report(tmp_path / "dpo")
    text = paths["html"].read_text()
    assert "<h1>DPO run report</h1>" in text
    dpo = _section(text, "dpo")
    assert 'alt="DPO figures per iteration"' in dpo
    assert re.search(r'<td class="num">2</td><td class="num">8</td><td class="num">0.125</td>', dpo)
    assert "0.67" in dpo and "0.2" in dpo
    assert "uniform probe" in _section(text, "skill-accuracy")
    figures = json.loads(paths["json"].read_text())["dpo_iterations"]
    assert [f["n_pairs"] for f in figures] == [4, 6, 8] and figures[2]["probe_accuracy"] == {"add": pytest.approx(0.2)}
    md = paths["markdown"].read_text()
    assert "## DPO per iteration" in md and "| 2 | 8 | 0.125 | 4 | 3 | 0.67 | 0.2 | 0.5 |" in md


def test_one_iteration_gives_tables_not_single_dot_plots(tmp_path):
    write_dpo_run(tmp_path / "dpo", n_iterations=1)
    text = render_run_report(tmp_path / "dpo")["html"].read_text()
    assert "data:image/png" not in _section(text, "dpo") and "data:image/png" not in _section(text, "informative")
    assert "data:image/png" not in _section(text, "skill-accuracy")
    assert 'alt="draw share by skill"' not in text and 'alt="mean draw share skill x level"' in text
    assert "1 round (0..0)" in text
    assert "<td" in _section(text, "dpo")
