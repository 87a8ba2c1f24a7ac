"""A minimal training-run report (Markdown + self-contained HTML) from ``RUN_DIR/rounds.jsonl``.

Used by ``sai-dpo demo`` when the eval package offers no run-report renderer. Plots: accuracy by skill
over rounds, the draw distribution by skill over rounds, and the informative-group share against the
uniform-sampling estimate (and a uniform baseline run, when one is given).
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import numpy as np

__all__ = ["load_rounds", "write_run_report"]


def load_rounds(run_dir: str | Path) -> tuple[list[dict], dict]:
    """The ``rounds.jsonl`` records (by round) and ``run.json`` of a run folder."""
    run_dir = Path(run_dir)
    path = run_dir / "rounds.jsonl"
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: is {run_dir} a training run folder?")
    records = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    info = json.loads((run_dir / "run.json").read_text()) if (run_dir / "run.json").exists() else {}
    return sorted(records, key=lambda r: r["round"]), info


def _skill_of(cell: str) -> str:
    return cell.split("|", 1)[0]


def _series(records: list[dict]) -> dict:
    rounds = [r["round"] for r in records]
    skills = sorted({s for r in records for s in r.get("skill_accuracy", {})}
                    | {_skill_of(c) for r in records for c in r.get("draw_share", {})})
    acc = {s: [r.get("skill_accuracy", {}).get(s, np.nan) for r in records] for s in skills}
    draw = {s: [sum(v for c, v in r.get("draw_share", {}).items() if _skill_of(c) == s) for r in records]
            for s in skills}
    inf = [r.get("informative_share", np.nan) for r in records]
    uni = [np.nan if r.get("uniform_informative_share") is None else r["uniform_informative_share"]
           for r in records]
    return {"rounds": rounds, "skills": skills, "acc": acc, "draw": draw, "inf": inf, "uni": uni}


def _smooth(values, width: int = 5) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    if len(v) < width:
        return v
    kernel = np.ones(width) / width
    padded = np.concatenate([np.full(width - 1, v[0]), v])
    return np.convolve(np.nan_to_num(padded, nan=0.0), kernel, mode="valid")


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


def _plots(s: dict, baseline: dict | None) -> dict[str, str]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out = {}
    fig, ax = plt.subplots(figsize=(7, 3.2))
    for skill in s["skills"]:
        ax.plot(s["rounds"], s["acc"][skill], label=skill)
    ax.set(xlabel="round", ylabel="tracked accuracy", ylim=(0, 1), title="Accuracy by skill")
    ax.legend(fontsize=7, ncol=2)
    out["accuracy"] = _png(fig)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    if s["skills"]:
        ax.stackplot(s["rounds"], *[_smooth(s["draw"][k]) for k in s["skills"]], labels=s["skills"])
    ax.set(xlabel="round", ylabel="share of draws", ylim=(0, 1), title="Draw distribution by skill (smoothed)")
    ax.legend(fontsize=7, ncol=2, loc="upper right")
    out["draws"] = _png(fig)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.plot(s["rounds"], _smooth(s["inf"]), label="this run (smoothed)")
    if not np.all(np.isnan(s["uni"])):
        ax.plot(s["rounds"], s["uni"], "--", label="uniform (estimate from tracker)")
    if baseline is not None:
        ax.plot(baseline["rounds"], _smooth(baseline["inf"]), ":", label="uniform run (smoothed)")
    ax.set(xlabel="round", ylabel="informative groups", ylim=(0, 1), title="Share of groups with mixed rewards")
    ax.legend(fontsize=7)
    out["informative"] = _png(fig)
    plt.close(fig)
    return out


def _mean(values) -> float:
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    return float(v.mean()) if len(v) else float("nan")


def _summary_lines(s: dict, info: dict, baseline: dict | None) -> list[str]:
    lines = [f"- policy: `{info.get('policy', '?')}`, pool size: {info.get('pool_size', '?')}, "
             f"rounds scored: {len(s['rounds'])}, backend: {info.get('backend', '?')}",
             f"- informative-group share: {_mean(s['inf']):.3f} (mean over rounds)"]
    if not np.all(np.isnan(s["uni"])):
        lines.append(f"- uniform sampling would have had (tracker estimate): {_mean(s['uni']):.3f}")
    if baseline is not None:
        lines.append(f"- uniform baseline run: {_mean(baseline['inf']):.3f}")
    half = max(1, len(s["rounds"]) // 2)
    for skill in s["skills"]:
        early, late = _mean(s["draw"][skill][:half]), _mean(s["draw"][skill][half:])
        acc = [a for a in s["acc"][skill] if not np.isnan(a)]
        last = f"{acc[-1]:.2f}" if acc else "n/a"
        lines.append(f"- `{skill}`: draw share {early:.2f} -> {late:.2f} (first vs second half), "
                     f"final tracked accuracy {last}")
    return lines


def write_run_report(run_dir: str | Path, baseline_dir: str | Path | None = None,
                     title: str = "sai-dpo training run") -> dict[str, Path]:
    """Write ``report.md`` and ``report.html`` into ``run_dir``; returns their paths."""
    run_dir = Path(run_dir)
    records, info = load_rounds(run_dir)
    s = _series(records)
    baseline = _series(load_rounds(baseline_dir)[0]) if baseline_dir is not None else None
    lines = _summary_lines(s, info, baseline)
    plots = _plots(s, baseline)
    md = [f"# {title}", "", *lines, "", "Plots are in `report.html`.", ""]
    (run_dir / "report.md").write_text("\n".join(md))
    body = "".join(f"<li>{html.escape(line[2:]).replace('`', '')}</li>" for line in lines)
    imgs = "".join(f'<h2>{html.escape(k)}</h2><img src="data:image/png;base64,{v}"/>' for k, v in plots.items())
    page = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
            f"<body style='font-family:sans-serif;max-width:900px'><h1>{html.escape(title)}</h1>"
            f"<ul>{body}</ul>{imgs}</body></html>")
    (run_dir / "report.html").write_text(page)
    return {"markdown": run_dir / "report.md", "html": run_dir / "report.html"}
