"""Issue 16: every command refuses bad input with one line (exit 2) before any work, and says what it
did instead of dropping it silently. Each case here was a traceback, a late failure or a silent wrong
result when a newcomer tried it."""

import json
import shutil
import time

import pytest

from data._cli_args import output_dir, output_file
from eval.features import count_steps
from sai_dpo.cli import main


def _error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "taken"
    path.write_text("not a folder\n")
    return path


# -- output paths: checked before any work, one line ------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["pool", "build", "--pool-size", "10", "--out", "{file}/pool.jsonl"],
    ["eval", "--generations", "g.jsonl", "--set", "arith", "--out", "{file}"],
    ["eval", "--compare", "a", "b", "--out", "{file}"],
    ["demo", "--out", "{file}"],
    ["train", "dpo", "--out", "{file}"],
    ["train", "dpo", "--run-dir", "{file}"],
    ["serve", "--pool", "builtin:arith", "--checkpoint-dir", "{file}"],
])
def test_an_output_path_that_is_a_file_is_one_line_before_any_work(argv, a_file, capsys):
    argv = [a.replace("{file}", str(a_file)) for a in argv]
    t0 = time.perf_counter()
    assert main(argv) == 2
    line = _error(capsys)
    assert str(a_file) in line and "is an existing file, not a folder" in line, line
    assert time.perf_counter() - t0 < 20  # nothing was generated, trained or started


def test_pool_cluster_checks_its_output_before_clustering(a_file, capsys):
    assert main(["pool", "cluster", "--pool", "builtin:arith", "--out", str(a_file / "x.jsonl")]) == 2
    assert "its folder" in _error(capsys)
    assert "clustered" not in capsys.readouterr().out


def test_output_helpers_name_the_flag_and_create_folders(tmp_path, a_file):
    assert output_dir(tmp_path / "a" / "b").is_dir()
    assert output_file(tmp_path / "c" / "pool.jsonl").parent.is_dir()
    with pytest.raises(ValueError, match="--checkpoint-dir .* is an existing file"):
        output_dir(a_file, "--checkpoint-dir")
    with pytest.raises(ValueError, match="is a folder; pass a file name"):
        output_file(tmp_path)


def test_an_unwritable_output_folder_is_refused_before_work(tmp_path, capsys):
    import os

    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):  # root ignores the mode bits: nothing to check as root
        locked = tmp_path / "taken"
        locked.write_text("x")
    assert main(["eval", "--generations", "g.jsonl", "--set", "arith", "--out", str(locked / "out")]) == 2
    assert "--out" in _error(capsys)


# -- numbers that did nothing or were silently replaced ----------------------------------------------
@pytest.mark.parametrize("argv, flag", [
    (["pool", "build", "--pool-size", "0", "--out", "x.jsonl"], "--pool-size"),
    (["pool", "build", "--n", "0", "--out", "x.jsonl"], "--n"),
    (["train", "dpo", "--iterations", "0"], "--iterations"),
    (["train", "dpo", "-k", "1"], "-k/--k"),
    (["demo", "--warm-start-steps", "-1"], "--warm-start-steps"),
    (["demo", "--steps", "0"], "--steps"),
    (["eval", "--model", "m", "--set", "arith", "--out", "o", "-k", "0"], "-k/--k"),
    (["eval", "--model", "m", "--set", "arith", "--out", "o", "--temperature", "-1"], "--temperature"),
    (["check", "1", "1", "--timeout", "nan"], "--timeout"),
    (["serve", "--pool", "builtin:arith", "--seed", "-1"], "--seed"),   # named SelectionConfig's 'seed'
    (["train", "dpo", "--policy", "nope"], "--policy"),                 # failed later, in SelectionConfig
    (["pool", "cluster", "--pool", "x", "--seed", "-3"], "--seed"),     # scikit-learn's random_state message
    (["pool", "build", "--seed", "-1", "--out", "x.jsonl"], "--seed"),  # accepted
])
def test_out_of_range_numbers_name_their_flag(argv, flag, capsys):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    assert f"argument {flag}:" in capsys.readouterr().err


def test_train_dpo_takes_out_as_the_run_folder_and_the_old_name_too():
    from sai_dpo.cli import build_parser

    parser = build_parser()
    assert parser.parse_args(["train", "dpo", "--out", "r1"]).run_dir == "r1"
    assert parser.parse_args(["train", "dpo", "--run-dir", "r2"]).run_dir == "r2"
    assert parser.parse_args(["train", "dpo", "--preset", "gsm8k"]).preset == "gsm8k"


@pytest.mark.parametrize("argv", [
    ["train", "dpo", "--preset", "nosuch"],
    ["serve", "--pool", "builtin:arith", "--preset", "nosuch"],
])
def test_an_unknown_preset_is_refused_on_every_command_that_takes_a_pool(argv, capsys):
    assert main(argv) == 2
    line = _error(capsys)
    assert "'preset'" in line and "'gsm8k'" in line and "'nosuch'" in line


def test_train_dpo_and_serve_load_a_gsm8k_file_with_its_preset(tmp_path):
    """--preset reaches the loader: the GSM8K fixture loads (it is refused without the preset)."""
    from pathlib import Path

    from data import load_pool
    from rl.dpo_config import DPOLoopConfig

    fixture = Path(__file__).parent / "fixtures" / "gsm8k.jsonl"
    config = DPOLoopConfig(run_dir=str(tmp_path / "r"), pool=str(fixture), preset="gsm8k")
    pool = load_pool(config.pool, preset=config.preset)
    assert len(pool) > 0 and all("####" not in a for a in pool["answer"])
    with pytest.raises(ValueError, match="--preset gsm8k"):
        load_pool(config.pool)


# -- eval: prompts and ks -----------------------------------------------------------------------------
@pytest.mark.parametrize("template, message", [
    ("Solve it.", "has no {problem} field"),
    ("Q: {question}", "uses {question}"),
    ("{problem} {", "not a valid template"),
    ("{problem.__class__}", "uses {problem.__class__}"),
])
def test_eval_refuses_a_prompt_template_that_does_not_fill_in_the_problem(template, message, tmp_path, capsys):
    (tmp_path / "m").mkdir()  # a model folder (its files are read only after these checks)
    argv = ["eval", "--model", str(tmp_path / "m"), "--set", "arith", "--out", str(tmp_path / "o"),
            "--prompt-template", template]
    assert main(argv) == 2
    assert message in _error(capsys)


def test_eval_refuses_ks_above_the_samples_it_will_draw(tmp_path, capsys):
    (tmp_path / "m").mkdir()
    argv = ["eval", "--model", str(tmp_path / "m"), "--set", "arith", "--out", str(tmp_path / "o"),
            "-k", "4", "--ks", "1,8"]
    assert main(argv) == 2
    assert "raise -k to 8" in _error(capsys)


@pytest.mark.parametrize("ks", ["1,,2", "1,2,", "", "0,1", "a"])
def test_eval_refuses_a_ks_list_with_an_empty_or_bad_entry(ks, tmp_path, capsys):
    (tmp_path / "m").mkdir()
    argv = ["eval", "--model", str(tmp_path / "m"), "--set", "arith", "--out", str(tmp_path / "o"), "--ks", ks]
    assert main(argv) == 2
    assert "--ks must be comma-separated whole numbers >= 1" in _error(capsys)


def _generations(tmp_path, per_problem: int):
    from data import build_pool

    pool = build_pool(6, seed=0, kind="arith")
    pool_path = tmp_path / "set.jsonl"
    pool.to_json(str(pool_path))
    gens = tmp_path / "g.jsonl"
    gens.write_text("".join(json.dumps({"problem_id": pid, "completion": f"\\boxed{{{ans}}}"}) + "\n"
                            for pid, ans in zip(pool["id"], pool["answer"], strict=True) for _ in range(per_problem)))
    return pool_path, gens


def test_eval_says_which_ks_it_left_out(tmp_path, capsys):
    pool_path, gens = _generations(tmp_path, 2)
    argv = ["eval", "--generations", str(gens), "--set", str(pool_path), "--out", str(tmp_path / "o"),
            "--ks", "1,2,4", "--no-progress", "--workers", "1"]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "--ks 4 left out" in err and "the fewest here is 2" in err
    assert json.loads((tmp_path / "o" / "metrics.json").read_text())["ks"] == [1, 2]


def test_eval_with_every_k_too_large_is_an_error_not_an_empty_report(tmp_path, capsys):
    pool_path, gens = _generations(tmp_path, 2)
    argv = ["eval", "--generations", str(gens), "--set", str(pool_path), "--out", str(tmp_path / "o"),
            "--ks", "4,8", "--no-progress", "--workers", "1"]
    assert main(argv) == 2
    assert "every value is above 2" in _error(capsys)


@pytest.mark.parametrize("ks", ["0,1", "a,b", ","])
def test_eval_ks_must_be_whole_numbers_of_at_least_one(ks, tmp_path, capsys):
    argv = ["eval", "--generations", "g.jsonl", "--set", "arith", "--out", str(tmp_path / "o"), "--ks", ks]
    assert main(argv) == 2
    assert "--ks must be comma-separated whole numbers >= 1" in _error(capsys)


# -- check ---------------------------------------------------------------------------------------------
def test_check_refuses_a_gold_letter_that_choices_do_not_have(capsys):
    assert main(["check", "C", "The answer is C", "--choices", "1,2"]) == 2
    assert "names choice C, but --choices lists only A-B" in _error(capsys)
    assert main(["check", "B", "The answer is B", "--choices", "1,2"]) == 0


# -- pools: empty, undecodable, without skill or level --------------------------------------------------
def test_an_empty_pool_is_refused(tmp_path, capsys):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    assert main(["pool", "validate", str(empty)]) == 2
    assert "the pool is empty" in _error(capsys)


def test_a_pool_whose_rows_are_all_invalid_is_refused_with_skip_invalid(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "a", "problem": "x", "answer": ""}) + "\n")
    assert main(["pool", "validate", str(bad), "--skip-invalid"]) == 2
    assert "every row is invalid" in _error(capsys)


def test_a_pool_whose_columns_have_other_names_is_told_its_columns_and_how_to_map_them(tmp_path, capsys):
    other = tmp_path / "qf.jsonl"
    other.write_text("".join(json.dumps({"question": f"{i}+1?", "final": str(i + 1)}) + "\n" for i in range(3)))
    assert main(["pool", "validate", str(other)]) == 2
    err = _error(capsys)
    assert "no row has 'answer' under the generic layout; its columns are ['final', 'question']" in err
    assert "--preset NAME" in err and "columns={" in err


@pytest.mark.parametrize("name, content, line", [
    ("bad.jsonl", b'{"id": "a", "problem": "1+1", "answer": "2"}\n{"id": "b", "problem": "\xff", "answer": "1"}\n', 2),
    ("bad.csv", b"id,problem,answer\na,x,1\nb,\xe9,2\n", 3),
    ("bad.json", b'[{"id": "a",\n "problem": "\xe9", "answer": "1"}]', 2),
])
def test_a_file_that_is_not_utf8_names_the_file_and_line(name, content, line, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["pool", "validate", str(path)]) == 2
    assert f"{path}: line {line} is not UTF-8 text" in _error(capsys)


def test_pool_show_says_when_there_is_no_skill_or_level(tmp_path, capsys):
    path = tmp_path / "plain.jsonl"
    path.write_text("".join(json.dumps({"id": f"p{i}", "problem": f"{i}+1", "answer": str(i + 1)}) + "\n"
                            for i in range(3)))
    assert main(["pool", "show", str(path)]) == 0
    out = capsys.readouterr().out
    assert "no problem has a skill" in out and "no problem has a level" in out
    assert "None" not in out and "(no skill)" in out and "no level" in out


# -- reasoning steps -----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, steps", [
    ("Step 1: add. Step 2: multiply. Step 8: done.", 3),   # was 1: markers counted only at line starts
    ("**Step 1:** a = 2. **Step 2:** b = 3.", 2),
    ("Step 1: a\nStep 2: b (see step 1).", 2),            # a reference to a step is not a step
    ("as in step 2 we did. Then done.", 2),               # prose: its sentences
])
def test_step_markers_inside_one_line_are_counted(text, steps):
    assert count_steps(text) == steps


# -- status --------------------------------------------------------------------------------------------
def test_status_prints_times_as_dates_not_epochs():
    from sai_dpo._service_cli import _status_value

    now = 1_800_000_000.0
    assert _status_value("started_at", now - 300, now) == "2027-01-15 07:55:00 UTC (5 min ago)"
    snap = _status_value("last_snapshot", {"seq": 3, "time": now - 7200}, now)
    assert snap == "seq=3, time=2027-01-15 06:00:00 UTC (2.0 h ago)"
    assert _status_value("degraded", None, now) == "-"


# -- one name per idea, help on every flag ----------------------------------------------------------
def _subparsers(parser, path=()):
    import argparse

    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _subparsers(sub, (*path, name))


def test_every_flag_of_every_command_has_help_text():
    import argparse

    from sai_dpo.cli import build_parser

    missing = [f"sai-dpo {' '.join(path)} {action.option_strings[0]}"
               for path, parser in _subparsers(build_parser()) for action in parser._actions
               if action.option_strings and action.help is None]
    assert missing == [], missing
    assert all(isinstance(a.help, str) or a.help == argparse.SUPPRESS
               for _, p in _subparsers(build_parser()) for a in p._actions if a.option_strings)


def test_output_folders_are_out_and_pools_are_pool_paths_everywhere():
    """`--out` names every output folder; `--pool` is always a path (sizes are `--pool-size`)."""
    from sai_dpo.cli import build_parser

    flags = {" ".join(path): {s for a in parser._actions for s in a.option_strings}
             for path, parser in _subparsers(build_parser())}
    for command in ("pool build", "pool cluster", "eval", "report", "demo", "train dpo", "bench select",
                    "bench grpo"):
        assert "--out" in flags[command], command
    for command in ("pool build", "demo", "train dpo", "bench select", "bench grpo"):
        assert "--pool-size" in flags[command], command
    for command in ("eval", "train dpo"):
        assert {"-k", "--k"} <= flags[command], command


@pytest.mark.parametrize("argv", [
    ["train", "dpo", "--config", "{yaml}"],
    ["bench", "grpo", "--config", "{yaml}"],
])
@pytest.mark.parametrize("content, message", [
    (b"iterations: [1\n", "not valid YAML at line 2"),   # was a PyYAML traceback for train dpo
    (b"\xff\xfe", "line 1 is not UTF-8 text"),            # was a decode error naming no file
])
def test_config_files_that_do_not_read_name_the_file_and_line(argv, content, message, tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    assert main([a.replace("{yaml}", str(path)) for a in argv]) == 2
    line = _error(capsys)
    assert str(path) in line and message in line, line


@pytest.mark.parametrize("name", ["g.jsonl", "g.json"])
def test_a_generations_file_that_is_not_utf8_names_the_file(name, tmp_path, capsys):
    path = tmp_path / name
    path.write_bytes(b'\xff[{"problem_id": "p"}]\n')
    assert main(["eval", "--generations", str(path), "--set", "arith", "--out", str(tmp_path / "o")]) == 2
    assert f"{path}: line 1 is not UTF-8 text" in _error(capsys)


def test_compare_refuses_evals_of_different_problems_and_an_output_over_an_input(tmp_path, capsys):
    """A newcomer compared a 20-problem eval with its first 10 problems (same completions) and got
    non-zero differences; `--compare A B --out A` replaced A's own report. Both are refused now."""
    pool_path, gens = _generations(tmp_path, 2)
    half = tmp_path / "half.jsonl"
    half.write_text("".join(gens.read_text().splitlines(keepends=True)[:6]))  # 3 of the 6 problems
    common = ["--set", str(pool_path), "--no-progress", "--workers", "1"]
    assert main(["eval", "--generations", str(gens), "--out", str(tmp_path / "a"), *common]) == 0
    assert main(["eval", "--generations", str(half), "--out", str(tmp_path / "h"), *common]) == 0
    capsys.readouterr()
    assert main(["eval", "--compare", str(tmp_path / "a"), str(tmp_path / "h"), "--out", str(tmp_path / "c")]) == 2
    assert "scored different problems (6 and 3 problems, 3 in both)" in _error(capsys)
    before = (tmp_path / "a" / "report.md").read_text()
    shutil.copytree(tmp_path / "a", tmp_path / "a2")  # one folder twice is refused on its own
    assert main(["eval", "--compare", str(tmp_path / "a"), str(tmp_path / "a2"), "--out", str(tmp_path / "a")]) == 2
    assert "is one of the evals being compared" in _error(capsys)
    assert (tmp_path / "a" / "report.md").read_text() == before


def test_pool_cluster_refuses_a_bad_output_before_work_and_says_when_skills_are_earlier_clusters(tmp_path, capsys):
    pool = tmp_path / "p.jsonl"
    assert main(["pool", "build", "--pool-size", "120", "--out", str(pool), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["pool", "cluster", "--pool", str(pool), "--out", str(tmp_path / "c.txt")]) == 2
    assert "a pool is saved as one of" in _error(capsys)  # it clustered first, then failed on the suffix
    assert main(["pool", "cluster", "--pool", str(pool), "--out", str(pool)]) == 2
    assert "is the input pool" in _error(capsys)  # it replaced the input's skills for good
    clustered = tmp_path / "c.jsonl"
    assert main(["pool", "cluster", "--pool", str(pool), "--out", str(clustered), "--no-progress"]) == 0
    assert "ARI vs true skills:" in capsys.readouterr().out
    assert main(["pool", "cluster", "--pool", str(clustered), "--no-progress"]) == 0
    out = capsys.readouterr().out  # re-clustering compared clusters with clusters and called it "true skills"
    assert "ARI vs the pool's skills (cluster labels of an earlier `pool cluster`, not true skills)" in out
    assert "vs true skills" not in out


def test_pool_show_and_validate_take_the_pool_as_a_flag_too(tmp_path, capsys):
    pool = tmp_path / "p.jsonl"
    assert main(["pool", "build", "--pool-size", "20", "--out", str(pool), "--no-progress"]) == 0
    assert main(["pool", "show", "--pool", str(pool)]) == 0 and main(["pool", "validate", str(pool)]) == 0
    assert main(["pool", "validate"]) == 2 and "name one pool" in _error(capsys)


def test_rows_without_an_id_get_a_stable_one_and_the_load_says_so(tmp_path, caplog):
    """The README said a missing id stops the load; ids were made up silently instead (generations
    keyed by the user's own ids then matched nothing). Now the load warns, naming an example."""
    import logging

    from data import load_pool

    path = tmp_path / "noid.jsonl"
    path.write_text('{"problem": "1+1", "answer": "2"}\n{"id": "b", "problem": "2+2", "answer": "4"}\n')
    with caplog.at_level(logging.WARNING, logger="data.loaders"):
        pool = load_pool(path)
    assert pool["id"][1] == "b" and pool["id"][0].startswith("noid-")
    assert load_pool(path)["id"][0] == pool["id"][0]  # stable
    assert "1 of 2 rows have no id" in caplog.text and pool["id"][0] in caplog.text


def test_a_generated_eval_set_is_named_as_not_held_out(tmp_path, capsys):
    gens = tmp_path / "g.jsonl"
    gens.write_text('{"problem_id": "digits-0-1", "completion": "3"}\n')
    assert main(["eval", "--generations", str(gens), "--set", "digits", "--out", str(tmp_path / "o"),
                 "--no-progress", "--workers", "1"]) == 0  # `--set digits` went to the model hub
    assert "builtin:digits is a generated pool" in capsys.readouterr().err


def test_a_second_command_writing_the_same_output_folder_is_refused(tmp_path, capsys):
    """Two demos into one folder interleaved their rounds; two evals mixed metrics and report. While
    one command holds a folder (here: another process holding its lock), another is refused."""
    import subprocess
    import sys

    out = tmp_path / "shared"
    out.mkdir()
    code = ("import sys, time\nfrom data._cli_args import lock_output\n"
            f"lock_output({str(out)!r})\nprint('HELD', flush=True)\ntime.sleep(60)\n")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "HELD"
        assert main(["eval", "--generations", "g.jsonl", "--set", "arith", "--out", str(out)]) == 2
        assert "is being written by another running command (pid" in _error(capsys)
    finally:
        holder.kill()
        holder.wait()


def test_generation_flags_without_a_model_are_named_not_ignored(tmp_path, capsys):
    pool_path, gens = _generations(tmp_path, 2)
    assert main(["eval", "--generations", str(gens), "--set", str(pool_path), "--out", str(tmp_path / "o"),
                 "-k", "2", "--temperature", "0", "--no-progress", "--workers", "1"]) == 0
    assert "note: -k, --temperature apply only with --model" in capsys.readouterr().err


@pytest.mark.parametrize("argv, line", [
    (["train", "dpo", "--train-size", "100000", "--pool-size", "50", "--out", "{tmp}/d"],
     "error: --train-size must be at most the pool size (50). Got 100000 instead."),
    (["bench", "grpo", "--budget", "100", "--out", "{tmp}/b"],
     "error: --budget must be a multiple of prompts_per_step * num_generations = 32. Got 100 instead."),
])
def test_errors_name_the_flag_the_user_gave_not_the_config_field(argv, line, tmp_path, capsys):
    """They said "The 'train_size' parameter of DPOLoopConfig ..." and "... of GRPOBenchConfig"."""
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    assert _error(capsys) == line


def test_pool_cluster_names_clusters_when_there_are_too_many(tmp_path, capsys):
    pool = tmp_path / "p.jsonl"
    assert main(["pool", "build", "--pool-size", "30", "--out", str(pool), "--no-progress"]) == 0
    capsys.readouterr()
    assert main(["pool", "cluster", "--pool", str(pool), "--clusters", "100"]) == 2
    assert _error(capsys).startswith("error: --clusters must be an int in [1, 30]")


def test_a_failed_command_leaves_no_empty_output_folder_and_a_finished_one_no_lock(tmp_path, capsys):
    """Failed eval, train and demo runs left empty --out folders behind."""
    out = tmp_path / "new" / "eval"
    assert main(["eval", "--generations", str(tmp_path / "missing.jsonl"), "--set", "arith", "--out", str(out)]) == 2
    assert not (tmp_path / "new").exists()
    pool_path, gens = _generations(tmp_path, 1)
    assert main(["eval", "--generations", str(gens), "--set", str(pool_path), "--out", str(out),
                 "--no-progress", "--workers", "1"]) == 0
    assert (out / "report.html").is_file() and not (out / ".sai-dpo.lock").exists()


@pytest.mark.parametrize("argv, words", [
    (["eval", "--generations", "g.jsonl", "--set", "arith", "--tokenizer", "/nonexistent", "--out", "{tmp}/o"],
     "--tokenizer /nonexistent: no such folder"),          # was "Repo id must use alphanumeric chars"
    (["eval", "--model", "{tmp}/taken", "--set", "arith", "--out", "{tmp}/o"], "no such folder"),  # a file
    (["serve", "--pool", "builtin:arith", "--name", ""], "--name and --namespace must not be empty"),  # Ray's words
    (["serve", "--pool", "builtin:arith", "--set", "min_spred=0"], "SelectionConfig has no field 'min_spred'"),
    (["serve", "--pool", "builtin:arith", "--set", "min_spread=-1"], "The 'min_spread' parameter of SelectionConfig"),
    (["serve", "--pool", "builtin:arith", "--set", "seed=1", "--seed", "2"], "also given as --seed"),
    (["serve", "--pool", "builtin:arith", "--set", "min_spread"], "--set takes FIELD=VALUE"),
    (["serve", "--pool", "builtin:arith", "--set", "tau=1", "--set", "tau=2"], "--set tau is given twice"),
])
def test_more_inputs_get_their_own_words(argv, words, tmp_path, capsys):
    (tmp_path / "taken").write_text("x")
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    assert words in _error(capsys)


def test_eval_refuses_to_overwrite_its_own_generations_file(tmp_path, capsys):
    """`eval --generations X/samples.jsonl --out X` replaced the user's generations with its verdicts."""
    pool_path, gens = _generations(tmp_path, 1)
    out = tmp_path / "X"
    out.mkdir()
    own = out / "samples.jsonl"
    own.write_bytes(gens.read_bytes())
    assert main(["eval", "--generations", str(own), "--set", str(pool_path), "--out", str(out)]) == 2
    assert "is a file this eval writes into --out" in _error(capsys)
    assert own.read_bytes() == gens.read_bytes()


def test_a_run_cut_short_mid_line_is_still_reported_and_a_broken_metrics_file_is_named(tmp_path, capsys):
    from tests.evalreport._fixtures import write_run

    write_run(tmp_path / "run")
    log = tmp_path / "run" / "rounds.jsonl"
    log.write_text(log.read_text() + '{"round": 99, "n_outc')  # a crash while the last line was written
    assert main(["report", str(tmp_path / "run"), "--out", str(tmp_path / "rep")]) == 0
    assert (tmp_path / "rep" / "report.html").is_file()
    broken = tmp_path / "ev"
    broken.mkdir()
    (broken / "metrics.json").write_text('{"set": "a\x01"}')
    shutil.copytree(broken, tmp_path / "ev2")
    assert main(["eval", "--compare", str(broken), str(tmp_path / "ev2"), "--out", str(tmp_path / "c")]) == 2
    assert f"{broken / 'metrics.json'}: not valid JSON" in _error(capsys)


# -- after a newcomer's trial of `sai-dpo eval` ------------------------------------------------------
def test_eval_refuses_a_typo_of_a_builtin_set_at_once(tmp_path, capsys):
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": "math-style-0-1", "completion": "5"}) + "\n")
    start = time.monotonic()
    assert main(["eval", "--generations", str(gens), "--set", "math_style", "--out", str(tmp_path / "o")]) == 2
    assert "did you mean 'math-style'" in _error(capsys)
    assert time.monotonic() - start < 10  # not looked up on the hub


def test_eval_refuses_a_row_with_both_completion_fields(tmp_path, capsys):
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": "math-style-0-1", "completion": "5", "completions": ["6"]}) + "\n")
    assert main(["eval", "--generations", str(gens), "--set", "math-style", "--out", str(tmp_path / "o")]) == 2
    assert "both 'completion' and 'completions'" in _error(capsys)


def test_eval_takes_skip_invalid_as_the_pool_error_says(tmp_path, capsys):
    pool = tmp_path / "pool.jsonl"
    rows = [{"id": "p1", "problem": "1+1?", "answer": "2", "skill": "s", "level": 1},
            {"id": "p2", "problem": "2+2?", "answer": "4", "skill": "s", "level": "hard"}]
    pool.write_text("".join(json.dumps(r) + "\n" for r in rows))
    gens = tmp_path / "g.jsonl"
    gens.write_text(json.dumps({"problem_id": "p1", "completion": "2"}) + "\n")
    out = tmp_path / "o"
    assert main(["eval", "--generations", str(gens), "--set", str(pool), "--out", str(out), "--no-progress"]) == 2
    assert "--skip-invalid" in _error(capsys)
    assert main(["eval", "--generations", str(gens), "--set", str(pool), "--out", str(out), "--no-progress",
                 "--skip-invalid"]) == 0
    assert json.loads((out / "metrics.json").read_text())["accuracy"] == 1.0


def test_eval_refuses_a_model_folder_without_config_json(tmp_path, capsys):
    (tmp_path / "m").mkdir()
    argv = ["eval", "--model", str(tmp_path / "m"), "--set", "arith", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    assert "has no config.json: pass a folder saved with save_pretrained" in _error(capsys)


def test_serve_sets_any_selection_field():
    """`serve` had flags for policy, seed and group size only: a service started with min_spread=0 from
    Python resumed at the default with no way to keep it."""
    import math

    from sai_dpo import SelectionConfig
    from sai_dpo._service_cli import _config
    from sai_dpo.cli import build_parser

    args = build_parser().parse_args(["serve", "--pool", "builtin:arith", "--seed", "3", "--set", "min_spread=0",
                                      "--set", "tau=inf", "--set", "thompson=true", "--set", "cell_half_life=none"])
    assert _config(args) == SelectionConfig(seed=3, min_spread=0, tau=math.inf, thompson=True, cell_half_life=None)


@pytest.mark.parametrize("argv, rc", [
    (["check", "-1/2", "\\boxed{-0.5}"], 0),
    (["check", "-\\frac{1}{2}", "-0.5", "--timeout", "3"], 0),
    (["check", "--timeout", "2", "-1/2", "\\boxed{0.5}"], 1),
    (["check", "--", "-1/2", "-0.5"], 0),
    (["check", "B", "the answer is B", "--choices", "-1,-2,-3"], 0),  # a --choices value starting with a minus
])
def test_check_takes_a_gold_or_answer_that_starts_with_a_minus_sign(argv, rc, capsys):
    """`sai-dpo check '-1/2' ...` failed with "the following arguments are required: PREDICTION"."""
    assert main(argv) == rc
    assert capsys.readouterr().out.startswith("correct" if rc == 0 else "incorrect")


def test_a_resume_note_gives_the_flags_that_keep_the_saved_values():
    from sai_dpo._service_cli import _keep_flags

    changed = ("min_spread: 0 -> 64.0; tau: 2 -> 1.0; policy: 'uniform' -> 'sai_dpo'; group_size: 4 -> 8; "
               "estimator: (not in the snapshot, which predates it) -> 'beta'")
    assert _keep_flags(changed) == "--set min_spread=0 --set tau=2 --policy uniform --group-size 4"
