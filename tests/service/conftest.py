"""Shared helpers of the service tests: tiny pools in the record schema, plain services, states."""

import datasets
import numpy as np
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


def make_service(tmp_path=None, pool=None, **kw):
    """A plain (no Ray) SelectionService over ``pool`` (default: a tiny pool), seed 0."""
    from sai_dpo import SelectionConfig
    from sai_dpo._selection_service import SelectionService

    kw.setdefault("snapshot_min_interval", 0.0)  # snapshots by report count, as the tests count them
    return SelectionService(pool if pool is not None else tiny_pool(), SelectionConfig(seed=0),
                            checkpoint_dir=tmp_path, **kw)


def engine_state(svc) -> dict:
    """A copy of the service engine's state dict."""
    return {k: np.array(v, copy=True) for k, v in svc.engine.state_dict().items()}


def same_state(a: dict, b: dict) -> bool:
    """Whether two state dicts hold the same arrays (NaNs equal)."""
    return a.keys() == b.keys() and all(
        np.array_equal(a[k], b[k], equal_nan=np.asarray(a[k]).dtype.kind in "fc") for k in a)


@pytest.fixture
def make_pool():
    return tiny_pool
