"""Adaptive GRPO against the real Ray selection service: keyed draws agree across ranks, every
completion's outcome reaches the service, snapshots on save."""

import shutil
import tempfile
import time

import numpy as np
import pytest
import ray
from trl import GRPOConfig

from data import build_pool
from rl.callbacks import SelectionCallback
from rl.grpo import AdaptiveGRPOTrainer, AdaptiveRepeatSampler
from rl.reporting import Selection
from rl.rewards import correctness_reward
from rl.sources import ServiceSource, UniformSource
from rl.tiny import build_tiny_policy, format_prompt
from sai_dpo import SelectionConfig
from sai_dpo.service import launch

NS = "sai_dpo_test_rl"
G, B = 4, 2


@pytest.fixture(scope="module")
def cluster():
    tmp = tempfile.mkdtemp(prefix="rl", dir="/tmp")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=tmp, namespace=NS, log_to_driver=False)
    yield
    ray.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def pool():
    return build_pool(120, seed=0, kind="arith")


@pytest.fixture(scope="module")
def client(cluster, pool, tmp_path_factory):
    c = launch(pool, SelectionConfig(group_size=G, seed=0), name="rl-svc", namespace=NS,
               checkpoint_dir=tmp_path_factory.mktemp("ckpt"), flush_interval=0.02, draw_timeout=60)
    yield c
    c.close()


def _dataset(pool):
    # Reverse the row order so that dataset rows differ from pool indices: ids must be mapped.
    ds = pool.map(lambda r: {"prompt": format_prompt(r["problem"]), "problem_id": r["id"]})
    return ds.select(range(len(ds) - 1, -1, -1))


def test_two_ranks_with_their_own_clients_get_identical_indices(client, pool):
    ds = _dataset(pool)
    ranks = [AdaptiveRepeatSampler(ds, ServiceSource(client, "run-ranks"), mini_repeat_count=G, batch_size=B,
                                   repeat_count=2, rounds=5) for _ in range(2)]
    seqs = [list(s) for s in ranks]
    assert seqs[0] == seqs[1] and len(seqs[0]) == 5 * B * G * 2
    ids = ds["problem_id"]
    key_ids, _ = client.draw("run-ranks/round-3", B)  # what the service answered for round 3
    assert [ids[i] for i in seqs[0][3 * B * G * 2:][::G][:B]] == list(key_ids)


def test_a_rank_whose_draw_timed_out_asks_again_and_gets_the_other_ranks_draw(client, pool, monkeypatch, caplog):
    """On several ranks a draw that did not come back in time fell back to a seeded uniform draw while the
    other ranks had the service's: the ranks trained on different prompts (and the cross-rank check
    stopped the run). Now the rank asks again and gets the draw the service keeps for that key."""
    from sai_dpo.service import connect

    monkeypatch.setenv("WORLD_SIZE", "2")
    ds = _dataset(pool)
    rank0 = ServiceSource(client, "run-slow")
    rank0.bind(ds)
    slow = connect("rl-svc", NS)
    real_call, failures = slow._call, []

    def first_draw_times_out(method, *args, **kw):
        if method == "draw" and not failures:
            failures.append(method)
            raise ray.exceptions.GetTimeoutError("injected: the service did not answer in time")
        return real_call(method, *args, **kw)

    monkeypatch.setattr(slow, "_call", first_draw_times_out)
    rank1 = ServiceSource(slow, "run-slow")
    rank1.bind(ds)
    with caplog.at_level("WARNING"):
        assert rank1.draw_round(0, B).tolist() == rank0.draw_round(0, B).tolist()
    assert failures and slow.fallback_draws == 0 and "attempt 1 of 3" in caplog.text
    failures.clear()

    def every_draw_times_out(method, *args, **kw):
        if method == "draw":
            failures.append(method)
            raise ray.exceptions.GetTimeoutError("injected: the service did not answer in time")
        return real_call(method, *args, **kw)

    monkeypatch.setattr(slow, "_call", every_draw_times_out)
    start = time.monotonic()
    fallback = rank1.draw_round(1, B)  # unreachable on every attempt: 3 asks, then the seeded uniform draw
    assert failures == ["draw"] * 3 and slow.fallback_draws == 1 and len(fallback) == B
    assert time.monotonic() - start >= 2.9  # failures that come at once wait 1 s, then 2 s: they span a restart
    monkeypatch.setenv("WORLD_SIZE", "1")  # one process: no second ask, the seeded fallback at once
    failures.clear()
    rank1.draw_round(2, B)
    assert failures == ["draw"] and slow.fallback_draws == 2
    slow.close()


def test_a_client_without_the_fallback_keyword_is_asked_once_on_several_ranks(pool, monkeypatch):
    """A duck-typed client whose draw takes no ``fallback`` keyword is called as before (no TypeError)."""
    calls = []

    class Plain:
        def draw(self, key, n, round=None):
            calls.append(key)
            return [str(i) for i in _dataset(pool)["problem_id"][:n]], None

    monkeypatch.setenv("WORLD_SIZE", "2")
    source = ServiceSource(Plain(), "r")
    source.bind(_dataset(pool))
    assert len(source.draw_round(0, 3)) == 3 and calls == ["r/round-0"]


def test_service_source_falls_back_when_the_service_fails(pool):
    class Broken:
        def draw(self, key, n, round=None):
            raise ConnectionError("down")

    ds = _dataset(pool)
    source = ServiceSource(Broken(), "r", fallback=UniformSource(seed=3))
    source.bind(ds)
    assert source.draw_round(0, 4).tolist() == UniformSource(len(ds), seed=3).draw_round(0, 4).tolist()


def test_grpo_run_reports_every_completion_to_the_service(client, pool, tmp_path):
    """3 steps x B=2 prompts x G=4 completions = 24 outcomes reach the service (all statuses are the
    model's: gold answers of the arith pool always parse)."""
    policy = build_tiny_policy([f"{p} {a}" for p, a in zip(pool["problem"], pool["answer"], strict=True)],
                               tmp_path / "tiny")
    before = client.stats()["n_outcomes"]
    assert "unlabelled" not in client.stats()["status_counts"]
    selection = Selection.from_service(client, "run-grpo", pool, group_size=G)
    args = GRPOConfig(output_dir=str(tmp_path / "trainer"), use_cpu=True, bf16=False, report_to="none",
                      save_strategy="steps", save_steps=2, max_steps=3, logging_steps=1, num_generations=G,
                      per_device_train_batch_size=B * G, max_completion_length=4, disable_tqdm=True)
    snapshots = []
    callback = SelectionCallback(selection, run_dir=tmp_path / "run")
    original = selection.snapshot
    selection.snapshot = lambda: snapshots.append(original())
    trainer = AdaptiveGRPOTrainer(model=str(policy), reward_funcs=[correctness_reward(selection)], args=args,
                                  train_dataset=_dataset(pool), selection=selection, callbacks=[callback])
    trainer.train()
    selection.flush()
    stats = client.stats()
    assert stats["n_outcomes"] - before == 3 * B * G == selection.n_reported
    # The checker's statuses reach the service with the outcomes (they were all "unlabelled": issue 16).
    assert sum(stats["status_counts"].get(k, 0) for k in ("correct", "incorrect", "unparseable_pred")) >= 3 * B * G
    assert sum(selection.status_counts.values()) == 3 * B * G
    assert snapshots and all(snapshots)  # the service wrote a snapshot on save (step 2)
    drawn = [selection.round_log.ids(r) for r in range(3)]
    assert all(len(set(d)) == B for d in drawn)
    assert np.isclose(sum(callback.records[0]["draw_share"].values()), 1.0)
    # The trainer's own figures are kept in the run folder for the report's reward and loss curves.
    import json

    log = [json.loads(line) for line in (tmp_path / "run" / "trainer_log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log if "loss" in e] == [1, 2, 3] and all("reward" in e for e in log if "loss" in e)


def test_an_engine_backed_selection_refuses_to_run_on_several_ranks(tmp_path):
    """Issue 16: under `torchrun --nproc_per_node 2` each rank got its own engine and the ranks drew
    different prompts; a real 2-process launch now stops at once on every rank with one line."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "two_ranks.py"
    script.write_text(
        "import torch.distributed as dist\n"
        "dist.init_process_group('gloo')\n"
        "from data import build_pool\n"
        "from rl.reporting import Selection\n"
        "from sai_dpo import SelectionConfig, SelectionEngine\n"
        "pool = build_pool(40, seed=0, kind='arith')\n"
        "engine = SelectionEngine(pool['skill'], pool['level'], SelectionConfig(seed=0))\n"
        "import os, pathlib\n"
        "out = pathlib.Path(os.environ['OUT_DIR']) / f\"rank{os.environ['RANK']}.txt\"\n"
        "try:\n"
        "    Selection.from_engine(engine, pool)\n"
        "    out.write_text('NOT REFUSED')\n"
        "except ValueError as exc:\n"
        "    out.write_text('REFUSED: ' + str(exc).splitlines()[0])\n"
        "dist.destroy_process_group()\n"
    )
    root = Path(__file__).resolve().parents[2]
    torchrun = Path(sys.executable).with_name("torchrun")
    env = {**os.environ, "OUT_DIR": str(tmp_path)}
    run = subprocess.run([str(torchrun), "--standalone", "--nproc_per_node", "2", str(script)], cwd=root,
                         capture_output=True, text=True, timeout=300, env=env)
    assert run.returncode == 0, run.stderr[-2000:]
    answers = [(tmp_path / f"rank{r}.txt").read_text() for r in (0, 1)]  # one file per rank: no interleaving
    assert all(a.startswith("REFUSED: Selection.from_engine keeps one tracker per process") for a in answers), answers


def test_two_process_grpo_run_writes_one_set_of_run_files_with_every_rank_s_figures(client, pool, tmp_path):
    """Issue 16: under `torchrun --nproc_per_node 2` with one shared run folder both ranks appended to
    rounds.jsonl (20 records for 10 rounds) and run.json held one rank's count. A real 2-process GRPO
    run on the service: rank 0 alone writes one record per round, each with both ranks' outcomes."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    policy = build_tiny_policy([f"{p} {a}" for p, a in zip(pool["problem"], pool["answer"], strict=True)],
                               tmp_path / "tiny")
    before = client.stats()["n_outcomes"]
    script = tmp_path / "two_ranks_grpo.py"
    script.write_text(
        "import json, os, pathlib\n"
        "from trl import GRPOConfig\n"
        "from data import build_pool\n"
        "from rl.callbacks import SelectionCallback\n"
        "from rl.grpo import AdaptiveGRPOTrainer\n"
        "from rl.reporting import Selection\n"
        "from rl.rewards import correctness_reward\n"
        "from rl.tiny import format_prompt\n"
        "from sai_dpo.service import connect\n"
        "out = pathlib.Path(os.environ['OUT_DIR'])\n"
        "pool = build_pool(120, seed=0, kind='arith')\n"
        "ds = pool.map(lambda r: {'prompt': format_prompt(r['problem']), 'problem_id': r['id']})\n"
        f"client = connect('rl-svc', {NS!r}, address=os.environ['RAY_GCS'])\n"
        "run_id = os.environ.get('RUN_ID', 'run-2proc').replace('RANK', os.environ['RANK'])\n"
        f"selection = Selection.from_service(client, run_id, pool, group_size={G})\n"
        "args = GRPOConfig(output_dir=str(out / f\"trainer{os.environ['RANK']}\"), use_cpu=True, bf16=False,\n"
        "                  report_to='none', save_strategy='no', max_steps=3, logging_steps=1,\n"
        f"                  num_generations={G}, per_device_train_batch_size={G}, max_completion_length=4,\n"
        "                  disable_tqdm=True, seed=0)\n"
        "trainer = AdaptiveGRPOTrainer(model=os.environ['POLICY'], reward_funcs=[correctness_reward(selection)],\n"
        "                              args=args, train_dataset=ds, selection=selection,\n"
        "                              callbacks=[SelectionCallback(selection, run_dir=out / 'run')])\n"
        "trainer.train()\n"
        "drawn = {r: selection.round_log.ids(r) for r in selection.round_log.rounds()}\n"
        "(out / f\"rank{os.environ['RANK']}.json\").write_text(json.dumps(\n"
        "    {'drawn': drawn, 'n_reported': selection.n_reported}))\n"
        "client.close()\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "OUT_DIR": str(tmp_path), "POLICY": str(policy),
           "RAY_GCS": ray.get_runtime_context().gcs_address}
    torchrun = Path(sys.executable).with_name("torchrun")
    run = subprocess.run([str(torchrun), "--standalone", "--nproc_per_node", "2", str(script)], cwd=root,
                         capture_output=True, text=True, timeout=600, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{r}.json").read_text()) for r in (0, 1)]
    assert ranks[0]["drawn"] == ranks[1]["drawn"] and len(ranks[0]["drawn"]) >= 3  # the same prompts on both
    per_rank = [r["n_reported"] for r in ranks]
    assert all(n > 0 for n in per_rank)  # each rank scored part of every round
    records = [json.loads(line) for line in (tmp_path / "run" / "rounds.jsonl").read_text().splitlines()]
    assert [r["round"] for r in records] == sorted({r["round"] for r in records})  # one record per round
    assert sum(r["n_outcomes"] for r in records) == sum(per_rank) == 3 * 2 * G  # both ranks' outcomes
    run_json = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run_json["n_reported"] == sum(per_rank) and run_json["n_processes"] == 2
    assert client.stats()["n_outcomes"] - before == sum(per_rank)  # and the one tracker counted them all
    log = [json.loads(line) for line in (tmp_path / "run" / "trainer_log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log if "loss" in e] == [1, 2, 3]  # rank 0 alone writes the trainer's log
    # A run_id per rank (a user's slip): the ranks draw different prompts, so TRL's groups would mix
    # problems; the callback compares the ranks' draws and stops the run, in one line, on every rank.
    slip = subprocess.run([str(torchrun), "--standalone", "--nproc_per_node", "2", str(script)], cwd=root,
                          capture_output=True, text=True, timeout=600,
                          env={**env, "RUN_ID": "run-slip-RANK", "OUT_DIR": str(tmp_path / "slip")})
    assert slip.returncode != 0 and "The ranks drew different prompts in round" in slip.stderr, slip.stderr[-2000:]


def test_from_service_refuses_a_pool_or_a_group_size_other_than_the_services(client, pool):
    """A training set that lacks some of the service's ids failed at a later draw; a G other than the
    service's was accepted without a word (G is in the score)."""
    from sai_dpo.errors import InvalidInputError

    with pytest.raises(InvalidInputError, match="This pool has 60 problems and the service.s 120; 60 of the service.s ids are not in it and 0 of its"):
        Selection.from_service(client, "run-x", pool.select(range(60)), group_size=G)
    with pytest.raises(InvalidInputError, match=r"group_size=8 differs from the service's \(4\)"):
        Selection.from_service(client, "run-x", pool, group_size=8)
    assert Selection.from_service(client, "run-x", pool, group_size=G).group_size == G


def test_connect_waits_for_a_service_that_another_rank_is_starting(cluster, tmp_path):
    import threading
    import time

    from sai_dpo.errors import InvalidInputError
    from sai_dpo.service import connect

    with pytest.raises(InvalidInputError, match="No selection service named 'rl-late'.*connect\\(..., wait=60\\)"):
        connect("rl-late", NS)
    small = build_pool(30, seed=1, kind="arith")
    starter = threading.Timer(1.5, lambda: launch(small, SelectionConfig(group_size=G), name="rl-late", namespace=NS,
                                                  checkpoint_dir=tmp_path / "late"))
    start = time.monotonic()
    starter.start()
    late = connect("rl-late", NS, wait=60)
    starter.join()
    assert late.info["pool_size"] == 30 and time.monotonic() - start >= 1.5
    late.stop_service()
