"""Stage 3: the structure of a normalized answer (scalar, tuple/interval, set, union, matrix, letter)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Node", "parse_structure", "split_top", "MC_LETTERS"]

MC_LETTERS = "ABCDE"
_LETTER = re.compile(r"^\(?([A-E])\)?(?::|\.)?$")
_LETTER_PREFIX = re.compile(r"^\(([A-E])\)")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_MATRIX = re.compile(r"^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}$", re.S)
_ASSIGN = re.compile(r"^[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?(?:\([A-Za-z]\))?(?:=|\\in)(?!=)")
_REL = r"(<|>|\\leq|\\geq)"
_CHAIN = re.compile(rf"^(?P<a>[^<>]+?){_REL}(?P<v>[A-Za-z]){_REL}(?P<b>[^<>]+)$")
_ONE_SIDED = re.compile(rf"^(?P<v>[A-Za-z]){_REL}(?P<a>[^<>=]+)$")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_OPEN = "([{"
_CLOSE = ")]}"


@dataclass(frozen=True)
class Node:
    """One parsed answer.

    ``kind`` is ``scalar`` (``value`` is text), ``seq`` (ordered; ``brackets`` like ``"(]"``),
    ``list`` (a bare comma list; order-free unless compared with a ``seq``), ``set``, ``union``,
    ``matrix`` (``items`` are rows, each a ``Node`` of kind ``seq``) or ``letter``.
    """

    kind: str
    value: str = ""
    items: tuple = ()
    brackets: str = ""


def split_top(s: str, sep: str) -> list[str]:
    """Split ``s`` on ``sep`` where no bracket of any kind is open."""
    parts, depth, start, i, n = [], 0, 0, 0, len(s)
    while i < n:
        ch = s[i]
        if ch == "\\" and i + 1 < n and s[i + 1] in "{}":
            depth += 1 if s[i + 1] == "{" else -1
            i += 2
            continue
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
        elif depth == 0 and s.startswith(sep, i):
            parts.append(s[start:i])
            i += len(sep)
            start = i
            continue
        i += 1
    parts.append(s[start:])
    return parts


def _wraps_whole(s: str) -> bool:
    """True when the bracket opening at s[0] closes at the last character and nowhere before."""
    depth = 0
    for i, ch in enumerate(s):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth -= 1
            if depth == 0 and i != len(s) - 1:
                return False
    return depth == 0


def _strip_assignment(s: str) -> str:
    """``x = 3`` -> ``3``, ``x \\in [1, 2]`` -> ``[1, 2]``, ``2^3 = 8`` -> ``8`` (a worked numeric lhs)."""
    m = _ASSIGN.match(s)
    if m and s.count("=") <= 1:
        return s[m.end() :]
    parts = s.split("=")
    if len(parts) > 1 and all(parts) and not re.search(r"[A-Za-z]", _COMMAND.sub("", "".join(parts[:-1]))):
        return parts[-1]
    return s


def _scalar(s: str) -> Node:
    return Node("scalar", _strip_assignment(s))


def _pm(s: str) -> Node | None:
    parts = split_top(s, "\\pm")
    if len(parts) != 2:
        return None
    a, b = parts
    if not b:
        return None
    if not a:
        return Node("list", items=(_scalar(b), _scalar("-" + b)))
    return Node("list", items=(_scalar(f"{a}+{b}"), _scalar(f"{a}-{b}")))


def _interval(lo: str, lo_closed: bool, hi: str, hi_closed: bool) -> Node:
    brackets = ("[" if lo_closed else "(") + ("]" if hi_closed else ")")
    return Node("seq", items=(Node("scalar", lo), Node("scalar", hi)), brackets=brackets)


def _inequality(s: str) -> Node | None:
    """``1 \\leq x < 3`` -> [1, 3); ``x > 2`` -> (2, \\infty). Only one variable, simple relations."""
    s = s.replace(" ", "")
    m = _CHAIN.match(s)
    if m:
        r1, r2 = m.group(2), m.group(4)
        if r1 in ("<", "\\leq") and r2 in ("<", "\\leq"):
            return _interval(m.group("a"), r1 == "\\leq", m.group("b"), r2 == "\\leq")
        if r1 in (">", "\\geq") and r2 in (">", "\\geq"):
            return _interval(m.group("b"), r2 == "\\geq", m.group("a"), r1 == "\\geq")
        return None
    m = _ONE_SIDED.match(s)
    if m:
        rel, a = m.group(2), m.group("a")
        if rel in ("<", "\\leq"):
            return _interval("-\\infty", False, a, rel == "\\leq")
        return _interval(a, rel == "\\geq", "\\infty", False)
    return None


def parse_structure(s: str, depth: int = 0) -> Node:
    """Parse canonical answer text into a ``Node`` tree (no maths is evaluated here)."""
    if depth > 6:
        return Node("scalar", s)
    s = _strip_assignment(s)
    m = _LETTER.match(s) or _LETTER_PREFIX.match(s)
    if m:
        return Node("letter", m.group(1))
    m = _MATRIX.match(s)
    if m:
        rows = [r for r in re.split(r"\\\\", m.group(2)) if r.strip() and r.strip() != "\\hline"]
        items = tuple(
            Node("seq", items=tuple(parse_structure(c, depth + 1) for c in r.split("&")), brackets="()")
            for r in rows
        )
        return Node("matrix", items=items)
    for union_sep in ("\\cup", "\\bigcup"):
        parts = split_top(s, union_sep)
        if len(parts) > 1 and all(parts):
            return Node("union", items=tuple(parse_structure(p, depth + 1) for p in parts))
    if s.startswith("\\{") and s.endswith("\\}") and len(s) >= 4:
        inner = s[2:-2]
        parts = [p for p in split_top(inner, ",")] if inner else []
        return Node("set", items=tuple(parse_structure(p, depth + 1) for p in parts))
    if len(s) >= 2 and s[0] in "([" and s[-1] in ")]" and _wraps_whole(s):
        parts = split_top(s[1:-1], ",")
        if len(parts) > 1:
            return Node("seq", items=tuple(parse_structure(p, depth + 1) for p in parts), brackets=s[0] + s[-1])
    if _THOUSANDS.match(s):
        return Node("scalar", s.replace(",", ""))
    parts = split_top(s, ",")
    if len(parts) > 1:
        parts = [p for p in parts if p] or [""]
        if all(re.fullmatch(r"\\?(?:and|or)?", p) is None for p in parts):
            items: list[Node] = []
            for p in parts:
                node = parse_structure(p, depth + 1)
                # "-2, 1 \\pm \\sqrt{3}" lists three values: flatten the \\pm pair into the list.
                items.extend(node.items if node.kind == "list" else (node,))
            return Node("list", items=tuple(items))
    pm = _pm(s)
    if pm is not None:
        return pm
    ineq = _inequality(s)
    if ineq is not None:
        return ineq
    return _scalar(s)
