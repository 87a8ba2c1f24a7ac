"""Errors raised by the eval metrics, runner and reports.

``eval`` must not import ``sai_dpo`` (dependency direction rl -> sai_dpo -> data, eval -> data), so
it has its own ValueError subclass (under the project's base class, which data owns); the CLI
reports any ValueError as ``error: <message>``.
"""

from __future__ import annotations

from data._errors import SaiDpoError

__all__ = ["EvalInputError", "is_number"]


class EvalInputError(SaiDpoError, ValueError):
    """Input to an eval entry point was wrong; the message says what and how to fix it."""


def is_number(v) -> bool:
    """A JSON number as read from a file (an int or a float; ``true``/``false`` are not numbers)."""
    return isinstance(v, int | float) and not isinstance(v, bool)
