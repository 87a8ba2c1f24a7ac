"""DPOLoopConfig: YAML + flags, and clear errors before any work starts."""

import subprocess
import sys
from pathlib import Path

import pytest

from rl.dpo_config import DPOLoopConfig, load_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("field, value, message", [
    ("k", 1, "The 'k' parameter of DPOLoopConfig must be an int >= 2"),
    ("iterations", 0, "The 'iterations' parameter of DPOLoopConfig must be a positive int"),
    ("policy", "greedy", "The 'policy' parameter of SelectionConfig must be one of"),
    ("pool", "/no/such/pool.jsonl", "The 'pool' parameter of DPOLoopConfig must be an existing pool file"),
    ("model", "/no/such/model", "The 'model' parameter of DPOLoopConfig must be a folder"),
    ("chosen_rule", "longest", "The 'chosen_rule' parameter of DPOLoopConfig must be one of"),
    ("probe_size", 0, "The 'probe_size' parameter of DPOLoopConfig must be a positive int"),
    ("temperature", 0.0, "The 'temperature' parameter of DPOLoopConfig must be a positive finite number"),
    ("prompt_template", "Solve it", "must be a string containing '{problem}'"),
    ("selection", {"seed": 3}, "The 'selection' parameter of DPOLoopConfig must be free of 'seed'"),
    ("selection", {"tau": -1.0}, "The 'tau' parameter of SelectionConfig"),
    ("selection", {"taux": 1.0}, "unknown: taux"),
    ("backend", "vllm", "The 'backend' parameter of DPOLoopConfig must be one of"),
])
def test_bad_values_raise_with_house_wording(field, value, message):
    with pytest.raises(ValueError) as err:
        DPOLoopConfig(**{field: value})
    assert message in str(err.value)
    assert f"Got {value!r} instead" in str(err.value) or field == "selection"


def test_yaml_then_flags(tmp_path):
    path = tmp_path / "dpo.yaml"
    path.write_text("k: 4\niterations: 5\npolicy: uniform\nselection:\n  tau: 0.5\n")
    cfg = load_config(path, {"iterations": 2, "policy": None})
    assert (cfg.k, cfg.iterations, cfg.policy) == (4, 2, "uniform")  # None flags do not override
    assert cfg.selection_config().tau == 0.5 and cfg.selection_config().group_size == 4


def test_yaml_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_config(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("kk: 4\n")
    with pytest.raises(ValueError, match=r"Unknown DPO config field\(s\) \['kk'\]"):
        load_config(bad)
    bad.write_text("- 1\n- 2\n")
    with pytest.raises(ValueError, match="must hold a mapping"):
        load_config(bad)


def test_cli_rejects_bad_config_before_any_work(tmp_path):
    """The CLI exits with status 2 and the message, and creates no run folder."""
    run = tmp_path / "run"
    cfg = tmp_path / "dpo.yaml"
    cfg.write_text(f"run_dir: {run}\nk: 1\n")
    out = subprocess.run([sys.executable, "-m", "sai_dpo", "train", "dpo", "--config", str(cfg)],
                         capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2
    assert "The 'k' parameter of DPOLoopConfig must be an int >= 2" in out.stderr
    assert not run.exists()
    out = subprocess.run([sys.executable, "-m", "sai_dpo", "train", "dpo", "--run-dir", str(run),
                          "--iterations", "-3"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 2 and "argument --iterations: must be at least 1" in out.stderr and not run.exists()


def test_shipped_example_config_is_valid():
    cfg = load_config(ROOT / "rl" / "configs" / "dpo_arith.yaml")
    assert cfg.policy == "sai_dpo" and cfg.k == 8 and cfg.model is None
