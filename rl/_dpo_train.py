"""One pass of TRL's ``DPOTrainer`` over an iteration's pairs, with the previous model as reference."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

_PAIR_COLUMNS = ("prompt", "chosen", "rejected")


def train_one_pass(model_dir: str | Path, pairs, out_dir: str | Path, *, beta: float, learning_rate: float,
                   batch_size: int, max_length: int, loss_type: list[str], seed: int) -> dict[str, Any]:
    """Train the policy in ``model_dir`` for one epoch of DPO on ``pairs``; save it to ``out_dir``.

    The reference model is a second, frozen copy loaded from the same ``model_dir``: the previous
    iteration's policy, as in iterative DPO. Runs on CPU (``use_cpu=True, bf16=False``), saves no
    checkpoints and reports nowhere.

    Args:
        pairs: ``datasets.Dataset`` with ``prompt``/``chosen``/``rejected`` strings (extra columns dropped).
    Returns:
        ``{"steps", "train_loss", "reward_accuracy", "reward_margin"}`` from the trainer's log (the last
        two averaged over logged steps; None when not logged).
    """
    from transformers import AutoModelForCausalLM, AutoTokenizer, PrinterCallback
    from trl import DPOConfig, DPOTrainer

    out_dir = Path(out_dir)
    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModelForCausalLM.from_pretrained(model_dir)
    ref_model = AutoModelForCausalLM.from_pretrained(model_dir)
    scratch = out_dir.parent / f"_{out_dir.name}_trainer"
    args = DPOConfig(
        output_dir=str(scratch), num_train_epochs=1, per_device_train_batch_size=batch_size,
        learning_rate=learning_rate, beta=beta, max_length=max_length, loss_type=list(loss_type),
        use_cpu=True, bf16=False, activation_checkpointing=False, report_to="none", save_strategy="no",
        logging_steps=1, seed=seed, data_seed=seed, disable_tqdm=True, dataloader_num_workers=0,
    )
    data = pairs.select_columns(list(_PAIR_COLUMNS))
    trainer = DPOTrainer(model=model, ref_model=ref_model, args=args, train_dataset=data,
                         processing_class=tokenizer)
    trainer.remove_callback(PrinterCallback)  # metrics go to the summary, not to stdout
    result = trainer.train()
    trainer.save_model(str(out_dir))
    tokenizer.save_pretrained(str(out_dir))
    shutil.rmtree(scratch, ignore_errors=True)
    logs = [h for h in trainer.state.log_history if "loss" in h]
    return {
        "steps": int(result.global_step),
        "train_loss": float(result.training_loss),
        "reward_accuracy": _mean(logs, "rewards/accuracies"),
        "reward_margin": _mean(logs, "rewards/margins"),
    }


def _mean(logs: list[dict], key: str) -> float | None:
    values = [float(h[key]) for h in logs if key in h]
    return sum(values) / len(values) if values else None


def copy_model(model_dir: str | Path, out_dir: str | Path) -> None:
    """Carry the policy over unchanged (an iteration without pairs trains nothing)."""
    shutil.copytree(model_dir, out_dir)
