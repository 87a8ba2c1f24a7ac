"""A second simulated learner with other dynamics, to check results are not an artefact of the first.

:class:`MirtLearner` answers the same calls as :class:`~eval.simbench.learner.SimLearner` (``rollout``,
``learn``, ``pass_rates``, ``heldout_accuracy``, ``skill_accuracy``, ``world`` with ``n_pool``,
``skill``, ``level`` and ``config``), but almost every modelling choice differs:

================  ==========================================  =============================================
aspect            ``SimLearner`` ("irt")                      ``MirtLearner`` ("mirt")
================  ==========================================  =============================================
response curve    2PL: ``sigmoid(a (theta - b))``             3PL: ``c + (1 - c) sigmoid(a (theta_eff - b))``;
                                                              a share ``mc_share`` of problems is multiple
                                                              choice with guessing floor ``c = guess``
skills/problem    one                                         two: the labelled skill with loading
                                                              ``1 - lam`` and a hidden secondary skill with
                                                              ``lam ~ U(0, secondary_max)``;
                                                              ``theta_eff = (1 - lam) theta_k + lam theta_k2``
levels            ``b = centre(level) + noise``               ``b = centre(level) + offset[skill, level] +
                                                              noise``: each skill's source calibrates its
                                                              levels differently, so levels are monotone in
                                                              difficulty only on average
start abilities   evenly spread                               drawn ``N(ability_mean, ability_sd)``
learning signal   group reward variance ``q (1 - q)``         GRPO's std-normalised advantage mass
                                                              ``mean |r - q| / std = 2 sqrt(q (1 - q))``,
                                                              times the share of successes that are not
                                                              guesses, ``(1 - c) s / p``
saturation        none                                        each skill has a headroom ``h_s``; its gains
                                                              shrink linearly to 0 as ``theta_s - theta0_s``
                                                              approaches ``h_s``
transfer          ring neighbours gain ``transfer``           skills of one topic gain ``transfer``; skills
                                                              of other topics lose ``interference``
forgetting        unpractised skills relax to the start       none beyond interference
repeats           memorised problems get easier               no memorisation: a problem's pass rate moves
                                                              only with abilities, but its ``n``-th
                                                              informative exposure teaches only
                                                              ``1 / (1 + n / repeat_scale)`` (overfitting)
held-out          AIME-like: hard, one skill each;            competition-like (``"aime"``): hard, two
                  MATH-like: levels 1-5                       skills at equal loading, no guessing;
                                                              mixed (``"math"``): levels 1-5 under the
                                                              pool's level map, ``heldout_mc_share`` multiple
                                                              choice
================  ==========================================  =============================================

The fairness rule of the benchmark still holds: a group whose rewards are all equal has zero GRPO
advantage, so it changes nothing (no ability, interference, or repeat count moves), and a step is
divided by the batch size ``B``, so all-same groups dilute it. Selection therefore matters, but the
selector's estimate of ``p (1 - p)`` is no longer the whole story: a hard multiple-choice problem
looks informative while teaching little, a saturated skill keeps producing mixed groups, and
drilling the same problems wears out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial

import numpy as np

from eval.simbench.learner import (
    GroupSampler,
    check_features,
    check_param,
    checked_ints,
    explained_offset,
    mix_offset,
    observable_features,
    per_skill_mean,
    transfer_matrix,
)

__all__ = ["MirtConfig", "MirtWorld", "MirtLearner", "make_mirt_world"]


_check = partial(check_param, owner="MirtConfig")
_ints = partial(checked_ints, owner="make_mirt_world")


@dataclass(frozen=True)
class MirtConfig:
    """Parameters of the multidimensional 3PL world and learner (defaults: the balanced scenario).

    The first five fields share names and meaning with
    :class:`~eval.simbench.learner.LearnerConfig`, so the benchmark's scenario overrides apply to both.

    Attributes:
        n_skills: number of skills (the labels a pool carries are the primary skills).
        n_pool: number of training problems.
        level_weights: share of the pool at each level 1..5 (normalised).
        skill_weights: share of the pool per primary skill (normalised); None = equal.
        label_noise: sd of a problem's difficulty around its (skill, level) centre.
        learning_rate: ``eta``, ability gained per unit of batch-mean advantage mass. Calibrated on
            uniform selection only (balanced scenario, seeds 200-204): 0.15 makes uniform's held-out
            gain over the full budget (+0.14) match ``SimLearner``'s; nothing was set by looking at
            any other policy.
        level_step: difficulty added per level; a level-3 problem is centred on ``level_centre``.
        level_centre: see ``level_step``.
        level_jitter: sd of the per-(skill, level) offset that bends the level-to-difficulty map.
        discrimination: median slope ``a``; per-problem slopes are log-normal (sd 0.3) around it.
        mc_share: share of pool problems that are multiple choice.
        guess: guessing floor ``c`` of a multiple-choice problem.
        secondary_max: largest loading of a problem's hidden secondary skill.
        ability_mean: mean starting ability; ``ability_sd`` is its spread across skills.
        ability_sd: see ``ability_mean``.
        headroom: (low, high) range of the per-skill gain at which learning that skill stops.
        transfer: share of an update that reaches each other skill of the same topic.
        interference: share of an update subtracted from each skill of another topic.
        repeat_scale: a problem's ``n``-th informative exposure teaches ``1 / (1 + n / repeat_scale)``.
        n_aime_per_skill: held-out competition-like problems per skill.
        aime_difficulty: mean difficulty of competition-like problems.
        n_math: held-out mixed problems (levels 1-5, primary skills equal).
        heldout_mc_share: share of held-out mixed problems that are multiple choice.
        n_features: length of each pool problem's observable feature vector.
        feature_strength: share in [0, 1] of the variance of a pool problem's own difficulty offset
            (sd ``label_noise``, beyond its (skill, level) centre) that its features explain; 0 = none
            (features are pure noise and the world is bit-identical to one without features).
    """

    n_skills: int = 6
    n_pool: int = 3000
    level_weights: tuple[float, ...] = (0.2, 0.2, 0.2, 0.2, 0.2)
    skill_weights: tuple[float, ...] | None = None
    label_noise: float = 0.5
    learning_rate: float = 0.15
    level_step: float = 1.0
    level_centre: float = 0.0
    level_jitter: float = 0.6
    discrimination: float = 1.5
    mc_share: float = 0.3
    guess: float = 0.2
    secondary_max: float = 0.4
    ability_mean: float = -0.5
    ability_sd: float = 0.7
    headroom: tuple[float, float] = (1.5, 3.5)
    transfer: float = 0.2
    interference: float = 0.05
    repeat_scale: float = 3.0
    n_aime_per_skill: int = 30
    aime_difficulty: float = 2.0
    n_math: int = 600
    heldout_mc_share: float = 0.3
    n_features: int = 16
    feature_strength: float = 0.0

    def __post_init__(self) -> None:
        check_features(self.n_features, self.feature_strength, "MirtConfig")
        _check(self.n_skills >= 1, "n_skills", "an integer >= 1", self.n_skills)
        _check(self.n_pool >= 1, "n_pool", "an integer >= 1", self.n_pool)
        _check(len(self.level_weights) == 5 and min(self.level_weights) >= 0 and sum(self.level_weights) > 0,
               "level_weights", "5 non-negative shares with a positive sum", self.level_weights)
        if self.skill_weights is not None:
            _check(len(self.skill_weights) == self.n_skills and min(self.skill_weights) >= 0
                   and sum(self.skill_weights) > 0,
                   "skill_weights", f"None or {self.n_skills} non-negative shares", self.skill_weights)
        for name in ("label_noise", "learning_rate", "level_jitter", "ability_sd", "transfer", "interference"):
            _check(getattr(self, name) >= 0, name, "a number >= 0", getattr(self, name))
        for name in ("mc_share", "heldout_mc_share"):
            _check(0 <= getattr(self, name) <= 1, name, "a share in [0, 1]", getattr(self, name))
        _check(0 <= self.guess < 1, "guess", "a number in [0, 1)", self.guess)
        _check(0 <= self.secondary_max <= 0.5, "secondary_max", "a number in [0, 0.5]", self.secondary_max)
        _check(self.discrimination > 0, "discrimination", "a number > 0", self.discrimination)
        _check(len(self.headroom) == 2 and 0 < self.headroom[0] <= self.headroom[1], "headroom",
               "(low, high) with 0 < low <= high", self.headroom)
        _check(self.repeat_scale > 0, "repeat_scale", "a number > 0", self.repeat_scale)
        _check(self.n_aime_per_skill >= 1 and self.n_math >= 1, "n_math", "an integer >= 1 (held-out sizes)",
               (self.n_aime_per_skill, self.n_math))

    def replace(self, **changes) -> MirtConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class _Items:
    """A set of problems: primary and secondary skill, loading, difficulty, slope, guessing floor."""

    skill: np.ndarray
    second: np.ndarray
    load: np.ndarray
    difficulty: np.ndarray
    slope: np.ndarray
    guess: np.ndarray


@dataclass(frozen=True)
class MirtWorld:
    """The fixed part of a simulation: pool and held-out problems, abilities, headroom, transfer."""

    config: MirtConfig
    items: _Items              # the training pool
    level: np.ndarray          # (N,) prior level 1..5 (the label a pool carries)
    theta0: np.ndarray         # (S,) starting abilities
    headroom: np.ndarray       # (S,) gain at which a skill stops learning
    transfer: np.ndarray       # (S, S) update spread: 1 on the diagonal, +transfer / -interference
    heldout: dict              # name -> _Items
    features: np.ndarray | None = None        # (N, n_features) float32, observable
    feature_offset: np.ndarray | None = None  # (N,) part of the difficulty the features explain (hidden)

    @property
    def skill(self) -> np.ndarray:
        """(N,) primary (labelled) skill per pool problem."""
        return self.items.skill

    @property
    def difficulty(self) -> np.ndarray:
        """(N,) latent difficulty per pool problem."""
        return self.items.difficulty

    @property
    def n_pool(self) -> int:
        return int(self.items.skill.shape[0])


def _seconds(rng, skill: np.ndarray, n_skills: int) -> np.ndarray:
    """A random secondary skill different from the primary one (the same when there is one skill)."""
    if n_skills == 1:
        return skill.copy()
    return (skill + rng.integers(1, n_skills, size=skill.size)) % n_skills


def _items(rng, cfg: MirtConfig, skill, centre, noise, mc_share, load=None, explained=None) -> _Items:
    """Problems of ``skill`` with difficulty ``centre + N(0, noise)`` and random second skill and slope
    (``explained``: the part of the offsets the features explain, :func:`~eval.simbench.learner.mix_offset`)."""
    n = skill.size
    second = _seconds(rng, skill, cfg.n_skills)
    if load is None:
        load = rng.uniform(0.0, cfg.secondary_max, n) if cfg.n_skills > 1 else np.zeros(n)
    difficulty = centre + mix_offset(rng.normal(0.0, noise, n), explained, cfg.feature_strength)
    slope = cfg.discrimination * np.exp(rng.normal(0.0, 0.3, n))
    guess = np.where(rng.random(n) < mc_share, cfg.guess, 0.0)
    return _Items(skill, second, np.broadcast_to(load, (n,)).astype(float), difficulty, slope, guess)


def make_mirt_world(config: MirtConfig, seed: int, skills=None, levels=None, topics=None) -> MirtWorld:
    """Draw a world deterministically from ``seed`` (same signature as ``make_world``).

    ``skills`` and ``levels`` fix the pool's primary skills (ints in ``[0, n_skills)``) and prior
    levels (1..5); ``topics`` (one int per skill) groups skills that help each other. Without it,
    skills pair up into topics ``{0, 1}, {2, 3}, ...``.
    """
    cfg = config
    s = cfg.n_skills
    rng = np.random.default_rng([seed, 2718])
    skills = _ints(skills, cfg.n_pool, 0, s - 1, "skills")
    levels = _ints(levels, cfg.n_pool, 1, 5, "levels")
    topics = _ints(topics, s, 0, s - 1, "topics")
    topics = np.arange(s) // 2 if topics is None else topics
    skill_p = np.full(s, 1.0 / s) if cfg.skill_weights is None else np.asarray(cfg.skill_weights, float)
    level_p = np.asarray(cfg.level_weights, float)
    if skills is None:
        skills = rng.choice(s, size=cfg.n_pool, p=skill_p / skill_p.sum())
    if levels is None:
        levels = rng.choice(5, size=cfg.n_pool, p=level_p / level_p.sum()) + 1
    offsets = rng.normal(0.0, cfg.level_jitter, (s, 5))  # bends each skill's level -> difficulty map

    def centre(skill, level):
        return cfg.level_centre + cfg.level_step * (level - 3) + offsets[skill, level - 1]

    features, signal = observable_features(seed, 2718, cfg.n_pool, cfg.n_features)  # their own stream
    explained = explained_offset(signal, cfg.label_noise, cfg.feature_strength)
    pool = _items(rng, cfg, skills, centre(skills, levels), cfg.label_noise, cfg.mc_share, explained=explained)
    theta0 = rng.normal(cfg.ability_mean, cfg.ability_sd, s)
    headroom = rng.uniform(cfg.headroom[0], cfg.headroom[1], s)
    a_skill = np.repeat(np.arange(s), cfg.n_aime_per_skill)
    aime = _items(rng, cfg, a_skill, cfg.aime_difficulty, 0.5, 0.0, load=0.5 if s > 1 else 0.0)
    m_skill = np.arange(cfg.n_math) % s
    m_level = rng.choice(5, size=cfg.n_math) + 1
    math_set = _items(rng, cfg, m_skill, centre(m_skill, m_level), 0.5, cfg.heldout_mc_share)
    return MirtWorld(cfg, pool, levels, theta0, headroom, transfer_matrix(len(topics), cfg.transfer, topics, cfg.interference),
                     {"aime": aime, "math": math_set}, features, explained)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))   # no overflow warnings at extreme logits


def _solve(theta: np.ndarray, items: _Items, idx=slice(None)) -> tuple[np.ndarray, np.ndarray]:
    """(pass probability, knowledge part ``sigmoid(...)``) of ``items[idx]`` at abilities ``theta``."""
    lam = items.load[idx]
    eff = (1.0 - lam) * theta[items.skill[idx]] + lam * theta[items.second[idx]]
    known = _sigmoid(items.slope[idx] * (eff - items.difficulty[idx]))
    c = items.guess[idx]
    return c + (1.0 - c) * known, known


class MirtLearner(GroupSampler):
    """The evolving model: abilities per skill and a count of informative exposures per problem.

    Example:
        >>> w = make_mirt_world(MirtConfig(n_pool=100), seed=0)
        >>> lr = MirtLearner(w, seed=0)
        >>> r = lr.rollout(np.arange(4), group_size=8)
        >>> r.shape
        (4, 8)
        >>> _ = lr.learn(np.arange(4), r)
    """

    def __init__(self, world: MirtWorld, seed: int = 0) -> None:
        self.world = world
        self.theta = world.theta0.astype(float).copy()
        self.exposures = np.zeros(world.n_pool)
        self._rng = np.random.default_rng([seed, 15485863])

    @property
    def features(self) -> np.ndarray | None:
        """(N, n_features) float32 observable features of the pool problems (what a selector may read)."""
        return self.world.features

    def pass_rates(self, indices: np.ndarray | None = None) -> np.ndarray:
        """True current pass probability of pool problems (all when ``indices`` is None)."""
        idx = slice(None) if indices is None else np.asarray(indices, dtype=np.int64)
        return _solve(self.theta, self.world.items, idx)[0]

    def learn(self, indices: np.ndarray, rewards: np.ndarray) -> float:
        """One training step on the groups ``rewards[j]`` of problems ``indices[j]``.

        Returns the batch-mean teaching signal (advantage mass x non-guess share x repeat decay).
        """
        idx = np.asarray(indices, dtype=np.int64)
        if not idx.size:
            return 0.0
        w, cfg = self.world, self.world.config
        rewards = np.asarray(rewards, dtype=np.float64).reshape(idx.size, -1)
        q = rewards.mean(axis=1)
        mass = 2.0 * np.sqrt(np.clip(q * (1.0 - q), 0.0, None))  # mean |advantage|; 0 if all the same
        p, known = _solve(self.theta, w.items, idx)
        # Share of successes that are not guesses; 1 where p underflows to 0 (then mass is 0 anyway).
        real = np.divide((1.0 - w.items.guess[idx]) * known, p, out=np.ones_like(p), where=p > 0)
        signal = mass * real / (1.0 + self.exposures[idx] / cfg.repeat_scale)
        lam = w.items.load[idx]
        s = cfg.n_skills
        direct = (np.bincount(w.items.skill[idx], weights=signal * (1.0 - lam), minlength=s)
                  + np.bincount(w.items.second[idx], weights=signal * lam, minlength=s)) / idx.size
        step = cfg.learning_rate * (w.transfer.T @ direct)
        room = np.clip(1.0 - (self.theta - w.theta0) / w.headroom, 0.0, 1.0)
        self.theta += np.where(step > 0, step * room, step)
        np.add.at(self.exposures, idx[mass > 0], 1.0)
        return float(signal.mean())

    def heldout_accuracy(self) -> dict[str, float]:
        """Exact expected accuracy on each held-out set, plus their mean under ``"mean"``."""
        out = {name: float(_solve(self.theta, items)[0].mean()) for name, items in self.world.heldout.items()}
        out["mean"] = float(np.mean([out[k] for k in self.world.heldout]))
        return out

    def skill_accuracy(self) -> np.ndarray:
        """Expected mixed held-out accuracy per primary skill, shape (S,)."""
        items = self.world.heldout["math"]
        return per_skill_mean(items.skill, _solve(self.theta, items)[0], self.world.config.n_skills)
