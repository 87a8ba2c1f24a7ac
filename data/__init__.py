"""Problem pools: record schema, loaders, presets, the built-in generator, knowledge clustering.

Example:
    >>> from data import build_pool, validate_pool
    >>> pool = build_pool(50, seed=0, kind="arith")
    >>> validate_pool(pool).n_dropped
    0
"""

from data.cluster import ClusterResult, adjusted_rand, cluster_pool, cluster_texts
from data.generator import KINDS, build_pool, heldout_pool
from data.loaders import BUILTIN_SIZES, PoolLoadError, load_pool, read_rows, save_pool
from data.presets import PRESETS, get_preset, last_boxed
from data.schema import COLUMNS, PoolValidationError, ValidationReport, validate_pool

__all__ = [
    "BUILTIN_SIZES",
    "COLUMNS",
    "ClusterResult",
    "KINDS",
    "PRESETS",
    "PoolLoadError",
    "PoolValidationError",
    "ValidationReport",
    "adjusted_rand",
    "build_pool",
    "cluster_pool",
    "cluster_texts",
    "get_preset",
    "heldout_pool",
    "last_boxed",
    "load_pool",
    "read_rows",
    "save_pool",
    "validate_pool",
]
