"""Test-wide settings: everything runs offline, with no model hub or dataset hub."""

import os

import pytest

from tests._ids import plain_id

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def pytest_make_parametrize_id(config, val, argname):
    if isinstance(val, bytes):
        val = val.decode("latin-1")
    if isinstance(val, str) and plain_id(val) != val:
        return plain_id(val)
    return None


def pytest_collection_modifyitems(config, items):
    """Refuse a test id that cannot be given back to pytest (see ``tests/_ids.py``)."""
    bad = [item.nodeid for item in items if plain_id(item.nodeid) != item.nodeid]
    if bad:
        raise pytest.UsageError(f"{len(bad)} test ids hold escaped characters (first: {bad[0]}); "
                                "give the parametrization plain ids with tests._ids.plain_id")
