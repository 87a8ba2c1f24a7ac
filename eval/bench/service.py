"""Benchmark of the selection service on a real (embedded) Ray instance. Prints its figures.

Run from the repository root::

    python -m eval.bench.service                 # 100k and 1M pools
    python -m eval.bench.service --quick         # 20k and 200k pools, fewer repeats

Measures, each against a baseline taken in the same run:

* id -> index lookup for a 1M pool: build time and 1k-id lookup time of a dict of Python strings
  vs. sorted fixed-width ids + ``np.searchsorted`` (what the service uses);
* outcomes/s through the actor with batches of 100, 1k and 10k rows: pipelined direct actor calls
  and the buffered ``ServiceClient``, for three actors side by side: journal off, journal on
  without fsync (flushed to the OS), journal on with fsync per report (the default); vs. the
  plain ``SelectionService.report`` in this process without a journal;
* ``draw(512)`` latency through the actor (a fresh key each time, after a report, so no cache
  helps; and a cached key), for each pool size, vs. the same draw in this process;
* restore after a kill for the largest pool: snapshot write time and size, then 20 more batches
  of 10k rows that only the journal holds, time from ``ray.kill(actor, no_restart=False)`` until
  the restarted actor answers, and the constructor's own restore time (snapshot + journal
  replay); vs. constructing the plain service from the same files in this process.

Targets (issue 6): >= 200k outcomes/s with batches of 1k; draw(512) from a 100k pool <= 20 ms
median through the actor; restore of a 1M-problem snapshot <= 2 s.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from eval.bench._timing import timings
from sai_dpo import SelectionConfig
from sai_dpo._selection_service import SelectionService

G = 8


def _pool_file(n: int, directory: Path) -> Path:
    """A synthetic pool of ``n`` problems (50 skills x 5 levels) as parquet, built with pyarrow."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    table = pa.table({
        "id": pa.array([f"bench-{i:08d}" for i in range(n)]),
        "problem": pa.array(["What is 1 + 1?"] * n),
        "answer": pa.array(["2"] * n),
        "skill": pa.array([f"skill-{k}" for k in rng.integers(0, 50, n)]),
        "level": pa.array(rng.integers(1, 6, n)),
        "source": pa.array(["bench"] * n),
        "choices": pa.nulls(n, pa.list_(pa.string())),
    })
    path = directory / f"pool-{n}.parquet"
    pq.write_table(table, path)
    return path


def _median_ms(xs) -> str:
    a = np.asarray(xs) * 1e3
    return f"median {np.median(a):7.2f} ms  p90 {np.percentile(a, 90):7.2f} ms"


def bench_lookup(path: Path) -> None:
    """dict of Python strings vs the service's index (fixed-width ids + a hash table): build and lookups of
    1k and 32k ids (32k: a merged report batch)."""
    import pyarrow.parquet as pq

    from sai_dpo._service_pool import _from_table

    table = pq.read_table(path, columns=["id", "skill", "level"])  # both start from this table
    t = time.perf_counter()
    ids = table.column("id").to_pylist()
    index = dict(zip(ids, range(len(ids)), strict=True))
    t_dict = time.perf_counter() - t
    t = time.perf_counter()
    cols = _from_table(table, "bench")
    t_index = time.perf_counter() - t
    rng = np.random.default_rng(1)
    for k in (1000, 32_000):
        q = [ids[i] for i in rng.integers(0, len(ids), k)]
        lk_dict = _best(lambda q=q: np.fromiter((index.get(i, -1) for i in q), np.int64, len(q)))
        lk_hash = _best(lambda q=q: cols.lookup(q))
        assert np.array_equal(cols.lookup(q), np.fromiter((index[i] for i in q), np.int64, len(q)))
        print(f"id index, {len(ids):,} ids: lookup of {k:,} ids: dict {lk_dict * 1e3:.2f} ms vs "
              f"hash index {lk_hash * 1e3:.2f} ms")
    print(f"id index, {len(ids):,} ids: build dict {t_dict:.2f} s vs fixed-width ids + hash index {t_index:.2f} s")


def _best(fn, repeat: int = 5) -> float:
    return min(timings(fn, repeat))


def _batches(ids: np.ndarray, rows: int, count: int, rng):
    for _ in range(count):
        pick = ids[rng.integers(0, len(ids), rows // G)]
        yield np.repeat(pick, G).tolist(), (rng.random(rows // G * G) < 0.5).astype(np.float64)


JOURNAL_MODES = {"journal off": dict(journal=False), "journal, no fsync": dict(journal_fsync=False),
                 "journal + fsync": dict(journal_fsync=True)}


def _rate(actor, tag: str, rows: int, data: list) -> tuple[float, float]:
    """outcomes/s of one actor: pipelined direct calls, then the buffered client."""
    import ray

    from sai_dpo.service import ServiceClient

    n = sum(len(r) for _, r in data)
    t = time.perf_counter()
    ray.get([actor.report.remote(f"d-{tag}-{k}", pids, rew) for k, (pids, rew) in enumerate(data)])
    direct = n / (time.perf_counter() - t)
    buffered = ServiceClient(actor, batch_size=rows, flush_interval=0.05)
    t = time.perf_counter()
    for pids, rew in data:
        buffered.report(pids, rew)
    buffered.flush(timeout=600)
    via_client = n / (time.perf_counter() - t)
    buffered.close()
    return direct, via_client


def bench_throughput(clients: dict, ids: np.ndarray, path: Path, total: int, repeats: int) -> None:
    """outcomes/s per journal mode (best of ``repeats``, modes interleaved so load spikes hit all
    alike): direct pipelined actor calls, buffered client; in-process plain class as the baseline."""
    rng = np.random.default_rng(2)
    plain = SelectionService(path, SelectionConfig(seed=0), validate=False)
    for rows in (100, 1_000, 10_000):
        count = max(total // rows, 5)
        data = list(_batches(ids, rows, count, rng))
        n = sum(len(r) for _, r in data)
        t = time.perf_counter()
        for k, (pids, rew) in enumerate(data):
            plain.report(f"p-{rows}-{k}", pids, rew)
        base = n / (time.perf_counter() - t)
        best = {mode: (0.0, 0.0) for mode in clients}
        for rep in range(repeats):
            for j, (mode, client) in enumerate(clients.items()):
                got = _rate(client.actor, f"{j}-{rows}-{rep}", rows, data)
                best[mode] = (max(best[mode][0], got[0]), max(best[mode][1], got[1]))
        print(f"report, batches of {rows:>6,} ({n:,} outcomes, best of {repeats}; in-process baseline "
              f"{base:>11,.0f} /s):")
        off = best[next(iter(best))]
        for mode, (direct, via_client) in best.items():
            print(f"    {mode:<18} actor direct {direct:>11,.0f} /s ({direct / off[0]:4.2f}x off)   "
                  f"client {via_client:>11,.0f} /s ({via_client / off[1]:4.2f}x off)")


def bench_draw(client, path: Path, ids: np.ndarray, draws: int, label: str) -> None:
    """draw(512) latency through the actor (fresh keys, after a report) vs in process."""
    rng = np.random.default_rng(3)
    plain = SelectionService(path, SelectionConfig(seed=0), validate=False)
    lat, hit, base = [], [], []
    for k in range(draws):
        pids, rew = next(_batches(ids, 512 * G, 1, rng))
        client.report_now(f"draw-{label}-{k}", pids, rew)
        plain.report(f"draw-{label}-{k}", pids, rew)
        t = time.perf_counter()
        got, _ = client.draw(f"bench-{label}-{k}", 512)
        lat.append(time.perf_counter() - t)
        t = time.perf_counter()
        client.draw(f"bench-{label}-{k}", 512)
        hit.append(time.perf_counter() - t)
        t = time.perf_counter()
        plain.draw(f"bench-{label}-{k}", 512)
        base.append(time.perf_counter() - t)
        assert len(set(got)) == 512
    print(f"draw(512), {label} pool: actor new key {_median_ms(lat)} | cached key {_median_ms(hit)} | "
          f"in-process {_median_ms(base)}")


def bench_restore(client, path: Path, ids: np.ndarray) -> None:
    """Snapshot, 20 journaled batches, kill, wait for the restarted actor; vs the plain class here."""
    import ray

    rng = np.random.default_rng(4)
    for k, (pids, rew) in enumerate(_batches(ids, 10_000, 20, rng)):
        client.report_now(f"restore-{k}", pids, rew)
    t = time.perf_counter()
    snap = client.snapshot()
    t_snap = time.perf_counter() - t
    size = os.path.getsize(snap) / 1e6
    for k, (pids, rew) in enumerate(_batches(ids, 10_000, 20, rng)):
        client.report_now(f"after-snapshot-{k}", pids, rew)  # in the journal only
    before = client.stats()
    t = time.perf_counter()
    ray.kill(client.actor, no_restart=False)
    while True:
        try:
            st = client.stats()
            if st["pid"] != before["pid"]:
                break
        except ray.exceptions.RayError:
            pass
        time.sleep(0.01)
    t_restart = time.perf_counter() - t
    assert st["n_outcomes"] == before["n_outcomes"] and st["restored_from"] == snap
    replayed = st["journal"]["replayed"]
    assert replayed["reports"] == 20, replayed
    t = time.perf_counter()
    SelectionService(path, SelectionConfig(seed=0), checkpoint_dir=Path(snap).parent, validate=False)
    t_plain = time.perf_counter() - t
    print(f"restore, {len(ids):,} problems: snapshot write {t_snap:.2f} s ({size:.1f} MB); then "
          f"{replayed['reports']} batches / {replayed['outcomes']:,} outcomes in the journal only; kill -> "
          f"answering again {t_restart:.2f} s (Ray restart + constructor); constructor restore (snapshot + "
          f"replay) {st['restore_seconds']:.2f} s; in-process construct+restore {t_plain:.2f} s")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--draws", type=int, default=30)
    ap.add_argument("--outcomes", type=int, default=200_000, help="outcomes per throughput case")
    ap.add_argument("--repeats", type=int, default=3, help="throughput runs per journal mode (best kept)")
    ap.add_argument("--quick", action="store_true", help="sizes 20k and 200k, fewer repeats")
    args = ap.parse_args(argv)
    if args.quick:
        args.sizes, args.draws, args.outcomes, args.repeats = [20_000, 200_000], 10, 50_000, 2
    import ray

    from sai_dpo.service import launch

    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    work = Path(tempfile.mkdtemp(prefix="sai-dpo-bench-"))
    ray_tmp = tempfile.mkdtemp(prefix="rt", dir="/tmp")
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=ray_tmp, namespace="sai_dpo_bench",
             logging_level=logging.WARNING)
    clients = []
    try:
        paths = {n: _pool_file(n, work) for n in args.sizes}
        bench_lookup(paths[max(args.sizes)])
        for k, n in enumerate(sorted(args.sizes)):
            import pyarrow.parquet as pq

            ids = pq.read_table(paths[n], columns=["id"]).column("id").to_numpy(zero_copy_only=False)
            client = launch(paths[n], SelectionConfig(seed=0), name=f"bench-{n}", namespace="sai_dpo_bench",
                            checkpoint_dir=work / f"ckpt-{n}", snapshot_every=0, validate=False, draw_timeout=120)
            clients.append(client)
            label = f"{n // 1000}k" if n < 1_000_000 else f"{n / 1e6:g}M"
            if k == 0:
                modes = {}
                for j, (mode, opts) in enumerate(JOURNAL_MODES.items()):
                    modes[mode] = launch(paths[n], SelectionConfig(seed=0), name=f"bench-tp-{j}",
                                         namespace="sai_dpo_bench", checkpoint_dir=work / f"ckpt-tp-{j}",
                                         snapshot_every=0, validate=False, **opts)
                    clients.append(modes[mode])
                bench_throughput(modes, ids, paths[n], args.outcomes, args.repeats)
            bench_draw(client, paths[n], ids, args.draws, label)
            if n == max(args.sizes):
                bench_restore(client, paths[n], ids)
    finally:
        for c in clients:
            c.close(timeout=5)
            ray.kill(c.actor, no_restart=True)
        ray.shutdown()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(ray_tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
