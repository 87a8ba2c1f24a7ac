"""The ``sai-dpo`` command line.

Each package contributes its subcommands through a small ``_cli`` module with a
``register(subparsers)`` function; heavy imports (torch, trl, ray, sympy) happen
inside the command handlers, so ``sai-dpo --help`` stays fast. The CLI is the
outermost shell, so it is the one place allowed to reach every package.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import warnings

from sai_dpo.errors import SaiDpoError

# One line per package that adds subcommands: "module" exposing register(subparsers).
_COMMAND_MODULES = [
    "data._cli",
    "eval._check_cli",
    "eval._eval_cli",
    "eval._bench_cli",
    "eval._champ_cli",
    "sai_dpo._service_cli",
    "rl._cli",
    "rl._dpo_cli",
]


def build_parser() -> argparse.ArgumentParser:
    """Return the top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="sai-dpo",
        description="Adaptive, self-aware data selection for GRPO and iterative DPO on math problems.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    parser = build_parser()
    from eval._check_cli import negative_positionals

    args = parser.parse_args(negative_positionals(list(sys.argv[1:] if argv is None else argv)))
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # TRL calls a transformers method that warns of its own deprecation on every run; nothing a user can change.
    warnings.filterwarnings("ignore", message=r".*is_gradient_checkpointing.*", category=FutureWarning)
    if getattr(args, "no_progress", False):  # every command's --no-progress also quiets the libraries' bars
        from data._cli_args import hide_library_progress

        hide_library_progress()
    from data._cli_args import release_outputs

    rc = 2  # a command that raises has failed: release_outputs then removes the empty folders it made
    try:
        rc = args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `sai-dpo pool show FILE | head`: the reader went away; not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (ValueError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SaiDpoError as exc:  # e.g. the service or its cluster cannot be reached: one line, no traceback
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, UnicodeDecodeError) as exc:  # a path that is a file, no permission, disk full, bad bytes
        if args.verbose:
            raise
        print(f"error: {exc} (run `sai-dpo -v ...` for the traceback)", file=sys.stderr)
        return 2
    finally:
        release_outputs(failed=bool(rc))
    return int(rc or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
