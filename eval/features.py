"""Response features shared by every caller: reasoning steps and length of a model response.

Rewards, eval metrics, DPO pair building and the selection engine's self-aware difficulty all count
steps with :func:`count_steps`, so one response always has one step count.
"""

from __future__ import annotations

import re

__all__ = ["count_steps", "count_tokens"]

# "Step 3", "**Step 3:**", "### Step 3.", "step 3)" at the start of a line; inside a line only with its
# colon ("... Step 2: ..."), so that "as in step 2 we" or "(see step 1)" in prose is not a step of its own.
_STEP_MARKER = re.compile(r"^[\s#*>_-]*step\s*\d+\b|\bstep\s*\d+\s*:", re.IGNORECASE | re.MULTILINE)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
# A sentence ends at . ! or ? followed by white space or the end (so 3.14 and e.g. x.y do not).
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")


def count_steps(text: str | None) -> int:
    """Number of reasoning steps in a response, by the first rule that applies.

    1. Numbered step markers: their count. At a line start any "Step 1", "**Step 2:**", "### Step 3";
       inside a line with their colon ("... Step 2: ... Step 3: ...").
    2. Several paragraphs separated by blank lines: the number of non-empty paragraphs.
    3. One paragraph on several lines: the number of non-empty lines.
    4. One line: the number of sentence ends (``.``, ``!``, ``?`` before white space or the end),
       at least 1 for any non-blank text.
    Empty or blank text (or None) has 0 steps.

    Examples:
        >>> count_steps("Step 1: 2 + 2 = 4.\\nStep 2: 4 * 3 = 12.\\nAnswer: 12")
        2
        >>> count_steps("Step 1: add. Step 2: multiply. Step 8: done.")
        3
        >>> count_steps("First, factor.\\n\\nThen solve x = 2.\\n\\nSo the answer is 2.")
        3
        >>> count_steps("x + 1 = 3\\nx = 2\\n\\\\boxed{2}")
        3
        >>> count_steps("Since 3.5 * 2 = 7, the answer is 7. Done!")
        2
        >>> count_steps("\\\\boxed{7}")
        1
        >>> count_steps("   ")
        0
    """
    if text is None or not text.strip():
        return 0
    markers = _STEP_MARKER.findall(text)
    if markers:
        return len(markers)
    paragraphs = [p for p in _BLANK_LINE.split(text) if p.strip()]
    if len(paragraphs) > 1:
        return len(paragraphs)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1:
        return len(lines)
    return max(1, len(_SENTENCE_END.findall(text.strip())))


def count_tokens(text: str | None, tokenizer=None) -> int:
    """Length of a response: tokens of ``tokenizer`` (anything with ``encode``), else white-space words."""
    if not text:
        return 0
    if tokenizer is not None:
        return len(tokenizer.encode(text, add_special_tokens=False))
    return len(text.split())
