"""Mutation testing of the core modules with mutmut 3 (``make mutation``; not part of ``make test``).

Run from the repository root::

    python -m eval.mutation                      # every module below, one after another
    python -m eval.mutation numbers compare      # some modules (names below)
    python -m eval.mutation tracker --jobs 8     # one module, 8 mutants tested at a time

Each module is mutated in its own scratch copy of the repository (``.mutation/<name>/``, rebuilt on
every run, so runs of different modules can go side by side) and its mutants are tried against the
tests listed for it here; mutmut runs, for each mutant, only the tests that call the mutated
function. The tool lives in its own environment, ``.venv-mutation``, which this script creates on
first use: it sees every package of ``.venv`` and adds mutmut (whose wheel ships a top-level
``tests`` package that would shadow this repository's ``tests``; that folder is removed from the
tool's environment).

For each module it prints killed, survived, timed out, no tests, and the score: detected (killed or
timed out) over the mutants that change behaviour. A mutant whose source is the original's (mutmut
changes the case of strings, and a string without letters stays the same) is counted as identical.
A survivor (or a timed-out mutant) is excused only by an entry in
``tests/mutation_equivalent/<module>.json`` (function, the changed source lines as the report prints
them, and a one-line reason it changes no behaviour); every other survivor is printed with its diff,
every timed-out mutant is listed for review, and an excuse that matches only killed mutants is
reported as wrong. ``--json PATH`` writes the figures and the lists; each module's result is also in
``.mutation/<name>/result.json``.

Exit status: 0 when every module reaches ``--target`` (0.90), 1 when one does not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from data._locks import try_lock

ROOT = Path(__file__).resolve().parents[1]
TOOL_ENV = ROOT / ".venv-mutation"
SCRATCH = ROOT / ".mutation"
EQUIVALENT_DIR = ROOT / "tests" / "mutation_equivalent"
# mutmut 3.3.1 reads ``item._nodeid``, which pytest 9 removed: the tool's environment pins pytest 8,
# ahead of the project's own pytest.
TOOL_SPECS = ("mutmut==3.3.1", "pytest>=8,<9")
TOOL_VERSION = " ".join(TOOL_SPECS) + " shim 2"
PACKAGES = ("sai_dpo", "eval", "data", "rl")


@dataclass(frozen=True)
class Module:
    name: str
    path: str
    tests: tuple[str, ...]


_CHECKER_TESTS = (
    "tests/checker/test_numbers_table.py",
    "tests/checker/test_normalize_table.py",
    "tests/checker/test_normalize_helpers.py",
    "tests/checker/test_table.py",
    "tests/checker/test_strict.py",
    "tests/checker/test_extract.py",
    "tests/checker/test_real_formats.py",
)  # the corpora (test_heldout.py, test_real_corpus.py) are left out: slow, and they add no kills of their own
_ENGINE_TESTS = ("tests/engine",)

MODULES = {
    m.name: m
    for m in (
        Module("tracker", "sai_dpo/_tracker.py", _ENGINE_TESTS),
        Module("policies", "sai_dpo/policies.py", _ENGINE_TESTS),
        Module("draw", "sai_dpo/_draw.py", _ENGINE_TESTS),
        Module("numbers", "eval/checker/_numbers.py", _CHECKER_TESTS),
        Module("compare", "eval/checker/_compare.py", _CHECKER_TESTS),
        Module("normalize", "eval/checker/_normalize.py", _CHECKER_TESTS),
        Module("metrics", "eval/metrics.py", ("tests/evalreport/test_metrics_exact.py", "tests/evalreport/test_metrics.py",
                                              "tests/evalreport/test_stats.py")),
    )
}

# mutmut's exit codes, as its own table reads them.
_DETECTED = {1, 3, -24, 24, 36, 152, 255, -11}
_NO_TESTS = {5, 33}


_CHILD_SHIM = '''"""Loaded (by a .pth) in a process started during mutmut's stats run: the trampolines need a config."""
from types import SimpleNamespace

import mutmut

if mutmut.config is None:
    mutmut.config = SimpleNamespace(max_stack_depth=-1)
'''


# Two fixes to mutmut 3.3.1's time limits, which otherwise count mutants as "timed out" (detected)
# that no test killed:
# - its wall-time check reads the estimate of the wrong mutant (the last of its list); this one reads
#   each running mutant's own estimate (key_by_pid -> estimated_time_of_tests_by_mutant);
# - its estimates are the tests' call times without fixture setup, and each mutant's process gets a
#   CPU limit of (estimate + 1) * 30 s: a mutant whose tests share a slow fixture ran out of CPU
#   before its first failing test. Both limits get a floor (MIN_WALL_S, MIN_CPU_S).
MIN_WALL_S, MIN_CPU_S = 120, 240
_RUN_MUTMUT = f"""
import os, resource, signal, sys, time
from datetime import datetime
import mutmut.__main__ as m

def timeout_checker(mutants):
    def check():
        while True:
            time.sleep(1)
            now = datetime.now()
            for data in {{id(x[0]): x[0] for x in mutants}}.values():
                with m.START_TIMES_BY_PID_LOCK:
                    started = dict(data.start_time_by_pid)
                for pid, start in started.items():
                    key = data.key_by_pid.get(pid)
                    estimate = data.estimated_time_of_tests_by_mutant.get(key, 0.0)
                    if (now - start).total_seconds() > max({MIN_WALL_S}, (estimate + 1) * 15):
                        try:
                            os.kill(pid, signal.SIGXCPU)
                        except ProcessLookupError:
                            pass
    return check

class _Resource:
    RLIMIT_CPU = resource.RLIMIT_CPU
    def setrlimit(self, which, limits):
        soft, hard = limits
        resource.setrlimit(which, (max(soft, {MIN_CPU_S}), max(hard, {MIN_CPU_S} + 1)))

m.timeout_checker = timeout_checker
m.resource = _Resource()
sys.argv = ["mutmut", *sys.argv[1:]]
sys.exit(m.cli())
"""


def tool_python() -> Path:
    """The mutation tool's interpreter, created on first use."""
    python = TOOL_ENV / "bin" / "python"
    stamp = TOOL_ENV / "installed.txt"
    if python.exists() and stamp.exists() and stamp.read_text() == TOOL_VERSION:
        return python
    print(f"creating {TOOL_ENV.name} with {' '.join(TOOL_SPECS)} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", TOOL_ENV], check=True)
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    main_site = sorted((ROOT / ".venv" / "lib").glob("python3*/site-packages"))
    if not main_site:
        raise SystemExit("error: .venv is missing; run `make install` first")
    # The project's own environment, packages and .pth files included, behind the tool's.
    (site / "zz_project_env.pth").write_text(f"import site; site.addsitedir({str(main_site[0])!r})\n")
    subprocess.run([python, "-m", "pip", "install", "-q", *TOOL_SPECS], check=True)
    shutil.rmtree(site / "tests", ignore_errors=True)
    # A process that a test starts (``python -c ...``, the checker's sympy workers) runs the
    # trampolines too. Without MUTANT_UNDER_TEST (a test that passes its own env) they would fail:
    # it runs the code unmutated. During mutmut's first, coverage-recording run ("stats") it finds
    # no mutmut config loaded: it gets one, and runs the code unmutated.
    (site / "_mutation_child.py").write_text(_CHILD_SHIM)
    (site / "zz_mutation_child.pth").write_text(
        'import os; os.environ.setdefault("MUTANT_UNDER_TEST", ""); '
        'os.environ["MUTANT_UNDER_TEST"] == "stats" and __import__("_mutation_child")\n')
    stamp.write_text(TOOL_VERSION)
    return python


def prepare(module: Module) -> Path:
    """A fresh scratch copy of the repository with a mutmut configuration for ``module`` alone."""
    work = SCRATCH / module.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in (*PACKAGES, "tests"):
        shutil.copytree(ROOT / name, work / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
    others = sorted(
        str(p.relative_to(work)) for pkg in PACKAGES for p in (work / pkg).rglob("*.py")
        if str(p.relative_to(work)) != module.path
    )
    lines = ["[mutmut]", "paths_to_mutate =", *(f"    {p}/" for p in PACKAGES), "do_not_mutate =",
             *(f"    {p}" for p in others), "tests_dir =", *(f"    {t}" for t in module.tests), ""]
    (work / "setup.cfg").write_text("\n".join(lines))
    return work


def _functions(tree: ast.Module, source: str) -> dict[str, list[str]]:
    out = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name:
            body = ast.get_source_segment(source, node).splitlines()[1:]
            out[node.name] = [line.strip() for line in body if line.strip()]
    return out


def mutant_diffs(mutated_file: Path) -> dict[str, tuple[str, list[str]]]:
    """Mutant name -> (function, changed lines as ``-old`` / ``+new``), read from mutmut's output file."""
    source = mutated_file.read_text()
    funcs = _functions(ast.parse(source), source)
    diffs = {}
    for name, body in funcs.items():
        base, _, tail = name.partition("__mutmut_")
        if tail == "orig":
            continue
        orig = funcs.get(f"{base}__mutmut_orig", [])
        changed = [d for d in difflib.unified_diff(orig, body, lineterm="", n=0)
                   if d[:1] in "+-" and not d.startswith(("+++", "---"))]
        diffs[name] = (base, changed)
    return diffs


def _plain_name(mangled: str) -> str:
    """mutmut's mangled name -> ``function`` or ``Class.method``."""
    if mangled.startswith("x\u01c1"):
        return mangled[2:].replace("\u01c1", ".")
    return mangled.removeprefix("x_")


def _module_name(path: str) -> str:
    return path[:-3].replace("/", ".")


def load_equivalent(module: Module) -> list[dict]:
    """The excused survivors of ``module``: ``[{"function", "change": [lines], "reason"}, ...]``."""
    path = EQUIVALENT_DIR / f"{module.name}.json"
    entries = json.loads(path.read_text()) if path.exists() else []
    for e in entries:
        missing = {"function", "change", "reason"} - set(e)
        if missing or not isinstance(e["change"], list) or not str(e["reason"]).strip():
            raise SystemExit(f"error: {path}: entry {e} needs a function, a list of changed lines and a reason")
    return entries


def score(module: Module, work: Path, equivalent: list[dict]) -> dict:
    meta = json.loads((work / "mutants" / (module.path + ".meta")).read_text())
    codes = meta["exit_code_by_key"]
    diffs = mutant_diffs(work / "mutants" / module.path)
    prefix = _module_name(module.path) + "."
    excuses = {(e["function"], tuple(e["change"])): e["reason"] for e in equivalent}
    counts = {"killed": 0, "timeout": 0, "survived": 0, "no_tests": 0, "equivalent": 0, "identical": 0,
              "not_checked": 0}
    survivors, timeouts, used, applied, killed_excused = [], [], set(), set(), set()
    for key, code in sorted(codes.items()):
        function, change = diffs.get(key.removeprefix(prefix), ("?", []))
        function = _plain_name(function)
        excuse = excuses.get((function, tuple(change)))
        if excuse is not None:
            used.add((function, tuple(change)))
        if code in (1, 3):
            counts["killed"] += 1
            if excuse is not None:
                killed_excused.add((function, tuple(change)))
            continue
        if not change:  # mutmut's case change of a string without letters: the same source
            counts["identical"] += 1
            continue
        if excuse is not None:  # surviving or timed out: it changes no behaviour (see its reason)
            counts["equivalent"] += 1
            applied.add((function, tuple(change)))
            continue
        if code in _DETECTED:
            # Stopped for time: counted as detected, as mutmut does, and listed for review (on a
            # busy machine a slow equivalent mutant can time out too).
            counts["timeout"] += 1
            timeouts.append({"mutant": key, "function": function, "change": change})
            continue
        status = "no_tests" if code in _NO_TESTS else "not_checked" if code is None else "survived"
        counts[status] += 1
        survivors.append({"mutant": key, "status": status, "function": function, "change": change})
    judged = sum(counts.values()) - counts["equivalent"] - counts["identical"]
    detected = counts["killed"] + counts["timeout"]
    stale = [f"{f}: {c}" for (f, c) in excuses if (f, c) not in used]
    # An excuse names a function and a changed line; when only killed mutants match it, a test saw
    # a difference, so the excuse is wrong. (The same line can occur twice in a function: one copy
    # killed and one excused is fine.)
    contradicted = [f"{f}: {list(c)}" for (f, c) in sorted(killed_excused - applied)]
    return {"module": module.name, "path": module.path, "mutants": sum(counts.values()), **counts,
            "score": detected / judged if judged else 1.0, "survivors": survivors, "timeouts": timeouts,
            "contradicted_excuses": contradicted, "unused_excuses": stale}


def run_module(module: Module, python: Path, jobs: int) -> dict:
    SCRATCH.mkdir(exist_ok=True)
    lock = try_lock(SCRATCH / f"{module.name}.lock")
    if isinstance(lock, str):
        raise SystemExit(f"error: a mutation run of {module.name} is already going ({lock}); "
                         f"wait for it, or run another module")
    try:
        return _run_module(module, python, jobs)
    finally:
        os.close(lock)


def _run_module(module: Module, python: Path, jobs: int) -> dict:
    work = prepare(module)
    env = dict(os.environ, HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    log = work / "mutmut.log"
    start = time.monotonic()
    print(f"[{module.name}] mutating {module.path} against {' '.join(module.tests)} (log: {log})", flush=True)
    # Not ``python -m mutmut``: under -m, mutmut's trampolines import its ``__main__`` a second time,
    # and that import fails (multiprocessing's start method set twice). _RUN_MUTMUT imports it as
    # ``mutmut.__main__``, like mutmut's console script, after one fix (see _RUN_MUTMUT).
    with open(log, "w") as out:
        proc = subprocess.run([python, "-c", _RUN_MUTMUT, "run", "--max-children", str(jobs)], cwd=work, env=env,
                              stdout=out, stderr=subprocess.STDOUT)
    if proc.returncode != 0 or not (work / "mutants" / (module.path + ".meta")).exists():
        tail = log.read_text(errors="replace")[-3000:]
        raise SystemExit(f"error: mutmut failed on {module.name} (exit {proc.returncode}); end of {log}:\n{tail}")
    result = score(module, work, load_equivalent(module))
    result["seconds"] = round(time.monotonic() - start, 1)
    (work / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def print_result(r: dict, target: float) -> None:
    mark = "ok" if r["score"] >= target else "BELOW TARGET"
    print(f"[{r['module']}] {r['path']}: {r['mutants']} mutants, killed {r['killed']}, timed out {r['timeout']}, "
          f"survived {r['survived']}, no tests {r['no_tests']}, equivalent {r['equivalent']} (+{r['identical']} identical)"
          f" -> score {r['score']:.3f} ({mark}) in {r['seconds']:.0f} s", flush=True)
    listed = [(s["status"], s) for s in r["survivors"]] + [("timed out (counted as detected)", t) for t in r["timeouts"]]
    for label, m in listed:
        print(f"    {label}: {m['function']}  ({m['mutant']})")
        for line in m["change"]:
            print(f"        {line}")
    for e in r["contradicted_excuses"]:
        print(f"    WRONG EXCUSE: a test killed this mutant, excused as equivalent: {e}")
    for e in r["unused_excuses"]:
        print(f"    note: an excuse in {EQUIVALENT_DIR.name}/{r['module']}.json matched no survivor: {e}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", metavar="MODULE",
                        help=f"modules to mutate (default: all): {', '.join(MODULES)}")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="mutants tested at a time (default: the number of CPUs)")
    parser.add_argument("--target", type=float, default=0.90, help="score each module must reach (default 0.90)")
    parser.add_argument("--json", dest="json_path", type=Path, help="also write the figures and survivors here")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; choose from {', '.join(MODULES)}")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if not 0 <= args.target <= 1:
        parser.error("--target is a share of mutants: give a number in [0, 1], e.g. 0.9")
    for name in args.modules or MODULES:
        load_equivalent(MODULES[name])  # a malformed file stops the run before any work
    python = tool_python()
    results = []
    for name in args.modules or list(MODULES):
        results.append(run_module(MODULES[name], python, args.jobs))
        print_result(results[-1], args.target)
    print()
    print(f"{'module':<10} {'mutants':>7} {'killed':>6} {'t/o':>4} {'surv':>4} {'none':>4} {'equiv':>5} {'ident':>5} "
          f"{'score':>6}")
    for r in results:
        print(f"{r['module']:<10} {r['mutants']:>7} {r['killed']:>6} {r['timeout']:>4} {r['survived']:>4} "
              f"{r['no_tests']:>4} {r['equivalent']:>5} {r['identical']:>5} {r['score']:>6.3f}")
    if args.json_path:
        args.json_path.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if all(r["score"] >= args.target for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
