"""Estimates derived from the tracker: hierarchical cell accuracy and step/length difficulty ranks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sai_dpo._tracker import Tracker


def _logit(p):
    return np.log(p) - np.log1p(-p)


@dataclass
class CellEstimates:
    """Shrunk accuracies: ``cell`` (n_skills, n_levels), ``skill``, ``level``, ``glob`` (scalar)."""

    cell: np.ndarray
    skill: np.ndarray
    level: np.ndarray
    glob: float
    attempts: np.ndarray  # decayed cell attempts (n_skills, n_levels)
    successes: np.ndarray


def cell_estimates(tracker: Tracker, round_: int | None, m: float, base: float) -> CellEstimates:
    """Hierarchical shrinkage of the decayed (skill, level) table.

    global = (S + m * base) / (A + m); skill and level margins shrink toward global with strength m;
    a cell's prior adds the skill's and the level's offsets from global in logit space
    (``logit skill + logit level - logit global``), so a skill never tried at level 5 starts from
    "this skill, at level-5 difficulty"; the cell then shrinks toward that prior with strength m:
    cell = (S_c + m * prior_c) / (A_c + m). A skill never seen gets prior = its level's accuracy.
    """
    att, succ = tracker.cell_counts(round_)
    a = att.reshape(tracker.n_skills, tracker.n_levels)
    s = succ.reshape(tracker.n_skills, tracker.n_levels)
    g = (s.sum() + m * base) / (a.sum() + m)
    skill = (s.sum(1) + m * g) / (a.sum(1) + m)
    level = (s.sum(0) + m * g) / (a.sum(0) + m)
    z = _logit(skill)[:, None] + _logit(level)[None, :] - _logit(g)
    prior = 1.0 / (1.0 + np.exp(-z))
    cell = (s + m * prior) / (a + m)
    return CellEstimates(cell, skill, level, float(g), a, s)


def _binned_rank(values: np.ndarray, observed: np.ndarray, codes_of) -> np.ndarray:
    """Mid-rank in [0, 1] of each value among the observed values, via a 1024-bin histogram."""
    codes = codes_of(np.nan_to_num(values, nan=0.0))
    hist = np.bincount(codes[observed], minlength=1024).astype(np.float64)
    total = hist.sum()
    if total == 0:
        return np.zeros(len(values), np.float32)
    mid = (np.cumsum(hist) - hist / 2) / total
    out = mid.astype(np.float32)[codes]
    out[np.isnan(values)] = 0.0
    return out


def _step_codes(v):
    return np.clip(np.rint(v * 4), 0, 1023).astype(np.int32)


def _token_codes(v):
    return np.clip(np.rint(np.log2(1.0 + v) * 32), 0, 1023).astype(np.int32)


def length_rank(tracker: Tracker) -> np.ndarray:
    """(rank(steps) + rank(tokens)) / 2 per problem, ranks in [0, 1] over observed problems.

    Unseen problems take their cell's mean steps/tokens; a feature never reported ranks 0. Ranks
    come from a 1024-bin histogram (steps in quarter steps, tokens on a log2 scale, 1/32 octave), so
    the cost is O(N) with no sort; the rank only breaks ties (weight ``difficulty_weight``).
    """
    parts = []
    for arr, s, w, codes_of in (
        (tracker.steps, tracker.c_steps, tracker.c_steps_w, _step_codes),
        (tracker.tokens, tracker.c_tok, tracker.c_tok_w, _token_codes),
    ):
        observed = ~np.isnan(arr)
        with np.errstate(invalid="ignore", divide="ignore"):
            cell_mean = np.where(w > 0, s / w, np.nan).astype(np.float32)
        vals = np.where(observed, arr, cell_mean[tracker.cell_of])
        parts.append(_binned_rank(vals, observed, codes_of))
    return (parts[0] + parts[1]) * np.float32(0.5)
