"""Stage 3: the structure of a normalized answer (scalar, tuple/interval, set, union, matrix, letter)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Node", "equation_value", "gold_value", "name_first", "parse_structure", "split_top", "values_of_one_name",
           "MC_LETTERS"]

MC_LETTERS = "ABCDE"
_LETTER = re.compile(r"^\(?([A-E])\)?(?::|\.)?$")
_LETTER_PREFIX = re.compile(r"^\(([A-E])\)")
_THOUSANDS = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_MATRIX = re.compile(r"^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}$", re.S)
_ASSIGN = re.compile(r"^[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?(?:\([A-Za-z]\))?(?:=|\\in)(?!=)")
_REL = r"(<|>|\\leq|\\geq)"
_CHAIN = re.compile(rf"^(?P<a>[^<>]+?){_REL}(?P<v>[A-Za-z](?:\([A-Za-z]\))?){_REL}(?P<b>[^<>]+)$")
_ONE_SIDED = re.compile(rf"^(?P<v>[A-Za-z]){_REL}(?P<a>[^<>=]+)$")
_COMMAND = re.compile(r"\\[A-Za-z]+")
_PM = re.compile(r"(\\pm|\\mp)(?![A-Za-z])")
_RELATION = re.compile(_REL)
_ONE_SIDED_REVERSED = re.compile(rf"^(?P<a>[^<>=]+){_REL}(?P<v>[A-Za-z])$")
_ONE_SIDED_NEGATED = re.compile(rf"^-(?P<v>[A-Za-z]){_REL}(?P<a>[^<>=]+)$")
_FLIP = {"<": ">", ">": "<", "\\leq": "\\geq", "\\geq": "\\leq"}
# A positive number times the variable: "2x > 2", "2 < 2*x", "\\frac{1}{2}x \\leq 3" (the bound is a / c).
_COEF = r"(?P<c>\d+(?:\.\d+)?|\\frac\{\d+\}\{\d+\})\*?"
_SCALED_ONE_SIDED = re.compile(rf"^{_COEF}(?P<v>[A-Za-z]){_REL}(?P<a>[^<>=]+)$")
A_NAME = re.compile(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])")  # a one-letter name
_SCALED_REVERSED = re.compile(rf"^(?P<a>[^<>=]+){_REL}{_COEF}(?P<v>[A-Za-z])$")
# The name of one quantity on the left of "name = value": x, n, AB, area, \theta, a_{10}, x', f(3),
# f^{-1}(x), P(A), \sin\theta, \angle ABC, [ABC], |z|. No arithmetic: 2x, x^2, m-n are expressions.
_GREEK = (
    r"\\(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|lambda|mu|nu|xi|rho|sigma|"
    r"tau|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Sigma|Phi|Psi|Omega)(?![A-Za-z])"
)
_NAME = (
    r"(?:(?:m\s?)?\\angle\s?|\\(?:sin|cos|tan|cot|sec|csc)\s?)?"
    rf"(?:[A-Za-z]+|{_GREEK}|\[[A-Z]{{3,}}\]|\|[A-Za-z]{{1,3}}\|)"  # |z|, |AB|: a modulus or length
    # Arguments without + or - inside (a leading sign is fine): f(3), f(-1), P(A); not x(x+1).
    # Commas only between arguments, so a failing match cannot split a run of commas many ways.
    r"(?:_\{[^{}]*\}|_[A-Za-z0-9]|'|\^\{-1\}|\(-?[^()+\-,]*(?:,-?[^()+\-,]*)*\))*"
)
_NAME_SUM = re.compile(rf"^{_NAME}(?:\+{_NAME})*$")
_NAME_ONLY = re.compile(rf"^{_NAME}$")
_LONE_NAME = re.compile(r"^\s*[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?\s*$")
_NAME_TUPLE = re.compile(r"^\(\s*[A-Za-z](?:_\{?\w+\}?)?(?:\s*,\s*[A-Za-z](?:_\{?\w+\}?)?)+\s*\)$")


def assigned_name(s: str) -> str | None:
    """The name in ``name = value`` (one "=", one named quantity on the left: ``AB``, ``\\text{Area}``),
    else None."""
    parts = split_top(s, "=")
    if len(parts) != 2 or not parts[1].strip() or len(split_top(s, ",")) > 1:
        return None
    lhs = parts[0].strip()
    return lhs if _NAME_ONLY.match(lhs) or _ASSIGN.match(s) else None
NAME_TUPLE = re.compile(rf"^\({_NAME}(?:,{_NAME})+\)$")
_OPEN = "([{"
_CLOSE = ")]}"


def values_of_one_name(items: list[str]) -> bool:
    """Whether two or more items each give a value of one and the same name ("x = 1", "x = 3")."""
    names = {assigned_name(item) for item in items}
    return len(items) >= 2 and len(names) == 1 and None not in names


@dataclass(frozen=True)
class Node:
    """One parsed answer.

    ``kind`` is ``scalar`` (``value`` is text), ``seq`` (ordered; ``brackets`` like ``"(]"``),
    ``list`` (a bare comma list; order-free unless compared with a ``seq``), ``set``, ``union``,
    ``matrix`` (``items`` are rows, each a ``Node`` of kind ``seq``) or ``letter`` (``items`` holds the
    value written after it, as in ``(C) 4``, when there is one).
    """

    kind: str
    value: str = ""
    items: tuple = ()
    brackets: str = ""


def split_top(s: str, sep: str) -> list[str]:
    """Split ``s`` on ``sep`` where no bracket of any kind is open."""
    if sep not in s:
        return [s]
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


def _solves_for(lhs: str, rhs: str) -> bool:
    """``x = 2x + 3``: a one-letter left side that appears on the right is an equation to solve for it,
    not its value."""
    name = lhs.strip()
    return len(name) == 1 and name.isalpha() and re.search(rf"(?<![A-Za-z\\]){name}(?![A-Za-z])", rhs) is not None


def _strip_assignment(s: str) -> str:
    """``x = 3`` -> ``3``, ``x \\in [1, 2]`` -> ``[1, 2]``, ``2^3 = 8`` -> ``8`` (a worked lhs with no unknown)."""
    m = _ASSIGN.match(s)
    if m and s.count("=") <= 1 and not _solves_for(s[: m.end()].rstrip("=").strip(), s[m.end() :]):
        return s[m.end() :]
    lhs, eq, rhs = s.partition("=")
    if _solves_for(lhs, rhs):
        return s
    if eq and "=" not in rhs and _LONE_NAME.match(rhs) and lhs.strip() and not _has_free_name(lhs):
        return lhs.strip()  # "5 = x", "100/1.6^2 = t": an assignment written the other way round
    names = _NAME_TUPLE.match(lhs.strip()) if eq and "=" not in rhs else None
    if names:
        # "(x, y) = (5, 8), (8, 5)": the solutions of a named pair, each a tuple of as many values
        arity = len(split_top(lhs.strip()[1:-1], ","))
        tuples = [t.strip() for t in split_top(rhs, ",")]
        if len(tuples) > 1 and all(t[:1] == "(" and t[-1:] == ")" and _wraps_whole(t) and len(split_top(t[1:-1], ",")) == arity
                                   for t in tuples):
            return rhs.strip()
    if eq and rhs.strip() and _NAME_ONLY.match(lhs.strip()) and len(split_top(s, ",")) == 1:
        # "AB = 4", "f(3) = 7": the value of one named quantity; "x = 5+5+1 = 11": the last value.
        return rhs.strip() if "=" not in rhs else (rhs.rsplit("=", 1)[1].strip() or s)
    parts = split_top(s, "=")
    # A worked left side with no unknown ("2^3 = 8", "e^{i\\pi} = -1"), but not an equation written the
    # other way ("25 = x^2+y^2").
    # After a limit, sum or integral, e is Euler's number: "\\lim_{n \\to \\infty} (1 + 2/n)^n = e^2".
    euler = len(parts) > 1 and (_BOUND.search(parts[0]) or "\\int" in parts[0])
    checked = [_LONE_E.sub("1", p) for p in parts] if euler else parts
    if (len(parts) > 1 and all(parts) and not any(_has_free_name(p) for p in checked)
            and len({p.replace(" ", "") for p in parts}) > 1):  # "1 = 1" says nothing
        return parts[-1]
    return s


def equation_value(s: str) -> str | None:
    """The value in ``name = value`` when the left side names one quantity, else None.

    The verifier has no problem text, so it cannot check that the left side is the quantity the
    problem asks for; it accepts only left sides that are a name of a quantity or a sum of distinct
    names, the forms competition problems ask for ("find x", "find AB", "find f(3)", "find m+n"):
    ``x=17``, ``AB = 5``, ``f(3) = 7``, ``a_{10} = 512``, ``(a, b) = (2, 3)``, ``m+n = 17``.
    Any other arithmetic on the left names a different quantity (``m-n=17``, ``2x=17``, ``x^2=17``,
    ``\\frac{m}{n}=17``, ``x+x=17``), as do equations to solve (``x + 2 = 5``) and several answers
    (``x = 2, y = 3``: a top-level comma): None for all of them.
    """
    parts = split_top(s, "=")
    if len(parts) < 2 or not all(p.strip() for p in parts) or len(split_top(s, ",")) > 1:
        return None
    if _solves_for(parts[0], parts[-1]):
        return None
    return parts[-1].strip() if _names_one_quantity(parts[0].strip()) else None


# A ratio or quotient of names, as a gold writes the quantity it gives: V_1:V_2, \frac{NO}{BO}, A:B.
_NAME_RATIO = re.compile(rf"^(?:{_NAME}(?::{_NAME})+|\\frac\{{{_NAME}\}}\{{{_NAME}\}}|{_NAME}/{_NAME})$")


def gold_value(s: str) -> str | None:
    """The value a gold of the form ``name = value`` gives: what ``equation_value`` accepts, and also
    a ratio of names on the left (``V_1:V_2 = 11:21``), which a gold, unlike a prediction, may use to
    say which quantity it gives."""
    value = equation_value(s)
    if value is not None:
        return value
    parts = split_top(s, "=")
    if len(parts) == 2 and parts[1].strip() and _NAME_RATIO.match(parts[0].replace(" ", "")):
        return parts[1].strip()
    return None


def name_first(s: str) -> str:
    """A gold written value first, ``2 = x``, as ``x = 2`` (a left side with no unknown, one name on the
    right); anything else unchanged."""
    if "=" not in s:
        return s
    parts = split_top(s, "=")
    if len(parts) == 2 and parts[0].strip() and _NAME_ONLY.match(parts[1].strip()) and not _has_free_name(parts[0]):
        return f"{parts[1].strip()} = {parts[0].strip()}"
    return s


# Sets named by letters and combined: "A \\cap B", "A\\cup B", "A \\setminus B", "S'".
_SET_OF_NAMES = re.compile(r"^[A-Z]'?(?:\\(?:cap|cup|setminus)[A-Z]'?)+$")


def _names_one_quantity(lhs: str) -> bool:
    """True for a name (``x``, ``f(3)``), a tuple of names (``(a, b)``) or a sum of distinct names."""
    if _SET_OF_NAMES.match(lhs.replace(" ", "")):
        return True
    if re.search(r"[A-Za-z]\s+[A-Za-z]", lhs):
        return False  # words ("All n except n"), not the name of a quantity
    lhs = lhs.replace(" ", "")
    if NAME_TUPLE.match(lhs):
        return True
    if not _NAME_SUM.match(lhs):
        return False
    names = split_top(lhs, "+")
    return len(set(names)) == len(names)


# A variable bound in the expression: "\\lim_{x \\to 0}", "\\sum_{k=1}^{9}", "\\int_0^1 x \\, dx".
_BOUND = re.compile(r"_\{\s*([A-Za-z])\s*(?:\\to|\\rightarrow|=)")
_DIFFERENTIAL = re.compile(r"(?<![A-Za-z])d\s*([A-Za-z])(?![A-Za-z])")
_ENVIRONMENT = re.compile(r"\\begin\{array\}\s*\{[^{}]*\}|\\(?:begin|end)\{[A-Za-z*]+\}")
# e as Euler's number in e^{i\\pi}-like powers (e^2 = 2 is an equation in e), i beside pi.
_EULER_E = re.compile(r"(?<![A-Za-z\\])e(?=\s*\^\s*\{?[^{}=]*(?:\\pi|(?<![A-Za-z\\])i(?![A-Za-z])))")
_LONE_E = re.compile(r"(?<![A-Za-z\\])e(?![A-Za-z])")
_IMAGINARY_I = re.compile(r"(?<![A-Za-z\\])i(?=\s*\\pi)|(?<=\\pi)\s*i(?![A-Za-z])")


def _has_free_name(s: str) -> bool:
    """Whether ``s`` names an unknown: a letter other than Euler's e raised to a power of i or pi, the
    imaginary i beside pi, and the variables a limit, sum, product or integral binds ("e^{i\\pi}", "\\lim_{x \\to 0}
    \\frac{\\sin x}{x}" and a determinant of numbers name none; "2e" and "2i" do)."""
    bound = set(_BOUND.findall(s))
    t = _ENVIRONMENT.sub("", s).replace("\\mathrm{d}", "d")
    if "\\int" in t or "\\iint" in t:
        last = re.search(r"d\s*([A-Za-z])\s*$", t)  # the integrand ends in its differential ("xdx")
        if last:
            bound.add(last.group(1))
            t = t[: last.start()]
        bound |= set(_DIFFERENTIAL.findall(t))
        t = _DIFFERENTIAL.sub("", t)
    t = _IMAGINARY_I.sub("", _EULER_E.sub("", t))
    t = _COMMAND.sub("", t)
    return any(c not in bound for c in re.findall(r"[A-Za-z]", t))


def _scalar(s: str) -> Node:
    return Node("scalar", _strip_assignment(s))


def pm_values(s: str) -> tuple[str, str] | None:
    """The two values of a text with one ``\\pm`` or ``\\mp``: ``1 \\pm \\sqrt{2}`` -> ``1+\\sqrt{2}``,
    ``1-\\sqrt{2}`` (also inside a fraction; a leading ``\\pm 2`` is 2 and -2); None for none or several."""
    found = list(_PM.finditer(s))
    if len(found) != 1:
        return None
    m = found[0]
    head, tail = s[: m.start()].strip(), s[m.end() :].strip()
    if not tail:
        return None
    first, second = ("+", "-") if m.group(1) == "\\pm" else ("-", "+")
    if not head:
        return tail, "-" + tail
    return head + first + tail, head + second + tail


def _pm(s: str) -> Node | None:
    """``a \\pm b`` (also inside a fraction: ``\\frac{-3 \\pm \\sqrt{5}}{2}``) is the list of both values."""
    values = pm_values(s)
    return None if values is None else Node("list", items=tuple(_scalar(v) for v in values))


def _interval(lo: str, lo_closed: bool, hi: str, hi_closed: bool, name: str = "") -> Node:
    """An interval; ``name``: the variable of the inequality it was read from (its ``value``)."""
    brackets = ("[" if lo_closed else "(") + ("]" if hi_closed else ")")
    return Node("seq", value=name, items=(Node("scalar", lo), Node("scalar", hi)), brackets=brackets)


def _nonzero(coefficient: str) -> bool:
    """Whether a coefficient ("2", "0.5", "\\frac{1}{2}") has a digit other than 0 (not "0.0", "\\frac{0}{3}")."""
    head = coefficient.split("}{")[0]
    return any(ch in "123456789" for ch in head)


def _inequality(s: str) -> Node | None:
    """``1 \\leq x < 3`` -> [1, 3); ``x > 2`` -> (2, \\infty). Only one variable, simple relations."""
    s = s.replace(" ", "")
    m = _CHAIN.match(s)
    if m:
        r1, r2 = m.group(2), m.group(4)
        if r1 in ("<", "\\leq") and r2 in ("<", "\\leq"):
            return _interval(m.group("a"), r1 == "\\leq", m.group("b"), r2 == "\\leq", m.group("v"))
        if r1 in (">", "\\geq") and r2 in (">", "\\geq"):
            return _interval(m.group("b"), r2 == "\\geq", m.group("a"), r1 == "\\geq", m.group("v"))
        return None
    m = _ONE_SIDED.match(s)
    if m is None:
        r = _ONE_SIDED_REVERSED.match(s)  # "5 \geq x" is "x \leq 5"
        if r:
            m = _ONE_SIDED.match(r.group("v") + _FLIP[r.group(2)] + r.group("a"))
        r = _ONE_SIDED_NEGATED.match(s)  # "-x > -1" is "x < 1"
        if r:
            m = _ONE_SIDED.match(r.group("v") + _FLIP[r.group(2)] + "-(" + r.group("a") + ")")
        r = _SCALED_ONE_SIDED.match(s)  # "2x > 2" is "x > \frac{2}{2}"
        if r and not A_NAME.search(r.group("a")) and _nonzero(r.group("c")):
            m = _ONE_SIDED.match(r.group("v") + r.group(3) + "\\frac{" + r.group("a") + "}{" + r.group("c") + "}")
        r = _SCALED_REVERSED.match(s)  # "2 < 2x" is "x > \frac{2}{2}" (not "3x^2 < 9a": a bound with a name)
        if r and not A_NAME.search(r.group("a")) and _nonzero(r.group("c")):
            m = _ONE_SIDED.match(r.group("v") + _FLIP[r.group(2)] + "\\frac{" + r.group("a") + "}{" + r.group("c") + "}")
    if m:
        rel, a = m.group(2), m.group("a")
        if rel in ("<", "\\leq"):
            return _interval("-\\infty", False, a, rel == "\\leq", m.group("v"))
        return _interval(a, rel == "\\geq", "\\infty", False, m.group("v"))
    return None


def parse_structure(s: str, depth: int = 0) -> Node:
    """Parse canonical answer text into a ``Node`` tree (no maths is evaluated here)."""
    s = s.strip()
    if depth > 6:
        return Node("scalar", s)
    s = _strip_assignment(s)
    m = _LETTER.match(s) or _LETTER_PREFIX.match(s)
    if m:
        rest = s[m.end() :].strip()
        # "(C) 4": the letter and the value of that choice; either one answers.
        value = (parse_structure(rest, depth + 1),) if rest else ()
        return Node("letter", m.group(1), items=value)
    m = _MATRIX.match(s)
    if m is not None and "\\begin{" in m.group(2):
        m = None  # "A + B", "A B": arithmetic on several matrices, not one matrix
    if m is None and s[:1] in "([" and s[-1:] in ")]" and _wraps_whole(s):
        m = _MATRIX.match(s[1:-1].strip())  # \\left[\\begin{array}...\\end{array}\\right]
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
            items = tuple(parse_structure(p, depth + 1) for p in parts)
            if all(i.kind == "set" for i in items):  # "\\{x\\} \\cup \\{y\\}" is the set {x, y}
                return Node("set", items=tuple(dict.fromkeys(e for i in items for e in i.items)))
            return Node("union", items=items)
    if s.startswith("{") and s.endswith("}") and _wraps_whole(s) and len(split_top(s[1:-1], ",")) > 1:
        s = "\\{" + s[1:-1] + "\\}"  # "{2, 3, 5}" written without backslashes is a set
    if s.startswith("\\{") and s.endswith("\\}") and len(s) >= 4:
        inner = s[2:-2]
        parts = [p for p in split_top(inner, ",")] if inner else []
        return Node("set", items=tuple(parse_structure(p, depth + 1) for p in parts))
    if len(s) >= 2 and s[0] in "([" and s[-1] in ")]" and _wraps_whole(s):
        parts = split_top(s[1:-1], ",")
        if len(parts) == 1:
            parts = split_top(s[1:-1], ";")  # "(0;-2;6)": the semicolon some countries write between coordinates
        if len(parts) > 1:
            return Node("seq", items=tuple(parse_structure(p, depth + 1) for p in parts), brackets=s[0] + s[-1])
    if _THOUSANDS.match(s):
        return Node("scalar", s.replace(",", ""))
    solutions = split_top(s, ";")
    if len(solutions) > 1 and all(p.strip() for p in solutions):
        # "p=5,q=2;p=7,q=2": several solutions, each one tuple of values.
        return Node("list", items=tuple(parse_structure(p, depth + 1) for p in solutions))
    parts = split_top(s, ",")
    if len(parts) > 1:
        parts = [p for p in parts if p] or [""]
        if all(re.fullmatch(r"\\?(?:and|or)?", p) is None for p in parts):
            items: list[Node] = []
            for p in parts:
                node = parse_structure(p, depth + 1)
                # "-2, 1 \\pm \\sqrt{3}" lists three values: flatten the \\pm pair into the list.
                items.extend(node.items if node.kind == "list" else (node,))
            if all(_RELATION.search(p) for p in parts) and all(i.kind == "seq" for i in items):
                # "x < -2 or x > 3" (separators became commas): a union of the solution intervals.
                return Node("union", items=tuple(items))
            return Node("list", items=tuple(items))
    pm = _pm(s)
    if pm is not None:
        return pm
    ineq = _inequality(s)
    if ineq is not None:
        return ineq
    return _scalar(s)
