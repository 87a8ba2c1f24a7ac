"""Scale benchmark of the selection engine: report throughput, draw latency, memory, save/load time.

Run from the repository root::

    python -m eval.bench.engine                       # pool sizes 10k, 100k, 1M
    python -m eval.bench.engine --sizes 1000000 --policy sai_dpo --draws 40

Each size builds a pool of 50 skills x 5 levels, warms the tracker with ``--warm-rounds`` rounds of
GRPO-like traffic (draw 512 problems, report 8 rollouts each), then measures:

* report throughput: outcomes/s in batches of 10k (1,250 problems x 8 rollouts), wall clock and
  CPU time, against a naive ``np.add.at`` update of two count arrays (the baseline, same run);
* ``draw(512)`` latency, median and p99 wall clock and median CPU time (``process_time``: on a
  shared machine wall time also counts other processes) over ``--draws`` rounds, each a fresh round
  after a report (so no cache helps); and the sampler alone (the exponential race) against
  ``Generator.choice(N, 512, replace=False, p=w)`` on the same weights;
* tracker bytes per problem;
* ``state_dict`` -> ``np.savez`` -> ``np.load`` -> ``load_state_dict`` wall time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from eval.bench._timing import timings
from sai_dpo import SelectionConfig, SelectionEngine
from sai_dpo._draw import gumbel_top_k

G = 8
BATCH = 10_000


THOMPSON = {"on": True, "off": False}


def _engine(n: int, policy: str, seed: int = 0, thompson: bool = False) -> SelectionEngine:
    rng = np.random.default_rng(seed)
    config = SelectionConfig(policy=policy, seed=seed, thompson=thompson)
    return SelectionEngine(rng.integers(0, 50, n), rng.integers(1, 6, n), config)


def _outcomes(rng, idx, skill_p):
    rep = np.repeat(idx, G)
    rewards = (rng.random(len(rep)) < skill_p).astype(np.float64)
    return rep, rewards, rng.integers(20, 800, len(rep)), rng.integers(1, 12, len(rep))


def _bench_report(engine, rng, n_batches, round0):
    """Outcomes/s of engine.report and of the np.add.at baseline (wall clock, same batches)."""
    n = engine.n_problems
    batches = []
    for _ in range(n_batches):
        idx = rng.integers(0, n, BATCH // G)
        batches.append(_outcomes(rng, idx, 0.4))
    c0, t0 = time.process_time(), time.perf_counter()
    for b, (rep, rew, tok, steps) in enumerate(batches):
        engine.report(rep, rew, round0 + b // 4, n_tokens=tok, n_steps=steps)
    dt, cpu = time.perf_counter() - t0, time.process_time() - c0
    # Baseline: the obvious implementation, np.add.at on attempts/successes.
    att, succ = np.zeros(n, np.float32), np.zeros(n, np.float32)
    t0 = time.perf_counter()
    for rep, rew, _, _ in batches:
        np.add.at(att, rep, 1.0)
        np.add.at(succ, rep, rew)
    base = time.perf_counter() - t0
    total = n_batches * BATCH
    return total / dt, total / cpu, total / base


def _median_time(fn, repeats: int = 5) -> float:
    return float(np.median(timings(fn, repeats)))


def _bench_draw(engine, rng, rounds, round0):
    wall, cpu = [], []
    for r in range(round0, round0 + rounds):
        c0, t0 = time.process_time(), time.perf_counter()
        idx = engine.draw(512, r)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        rep, rew, tok, steps = _outcomes(rng, idx, 0.4)
        engine.report(rep, rew, r, n_tokens=tok, n_steps=steps)
    # The sampler alone: our exponential race vs numpy's weighted choice without replacement.
    w = engine.weights(round0 + rounds)
    w32 = w.astype(np.float32)
    race = _median_time(lambda: gumbel_top_k(w32, 512, np.random.default_rng(0)))
    choice = _median_time(lambda: rng.choice(len(w), 512, replace=False, p=w))
    ms, cpu_ms = np.array(wall) * 1e3, np.array(cpu) * 1e3
    return float(np.median(ms)), float(np.percentile(ms, 99)), float(np.median(cpu_ms)), race * 1e3, choice * 1e3


def _bench_state(engine, fresh):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "state.npz")
        t0 = time.perf_counter()
        np.savez(path, **engine.state_dict())
        t1 = time.perf_counter()
        with np.load(path) as f:
            fresh.load_state_dict(dict(f))
        t2 = time.perf_counter()
        size = os.path.getsize(path)
    return t1 - t0, t2 - t1, size


def run(size: int, policy: str, draws: int, warm_rounds: int, report_batches: int,
        thompson: bool = False) -> dict:
    """Measure one pool size; returns the figures."""
    rng = np.random.default_rng(size)
    t0 = time.perf_counter()
    engine = _engine(size, policy, thompson=thompson)
    build = time.perf_counter() - t0
    for r in range(warm_rounds):
        rep, rew, tok, steps = _outcomes(rng, engine.draw(512, r), 0.4)
        engine.report(rep, rew, r, n_tokens=tok, n_steps=steps)
    rep_rate, rep_cpu_rate, base_rate = _bench_report(engine, rng, report_batches, warm_rounds)
    r0 = warm_rounds + report_batches
    med, p99, cpu, race, choice = _bench_draw(engine, rng, draws, r0)
    save, load, nbytes = _bench_state(engine, _engine(size, policy, thompson=thompson))
    return {
        "size": size, "build_s": build, "report_per_s": rep_rate, "report_cpu_per_s": rep_cpu_rate,
        "report_base_per_s": base_rate, "draw_median_ms": med, "draw_p99_ms": p99, "draw_cpu_ms": cpu,
        "race_ms": race, "choice_ms": choice,
        "bytes_per_problem": engine.tracker_.nbytes_per_problem(), "save_s": save, "load_s": load,
        "state_mb": nbytes / 1e6, "seen": int(np.count_nonzero(engine.tracker_.attempts)),
    }


def main(argv=None) -> int:
    """Print the figures for each pool size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated pool sizes")
    parser.add_argument("--policy", default="sai_dpo")
    parser.add_argument("--draws", type=int, default=40, help="draw(512) calls timed per size")
    parser.add_argument("--warm-rounds", type=int, default=20)
    parser.add_argument("--report-batches", type=int, default=100, help="10k-outcome batches timed")
    parser.add_argument("--thompson", choices=sorted(THOMPSON), default="off",
                        help="Thompson exploration in the weights (default off, as SelectionConfig)")
    args = parser.parse_args(argv)
    print(f"policy={args.policy}  thompson={args.thompson}  G={G}  report batch={BATCH}  draw n=512  (cpu count {os.cpu_count()})")
    head = (f"{'N':>9} | {'report/s':>9} {'cpu':>9} {'add.at':>9} | {'draw med':>8} {'p99':>8} {'cpu':>8} | "
            f"{'race':>7} {'choice':>7} | {'B/prob':>6} {'save':>6} {'load':>6} {'MB':>6} {'seen':>8}")
    print(head)
    for size in (int(s) for s in args.sizes.split(",")):
        f = run(size, args.policy, args.draws, args.warm_rounds, args.report_batches, THOMPSON[args.thompson])
        print(f"{f['size']:>9} | {f['report_per_s']:>9.3g} {f['report_cpu_per_s']:>9.3g} {f['report_base_per_s']:>9.3g} | "
              f"{f['draw_median_ms']:>6.1f}ms {f['draw_p99_ms']:>6.1f}ms {f['draw_cpu_ms']:>6.1f}ms | "
              f"{f['race_ms']:>5.1f}ms {f['choice_ms']:>5.1f}ms | "
              f"{f['bytes_per_problem']:>6.0f} {f['save_s']:>5.2f}s {f['load_s']:>5.2f}s {f['state_mb']:>6.1f} "
              f"{f['seen']:>8}", flush=True)
    print("report/s and draw: wall clock (cpu = process CPU time; on a shared machine wall also counts "
          "waiting); add.at = naive np.add.at update; race = our sampler alone vs numpy choice(p=w); "
          "seen = problems with evidence")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
