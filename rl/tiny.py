"""The tiny offline policy: a byte-level BPE tokenizer and a 2-layer Llama built locally, plus a warm-start.

Tests and the demo never touch a model hub. ``build_tiny_policy`` trains a tokenizer on the given
texts and saves a freshly initialised small Llama next to it; ``warm_start`` teaches it the answer
format (and a little arithmetic) with a short supervised loop so that GRPO groups are mixed, not
all-wrong. Llama rather than Qwen2: with a qwen2 config ``AutoTokenizer`` swaps in Qwen's
pre-tokenizer and the token ids no longer match the trained tokenizer (ENVIRONMENT.md).

Example:
    >>> from rl.tiny import build_tiny_policy, warm_start, format_prompt
    >>> path = build_tiny_policy(["What is 2 + 3?"], "/tmp/tiny")          # doctest: +SKIP
    >>> warm_start(path, [(format_prompt("What is 2 + 3?"), "5")], steps=50)  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sai_dpo.errors import param_error

log = logging.getLogger(__name__)

__all__ = [
    "TinyPolicyConfig",
    "WarmStartConfig",
    "build_tiny_policy",
    "format_prompt",
    "format_completion",
    "warm_start",
    "sample_completions",
    "warm_policy_from_pool",
    "imperfect_teacher",
    "DIGITS_SLIP_OFFSETS",
    "cpu_threads",
]

#: Where the ``digits`` warm start begins to slip, per skill: see :func:`imperfect_teacher`.
DIGITS_SLIP_OFFSETS = {"digits/first": 3, "digits/last": 2, "digits/max": 1, "digits/min": 0}

EOS = "<|eos|>"
PAD = "<|pad|>"
BOS = "<|bos|>"
# Plain-text prompts ("Q: ...\nA:") are what the demo feeds GRPO; the chat template renders the same
# layout for users who pass conversational prompts.
CHAT_TEMPLATE = (
    "{% for m in messages %}"
    "{% if m['role'] == 'user' %}Q: {{ m['content'] }}\n"
    "{% elif m['role'] == 'assistant' %}A: {{ m['content'] }}{{ eos_token }}"
    "{% else %}{{ m['content'] }}\n{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}A:{% endif %}"
)


@dataclass(frozen=True)
class TinyPolicyConfig:
    """Sizes of the tiny policy; defaults build in well under a second and save to ~0.5 MB."""

    vocab_size: int = 512
    hidden_size: int = 64
    intermediate_size: int = 128
    num_hidden_layers: int = 2
    num_attention_heads: int = 4
    max_position_embeddings: int = 256

    def __post_init__(self):
        for name in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                     "num_attention_heads", "max_position_embeddings"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise param_error(name, "TinyPolicyConfig", "a positive int", value)
        if self.vocab_size < 300:
            raise param_error("vocab_size", "TinyPolicyConfig", "at least 300 (256 bytes + merges)",
                              self.vocab_size)
        if self.hidden_size % self.num_attention_heads:
            raise param_error("hidden_size", "TinyPolicyConfig",
                              f"divisible by num_attention_heads={self.num_attention_heads}",
                              self.hidden_size)


@dataclass(frozen=True)
class WarmStartConfig:
    """Settings of the supervised warm-start loop."""

    steps: int = 300
    batch_size: int = 32
    lr: float = 3e-3
    seed: int = 0
    progress: bool = True

    def __post_init__(self):
        if not isinstance(self.steps, int) or self.steps < 0:
            raise param_error("steps", "WarmStartConfig", "a non-negative int", self.steps)
        if not isinstance(self.batch_size, int) or self.batch_size < 1:
            raise param_error("batch_size", "WarmStartConfig", "a positive int", self.batch_size)
        if not (isinstance(self.lr, float | int) and self.lr > 0 and math.isfinite(self.lr)):
            raise param_error("lr", "WarmStartConfig", "a positive finite float", self.lr)


def format_prompt(problem: str) -> str:
    """The plain-text prompt layout the tiny policy is trained on (same as its chat template)."""
    return f"Q: {problem}\nA:"


def format_completion(answer: str) -> str:
    """The completion layout taught by the warm-start: a space then the bare answer."""
    return f" {answer}"


def _train_tokenizer(texts: Iterable[str], vocab_size: int):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[PAD, EOS, BOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    # Decoder-only generation pads on the left; as an init kwarg it is saved with the tokenizer.
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token=EOS, pad_token=PAD, bos_token=BOS,
                                   padding_side="left")
    fast.chat_template = CHAT_TEMPLATE
    return fast


def build_tiny_policy(texts: Sequence[str], out_dir: str | Path, seed: int = 0,
                      config: TinyPolicyConfig | None = None) -> Path:
    """Train a byte-level BPE on ``texts``, initialise a small Llama, save both to ``out_dir``.

    Args:
        texts: training text for the tokenizer (problems and answers of the pool).
        out_dir: folder to write; created if missing. Reload with ``AutoModelForCausalLM`` /
            ``AutoTokenizer.from_pretrained(out_dir)``.
        seed: seed of the weight initialisation.
    Returns:
        ``Path(out_dir)``.
    Raises:
        InvalidInputError: when ``texts`` is empty.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = config or TinyPolicyConfig()
    texts = [t for t in texts if t]
    if not texts:
        raise param_error("texts", "build_tiny_policy", "a non-empty sequence of strings", texts)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # The prompt/answer scaffolding must be in the tokenizer's training text too.
    tokenizer = _train_tokenizer(list(texts) + [format_prompt("") + format_completion("0123456789")],
                                 config.vocab_size)
    torch.manual_seed(seed)
    model_cfg = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=config.hidden_size,
        intermediate_size=config.intermediate_size,
        num_hidden_layers=config.num_hidden_layers,
        num_attention_heads=config.num_attention_heads,
        num_key_value_heads=config.num_attention_heads,
        max_position_embeddings=config.max_position_embeddings,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=True,
    )
    model = LlamaForCausalLM(model_cfg)
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    log.info("tiny policy (%d params, vocab %d) saved to %s",
             sum(p.numel() for p in model.parameters()), len(tokenizer), out)
    return out


def _encode_pairs(tokenizer, examples: Sequence[tuple[str, str]]):
    """Token ids of prompt+completion+eos, and a label mask that trains only the completion."""
    rows = []
    for prompt, answer in examples:
        p_ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
        c_ids = tokenizer(format_completion(answer), add_special_tokens=False)["input_ids"]
        c_ids = c_ids + [tokenizer.eos_token_id]
        rows.append((p_ids + c_ids, [-100] * len(p_ids) + c_ids))
    return rows


def _collate(rows, pad_id: int):
    import torch

    width = max(len(ids) for ids, _ in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    attn = torch.zeros((len(rows), width), dtype=torch.long)
    for r, (x, y) in enumerate(rows):  # right padding is fine for teacher forcing
        ids[r, : len(x)] = torch.tensor(x)
        labels[r, : len(y)] = torch.tensor(y)
        attn[r, : len(x)] = 1
    return ids, labels, attn


def warm_start(model_dir: str | Path, examples: Sequence[tuple[str, str]], steps: int = 300,
               config: WarmStartConfig | None = None, out_dir: str | Path | None = None) -> dict:
    """Supervised warm-start on ``(prompt, answer)`` pairs; saves the model to ``out_dir`` (default: in place).

    Only the completion tokens (`` answer<eos>``) carry loss. Returns ``{"steps", "first_loss",
    "last_loss"}``. A few hundred steps on the easy tier teach the format and part of the sums, which
    is what GRPO needs: groups with mixed outcomes.
    """
    import torch
    from tqdm.auto import tqdm
    from transformers import AutoModelForCausalLM, AutoTokenizer

    config = config or WarmStartConfig(steps=steps)
    if not examples:
        raise param_error("examples", "warm_start", "a non-empty sequence of (prompt, answer) pairs", examples)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    model.train()
    rows = _encode_pairs(tokenizer, examples)
    gen = torch.Generator().manual_seed(config.seed)
    opt = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1.0 - s / max(1, config.steps))
    losses = []
    bar = tqdm(range(config.steps), desc="warm-start", disable=not config.progress, leave=False)
    for _ in bar:
        pick = torch.randint(len(rows), (min(config.batch_size, len(rows)),), generator=gen).tolist()
        ids, labels, attn = _collate([rows[i] for i in pick], tokenizer.pad_token_id)
        loss = model(input_ids=ids, attention_mask=attn, labels=labels).loss
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        bar.set_postfix(loss=f"{losses[-1]:.3f}")
    target = Path(out_dir) if out_dir is not None else Path(model_dir)
    model.save_pretrained(target)
    tokenizer.save_pretrained(target)
    return {"steps": config.steps, "first_loss": losses[0] if losses else None,
            "last_loss": losses[-1] if losses else None}


def cpu_threads(n: int | None = None) -> int:
    """Set torch's intra-op threads for these small models and return the number set.

    A 64-wide model gains nothing from several threads and loses a lot when cores are shared: the
    800-step warm start took 15-17 s with one thread and 63 s with two on two idle cores. Default:
    ``SAI_DPO_TORCH_THREADS`` if set, else 1. Call it from entry points (the CLI, benchmarks), not on
    import: library code must not change process-wide settings behind the caller's back.
    """
    import os

    import torch

    if n is None:
        raw = os.environ.get("SAI_DPO_TORCH_THREADS", "1")
        if not raw.isdigit() or int(raw) < 1:
            raise param_error("SAI_DPO_TORCH_THREADS", "cpu_threads", "a positive int", raw)
        n = int(raw)
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise param_error("n", "cpu_threads", "a positive int", n)
    torch.set_num_threads(n)
    return n


def imperfect_teacher(offsets: dict[str, float] | None = None, width: float = 4.0, seed: int = 0):
    """A warm-start teacher that slips, for ``digits`` pools: ``teach(row) -> answer text``.

    On a problem of skill ``s`` and level ``l`` it teaches the slip answer (the skill's rule applied one
    place off, :func:`data.generator.digits.slip_answer`) with probability
    ``clip((l - offsets[s]) / width, 0, 1)``, the right answer otherwise. The policy it makes knows
    each rule but slips more on longer lists, like a base model that sometimes solves a problem but
    not reliably: every skill has levels it always solves, levels it rarely or never solves, and a
    band in between that GRPO can sharpen (pass@k -> pass@1). Rows of other skills are taught right.
    """
    import random

    from data.generator.digits import DIGIT_RULES, slip_answer

    offsets = dict(DIGITS_SLIP_OFFSETS if offsets is None else offsets)
    if isinstance(width, bool) or not (isinstance(width, int | float) and 0 < width < math.inf):
        raise param_error("width", "imperfect_teacher", "a positive finite number", width)
    rng = random.Random(f"sai-dpo/teacher/{seed}")

    def teach(row: dict) -> str:
        skill, level = row.get("skill"), row.get("level")
        if skill not in DIGIT_RULES or skill not in offsets or level is None:
            return str(row["answer"])
        rate = min(1.0, max(0.0, (int(level) - offsets[skill]) / width))
        return slip_answer(skill, str(row["problem"])) if rng.random() < rate else str(row["answer"])

    return teach


def warm_policy_from_pool(pool, out_dir: str | Path, *, seed: int = 0, steps: int = 800,
                          max_level: int | None = 2, render=None, progress: bool = False,
                          teacher=None, policy_config: TinyPolicyConfig | None = None) -> dict:
    """Build the tiny policy on a pool's text and warm-start it on the rows with ``level <= max_level``.

    The one recipe the demo, the GRPO benchmark and the iterative DPO loop share.
    ``render(policy_dir, problems)`` turns problem texts into prompts (default: :func:`format_prompt`);
    it receives the built policy folder so that it can apply the tokenizer's chat template.
    ``teacher(row) -> str`` gives the answer taught for a pool row (default: the gold answer; see
    :func:`imperfect_teacher`). ``policy_config`` sizes the model (default :class:`TinyPolicyConfig`).
    Returns the warm-start statistics (``{}`` when ``steps`` is 0).

    Raises:
        ValueError: no row of the pool has a level at or below ``max_level``.
    """
    problems = [str(p) for p in pool["problem"]]
    answers = [str(a) for a in pool["answer"]]
    build_tiny_policy([f"{p} {a}" for p, a in zip(problems, answers, strict=True)], out_dir, seed=seed,
                      config=policy_config)
    if not steps:
        return {}
    easy = [j for j, lv in enumerate(pool["level"]) if max_level is None or (lv is not None and lv <= max_level)]
    if not easy:
        raise param_error("max_level", "warm_policy_from_pool", "a level that some pool rows have",
                          max_level)
    chosen = [problems[j] for j in easy]
    prompts = render(out_dir, chosen) if render is not None else [format_prompt(p) for p in chosen]
    taught = [answers[j] for j in easy] if teacher is None else [str(teacher(pool[j])) for j in easy]
    examples = list(zip(prompts, taught, strict=True))
    return warm_start(out_dir, examples, config=WarmStartConfig(steps=steps, seed=seed, progress=progress))


def sample_completions(model_dir: str | Path, prompts: Sequence[str], k: int = 1, max_new_tokens: int = 8,
                       temperature: float = 1.0, seed: int = 0, batch_size: int = 64) -> list[list[str]]:
    """``k`` sampled completions per prompt (greedy when ``temperature == 0``), decoded without specials."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    tokenizer.padding_side = "left"
    model = AutoModelForCausalLM.from_pretrained(model_dir).eval()
    torch.manual_seed(seed)
    out: list[list[str]] = []
    for start in range(0, len(prompts), batch_size):
        chunk = list(prompts[start: start + batch_size])
        enc = tokenizer(chunk, return_tensors="pt", padding=True, add_special_tokens=False)
        kwargs = {"do_sample": temperature > 0, "max_new_tokens": max_new_tokens,
                  "num_return_sequences": k, "pad_token_id": tokenizer.pad_token_id}
        if temperature > 0:
            kwargs["temperature"] = temperature
        with torch.no_grad():
            gen = model.generate(**enc, **kwargs)
        texts = tokenizer.batch_decode(gen[:, enc["input_ids"].shape[1]:], skip_special_tokens=True)
        out.extend(texts[i * k:(i + 1) * k] for i in range(len(chunk)))
    return out
