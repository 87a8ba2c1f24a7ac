"""Stage 4: compare two parsed answers; scalars go to a pluggable comparator (fast path or sympy)."""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

from ._evaluate import (
    Unsupported,
    check_relation,
    compile_expr,
    fast_equation_equal,
    fast_expr_equal,
    fast_relation_equal,
)
from ._numbers import REL_TOL, fast_number, numbers_equal
from ._parse import A_NAME, Node, split_top

__all__ = ["NeedsSympy", "compare_nodes", "fast_scalar_equal"]


class NeedsSympy(Exception):
    """The fast path cannot decide; the pair must go to a sympy worker."""


ScalarEq = Callable[[str, str], bool]

_INF = {"\\infty", "+\\infty", "-\\infty", "\\inf"}
# Three letters in a row that are not a command name: a word ("odd", "Tuesday"), not a product.
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")


_CAPITALIZED = re.compile(r"^[A-Z][a-z]+$")


# A numeral in a base: 1011_2, 2A_{12}, A3_{16} (digits start with a digit or hold one).
_BASE_NUMERAL = re.compile(r"^(\d[0-9A-Z]*|[A-Z][0-9A-Z]*\d[0-9A-Z]*)_\{?(\d{1,2})\}?$")


def _base_equal(gold: str, pred: str) -> bool | None:
    """Compare numerals written in a base; None when neither side is one.

    Both in a base: same digits and same base. One side only: the other side may repeat the digits
    without the base ("1011" for 1011_2) or give the same value in base ten ("11" for 1011_2).
    """
    g, p = _BASE_NUMERAL.match(gold), _BASE_NUMERAL.match(pred)
    if g is None and p is None:
        return None
    if g is not None and p is not None:
        return g.group(1).upper() == p.group(1).upper() and int(g.group(2)) == int(p.group(2))
    m, other = (g, pred) if g is not None else (p, gold)
    if other.upper() == m.group(1).upper():
        return True
    try:
        return other.isdigit() and int(other) == int(m.group(1), int(m.group(2)))
    except ValueError:  # a digit not valid in that base, or a base outside 2..36
        return False


_RATIO = re.compile(r"^\d+(?:\.\d+)?(?::\d+(?:\.\d+)?)+$")
# A clock time with seconds ("20:34:00"; normalization writes "8:34 PM" so): no ratio reads it that way.
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


def _clock_equal(gold: str, pred: str) -> bool:
    """Times of day ("20:34" = "20:34:00"): the same reading on a 24-hour clock, when both read as clock
    times and one has seconds (else "3:15" and "10:20:30" are ratios, compared as such)."""
    g, p = _CLOCK.match(gold), _CLOCK.match(pred)
    if g is None or p is None or not (g.group(3) or p.group(3)):
        return False  # "1:2:3" vs "5:10:15": ratios
    return all(int(a or 0) == int(b or 0) for a, b in zip(g.groups(), p.groups(), strict=True))


def _ratio_equal(gold: str, pred: str) -> bool | None:
    """Ratios ("3:5"): equal when their parts are proportional (3:5 = 6:10); a ratio never equals a
    single number. None when neither side is a ratio."""
    g, p = _RATIO.match(gold.replace(" ", "")), _RATIO.match(pred.replace(" ", ""))
    if g is None and p is None:
        return None
    if g is None or p is None:
        return False
    g_parts, p_parts = gold.replace(" ", "").split(":"), pred.replace(" ", "").split(":")
    if any(x.startswith("0") for x in g_parts + p_parts):
        return g_parts == p_parts  # "12:00" is a time of day, not a ratio: the same clock reading only
    gs = [Fraction(x) for x in g_parts]
    ps = [Fraction(x) for x in p_parts]
    return len(gs) == len(ps) and all(a * ps[0] == b * gs[0] for a, b in zip(gs, ps, strict=True)) and gs[0] != 0


def _text_key(s: str) -> str:
    return re.sub(r"[\s{}]", "", s).lower()


def fast_scalar_equal(gold: str, pred: str) -> bool:
    """Decide scalar equality without sympy, or raise NeedsSympy."""
    if gold == pred:
        return True
    if gold in _INF or pred in _INF:
        return gold.lstrip("+") == pred.lstrip("+")
    base = _base_equal(gold, pred)
    if base is not None:
        return base
    if "\\begin{" in gold or "\\begin{" in pred:
        raise NeedsSympy  # matrix arithmetic ("A + B"): sympy evaluates it
    if _clock_equal(gold, pred):
        return True  # else "2:10:15" and "4:20:30" may still be equal ratios
    ratio = _ratio_equal(gold, pred)
    if ratio is not None:
        return ratio
    if _WORD.search(gold) or _WORD.search(pred) or _CAPITALIZED.match(gold) or _CAPITALIZED.match(pred):
        return _text_key(gold) == _text_key(pred)
    g, p = fast_number(gold), fast_number(pred)
    if g is not None and p is not None:
        return numbers_equal(g, p)
    try:
        g_rel, p_rel = _RELATION_SIGN.search(gold), _RELATION_SIGN.search(pred)
        if g_rel and p_rel:
            return fast_relation_equal(gold, pred)
        if g_rel or p_rel:
            relation, value = (gold, pred) if g_rel else (pred, gold)
            if "=" not in value:
                check_relation(relation)  # both sides read here (else Unsupported: sympy decides)
                compile_expr(value)
                return False  # "x(n) < y(n-1)" against "x(n)": a relation is no value (sympy says so too)
        if "=" in gold and "=" in pred:
            return fast_equation_equal(gold, pred)
        if (len(split_top(gold, "=")) > 1) != (len(split_top(pred, "=")) > 1):
            return False  # an equation never equals a value (the verifier also tries "m+n=17" as 17)
        return fast_expr_equal(gold, pred, REL_TOL)
    except Unsupported:
        raise NeedsSympy from None


def _ordered(gs, ps, eq: ScalarEq) -> bool:
    return len(gs) == len(ps) and all(compare_nodes(g, p, eq) for g, p in zip(gs, ps, strict=True))


_MAX_COLLAPSE = 12  # items; collapsing equal values compares every pair


def _distinct(items, eq: ScalarEq) -> list:
    """The items with repeats of one value dropped: ``0.5, 1/2, 3`` -> ``0.5, 3`` (first form kept)."""
    kept: list = []
    for item in items:
        if not any(compare_nodes(k, item, eq) for k in kept):
            kept.append(item)
    return kept


def _unordered(gs, ps, eq: ScalarEq) -> bool:
    """Multiset match: each gold item pairs with a distinct equal prediction item."""
    if len(gs) != len(ps):
        # Sets written with a repeated element ({1, 1, 2}) still equal {1, 2}: dedupe exact text,
        # then equal values written two ways ("0.5 or 1/2": one value, hedged in two forms).
        gs = list(dict.fromkeys(gs))
        ps = list(dict.fromkeys(ps))
        if len(gs) != len(ps) and max(len(gs), len(ps)) <= _MAX_COLLAPSE:
            gs, ps = _distinct(gs, eq), _distinct(ps, eq)
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


_RELATION_SIGN = re.compile(r"<|>|\\[lg]eq?(?![A-Za-z])")


def _named_bound(relation: str) -> bool:
    """Whether a relation's right side has a name in it ("x < y"; not "x < 2")."""
    sign = _RELATION_SIGN.search(relation)
    return bool(sign and A_NAME.search(relation, sign.end()))


def _relation(node: Node) -> Node | None:
    """A one-sided interval read from an inequality ("x > 2" -> (2, \\infty) named x) as that inequality's
    text, a scalar node; None for any other node."""
    if node.kind != "seq" or not node.value or len(node.items) != 2:
        return None
    lo, hi = (i.value for i in node.items)
    if hi == "\\infty" and lo != "-\\infty":
        sign = "\\geq" if node.brackets[0] == "[" else ">"
        return Node("scalar", node.value + " " + sign + " " + lo)
    if lo == "-\\infty" and hi != "\\infty":
        sign = "\\leq" if node.brackets[1] == "]" else "<"
        return Node("scalar", node.value + " " + sign + " " + hi)
    return None


def compare_nodes(gold: Node, pred: Node, eq: ScalarEq) -> bool:
    """True iff ``pred`` answers ``gold``; ``eq`` compares two scalar texts."""
    gk, pk = gold.kind, pred.kind
    if gk == "letter" and pk == "letter":
        return gold.value == pred.value
    if gk == "letter" or pk == "letter":
        # A letter answers a value only through the value written with it: "(C) 4" vs "4".
        if gk == "letter":
            return bool(gold.items) and compare_nodes(gold.items[0], pred, eq)
        return bool(pred.items) and compare_nodes(gold, pred.items[0], eq)
    if gk == "scalar" and pk == "scalar":
        return eq(gold.value, pred.value)
    if gk == "matrix" and pk == "matrix":
        return _ordered(gold.items, pred.items, eq)
    if gk == "matrix" or pk == "matrix":
        return _vector_vs_tuple(gold, pred, eq)
    g_rel, p_rel = _relation(gold) or gold, _relation(pred) or pred
    if ((g_rel is not gold or p_rel is not pred) and g_rel.kind == p_rel.kind == "scalar"
            and _RELATION_SIGN.search(g_rel.value) and _RELATION_SIGN.search(p_rel.value)
            and not (gk == pk == "seq" and not (_named_bound(g_rel.value) or _named_bound(p_rel.value)))):
        # "x < 2" vs "x - 2 < 0", "x < y" vs "y > x": the relations themselves (two one-sided intervals
        # with number bounds are compared as intervals below)
        return eq(g_rel.value, p_rel.value)
    if gk == "seq" and pk == "seq":
        # Tuples and intervals: brackets matter ((1,2] is not (1,2)); order matters. An interval read
        # from an inequality keeps its variable's name: "x > 1" is not "y > 1".
        if gold.value and pred.value and gold.value != pred.value:
            return False
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
        # {5} vs 5: a one-element set answers a single value; so does "0.5 or 1/2" (one value, two forms).
        gi, pi = tuple(dict.fromkeys(_as_items(gold))), tuple(dict.fromkeys(_as_items(pred)))
        if len(gi) != 1 or not 1 <= len(pi) <= _MAX_COLLAPSE:
            return False
        return all(compare_nodes(gi[0], p, eq) for p in pi)
    return False
