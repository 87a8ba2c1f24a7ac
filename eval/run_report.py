"""Training-run report from ``RUN_DIR/rounds.jsonl``: what the run learned, what it drew, what it trained on.

Each line of ``rounds.jsonl`` is one round (format in INTERFACES.md)::

    {"round": 3, "n_outcomes": 64, "skill_accuracy": {"add": 0.7}, "draw_share": {"add|2": 0.25},
     "informative_share": 0.4, "uniform_informative_share": 0.3, "status_counts": {"correct": 40}}

Also read when present: ``RUN_DIR/run.json`` (config, held-out accuracy before and after training),
the trainer's log (``RUN_DIR/trainer_log.jsonl``, one log entry per line, or the ``log_history`` of
the newest ``trainer_state.json`` under ``RUN_DIR`` or ``RUN_DIR/trainer``) for reward and loss
curves, and a DPO run's ``iter_XXX/summary.json`` (pairs, pair yield, DPO loss and reward margins,
accuracy on the uniform probe).

The accuracy a run sees is of the problems its tracker chose to draw: not held out, and biased by the
selection (a policy that draws harder problems sees lower accuracy), so the report labels it as such
and shows held-out accuracy first where the run measured it.

    >>> paths = render_run_report("runs/demo", "runs/demo/report")  # doctest: +SKIP
    >>> sorted(paths)  # doctest: +SKIP
    ['html', 'json', 'markdown']
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from data.loaders import read_jsonl
from eval import _plots
from eval._eval_errors import EvalInputError, is_number
from eval._html import BLIND_SHARE, details, img, md_table, page, readable, table, unread_verdict

__all__ = ["load_dpo_iterations", "load_rounds", "load_trainer_log", "render_run_report", "rolling_mean",
           "run_series"]

_SMOOTH_FROM = 13  # with fewer rounds every point is shown as is; from here on, a rolling mean too


def load_rounds(run_dir: str | Path) -> list[dict]:
    """The rounds of ``RUN_DIR/rounds.jsonl`` sorted by ``round``; clear errors on bad lines."""
    path = Path(run_dir) / "rounds.jsonl"
    if not path.is_file():
        raise EvalInputError(
            f"No rounds.jsonl in {str(run_dir)!r}; pass the output folder of a training run (GRPO demo or DPO)."
        )
    rounds = read_jsonl(path, EvalInputError, torn_tail_ok=True)  # a run killed mid-write keeps its rounds
    for k, rec in enumerate(rounds, start=1):
        if not isinstance(rec.get("round"), int) or isinstance(rec.get("round"), bool):
            raise EvalInputError(f"{path}: record {k} needs an integer 'round' field. Got {str(rec)[:80]!r}.")
        _check_round_fields(rec, f"{path}: record {k} (round {rec['round']})")
    if not rounds:
        raise EvalInputError(f"{path} has no rounds yet; run training for at least one round.")
    return sorted(rounds, key=lambda r: r["round"])


# The fields a report reads from a round: a number (None where the round lacks it), or a mapping of names to
# numbers (counts are integers).
_NUMBER_FIELDS = ("informative_share", "uniform_informative_share")
_MAP_FIELDS = ("skill_accuracy", "round_skill_accuracy", "draw_share")


def _check_round_fields(rec: dict, where: str) -> None:
    """Raise EvalInputError naming the field when a round's value has the wrong type ("lots" outcomes)."""
    n = rec.get("n_outcomes")
    if n is not None and (not isinstance(n, int) or isinstance(n, bool) or n < 0):
        raise EvalInputError(f"{where}: 'n_outcomes' must be a non-negative integer. Got {n!r}.")
    for key in _NUMBER_FIELDS:
        if rec.get(key) is not None and not is_number(rec[key]):
            raise EvalInputError(f"{where}: {key!r} must be a number (or null). Got {rec[key]!r}.")
    for key, ints in [(k, False) for k in _MAP_FIELDS] + [("status_counts", True)]:
        value = rec.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise EvalInputError(f"{where}: {key!r} must be an object of names to numbers. Got {str(value)[:60]!r}.")
        for name, v in value.items():
            if not (isinstance(v, int) and not isinstance(v, bool) if ints else is_number(v) or v is None):
                kind = "an integer count" if ints else "a number (or null)"
                raise EvalInputError(f"{where}: {key}[{name!r}] must be {kind}. Got {v!r}.")


def load_trainer_log(run_dir: str | Path) -> list[dict]:
    """The trainer's log entries that carry a loss or a reward, in step order ([] when none is kept).

    Looks for ``RUN_DIR/trainer_log.jsonl``, then the newest ``trainer_state.json`` (its ``log_history``)
    in ``RUN_DIR``, ``RUN_DIR/trainer`` or their ``checkpoint-N`` folders.
    """
    run_dir = Path(run_dir)
    if (run_dir / "trainer_log.jsonl").is_file():
        entries = read_jsonl(run_dir / "trainer_log.jsonl", EvalInputError)
    else:
        states = [p for d in (run_dir, run_dir / "trainer") for p in
                  [d / "trainer_state.json", *d.glob("checkpoint-*/trainer_state.json")] if p.is_file()]
        if not states:
            return []
        newest = max(states, key=lambda p: json.loads(p.read_text(encoding="utf-8")).get("global_step", 0))
        entries = json.loads(newest.read_text(encoding="utf-8")).get("log_history", [])
    entries = [e for e in entries if isinstance(e, dict) and isinstance(e.get("step"), int | float)
               and ("loss" in e or "reward" in e)]
    return sorted(entries, key=lambda e: e["step"])


def load_dpo_iterations(run_dir: str | Path) -> list[dict]:
    """The ``summary.json`` of every finished iteration of a DPO run (``iter_XXX/DONE``), in order."""
    out, t = [], 0
    while (Path(run_dir) / f"iter_{t:03d}" / "DONE").is_file():
        path = Path(run_dir) / f"iter_{t:03d}" / "summary.json"
        if path.is_file():
            out.append(json.loads(path.read_text(encoding="utf-8")))
        t += 1
    return out


def _cell_order(cell: str) -> tuple:
    skill, _, level = cell.partition("|")
    return (skill, not level.lstrip("-").isdigit(), int(level) if level.lstrip("-").isdigit() else 0, level)


def run_series(rounds: list[dict]) -> dict:
    """Per-round series: ``skill_accuracy`` (the tracker's estimate) and ``drawn_accuracy`` (accuracy of
    the drawn problems that round) by skill, ``draw_share`` by "skill|level", ``informative_share``,
    ``uniform_informative_share``, ``n_outcomes`` and ``status_counts`` (None where a round lacks the
    value; draw share 0 where a cell was not drawn)."""
    skills = sorted({s for r in rounds for key in ("skill_accuracy", "round_skill_accuracy") for s in (r.get(key) or {})})
    cells = sorted({c for r in rounds for c in (r.get("draw_share") or {})}, key=_cell_order)
    statuses = list(dict.fromkeys(s for r in rounds for s in (r.get("status_counts") or {})))
    return {
        "rounds": [r["round"] for r in rounds],
        "skill_accuracy": {s: [(r.get("skill_accuracy") or {}).get(s) for r in rounds] for s in skills},
        "drawn_accuracy": {s: [(r.get("round_skill_accuracy") or {}).get(s) for r in rounds] for s in skills},
        "draw_share": {c: [float((r.get("draw_share") or {}).get(c, 0.0)) for r in rounds] for c in cells},
        "informative_share": [r.get("informative_share") for r in rounds],
        "uniform_informative_share": [r.get("uniform_informative_share") for r in rounds],
        "n_outcomes": [r.get("n_outcomes") for r in rounds],
        "status_counts": {s: [(r.get("status_counts") or {}).get(s, 0) for r in rounds] for s in statuses},
    }


def rolling_mean(values: list, window: int) -> list:
    """Trailing mean over the last ``window`` present values at each point (None where none yet).

    Example: ``rolling_mean([1, None, 3, 5], 2)`` -> ``[1.0, 1.0, 2.0, 4.0]`` (a gap is skipped).
    """
    out, seen = [], []
    for v in values:
        if v is not None:
            seen.append(float(v))
        recent = seen[-window:]
        out.append(sum(recent) / len(recent) if recent else None)
    return out


def _xlabel(series: dict) -> str:
    return "iteration" if series.get("is_dpo") else "round"


def _window(n: int) -> int:
    """Rolling window for ``n`` rounds: about a twentieth of the run, 1 (no smoothing) for short runs."""
    return 1 if n < _SMOOTH_FROM else max(3, round(n / 20))


def _mean(values) -> float | None:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _halves(values: list) -> tuple:
    """Mean over the first half of the rounds, the second half, and all of them."""
    half = max(1, len(values) // 2)
    return _mean(values[:half]), _mean(values[half:]) if len(values) > 1 else None, _mean(values)


def _by(draw: dict[str, list[float]], part: int) -> dict[str, list[float]]:
    """Draw share summed by skill (part 0) or by level (part 1) of the "skill|level" cells."""
    out: dict[str, np.ndarray] = {}
    for cell, values in draw.items():
        key = cell.partition("|")[::2][part] or "none"
        out[key] = out.get(key, 0) + np.asarray(values, dtype=float)
    keys = sorted(out, key=lambda k: (not k.lstrip("-").isdigit(), int(k) if k.lstrip("-").isdigit() else 0, k))
    return {k: [float(v) for v in out[k]] for k in keys}


def _skill_level_matrix(draw_share: dict[str, list[float]]) -> tuple[np.ndarray, list[str], list[str]]:
    """Mean draw share over all rounds as a skill x level matrix."""
    skills = list(_by(draw_share, 0))
    levels = list(_by(draw_share, 1))
    m = np.full((len(skills), len(levels)), np.nan)
    for cell, values in draw_share.items():
        s, _, lv = cell.partition("|")
        m[skills.index(s), levels.index(lv or "none")] = float(np.mean(values))
    return m, skills, levels


# ---- DPO iterations ---------------------------------------------------------------------------------


def _dpo_rows(iterations: list[dict]) -> list[dict]:
    """Per iteration: pairs, pair yield, DPO loss, reward margin and accuracy, probe / selected accuracy."""
    rows = []
    for s in iterations:
        train = s.get("train") or {}
        rows.append({"iteration": s.get("iteration"), "n_pairs": s.get("n_pairs"), "pair_yield": s.get("pair_yield"),
                     "n_problems_paired": s.get("n_problems_paired"), "train_steps": train.get("steps"),
                     "loss": train.get("train_loss"), "reward_margin": train.get("reward_margin"),
                     "reward_accuracy": train.get("reward_accuracy"),
                     "probe_accuracy": {k: v.get("accuracy") for k, v in (s.get("probe_accuracy_by_skill") or {}).items()},
                     "selected_accuracy": {k: v.get("accuracy")
                                           for k, v in (s.get("selected_accuracy_by_skill") or {}).items()}})
    return rows


_DPO_HEADERS = ["iteration", "pairs", "pair yield", "problems paired", "DPO steps", "DPO loss", "reward margin",
                "reward accuracy"]


def _g(value, digits: int = 3) -> str:
    """A number to ``digits`` significant digits (small DPO margins do not print as 0.000)."""
    return "\u2014" if value is None else f"{value:.{digits}g}"


def _dpo_table_rows(dpo: list[dict]) -> list[list]:
    return [[r["iteration"], r["n_pairs"], _g(r["pair_yield"]), r["n_problems_paired"], r["train_steps"],
             _g(r["loss"], 4), _g(r["reward_margin"]), _g(r["reward_accuracy"])] for r in dpo]


def _dpo_section(dpo: list[dict], run_info: dict) -> str:
    note = ('<p class="note">Each iteration probes, selects, builds preference pairs (a correct and an incorrect '
            "sample of one problem) and trains one DPO pass on them. Pair yield = pairs per sample generated. "
            "Reward margin = mean of (chosen \u2212 rejected) implicit reward over the pass; reward accuracy = share "
            "of pairs whose chosen sample the policy prefers. Both are measured during the pass, each before its "
            "step's update, so a pass of one step shows the reference model's 0.</p>")
    body = table(_DPO_HEADERS, _dpo_table_rows(dpo))
    if len(dpo) < 2:
        return note + body  # one iteration: a table, not single-dot plots
    x = [r["iteration"] for r in dpo]
    loss = [("DPO loss", [r["loss"] for r in dpo], "line")]
    if (run_info.get("config") or {}).get("loss_type", ["sigmoid"]) == ["sigmoid"]:
        loss.append(("ln 2: loss of no preference", float(np.log(2)), "ref"))
    specs = [("preference pairs", [("pairs", [r["n_pairs"] for r in dpo], "bar")]),
             ("pair yield (pairs per sample generated)", [("pair yield", [r["pair_yield"] for r in dpo], "line")]),
             ("DPO loss (mean over the pass)", loss),
             ("reward margin (chosen \u2212 rejected)", [("reward margin", [r["reward_margin"] for r in dpo], "line")]),
             ("reward accuracy (chosen preferred)", [("reward accuracy", [r["reward_accuracy"] for r in dpo], "line")])]
    return note + img(_plots.panels(x, specs, xlabel="iteration", ncols=3), "DPO figures per iteration") + body


# ---- GRPO trainer log -------------------------------------------------------------------------------


def _trainer_section(entries: list[dict]) -> str:
    if not entries:
        return ('<p class="note">No trainer log in this run folder (trainer_log.jsonl, or trainer_state.json with '
                "log_history), so no reward or loss curves.</p>")
    steps = [e["step"] for e in entries]

    def col(key):
        return [e.get(key) for e in entries]

    specs = []
    if any(v is not None for v in col("reward")):
        specs.append(("mean reward", [("reward", col("reward"), "line")]))
    if any(v is not None for v in col("loss")):
        specs.append(("training loss", [("loss", col("loss"), "line")]))
    if any(v is not None for v in col("kl")):
        specs.append(("KL to the reference", [("kl", col("kl"), "line")]))
    if len(steps) < 2:
        return table(["step", "reward", "loss"], [[steps[0], col("reward")[0], col("loss")[0]]])
    return (img(_plots.panels(steps, specs, xlabel="optimizer step", ncols=3), "reward and loss curves")
            + f'<p class="note">From the trainer\'s log: {len(entries)} entries, each the mean over the steps since '
            "the previous one. The GRPO loss is not a measure of progress (it hovers near 0 by construction); the "
            "reward is the checker's verdict on the drawn problems.</p>")


# ---- skill accuracy ---------------------------------------------------------------------------------


def _probe(series: dict, dpo: list[dict]) -> dict[str, list]:
    """Accuracy on a DPO run's uniform probe, by skill, per round (empty for other runs)."""
    if not dpo:
        return {}
    by_iter = {r["iteration"]: r["probe_accuracy"] for r in dpo}
    return {s: [by_iter.get(t, {}).get(s) for t in series["rounds"]] for s in series["skill_accuracy"]}


def _accuracy_rows(series: dict, probe: dict) -> list[list]:
    rows = []
    for skill, estimate in series["skill_accuracy"].items():
        first, second, _ = _halves(series["drawn_accuracy"].get(skill, []))
        row = [skill, first, second, next((v for v in reversed(estimate) if v is not None), None)]
        if probe:
            row += [probe[skill][0], probe[skill][-1]]
        rows.append(row)
    return rows


def _accuracy_section(series: dict, probe: dict, has_heldout: bool) -> str:
    rounds, w = series["rounds"], _window(len(series["rounds"]))
    drawn = series["drawn_accuracy"]
    note = ('<p class="note"><b>Not a held-out measure.</b> These are accuracies on the problems the tracker chose '
            "to draw for training, chosen for what the policy can learn from them: they depend on the selection "
            "policy and must not be compared across policies. The tracker's estimate starts at its prior, so in "
            "its first rounds it shows mostly the prior, not a measurement."
            + (" Held-out accuracy is in the summary above." if has_heldout else "")
            + (" The uniform probe draws problems uniformly from the training pool each iteration: not held out, "
               "but not biased by the selection." if probe else "") + "</p>")
    specs = []
    for skill, estimate in series["skill_accuracy"].items():
        lines = []
        if any(v is not None for v in drawn.get(skill, [])):
            if w > 1:
                lines += [("drawn problems (per round)", drawn[skill], "raw"),
                          (f"drawn problems (mean of {w} rounds)", rolling_mean(drawn[skill], w), "smooth")]
            else:
                lines.append(("drawn problems", drawn[skill], "line"))
        if any(v is not None for v in probe.get(skill, [])):
            lines.append(("uniform probe", probe[skill], "line"))
        lines.append(("tracker estimate", estimate, "line"))
        specs.append((skill, lines))
    if len(rounds) < 2 or not specs:
        return note
    if len(specs) > 12:  # too many panels: one heatmap of the tracker's estimate instead
        m = np.array([[np.nan if v is None else v for v in vs] for vs in series["skill_accuracy"].values()])
        return note + img(_plots.heatmap(m, list(series["skill_accuracy"]), [str(r) for r in rounds],
                                         title="tracker estimate per round", xlabel="round", ylabel="skill",
                                         annotate=False), "tracker estimate heatmap")
    top = max([v for _, lines in specs for _, vs, _ in lines for v in vs if v is not None], default=1.0)
    ylim = (-0.02, 1.02) if top > 0.5 else (0.0, max(0.05, 1.1 * top))  # low accuracies: zoom, axis labelled
    return note + img(_plots.panels(rounds, specs, xlabel=_xlabel(series), ncols=4 if len(specs) > 6 else 2,
                                    height=2.3, ylim=ylim), "accuracy by skill over rounds")


_ACC_HEADERS = ["skill", "drawn, first half", "drawn, second half", "tracker estimate, last round"]


# ---- draw share and informative share -------------------------------------------------------------


def _draw_section(series: dict, is_dpo: bool) -> str:
    draw, rounds = series["draw_share"], series["rounds"]
    if not draw:
        return "<p>No draw shares recorded.</p>"
    w = _window(len(rounds))
    smooth = f" (mean of {w} rounds)" if w > 1 else ""
    figures = "".join(  # one round: the heatmap and the table say it all, no single-bar charts
        img(_plots.stacked_shares(rounds, {k: rolling_mean(v, w) for k, v in _by(draw, part).items()},
                                  title=f"draw share by {name}{smooth}", xlabel=_xlabel(series),
                                  ordered=part == 1), f"draw share by {name}")
        for part, name in ((0, "skill"), (1, "level")) if len(rounds) >= 2)
    m, skills, levels = _skill_level_matrix(draw)
    figures += img(_plots.heatmap(m, skills, levels, title="mean draw share over all rounds", xlabel="level",
                                  ylabel="skill", vmax=max(float(np.nanmax(m)) if m.size else 1.0, 1e-9)),
                   "mean draw share skill x level")
    rows = [[f"{name} {k}", *_halves(v)] for part, name in ((0, "skill"), (1, "level")) for k, v in _by(draw, part).items()]
    cells = [[c, v[0], v[-1], float(np.mean(v))] for c, v in draw.items()]
    what = ("the problems each iteration selected for training" if is_dpo else "the prompts drawn for each round")
    return (f'<p class="note">Share of {what}, by skill and by level.</p>' + figures
            + table(["group", "first half", "second half", "all rounds"], rows)
            + details(f"Every (skill, level) cell ({len(cells)})",
                      table(["skill|level", "first round", "last round", "mean"], cells)))


def _info_series(series: dict) -> dict[str, list]:
    info = {"drawn groups": series["informative_share"]}
    if any(v is not None for v in series["uniform_informative_share"]):
        info["uniform probe"] = series["uniform_informative_share"]
    return info


def _informative_section(series: dict) -> str:
    rounds, w = series["rounds"], _window(len(series["rounds"]))
    info = _info_series(series)
    lines = []
    for name, values in info.items():
        if w > 1:
            lines += [(f"{name} (per round)", values, "raw"), (f"{name} (mean of {w} rounds)", rolling_mean(values, w),
                                                               "smooth")]
        else:
            lines.append((name, values, "line"))
    rows = [[name, *_halves(v)] for name, v in info.items()]
    plot = (img(_plots.panels(rounds, [("share of groups with mixed outcomes", lines)], xlabel=_xlabel(series), ncols=1,
                              height=3.0, ylim=(-0.02, 1.02)), "informative share over rounds")
            if len(rounds) >= 2 else "")
    return ('<p class="note">A group (the samples of one problem) is informative when it holds both correct and '
            "incorrect samples: only those carry a learning signal for GRPO and give DPO pairs."
            + (f" Dots: each round; line: mean of {w} rounds (the last {w} up to that round)." if w > 1 else "")
            + "</p>" + plot + table(["series", "first half", "second half", "all rounds"], rows))


# ---- the page ---------------------------------------------------------------------------------------

_HELDOUT_KEYS = {"heldout_before": "warm start (before GRPO)", "heldout_after": "after GRPO"}


def _heldout_rows(run_info: dict) -> list[list]:
    """Rows (model, greedy, pass@1, problems) from ``heldout_before`` / ``heldout_after`` in ``run.json``."""
    rows = []
    for key, name in _HELDOUT_KEYS.items():
        figures = run_info.get(key)
        if isinstance(figures, dict):
            rows.append([name, figures.get("greedy"), figures.get("pass1"), figures.get("n_problems")])
    return rows


def _unread(series: dict) -> tuple[float, str] | None:
    """Share of the run's verdicts the checker could not read (every status but correct and incorrect,
    summed over the rounds) and its counts, e.g. ``(0.69, " (663 of 960: unparseable_pred 663)")``."""
    totals = {s: sum(v) for s, v in series["status_counts"].items()}
    n = sum(totals.values())
    if not n:
        return None
    unread = {s: c for s, c in totals.items() if s not in ("correct", "incorrect") and c}
    parts = ", ".join(f"{s} {c}" for s, c in unread.items())
    return sum(unread.values()) / n, f" ({sum(unread.values())} of {n} verdicts{': ' + parts if parts else ''})"


_UNREAD_ADVICE = ("this run trained and selected on it. Score its model with <code>sai-dpo eval</code> to "
                  "see what the checker read, and fix the prompt format or the answer extraction before training again")


def _unread_html(series: dict) -> str:
    """A warning from :data:`eval._html.BLIND_SHARE` unread verdicts on; nothing below it."""
    unread = _unread(series)
    if unread is None or unread[0] < BLIND_SHARE:
        return ""
    return f'<p class="warn">{unread_verdict(unread[0], html.escape(unread[1]), _UNREAD_ADVICE)}</p>'


def _summary_section(series: dict, run_info: dict) -> str:
    rounds = series["rounds"]
    heldout = _heldout_rows(run_info)
    head = (f"<h3>Held-out accuracy (problems never trained on)</h3>{table(['model', 'greedy', 'pass@1', 'problems'], heldout)}"
            if heldout else '<p class="note">This run measured no held-out accuracy; score its models with '
            "<code>sai-dpo eval --model ... --set HELDOUT</code> to compare policies.</p>")
    info = [[k, readable(v)] for k, v in run_info.items() if k not in _HELDOUT_KEYS and k != "config"]
    config = run_info.get("config")
    return (_unread_html(series) + head + f"<p>{len(rounds)} round{'s' if len(rounds) != 1 else ''} ({rounds[0]}..{rounds[-1]}), "
            f"{sum(x or 0 for x in series['n_outcomes'])} outcomes reported.</p>"
            + (table(["field", "value"], info) if info else "")
            + (details("config", table(["field", "value"], [[k, readable(v)] for k, v in config.items()]))
               if isinstance(config, dict) else ""))


def _sections(series: dict, run_info: dict, trainer_log: list[dict], dpo: list[dict]) -> list[tuple[str, str, str]]:
    probe = _probe(series, dpo)
    acc_html = _accuracy_section(series, probe, bool(_heldout_rows(run_info)))
    acc_rows = _accuracy_rows(series, probe)
    acc_headers = _ACC_HEADERS + (["uniform probe, first", "uniform probe, last"] if dpo else [])
    total = sum(sum(v) for v in series["status_counts"].values())
    status_rows = [[s, sum(v), f"{sum(v) / total:.0%}" if total else "", v[-1]] for s, v in series["status_counts"].items()]
    training = (("dpo", "DPO: pairs, pair yield and reward margins per iteration", _dpo_section(dpo, run_info))
                if dpo else ("training", "Reward and loss (trainer log)", _trainer_section(trainer_log)))
    return [
        ("summary", "Run", _summary_section(series, run_info)),
        training,
        ("skill-accuracy", "Accuracy by skill on the problems drawn for training (not held out)",
         acc_html + table(acc_headers, acc_rows)),
        ("draw-share", "What was drawn, over rounds", _draw_section(series, bool(dpo))),
        ("informative", "Informative-group share over rounds", _informative_section(series)),
        ("status", "Checker status counts", table(["status", "total", "share", "last round"], status_rows)
         if status_rows else "<p>No status counts recorded.</p>"),
    ]


def _markdown(series: dict, run_dir: Path, run_info: dict, dpo: list[dict]) -> str:
    rounds = series["rounds"]
    lines = [f"# Training run report: `{run_dir}`", "", f"{len(rounds)} rounds ({rounds[0]}..{rounds[-1]}).", ""]
    unread = _unread(series)
    if unread is not None and unread[0] >= BLIND_SHARE:
        lines += ["**" + unread_verdict(*unread, _UNREAD_ADVICE.replace("<code>", "`").replace("</code>", "`")) + "**",
                  ""]
    heldout = _heldout_rows(run_info)
    if heldout:
        lines += ["## Held-out accuracy (problems never trained on)", "",
                  md_table(["model", "greedy", "pass@1", "problems"], heldout), ""]
    if dpo:
        lines += ["## DPO per iteration", "", md_table(_DPO_HEADERS, _dpo_table_rows(dpo)), ""]
    acc_rows = _accuracy_rows(series, _probe(series, dpo))
    lines += ["## Accuracy by skill on the problems drawn for training (not held out)", "",
              "Selection-biased: do not compare across policies; the tracker's estimate starts at its prior.", "",
              md_table(_ACC_HEADERS + (["uniform probe, first", "uniform probe, last"] if dpo else []), acc_rows),
              "", "## Draw share", "",
              md_table(["group", "first half", "second half", "all rounds"],
                       [[f"{name} {k}", *_halves(v)] for part, name in ((0, "skill"), (1, "level"))
                        for k, v in _by(series["draw_share"], part).items()]),
              "", "## Informative-group share", "",
              md_table(["series", "first half", "second half", "all rounds"],
                       [[name, *_halves(v)] for name, v in _info_series(series).items()])]
    return "\n".join(lines) + "\n"


def render_run_report(run_dir: str | Path, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and ``run_report.json`` for a training run.

    Args:
        run_dir: folder with ``rounds.jsonl`` (and optionally ``run.json``, a trainer log, DPO iterations).
        out_dir: where to write; default ``RUN_DIR/report``.

    Returns ``{"html": path, "markdown": path, "json": path}``.
    """
    run_dir = Path(run_dir)
    series = run_series(load_rounds(run_dir))
    info_path = run_dir / "run.json"
    run_info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    if not isinstance(run_info, dict):
        run_info = {"run.json": run_info}
    dpo = _dpo_rows(load_dpo_iterations(run_dir))
    if dpo and not any(v is not None for vs in series["drawn_accuracy"].values() for v in vs):
        by_iter = {r["iteration"]: r["selected_accuracy"] for r in dpo}  # what each iteration trained on
        series["drawn_accuracy"] = {s: [by_iter.get(t, {}).get(s) for t in series["rounds"]]
                                    for s in series["skill_accuracy"]}
    series["is_dpo"] = bool(dpo)
    trainer_log = load_trainer_log(run_dir)
    out = Path(out_dir) if out_dir is not None else run_dir / "report"
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / "report.html", "markdown": out / "report.md", "json": out / "run_report.json"}
    title = "DPO run report" if dpo else "Training run report"
    paths["html"].write_text(page(title, _sections(series, run_info, trainer_log, dpo), subtitle=str(run_dir)),
                             encoding="utf-8")
    paths["markdown"].write_text(_markdown(series, run_dir, run_info, dpo), encoding="utf-8")
    payload = {"run": run_info, "series": series, "trainer_log": trainer_log, "dpo_iterations": dpo}
    paths["json"].write_text(json.dumps(payload, indent=2, default=str) + "\n", encoding="utf-8")
    return paths
