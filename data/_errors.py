"""The project's base error class lives in the lowest layer (data), so that every package's errors
share it without breaking the dependency direction; ``sai_dpo.errors`` re-exports it."""

from __future__ import annotations

__all__ = ["SaiDpoError"]


class SaiDpoError(Exception):
    """Base class of every error this project raises on purpose."""
