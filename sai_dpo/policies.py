"""Selection policies behind one interface, and the registry that names them.

A policy turns the tracker's evidence into non-negative, unnormalised scores, one per problem; the
engine mixes them with the uniform distribution (``epsilon``) and draws. To add a policy, write one
``SelectionPolicy`` subclass and add one line to ``POLICIES``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

import numpy as np

from sai_dpo._beta import beta_draws
from sai_dpo._estimates import cell_estimates, length_rank
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
    """Scores problems from tracked evidence; stateless apart from caches (the tracker holds state)."""

    name: str = ""

    def __init__(self, config: SelectionConfig):
        self.config = config

    @abstractmethod
    def scores(self, tracker: Tracker, round_: int, rng: np.random.Generator) -> np.ndarray:
        """Non-negative finite scores of shape (N,) for a draw at ``round_`` (any float dtype)."""

    def _laplace_pass_rate(self, tracker: Tracker, round_: int) -> np.ndarray:
        """Per-problem decayed pass rate (s + 1) / (a + 2): history only, no pooling."""
        a, s = tracker.decayed(round_)
        return (s + 1) / (a + 2)


class UniformPolicy(SelectionPolicy):
    """Every problem equally likely (the usual shuffled-epoch baseline, without epochs)."""

    name = "uniform"

    def scores(self, tracker, round_, rng):
        return np.ones(tracker.n, np.float32)


class CurriculumPolicy(SelectionPolicy):
    """Static curriculum: a window over prior levels moving from easiest to hardest.

    target(r) = lo + (hi - lo) * min(1, r / curriculum_rounds); score = exp(-(level - target)^2 /
    (2 * curriculum_width^2)). Problems without a level count as the middle level; no reported
    outcome changes it.
    """

    name = "curriculum"

    def scores(self, tracker, round_, rng):
        values = tracker.level_values
        known = values[~np.isnan(values)]
        if len(known) == 0:
            return np.ones(tracker.n, np.float32)
        lo, hi = float(known.min()), float(known.max())
        level = np.where(np.isnan(values), (lo + hi) / 2, values)
        target = lo + (hi - lo) * min(1.0, round_ / self.config.curriculum_rounds)
        per_level = np.exp(-0.5 * ((level - target) / self.config.curriculum_width) ** 2)
        per_cell = np.tile(per_level, tracker.n_skills).astype(np.float32)
        return per_cell[tracker.cell_of]


class LearnabilityPolicy(SelectionPolicy):
    """Per-problem p(1 - p) from the problem's own history (no pooling; unseen p = 0.5)."""

    name = "learnability"

    def scores(self, tracker, round_, rng):
        p = self._laplace_pass_rate(tracker, round_)
        return p * (1 - p)


class PrioritizedPolicy(SelectionPolicy):
    """Weight 1 - p: failures first, from the problem's own history (unseen p = 0.5)."""

    name = "prioritized"

    def scores(self, tracker, round_, rng):
        return 1 - self._laplace_pass_rate(tracker, round_)


class SaiDpoPolicy(SelectionPolicy):
    """SAI-DPO (DESIGN.md section 4): frontier score x knowledge tilt x difficulty tie-break x cooldown.

    score_i = t_c(i) * f(p~_i) * (1 + lambda * rho_i) * cooldown_i, where
    p~_i ~ Beta(s_i + k pi_cell, a_i - s_i + k (1 - pi_cell)) (the mean when thompson=False),
    f(p) = 1 - p^G - (1 - p)^G, t_c = exp((1 - acc_skill) / tau), rho_i = (rank(steps) +
    rank(tokens)) / 2 in [0, 1] (so D_i = (1 - p_i) + lambda * rho_i, and among equally learnable
    problems the longer, many-step ones win), cooldown_i = 1 - exp(-(r - last_drawn_i) / cooldown).
    """

    name = "sai_dpo"

    def __init__(self, config):
        super().__init__(config)
        self._rank_cache: tuple[int, np.ndarray] | None = None

    def _rank(self, tracker: Tracker) -> np.ndarray:
        if self._rank_cache is None or self._rank_cache[0] != tracker.version:
            self._rank_cache = (tracker.version, length_rank(tracker))
        return self._rank_cache[1]

    def posterior(self, tracker: Tracker, round_: int) -> tuple[np.ndarray, np.ndarray, object]:
        """Per-problem Beta parameters (alpha, beta) at ``round_`` and the cell estimates."""
        cfg = self.config
        est = cell_estimates(tracker, round_, cfg.prior_strength, cfg.base_accuracy)
        a, s = tracker.decayed(round_)
        k = np.float32(cfg.posterior_strength)
        prior = (k * est.cell.ravel()).astype(np.float32)[tracker.cell_of]
        alpha = s + prior
        beta = a - s
        np.maximum(beta, 0, out=beta)
        beta += k
        beta -= prior
        np.maximum(beta, np.float32(1e-6), out=beta)
        np.maximum(alpha, np.float32(1e-6), out=alpha)
        return alpha, beta, est

    def scores(self, tracker, round_, rng):
        cfg = self.config
        alpha, beta, est = self.posterior(tracker, round_)
        if cfg.thompson:
            p = beta_draws(alpha, beta, rng)
        else:
            p = alpha / (alpha + beta)
        q = 1 - p
        g = cfg.group_size
        f = 1 - p**g - q**g
        np.maximum(f, 0, out=f)
        tilt = np.exp((1.0 - est.skill) / cfg.tau) if np.isfinite(cfg.tau) else np.ones(tracker.n_skills)
        tilt = tilt / tilt.max()
        f *= np.repeat(tilt, tracker.n_levels).astype(np.float32)[tracker.cell_of]
        if cfg.difficulty_weight > 0:
            f *= 1 + np.float32(cfg.difficulty_weight) * self._rank(tracker)
        if cfg.cooldown > 0:
            dt = np.float32(round_) - tracker.drawn.astype(np.float32)
            np.maximum(dt, 0, out=dt)
            dt *= np.float32(-1.0 / cfg.cooldown)
            f *= 1 - np.exp(dt)
        return f


# One line per policy: name -> class.
POLICIES: dict[str, type[SelectionPolicy]] = {
    "sai_dpo": SaiDpoPolicy,
    "uniform": UniformPolicy,
    "curriculum": CurriculumPolicy,
    "learnability": LearnabilityPolicy,
    "prioritized": PrioritizedPolicy,
}
