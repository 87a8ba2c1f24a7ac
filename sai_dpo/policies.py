"""Selection policies behind one interface, and the registry that names them.

A policy turns the tracker's evidence into non-negative, unnormalised scores, one per problem; the
engine mixes them with the uniform distribution (``epsilon``) and draws. To add a policy, write one
``SelectionPolicy`` subclass and add one line to ``POLICIES``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import numpy as np

from sai_dpo._estimates import CellEstimates, cell_estimates, length_rank
from sai_dpo._posterior import means_in_place, repeat_shift
from sai_dpo._predictive import prior_means
from sai_dpo._rasch import log_4pq, log_learnability, logit_moments, sigmoid, skill_accuracy
from sai_dpo._scratch import Scratch
from sai_dpo._thompson import Q, frontier_into, is_dense, power, thompson_scores
from sai_dpo._tracker import Tracker

if TYPE_CHECKING:  # pragma: no cover
    from sai_dpo.config import SelectionConfig

__all__ = [
    "SelectionPolicy",
    "SaiDpoPolicy",
    "UniformPolicy",
    "CurriculumPolicy",
    "LearnabilityPolicy",
    "PrioritizedPolicy",
    "POLICIES",
]


class SelectionPolicy(ABC):
    """Scores problems from tracked evidence; stateless apart from scratch buffers (the tracker holds
    the state, so a policy needs no ``state_dict`` of its own)."""

    name: str = ""
    calibrated: bool = False  # reads Tracker.calib (the engine scores repeats only for such policies)

    @property
    def rasch(self) -> bool:
        """Whether this policy reads the Rasch estimates (the engine then updates them on reports)."""
        return False

    @property
    def covers_skills(self) -> bool:
        """Whether each draw should include one problem of every skill (see ``SelectionConfig.coverage``)."""
        return False

    def __init__(self, config: SelectionConfig):
        self.config = config
        self._ws = Scratch()

    @abstractmethod
    def scores(self, tracker: Tracker, round_: int, rng: np.random.Generator) -> np.ndarray:
        """Non-negative finite scores of shape (N,) for a draw at ``round_``.

        The engine mixes the result in place, so return a fresh array or one of this policy's
        scratch buffers (``self._ws``), never an array the policy keeps relying on.
        """

    def _cell_index(self, tracker: Tracker) -> np.ndarray:
        """``tracker.cell_of`` as intp, cached (np.take would convert the int32 codes on every call)."""
        idx = self._ws.get("cell_of", tracker.n, np.intp)
        if getattr(self, "_cell_index_of", None) is not tracker:
            idx[...] = tracker.cell_of
            self._cell_index_of = tracker
        return idx

    def _decayed(self, tracker: Tracker, round_: int) -> tuple[np.ndarray, np.ndarray]:
        """Decayed (attempts, successes) at ``round_`` in scratch buffers ``a`` and ``s``."""
        n = tracker.n
        # dt/fac share buffers with the Thompson lookup, which runs after they are dead.
        dt_i = self._ws.get("beta_j", n, np.int32)
        fac, a, s = self._ws.get("beta_q", n), self._ws.get("a", n), self._ws.get("s", n)
        np.subtract(np.int32(round_), tracker.ref, out=dt_i)
        np.maximum(dt_i, 0, out=dt_i)
        fac[...] = dt_i
        fac *= tracker.log_gamma
        np.exp(fac, out=fac)
        np.multiply(tracker.attempts, fac, out=a)
        np.multiply(tracker.successes, fac, out=s)
        return a, s

    def _laplace_pass_rate(self, tracker: Tracker, round_: int) -> np.ndarray:
        """Per-problem decayed pass rate (s + 1) / (a + 2): history only, no pooling (buffer ``s``)."""
        a, s = self._decayed(tracker, round_)
        s += 1
        a += 2
        s /= a
        return s


class UniformPolicy(SelectionPolicy):
    """Every problem equally likely (the usual shuffled-epoch baseline, without epochs)."""

    name = "uniform"

    def scores(self, tracker, round_, rng):
        out = self._ws.get("out", tracker.n)
        out.fill(1.0)
        return out


class CurriculumPolicy(SelectionPolicy):
    """Static curriculum: a window over prior levels moving from easiest to hardest.

    target(r) = lo + (hi - lo) * min(1, r / curriculum_rounds); score = exp(-(level - target)^2 /
    (2 * curriculum_width^2)). Problems without a level count as the middle level; no reported
    outcome changes it.
    """

    name = "curriculum"

    def scores(self, tracker, round_, rng):
        out = self._ws.get("out", tracker.n)
        values = tracker.level_values
        known = values[~np.isnan(values)]
        if len(known) == 0:
            out.fill(1.0)
            return out
        lo, hi = float(known.min()), float(known.max())
        level = np.where(np.isnan(values), (lo + hi) / 2, values)
        target = lo + (hi - lo) * min(1.0, round_ / self.config.curriculum_rounds)
        per_level = np.exp(-0.5 * ((level - target) / self.config.curriculum_width) ** 2)
        per_cell = np.tile(per_level, tracker.n_skills).astype(np.float32)
        return np.take(per_cell, self._cell_index(tracker), out=out, mode="clip")


class LearnabilityPolicy(SelectionPolicy):
    """Per-problem p(1 - p) from the problem's own history (no pooling; unseen p = 0.5)."""

    name = "learnability"

    def scores(self, tracker, round_, rng):
        p = self._laplace_pass_rate(tracker, round_)
        out = self._ws.get("out", tracker.n)
        np.subtract(np.float32(1), p, out=out)
        out *= p
        return out


class PrioritizedPolicy(SelectionPolicy):
    """Weight 1 - p: failures first, from the problem's own history (unseen p = 0.5)."""

    name = "prioritized"

    def scores(self, tracker, round_, rng):
        p = self._laplace_pass_rate(tracker, round_)
        return np.subtract(np.float32(1), p, out=p)


class SaiDpoPolicy(SelectionPolicy):
    """SAI-DPO (DESIGN.md section 4): frontier score x knowledge tilt x difficulty tie-break x cooldown.

    score_i = t_c(i) * f(p~_i) * (4 p~_i (1 - p~_i))^beta * (1 + lambda * rho_i) * cooldown_i, where
    p~_i ~ Beta(s_i + k pi_cell, a_i - s_i + k (1 - pi_cell)) (the mean when thompson=False),
    f(p) = 1 - p^G - (1 - p)^G, beta = sharpness, t_c = exp((1 - acc_skill) / tau), rho_i = (rank(steps) +
    rank(tokens)) / 2 in [0, 1] (so D_i = (1 - p_i) + lambda * rho_i, and among equally learnable
    problems the longer, many-step ones win), cooldown_i = 1 - exp(-(r - last_drawn_i) / cooldown)
    for problems last drawn before round r (1 otherwise). With ``calibrate`` (default) the posterior
    mean of every problem with evidence is shifted in logit space by the repeat calibration delta
    (``sai_dpo._posterior``): re-drawn problems were chosen for looking informative and may have been
    practised, so their outcomes run above or below their estimates by a measurable amount.
    """

    name = "sai_dpo"
    calibrated = True
    # The peak factor's sharpness at the last scoring: ``sharpness``, or lower where ``min_spread`` asked for it.
    sharpness_used: float | None = None
    # Per-problem logit offsets of the predictive prior from the cell's (``sai_dpo._predictive``),
    # set by the engine before each scoring while that prior is in use; None: the cell prior.
    prior_offset: np.ndarray | None = None

    @property
    def rasch(self) -> bool:
        return self.config.estimator == "rasch"

    @property
    def covers_skills(self) -> bool:
        return self.config.coverage

    def posterior(self, tracker: Tracker, round_: int) -> tuple[np.ndarray, np.ndarray, CellEstimates]:
        """Per-problem Beta parameters (alpha, beta) at ``round_`` and cell estimates (see ``_posterior``)."""
        cfg = self.config
        est = cell_estimates(tracker, round_, cfg.prior_strength, cfg.base_accuracy)
        shift = repeat_shift(tracker, round_) if cfg.calibrate else 0.0
        a, s = self._decayed(tracker, round_)
        if self.prior_offset is None:
            pi = np.take(est.cell.ravel().astype(np.float32), self._cell_index(tracker),
                         out=self._ws.get("prior", tracker.n), mode="clip")
        else:
            logit_cell = np.log(est.cell.ravel()) - np.log1p(-est.cell.ravel())
            pi = prior_means(logit_cell, self._cell_index(tracker), self.prior_offset, self._ws.get("prior", tracker.n))
        mean, conc = means_in_place(a, s, pi, cfg.posterior_strength, shift)[:2]
        beta = np.subtract(np.float32(1), mean, out=pi)
        beta *= conc
        alpha = np.multiply(mean, conc, out=mean)
        np.maximum(alpha, np.float32(1e-6), out=alpha)
        np.maximum(beta, np.float32(1e-6), out=beta)
        return alpha, beta, est

    def scores(self, tracker, round_, rng):
        cfg, ws, n = self.config, self._ws, tracker.n
        if self.rasch:
            est = None
            f = self._rasch_scores(tracker, round_, rng)
        else:
            alpha, beta, est = self.posterior(tracker, round_)
            if cfg.thompson:
                f = self._thompson(tracker, alpha, beta, est, rng)
            else:
                used: list = []
                f = _frontier_at_mean(alpha, beta, cfg.group_size, ws, cfg.sharpness, cfg.min_spread, used)
                self.sharpness_used = used[0] if used else cfg.sharpness
        skill_acc = skill_accuracy(tracker) if self.rasch else est.skill
        tilt = np.exp((1.0 - skill_acc) / cfg.tau) if np.isfinite(cfg.tau) else np.ones(tracker.n_skills)
        tilt = np.repeat(tilt / tilt.max(), tracker.n_levels).astype(np.float32)
        f *= np.take(tilt, self._cell_index(tracker), out=ws.get("prior", n), mode="clip")
        if cfg.difficulty_weight > 0:
            rho = length_rank(tracker, out=ws.get("beta_m", n), tmp=ws.get("beta_v", n))  # free by now
            rho *= np.float32(cfg.difficulty_weight)
            rho += 1
            f *= rho
        if cfg.cooldown > 0:
            _apply_cooldown(f, tracker, round_, cfg.cooldown)
        return f

    def logits(self, tracker: Tracker, round_: int) -> tuple[np.ndarray, np.ndarray]:
        """Rasch posterior of each problem's logit pass rate at ``round_``: (mean, variance), float32
        scratch buffers (see ``sai_dpo._rasch``)."""
        cfg, n = self.config, tracker.n
        return logit_moments(tracker, round_, cfg.ability_drift, cfg.offset_sd, self._cell_index(tracker),
                             self._ws.get("mu", n), self._ws.get("var", n))

    def _rasch_scores(self, tracker, round_, rng) -> np.ndarray:
        """f(p) * (E[p q] / max E[p q]) ** sharpness with p = sigmoid(mu); with ``thompson`` the logit is a
        draw from N(mu, var) and the peak factor is (p q / max p q) ** sharpness at the draw."""
        cfg, ws, n = self.config, self._ws, tracker.n
        mu, var = self.logits(tracker, round_)
        lv = ws.get("lv", n)
        if cfg.thompson:
            np.sqrt(var, out=var)
            var *= rng.standard_normal(n, dtype=np.float32)
            mu += var  # the draw
            p = sigmoid(mu, out=ws.get("beta_m", n))
            log_4pq(mu, lv, var)
        else:
            p = sigmoid(mu, out=ws.get("beta_m", n))
            log_learnability(mu, var, out=lv)
        f = _frontier(p, cfg.group_size, ws)
        if cfg.sharpness > 0:
            lv -= lv.max()

            def peak(b, out):
                np.multiply(lv, np.float32(b), out=out)
                return np.exp(out, out=out)

            f, self.sharpness_used = _spread_peak(f, cfg.sharpness, cfg.min_spread, peak,
                                                  ws.get("beta_hi", n))  # free after _frontier
        return f

    def _thompson(self, tracker, alpha, beta, est, rng) -> np.ndarray:
        """f(p~) * peak(p~) for one posterior draw per problem (see ``sai_dpo._thompson``); problems
        without evidence draw from their cell prior Beta(k pi_c, k (1 - pi_c)) by table."""
        cfg, n = self.config, tracker.n
        base = self._ws.get("cell_base", n, np.intp)
        if getattr(self, "_cell_base_of", None) is not tracker:
            np.multiply(tracker.cell_of, Q, out=base)
            self._cell_base_of = tracker
        # Per-problem priors (predictive) leave no shared cell prior for the unseen: every problem
        # takes the lookup.
        dense = self.prior_offset is not None or is_dense(tracker.attempts)
        seen = None if dense else np.flatnonzero(tracker.attempts)
        k = float(cfg.posterior_strength)
        pi = est.cell.ravel().astype(np.float64)
        cells_seen = None if seen is None else tracker.cell_of[seen]
        return thompson_scores(alpha, beta, seen, cells_seen, (k * pi, k * (1 - pi)),
                               (base, tracker.cell_problems), cfg.group_size, cfg.sharpness, rng, self._ws)



def _relative(pq: np.ndarray) -> np.ndarray:
    """pq / max pq, in place: raised to the sharpness, the peak factor up to a constant.

    A constant factor does not change the draw distribution, and dividing by the pool's best pq
    first keeps the best problems at 1: when the model fails (or solves) nearly everything, the raw
    (4pq) ** 32 underflows float32 for the whole pool and the weights would become 0 or NaN.
    """
    top = float(pq.max()) if pq.size else 0.0
    if top > 0:
        pq *= np.float32(1.0 / top)
    return pq


# Sharpness values tried, in order, below the configured one when the weights spread too little.
GENTLER = (24.0, 16.0, 12.0, 8.0, 6.0, 4.0, 2.0, 1.0, 0.0)
SPREAD_SHARE = 0.125  # the spread asked of a pool is at most this share of its problems


def spread(w: np.ndarray) -> float:
    """Effective number of problems of non-negative weights, ``(sum w)^2 / sum w^2`` (0 if all are 0):
    N for equal weights, 1 when one problem holds all the weight."""
    w64 = w.astype(np.float64, copy=False)
    total, square = float(w64.sum()), float(np.dot(w64, w64))
    return total * total / square if square > 0 else 0.0


def _spread_peak(f: np.ndarray, sharpness: float, min_spread: float, peak,
                 out: np.ndarray) -> tuple[np.ndarray, float]:
    """``f * peak(b)`` into ``out`` at ``b = sharpness``, or at the largest gentler ``b`` of ``GENTLER``
    whose weights spread over at least ``min(min_spread, SPREAD_SHARE * N)`` problems (``b = 0``, the
    frontier score alone, if none does).

    A pool with few problems near p = 0.5 (mostly easy problems, or small groups whose frontier is
    narrow) would otherwise put nearly all the weight on a handful of problems whose estimates are
    noisy, and draw them round after round. ``peak(b, out)`` writes the peak factor at ``b`` into ``out``.
    Returns the weights and ``b``.
    """
    target = min(min_spread, SPREAD_SHARE * f.size)
    for b in (sharpness, *(x for x in GENTLER if x < sharpness)):
        w = peak(b, out)
        w *= f
        if target <= 0 or spread(w) >= target:
            break
    return w, b


def _frontier(p: np.ndarray, g: int, ws: Scratch) -> np.ndarray:
    """f(p) = 1 - p^G - (1 - p)^G (buffer ``f``; uses ``beta_v``, ``beta_q``, ``beta_hi``)."""
    n = p.shape
    return frontier_into(p, g, ws.get("beta_v", n), ws.get("f", n), ws.get("beta_q", n), ws.get("beta_hi", n))


def _frontier_at_mean(alpha, beta, g: int, ws: Scratch, sharpness: float = 0.0,
                      min_spread: float = 0.0, used: list | None = None) -> np.ndarray:
    """f(p) = 1 - p^G - (1 - p)^G at the posterior mean p = alpha / (alpha + beta) (buffer ``f``),
    times the peak factor (4 p (1 - p)) ** sharpness when sharpness > 0 (then in buffer ``beta_hi``), at a
    gentler sharpness where the weights would spread over fewer than ``min_spread`` problems
    (:func:`_spread_peak`; the sharpness used is appended to ``used`` when given)."""
    n = alpha.shape
    p, q = ws.get("beta_m", n), ws.get("beta_v", n)
    np.add(alpha, beta, out=q)
    np.divide(alpha, q, out=p)
    f = _frontier(p, g, ws)  # leaves q = 1 - p in ``beta_v``
    if sharpness > 0:  # (4 p q) ** beta: a peak at p = 0.5 whose width does not depend on G
        rel = _relative(np.multiply(p, q, out=ws.get("beta_q", n)))
        tmp = q  # 1 - p is not needed again
        f, b = _spread_peak(f, sharpness, min_spread, lambda b, out: power(rel, b, out, tmp), ws.get("beta_hi", n))
        if used is not None:
            used.append(b)
    return f


def _apply_cooldown(f: np.ndarray, tracker: Tracker, round_: int, scale: float) -> None:
    """f *= 1 - exp(-(r - last_drawn) / scale) for problems drawn in an earlier round.

    Only earlier rounds cool a problem: a second draw for the same round (another n) sees the same
    weights, so ``draw(32, r)`` is the first 32 of ``draw(64, r)``. Beyond 17 time constants the
    factor is 1 within 4e-8 (exp(-17)), below float32 resolution, so only problems drawn in the last
    ``ceil(17 * scale)`` rounds are visited.
    """
    horizon = int(np.ceil(17 * scale)) + 1
    drawn = tracker.drawn
    recent = np.flatnonzero((drawn >= round_ - horizon) & (drawn < round_))
    if len(recent):
        dt = round_ - drawn[recent].astype(np.float64)
        f[recent] *= (1 - np.exp(-dt / scale)).astype(np.float32)


# One line per policy: name -> class.
POLICIES: dict[str, type[SelectionPolicy]] = {
    "sai_dpo": SaiDpoPolicy,
    "uniform": UniformPolicy,
    "curriculum": CurriculumPolicy,
    "learnability": LearnabilityPolicy,
    "prioritized": PrioritizedPolicy,
}
