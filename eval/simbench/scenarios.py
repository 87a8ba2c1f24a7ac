"""The benchmark's scenarios: which world, which labels the selector sees, feedback delay, group size.

Every world gives its pool problems observable features (``learner.features``); in the scenarios
before issue 18 they carry no information (``feature_strength`` 0, worlds bit-identical to before).
The two feature scenarios, ``features`` and ``features_noisy``, were fixed (strength 0.5, 16
features, the balanced and the noisy_levels worlds otherwise) before any policy was run on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Scenario", "SCENARIOS", "get_scenarios"]

LABEL_MODES = ("true", "one", "cluster")


@dataclass(frozen=True)
class Scenario:
    """One benchmark setting.

    Attributes:
        name: short id used on the command line and in reports.
        description: one line for the report.
        learner: :class:`~eval.simbench.learner.LearnerConfig` field overrides.
        labels: what the selector is told a problem's skill is: ``"true"`` (the learner's skill),
            ``"one"`` (every problem under one label) or ``"cluster"`` (labels recovered by
            clustering the text of built-in problems whose true skills drive the learner).
        delay: report feedback one round late (the sampler runs a batch ahead, as in TRL).
        group_size: rollouts per problem per round (G).
    """

    name: str
    description: str
    learner: dict = field(default_factory=dict)
    labels: str = "true"
    delay: bool = False
    group_size: int = 8

    def __post_init__(self) -> None:
        if self.labels not in LABEL_MODES:
            raise ValueError(
                f"The 'labels' parameter of Scenario must be one of {LABEL_MODES}. Got {self.labels!r} instead."
            )
        if self.group_size < 2:
            raise ValueError(
                f"The 'group_size' parameter of Scenario must be an integer >= 2. Got {self.group_size!r} instead."
            )


_LIST = [
    Scenario("balanced", "equal skills and levels; levels correlate with difficulty (noise sd 0.5)"),
    Scenario("skewed", "80% of the pool is easy (levels 1-2)",
             learner={"level_weights": (0.4, 0.4, 0.1, 0.05, 0.05)}),
    Scenario("noisy_levels", "level labels barely track difficulty (noise sd 1.5)",
             learner={"label_noise": 1.5}),
    Scenario("rare_skills", "skills unequally common in the pool (40% .. 4%) but equal in the eval",
             learner={"skill_weights": (0.40, 0.25, 0.15, 0.10, 0.06, 0.04)}),
    Scenario("one_label", "unknown skills: every problem under one skill label", labels="one"),
    Scenario("clustered", "unknown skills: labels recovered by `pool cluster` on built-in problems",
             labels="cluster"),
    Scenario("delayed", "feedback one round stale (sampler runs one batch ahead, as in TRL)", delay=True),
    Scenario("g16", "large groups: G = 16", group_size=16),
    Scenario("g4", "small groups: G = 4", group_size=4),
    # Issue 18; parameters fixed before any policy ran on them (do not tune them to a result).
    Scenario("features", "balanced, plus 16 features per problem that explain half the variance of its "
             "difficulty beyond its level", learner={"feature_strength": 0.5}),
    Scenario("features_noisy", "noisy_levels (noise sd 1.5), plus 16 features that explain half the variance "
             "of a problem's difficulty beyond its level", learner={"label_noise": 1.5, "feature_strength": 0.5}),
]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _LIST}


def get_scenarios(names: list[str] | None = None) -> list[Scenario]:
    """Scenarios by name (all, in the canonical order, when ``names`` is None)."""
    if not names:
        return list(_LIST)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        raise ValueError(
            f"The 'scenarios' parameter of the selection benchmark must name scenarios from "
            f"{list(SCENARIOS)}. Got unknown {unknown!r} instead."
        )
    return [SCENARIOS[n] for n in names]
