"""Markdown and self-contained HTML reports of the selection benchmark (plots embedded as PNG)."""

from __future__ import annotations

import base64
import html
import io
import math
from pathlib import Path

import numpy as np

from eval.simbench.summary import ScenarioSummary, check_targets

__all__ = ["write_report", "SECTIONS"]

SECTIONS = (
    "Targets",
    "Learning curves",
    "Final held-out accuracy",
    "Rollouts to reach uniform's final accuracy",
    "Informative-group share",
    "Uniform-to-oracle gap closed",
    "Setup",
)
_NOTES = (
    "Held-out accuracy is the simulated learner's exact expected accuracy, the mean of an AIME-like (hard) "
    "and a MATH-like (mixed) set. Every policy gets the same rollout budget and the same seeds (same worlds). "
    "Efficiency = budget / rollouts the policy's mean curve needs to reach uniform's final accuracy. "
    "Informative share = share of generated groups with mixed outcomes (DAPO: before its filter; the rollouts "
    "of dropped groups count against its budget). Gap closed = (policy - uniform) / (oracle - uniform); the "
    "oracle takes the problems with the largest true p(1 - p). CIs are 95% Student-t over seeds; the paired "
    "difference compares each seed with uniform on the same world."
)
_COLUMNS = ("policy", "seeds", "final acc (95% CI)", "AIME-like", "MATH-like", "diff vs uniform (paired)",
            "rollouts to uniform final", "efficiency", "informative share", "gap closed")


def _fmt(x: float, spec: str = ".3f", nan: str = "n/a") -> str:
    return nan if x is None or (isinstance(x, float) and math.isnan(x)) else format(x, spec)


def _times(x: float) -> str:
    """An efficiency ratio: budget / rollouts needed to reach uniform's final accuracy."""
    return "not reached" if math.isnan(x) else f"{x:.2f}x"


def _rows(s: ScenarioSummary) -> list[list[str]]:
    out = []
    for r in sorted(s.rows, key=lambda r: -r.final):
        out.append([
            r.policy, str(r.n_seeds), f"{r.final:.3f} +- {_fmt(r.final_ci)}", f"{r.aime:.3f}", f"{r.math:.3f}",
            f"{_fmt(r.diff_vs_uniform, '+.3f')} +- {_fmt(r.diff_vs_uniform_ci)}",
            _fmt(r.rollouts_to_uniform, ".0f", "not reached"), _times(r.efficiency),
            f"{r.informative:.2f}", _fmt(100 * r.gap_closed if not math.isnan(r.gap_closed) else float("nan"), ".0f")
            + ("%" if not math.isnan(r.gap_closed) else ""),
        ])
    return out


def _plot_png(s: ScenarioSummary) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 4.2), dpi=90)
    ax = fig.add_subplot(1, 1, 1)
    for policy, curves in sorted(s.curves.items()):
        mean = curves.mean(axis=0)
        n = curves.shape[0]
        half = 1.96 * curves.std(axis=0, ddof=1) / math.sqrt(n) if n > 1 else np.zeros_like(mean)
        style = "--" if policy == "oracle" else "-"
        width = 2.4 if policy == "sai_dpo" else 1.3
        (line,) = ax.plot(s.grid, mean, style, lw=width, label=policy)
        ax.fill_between(s.grid, mean - half, mean + half, color=line.get_color(), alpha=0.15, lw=0)
    ax.set_xlabel("rollouts")
    ax.set_ylabel("held-out accuracy (AIME-like + MATH-like)/2")
    ax.set_title(f"{s.scenario}: mean over seeds, band = 95% CI")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _md_table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _html_table(header, rows) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _targets(summaries) -> list[list[str]]:
    mark = {True: "met", False: "NOT met", None: "n/a"}
    return [[t, mark[ok], detail] for t, ok, detail in check_targets(summaries)]


def _metric_rows(summaries, attr: str, fmt) -> tuple[list[str], list[list[str]]]:
    policies = sorted({r.policy for s in summaries.values() for r in s.rows})
    rows = []
    for name, s in summaries.items():
        rows.append([name] + [fmt(getattr(s.row(p), attr)) if s.row(p) else "" for p in policies])
    return ["scenario"] + policies, rows


def _sections(summaries: dict[str, ScenarioSummary]):
    """(title, header, rows) for the per-metric overview tables."""
    pct = lambda x: _fmt(100 * x, ".0f") + "%" if not math.isnan(x) else "n/a"  # noqa: E731
    return [
        ("Rollouts to reach uniform's final accuracy", *_metric_rows(summaries, "efficiency", _times)),
        ("Informative-group share", *_metric_rows(summaries, "informative", lambda x: f"{x:.2f}")),
        ("Uniform-to-oracle gap closed", *_metric_rows(summaries, "gap_closed", pct)),
    ]


def write_report(summaries: dict[str, ScenarioSummary], out_dir: str | Path, setup: dict) -> tuple[Path, Path]:
    """Write ``report.md`` (+ one PNG per scenario) and a self-contained ``report.html`` to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    pngs = {name: _plot_png(s) for name, s in summaries.items()}
    for name, data in pngs.items():
        (out / f"curves_{name}.png").write_bytes(data)
    targets = _targets(summaries)
    setup_rows = [[k, str(v)] for k, v in setup.items()]
    overview = _sections(summaries)

    md = ["# Selection benchmark (simulated learner)", "", _NOTES, "",
          "## Targets", "", _md_table(["target", "status", "figures"], targets), "", "## Learning curves", ""]
    md += [f"![{n}](curves_{n}.png)" for n in summaries] + ["", "## Final held-out accuracy", ""]
    for name, s in summaries.items():
        md += [f"### {name} (budget {s.budget} rollouts)", "", _md_table(_COLUMNS, _rows(s)), ""]
    for title, header, rows in overview:
        md += [f"## {title}", "", _md_table(header, rows), ""]
    md += ["## Setup", "", _md_table(["setting", "value"], setup_rows), ""]
    md_path = out / "report.md"
    md_path.write_text("\n".join(md), encoding="utf-8")

    style = ("body{font-family:sans-serif;max-width:1100px;margin:2em auto;}table{border-collapse:collapse;"
             "margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}")
    h = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Selection benchmark</title><style>{style}"
         "</style></head><body><h1>Selection benchmark (simulated learner)</h1>", f"<p>{html.escape(_NOTES)}</p>",
         "<h2>Targets</h2>", _html_table(["target", "status", "figures"], targets), "<h2>Learning curves</h2>"]
    for name, data in pngs.items():
        h.append(f"<img alt='{html.escape(name)}' src='data:image/png;base64,{base64.b64encode(data).decode()}'>")
    h.append("<h2>Final held-out accuracy</h2>")
    for name, s in summaries.items():
        h += [f"<h3>{html.escape(name)} (budget {s.budget} rollouts)</h3>", _html_table(_COLUMNS, _rows(s))]
    for title, header, rows in overview:
        h += [f"<h2>{html.escape(title)}</h2>", _html_table(header, rows)]
    h += ["<h2>Setup</h2>", _html_table(["setting", "value"], setup_rows), "</body></html>"]
    html_path = out / "report.html"
    html_path.write_text("\n".join(h), encoding="utf-8")
    return md_path, html_path
