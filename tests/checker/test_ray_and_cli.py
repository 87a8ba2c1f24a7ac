"""The checker inside a real Ray actor (timeouts hold there too) and the `sai-dpo check` command."""

import os
import pathlib
import tempfile
import time

import pytest

from sai_dpo.cli import main

ROOT = str(pathlib.Path(__file__).resolve().parents[2])
SLOW = r"\sum_{k=1}^{5000} k^{k}"  # past the fast path's 1,000-term limit: sympy, past any time limit


@pytest.fixture(scope="module")
def ray_session():
    import ray

    tmp = tempfile.mkdtemp(prefix="rc", dir="/tmp")
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=1, include_dashboard=False, _temp_dir=tmp, log_to_driver=False)
    yield ray
    ray.shutdown()


def test_verify_batch_inside_a_ray_actor_honours_timeouts(ray_session):
    ray = ray_session

    @ray.remote
    class Grader:
        def grade(self, golds, preds, timeout):
            from eval.checker import verify_batch, warmup

            warmup(2)
            start = time.monotonic()
            verdicts = verify_batch(golds, preds, timeout=timeout, workers=2)
            return [(v.status, v.reason) for v in verdicts], time.monotonic() - start

    grader = Grader.options(runtime_env={"env_vars": {"PYTHONPATH": ROOT}}).remote()
    golds = [SLOW, "1/2", r"\sqrt{8}", "(1,2]"]
    preds = ["5", r"\boxed{0.5}", r"2\sqrt{2}", "(1,2)"]
    verdicts, elapsed = ray.get(grader.grade.remote(golds, preds, 1.0), timeout=120)
    statuses = [s for s, _ in verdicts]
    assert statuses == ["timeout", "correct", "correct", "incorrect"], verdicts
    assert elapsed < 1.0 + 4.0


def test_cli_check_exit_codes(capsys):
    assert main(["check", r"\frac{1}{2}", r"so \boxed{0.5}"]) == 0
    assert capsys.readouterr().out.startswith("correct")
    assert main(["check", "C", "(D)", "--choices", "1,2,3,4,5"]) == 1
    assert capsys.readouterr().out.startswith("incorrect")
    assert main(["check", "C", "3", "--choices", "1,2,3,4,5"]) == 0


def test_cli_check_choices_with_commas_stdin_and_bad_choices(capsys, monkeypatch):
    import io

    assert main(["check", "C", "(C) 1,000", "--choices", "10|100|1,000"]) == 0  # '|' when values hold commas
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("x" * 50_000 + " The answer is 7."))
    assert main(["check", "7", "-"]) == 0  # a long response from standard input
    assert "extracted: '7'" in capsys.readouterr().out
    assert main(["check", "C", "C", "--choices", ",,"]) == 2
    assert "--choices" in capsys.readouterr().err


def test_checker_bench_reads_case_files_and_names_bad_rows(tmp_path):
    from eval.bench.checker import CaseFileError, load_cases

    good = tmp_path / "ok.jsonl"
    good.write_text('{"gold": "1", "prediction": "1", "expected": true}\n'
                    '{"gold": "1", "prediction": "2", "expected": false, "dispute": "we disagree"}\n')
    assert load_cases(good) == [("1", "1", True, None)] and load_cases.left_out[good] == 1
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b'\xef\xbb\xbf{"gold": "1", "prediction": "1", "expected": true}\n')  # an editor's byte-order mark
    assert load_cases(bom) == [("1", "1", True, None)]
    bad = {
        "empty.jsonl": ("", "empty"),
        "broken.jsonl": ('{"gold": "1", "prediction": "1", "expected": true}\n{"gold": \n', "line 2"),
        "missing.jsonl": ('{"gold": "1"}\n', "missing prediction, expected"),
        "string.jsonl": ('{"gold": "1", "prediction": "1", "expected": "false"}\n', "JSON booleans"),
        "notes.txt": ("hello\n", ".jsonl"),
        "choices.jsonl": ('{"gold": "1", "prediction": "1", "expected": true, "choices": "A,B"}\n', "options' texts"),
        "listgold.jsonl": ('{"gold": ["1"], "prediction": "1", "expected": true}\n', "gold must be a string"),
        "nullpred.jsonl": ('{"gold": "1", "prediction": null, "expected": true}\n', "prediction must be a string"),
        "disputed.jsonl": ('{"gold": "1", "prediction": "1", "expected": true, "dispute": "x"}\n', "all 1 rows are left out"),
        "ambiguous.jsonl": ('{"gold": "1", "response": "1", "label": "ambiguous"}\n', "all 1 rows are left out"),
        "nolabel.jsonl": ('{"gold": "1", "response": "1"}\n', "missing label .a row needs gold, response, label"),
        "mixed.jsonl": ('{"gold": "1", "response": "1", "label": "correct", "expected": true}\n', "mixes both"),
        "dispute5.jsonl": ('{"gold": "1", "prediction": "1", "expected": true, "dispute": 5}\n', "dispute must be a string"),
    }
    for name, (text, words) in bad.items():
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(CaseFileError, match=words):
            load_cases(path)


def test_checker_bench_runs_on_choices_only_and_numeric_rows(tmp_path, capsys, monkeypatch):
    """A file whose every row has choices (no rows for the comparison without them) and numeric golds ran
    into a ZeroDivisionError and scored Math-Verify 0 on numbers it never saw as text."""
    import sys
    import types

    from eval.bench.checker import main

    # Math-Verify is an optional extra (not installed by `make test`): a stand-in that calls two texts
    # equal when they are the same text, so the bench's own handling is what is tested.
    stub = types.ModuleType("math_verify")
    stub.parse = lambda text: text
    stub.verify = lambda gold, pred: gold == pred
    monkeypatch.setitem(sys.modules, "math_verify", stub)

    path = tmp_path / "cases.jsonl"
    path.write_text('{"gold": "B", "prediction": "The answer is (B).", "expected": true, "choices": ["3", "4", "5"]}\n'
                    '{"gold": 7, "prediction": 7, "expected": true, "choices": ["7", "8"]}\n')
    assert main(["--cases", str(path), "--passes", "1"]) == 0
    out = capsys.readouterr().out
    assert "sai-dpo pass 1         accuracy 1.000 (2/2)" in out
    assert "math-verify            accuracy 0.500 (1/2)" in out  # the number 7 is read; the letter row is not
