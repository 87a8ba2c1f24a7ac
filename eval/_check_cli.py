"""`sai-dpo check GOLD PREDICTION`: judge one answer and print the verdict."""

from __future__ import annotations

import sys

from data._cli_args import positive_number


def register(sub) -> None:
    """Add the ``check`` subcommand."""
    p = sub.add_parser(
        "check",
        help="judge a prediction against a gold answer (exit 0 if correct, 1 otherwise)",
        description="Judge PREDICTION (a bare answer or a whole response) against GOLD with the answer checker.",
    )
    p.add_argument("gold", metavar="GOLD", help=r"gold answer, e.g. '\frac{1}{2}' or 'C'")
    p.add_argument(
        "prediction", metavar="PREDICTION",
        help=r"model answer or response, e.g. '\boxed{0.5}'; '-' reads it from standard input (long responses)",
    )
    p.add_argument(
        "--choices", default=None,
        help="values of choices A,B,... (multiple choice), separated by commas, or by '|' when a value holds a comma",
    )
    p.add_argument("--timeout", type=positive_number, default=2.0, help="seconds allowed for symbolic work (default 2)")
    p.set_defaults(func=_run)


_VALUED = ("--choices", "--timeout")  # check's options that take a value


def negative_positionals(argv: list[str]) -> list[str]:
    """``check`` arguments with ``--`` before GOLD and PREDICTION when one starts with a minus sign
    ("-1/2", "-\\frac{1}{2}"), which argparse would take for an option; options keep their place."""
    at = next((i for i, a in enumerate(argv) if not a.startswith("-")), None)
    if at is None or argv[at] != "check" or "--" in argv[at:]:
        return argv
    options, positional, rest = [], [], argv[at + 1 :]
    i = 0
    while i < len(rest):
        a = rest[i]
        if a in _VALUED:
            if i + 1 < len(rest):
                options.append(f"{a}={rest[i + 1]}")  # "--choices -1,-2,-3": a value may start with a minus sign
            else:
                options.append(a)
            i += 2
            continue
        if a in ("-h", "--help") or a.startswith(tuple(v + "=" for v in _VALUED)):
            options.append(a)
        else:
            positional.append(a)
        i += 1
    if not any(a.startswith("-") and a != "-" for a in positional + [o.partition("=")[2] for o in options]):
        return argv
    return argv[: at + 1] + options + ["--"] + positional


def _choices(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [c.strip() for c in text.split("|" if "|" in text else ",")]
    if len(items) < 2 or not all(items):
        raise ValueError(
            f"The '--choices' option must list at least two non-empty values, separated by commas (or by '|' "
            f"when a value holds a comma). Got {text!r} instead."
        )
    return items


def _run(args) -> int:
    from eval.checker import extract, verify

    choices = _choices(args.choices)
    gold = args.gold.strip().strip("()")
    if choices and len(gold) == 1 and "A" <= gold.upper() <= "Z" and ord(gold.upper()) - 65 >= len(choices):
        last = chr(64 + len(choices))
        raise ValueError(f"GOLD {args.gold!r} names choice {gold.upper()}, but --choices lists only A-{last} "
                         f"({len(choices)} values); add the missing values or fix the gold letter.")
    prediction = sys.stdin.read() if args.prediction == "-" else args.prediction
    verdict = verify(args.gold, prediction, choices=choices, timeout=args.timeout)
    print(f"{verdict.status}: {verdict.reason}")
    print(f"extracted: {extract(prediction, choices=choices, gold=args.gold)!r}")
    return 0 if verdict else 1
