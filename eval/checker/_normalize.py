"""Stage 2: canonical LaTeX text for an answer (wrappers, spacing, units, degrees, percent removed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from ._arith import double_fact
from ._extract import DOTTED_REPEAT, GREEK_NAMES, plain_text
from ._numbers import fast_number
from ._prose import number_phrase
from ._units import CJK_UNIT, GLUED_UNIT, PLAIN_UNIT, unit_key

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True)
class Normalized:
    """An answer as canonical text, plus whether it carried a percent sign, a degree sign, a unit."""

    text: str
    percent: bool = False
    degrees: bool = False
    unit: str = ""  # canonical key of a known unit that was stripped ("cm", "m^2"), else ""


# Zero-width space, joiners and the byte-order mark: invisible, never part of an answer.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
_DELETE = (
    "\\displaystyle", "\\textstyle", "\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
    "\\big", "\\Big", "\\!", "\\,", "\\;", "\\:", "\\quad", "\\qquad", "\\$", "\\limits",
)
_REPLACE = (
    ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"), ("\\dbinom", "\\binom"), ("\\tbinom", "\\binom"), ("{,}", ","),
    ("~", " "), ("−", "-"), ("–", "-"), ("×", "\\times "), ("·", "\\cdot "), ("π", "\\pi "), ("∠", "\\angle "),
    ("∞", "\\infty "), ("∪", "\\cup "), ("\\bigcup", "\\cup "), ("\\bigcap", "\\cap "), ("√", "\\sqrt"), ("\\infin", "\\infty"), ("\\lbrace", "\\{"),
    ("\\rbrace", "\\}"), ("\\lbrack", "["), ("\\rbrack", "]"), ("≤", "\\leq "), ("±", "\\pm "), ("∓", "\\mp "),
    ("≥", "\\geq "), (">=", "\\geq "), ("<=", "\\leq "), ("≠", "\\ne "), ("\\gt", ">"),
    ("\\lt", "<"), ("\\leqslant", "\\leq"), ("\\geqslant", "\\geq"), ("\\neq", "\\ne"), ("\\varpi", "\\pi"),
    ("\\operatorname{", "\\mathrm{"), ("\\textnormal{", "\\text{"), ("²", "^{2}"), ("³", "^{3}"),
    ("⋅", "\\cdot "), ("÷", "/"), ("€", ""), ("£", ""), ("¥", ""), ("₹", ""),
    ("\\langle", "("), ("\\rangle", ")"), ("⟨", "("), ("⟩", ")"), ("\\approx", "≈"), ("\\simeq", "≈"),
    ("\\mathbb{R}", "(-\\infty,\\infty)"), ("\\varnothing", "\\{\\}"), ("\\emptyset", "\\{\\}"),
    ("\\tan^{-1}", "\\arctan"), ("\\sin^{-1}", "\\arcsin"), ("\\cos^{-1}", "\\arccos"),
    *((chr(0x2080 + d), f"_{{{d}}}") for d in range(10)),  # subscript digits: x₁ is x_{1}
)
_DEGREE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree|\^\s*\{\s*o\s*\}")
_TRIG_DEGREES = re.compile(r"(\d+(?:\.\d+)?)\s*(?:" + _DEGREE.pattern + ")")
def _repeating(m: re.Match) -> str:
    """0.1\\overline{6} -> \\frac{1}{6} (exact value of a repeating decimal)."""
    whole, fixed, rep = m.group(1) or "0", m.group(2), m.group(3)
    a = int(whole + fixed + rep) - int(whole + fixed)
    b = (10 ** len(rep) - 1) * 10 ** len(fixed)
    return f"\\frac{{{a}}}{{{b}}}"


def _dotted_repeat(m: re.Match) -> str:
    """0.333... -> 0.\\overline{3} (``DOTTED_REPEAT``)."""
    block = m.group(3) or m.group(4) or m.group(5)
    return f"{m.group(1)}.{m.group(2)}\\overline{{{block}}}"


# Any \text{words} right after a number is a unit ("5\text{ km/h}", "7\text{th}"); not after a comma:
# "\text{Alice}, \text{Bob}" is a list of two words.
# (\mathrm{i} and \mathrm{e} are the imaginary unit and Euler's number, not units.)
_TEXT_UNIT = re.compile(
    r"(?<=[\d}\)\s])(?<!,\s)(?<!,)\s*\\(?:text|mbox|mathrm|textrm)\s*\{(?!\s*[ie]\s*\})\s*[A-Za-z][A-Za-z\s./-]*\}"
    r"(?:\s*\^\s*\{?\s*[23]\s*\}?)?"
)
# Words in \text at the very end, after any maths ("8\pi\text{ units}"), are a unit too.
_END_TEXT_UNIT = re.compile(
    r"(?<=\S)(?<!,)(?<!,\s)\s*\\(?:text|mbox|textrm)\s*\{\s*[A-Za-z]{2,}[A-Za-z\s./-]*\}(?:\s*\^\s*\{?\s*[23]\s*\}?)?\s*$"
)
# Plain-text maths words ("sqrt(2)/2", "pi/4") are the LaTeX commands.
_PLAIN_COMMANDS = re.compile(
    r"(?<![\\A-Za-z])(sqrt|pi|sinh|cosh|tanh|sin|cos|tan|cot|csc|arcsin|arccos|arctan|exp|ln|log)(?=\s*[({\d/*^)+\\-]|\s*$"
    r"|\s+[A-Za-z](?![A-Za-z]))"  # "sin(x)", "sin x", "2 sin x"
    r"|(?<![\\A-Za-z\d\s])(sec)(?=\s*[({\d/*^)+-]|\s*$|\s+[A-Za-z](?![A-Za-z]))|(?<=\d\*)(sec)|(?<![\\A-Za-z])(sec)(?=\s*[({^])"
)  # a "sec" after a number is seconds ("60 sec")
# Plain-text names of other programs: asin(x) is \arcsin(x); abs(x) and Abs(x) are |x| (_rewrite_calls).
_PLAIN_ARC = re.compile(r"(?<![\\A-Za-z])a(sin|cos|tan)(?=\s*\()")
_PLAIN_ABS = re.compile(r"(?<![\\A-Za-z])[Aa]bs\s*\(")
# Plain-text binomials: C(8,3), binom(n, k), nCr(8,3), choose(8,3) (arguments without brackets inside).
_PLAIN_BINOM = re.compile(r"(?<![A-Za-z\\])(?:C|binom|nCr|choose)\(\s*([^(),]+?)\s*,\s*([^(),]+?)\s*\)")
# "x != 3" is x \ne 3; "5!=120" is a factorial equation (a digit or a bracket before "!").
_NOT_EQUAL = re.compile(r"(?<=[\sA-Za-z])!=")


# Reciprocal hyperbolic functions and the inverse secant, cosecant and cotangent, in any of their spellings
# ("csch x", "\\mathrm{sech}(x)", "\\coth x", "arcsec x"): LaTeX readers take "\\coth x" for cot(h x).
_RECIPROCAL_NAMES = r"csch|sech|coth|arcsec|arccsc|arccot|arcsinh|arccosh|arctanh|sinh|cosh|tanh"
_NAMED_FUNCTION = re.compile(rf"\\(?:mathrm|text|textrm)\s*\{{\s*({_RECIPROCAL_NAMES})\s*\}}"
                             rf"|(?<![\\A-Za-z])({_RECIPROCAL_NAMES})(?=\s*[({{\d]|\s+[A-Za-z\\])")
_RECIPROCAL = re.compile(r"\\(csch|sech|coth)(?![A-Za-z])\s*")
_RECIPROCAL_OF = {"csch": "\\sinh", "sech": "\\cosh", "coth": "\\tanh"}
_SIMPLE_ARGUMENT = re.compile(r"-?(?:\d+(?:\.\d+)?[A-Za-z]?|[A-Za-z]|\\[A-Za-z]+(?:\{[^{}]*\})*)(?:\^(?:\{[^{}]*\}|\d+|[A-Za-z]))?")


def _reciprocal_functions(s: str, level: int = 0) -> str:
    """``csch x`` -> ``\\frac{1}{\\sinh(x)}``, ``\\mathrm{arcsec}(x)`` -> ``\\arcsec(x)``: names that LaTeX readers
    know as commands, and the three reciprocal hyperbolic functions as reciprocals (an argument that is
    not one bracket group or one simple term, and a power of the function, are left as written; nested
    ones are rewritten four deep)."""
    s = _NAMED_FUNCTION.sub(lambda m: "\\" + (m.group(1) or m.group(2)), s)
    out, pos = [], 0
    for m in _RECIPROCAL.finditer(s):
        if m.start() < pos:
            continue
        i = m.end()
        if i < len(s) and s[i] in "({":
            end = _group_end(s, i, "()" if s[i] == "(" else "{}")
            if end is None:
                continue
            arg = s[i + 1:end - 1]
            if level < 4:
                arg = _reciprocal_functions(arg, level + 1)
        else:
            a = _SIMPLE_ARGUMENT.match(s, i)
            if a is None:
                continue
            arg, end = a.group(0), a.end()
        out.append(s[pos:m.start()] + "\\frac{1}{" + _RECIPROCAL_OF[m.group(1)] + "(" + arg + ")}")
        pos = end
    return "".join(out) + s[pos:]


# Plain-text infinity inside an answer ("(-infinity, 5)", "[1, oo)", "-infty"); "inf" only next to a bracket,
# a comma or a sign (an "inf S" is an infimum).
_PLAIN_INFINITY = re.compile(r"(?<![\\A-Za-z])(?:[Ii]nfinity|infty|oo)(?![A-Za-z])|(?<=[(\[,+\-\s])inf(?=\s*[)\],])")
# "x in (1, 5)", "x in [0, 1]": membership written as a word.
_PLAIN_MEMBER = re.compile(r"^\s*([A-Za-z])\s+in\s+(?=[(\[\]]|\\mathbb|R\b)")
# Greek letters spelt out in plain text ("n alpha", "2*theta"): the LaTeX letters.
_PLAIN_GREEK = re.compile(r"(?<![\\A-Za-z])(" + GREEK_NAMES.replace("psi|", "") + r"|(?<!\d )(?<!\d)psi)(?![A-Za-z])")  # "20 psi": a pressure
# A plain-text logarithm with a base ("log_2(8)", "log_{10} x"): the LaTeX one.
_PLAIN_LOG_BASE = re.compile(r"(?<![\\A-Za-z])log(?=_)")
_PLAIN_FACTORIAL = re.compile(r"(?<![\\A-Za-z])factorial\s*\(")


# Two powers in a row in plain text ("2^3^2"): they go right to left, as in maths (2^{3^2} = 512).
_EXPONENT = r"(?:\{[^{}]*\}|\([^()]*\)|\d+(?:\.\d+)?|[A-Za-z])"  # one number, letter or bracket group
_TOWER = re.compile(rf"(?:\^{_EXPONENT}){{2,}}")
_ONE_EXPONENT = re.compile(rf"\^({_EXPONENT})")


def _tower(m: re.Match) -> str:
    exponents = _ONE_EXPONENT.findall(m.group(0))
    nested = exponents[-1]
    for e in reversed(exponents[1:-1]):
        nested = e + "^{" + nested + "}"
    return "^{" + exponents[0] + "^{" + nested + "}}" if len(exponents) > 2 else "^{" + exponents[0] + "^" + nested + "}"


def _power_towers(s: str) -> str:
    """``9^9^9`` -> ``9^{9^{9}}`` (LaTeX has no such form; its readers would take it left to right)."""
    return _TOWER.sub(_tower, s)


def _rewrite_calls(s: str, call: re.Pattern, rewrite) -> str:
    """Each plain-text call ``call`` matches (up to its opening bracket) as ``rewrite(argument)``; the bracket
    that closes it is found by depth. ``abs(x+1)`` -> ``|x+1|``, ``factorial(n-1)`` -> ``(n-1)!``."""
    for _ in range(20):
        m = call.search(s)
        if m is None:
            break
        end = _group_end(s, m.end() - 1, "()")
        if end is None:
            break
        s = s[: m.start()] + rewrite(s[m.end() : end - 1]) + s[end:]
    return s


def _braced_exponents(s: str) -> str:
    """``e^(-1)`` -> ``e^{(-1)}``: a plain-text power's bracketed exponent as LaTeX groups it (LaTeX
    reads ``^(`` as a power of "(" alone)."""
    out, i = [], 0
    for _ in range(50):
        j = s.find("^(", i)
        if j == -1:
            break
        end = _group_end(s, j + 1, "()")
        if end is None:
            break
        out.append(s[i : j + 1] + "{" + s[j + 1 : end] + "}")
        i = end
    return "".join(out) + s[i:]


def _binom(m: re.Match) -> str:
    """C(n, k) as \\binom{n}{k}; two integers with k > n are a point's coordinates, not a binomial."""
    n, k = m.group(1), m.group(2)
    if n.isdigit() and k.isdigit() and int(k) > int(n):
        return m.group(0)
    return f"\\binom{{{n}}}{{{k}}}"


_LE_GE = re.compile(r"\\(le|ge)(?![a-zA-Z])")
# MATH writes thousands as "10,\\!000": that comma is a separator inside one number.
_THIN_COMMA = re.compile(r",\s*\\!\s*")
# "56,\!01,\!78,\!95,\!760": digit groups separated by ",\!" (any group size) are one number.
_THIN_GROUPS = re.compile(r"^-?\d+(?:,\s*\\!\s*\d+)+(?:\.\d+)?$")
# "1 000 000": digits grouped by spaces in threes are one number.
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d,])")
# "(-\\infty, 2) U (3, \\infty)": a capital U between two intervals is a union.
_LETTER_UNION = re.compile(r"(?<=[)\]])\s*U\s*(?=[(\[])")
_SEPARATOR_WORDS = re.compile(r"\s*(?:\\text\{\s*(?:and|or)\s*\}|,?\s+(?:and|or)\s+)\s*")
# A lower and an upper bound on one name joined by "and" or a comma: "x > 1 \\text{ and } x \\leq 3",
# "x < 3, x > 1", also inside set-builder braces ("\\{x \\mid x > 1 \\text{ and } x < 3\\}").
_OP = r"(<|>|\\leq?|\\geq?|≤|≥)"
_AND_BOUNDS = re.compile(
    rf"\s*([A-Za-z])\s*{_OP}\s*([^<>=,;]+?)\s*(?:\\text\{{\s*and\s*\}}|\s+and\s+|\\land|\\wedge|,)\s*\1\s*{_OP}\s*"
    r"([^<>=,;]+?)\s*")
_BUILDER_BODY = re.compile(r"(\\\{\s*[A-Za-z]\s*(?:\\mid|:|\|))(.*)(\\\})")
_LOWER = (">", "\\geq", "\\ge", "≥")
_FLIP = {">": "<", "\\geq": "\\leq", "\\ge": "\\leq", "≥": "≤"}


def _both_bounds(s: str) -> str:
    """Two opposite bounds on one name whose rays overlap, as the one interval they bound: "x > 1 and
    x < 3" or "x < 3, x > 1" is "1 < x < 3" (nobody answers the reals that way). Rays that do not
    overlap ("x < 1 and x > 3", a common way to say "or") and bounds that are not plain numbers are left
    as they are, and read as a union, as before."""
    builder = _BUILDER_BODY.fullmatch(s.strip())
    head, body, tail = builder.groups() if builder else ("", s, "")
    m = _AND_BOUNDS.fullmatch(body)
    if m is None:
        return s
    name, op1, b1, op2, b2 = m.groups()
    if (op1 in _LOWER) == (op2 in _LOWER):
        return s
    if op1 not in _LOWER:
        op1, b1, op2, b2 = op2, b2, op1, b1
    lo, hi = fast_number(b1.strip()), fast_number(b2.strip())
    if lo is None or hi is None or not lo.value < hi.value:
        return s
    return f"{head}{b1} {_FLIP[op1]} {name} {op2} {b2}{tail}"


_ORDINAL = re.compile(
    r"(?<=\d)\s*(?:\^\s*\{\s*\\text\s*\{\s*(?:st|nd|rd|th)\s*\}\s*\}|\^\s*\{\s*(?:st|nd|rd|th)\s*\}|\^?(?:st|nd|rd|th)\b)"
)
_REPEATING = re.compile(r"(\d*)\.(\d*)\\overline\{(\d+)\}")
# Any other trailing words after a number are a unit too ("12 apples"), unless they are maths words.
_PROSE_UNIT = re.compile(
    r"(?<=[\d}\)])\s+(?!(?:sqrt|sin|cos|tan|cot|sec|csc|log|ln|exp|and|or|pi|mod)\b)"
    r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,})*\.?$"
)
_WRAPPERS = re.compile(
    r"\\(?:overline|text|textbf|textit|mathrm|mathbf|mathit|mbox|textrm|boldsymbol|bf|rm|mathcal|mathscr|mathsf|texttt)\s*\{"
)
# Commands whose arguments may be written without braces (\frac12, \frac{\sqrt{2}}2, \sqrt3).
_ARG_COMMANDS = re.compile(r"\\(frac|binom|sqrt)(?![A-Za-z])")
_TRIG = re.compile(r"\\(?:sin|cos|tan|cot|sec|csc)(?![A-Za-z])")
# "\text{5 apples}": a number and words inside one \text; the words are a unit.
_TEXT_NUMBER_UNIT = re.compile(
    r"\\(?:text|mbox|textrm|mathrm)\s*\{\s*([-+]?\d[\d,]*(?:\.\d+)?)\s+([A-Za-z][A-Za-z\s./-]*)\}"
)
_SPACES = re.compile(r"\s+")
# An interval or a pair whose two parts are separated by a semicolon and hold no comma: "[2; 5)".
_SEMICOLON_PAIR = re.compile(r"([\[(])([^;,\[\]()]+);\s*([^;,\[\]()]+)([\])])")
# A declaration that the parameter of a general solution is an integer, at the end of the answer:
# ", k \in \mathbb{Z}", "(n \in \mathbb{Z})", "\text{ for any integer } k", "\text{ where } k \text{ is an integer}".
_INTEGERS = r"(?:\\mathbb\s*\{?\s*Z\s*\}?|\\mathbf\s*\{\s*Z\s*\}|\\Bbb\s*\{?\s*Z\s*\}?|Z)"
_DECL_WORDS = r"\\text\s*\{[\s,]*(?:where|for|with)(?:\s+(?:all|any|some|each|every))?\s*\}"
_INTEGER_DECLARATION = re.compile(
    r"\s*[,;]?\s*(?:\(\s*)?(?:" + _DECL_WORDS + r"\s*|\\forall\s*)?"
    r"(?:(?P<a>[kmn])\s*\\in\s*" + _INTEGERS
    + r"|(?P<b>[kmn])\s*\\text\s*\{\s*(?:is\s+)?(?:an?\s+)?integers?\s*\})"
    r"\s*\)?\s*\.?\s*$"
    r"|\s*[,;]?\s*\\text\s*\{[\s,]*(?:where|for)(?:\s+(?:all|any|some|each|every|an?))?\s+integers?\s*\}"
    r"\s*(?P<c>[kmn])\s*\.?\s*$"
)
# "3128 1/2": a whole number and a fraction, the whole answer, is a mixed number.
_PLAIN_MIXED = re.compile(r"^(-?\d+)\s+(\d+)/(\d+)$")
_APPROX_NAME = re.compile(r"^(?:\\[Dd]elta\s*)?[A-Za-z](?:_\{?\w+\}?)?$")  # x, a_1, \Delta p
# "2**(1/4)", "x**2", "5 ** 2": Python's power between two operands (spaced on both sides or neither);
# any other "**" is markdown bold ("= **131**", "**5** apples").
_PY_POWER = re.compile(r"(?<=[\w)}])(?:\*\*| \*\* )(?=[\w(\\{])")
_BOX_OPEN = re.compile(r"\\(?:boxed|fbox)\s*\{")
_DOLLARS = re.compile(r"^\\\$\s*\d[\d,]*(?:\.\d+)?$")
_BACKSLASH_SPACE = re.compile(r"(?<!\\)\\ ")
_SPACE = re.compile(r"(?<=(.))\s+(?=(.))")


def _drop_space(m: re.Match) -> str:
    """Keep a space only where dropping it would merge two words or two numbers."""
    a, b = m.group(1), m.group(2)
    if a == "," and b.isdigit():
        return " "  # "3, 125" lists two numbers; "3,125" is one (thousands): keep them apart
    return " " if (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit()) else ""
_LEAD_WORDS = re.compile(r"^(?:the\s+)?(?:final\s+)?(?:answer|value|result)\s*(?:is|:|=)\s*", re.I)


def _group_end(s: str, start: int, pair: str = "{}") -> int | None:
    """Index after the group (``{...}``, or ``pair``) opening at ``start``; None when it never closes."""
    depth = 0
    for i in range(start, len(s)):
        if s[i] == pair[0]:
            depth += 1
        elif s[i] == pair[1]:
            depth -= 1
            if depth == 0:
                return i + 1
    return None


def _brace_args(s: str) -> str:
    """Brace the arguments of \\frac, \\binom and \\sqrt written without braces, as TeX reads them.

    ``\\frac12`` -> ``\\frac{1}{2}``, ``\\frac{\\sqrt{2}}2`` -> ``\\frac{\\sqrt{2}}{2}``, ``\\frac\\pi4`` ->
    ``\\frac{\\pi}{4}``: an unbraced argument is one character or one command.
    """
    pos = 0
    for _ in range(400):
        m = _ARG_COMMANDS.search(s, pos)
        if not m:
            break
        j, pos = m.end(), m.end()
        if m.group(1) == "sqrt" and s[j : j + 1] == "[":
            close = s.find("]", j)
            j = close + 1 if close != -1 else j
        for _arg in range(1 if m.group(1) == "sqrt" else 2):
            while j < len(s) and s[j] == " ":
                j += 1
            if j >= len(s):
                break
            if s[j] == "{":
                end = _group_end(s, j)
                if end is None:
                    break
                j = end
                continue
            end = j + 1
            if s[j] == "(" and m.group(1) == "sqrt":  # plain text "sqrt(2)": the parentheses hold it
                end = _group_end(s, j, "()") or len(s)
            elif s[j] == "\\":
                while end < len(s) and s[end].isalpha():
                    end += 1
            s = s[:j] + "{" + s[j:end] + "}" + s[end:]
            j = end + 2
    return s


def _unwrap_outer(s: str) -> str:
    """Strip ``$...$``, ``\\(...\\)``, ``\\[...\\]`` and a ``\\boxed{}`` wrapping the whole answer."""
    for _ in range(4):
        s = s.strip()
        if s.startswith("*"):
            s = s.strip("*").strip()  # markdown bold around the answer: **42**
        before = s
        if s.startswith("$") and s.endswith("$") and len(s) > 1:
            s = s.strip("$")
        elif s.startswith("\\(") and s.endswith("\\)"):
            s = s[2:-2]
        elif s.startswith("\\[") and s.endswith("\\]"):
            s = s[2:-2]
        elif (box := _BOX_OPEN.match(s)) and _group_end(s, box.end() - 1) == len(s):
            s = s[box.end() : -1]  # the box is the whole answer (not "\\boxed{5}^2")
        if s == before:
            break
    return s.strip()


def _unwrap_commands(s: str) -> str:
    """Replace ``\\text{X}`` and similar wrappers by ``X`` (balanced braces)."""
    for _ in range(20):
        m = _WRAPPERS.search(s)
        if not m:
            break
        depth, end = 1, None
        for i in range(m.end(), len(s)):
            if s[i] == "{":
                depth += 1
            elif s[i] == "}":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        if end is None:
            break
        s = s[: m.start()] + s[m.end() : end] + s[end + 1 :]
    return s


def _strip_units(pattern: re.Pattern, s: str, found: list[str]) -> str:
    """Remove the unit ``pattern`` matches from ``s``, recording what was removed in ``found``."""
    return pattern.sub(lambda m: found.append(m.group(0)) or "", s)


def _drop_integer_declaration(s: str) -> str:
    """``\\frac{\\pi}{2} + k\\pi, k \\in \\mathbb{Z}`` -> ``\\frac{\\pi}{2} + k\\pi`` (when k is in what is left)."""
    m = _INTEGER_DECLARATION.search(s)
    if m is None:
        return s
    head = s[: m.start()]
    name = m.group("a") or m.group("b") or m.group("c")
    return head if re.search(rf"(?<![\\A-Za-z]){name}(?![A-Za-z])", head) else s


# Answers written as several math segments: "$1$ and $2$", "$21,16$ or $11$".
_JOINED_SEGMENTS = re.compile(r"\$\s*(?:,|;|and|or)\s*\$")
# "(11,7)or(7,11)": "or" between two bracketed answers, without spaces.
# "\\\\le" (an escaped backslash left in the text) before a command name is that command.
_DOUBLED_BACKSLASH = re.compile(r"\\\\(?=(?:le|ge|leq|geq|frac|dfrac|sqrt|cdot|times|pi|text|boxed|in|infty)\b)")
_INNER_SEGMENT = re.compile(r"\$([^$]+)\$")
_GLUED_OR = re.compile(r"(?<=[)\]}])\s*(?:or|and)\s*(?=[(\[{])")


# A clock time with a.m./p.m. ("8:34 PM", "08:34 \\text{P.M.}"): the same time on a 24-hour clock, with
# seconds so that it can never be read as a ratio ("20:34:00"; _compare reads clock times).
_HALF_DAY = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?\s*(?:\\text\s*\{\s*)?([AaPp])\.?\s*[Mm]\.?\s*\}?$")


def _day_clock(m: re.Match) -> str:
    hour = int(m.group(1))
    if not 1 <= hour <= 12:
        return m.group(0)  # "13:00 pm", "0:30 am": not a 12-hour reading; left as written
    hour = hour % 12 + (12 if m.group(4) in "Pp" else 0)
    return f"{hour:02d}:{m.group(2)}:{m.group(3) or '00'}"


# An interval in the notation of French and other European schools: "]2, 6]" is (2, 6], "[0, 1[" is
# [0, 1); a union of them too ("]-\\infty,-1[ \\cup ]1,+\\infty["). Only an answer made of such intervals.
_EURO_INTERVAL = re.compile(r"([\[\]])\s*([^\[\](){}]+?)\s*[,;]\s*([^\[\](){}]+?)\s*([\[\]])")
_EURO_OPEN = re.compile(r"(?:^|\\in|\\cup|∪|\bU\b)\s*\]|\[\s*(?:$|\\cup|∪|\bU\b)")
MEMBER = re.compile(r"^\s*[A-Za-z]\s*\\in\s*")  # "x \\in ...": membership (also read by _realsets)
_UNION_SPLIT = re.compile(r"\s*(?:\\cup|∪|\bU\b)\s*")


def _euro_intervals(s: str) -> str:
    member = MEMBER.match(s)  # "x \\in ]2, 6]"
    head, body = (member.group(0), s[member.end():]) if member else ("", s)
    parts = _UNION_SPLIT.split(body.strip())
    found = [_EURO_INTERVAL.fullmatch(p) for p in parts]
    if not all(found) or not any(m.group(1) == "]" or m.group(4) == "[" for m in found):
        return s
    return head + " \\cup ".join(("(" if m.group(1) == "]" else "[") + m.group(2) + ", " + m.group(3) + (")" if m.group(4) == "[" else "]")
                          for m in found)


_APPROX_LEAD = re.compile(r"^\s*(?:≈|\\approx)\s*|\s*[✓✔✅]+\s*$")  # "≈ 3.16": approximately; "7 ✓": a check mark


_NUMERIC_DOUBLE_FACTORIAL = re.compile(r"(?<![\w.)}])(\d{1,3})!!(?!!)")


def _double_factorial(m: re.Match) -> str:
    """``n!! = n (n - 2) (n - 4) ...`` for a whole number written before "!!" (up to 300)."""
    n = int(m.group(1))
    return m.group(0) if n > 300 else f"({int(double_fact(Fraction(n)))})"


_LIST_COMMA = re.compile(r",(?!\d{3}(?!\d))")  # a comma between items, not one grouping thousands ("1,000%")
_PERCENT_ITEM = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*\\?%")
# Set-builder notation over the reals whose condition is an inequality: "\\{x \\mid x < 2\\}",
# "\\{y : 0 \\le y \\le 4\\}", "\\{x \\in \\mathbb{R} \\mid x < 2\\}" (after the reals are written as an interval).
_SET_BUILDER = re.compile(r"^\\\{([A-Za-z])(?:\\in\(-\\infty,\\infty\))?(?:\\mid|:|\|)([^{}|,;]+)\\\}$")
_BUILDER_RELATION = re.compile(r"<|>|\\[lg]eq?(?![A-Za-z])")


def normalize(answer: str) -> Normalized:
    """Return the canonical text of one bare answer (not a whole response)."""
    # Runs of whitespace are one space from the start: later patterns never see 2,000 spaces in a row.
    s = _DOUBLED_BACKSLASH.sub(r"\\", _SPACES.sub(" ", _ZERO_WIDTH.sub("", plain_text(answer))))
    s = number_phrase(s) or _APPROX_LEAD.sub("", s)  # "seven", "\\text{zero}", "negative infinity"; "≈ 3.16"
    if ("]" in s or "[" in s) and (_EURO_OPEN.search(s) or s.rstrip().endswith("[")):
        s = _euro_intervals(s)
    s = _JOINED_SEGMENTS.sub(", ", s)
    s = _GLUED_OR.sub(", ", s)
    if "**" in s:
        s = _PY_POWER.sub("^", s).replace("**", "")
    s = _HALF_DAY.sub(_day_clock, _unwrap_outer(s).strip())
    if s.count("$") == 2:
        s = _INNER_SEGMENT.sub(r"\1", s)  # "$125$ miles": the maths and the unit after it
    s = _LEAD_WORDS.sub("", s)
    for old, new in _REPLACE:
        s = s.replace(old, new)
    s = _PLAIN_BINOM.sub(_binom, s)
    s = _NOT_EQUAL.sub(r"\\ne ", s)
    if _PLAIN_GREEK.search(s):
        s = _PLAIN_GREEK.sub(r"\\\1 ", s)  # before the functions: "cos theta" is \cos \theta
    s = _PLAIN_COMMANDS.sub(lambda m: "\\" + m.group(m.lastindex), _PLAIN_ARC.sub(r"\\arc\1", s))
    if "bs" in s:
        s = _rewrite_calls(s, _PLAIN_ABS, lambda a: "|" + a + "|")
    if "in" in s or "oo" in s or "In" in s:
        s = _PLAIN_MEMBER.sub(r"\1 \\in ", _PLAIN_INFINITY.sub(r"\\infty ", s))
    if "log_" in s:
        s = _PLAIN_LOG_BASE.sub(r"\\log", s)
    if "factorial" in s:
        s = _rewrite_calls(s, _PLAIN_FACTORIAL, lambda a: "(" + a + ")!")
    if "^" in s:
        s = _power_towers(s)
    if "^(" in s:
        s = _braced_exponents(s)
    s = s.replace(",", "").replace("\\!", "") if _THIN_GROUPS.match(s.strip()) else _THIN_COMMA.sub(",", s)
    s = _LETTER_UNION.sub(r"\\cup ", s)
    s = _BACKSLASH_SPACE.sub(" ", s)
    for token in _DELETE:
        s = s.replace(token, "")
    if "csc" in s or "sec" in s or "cot" in s or "arc" in s or "sinh" in s or "cosh" in s or "tanh" in s:
        s = _reciprocal_functions(s)
    s = _LE_GE.sub(lambda m: "\\" + m.group(1) + "q", s)
    s = _drop_integer_declaration(s)
    if _TRIG.search(s):
        # \sin 60^\circ: an angle inside a trig function becomes radians, the value is plain.
        s = _TRIG_DEGREES.sub(r"(\\frac{\1\\pi}{180})", s)
    degrees = bool(_DEGREE.search(s))
    s = _DEGREE.sub("", s)
    if "<" in s or ">" in s or "\\le" in s or "\\ge" in s or "≤" in s or "≥" in s:
        s = _both_bounds(s)  # before "and" and "or" become a list's comma
    s = _SEPARATOR_WORDS.sub(", ", s)
    if "%" in s and "," in s and not all("%" in item for item in _LIST_COMMA.split(s)):
        # "\\frac{1}{4}, or 25\\%": a percentage among other values is that value over 100
        s = _PERCENT_ITEM.sub(r"\\frac{\1}{100}", s)
    percent = "%" in s
    s = s.replace("\\%", "").replace("%", "")
    units: list[str] = ["dollar"] if _DOLLARS.match(answer.strip()) else []  # "\\$18": dollars (not 18 cents)
    s = _TEXT_NUMBER_UNIT.sub(lambda m: units.append(m.group(2)) or m.group(1), s)
    s = _strip_units(_TEXT_UNIT, s, units)
    s = _strip_units(_END_TEXT_UNIT, s, units)
    if "..." in s or "…" in s or "dots" in s:
        s = DOTTED_REPEAT.sub(_dotted_repeat, s)
    s = _REPEATING.sub(_repeating, s)
    s = _ORDINAL.sub("", s)
    s = _unwrap_commands(s)
    s = _SPACES.sub(" ", s).strip()
    s = _LEAD_WORDS.sub("", s)  # "\\text{The answer is } 5" inside a box
    s = _strip_units(PLAIN_UNIT, s, units).strip()
    s = _strip_units(GLUED_UNIT, s, units).strip()
    s = _strip_units(CJK_UNIT, s, units).strip()
    s = _strip_units(_PROSE_UNIT, s, units).strip()
    s = s.rstrip(".").strip()
    if s.endswith("\\") and not s.endswith("\\\\"):
        s = s[:-1].strip()  # "185\\": a stray backslash after the answer
    s = _PLAIN_MIXED.sub(r"\1\\frac{\2}{\3}", s)
    if "!!" in s:
        s = _NUMERIC_DOUBLE_FACTORIAL.sub(_double_factorial, s)  # "5!!" is 15, not (5!)! = 120!
    if "≈" in s:
        head, _sep, rest = s.partition("≈")
        # "2\\sqrt{2} \\approx 2.83": the exact form comes first; "x \\approx 11": the value follows the name
        s = rest.split("≈")[0].strip() if _APPROX_NAME.match(head.strip()) and rest.strip() else head.strip() or s
    s = _SEMICOLON_PAIR.sub(r"\1\2,\3\4", s)  # "[2; 5)": the separator of intervals and pairs in Russian
    s = _brace_args(s)
    s = _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), s)
    s = _SPACE.sub(_drop_space, s)
    if s.startswith("+") and len(s) > 1:
        s = s[1:]
    builder = _SET_BUILDER.match(s)
    if (builder and _BUILDER_RELATION.search(builder.group(2))
            and re.search(rf"(?<![\\A-Za-z]){builder.group(1)}(?![A-Za-z])", builder.group(2))):
        s = builder.group(2)  # "\\{y \\mid 0 \\le y \\le 4\\}": the numbers that satisfy the condition
    return Normalized(_unwrap_outer(s), percent, degrees, unit_key(units))
