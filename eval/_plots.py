"""Matplotlib (Agg) figures returned as base64 PNG strings, for self-contained HTML reports.

Every function builds its own Figure object (no pyplot state), so nothing global changes.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

import numpy as np

__all__ = [
    "ab_curves",
    "dumbbells",
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


def _to_base64(fig, layout: bool = True) -> str:
    buf = io.BytesIO()
    if layout:
        fig.tight_layout()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _floor_rates(ax, values) -> None:
    """Start the y axis at 0 when every value drawn lies in [0, 1] (a rate, share or accuracy; a DPO loss
    from ln 2 down to 0 too): an axis from 0.047 to 0.050 made 0.047 -> 0.050 look like a leap.

    The top is 8% above the largest value (at most 1.02, 1 when all are 0), so small rates are not
    squashed against a fixed 1; the bottom is 2% of that below 0, so a line at 0 is not hidden by the axis.
    """
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    if v.size and v.min() >= 0.0 and v.max() <= 1.0:
        top = min(1.02, 1.08 * v.max()) if v.max() > 0 else 1.0
        ax.set_ylim(-0.02 * top, top)


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


def _k_axis(ax, ks: Sequence[int], title: str) -> None:
    """The axes of a pass@k / maj@k plot: k on a log2 axis (when there are several), score in [0, 1]."""
    if len(ks) > 1:
        ax.set_xscale("log", base=2)
    ax.set_xticks(list(ks), labels=[str(k) for k in ks])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("k")
    ax.set_ylabel("score")
    ax.set_title(title)
    ax.grid(alpha=0.3)


def pass_curve(ks: Sequence[int], series: dict[str, tuple[Sequence[float], Sequence[Sequence[float]]]]) -> str:
    """pass@k / maj@k against k (log2 axis) with their CI bands; series: name -> (values, cis)."""
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    for name, (values, cis) in series.items():
        ci = np.asarray(cis, dtype=float).reshape(-1, 2)
        ax.plot(ks, values, marker="o", label=name)
        ax.fill_between(ks, ci[:, 0], ci[:, 1], alpha=0.2)
    _k_axis(ax, ks, "pass@k and maj@k (95% CI bands)")
    ax.legend()
    return _to_base64(fig)


def length_histogram(hist: dict, unit: str) -> str:
    """Step histograms of length for correct vs not-correct samples (shared bin edges)."""
    fig = _figure()
    ax = fig.add_subplot(1, 1, 1)
    edges = np.asarray(hist["edges"], dtype=float)
    for name, color in (("correct", "tab:green"), ("incorrect", "tab:red")):
        ax.stairs(hist[name], edges, label=f"{name} (n={sum(hist[name])})", color=color, linewidth=1.5)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # bins span whole numbers: label whole numbers
    width = edges[1] - edges[0] if len(edges) > 1 else 1.0
    ax.set_xlabel(f"length ({unit})" + (f", bins of {width:g}" if width > 1 else ""))
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
    _floor_rates(ax, [v for values in series.values() for v in values])
    ax.set_xlabel("round")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3)
    if series:
        ax.legend(fontsize=8, ncols=2 if len(series) > 6 else 1)
    return _to_base64(fig)


_AB_COLORS = {"A": "tab:blue", "B": "tab:orange"}


def ab_curves(ks: Sequence[int], curves: dict[str, tuple[Sequence[float], Sequence[Sequence[float]]]]) -> str:
    """pass@k / maj@k of two evals: colour = eval (name starts with "A " or "B "), solid = pass, dashed = maj."""
    fig = _figure(6.4, 3.6)
    ax = fig.add_subplot(1, 1, 1)
    for name, (values, cis) in curves.items():
        color = _AB_COLORS.get(name.split(" ", 1)[0], "tab:gray")
        ci = np.asarray(cis, dtype=float).reshape(-1, 2)
        style = "--" if "maj" in name else "-"
        ax.plot(ks, values, style, marker="o" if style == "-" else "s", color=color, label=name)
        ax.fill_between(ks, ci[:, 0], ci[:, 1], color=color, alpha=0.12)
    _k_axis(ax, ks, "Overall pass@k and maj@k (95% CI bands)")
    ax.legend(fontsize=8, ncols=2)
    return _to_base64(fig)


_DIFFERENT = "#fff3b0"  # the reports' colour of a row that differs (class "sig" in the tables)


def dumbbells(groups: Sequence[str], panels: Sequence[tuple], different: str = "different") -> str:
    """One panel per metric: A (circle) and B (diamond) per group joined by a line, green where B is
    higher, red where lower. A pair that differs by the comparison's rule stands out: its row is shaded
    yellow, its line drawn thick and a black star put beside it, with a legend entry ``different``.

    ``panels``: ``(title, a_values, b_values, different_flags)``; a value may be None (group missing).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    n = len(groups)
    fig = _figure(min(11.0, 2.2 + 3.0 * len(panels)), min(14.0, max(2.6, 1.0 + 0.28 * n)))
    y = np.arange(n)
    axes = [fig.add_subplot(1, len(panels), i + 1) for i in range(len(panels))]
    any_different = False
    for i, (ax, (title, a_vals, b_vals, flags)) in enumerate(zip(axes, panels, strict=True)):
        for j, (va, vb) in enumerate(zip(a_vals, b_vals, strict=True)):
            if va is not None and vb is not None:
                color = "tab:green" if vb > va else "tab:red" if vb < va else "tab:gray"
                if flags[j]:
                    any_different = True
                    ax.axhspan(j - 0.5, j + 0.5, color=_DIFFERENT, zorder=0)
                    ax.plot([max(va, vb) + 0.05], [j], marker="*", markersize=10, color="black", zorder=4)
                ax.plot([va, vb], [j, j], color=color, linewidth=3.0 if flags[j] else 1.0, alpha=0.8)
        for vals, side, marker in ((a_vals, "A", "o"), (b_vals, "B", "D")):
            pts = [(v, j) for j, v in enumerate(vals) if v is not None]
            if pts:
                ax.scatter(*zip(*pts, strict=True), marker=marker, s=22, color=_AB_COLORS[side], label=side, zorder=3)
        ax.set_xlim(-0.02, 1.1)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_yticks(y, labels=list(groups) if i == 0 else [])
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        for j in range(n):  # overall / skill / level bands
            if j and groups[j].split(":")[0] != groups[j - 1].split(":")[0]:
                ax.axhline(j - 0.5, color="#bbb", linewidth=0.8)
    handles, labels = axes[0].get_legend_handles_labels()
    if any_different:
        handles.append((Patch(color=_DIFFERENT), Line2D([], [], marker="*", markersize=10, color="black",
                                                        linestyle="none")))
        labels.append(different)
    fig.legend(handles, labels, fontsize=8, loc="upper right", ncols=len(labels))
    fig.suptitle("A vs B per group" + ("" if any_different else " (no pair differs by the rule)"), fontsize=10,
                 x=0.02, ha="left")
    return _to_base64(fig)  # tight_layout leaves the suptitle's row free: the legend shares it


def _rows_cols(n: int, ncols: int) -> tuple[int, int]:
    cols = max(1, min(ncols, n))
    return -(-n // cols), cols


def panels(
    x: Sequence[float], specs: Sequence[tuple[str, Sequence[tuple]]], *, xlabel: str, ncols: int = 2,
    title: str = "", height: float = 2.6, ylim: tuple[float, float] | None = None,
) -> str:
    """Small multiples over a shared x axis: one panel per ``(title, series)``.

    Each series is ``(label, values, kind)``; ``kind`` says how it is drawn:
    ``"raw"`` faint dots (noisy per-round values), ``"smooth"`` a bold line (their rolling mean),
    ``"line"`` a line with markers, ``"band"`` a shaded range (``values`` = ``(low, high)``),
    ``"bar"`` bars, ``"ref"`` a dashed horizontal line at the number ``values``. None values are gaps.
    """
    from matplotlib.ticker import MaxNLocator

    rows, cols = _rows_cols(len(specs), ncols)
    # One legend for the figure when every panel draws the same series, else one per panel.
    shared = len({tuple(label for label, _, _ in series) for _, series in specs}) == 1 and len(specs) > 1
    top = 0.45 if shared else 0.0
    fig = _figure(7.0 if cols == 1 else min(11.0, 3.6 * cols + 0.6), height * rows + (0.4 if title else 0.0) + top)
    xs = np.asarray(x, dtype=float)
    colors = iter(["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"])
    by_label: dict[str, str] = {}
    for i, (name, series) in enumerate(specs):
        ax = fig.add_subplot(rows, cols, i + 1)
        drawn: list = []
        for label, values, kind in series:
            color = by_label.setdefault(label.split(" (")[0], next(colors, "tab:gray"))
            drawn += ([values] if kind == "ref" else [v for vs in values for v in vs] if kind == "band" else list(values))
            if kind == "ref":
                ax.axhline(values, color="#777", linestyle="--", linewidth=1, label=label)
                continue
            if kind == "band":
                lo, hi = (np.array([np.nan if v is None else v for v in vs], dtype=float) for vs in values)
                ax.fill_between(xs, lo, hi, color=color, alpha=0.15, linewidth=0, label=label)
                continue
            ys = np.array([np.nan if v is None else v for v in values], dtype=float)
            if kind == "raw":
                ax.plot(xs, ys, ".", color=color, alpha=0.3, markersize=3, label=label)
            elif kind == "smooth":
                ax.plot(xs, ys, "-", color=color, linewidth=2.0, label=label)
            elif kind == "bar":
                ax.bar(xs, ys, color=color, alpha=0.6, width=0.6, label=label)
            else:
                ax.plot(xs, ys, "-", marker="o" if len(xs) <= 30 else None, markersize=4, color=color, label=label)
        if ylim:
            ax.set_ylim(*ylim)
        else:
            _floor_rates(ax, drawn)
        ax.set_title(name, fontsize=9)
        ax.grid(alpha=0.3)
        ax.tick_params(labelsize=8)
        if len(xs) <= 12:
            ax.set_xticks(xs)
        elif np.all(np.mod(xs, 1) == 0):  # rounds and steps: no tick at 2.5
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if i >= len(specs) - cols:
            ax.set_xlabel(xlabel, fontsize=8)
        if not shared:
            ax.legend(fontsize=7, loc="best")
    if title:
        fig.suptitle(title, fontsize=10)
    if shared:
        handles, labels = fig.axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, fontsize=8, loc="upper center", ncols=len(labels), frameon=False)
        fig.tight_layout(rect=(0, 0, 1, 1 - top / fig.get_figheight()))
    return _to_base64(fig, layout=not shared)


def stacked_shares(x: Sequence[float], shares: dict[str, Sequence[float]], *, title: str, xlabel: str,
                   ordered: bool = False) -> str:
    """Shares that sum to 1 per x, stacked: an area over many rounds, bars over a few.

    ``ordered`` series (levels) get a light-to-dark sequential palette; others distinct colours.
    """
    fig = _figure(5.4, 3.2)
    ax = fig.add_subplot(1, 1, 1)
    xs = np.asarray(x, dtype=float)
    ys = np.array([list(v) for v in shares.values()], dtype=float).reshape(len(shares), len(xs))
    cmap = _cmap(len(shares), ordered)
    if len(xs) <= 12:
        bottom = np.zeros(len(xs))
        for k, name in enumerate(shares):
            ax.bar(xs, ys[k], bottom=bottom, color=cmap[k], label=name, width=0.7)
            bottom += ys[k]
        ax.set_xticks(xs)
    else:
        ax.stackplot(xs, ys, labels=list(shares), colors=cmap, alpha=0.9)
        ax.set_xlim(xs[0], xs[-1])
    ax.set_ylim(0, 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("share of the draw")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), reverse=True)
    return _to_base64(fig)


def _cmap(n: int, ordered: bool = False) -> list:
    from matplotlib import colormaps

    if ordered:
        return [colormaps["viridis_r"](0.1 + 0.8 * i / max(1, n - 1)) for i in range(n)]
    cmap = colormaps["tab10" if n <= 10 else "tab20"]
    return [cmap(i % cmap.N) for i in range(n)]
