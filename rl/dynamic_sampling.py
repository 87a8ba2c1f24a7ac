"""DAPO dynamic sampling for TRL's GRPOTrainer, with every generated rollout counted.

DAPO (arXiv 2503.14476) over-samples prompts, drops groups whose rewards are all equal (they carry no
advantage, so no gradient) and fills the training batch with groups that remain. verl does it by
generating whole batches until enough groups survive (``filter_groups``, ``max_num_gen_batches``).
Here the sampler hands the trainer a generation batch of ``oversample * B`` prompts; the trainer
generates it ``B`` prompts at a time and stops as soon as ``B`` mixed groups are kept, so prompts it
never needed cost nothing. Dropped rollouts are counted in ``rollout_stats`` like every other: a fair
budget charges a policy for what it throws away. When every chunk is spent and fewer than ``B`` groups
are mixed, or the rollout budget (``rollout_budget``) is spent, the batch is topped up with all-same
groups (they add no gradient), so the step still runs and a run ends exactly on its budget.

``RolloutStatsMixin`` alone (``filter_groups=False``) only counts: rollouts generated, groups, mixed
groups and the reward sum, for budgets and for the measured informative share.

Layout of one step (B = 2 groups kept, oversample = 3, G = 2)::

    generation batch from the sampler:  [a a b b | c c d d | e e f f]
    chunk 1 generated: a mixed, b all-same   -> keep a        (4 rollouts spent)
    chunk 2 generated: c all-same, d mixed   -> keep d, done  (8 rollouts spent; chunk 3 never generated)
    training batch:                          [a a d d]

Single process only: groups are told apart on the local slice of the batch.

Example::

    trainer = DynamicSamplingGRPOTrainer(model=..., args=GRPOConfig(per_device_train_batch_size=3 * 4 * 8,
                                         num_generations=8, ...), keep_groups=4, selection=selection, ...)
"""

from __future__ import annotations

import logging
import math
from typing import Any

import torch
from trl import GRPOTrainer

from rl.grpo import AdaptiveGRPOMixin
from sai_dpo.errors import InvalidInputError, param_error

log = logging.getLogger(__name__)

__all__ = ["RolloutStatsMixin", "DynamicSamplingGRPOTrainer", "CountingGRPOTrainer"]

# Keys of TRL's generation output aligned with the prompt (left-padded); other 2-D keys follow the completion.
_LEFT_PADDED = ("prompt_ids", "prompt_mask")


class RolloutStatsMixin:
    """Counts every generated rollout; with ``filter_groups`` also applies DAPO's group filter.

    ``rollout_stats``: ``rollouts`` (completions generated), ``groups`` and ``mixed_groups`` (of those
    generated), ``reward_sum``, ``steps`` and ``dropped_groups`` (generated groups that did not enter a
    training batch as mixed groups: filtered out, surplus, or used only to top a batch up).

    Args:
        keep_groups: B, groups per training step (required with ``filter_groups``).
        filter_groups: drop all-same groups and refill (DAPO dynamic sampling).
        rollout_budget: with ``filter_groups``, generate no further chunk once this many rollouts are spent.
    """

    def __init__(self, *args, keep_groups: int | None = None, filter_groups: bool = False,
                 rollout_budget: int | None = None, **kwargs):
        if filter_groups and (not isinstance(keep_groups, int) or isinstance(keep_groups, bool) or keep_groups < 1):
            raise param_error("keep_groups", type(self).__name__, "a positive int when filter_groups=True",
                              keep_groups)
        if rollout_budget is not None and (isinstance(rollout_budget, bool) or not isinstance(rollout_budget, int)
                                           or rollout_budget < 1):
            raise param_error("rollout_budget", type(self).__name__, "a positive int or None", rollout_budget)
        self.keep_groups = keep_groups
        self.filter_groups = bool(filter_groups)
        self.rollout_budget = rollout_budget
        self.rollout_stats = {"rollouts": 0, "groups": 0, "mixed_groups": 0, "reward_sum": 0.0,
                              "dropped_groups": 0, "steps": 0}
        super().__init__(*args, **kwargs)
        if self.filter_groups and self.accelerator.num_processes > 1:
            raise InvalidInputError("DAPO dynamic sampling here runs in one process only; launch without "
                                    "torchrun / accelerate multi-process, or set filter_groups=False.")

    def _generate_counted(self, inputs: list[dict[str, Any]]) -> tuple[dict, torch.Tensor]:
        """Generate and score ``inputs``; count them; return the output and which groups are mixed."""
        out = super()._generate_and_score_completions(inputs)
        mixed = out["advantages"].reshape(-1, self.num_generations).abs().amax(dim=1) > 0
        stats = self.rollout_stats
        stats["rollouts"] += len(inputs)
        stats["groups"] += int(mixed.numel())
        stats["mixed_groups"] += int(mixed.sum())
        # TRL logs the batch's mean reward (over scorable rows) right after scoring it; NaN: none scorable.
        mean_reward = self._metrics["train"]["reward"][-1]
        stats["reward_sum"] += mean_reward * len(inputs) if math.isfinite(mean_reward) else 0.0
        return out, mixed

    def _generate_and_score_completions(self, inputs: list[dict[str, Any]]) -> dict[str, Any]:
        if not self.model.training:
            return super()._generate_and_score_completions(inputs)
        self.rollout_stats["steps"] += 1
        if not self.filter_groups:
            return self._generate_counted(inputs)[0]
        g = self.num_generations
        chunk = self.keep_groups * g
        if len(inputs) % chunk:
            raise InvalidInputError(
                f"The generation batch has {len(inputs)} rows, not a multiple of keep_groups * num_generations "
                f"= {chunk}; set per_device_train_batch_size to oversample * {chunk}.")
        kept: list[dict] = []
        dropped: list[dict] = []
        n_kept = 0
        for start in range(0, len(inputs), chunk):
            out, mixed = self._generate_counted(inputs[start:start + chunk])
            groups = torch.arange(mixed.numel(), device=mixed.device)
            kept.append(_select_groups(out, groups[mixed], g))
            dropped.append(_select_groups(out, groups[~mixed], g))
            n_kept += int(mixed.sum())
            spent = self.rollout_budget is not None and self.rollout_stats["rollouts"] >= self.rollout_budget
            if n_kept >= self.keep_groups or spent:
                break
        generated_groups = (start + chunk) // g
        self.rollout_stats["dropped_groups"] += generated_groups - min(n_kept, self.keep_groups)
        if n_kept < self.keep_groups:
            log.debug("dynamic sampling: %d of %d groups mixed when generation stopped; topped up with "
                      "all-same groups", n_kept, self.keep_groups)
        pad_id = getattr(self.processing_class, "pad_token_id", None)
        batch = _concat([*kept, *dropped], pad_id=0 if pad_id is None else pad_id)
        return _select_groups(batch, torch.arange(self.keep_groups, device=mixed.device), g)


def _select_groups(out: dict, groups: torch.Tensor, g: int) -> dict:
    """The rows of the given groups (G rows each) of a generation output; the token count recomputed."""
    rows = (groups.unsqueeze(1) * g + torch.arange(g, device=groups.device)).reshape(-1)
    n = out["advantages"].shape[0]
    picked = {}
    for key, value in out.items():
        if isinstance(value, torch.Tensor) and value.ndim >= 1 and value.shape[0] == n:
            picked[key] = value[rows.to(value.device)]
        elif key == "num_items_in_batch" or value is None:
            picked[key] = value
        else:
            raise InvalidInputError(f"dynamic sampling cannot split the generation output field {key!r} "
                                    "(multimodal or tool inputs are not supported)")
    return _with_token_count(picked)


def _with_token_count(out: dict) -> dict:
    mask = out["completion_mask"]
    if out.get("tool_mask") is not None:
        mask = mask * out["tool_mask"]
    out["num_items_in_batch"] = mask.sum()
    return out


def _concat(parts: list[dict], pad_id: int) -> dict:
    """Row-concatenate generation outputs whose padded widths differ (prompts left-, completions right-padded)."""
    parts = [p for p in parts if p["advantages"].shape[0]]
    merged = {}
    for key, value in parts[0].items():
        if key == "num_items_in_batch" or value is None:
            continue
        tensors = [p[key] for p in parts]
        if value.ndim == 2:
            width = max(t.shape[1] for t in tensors)
            fill = pad_id if key in ("prompt_ids", "completion_ids") else 0
            left = key in _LEFT_PADDED
            tensors = [torch.nn.functional.pad(t, (width - t.shape[1], 0) if left else (0, width - t.shape[1]),
                                               value=fill) for t in tensors]
        merged[key] = torch.cat(tensors, dim=0)
    return _with_token_count(merged)


class CountingGRPOTrainer(AdaptiveGRPOMixin, RolloutStatsMixin, GRPOTrainer):
    """``AdaptiveGRPOTrainer`` that counts its rollouts (``rollout_stats``); no filter."""


class DynamicSamplingGRPOTrainer(AdaptiveGRPOMixin, RolloutStatsMixin, GRPOTrainer):
    """``AdaptiveGRPOTrainer`` with DAPO dynamic sampling: pass ``keep_groups=B`` and a generation batch
    of ``oversample * B * G`` rows (``per_device_train_batch_size``); ``filter_groups`` defaults to True."""

    def __init__(self, *args, filter_groups: bool = True, **kwargs):
        super().__init__(*args, filter_groups=filter_groups, **kwargs)
