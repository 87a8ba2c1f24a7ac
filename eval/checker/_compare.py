"""Stage 4: compare two parsed answers; scalars go to a pluggable comparator (fast path or sympy)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ._evaluate import Unsupported, fast_equation_equal, fast_expr_equal
from ._numbers import REL_TOL, fast_number, numbers_equal
from ._parse import Node

__all__ = ["NeedsSympy", "compare_nodes", "fast_scalar_equal"]


class NeedsSympy(Exception):
    """The fast path cannot decide; the pair must go to a sympy worker."""


ScalarEq = Callable[[str, str], bool]

_INF = {"\\infty", "+\\infty", "-\\infty", "\\inf"}
# Three letters in a row that are not a command name: a word ("odd", "Tuesday"), not a product.
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")


_CAPITALIZED = re.compile(r"^[A-Z][a-z]+$")


def _text_key(s: str) -> str:
    return re.sub(r"[\s{}]", "", s).lower()


def fast_scalar_equal(gold: str, pred: str) -> bool:
    """Decide scalar equality without sympy, or raise NeedsSympy."""
    if gold == pred:
        return True
    if gold in _INF or pred in _INF:
        return gold.lstrip("+") == pred.lstrip("+")
    if _WORD.search(gold) or _WORD.search(pred) or _CAPITALIZED.match(gold) or _CAPITALIZED.match(pred):
        return _text_key(gold) == _text_key(pred)
    g, p = fast_number(gold), fast_number(pred)
    if g is not None and p is not None:
        return numbers_equal(g, p)
    try:
        if "=" in gold and "=" in pred:
            return fast_equation_equal(gold, pred)
        return fast_expr_equal(gold, pred, REL_TOL)
    except Unsupported:
        raise NeedsSympy from None


def _ordered(gs, ps, eq: ScalarEq) -> bool:
    return len(gs) == len(ps) and all(compare_nodes(g, p, eq) for g, p in zip(gs, ps, strict=True))


def _unordered(gs, ps, eq: ScalarEq) -> bool:
    """Multiset match: each gold item pairs with a distinct equal prediction item."""
    if len(gs) != len(ps):
        # Sets written with a repeated element ({1, 1, 2}) still equal {1, 2}: dedupe exact text.
        gs = list(dict.fromkeys(gs))
        ps = list(dict.fromkeys(ps))
        if len(gs) != len(ps):
            return False
    left = list(ps)
    for g in gs:
        for i, p in enumerate(left):
            if compare_nodes(g, p, eq):
                del left[i]
                break
        else:
            return False
    return True


def _as_items(node: Node) -> tuple:
    return node.items if node.kind in ("seq", "list", "set", "union") else (node,)


def _vector_vs_tuple(gold: Node, pred: Node, eq: ScalarEq) -> bool:
    """A one-column or one-row matrix equals the tuple of its entries: (3, -1) is the vector (3; -1)."""
    matrix, other = (gold, pred) if gold.kind == "matrix" else (pred, gold)
    if other.kind not in ("seq", "list") or (other.kind == "seq" and other.brackets != "()"):
        return False
    rows = matrix.items
    if all(len(r.items) == 1 for r in rows):
        entries = tuple(r.items[0] for r in rows)
    elif len(rows) == 1:
        entries = rows[0].items
    else:
        return False
    return _ordered(entries, other.items, eq)


def compare_nodes(gold: Node, pred: Node, eq: ScalarEq) -> bool:
    """True iff ``pred`` answers ``gold``; ``eq`` compares two scalar texts."""
    gk, pk = gold.kind, pred.kind
    if gk == "letter" or pk == "letter":
        return gk == pk and gold.value == pred.value
    if gk == "scalar" and pk == "scalar":
        return eq(gold.value, pred.value)
    if gk == "matrix" and pk == "matrix":
        return _ordered(gold.items, pred.items, eq)
    if gk == "matrix" or pk == "matrix":
        return _vector_vs_tuple(gold, pred, eq)
    if gk == "seq" and pk == "seq":
        # Tuples and intervals: brackets matter ((1,2] is not (1,2)); order matters.
        return gold.brackets == pred.brackets and _ordered(gold.items, pred.items, eq)
    if gk == "union" or pk == "union":
        return _unordered(_as_items(gold), _as_items(pred), eq) if gk == pk else False
    if "seq" in (gk, pk):
        other = pred if gk == "seq" else gold
        if other.kind == "list":
            seq = gold if gk == "seq" else pred
            return seq.brackets == "()" and _ordered(gold.items, pred.items, eq)
        return False
    if gk in ("set", "list") and pk in ("set", "list"):
        return _unordered(gold.items, pred.items, eq)
    if {gk, pk} <= {"set", "list", "scalar"}:
        # {5} vs 5: a one-element set answers a single value.
        gi, pi = tuple(dict.fromkeys(_as_items(gold))), tuple(dict.fromkeys(_as_items(pred)))
        return len(gi) == len(pi) == 1 and compare_nodes(gi[0], pi[0], eq)
    return False
