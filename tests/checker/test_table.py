"""The checker against its hand-written table (tests/checker/cases.py)."""

import pathlib
import sys

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from cases import all_cases  # noqa: E402

from eval.checker import verify  # noqa: E402

ROWS = all_cases()


def test_table_is_large_and_balanced():
    """At least 300 rows, at least a third must-be-False near misses, every area covered."""
    assert len(ROWS) >= 300
    n_false = sum(1 for r in ROWS if not r[3])
    assert n_false * 3 >= len(ROWS)
    assert {r[0] for r in ROWS} >= {"integers", "intervals", "matrices", "multiple_choice", "symbolic"}


@pytest.mark.parametrize(
    ("gold", "prediction", "expected", "choices"),
    [r[1:] for r in ROWS],
    ids=[f"{r[0]}-{i}" for i, r in enumerate(ROWS)],
)
def test_row(gold, prediction, expected, choices):
    verdict = verify(gold, prediction, choices=choices, timeout=5.0)
    assert bool(verdict) is expected, verdict
    assert verdict.status != "timeout", verdict
