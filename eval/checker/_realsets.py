"""Sets of real numbers written with set operations: "(1,5] \\cup [2,7)", "R - [-1,1]", "[0,6] \\setminus (1,2)".

``real_set`` reads an answer made of intervals, finite sets of points and the reals, joined by union,
intersection or difference (left to right), into one canonical form: the sorted, disjoint intervals
it covers, each ``(lo, lo_closed, hi, hi_closed)`` (a point is ``(a, True, a, True)``). Two answers
that cover the same numbers have the same form, however they are written. Bounds must be constants
(``value_of`` gives their exact values); anything else (a bound with a variable, brackets inside a
bound, a word) makes the answer no set here, and the checker compares it as before. Nothing is
evaluated but the bounds, through the caller's whitelisted evaluator.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from ._normalize import MEMBER

__all__ = ["real_set", "has_set_operation"]

Interval = tuple  # (lo, lo_closed, hi, hi_closed)

_INF = math.inf
# One bound: no brackets, parentheses or separators inside (a bound like "\\sqrt[3]{2}" is not read here).
_BOUND = r"[^\[\](){},;]+?|[^\[\](),;]*?\{[^\[\](),;]*?\}[^\[\](),;]*?"
_INTERVAL = re.compile(rf"([\[\](])\s*({_BOUND})\s*[,;]\s*({_BOUND})\s*([\[\])])")
_POINTS = re.compile(r"\\?\{((?:[^{}\\]|\\(?![{}])|\{[^{}]*\})*)\\?\}")
_REALS = re.compile(r"\\mathbb\s*\{?\s*R\s*\}?|ℝ|R(?![A-Za-z])")
_EMPTY = re.compile(r"\\(?:emptyset|varnothing)(?![A-Za-z])|∅")
_OPERATOR = re.compile(r"\\cup(?![A-Za-z])|∪|\\cap(?![A-Za-z])|∩|\\setminus(?![A-Za-z])|∖|\\backslash(?![A-Za-z])|-|U(?![A-Za-z])")
_INFINITE = {"\\infty": _INF, "+\\infty": _INF, "infinity": _INF, "+infinity": _INF, "oo": _INF, "+oo": _INF,
             "inf": _INF, "+inf": _INF, "∞": _INF, "+∞": _INF,
             "-\\infty": -_INF, "-infinity": -_INF, "-oo": -_INF, "-inf": -_INF, "-∞": -_INF}


def has_set_operation(text: str) -> bool:
    """Whether an answer joins sets with union, intersection or difference (a cheap test before ``real_set``)."""
    return any(op in text for op in ("\\cup", "∪", "\\cap", "∩", "\\setminus", "∖", "\\backslash", "]-", ")-", "R-",
                                     "] -", ") -", "R -", "}-", "} -", "U"))


def _bound(text: str, value_of: Callable[[str], object]):
    t = text.replace(" ", "")
    if t in _INFINITE:
        return _INF if _INFINITE[t] > 0 else -_INF
    value = value_of(text.strip())  # spaces kept: "\\log_2 8" is not "\\log_28"
    return None if value is None or isinstance(value, complex) else value


def _operand(s: str, i: int, value_of) -> tuple[list[Interval], int] | None:
    """The set that starts at s[i] and the index after it; None when none does."""
    for pattern in (_INTERVAL, _POINTS, _REALS, _EMPTY):
        m = pattern.match(s, i)
        if m is None:
            continue
        if pattern is _INTERVAL:
            lo, hi = _bound(m.group(2), value_of), _bound(m.group(3), value_of)
            if lo is None or hi is None:
                return None
            return _canonical([(lo, m.group(1) == "[", hi, m.group(4) == "]")]), m.end()
        if pattern is _POINTS:
            texts = [p for p in m.group(1).split(",") if p.strip()]
            points = [_bound(p, value_of) for p in texts]
            if any(p is None or math.isinf(p) for p in points):
                return None
            return _canonical([(p, True, p, True) for p in points]), m.end()
        return ([(-_INF, False, _INF, False)] if pattern is _REALS else []), m.end()
    return None


def real_set(text: str, value_of: Callable[[str], object]) -> list[Interval] | None:
    """The canonical form of a set of reals (one interval, points or the reals, or several joined by set
    operations); None when ``text`` is not one. The checker asks only when one side has an operation.

    ``value_of`` gives a constant's exact value (a Fraction, or a float for an irrational) or None."""
    s = MEMBER.sub("", text.strip(), count=1)  # "x \\in (1, 2) \\cup (3, 4)"
    if len(s) > 400:
        return None
    first = _operand(s, 0, value_of)
    if first is None:
        return None
    result, i = first
    minus = False  # "(1,2) - (3,4)", "[1,2] - [3,4]" may be differences of vectors: see the end
    while True:
        while i < len(s) and s[i] == " ":
            i += 1
        if i == len(s):
            # a difference is of sets when some operand is no pair: the reals, points, the empty set, or an
            # interval whose brackets differ ("(0,6]", "]0,2]")
            styles = {m.group(1) + m.group(4) for m in _INTERVAL.finditer(s)}
            sets = (re.search(r"R|ℝ|\\\{|\{|∅|\\(?:emptyset|varnothing)", s)
                    or styles - {"()", "[]"} or len(styles) > 1)
            return None if minus and not sets else result
        op = _OPERATOR.match(s, i)
        if op is None:
            return None
        i = op.end()
        while i < len(s) and s[i] == " ":
            i += 1
        nxt = _operand(s, i, value_of)
        if nxt is None:
            return None
        other, i = nxt
        name = op.group(0)
        minus = minus or name == "-"
        if name in ("\\cup", "∪", "U"):  # (normalization writes \\bigcup as \\cup)
            result = _canonical(result + other)
        elif name in ("\\cap", "∩"):
            result = _complement(_canonical(_complement(result) + _complement(other)))
        else:
            result = _complement(_canonical(_complement(result) + other))


def _canonical(intervals: list[Interval]) -> list[Interval]:
    """Sorted, disjoint, non-empty intervals; infinite ends are open; touching intervals are joined."""
    kept = []
    for lo, lc, hi, hc in intervals:
        lc, hc = lc and not math.isinf(lo), hc and not math.isinf(hi)
        if lo < hi or (lo == hi and lc and hc):
            kept.append((lo, lc, hi, hc))
    kept.sort(key=lambda iv: (iv[0], not iv[1]))
    out: list[Interval] = []
    for lo, lc, hi, hc in kept:
        if out:
            plo, plc, phi, phc = out[-1]
            if lo < phi or (lo == phi and (phc or lc)):
                if hi > phi:
                    out[-1] = (plo, plc, hi, hc)
                elif hi == phi:
                    out[-1] = (plo, plc, phi, phc or hc)
                continue
        out.append((lo, lc, hi, hc))
    return out


def _complement(intervals: list[Interval]) -> list[Interval]:
    gaps, lo, lc = [], -_INF, False
    for a, ac, b, bc in intervals:
        gaps.append((lo, lc, a, not ac))
        lo, lc = b, not bc
    gaps.append((lo, lc, _INF, False))
    return _canonical(gaps)
