"""Turn benchmark runs into per-scenario figures: final accuracy with CIs, efficiency, gap closed."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from eval.simbench.harness import RunResult
from eval.simbench.peers import CEILINGS

__all__ = ["PolicyRow", "ScenarioSummary", "summarise", "check_targets", "ci95", "paired_diff"]

# Two-sided 95% Student-t quantiles for 1..30 degrees of freedom.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
         2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
         2.045, 2.042)
GRID_POINTS = 201


def ci95(values) -> tuple[float, float]:
    """Mean and half-width of the 95% t-interval (half-width nan for one value)."""
    v = np.asarray(values, dtype=np.float64)
    mean = float(v.mean())
    if v.size < 2:
        return mean, float("nan")
    t = _T975[v.size - 2] if v.size - 1 <= len(_T975) else 1.96
    return mean, float(t * v.std(ddof=1) / math.sqrt(v.size))


def _on_grid(run: RunResult, grid: np.ndarray, key: str = "accuracy") -> np.ndarray:
    """Step-interpolate a run's curve: accuracy after the last step with rollouts <= x."""
    pos = np.searchsorted(run.rollouts, grid, side="right") - 1
    return getattr(run, key)[np.clip(pos, 0, None)]


@dataclass
class PolicyRow:
    """One policy's figures in one scenario (means over seeds)."""

    policy: str
    n_seeds: int
    final: float
    final_ci: float
    aime: float
    math: float
    informative: float
    rollouts_to_uniform: float       # nan if never reached uniform's final accuracy
    efficiency: float                # budget / rollouts_to_uniform (nan if not reached)
    gap_closed: float                # (final - uniform) / (oracle - uniform); nan if no oracle/uniform
    diff_vs_uniform: float = float("nan")    # paired (same seeds) mean difference
    diff_vs_uniform_ci: float = float("nan")


@dataclass
class ScenarioSummary:
    """Everything the report shows for one scenario."""

    scenario: str
    budget: int
    grid: np.ndarray
    curves: dict[str, np.ndarray]            # policy -> (seeds, grid) accuracy
    rows: list[PolicyRow] = field(default_factory=list)
    finals: dict[str, dict[int, float]] = field(default_factory=dict)  # policy -> seed -> final accuracy

    def row(self, policy: str) -> PolicyRow | None:
        return next((r for r in self.rows if r.policy == policy), None)


def _reach(mean_curve: np.ndarray, grid: np.ndarray, target: float) -> float:
    hit = np.flatnonzero(mean_curve >= target - 1e-12)
    return float(grid[hit[0]]) if hit.size else float("nan")


def _finals(runs: list[RunResult]) -> dict[int, float]:
    return {r.seed: float(r.accuracy[-1]) for r in runs}


def _summarise_scenario(name: str, runs: list[RunResult]) -> ScenarioSummary:
    budget = max(r.budget for r in runs)
    grid = np.linspace(0, budget, GRID_POINTS)
    by_policy: dict[str, list[RunResult]] = {}
    for r in runs:
        by_policy.setdefault(r.policy, []).append(r)
    curves = {p: np.stack([_on_grid(r, grid) for r in rs]) for p, rs in by_policy.items()}
    uni = _finals(by_policy["uniform"]) if "uniform" in by_policy else None
    uni_final = float(np.mean(list(uni.values()))) if uni else float("nan")
    orc_final = float(np.mean([r.accuracy[-1] for r in by_policy["oracle"]])) if "oracle" in by_policy else float("nan")
    summary = ScenarioSummary(name, budget, grid, curves, finals={p: _finals(rs) for p, rs in by_policy.items()})
    for policy, rs in by_policy.items():
        mean, half = ci95([r.accuracy[-1] for r in rs])
        reach = _reach(curves[policy].mean(axis=0), grid, uni_final) if uni else float("nan")
        gap = (mean - uni_final) / (orc_final - uni_final) if orc_final - uni_final > 1e-9 else float("nan")
        row = PolicyRow(
            policy=policy, n_seeds=len(rs), final=mean, final_ci=half,
            aime=float(np.mean([r.aime[-1] for r in rs])), math=float(np.mean([r.math[-1] for r in rs])),
            informative=float(np.mean([r.informative_share for r in rs])),
            rollouts_to_uniform=reach, efficiency=budget / reach if reach > 0 else float("nan"), gap_closed=gap,
        )
        if uni:
            diffs = [r.accuracy[-1] - uni[r.seed] for r in rs if r.seed in uni]
            if diffs:
                row.diff_vs_uniform, row.diff_vs_uniform_ci = ci95(diffs)
        summary.rows.append(row)
    return summary


def summarise(results: list[RunResult]) -> dict[str, ScenarioSummary]:
    """Group runs by scenario (order of first appearance) and compute every figure."""
    groups: dict[str, list[RunResult]] = {}
    for r in results:
        groups.setdefault(r.scenario, []).append(r)
    return {name: _summarise_scenario(name, runs) for name, runs in groups.items()}


def paired_diff(s: ScenarioSummary, a: str, b: str) -> tuple[float, float, int]:
    """Mean and 95% half-width of ``a - b`` over the seeds both ran (same worlds), and their number."""
    fa, fb = s.finals.get(a, {}), s.finals.get(b, {})
    diffs = [fa[k] - fb[k] for k in fa if k in fb]
    if not diffs:
        return float("nan"), float("nan"), 0
    mean, half = ci95(diffs)
    return mean, half, len(diffs)


NEW_PEERS = ("mopps", "gps")  # issue 18: SAI-DPO must beat both in every scenario


def _peer_targets(summaries: dict[str, ScenarioSummary], method: str) -> list[tuple[str, bool | None, str]]:
    """Above MoPPS and GPS everywhere; on balanced with paired 95% intervals that exclude zero."""
    out: list[tuple[str, bool | None, str]] = []
    for name, s in summaries.items():
        peers = [p for p in NEW_PEERS if p in s.finals]
        if method not in s.finals or not peers:
            continue
        parts, ok = [], True
        for peer in peers:
            mean, half, n = paired_diff(s, method, peer)
            strict = name == "balanced"
            ok &= bool(mean - half > 0) if strict and not math.isnan(half) else bool(mean > 0)
            parts.append(f"vs {peer} {mean:+.3f} +- {half:.3f} (paired, {n} seeds)")
        what = "above mopps and gps, paired 95% CIs excluding 0" if name == "balanced" else "above mopps and gps"
        out.append((f"{name}: {what}", ok, "; ".join(parts)))
    return out


def _x(efficiency: float) -> str:
    return "not reached" if math.isnan(efficiency) else f"{efficiency:.2f}x"


def _others(s: ScenarioSummary, method: str) -> list[PolicyRow]:
    return [r for r in s.rows if r.policy not in (method, *CEILINGS) and not r.policy.startswith(method + ":")]


def check_targets(summaries: dict[str, ScenarioSummary], method: str = "sai_dpo") -> list[tuple[str, bool | None, str]]:
    """The issue's targets as (target, met or None when not measurable, figures)."""
    out: list[tuple[str, bool | None, str]] = []
    bal = summaries.get("balanced")
    me = bal.row(method) if bal else None
    uni = bal.row("uniform") if bal else None
    if me is not None:
        others = _others(bal, method)
        best = max(others, key=lambda r: r.final) if others else None
        if best is not None:
            sep = me.final - me.final_ci > best.final + best.final_ci
            out.append(("balanced: final accuracy above every policy but the ceilings (oracle, informed)",
                        me.final > best.final,
                        f"{method} {me.final:.3f} +- {me.final_ci:.3f} vs best other {best.policy} "
                        f"{best.final:.3f} +- {best.final_ci:.3f} (CIs {'do not overlap' if sep else 'overlap'})"))
        if uni is not None:  # issue 18 replaced issue 5's fixed 2x and 80% by these two
            inf = bal.row("informed")
            ratio = me.efficiency / inf.efficiency if inf is not None and inf.efficiency > 0 else float("nan")
            ceiling = "informed not run" if inf is None else f"informed {_x(inf.efficiency)}, ratio {ratio:.0%}"
            out.append(("balanced: rollout efficiency >= 95% of the informed ceiling's",
                        None if inf is None else bool(ratio >= 0.95),
                        f"reaches uniform's final {uni.final:.3f} after {me.rollouts_to_uniform:.0f} of "
                        f"{bal.budget} rollouts ({_x(me.efficiency)}; {ceiling})"))
            out.append(("balanced: closes >= 85% of the uniform-to-oracle gap",
                        None if math.isnan(me.gap_closed) else bool(me.gap_closed >= 0.85),
                        f"{100 * me.gap_closed:.0f}% closed"))
            ratio = me.informative / uni.informative if uni.informative else float("nan")
            out.append(("balanced: informative-group share >= 1.5x uniform's", bool(ratio >= 1.5),
                        f"{me.informative:.2f} vs {uni.informative:.2f} ({ratio:.2f}x)"))
    out += _peer_targets(summaries, method)
    for name, s in summaries.items():
        if name == "balanced":
            continue
        m, u = s.row(method), s.row("uniform")
        if m is None or u is None:
            continue
        out.append((f"{name}: at least as good as uniform", m.final >= u.final,
                    f"{m.final:.3f} vs {u.final:.3f} (paired diff {m.diff_vs_uniform:+.3f} +- "
                    f"{m.diff_vs_uniform_ci:.3f})"))
    return out
