"""Token-length and step statistics of samples, split into correct and not-correct."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["length_stats", "summary_stats"]

_N_BINS = 30


def summary_stats(values: Sequence[float]) -> dict:
    """Count, mean, median, 10th / 90th percentile and max of ``values`` (zeros when empty)."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.size == 0:
        return {"n": 0, "mean": 0.0, "median": 0.0, "p10": 0.0, "p90": 0.0, "max": 0.0}
    return {
        "n": int(arr.size),
        "mean": float(arr.mean()),
        "median": float(np.median(arr)),
        "p10": float(np.quantile(arr, 0.1)),
        "p90": float(np.quantile(arr, 0.9)),
        "max": float(arr.max()),
    }


def _split(problems, attr: str) -> tuple[list[int], list[int]] | None:
    correct: list[int] = []
    other: list[int] = []
    for p in problems:
        values = getattr(p, attr)
        if len(values) != p.n:
            return None  # this measure was not recorded for every sample
        for status, v in zip(p.statuses, values, strict=True):
            (correct if status == "correct" else other).append(int(v))
    return correct, other


def _histogram(correct: list[int], other: list[int]) -> dict:
    both = correct + other
    hi = max(both) if both else 1
    edges = np.linspace(0, max(hi, 1), _N_BINS + 1)
    return {
        "edges": [float(e) for e in edges],
        "correct": [int(c) for c in np.histogram(correct, bins=edges)[0]],
        "incorrect": [int(c) for c in np.histogram(other, bins=edges)[0]],
    }


def length_stats(problems) -> dict:
    """``{"tokens": ..., "steps": ...}``, each with stats for correct / incorrect and a histogram.

    "incorrect" here means every sample that was not graded correct (wrong, unparseable, timeout).
    A measure that was not recorded for every sample is left out.
    """
    out = {}
    for name, attr in (("tokens", "n_tokens"), ("steps", "n_steps")):
        split = _split(problems, attr)
        if split is None:
            continue
        correct, other = split
        out[name] = {
            "correct": summary_stats(correct),
            "incorrect": summary_stats(other),
            "histogram": _histogram(correct, other),
        }
    return out
