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


def _scalar(s: str) -> Node:
    m = _ASSIGN.match(s)
    if m and s.count("=") <= 1:
        s = s[m.end() :]
    return Node("scalar", s)


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


def parse_structure(s: str, depth: int = 0) -> Node:
    """Parse canonical answer text into a ``Node`` tree (no maths is evaluated here)."""
    if depth > 6:
        return Node("scalar", s)
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
            return Node("list", items=tuple(parse_structure(p, depth + 1) for p in parts))
    pm = _pm(s)
    if pm is not None:
        return pm
    return _scalar(s)
