"""Stage 1: pull the final answer out of a model response (boxed, "answer is", letter, last number)."""

from __future__ import annotations

import re

__all__ = ["extract", "find_boxed", "MAX_ANSWER_CHARS"]

# An extracted answer longer than this is not a competition answer; callers treat it as unparseable.
MAX_ANSWER_CHARS = 2000
# Only the tail of a response is scanned by the regex fallbacks, so a 10 MB string stays cheap.
_TAIL_CHARS = 4000

_BOX_COMMANDS = ("\\boxed", "\\fbox")
_ANSWER_IS = re.compile(
    r"(?:final\s+answer|the\s+answer|answer)\s*(?:is|:|=)\s*[:\s]*(.+?)\s*(?:$|\n)",
    re.IGNORECASE,
)
_LETTER = re.compile(r"(?<![A-Za-z\\])\(?([A-E])\)(?![A-Za-z])|\b(?:option|choice)\s*\(?([A-E])\b")
_WORD = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{4,}")
_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?")


def _braced(text: str, start: int) -> tuple[str, int] | None:
    """Return the content of the balanced ``{...}`` opening at ``start`` and the index after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif ch == "}" and (i == 0 or text[i - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
    return None


def find_boxed(text: str) -> str | None:
    """Content of the last ``\\boxed{...}`` or ``\\fbox{...}`` (nested braces honoured), else None."""
    best = -1
    for cmd in _BOX_COMMANDS:
        pos = text.rfind(cmd)
        while pos != -1:
            after = pos + len(cmd)
            # \boxed{...} or "\boxed 5" (space form); skip \boxedfoo-like macros.
            if after < len(text) and (text[after] == "{" or text[after] == " "):
                break
            pos = text.rfind(cmd, 0, pos)
        best = max(best, pos) if pos != -1 else best
    if best == -1:
        return None
    cmd = next(c for c in _BOX_COMMANDS if text.startswith(c, best))
    after = best + len(cmd)
    if text[after] == " ":
        m = re.match(r"\s*([^\s$]+)", text[after : after + 200])
        return m.group(1) if m else None
    found = _braced(text, after)
    return found[0].strip() if found else None


def _answer_line(tail: str) -> str | None:
    matches = list(_ANSWER_IS.finditer(tail))
    if not matches:
        return None
    ans = matches[-1].group(1).strip()
    ans = re.sub(r"^\$+|\$+$", "", ans).strip()
    ans = ans.rstrip(".").strip()
    return ans or None


def extract(text: str, *, choices=None, last_number: bool = True) -> str | None:
    """Return the final answer of a model response, or None when there is none.

    Order: the last ``\\boxed{}``/``\\fbox{}``; else an "answer is ..." / "Answer: ..." line; else, when
    ``choices`` is given (multiple choice), the last option letter like ``(C)``; else, if
    ``last_number``, the last number in the text.

    >>> extract(r"so $x = \\boxed{\\frac{1}{2}}$.")
    '\\\\frac{1}{2}'
    """
    if not isinstance(text, str):
        return None
    boxed = find_boxed(text)
    if boxed is not None:
        return boxed or None
    tail = text[-_TAIL_CHARS:]
    line = _answer_line(tail)
    if line is not None:
        return line
    if choices:
        letters = [m.group(1) or m.group(2) for m in _LETTER.finditer(tail)]
        if letters:
            return letters[-1]
    stripped = tail.strip()
    if len(stripped) <= 200 and "\n" not in stripped and not _WORD.search(stripped):
        # A bare answer such as "3\sqrt{2}" or "(1, 2]": return it whole.
        return stripped.strip("$").strip() or None
    if last_number:
        nums = _NUMBER.findall(tail)
        if nums:
            return nums[-1]
    return None
