"""Adaptive GRPO/RLOO for TRL: a repeat sampler that draws each round from the selection tracker.

TRL's ``RepeatSampler`` decides which prompts GRPO trains on. ``AdaptiveRepeatSampler`` keeps its
layout exactly and only changes *which* B prompts form each chunk: instead of slicing one random
permutation, chunk k of epoch e asks a draw source for round ``start_round + e * rounds + k``.

Layout (B = generation_batch_size // num_generations unique prompts, G = num_generations,
R = num_iterations * steps_per_generation)::

    round r:  [a a b b c c] [a a b b c c] ... R times      (B=3, G=2)
    round r+1:[d d e e f f] [d d e e f f] ... R times

Every rank iterates the whole sampler and keeps its share (accelerate's ``BatchSamplerShard``), so the
draw of round r must be the same on every rank: sources answer by round key and cache. The
DataLoader reads one generation batch ahead of the rewards, so the tracker's feedback is one round
stale when round r+1 is drawn; the selection method is designed for that.

Example (in-process engine; ``Selection.from_service(client, run_id, pool)`` for the Ray service)::

    from sai_dpo import SelectionConfig, SelectionEngine
    from rl import AdaptiveGRPOTrainer, Selection, SelectionCallback, correctness_reward
    engine = SelectionEngine.from_pool(pool, SelectionConfig(group_size=8))
    selection = Selection.from_engine(engine, pool, group_size=8)
    ds = pool.map(lambda r: {"prompt": r["problem"], "problem_id": r["id"]})
    trainer = AdaptiveGRPOTrainer(model=model_dir, reward_funcs=[correctness_reward(selection)],
                                  args=GRPOConfig(num_generations=8, ...), train_dataset=ds,
                                  callbacks=[SelectionCallback(selection, run_dir="runs/x")])
    trainer.train()
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sized
from typing import Any

import numpy as np
from torch.utils.data import Sampler
from trl import GRPOTrainer, RLOOTrainer

from rl.reporting import RoundLog, Selection
from rl.sources import UniformSource, dataset_ids
from sai_dpo.errors import InvalidInputError, param_error

log = logging.getLogger(__name__)

__all__ = ["AdaptiveRepeatSampler", "AdaptiveGRPOMixin", "AdaptiveGRPOTrainer", "AdaptiveRLOOTrainer"]


def _positive_int(value: Any, name: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 1:
        raise param_error(name, "AdaptiveRepeatSampler", "a positive int", value)
    return int(value)


class AdaptiveRepeatSampler(Sampler[int]):
    """``RepeatSampler``'s layout with each chunk of unique prompts drawn from a source by round key.

    Args:
        data_source: the dataset TRL iterates (its length bounds the rows; its ``id_column`` names them).
        source: a draw source (``draw_round(round, n)``); bound to ``data_source`` when it has ``bind``.
        mini_repeat_count: G, times each index repeats in a row.
        batch_size: B, unique prompts per round.
        repeat_count: R, times each chunk repeats.
        rounds: rounds per epoch; default ``len(data_source) // batch_size`` (RepeatSampler's count).
            ``len(sampler) = rounds * B * G * R``; use ``max_steps`` for runs longer than one epoch.
        start_round: round key of the first chunk (e.g. to continue an earlier run's keys).
        round_log: where drawn rounds are recorded so rewards can be attributed to their round.
    """

    def __init__(self, data_source: Sized, source: Any, mini_repeat_count: int, batch_size: int = 1,
                 repeat_count: int = 1, rounds: int | None = None, start_round: int = 0,
                 round_log: RoundLog | None = None, id_column: str = "problem_id"):
        self.data_source = data_source
        self.source = source
        self.mini_repeat_count = _positive_int(mini_repeat_count, "mini_repeat_count")
        self.batch_size = _positive_int(batch_size, "batch_size")
        self.repeat_count = _positive_int(repeat_count, "repeat_count")
        self.num_samples = len(data_source)
        if self.batch_size > self.num_samples:
            raise param_error("batch_size", "AdaptiveRepeatSampler",
                              f"at most the dataset size {self.num_samples}", batch_size)
        self.rounds = _positive_int(rounds if rounds is not None else self.num_samples // self.batch_size,
                                    "rounds")
        self.start_round = int(start_round)
        self.round_log = round_log
        self.id_column = id_column
        self._ids = self._row_ids(data_source, id_column)
        if hasattr(source, "bind"):
            source.bind(data_source)
        self.epoch = 0
        self._position = 0  # indices handed out in the current epoch

    @staticmethod
    def _row_ids(data_source: Any, id_column: str) -> list[str] | None:
        names = getattr(data_source, "column_names", None)
        return dataset_ids(data_source, id_column) if names and id_column in names else None

    @property
    def per_round(self) -> int:
        """Indices yielded per round: B * G * R."""
        return self.batch_size * self.mini_repeat_count * self.repeat_count

    def __len__(self) -> int:
        return self.rounds * self.per_round

    def round_key(self, epoch: int, k: int) -> int:
        """The round key of chunk ``k`` of ``epoch``."""
        return self.start_round + epoch * self.rounds + k

    def set_epoch(self, epoch: int) -> None:
        """Called by the Trainer before each epoch; a new epoch starts at its first round."""
        if int(epoch) != self.epoch:
            self.epoch = int(epoch)
            self._position = 0

    def state_dict(self) -> dict:
        """Position for resume: epoch and indices already handed out in it (one batch ahead of training)."""
        return {"epoch": self.epoch, "position": self._position, "start_round": self.start_round,
                "rounds": self.rounds, "per_round": self.per_round}

    def load_state_dict(self, state: dict) -> None:
        """Continue from a ``state_dict``: the next ``__iter__`` resumes at the saved position."""
        if state.get("per_round", self.per_round) != self.per_round or state.get("rounds", self.rounds) != self.rounds:
            raise InvalidInputError(
                f"Sampler state was saved with rounds={state.get('rounds')} and "
                f"B*G*R={state.get('per_round')}, but this sampler has rounds={self.rounds} and "
                f"B*G*R={self.per_round}; resume with the same batch settings."
            )
        self.start_round = int(state.get("start_round", self.start_round))
        self.epoch = int(state["epoch"])
        self._position = int(state["position"])

    def draw(self, round: int) -> np.ndarray:
        """The B rows of ``round`` from the source, checked and recorded in the round log."""
        rows = np.asarray(self.source.draw_round(round, self.batch_size), dtype=np.int64).reshape(-1)
        if len(rows) != self.batch_size or (len(rows) and (rows.min() < 0 or rows.max() >= self.num_samples)):
            raise InvalidInputError(
                f"The draw source returned {len(rows)} rows for round {round} (range "
                f"{rows.min() if len(rows) else None}..{rows.max() if len(rows) else None}); expected "
                f"{self.batch_size} rows in [0, {self.num_samples})."
            )
        if self.round_log is not None:
            ids = [self._ids[r] for r in rows] if self._ids is not None else [str(r) for r in rows]
            self.round_log.record(round, ids, rows)
        return rows

    def __iter__(self) -> Iterator[int]:
        epoch, start = self.epoch, self._position
        first_round, skip = divmod(start, self.per_round)
        for k in range(first_round, self.rounds):
            rows = self.draw(self.round_key(epoch, k)).tolist()
            block = [r for _ in range(self.repeat_count) for r in rows for _ in range(self.mini_repeat_count)]
            for idx in block[skip:]:
                self._position += 1
                yield idx
            skip = 0
        # An epoch ran to its end: the next iteration is the next epoch, even without set_epoch.
        self.epoch, self._position = epoch + 1, 0


def _find_selection(trainer: Any) -> Selection | None:
    for func in getattr(trainer, "reward_funcs", []) or []:
        selection = getattr(func, "selection", None)
        if isinstance(selection, Selection):
            return selection
    return None


class AdaptiveGRPOMixin:
    """Trainer mixin: ``_get_train_sampler`` returns an ``AdaptiveRepeatSampler``.

    Pass ``selection=Selection(...)`` to the trainer, or give it a reward function built by
    ``rl.rewards.correctness_reward(selection)``; it is found there. Without either, draws are seeded
    uniform (stock behaviour with replacement across rounds), with a warning.
    """

    def __init__(self, *args, selection: Selection | None = None, **kwargs):
        self.selection = selection
        self.adaptive_sampler: AdaptiveRepeatSampler | None = None
        super().__init__(*args, **kwargs)
        if self.selection is None:
            self.selection = _find_selection(self)

    def _get_train_sampler(self, dataset=None) -> Sampler:
        if dataset is None:
            dataset = self.train_dataset
        selection = self.selection
        if selection is None:
            log.warning("no Selection given to %s: drawing rounds uniformly", type(self).__name__)
            selection = self.selection = Selection(UniformSource(len(dataset), seed=self.args.seed))
        sampler = AdaptiveRepeatSampler(
            dataset,
            selection.source,
            mini_repeat_count=self.num_generations,
            batch_size=self.args.generation_batch_size // self.num_generations,
            repeat_count=self.num_iterations * self.args.steps_per_generation,
            rounds=selection.rounds_per_epoch,
            start_round=selection.start_round,
            round_log=selection.round_log,
            id_column=selection.id_column,
        )
        self.adaptive_sampler = sampler
        return sampler


class AdaptiveGRPOTrainer(AdaptiveGRPOMixin, GRPOTrainer):
    """``trl.GRPOTrainer`` drawing its prompts from the selection tracker (pass ``selection=``)."""


class AdaptiveRLOOTrainer(AdaptiveGRPOMixin, RLOOTrainer):
    """``trl.RLOOTrainer`` drawing its prompts from the selection tracker (pass ``selection=``)."""
