"""sai_dpo: adaptive, self-aware data selection for RL and preference training of math reasoners."""

from sai_dpo.errors import InvalidInputError, PoolValidationError, SaiDpoError

__all__ = ["SaiDpoError", "InvalidInputError", "PoolValidationError"]
__version__ = "0.1.0"
