"""Errors raised by the eval metrics, runner and reports.

``eval`` must not import ``sai_dpo`` (dependency direction rl -> sai_dpo -> data, eval -> data), so
it has its own ValueError subclass (under the project's base class, which data owns); the CLI
reports any ValueError as ``error: <message>``.
"""

from __future__ import annotations

from data._errors import SaiDpoError

__all__ = ["EvalInputError"]


class EvalInputError(SaiDpoError, ValueError):
    """Input to an eval entry point was wrong; the message says what and how to fix it."""
