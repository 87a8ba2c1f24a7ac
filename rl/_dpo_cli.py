"""``sai-dpo train dpo``: the iterative DPO loop from a YAML config and flag overrides."""

from __future__ import annotations

import argparse
import json

from data._cli_args import as_flags, int_at_least, int_between, lock_output, output_dir, positive_number
from sai_dpo.policies import POLICIES


def _policy(text: str) -> str:
    if text not in POLICIES:
        raise argparse.ArgumentTypeError(f"unknown policy {text!r}; choose from {', '.join(sorted(POLICIES))}")
    return text


# Flags that override YAML fields: (flags, field, type, help).
_FLAGS = [
    (("--out", "--run-dir"), "run_dir", str, "run folder (rerun with the same folder to resume); --run-dir is "
                                              "the old name"),
    (("--pool",), "pool", str, "pool file, builtin:NAME or hub id"),
    (("--preset",), "preset", str, "column preset of the pool file (e.g. math, gsm8k; see `sai-dpo pool --help`)"),
    (("--pool-size",), "pool_size", int_at_least(1), "keep the first N pool rows"),
    (("--model",), "model", str, "initial policy folder (default: build the tiny offline policy)"),
    (("--warm-start-steps",), "warm_start_steps", int_at_least(0), "warm-start steps of the tiny policy"),
    (("--iterations",), "iterations", int_at_least(1), "T, number of iterations"),
    (("-k", "--k"), "k", int_at_least(2), "samples per problem (K, at least 2)"),
    (("--probe-size",), "probe_size", int_at_least(1), "problems probed per iteration"),
    (("--train-size",), "train_size", int_at_least(1), "problems selected for training per iteration"),
    (("--pairs-per-problem",), "pairs_per_problem", int_at_least(1), "P, max pairs per mixed problem"),
    (("--policy",), "policy", _policy, "selection policy: " + ", ".join(sorted(POLICIES))),
    (("--probe-policy",), "probe_policy", str, "uniform (default) or same"),
    (("--chosen-rule",), "chosen_rule", str, "fewest_steps (default) or shortest"),
    (("--prompt-template",), "prompt_template", str, "prompt format; {problem} is replaced by the problem text"),
    (("--max-new-tokens",), "max_new_tokens", int_at_least(1), "generation budget per sample"),
    (("--temperature",), "temperature", positive_number, "sampling temperature"),
    (("--beta",), "beta", positive_number, "DPO beta"),
    (("--learning-rate",), "learning_rate", positive_number, "DPO learning rate"),
    (("--train-batch-size",), "train_batch_size", int_at_least(1), "DPO batch size"),
    (("--seed",), "seed", int_between(0, 2**32 - 1), "seed"),
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
    for flags, dest, typ, text in _FLAGS:
        dpo.add_argument(*flags, dest=dest, type=typ, default=None, help=text)
    dpo.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    dpo.set_defaults(func=_run_dpo)
    train.set_defaults(func=lambda args: (train.print_help(), 2)[1])


def _run_dpo(args) -> int:
    from rl.dpo import run_dpo
    from rl.dpo_config import load_config
    from rl.tiny import cpu_threads

    overrides = {dest: getattr(args, dest) for _, dest, _, _ in _FLAGS}
    named = {dest: flags[0] for flags, dest, _, _ in _FLAGS if getattr(args, dest) is not None}
    try:
        config = load_config(args.config, overrides)  # every bad value fails here, before any work
    except ValueError as exc:  # a field a flag set is named by its flag
        raise as_flags(exc, named, "DPOLoopConfig") from None
    output_dir(config.run_dir, "--out")
    lock_output(config.run_dir)
    if config.model is None:  # the built-in tiny policy: one torch thread (SAI_DPO_TORCH_THREADS overrides)
        cpu_threads()
    try:
        summaries = run_dpo(config, progress=not args.no_progress)
    except ValueError as exc:  # e.g. --train-size above the pool's size, known once the pool is loaded
        raise as_flags(exc, named, "DPOLoopConfig") from None
    for s in summaries:
        print(json.dumps({"iteration": s["iteration"], "n_pairs": s["n_pairs"],
                          "n_samples_generated": s["n_samples_generated"],
                          "pair_yield": round(s["pair_yield"], 4)}))
    print(f"run folder: {config.run_dir}")
    return 0
