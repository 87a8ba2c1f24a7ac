"""Draw latency while reports flow: does one caller's report burst delay everyone's draws? Prints figures.

Run from the repository root::

    python -m eval.bench.service_load                       # 100k pool, 4 reporting processes, 20 s
    python -m eval.bench.service_load --seconds 8 --pool 20000
    python -m eval.bench.service_load --clients tasks       # reporters as Ray tasks (Ray's worker priority)
    python -m eval.bench.service_load --cluster --buffered --rows 500 --seconds 14   # on a `ray start` cluster
    python -m eval.bench.service_load --buffered --rows 500 --max-merge 1   # buffered clients without merging

One service actor (journal on, fsync per report: the default) on an embedded Ray instance. Four
reporting clients send outcomes as fast as the service takes them (``report_now`` batches of 1,000,
or the buffered ``report()`` with ``--buffered``), while this process draws 512 problems with a fresh
key every 10 ms and times each draw. At the end the outcomes the reporters sent are compared with the
outcomes the service counted: nothing lost, nothing counted twice.

``--clients processes`` (the default) runs each reporter as its own OS process that joins the Ray
instance by address, as trainers and rollout workers do: they run at the normal CPU priority, while Ray
starts its worker processes at niceness 15. The same run then measures two services: one started by
``launch`` (its worker kept at niceness 0) and, as the baseline, one started at Ray's default worker
niceness, which is how the service ran before. ``--clients tasks`` runs the reporters as Ray tasks (all
at Ray's worker priority) and measures the ``draws`` concurrency group against the actor's default call
queue, where reports wait, which is how every call was served before draws got their own threads.

``--cluster`` runs it all on a ``ray start --head --block`` cluster that this bench starts (its own port and
temporary folder) and stops (by its process group, never ``ray stop``), as a shared service is deployed;
the default is an embedded instance. ``--skip-baseline`` measures only ``launch``'s service (for
repeated runs).

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

from eval.bench.ray_head import RayHead
from eval.bench.service import _pool_file
from sai_dpo import SelectionConfig
from sai_dpo._report_buffer import MAX_MERGE

NS = "sai_dpo_bench_load"


def _reporter(name: str, k: int, n_pool: int, seconds: float, rows: int, buffered: bool,
              address: str | None = None, max_merge: int | None = None) -> int:
    from sai_dpo.service import connect

    client = connect(name, NS, address=address, **({} if max_merge is None else {"max_merge": max_merge}))
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


def _reporter_processes(name: str, ks: range, args, address: str) -> list:
    """Start one OS process per reporter (normal CPU priority, joined by address); each prints its count."""
    import subprocess
    import sys

    code = (f"from eval.bench.service_load import _reporter; print('SENT', _reporter({name!r}, K, {args.pool}, "
            f"{args.seconds}, {args.rows}, {args.buffered}, address={address!r}, max_merge={args.max_merge}))")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[2]),
                                                         os.environ.get("PYTHONPATH", "")])}
    return [subprocess.Popen([sys.executable, "-c", code.replace("K", str(k))], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, env=env) for k in ks]


def _sent_by(procs: list) -> int:
    total = 0
    for proc in procs:
        out, _ = proc.communicate(timeout=900)
        lines = [line for line in out.splitlines() if line.startswith("SENT ")]
        if proc.returncode != 0 or not lines:
            raise RuntimeError(f"a reporting process failed (exit {proc.returncode}): {out[-500:]}")
        total += int(lines[-1].split()[1])
    return total


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
    ap.add_argument("--seconds", type=float, default=20.0,
                    help="seconds of report load per measurement (>= 6; draws are timed for the last seconds - 4)")
    ap.add_argument("--reporters", type=int, default=4, help="reporting clients")
    ap.add_argument("--rows", type=int, default=1000, help="outcomes per report batch")
    ap.add_argument("--buffered", action="store_true", help="reporters use the buffered client.report, not report_now")
    ap.add_argument("--clients", choices=("processes", "tasks"), default="processes",
                    help="reporters as OS processes joined by address (default) or as Ray tasks")
    ap.add_argument("--cluster", action="store_true",
                    help="run on a `ray start --head` cluster that the bench starts and stops (default: embedded Ray)")
    ap.add_argument("--skip-baseline", action="store_true", help="measure only launch's service, not the baseline")
    ap.add_argument("--max-merge", type=int, default=None,
                    help="the buffered reporters' max_merge (default: the client's; 1: batches of the client's "
                         "batch_size, 1,024 rows, as before)")
    args = ap.parse_args(argv)
    for flag, value, low, high in (("--seconds", args.seconds, 6.0, None), ("--pool", args.pool, 1000, None),
                                   ("--reporters", args.reporters, 1, None), ("--rows", args.rows, 1, None),
                                   ("--max-merge", 1 if args.max_merge is None else args.max_merge, 1, MAX_MERGE)):
        if not value >= low or (high is not None and value > high):  # (NaN fails too)
            why = " (the draws are timed for --seconds minus 4 s)" if flag == "--seconds" else ""
            ap.error(f"{flag} must be >= {low:g}{'' if high is None else f' and <= {high:,}'}{why}; got {value}")
    if args.max_merge is not None and not args.buffered:
        ap.error("--max-merge applies to the buffered client only: add --buffered")
    import ray

    import sai_dpo.service as service

    tmp = Path(tempfile.mkdtemp(prefix="bench-load-"))
    head = RayHead(cpus=args.reporters + 2) if args.cluster else None
    try:
        if head is not None:
            ray.init(address=head.start(), namespace=NS, log_to_driver=False)
        else:
            ray.init(address="local", num_cpus=args.reporters + 2, include_dashboard=False, namespace=NS,
                     _temp_dir=tempfile.mkdtemp(prefix="rl", dir="/tmp"), log_to_driver=False)
        address = ray.get_runtime_context().gcs_address
        path = _pool_file(args.pool, tmp)
        print(f"pool {args.pool:,} problems; {args.reporters} reporting {args.clients} x "
              f"{'buffered report() calls' if args.buffered else 'report_now batches'} of {args.rows:,}; "
              f"journal fsync per report; {os.cpu_count()} CPUs; "
              f"{'a `ray start --head` cluster at ' + address if head else 'embedded Ray'}")
        default_env = service.SERVICE_RUNTIME_ENV
        if args.clients == "processes":
            runs = [("load", default_env, "draw(512) under load, service at niceness 0"),
                    ("load-nice15", None, "baseline: service at Ray's worker niceness 15")]
            runs = runs[:1] if args.skip_baseline else runs
        else:
            runs = [("load", default_env, f"draw(512) under load, '{service.DRAW_GROUP}' group"),
                    ("load", default_env, "baseline: draw(512) under load, default queue")]
            runs = runs[:1] if args.skip_baseline else runs
        sent, clients = 0, {}
        for i, (name, runtime_env, label) in enumerate(runs):
            if name not in clients:
                service.SERVICE_RUNTIME_ENV = runtime_env  # what launch gives the actor's worker
                try:
                    clients[name] = service.launch(str(path), SelectionConfig(seed=0), name=name, namespace=NS,
                                                   checkpoint_dir=tmp / f"ck-{name}", validate=False)
                finally:
                    service.SERVICE_RUNTIME_ENV = default_env
                idle = _draws(clients[name].actor, min(args.seconds, 5.0), f"idle-{name}", service.DRAW_GROUP)
                print(_line(f"draw(512), no reports flowing ({name})", idle))
            group = service.DRAW_GROUP if args.clients == "processes" or i == 0 else None
            if args.clients == "processes":
                procs = _reporter_processes(name, range(i * 100, i * 100 + args.reporters), args, address)
            else:
                remote = ray.remote(num_cpus=1)(_reporter)
                tasks = [remote.remote(name, i * 100 + k, args.pool, args.seconds, args.rows, args.buffered,
                                       max_merge=args.max_merge)
                         for k in range(args.reporters)]
            time.sleep(3.0)  # let the reporters connect and start sending
            lat = _draws(clients[name].actor, args.seconds - 4.0, f"load-{i}", group)
            run_sent = _sent_by(procs) if args.clients == "processes" else sum(ray.get(tasks))
            sent += run_sent  # (buffered reporters may still be delivering after the window)
            print(_line(label, lat))
        counted = sum(c.stats()["n_outcomes"] for c in clients.values())
        print(f"outcomes sent {sent:,}; counted by the services {counted:,} "
              f"({'nothing lost or counted twice' if counted == sent else 'MISMATCH'})")
        for c in clients.values():
            c.close()
            ray.kill(c.actor, no_restart=True)
    finally:
        ray.shutdown()
        if head is not None:
            head.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
