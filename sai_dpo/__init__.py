"""sai_dpo: adaptive, self-aware data selection for RL and preference training of math reasoners."""

from sai_dpo._text_features import problem_features
from sai_dpo.config import SelectionConfig
from sai_dpo.engine import SelectionEngine
from sai_dpo.errors import InvalidInputError, PoolValidationError, SaiDpoError, UnknownProblemIdError
from sai_dpo.policies import POLICIES, SelectionPolicy

__all__ = [
    "SaiDpoError",
    "InvalidInputError",
    "PoolValidationError",
    "UnknownProblemIdError",
    "SelectionConfig",
    "SelectionEngine",
    "SelectionPolicy",
    "POLICIES",
    "problem_features",
]
__version__ = "0.1.0"
