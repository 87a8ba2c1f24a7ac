"""Benchmark the answer checker against Math-Verify on the same table, in the same run.

    python -m eval.bench.checker [--cases tests/checker/cases.py FILE.jsonl ...] [--passes 3]

Prints accuracy, false positives/negatives, throughput (items/s, one process, one caller thread) and
p50/p99 latency per item for both checkers, and the throughput ratio. Both start warm as a process
(this checker's sympy workers started by ``warmup()``, math-verify imported and run on 5 rows); "cold"
pass 1 means this checker's answer caches are empty. Math-Verify (``pip install
math-verify``, the ``bench`` extra) uses signal-based timeouts, so it is called from the main thread.
A JSONL case file has one object per line: {"gold", "prediction", "expected", "choices"?, "dispute"?}
(rows with a non-empty "dispute", peers' expectations we disagree with, are left out), or a
hand-labelled real-output file (tests/checker/real/champ_dev.jsonl): {"gold", "response", "label"}, where
label "correct" is expected True, "incorrect" False, and "ambiguous" rows are left out. Several
--cases files run one after another and end with a side-by-side summary.
"""

from __future__ import annotations

import argparse
import logging
import pathlib
import re
import runpy
import statistics
import time

from data.loaders import read_jsonl

_ROOT = pathlib.Path(__file__).resolve().parents[2]
_DEFAULT_CASES = _ROOT / "tests" / "checker" / "cases.py"
# Every development set, side by side (the held-out splits of the two real sets are scored apart, once).
_ALL_DEV = [
    _DEFAULT_CASES,
    _ROOT / "tests" / "checker" / "heldout.jsonl",
    _ROOT / "tests" / "checker" / "strict.jsonl",
    _ROOT / "tests" / "checker" / "real" / "champ_dev.jsonl",
    _ROOT / "tests" / "checker" / "peers" / "peers_dev.jsonl",
]
_WORDY = re.compile(r"(?<![\\A-Za-z{])[A-Za-z]{4,}")


class CaseFileError(ValueError):
    """A case file that cannot be read; the message names the file and the row."""


def _check_case_types(path: pathlib.Path, n: int, row: dict) -> None:
    """A case's texts are strings (or numbers) and its choices a list of option strings."""
    for key in ("gold", "prediction", "response"):
        if key in row and (isinstance(row[key], bool) or not isinstance(row[key], str | int | float)):
            raise CaseFileError(f"{path}, row {n}: {key} must be a string (or a number); got {type(row[key]).__name__} "
                                f"{str(row[key])[:40]!r}")
    choices = row.get("choices")
    if choices is not None and not (isinstance(choices, list) and all(isinstance(c, str) for c in choices)):
        raise CaseFileError(f"{path}, row {n}: choices must be a list of the options' texts, option A first, like "
                            f"[\"3\", \"4\", \"5\"], or absent; "
                            f"got {choices!r:.60}")


def load_cases(path: pathlib.Path) -> list[tuple[str, str, bool, list | None]]:
    """(gold, prediction, expected, choices) rows from a cases.py (``all_cases()``) or a JSONL file.

    Rows left out (peers' disputed expectations, ambiguous hand labels) are counted in
    ``load_cases.left_out[path]``. Raises CaseFileError naming the file and row on bad input.
    """
    if path.suffix == ".py":
        module = runpy.run_path(str(path))
        if "all_cases" not in module:
            raise CaseFileError(f"{path}: a .py case file must define all_cases(); this one does not")
        return [(g, p, e, c) for _grp, g, p, e, c in module["all_cases"]()]
    if path.suffix != ".jsonl":
        raise CaseFileError(f"{path}: a case file is a .jsonl file (one JSON object per line) or a cases.py")
    rows = list(enumerate(read_jsonl(path, CaseFileError), start=1))  # (row number, object)
    if not rows:
        raise CaseFileError(f"{path}: no cases (the file is empty)")
    out, left_out = [], 0
    for n, row in rows:
        labelled = "label" in row or "response" in row  # a hand-labelled real output, else a case with its expectation
        if labelled and ("prediction" in row or "expected" in row):
            raise CaseFileError(f"{path}, row {n}: a row is either {{gold, prediction, expected}} or {{gold, response, "
                                f"label}}; this one mixes both")
        need = ("gold", "response", "label") if labelled else ("gold", "prediction", "expected")
        missing = [k for k in need if k not in row]
        if missing:
            raise CaseFileError(f"{path}, row {n}: missing {', '.join(missing)} (a row needs {', '.join(need)})")
        if "dispute" in row and not isinstance(row["dispute"], str):
            raise CaseFileError(f"{path}, row {n}: dispute must be a string saying why the expectation is disputed "
                                f"(or absent); got {row['dispute']!r:.40}")
        if labelled:
            _check_case_types(path, n, row)
            if row["label"] not in ("correct", "incorrect", "ambiguous"):
                raise CaseFileError(f"{path}, row {n}: label must be correct, incorrect or ambiguous; got {row['label']!r}")
            if row["label"] == "ambiguous":
                left_out += 1
                continue
            out.append((row["gold"], row["response"], row["label"] == "correct", None))
            continue
        if not isinstance(row["expected"], bool):
            raise CaseFileError(f"{path}, row {n}: expected must be true or false (JSON booleans); got {row['expected']!r}")
        _check_case_types(path, n, row)
        if row.get("dispute"):  # peers' expectations we disagree with (tests/checker/peers): left out
            left_out += 1
            continue
        out.append((row["gold"], row["prediction"], row["expected"], row.get("choices")))
    load_cases.left_out[path] = left_out
    if not out:
        raise CaseFileError(f"{path}: all {left_out} rows are left out (disputed or labelled ambiguous); "
                            "nothing to score")
    return out


load_cases.left_out = {}


def _as_math(text: str) -> str:
    """Math-Verify extracts from $...$ / \\boxed; wrap bare answers (not whole responses) in $...$."""
    text = str(text)  # a case file may give a number ("gold": 1), as our checker accepts
    if "$" in text or "\\boxed" in text or _WORDY.search(text):
        return text
    return f"${text}$"


def _math_verify_one(g: str, p: str) -> bool:
    from math_verify import parse, verify

    try:
        return bool(verify(parse(_as_math(g)), parse(_as_math(p))))
    except Exception:
        return False


def _timed(fn, rows):
    """Run ``fn(gold, pred, choices)`` per row; returns (results, latencies in seconds)."""
    out, lat = [], []
    for g, p, _e, c in rows:
        start = time.perf_counter()
        out.append(fn(g, p, c))
        lat.append(time.perf_counter() - start)
    return out, lat


def _report(name: str, rows, results, lat) -> dict:
    expected = [e for _g, _p, e, _c in rows]
    right = sum(r == e for r, e in zip(results, expected, strict=True))
    fp = sum(r and not e for r, e in zip(results, expected, strict=True))
    fn = sum(e and not r for r, e in zip(results, expected, strict=True))
    qs = statistics.quantiles(lat, n=100) if len(lat) > 1 else [lat[0]] * 99
    stats = {
        "accuracy": right / len(rows), "false_pos": fp, "false_neg": fn,
        "items_per_s": len(rows) / sum(lat), "p50_ms": qs[49] * 1e3, "p99_ms": qs[98] * 1e3,
    }
    print(
        f"{name:<22} accuracy {stats['accuracy']:.3f} ({right}/{len(rows)})  false+ {fp:>3}  false- {fn:>3}  "
        f"{stats['items_per_s']:>8.1f} items/s  p50 {stats['p50_ms']:.2f} ms  p99 {stats['p99_ms']:.2f} ms"
    )
    return stats


def _run_set(path: pathlib.Path, passes: int, show_errors: bool) -> dict:
    """Benchmark both checkers on one case file; returns the summary row."""
    from eval.checker import verify, verify_batch, warmup

    warmup()  # the sympy workers start once per process (as math-verify is imported and warmed below)
    rows = load_cases(path)
    left_out = load_cases.left_out.get(path, 0)
    note = f"; {left_out} left out (disputed or ambiguous)" if left_out else ""
    print(f"\n{len(rows)} cases from {path} ({sum(not r[2] for r in rows)} must-be-False{note})")
    ours = []
    for i in range(passes):
        res, lat = _timed(lambda g, p, c: bool(verify(g, p, choices=c)), rows)
        ours.append(_report(f"sai-dpo pass {i + 1}", rows, res, lat))
    start = time.perf_counter()
    verify_batch([r[0] for r in rows], [r[1] for r in rows], choices=[r[3] for r in rows])
    print(f"sai-dpo verify_batch     {len(rows) / (time.perf_counter() - start):.1f} items/s (warm caches)")
    summary = {"set": path.name, "rows": len(rows), "must_false": sum(not r[2] for r in rows), "ours": ours[-1]}
    try:
        import math_verify  # noqa: F401

        logging.getLogger("math_verify").setLevel(logging.CRITICAL)  # it logs every timeout with the input
    except ImportError:
        print("math-verify is not installed (pip install 'sai-dpo[bench]'); no comparison.")
        return summary
    mv_fn = lambda g, p, c: _math_verify_one(g, p)  # noqa: E731
    _timed(mv_fn, rows[:5])  # import and warm up
    mv_res, mv_lat = _timed(mv_fn, rows)
    mv = _report("math-verify", rows, mv_res, mv_lat)
    summary["math_verify"] = mv
    plain = [i for i, r in enumerate(rows) if not r[3]]
    ours_last, _ = _timed(lambda g, p, c: bool(verify(g, p, choices=c)), rows)
    if plain and len(plain) < len(rows):
        for name, results in (("sai-dpo", ours_last), ("math-verify", mv_res)):
            right = sum(results[i] == rows[i][2] for i in plain)
            fp = sum(results[i] and not rows[i][2] for i in plain)
            print(f"  without multiple-choice rows (math-verify takes no choices): {name:<12} "
                  f"accuracy {right / len(plain):.3f} ({right}/{len(plain)})  false+ {fp}")
    ratio = f"pass 1 (cold caches) {ours[0]['items_per_s'] / mv['items_per_s']:.1f}x"
    if len(ours) > 1:
        ratio += f", pass {len(ours)} (warm) {ours[-1]['items_per_s'] / mv['items_per_s']:.1f}x"
    print(f"throughput ratio (sai-dpo / math-verify): {ratio}")
    if show_errors:
        for name, results in (("sai-dpo", ours_last), ("math-verify", mv_res)):
            for (g, p, e, _c), r in zip(rows, results, strict=True):
                if r != e:
                    print(f"  {name} wrong: gold={g!r} pred={p!r} expected={e}")
    return summary


def _summary_table(summaries: list[dict]) -> None:
    print("\nsummary (false+ share: of the must-be-False rows; speed ratio: sai-dpo's last pass / math-verify)")
    print(f"{'set':<26} {'rows':>5} {'must-F':>6} | {'sai-dpo acc':>11} {'false+':>14} | "
          f"{'math-verify acc':>15} {'false+':>6} | {'speed ratio':>11}")
    for s in summaries:
        o, mv = s["ours"], s.get("math_verify")
        share = (o["false_pos"] / s["must_false"]) if s["must_false"] else 0.0
        line = (f"{s['set']:<26} {s['rows']:>5} {s['must_false']:>6} | {o['accuracy']:>11.3f} "
                f"{o['false_pos']:>5} ({share:>5.1%}) |")
        if mv:
            line += f" {mv['accuracy']:>15.3f} {mv['false_pos']:>6} | {o['items_per_s'] / mv['items_per_s']:>10.1f}x"
        print(line)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    ap = argparse.ArgumentParser(prog="python -m eval.bench.checker", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=pathlib.Path, nargs="+", default=_ALL_DEV,
                    help="case files (default: every development set, side by side)")
    ap.add_argument("--passes", type=int, default=3, help="passes of this checker (pass 1 has cold caches; default 3)")
    ap.add_argument("--show-errors", action="store_true", help="list rows each checker got wrong")
    args = ap.parse_args(argv)
    if not 1 <= args.passes <= 100:
        ap.error(f"--passes must be between 1 and 100; got {args.passes}")
    for path in args.cases:
        if path.is_dir():
            ap.error(f"--cases {path}: is a folder; pass a .jsonl case file (or a cases.py) inside it")
        if not path.exists():
            ap.error(f"--cases {path}: no such file")
        if not path.is_file():
            ap.error(f"--cases {path}: not a regular file; pass a .jsonl case file (or a cases.py)")
        try:
            load_cases(path)
        except CaseFileError as exc:
            ap.error(str(exc))
    from eval.checker import warmup

    warmup()
    summaries = [_run_set(path, args.passes, args.show_errors) for path in args.cases]
    if len(summaries) > 1:
        _summary_table(summaries)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
