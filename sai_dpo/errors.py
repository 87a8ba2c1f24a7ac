"""Domain exceptions: one base class; parameter and input errors are also ValueErrors."""

from __future__ import annotations

# One pool-validation error for the whole project: data/ owns it (data must not import sai_dpo),
# sai_dpo re-exports it so callers catch a single class.
from data._errors import SaiDpoError  # noqa: F401  (re-export: the base class lives in data)
from data.schema import PoolValidationError  # noqa: F401  (re-export)


class InvalidInputError(SaiDpoError, ValueError):
    """Input at a public boundary was wrong; the message says what and how to fix it."""


def param_error(param: str, owner: str, expected: str, got: object) -> InvalidInputError:
    """The house wording for a bad parameter value."""
    return InvalidInputError(
        f"The '{param}' parameter of {owner} must be {expected}. Got {got!r} instead."
    )
