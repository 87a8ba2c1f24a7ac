"""Estimates derived from the tracker: hierarchical cell accuracy and step/length difficulty ranks."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sai_dpo._tracker import Tracker, step_code, token_code


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


def _rank_table(hist: np.ndarray, cell_sum: np.ndarray, cell_w: np.ndarray, code_of) -> np.ndarray:
    """Rank in [0, 1] per code: bins 0..1023 from the histogram, then one entry per cell.

    Normalised mid-rank over the measured problems: the lowest value ranks 0, the highest 1, ties
    share a rank. Entry 1024 + c is the rank of cell c's mean (0 when the cell has no measurement).
    """
    total = float(hist.sum())
    h = hist.astype(np.float64)
    rank = np.clip((np.cumsum(h) - h + (h - 1) / 2) / max(total - 1, 1), 0, 1)
    cell_rank = np.zeros(len(cell_w))
    has = cell_w > 0
    if total > 0 and has.any():
        cell_rank[has] = rank[code_of(cell_sum[has] / cell_w[has])]
    if total == 0:
        rank[:] = 0
    return np.concatenate([rank, cell_rank]).astype(np.float32)


def length_rank(tracker: Tracker, out: np.ndarray | None = None, tmp: np.ndarray | None = None) -> np.ndarray:
    """(rank(steps) + rank(tokens)) / 2 per problem, ranks in [0, 1] over measured problems.

    Problems never measured take their cell's mean steps/tokens; a feature never reported ranks 0.
    Ranks come from 1024-bin histograms the tracker keeps up to date at each report (steps in
    quarter steps, tokens on a log2 scale, 1/32 octave), so this is two lookups per problem; the
    rank only breaks ties (weight ``difficulty_weight``).
    """
    n = tracker.n
    out = np.empty(n, np.float32) if out is None else out
    tmp = np.empty(n, np.float32) if tmp is None else tmp
    steps = _rank_table(tracker.step_hist, tracker.c_steps, tracker.c_steps_w, step_code)
    tokens = _rank_table(tracker.token_hist, tracker.c_tok, tracker.c_tok_w, token_code)
    np.take(steps, tracker.step_code, out=out, mode="clip")
    np.take(tokens, tracker.token_code, out=tmp, mode="clip")
    out += tmp
    out *= np.float32(0.5)
    return out
