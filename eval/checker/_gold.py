"""Stage 0: what kind of answer a gold is, and which forms of it count.

Real answer keys are not always one bare value. They carry notes ("100 (i.e., all values)"),
alternatives ("C(10, 5), or equivalently 252"), approximations ("5/14, or approximately 35.7%"),
sentences ("The limit exists and is equal to 4", "3 is the only possible value") and words ("No",
"The sequence does not exist"). ``read_gold`` turns a gold into the answers that count and its kind,
so the verifier compares the response with each answer, and judges worded golds by their words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ._prose import prose_answer
from ._units import unit_key

__all__ = ["Gold", "read_gold"]

_YES_NO = re.compile(r"^\s*(yes|no|true|false)\s*\.?\s*$", re.IGNORECASE)  # a true/false question's gold too
# "X (i.e., ...)", "X (none of the values)": a parenthesised note after the answer.
_NOTE = re.compile(r"^(?P<a>.+?)\s*\((?:i\.\s?e\.|e\.\s?g\.|(?:that\s+is|namely|none|all|no)\b)[^()]*\)\s*\.?\s*$", re.I)
_EQUIVALENTLY = re.compile(
    r"^(?P<a>.+?),?\s+or\s+(?:equivalently,?|an\s+equivalent\s+form\s+(?:such\s+as|like)|in\s+closed\s+form,?)\s+(?P<b>.+)$",
    re.I,
)
# "x(n)<y(n-1) for all n≥3": the relation is the answer; its range is the problem's.
_FOR_ALL = re.compile(r"^(?P<a>[^<>≤≥]*[<>≤≥][^<>≤≥]*?)\s+for\s+(?:all|every|each|any)\b.*$", re.I)
_IE = re.compile(r"^(?P<a>.+?),\s*(?:i\.\s?e\.,?|that\s+is,?)\s+(?P<b>.+)$", re.I)
_APPROX = re.compile(r"^(?P<a>.+?),?\s+or\s+(?:approximately|about|roughly)\s+(?P<b>.+)$", re.I)
_ONLY_VALUE = re.compile(
    r"^(?P<a>.+?)\s+is\s+the\s+only\s+(?:possible\s+)?(?:value|solution|answer|one)s?\s*\.?$", re.I
)
# Words in a gold: three letters or more that are not a maths name.
_WORD = re.compile(r"(?<![\\A-Za-z])(?!(?:sqrt|binom|choose|sum|prod|log|sin|cos|tan|exp|mod|max|min|gcd|lcm|for|all)\b)[A-Za-z]{3,}")
_COUNTED = re.compile(r"^(-?\d+|[a-z])\s+([A-Za-z][a-z-]+)\.?$")
# A number and a unit symbol with capitals inside ("3 MHz", "5 kPa", "2 kWh"): a quantity, not words.
_SYMBOL_QUANTITY = re.compile(r"^-?\d+(?:\.\d+)?\s+([A-Za-z]+)\.?$")
_WORDS_ONLY = re.compile(r"^[A-Za-z0-9\s,.'-]+$")
# Golds that say nothing exists: "No integer solutions", "There are no prime numbers in the sequence",
# "The sequence does not exist", "0 roots", "0 (i.e., no sequence is bounded)".
_NONE_COUNT = re.compile(r"^(?:there\s+(?:is|are)\s+)?no\s+(?:[a-z-]+\s+){0,3}?[a-z-]+s\b[^=<>]*$", re.I)
_NONE_WORDS = re.compile(r"^(?:there\s+(?:is|are)\s+)?no\s+such\b|\b(?:does|do)\s+not\s+exist\b\.?$|^none\b", re.I)
_ZERO_NOTE = re.compile(r"^0\s*\((?:i\.\s?e\.,?\s*)?(?:no|none)\b", re.I)
# "100 (i.e., all values)", "999 (i.e., all except for one value)", "k-2 (i.e., all of them)": a count
# of things, with a note that may say it is all of them.
_COUNT_NOTE = re.compile(r"^(?P<a>[^()]+?)\s*\((?:i\.\s?e\.,?\s*)?(?P<note>[^()]*\b(?:all|values?|numbers?|of\s+them)\b[^()]*)\)\s*\.?$", re.I)
_PLURAL = re.compile(r"\b(?!them\b|this\b|is\b|has\b|was\b|does\b)[a-z]{3,}s\b", re.I)
_ALL_NOTE = re.compile(r"^\s*all\b(?!.*\b(?:except|but|save)\b)", re.I)
# "At most 0 values (i.e., no such values)": a note that says none exist.
_NONE_NOTE = re.compile(r"^(?:at\s+most\s+|exactly\s+)?0\s[^()]*\((?:i\.\s?e\.,?\s*)?(?:no\s+such|none)\b[^()]*\)\s*\.?$", re.I)


@dataclass(frozen=True)
class Gold:
    """A gold read: ``answers`` that count (maths texts), ``approx`` forms accepted to their shown
    precision, ``kind`` (``"math"``, ``"yesno"``, ``"words"``, or ``"word"``: one lower-case word), ``polarity``
    for yes/no, and the
    worded ``phrase`` a words gold states."""

    answers: tuple[str, ...]
    kind: str = "math"  # "none": nothing of the kind exists (answers hold "0" where a count of 0 says so too)
    polarity: str = ""
    phrase: str = ""
    approx: tuple[str, ...] = ()
    count: bool = False  # the answer counts things ("2 inequalities", "100 (i.e., all values)")
    every: bool = False  # ... and the gold's note says the count is all of them
    noun: str = ""  # ... of these things ("inequalities", "values"), when the gold names them


def _split_alternatives(text: str) -> tuple[list[str], list[str]]:
    answers, approx = [], []
    for _ in range(4):
        m = _APPROX.match(text)
        if m:
            approx.append(m.group("b").strip())
            text = m.group("a").strip()
            continue
        m = _EQUIVALENTLY.match(text) or _IE.match(text)
        if m:
            answers.append(m.group("b").strip())
            text = m.group("a").strip()
            continue
        m = _NOTE.match(text)
        if m:
            text = m.group("a").strip()
            continue
        m = _ONLY_VALUE.match(text) or _FOR_ALL.match(text)
        if m:
            text = m.group("a").strip()
            continue
        break
    return [text, *answers], approx


# "DNE", "\text{DNE}", "$\mathrm{DNE}$": an answer key's "does not exist".
DNE = re.compile(r"^\$?\s*(?:\\(?:text|mathrm|textrm)\s*\{\s*)?DNE\s*\}?\s*\$?\.?$")


# One lower-case word (a property: "even", "finite", "convergent"), perhaps in \text{}; names ("Bob") and
# the words of maths ("sin", "infinity") are not.
_ONE_WORD = re.compile(r"^(?:\\(?:text|textbf|mathrm)\s*\{\s*)?([a-z]{3,20})\s*\}?$")
_MATH_WORDS = frozenset(
    "sin cos tan cot sec csc log exp max min sqrt inf infinity infty lim det mod gcd lcm arcsin arccos arctan "
    "sinh cosh tanh deg rad dne yes true false none".split()
)


# A gold that is words of two or more wrapped in one \\text{...} (or \\mathrm, \\textbf, \\mbox), maybe in $...$.
_WORDS_IN_TEXT = re.compile(r"^\$?\s*\\(?:text|textbf|textrm|mathrm|mbox)\s*\{([A-Za-z][A-Za-z' ,.-]*\s[A-Za-z' ,.-]*)\}\s*\.?\s*\$?$")


def unwrap_words(text: str) -> str:
    """The words of a gold wrapped in one ``\\text{...}`` ("\\text{No solution}" -> "No solution"), else ``text``."""
    wrapped = _WORDS_IN_TEXT.match(text.strip())
    return wrapped.group(1).strip() if wrapped else text


@lru_cache(maxsize=8192)
def read_gold(gold: str) -> Gold:
    """Read one gold answer text.

    >>> read_gold("2*C(10, 5), or equivalently 504").answers
    ('2*C(10, 5)', '504')
    >>> read_gold("No").kind, read_gold("No").polarity
    ('yesno', 'no')
    >>> read_gold("No integer solutions").kind, read_gold("The limit does not exist").answers
    ('none', ())
    """
    text = unwrap_words(gold.strip())  # "\\text{No solution}": words wrapped for LaTeX
    if DNE.match(text):
        text = "does not exist"  # the answer keys' abbreviation
    yn = _YES_NO.match(text)
    if yn:
        return Gold((text,), "yesno", {"true": "yes", "false": "no"}.get(yn.group(1).lower(), yn.group(1).lower()))
    symbol = _SYMBOL_QUANTITY.match(text)
    if symbol and unit_key([symbol.group(1)]):
        return Gold((text,))
    counted = _COUNTED.match(text)
    if counted and unit_key([counted.group(2)]):
        return Gold((text,))  # "5 cm", "3 hours": a quantity with its unit (compared as maths, units checked)
    if counted:  # "0 roots", "n times", "2 inequalities": a count and its noun; "0 roots" says none exist
        return Gold((counted.group(1),), "none" if counted.group(1) == "0" else "math", count=True,
                    noun=counted.group(2))
    if _ZERO_NOTE.match(text) or _NONE_COUNT.match(text) or _NONE_NOTE.search(text):
        return Gold(("0",), "none", phrase=text)  # a count: "0 solutions" answers it too
    if _NONE_WORDS.search(text):
        return Gold((), "none", phrase=text)
    word = _ONE_WORD.match(text)
    if word and word.group(1) not in _MATH_WORDS:
        return Gold((text,), "word", phrase=word.group(1))  # "even", "\\text{finite}": a property stated of something
    answers, approx = _split_alternatives(text)
    noted = _COUNT_NOTE.match(text)
    if noted and len(answers) == 1 and not approx:
        plural = _PLURAL.search(noted.group("note"))
        return Gold((answers[0],), count=True, every=bool(_ALL_NOTE.match(noted.group("note"))),
                    noun=plural.group(0) if plural else "")
    out = []
    for ans in answers:
        if len(_WORD.findall(ans)) >= 2 or (_WORD.search(ans) and " " in ans.strip()):
            # A sentence: the maths it states ("The limit exists and is equal to 4"), else its words.
            stated = prose_answer(ans)
            if stated is None:
                if _WORDS_ONLY.match(ans) and len(answers) == 1:
                    return Gold((text,), "words", phrase=ans)
                out.append(ans)
                continue
            ans = stated
        out.append(ans)
    return Gold(tuple(dict.fromkeys(out)), approx=tuple(approx))
