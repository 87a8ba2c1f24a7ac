"""`sai-dpo champ generations` and `sai-dpo champ replay` on the fixture (tests/fixtures/champ_gen): exit codes,
files written, one-line errors. Figures as derived in test_champ_generations.py (GPT-4: 17 of 28 right)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sai_dpo.cli import main

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "champ_gen" / "v0.json"


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_generations_then_eval_reads_real_answers(tmp_path, capsys):
    out = tmp_path / "champ"
    assert main(["champ", "generations", "--data", str(FIXTURE), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["gpt-3.5.jsonl", "gpt-4.jsonl"]
    assert "GPT-4: 28 answers" in printed and "sai-dpo eval --compare" in printed
    command = next(line.split() for line in printed.splitlines() if "gpt-4.jsonl" in line and "--generations" in line)
    assert command[4:9] == ["--set", str(FIXTURE), "--preset", "champ", "--out"]  # the printed command runs as is
    assert main([*command[1:], "--ks", "1,4", "--workers", "1", "--no-progress"]) == 0
    assert "accuracy 0.607  pass@4 0.857" in capsys.readouterr().out  # 17/28 and 6/7
    metrics = json.loads((out / "eval-gpt-4" / "metrics.json").read_text())
    assert metrics["data_issues"]["unknown_ids"]["count"] == 0


def test_generations_for_some_models_only(tmp_path):
    assert main(["champ", "generations", "--data", str(FIXTURE), "--out", str(tmp_path), "--models", "GPT-3.5"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gpt-3.5.jsonl"]


@pytest.mark.parametrize("argv, message", [
    (["champ", "generations", "--models", "GPT-5"], "'GPT-5' is not a CHAMP model"),
    (["champ", "replay", "--model", "GPT-5"], "'GPT-5' is not a CHAMP model"),
])
def test_unknown_models_are_one_line_exit_2(argv, message, tmp_path, capsys):
    assert main([*argv, "--data", str(FIXTURE), "--out", str(tmp_path / "o")]) == 2
    line = _error(capsys)
    assert message in line and "'GPT-4'" in line
    assert not list((tmp_path / "o").glob("*.json*"))


@pytest.mark.parametrize("sub", [["generations"], ["replay", "--model", "GPT-4"]])
def test_output_that_is_a_file_and_a_missing_data_file_are_one_line_exit_2(sub, tmp_path, capsys):
    taken = tmp_path / "taken"
    taken.write_text("x\n")
    assert main(["champ", *sub, "--data", str(FIXTURE), "--out", str(taken)]) == 2
    assert "is an existing file, not a folder" in _error(capsys)
    assert main(["champ", *sub, "--data", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")]) == 2
    assert "nope.json is missing" in _error(capsys)


def test_replay_writes_its_report_and_prints_the_next_draw(tmp_path, capsys):
    out = tmp_path / "replay"
    assert main(["champ", "replay", "--data", str(FIXTURE), "--model", "GPT-4", "--out", str(out), "--per-round", "2",
                 "--next", "3", "--orders", "2", "--workers", "1", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "GPT-4: next-draw weight by category:" in printed and "Sequence 0.6" in printed
    assert sorted(p.name for p in out.iterdir()) == ["replay.html", "replay.json", "replay.md"]
    saved = json.loads((out / "replay.json").read_text())
    assert (saved["group_size"], len(saved["next_draw"]), len(saved["rounds"])) == (4, 3, 4)


def test_without_the_package_the_error_says_which_extra_to_install(monkeypatch, tmp_path, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "champ_dataset", None)  # `import champ_dataset` fails, as on CI
    assert main(["champ", "generations", "--out", str(tmp_path)]) == 2
    assert "pip install 'sai-dpo[real]'" in _error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_champ_needs_a_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["champ"])
    assert exc.value.code == 2
    assert "SUBCOMMAND" in capsys.readouterr().err
