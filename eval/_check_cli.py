"""`sai-dpo check GOLD PREDICTION`: judge one answer and print the verdict."""

from __future__ import annotations


def register(sub) -> None:
    """Add the ``check`` subcommand."""
    p = sub.add_parser(
        "check",
        help="judge a prediction against a gold answer (exit 0 if correct, 1 otherwise)",
        description="Judge PREDICTION (a bare answer or a whole response) against GOLD with the answer checker.",
    )
    p.add_argument("gold", metavar="GOLD", help=r"gold answer, e.g. '\frac{1}{2}' or 'C'")
    p.add_argument("prediction", metavar="PREDICTION", help=r"model answer or response, e.g. '\boxed{0.5}'")
    p.add_argument("--choices", default=None, help="comma-separated values of choices A,B,... (multiple choice)")
    p.add_argument("--timeout", type=float, default=2.0, help="seconds allowed for symbolic work (default 2)")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from eval.checker import extract, verify

    choices = [c.strip() for c in args.choices.split(",")] if args.choices else None
    verdict = verify(args.gold, args.prediction, choices=choices, timeout=args.timeout)
    print(f"{verdict.status}: {verdict.reason}")
    print(f"extracted: {extract(args.prediction, choices=choices, gold=args.gold)!r}")
    return 0 if verdict else 1
