"""Online logistic (Rasch) pass-rate estimates: ability per skill, hardness per level, offset per problem.

The model behind the optional ``estimator="rasch"``::

    logit p_i(t) = ability[skill(i)](t) - hardness[level(i)] - offset_i

* ``ability`` (one per skill) moves as the model trains: a Kalman filter per skill whose variance
  grows by ``ability_drift`` per round (a random walk) and shrinks with the information of every
  reported group. Evidence is read relative to what each problem was expected to score, so drawing
  mostly problems near p = 0.5 does not drag the skill's estimate toward 0.5 (the per-cell accuracy
  table does have that selection bias).
* ``hardness`` (one per level code) is static: a Kalman filter without drift.
* ``offset_i`` is what the problem's own outcomes say beyond its skill and level: a Gaussian with
  prior sd ``offset_sd`` whose precision grows with each report's information ``n p (1 - p)``
  (one Newton step on the group's log-likelihood). A problem never reported has offset 0 and the
  prior variance, so its estimate is its (skill, level) prediction with honest uncertainty.
* Practice: a problem the model has just trained on becomes easier than its history says. With
  ``calibrate``, repeats are scored against their predictions (``Tracker.calib``: decayed
  ``sum(s - n p)`` and ``sum(n p (1 - p))``) and each reported problem's offset is lowered by
  ``delta * 4 v``, ``delta = score / (information + CALIB_PRIOR)`` and ``v`` the group's reward
  variance (a group that was all right or all wrong trains nothing).

Each report is fitted starting from the current estimates, so unlike the Beta counts the state
depends on the order in which reports arrive (groups within one report are order-free); a report for
a round older than the newest seen is down-weighted by ``cell_gamma ** age`` in the skill and level
fits.

The state lives in the tracker (``offset``, ``offset_prec`` per problem; ``ability`` and ``hardness``
as (mean, variance) rows; ``rasch_round``, the round the ability variances are expressed at), so it is
saved, restored and snapshotted with everything else.

The selection score reads the posterior of each logit, ``N(mu_i, var_i)``, through the expected
learnability ``E[p (1 - p)]`` (:func:`log_learnability`, the probit approximation): an uncertain
estimate scores below a confident one at the same mean when the mean is near 0.5, and above it
far from 0.5 (it might be closer than it looks).
"""

from __future__ import annotations

import math

import numpy as np

from sai_dpo._posterior import CALIB_PRIOR
from sai_dpo._tracker import NEVER, Tracker

LOG4 = math.log(4.0)


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic without overflow, ``(1 + tanh(z / 2)) / 2``, in the dtype of ``z`` (into ``out`` if given)."""
    out = np.multiply(z, 0.5, out=out)
    np.tanh(out, out=out)
    out += 1
    out *= 0.5
    return out


def _ability_var(tracker: Tracker, round_: int, drift: float) -> np.ndarray:
    at = int(tracker.rasch_round[0])
    dt = 0 if at == NEVER else max(round_ - at, 0)
    return tracker.ability[:, 1] + drift * dt


def cell_moments(tracker: Tracker, round_: int, drift: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-cell logit mean ``ability - hardness`` and variance at ``round_`` (float64, cells,)."""
    var_a = _ability_var(tracker, round_, drift)
    mean = tracker.ability[:, 0][:, None] - tracker.hardness[:, 0][None, :]
    var = var_a[:, None] + tracker.hardness[:, 1][None, :]
    return mean.ravel(), var.ravel()


def logit_moments(tracker: Tracker, round_: int, drift: float, offset_sd: float, cell_index: np.ndarray,
                  mu: np.ndarray, var: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-problem logit posterior mean and variance at ``round_``, written into ``mu``, ``var``
    (float32 buffers of length N); ``cell_index`` is ``tracker.cell_of`` as intp."""
    c_mean, c_var = cell_moments(tracker, round_, drift)
    np.take(c_mean.astype(np.float32), cell_index, out=mu, mode="clip")
    mu -= tracker.offset
    np.add(tracker.offset_prec, np.float32(1.0 / offset_sd**2), out=var)
    np.reciprocal(var, out=var)
    var += np.take(c_var.astype(np.float32), cell_index)
    return mu, var


def log_4pq(z: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> np.ndarray:
    """``log(4 p (1 - p))`` at logit ``z`` into ``out`` (float32, overflow-free):
    ``log 4 - |z| - 2 log(1 + exp(-|z|))``; ``tmp`` is scratch."""
    np.abs(z, out=out)
    np.negative(out, out=tmp)
    np.exp(tmp, out=tmp)
    np.log1p(tmp, out=tmp)
    tmp *= np.float32(2)
    out += tmp
    np.subtract(np.float32(LOG4), out, out=out)
    return out


def log_learnability(mu: np.ndarray, var: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``log(4 E[p (1 - p)])`` for logit ~ N(mu, var), into ``out`` (``var`` is overwritten).

    The probit approximation ``E[sigmoid(x)] ~ sigmoid(kappa mu)``, ``kappa = (1 + pi var / 8)^-1/2``,
    differentiated in mu gives ``E[p (1 - p)] ~ kappa p(kappa mu) (1 - p(kappa mu))``: exact when
    var = 0, within 8% of the Gaussian integral for |mu| <= 4 and var <= 4 (up to ~33% near
    |mu| = 6, where the weights are negligible anyway).
    """
    var *= np.float32(math.pi / 8)
    var += 1
    np.sqrt(var, out=var)
    np.reciprocal(var, out=var)  # kappa
    mu *= var
    log_4pq(mu, out, mu)
    np.log(var, out=var)
    out += var
    return out


def pass_rates(tracker: Tracker, round_: int, drift: float) -> np.ndarray:
    """Posterior pass rate per problem at ``round_`` (float64): sigmoid of the logit mean."""
    c_mean, _ = cell_moments(tracker, round_, drift)
    return sigmoid(c_mean[tracker.cell_of] - tracker.offset.astype(np.float64))


def skill_accuracy(tracker: Tracker) -> np.ndarray:
    """Expected pass rate of each skill's problems (offsets aside): ``sigmoid(ability - hardness)``
    averaged over the skill's (skill, level) cells, weighted by how many problems each holds. Unlike
    the raw accuracy of what was drawn, it does not drift toward 0.5 when selection picks problems
    near 0.5. A skill without problems gets its unweighted level mean."""
    acc = sigmoid(tracker.ability[:, 0][:, None] - tracker.hardness[:, 0][None, :])
    w = tracker.cell_problems.reshape(tracker.n_skills, tracker.n_levels).astype(np.float64)
    total = w.sum(axis=1)
    return np.where(total > 0, (acc * w).sum(axis=1) / np.maximum(total, 1), acc.mean(axis=1))


def calibration_terms(tracker: Tracker, uniq: np.ndarray, cnt: np.ndarray, succ: np.ndarray,
                      round_: int, drift: float) -> tuple[float, float]:
    """(score, information) of one report's repeats (problems with earlier evidence) against their
    Rasch predictions, before the report is added."""
    seen = tracker.offset_prec[uniq] > 0
    if not seen.any():
        return 0.0, 0.0
    c_mean, _ = cell_moments(tracker, round_, drift)
    u = uniq[seen]
    p = sigmoid(c_mean[tracker.cell_of[u]] - tracker.offset[u])
    n = cnt[seen]
    return float((succ[seen] - n * p).sum()), float((n * p * (1 - p)).sum())


FIT_STEPS = 4  # damped Newton steps per fit (each at most MAX_STEP logits)
MAX_STEP = 1.0


def _fit(mean0: np.ndarray, prec0: np.ndarray, rows: np.ndarray, base: np.ndarray, sign: float,
         cnt: np.ndarray, succ: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MAP of row parameters x under the Gaussian prior N(mean0, 1 / prec0) and this report's groups,
    whose logits are ``base + sign * x[rows]``; returns (x, posterior precision) per row.

    A few Newton steps, each clipped to ``MAX_STEP``: one full step from the prior overshoots badly
    when the prior is far from the data (p near 0 or 1 carries little information but a large score).
    """
    x = mean0.copy()
    k = len(mean0)
    for _ in range(FIT_STEPS):
        p = sigmoid(base + sign * x[rows])
        grad = sign * np.bincount(rows, weights=succ - cnt * p, minlength=k) - (x - mean0) * prec0
        hess = np.bincount(rows, weights=cnt * p * (1.0 - p), minlength=k) + prec0
        x += np.clip(grad / hess, -MAX_STEP, MAX_STEP)
    p = sigmoid(base + sign * x[rows])
    return x, prec0 + np.bincount(rows, weights=cnt * p * (1.0 - p), minlength=k)


def update(tracker: Tracker, uniq: np.ndarray, cnt: np.ndarray, succ: np.ndarray, round_: int,
           drift: float, offset_sd: float, practice: bool) -> None:
    """Add one report (``uniq`` problems with ``cnt`` rollouts and ``succ`` summed rewards).

    Skills first (against the current hardness and offsets), then levels against the updated
    skills, then each problem's offset against both: one pass of a joint fit, so a group solved
    half the time while the rest of its skill was solved every time reads as a hard problem,
    whatever the order of the groups within the report. A report for a round older than the newest
    one seen weighs ``cell_gamma ** age`` in the skill and level fits (the model has moved since).
    """
    at = int(tracker.rasch_round[0])
    late = 1.0
    if at == NEVER or round_ > at:  # the ability random walk advances to the newest round
        tracker.ability[:, 1] = _ability_var(tracker, round_, drift)
        tracker.rasch_round[0] = round_
    elif round_ < at:
        late = tracker.cell_gamma ** (at - round_)
    skill, level = np.divmod(tracker.cell_of[uniq], tracker.n_levels)
    offset = tracker.offset[uniq].astype(np.float64)
    c_w, s_w = cnt * late, succ * late
    for table, rows, rest, sign in (
        (tracker.ability, skill, lambda: -tracker.hardness[level, 0] - offset, 1.0),
        (tracker.hardness, level, lambda: tracker.ability[skill, 0] - offset, -1.0),
    ):
        mean, prec = _fit(table[:, 0], 1.0 / table[:, 1], rows, rest(), sign, c_w, s_w)
        table[:, 0], table[:, 1] = mean, 1.0 / prec
    prior = 1.0 / offset_sd**2
    ids = np.arange(len(uniq))
    base = tracker.ability[skill, 0] - tracker.hardness[level, 0]
    offset, prec = _fit(offset, tracker.offset_prec[uniq] + prior, ids, base, -1.0, cnt, succ)
    tracker.offset_prec[uniq] = prec - prior
    if practice:
        score, information, c_at = tracker.calib
        delta = 0.0
        if c_at != NEVER:
            f = tracker.cell_gamma ** max(round_ - c_at, 0)
            delta = score * f / (information * f + CALIB_PRIOR)
        rate = succ / cnt
        offset -= delta * 4.0 * rate * (1.0 - rate)
    tracker.offset[uniq] = offset
