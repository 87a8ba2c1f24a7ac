"""`sai-dpo pool ...` subcommands."""

from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("pool", help="build, load, inspect and cluster problem pools")
    p.set_defaults(func=lambda args: p.print_help() or 2)
