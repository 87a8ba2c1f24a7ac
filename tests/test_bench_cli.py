"""`sai-dpo bench select` / `bench grpo`: every bad flag is one line and exit 2, before any work.

Each test passes arguments that would start a (long) benchmark if the check were missing, plus
``--scenarios``/``--out`` values that make such a miss fail fast instead of running for minutes.
"""

from __future__ import annotations

import argparse
import re

import pytest

from sai_dpo.cli import build_parser, main

TINY = ["--rounds", "2", "--pool-size", "50", "--batch-size", "8", "--seeds", "1", "--scenarios", "balanced",
        "--workers", "1", "--no-progress"]


def _bench_parser(name: str) -> argparse.ArgumentParser:
    def sub(parser, command):
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return action.choices[command]

    return sub(sub(build_parser(), "bench"), name)


def _fails(capsys, argv: list[str]) -> str:
    """Run the CLI, expect exit code 2 with no traceback; return the last line of stderr."""
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse's own errors
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2, err
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


# -- integer flags: 0 and negatives are argparse errors, not "use the default" ---------------------
@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--seeds", "0", "must be at least 1, got 0"),
    ("--rounds", "0", "must be at least 1, got 0"),
    ("--pool-size", "0", "must be at least 1, got 0"),
    ("--batch-size", "0", "must be at least 1, got 0"),
    ("--seeds", "-2", "must be at least 1, got -2"),
    ("--workers", "3", "must be at most 2, got 3"),
    ("--workers", "0", "must be at least 1, got 0"),
    ("--first-seed", "-1", "must be at least 0, got -1"),
])
def test_select_rejects_out_of_range_integers(capsys, tmp_path, flag, value, message):
    line = _fails(capsys, ["bench", "select", "--out", str(tmp_path / "o"), "--scenarios", "nope", flag, value])
    assert line == f"sai-dpo bench select: error: argument {flag}: {message}"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize(("flag", "value", "message"), [
    ("--seeds", "0", "must be at least 1, got 0"),
    ("--budget", "0", "must be at least 1, got 0"),
    ("--eval-every", "-32", "must be at least 1, got -32"),
    ("--pool-size", "0", "must be at least 1, got 0"),
    ("--warm-start-steps", "0", "must be at least 1, got 0"),
    ("--workers", "0", "must be at least 1, got 0"),
    ("--first-seed", "-1", "must be at least 0, got -1"),
    ("--lr", "0", "must be above 0 and below 1, got 0"),
    ("--lr", "1.5", "must be above 0 and below 1, got 1.5"),
    ("--lr", "fast", "expected a number, got 'fast'"),
])
def test_grpo_rejects_out_of_range_numbers(capsys, tmp_path, flag, value, message):
    line = _fails(capsys, ["bench", "grpo", "--out", str(tmp_path / "o"), flag, value])
    shown = "--learning-rate/--lr" if flag == "--lr" else flag  # argparse names a flag by all its names
    assert line == f"sai-dpo bench grpo: error: argument {shown}: {message}"


# -- one name per idea: the pool size is --pool-size; --pool N still works, with a warning ---------
@pytest.mark.parametrize("command", ["select", "grpo"])
def test_pool_size_flag_and_its_old_name(capsys, command):
    parser = _bench_parser(command)
    assert parser.parse_args(["--pool-size", "50"]).pool_size == 50
    assert capsys.readouterr().err == ""
    assert parser.parse_args(["--pool", "60"]).pool_size == 60
    assert "--pool N is now --pool-size N" in capsys.readouterr().err
    assert "--pool " not in parser.format_help() and "--pool-size N" in parser.format_help()


@pytest.mark.parametrize("command", ["select", "grpo"])
def test_old_pool_flag_with_a_file_names_pool_size(capsys, command):
    line = _fails(capsys, ["bench", command, "--pool", "pool.jsonl"])
    assert "argument --pool: expected a whole number, got 'pool.jsonl'" in line
    assert "old name of --pool-size N" in line


@pytest.mark.parametrize("command", ["select", "grpo"])
def test_every_flag_has_help(command):
    for action in _bench_parser(command)._actions:
        if action.help != argparse.SUPPRESS:
            assert action.help, action.option_strings


def test_help_lists_the_real_scenarios_and_policies():
    from eval._bench_cli import POLICY_NAMES, SCENARIO_NAMES
    from eval.simbench import SCENARIOS
    from eval.simbench.peers import ENGINE_POLICIES, PEER_POLICIES

    assert SCENARIO_NAMES == tuple(SCENARIOS)
    assert set(POLICY_NAMES) == set(ENGINE_POLICIES + PEER_POLICIES)


# -- --policies: checked in this process, errors quote the flag's own syntax ------------------------
def test_select_policies_help_example_runs(capsys, tmp_path):
    """The exact example in --policies' help (it used to be rejected: tau=0 is not a valid tau)."""
    help_text = next(a.help for a in _bench_parser("select")._actions if a.dest == "policies")
    example = re.search(r"e\.g\. '([^']+)'", help_text).group(1)
    assert main(["bench", "select", "--policies", example, "--out", str(tmp_path), *TINY]) == 0
    assert (tmp_path / "report.md").is_file()
    report = (tmp_path / "report.md").read_text()
    assert "sai_dpo:tau=inf" in report and "uniform" in report


@pytest.mark.parametrize(("policies", "expected"), [
    ("sai_dpo;nosuchfield=1", "--policies 'sai_dpo;nosuchfield=1': policy 'sai_dpo' has no field 'nosuchfield'; "
                              "valid fields: ability_drift, "),
    ("uniform,sai_dpo;seed=3", "has no field 'seed' (policy, group_size and seed are set by the benchmark)"),
    ("informed;bogus=1", "policy 'informed' has no field 'bogus'; valid fields: sharpness"),
    ("oracle;x=1", "policy 'oracle' has no field 'x'; valid fields: none (it takes no overrides)"),
    ("sai_dpo;tau=0", "--policies 'sai_dpo;tau=0': The 'tau' parameter of SelectionConfig must be a positive"),
    ("informed;sharpness=-1", "'sharpness' parameter of InformedSelector must be a positive finite number"),
    ("sai_dpo;tau", "--policies 'sai_dpo;tau': override 'tau' must look like key=value; write NAME or "
                    "NAME;field=value;..., policies separated by commas, e.g. 'sai_dpo;tau=inf,uniform'"),
    ("sai_dpo:tau=0.5", "unknown policy 'sai_dpo:tau=0.5'; known: sai_dpo, uniform, curriculum, learnability, "
                        "prioritized, dapo, oracle, informed, mopps, gps; write NAME or NAME;field=value;..."),
    ("random", "--policies 'random': unknown policy 'random'; known: sai_dpo,"),
    (",", "--policies ',' names no policy"),
    ("uniform,sai_dpo,uniform", "--policies names 'uniform' twice"),
    ("sai_dpo;min_spread=0;min_spread=64", "override 'min_spread' is given twice; give it once"),  # the last won
])
def test_select_bad_policies_are_one_line_before_any_work(capsys, tmp_path, policies, expected):
    out = tmp_path / "o"
    line = _fails(capsys, ["bench", "select", "--policies", policies, "--out", str(out), *TINY])
    assert line.startswith("error: --policies ") and expected in line
    assert not out.exists()


def test_select_informed_needs_the_irt_learner(capsys, tmp_path):
    line = _fails(capsys, ["bench", "select", "--dynamics", "mirt", "--policies", "uniform,informed",
                           "--out", str(tmp_path / "o"), *TINY])
    assert line.startswith("error: --policies 'informed': the informed peer reads learner internals")
    assert "--dynamics mirt" in line


@pytest.mark.parametrize(("policies", "expected"), [
    ("sai_dpo;nosuchfield=1", "has 'sai_dpo;nosuchfield=1': policy 'sai_dpo' has no field 'nosuchfield'; "
                              "valid fields: ability_drift, "),
    ("sai_dpo+dapo;tau=0", "The 'tau' parameter of SelectionConfig must be a positive number"),
    ("sai_dpo;tau", "override 'tau' must look like key=value. Overrides are ';field=value' after the name"),
    (",", "--policies ',' names no policy"),
])
def test_grpo_bad_policies_are_one_line_before_any_work(capsys, tmp_path, policies, expected):
    """A bad value used to pass the config and fail in a worker after the warm start (here: on --out)."""
    busy = tmp_path / "file"
    busy.write_text("")
    line = _fails(capsys, ["bench", "grpo", "--policies", policies, "--out", str(busy)])
    assert line.startswith("error: --policies") and expected in line


# -- --learner, --scenarios and sizes name their flag -----------------------------------------------
@pytest.mark.parametrize(("learner", "expected"), [
    ("forgetting", "--learner 'forgetting': override 'forgetting' must look like key=value; write "
                   "'field=value;...', e.g. 'memorization=0;forgetting=0.03'; LearnerConfig fields: ability_start,"),
    ("nosuch=1", "--learner 'nosuch=1': unknown LearnerConfig field(s) 'nosuch' (--dynamics irt); known: "),
    ("forgetting=abc", "--learner 'forgetting=abc': expected numbers, got forgetting=abc"),
    ("forgetting=-1", "--learner 'forgetting=-1': The 'forgetting' parameter of LearnerConfig must be"),
])
def test_select_bad_learner_names_the_flag(capsys, tmp_path, learner, expected):
    line = _fails(capsys, ["bench", "select", "--learner", learner, "--out", str(tmp_path / "o"), *TINY])
    assert line.startswith("error: ") and expected in line


def test_select_learner_of_the_other_family_names_its_fields(capsys, tmp_path):
    line = _fails(capsys, ["bench", "select", "--dynamics", "mirt", "--learner", "memorization=0",
                           "--out", str(tmp_path / "o"), *TINY])
    assert "--learner 'memorization=0': unknown MirtConfig field(s) 'memorization' (--dynamics mirt)" in line


@pytest.mark.parametrize(("scenarios", "expected"), [
    ("nope", "--scenarios 'nope': unknown 'nope'; known: balanced, skewed,"),
    (",", "--scenarios ',': names no scenario; known: balanced,"),
])
def test_select_bad_scenarios_name_the_flag(capsys, tmp_path, scenarios, expected):
    line = _fails(capsys, ["bench", "select", "--scenarios", scenarios, "--out", str(tmp_path / "o")])
    assert line.startswith("error: ") and expected in line


def test_select_batch_larger_than_pool_names_both_flags(capsys, tmp_path):
    line = _fails(capsys, ["bench", "select", "--batch-size", "900", "--pool-size", "800", "--scenarios", "balanced",
                           "--out", str(tmp_path / "o")])
    assert line == ("error: --batch-size 900 is larger than --pool-size 800: a round draws that many distinct "
                    "problems from the pool")


# -- --out that is a file: one line, before any work ------------------------------------------------
@pytest.mark.parametrize("command", [["bench", "select", *TINY], ["bench", "grpo"]])
def test_out_that_is_a_file_is_one_line(capsys, tmp_path, command):
    busy = tmp_path / "report"
    busy.write_text("")
    line = _fails(capsys, [*command, "--out", str(busy)])
    assert line == f"error: --out {busy} is an existing file, not a folder; pass a folder (new or existing)"


@pytest.mark.parametrize("argv", [["--seconds", "3"], ["--seconds", "nan"], ["--rows", "0"], ["--pool", "10"]])
def test_service_load_bench_refuses_settings_it_cannot_measure(argv, capsys):
    """A newcomer's --seconds -1 ended in an IndexError from np.percentile (no draw was timed)."""
    from eval.bench.service_load import main

    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2 and "must be >=" in capsys.readouterr().err
