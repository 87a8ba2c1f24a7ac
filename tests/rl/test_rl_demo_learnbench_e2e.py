"""End to end on tiny sizes: the demo keeps the warm start apart and saves the trained policy; one
benchmark seed warm-starts once and every policy trains from that same start to the same budget."""

from __future__ import annotations

import json

import pytest
from safetensors.torch import load_file


def _weights(folder):
    return load_file(str(folder / "model.safetensors"))


def _changed(a, b) -> bool:
    return any(not (a[k] == b[k]).all() for k in a)


@pytest.mark.slow
def test_demo_saves_trained_policy_apart_from_warm_start(tmp_path):
    from rl.demo import DemoConfig, run_demo

    out = tmp_path / "demo"
    result = run_demo(DemoConfig(steps=4, pool_size=120, warm_start_steps=20, backend="engine", out=str(out),
                                 heldout_per_cell=1, eval_k=2, progress=False))
    assert result["policy_dir"] == out / "policy" and result["warm_start_dir"] == out / "warm_start"
    # GRPO changed the weights it saved; the warm start on disk is left as it was.
    assert _changed(_weights(out / "policy"), _weights(out / "warm_start"))
    before, after = result["heldout"]["before"], result["heldout"]["after"]
    assert before["n_problems"] == after["n_problems"] == 20  # 4 skills x 5 levels x 1
    for figures in (before, after):
        assert 0.0 <= figures["greedy"] <= 1.0 and 0.0 <= figures["pass1"] <= 1.0
    run = json.loads((out / "run.json").read_text())
    assert run["heldout_before"] == before and run["heldout_after"] == after
    html = result["report_html"].read_text()
    assert "Held-out accuracy" in html and "after GRPO" in html
    assert "heldout_before" not in html  # its own table, not repeated as raw JSON in the run table
    assert "held-out accuracy" in result["headline"][0]
    assert not any("tracker estimate" in line for line in result["headline"])
    # The saved held-out set is what `sai-dpo eval --model ... --set` reads.
    from data import load_pool

    assert len(load_pool(str(result["heldout_file"]))) == 20


@pytest.mark.slow
def test_bench_seed_shares_one_warm_start_and_one_budget(tmp_path):
    from rl.learnbench import GRPOBenchConfig, prepare_seed, run_policy

    config = GRPOBenchConfig(seeds=1, policies=("uniform", "dapo"), pool_size=120, heldout_per_cell=1,
                             warm_start_steps=20, budget=64, prompts_per_step=2, num_generations=4, eval_every=32,
                             eval_k=2, dapo_oversample=2, workers=1, out=str(tmp_path / "bench"), progress=False)
    warm = prepare_seed(config, 0)
    warm_dir = tmp_path / "bench" / "seed-0" / "warm"
    before = _weights(warm_dir)
    uniform = run_policy(config, 0, "uniform")
    dapo = run_policy(config, 0, "dapo")
    assert not _changed(before, _weights(warm_dir))  # runs read the warm start, never write it
    for run in (uniform, dapo):
        # Every run starts from the seed's warm-start figures and stops once the budget is spent.
        assert run["curve"][0] == {"rollouts": 0, "step": 0, **{k: warm["start"][k] for k in ("greedy", "pass1")}}
        assert run["rollouts"] >= config.budget and run["curve"][-1]["rollouts"] == run["rollouts"]
        assert [p["rollouts"] for p in run["curve"]] == sorted(p["rollouts"] for p in run["curve"])
        assert (tmp_path / "bench" / "seed-0" / "policies" / run["policy"] / "model.safetensors").is_file()
    assert uniform["rollouts"] == config.budget and uniform["steps"] == 64 // (2 * 4)
    # DAPO pays for what it drops and stops generating once the budget is spent: it ends exactly on the
    # budget (chunks of B*G divide it), in as many optimizer steps as uniform or fewer.
    assert dapo["rollouts"] == config.budget and dapo["curve"][-1]["rollouts"] == config.budget
    assert dapo["steps"] <= uniform["steps"]
    assert sum(uniform["draw_level_share"].values()) == pytest.approx(1.0)
    # Levels and distinct problems count what was generated for: B groups per uniform step.
    assert uniform["distinct_drawn"] <= uniform["steps"] * 2


def test_a_new_demo_run_removes_the_previous_runs_outputs(tmp_path, caplog):
    """A new service would restore OUT/service (the old tracker): every output of an earlier run goes,
    with a warning; files the demo never writes stay."""
    from rl.demo import _MARKER, _RUN_OUTPUTS, _clear_previous_run

    out = tmp_path / "demo"
    (out / "service").mkdir(parents=True)
    (out / _MARKER).write_text("")
    (out / "service" / "snapshot-000001.bin").write_bytes(b"old tracker")
    (out / "policy").mkdir()
    (out / "rounds.jsonl").write_text("{}\n")
    (out / "notes.txt").write_text("mine")
    with caplog.at_level("WARNING"):
        _clear_previous_run(out)
    assert not any((out / name).exists() for name in _RUN_OUTPUTS)
    assert (out / "notes.txt").read_text() == "mine"
    assert "starting fresh" in caplog.text and "service" in caplog.text
    caplog.clear()
    _clear_previous_run(tmp_path / "never-used")  # nothing there: nothing said
    assert caplog.text == ""


def test_the_demo_never_clears_a_folder_it_did_not_write(tmp_path):
    from rl.demo import _clear_previous_run
    from sai_dpo.errors import InvalidInputError

    (tmp_path / "policy").mkdir()
    (tmp_path / "policy" / "model.safetensors").write_bytes(b"someone else's model")
    with pytest.raises(InvalidInputError, match="not written by a demo run.*--out"):
        _clear_previous_run(tmp_path)
    assert (tmp_path / "policy" / "model.safetensors").read_bytes() == b"someone else's model"


@pytest.mark.parametrize(("field", "value"), [("seed", -1), ("seed", 2**32), ("warm_start_steps", -3),
                                              ("heldout_per_cell", 0), ("eval_k", True)])
def test_demo_config_rejects_bad_values_before_any_work(field, value):
    from rl.demo import DemoConfig

    with pytest.raises(ValueError, match=f"'{field}' parameter of DemoConfig"):
        DemoConfig(**{field: value})


def test_bench_config_needs_whole_steps_between_evaluations():
    from rl.learnbench import GRPOBenchConfig

    with pytest.raises(ValueError, match="'eval_every' parameter of GRPOBenchConfig must be a multiple of .* = 32"):
        GRPOBenchConfig(eval_every=100)
    with pytest.raises(ValueError, match="'first_seed'"):
        GRPOBenchConfig(first_seed=2**32 - 2, seeds=5)
