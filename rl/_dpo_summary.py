"""Small aggregations for the per-iteration summary and the ``rounds.jsonl`` record."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from rl.reporting import MODEL_STATUSES


def accuracy_by_skill(records: Sequence[dict], samples: Sequence[Sequence]) -> dict[str, dict[str, float]]:
    """Per skill: share of scorable samples that are correct, and how many samples that is.

    Samples whose verdict is not the model's fault (``unparseable_gold``, ``timeout``) are left out.
    """
    hits: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for rec, group in zip(records, samples, strict=True):
        skill = str(rec.get("skill"))
        for s in group:
            if s.status not in MODEL_STATUSES:
                continue
            totals[skill] += 1
            hits[skill] += s.status == "correct"
    return {k: {"accuracy": hits[k] / totals[k], "n": totals[k]} for k in sorted(totals)}


def jsonable(value: Any) -> Any:
    """Plain JSON data from nested dicts/lists holding numpy scalars or arrays (non-finite -> None)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
