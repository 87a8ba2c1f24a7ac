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
    from rl.tiny import warm_policy_from_pool

    out = Path(out_dir)
    if (out / "config.json").is_file():
        return out
    tmp = out.with_name(f".{out.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)

    def render(policy_dir, problems):
        tokenizer = AutoTokenizer.from_pretrained(policy_dir)
        return render_prompts(tokenizer, [config.prompt_template.format(problem=p) for p in problems])

    # An impossible warm_start_max_level surfaces as warm_policy_from_pool's 'max_level' error.
    stats = warm_policy_from_pool(pool, tmp, seed=config.seed, steps=config.warm_start_steps,
                                  max_level=config.warm_start_max_level, render=render)
    if stats:
        log.info("warm start of the tiny policy: loss %.3f -> %.3f", stats["first_loss"], stats["last_loss"])
    os.replace(tmp, out)
    return out
