"""Rollout backends: where the K samples per problem come from.

A backend has one job: ``generate(prompts, k) -> list[list[str]]``, ``k`` completions per prompt, in
prompt order. Prompts are user messages (the problem text); the backend applies the model's chat
template. :class:`TransformersBackend` runs batched ``transformers`` generation on CPU through
``eval.generation``; :class:`OpenAICompletionBackend` asks an OpenAI-compatible ``/completions``
endpoint (vLLM, SGLang) over plain HTTP (standard library only), one request per batch of prompts with
``n = k``; the prompts are rendered locally with the policy's chat template, so the server must serve
that same policy. Each call draws a fresh seed from the backend's seed so that repeated calls give
different but reproducible samples.

Example:
    >>> backend = TransformersBackend("runs/dpo/iter_000/model", max_new_tokens=16)  # doctest: +SKIP
    >>> backend.generate(["What is 2 + 3?"], k=4)                                      # doctest: +SKIP
    [[' 5', ' 5', ' 6', ' 5']]
"""

from __future__ import annotations

import abc
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from sai_dpo.errors import InvalidInputError, param_error

log = logging.getLogger(__name__)

__all__ = ["RolloutBackend", "TransformersBackend", "OpenAICompletionBackend"]


class RolloutBackend(abc.ABC):
    """Interface of a rollout backend."""

    @abc.abstractmethod
    def generate(self, prompts: Sequence[str], k: int) -> list[list[str]]:
        """Return ``k`` sampled completions for each prompt, aligned with ``prompts``."""


def _check_sampling(owner: str, *, max_new_tokens, temperature, batch_size, timeout=None) -> None:
    """The sampling settings every backend shares, validated once (house wording)."""
    for name, value in (("max_new_tokens", max_new_tokens), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise param_error(name, owner, "a positive int", value)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not 0 <= temperature < 100:
        raise param_error("temperature", owner, "a number >= 0 (0 means greedy)", temperature)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0):
        raise param_error("timeout", owner, "a positive number of seconds", timeout)


class TransformersBackend(RolloutBackend):
    """Batched ``transformers`` generation on CPU from a saved model folder."""

    def __init__(self, model_dir: str | Path, *, max_new_tokens: int = 32, temperature: float = 1.0,
                 batch_size: int = 64, seed: int = 0, progress: bool = True):
        from transformers import AutoModelForCausalLM, AutoTokenizer

        _check_sampling("TransformersBackend", max_new_tokens=max_new_tokens, temperature=temperature,
                        batch_size=batch_size)
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
        self.progress = progress

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
                        temperature=self.temperature, batch_size=self.batch_size, seed=seed,
                        progress=self.progress)


class OpenAICompletionBackend(RolloutBackend):
    """K completions per prompt from an OpenAI-compatible ``/completions`` endpoint.

    Args:
        base_url: e.g. ``"http://127.0.0.1:8000/v1"``.
        model: the model name the server serves.
        tokenizer: the policy's tokenizer (its chat template renders the prompts), or None to send
            the prompts as they are.
        seed: each call sends ``seed * 1000 + call`` so that repeated calls differ reproducibly on
            servers that honour ``seed``.

    Example:
        >>> b = OpenAICompletionBackend("http://127.0.0.1:8000/v1", "policy", tok)  # doctest: +SKIP
        >>> b.generate(["What is 2 + 3?"], k=4)                                      # doctest: +SKIP
    """

    def __init__(self, base_url: str, model: str, tokenizer=None, *, max_new_tokens: int = 32,
                 temperature: float = 1.0, batch_size: int = 32, seed: int = 0, timeout: float = 120.0,
                 api_key: str | None = None):
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise param_error("base_url", "OpenAICompletionBackend", "an http(s) URL such as "
                              "'http://127.0.0.1:8000/v1'", base_url)
        _check_sampling("OpenAICompletionBackend", max_new_tokens=max_new_tokens, temperature=temperature,
                        batch_size=batch_size, timeout=timeout)
        self.url = base_url.rstrip("/") + "/completions"
        self.model = model
        self.tokenizer = tokenizer
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.batch_size = batch_size
        self.seed = seed
        self.timeout = timeout
        self._headers = {"Content-Type": "application/json"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self._calls = 0

    def generate(self, prompts: Sequence[str], k: int) -> list[list[str]]:
        """``k`` completions per prompt, in prompt order."""
        from eval.generation import render_prompts

        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise param_error("k", "OpenAICompletionBackend.generate", "a positive int", k)
        if not prompts:
            return []
        texts = render_prompts(self.tokenizer, list(prompts)) if self.tokenizer is not None else list(prompts)
        seed = self.seed * 1000 + self._calls
        self._calls += 1
        out: list[list[str]] = []
        for start in range(0, len(texts), self.batch_size):
            out.extend(self._request(texts[start:start + self.batch_size], k, seed))
        return out

    def _request(self, texts: list[str], k: int, seed: int) -> list[list[str]]:
        body = {"model": self.model, "prompt": texts, "n": k, "max_tokens": self.max_new_tokens,
                "temperature": self.temperature, "seed": seed}
        req = urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=self._headers,
                                     method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise InvalidInputError(f"The completion server at {self.url} answered HTTP {exc.code}: {detail}. "
                                    "Check the model name and that the server serves /completions.") from exc
        except urllib.error.URLError as exc:
            raise InvalidInputError(f"Cannot reach the completion server at {self.url} ({exc.reason}); "
                                    "start it or fix base_url.") from exc
        choices = sorted(payload.get("choices", []), key=lambda c: c["index"])
        if len(choices) != len(texts) * k:
            raise InvalidInputError(f"The completion server at {self.url} returned {len(choices)} choices for "
                                    f"{len(texts)} prompts x n={k}; it must honour 'n'.")
        return [[c["text"] for c in choices[i * k:(i + 1) * k]] for i in range(len(texts))]
