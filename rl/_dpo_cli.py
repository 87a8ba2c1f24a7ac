"""``sai-dpo train dpo``: the iterative DPO loop from a YAML config and flag overrides."""

from __future__ import annotations

import json

# Flags that override YAML fields: (flag, field, type, help).
_FLAGS = [
    ("--run-dir", "run_dir", str, "run folder (rerun with the same folder to resume)"),
    ("--pool", "pool", str, "pool file, builtin:NAME or hub id"),
    ("--pool-size", "pool_size", int, "keep the first N pool rows"),
    ("--model", "model", str, "initial policy folder (default: build the tiny offline policy)"),
    ("--warm-start-steps", "warm_start_steps", int, "warm-start steps of the tiny policy"),
    ("--iterations", "iterations", int, "T, number of iterations"),
    ("--k", "k", int, "samples per problem (K)"),
    ("--probe-size", "probe_size", int, "problems probed per iteration"),
    ("--train-size", "train_size", int, "problems selected for training per iteration"),
    ("--pairs-per-problem", "pairs_per_problem", int, "P, max pairs per mixed problem"),
    ("--policy", "policy", str, "selection policy: sai_dpo, uniform, curriculum, learnability, prioritized"),
    ("--probe-policy", "probe_policy", str, "uniform (default) or same"),
    ("--chosen-rule", "chosen_rule", str, "fewest_steps (default) or shortest"),
    ("--max-new-tokens", "max_new_tokens", int, "generation budget per sample"),
    ("--temperature", "temperature", float, "sampling temperature"),
    ("--beta", "beta", float, "DPO beta"),
    ("--learning-rate", "learning_rate", float, "DPO learning rate"),
    ("--train-batch-size", "train_batch_size", int, "DPO batch size"),
    ("--seed", "seed", int, "seed"),
]


def register(sub) -> None:
    """Add ``train`` with its ``dpo`` subcommand."""
    train = sub.add_parser("train", help="train a policy with adaptive data selection")
    train_sub = train.add_subparsers(dest="trainer", metavar="TRAINER")
    dpo = train_sub.add_parser(
        "dpo", help="iterative DPO: probe, select, pair, train, repeat",
        description="Iterative DPO with self-aware data selection. Flags override the YAML config; "
                    "rerunning with the same run folder resumes after the last finished iteration.")
    dpo.add_argument("--config", default=None, help="YAML file of DPOLoopConfig fields")
    for flag, dest, typ, text in _FLAGS:
        dpo.add_argument(flag, dest=dest, type=typ, default=None, help=text)
    dpo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    dpo.set_defaults(func=_run_dpo)
    train.set_defaults(func=lambda args: (train.print_help(), 2)[1])


def _run_dpo(args) -> int:
    from rl.dpo import run_dpo
    from rl.dpo_config import load_config
    from rl.tiny import cpu_threads

    overrides = {dest: getattr(args, dest) for _, dest, _, _ in _FLAGS}
    config = load_config(args.config, overrides)  # every bad value fails here, before any work
    if config.model is None:  # the built-in tiny policy: one torch thread (SAI_DPO_TORCH_THREADS overrides)
        cpu_threads()
    summaries = run_dpo(config, progress=not args.no_progress)
    for s in summaries:
        print(json.dumps({"iteration": s["iteration"], "n_pairs": s["n_pairs"],
                          "n_samples_generated": s["n_samples_generated"],
                          "pair_yield": round(s["pair_yield"], 4)}))
    print(f"run folder: {config.run_dir}")
    return 0
