"""Labels for the "clustered" scenario: built-in problems whose true skills drive the learner.

The selector sees only skills recovered by ``pool cluster`` (K-Means over the problem text, as
``data.cluster.cluster_pool`` does); the learner's skills are the generator's true knowledge points,
and skills under the same topic (the part before ``/``, e.g. ``algebra``) transfer to each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["ClusteredLabels", "clustered_labels", "is_available"]


def is_available() -> bool:
    """True when the data package offers pool clustering (``data.cluster``)."""
    try:
        from data.cluster import cluster_pool  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class ClusteredLabels:
    """True skills (ints) and levels for the learner, recovered labels for the selector."""

    true_skills: np.ndarray
    levels: np.ndarray
    shown: list[str]
    topics: np.ndarray          # topic id per skill (transfer groups)
    n_skills: int
    ari: float | None


def clustered_labels(n_pool: int, seed: int) -> ClusteredLabels:
    """Build ``n_pool`` built-in MATH-style problems and recover their skills by clustering the text.

    Raises:
        ImportError: the data package has no ``cluster`` module in this checkout.
    """
    from data import build_pool
    from data.cluster import cluster_pool

    pool = build_pool(n_pool, seed=seed, kind="math-style")
    names = sorted(set(pool["skill"]))
    true = np.array([names.index(s) for s in pool["skill"]], dtype=np.int64)
    topic_names = sorted({n.split("/")[0] for n in names})
    topics = np.array([topic_names.index(n.split("/")[0]) for n in names], dtype=np.int64)
    clustered, _result, ari = cluster_pool(pool, k=len(names), seed=seed)
    levels = np.array([3 if lv is None else int(lv) for lv in pool["level"]], dtype=np.int64)
    return ClusteredLabels(true, levels, [str(s) for s in clustered["skill"]], topics, len(names), ari)
