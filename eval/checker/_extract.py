"""Stage 1: pull the final answer out of a model response (boxed, "answer is", letter, last number)."""

from __future__ import annotations

import re

from ._prose import prose_answer

__all__ = ["extract", "find_boxed", "MAX_ANSWER_CHARS"]

# An extracted answer longer than this is not a competition answer; callers treat it as unparseable.
MAX_ANSWER_CHARS = 2000
# Only the tail of a response is scanned by the regex fallbacks, so a 10 MB string stays cheap.
_TAIL_CHARS = 4000
# Texts up to this size that are one line of maths with no words are taken whole as the answer.
_BARE_MAX_CHARS = 100_000
# A braced group is scanned this far at most; an unclosed \boxed{ in a 10 MB string stays cheap.
_MAX_BRACED = 20_000

_BOX_COMMANDS = ("\\boxed", "\\fbox")
_ANSWER_IS = re.compile(
    r"(?:final\s+answer|the\s+answer|answer)[*_}]*\s*(?:is|:|=)\s*[:*_}\s]*(.+?)\s*(?:$|\n)",
    re.IGNORECASE,
)
_LETTER = re.compile(r"(?<![A-Za-z\\])\(?([A-E])\)(?![A-Za-z])|\b(?:option|choice)\s*\(?([A-E])\b")
# A bare option letter followed by a value: "(C) 5", "\\textbf{(C)} 5".
_LETTER_VALUE = re.compile(r"^(?:\\textbf\{)?\(([A-E])\)\}?\s*[^\s.,;:]")
_WORD = re.compile(r"(?<![\\A-Za-z{])[A-Za-z]{4,}")
_INLINE_MATH = re.compile(r"\$\$?([^$]+)\$\$?|\\\((.+?)\\\)")
# Plain English after an answer ("12 apples", "5 since ..."): cut there.
_TRAILING_WORDS = re.compile(r"\s+(?<![\\])[A-Za-z]{3,}\b.*$")
_MATH_SEGMENT = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.S)
_HASHES = re.compile(r"^\s*####\s*(.+?)\s*$", re.M)
_SHORT_WORD = re.compile(r"(?:^|(?<=\s))(?!(?:and|or)\b)[A-Za-z]{2,3}(?=\s)")
_SINGLE_WORD = re.compile(r"^[A-Za-z]{1,20}$")
_NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?")
# "Final Answer: The final answer is 5": the label repeated inside the captured answer.
_LEAD_LABEL = re.compile(r"^(?:the\s+)?(?:final\s+)?answer\s*(?:is|:)\s*", re.IGNORECASE)
# A sentence ends at a period followed by a space ("5. I hope it is correct."); "3.5" does not.
_SENTENCE_END = re.compile(r"(?<!\\)\.\s")
# "3 (not 13)", "5 (mod 7)": an aside in parentheses after the answer.
_ASIDE = re.compile(r"\s+\([A-Za-z]{3,}[^()]*\)\s*$")
# An answer line that is a sentence ("The total cost is $18") rather than an answer.
_PROSE_START = re.compile(r"^[A-Za-z]{3,}\s|^[A-Za-z]+\s+[A-Za-z]{2,}\s")
# Markdown emphasis around an answer or a label: **42**, __42__, *42*.
_EMPHASIS = "*_"


def _braced(text: str, start: int) -> tuple[str, int] | None:
    """Return the content of the balanced ``{...}`` opening at ``start`` and the index after it."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    for i in range(start, min(len(text), start + _MAX_BRACED)):
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
    ans = _strip_emphasis(matches[-1].group(1))
    if ans in ("\\[", "$$", "\\("):  # "Answer:" then a display block on the next lines
        block = _MATH_SEGMENT.match(tail, matches[-1].start(1))
        return block and next(g for g in block.groups() if g is not None).strip() or None
    ans = _strip_emphasis(_LEAD_LABEL.sub("", ans))
    math = _INLINE_MATH.search(ans)
    if math:
        ans = math.group(1) or math.group(2)
    else:
        ans = _SENTENCE_END.split(ans, maxsplit=1)[0]
        ans = _ASIDE.sub("", ans)
        ans = ans.strip("$").strip()
        if _PROSE_START.match(ans):
            # "Answer: The total cost is $18." -- a sentence: the maths after its copula, else its
            # last number (or the maths holding it) is the answer.
            stated = prose_answer(ans)
            if stated is not None:
                return stated
            nums = list(_NUMBER.finditer(ans))
            if nums:
                return _last_math_holding(ans, nums[-1]) or nums[-1].group(0)
        words = _TRAILING_WORDS.search(ans)
        if words and words.start() > 0:
            ans = ans[: words.start()]
    ans = _strip_emphasis(ans.rstrip(".").strip())
    return ans or None


def _strip_emphasis(text: str) -> str:
    """Drop markdown emphasis and trailing punctuation around an answer ("**(B)**." -> "(B)", "12," -> "12")."""
    for _ in range(3):
        text = text.strip().strip(_EMPHASIS).strip().rstrip(".,;").strip()
    return text


def extract(text: str, *, choices=None, last_number: bool = True) -> str | None:
    """Return the final answer of a model response, or None when there is none.

    Only the text after a closing ``</think>`` counts when there is any (boxes while thinking are
    drafts). Order: the last ``\\boxed{}``/``\\fbox{}``; else a GSM8K-style ``#### 42`` line; else an
    "answer is ..." / "Answer: ..." line (markdown bold, a repeated label, a trailing sentence or aside
    removed); else, when ``choices`` is given (multiple choice), the last option letter like ``(C)``;
    else, if ``last_number``, the last number in the text.

    >>> extract(r"so $x = \\boxed{\\frac{1}{2}}$.")
    '\\\\frac{1}{2}'
    """
    if not isinstance(text, str):
        return None
    # A reasoning model's final answer follows its thinking: boxes inside <think> are drafts.
    head, sep, after = text.rpartition("</think>")
    if sep and after.strip():
        text = after
    boxed = find_boxed(text)
    if boxed is not None:
        return boxed or None
    # An escaped dollar is a currency sign, not a math delimiter ("is $\\$12.50$").
    tail = text[-_TAIL_CHARS:].replace("\\$", "").replace("−", "-")
    hashes = _HASHES.findall(tail)
    if hashes:
        return hashes[-1].strip().strip("$").rstrip(".").strip() or None
    line = _answer_line(tail)
    if line is not None:
        return line
    if choices:
        bare = _letter_with_value(text)
        if bare is not None:
            return bare
        letters = [m.group(1) or m.group(2) for m in _LETTER.finditer(tail)]
        if letters:
            return letters[-1]
    if len(text) <= _BARE_MAX_CHARS:
        stripped = text.strip()
        if _SINGLE_WORD.match(stripped) or _looks_bare(stripped):
            # A bare answer such as "3\sqrt{2}" or "(1, 2]": return it whole (callers bound its length).
            return stripped.strip("$").strip() or None
    # A closing sentence: "There are 144 ways ...", "The sum is given by (n^2 - 3n) / 2."
    stated = prose_answer(tail)
    if stated is not None:
        return stated
    if last_number:
        nums = list(_NUMBER.finditer(tail))
        if nums:
            math = _last_math_holding(tail, nums[-1])
            return math if math is not None else nums[-1].group(0)
    return None


def _letter_with_value(text: str) -> str | None:
    """A bare "(C) 5" / "(C) $5$" answer, whole: the letter and the value written with it are checked together."""
    stripped = text.strip()
    if len(stripped) > 200 or not _LETTER_VALUE.match(stripped):
        return None
    rest = stripped.replace("$", "")
    return rest.strip() if _looks_bare(rest.strip()) else None


def _looks_bare(text: str) -> bool:
    """One line of maths with no prose: no long words, no short words like "So", "$" only around it."""
    if "\n" in text or _WORD.search(text) or _SHORT_WORD.search(text):
        return False
    inner = text[1:-1] if text.startswith("$") and text.endswith("$") else text
    return "$" not in inner.strip("$")


def _last_math_holding(tail: str, number: re.Match) -> str | None:
    """The last ``$...$`` / ``\\[...\\]`` segment when it holds the last number ("so $x = \\frac{1}{2}$.")."""
    segments = list(_MATH_SEGMENT.finditer(tail))
    if not segments:
        return None
    seg = segments[-1]
    if seg.start() <= number.start() and number.end() <= seg.end():
        content = next(g for g in seg.groups() if g is not None).strip()
        return content if 0 < len(content) <= 200 else None
    return None
