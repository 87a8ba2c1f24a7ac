"""Benchmark of the predictive prior (``SelectionConfig.prior="predictive"``) against the cell prior.

Run from the repository root::

    python -m eval.bench.predictive_prior                       # scale at 1M, then log-loss
    python -m eval.bench.predictive_prior --part scale --size 1000000 --strength 0
    python -m eval.bench.predictive_prior --part logloss --seeds 3

The world (fixed before any run): a pool of 50 skills x 5 levels; problem i's features x_i are d
standard normals (float32); its pass rate is

    logit p_i = level effect (2, 1, 0, -1, -2) + skill effect (N(0, 0.5^2), fixed per skill)
                + strength * (x_i . u) + N(0, 0.5^2)

with u a fixed unit vector: at strength 1 the features explain a logit sd of 1 within a cell, at
strength 0 nothing. The learner does not change (p_i fixed), so the log-losses compare priors only.

``scale`` (``eval/bench/engine.py``'s protocol, the cell prior measured in the same run as the
baseline, strength 1 so that the predictive prior is in use when timed): report throughput in
batches of 10k outcomes (1,250 problems x 8), ``draw(512)`` latency over ``--draws`` rounds (each
after a report), bytes per problem, ``state_dict`` -> ``np.savez`` -> ``np.load`` ->
``load_state_dict``, and the model's own costs: one refit and one recompute of the per-problem
offsets (one N x d product), amortised over the rows between refits.

``scale`` also times :func:`sai_dpo.problem_features` over ``--text-size`` synthetic texts.

``logloss``: for each strength and seed, ``--rounds`` rounds of draw(512) + 8 rollouts each through
an engine with the predictive prior; prints the prequential log-loss per outcome of both priors (each
report scored before either learns from it), the share of rounds the gate used the model, and the
expected log-loss under the true pass rates of the problems never drawn (what the prior is for).
A cell-prior engine runs the same rounds: with strength 0 its draws must be the same (the gate stays
shut, so the model costs nothing but its scoring) and its wall time is printed beside.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np

from sai_dpo import SelectionConfig, SelectionEngine, problem_features
from sai_dpo._predictive import BUFFER_ROWS, REFIT_MIN_ROWS

G = 8
BATCH = 10_000
DIM = 32


def world(n: int, strength: float, seed: int = 0, dim: int = DIM):
    """(skills, levels, features float32 (n, dim), true pass rates) of the module docstring's world."""
    rng = np.random.default_rng(seed)
    skills, levels = rng.integers(0, 50, n), rng.integers(1, 6, n)
    skill_eff = np.random.default_rng(1234).normal(0, 0.5, 50)
    x = rng.standard_normal((n, dim), dtype=np.float32)
    u = np.random.default_rng(4321).standard_normal(dim)
    u /= np.linalg.norm(u)
    z = (3 - levels) + skill_eff[skills] + strength * (x @ u) + rng.normal(0, 0.5, n)
    return skills, levels, x, 1 / (1 + np.exp(-z))


def _engine(skills, levels, x, prior: str, seed: int = 0) -> SelectionEngine:
    return SelectionEngine(skills, levels, SelectionConfig(seed=seed, prior=prior),
                           features=x if prior == "predictive" else None)


def _outcomes(rng, idx, p):
    rep = np.repeat(idx, G)
    return rep, (rng.random(len(rep)) < p[rep]).astype(np.float64)


# ---------------------------------------------------------------------------------------- scale
def _scale_one(prior, w, draws, warm_rounds, report_batches) -> dict:
    skills, levels, x, p = w
    n = len(p)
    rng = np.random.default_rng(n)
    t0 = time.perf_counter()
    e = _engine(skills, levels, x, prior)
    build = time.perf_counter() - t0
    for r in range(warm_rounds):
        e.report(*_outcomes(rng, e.draw(512, r), p), r)
    batches = [_outcomes(rng, rng.integers(0, n, BATCH // G), p) for _ in range(report_batches)]
    c0, t0 = time.process_time(), time.perf_counter()
    for b, (rep, rew) in enumerate(batches):
        e.report(rep, rew, warm_rounds + b // 4)
    rep_wall, rep_cpu = time.perf_counter() - t0, time.process_time() - c0
    r0 = warm_rounds + report_batches
    wall, cpu, used = [], [], 0
    for r in range(r0, r0 + draws):
        c0, t0 = time.process_time(), time.perf_counter()
        idx = e.draw(512, r)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        used += e.predictor_ is not None and e.predictor_.active
        e.report(*_outcomes(rng, idx, p), r)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "state.npz")
        t0 = time.perf_counter()
        np.savez(path, **e.state_dict())
        t1 = time.perf_counter()
        fresh = _engine(skills, levels, x, prior)
        t2 = time.perf_counter()
        with np.load(path) as f:
            fresh.load_state_dict(dict(f))
        t3 = time.perf_counter()
        state_mb = os.path.getsize(path) / 1e6
    out = {
        "prior": prior, "build_s": build, "report_per_s": BATCH * report_batches / rep_wall,
        "report_cpu_per_s": BATCH * report_batches / rep_cpu, "draw_med_ms": float(np.median(wall)) * 1e3,
        "draw_p99_ms": float(np.percentile(wall, 99)) * 1e3, "draw_cpu_ms": float(np.median(cpu)) * 1e3,
        "tracker_b": e.tracker_.nbytes_per_problem(), "model_b": 0.0, "features_b": 0.0,
        "save_s": t1 - t0, "load_s": t3 - t2, "state_mb": state_mb, "used": used / draws,
    }
    if e.predictor_ is not None:
        pred = e.predictor_
        out["model_b"] = pred.offsets().nbytes / n
        out["features_b"] = x.nbytes / n
        t0 = time.perf_counter()
        pred.fit()
        out["fit_ms"] = (time.perf_counter() - t0) * 1e3
        pred.coef_ = pred.coef_ + 1e-3  # force a recompute
        t0 = time.perf_counter()
        pred.offsets()
        out["offsets_ms"] = (time.perf_counter() - t0) * 1e3
    return out


def run_scale(size: int, strength: float, draws: int, warm_rounds: int, report_batches: int) -> list[dict]:
    """Both priors on one world of ``size`` problems; prints and returns the figures."""
    w = world(size, strength)
    print(f"scale: N={size}  d={DIM}  strength={strength}  G={G}  report batch={BATCH}  draw n=512  "
          f"(cpu count {os.cpu_count()})")
    print(f"{'prior':>10} | {'report/s':>9} {'cpu':>9} | {'draw med':>8} {'p99':>8} {'cpu':>8} | "
          f"{'B/prob':>6} {'+model':>6} {'+feat':>6} | {'save':>6} {'load':>6} {'MB':>6} | {'used':>5}")
    rows = []
    for prior in ("cell", "predictive"):
        f = _scale_one(prior, w, draws, warm_rounds, report_batches)
        rows.append(f)
        print(f"{prior:>10} | {f['report_per_s']:>9.3g} {f['report_cpu_per_s']:>9.3g} | {f['draw_med_ms']:>6.1f}ms "
              f"{f['draw_p99_ms']:>6.1f}ms {f['draw_cpu_ms']:>6.1f}ms | {f['tracker_b']:>6.0f} {f['model_b']:>6.0f} "
              f"{f['features_b']:>6.0f} | {f['save_s']:>5.2f}s {f['load_s']:>5.2f}s {f['state_mb']:>6.1f} | "
              f"{f['used']:>5.2f}", flush=True)
    f = rows[1]
    every = BUFFER_ROWS  # rows between refits once the buffer is full
    print(f"model: one refit {f['fit_ms']:.1f} ms (inside report), offsets recompute {f['offsets_ms']:.1f} ms (the "
          f"next draw, only while the model is used); a refit after {REFIT_MIN_ROWS} first-draw rows, then after as "
          f"many as held, i.e. every {every} rows (~{every * G} outcomes) at steady state -> "
          f"{(f['fit_ms'] + f['offsets_ms']) * 1e3 / (every * G):.3f} us per outcome amortised")
    print("used = share of timed draws that used the predictive prior; B/prob = tracker, +model = offsets "
          "cache, +feat = the features (4 * d bytes); wall clock, cpu = process CPU time")
    return rows


def run_text(n: int) -> float:
    """Seconds of ``problem_features`` (dim 32) over ``n`` synthetic problem texts (~280 characters)."""
    rng = np.random.default_rng(0)
    vocab = np.array("find the number of integers such that triangle area circle radius probability prime sum "
                     "digits let be $x^2$ \\frac{1}{2} + = ( ) , . 3 17 2024 remainder divided by".split())
    texts = [" ".join(vocab[rng.integers(0, len(vocab), 50)]) for _ in range(n)]
    t0 = time.perf_counter()
    problem_features(texts)
    dt = time.perf_counter() - t0
    chars = sum(map(len, texts)) / n
    print(f"problem_features: {n} texts of ~{chars:.0f} characters in {dt:.2f} s ({n / dt:,.0f} texts/s; "
          f"1M texts ~{dt * 1e6 / n:.0f} s, once at load)")
    return dt


# -------------------------------------------------------------------------------------- logloss
def _loss(p_true, q) -> float:
    q = np.clip(q, 1e-4, 1 - 1e-4)
    return float(np.mean(-(p_true * np.log(q) + (1 - p_true) * np.log1p(-q))))


def _logloss_one(size, strength, seed, rounds, batch=512) -> dict:
    skills, levels, x, p = world(size, strength, seed=seed)
    out = {}
    draws = {}
    for prior in ("cell", "predictive"):
        e = _engine(skills, levels, x, prior, seed=seed)
        rng = np.random.default_rng(seed + 1000)
        got, used = [], 0
        t0 = time.perf_counter()
        for r in range(rounds):
            idx = e.draw(batch, r)
            got.append(idx)
            used += e.predictor_ is not None and e.predictor_.active
            e.report(*_outcomes(rng, idx, p), r)
        out[f"{prior}_s"] = time.perf_counter() - t0
        draws[prior] = np.concatenate(got)
    s = e.summary()["prior"]
    never = np.flatnonzero(e.tracker_.attempts == 0)
    cell = e._estimates().cell.ravel()[e.tracker_.cell_of[never]]
    pred = 1 / (1 + np.exp(-(np.log(cell) - np.log1p(-cell) + e.predictor_.linear(never))))
    out.update(cell=s["logloss_cell"], predictive=s["logloss_predictive"], used=used / rounds, z=s["gate_z"],
               unseen_cell=_loss(p[never], cell), unseen_pred=_loss(p[never], pred),
               same_draws=bool(np.array_equal(draws["cell"], draws["predictive"])))
    return out


def run_logloss(size: int, strengths, seeds: int, rounds: int, batch: int = 512) -> list[dict]:
    """Prequential log-loss of both priors per strength, mean over seeds (prints and returns)."""
    print(f"log-loss: N={size}  d={DIM}  {rounds} rounds of draw({batch}) x {G} rollouts  seeds {seeds}")
    print(f"{'strength':>8} | {'cell':>7} {'predict':>7} {'diff':>8} | {'z':>6} {'used':>5} | "
          f"{'unseen cell':>11} {'unseen pred':>11} | {'same draws':>10} | {'time cell':>9} {'pred':>6}")
    rows = []
    for strength in strengths:
        fs = [_logloss_one(size, strength, 100 + s, rounds, batch) for s in range(seeds)]
        m = {k: float(np.mean([f[k] for f in fs])) for k in fs[0] if k != "same_draws"}
        diffs = np.array([f["cell"] - f["predictive"] for f in fs])
        m["diff_sd"] = float(diffs.std(ddof=1)) if seeds > 1 else 0.0
        m["same"] = sum(f["same_draws"] for f in fs)
        m["strength"] = strength
        rows.append(m)
        print(f"{strength:>8} | {m['cell']:>7.4f} {m['predictive']:>7.4f} {m['cell'] - m['predictive']:>+8.4f} | "
              f"{m['z']:>6.1f} {m['used']:>5.2f} | {m['unseen_cell']:>11.4f} {m['unseen_pred']:>11.4f} | "
              f"{m['same']:>4}/{seeds:<5} | {m['cell_s']:>8.2f}s {m['predictive_s']:>5.2f}s", flush=True)
    print("cell/predict: prequential log-loss per outcome of each prior's posterior mean (lower is better), diff = "
          "cell - predictive; z = the gate's statistic at the end (model used while z > 2); used = share of rounds "
          "it was; unseen: expected log-loss under the true pass rates over problems never drawn; same draws: "
          "seeds whose draws equal the cell prior's")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("all", "scale", "logloss"), default="all")
    parser.add_argument("--size", type=int, default=1_000_000, help="pool size of the scale part")
    parser.add_argument("--strength", type=float, default=1.0, help="feature strength of the scale part's world")
    parser.add_argument("--text-size", type=int, default=100_000,
                        help="texts timed through problem_features (0: skip)")
    parser.add_argument("--draws", type=int, default=40)
    parser.add_argument("--warm-rounds", type=int, default=20)
    parser.add_argument("--report-batches", type=int, default=100)
    parser.add_argument("--logloss-size", type=int, default=100_000)
    parser.add_argument("--strengths", default="0,0.5,1")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--batch", type=int, default=512, help="problems drawn per round in the log-loss part")
    args = parser.parse_args(argv)
    if args.part in ("all", "scale"):
        run_scale(args.size, args.strength, args.draws, args.warm_rounds, args.report_batches)
        if args.text_size:
            run_text(args.text_size)
    if args.part in ("all", "logloss"):
        run_logloss(args.logloss_size, [float(s) for s in args.strengths.split(",")], args.seeds, args.rounds,
                    args.batch)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
