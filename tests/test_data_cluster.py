"""Knowledge points by clustering: TF-IDF K-Means recovers the generator's skills; embeddings work offline."""

import pytest

from data import build_pool
from data.cluster import adjusted_rand, cluster_pool, cluster_texts, is_available, preprocess


@pytest.fixture(scope="module")
def pool():
    return build_pool(2500, seed=7, kind="math-style")


@pytest.fixture(scope="module")
def clustered(pool):
    return cluster_pool(pool, method="tfidf", seed=0)


def test_tfidf_clusters_match_true_skills(pool, clustered):
    new, result, ari = clustered
    k = len(set(pool["skill"]))
    assert len(result.names) == k and set(result.labels) <= set(range(k))
    assert ari == pytest.approx(adjusted_rand(pool["skill"], result.labels))
    assert ari >= 0.5  # chance level is ~0; the 20k-problem figure is in the README
    assert list(new["true_skill"]) == list(pool["skill"])
    assert set(new["skill"]) == set(result.names)
    assert new.column_names[: len(pool.column_names)] == pool.column_names


def test_cluster_names_are_top_words(clustered):
    _, result, _ = clustered
    for name in result.names:
        prefix, terms = name.split(":")
        assert prefix.startswith("c") and len(terms.split("|")) == 3
        assert all(t.isalpha() and t not in {"the", "num", "what"} for t in terms.split("|"))
    joined = " ".join(result.names)
    assert "remainder" in joined or "divided" in joined  # the modular-arithmetic point shows up by name


def test_pool_without_skills_gets_default_k_and_no_ari(pool):
    blank = pool.select(range(200)).remove_columns("skill").add_column("skill", [None] * 200)
    new, result, ari = cluster_pool(blank)
    assert ari is None and "true_skill" not in new.column_names
    assert len(result.names) == 10  # round(sqrt(200 / 2))


def test_preprocess_masks_numbers_and_drops_choices():
    text = "What is $12 + 3.5$?\n\n$\\textbf{(A)}\\ 1 \\qquad \\textbf{(B)}\\ 2$"
    assert preprocess(text) == "What is $ NUM  +  NUM $?\n\n "


def test_bad_arguments():
    with pytest.raises(ValueError, match="'k' parameter"):
        cluster_texts(["a b", "c d"], k=3)
    with pytest.raises(ValueError, match="'method' parameter"):
        cluster_texts(["a b", "c d"], k=1, method="lda")


def test_embeddings_cluster_two_obvious_topics():
    assert is_available()  # the embed extra is installed by `make test`
    circles = [f"What is the area of a circle with radius {r}?" for r in range(2, 14)]
    remainders = [f"Find the remainder when {r} to the power 10 is divided by 7." for r in range(2, 14)]
    result = cluster_texts(circles + remainders, k=2, method="embed")
    assert adjusted_rand([0] * 12 + [1] * 12, result.labels) == 1.0
