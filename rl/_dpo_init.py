"""The initial policy of a DPO run when none is given: the tiny offline policy, warm-started on the pool."""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)


def build_initial_policy(pool, out_dir: str | Path, config) -> Path:
    """Build ``rl.tiny``'s policy on the pool text, warm-start it on the easy levels, save it to ``out_dir``.

    Written to a temporary folder and renamed, so an interrupted build is redone, never half-used.
    Returns ``out_dir`` (reused as is when it already holds a finished build).
    """
    from transformers import AutoTokenizer

    from eval.generation import render_prompts
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
        top = config.warm_start_max_level
        easy = [j for j, lv in enumerate(pool["level"]) if top is None or (lv is not None and lv <= top)]
        if not easy:
            raise ValueError(f"The 'warm_start_max_level' parameter of DPOLoopConfig must leave some pool rows "
                             f"to warm start on (no row has level <= {top}). Got {top} instead.")
        tokenizer = AutoTokenizer.from_pretrained(tmp)
        prompts = render_prompts(tokenizer, [config.prompt_template.format(problem=problems[j]) for j in easy])
        ws = WarmStartConfig(steps=config.warm_start_steps, seed=config.seed, progress=False)
        stats = warm_start(tmp, list(zip(prompts, [answers[j] for j in easy], strict=True)), config=ws)
        log.info("warm start of the tiny policy: loss %.3f -> %.3f", stats["first_loss"], stats["last_loss"])
    os.replace(tmp, out)
    return out
