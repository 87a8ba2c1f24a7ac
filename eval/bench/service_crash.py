"""Crash check of the selection service on a real (embedded) Ray instance. Prints what it finds.

Run from the repository root::

    python -m eval.bench.service_crash                  # journal on (the default), then off
    python -m eval.bench.service_crash --batches 600 --kills 5 --snapshot-every 50

For each mode it launches a service (``snapshot_every=50`` by default), sends report batches of
random problems (all filed under round 0, so the engine's per-problem attempts are plain counts)
and new draw keys, and ``ray.kill``s the actor ``--kills`` times (at random points, the last one
after the last batch), of two kinds:

* *between* acknowledged calls (``report_now`` returned), and
* *in the middle of* a pipelined burst of 20 reports, whose calls Ray re-runs on the restarted
  actor (the batch id makes each count once).

After each kill it reconnects with ``connect`` from this driver, waits for the restarted actor and
checks that every acknowledged outcome is there: outcomes per problem equal to this script's own
tally, the number of batches, the answers of every draw key, and the whole engine state equal to
the state fetched just before the kill. Exits with status 1 if the journal-on run loses anything.
The journal-off run shows what a crash cost before the journal (it is expected to lose outcomes).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.bench.service import _pool_file

NS = "sai_dpo_crash_check"


def _engine_state(actor) -> dict:
    import ray

    return ray.get(actor.__ray_call__.remote(lambda self: self.engine.state_dict()))


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        np.array_equal(a[k], b[k], equal_nan=np.asarray(a[k]).dtype.kind == "f") for k in a)


class Run:
    """One service, its acknowledged history as this driver saw it, and the checks after a kill."""

    def __init__(self, name: str, pool: Path, ckpt: Path, n: int, args, **opts) -> None:
        from sai_dpo import SelectionConfig
        from sai_dpo.service import launch

        self.name, self.n, self.args = name, n, args
        self.client = launch(pool, SelectionConfig(seed=0), name=name, namespace=NS, checkpoint_dir=ckpt,
                             snapshot_every=args.snapshot_every, validate=False, draw_timeout=120, **opts)
        self.counts = np.zeros(n, np.int64)
        self.batches = 0
        self.draws: dict[str, list[str]] = {}
        self.rng = np.random.default_rng(1)

    def _batch(self):
        idx = self.rng.integers(0, self.n, self.args.rows)
        return idx, [f"bench-{i:08d}" for i in idx], (self.rng.random(len(idx)) < 0.5).astype(float)

    def report_acked(self, k: int) -> None:
        """One synchronous report: acknowledged when it returns."""
        idx, ids, rew = self._batch()
        self.client.report_now(f"{self.name}-b{k}", ids, rew, round=0)
        np.add.at(self.counts, idx, 1)
        self.batches += 1
        if k % 10 == 0:
            self.draws[f"key-{k}"] = self.client.draw(f"key-{k}", 16)[0]

    def burst_with_kill(self, k0: int, size: int = 20) -> None:
        """``size`` pipelined reports; the actor is killed while they are in flight; all get acked."""
        import ray

        refs, tallies = [], []
        for j in range(size):
            idx, ids, rew = self._batch()
            refs.append(self.client.actor.report.remote(f"{self.name}-burst{k0}-{j}", ids, rew, round=0))
            tallies.append(idx)
        ray.wait(refs, num_returns=size // 3, timeout=60)
        self.kill()
        for ref, idx in zip(refs, tallies, strict=True):
            self._get_retrying(ref, idx)

    def _get_retrying(self, ref, idx) -> None:
        """Ray re-runs a call lost with the actor (max_task_retries); count it once it is acked."""
        import ray

        ray.get(ref, timeout=120)
        np.add.at(self.counts, idx, 1)
        self.batches += 1

    def kill(self) -> None:
        import ray

        self.before_kill = (self.client.stats(), _engine_state(self.client.actor))
        ray.kill(self.client.actor, no_restart=False)

    def reconnect_and_check(self, strict_state: bool) -> tuple[list[str], dict]:
        """Reconnect by name, wait for the new incarnation, compare with what was acknowledged;
        returns (problems found, the new incarnation's stats)."""
        from sai_dpo.service import connect

        old_pid = self.before_kill[0]["pid"]
        self.client.close(timeout=1)
        self.client = connect(self.name, NS, draw_timeout=120)
        deadline = time.monotonic() + 120
        while (st := self.client.stats())["pid"] == old_pid and time.monotonic() < deadline:
            time.sleep(0.05)
        got = np.rint(_engine_state(self.client.actor)["attempts"]).astype(np.int64)
        problems = []
        lost = int((self.counts - got).clip(min=0).sum())
        if not np.array_equal(got, self.counts):
            problems.append(f"per-problem counts differ on {int((got != self.counts).sum())} problems "
                            f"({lost:,} acknowledged outcomes missing)")
        if st["n_reports"] != self.batches:
            problems.append(f"{st['n_reports']} batches on the service, {self.batches} acknowledged")
        wrong = [k for k, ids in self.draws.items() if self.client.draw(k, 16)[0] != ids]
        if wrong:
            problems.append(f"{len(wrong)} of {len(self.draws)} draw keys answer differently")
        if strict_state and not _same(self.before_kill[1], _engine_state(self.client.actor)):
            problems.append("engine state differs from the state before the kill")
        return problems, st


def run_mode(label: str, work: Path, pool: Path, n: int, args, **opts) -> list[str]:
    """Report, kill at random points, reconnect, check; returns the problems found."""
    run = Run(label.replace(" ", "-"), pool, work / label.replace(" ", "-"), n, args, **opts)
    rng = np.random.default_rng(2)
    # kills at random points, the last one after the last batch
    kill_at = sorted(rng.choice(np.arange(20, args.batches), size=args.kills - 1, replace=False).tolist())
    kill_at.append(args.batches)
    found: list[str] = []
    k = 0
    t0 = time.perf_counter()
    for j, stop in enumerate(kill_at):
        while k < stop:
            run.report_acked(k)
            k += 1
        in_burst = j % 2 == 1 and j < len(kill_at) - 1
        if in_burst:
            run.burst_with_kill(k)
        else:
            run.kill()
        problems, st = run.reconnect_and_check(strict_state=not in_burst)
        where = "mid-burst" if in_burst else "between calls"
        print(f"  {label}: kill {j + 1} {where} after {run.batches} acknowledged batches "
              f"({st['reports_since_snapshot']} since the last snapshot), replayed "
              f"{(st['journal'] or {}).get('replayed', {}).get('reports', 0)} from the journal: "
              + ("all there" if not problems else "; ".join(problems)))
        found += problems
    print(f"  {label}: {run.batches} batches / {int(run.counts.sum()):,} outcomes acknowledged in "
          f"{time.perf_counter() - t0:.1f} s; {args.kills} kills; "
          + ("nothing lost" if not found else f"{len(found)} problems"))
    import ray

    run.client.close(timeout=5)
    ray.kill(run.client.actor, no_restart=True)
    return found


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batches", type=int, default=400,
                    help="synchronous report batches per mode (plus 20 per mid-burst kill)")
    ap.add_argument("--rows", type=int, default=64, help="outcomes per batch")
    ap.add_argument("--kills", type=int, default=4,
                    help="kills per mode, >= 1 (alternating between calls / mid-burst; the last after the last batch)")
    ap.add_argument("--snapshot-every", type=int, default=50)
    ap.add_argument("--pool-size", type=int, default=5_000)
    ap.add_argument("--skip-journal-off", action="store_true", help="only the journal-on run")
    args = ap.parse_args(argv)
    if args.kills < 1 or args.batches < 20 + args.kills:
        ap.error("need --kills >= 1 and --batches >= 20 + kills")
    import ray

    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    work = Path(tempfile.mkdtemp(prefix="sai-dpo-crash-"))
    ray_tmp = tempfile.mkdtemp(prefix="rt", dir="/tmp")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=ray_tmp, namespace=NS, logging_level=logging.ERROR,
             log_to_driver=False)
    try:
        pool = _pool_file(args.pool_size, work)
        print(f"crash check: {args.batches} batches x {args.rows} outcomes, snapshot_every={args.snapshot_every}, "
              f"{args.kills} kills, pool of {args.pool_size:,}")
        bad = run_mode("journal on", work, pool, args.pool_size, args)
        if not args.skip_journal_off:
            run_mode("journal off", work, pool, args.pool_size, args, journal=False)
    finally:
        ray.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(ray_tmp, ignore_errors=True)
    print("RESULT: journal on lost nothing" if not bad else "RESULT: journal on LOST DATA")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
