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


_DELETE = (
    "\\displaystyle", "\\textstyle", "\\left", "\\right", "\\bigl", "\\bigr", "\\Bigl", "\\Bigr",
    "\\big", "\\Big", "\\!", "\\,", "\\;", "\\:", "\\quad", "\\qquad", "\\$", "\\limits",
)
_REPLACE = (
    ("\\dfrac", "\\frac"), ("\\tfrac", "\\frac"), ("\\cfrac", "\\frac"), ("{,}", ","), ("\\ ", " "),
    ("~", " "), ("−", "-"), ("–", "-"), ("×", "\\times "), ("·", "\\cdot "), ("π", "\\pi "),
    ("∞", "\\infty "), ("√", "\\sqrt"), ("\\infin", "\\infty"), ("\\lbrace", "\\{"),
    ("\\rbrace", "\\}"), ("\\lbrack", "["), ("\\rbrack", "]"), ("\\le ", "\\leq "),
    ("\\ge ", "\\geq "), ("\\neq", "\\ne"), ("\\varpi", "\\pi"), ("\\operatorname{", "\\mathrm{"),
    ("\\tan^{-1}", "\\arctan"), ("\\sin^{-1}", "\\arcsin"), ("\\cos^{-1}", "\\arccos"),
)
_DEGREE = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree|\^\s*\{\s*o\s*\}")
_UNIT_WORDS = (
    r"units?|square\s+units|sq\.?\s*units|cm|mm|km|m|meters?|metres?|centimeters?|kilometers?|"
    r"inches|inch|in|feet|foot|ft|yards?|miles?|mi|mph|hours?|hrs?|minutes?|mins?|seconds?|secs?|s|"
    r"days?|weeks?|months?|years?|dollars?|cents?|degrees?|deg|radians?|rad|kg|g|grams?|pounds?|lbs?|"
    r"liters?|litres?|l|ml|gallons?|people|persons?|students?|ways|points?|percent|sq\s*ft|sq\s*in"
)
_TEXT_UNIT = re.compile(
    r"(?<=[\d}\)\s])\s*\\(?:text|mbox|mathrm|textrm)\s*\{\s*(?:" + _UNIT_WORDS + r")\s*\.?\s*\}"
    r"(?:\s*\^\s*\{?\s*[23]\s*\}?)?"
)
_PLAIN_UNIT = re.compile(r"(?<=[\d}\)])\s+(?:" + _UNIT_WORDS + r")\.?(?:\s*\^\s*\{?\s*[23]\s*\}?)?\s*$")
_WRAPPERS = re.compile(r"\\(?:text|textbf|textit|mathrm|mathbf|mathit|mbox|textrm|boldsymbol|bf|rm)\s*\{")
_FRAC_SHORT = re.compile(r"\\frac\s*([0-9a-zA-Z])\s*([0-9a-zA-Z])")
_FRAC_HALF_L = re.compile(r"\\frac\s*([0-9a-zA-Z])\s*\{")
_FRAC_HALF_R = re.compile(r"\\frac\s*(\{[^{}]*\})\s*([0-9a-zA-Z])")
_SQRT_SHORT = re.compile(r"\\sqrt\s*([0-9a-zA-Z])")
_SPACES = re.compile(r"\s+")
_SPACE_DROP = re.compile(r"(?<![A-Za-z])\s+|\s+(?![A-Za-z])")
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
    for token in _DELETE:
        s = s.replace(token, "")
    s = _DEGREE.sub("", s)
    percent = "%" in s
    s = s.replace("\\%", "").replace("%", "")
    s = _TEXT_UNIT.sub("", s)
    s = _unwrap_commands(s)
    s = _SPACES.sub(" ", s).strip()
    s = _PLAIN_UNIT.sub("", s).strip()
    s = s.rstrip(".").strip()
    s = _FRAC_SHORT.sub(r"\\frac{\1}{\2}", s)
    s = _FRAC_HALF_L.sub(r"\\frac{\1}{", s)
    s = _FRAC_HALF_R.sub(r"\\frac\1{\2}", s)
    s = _SQRT_SHORT.sub(r"\\sqrt{\1}", s)
    s = _SPACE_DROP.sub("", s)
    if s.startswith("+") and len(s) > 1:
        s = s[1:]
    return Normalized(_unwrap_outer(s), percent)
