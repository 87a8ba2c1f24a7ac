"""The initial policy of a DPO run when none is given: the tiny offline policy, warm-started on the pool."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)


def build_initial_policy(pool, out_dir: str | Path, config) -> Path:
    """Build ``rl.tiny``'s policy on the pool text, warm-start it, and save it to ``out_dir``.

    Written to a temporary folder and renamed, so an interrupted build is redone, never half-used.
    Returns ``out_dir`` (reused as is when it already holds a finished build).
    """
    from eval.generation import render_prompts
    from transformers import AutoTokenizer

    from rl.tiny import WarmStartConfig, build_tiny_policy, warm_start

    out = Path(out_dir)
    if (out / "config.json").is_file():
        return out
    tmp = out.with_name(f".{out.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    problems = list(pool["problem"])
    answers = [str(a) for a in pool["answer"]]
    build_tiny_policy(problems + answers, tmp, seed=config.seed)
    if config.warm_start_steps:
        tokenizer = AutoTokenizer.from_pretrained(tmp)
        users = [config.prompt_template.format(problem=p) for p in problems]
        prompts = render_prompts(tokenizer, users)
        ws = WarmStartConfig(steps=config.warm_start_steps, seed=config.seed, progress=False)
        stats = warm_start(tmp, list(zip(prompts, answers, strict=True)), config=ws)
        log.info("warm start of the tiny policy: loss %.3f -> %.3f", stats["first_loss"], stats["last_loss"])
    os.replace(tmp, out)
    return out
