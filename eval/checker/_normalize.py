"""Stage 2: canonical LaTeX text for an answer (wrappers, spacing, units, degrees, percent removed)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._extract import find_boxed

__all__ = ["Normalized", "normalize"]


@dataclass(frozen=True)
class Normalized:
    """An answer as canonical text, plus whether it carried a percent sign."""

    text: str
    percent: bool = False
    degrees: bool = False


_DELETE = (
    "\\displaystyle", "\\textstyle", "\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
    "\\big", "\\Big", "\\!", "\\,", "\\;", "\\:", "\\quad", "\\qquad", "\\$", "\\limits",
)
_REPLACE = (
    ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"), ("{,}", ","),
    ("~", " "), ("−", "-"), ("–", "-"), ("×", "\\times "), ("·", "\\cdot "), ("π", "\\pi "),
    ("∞", "\\infty "), ("√", "\\sqrt"), ("\\infin", "\\infty"), ("\\lbrace", "\\{"),
    ("\\rbrace", "\\}"), ("\\lbrack", "["), ("\\rbrack", "]"), ("≤", "\\leq "),
    ("≥", "\\geq "), ("\\leqslant", "\\leq"), ("\\geqslant", "\\geq"), ("\\neq", "\\ne"), ("\\varpi", "\\pi"), ("\\operatorname{", "\\mathrm{"),
    ("\\langle", "("), ("\\rangle", ")"), ("⟨", "("), ("⟩", ")"), ("\\approx", "≈"), ("\\simeq", "≈"),
    ("\\mathbb{R}", "(-\\infty,\\infty)"), ("\\varnothing", "\\{\\}"), ("\\emptyset", "\\{\\}"),
    ("\\tan^{-1}", "\\arctan"), ("\\sin^{-1}", "\\arcsin"), ("\\cos^{-1}", "\\arccos"),
)
_DEGREE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree|\^\s*\{\s*o\s*\}")
def _repeating(m: re.Match) -> str:
    """0.1\\overline{6} -> \\frac{1}{6} (exact value of a repeating decimal)."""
    whole, fixed, rep = m.group(1) or "0", m.group(2), m.group(3)
    a = int(whole + fixed + rep) - int(whole + fixed)
    b = (10 ** len(rep) - 1) * 10 ** len(fixed)
    return f"\\frac{{{a}}}{{{b}}}"


_UNIT_WORDS = (
    r"units?|square\s+units|sq\.?\s*units|cm|mm|km|m|meters?|metres?|centimeters?|kilometers?|"
    r"inches|inch|in|feet|foot|ft|yards?|miles?|mi|mph|hours?|hrs?|minutes?|mins?|seconds?|secs?|s|"
    r"days?|weeks?|months?|years?|dollars?|cents?|degrees?|deg|radians?|rad|kg|g|grams?|pounds?|lbs?|"
    r"liters?|litres?|l|ml|gallons?|people|persons?|students?|ways|points?|percent|sq\s*ft|sq\s*in"
)
# Any \text{words} right after a number is a unit ("5\text{ km/h}", "7\text{th}").
_TEXT_UNIT = re.compile(
    r"(?<=[\d}\)\s])\s*\\(?:text|mbox|mathrm|textrm)\s*\{\s*[A-Za-z][A-Za-z\s./-]*\}"
    r"(?:\s*\^\s*\{?\s*[23]\s*\}?)?"
)
_LE_GE = re.compile(r"\\(le|ge)(?![a-zA-Z])")
_SEPARATOR_WORDS = re.compile(r"\s*(?:\\text\{\s*(?:and|or)\s*\}|,?\s+(?:and|or)\s+)\s*")
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_REPEATING = re.compile(r"(\d*)\.(\d*)\\overline\{(\d+)\}")
_PLAIN_UNIT = re.compile(r"(?<=[\d}\)])\s+(?:" + _UNIT_WORDS + r")\.?(?:\s*\^\s*\{?\s*[23]\s*\}?)?\s*$")
_WRAPPERS = re.compile(r"\\(?:overline|text|textbf|textit|mathrm|mathbf|mathit|mbox|textrm|boldsymbol|bf|rm)\s*\{")
_FRAC_SHORT = re.compile(r"\\frac\s*([0-9a-zA-Z])\s*([0-9a-zA-Z])")
_FRAC_HALF_L = re.compile(r"\\frac\s*([0-9a-zA-Z])\s*\{")
_FRAC_HALF_R = re.compile(r"\\frac\s*(\{[^{}]*\})\s*([0-9a-zA-Z])")
_SQRT_SHORT = re.compile(r"\\sqrt\s*([0-9a-zA-Z])")
_SPACES = re.compile(r"\s+")
_BACKSLASH_SPACE = re.compile(r"(?<!\\)\\ ")
_SPACE = re.compile(r"(?<=(.))\s+(?=(.))")


def _drop_space(m: re.Match) -> str:
    """Keep a space only where dropping it would merge two words or two numbers."""
    a, b = m.group(1), m.group(2)
    return " " if (a.isalpha() and b.isalpha()) or (a.isdigit() and b.isdigit()) else ""
_LEAD_WORDS = re.compile(r"^(?:the\s+)?(?:final\s+)?(?:answer|value|result)\s*(?:is|:|=)\s*", re.I)


def _unwrap_outer(s: str) -> str:
    """Strip ``$...$``, ``\\(...\\)``, ``\\[...\\]`` and a ``\\boxed{}`` wrapping the whole answer."""
    for _ in range(4):
        s = s.strip()
        before = s
        if s.startswith("$") and s.endswith("$") and len(s) > 1:
            s = s.strip("$")
        elif s.startswith("\\(") and s.endswith("\\)"):
            s = s[2:-2]
        elif s.startswith("\\[") and s.endswith("\\]"):
            s = s[2:-2]
        elif s.startswith(("\\boxed", "\\fbox")):
            inner = find_boxed(s)
            if inner is not None:
                s = inner
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


def normalize(answer: str) -> Normalized:
    """Return the canonical text of one bare answer (not a whole response)."""
    s = _unwrap_outer(answer)
    s = _LEAD_WORDS.sub("", s)
    for old, new in _REPLACE:
        s = s.replace(old, new)
    s = _BACKSLASH_SPACE.sub(" ", s)
    for token in _DELETE:
        s = s.replace(token, "")
    s = _LE_GE.sub(lambda m: "\\" + m.group(1) + "q", s)
    degrees = bool(_DEGREE.search(s))
    s = _DEGREE.sub("", s)
    s = _SEPARATOR_WORDS.sub(",", s)
    percent = "%" in s
    s = s.replace("\\%", "").replace("%", "")
    s = _TEXT_UNIT.sub("", s)
    s = _REPEATING.sub(_repeating, s)
    s = _ORDINAL.sub("", s)
    s = _unwrap_commands(s)
    s = _SPACES.sub(" ", s).strip()
    s = _PLAIN_UNIT.sub("", s).strip()
    s = s.rstrip(".").strip()
    if "≈" in s:
        s = s.split("≈")[0].strip() or s  # "2\\sqrt{2} \\approx 2.83": the exact form comes first
    s = _FRAC_SHORT.sub(r"\\frac{\1}{\2}", s)
    s = _FRAC_HALF_L.sub(r"\\frac{\1}{", s)
    s = _FRAC_HALF_R.sub(r"\\frac\1{\2}", s)
    s = _SQRT_SHORT.sub(r"\\sqrt{\1}", s)
    s = _SPACE.sub(_drop_space, s)
    if s.startswith("+") and len(s) > 1:
        s = s[1:]
    return Normalized(_unwrap_outer(s), percent, degrees)
