"""Two evals side by side: deltas, and which deltas exceed their uncertainty.

A delta is marked **significant** when

- accuracy (overall, per skill, per level): the pooled two-proportion z-test on the sample counts
  gives ``|z| > 1.96`` (two-sided 5%);
- pass@k and maj@k: the two 95% bootstrap CIs do not overlap (a conservative rule: it marks
  fewer differences than a test at 5% would). Caveat: when every problem of a group has the same
  per-problem value the bootstrap CI has zero width, so any change of that group is marked.

Groups present in only one eval are listed with the missing side empty and never marked.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

from eval._eval_errors import EvalInputError
from eval._html import fmt, md_table, page, table
from eval._stats import Z_95, two_proportion_z

__all__ = ["compare_metrics", "load_metrics", "write_compare_report"]

METHODS = {
    "accuracy": "pooled two-proportion z-test on samples, significant if |z| > 1.96",
    "pass@k / maj@k": "significant if the two 95% bootstrap CIs do not overlap",
}


def load_metrics(run: str | Path) -> dict:
    """``metrics.json`` of an eval output folder (or the file itself)."""
    path = Path(run)
    if path.is_dir():
        path = path / "metrics.json"
    if not path.is_file():
        raise EvalInputError(f"No metrics.json at {str(path)!r}; pass an eval output folder or its metrics.json.")
    return json.loads(path.read_text(encoding="utf-8"))


def _acc_row(group: str, a: dict | None, b: dict | None) -> dict:
    row = {"group": group, "metric": "accuracy", "a": None, "b": None, "delta": None,
           "a_ci": None, "b_ci": None, "significant": False, "test": ""}
    if a:
        row["a"], row["a_ci"] = a["accuracy"], a["accuracy_ci"]
    if b:
        row["b"], row["b_ci"] = b["accuracy"], b["accuracy_ci"]
    if a and b:
        # Effective sample sizes when the eval recorded them (correlated samples per problem).
        na, nb = a.get("accuracy_n_eff", a["n_samples"]), b.get("accuracy_n_eff", b["n_samples"])
        z = two_proportion_z(a["accuracy"] * na, na, b["accuracy"] * nb, nb)
        row["delta"] = b["accuracy"] - a["accuracy"]
        row["significant"] = abs(z) > Z_95
        row["test"] = f"z={z:+.2f}"
    return row


def _k_rows(group: str, a: dict | None, b: dict | None, key: str, label: str) -> list[dict]:
    ks = sorted({int(k) for src in (a, b) if src for k in src[key]})
    rows = []
    for k in ks:
        va = a[key].get(str(k)) if a else None
        vb = b[key].get(str(k)) if b else None
        ca = a[f"{key}_ci"].get(str(k)) if a else None
        cb = b[f"{key}_ci"].get(str(k)) if b else None
        row = {"group": group, "metric": f"{label}@{k}", "a": va, "b": vb, "delta": None,
               "a_ci": ca, "b_ci": cb, "significant": False, "test": ""}
        if va is not None and vb is not None:
            row["delta"] = vb - va
            apart = ca[1] < cb[0] or cb[1] < ca[0]
            row["significant"] = bool(apart)
            row["test"] = "CIs apart" if apart else "CIs overlap"
        rows.append(row)
    return rows


def _group_rows(group: str, a: dict | None, b: dict | None) -> list[dict]:
    return [_acc_row(group, a, b), *_k_rows(group, a, b, "pass_at_k", "pass"), *_k_rows(group, a, b, "maj_at_k", "maj")]


def compare_metrics(a: dict, b: dict, label_a: str = "A", label_b: str = "B") -> dict:
    """Rows ``{group, metric, a, b, delta, a_ci, b_ci, significant, test}`` for every shared metric.

    ``delta`` is ``b - a``. Groups: ``overall``, ``skill:<name>`` and ``level:<n>``.
    """
    rows = _group_rows("overall", a, b)
    for prefix, key in (("skill", "per_skill"), ("level", "per_level")):
        names = list(dict.fromkeys([*a.get(key, {}), *b.get(key, {})]))
        for name in names:
            rows += _group_rows(f"{prefix}:{name}", a.get(key, {}).get(name), b.get(key, {}).get(name))
    statuses = list(dict.fromkeys([*a.get("status_counts", {}), *b.get("status_counts", {})]))
    status = {
        s: {"a": a.get("status_counts", {}).get(s, 0), "b": b.get("status_counts", {}).get(s, 0)} for s in statuses
    }
    return {"a": label_a, "b": label_b, "rows": rows, "status_counts": status, "methods": METHODS,
            "n_significant": sum(r["significant"] for r in rows)}


def _display_rows(cmp: dict, markup: bool) -> tuple[list[list], list[str]]:
    rows, classes = [], []
    for r in cmp["rows"]:
        delta = "" if r["delta"] is None else f"{r['delta']:+.3f}"
        if markup and r["delta"] is not None:
            cls = "up" if r["delta"] > 0 else "down"
            delta = ("html", f'<span class="{cls}">{html.escape(delta)}</span>')
        ci = [("" if c is None else f"[{c[0]:.3f}, {c[1]:.3f}]") for c in (r["a_ci"], r["b_ci"])]
        mark = "**yes**" if (r["significant"] and not markup) else ("yes" if r["significant"] else "")
        rows.append([r["group"], r["metric"], fmt(r["a"]), ci[0], fmt(r["b"]), ci[1], delta, mark, r["test"]])
        classes.append("sig" if r["significant"] else "")
    return rows, classes


_HEADERS = ["group", "metric", "A", "A 95% CI", "B", "B 95% CI", "delta (B-A)", "significant", "test"]


def render_compare_html(cmp: dict) -> str:
    """Side-by-side HTML table; significant rows highlighted."""
    rows, classes = _display_rows(cmp, markup=True)
    status_rows = [[s, v["a"], v["b"], v["b"] - v["a"]] for s, v in cmp["status_counts"].items()]
    sections = [
        ("summary", "Summary",
         f"<p>A = {html.escape(cmp['a'])}<br>B = {html.escape(cmp['b'])}<br>"
         f"{cmp['n_significant']} of {len(cmp['rows'])} differences are significant (highlighted).</p>"),
        ("deltas", "Metrics side by side", table(_HEADERS, rows, classes)),
        ("status", "Checker status counts", table(["status", "A", "B", "delta"], status_rows)),
        ("methods", "Methods", table(["metric", "significance rule"], list(cmp["methods"].items()))),
    ]
    return page("Eval comparison", sections)


def render_compare_markdown(cmp: dict) -> str:
    """Side-by-side Markdown table; significant rows say **yes**."""
    rows, _ = _display_rows(cmp, markup=False)
    lines = [
        "# Eval comparison", "", f"- A = `{cmp['a']}`", f"- B = `{cmp['b']}`",
        f"- {cmp['n_significant']} of {len(cmp['rows'])} differences are significant.", "",
        md_table(_HEADERS, rows), "", "## Checker status counts", "",
        md_table(["status", "A", "B"], [[s, v["a"], v["b"]] for s, v in cmp["status_counts"].items()]),
        "", "## Methods", "", md_table(["metric", "significance rule"], list(cmp["methods"].items())),
    ]
    return "\n".join(lines) + "\n"


def write_compare_report(run_a: str | Path, run_b: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Compare two eval folders; write ``compare.json``, ``report.html`` and ``report.md``."""
    a, b = load_metrics(run_a), load_metrics(run_b)
    if a.get("set") and b.get("set") and a["set"] != b["set"]:
        raise EvalInputError(
            f"{run_a} was scored on {a['set']!r} and {run_b} on {b['set']!r}: deltas between different eval sets "
            "mean nothing. Evaluate both on the same set."
        )
    cmp = compare_metrics(a, b, str(run_a), str(run_b))
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "compare.json", "html": out / "report.html", "markdown": out / "report.md"}
    paths["json"].write_text(json.dumps(cmp, indent=2) + "\n", encoding="utf-8")
    paths["html"].write_text(render_compare_html(cmp), encoding="utf-8")
    paths["markdown"].write_text(render_compare_markdown(cmp), encoding="utf-8")
    return paths
