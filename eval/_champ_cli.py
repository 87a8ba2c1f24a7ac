"""`sai-dpo champ generations` (CHAMP conversations as eval generations) and `sai-dpo champ replay`
(the selection engine fed one model's real CHAMP outcomes)."""

from __future__ import annotations

import argparse

from data._cli_args import int_at_least, output_dir, positive_number

_DATA_HELP = "the CHAMP data file (default: the one of the installed champ-dataset package, sai-dpo[real])"


def register(sub) -> None:
    """Add the ``champ`` command and its subcommands."""
    p = sub.add_parser("champ", help="real model outputs of the CHAMP competition set: eval files, selection replay",
                       description="Real competition problems and real models' answers from the champ-dataset "
                                   "package (pip install 'sai-dpo[real]'). The 0-Shot, 5-Shot and No C w/o H "
                                   "conversations are reserved for an independent check and never read.")
    csub = p.add_subparsers(dest="champ_command", metavar="SUBCOMMAND", required=True)

    g = csub.add_parser("generations", help="write one generations file per model for `sai-dpo eval`",
                        description="Write OUT/<model>.jsonl (problem_id, sample, completion = the model's "
                                    "one-sentence final answer, model and prompt as metadata; its 15 prompt styles "
                                    "are the samples of a problem), then print the commands that score them "
                                    "(sai-dpo eval --set champ).")
    g.add_argument("--out", required=True, metavar="DIR", help="output folder")
    g.add_argument("--models", nargs="+", metavar="NAME", default=None,
                   help="models to write (default: all four: GPT-3.5, GPT-4, 'GPT-4 Turbo', 'PaLM 2 Medium')")
    g.add_argument("--data", metavar="FILE", default=None, help=_DATA_HELP)
    g.set_defaults(func=_run_generations)

    r = csub.add_parser("replay", help="feed one model's CHAMP outcomes to the selection engine; report its next draw",
                        description="Check every non-reserved conversation of --model (each prompt style one "
                                    "rollout), feed the outcomes to a SelectionEngine on the CHAMP pool round by "
                                    "round in a seeded order, and write OUT/replay.html, replay.md and replay.json: "
                                    "the skill x level table, the draw it would make next and why.")
    r.add_argument("--model", required=True, metavar="NAME", help="CHAMP model, e.g. GPT-4 or 'GPT-4 Turbo'")
    r.add_argument("--out", required=True, metavar="DIR", help="output folder")
    r.add_argument("--seed", type=int_at_least(0), default=0,
                   help="seed of the order problems are fed in, and of the engine's draws (default 0)")
    r.add_argument("--per-round", type=int_at_least(1), default=30, help="problems fed per round (default 30)")
    r.add_argument("--next", dest="next_n", type=int_at_least(1), default=30,
                   help="problems in the next draw shown (default 30)")
    r.add_argument("--orders", type=int_at_least(1), default=5,
                   help="seeded orders replayed to show how much the order matters (default 5)")
    r.add_argument("--data", metavar="FILE", default=None, help=_DATA_HELP)
    r.add_argument("--workers", type=int_at_least(1), default=None, help="checker processes (default: checker's choice)")
    r.add_argument("--timeout", type=positive_number, default=2.0, help="seconds per verification (default 2)")
    r.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    r.set_defaults(func=_run_replay)


def _run_generations(args: argparse.Namespace) -> int:
    import shlex

    from data.champ import read_champ
    from eval.champ import eval_set_args, model_slug, write_generations_files

    out = output_dir(args.out)
    data = read_champ(args.data)
    paths = write_generations_files(data, out, args.models)
    for model, path in paths.items():
        n_rows = sum(1 for _ in path.open(encoding="utf-8"))
        print(f"wrote {path} ({model}: {n_rows} answers)")
    eval_set = shlex.join(eval_set_args(args.data))
    print("score them with:")
    for path in paths.values():
        print(f"  sai-dpo eval --generations {shlex.quote(str(path))} {eval_set} "
              f"--out {shlex.quote(str(out / ('eval-' + path.stem)))}")
    if len(paths) >= 2:
        a, b = (shlex.quote(str(out / ("eval-" + model_slug(m)))) for m in list(paths)[:2])
        print(f"  sai-dpo eval --compare {a} {b} --out {shlex.quote(str(out / 'compare'))}")
    return 0


def _run_replay(args: argparse.Namespace) -> int:
    from data.champ import read_champ
    from eval._champ_report import write_replay_report
    from eval.champ_replay import ReplayConfig, champ_outcomes, replay
    from eval.runner import ScoringConfig

    out = output_dir(args.out)
    config = ReplayConfig(seed=args.seed, per_round=args.per_round, next_n=args.next_n, orders=args.orders)
    data = read_champ(args.data)
    outcomes = champ_outcomes(data, args.model, ScoringConfig(workers=args.workers, timeout=args.timeout,
                                                              progress=not args.no_progress))
    result = replay(outcomes, config)
    paths = write_replay_report(result, out)
    shares = ", ".join(f"{s} {v['next_share']:.2f} (pool {v['pool_share']:.2f})" for s, v in result.per_skill.items())
    print(f"{result.model}: next-draw weight by category: {shares}")
    print(f"wrote {paths['html']}, {paths['markdown']} and {paths['json']}")
    return 0
