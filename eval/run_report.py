"""Training-run report from ``RUN_DIR/rounds.jsonl``: skill accuracy, draw share, informative share.

Each line of ``rounds.jsonl`` is one round (format in INTERFACES.md)::

    {"round": 3, "n_outcomes": 64, "skill_accuracy": {"add": 0.7}, "draw_share": {"add|2": 0.25},
     "informative_share": 0.4, "uniform_informative_share": 0.3, "status_counts": {"correct": 40}}

``RUN_DIR/run.json`` (config, policy, pool size, times) is shown when present.

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
from eval._eval_errors import EvalInputError
from eval._html import fmt, img, md_table, page, table

__all__ = ["load_rounds", "render_run_report", "run_series"]


def load_rounds(run_dir: str | Path) -> list[dict]:
    """The rounds of ``RUN_DIR/rounds.jsonl`` sorted by ``round``; clear errors on bad lines."""
    path = Path(run_dir) / "rounds.jsonl"
    if not path.is_file():
        raise EvalInputError(
            f"No rounds.jsonl in {str(run_dir)!r}; pass the output folder of a training run (GRPO demo or DPO)."
        )
    rounds = read_jsonl(path, EvalInputError)
    for k, rec in enumerate(rounds, start=1):
        if not isinstance(rec.get("round"), int):
            raise EvalInputError(f"{path}: record {k} needs an integer 'round' field. Got {str(rec)[:80]!r}.")
    if not rounds:
        raise EvalInputError(f"{path} has no rounds yet; run training for at least one round.")
    return sorted(rounds, key=lambda r: r["round"])


def _cell_order(cell: str) -> tuple:
    skill, _, level = cell.partition("|")
    return (skill, not level.lstrip("-").isdigit(), int(level) if level.lstrip("-").isdigit() else 0, level)


def run_series(rounds: list[dict]) -> dict:
    """Per-round series: ``skill_accuracy`` {skill: [..]}, ``draw_share`` {"skill|level": [..]},
    ``informative_share``, ``uniform_informative_share``, ``n_outcomes`` and ``status_counts``
    (None where a round lacks the value; draw share 0 where a cell was not drawn)."""
    skills = sorted({s for r in rounds for s in (r.get("skill_accuracy") or {})})
    cells = sorted({c for r in rounds for c in (r.get("draw_share") or {})}, key=_cell_order)
    statuses = list(dict.fromkeys(s for r in rounds for s in (r.get("status_counts") or {})))
    return {
        "rounds": [r["round"] for r in rounds],
        "skill_accuracy": {s: [(r.get("skill_accuracy") or {}).get(s) for r in rounds] for s in skills},
        "draw_share": {c: [float((r.get("draw_share") or {}).get(c, 0.0)) for r in rounds] for c in cells},
        "informative_share": [r.get("informative_share") for r in rounds],
        "uniform_informative_share": [r.get("uniform_informative_share") for r in rounds],
        "n_outcomes": [r.get("n_outcomes") for r in rounds],
        "status_counts": {s: [(r.get("status_counts") or {}).get(s, 0) for r in rounds] for s in statuses},
    }


def _first_last(values: list) -> tuple:
    present = [v for v in values if v is not None]
    if not present:
        return None, None, None
    return present[0], present[-1], present[-1] - present[0]


def _skill_level_matrix(draw_share: dict[str, list[float]]) -> tuple[np.ndarray, list[str], list[str]]:
    """Mean draw share over all rounds as a skill x level matrix."""
    skills, levels = [], []
    for cell in draw_share:
        s, _, lv = cell.partition("|")
        skills += [s] if s not in skills else []
        levels += [lv] if lv not in levels else []
    levels.sort(key=lambda v: (not v.lstrip("-").isdigit(), int(v) if v.lstrip("-").isdigit() else 0, v))
    m = np.full((len(skills), len(levels)), np.nan)
    for cell, values in draw_share.items():
        s, _, lv = cell.partition("|")
        m[skills.index(s), levels.index(lv)] = float(np.mean(values))
    return m, skills, levels


def _accuracy_heatmap(series: dict) -> str:
    """Skill x round accuracy heatmap (readable where many skills make the line plot crowded)."""
    acc = series["skill_accuracy"]
    if not acc:
        return ""
    m = np.array([[np.nan if v is None else v for v in values] for values in acc.values()], dtype=float)
    return img(_plots.heatmap(m, list(acc), [str(r) for r in series["rounds"]], title="skill accuracy per round",
                              xlabel="round", ylabel="skill"), "skill accuracy heatmap over rounds")


def _sections(series: dict, run_info: dict) -> list[tuple[str, str, str]]:
    rounds = series["rounds"]
    acc_rows = [[s, *(fmt(x) for x in _first_last(v))] for s, v in series["skill_accuracy"].items()]
    draw = series["draw_share"]
    draw_rows = [[c, fmt(v[0]), fmt(v[-1]), fmt(float(np.mean(v)))] for c, v in draw.items()]
    over_rounds = np.array(list(draw.values())) if draw else np.zeros((0, len(rounds)))
    m, skills, levels = _skill_level_matrix(draw)
    vmax = float(np.nanmax(over_rounds)) if over_rounds.size else 1.0
    draw_body = (
        img(_plots.heatmap(over_rounds, list(draw), [str(r) for r in rounds], title="draw share per round",
                           xlabel="round", ylabel="skill|level", annotate=False, vmax=max(vmax, 1e-9)),
            "draw share per (skill, level) over rounds")
        + img(_plots.heatmap(m, skills, levels, title="mean draw share over rounds", xlabel="level",
                             ylabel="skill", vmax=max(float(np.nanmax(m)) if m.size else 1.0, 1e-9)),
              "mean draw share skill x level")
        + table(["skill|level", "first round", "last round", "mean"], draw_rows)
    ) if draw else "<p>No draw shares recorded.</p>"
    info = {"informative share": series["informative_share"]}
    if any(v is not None for v in series["uniform_informative_share"]):
        info["uniform probe (measured)"] = series["uniform_informative_share"]
    info_rows = [[name, *(fmt(x) for x in _first_last(v)),
                  fmt(float(np.mean([x for x in v if x is not None]))) if any(x is not None for x in v) else None]
                 for name, v in info.items()]
    status_rows = [[s, sum(v), v[-1]] for s, v in series["status_counts"].items()]
    info_html = "".join(f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(_short(v))}</td></tr>"
                        for k, v in run_info.items() if k not in _HELDOUT_KEYS)  # shown in their own table
    heldout = _heldout_rows(run_info)
    heldout_html = (f"<h3>Held-out accuracy (problems never trained on)</h3>"
                    f"{table(['model', 'greedy', 'pass@1', 'problems'], heldout)}") if heldout else ""
    return [
        ("summary", "Run", heldout_html + f"<p>{len(rounds)} rounds ({rounds[0]}..{rounds[-1]}), "
         f"{sum(x or 0 for x in series['n_outcomes'])} outcomes reported.</p>"
         + (f"<table><tbody>{info_html}</tbody></table>" if info_html else "")),
        ("skill-accuracy", "Per-skill accuracy over rounds",
         img(_plots.lines_over_rounds(rounds, series["skill_accuracy"], title="skill accuracy (engine estimate)",
                                      ylabel="accuracy"), "skill accuracy over rounds")
         + _accuracy_heatmap(series)
         + table(["skill", "first", "last", "change"], acc_rows)),
        ("draw-share", "Draw share by skill and level over rounds", draw_body),
        ("informative", "Informative-group share over rounds",
         img(_plots.lines_over_rounds(rounds, info, title="share of groups with mixed outcomes", ylabel="share"),
             "informative share over rounds")
         + table(["series", "first", "last", "change", "mean"], info_rows)),
        ("status", "Checker status counts", table(["status", "total", "last round"], status_rows)
         if status_rows else "<p>No status counts recorded.</p>"),
    ]


_HELDOUT_KEYS = {"heldout_before": "warm start (before GRPO)", "heldout_after": "after GRPO"}


def _heldout_rows(run_info: dict) -> list[list]:
    """Rows (model, greedy, pass@1, problems) from ``heldout_before`` / ``heldout_after`` in ``run.json``."""
    rows = []
    for key, name in _HELDOUT_KEYS.items():
        figures = run_info.get(key)
        if isinstance(figures, dict):
            rows.append([name, figures.get("greedy"), figures.get("pass1"), figures.get("n_problems")])
    return rows


def _short(value) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 300 else text[:297] + "..."


def _markdown(series: dict, run_dir: Path, run_info: dict) -> str:
    rounds = series["rounds"]
    lines = [f"# Training run report: `{run_dir}`", "", f"{len(rounds)} rounds ({rounds[0]}..{rounds[-1]}).", ""]
    heldout = _heldout_rows(run_info)
    if heldout:
        lines += ["## Held-out accuracy (problems never trained on)", "",
                  md_table(["model", "greedy", "pass@1", "problems"], heldout), ""]
    info_rows = [["informative", *_first_last(series["informative_share"])]]
    if any(v is not None for v in series["uniform_informative_share"]):
        info_rows.append(["uniform probe (measured)", *_first_last(series["uniform_informative_share"])])
    lines += ["## Per-skill accuracy", "",
             md_table(["skill", "first", "last", "change"],
                      [[s, *_first_last(v)] for s, v in series["skill_accuracy"].items()]),
             "", "## Draw share (skill|level)", "",
             md_table(["cell", "first round", "last round", "mean"],
                      [[c, v[0], v[-1], float(np.mean(v))] for c, v in series["draw_share"].items()]),
             "", "## Informative-group share", "",
             md_table(["series", "first", "last", "change"], info_rows)]
    return "\n".join(lines) + "\n"


def render_run_report(run_dir: str | Path, out_dir: str | Path | None = None) -> dict[str, Path]:
    """Write ``report.html``, ``report.md`` and ``run_report.json`` for a training run.

    Args:
        run_dir: folder with ``rounds.jsonl`` (and optionally ``run.json``).
        out_dir: where to write; default ``RUN_DIR/report``.

    Returns ``{"html": path, "markdown": path, "json": path}``.
    """
    run_dir = Path(run_dir)
    series = run_series(load_rounds(run_dir))
    info_path = run_dir / "run.json"
    run_info = json.loads(info_path.read_text(encoding="utf-8")) if info_path.is_file() else {}
    if not isinstance(run_info, dict):
        run_info = {"run.json": run_info}
    out = Path(out_dir) if out_dir is not None else run_dir / "report"
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / "report.html", "markdown": out / "report.md", "json": out / "run_report.json"}
    paths["html"].write_text(page("Training run report", _sections(series, run_info), subtitle=str(run_dir)),
                             encoding="utf-8")
    paths["markdown"].write_text(_markdown(series, run_dir, run_info), encoding="utf-8")
    paths["json"].write_text(json.dumps({"run": run_info, "series": series}, indent=2, default=str) + "\n",
                             encoding="utf-8")
    return paths
