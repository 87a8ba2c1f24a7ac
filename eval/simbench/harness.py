"""Run selectors against the simulated learner at one rollout budget; many runs in parallel.

One run = one (scenario, policy, seed). Every policy of a scenario gets the same world for a seed
and the same rollout budget ``rounds * batch_size * 8``: a larger group means fewer rounds.

Round order (``delay=False``)::

    draw(r) -> rollout -> train(r) -> report(r) -> draw(r+1) ...

Round order (``delay=True``, TRL's sampler reads one generation batch ahead of the rewards)::

    draw(r) -> train(r-1) + report(r-1) -> rollout(r) -> draw(r+1) -> train(r) + report(r) ...
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import time
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from eval.simbench.dynamics import get_dynamics
from eval.simbench.gps import GPSSelector
from eval.simbench.learner import LearnerConfig, SimLearner
from eval.simbench.mopps import MoPPSSelector
from eval.simbench.peers import (
    DynamicSampling,
    EngineSelector,
    InformedSelector,
    OracleSelector,
    check_policy,
    parse_policy_spec,
)
from eval.simbench.scenarios import Scenario

__all__ = ["BenchSizes", "RunResult", "run_one", "run_benchmark", "DEFAULT_POLICIES", "budget_of"]

logger = logging.getLogger(__name__)

DEFAULT_POLICIES = ("sai_dpo", "uniform", "curriculum", "learnability", "prioritized", "dapo", "mopps", "gps",
                    "informed", "oracle")
_REFERENCE_G = 8


@dataclass(frozen=True)
class BenchSizes:
    """How big each run is.

    Attributes:
        batch_size: problems per training round (B).
        rounds: training rounds at G = 8; the rollout budget is ``rounds * batch_size * 8``.
        n_pool: training pool size.
        dapo_max_batches: DAPO's cap on candidate batches per training batch.
    """

    batch_size: int = 32
    rounds: int = 150
    n_pool: int = 3000
    dapo_max_batches: int = 8

    def __post_init__(self) -> None:
        for name in ("batch_size", "rounds", "n_pool", "dapo_max_batches"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"The '{name}' parameter of BenchSizes must be an integer >= 1. Got {value!r} instead.")
        if self.batch_size > self.n_pool:
            raise ValueError(
                f"The 'batch_size' parameter of BenchSizes must be <= n_pool ({self.n_pool}). "
                f"Got {self.batch_size!r} instead."
            )


def budget_of(sizes: BenchSizes) -> int:
    """The rollout budget every policy gets."""
    return sizes.rounds * sizes.batch_size * _REFERENCE_G


@dataclass
class RunResult:
    """What one run measured. Curves have one entry per training step (plus the start)."""

    scenario: str
    policy: str
    seed: int
    budget: int
    rollouts: np.ndarray            # cumulative rollouts at each curve point
    accuracy: np.ndarray            # held-out mean accuracy (AIME-like and MATH-like averaged)
    aime: np.ndarray
    math: np.ndarray
    n_groups: int = 0               # groups generated (DAPO: including dropped ones)
    n_mixed: int = 0                # of which had mixed outcomes
    skill_accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    seconds: float = 0.0
    label_ari: float | None = None  # clustered scenario: agreement of recovered and true skills

    @property
    def informative_share(self) -> float:
        return self.n_mixed / self.n_groups if self.n_groups else 0.0


@dataclass(frozen=True)
class _Task:
    scenario: Scenario
    policy: str
    seed: int
    sizes: BenchSizes
    learner: LearnerConfig | None = None
    clustered: object = None    # ClusteredLabels for the "clustered" scenario
    dynamics: str = "irt"       # learner family (eval.simbench.dynamics.DYNAMICS)


def _build(task: _Task):
    """World plus the (skills, levels) labels the selector is shown."""
    scenario, seed = task.scenario, task.seed
    dyn = get_dynamics(task.dynamics, task.learner)
    cfg = (task.learner or dyn.config()).replace(n_pool=task.sizes.n_pool, **scenario.learner)
    if scenario.labels == "cluster":
        cl = task.clustered
        if cl is None:
            from eval.simbench._cluster import clustered_labels

            cl = clustered_labels(task.sizes.n_pool, seed)
        # Finer skills split each step S ways: scale eta by S / 6 so a round teaches as much in total
        # as in the 6-skill worlds of the other scenarios.
        cfg = cfg.replace(n_skills=cl.n_skills, learning_rate=cfg.learning_rate * cl.n_skills / cfg.n_skills)
        world = dyn.make_world(cfg, seed, skills=cl.true_skills, levels=cl.levels, topics=cl.topics)
        return world, list(cl.shown), world.level.tolist()
    world = dyn.make_world(cfg, seed)
    if scenario.labels == "one":
        skills = ["all"] * world.n_pool
    else:
        skills = [f"skill{k}" for k in world.skill]
    return world, skills, world.level.tolist()


class _Recorder:
    def __init__(self, learner: SimLearner):
        self.learner = learner
        self.points: list[tuple[int, float, float, float]] = []
        self.n_groups = self.n_mixed = 0
        self.add(0)

    def add(self, rollouts: int) -> None:
        acc = self.learner.heldout_accuracy()
        self.points.append((rollouts, acc["mean"], acc["aime"], acc["math"]))

    def groups(self, rewards: np.ndarray) -> None:
        self.n_groups += rewards.shape[0]
        self.n_mixed += int((rewards.min(axis=1) != rewards.max(axis=1)).sum())


def _run_selector(selector, learner, rec: _Recorder, task: _Task, budget: int) -> None:
    b, g = task.sizes.batch_size, task.scenario.group_size
    used, r, pending = 0, 0, None

    def train(item):
        idx, rewards, rnd, at = item
        learner.learn(idx, rewards)
        rec.add(at)
        selector.report(idx, rewards, rnd)

    while used + b * g <= budget:
        idx = selector.draw(b, r)
        if task.scenario.delay and pending is not None:
            train(pending)
            pending = None
        rewards = learner.rollout(idx, g)
        if hasattr(selector, "observe"):  # the informed peer reads outcomes at rollout time
            selector.observe(idx, rewards)
        used += idx.size * g
        rec.groups(rewards)
        if task.scenario.delay:
            pending = (idx, rewards, r, used)
        else:
            train((idx, rewards, r, used))
        r += 1
    if pending is not None:
        train(pending)


def _run_dapo(learner, rec: _Recorder, task: _Task, budget: int, seed: int) -> None:
    b, g = task.sizes.batch_size, task.scenario.group_size
    sampler = DynamicSampling(learner.world.n_pool, seed, max_batches=task.sizes.dapo_max_batches)
    used = 0
    while used + b * g <= budget:
        idx, rewards, n_groups, n_mixed, cost = sampler.collect(learner, b, g, budget - used)
        used += cost
        rec.n_groups += n_groups
        rec.n_mixed += n_mixed
        learner.learn(idx, rewards)
        rec.add(used)


def run_one(task: _Task) -> RunResult:
    """Run one (scenario, policy, seed) and return its curves."""
    start = time.perf_counter()
    name, overrides = parse_policy_spec(task.policy)
    world, skills, levels = _build(task)
    learner = get_dynamics(task.dynamics).learner(world, seed=task.seed)
    rec = _Recorder(learner)
    budget = budget_of(task.sizes)
    if name == "dapo":
        _run_dapo(learner, rec, task, budget, task.seed)
    else:
        if name == "oracle":
            selector = OracleSelector(learner, task.seed)
        elif name == "informed":
            selector = InformedSelector(learner, task.seed, **overrides)
        elif name == "mopps":
            selector = MoPPSSelector(world.n_pool, task.seed, **overrides)
        elif name == "gps":  # sees what the engine sees: shown labels, levels, observable features
            selector = GPSSelector(skills, levels, getattr(learner, "features", None), task.seed, **overrides)
        else:
            if name == "curriculum":  # a static curriculum is told how long the run is
                n_rounds = budget // (task.sizes.batch_size * task.scenario.group_size)
                overrides.setdefault("curriculum_rounds", max(1, n_rounds))
            selector = EngineSelector(name, skills, levels, task.scenario.group_size, task.seed, overrides,
                                      features=getattr(learner, "features", None))
        _run_selector(selector, learner, rec, task, budget)
    pts = np.asarray(rec.points, dtype=np.float64)
    return RunResult(
        scenario=task.scenario.name, policy=task.policy, seed=task.seed, budget=budget,
        rollouts=pts[:, 0].astype(np.int64), accuracy=pts[:, 1], aime=pts[:, 2], math=pts[:, 3],
        n_groups=rec.n_groups, n_mixed=rec.n_mixed, skill_accuracy=learner.skill_accuracy(),
        seconds=time.perf_counter() - start,
        label_ari=getattr(task.clustered, "ari", None),
    )


def _clustered(n_pool: int, seed: int):
    from eval.simbench._cluster import clustered_labels

    return clustered_labels(n_pool, seed)


def _progress(total: int, enabled: bool):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="bench select", unit="run", disable=not enabled)


def supports_informed(dynamics: str) -> bool:
    """Whether the learner family exposes what the informed peer reads (abilities, difficulty prior)."""
    return hasattr(get_dynamics(dynamics).learner, "logit_parts")


def run_benchmark(
    scenarios: list[Scenario],
    policies: list[str] | tuple[str, ...] = DEFAULT_POLICIES,
    seeds: int = 5,
    sizes: BenchSizes | None = None,
    workers: int = 2,
    progress: bool = True,
    learner: LearnerConfig | None = None,
    first_seed: int = 0,
    dynamics: str = "irt",
) -> list[RunResult]:
    """Run every (scenario, policy, seed) and return the results in task order.

    Args:
        scenarios: scenarios to run.
        policies: policy specs (``"uniform"``, ``"sai_dpo:tau=0.5"``, ``"dapo"``, ``"oracle"``...).
        seeds: number of seeds (``first_seed`` .. ``first_seed + seeds - 1``); the same for every policy.
        sizes: run sizes (defaults: :class:`BenchSizes`).
        workers: worker processes (capped at 2: the project's machines have 2 cores).
        progress: show a tqdm bar.
        learner: base learner config (scenario overrides apply on top).
        first_seed: first seed (use fresh seeds to check defaults that were tuned on seeds 0..4).
        dynamics: learner family, ``"irt"`` or ``"mirt"`` (:data:`eval.simbench.dynamics.DYNAMICS`);
            ``learner`` must then be that family's config class.
    """
    if seeds < 1:
        raise ValueError(f"The 'seeds' parameter of run_benchmark must be an integer >= 1. Got {seeds!r} instead.")
    names = []
    for spec in policies:  # fail here, before spawning workers, on a bad name, field or value
        name, overrides = parse_policy_spec(spec)
        try:
            check_policy(name, overrides)
        except ValueError as exc:
            raise ValueError(f"Policy {spec!r}: {exc}") from None
        names.append(name)
    get_dynamics(dynamics, learner)
    if "informed" in names and not supports_informed(dynamics):
        raise ValueError(
            f"The informed peer needs a learner that exposes its abilities and difficulty prior (dynamics 'irt'); "
            f"dynamics {dynamics!r} does not. Leave 'informed' out of the policies."
        )
    sizes = sizes or BenchSizes()
    need_cluster = any(sc.labels == "cluster" for sc in scenarios)
    n_tasks = len(scenarios) * len(policies) * seeds
    workers = max(1, min(int(workers), 2, n_tasks))
    pool = mp.get_context("spawn").Pool(workers) if workers > 1 else None
    try:
        clustered = {}
        if need_cluster:  # once per seed, shared by every policy (clustering takes seconds)
            mapper = pool.map if pool is not None else lambda fn, xs: list(map(fn, xs))
            seed_list = list(range(first_seed, first_seed + seeds))
            clustered = dict(zip(seed_list, mapper(partial(_clustered, sizes.n_pool), seed_list), strict=True))
            for seed, cl in clustered.items():
                logger.info("clustered pool for seed %d: ARI %s", seed, cl.ari)
        tasks = [
            _Task(sc, pol, seed, sizes, learner, clustered.get(seed) if sc.labels == "cluster" else None, dynamics)
            for sc in scenarios for pol in policies for seed in range(first_seed, first_seed + seeds)
        ]
        results: list[RunResult | None] = [None] * len(tasks)
        with _progress(len(tasks), progress) as bar:
            stream = pool.imap(run_one, tasks) if pool is not None else map(run_one, tasks)
            for i, res in enumerate(stream):
                results[i] = res
                bar.update()
    finally:
        if pool is not None:
            pool.terminate()
    return results  # type: ignore[return-value]
