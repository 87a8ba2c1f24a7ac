"""Benchmark: score 10,000 completions against the builtin MATH-style set and print the figures.

    python -m eval.bench.eval_speed [--n 10000] [--k 8] [--workers 2]

Completions are synthetic but checker-realistic: 40% the gold answer boxed, 10% an equivalent
rewrite of a numeric gold (decimal or \\frac form), 35% a wrong answer, 15% no answer at all.
Prints the wall time of (1) scoring with ``verify_batch`` (parallel, progress bar), (2) the whole
``evaluate`` (scoring + maj@k classes + metrics), and (3) a sequential ``verify`` loop on a subset
as the in-run baseline, with the ratio.
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction


def _rewrite(gold: str, rng: random.Random) -> str:
    try:
        q = Fraction(gold)
    except (ValueError, ZeroDivisionError):
        return gold
    if q.denominator == 1:
        return f"{q.numerator}.0" if rng.random() < 0.5 else f"\\frac{{{2 * q.numerator}}}{{2}}"
    return f"\\frac{{{q.numerator}}}{{{q.denominator}}}"


def _wrong(gold: str, golds: list[str], rng: random.Random) -> str:
    try:
        return str(int(gold) + rng.choice([-2, -1, 1, 3]))
    except ValueError:
        return rng.choice(golds)


def make_rows(pool, n: int, k: int, seed: int = 0) -> list[dict]:
    """``n`` generation rows, ``k`` per problem, over the problems of ``pool``."""
    rng = random.Random(seed)
    records = pool.to_list()
    golds = [r["answer"] for r in records]
    rows = []
    for r in records:
        for j in range(k):
            u = rng.random()
            if u < 0.40:
                ans = f"\\boxed{{{r['answer']}}}"
            elif u < 0.50:
                ans = f"\\boxed{{{_rewrite(r['answer'], rng)}}}"
            elif u < 0.85:
                ans = f"\\boxed{{{_wrong(r['answer'], golds, rng)}}}"
            else:
                ans = None
            end = "I am not sure how to finish this." if ans is None else f"So the answer is {ans}"
            text = f"First, read the problem.\nThen compute carefully.\n{end}"
            rows.append({"problem_id": r["id"], "sample": j, "completion": text})
    return rows


def _clear_caches() -> None:
    from eval.checker import _verify

    cache = getattr(_verify, "_prepare", None)
    if hasattr(cache, "cache_clear"):
        cache.cache_clear()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--k", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--baseline", type=int, default=1000, help="completions in the sequential baseline")
    args = parser.parse_args(argv)

    from data import load_pool
    from eval._generations_io import match_generations
    from eval.checker import verify, warmup
    from eval.runner import ScoringConfig, evaluate, score

    full = load_pool("builtin:math-style")
    pool = full.select(range(min(len(full), args.n // args.k)))
    rows = make_rows(pool, args.n, args.k)
    scoring = ScoringConfig(workers=args.workers, progress=True)
    t = time.perf_counter()
    warmup(args.workers)
    print(f"checker warm-up: {time.perf_counter() - t:.2f} s (one-off worker start)")

    matched, _ = match_generations(rows, pool)
    # Each measurement starts from a cold in-process parse cache so none profits from another.
    sub = [(m.gold, c) for m in matched for c in m.completions][:: max(1, len(rows) // args.baseline)]
    _clear_caches()
    t = time.perf_counter()
    for gold, text in sub:
        verify(gold, text)
    t_seq = (time.perf_counter() - t) * len(rows) / max(len(sub), 1)

    _clear_caches()
    t = time.perf_counter()
    score(matched, scoring=scoring)
    t_score = time.perf_counter() - t

    _clear_caches()
    t = time.perf_counter()
    result = evaluate(rows, pool, scoring=scoring)
    t_eval = time.perf_counter() - t

    m = result.metrics
    print(f"completions: {len(rows)} ({len(matched)} problems x {args.k}), workers={args.workers}")
    print(f"status counts: {m['status_counts']}")
    print(f"score (verify_batch, parallel):        {t_score:7.2f} s  ({len(rows) / t_score:8.0f} completions/s)")
    print(f"evaluate (score + maj@k + metrics):    {t_eval:7.2f} s  ({len(rows) / t_eval:8.0f} completions/s)")
    print(f"baseline sequential verify (projected): {t_seq:6.2f} s  (from {len(sub)} evenly spaced calls)")
    print(f"speed-up of score over sequential: {t_seq / t_score:.2f}x; target: evaluate < 60 s -> "
          f"{'met' if t_eval < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
