"""Per-problem pass-rate posteriors with repeat calibration (DESIGN.md section 4, item 4).

A problem's posterior is Beta(s + k pi, a - s + k (1 - pi)), pi its cell's shrunk accuracy. Problems
that are drawn again are a selected population: they were chosen because their estimate looked
informative (winner's curse), and the model may have practised them since (it trained on them),
so their next outcomes differ systematically from the estimate. The engine scores each repeat's
outcomes against its estimate before adding them (``Tracker.calib``: decayed score
sum(s - n p) and information sum(n p (1 - p))) and shifts the logit of every seen problem by the
one-step logistic estimate delta = score / (information + CALIB_PRIOR). The concentration a + k is
kept. On a learner without practice effects delta stays near 0.
"""

from __future__ import annotations

import math

import numpy as np

from sai_dpo._estimates import CellEstimates
from sai_dpo._tracker import NEVER, Tracker

_LO, _HI = np.float32(1e-4), np.float32(1 - 1e-4)
SEEN = np.float32(0.5)  # decayed attempts from which a problem counts as seen
_MAX_SHIFT = 80.0  # |logit shift| kept so that e^shift stays a normal float32 (e^80 ~ 5.5e34, e^-80 ~ 1.8e-35)
CALIB_PRIOR = 8.0  # pseudo-information (four groups of eight at p = 0.5) shrinking delta toward 0


def repeat_shift(tracker: Tracker, round_: int) -> float:
    """Logit shift delta of seen problems at ``round_``: decayed score / (information + prior)."""
    score, info, at = tracker.calib
    if at == NEVER:
        return 0.0
    f = tracker.cell_gamma ** max(round_ - at, 0)
    return float(score * f / (info * f + CALIB_PRIOR))


def means_in_place(a: np.ndarray, s: np.ndarray, pi: np.ndarray, k: float,
                   shift: float) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Posterior (mean, concentration a + k, seen mask) from decayed attempts ``a``, successes ``s``
    and cell rates ``pi`` (float32); overwrites ``s`` with the mean, ``a`` with the concentration
    and ``pi`` with scratch values.

    Seen problems (decayed attempts above ``SEEN``) have their mean, clipped to [1e-4, 1 - 1e-4],
    moved by ``shift`` in logit space; the boolean mask is None when no shift is applied. The shift
    is done without logarithms: sigmoid(logit(q) + shift) = c / (1/q + c - 1) with c = e^shift
    (one pass of arithmetic per problem, where the log/exp form cost ~15x as much at 100k problems).
    """
    kf = np.float32(k)
    pi *= kf
    s += pi
    a += kf
    s /= a
    if shift == 0:
        return s, a, None
    seen = a > SEEN + kf
    c = np.float32(math.exp(min(max(shift, -_MAX_SHIFT), _MAX_SHIFT)))
    q = np.clip(s, _LO, _HI, out=pi)
    np.reciprocal(q, out=q)
    q += c - np.float32(1)
    np.divide(c, q, out=q)
    np.copyto(s, q, where=seen)
    return s, a, seen


def calibration_terms(tracker: Tracker, uniq: np.ndarray, cnt: np.ndarray, succ: np.ndarray,
                      round_: int, est: CellEstimates, k: float,
                      prior: np.ndarray | None = None) -> tuple[float, float]:
    """(score, information) of one report's repeats (``uniq`` problems with ``cnt`` rollouts and
    ``succ`` successes) against their uncorrected estimates, before the report is added
    (``prior``: the prior mean of each of ``uniq`` when it is not its cell's)."""
    dt = np.maximum(round_ - tracker.ref[uniq].astype(np.float64), 0)
    fac = np.exp(dt * float(tracker.log_gamma))
    a = tracker.attempts[uniq] * fac
    seen = a > SEEN
    if not seen.any():
        return 0.0, 0.0
    pi = est.cell.ravel()[tracker.cell_of[uniq[seen]]] if prior is None else prior[seen]
    p = (tracker.successes[uniq[seen]] * fac[seen] + k * pi) / (a[seen] + k)
    cnt, succ = cnt[seen], succ[seen]
    return float((succ - cnt * p).sum()), float((cnt * p * (1 - p)).sum())
