"""Eval reports: self-contained HTML (plots inline as base64 PNG), Markdown and JSON.

    >>> paths = write_eval_report(result.metrics, "out/eval", samples=result.samples)  # doctest: +SKIP

The HTML has the sections ``summary``, ``status``, ``pass-at-k``, ``heatmap``, ``per-skill``,
``per-level``, ``lengths``, ``data-issues`` and ``methods``; it loads nothing from elsewhere.
Comparisons of two evals live in :mod:`eval.compare`, training-run reports in
:mod:`eval.run_report` (both re-exported here).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np

from eval import _plots
from eval._html import BLIND_SHARE, fmt, img, md_table, page, table, unread_verdict
from eval.compare import compare_metrics, write_compare_report
from eval.run_report import render_run_report

__all__ = [
    "compare_metrics",
    "distinct_examples",
    "render_eval_html",
    "render_eval_markdown",
    "render_run_report",
    "write_compare_report",
    "write_eval_report",
]

_MAX_LISTED = 20


def _ci(ci) -> str:
    return f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _summary_rows(m: dict) -> list[list]:
    rows = [["accuracy", fmt(m["accuracy"]), _ci(m["accuracy_ci"]), f"{m['n_correct']}/{m['n_samples']} samples"]]
    for k in m["ks"]:
        rows.append([f"pass@{k}", fmt(m["pass_at_k"][str(k)]), _ci(m["pass_at_k_ci"][str(k)]), ""])
    for k in m["ks"]:
        rows.append([f"maj@{k}", fmt(m["maj_at_k"][str(k)]), _ci(m["maj_at_k_ci"][str(k)]), ""])
    return rows


def _group_rows(groups: dict, ks: list[int]) -> tuple[list[str], list[list]]:
    top = ks[-1] if ks else None
    headers = ["group", "problems", "samples", "accuracy", "95% CI"]
    if top is not None:
        headers += [f"pass@{top}", f"maj@{top}"]
    headers += ["unparseable", "timeout"]
    rows = []
    for name, b in groups.items():
        row = [name, b["n_problems"], b["n_samples"], fmt(b["accuracy"]), _ci(b["accuracy_ci"])]
        if top is not None:
            row += [fmt(b["pass_at_k"][str(top)]), fmt(b["maj_at_k"][str(top)])]
        sc = b["status_counts"]
        row += [sc["unparseable_pred"] + sc["unparseable_gold"], sc["timeout"]]
        rows.append(row)
    return headers, rows


def _cell_matrix(per_cell: dict) -> tuple[np.ndarray, list[str], list[str]]:
    skills = list(per_cell)
    levels: list[str] = []
    for row in per_cell.values():
        levels += [lv for lv in row if lv not in levels]
    levels.sort(key=lambda s: (not s.lstrip("-").isdigit(), int(s) if s.lstrip("-").isdigit() else 0, s))
    m = np.full((len(skills), len(levels)), np.nan)
    for i, s in enumerate(skills):
        for j, lv in enumerate(levels):
            if lv in per_cell[s]:
                m[i, j] = per_cell[s][lv]["accuracy"]
    return m, skills, levels


def natural_key(text: str) -> tuple:
    """Sort key that orders the digit runs of ``text`` by value: ``p-2`` before ``p-10``."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", str(text)) if part)


def id_list(ids, limit: int = _MAX_LISTED) -> str:
    """Distinct ids in natural order, the first ``limit`` of them and "... and N more" for the rest."""
    unique = sorted({str(i) for i in ids}, key=natural_key)
    shown = ", ".join(unique[:limit])
    return shown + (f" ... and {len(unique) - limit} more" if len(unique) > limit else "")


def _issue_lines(issues: dict) -> list[tuple[str, int, str]]:
    return [(name, block["count"], id_list(block["ids"])) for name, block in issues.items()]


def _lengths_html(m: dict) -> str:
    lengths = m.get("lengths", {})
    if not lengths:
        return "<p>No length measurements.</p>"
    parts = []
    if "tokens" in lengths:
        parts.append(img(_plots.length_histogram(lengths["tokens"]["histogram"], m.get("token_unit", "tokens")),
                         "length distribution of correct vs incorrect samples"))
    rows = []
    for name, block in lengths.items():
        for cls in ("correct", "incorrect"):
            s = block[cls]
            rows.append([f"{name} ({cls})", s["n"], fmt(s["mean"], 1), fmt(s["median"], 1), fmt(s["p90"], 1), fmt(s["max"], 0)])
    parts.append(table(["measure", "samples", "mean", "median", "p90", "max"], rows))
    parts.append(f'<p class="note">Tokens counted as {html.escape(m.get("token_unit", "tokens"))}; '
                 "steps by <code>eval.features.count_steps</code>. Incorrect = every sample not graded correct.</p>")
    return "".join(parts)


_EXAMPLES = 3  # examples per status in "What the checker read"


def distinct_examples(samples, per_status: int = _EXAMPLES) -> dict[str, list[dict]]:
    """Up to ``per_status`` examples of each status but correct, each unlike the others: no two with the
    same (problem, end of the completion), and different problems first (the k samples of one problem
    often end alike, so the first rows of a status can be one completion three times).

    Example: rows (p1, "x"), (p1, "x"), (p1, "y"), (p2, "x") give (p1, "x"), (p2, "x"), (p1, "y").
    """
    by_status: dict[str, list[dict]] = {}
    for row in samples:
        if row.get("status") != "correct":
            by_status.setdefault(row.get("status"), []).append(row)
    out = {}
    for status, rows in by_status.items():
        seen, problems, first, rest = set(), set(), [], []
        for row in rows:
            key = (str(row.get("problem_id")), str(row.get("completion_tail") or "").strip())
            if key in seen:
                continue
            seen.add(key)
            (rest if key[0] in problems else first).append(row)
            problems.add(key[0])
        out[status] = [{k: row.get(k) for k in ("problem_id", "gold", "answer", "completion_tail")}
                       for row in (first + rest)[:per_status]]
    return out


def _reading_rows(m: dict) -> tuple[str, list[list]]:
    """A one-line verdict on how much the checker could read, and example rows (status, id, gold, read, end)."""
    r = m.get("reading")
    if not r:
        return "", []
    share = r["unread_share"]
    verdict = (unread_verdict(share) + f" It judged {r['share'].get('incorrect', 0.0):.0%} incorrect: the "
               "examples show what it read, so a misreading (a number from the question, half of a list) is easy "
               "to spot.")
    examples = distinct_examples([{**ex, "status": status} for status, exs in r["examples"].items() for ex in exs])
    rows = [[status, ex["problem_id"], ex["gold"], "\u2014" if ex["answer"] is None else ex["answer"],
             ex["completion_tail"] or "(empty completion)"] for status, exs in examples.items() for ex in exs]
    return verdict, rows


def render_eval_html(m: dict) -> str:
    """The eval report as one self-contained HTML document."""
    ks = m["ks"]
    series = {
        "pass@k": ([m["pass_at_k"][str(k)] for k in ks], [m["pass_at_k_ci"][str(k)] for k in ks]),
        "maj@k": ([m["maj_at_k"][str(k)] for k in ks], [m["maj_at_k_ci"][str(k)] for k in ks]),
    }
    matrix, skills, levels = _cell_matrix(m["per_cell"])
    sc = m["status_counts"]
    status_rows = [[s, c, fmt(c / max(m["n_samples"], 1))] for s, c in sc.items()]
    issue_rows = _issue_lines(m.get("data_issues", {}))
    verdict, read_rows = _reading_rows(m)
    reading_html = (f'<p class="{"warn" if m["reading"]["unread_share"] >= BLIND_SHARE else "note"}">'
                    f"{html.escape(verdict)}</p>"
                    + (table(["status", "problem", "gold", "what was read", "end of the completion"], read_rows)
                       if read_rows else "<p>Every completion was read and judged correct.</p>")) if verdict else ""
    sections = [
        ("summary", "Summary", table(["metric", "value", "95% CI", "note"], _summary_rows(m))
         + f'<p class="note">{m["n_problems"]} problems, {m["n_samples"]} samples; set {html.escape(str(m.get("set")))}.</p>'),
        ("status", "Checker status counts", img(_plots.status_bars(sc), "checker status counts")
         + table(["status", "samples", "share"], status_rows)
         + '<p class="note">Unparseable and timeout are shown apart from wrong answers; all count as not correct.</p>'),
        *([("reading", "What the checker read (examples of each status but correct)", reading_html)]
          if reading_html else []),
        ("pass-at-k", "pass@k and maj@k", img(_plots.pass_curve(ks, series), "pass@k curve")),
        ("heatmap", "Accuracy by skill and level",
         img(_plots.heatmap(matrix, skills, levels, title="accuracy", xlabel="level", ylabel="skill"), "accuracy heatmap")),
        ("per-skill", "Per skill", table(*_group_rows(m["per_skill"], ks))),
        ("per-level", "Per level", table(*_group_rows(m["per_level"], ks))),
        ("lengths", "Length and steps", _lengths_html(m)),
        ("data-issues", "Data issues",
         table(["issue", "count", "problem ids"], issue_rows) if issue_rows else "<p>No data issues.</p>"),
        ("methods", "Methods", table(["what", "how"], list(m.get("methods", {}).items()))),
    ]
    return page("Eval report", sections, subtitle=f"generations: {m.get('generations', '')}")


def _reading_markdown(m: dict) -> list[str]:
    verdict, rows = _reading_rows(m)
    if not verdict:
        return []
    return ["## What the checker read", "", verdict, "",
            md_table(["status", "problem", "gold", "what was read", "end of the completion"], rows) if rows else "",
            ""]


def render_eval_markdown(m: dict) -> str:
    """A Markdown summary of the eval (tables only)."""
    ks = m["ks"]
    lines = [
        "# Eval report",
        "",
        f"Set `{m.get('set')}`, {m['n_problems']} problems, {m['n_samples']} samples.",
        "",
        md_table(["metric", "value", "95% CI", "note"], _summary_rows(m)),
        "",
        "## Checker status counts",
        "",
        md_table(["status", "samples"], list(m["status_counts"].items())),
        "",
        *_reading_markdown(m),
        "## Per skill",
        "",
        md_table(*_group_rows(m["per_skill"], ks)),
        "",
        "## Per level",
        "",
        md_table(*_group_rows(m["per_level"], ks)),
        "",
        "## Data issues",
        "",
    ]
    issues = _issue_lines(m.get("data_issues", {}))
    lines.append(md_table(["issue", "count", "problem ids"], issues) if issues else "No data issues.")
    lengths = m.get("lengths", {})
    if lengths:
        lines += ["", "## Length and steps", ""]
        rows = [[f"{n} ({c})", b[c]["n"], fmt(b[c]["mean"], 1), fmt(b[c]["median"], 1)]
                for n, b in lengths.items() for c in ("correct", "incorrect")]
        lines.append(md_table(["measure", "samples", "mean", "median"], rows))
    methods = m.get("methods", {})
    if methods:
        lines += ["", "## Methods", "", md_table(["what", "how"], list(methods.items()))]
    return "\n".join(lines) + "\n"


def write_eval_report(metrics: dict, out_dir: str | Path, samples: list[dict] | None = None) -> dict[str, Path]:
    """Write ``metrics.json``, ``report.html``, ``report.md`` (and ``samples.jsonl``) to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if samples is not None and metrics.get("reading"):  # examples from every sample, not the first few rows
        metrics = {**metrics, "reading": {**metrics["reading"], "examples": distinct_examples(samples)}}
    paths = {"metrics": out / "metrics.json", "html": out / "report.html", "markdown": out / "report.md"}
    paths["metrics"].write_text(json.dumps(metrics, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    paths["html"].write_text(render_eval_html(metrics), encoding="utf-8")
    paths["markdown"].write_text(render_eval_markdown(metrics), encoding="utf-8")
    if samples is not None:
        paths["samples"] = out / "samples.jsonl"
        with paths["samples"].open("w", encoding="utf-8") as fh:
            for row in samples:
                fh.write(json.dumps(row) + "\n")
    return paths
