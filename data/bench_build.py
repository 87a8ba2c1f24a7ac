"""Benchmark the built-in generator and the clustering; prints figures (no asserts).

Run from the repo root:
    python -m data.bench_build --n 100000            # build time per kind
    python -m data.bench_build --cluster-n 20000     # plus TF-IDF ARI over 3 seeds
    python -m data.bench_build --n 0 --embed-n 1000  # plus the embeddings ARI on a small pool
"""

from __future__ import annotations

import argparse
import statistics
import time


def _bench_build(n: int, kinds: list[str]) -> None:
    from data.generator import build_pool, generate_records

    for kind in kinds:
        t0 = time.perf_counter()
        cols = generate_records(n, seed=0, kind=kind)
        t1 = time.perf_counter()
        pool = build_pool(n, seed=0, kind=kind)
        t2 = time.perf_counter()
        print(
            f"build {kind:<11} n={n}: generate {t1 - t0:6.2f} s ({n / (t1 - t0):9.0f}/s), "
            f"build_pool incl. validation + Dataset {t2 - t1:6.2f} s; distinct texts {len(set(cols['problem']))}; "
            f"rows {len(pool)}"
        )


def _bench_cluster(n: int, method: str, seeds: list[int], kind: str) -> None:
    from data.cluster import cluster_pool
    from data.generator import build_pool

    aris, times = [], []
    for seed in seeds:
        pool = build_pool(n, seed=seed, kind=kind)
        t0 = time.perf_counter()
        _, _, ari = cluster_pool(pool, method=method, seed=seed)
        times.append(time.perf_counter() - t0)
        aris.append(ari)
        print(f"cluster {method:<5} {kind} n={n} seed={seed}: ARI {ari:.3f} in {times[-1]:.1f} s")
    spread = f" (min {min(aris):.3f}, max {max(aris):.3f})" if len(aris) > 1 else ""
    print(f"cluster {method:<5} {kind} n={n}: mean ARI {statistics.mean(aris):.3f}{spread} over {len(aris)} seed(s)")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100000, help="problems per kind for the build timing (0: skip)")
    ap.add_argument("--kinds", default="mixed,arith", help="comma-separated kinds to time")
    ap.add_argument("--cluster-n", type=int, default=0, help="pool size for the TF-IDF ARI (0: skip)")
    ap.add_argument("--cluster-kind", default="mixed")
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--embed-n", type=int, default=0, help="pool size for the embeddings ARI (0: skip)")
    args = ap.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    if args.n:
        _bench_build(args.n, args.kinds.split(","))
    if args.cluster_n:
        _bench_cluster(args.cluster_n, "tfidf", seeds, args.cluster_kind)
    if args.embed_n:
        _bench_cluster(args.embed_n, "embed", seeds[:1], args.cluster_kind)
        _bench_cluster(args.embed_n, "tfidf", seeds[:1], args.cluster_kind)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
