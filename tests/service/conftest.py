"""Shared helpers of the service tests: tiny pools in the record schema."""

import datasets
import pytest


def tiny_pool(n: int = 60, n_skills: int = 3, prefix: str = "p") -> datasets.Dataset:
    """``n`` problems, ids ``p0..p{n-1}``, skills ``s0..``, levels 1-5, in the record schema."""
    return datasets.Dataset.from_dict({
        "id": [f"{prefix}{i}" for i in range(n)],
        "problem": [f"What is {i} + 1?" for i in range(n)],
        "answer": [str(i + 1) for i in range(n)],
        "skill": [f"s{i % n_skills}" for i in range(n)],
        "level": [i % 5 + 1 for i in range(n)],
        "source": ["test"] * n,
        "choices": [None] * n,
    })


@pytest.fixture
def make_pool():
    return tiny_pool
