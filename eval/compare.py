"""Two evals side by side: deltas, plots, and one rule for which deltas are real.

The rule, the same for every row (a group x metric): a **paired sign-flip permutation test** on the
per-problem values of the problems both evals scored (accuracy: the share of a problem's samples
that are correct; pass@k and maj@k: the problem's estimate), two-sided, and **Holm's correction**
over the p-values of all rows. A row is marked *different* when its Holm-adjusted p-value is below
0.05, so the chance of marking any row of a comparison of two equal models is at most 5%.

The per-problem values come from each eval folder's ``samples.jsonl`` (written by ``sai-dpo eval``);
maj@k is recomputed with the checker's answer classes and the eval's own maj@k settings, so the
values are the ones its metrics were averaged from. Skill and level of each problem come from the
sample rows or, failing that, from the eval set named in ``metrics.json``.

Rows that always hold the same number are shown once: at one sample per draw, accuracy, pass@1 and
maj@1 are the same value for every problem, so they form one row "accuracy = pass@1 = maj@1".
Groups present in only one eval are listed with the missing side empty and never tested.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval import _plots
from eval._eval_errors import EvalInputError, is_number
from eval._html import details, fmt, img, md_table, page, table
from eval._stats import holm_adjust, paired_sign_flip_pvalues

__all__ = ["ProblemValues", "compare_metrics", "load_metrics", "problem_values", "write_compare_report"]

ALPHA = 0.05
N_FLIPS = 20_000
RULE = ("paired sign-flip permutation test on per-problem values (problems scored in both evals; "
        f"{N_FLIPS:,} seeded sign patterns, all of them when fewer), two-sided; Holm correction over "
        f"every tested row; a row is different when its Holm-adjusted p < {ALPHA}")
METHODS = {
    "different": RULE,
    "accuracy": "share of samples graded correct (per problem: correct / samples); CI: Wilson at the effective "
                "sample size (from the eval)",
    "pass@k / maj@k": "the eval's per-problem estimates averaged over problems; CI: bootstrap over problems "
                      "(from the eval)",
    "shown once": "metrics equal to an earlier one in every group of both evals share its row (e.g. accuracy = "
                  "pass@1 = maj@1)",
}


@dataclass(frozen=True)
class ProblemValues:
    """Per-problem values of one eval: the input of the paired test.

    Attributes:
        ids: problem ids, in the eval's order.
        skill / level: group keys per problem (as in ``metrics.json``: "unknown" when missing); None
            when the groups of the problems are not known (then only ``overall`` is tested).
        values: metric name ("accuracy", "pass@2", "maj@4", ...) -> array with one value per problem.
    """

    ids: list[str]
    skill: list[str] | None
    level: list[str] | None
    values: dict[str, np.ndarray]


def load_metrics(run: str | Path) -> dict:
    """``metrics.json`` of an eval output folder (or the file itself)."""
    path = Path(run)
    if path.is_dir():
        path = path / "metrics.json"
    if not path.is_file():
        raise EvalInputError(f"No metrics.json at {str(path)!r}; pass an eval output folder or its metrics.json.")
    from data.loaders import read_utf8

    try:
        metrics = json.loads(read_utf8(path, EvalInputError))
    except json.JSONDecodeError as exc:
        raise EvalInputError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}); re-run that eval.") from None
    _check_metrics(metrics, path)
    return metrics


def _check_block(block, where: str) -> None:
    """What a comparison reads of one block of metrics.json (overall, a skill, a level), or a clear error."""
    if not isinstance(block, dict):
        raise EvalInputError(f"{where} must be an object (as sai-dpo eval writes it). Got {str(block)[:60]!r}.")
    ci = block.get("accuracy_ci")
    if not is_number(block.get("accuracy")) or not (isinstance(ci, list) and len(ci) == 2 and all(map(is_number, ci))):
        raise EvalInputError(f"{where} needs a numeric 'accuracy' and an 'accuracy_ci' [low, high]. "
                             f"Got {block.get('accuracy')!r} and {ci!r}.")
    for key in ("pass_at_k", "maj_at_k", "pass_at_k_ci", "maj_at_k_ci", "status_counts"):
        value = block.get(key, {})
        interval = key.endswith("_ci")
        if not isinstance(value, dict) or not all(
                (isinstance(v, list) and len(v) == 2 and all(map(is_number, v))) if interval else is_number(v)
                for v in value.values()):
            want = "[low, high] intervals" if interval else "numbers"
            raise EvalInputError(f"{where}: {key!r} must map each k (or status) to {want}. Got {str(value)[:60]!r}.")


def _check_metrics(metrics, path: Path) -> None:
    where = f"{path} (re-run that eval if it was edited)"
    if not isinstance(metrics, dict):
        raise EvalInputError(f"{where}: must be a JSON object. Got a {type(metrics).__name__}.")
    _check_block(metrics, where)
    ks = metrics.get("ks", [])
    if not isinstance(ks, list) or not all(isinstance(k, int) and not isinstance(k, bool) and k >= 1 for k in ks):
        raise EvalInputError(f"{where}: 'ks' must be a list of integers >= 1. Got {ks!r}.")
    for group in ("per_skill", "per_level"):
        blocks = metrics.get(group, {})
        if not isinstance(blocks, dict):
            raise EvalInputError(f"{where}: {group!r} must be an object of groups. Got {str(blocks)[:60]!r}.")
        for name, block in blocks.items():
            _check_block(block, f"{where}: {group}[{name!r}]")


def _key(value) -> str:
    return "unknown" if value is None else str(value)


def problem_values(samples: list[dict], metrics: dict, membership: dict | None = None,
                   equivalent=None) -> ProblemValues:
    """Per-problem accuracy, pass@k and maj@k from an eval's sample rows (``samples.jsonl``).

    Args:
        samples: rows with ``problem_id``, ``status``, ``answer`` (and optionally ``skill``/``level``).
        metrics: the eval's ``metrics.json`` (its ``ks`` and maj@k settings are reused).
        membership: problem id -> (skill, level), for rows without those fields.
        equivalent: answer equivalence for maj@k (default: the checker, as the eval used).
    """
    from eval.metrics import ProblemSamples, answer_classes, maj_at_k, pass_at_k

    by_id: dict[str, list[dict]] = {}
    for row in samples:
        by_id.setdefault(str(row["problem_id"]), []).append(row)
    problems = []
    for pid, rows in by_id.items():
        skill, level = (membership or {}).get(pid, (rows[0].get("skill"), rows[0].get("level")))
        problems.append(ProblemSamples(pid, skill, level, tuple(r["status"] for r in rows),
                                       tuple(r.get("answer") for r in rows)))
    config = metrics.get("config", {})
    if equivalent is None:
        from eval.metrics import checker_equivalence

        equivalent = checker_equivalence()
    classes = answer_classes(problems, equivalent, config.get("max_pairwise_answers", 32))
    ks = [int(k) for k in metrics.get("ks", [])]
    values = {"accuracy": np.array([p.n_correct / p.n for p in problems])}
    for k in ks:
        values[f"pass@{k}"] = np.array([pass_at_k(p.n, p.n_correct, k) for p in problems])
    for k in ks:  # the same seeds as eval.metrics: config seed + 7919 * problem index
        values[f"maj@{k}"] = np.array([maj_at_k(c, k, config.get("max_subsets", 64), config.get("seed", 0) + 7919 * i)
                                       for i, c in enumerate(classes)])
    known = membership is not None or "skill" in samples[0]
    return ProblemValues([p.problem_id for p in problems], [_key(p.skill) for p in problems] if known else None,
                         [_key(p.level) for p in problems] if known else None, values)


def _membership(metrics: dict) -> tuple[dict | None, str]:
    """problem id -> (skill, level) from the eval set named in ``metrics.json``; or None and why not."""
    name = metrics.get("set")
    if not name or name == "in-memory":
        return None, "the eval set is not named in metrics.json"
    try:
        from eval.runner import resolve_eval_set

        rows, _ = resolve_eval_set(name)
        return {str(r["id"]): (r.get("skill"), r.get("level")) for r in rows}, ""
    except Exception as exc:  # a moved or deleted set file: the groups just go untested
        return None, f"the eval set {name!r} could not be loaded ({str(exc).splitlines()[0][:120]})"


def _check_samples(path: Path, samples: list, metrics: dict) -> None:
    """Refuse sample rows the per-problem values cannot be read from, naming the file and the line."""
    fix = "re-run that eval (sai-dpo eval writes it)"
    counts: dict[str, int] = {}
    for n, row in enumerate(samples, start=1):
        if not isinstance(row, dict):
            raise EvalInputError(f"{path}, line {n}: a sample row must be a JSON object; {fix}.")
        for field in ("problem_id", "status"):
            if not isinstance(row.get(field), str | int) or isinstance(row.get(field), bool):
                raise EvalInputError(f"{path}, line {n}: no {field!r} (or not a string); {fix}.")
        counts[str(row["problem_id"])] = counts.get(str(row["problem_id"]), 0) + 1
    ks = [int(k) for k in metrics.get("ks", []) if is_number(k)]
    fewest = min(counts, key=counts.get)
    if ks and counts[fewest] < max(ks):
        raise EvalInputError(f"{path}: problem {fewest!r} has {counts[fewest]} samples, fewer than the largest k "
                             f"of metrics.json ({max(ks)}); the file looks cut short: {fix}.")


def load_problem_values(run: str | Path, metrics: dict) -> tuple[ProblemValues | None, str]:
    """:func:`problem_values` of an eval folder, or None and the reason it has none."""
    from data.loaders import read_jsonl

    path = Path(run)
    path = (path if path.is_dir() else path.parent) / "samples.jsonl"
    if not path.is_file():
        return None, f"{path} is missing (sai-dpo eval writes it)"
    samples = read_jsonl(path, EvalInputError)
    if not samples:
        return None, f"{path} is empty"
    _check_samples(path, samples, metrics)
    membership, why = (None, "") if "skill" in samples[0] else _membership(metrics)
    values = problem_values(samples, metrics, membership)
    return values, (f"skill and level groups are not tested: {why}" if why else "")


def _block(m: dict, group: str) -> dict | None:
    if group == "overall":
        return m
    prefix, _, name = group.partition(":")
    return m.get({"skill": "per_skill", "level": "per_level"}[prefix], {}).get(name)


def _value(block: dict | None, metric: str):
    if block is None:
        return None, None
    if metric == "accuracy":
        return block["accuracy"], block["accuracy_ci"]
    name, _, k = metric.partition("@")
    key = {"pass": "pass_at_k", "maj": "maj_at_k"}[name]
    return block[key].get(k), block[f"{key}_ci"].get(k)


def _metric_names(a: dict, b: dict) -> list[str]:
    ks = sorted({int(k) for m in (a, b) for k in m.get("ks") or m.get("pass_at_k", {})})
    return ["accuracy", *(f"pass@{k}" for k in ks), *(f"maj@{k}" for k in ks)]


def _aliases(names, groups, a, b, pa: ProblemValues | None, pb: ProblemValues | None) -> dict[str, list[str]]:
    """Kept metric -> the metrics that equal it everywhere (shown in its row): in every group of both
    evals, and for every problem when per-problem values are at hand."""
    kept: dict[str, list[str]] = {}
    for name in names:
        for head in kept:
            same = all(_close(_value(_block(m, g), name)[0], _value(_block(m, g), head)[0])
                       for m in (a, b) for g in groups)
            if same and pa is not None and pb is not None:
                same = all(name in p.values and head in p.values and np.allclose(p.values[name], p.values[head], rtol=0, atol=1e-12)
                           for p in (pa, pb))
            if same:
                kept[head].append(name)
                break
        else:
            kept[name] = []
    return kept


def _close(x, y) -> bool:
    return (x is None and y is None) or (x is not None and y is not None and abs(x - y) <= 1e-12)


def _paired(pa: ProblemValues, pb: ProblemValues, rows: list[dict]) -> None:
    """Fill ``p`` of every row whose group both evals have, from one batch of sign-flip tests."""
    common = [pid for pid in pa.ids if pid in set(pb.ids)]
    ia = {pid: i for i, pid in enumerate(pa.ids)}
    ib = {pid: i for i, pid in enumerate(pb.ids)}
    ra, rb = [ia[pid] for pid in common], [ib[pid] for pid in common]
    cols, masks, tested = [], [], []
    for row in rows:
        if row["a"] is None or row["b"] is None or row["metric"] not in pa.values or row["metric"] not in pb.values:
            continue
        prefix, _, name = row["group"].partition(":")
        if prefix == "overall":
            mask = np.ones(len(common), bool)
        elif (pa.skill if prefix == "skill" else pa.level) is None:
            continue  # the problems' groups are unknown: this row cannot be tested
        else:
            keys = pa.skill if prefix == "skill" else pa.level
            mask = np.array([keys[i] == name for i in ra], bool)
        if not mask.any():
            continue
        cols.append(pb.values[row["metric"]][rb] - pa.values[row["metric"]][ra])
        masks.append(mask)
        row["n_paired"] = int(mask.sum())
        tested.append(row)
    if not tested:
        return
    pvalues = paired_sign_flip_pvalues(np.stack(cols, axis=1), np.stack(masks, axis=1), n_flips=N_FLIPS)
    for row, p in zip(tested, pvalues, strict=True):
        row["p"] = float(p)


def compare_metrics(a: dict, b: dict, label_a: str = "A", label_b: str = "B",
                    values_a: ProblemValues | None = None, values_b: ProblemValues | None = None,
                    note: str = "") -> dict:
    """Rows ``{group, metric, a, b, delta, a_ci, b_ci, n_paired, p, p_adjusted, significant}``.

    ``delta`` is ``b - a``; groups are ``overall``, ``skill:<name>`` and ``level:<n>``. Without the
    per-problem values of both evals no row can be tested (``p`` stays None) and ``note`` says why.
    """
    groups = ["overall"] + [f"{prefix}:{name}" for prefix, key in (("skill", "per_skill"), ("level", "per_level"))
                            for name in dict.fromkeys([*a.get(key, {}), *b.get(key, {})])]
    aliases = _aliases(_metric_names(a, b), groups, a, b, values_a, values_b)
    rows = []
    for group in groups:
        for metric, same in aliases.items():
            (va, ca), (vb, cb) = _value(_block(a, group), metric), _value(_block(b, group), metric)
            rows.append({"group": group, "metric": metric, "same_as": same, "a": va, "b": vb,
                         "delta": None if va is None or vb is None else vb - va, "a_ci": ca, "b_ci": cb,
                         "n_paired": None, "p": None, "p_adjusted": None, "significant": False})
    if values_a is not None and values_b is not None:
        _paired(values_a, values_b, rows)
    tested = [r for r in rows if r["p"] is not None]
    for row, adj in zip(tested, holm_adjust([r["p"] for r in tested]), strict=True):
        row["p_adjusted"] = float(adj)
        row["significant"] = bool(adj < ALPHA)
    statuses = list(dict.fromkeys([*a.get("status_counts", {}), *b.get("status_counts", {})]))
    status = {s: {"a": a.get("status_counts", {}).get(s, 0), "b": b.get("status_counts", {}).get(s, 0)}
              for s in statuses}
    if values_a is None or values_b is None:
        note = note or "no per-problem values for both evals"
    return {"a": label_a, "b": label_b, "set": a.get("set"), "rows": rows, "status_counts": status,
            "methods": METHODS, "rule": RULE, "n_tested": len(tested), "note": note,
            "n_significant": sum(r["significant"] for r in rows),
            "paired_problems": None if values_a is None or values_b is None else
            len(set(values_a.ids) & set(values_b.ids))}


def metric_label(row: dict) -> str:
    """``accuracy = pass@1 = maj@1`` for a row that stands for several equal metrics."""
    return " = ".join([row["metric"], *row["same_as"]])


def _p(value) -> str:
    if value is None:
        return ""
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _delta_cell(row: dict, markup: bool):
    if row["delta"] is None:
        return ""
    text = (f"{row['delta']:+.3f}" if row["delta"] else "0.000") + ("*" if row["significant"] else "")
    if not markup:
        return f"**{text}**" if row["significant"] else text
    cls = "up" if row["delta"] > 0 else "down" if row["delta"] < 0 else ""
    return ("html", f'<span class="{cls}">{html.escape(text)}</span>')


def _headline(cmp: dict) -> list[str]:
    """The metrics of the compact table: accuracy, then pass@K and maj@K at the largest K (if not equal to it)."""
    kept = list(dict.fromkeys(r["metric"] for r in cmp["rows"]))
    out = ["accuracy"]
    for prefix in ("pass@", "maj@"):
        ks = [m for m in kept if m.startswith(prefix)]
        if ks:
            out.append(ks[-1])
    return out


def _by_key(cmp: dict) -> dict[tuple[str, str], dict]:
    return {(r["group"], r["metric"]): r for r in cmp["rows"]}


def _compact_rows(cmp: dict, markup: bool) -> tuple[list[str], list[list], list[tuple[str, int]]]:
    """One row per group: problems, then A, B and delta of each headline metric (delta marked * if different)."""
    rows_by = _by_key(cmp)
    metrics = _headline(cmp)
    headers, spans = ["group", "problems"], [("", 2)]
    for metric in metrics:
        headers += ["A", "B", "\u0394 (B\u2212A)"]
        spans.append((metric_label(rows_by[("overall", metric)]), 3))
    out = []
    for group in dict.fromkeys(r["group"] for r in cmp["rows"]):
        first = rows_by[(group, metrics[0])]
        line = [group, "" if first["n_paired"] is None else first["n_paired"]]
        for metric in metrics:
            r = rows_by[(group, metric)]
            line += ["" if r["a"] is None else fmt(r["a"]), "" if r["b"] is None else fmt(r["b"]), _delta_cell(r, markup)]
        out.append(line)
    return headers, out, spans


def _full_rows(cmp: dict, markup: bool) -> tuple[list[str], list[list], list[str]]:
    headers = ["group", "metric", "A", "A 95% CI", "B", "B 95% CI", "\u0394 (B\u2212A)", "problems paired",
               "p", "Holm p", "different"]
    rows, classes = [], []
    for r in cmp["rows"]:
        ci = [("" if c is None else f"[{c[0]:.3f}, {c[1]:.3f}]") for c in (r["a_ci"], r["b_ci"])]
        mark = ("**yes**" if not markup else "yes") if r["significant"] else ("" if r["p"] is None else "no")
        rows.append([r["group"], metric_label(r), "" if r["a"] is None else fmt(r["a"]), ci[0],
                     "" if r["b"] is None else fmt(r["b"]), ci[1], _delta_cell(r, markup),
                     "" if r["n_paired"] is None else r["n_paired"], _p(r["p"]), _p(r["p_adjusted"]), mark])
        classes.append("sig" if r["significant"] else "")
    return headers, rows, classes


def _different_rows(cmp: dict, markup: bool) -> list[list]:
    """The rows that differ by the rule: group, metric, A, B, delta, Holm p (in the table's order)."""
    return [[r["group"], metric_label(r), fmt(r["a"]), fmt(r["b"]),
             _delta_cell(r, markup) if markup else f"{r['delta']:+.3f}", _p(r["p_adjusted"])]
            for r in cmp["rows"] if r["significant"]]


_DIFFERENT_HEADERS = ["group", "metric", "A", "B", "\u0394 (B\u2212A)", "Holm p"]


def _different_html(cmp: dict) -> str:
    rows = _different_rows(cmp, markup=True)
    if rows:
        return table(_DIFFERENT_HEADERS, rows)
    if cmp["n_tested"]:
        return f"<p>None of the {cmp['n_tested']} tested rows differs.</p>"
    return "<p>No row was tested, so none is marked different.</p>"


def _summary_text(cmp: dict) -> str:
    if cmp["n_tested"]:
        return (f"{cmp['n_significant']} of {cmp['n_tested']} tested rows differ (Holm-adjusted p < {ALPHA}); "
                f"{cmp['paired_problems']} problems paired.")
    return f"No row was tested: {cmp['note']}."


def _plots_html(cmp: dict, a: dict, b: dict) -> str:
    ks = [int(k) for k in a.get("ks", []) if str(k) in b.get("pass_at_k", {})]
    parts = []
    if len(ks) > 1:
        curves = {f"{side} {name}@k": ([m[key][str(k)] for k in ks], [m[f"{key}_ci"][str(k)] for k in ks])
                  for side, m in (("A", a), ("B", b)) for name, key in (("pass", "pass_at_k"), ("maj", "maj_at_k"))}
        parts.append(img(_plots.ab_curves(ks, curves), "pass@k and maj@k of A and B"))
    rows_by = _by_key(cmp)
    groups = [g for g in dict.fromkeys(r["group"] for r in cmp["rows"])]
    panels = []
    for metric in _headline(cmp):
        rs = [rows_by[(g, metric)] for g in groups]
        panels.append((metric_label(rs[0]), [r["a"] for r in rs], [r["b"] for r in rs], [r["significant"] for r in rs]))
    parts.append(img(_plots.dumbbells(groups, panels, different=f"different (Holm p < {ALPHA})"),
                     "A and B per group"))
    return "".join(parts)


def render_compare_html(cmp: dict, a: dict | None = None, b: dict | None = None) -> str:
    """The comparison page: summary, the rows that differ, plots, one compact table, the full table collapsed."""
    headers, rows, spans = _compact_rows(cmp, markup=True)
    full_headers, full, classes = _full_rows(cmp, markup=True)
    status_rows = [[s, v["a"], v["b"], v["b"] - v["a"]] for s, v in cmp["status_counts"].items()]
    note = f'<p class="note">{html.escape(cmp["note"])}</p>' if cmp["note"] and cmp["n_tested"] else ""
    sections = [
        ("summary", "Summary",
         f"<p>A = <code>{html.escape(cmp['a'])}</code><br>B = <code>{html.escape(cmp['b'])}</code><br>"
         f"Eval set: <code>{html.escape(str(cmp.get('set')))}</code></p>"
         f"<p><b>{html.escape(_summary_text(cmp))}</b></p>"
         f'<p class="note">Rule for every row: {html.escape(cmp["rule"])}. Marked rows (*) differ.</p>' + note),
        ("different", f"Rows that differ (Holm-adjusted p < {ALPHA})", _different_html(cmp)),
        *([("plots", "A and B", _plots_html(cmp, a, b))] if a is not None and b is not None else []),
        ("deltas", "Headline metrics per group", table(headers, rows, spans=spans)
         + details(f"All {len(full)} rows (every k), with p-values", table(full_headers, full, classes))),
        ("status", "Checker status counts", table(["status", "A", "B", "\u0394"], status_rows)),
        ("methods", "Methods", table(["what", "how"], list(cmp["methods"].items()))),
    ]
    return page("Eval comparison", sections)


def render_compare_markdown(cmp: dict) -> str:
    """The comparison as Markdown: summary, compact table, rows that differ, status counts, methods."""
    headers, rows, spans = _compact_rows(cmp, markup=False)
    headers = headers[:2] + [f"{title} {h}" for title, _ in spans[1:] for h in ("A", "B", "\u0394")]
    different = _different_rows(cmp, markup=False)
    lines = [
        "# Eval comparison", "", f"- A = `{cmp['a']}`", f"- B = `{cmp['b']}`", f"- {_summary_text(cmp)}",
        f"- Rule for every row: {cmp['rule']}.", "", md_table(headers, rows), "",
        "## Rows that differ", "",
        md_table(["group", "metric", "A", "B", "delta", "Holm p"], different) if different else "None.", "",
        "## Checker status counts", "",
        md_table(["status", "A", "B"], [[s, v["a"], v["b"]] for s, v in cmp["status_counts"].items()]),
        "", "## Methods", "", md_table(["what", "how"], list(cmp["methods"].items())),
    ]
    return "\n".join(lines) + "\n"


def _check_same_problems(run_a, run_b, a: dict, b: dict, va: ProblemValues | None, vb: ProblemValues | None) -> None:
    """Refuse two evals of different problems: each side's figures are over its own problems, so their
    difference would mix the change with the change of problems (a half eval looked 0.025 worse)."""
    if va is not None and vb is not None:
        ids_a, ids_b = set(va.ids), set(vb.ids)
        if ids_a == ids_b:
            return
        shared = len(ids_a & ids_b)
        counts = f"{len(ids_a)} and {len(ids_b)} problems, {shared} in both"
    elif a.get("n_problems") == b.get("n_problems"):
        return
    else:
        counts = f"{a.get('n_problems')} and {b.get('n_problems')} problems"
    raise EvalInputError(
        f"{run_a} and {run_b} scored different problems ({counts}): their differences would compare different "
        "problems. Evaluate both on the same problems (the same --set, every problem with completions)."
    )


def write_compare_report(run_a: str | Path, run_b: str | Path, out_dir: str | Path) -> dict[str, Path]:
    """Compare two eval folders; write ``compare.json``, ``report.html`` and ``report.md``."""
    a, b = load_metrics(run_a), load_metrics(run_b)
    if a.get("set") and b.get("set") and a["set"] != b["set"]:
        raise EvalInputError(
            f"{run_a} was scored on {a['set']!r} and {run_b} on {b['set']!r}: deltas between different eval sets "
            "mean nothing. Evaluate both on the same set."
        )
    out = Path(out_dir)
    for run in (run_a, run_b):  # writing there would replace that eval's own report.html / report.md
        if out.resolve() == Path(run).resolve():
            raise EvalInputError(f"--out {out} is one of the evals being compared; pass a new folder for the comparison.")
    (va, why_a), (vb, why_b) = load_problem_values(run_a, a), load_problem_values(run_b, b)
    _check_same_problems(run_a, run_b, a, b, va, vb)
    note = "; ".join(dict.fromkeys(w for w in (why_a, why_b) if w))
    cmp = compare_metrics(a, b, str(run_a), str(run_b), va, vb, note=note)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "compare.json", "html": out / "report.html", "markdown": out / "report.md"}
    paths["json"].write_text(json.dumps(cmp, indent=2) + "\n", encoding="utf-8")
    paths["html"].write_text(render_compare_html(cmp, a, b), encoding="utf-8")
    paths["markdown"].write_text(render_compare_markdown(cmp), encoding="utf-8")
    return paths
