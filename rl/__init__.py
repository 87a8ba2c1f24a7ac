"""Trainer integrations: adaptive TRL GRPO/RLOO sampler, reporting reward, callback, iterative DPO, tiny policy.

Public names are loaded on first use (PEP 562), so ``import rl`` stays cheap: TRL alone costs ~5 s.

    >>> from rl import AdaptiveGRPOTrainer, Selection, correctness_reward   # doctest: +SKIP
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "AdaptiveRepeatSampler": "rl.grpo",
    "AdaptiveGRPOMixin": "rl.grpo",
    "AdaptiveGRPOTrainer": "rl.grpo",
    "AdaptiveRLOOTrainer": "rl.grpo",
    "DrawSource": "rl.sources",
    "UniformSource": "rl.sources",
    "EngineSource": "rl.sources",
    "ServiceSource": "rl.sources",
    "Selection": "rl.reporting",
    "RoundLog": "rl.reporting",
    "Reporter": "rl.reporting",
    "EngineReporter": "rl.reporting",
    "ServiceReporter": "rl.reporting",
    "correctness_reward": "rl.rewards",
    "format_reward": "rl.rewards",
    "SelectionCallback": "rl.callbacks",
    "build_tiny_policy": "rl.tiny",
    "warm_start": "rl.tiny",
    "DemoConfig": "rl.demo",
    "run_demo": "rl.demo",
    "IterativeDPO": "rl.dpo",
    "run_dpo": "rl.dpo",
    "DPOLoopConfig": "rl.dpo_config",
    "load_config": "rl.dpo_config",
    "RolloutBackend": "rl.backends",
    "TransformersBackend": "rl.backends",
    "OpenAICompletionBackend": "rl.backends",
    "ScoredSample": "rl.pairs",
    "build_pairs": "rl.pairs",
    "load_pairs": "rl.pairs",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rl' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
