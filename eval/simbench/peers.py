"""Selectors the harness runs: engine policies (public contract only) and two harness-level peers.

Every selector answers ``draw(n, round) -> indices`` and ``report(indices, rewards, round)``; the
harness never looks inside one. The peers that need more than that contract live here:

* :class:`OracleSelector` knows the learner's true pass rates and takes the ``n`` problems whose
  expected group variance ``p (1 - p)`` is largest: the ceiling for any selector.
* :class:`InformedSelector` is a second, more honest ceiling: it knows everything about the learner
  except each problem's own difficulty (abilities, memory, slopes and the prior of difficulties
  given the level label) and learns that difficulty from the outcomes it sees, by exact Bayesian
  updating on a grid. It draws with the engine's race (weights ``(E[p q] / max E[p q]) ** 32``, one
  problem per skill first), so the gap between it and SAI-DPO is what estimating the model costs, and the gap
  between it and the oracle is what no selector that learns difficulty from rollouts can close.
* :class:`DynamicSampling` is DAPO's dynamic sampling: draw uniformly, roll out, drop groups whose
  outcomes are all the same, draw again until ``n`` informative groups are kept (or a cap on extra
  draws is hit). The dropped rollouts are paid for out of the same budget.
* ``mopps`` (:class:`~eval.simbench.mopps.MoPPSSelector`) and ``gps``
  (:class:`~eval.simbench.gps.GPSSelector`) are the two newest peers (issue 18): per-prompt Beta
  posteriors with Thompson sampling toward p = 0.5, and a predictor shared across prompts with a
  diverse batch. They see what the engine sees (shown skill labels, levels, the pool's observable
  features) and answer the same ``draw``/``report`` contract.
"""


from __future__ import annotations

import inspect

import numpy as np

from sai_dpo.config import setting_value

__all__ = ["EngineSelector", "OracleSelector", "InformedSelector", "DynamicSampling", "parse_policy_spec",
           "parse_overrides", "policy_fields", "check_policy"]

ENGINE_POLICIES = ("sai_dpo", "uniform", "curriculum", "learnability", "prioritized")
PEER_POLICIES = ("dapo", "oracle", "informed", "mopps", "gps")
CEILINGS = ("oracle", "informed")  # peers that read the learner's hidden state


def parse_overrides(items) -> dict:
    """``["tau=0.5", "thompson=false"]`` -> ``{"tau": 0.5, "thompson": False}`` (numbers, bools and None read as such).

    Raises:
        ValueError: an item is not ``key=value``, or a key is given twice (the last would silently win).
    """
    overrides = {}
    for item in filter(None, (str(p).strip() for p in items)):
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ValueError(f"override {item!r} must look like key=value")
        if key.strip() in overrides:
            raise ValueError(f"override {key.strip()!r} is given twice; give it once")
        overrides[key.strip()] = setting_value(value.strip())
    return overrides


def parse_policy_spec(spec: str) -> tuple[str, dict]:
    """Split ``"sai_dpo:tau=0.5,half_life=8"`` into ``("sai_dpo", {"tau": 0.5, "half_life": 8})``."""
    name, _, rest = spec.partition(":")
    name = name.strip()
    if name not in ENGINE_POLICIES + PEER_POLICIES:
        raise ValueError(
            f"The 'policy' parameter of the selection benchmark must be one of "
            f"{ENGINE_POLICIES + PEER_POLICIES} (optionally 'name:key=value,...'). Got {spec!r} instead."
        )
    try:
        return name, parse_overrides(rest.split(","))
    except ValueError as exc:
        raise ValueError(f"Policy {spec!r}: {exc}.") from None


# Fields the harness sets itself on an engine policy's SelectionConfig.
_HARNESS_FIELDS = ("policy", "group_size", "seed")
_PEER_FIELDS = {
    "mopps": ("discount", "prior_alpha", "prior_beta", "target", "ts_ratio"),
    "gps": ("diversity", "half_life", "history_rounds", "l2", "target", "thompson", "ts_ratio", "window"),
}


def policy_fields(name: str) -> tuple[str, ...]:
    """The override fields the benchmark policy ``name`` accepts (sorted; ``()`` for none)."""
    if name in ENGINE_POLICIES:
        from sai_dpo import SelectionConfig

        return tuple(sorted(set(SelectionConfig.__dataclass_fields__) - set(_HARNESS_FIELDS)))
    if name == "informed":
        return ("sharpness",)
    if name in _PEER_FIELDS:
        return _PEER_FIELDS[name]
    return ()  # dapo and oracle take none (DAPO's cap on extra batches is a BenchSizes field)


def check_policy(name: str, overrides: dict) -> None:
    """Check a policy and its overrides in the calling process, before any run starts.

    Engine policies build their :class:`sai_dpo.SelectionConfig` (so a bad value fails here, not in
    a worker); the peers accept only the fields :func:`policy_fields` lists.

    Raises:
        ValueError: an unknown policy, an unknown field (the message lists the valid ones) or a bad value.
    """
    if name not in ENGINE_POLICIES + PEER_POLICIES:
        raise ValueError(f"unknown policy {name!r}; known: {', '.join(ENGINE_POLICIES + PEER_POLICIES)}")
    fields = policy_fields(name)
    unknown = sorted(set(overrides) - set(fields))
    if unknown:
        valid = ", ".join(fields) if fields else "none (it takes no overrides)"
        fixed = " (policy, group_size and seed are set by the benchmark)" if set(unknown) & set(_HARNESS_FIELDS) else ""
        raise ValueError(f"policy {name!r} has no field {', '.join(map(repr, unknown))}{fixed}; valid fields: {valid}")
    if name in ENGINE_POLICIES:
        from sai_dpo import SelectionConfig

        SelectionConfig(policy=name, **overrides)  # raises the config's own ValueError for a bad value
    elif name == "mopps":
        from eval.simbench.mopps import MoPPSSelector

        MoPPSSelector(1, 0, **overrides)  # the constructor checks every value
    elif name == "gps":
        from eval.simbench.gps import GPSSelector

        GPSSelector(["s"], [1], None, 0, **overrides)
    elif "sharpness" in overrides:
        value = overrides["sharpness"]
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < float("inf"):
            raise ValueError(f"The 'sharpness' parameter of InformedSelector must be a positive finite number. "
                             f"Got {value!r} instead.")


def _engine(skills, levels, config, features):
    """The engine, given the pool's observable features where it takes them.

    THE one place the benchmark hands features to the engine (issue 18: the predictive prior).
    ``SelectionEngine(skills, levels, config, features=None)`` takes a float32 (n, d) matrix; an
    engine without that argument gets skills and levels only.
    """
    from sai_dpo import SelectionEngine  # the benchmark may import sai_dpo

    if features is not None and "features" in inspect.signature(SelectionEngine).parameters:
        return SelectionEngine(skills, levels, config, features=np.asarray(features, dtype=np.float32))
    return SelectionEngine(skills, levels, config)


class EngineSelector:
    """A :class:`sai_dpo.SelectionEngine` used through ``draw``/``report`` only.

    ``features``: the pool's observable features (``learner.features``), passed on by :func:`_engine`.
    """

    def __init__(self, policy: str, skills, levels, group_size: int, seed: int, overrides: dict | None = None,
                 features=None):
        from sai_dpo import SelectionConfig

        config = SelectionConfig(policy=policy, group_size=group_size, seed=seed, **(overrides or {}))
        self.engine = _engine(list(skills), list(levels), config, features)

    def draw(self, n: int, round: int) -> np.ndarray:
        return np.asarray(self.engine.draw(n, round), dtype=np.int64)

    def report(self, indices: np.ndarray, rewards: np.ndarray, round: int) -> None:
        rewards = np.asarray(rewards, dtype=np.float64)
        per_rollout = np.repeat(np.asarray(indices, dtype=np.int64), rewards.shape[1])
        self.engine.report(per_rollout, rewards.reshape(-1), round=round)


class OracleSelector:
    """Takes the ``n`` problems with the largest true ``p (1 - p)`` (ties broken at random)."""

    def __init__(self, learner, seed: int):
        self._learner = learner
        self._rng = np.random.default_rng([seed, 31337])

    def draw(self, n: int, round: int) -> np.ndarray:
        p = self._learner.pass_rates()
        score = p * (1.0 - p) + 1e-9 * self._rng.random(p.size)
        n = min(n, p.size)
        return np.argpartition(-score, n - 1)[:n].astype(np.int64)

    def report(self, indices, rewards, round: int) -> None:
        """The oracle needs no feedback."""


class InformedSelector:
    """Knows the learner but each problem's difficulty, which it infers from outcomes (see module doc).

    The learner must offer ``logit_parts(indices) -> (slope, slope * (theta + memory))`` and
    ``difficulty_prior() -> (centre per problem, sd)``; the harness calls :meth:`observe` with each
    group's rewards right after the rollout (before the learner trains on them).
    """

    GRID = np.linspace(-4.0, 4.0, 65)  # difficulty offsets from the level centre, in prior sd units

    def __init__(self, learner, seed: int, sharpness: float = 32.0):
        from sai_dpo._draw import gumbel_top_k  # the engine's weighted draw with one problem per group first

        centre, sd = learner.difficulty_prior()
        slope, _ = learner.logit_parts()
        self._learner = learner
        self._b = centre[:, None] + sd * self.GRID[None, :]  # (N, grid) candidate difficulties
        self._ab = slope[:, None] * self._b  # fixed: a_i * b for each candidate
        self._logpost = np.tile(-0.5 * self.GRID**2, (len(centre), 1))
        self._post = np.exp(self._logpost - self._logpost.max(axis=1, keepdims=True))  # unnormalised
        self._mass = self._post.sum(axis=1)
        skill = np.asarray(learner.world.skill)
        self._groups = (skill, int(skill.max()) + 1, 0.0)
        self._rng = np.random.default_rng([seed, 2718])
        self._sharpness = sharpness
        self._draw = gumbel_top_k

    def _grid_p(self, idx: np.ndarray | None = None) -> np.ndarray:
        _, ability = self._learner.logit_parts(idx)
        ab = self._ab if idx is None else self._ab[idx]
        return 1.0 / (1.0 + np.exp(ab - ability[:, None]))

    def draw(self, n: int, round: int) -> np.ndarray:
        p = self._grid_p()
        v = (self._post * p * (1.0 - p)).sum(axis=1) / self._mass
        return self._draw((v / v.max()) ** self._sharpness, n, self._rng, groups=self._groups)

    def observe(self, indices: np.ndarray, rewards: np.ndarray) -> None:
        """Bayes update of the drawn problems' difficulty posteriors from their groups."""
        idx = np.asarray(indices)
        p = np.clip(self._grid_p(idx), 1e-12, 1 - 1e-12)
        k = rewards.sum(axis=1)[:, None]
        g = rewards.shape[1]
        np.add.at(self._logpost, idx, k * np.log(p) + (g - k) * np.log1p(-p))
        changed = np.unique(idx)
        lp = self._logpost[changed]
        self._post[changed] = np.exp(lp - lp.max(axis=1, keepdims=True))
        self._mass[changed] = self._post[changed].sum(axis=1)

    def report(self, indices, rewards, round: int) -> None:
        """Outcomes arrive through :meth:`observe`, at rollout time."""


class DynamicSampling:
    """DAPO dynamic sampling over uniform draws; pays for every rollout it generates.

    Args:
        n_pool: pool size.
        seed: seed of the uniform draws.
        max_batches: most candidate batches generated for one training batch (DAPO's
            ``max_num_gen_batches``); the step trains on what was kept when it is hit.
    """

    def __init__(self, n_pool: int, seed: int, max_batches: int = 8):
        if max_batches < 1:
            raise ValueError(f"The 'max_batches' parameter of DynamicSampling must be >= 1. Got {max_batches!r} instead.")
        self.n_pool = n_pool
        self.max_batches = max_batches
        self._rng = np.random.default_rng([seed, 4242])

    def collect(self, learner, batch_size: int, group_size: int, budget_left: int):
        """Generate candidate groups until ``batch_size`` mixed ones are kept or money runs out.

        Returns ``(kept_indices, kept_rewards, n_generated_groups, n_mixed_groups, n_rollouts)``.
        """
        kept_idx, kept_rew = [], []
        n_groups = n_mixed = used = 0
        need = batch_size
        # Candidate batches of one step are distinct problems, like consecutive dataloader batches.
        order = self._rng.permutation(self.n_pool)
        for b in range(self.max_batches):
            cost = batch_size * group_size
            if need <= 0 or used + cost > budget_left:
                break
            cand = order[(b * batch_size) % self.n_pool:][:batch_size]
            if cand.size < batch_size:  # wrapped past the end of the pool
                cand = np.concatenate([cand, order[: batch_size - cand.size]])
            rewards = learner.rollout(cand, group_size)
            used += cand.size * group_size
            mixed = rewards.min(axis=1) != rewards.max(axis=1)
            n_groups += cand.size
            n_mixed += int(mixed.sum())
            take = np.flatnonzero(mixed)[:need]
            kept_idx.append(cand[take])
            kept_rew.append(rewards[take])
            need -= take.size
        if kept_idx:
            idx = np.concatenate(kept_idx)
            rew = np.concatenate(kept_rew) if idx.size else np.zeros((0, group_size))
        else:
            idx, rew = np.zeros(0, np.int64), np.zeros((0, group_size))
        return idx, rew, n_groups, n_mixed, used
