"""Rollout backends: where the K samples per problem come from.

A backend has one job: ``generate(prompts, k) -> list[list[str]]``, ``k`` completions per prompt, in
prompt order. Prompts are user messages (the problem text); the backend applies the model's chat
template. :class:`TransformersBackend` runs batched ``transformers`` generation on CPU through
``eval.generation``; each call draws a fresh seed from the backend's seed so that repeated calls give
different but reproducible samples.

Example:
    >>> backend = TransformersBackend("runs/dpo/iter_000/model", max_new_tokens=16)  # doctest: +SKIP
    >>> backend.generate(["What is 2 + 3?"], k=4)                                      # doctest: +SKIP
    [[' 5', ' 5', ' 6', ' 5']]
"""

from __future__ import annotations

import abc
import logging
from collections.abc import Sequence
from pathlib import Path

from sai_dpo.errors import param_error

log = logging.getLogger(__name__)

__all__ = ["RolloutBackend", "TransformersBackend"]


class RolloutBackend(abc.ABC):
    """Interface of a rollout backend."""

    @abc.abstractmethod
    def generate(self, prompts: Sequence[str], k: int) -> list[list[str]]:
        """Return ``k`` sampled completions for each prompt, aligned with ``prompts``."""


class TransformersBackend(RolloutBackend):
    """Batched ``transformers`` generation on CPU from a saved model folder."""

    def __init__(self, model_dir: str | Path, *, max_new_tokens: int = 32, temperature: float = 1.0,
                 batch_size: int = 64, seed: int = 0):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        if not (Path(model_dir) / "config.json").is_file():
            raise param_error("model_dir", "TransformersBackend", "a folder with a saved model", str(model_dir))
        self.model_dir = Path(model_dir)
        self.tokenizer = AutoTokenizer.from_pretrained(model_dir)
        self.model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.batch_size = batch_size
        self.seed = seed
        self._calls = 0

    def generate(self, prompts: Sequence[str], k: int) -> list[list[str]]:
        """``k`` completions per prompt (chat template applied by ``eval.generation``)."""
        from eval.generation import generate

        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise param_error("k", "TransformersBackend.generate", "a positive int", k)
        if not prompts:
            return []
        seed = self.seed * 1000 + self._calls
        self._calls += 1
        return generate(self.model, self.tokenizer, list(prompts), k=k, max_new_tokens=self.max_new_tokens,
                        temperature=self.temperature, batch_size=self.batch_size, seed=seed)
