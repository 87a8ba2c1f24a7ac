"""Stage 1b: the answer a prose sentence commits to, and the stance of a worded answer.

Models often end with a sentence, not a box: "There are 144 ways to fill a 2 x 11 rectangle",
"The number of diagonals is given by (n^2 - 3n) / 2.", "The values are \\(a = 3\\) and \\(b = -4\\)".
The last number of such a sentence is rarely the answer. The answer sits in the slot after the
sentence's first copula ("is", "are", "equals", ...) that is followed by maths, so this module finds
that slot and reads the maths written there: ``$...$`` / ``\\(...\\)`` segments, and plain-text maths
made only of numbers, one-letter names, operators and known function names, several parts joined by
"and"/"or"/commas. Nothing here evaluates text; it only cuts it.

Worded answers (gold "No", "The sequence does not exist") are judged by ``stance`` and
``phrase_matches``: an explicit leading Yes/No, else the negations counted in the sentence's main
clause (before "because", "since", ...), so "is not prime" is a No and "not increasing" never matches
"increasing".
"""

from __future__ import annotations

import re

__all__ = ["prose_answer", "stance", "phrase_matches", "final_sentence", "stated_clause"]

_TAIL_CHARS = 4000
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.S)
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(_MARK_OPEN + r"(\d+)" + _MARK_CLOSE)
# A sentence ends at . ! ? followed by space and a capital, a math segment or a line break.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\ue000(\"'*])|\n\s*\n|\n(?=\s*[-*#]|\s*[A-Z])")
# A copula and the filler words that may sit between it and the answer.
_COPULA = re.compile(
    r"(?<![A-Za-z])(?:is|are|was|were|equals|equal\s+to|becomes|remains|be|gives|yields)"
    r"(?:\s+(?:given\s+by|equal\s+to|exactly|precisely|always|just|simply|only|then|therefore|thus|also|still|"
    r"now|approximately|about|roughly|calculated\s+as|written\s+as|expressed\s+as|denoted\s+(?:as|by)|represented\s+by|as\s+follows:?|"
    r"the\s+(?:expression|formula|value|values|number|answer|result|closed[-\s]form(?:\s+expression)?|quantity)"
    r"|(?:an?\s+)?(?:integer|number|value|expression)\s+of|:))*"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
# A sentence that opens with a subordinate clause ("Since x is 2, the sum is 10"): skip to its comma.
_LEADING_CLAUSE = re.compile(r"^(?:since|because|as|if|when|whenever|given|assuming)\b[^,]*,\s*", re.IGNORECASE)
# Known function and operator names allowed inside plain-text maths.
_FUNCS = (
    "sqrt", "cbrt", "binom", "choose", "log", "ln", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin",
    "arccos", "arctan", "exp", "pi", "mod", "max", "min", "gcd", "lcm", "floor", "ceil", "infinity", "inf",
)
_PLAIN_TOKEN = re.compile(
    r"\s*(?:"
    + _MARK_OPEN + r"\d+" + _MARK_CLOSE
    + r"|\d+(?:[.,]\d+)*(?:\s*:\s*\d+(?:[.,]\d+)*)*"
    + r"|(?:" + "|".join(_FUNCS) + r")(?![A-Za-z])"
    + r"|[A-Za-z](?:_\{[^{}]*\}|_\([^()]*\)|_[A-Za-z0-9]+)?(?![A-Za-z])"
    + r"|\.\.\.|…|[-+*/^!()\[\]{}=<>≤≥≠√π∞·×⋅|'%]|\\[A-Za-z]+|,(?=\s*[-\d(\[{A-Za-z\ue000√π]))"
)
_CONNECTOR = re.compile(r"\s*(?:,\s*(?:and|or)\s+|\s+and\s+|\s+or\s+|,\s*)", re.IGNORECASE)
_FACTORIAL_WORD = re.compile(r"\b([A-Za-z0-9)]+)\s+factorial\b", re.IGNORECASE)
# Maths in a run: a digit, a math segment, an operator or a one-letter name.
_HAS_MATH = re.compile(r"[\d\ue000=+\-*/^]|(?<![A-Za-z])[A-Za-z](?![A-Za-z])")
# Maths in a sentence: the same, but "a", "A" and "I" alone are English words there.
_SENTENCE_MATH = re.compile(r"[\d\ue000=+\-*/^]|(?<![A-Za-z'])(?![aAI](?![A-Za-z]))[A-Za-z](?![A-Za-z'])")


def _mask(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Replace each math segment by a placeholder that no prose rule can cut or read; ``found`` keeps
    each segment's content and its whole text (delimiters included)."""
    found: list[tuple[str, str]] = []

    def keep(m: re.Match) -> str:
        found.append((next(g for g in m.groups() if g is not None).strip(), m.group(0)))
        return f"{_MARK_OPEN}{len(found) - 1}{_MARK_CLOSE}"

    return _MATH.sub(keep, text), found


def _unmask(text: str, found: list[tuple[str, str]], whole: bool = False) -> str:
    """Put the segments back: their content, or (``whole``) their text with its delimiters."""
    return _MARK.sub(lambda m: found[int(m.group(1))][1 if whole else 0], text)


def final_sentence(text: str) -> str:
    """The last sentence of ``text`` that holds maths or a number (math segments kept whole), else the last one."""
    masked, found = _mask(text[-_TAIL_CHARS:])
    parts = [p.strip() for p in _SENTENCE_SPLIT.split(masked) if p and p.strip()]
    for part in reversed(parts):
        if _SENTENCE_MATH.search(part):
            return _unmask(part, found, whole=True)
    return _unmask(parts[-1], found, whole=True) if parts else ""


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


def _read_run(masked: str, pos: int) -> tuple[str, int]:
    """The plain-text maths starting at ``pos``: tokens of the whitelist only; stops at the first word."""
    end = pos
    while True:
        m = _PLAIN_TOKEN.match(masked, end)
        if m is None or m.end() == end:
            break
        end = m.end()
    run = masked[pos:end].strip()
    # Drop what a sentence leaves at the end of its maths: a period, a comma, an opening bracket.
    while run and (run[-1] in ".,;:" or (run[-1] in "([{" )):
        run = run[:-1].rstrip()
    while run and not _balanced(run) and run[-1] in ")]}":
        run = run[:-1].rstrip()  # "... (equal to 5)": the closing bracket of an aside
    return run, pos + len(masked[pos:end].rstrip())


def _is_article(run: str, masked: str, end: int) -> bool:
    """"is a prime", "is I think": a lone ``a``/``A``/``I`` followed by a word is English, not maths."""
    return run in ("a", "A", "I") and bool(re.match(r"\s+[A-Za-z]{2,}", masked[end:]))


_NUMBER_WORDS = {
    w: str(i) for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORD = re.compile(r"\s*(" + "|".join(_NUMBER_WORDS) + r")\b(?!\s+(?:of|or|and|to)\b)(?=\s*[.,;]?\s*$)", re.IGNORECASE)


def _read_answer(masked: str, pos: int) -> tuple[list[str], int]:
    """Parts of the answer written from ``pos``: math runs joined by "and", "or" and commas; or one
    number word that ends the sentence ("the difference is zero.")."""
    word = _NUMBER_WORD.match(masked, pos)
    if word:
        return [_NUMBER_WORDS[word.group(1).lower()]], word.end()
    parts: list[str] = []
    while True:
        run, end = _read_run(masked, pos)
        if not run or not _HAS_MATH.search(run) or _is_article(run, masked, end):
            break
        parts.append(run)
        m = _CONNECTOR.match(masked, end)
        if m is None:
            break
        nxt, nxt_end = _read_run(masked, m.end())
        if not nxt or not _HAS_MATH.search(nxt) or _is_article(nxt, masked, nxt_end):
            break
        pos = m.end()
    return parts, pos


def prose_answer(text: str) -> str | None:
    """The maths a prose answer commits to, or None when its final sentence has no copula + maths.

    >>> prose_answer("There are 144 ways to fill a 2 x 11 rectangle with 2 x 1 tiles.")
    '144'
    >>> prose_answer(r"The values are \\( a = 3 \\) and \\( b = -4 \\).")
    'a = 3, b = -4'
    """
    sentence = _FACTORIAL_WORD.sub(r"\1!", final_sentence(text))
    masked, found = _mask(sentence)
    masked = _LEADING_CLAUSE.sub("", masked, count=1)
    for cop in _COPULA.finditer(masked):
        parts, _end = _read_answer(masked, cop.end())
        if parts:
            return ", ".join(_unmask(p, found).strip() for p in parts)
    return None


# ---------------------------------------------------------------------------------------------------
# Worded answers
_YES_NO = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)
_SAYS = re.compile(r"\banswer\s+(?:is|:)\s*\W*(yes|no)\b", re.IGNORECASE)
_HEDGE = re.compile(
    r"\b(?:unclear|cannot\s+be\s+determined|can(?:no|')t\s+determine|undetermined|unknown|not\s+enough\s+information|"
    r"inconclusive|may\s+or\s+may\s+not|it\s+depends|depends\s+on)\b",
    re.IGNORECASE,
)
# The main clause ends where its justification starts.
_JUSTIFICATION = re.compile(
    r"\s(?:because|since|due\s+to|as\s+(?:it|the|this|shown|a|an)|so\s+that|which|whereas|hence)\b|;|\s(?:-|--|—)\s(?=[A-Za-z]{3,})",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nor|nothing|cannot|impossible|nonexistent|"
    r"isn't|aren't|doesn't|don't|didn't|won't|wouldn't|couldn't|can't|shouldn't|hasn't|haven't|fails?\s+to)\b"
    r"|n't\b",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    "the a an is are be was were of to and or for that this it its there such as in on at by with which "
    "do does did has have given".split()
)
_WORDS = re.compile(r"[A-Za-z]+|\d+")


def _main_clause(sentence: str) -> str:
    m = _JUSTIFICATION.search(sentence)
    return sentence[: m.start()] if m else sentence


def _negations(text: str) -> int:
    return len(_NEGATION.findall(text))


def stance(text: str) -> str | None:
    """"yes", "no" or None for a worded answer: a leading Yes/No or "the answer is no", else "no" when
    the main clause is negated (an odd number of negations), else None.

    >>> stance("4^545 + 545^4 is not a prime number because it factors.")
    'no'
    """
    sentence = final_sentence(text).strip().strip("*").strip()
    lead = _YES_NO.match(sentence)
    if lead:
        return lead.group(1).lower()
    if not sentence or _HEDGE.search(sentence):
        return None
    said = _SAYS.search(sentence)
    if said:
        return said.group(1).lower()
    # A negated main clause answers "no" ("4^545 + 545^4 is not prime"). An affirmative one is left
    # unread: "a_9000 is less than 30" answers yes or no depending on the question, which we lack.
    return "no" if _negations(_main_clause(sentence)) % 2 else None


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ally", "ly", "ies", "es", "s", "ed", "ing"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def stated_clause(text: str) -> str:
    """The main clause of a response's final sentence (a leading Yes/No dropped): what a worded gold
    is compared with."""
    sentence = _YES_NO.sub("", final_sentence(text).strip().strip("*"), count=1).lstrip(" ,.")
    return _main_clause(sentence).strip()


def phrase_matches(gold: str, text: str) -> bool:
    """Whether ``text`` states the worded gold: every content word of the gold in its main clause
    (a leading Yes/No dropped), and the same parity of negations ("not periodic" never answers "periodic").

    >>> phrase_matches("Monotonically increasing", "The ratio is monotonically increasing.")
    True
    >>> phrase_matches("Monotonically increasing", "The ratio is not monotonically increasing.")
    False
    """
    sentence = _YES_NO.sub("", final_sentence(text).strip().strip("*"), count=1).lstrip(" ,.")
    if not sentence or _HEDGE.search(sentence):
        return False
    clause = stated_clause(text)
    want = {_stem(w) for w in _WORDS.findall(gold) if w.lower() not in _STOPWORDS and _NEGATION.fullmatch(w) is None}
    have = {_stem(w) for w in _WORDS.findall(clause)}
    return bool(want) and want <= have and _negations(gold) % 2 == _negations(clause) % 2
