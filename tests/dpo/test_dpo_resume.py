"""``sai-dpo train dpo`` killed in the middle of iteration 2 resumes without repeating or losing one."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.dpo.conftest import SMALL

ROOT = Path(__file__).resolve().parents[2]


def _cli(config: Path, *flags: str) -> list[str]:
    return [sys.executable, "-m", "sai_dpo", "train", "dpo", "--config", str(config), "--no-progress", *flags]


def test_kill_mid_iteration_then_resume(tmp_path, dpo_pool_file, dpo_policy):
    run = tmp_path / "run"
    config = tmp_path / "dpo.yaml"
    fields = {"run_dir": str(run), "pool": dpo_pool_file, "model": dpo_policy, "iterations": 2, **SMALL}
    config.write_text("".join(f"{k}: {json.dumps(v)}\n" for k, v in fields.items()))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_cli(config), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    tmp_iter = run / ".iter_001.tmp"
    deadline = time.monotonic() + 300
    try:
        while not tmp_iter.exists():  # iteration 0 is done and iteration 1 has started
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "iteration 1 never started"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the CLI and any checker worker it started
        proc.wait()
    first = (run / "iter_000" / "summary.json").read_text()
    done_mark = (run / "iter_000" / "DONE").read_text()
    assert not (run / "iter_001").exists(), "killed too late: iteration 1 had finished"
    assert tmp_iter.exists()
    assert len((run / "rounds.jsonl").read_text().splitlines()) == 1

    out = subprocess.run(_cli(config), cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    # the finished iteration is untouched, the interrupted one is redone once, nothing else runs
    assert (run / "iter_000" / "summary.json").read_text() == first
    assert (run / "iter_000" / "DONE").read_text() == done_mark
    assert (run / "iter_001" / "DONE").is_file() and not tmp_iter.exists()
    assert not (run / "iter_002").exists()
    printed = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert [p["iteration"] for p in printed] == [1]
    rounds = [json.loads(line) for line in (run / "rounds.jsonl").read_text().splitlines()]
    assert [r["round"] for r in rounds] == [0, 1]
    meta = json.loads((run / "run.json").read_text())
    assert len(meta["resumed_at"]) == 1 and meta["iterations_done"] == 2

    # A resumed run repeats what an uninterrupted one does: iteration 1's probe is keyed by (seed, round).
    again = subprocess.run(_cli(config, "--run-dir", str(tmp_path / "straight")), cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    resumed = json.loads((run / "iter_001" / "summary.json").read_text())
    straight = json.loads((tmp_path / "straight" / "iter_001" / "summary.json").read_text())
    assert resumed["probed"] == straight["probed"] and resumed["selected"] == straight["selected"]
