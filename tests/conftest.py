"""Test-wide settings: everything runs offline, with no model hub or dataset hub."""

import os

from tests._ids import plain_id

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAY_AUTH_MODE", "disabled")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")


def pytest_make_parametrize_id(config, val, argname):
    if isinstance(val, str) and plain_id(val) != val:
        return plain_id(val)
    return None
