"""The replay report: where the selection engine would send a CHAMP model next, and why (HTML, Markdown, JSON)."""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

from eval._html import details, fmt, img, md_table, page, table
from eval._plots import _figure, _to_base64
from eval.champ_replay import near_half_range

__all__ = ["render_replay_html", "render_replay_markdown", "verdict", "write_replay_report"]

_NO_LEVEL = "none (CHAMP grades no difficulty)"


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _near_text(group_size: int) -> str:
    lo, hi = near_half_range(group_size)
    return f"{lo} of {group_size}" if lo == hi else f"{lo} to {hi} of {group_size}"


def verdict(result) -> str:
    """Two or three plain sentences: which categories the next draw favours and why."""
    ps, g = result.per_skill, result.group_size
    ratio = {s: v["next_share"] / v["pool_share"] for s, v in ps.items()}
    ranked = sorted(ps, key=ratio.get, reverse=True)
    top, low = ranked[0], ranked[-1]
    near_total = sum(v["near_half"] for v in ps.values()) or 1

    def why(s: str) -> str:
        v = ps[s]
        return (f"{v['near_half']} of its {v['n_problems']} problems had {_near_text(g)} prompt styles right "
                f"({_pct(v['near_half'] / near_total)} of all such problems), {v['all_right']} "
                f"{'was' if v['all_right'] == 1 else 'were'} solved by every style and {v['all_wrong']} by none")

    tilts = [v["tilt"] for v in ps.values()]
    return (
        f"Next, the tracker would send {result.model} most to {top} (an expected {_pct(ps[top]['next_share'])} of "
        f"the next draw, against {_pct(ps[top]['pool_share'])} of the pool) and least to {low} "
        f"({_pct(ps[low]['next_share'])} against {_pct(ps[low]['pool_share'])}). "
        f"Why: a problem weighs by how likely a group of {g} rollouts is mixed (some right, some wrong), "
        f"sharply peaked at a pass rate of one half, the model's frontier. {top}: {why(top)}; {low}: {why(low)}. "
        f"The tracker's accuracy by category moves this less: problems of weak categories weigh more by "
        f"exp((1 - accuracy) / tau), and here a problem of the strongest category weighs {min(tilts):.2f} of "
        f"one of the weakest."
    )


def _figure_b64(result) -> str:
    """Left: pool share vs next-draw share by category. Middle: tracker vs observed accuracy. Right:
    problems by how many prompt styles got them right (near half is where the weight goes)."""
    ps = result.per_skill
    names = list(ps)
    y = np.arange(len(names))
    fig = _figure(13.0, 2.6 + 0.55 * len(names))
    ax1, ax2, ax3 = fig.subplots(1, 3, sharey=True)
    h = 0.27
    n_drawn = max(sum(v["next_drawn"] for v in ps.values()), 1)
    bars = (("pool share", [ps[s]["pool_share"] for s in names], "#bbbbbb"),
            ("expected share of a draw (weights)", [ps[s]["next_share"] for s in names], "#1f77b4"),
            (f"the next draw ({n_drawn} problems)", [ps[s]["next_drawn"] / n_drawn for s in names], "#ff7f0e"))
    for j, (label, values, colour) in enumerate(bars):
        ax1.barh(y + (j - 1) * h, values, height=h, color=colour, label=label)
    ax1.set_yticks(y, labels=names)
    ax1.invert_yaxis()
    ax1.set_xlabel("share")
    ax1.set_title("Where the next draw goes")
    ax1.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
    ax2.barh(y, [ps[s]["tracker_accuracy"] for s in names], height=0.5, color="#2ca02c", label="tracker's estimate")
    ax2.plot([ps[s]["accuracy"] for s in names], y, "kD", markersize=5, label="all rollouts (raw)")
    ax2.set_xlim(0, 1)
    ax2.axvline(0.5, color="#999999", linestyle=":", linewidth=1)
    ax2.set_xlabel("accuracy")
    ax2.set_title("Accuracy by category")
    ax2.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
    parts = (("no style right", "all_wrong", "#d62728"), (f"{_near_text(result.group_size)} right (near half)",
                                                          "near_half", "#1f77b4"),
             ("other mixed", None, "#aec7e8"), ("every style right", "all_right", "#2ca02c"))
    left = np.zeros(len(names))
    for label, key, colour in parts:
        values = np.array([ps[s][key] if key else ps[s]["mixed"] - ps[s]["near_half"] for s in names], dtype=float)
        ax3.barh(y, values, left=left, height=0.5, color=colour, label=label)
        left += values
    ax3.set_xlabel("problems")
    ax3.set_title(f"Problems by styles right (of {result.group_size})")
    ax3.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
    return _to_base64(fig)


def _skill_rows(result) -> tuple[list[str], list[list]]:
    headers = ["category", "problems", "pool share", "raw acc.", "tracker acc.", "tilt", "all right", "near half",
               "none right", "expected share", "drawn"]
    rows = [[s, v["n_problems"], fmt(v["pool_share"]), fmt(v["accuracy"]), fmt(v["tracker_accuracy"]),
             fmt(v["tilt"], 2), v["all_right"], v["near_half"], v["all_wrong"], fmt(v["next_share"]), v["next_drawn"]]
            for s, v in result.per_skill.items()]
    return headers, rows


def _table_rows(result) -> tuple[list[str], list[list]]:
    headers = ["skill", "level", "problems", "attempts (decayed)", "accuracy", "estimate", "draws", "draw share"]
    rows = [[r["skill"], _NO_LEVEL if r["level"] is None else r["level"], r["n_problems"], fmt(r["attempts"], 1),
             fmt(r["accuracy"]), fmt(r["estimate"]), r["draws"], fmt(r["draw_share"])] for r in result.table]
    return headers, rows


def _right(d: dict, group_size: int) -> str:
    left_out = group_size - d["rollouts"]
    return f"{d['correct']} of {d['rollouts']}" + (f" ({left_out} left out)" if left_out > 0 else "")


def _draw_rows(result) -> tuple[list[str], list[list]]:
    n = sum(v["n_problems"] for v in result.per_skill.values())
    headers = ["order", "problem", "category", "rollouts right", "weight x uniform"]
    rows = [[i + 1, d["id"], d["skill"], _right(d, result.group_size), fmt(d["weight"] * n, 1)]
            for i, d in enumerate(result.next_draw)]
    return headers, rows


def _order_note(result) -> str:
    spread = {s: max(v) - min(v) for s, v in result.orders.items()}
    widest = max(spread, key=spread.get)
    return (f"Fed in {len(result.orders[widest])} seeded orders, a category's expected share of the next draw moves by at most "
            f"{spread[widest]:.3f} ({widest}): every problem is fed once, and the cell table's forgetting "
            "(older rounds weigh less) is all the order changes.")


def _order_rows(result) -> tuple[list[str], list[list]]:
    headers = ["category", "expected share, reported order", "lowest over orders", "highest over orders"]
    return headers, [[s, fmt(v[0]), fmt(min(v)), fmt(max(v))] for s, v in result.orders.items()]


def _methods(result) -> list[list]:
    c, sel = result.config, result.selection
    n_rounds = len(result.rounds)
    excluded = ", ".join(f"{k} {v}" for k, v in sorted(result.excluded.items())) or "none"
    return [
        ["rollouts", f"each non-reserved CHAMP conversation of {result.model} (its prompt style) is one rollout: "
                     "the final answer checked against the gold by the eval's checker; correct = reward 1, "
                     "incorrect or unreadable (unparseable_pred) = 0"],
        ["left out", f"verdicts that are not the model's fault (unparseable_gold, timeout): {excluded}"],
        ["reserved", "the 0-Shot, 5-Shot and No C w/o H conversations are never read"],
        ["order", f"problems fed in a random order of seed {c.seed}, {c.per_round} a round ({n_rounds} rounds); "
                  f"the next draw is asked for round {n_rounds}"],
        ["engine", f"SelectionEngine.from_pool, policy {sel.get('policy')}, group size {result.group_size}, "
                   f"sharpness {sel.get('sharpness')}, tau {sel.get('tau')}, epsilon {sel.get('epsilon')}, "
                   f"half-life {sel.get('half_life')} rounds (cells {sel.get('cell_half_life')}), "
                   f"coverage {sel.get('coverage')}, seed {sel.get('seed')}"],
        ["expected share", "the next-draw weight: the engine's draw distribution for the next round, summed per "
                           "category (the share of a category in draws, on average)"],
        ["next draw", f"engine.draw({c.next_n}) for the next round: distinct problems, first one of each category "
                      "with a problem worth practising (coverage), the rest by weight"],
        ["near half", f"problems with {_near_text(result.group_size)} rollouts right"],
    ]


def render_replay_html(result) -> str:
    """The replay report as one self-contained HTML page."""
    text = verdict(result)
    n_orders = len(next(iter(result.orders.values()), []))
    sections = [
        ("summary", "What the tracker would do next", f"<p>{html.escape(text)}</p>"
         + img(_figure_b64(result), "next-draw share and accuracy by category") + table(*_skill_rows(result))
         + '<p class="note">Raw acc.: right rollouts / rollouts. Tracker acc.: the engine\'s decayed, shrunk '
           "estimate. Tilt: the knowledge tilt relative to the weakest category's. All right, near half, none right: "
           "problems by how many of their rollouts were right. Expected share: the next round's draw distribution "
           "summed per category (what draws give on average); drawn: problems of the category in the one next "
           "draw below, which scatters around it.</p>"),
        ("table", "Skill x level table (engine.table())", table(*_table_rows(result))
         + '<p class="note">CHAMP has no difficulty levels, so each category is one cell. Attempts and accuracy '
           "are decayed (older rounds weigh less); draws are the next draw's problems.</p>"),
        ("next-draw", f"The next draw ({len(result.next_draw)} problems)", table(*_draw_rows(result))
         + '<p class="note">In the order drawn: one problem of each category first (coverage), then by weighted '
           "chance without replacement, so a light problem can come before a heavy one. Weight x uniform: the "
           "problem's draw weight over 1/N (1 = a uniform draw). Rollouts left out: verdicts that are not the "
           "model's fault (the gold could not be read, or the check timed out).</p>"),
        ("orders", f"Does the order matter? ({n_orders} seeded orders)", table(*_order_rows(result))
         + f'<p class="note">{html.escape(_order_note(result))}</p>'),
        ("methods", "Methods", table(["what", "how"], _methods(result))
         + details("Problems fed per round", table(["round", "problems"],
                                                   [[r, ", ".join(ids)] for r, ids in enumerate(result.rounds)]))),
    ]
    return page(f"Selection replay on CHAMP: {result.model}", sections,
                subtitle="The selection engine fed this model's real CHAMP outcomes; the draw it would make next.")


def render_replay_markdown(result) -> str:
    """The replay report as Markdown (tables, no picture)."""
    lines = [f"# Selection replay on CHAMP: {result.model}", "", verdict(result), "",
             md_table(*_skill_rows(result)), "", "## Skill x level table", "", md_table(*_table_rows(result)), "",
             "## The next draw", "", md_table(*_draw_rows(result)), "", "## Does the order matter?", "",
             md_table(*_order_rows(result)), "", _order_note(result), "", "## Methods", "", md_table(["what", "how"], _methods(result))]
    return "\n".join(lines) + "\n"


def write_replay_report(result, out_dir: str | Path) -> dict[str, Path]:
    """Write ``replay.html``, ``replay.md`` and ``replay.json`` into ``out_dir``; returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"html": out / "replay.html", "markdown": out / "replay.md", "json": out / "replay.json"}
    paths["html"].write_text(render_replay_html(result), encoding="utf-8")
    paths["markdown"].write_text(render_replay_markdown(result), encoding="utf-8")
    paths["json"].write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return paths
