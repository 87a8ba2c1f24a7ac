"""The run folder: atomic iterations, resume point, rebuilt run log, config checks on resume."""

import json

import numpy as np
import pytest

from rl._dpo_run import RunDir


def _commit(run: RunDir, t: int) -> None:
    tmp = run.begin(t)
    (tmp / "payload").write_text(str(t))
    run.commit(t, tmp, {"round_record": {"round": t}})


def test_iterations_commit_atomically_and_resume_point_has_no_gaps(tmp_path):
    run = RunDir(tmp_path / "run")
    run.start({"k": 4}, {"policy": "uniform"})
    assert run.finished() == []
    _commit(run, 0)
    _commit(run, 1)
    stale = run.begin(2)  # a killed iteration leaves its tmp folder behind
    (stale / "half").write_text("x")
    assert run.finished() == [0, 1] and not run.iter_dir(2).exists()
    again = run.begin(2)  # the rerun starts it afresh
    assert not (again / "half").exists()
    _commit(run, 3)  # iteration 3 without 2 is not part of the history
    assert run.finished() == [0, 1]


def test_rounds_log_is_rebuilt_from_finished_iterations(tmp_path):
    run = RunDir(tmp_path / "run")
    run.start({"k": 4}, {})
    _commit(run, 0)
    _commit(run, 1)
    log = tmp_path / "run" / "rounds.jsonl"
    log.write_text(log.read_text() + json.dumps({"round": 1}) + "\n")  # a duplicate from a crash
    run.rebuild_rounds()
    assert [json.loads(line)["round"] for line in log.read_text().splitlines()] == [0, 1]


def test_resume_with_another_config_is_refused(tmp_path):
    run = RunDir(tmp_path / "run")
    run.start({"k": 4, "iterations": 2}, {})
    run.start({"k": 4, "iterations": 5}, {})  # more iterations: a resume
    with pytest.raises(ValueError, match=r"different config \(k: run has 4, now 8\)"):  # the values, not only the name
        run.start({"k": 8, "iterations": 5}, {})
    assert len(json.loads((tmp_path / "run" / "run.json").read_text())["resumed_at"]) == 1


def test_a_folder_of_another_command_is_not_taken_for_a_dpo_run(tmp_path):
    """A demo folder listed 27 'differing' fields; it is named as not a DPO run instead."""
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "run.json").write_text(json.dumps({"config": {"steps": 300, "pool_size": 2000}}))
    with pytest.raises(ValueError, match="not an iterative DPO run's"):
        RunDir(tmp_path / "run").start({"k": 8, "iterations": 2}, {})


def test_engine_state_round_trips_as_npz(tmp_path):
    from sai_dpo import SelectionConfig, SelectionEngine

    engine = SelectionEngine(["a", "b", "a"], [1, 2, 3], SelectionConfig(seed=0))
    idx = engine.draw(2, round=0)
    engine.report(np.repeat(idx, 2), [1, 0, 1, 1], round=0)
    RunDir.save_state(tmp_path / "s.npz", engine.state_dict())
    other = SelectionEngine(["a", "b", "a"], [1, 2, 3], SelectionConfig(seed=0))
    other.load_state_dict(RunDir.load_state(tmp_path / "s.npz"))
    keys = ("skill_accuracy", "n_outcomes", "informative_share", "global_accuracy")
    assert {k: other.summary()[k] for k in keys} == {k: engine.summary()[k] for k in keys}
    assert other.draw(2, round=1).tolist() == engine.draw(2, round=1).tolist()
