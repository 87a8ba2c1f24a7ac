"""Draw latency while reports flow: does one caller's report burst delay everyone's draws? Prints figures.

Run from the repository root::

    python -m eval.bench.service_load                       # 100k pool, 4 reporting processes, 20 s
    python -m eval.bench.service_load --seconds 8 --pool 20000

One service actor (journal on, fsync per report: the default) on an embedded Ray instance. Four
reporting processes (Ray tasks, each its own ``connect``) send batches of 1,000 outcomes as fast as
the service takes them, while this process draws 512 problems with a fresh key every 10 ms and times
each draw. The same run measures, as baselines: the draws with no reports flowing, and the draws
sent to the actor's default call queue (where reports wait) instead of its ``draws`` group, which is
how every call was served before draws got their own threads. At the end the outcomes the reporters
sent are compared with the outcomes the service counted: nothing lost, nothing counted twice.

Target (issue 15): draw p99 <= 50 ms under the full report load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.bench.service import _pool_file
from sai_dpo import SelectionConfig

NS = "sai_dpo_bench_load"


def _reporter(name: str, k: int, n_pool: int, seconds: float, rows: int, buffered: bool) -> int:
    from sai_dpo.service import connect

    client = connect(name, NS)
    rng = np.random.default_rng(k)
    sent, b, end = 0, 0, time.monotonic() + seconds
    while time.monotonic() < end:
        idx = rng.integers(0, n_pool, rows)
        ids, rewards = [f"bench-{i:08d}" for i in idx], rng.integers(0, 2, rows).astype(float)
        if buffered:  # the buffered client: merged batches sent by its thread
            client.report(ids, rewards)
        else:
            client.report_now(f"r{k}-{b}", ids, rewards)
        sent += rows
        b += 1
    client.flush(timeout=600)  # every queued outcome delivered before the count is compared
    client.close()
    return sent


def _draws(actor, seconds: float, tag: str, group: str | None) -> list[float]:
    import ray

    method = actor.draw.options(concurrency_group=group) if group else actor.draw
    lat, k, end = [], 0, time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        ids, _idx = ray.get(method.remote(f"{tag}-{k}", 512))
        lat.append(time.perf_counter() - t)
        assert len(set(ids)) == 512
        k += 1
        time.sleep(0.01)
    return lat


def _line(label: str, lat: list[float]) -> str:
    a = np.array(lat) * 1e3
    return (f"{label:<44} n={len(a):>4}  p50 {np.percentile(a, 50):7.1f} ms  p99 {np.percentile(a, 99):7.1f} ms  "
            f"max {a.max():7.1f} ms")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pool", type=int, default=100_000, help="problems in the pool")
    ap.add_argument("--seconds", type=float, default=20.0, help="seconds of report load per measurement")
    ap.add_argument("--reporters", type=int, default=4, help="reporting processes")
    ap.add_argument("--rows", type=int, default=1000, help="outcomes per report batch")
    ap.add_argument("--buffered", action="store_true", help="reporters use the buffered client.report, not report_now")
    args = ap.parse_args(argv)
    import ray

    from sai_dpo.service import DRAW_GROUP, launch

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    ray.init(address="local", num_cpus=args.reporters + 2, include_dashboard=False, namespace=NS,
             _temp_dir=tempfile.mkdtemp(prefix="rl", dir="/tmp"), log_to_driver=False)
    try:
        path = _pool_file(args.pool, tmp)
        client = launch(str(path), SelectionConfig(seed=0), name="load", namespace=NS, checkpoint_dir=tmp / "ck",
                        validate=False)
        print(f"pool {args.pool:,} problems; {args.reporters} reporting processes x "
              f"{'buffered report() calls' if args.buffered else 'report_now batches'} of {args.rows:,}; "
              f"journal fsync per report; {os.cpu_count()} CPUs")
        idle = _draws(client.actor, min(args.seconds, 5.0), "idle", DRAW_GROUP)
        print(_line("draw(512), no reports flowing", idle))
        remote = ray.remote(num_cpus=1)(_reporter)
        sent = 0
        for group, label in ((DRAW_GROUP, f"draw(512) under load, '{DRAW_GROUP}' group"),
                             (None, "baseline: draw(512) under load, default queue")):
            tasks = [remote.remote("load", k + (100 if group is None else 0), args.pool, args.seconds, args.rows,
                                   args.buffered) for k in range(args.reporters)]
            time.sleep(2.0)  # let the reporters connect and start sending
            lat = _draws(client.actor, args.seconds - 3.0, f"load-{group}", group)
            sent += sum(ray.get(tasks))  # (buffered reporters may still be delivering after the window)
            print(_line(label, lat))
        counted = client.stats()["n_outcomes"]
        print(f"outcomes sent {sent:,}; counted by the service {counted:,} "
              f"({'nothing lost or counted twice' if counted == sent else 'MISMATCH'})")
        client.close()
        ray.kill(client.actor, no_restart=True)
    finally:
        ray.shutdown()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
