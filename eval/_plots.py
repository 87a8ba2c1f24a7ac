"""Matplotlib (Agg) figures returned as base64 PNG strings, for self-contained HTML reports.

Every function builds its own Figure object (no pyplot state), so nothing global changes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np

__all__ = [
    "heatmap",
    "lines_over_rounds",
    "length_histogram",
    "pass_curve",
    "status_bars",
]


def _figure(width: float = 6.4, height: float = 4.0):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _to_base64(fig) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def heatmap(
    matrix: np.ndarray,
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    *,
    title: str,
    xlabel: str,
    ylabel: str,
    annotate: bool = True,
    vmax: float = 1.0,
) -> str:
    """A heatmap with NaN cells left blank and values written in each cell when ``annotate``."""
    m = np.asarray(matrix, dtype=float)
    # Sizes grow with the table but stay readable: at most 11 x 14 inches, thinned tick labels.
    label_in = 0.075 * max((len(str(r)) for r in row_labels), default=0)
    width = min(11.0, max(4.0, 2.5 + label_in + 0.7 * len(col_labels)))
    fig = _figure(width, min(14.0, max(2.5, 1.0 + 0.45 * len(row_labels))))
    ax = fig.add_subplot(1, 1, 1)
    im = ax.imshow(np.ma.masked_invalid(m), cmap="viridis", vmin=0.0, vmax=vmax, aspect="auto")
    xstep = max(1, len(col_labels) // 20)
    ax.set_xticks(range(0, len(col_labels), xstep), labels=list(col_labels)[::xstep])
    ax.set_yticks(range(len(row_labels)), labels=list(row_labels), fontsize=8 if len(row_labels) > 20 else None)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if annotate and m.size <= 400 and len(col_labels) <= 15:
        for (i, j), v in np.ndenumerate(m):
            if np.isfinite(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                        color="white" if v < 0.6 * vmax else "black")
    fig.colorbar(im, ax=ax)
    return _to_base64(fig)


def pass_curve(ks: Sequence[int], series: dict[str, tuple[Sequence[float], Sequence[Sequence[float]]]]) -> str:
    """pass@k / maj@k against k (log2 axis) with their CI bands; series: name -> (values, cis)."""
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    for name, (values, cis) in series.items():
        ci = np.asarray(cis, dtype=float).reshape(-1, 2)
        ax.plot(ks, values, marker="o", label=name)
        ax.fill_between(ks, ci[:, 0], ci[:, 1], alpha=0.2)
    if len(ks) > 1:
        ax.set_xscale("log", base=2)
    ax.set_xticks(list(ks), labels=[str(k) for k in ks])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("k")
    ax.set_ylabel("score")
    ax.set_title("pass@k and maj@k (95% CI bands)")
    ax.grid(alpha=0.3)
    ax.legend()
    return _to_base64(fig)


def length_histogram(hist: dict, unit: str) -> str:
    """Step histograms of length for correct vs not-correct samples (shared bin edges)."""
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    edges = np.asarray(hist["edges"], dtype=float)
    for name, color in (("correct", "tab:green"), ("incorrect", "tab:red")):
        ax.stairs(hist[name], edges, label=f"{name} (n={sum(hist[name])})", color=color, linewidth=1.5)
    ax.set_xlabel(f"length ({unit})")
    ax.set_ylabel("samples")
    ax.set_title("Length of correct vs incorrect samples")
    ax.legend()
    return _to_base64(fig)


def status_bars(counts: dict[str, int]) -> str:
    """Horizontal bars: one per checker status."""
    fig = _figure(6.4, 2.8)
    ax = fig.add_subplot(1, 1, 1)
    names = list(counts)
    colors = {"correct": "tab:green", "incorrect": "tab:red", "timeout": "tab:orange"}
    ax.barh(names, [counts[n] for n in names], color=[colors.get(n, "tab:gray") for n in names])
    for i, n in enumerate(names):
        ax.text(counts[n], i, f" {counts[n]}", va="center", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("samples")
    ax.set_title("Checker verdicts")
    return _to_base64(fig)


def lines_over_rounds(
    rounds: Sequence[int], series: dict[str, Sequence[float | None]], *, title: str, ylabel: str
) -> str:
    """One line per series over rounds (None values are gaps)."""
    fig = _figure(7.0, 4.0)
    ax = fig.add_subplot(1, 1, 1)
    for name, values in series.items():
        ax.plot(rounds, [np.nan if v is None else v for v in values], marker=".", label=name)
    ax.set_xlabel("round")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if series:
        ax.legend(fontsize=8, ncols=2 if len(series) > 6 else 1)
    return _to_base64(fig)
