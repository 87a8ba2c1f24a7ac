"""Domain exceptions: one base class; parameter and input errors are also ValueErrors."""

from __future__ import annotations

# One pool-validation error for the whole project: data/ owns it (data must not import sai_dpo),
# sai_dpo re-exports it so callers catch a single class.
from data._errors import SaiDpoError  # noqa: F401  (re-export: the base class lives in data)
from data.schema import PoolValidationError  # noqa: F401  (re-export)


class InvalidInputError(SaiDpoError, ValueError):
    """Input at a public boundary was wrong; the message says what and how to fix it."""


class UnknownProblemIdError(InvalidInputError):
    """Reported outcomes name problem ids that are not in the service's pool.

    Attributes:
        unknown_ids: the distinct ids not in the pool, in order of first appearance.
        n_unknown: how many rows named them.
        n_applied: how many other rows of the same batch were applied anyway (0: none).
    """

    def __init__(self, message: str, unknown_ids: list[str] | None = None, n_unknown: int = 0,
                 n_applied: int = 0) -> None:
        super().__init__(message)
        self.unknown_ids = list(unknown_ids or [])
        self.n_unknown = n_unknown
        self.n_applied = n_applied


class ServiceDegradedError(SaiDpoError, OSError):
    """The service is up but could not restore its state from its checkpoint folder (an unreadable
    journal segment, a read-only file): it refuses reports and draws until the folder is readable
    again, then restores itself. An ``OSError``, so buffered clients keep the reports and retry."""


class PoolChangedError(SaiDpoError, RuntimeError):
    """Pool rows were reported against another pool than the service holds now (it restarted on a
    changed pool file): the client resends that batch by problem id."""


class ServiceUnavailableError(SaiDpoError, RuntimeError):
    """The service could not be reached and there was no way to answer without it."""


class CheckpointInUseError(InvalidInputError):
    """Another running service holds the checkpoint folder: two services writing one journal would
    delete each other's files and lose acknowledged reports."""


def param_error(param: str, owner: str, expected: str, got: object) -> InvalidInputError:
    """The house wording for a bad parameter value."""
    return InvalidInputError(
        f"The '{param}' parameter of {owner} must be {expected}. Got {got!r} instead."
    )
