"""Which simulated learner the selection benchmark runs: its config class, world builder and learner.

``"irt"`` is :class:`~eval.simbench.learner.SimLearner` (the learner SAI-DPO's defaults were tuned
on); ``"mirt"`` is :class:`~eval.simbench.mirt.MirtLearner`, other dynamics through the same contract,
for checking that a policy's advantage is not an artefact of one learner.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from eval.simbench.learner import LearnerConfig, SimLearner, make_world
from eval.simbench.mirt import MirtConfig, MirtLearner, make_mirt_world

__all__ = ["Dynamics", "DYNAMICS", "get_dynamics"]


class Dynamics(NamedTuple):
    """A learner family: ``make_world(config, seed, skills, levels, topics)`` then ``learner(world, seed)``."""

    name: str
    description: str
    config: type
    make_world: Callable
    learner: type


DYNAMICS: dict[str, Dynamics] = {
    "irt": Dynamics("irt", "2PL IRT per skill; learns by group reward variance; ring transfer; forgetting; "
                    "memorisation", LearnerConfig, make_world, SimLearner),
    "mirt": Dynamics("mirt", "two-skill 3PL IRT with guessing; learns by GRPO's std-normalised advantage; "
                     "per-skill saturation; topic transfer and interference; repeat wear-out",
                     MirtConfig, make_mirt_world, MirtLearner),
}


def get_dynamics(name: str, config: object = None) -> Dynamics:
    """The learner family called ``name``; checks that ``config`` (if given) is its config class.

    Raises:
        ValueError: unknown name, or a config of another family.
    """
    if name not in DYNAMICS:
        raise ValueError(
            f"The 'dynamics' parameter of the selection benchmark must be one of {list(DYNAMICS)}. Got {name!r} instead."
        )
    dyn = DYNAMICS[name]
    if config is not None and not isinstance(config, dyn.config):
        raise ValueError(
            f"The 'learner' parameter of the selection benchmark must be a {dyn.config.__name__} for dynamics "
            f"{name!r}. Got a {type(config).__name__} instead; build the config of the chosen dynamics."
        )
    return dyn
