"""Errors raised by the eval metrics, runner and reports.

``eval`` must not import ``sai_dpo`` (dependency direction rl -> sai_dpo -> data, eval -> data), so
it has its own ValueError subclass; the CLI reports any ValueError as ``error: <message>``.
"""

from __future__ import annotations

__all__ = ["EvalInputError"]


class EvalInputError(ValueError):
    """Input to an eval entry point was wrong; the message says what and how to fix it."""
