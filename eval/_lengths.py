"""Token-length and step statistics of samples, split into correct and not-correct."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["integer_bin_edges", "length_stats", "summary_stats"]

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


def integer_bin_edges(values: Sequence[int], max_bins: int = _N_BINS) -> np.ndarray:
    """Histogram edges for integer counts: every bin spans the same whole number of integers.

    Edges sit half-way between integers (``lo - 0.5``, ``lo - 0.5 + w``, ...), with the width ``w`` the
    smallest whole number that keeps at most ``max_bins`` bins. Edges on arbitrary reals would leave
    some bins holding no integer at all, so the histogram looked like a comb of empty bins.

    Example: values 3..7 give width 1 and edges 2.5, 3.5, ..., 7.5 (one bin per value).
        >>> integer_bin_edges([3, 7]).tolist()
        [2.5, 3.5, 4.5, 5.5, 6.5, 7.5]
    """
    lo, hi = (int(min(values)), int(max(values))) if len(values) else (0, 1)
    width = max(1, -(-(hi - lo + 1) // max_bins))  # ceil((hi - lo + 1) / max_bins)
    n_bins = -(-(hi - lo + 1) // width)
    return lo - 0.5 + width * np.arange(n_bins + 1, dtype=np.float64)


def _histogram(correct: list[int], other: list[int]) -> dict:
    edges = integer_bin_edges(correct + other)
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
