"""A fast simulated learner for comparing selection policies at equal rollout budgets.

The model (numpy only, no randomness hidden in globals):

* ``S`` skills, each with an ability ``theta_s``; skills start at different abilities.
* Problem ``i`` has a true skill ``c(i)``, a prior level ``l(i)`` in 1..5 (the label a pool would
  carry) and a latent difficulty ``b_i = centre(l(i)) + noise`` (label noise: the level is related to,
  but not equal to, the difficulty), plus an IRT discrimination ``a_i``.
* Pass probability (2-parameter IRT): ``p_i = sigmoid(a_i * (theta_c(i) + m_i - b_i))`` where
  ``m_i`` is what the learner has memorised of that very problem (it does not transfer to held-out
  problems, so re-training on the same problems has diminishing value, as in real fine-tuning).
* A training step on groups of ``G`` outcomes moves each skill by ``eta * (1/B) * sum of the
  reward variances of its groups``: the gradient of GRPO/DPO is zero for a group that is all right
  or all wrong, and ``1/B`` is the batch-mean loss, so all-same groups dilute the step. The move
  spreads to related skills through a transfer matrix (ring neighbours, weight ``transfer``).
* Skills that were not practised in a round (no group of theirs with mixed outcomes: an all-same
  group has no gradient) slowly forget: ``theta_s`` relaxes toward its
  starting value by a fraction ``forgetting`` per round; memorised problems fade at the same rate.
* Held-out sets are scored exactly (expected accuracy, no sampling noise): an AIME-like set (hard,
  every skill equally) and a MATH-like set (levels 1-5, every skill equally).
* Every pool problem carries observable features ``x_i`` (float32, ``n_features`` of them, the
  stand-in for what a text embedding shows a selector) that explain a share ``feature_strength`` of
  the variance of its difficulty beyond its level (see :func:`observable_features`); at strength 0
  they are pure noise and every other number of the world is what it was before features existed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

__all__ = ["LearnerConfig", "World", "SimLearner", "make_world", "observable_features"]


def check_param(cond: bool, name: str, expected: str, got: object, owner: str = "LearnerConfig") -> None:
    """Raise the house-style ValueError for parameter ``name`` of ``owner`` unless ``cond``."""
    if not cond:
        raise ValueError(f"The '{name}' parameter of {owner} must be {expected}. Got {got!r} instead.")


@dataclass(frozen=True)
class LearnerConfig:
    """Parameters of the simulated world and learner (defaults: the balanced scenario).

    Attributes:
        n_skills: number of skills (knowledge points).
        n_pool: number of training problems.
        level_weights: share of the pool at each level 1..5 (normalised).
        skill_weights: share of the pool per skill (normalised); None = equal.
        ability_start: (lowest, highest) starting ability; skills are spread evenly between them.
        level_centre: difficulty of a level-3 problem; ``level_step`` is added per level.
        label_noise: standard deviation of a problem's difficulty around its level's centre.
        discrimination: median IRT slope ``a``; per-problem slopes are log-normal around it.
        learning_rate: ``eta``, ability gained per unit of batch-mean group variance.
        memorization: problem-specific offset gained per unit of group variance on that problem.
        transfer: share of a skill's update that also reaches each ring neighbour.
        forgetting: per-round relaxation of an unpractised skill toward its starting ability.
        n_aime_per_skill: held-out AIME-like problems per skill.
        aime_difficulty: mean difficulty of AIME-like problems.
        n_math: held-out MATH-like problems (levels 1-5, skills equal).
        n_features: length of each pool problem's observable feature vector.
        feature_strength: share in [0, 1] of the variance of a problem's difficulty offset (its
            difficulty minus its level's centre, sd ``label_noise``) that its features explain; 0 =
            none (features are pure noise and the world is bit-identical to one without features).
    """

    n_skills: int = 6
    n_pool: int = 3000
    level_weights: tuple[float, ...] = (0.2, 0.2, 0.2, 0.2, 0.2)
    skill_weights: tuple[float, ...] | None = None
    ability_start: tuple[float, float] = (-1.5, 0.5)
    level_centre: float = 0.0
    level_step: float = 1.0
    label_noise: float = 0.5
    discrimination: float = 1.5
    learning_rate: float = 0.3
    memorization: float = 1.0
    transfer: float = 0.25
    forgetting: float = 0.01
    n_aime_per_skill: int = 30
    aime_difficulty: float = 2.5
    n_math: int = 600
    n_features: int = 16
    feature_strength: float = 0.0

    def __post_init__(self) -> None:
        check_features(self.n_features, self.feature_strength, "LearnerConfig")
        check_param(self.n_skills >= 1, "n_skills", "an integer >= 1", self.n_skills)
        check_param(self.n_pool >= 1, "n_pool", "an integer >= 1", self.n_pool)
        check_param(
            len(self.level_weights) == 5 and min(self.level_weights) >= 0 and sum(self.level_weights) > 0,
            "level_weights", "5 non-negative shares with a positive sum", self.level_weights,
        )
        if self.skill_weights is not None:
            check_param(
                len(self.skill_weights) == self.n_skills and min(self.skill_weights) >= 0
                and sum(self.skill_weights) > 0,
                "skill_weights", f"None or {self.n_skills} non-negative shares", self.skill_weights,
            )
        check_param(self.ability_start[0] <= self.ability_start[1], "ability_start", "(low, high) with low <= high",
               self.ability_start)
        for name in ("label_noise", "learning_rate", "memorization", "transfer"):
            check_param(getattr(self, name) >= 0, name, "a number >= 0", getattr(self, name))
        check_param(self.discrimination > 0, "discrimination", "a number > 0", self.discrimination)
        check_param(0 <= self.forgetting < 1, "forgetting", "a number in [0, 1)", self.forgetting)
        check_param(self.n_aime_per_skill >= 1 and self.n_math >= 1, "n_math", "an integer >= 1 (held-out sizes)",
               (self.n_aime_per_skill, self.n_math))

    def replace(self, **changes) -> LearnerConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class World:
    """The fixed part of a simulation: pool and held-out problems, starting abilities, transfer."""

    config: LearnerConfig
    skill: np.ndarray          # (N,) true skill per pool problem
    level: np.ndarray          # (N,) prior level 1..5 (the label a pool carries)
    difficulty: np.ndarray     # (N,) latent b
    slope: np.ndarray          # (N,) IRT a
    theta0: np.ndarray         # (S,) starting abilities
    transfer: np.ndarray       # (S, S) update spread matrix
    heldout: dict              # name -> (skill, difficulty, slope)
    features: np.ndarray | None = None        # (N, n_features) float32, observable
    feature_offset: np.ndarray | None = None  # (N,) part of the difficulty the features explain (hidden)

    @property
    def n_pool(self) -> int:
        return int(self.skill.shape[0])


def check_features(n_features, strength, owner: str) -> None:
    """House-style checks of the two feature fields shared by the learner configs."""
    check_param(isinstance(n_features, int) and n_features >= 1, "n_features", "an integer >= 1", n_features, owner)
    check_param(isinstance(strength, int | float) and not isinstance(strength, bool) and 0 <= strength <= 1,
                "feature_strength", "a number in [0, 1]", strength, owner)


def observable_features(seed: int, salt: int, n: int, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Observable features ``x`` (n, n_features) float32 and the unit-variance signal ``z`` they carry.

    ``x ~ N(0, I)`` and ``z = x @ v`` for a random unit vector ``v``, so ``z ~ N(0, 1)`` is a linear,
    fully recoverable function of the features. They come from their own stream
    ``default_rng([seed, salt, 1])``: drawing them moves no other random number of the world, and a
    world's features are the same at every strength.
    """
    rng = np.random.default_rng([seed, salt, 1])
    x = rng.standard_normal((n, n_features)).astype(np.float32)
    v = rng.standard_normal(n_features)
    return x, x.astype(np.float64) @ (v / np.linalg.norm(v))


def explained_offset(signal: np.ndarray | None, sd: float, strength: float) -> np.ndarray | None:
    """The part ``sqrt(strength) * sd * z`` of each difficulty offset the features explain (None at 0)."""
    if signal is None or strength == 0:
        return None
    return np.sqrt(strength) * sd * signal


def mix_offset(noise: np.ndarray, explained: np.ndarray | None, strength: float) -> np.ndarray:
    """Difficulty offsets ``explained + sqrt(1 - strength) * noise``: same sd as ``noise``, a share
    ``strength`` of their variance explained; ``noise`` itself (the very same array) at strength 0."""
    if explained is None:
        return noise
    return explained + np.sqrt(1.0 - strength) * noise


def _problems(rng, n, skill_p, level_p, cfg, skills=None, levels=None, explained=None):
    skill = rng.choice(cfg.n_skills, size=n, p=skill_p) if skills is None else skills
    level = rng.choice(5, size=n, p=level_p) + 1 if levels is None else levels
    offset = mix_offset(rng.normal(0.0, cfg.label_noise, n), explained, cfg.feature_strength)
    difficulty = cfg.level_centre + cfg.level_step * (level - 3) + offset
    slope = cfg.discrimination * np.exp(rng.normal(0.0, 0.2, n))
    return skill, level, difficulty, slope


def transfer_matrix(n_skills: int, weight: float, topics: np.ndarray | None = None,
                    interference: float = 0.0) -> np.ndarray:
    """Identity plus ``weight`` between related skills: ring neighbours, or skills of one topic (then
    minus ``interference`` between skills of different topics)."""
    if topics is not None:
        mat = np.where(topics[:, None] == topics[None, :], weight, -interference)
        np.fill_diagonal(mat, 1.0)
        return mat
    mat = np.eye(n_skills)
    for s in range(n_skills):
        for t in {(s + 1) % n_skills, (s - 1) % n_skills} - {s}:
            mat[s, t] += weight
    return mat


def checked_ints(values, n: int, lo: int, hi: int, name: str, owner: str = "make_world") -> np.ndarray | None:
    """``values`` as n ints in [lo, hi] (None stays None); house-style ValueError otherwise."""
    if values is None:
        return None
    arr = np.asarray(values, dtype=np.int64)
    if arr.shape != (n,) or arr.min() < lo or arr.max() > hi:
        raise ValueError(
            f"The '{name}' parameter of {owner} must be {n} ints in [{lo}, {hi}]. "
            f"Got shape {arr.shape} with range [{arr.min()}, {arr.max()}] instead."
        )
    return arr


def make_world(config: LearnerConfig, seed: int, skills=None, levels=None, topics=None) -> World:
    """Draw a world (pool, held-out sets, abilities) deterministically from ``seed``.

    ``skills`` (ints in ``[0, n_skills)``) and ``levels`` (ints 1..5), one per pool problem, fix the
    pool's true skills and prior levels, e.g. to those of built-in problems a clustering step sees;
    ``topics`` (one int per skill) makes skills of one topic transfer to each other instead of ring
    neighbours. The pool's observable features come from their own stream (:func:`observable_features`).
    """
    rng = np.random.default_rng([seed, 7919])
    cfg = config
    s = cfg.n_skills
    skill_p = np.full(s, 1.0 / s) if cfg.skill_weights is None else np.asarray(cfg.skill_weights, float)
    skill_p = skill_p / skill_p.sum()
    level_p = np.asarray(cfg.level_weights, float) / sum(cfg.level_weights)
    skills = checked_ints(skills, cfg.n_pool, 0, s - 1, "skills")
    levels = checked_ints(levels, cfg.n_pool, 1, 5, "levels")
    topics = checked_ints(topics, s, 0, s - 1, "topics")
    features, signal = observable_features(seed, 7919, cfg.n_pool, cfg.n_features)
    explained = explained_offset(signal, cfg.label_noise, cfg.feature_strength)
    skill, level, difficulty, slope = _problems(rng, cfg.n_pool, skill_p, level_p, cfg, skills, levels, explained)
    theta0 = np.linspace(cfg.ability_start[0], cfg.ability_start[1], s)[rng.permutation(s)]
    heldout = {}
    a_skill = np.repeat(np.arange(s), cfg.n_aime_per_skill)
    n_a = a_skill.size
    heldout["aime"] = (a_skill, rng.normal(cfg.aime_difficulty, 0.5, n_a),
                       cfg.discrimination * np.exp(rng.normal(0.0, 0.2, n_a)))
    m_skill = np.arange(cfg.n_math) % s
    m_level = rng.choice(5, size=cfg.n_math) + 1
    heldout["math"] = (m_skill,
                       cfg.level_centre + cfg.level_step * (m_level - 3) + rng.normal(0, 0.5, cfg.n_math),
                       cfg.discrimination * np.exp(rng.normal(0.0, 0.2, cfg.n_math)))
    return World(cfg, skill, level, difficulty, slope, theta0, transfer_matrix(s, cfg.transfer, topics), heldout,
                 features, explained)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def per_skill_mean(skill: np.ndarray, values: np.ndarray, n_skills: int) -> np.ndarray:
    """Mean of ``values`` per skill code (0 for a skill without entries), shape (n_skills,)."""
    return np.bincount(skill, weights=values, minlength=n_skills) / np.maximum(
        np.bincount(skill, minlength=n_skills), 1)


class GroupSampler:
    """Rollouts for a learner that has ``pass_rates(indices)`` and a Generator ``_rng``."""

    def rollout(self, indices: np.ndarray, group_size: int) -> np.ndarray:
        """Sample ``group_size`` 0/1 outcomes per problem; shape (len(indices), group_size)."""
        p = self.pass_rates(indices)
        return (self._rng.random((p.size, group_size)) < p[:, None]).astype(np.float64)


class SimLearner(GroupSampler):
    """The evolving model: abilities per skill and memorised problems.

    Example:
        >>> w = make_world(LearnerConfig(n_pool=100), seed=0)
        >>> lr = SimLearner(w, seed=0)
        >>> r = lr.rollout(np.arange(4), group_size=8)
        >>> r.shape
        (4, 8)
        >>> _ = lr.learn(np.arange(4), r)
    """

    def __init__(self, world: World, seed: int = 0) -> None:
        self.world = world
        self.theta = world.theta0.astype(float).copy()
        self.memory = np.zeros(world.n_pool)
        self._rng = np.random.default_rng([seed, 104729])

    @property
    def features(self) -> np.ndarray | None:
        """(N, n_features) float32 observable features of the pool problems (what a selector may read)."""
        return self.world.features

    def pass_rates(self, indices: np.ndarray | None = None) -> np.ndarray:
        """True current pass probability of pool problems (all when ``indices`` is None)."""
        w = self.world
        idx = slice(None) if indices is None else np.asarray(indices, dtype=np.int64)
        logit = w.slope[idx] * (self.theta[w.skill[idx]] + self.memory[idx] - w.difficulty[idx])
        return _sigmoid(logit)

    def logit_parts(self, indices: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(a_i, a_i * (theta_c(i) + m_i))`` so that logit p_i = second - a_i * b_i (informed peer)."""
        w = self.world
        idx = slice(None) if indices is None else np.asarray(indices, dtype=np.int64)
        slope = w.slope[idx]
        return slope, slope * (self.theta[w.skill[idx]] + self.memory[idx])

    def difficulty_prior(self) -> tuple[np.ndarray, float]:
        """Prior of each pool problem's difficulty given its level label and features: (centre, sd).

        The informed peer knows the world, so it also knows how much of the difficulty the features
        explain; at strength 0 this is the level-only prior.
        """
        cfg, w = self.world.config, self.world
        centre = cfg.level_centre + cfg.level_step * (w.level - 3.0)
        if w.feature_offset is None:
            return centre, float(max(cfg.label_noise, 1e-3))
        return centre + w.feature_offset, float(max(cfg.label_noise * np.sqrt(1.0 - cfg.feature_strength), 1e-3))

    def learn(self, indices: np.ndarray, rewards: np.ndarray) -> float:
        """One training step on the groups ``rewards[j]`` of problems ``indices[j]``.

        Returns the batch-mean group variance (the size of the step before ``eta``).
        """
        idx = np.asarray(indices, dtype=np.int64)
        w, cfg = self.world, self.world.config
        s = cfg.n_skills
        # k/G * (1 - k/G) per group; 0 for an all-same group (and no groups in an empty batch)
        var = np.asarray(rewards, dtype=np.float64).reshape(idx.size, -1).var(axis=1) if idx.size else np.zeros(0)
        practised = np.zeros(s, dtype=bool)
        practised[w.skill[idx[var > 0]]] = True  # an all-same group has no gradient: it practises nothing
        if cfg.forgetting > 0:  # fade first, so this round's learning is not itself forgotten
            idle = ~practised
            self.theta[idle] -= cfg.forgetting * (self.theta[idle] - w.theta0[idle])
            self.memory *= 1.0 - cfg.forgetting
        if not idx.size:
            return 0.0
        direct = np.bincount(w.skill[idx], weights=var, minlength=s) / idx.size
        self.theta += cfg.learning_rate * (w.transfer.T @ direct)
        np.add.at(self.memory, idx, cfg.memorization * var)
        mean_var = float(var.mean())
        return mean_var

    def heldout_accuracy(self) -> dict[str, float]:
        """Exact expected accuracy on each held-out set, plus their mean under ``"mean"``."""
        out = {}
        for name, (skill, b, a) in self.world.heldout.items():
            out[name] = float(_sigmoid(a * (self.theta[skill] - b)).mean())
        out["mean"] = float(np.mean([out[k] for k in self.world.heldout]))
        return out

    def skill_accuracy(self) -> np.ndarray:
        """Expected MATH-like held-out accuracy per skill, shape (S,)."""
        skill, b, a = self.world.heldout["math"]
        return per_skill_mean(skill, _sigmoid(a * (self.theta[skill] - b)), self.world.config.n_skills)
