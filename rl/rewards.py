"""TRL reward functions built on the answer checker that also report outcomes to the selection tracker.

TRL calls a reward function with ``prompts``, ``completions``, ``completion_ids`` and every dataset
column as a per-completion keyword list (PEERS.md 1.3). ``correctness_reward`` reads ``problem_id``,
``answer`` and ``choices`` from those, judges with ``eval.checker.verify_batch``, and hands the
outcomes (reward, tokens, steps, status) to a ``Selection``, which attributes them to their round and
reports them to the engine or service (the service client buffers, so training does not wait).

Rewards: 1.0 correct; 0.0 incorrect, unparseable prediction or checker timeout; ``None`` when the gold
answer cannot be parsed (TRL then treats the row as unscorable). Timeouts are scored 0.0 for the
policy (returning ``None`` would let a model dodge negative advantage by writing huge expressions) but
are never reported to the tracker: they are not evidence about the model's skill.

Example:
    >>> sel = Selection.from_engine(engine, pool)                          # doctest: +SKIP
    >>> trainer = AdaptiveGRPOTrainer(model, reward_funcs=[correctness_reward(sel)],
    ...                               args=cfg, train_dataset=ds)            # doctest: +SKIP
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from eval.checker import extract, verify_batch
from eval.features import count_steps
from rl.reporting import Selection
from sai_dpo.errors import InvalidInputError, param_error

log = logging.getLogger(__name__)

__all__ = ["CorrectnessReward", "correctness_reward", "format_reward", "completion_text"]


def completion_text(completion: Any) -> str:
    """The text of one TRL completion: a string, or the last message of a conversational completion."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, list | tuple) and completion and isinstance(completion[-1], dict):
        return str(completion[-1].get("content", ""))
    return str(completion)


class CorrectnessReward:
    """Callable reward: checker verdicts as 1.0 / 0.0 / None, outcomes reported to ``selection``."""

    def __init__(self, selection: Selection | None = None, *, timeout: float = 2.0, workers: int | None = None,
                 answer_column: str = "answer", id_column: str = "problem_id",
                 choices_column: str = "choices", name: str = "correctness", log_metrics: bool = True):
        if not isinstance(timeout, int | float) or timeout <= 0:
            raise param_error("timeout", "correctness_reward", "a positive number of seconds", timeout)
        self.selection = selection
        self.timeout = float(timeout)
        self.workers = workers
        self.answer_column = answer_column
        self.id_column = id_column
        self.choices_column = choices_column
        self.log_metrics = log_metrics
        self.__name__ = name  # TRL names the reward's metrics after it
        self.status_counts: Counter[str] = Counter()

    def _column(self, kwargs: dict, name: str, n: int, required: bool) -> list | None:
        values = kwargs.get(name)
        if values is None:
            if required:
                raise InvalidInputError(
                    f"The reward function needs a '{name}' dataset column, but TRL passed only "
                    f"{sorted(k for k in kwargs if not k.startswith(('trainer_state', 'log_')))}. "
                    f"Add '{name}' to the training dataset."
                )
            return None
        values = list(values)
        if len(values) != n:
            raise InvalidInputError(f"Column '{name}' has {len(values)} values for {n} completions.")
        return values

    def __call__(self, prompts: Sequence[Any] | None = None, completions: Sequence[Any] = (),
                 completion_ids: Sequence[Sequence[int]] | None = None, **kwargs) -> list[float | None]:
        texts = [completion_text(c) for c in completions]
        n = len(texts)
        golds = self._column(kwargs, self.answer_column, n, required=True)
        choices = self._column(kwargs, self.choices_column, n, required=False)
        verdicts = verify_batch([str(g) for g in golds], texts, choices=choices, timeout=self.timeout,
                                workers=self.workers)
        statuses = [v.status for v in verdicts]
        rewards = [None if s == "unparseable_gold" else (1.0 if s == "correct" else 0.0) for s in statuses]
        self.status_counts.update(statuses)
        if self.selection is not None:
            ids = self._column(kwargs, self.id_column, n, required=True)
            n_tokens = ([len(ids_) for ids_ in completion_ids] if completion_ids is not None
                        else [len(t.split()) for t in texts])
            self.selection.record_outcomes(ids, rewards, statuses, n_tokens=n_tokens,
                                           n_steps=[count_steps(t) for t in texts])
        log_metric = kwargs.get("log_metric")
        if self.log_metrics and callable(log_metric):
            counts = Counter(statuses)
            for status in ("unparseable_pred", "unparseable_gold", "timeout"):
                log_metric(f"checker/{status}", counts.get(status, 0) / max(1, n))
        return rewards


def correctness_reward(selection: Selection | None = None, **kwargs) -> CorrectnessReward:
    """A TRL reward function judging completions with the checker and reporting to ``selection``.

    Keyword arguments go to ``CorrectnessReward`` (``timeout``, ``workers``, column names, ``name``).
    """
    return CorrectnessReward(selection, **kwargs)


def format_reward(weight: float = 0.2, name: str = "format"):
    """A TRL reward function: ``weight`` when a final answer can be extracted from the completion, else 0."""
    if not isinstance(weight, int | float) or weight < 0:
        raise param_error("weight", "format_reward", "a non-negative number", weight)

    def _reward(prompts=None, completions=(), **kwargs) -> list[float]:
        return [float(weight) if extract(completion_text(c)) is not None else 0.0 for c in completions]

    _reward.__name__ = name
    return _reward
