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
from functools import lru_cache

from ._parse import split_top
from ._units import unit_key

__all__ = ["prose_answer", "plain_values", "value_runs", "stance", "phrase_matches", "final_sentence", "last_sentence", "stated_clause",
           "stated_winner", "states_word", "claim_clause", "player_key", "KNOWN_UNIT", "UNIT_POWER", "HEDGE"]

_TAIL_CHARS = 4000
_MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.S)
_MARK_OPEN, _MARK_CLOSE = "\ue000", "\ue001"
_MARK = re.compile(_MARK_OPEN + r"(\d+)" + _MARK_CLOSE)
# A sentence ends at . ! ? followed by space and a capital, a math segment or a line break.
_SENTENCE_SPLIT = re.compile(r"(?<=[^.][.!?])\s+(?=[A-Z\ue000(\"'*])|\n\s*\n|\n(?=\s*[-*#]|\s*[A-Z])")
# A copula and the filler words that may sit between it and the answer ("less than or equal to 1" is a bound).
_COPULA = re.compile(
    r"(?<![A-Za-z])(?:is|are|was|were|equals|(?<!or\s)equal\s+to|becomes|remains|be|gives|yields|giving|yielding|has|have|"
    r"i\.\s?e\.,?)"
    r"(?:\s+(?:given\s+by|equal\s+to|exactly|precisely|always|just|simply|only|then|therefore|thus|also|still|that|"
    r"now|approximately|about|roughly|probably|likely|calculated\s+as|written\s+as|expressed\s+as|denoted\s+(?:as|by)|represented\s+by|as\s+follows:?|"
    r"the\s+(?:expression|formula|value|values|number|answer|result|closed[-\s]form(?:\s+expression)?|quantity)"
    r"|(?:an?\s+)?(?:integer|number|value|expression)\s+of|:"
    r"|(?:at\s+)?(?:the\s+)?points?(?=\s*[(\ue000])|at(?=\s*[(\ue000])))*"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
# A comparison right after a copula: what follows is a bound ("is less than or equal to 5"; "at least 12"
# answers a minimum).
_BOUND_AFTER = re.compile(
    r"\s*(?:(?:strictly|always|no|not)\s+)?(?:(?:greater|less|more|fewer|smaller|larger|bigger|higher|lower)\s+than"
    r"|above|below|under|over|bounded)\b",
    re.IGNORECASE,
)
# Where a sentence moves to its conclusion: "..., so the area is 36", "..., giving 7", "i.e. 1/6".
_STRONG_CONCLUSION = r"(?:,\s*|;\s*|\s)(?:so|thus|hence|therefore|giving|yielding|which\s+gives|but|i\.\s?e\.,?)(?=\s)"
_STRONG = re.compile(_STRONG_CONCLUSION, re.IGNORECASE)
# Plus the weak markers of a final answer (see prose_answer): "we take/find ...", a colon.
_CONCLUSION = re.compile(_STRONG_CONCLUSION + r"|(?:,\s*|;\s*|\s)we\s+(?:take|keep|choose|pick|get|obtain|find)(?=\s)"
                         r"|:(?=\s)", re.IGNORECASE)
# A sentence that opens with a subordinate clause ("Since x is 2, the sum is 10"): skip to its comma.
_LEADING_CLAUSE = re.compile(r"^(?:since|because|as|if|when|whenever|given|assuming)\b[^,]*,\s*", re.IGNORECASE)
# Known function and operator names allowed inside plain-text maths.
_FUNCS = (
    "sqrt", "cbrt", "binom", "choose", "log", "ln", "sin", "cos", "tan", "cot", "sec", "csc", "arcsin",
    "arccos", "arctan", "exp", "pi", "mod", "max", "min", "gcd", "lcm", "floor", "ceil", "infinity", "inf",
    "sinh", "cosh", "tanh", "csch", "sech", "coth", "arcsec", "arccsc", "arccot", "arcsinh", "arccosh", "arctanh",
    "factorial",
)
_PLAIN_TOKEN = re.compile(
    r"\s*(?:"
    + _MARK_OPEN + r"\d+" + _MARK_CLOSE
    + r"|\d+(?:[.,]\d+)*(?:\s*:\s*\d+(?:[.,]\d+)*)*"
    + r"|(?:" + "|".join(_FUNCS) + r")(?![A-Za-z])"
    + r"|[A-Za-z](?:_\{[^{}]*\}|_\([^()]*\)|_[A-Za-z0-9]+)?(?![A-Za-z])"
    + r"|\.\.\.|…|[-+*/^!()\[\]{}=<>≤≥≠√π∞·×⋅|'%∪∩±∓]|\\[A-Za-z]+|,(?=\s*[-\d(\[{A-Za-z\\\ue000√π]))"
)
_CONNECTOR = re.compile(r"\s*(?:,\s*(?:and|or)\s+|\s+and\s+|\s+or\s+|,\s*)", re.IGNORECASE)
FACTORIAL_WORD = re.compile(r"\b([A-Za-z0-9)]+)\s+factorial\b", re.IGNORECASE)
# Maths in a run: a digit, a math segment, an operator or a one-letter name.
_HAS_MATH = re.compile(r"[\d\ue000=+\-*/^∞π]|(?<![A-Za-z])[A-Za-z](?![A-Za-z])")
# Maths in a sentence: the same, but "a", "A" and "I" alone are English words there.
_SENTENCE_MATH = re.compile(r"[\d\ue000=+\-*/^]|(?<![A-Za-z'])(?![aAI](?![A-Za-z]))[A-Za-z](?![A-Za-z'])")


_RUN_CHARS = frozenset("0123456789.()[]+-−*/^!√π∞ ")  # with the minus sign U+2212 ("i^2023 = −i")
_FUNC_WORDS = frozenset(_FUNCS)
# An operator between operands: "/", "^" (not a degree sign), and "*", "**", "+" or "-" spaced alike on
# both sides ("2**n", "2 ** n", "n - 1"; not the markdown bold of "travels **150" nor the sign of "is -4").
_OPERATOR_BEFORE = re.compile(r"(?:[/√]\s*|\^\s*\(?\s*|[\w)](?:\*{1,2}|[-+])|[\w)]\s+(?:\*{1,2}|[-+])\s+)$")
_OPERATOR_AFTER = re.compile(r"\s*/|\s*\^(?!\s*\{?\s*\\circ)|(?:\*{1,2}|[-+])[\w(]|\s+(?:\*{1,2}|[-+])\s+[\w(]")


def operand_run(text: str, start: int, end: int) -> str | None:
    """The plain-text expression that the number at ``text[start:end]`` is an operand of ("sqrt(2)/2" for
    the last 2 of "We get sqrt(2)/2."; "pi/4" of "45 * pi/180 = pi/4": a side of an equation), or None
    when no operator touches the number (or the number is in a range, "1999-2000"); "" when the run is
    an operand of words ("3 times 2 + 1") or one of two offers ("either 3 or 2+2"): no answer. A fraction
    is never read as its denominator, nor a power or a difference as its last term."""
    if not (_OPERATOR_BEFORE.search(text, 0, start) or _OPERATOR_AFTER.match(text, end)):
        return None
    lo = _run_edge(text, start, -1)
    hi = _run_edge(text, end, 1)
    if _WORD_OPERATOR_BEFORE.search(text, 0, lo) or _OFFERED_BEFORE.search(text, 0, lo):
        return ""  # "3 times 2 + 1", "either 3 or 2+2": the run is part of more, or one of two offers
    run = text[lo:hi].strip().rstrip(".").strip()
    equals = _EQUALS_AFTER.match(text, hi)
    if equals:
        # "so i^2023 = −i.": the number is on the side being worked out; the value is the other side
        rhs = text[equals.end() : _run_edge(text, equals.end(), 1)].strip().rstrip(".").strip()
        if rhs and re.search(r"[\d(∞]|^-?[A-Za-z]$|^−", rhs):
            return rhs if not _EQUALS_AFTER.match(text, equals.end() + len(rhs)) else ""
        words = re.match(r"[A-Za-z]+(?:[-\s][A-Za-z]+){0,2}", text[equals.end() :])
        for n in range(len(words.group(0).split()) if words else 0, 0, -1):
            named = number_phrase(" ".join(words.group(0).split()[:n]))
            if named is not None:
                rest = " ".join(words.group(0).split()[n:]) + text[equals.end() + len(words.group(0)) :]
                # "So 2 + 2 = four.", "3 * 4 = twelve apples"; "= four or five" offers two
                return "" if re.match(r"\s*(?:or|maybe|perhaps)\b", rest, re.I) else named
    if _RANGE.fullmatch(run):
        return None  # "1999-2000": a range of numbers, not a difference
    while run.count("(") > run.count(")") and run.startswith("("):
        run = run[1:].strip()
    while run.count(")") > run.count("(") and run.endswith(")"):
        run = run[:-1].strip()
    return run if run.count("(") == run.count(")") and any(c in run for c in "/*^+-!√") else None


_WORD_OPERATOR_BEFORE = re.compile(
    r"\b(?:times|minus|plus|over|divided\s+by|multiplied\s+by|twice|thrice|half\s+of|squared|cubed)\s*$", re.I)
_OFFERED_BEFORE = re.compile(r"\b(?:either\b.*\bor|or(?:\s+(?:maybe|perhaps|possibly|else))?|maybe|perhaps)\s*$", re.I)
_RANGE = re.compile(r"\d+-\d+")
_EQUALS_AFTER = re.compile(r"\s*=\s*")


def _run_edge(text: str, pos: int, step: int) -> int:
    """Where the plain-text maths run through ``pos`` ends in direction ``step``: digits, operators,
    brackets, one-letter names and function names; not a word, a comma, an equals sign or a colon."""
    n = len(text)
    while 0 < pos if step < 0 else pos < n:
        c = text[pos - 1] if step < 0 else text[pos]
        if c in _RUN_CHARS:
            pos += step
            continue
        if c.isalpha():
            j = pos
            while (0 < j and text[j - 1].isalpha()) if step < 0 else (j < n and text[j].isalpha()):
                j += step
            word = text[j:pos] if step < 0 else text[pos:j]
            if len(word) == 1 or word.lower() in _FUNC_WORDS:
                pos = j
                continue
        break
    return pos


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


@lru_cache(maxsize=1024)  # read several times per verdict (answer readers, letter readers, counts)
def final_sentence(text: str) -> str:
    """The last sentence of ``text`` that holds maths or a number (math segments kept whole), else the last one."""
    masked, found = _mask(text[-_TAIL_CHARS:])
    parts = [p.strip() for p in _SENTENCE_SPLIT.split(masked) if p and p.strip()]
    for part in reversed(parts):
        cop = _COPULA.search(part)
        if _SENTENCE_MATH.search(part) or (cop and (_NUMBER_WORD.match(part, cop.end()) or _COUNT_WORD.match(part, cop.end()))):
            return _unmask(part, found, whole=True)  # maths, or a number in words after its copula
    return _unmask(parts[-1], found, whole=True) if parts else ""


# "Bob has a winning strategy", "Alice wins", "The first player can always force a win": who wins a game.
_WINNER = re.compile(
    r"\b([A-Z][a-z]+|(?i:the\s+)?(?i:first|second)\s+player)\s+(?:has\s+a\s+winning\s+strategy|"
    r"(?:always\s+)?wins|will\s+(?:always\s+)?win|can\s+(?:always\s+)?(?:force\s+a\s+)?win)\b(?!\s+with\s+probability)"
)
# A claim that is conditional, supposed, weighed or hedged: it names no winner.
_NOT_A_CLAIM = re.compile(
    r"\b(?:if|iff|unless|otherwise|when|whenever|whether|provided|long\s+as|case|for|suppose|supposing|assume|"
    r"assuming|would|could|might|only|probability|probably|likely|think|sure|perhaps|maybe|mistake|except|but|"
    r"however|false|fails?|claim|round|times?|percent)\b|%|[<>≤≥]|\\[lg]e", re.I
)


def player_key(name: str) -> str:
    """A player as compared: "The First  player" -> "first player", "Bob" -> "bob"."""
    return re.sub(r"^the\s+|\s+", " ", name.lower()).strip()


def stated_winner(text: str) -> str | None:
    """Who a response's final sentence says wins a game ("So Bob has a winning strategy." -> "bob"), lower
    case, or None: when the sentence names no winner, several, or makes a conditional, supposed, hedged
    or negated claim ("Alice wins if n is even", "Probably Alice wins", "Alice does not win")."""
    sentence = final_sentence(text[-_TAIL_CHARS:])
    if _NOT_A_CLAIM.search(sentence) or HEDGE.search(sentence):
        return None
    # Per clause: "The first player does not have a winning strategy; the second player wins" names one.
    named = {player_key(m.group(1)) for clause in re.split(r"[;,]", sentence) if not _negations(clause) % 2
             for m in _WINNER.finditer(clause)}
    return named.pop() if len(named) == 1 else None


_PREDICATE = re.compile(
    r"\b(?:is|are|was|were|be|remains?|stays?)\s+(?:an?\s+)?(?:(?:strictly|always|also|indeed)\s+)?([A-Za-z]+(?:-[A-Za-z]+)?)\W*$",
    re.I,
)
_WRAPPING = re.compile(r"\\(?:text|textbf|mathrm|boxed)\s*\{|[{}$*.!\s]")


def states_word(word: str, text: str) -> bool:
    """Whether ``text`` answers a one-word gold ("even"): the word alone ("\\boxed{\\text{even}}"), or the
    predicate that ends its final claim ("Since f(-x) = f(x), the function is even."), not negated, hedged
    or offered with another; never a word used otherwise ("odd, even though ...", "non-increasing",
    "more likely than red")."""
    if len(text) <= 200 and _WRAPPING.sub("", text).lower() == word.lower():
        return True
    main = _LEADING_CLAUSE.sub("", worded_sentence(text), count=1)  # "Since the sum is even, ..." aside
    if _NOT_AFFIRMATIVE_CLAUSE.search(main) or len(re.findall(r"\b(?:is|are|was|were)\b", main)) > 1:
        return False  # "The function is even, but (or and) its derivative is odd": which of them is asked?
    clause = claim_clause(text)
    m = _PREDICATE.search(clause)
    return bool(m and m.group(1).lower() == word.lower() and not _negations(clause) % 2 and not HEDGE.search(clause)
                and not _ALTERNATIVES.search(clause))


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if depth < 0:
            return False
    return depth == 0


_RUN_LEAD = re.compile(r"[ \t]*(?:(?:\*\*|__)[ \t]*)?(?:\$(?=\d))?")


def _read_run(masked: str, pos: int) -> tuple[str, int]:
    """The plain-text maths starting at ``pos``: tokens of the whitelist only; stops at the first word.
    Markdown emphasis and a dollar sign before it are no maths ("is **$1,250**.")."""
    pos = _RUN_LEAD.match(masked, pos).end()
    end = pos
    while True:
        m = _PLAIN_TOKEN.match(masked, end)
        if m is None or m.end() == end:
            break
        end = m.end()
    run = masked[pos:end].strip()
    # Drop what a sentence leaves at the end of its maths: a period, a comma, an opening bracket.
    while run and (run[-1] in ".,;:" or (run[-1] in "([{" ) or run.endswith(("**", "__"))):
        run = run[: -2 if run.endswith(("**", "__")) else -1].rstrip()
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
_TENS = {w: str(10 * i) for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
_PARTS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
          "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}
_PHRASE = re.compile(
    r"^(?:(?P<sign>negative|minus|positive|plus)\s+)?(?:(?P<inf>infinity|inf)|(?P<tens>" + "|".join(_TENS) + r")(?:[-\s](?P<unit>"
    + "|".join(list(_NUMBER_WORDS)[1:10]) + r"))?|(?P<word>" + "|".join(_NUMBER_WORDS) + r")(?:\s+(?P<part>"
    + "|".join(_PARTS) + r"))?)$", re.IGNORECASE)


def number_phrase(text: str) -> str | None:
    """A whole answer written as a number in English words, as the numeral the checker reads: "zero" ->
    "0", "negative one" -> "-1", "forty-two" -> "42", "one half" -> "\\frac{1}{2}", "two thirds",
    "infinity" -> "\\infty"; None for anything else ("a half", "one of them")."""
    if len(text) > 400:
        return None  # no number phrase is this long, even wrapped in \\text{}: skip the work
    t = re.sub(r"\\text\s*\{([^{}]*)\}", r"\1", text).strip().strip("$*.! ").strip()
    m = _PHRASE.match(t) if len(t) <= 40 else None
    if m is None:
        return None
    sign = "-" if (m.group("sign") or "").lower() in ("negative", "minus") else ""
    if m.group("inf"):
        return sign + "\\infty"
    if m.group("tens"):
        value = int(_TENS[m.group("tens").lower()]) + int(_NUMBER_WORDS[m.group("unit").lower()] if m.group("unit") else 0)
        return sign + str(value)
    value = _NUMBER_WORDS[m.group("word").lower()]
    if m.group("part"):
        part = m.group("part").lower()
        if value == "0" or (value == "1") != (part in ("half", "third", "quarter", "fourth", "fifth", "sixth", "eighth", "tenth")):
            return None  # "one thirds", "two third"
        return sign + "\\frac{" + value + "}{" + str(_PARTS[part]) + "}"
    return sign + value


# A number word that ends its sentence, or its main clause before a reason ("is six, since ...").
_NUMBER_WORD = re.compile(r"\s*(" + "|".join(_NUMBER_WORDS) + r")\b(?!\s+(?:of|or|and|to)\b)"
                          r"(?=\s*[.,;]?\s*$|\s*,\s*(?:since|because|as|for)\b)", re.IGNORECASE)
# A count in words before its plural noun: "has three positive integer solutions", "are two ways".
_COUNT_WORD = re.compile(r"\s*(" + "|".join(_NUMBER_WORDS) + r")\s+(?:[a-z-]+\s+){0,3}?[a-z]+s\b(?!\s+(?:of|than)\b)",
                         re.IGNORECASE)
# "p(x) = x(x-1)...(x-2022) satisfies ...": an equation as the subject, when no copula states a value.
# Only a few words may come before it ("The monic polynomial p(x) = ..."), none that restrict or qualify it
# ("All n except n = 2", "The maximum is achieved at x = 3").
_SUBJECT_EQUATION = re.compile(
    r"^\s*(?:(?!(?:except|but|not|than|if|when|unless|at|is|are|was|for|of|with)\b)[A-Za-z-]+\s+){0,4}?"
    r"(?P<eq>[A-Za-z](?:_\w+)?(?:\([A-Za-z]\))?\s*=(?!=))", re.IGNORECASE)
# "n! (n!)": a value restated in brackets is one value.
_RESTATED = re.compile(r"^(?P<a>.+?)\s*\((?P<b>[^()]+)\)$")


# After a value, words that make it part of a comparison or a fraction of something, not the answer:
# "is 12 times larger", "is 3 more than", "is 6 out of 36", "is 2 to 3".
# A unit's power written after it: "cm^2", "m/s^{2}", "cm$^2$" (a segment of its own; _extract reads those).
UNIT_POWER = re.compile(r"\s*\$?\s*\^\s*\{?\s*([23])\s*\}?\s*\$?")
_POWER_SEGMENT = re.compile(r"\$\s*\^\s*\{?\s*([23])\s*\}?\s*\$")  # "cm$^2$": a unit's power in its own segment
# A negation right before a copula: "cannot be", "can't be", "will never be", "must not be".
_DENIED_COPULA = re.compile(r"\b(?:cannot|can't|can\s+not|could\s+not|couldn't|won't|will\s+not|would\s+not|"
                            r"wouldn't|must\s+not|mustn't|never|not)\s*$", re.I)
# "or" then words that offer something else instead of the value just read.
_OR_OTHERWISE = re.compile(r"\s*,?\s*or\s+(?:maybe|perhaps|possibly|else|rather|it|not|some|about|approximately|"
                           r"nothing|none|undefined|infinite|does|doesn't|is)\b", re.I)
_NOT_THE_VALUE = re.compile(
    r"\s*(?:times|more|less|fewer|greater|smaller|larger|higher|lower|bigger|out\s+of|to|than|percent\s+of|"
    r"of\s+the|plus|minus|over|divided|multiplied|choose|squared|cubed)\b",
    re.IGNORECASE,
)
# A unit word between two parts of one answer: "30 degrees or 150 degrees".
_UNIT_WORD = re.compile(r"\s+[A-Za-z]{1,12}\.?(?=\s*(?:,|\band\b|\bor\b))")
# A unit word after a value: "meters", "km/h", "miles per hour" (never the preposition "in": "12 in total").
KNOWN_UNIT = re.compile(
    r"\s*((?:(?:square|cubic)\s+)?(?!in\b)[A-Za-z]{1,12}(?:/[A-Za-z]{1,4}|\s+per\s+[A-Za-z]{1,12})?)\b"
)


_CLOCK_RUN = re.compile(r"\d{1,2}:[0-5]\d(?::[0-5]\d)?")
AMPM_AFTER = re.compile(r"\s*([AaPp]\.?\s*[Mm]\b\.?)")


def _read_answer(masked: str, pos: int) -> tuple[list[str], int]:
    """Parts of the answer written from ``pos``: math runs joined by "and", "or" and commas; or one
    number word that ends the sentence ("the difference is zero."). No parts when the value is part
    of a comparison ("is 12 times larger")."""
    word = _NUMBER_WORD.match(masked, pos) or _COUNT_WORD.match(masked, pos)
    if word:
        listed = re.match(r"\s*:", masked[word.end() :])
        if listed:  # "has two solutions: x = 3 or x = -3": the solutions listed, not their count
            parts, end = _read_answer(masked, word.end() + listed.end())
            if parts:
                return parts, end
        return [_NUMBER_WORDS[word.group(1).lower()]], word.end()
    rest = masked[pos:].strip().rstrip(".!").strip()
    named = number_phrase(rest) if len(rest) <= 40 else None
    if named is not None:  # "the limit is infinity.", "the ratio is one half."
        return [named], len(masked)
    parts: list[str] = []
    while True:
        run, end = _read_run(masked, pos)
        if not run or not _HAS_MATH.search(run) or _is_article(run, masked, end):
            break
        if _NOT_THE_VALUE.match(masked, end) or _OR_OTHERWISE.match(masked, end):
            return [], pos  # "is 12 times larger"; "is 5 or maybe 0", "is ∞, or it does not exist": a hedge
        unit = KNOWN_UNIT.match(masked, end)
        half_day = AMPM_AFTER.match(masked, end) if _CLOCK_RUN.fullmatch(run) else None
        if half_day:
            run += " " + half_day.group(1)  # "at 8:34 PM": the time on a 12-hour clock
        elif unit and unit_key([unit.group(1)]):
            power = UNIT_POWER.match(masked, unit.end())  # "cm$^2$": an area
            run += " " + unit.group(1) + ("^" + power.group(1) if power else "")  # "5 meters": the unit stays
        measured = _MEASURED.fullmatch(run)
        if measured:
            run = measured.group(1) + measured.group(2)  # "5.0 ± 0.1 cm": a measurement and its uncertainty
        parts.append(run)
        unit = _UNIT_WORD.match(masked, end)
        m = _CONNECTOR.match(masked, unit.end() if unit else end)
        if m is None:
            break
        nxt, nxt_end = _read_run(masked, m.end())
        if not nxt or not _HAS_MATH.search(nxt) or _is_article(nxt, masked, nxt_end):
            break
        pos = m.end()
    return parts, pos


# A value with a decimal uncertainty: "5.0 ± 0.1", "5 ± 0.1 cm" (not "1 ± 2" or "1 ± √2", two values).
_MEASURED = re.compile(r"(-?\d+(?:\.\d+)?)\s*±\s*\d*\.\d+((?:\s+[A-Za-z]{1,12})?)")
# The word before a weak marker that makes it part of a condition: "when we take", "as we find".
_WEAK_BLOCKED = re.compile(r"(?:\b(?:when|whenever|if|where|as|once|unless|after|before|until|whether|because|since|"
                           r"provided|given|for\s+which|so\s+that|to\s+achieve\s+it)|:)\s*$", re.I)
# "is all $x$ with ...", "are all real numbers x such that ...": the condition that follows is the answer.
_ALL_SUCH = re.compile(
    r"\s+all\s+(?:(?:real\s+)?(?:numbers|values)\s+(?:of\s+)?)?(?:" + _MARK_OPEN + r"\d+" + _MARK_CLOSE
    + r"|[A-Za-z])\s+(?:with|such\s+that|satisfying|where|for\s+which)\s+", re.IGNORECASE)


def prose_answer(text: str, subject_equation: bool = False) -> str | None:
    """The maths a prose answer commits to, or None when its final sentence has no copula + maths
    (with ``subject_equation``, an equation as the sentence's subject also counts: "The polynomial
    f(x) = 0 satisfies ...").

    >>> prose_answer("There are 144 ways to fill a 2 x 11 rectangle with 2 x 1 tiles.")
    '144'
    >>> prose_answer(r"The values are \\( a = 3 \\) and \\( b = -4 \\).")
    'a = 3, b = -4'
    """
    sentence = FACTORIAL_WORD.sub(r"\1!", final_sentence(text))
    if "$^" in sentence or "$ ^" in sentence:
        sentence = _POWER_SEGMENT.sub(r"^\1", sentence)
    masked, found = _mask(sentence)
    masked = _LEADING_CLAUSE.sub("", masked, count=1)
    # "Each side is 6 cm, so the area is 36": the part after the last conclusion marker that states a
    # value wins; within a part, its first copula with maths ("The value is 5 when t is 9").
    # (not inside brackets: "12 terms (not 13: the 13th term would be 101)" is an aside)
    # A colon and "we take/find ..." are weak markers: only maths right after them that ends the sentence
    # counts ("... flips the inequality: $x < 2$."), and never inside a "when"/"if"/"as" clause ("The
    # maximum is 5 when we take x = 3", "The perimeter is 12 cm: each side is 4 cm" state 5 and 12).
    cuts, weak = [0], set()
    for m in _CONCLUSION.finditer(masked):
        if masked.count("(", 0, m.start()) > masked.count(")", 0, m.start()):
            continue
        if m.group(0).lstrip(",; ")[:1] in (":", "w", "W"):
            if _WEAK_BLOCKED.search(masked, 0, m.start()):
                continue
            weak.add(m.start())
        cuts.append(m.start())
    for start in reversed(cuts):
        end = next((c for c in cuts if c > start), len(masked))
        part = masked[:end]
        for cop in () if start in weak else _COPULA.finditer(part, start):
            if _BOUND_AFTER.match(part, cop.end()):
                continue  # "x is greater than or equal to 5": a bound, not a value
            if _DENIED_COPULA.search(part, max(start, cop.start() - 16), cop.start()):
                continue  # "x cannot be 12", "x will never be 12": a value denied, not stated
            such = _ALL_SUCH.match(part, cop.end())
            parts, _end = _read_answer(part, such.end() if such else cop.end())
            if parts and such and masked[_read_run(masked, _end)[1] :].strip(" .!"):
                parts = []  # "all x with x > 2, and also x = -7": the condition is not the whole answer
            if parts:
                return _subject_value(_joined(parts, found), part[start:cop.start()], found)
        if start:  # "..., so $a+b=5$.", "..., giving 7": the maths right after the marker
            parts, pos = _read_answer(part, _CONCLUSION.match(masked, start).end())
            if parts and not masked[_read_run(masked, pos)[1] :].strip(" .!"):  # the maths ends the sentence
                return _joined(parts, found)
    negated = _negations(_main_clause(masked)) % 2  # "x = 2, y = 1 is not a solution" states no answer
    subject = _SUBJECT_EQUATION.match(masked) if subject_equation and not negated else None
    if subject:  # a response's final sentence only: a gold sentence must state its value with a copula
        parts, _end = _read_answer(masked, subject.start("eq"))
        if parts:
            return _joined(parts, found)
    return None


def _squeezed(text: str) -> str:
    return re.sub(r"\s|\\[,;!: ]", "", text)


# The quantity a subject names: "the value of <q>", "the expression for <q>", "<q> in terms of a and b".
_OF_QUANTITY = re.compile(r"\b(?:of|for)\s+(.+?)(?:\s+(?:in\s+terms|when|where|if|for)\b.*)?$", re.I)


def _subject_value(answer: str, subject: str, found: list[tuple[str, str]]) -> str:
    """``value`` for an answer ``q = value`` whose sentence's subject names ``q`` as the quantity it
    gives ("The expression for $x^2 + y^2$ in terms of $a$ is $x^2 + y^2 = 5$" says x^2 + y^2 is 5),
    so ``q`` need not be a plain name; any other answer is returned unchanged."""
    eq = answer.split("=")
    if len(eq) != 2 or not eq[0].strip() or not eq[1].strip() or "," in answer:
        return answer
    m = _OF_QUANTITY.search(subject.strip())
    if not m or _squeezed(_unmask(m.group(1), found)) != _squeezed(eq[0]):
        return answer
    return eq[1].strip()


# Between two parallel claims of one sentence: "..., and the minimum value is ...", "; the second is ...".
_NEXT_CLAIM = re.compile(r"^(?:\s+[A-Za-z]{1,12}\.?)?\s*(?:\([^()]*\)\s*)?(?:,\s*and|,|;|and|while|whereas)\s+"
                         r"(?:the|its)(?:\s+[A-Za-z-]+){0,4}\s*$", re.I)
_CLAIM_END = re.compile(r"(?:\s+[A-Za-z]{1,12})?\s*(?:\([^()]*\))?\s*[.!]?\s*$")  # a unit, an aside, a full stop


def parallel_claims(text: str) -> list[str] | None:
    """The values of a final sentence's parallel claims ("The maximum value is $12$ (at x = -2) and the
    minimum value is $-4$." -> ["12", "-4"]), each "the <noun> is <value>" joined by "and", a comma or
    a semicolon; None for one claim, or claims joined otherwise ("is 12 when x is -4")."""
    sentence = final_sentence(text)
    masked, found = _mask(sentence)
    values, last_end = [], None
    for cop in _COPULA.finditer(masked):
        parts, pos = _read_answer(masked, cop.end())
        if len(parts) != 1:
            return None
        if last_end is not None and not _NEXT_CLAIM.match(masked[last_end : cop.start()]):
            return None
        values.append(_unmask(parts[0], found).strip())
        at = masked.find(parts[0], cop.end())
        if at < 0:
            return None
        last_end = at + len(parts[0])
    if last_end is None or not _CLAIM_END.match(masked[last_end:]):
        return None  # the last claim must end the sentence (a unit and an aside in brackets may follow)
    return values if len(values) >= 2 else None


def listed_count(text: str) -> str | None:
    """The count a response's final sentence states before it lists what it counts ("has three
    solutions: (1, 2), (2, 1) and (3, 3)" -> "3"), as digits; None when it states none."""
    masked, found = _mask(final_sentence(text))
    for cop in _COPULA.finditer(masked):
        word = _COUNT_WORD.match(masked, cop.end()) or _NUMBER_WORD.match(masked, cop.end()) or _COUNT_DIGITS.match(
            masked, cop.end())
        listed = re.match(r"\s*:", masked[word.end() :]) if word else None
        if listed:
            parts, end = _read_answer(masked, word.end() + listed.end())
            count = _NUMBER_WORDS.get(word.group(1).lower(), word.group(1))
            # "x = \\pm 3" lists two solutions
            items = sum(2 if _PLUS_MINUS.search(item) else 1 for p in parts for item in split_top(_unmask(p, found), ","))
            # the list ends the sentence ("..., whose sum is 18" does not) and has as many items as counted
            if parts and not masked[_read_run(masked, end)[1] :].strip(" .!") and str(items) == count:
                return count
    return None


_PLUS_MINUS = re.compile(r"±|∓|\\(?:pm|mp)(?![a-z])")
# A count in digits before its plural noun: "are 3 solutions", "are exactly 3 such integers".
_COUNT_DIGITS = re.compile(r"\s*(\d{1,6})\s+(?:[a-z-]+\s+){0,3}?[a-z]+s\b", re.IGNORECASE)


def plain_values(text: str) -> str | None:
    """Two or more values that open ``text``, joined by "and", "or" or commas ("3 and 4", "x = 2 and
    y = 5", "x > 1 and x < 3"), as one list; None for one value or none."""
    masked, found = _mask(text)
    parts, _end = _read_answer(masked, 0)
    if len(parts) < 2:
        return None
    # "x > 1 or x < 3" stays an "or": every real number, not an interval ("(1, 2) or (3, 4)": two pairs)
    return _joined(parts, found, " or " if re.search(r"\bor\b", masked[:_end], re.I) else ", ")


def value_runs(text: str) -> list[tuple[str, int, int]]:
    """The plain-text maths runs of ``text`` that hold a digit, as (run, start, end), in order."""
    runs, pos = [], 0
    for m in re.finditer(r"[-+−]?\d", text):
        if m.start() < pos:
            continue
        run, end = _read_run(text, m.start())
        if run:
            runs.append((run, m.start(), end))
        pos = max(end, m.end())
    return runs


def _joined(parts: list[str], found: list[tuple[str, str]], sep: str = ", ") -> str:
    texts = []
    for part in parts:
        text = _unmask(part, found).strip()
        m = _RESTATED.match(text)
        if m and re.sub(r"\s", "", m.group("a")) == re.sub(r"\s", "", m.group("b")):
            text = m.group("a")
        texts.append(text)
    return sep.join(texts)


# ---------------------------------------------------------------------------------------------------
# Worded answers
_YES_NO = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)
# An explicit yes or no: at the start of a sentence or a line ("Yes, ...", "**No.**", "\\boxed{\\text{No}}"),
# after "answer is" / "Answer:", or after "so"/"thus" ("So, yes."). "No matter", "no more than" are not.
_EXPLICIT = re.compile(
    r"(?:(?:^|(?<=[\n.!?:]))[\s*_#>\-]*(?:\\(?:text|textbf|boxed|mathrm)\s*\{\s*)?"
    r"|\banswer\s*(?:is\s*)?(?:still\s+)?:?\s*[*_\s]*(?:\\(?:text|textbf|boxed)\s*\{\s*)?"
    r"|\b(?:so|thus|therefore|hence),?\s+"
    # emphasis after "so": "so **Yes, 1001 is prime.**" (not "so **no** prime can divide both")
    r"|\b(?:so|thus|therefore|hence),?\s+[*_]+(?=(?:yes|no)[*_]*\s*(?:[,.!;:\n]|$))"
    # a correction, a bare yes or no after it: "Yes. Hmm, no.", "No. Wait, actually yes.", "no... I mean yes"
    r"|\b(?:hmm+|wait|actually|i\s+mean|on\s+second\s+thought)[\s,.!:\u2014\u2013-]+(?:actually[\s,]+)?"
    r"(?=(?:yes|no)\s*(?:[.!;:]|$)))"
    r"(yes|no)\b(?![-'])(?!\s+(?:matter|more|less|fewer|longer|sooner|later|doubt|problem|wonder|question|such|one|solution|real|integer|positive|"
    r"comment|idea|need|way|clue|"
    r"[a-z]+s\b))",
    re.IGNORECASE,
)
# Both answers, or none: "Yes or no, hard to say", "Yes and no".
_UNDECIDED = (r"(?:hard|difficult|impossible)\s+to\s+(?:say|tell)|"
              r"\byes\W{0,4}(?:(?:or|and)\W+|\\text\{\s*or\s*\}\s*)?no\b(?!\s+(?:matter|two|other|such|more|less|need|doubt|"
              r"problem|one|longer|further|extra))|\bno\W{0,4}(?:(?:or|and)\W+)?yes\b")
HEDGE = re.compile(
    r"\b(?:unclear|cannot\s+be\s+determined|can(?:no|')t\s+determine|undetermined|unknown|not\s+enough\s+information|"
    r"inconclusive|may\s+or\s+may\s+not|it\s+depends|depends\s+on|might|suggests?|suggesting|possibly|perhaps|"
    r"not\s+possible\s+to\s+(?:definitively\s+|certainly\s+)?(?:say|determine|tell|conclude)|"
    r"can(?:no|')t\s+(?:definitively\s+|certainly\s+)?(?:say|tell|conclude)|maybe|unsure|not\s+(?:sure|certain)|"
    r"(?:don't|do\s+not|does\s+not|doesn't)\s+know|could\s+not\s+(?:determine|decide|find|conclude|tell)|"
    r"not\s+possible\s+to\s+decide|without\s+more\s+information|" + _UNDECIDED + r")\b",
    re.IGNORECASE,
)
# A method, not a result: "one must compute the values ... then subtract that n from 100".
_METHOD = re.compile(
    r"\b(?:one|we|you)\s+(?:must|should|would\s+(?:need\s+to|have\s+to)|needs?\s+to|has\s+to|have\s+to)\s+"
    r"(?:compute|calculate|check|determine|evaluate|find|test|solve|analy[sz]e)\b",
    re.IGNORECASE,
)
# The main clause ends where its justification starts.
_JUSTIFICATION = re.compile(
    r"\s(?:because|since|due\s+to|as\s+(?:it|the|this|shown|a|an)|so\s+that|which|whereas|hence)\b|,\s*as\s|;"
    r"|\s(?:-|--|—)\s(?=[A-Za-z]{3,})",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|neither|nothing|cannot|impossible|nonexistent|"
    r"isn't|aren't|doesn't|don't|didn't|won't|wouldn't|couldn't|can't|shouldn't|hasn't|haven't|fails?\s+to)\b"
    r"|n't\b",
    re.IGNORECASE,
)
# Negative words that negate nothing: "no matter how", "no more than 5", "not only", "whether or not";
# "nor" continues a "neither" (counted once).
_NOT_NEGATIONS = re.compile(
    r"\b(?:no\s+matter|no\s+(?:more|less|fewer|later|sooner)\s+than|not\s+only|whether\s+or\s+not|nor|"
    r"no\s+(?:doubt|problem|wonder|question)|without\s+(?:a\s+|any\s+)?doubt|"
    r"not\s+(?:false|untrue|incorrect|wrong))\b",
    re.IGNORECASE,
)
_STOPWORDS = frozenset(
    "the a an is are be was were of to and or for that this it its there such as in on at by with which "
    "do does did has have given".split()
)
_WORDS = re.compile(r"[A-Za-z]+(?:'t)?|\d+")
# A worded answer that offers two outcomes, or states its words only under a condition, states
# nothing: "Either Alice wins or Bob wins", "... and there are no solutions if m is odd".
_ALTERNATIVES = re.compile(r"\beither\b|\bor\b|\bif\b|\bunless\b|\bwhen\b", re.IGNORECASE)


def _main_clause(sentence: str) -> str:
    m = _JUSTIFICATION.search(sentence)
    return sentence[: m.start()] if m else sentence


def _negations(text: str) -> int:
    return len(_NEGATION.findall(_NOT_NEGATIONS.sub(" ", text)))


def stance(text: str) -> str | None:
    """"yes", "no" or None for a worded answer: the last explicit yes/no of the response's end ("Yes,
    ...", "the answer is no", "So, yes."), else "no" when the final sentence's main clause is negated
    (an odd number of negations; "no matter", "not only" do not count), "yes" when it is an
    unconditional affirmative claim, else None.

    >>> stance("4^545 + 545^4 is not a prime number because it factors.")
    'no'
    """
    tail = text[-1500:]
    truth = _TRUE_FALSE.match(tail)
    if truth:  # "\\text{True}" as the whole answer
        return "yes" if truth.group(1).lower() == "true" else "no"
    explicit = list(_EXPLICIT.finditer(tail))
    undecided = list(re.finditer(_UNDECIDED, tail, re.I))
    if undecided and not (explicit and explicit[-1].start() >= undecided[-1].end()):
        return None  # "Yes or no, hard to say.", "Yes and no." (but "Answer yes or no: Yes." says yes)
    if explicit:
        return explicit[-1].group(1).lower()
    sentence = final_sentence(text).strip().strip("*").strip()
    last = last_sentence(text)
    if last and not _SENTENCE_MATH.search(last) and not _FILLER.search(last):
        sentence = last  # "... x = 2 is not a root. So such a polynomial exists.": the conclusion, not the premise
    if not sentence or HEDGE.search(sentence) or _FILLER.search(sentence):
        return None
    # The main clause answers: a negated claim in it, "no" ("4^545 + 545^4 is not prime"; "There are no
    # such p and q, so the smallest p+q does not exist": its first claim). An unconditional affirmative
    # claim, "yes" ("The sequence can be extended indefinitely": a model restates the question's claim
    # when it agrees), only from the response's literal last sentence, with no negation anywhere in the
    # clause, no condition or alternatives ("if", "either ... or"), and no word that turns or weakens it
    # ("false", "counterexample", "fails", "only", "but", "likely").
    clause = _main_clause(_LEADING_CLAUSE.sub("", sentence, count=1))
    clause = _BUT.split(clause)[-1]  # "This is not an easy problem, but the answer exists": the claim after "but"
    negations = _negations(clause)
    if negations % 2 or _negations(_CONJUNCT.split(clause, maxsplit=1)[0]) % 2:
        # "has no integer solutions, except for the trivial solution x = 1": a denial that names a solution
        # it excepts (in its last concluding clause: "..., so no such n > 1 exists" decides)
        return None if _EXCEPT.search(_CONCLUDING.split(sentence)[-1]) else "no"
    if (negations or _ALTERNATIVES.search(clause) or _NOT_AFFIRMATIVE.search(sentence)
            or _NOT_AFFIRMATIVE_CLAUSE.search(clause) or _METHOD.search(clause)
            or sentence.rstrip().endswith("?") or len(_WORDS.findall(sentence)) < 4
            or len(re.findall(r"[A-Za-z]{2,}", sentence)) < 3 or _STATES_A_VALUE.search(sentence)
            or sentence != last_sentence(text)):
        return None
    return "yes"


# A sentence that states a value ("The answer is 7.") or is maths alone ("4.1561*10^16") makes no claim to agree
# with: it is no "yes" to a yes/no question.
_STATES_A_VALUE = re.compile(r"\b(?:answer|result|value|solution)\s+(?:is|was|=)\b|\b(?:is|=)\s*\$?\s*-?\d", re.I)
# Words that turn or weaken an affirmative-looking sentence (anywhere in it): not a plain "yes"; and a
# sentence about the argument ("This completes the proof") answers nothing.
_NOT_AFFIRMATIVE = re.compile(
    r"\b(?:false|true|negative|contradictions?|contradicts?|counterexamples?|fails?|failed|exceptions?|"
    r"likely|probably|seems?|appears?|unlikely|hypothes[ie]s|conjectures?|proofs?|proves|completes|argument|"
    r"whether)\b",
    re.IGNORECASE,
)
# ... and in its main clause: "possible for n = 4 but ...", "holds only for n = 1".
_NOT_AFFIRMATIVE_CLAUSE = re.compile(r"\b(?:only|but|however|although|though|except|unless)\b", re.IGNORECASE)
_BUT = re.compile(r",\s*but\s+", re.IGNORECASE)
# A denial that names a solution it excepts ("no integer solutions, except for the trivial solution x = 1",
# "no n other than n = 1") says that one exists; "except in the degenerate case", "other than 1", "apart
# from the argument above" do not.
_EXCEPT_WORDS = r"\b(?:except|other\s+than|apart\s+from|save\s+for|besides"
_EXCEPT = re.compile(
    _EXCEPT_WORDS + r"|with\s+the\s+exception\s+of)\s+(?:for\s+)?"
    r"(?:(?:the|a|an|one|two)\s+)?(?:[a-z-]+\s+){0,2}?(?:solutions?|roots?|pairs?|triples?|examples?)\b"
    r"|" + _EXCEPT_WORDS + r")\s+(?:for\s+)?\$?\\?\(?\s*[a-z]\s*=\s*-?\d",
    re.IGNORECASE,
)
_CONCLUDING = re.compile(r",\s*(?:so|hence|thus|therefore)\s+|;\s*", re.IGNORECASE)
# An answer that is only True or False (a box, an answer line): yes or no.
_TRUE_FALSE = re.compile(r"^[\s$*(]*(?:\\(?:text|textbf|mathrm|boxed)\s*\{\s*)*(true|false)\s*\}*[\s$*.)]*$", re.IGNORECASE)


# A sentence that answers nothing: a give-up, a refusal, thanks, a plan, a hope ("I can't solve it.", "No idea.",
# "Here is my reasoning.", "I hope it is correct."), or a negation that affirms ("not hard to see", "not surprisingly").
_FILLER = re.compile(
    r"^\W*(?:I|I'm|I've|we|we'll|let's|let\s+me|here|thank|thanks|sorry|hope|note|hmm|ok|okay)\b|\b(?:no\s+idea|no\s+comment|"
    r"don't\s+know|do\s+not\s+know|not\s+sure|cannot\s+(?:help|solve|determine)|can't\s+(?:help|solve|determine)|"
    r"not\s+(?:hard|difficult|surprisingly)|no\s+doubt|step[-\s]by[-\s]step|my\s+reasoning)\b",
    re.IGNORECASE,
)


def worded_sentence(text: str) -> str:
    """The sentence a worded answer is read from: the literal last sentence when it is a claim in words
    ("$f(-x) = -f(x)$ for every $x$. The function is odd."), else the last one holding maths."""
    last = last_sentence(text)
    if last and not _SENTENCE_MATH.search(_mask(last)[0]) and _WORDED_CLAIM.match(last):
        return last
    return final_sentence(text)


# A short closing claim in words about the thing asked: "The function is odd.", "So it is convergent.",
# "Therefore, the sequence is bounded." (not "Determine whether ...", "Suppose ...", "I guess ...", "The
# proof is complete.", "Note that the sine function is odd.").
_WORDED_CLAIM = re.compile(
    r"^(?:(?:so|thus|hence|therefore|consequently|finally)\b,?\s*)?(?:(?:the|this|our)\s+"
    r"(?!(?:proof|argument|reasoning|solution|problem|question|task|claim|answer|result|computation|case|check)\b)"
    r"[A-Za-z-]+|it|[a-z](?:\([a-z]\))?)\s+(?:is|are)\s+(?:(?:an?|strictly|always|also|indeed)\s+)?[A-Za-z-]+\s*[.!]?$",
    re.I)


def last_sentence(text: str) -> str:
    """The response's literal last sentence (math segments kept whole)."""
    masked, found = _mask(text[-_TAIL_CHARS:])
    parts = [p.strip() for p in _SENTENCE_SPLIT.split(masked) if p and p.strip()]
    return _unmask(parts[-1], found, whole=True).strip().strip("*").strip() if parts else ""


# A clause that says nothing of a kind exists: "there are no ...", "no term is ...", "has no roots",
# "does not exist", "none of ...", "cannot be found". A negated predicate ("is not 0", "is not prime")
# is not one: it denies a value, not existence.
_NONE_CLAIM = re.compile(
    r"\b(?:no|none|nothing|neither)\b(?!\s+(?:matter|more|less|fewer|longer|other|such\s+that))"
    r"|\b(?:does|do|did|can|could|will|would)(?:\s+not|n't|not)\s+(?:exist|have|contain|admit|possess)\b"
    r"|\bcannot\s+(?:exist|have|contain|be\s+found|be\s+bounded)\b|\bdoes\s+not\s+hold\s+for\s+any\b"
    r"|\bnonexistent\b|\bnot\s+(?:any|exist)\b",
    re.IGNORECASE,
)
# A closing none-claim in words that is read after maths, in one of a few plain forms: "There are no real
# solutions.", "The equation has no real roots.", "No solution exists.", "No such integer exists."
_PLAIN_NONE_CLAIM = re.compile(
    r"(?:(?:so|thus|hence|therefore|consequently),?\s+)?(?:there\s+(?:are|is|exist|exists)\s+no\s+(?:real\s+)?"
    r"(?:solutions?|roots?)|(?:the\s+)?(?:given\s+)?(?:equation|system|quadratic|polynomial|inequality)\s+has\s+no\s+"
    r"(?:real\s+)?(?:solutions?|roots?)|no\s+(?:real\s+)?(?:solutions?|roots?)\s+exists?|no\s+such\s+[a-z]+"
    r"(?:\s+[a-z]+)?\s+exists?)\s*[.!]?", re.I)
# A solution or value named before the closing sentence: "So $x = 3$.", "x = -1 works", "gives $2$ and $3$".
_SOLUTION_STATED = re.compile(r"(?<![A-Za-z\\])[a-z](?:_\{?\w+\}?)?\s*=\s*-?\s*[\d\\(]|\$\s*-?\d+(?:\.\d+)?\s*\$"
                              r"|\b(?:gives?|get|obtain|find|found)\s+\$?\s*-?\d")
# "no solutions other than x = 1", "none except 3": a restricted claim names what does exist; "no
# solutions if m is odd": a conditional one says nothing of the other case.
_RESTRICTED = re.compile(r"\b(?:other\s+than|except|besides|beyond|apart\s+from|but\s+for|aside\s+from|if|when|whenever|"
                         r"unless|provided)\b", re.IGNORECASE)


# A leading "Yes," / "No." on its own (not the "No" of "No term is prime").
_YES_NO_WORD = re.compile(r"^\W*(?:yes|no)\b(?=\s*[,.;:!])", re.IGNORECASE)
_CONJUNCT = re.compile(r",\s*(?:and|so|thus|therefore)\b|\s+and\s+(?:therefore|thus|hence|so)\b", re.IGNORECASE)


# The empty set in words, and as a symbol: "the solution set is empty", "is the empty set"; "\\emptyset".
# Only a plain closing claim about the solutions counts: not a condition, an offer, an exception, a
# supposition or another set ("The intersection is empty, so ...", "The complement ... is empty").
_EMPTY_CLAIM = re.compile(
    r"^(?:(?:so|thus|hence|therefore|consequently)\b,?\s*)?(?:the\s+)?(?:(?:real\s+)?solution\s+set|"
    r"set\s+of\s+(?:all\s+)?(?:real\s+)?solutions)(?:\s+of\s+the\s+(?:equation|inequality|system))?"
    r"\s+is\s+(?:the\s+)?empty(?:\s+set)?\s*[.!]?$", re.I)
_NONE_SOLUTIONS = re.compile(
    r"^(?:(?:so|thus|hence|therefore|consequently)\b,?\s*)?(?:the\s+(?:equation|inequality|system)\s+has|there\s+(?:is|are))"
    r"\s+no\s+(?:real\s+)?solutions?\s*[.!]?$", re.I)
EMPTY_SET = re.compile(r"^\s*(?:\\emptyset|\\varnothing|∅|\\\{\s*\\\}|\{\s*\})\s*$")
# A gold that says there is no solution ("No solution", "no real solutions"): the empty set answers it.
NO_SOLUTION_GOLD = re.compile(r"^\s*(?:there\s+(?:is|are)\s+)?no\s+(?:real\s+)?solutions?\s*\.?\s*$", re.I)


def says_empty(text: str) -> bool:
    """Whether a response ends by saying the set of solutions is empty: its last sentence, or the clause
    after its last "so"/"thus"/";", is "the solution set is empty" or "there are no (real) solutions"."""
    sentence = last_sentence(text).strip().strip("*").strip()
    clauses = [sentence] + [sentence[m.end():].strip() for m in re.finditer(r"(?:,\s*(?:so|thus|hence)\b|;)", sentence)]
    return any(_EMPTY_CLAIM.match(c) or _NONE_SOLUTIONS.match(c) for c in clauses)


def claims_none(text: str) -> bool | None:
    """Whether a response's final sentence says that nothing of the asked kind exists ("There are no
    integer solutions ...", "No term of the sequence is prime", "The limit does not exist"): True, False
    (it says something exists, or names exceptions), or None when it is hedged or says neither.

    >>> claims_none("There are no positive integer solutions to x^3 + 3 = 4y(y + 1).")
    True
    >>> claims_none("The limit is not 0."), claims_none("There are no solutions other than x = 1.")
    (False, False)
    """
    explicit = list(_EXPLICIT.finditer(text[-1500:]))
    last = last_sentence(text)
    if last and _PLAIN_NONE_CLAIM.fullmatch(last) and not _SOLUTION_STATED.search(text[-_TAIL_CHARS:][: -len(last) or None]):
        # A closing claim in words, in one of a few plain forms, after maths that names no solution ("..., so
        # $x^2 + 1 > 0$. There are no real solutions."); not "No further simplification is needed.", "There are
        # no positive solutions.", "So far there are no solutions.", nor after "So $x = 3$." or "gives $2$"
        return True
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or HEDGE.search(sentence) or _FILLER.search(sentence):
        return None
    # "The one-sided limits differ, so the limit does not exist": a conclusion is the claim.
    clause = stated_clause(text, concluded=True) or _main_clause(
        _LEADING_CLAUSE.sub("", _YES_NO_WORD.sub("", sentence, count=1).lstrip(" ,."), count=1))
    clause = _CONJUNCT.split(clause, maxsplit=1)[0]  # "there is no such sequence, and therefore no ...": the first claim
    if _RESTRICTED.search(clause):
        return False
    if _negations(clause) % 2 and _NONE_CLAIM.search(clause):
        return True
    if explicit and explicit[-1].group(1).lower() == "no" and _negations(clause) % 2:
        return True  # "No, it is not possible ...": the explicit no and a negated clause agree
    return False


_WORDED_SLOT = re.compile(r"\s+(?:all|every|each|any|none|some|not|no|never|infinitely|exactly|only)\b", re.IGNORECASE)


def states_in_words(sentence: str) -> bool:
    """A final sentence that answers in words, not with a value: hedged, negated in its main clause, a
    method with no value stated, or with a quantifier right after its first copula ("are all integers
    ...", "is not ...")."""
    if not sentence.strip() or HEDGE.search(sentence):
        return bool(sentence.strip())
    masked, _found = _mask(sentence)
    clause = _main_clause(_LEADING_CLAUSE.sub("", masked, count=1))
    if _negations(clause) % 2 or (_METHOD.search(masked) and "=" not in sentence):
        return True  # negated, or a method that states no value ("one must compute ..., then subtract")
    cop = _COPULA.search(clause)
    return bool(cop and _WORDED_SLOT.match(clause, cop.end()))


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ally", "ly", "ies", "es", "s", "ed", "ing"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _stop(word: str) -> bool:
    """A stop word: not compared, not counted as distance. A capital letter ("Player A") is a name, not "a"."""
    return word.lower() in _STOPWORDS and not (len(word) == 1 and word.isupper())


def _word_key(word: str) -> str:
    """What a word is compared by: its stem, a number word as its numeral ("one" and "1" agree)."""
    return _NUMBER_WORDS.get(word.lower()) or _stem(word)


def stated_clause(text: str, *, concluded: bool = False) -> str:
    """The main clause of a response's final sentence (a leading Yes/No and a leading subordinate
    clause dropped). With ``concluded``, the clause after the sentence's last "so"/"thus"/"hence"/
    "therefore" ("The one-sided limits differ, so the limit does not exist"), "" when there is none. A
    worded gold is compared with the conclusion when there is one (what precedes it is a premise), else
    with the main clause."""
    sentence = _YES_NO.sub("", worded_sentence(text).strip().strip("*"), count=1).lstrip(" ,.")
    if concluded:
        found = list(_CONCLUDES.finditer(sentence))
        if not found:
            return ""
        sentence = sentence[found[-1].end() :]
    return _main_clause(_LEADING_CLAUSE.sub("", sentence, count=1)).strip()


def claim_clause(text: str) -> str:
    """What a response's final sentence claims: its conclusion when it has one, else its main clause."""
    return stated_clause(text, concluded=True) or stated_clause(text)


# A conclusion (not "but", which turns, nor "i.e.", which restates): "..., so the limit does not exist".
_CONCLUDES = re.compile(r"[,;]\s*(?:and\s+)?(?:so|thus|hence|therefore|consequently)\b,?\s*", re.I)


_RESTRICTING = frozenset("positive negative nonnegative nonpositive nonzero non-zero integer integers rational irrational "
                         "prime odd even natural whole real complex".split())
_EXCEPTED = re.compile(r"\b(?:except|excluding|other\s+than|apart\s+from|besides|but)\b", re.I)


def phrase_matches(gold: str, text: str) -> bool:
    """Whether ``text`` states the worded gold: the gold's content words, in order and close together
    (at most one other content word between them; stop words do not count; a number of the gold must be
    the next number), in the final sentence's main clause, with the same parity of negations in and just
    before that span ("not periodic" never answers "periodic"; "The solution
    is 3, not 4" does not answer "No solution"). A clause offering alternatives ("either", "or")
    states nothing.

    >>> phrase_matches("Monotonically increasing", "The ratio is monotonically increasing.")
    True
    >>> phrase_matches("Monotonically increasing", "The ratio is not monotonically increasing.")
    False
    """
    clause = claim_clause(text)
    if not clause or HEDGE.search(clause) or (_ALTERNATIVES.search(clause) and not _ALTERNATIVES.search(gold)):
        return False
    g_yes, t_yes = _YES_NO_WORD.match(gold.strip()), _YES_NO_WORD.match(final_sentence(text).strip().strip("*"))
    if g_yes and t_yes and g_yes.group(0).strip(" *_").lower() != t_yes.group(0).strip(" *_").lower():
        return False  # "No, it is not possible" against "Yes, it is possible": opposite answers
    if _EXCEPTED.search(clause) and not _EXCEPTED.search(gold):
        return False  # "All real numbers except 0" does not state "All real numbers"
    want = [_word_key(w) for w in _WORDS.findall(gold)
            if not _stop(w) and _NEGATION.fullmatch(w) is None and not w.lower().endswith("n't")]
    if not want:
        return False
    tokens = _WORDS.findall(_NOT_NEGATIONS.sub(" ", clause))
    # Content words only (with their place in ``tokens``): "at least one of the three numbers" states
    # "At least 1 number" (number words read as numerals, stop words not counted as distance).
    content = [(k, _word_key(t)) for k, t in enumerate(tokens) if not _stop(t)]
    parity = _negations(_YES_NO_WORD.sub("", gold.strip(), count=1)) % 2  # the clause read drops "No," too
    for start, (first, key) in enumerate(content):
        if key != want[0]:
            continue
        pos, ok = start, True
        for w in want[1:]:
            window = range(pos + 1, min(len(content), pos + 3))
            if w.isdigit():  # a number of the gold is the next number, never one found past another
                nxt = next((j for j in window if content[j][1].isdigit()), None)
                nxt = nxt if nxt is not None and content[nxt][1] == w else None
            else:
                nxt = next((j for j in window if content[j][1] == w), None)
            if nxt is None:
                ok = False
                break
            pos = nxt
        if ok:
            span = " ".join(tokens[max(0, first - 3) : content[pos][0] + 1])
            inside = {t.lower() for t in tokens[first : content[pos][0] + 1]}
            if (inside & _RESTRICTING) - {w.lower() for w in _WORDS.findall(gold)}:
                continue  # "All positive real numbers" does not state "All real numbers"
            if _negations(span) % 2 == parity:
                return True
    return False


# ---------------------------------------------------------------------------------------------------
# Counts: "For 999 values of x_1, ..., x_1000 we have ...", "At most two of the three inequalities can
# be true", "holds for all 900 values of n". A count is a number (digits or a word) right before a
# plural noun (adjectives allowed between) or before "of the <noun>"; it is read only for golds that
# count, and only when its noun is the gold's ("values" for "100 (i.e., all values)").
_COUNT_NUMBER = r"(\d+(?:,\d{3})*|" + "|".join(_NUMBER_WORDS) + r")"
_COUNT = re.compile(
    r"(?<![\w.,^_/])" + _COUNT_NUMBER
    + r"\s+(?:of\s+(?:(?:the|these|those)\s+(?:\w+\s+){0,2}?(?P<of>[a-z]{2,}s)\b|them\b)|(?:[a-z-]+\s+){0,2}?(?P<noun>[a-z]{2,}s)\b)"
    r"(?!\s+(?:than|times)\b)",
    re.IGNORECASE,
)
# A number that names the things counted over, not the count: "Among the 12 numbers, 5 ...", "Of the 100
# values", "With 3 colors", "each of the 5 people", "Any two of the three", "after checking the 7 candidates".
_NOT_A_COUNT = re.compile(r"\b(?:the|these|those|of|among|with|using|after|each|any|over|from|by|per|in|on|"
                          r"counting|checking|all\s+of)\s+$", re.IGNORECASE)
# Words that deny, weaken or narrow a claim about everything: "fails for all n", "is false for every n",
# "may hold", "for all odd n", "true for all even n, but ...".
_NOT_EVERY = re.compile(r"\b(?:fails?|false|may|might|could|but|however|odd|even|prime|composite|except|only|"
                        r"until|unless|some|not)\b", re.IGNORECASE)
# "for all n", "for all $n \ge 1$", "for every n in the set", "all the integers in the set ... have".
_EVERY = re.compile(
    r"\b(?:for\s+(?:all|every|each|any)\s+(?:(?:positive\s+integers?|integers?|values?\s+of)\s+)?(?:\ue000\d+\ue001|[a-z]\b)"
    r"|all\s+(?:the\s+|of\s+the\s+)?(?:\d+\s+)?[a-z]+s\s+in\s+the\s+(?:given\s+)?set)",
    re.IGNORECASE,
)
# A range on "for all n" that covers everything asked about: none, "n >= 1", "n > 0", "n in the set".
_WHOLE_RANGE = re.compile(r"^(?:[a-z]|[a-z]\s*(?:\\ge|\\geq|>=|≥)\s*1|[a-z]\s*>\s*0)$", re.IGNORECASE)


# What may follow "for all n" and narrow it: a bound ("\\geq 2"), or "with", "such that", "between", ...
_BOUND = re.compile(r"\s*(\\geq?|\\leq?|>=|<=|≥|≤|>|<)\s*(-?\d+)?")
_NARROWER = re.compile(r"\s*(?:\ue000\d+\ue001\s*)?(?:(?:with|such\s+that|satisfying|where|between|from|up\s+to|less|greater|"
                       r"smaller|larger|below|above|divisible|dividing|congruent)\b|in\s+(?!the\s+(?:given\s+)?set\b))",
                       re.IGNORECASE)


def _gold_noun_matches(noun: str | None, want: str | None) -> bool:
    """Whether a count's noun is the gold's ("inequalities" and "inequality" agree); no noun on either side
    ("at most one of them") agrees with anything."""
    if want is None or noun is None:
        return True
    a, b = _stem(noun), _stem(want)
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a)))


# A count that is denied, or a bound or an estimate rather than a count ("at most" and "at least" state
# the answer to a maximum or minimum question and are kept).
_DENIED = re.compile(r"\b(?:fails?|failed|false|untrue|wrong|incorrect|all\s+but)\b", re.IGNORECASE)
_APPROXIMATE = re.compile(r"\b(?:about|approximately|roughly|nearly|almost|around|over|under|more\s+than|fewer\s+than|"
                          r"less\s+than|up\s+to|no\s+more\s+than|no\s+fewer\s+than|no\s+less\s+than|"
                          r"upwards\s+of|some)\s+$", re.IGNORECASE)
# "a total of 10 handshakes", "4 solutions in total": the count the sentence totals up is its count.
_TOTAL = re.compile(r"total\s+of\s+$", re.IGNORECASE)
_IN_TOTAL = re.compile(r"\s+(?:in\s+total|altogether|in\s+all)\b", re.IGNORECASE)


def stated_count(text: str, noun: str | None = None) -> str | None:
    """The count a response's final sentence states (as digits): its first number that counts something
    ("For 999 values of ...", "two of the three inequalities"), in its main clause, not one that names what
    is counted over ("Among the 12 numbers, ..."); with ``noun`` (the gold's noun), a count of that noun.
    None when the sentence states no count; "" when its count is not a plain answer: negated, denied,
    restricted, approximate, or not the part after its conclusion marker.

    >>> stated_count("The inequality holds for 99 values of n in the set {1, 2, ..., 100}.")
    '99'
    """
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or HEDGE.search(sentence):
        return None
    masked, _found = _mask(sentence)
    clause = _main_clause(masked)
    counts = [m for m in _COUNT.finditer(clause) if not _NOT_A_COUNT.search(clause[: m.start()])
              or _TOTAL.search(clause[: m.start()])]
    if not counts:
        return None
    if _RESTRICTED.search(clause) or _negations(clause) % 2 or _DENIED.search(clause) or _BUT.search(clause):
        return ""  # "does not hold for 99 values", "fails for 99 values", "all but 99 values"
    if any(_APPROXIMATE.search(clause[: m.start()]) for m in counts):
        return ""  # "about 99 values", "more than 99 values": not a count
    totals = [m for m in counts if _TOTAL.search(clause[: m.start()]) or _IN_TOTAL.match(clause, m.end())]
    # The count after the last conclusion marker ("..., so at most one of them can be true") wins.
    cuts = [c.start() for c in _STRONG.finditer(clause)]
    last = [m for m in counts if cuts and m.start() > cuts[-1]]
    if cuts and not last and not totals:
        return ""  # "..., so all three can be true": the conclusion states no count
    pick = (totals or last or counts or [None])[0]
    if pick is None or not _gold_noun_matches(pick.group("of") or pick.group("noun"), noun):
        return None
    word = pick.group(1).lower()
    return _NUMBER_WORDS.get(word) or word.replace(",", "")


def states_every(text: str) -> bool:
    """Whether a response's final sentence says its claim holds for everything asked about ("For all
    n >= 1, ...", "all the integers in the set ... have ..."): unhedged, unnegated, with no exception, no
    narrower range ("for all odd n", "for all n >= 2") and no verb that denies or weakens ("fails", "may")."""
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or HEDGE.search(sentence) or _METHOD.search(sentence):
        return False
    masked, found = _mask(sentence)
    clause = _main_clause(masked)
    m = _EVERY.search(clause)
    if not m or _RESTRICTED.search(clause) or _negations(clause) or _NOT_EVERY.search(clause):
        return False
    seg = _MARK.search(m.group(0))
    if seg is not None and not _WHOLE_RANGE.match(found[int(seg.group(1))][0].strip()):
        return False
    after = clause[m.end():].split(",")[0]
    bound = _BOUND.match(after)
    if bound:  # "for all n \geq 2": only a bound that covers everything ("n >= 1", "n > 0") counts
        return bound.group(1) in ("\\ge", "\\geq", ">=", "≥") and bound.group(2) == "1" or bound.group(1) == ">" and bound.group(2) == "0"
    return not _NARROWER.match(after)


# "no values", "no integer solutions", "no such primes": none of a counted kind; not when a restriction
# follows the noun ("no solutions with x > y", "no terms beyond the first", "no critical points in the interior").
_NO_PLURAL = re.compile(
    r"\bno\s+(?:[a-z-]+\s+){0,2}?[a-z]{2,}s\b(?!\s+(?:with|beyond|greater|less|larger|smaller|other|except|besides|"
    r"outside|inside|in\s+the\s+interior|on\s+the|apart|aside|on\s+[a-z])\b)",
    re.IGNORECASE,
)


def says_none_counted(text: str) -> bool:
    """Whether a response's final sentence says that there are none of a counted kind ("There are no
    values of n for which ...", "has no real roots"): an unrestricted claim of none (``claims_none``)
    whose main clause says "no <things>". "The limit does not exist" is a claim of none, not a count."""
    if not claims_none(text):
        return False
    masked, _found = _mask(final_sentence(text))
    if _STRONG.search(masked) or ";" in masked:
        return False  # "There are no restrictions on x, so f attains every value": the count is not the point
    return bool(_NO_PLURAL.search(_main_clause(masked)))
