"""Batched sampling of K completions per prompt with transformers on CPU.

Used by ``sai-dpo eval --model DIR -k 8`` and reused by the rl package.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from eval._eval_errors import EvalInputError

__all__ = ["generate", "load_model_and_tokenizer", "render_prompts"]

log = logging.getLogger(__name__)


def load_model_and_tokenizer(model_dir: str | Path, tokenizer=None):
    """Load a causal LM (and its tokenizer unless given) from a local folder, in eval mode."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    path = Path(model_dir)
    if not path.is_dir():
        raise EvalInputError(
            f"Model folder {str(path)!r} does not exist; pass a folder written by save_pretrained()."
        )
    model = AutoModelForCausalLM.from_pretrained(str(path))
    if tokenizer is None:
        tokenizer = AutoTokenizer.from_pretrained(str(path))
    model.eval()
    return model, tokenizer


def render_prompts(tokenizer, prompts: Sequence[str]) -> list[str]:
    """Apply the tokenizer's chat template (one user turn + generation prompt) when it has one."""
    if getattr(tokenizer, "chat_template", None):
        return [
            tokenizer.apply_chat_template(
                [{"role": "user", "content": p}], tokenize=False, add_generation_prompt=True
            )
            for p in prompts
        ]
    return list(prompts)


def _check_args(prompts, k, max_new_tokens, temperature, batch_size) -> None:
    if isinstance(prompts, str) or not all(isinstance(p, str) for p in prompts):
        raise EvalInputError(
            f"The 'prompts' parameter of generate must be a list of strings. Got {type(prompts).__name__} instead."
        )
    for name, value in (("k", k), ("max_new_tokens", max_new_tokens), ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise EvalInputError(f"The '{name}' parameter of generate must be an integer >= 1. Got {value!r} instead.")
    if not isinstance(temperature, int | float) or temperature < 0:
        raise EvalInputError(
            f"The 'temperature' parameter of generate must be a number >= 0 (0 = greedy). Got {temperature!r} instead."
        )


def _prepare_tokenizer(tokenizer) -> None:
    """Decoder-only batching needs left padding and a pad token (eos when none is set)."""
    tokenizer.padding_side = "left"
    if tokenizer.pad_token is None:
        if tokenizer.eos_token is None:
            raise EvalInputError("The tokenizer has neither a pad nor an eos token; set one before generating.")
        tokenizer.pad_token = tokenizer.eos_token


def generate(
    model_dir_or_model,
    tokenizer=None,
    prompts: Sequence[str] = (),
    k: int = 8,
    max_new_tokens: int = 64,
    temperature: float = 1.0,
    batch_size: int = 32,
    seed: int = 0,
    progress: bool = True,
) -> list[list[str]]:
    """Sample ``k`` completions for every prompt; returns ``out[i][j]`` = sample j of prompt i.

    Args:
        model_dir_or_model: a folder written by ``save_pretrained`` or a loaded causal LM.
        tokenizer: the tokenizer; None loads it from the model folder.
        prompts: problem texts; the chat template is applied when the tokenizer has one.
        k: samples per prompt.
        max_new_tokens: generation budget per sample.
        temperature: sampling temperature; 0 means greedy (all k samples then agree).
        batch_size: sequences per forward batch (prompt copies count separately).
        seed: seeds torch inside a forked RNG state, so results repeat for a seed and the
            caller's global RNG is left untouched.

    Example:
        >>> outs = generate("runs/tiny/model", None, ["1+1=?"], k=2, max_new_tokens=8)  # doctest: +SKIP
        >>> len(outs), len(outs[0])
        (1, 2)
    """
    import torch
    from tqdm.auto import tqdm

    _check_args(prompts, k, max_new_tokens, temperature, batch_size)
    if isinstance(model_dir_or_model, str | Path):
        model, tokenizer = load_model_and_tokenizer(model_dir_or_model, tokenizer)
    else:
        model = model_dir_or_model
        if tokenizer is None:
            raise EvalInputError("generate got a model object but no tokenizer; pass the tokenizer too.")
    _prepare_tokenizer(tokenizer)
    texts = [t for t in render_prompts(tokenizer, prompts) for _ in range(k)]
    # A chat template already writes the special tokens (BOS etc.); do not add them twice.
    add_special = not getattr(tokenizer, "chat_template", None)
    sampling = {"do_sample": True, "temperature": float(temperature), "top_k": 0, "top_p": 1.0}
    gen_kwargs = sampling if temperature > 0 else {"do_sample": False}
    completions: list[str] = []
    was_training = model.training
    model.eval()
    try:
        with torch.random.fork_rng(devices=[]), torch.inference_mode():
            torch.manual_seed(seed)
            starts = range(0, len(texts), batch_size)
            for start in tqdm(starts, desc="generate", unit="batch", disable=not progress or len(starts) < 2):
                batch = tokenizer(
                    texts[start : start + batch_size], return_tensors="pt", padding=True,
                    add_special_tokens=add_special,
                )
                out = model.generate(
                    **batch,
                    max_new_tokens=max_new_tokens,
                    pad_token_id=tokenizer.pad_token_id,
                    **gen_kwargs,
                )
                new_tokens = out[:, batch["input_ids"].shape[1] :]
                completions.extend(tokenizer.batch_decode(new_tokens, skip_special_tokens=True))
    finally:
        model.train(was_training)
    log.debug("generated %d completions for %d prompts", len(completions), len(prompts))
    return [completions[i * k : (i + 1) * k] for i in range(len(prompts))]
