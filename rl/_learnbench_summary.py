"""Figures and report of ``sai-dpo bench grpo``: curves over rollouts, paired differences, efficiency.

Curves are interpolated linearly onto the nominal evaluation grid (0, eval_every, ..., budget): a
DAPO step may end a few rollouts past a grid point. Intervals are 95% Student-t over seeds; the
differences are paired (same seed, same warm start, same held-out set).
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np

from eval.simbench.summary import ci95

METRICS = ("greedy", "pass1")
_LABELS = {"greedy": "held-out greedy accuracy", "pass1": "held-out pass@1 (T=1)"}


def _grid(config) -> np.ndarray:
    points = list(range(0, config.budget, config.eval_every)) + [config.budget]
    return np.asarray(points, dtype=np.float64)


def _on_grid(run: dict, grid: np.ndarray, metric: str) -> np.ndarray:
    x = np.asarray([p["rollouts"] for p in run["curve"]], dtype=np.float64)
    y = np.asarray([p[metric] for p in run["curve"]], dtype=np.float64)
    return np.interp(grid, x, y)


def _reach(curve: np.ndarray, grid: np.ndarray, target: float) -> float:
    """Rollouts at which a mean curve first reaches ``target`` (linear between grid points; nan if never)."""
    hit = np.flatnonzero(curve >= target - 1e-12)
    if not hit.size:
        return float("nan")
    i = int(hit[0])
    if i == 0:
        return float(grid[0])
    x0, x1, y0, y1 = grid[i - 1], grid[i], curve[i - 1], curve[i]
    return float(x0 + (x1 - x0) * (target - y0) / (y1 - y0)) if y1 > y0 else float(x1)


def _paired(finals: dict, policy: str, other: str) -> tuple[float, float]:
    if other not in finals or policy == other:
        return float("nan"), float("nan")
    seeds = sorted(set(finals[policy]) & set(finals[other]))
    if not seeds:
        return float("nan"), float("nan")
    return ci95([finals[policy][s] - finals[other][s] for s in seeds])


def _mean_cells(cells: list[dict]) -> dict[str, float]:
    """Mean over seeds of held-out pass@1 per "skill|level" (cells missing in a seed are skipped)."""
    keys = sorted({k for c in cells for k in c})
    return {k: float(np.mean([c[k] for c in cells if k in c])) for k in keys}


def summarise(config, warm: list[dict], runs: list[dict], primary: str = "greedy") -> dict:
    """Per-policy figures; ``primary`` is the metric of the efficiency ratio and the targets."""
    grid = _grid(config)
    by_policy: dict[str, list[dict]] = {}
    for run in runs:
        by_policy.setdefault(run["policy"], []).append(run)
    curves = {m: {p: np.stack([_on_grid(r, grid, m) for r in rs]) for p, rs in by_policy.items()} for m in METRICS}
    finals = {m: {p: {r["seed"]: float(curves[m][p][i, -1]) for i, r in enumerate(rs)} for p, rs in by_policy.items()}
              for m in METRICS}
    start = {m: ci95([w["start"][m] for w in warm]) for m in METRICS}
    uniform_final = np.mean(list(finals[primary]["uniform"].values())) if "uniform" in finals[primary] else None
    # Rollouts to reach uniform's final accuracy mean something only if uniform got better than the start.
    gained = uniform_final is not None and uniform_final > start[primary][0]
    rows = []
    for policy, rs in by_policy.items():
        row = {"policy": policy, "seeds": len(rs)}
        for m in METRICS:
            mean, half = ci95(list(finals[m][policy].values()))
            row[m] = mean
            row[f"{m}_ci"] = half
            row[f"{m}_gain"] = ci95([finals[m][policy][w["seed"]] - w["start"][m] for w in warm
                                     if w["seed"] in finals[m][policy]])
            row[f"{m}_vs_uniform"] = _paired(finals[m], policy, "uniform")
            row[f"{m}_vs_dapo"] = _paired(finals[m], policy, "dapo")
        reach = _reach(curves[primary][policy].mean(axis=0), grid, float(uniform_final)) if gained else float("nan")
        row["rollouts_to_uniform"] = reach
        # inf: already at uniform's final accuracy before training; nan: never reached within the budget.
        row["efficiency"] = float("nan") if math.isnan(reach) else (config.budget / reach if reach > 0 else math.inf)
        row["informative_share"] = float(np.mean([r["informative_share"] for r in rs]))
        row["train_reward"] = float(np.mean([r["train_reward"] for r in rs]))
        row["rollouts"] = float(np.mean([r["rollouts"] for r in rs]))
        row["steps"] = float(np.mean([r["steps"] for r in rs]))
        row["seconds"] = float(np.mean([r["seconds"] for r in rs]))
        levels = sorted({lv for r in rs for lv in r.get("draw_level_share", {})})
        row["draw_level_share"] = {lv: float(np.mean([r.get("draw_level_share", {}).get(lv, 0.0) for r in rs]))
                                   for lv in levels}
        row["distinct_drawn"] = float(np.mean([r.get("distinct_drawn", float("nan")) for r in rs]))
        row["per_cell"] = _mean_cells([r.get("final_per_cell", {}) for r in rs])
        rows.append(row)
    return {"grid": grid.tolist(), "primary": primary, "start": start, "rows": rows, "uniform_gained": gained,
            "start_per_cell": _mean_cells([w["start"].get("per_cell", {}) for w in warm]),
            "curves": {m: {p: c.tolist() for p, c in cs.items()} for m, cs in curves.items()},
            "targets": targets(rows, primary, uniform_gained=gained)}


def targets(rows: list[dict], primary: str = "greedy", method: str = "sai_dpo",
            uniform_gained: bool = True) -> list[tuple[str, str, str]]:
    """The issue's targets as (target, met / not met / n/a, figures); the efficiency target is n/a when
    uniform ended no better than the warm start (every policy "reaches" that at 0 rollouts)."""
    by = {r["policy"]: r for r in rows}

    def status(ok) -> str:
        return "n/a" if ok is None else ("met" if ok else "not met")

    out = []
    u = by.get("uniform")
    if u is not None:
        gain, half = u[f"{primary}_gain"]
        out.append(("uniform gains >= +10 held-out points over the warm start", status(gain >= 0.10),
                    f"{100 * gain:+.1f} \u00b1 {100 * half:.1f} points"))
    m = by.get(method)
    for other in ("uniform", "dapo"):
        if m is None or other not in by:
            continue
        diff, half = m[f"{primary}_vs_{other}"]
        ok = None if math.isnan(half) else diff - half > 0
        out.append((f"{method} final above {other}'s, paired 95% interval excluding 0", status(ok),
                    f"{100 * diff:+.1f} \u00b1 {100 * half:.1f} points"))
    if m is not None and u is not None and not uniform_gained:
        out.append((f"{method} needs >= 1.5x fewer rollouts than uniform to reach uniform's final accuracy", "n/a",
                    "uniform ended no better than the warm start"))
    elif m is not None and u is not None:
        eff = m["efficiency"]
        out.append((f"{method} needs >= 1.5x fewer rollouts than uniform to reach uniform's final accuracy",
                    status(not math.isnan(eff) and eff >= 1.5),
                    "never reached" if math.isnan(eff) else f"{eff:.2f}x ({m['rollouts_to_uniform']:.0f} rollouts)"))
    return out


def _pct(value: float, half: float | None = None) -> str:
    if value is None or math.isnan(value):
        return "-"
    text = f"{100 * value:.1f}"
    return text if half is None or math.isnan(half) else f"{text} \u00b1 {100 * half:.1f}"


def table_rows(summary: dict) -> tuple[list[str], list[list[str]]]:
    """The final-figures table (percent points) shared by the Markdown, HTML and terminal outputs."""
    primary = summary["primary"]
    header = ["policy", "greedy %", "pass@1 %", f"gain vs warm ({primary})", "vs uniform (paired)",
              "vs dapo (paired)", "rollouts to uniform's final", "efficiency", "informative share",
              "train reward", "optimizer steps", "wall s/run"]
    rows = []
    for r in summary["rows"]:
        reach = r["rollouts_to_uniform"]
        rows.append([
            r["policy"], _pct(r["greedy"], r["greedy_ci"]), _pct(r["pass1"], r["pass1_ci"]),
            _pct(*r[f"{primary}_gain"]), _pct(*r[f"{primary}_vs_uniform"]), _pct(*r[f"{primary}_vs_dapo"]),
            ("never" if summary.get("uniform_gained", True) else "-") if math.isnan(reach) else f"{reach:.0f}",
            "-" if math.isnan(r["efficiency"]) else f"{r['efficiency']:.2f}x",
            f"{r['informative_share']:.3f}", f"{r['train_reward']:.3f}", f"{r['steps']:.0f}", f"{r['seconds']:.0f}",
        ])
    return header, rows


def draw_rows(summary: dict) -> tuple[list[str], list[list[str]]]:
    """Share of drawn problems by level, and distinct problems drawn, per policy."""
    levels = sorted({lv for r in summary["rows"] for lv in r.get("draw_level_share", {})})
    header = ["policy", *(f"level {lv}" for lv in levels), "distinct problems drawn"]
    rows = [[r["policy"], *(f"{r['draw_level_share'].get(lv, 0.0):.2f}" for lv in levels),
             "-" if math.isnan(r.get("distinct_drawn", float("nan"))) else f"{r['distinct_drawn']:.0f}"]
            for r in summary["rows"]]
    return header, rows


def cell_rows(summary: dict) -> tuple[list[str], list[list[str]]]:
    """Held-out pass@1 per skill|level: the warm start and each policy at the end (means over seeds)."""
    cells = list(summary.get("start_per_cell", {}))
    header = ["skill|level", "warm start", *(r["policy"] for r in summary["rows"])]
    rows = [[cell, f"{summary['start_per_cell'][cell]:.2f}",
             *("-" if cell not in r.get("per_cell", {}) else f"{r['per_cell'][cell]:.2f}" for r in summary["rows"])]
            for cell in cells]
    return header, rows


def _plot(summary: dict) -> bytes:
    import io

    from eval._plots import _figure

    grid = np.asarray(summary["grid"])
    fig = _figure(12.0, 4.4)
    for i, metric in enumerate(METRICS):
        ax = fig.add_subplot(1, 2, i + 1)
        for policy, values in summary["curves"][metric].items():
            c = np.asarray(values)
            mean = c.mean(axis=0)
            half = np.asarray([ci95(c[:, j])[1] for j in range(c.shape[1])]) if c.shape[0] > 1 else 0 * mean
            line = ax.plot(grid, mean, marker=".", label=policy)[0]
            half = np.nan_to_num(half)
            ax.fill_between(grid, np.clip(mean - half, 0, 1), np.clip(mean + half, 0, 1),
                            color=line.get_color(), alpha=0.15)
        ax.set_ylim(max(0.0, ax.get_ylim()[0]), min(1.0, ax.get_ylim()[1]))
        ax.set_xlabel("rollouts generated")
        ax.set_ylabel(_LABELS[metric])
        ax.set_title(f"{_LABELS[metric]} (mean, 95% band over seeds)", fontsize=10)
        ax.grid(alpha=0.3)
        if i == 0:
            ax.legend(fontsize=8)
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return buf.getvalue()


_NOTES = ("Real TRL GRPOTrainer runs of the tiny policy on the CPU. Per seed: one digits pool, one held-out set "
          "disjoint from it by text and stratified by skill x level, one warm-started policy shared by every "
          "selection policy; every policy spends the same rollout budget (DAPO's dropped rollouts included). "
          "Held-out figures by the project's eval. Intervals: 95% Student-t over seeds; differences paired by seed.")


def write_report(summary: dict, config, out: Path) -> dict[str, Path]:
    """Write ``report.md``, ``curves.png`` and a self-contained ``report.html``; returns their paths."""
    import base64

    from eval._html import md_table, page, table

    png = _plot(summary)
    (out / "curves.png").write_bytes(png)
    header, rows = table_rows(summary)
    tgt = [list(t) for t in summary["targets"]]
    s = summary["start"]
    start_line = (f"Warm start (mean over seeds): greedy {_pct(*s['greedy'])} %, pass@1 {_pct(*s['pass1'])} %. "
                  f"Budget {config.budget} rollouts per run, {config.seeds} seeds from {config.first_seed}; "
                  f"whole benchmark {summary.get('wall_seconds', float('nan')):.0f} s.")
    setup = [[k, str(v)] for k, v in sorted(vars(config).items())]
    md = ["# GRPO learning benchmark (real model, held out)", "", _NOTES, "", start_line, "", "## Targets", "",
          md_table(["target", "status", "figures"], tgt), "", "## Learning curves", "", "![curves](curves.png)", "",
          "## Final figures", "", md_table(header, rows), "", "## What each policy drew", "",
          md_table(*draw_rows(summary)), "", "## Held-out pass@1 by skill and level", "",
          md_table(*cell_rows(summary)), "", "## Setup", "", md_table(["setting", "value"], setup), ""]
    md_path = out / "report.md"
    md_path.write_text("\n".join(md), encoding="utf-8")
    img = f'<img alt="learning curves" src="data:image/png;base64,{base64.b64encode(png).decode()}">'
    sections = [
        ("notes", "What was run", f"<p>{html.escape(_NOTES)}</p><p>{html.escape(start_line)}</p>"),
        ("targets", "Targets", table(["target", "status", "figures"], tgt)),
        ("curves", "Learning curves", img),
        ("final", "Final figures", table(header, rows)),
        ("draws", "What each policy drew", table(*draw_rows(summary))),
        ("cells", "Held-out pass@1 by skill and level (warm start, and each policy at the end)",
         table(*cell_rows(summary))),
        ("setup", "Setup", table(["setting", "value"], setup)),
    ]
    html_path = out / "report.html"
    html_path.write_text(page("GRPO learning benchmark", sections), encoding="utf-8")
    return {"report_md": md_path, "report_html": html_path, "curves_png": out / "curves.png"}
