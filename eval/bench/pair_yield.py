"""Pair yield of iterative DPO: SAI-DPO selection against uniform selection, same budget, one run.

Run from the repository root::

    python -m eval.bench.pair_yield                    # 3 iterations, arith pool of 600, K = 8, seeds 0 1 2
    python -m eval.bench.pair_yield --iterations 4 --seeds 0 1

Build the arithmetic demo pool (``data.build_pool(kind="arith")``) and one tiny policy warm-started on
its easy levels, once. Then, for each loop seed, run the full loop (``rl.dpo``: probe, select, pair,
DPO train) twice from that same policy, once with ``policy=sai_dpo`` and once with ``policy=uniform``. Everything
else is equal: K, the probe size (a uniform probe, identical in both runs at iteration 0), the number
of problems selected per iteration, the DPO settings and seeds. Pair yield is preference pairs per
generated sample, every sample counted (probe samples included), which is what a pair costs. Selected
problems that were probed reuse their probe samples, so a run that selects probed problems spends
fewer samples; the table shows samples and pairs as well as their ratio.

The script prints figures; it asserts nothing. It imports ``rl`` (the DPO loop), as a benchmark
script may: it is an entry point, not library code.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path

POLICIES = ("sai_dpo", "uniform")


def _parse(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pool-size", type=int, default=600)
    p.add_argument("--iterations", type=int, default=3)
    p.add_argument("--k", type=int, default=8)
    p.add_argument("--probe-size", type=int, default=16)
    p.add_argument("--train-size", type=int, default=32)
    p.add_argument("--warm-start-steps", type=int, default=300)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="loop seeds (draws, sampling, DPO)")
    p.add_argument("--pool-seed", type=int, default=0, help="seed of the pool and of the initial policy")
    p.add_argument("--out", default=None, help="folder for the runs (default: a temporary folder)")
    p.add_argument("--json", default=None, help="also write the per-iteration figures to this file")
    return p.parse_args(argv)


def _setup(args, root: Path) -> tuple[str, str]:
    """The pool file and the warm-started initial policy shared by every run."""
    from data import build_pool, load_pool, save_pool
    from rl.dpo import build_initial_policy
    from rl.dpo_config import DPOLoopConfig

    pool_file = save_pool(build_pool(args.pool_size, seed=args.pool_seed, kind="arith"), root / "pool.jsonl")
    cfg = DPOLoopConfig(run_dir=str(root / "unused"), pool=str(pool_file), seed=args.pool_seed,
                        warm_start_steps=args.warm_start_steps)
    return str(pool_file), str(build_initial_policy(load_pool(str(pool_file)), root / "init", cfg))


def _runs(args, seed: int, root: Path, pool_file: str, policy: str) -> dict[str, list[dict]]:
    from rl.dpo import run_dpo
    from rl.dpo_config import DPOLoopConfig

    common = dict(pool=pool_file, iterations=args.iterations, k=args.k, probe_size=args.probe_size,
                  train_size=args.train_size, max_new_tokens=8, seed=seed)
    out = {}
    for name in POLICIES:
        cfg = DPOLoopConfig(run_dir=str(root / f"{name}_{seed}"), model=str(policy), policy=name, **common)
        out[name] = run_dpo(cfg, progress=False)
    return out


def _row(s: dict) -> dict:
    rec = s["round_record"]
    return {"iteration": s["iteration"], "samples": s["n_samples_generated"], "pairs": s["n_pairs"],
            "yield": s["pair_yield"], "reused": s["n_reused_from_probe"],
            "selected_mixed": rec["informative_share"], "probe_mixed": rec["uniform_informative_share"]}


def _print_table(results: dict[int, dict[str, list[dict]]]) -> None:
    print("| seed | policy | iter | samples | pairs | pairs/sample | selected mixed | probe mixed | reused |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    for seed, runs in results.items():
        for name, summaries in runs.items():
            for r in map(_row, summaries):
                print(f"| {seed} | {name} | {r['iteration']} | {r['samples']} | {r['pairs']} | {r['yield']:.3f} "
                      f"| {r['selected_mixed']:.2f} | {r['probe_mixed']:.2f} | {r['reused']} |")
    print()
    totals = {name: [0, 0] for name in POLICIES}
    for runs in results.values():
        for name, summaries in runs.items():
            totals[name][0] += sum(s["n_samples_generated"] for s in summaries)
            totals[name][1] += sum(s["n_pairs"] for s in summaries)
    for name, (samples, pairs) in totals.items():
        print(f"{name:>8}: {pairs} pairs from {samples} samples -> {pairs / max(samples, 1):.4f} pairs per sample")
    y = {n: p / max(s, 1) for n, (s, p) in totals.items()}
    if y["uniform"] > 0:
        print(f"pair yield sai_dpo / uniform: {y['sai_dpo'] / y['uniform']:.2f}x")
    else:
        print("pair yield sai_dpo / uniform: uniform produced no pairs")


def main(argv=None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.WARNING)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.out) if args.out else Path(tmp)
        root.mkdir(parents=True, exist_ok=True)
        pool_file, policy = _setup(args, root)
        t1 = time.perf_counter()
        results = {seed: _runs(args, seed, root, pool_file, policy) for seed in args.seeds}
        t2 = time.perf_counter()
    print(f"pair yield, arith pool of {args.pool_size}, K={args.k}, probe {args.probe_size}, "
          f"select {args.train_size}, {args.iterations} iterations, loop seeds {args.seeds}\n")
    _print_table(results)
    print(f"\nwall time {t2 - t0:.0f} s (pool + warm start {t1 - t0:.0f} s, {2 * len(args.seeds)} loop runs "
          f"{t2 - t1:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(
            {str(seed): {n: [_row(s) for s in ss] for n, ss in runs.items()} for seed, runs in results.items()},
            indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
