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
_SENTENCE_SPLIT = re.compile(r"(?<=[^.][.!?])\s+(?=[A-Z\ue000(\"'*])|\n\s*\n|\n(?=\s*[-*#]|\s*[A-Z])")
# A copula and the filler words that may sit between it and the answer.
_COPULA = re.compile(
    r"(?<![A-Za-z])(?:is|are|was|were|equals|equal\s+to|becomes|remains|be|gives|yields|giving|yielding|has|have|"
    r"i\.\s?e\.,?)"
    r"(?:\s+(?:given\s+by|equal\s+to|exactly|precisely|always|just|simply|only|then|therefore|thus|also|still|that|"
    r"now|approximately|about|roughly|probably|likely|calculated\s+as|written\s+as|expressed\s+as|denoted\s+(?:as|by)|represented\s+by|as\s+follows:?|"
    r"the\s+(?:expression|formula|value|values|number|answer|result|closed[-\s]form(?:\s+expression)?|quantity)"
    r"|(?:an?\s+)?(?:integer|number|value|expression)\s+of|:))*"
    r"(?![A-Za-z])",
    re.IGNORECASE,
)
# Where a sentence moves to its conclusion: "..., so the area is 36", "..., giving 7", "i.e. 1/6".
_CONCLUSION = re.compile(
    r"(?:,\s*|;\s*|\s)(?:so|thus|hence|therefore|giving|yielding|which\s+gives|but|i\.\s?e\.,?)(?=\s)",
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
    + r"|\.\.\.|…|[-+*/^!()\[\]{}=<>≤≥≠√π∞·×⋅|'%]|\\[A-Za-z]+|,(?=\s*[-\d(\[{A-Za-z\\\ue000√π]))"
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
_NOT_THE_VALUE = re.compile(
    r"\s*(?:times|more|less|fewer|greater|smaller|larger|higher|lower|bigger|out\s+of|to|than|percent\s+of|"
    r"of\s+the|plus|minus)\b",
    re.IGNORECASE,
)
# A unit word between two parts of one answer: "30 degrees or 150 degrees".
_UNIT_WORD = re.compile(r"\s+[A-Za-z]{1,12}\.?(?=\s*(?:,|\band\b|\bor\b))")


def _read_answer(masked: str, pos: int) -> tuple[list[str], int]:
    """Parts of the answer written from ``pos``: math runs joined by "and", "or" and commas; or one
    number word that ends the sentence ("the difference is zero."). No parts when the value is part
    of a comparison ("is 12 times larger")."""
    word = _NUMBER_WORD.match(masked, pos) or _COUNT_WORD.match(masked, pos)
    if word:
        return [_NUMBER_WORDS[word.group(1).lower()]], word.end()
    parts: list[str] = []
    while True:
        run, end = _read_run(masked, pos)
        if not run or not _HAS_MATH.search(run) or _is_article(run, masked, end):
            break
        if _NOT_THE_VALUE.match(masked, end):
            return [], pos
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


def prose_answer(text: str, subject_equation: bool = False) -> str | None:
    """The maths a prose answer commits to, or None when its final sentence has no copula + maths
    (with ``subject_equation``, an equation as the sentence's subject also counts: "The polynomial
    f(x) = 0 satisfies ...").

    >>> prose_answer("There are 144 ways to fill a 2 x 11 rectangle with 2 x 1 tiles.")
    '144'
    >>> prose_answer(r"The values are \\( a = 3 \\) and \\( b = -4 \\).")
    'a = 3, b = -4'
    """
    sentence = _FACTORIAL_WORD.sub(r"\1!", final_sentence(text))
    masked, found = _mask(sentence)
    masked = _LEADING_CLAUSE.sub("", masked, count=1)
    # "Each side is 6 cm, so the area is 36": the part after the last conclusion marker that states a
    # value wins; within a part, its first copula with maths ("The value is 5 when t is 9").
    cuts = [0] + [m.start() for m in _CONCLUSION.finditer(masked)]
    for start in reversed(cuts):
        end = next((c for c in cuts if c > start), len(masked))
        part = masked[:end]
        for cop in _COPULA.finditer(part, start):
            parts, _end = _read_answer(part, cop.end())
            if parts:
                return _joined(parts, found)
    subject = _SUBJECT_EQUATION.match(masked) if subject_equation else None
    if subject:  # a response's final sentence only: a gold sentence must state its value with a copula
        parts, _end = _read_answer(masked, subject.start("eq"))
        if parts:
            return _joined(parts, found)
    return None


def _joined(parts: list[str], found: list[tuple[str, str]]) -> str:
    texts = []
    for part in parts:
        text = _unmask(part, found).strip()
        m = _RESTATED.match(text)
        if m and re.sub(r"\s", "", m.group("a")) == re.sub(r"\s", "", m.group("b")):
            text = m.group("a")
        texts.append(text)
    return ", ".join(texts)


# ---------------------------------------------------------------------------------------------------
# Worded answers
_YES_NO = re.compile(r"^\W*(yes|no)\b", re.IGNORECASE)
# An explicit yes or no: at the start of a sentence or a line ("Yes, ...", "**No.**", "\\boxed{\\text{No}}"),
# after "answer is" / "Answer:", or after "so"/"thus" ("So, yes."). "No matter", "no more than" are not.
_EXPLICIT = re.compile(
    r"(?:(?:^|(?<=[\n.!?:]))[\s*_#>\-]*(?:\\(?:text|textbf|boxed|mathrm)\s*\{\s*)?"
    r"|\banswer\s*(?:is\s*)?:?\s*[*_\s]*(?:\\(?:text|textbf|boxed)\s*\{\s*)?"
    r"|\b(?:so|thus|therefore|hence),?\s+)"
    r"(yes|no)\b(?![-'])(?!\s+(?:matter|more|less|fewer|longer|sooner|later|doubt|such|one|solution|real|integer|positive|"
    r"[a-z]+s\b))",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:unclear|cannot\s+be\s+determined|can(?:no|')t\s+determine|undetermined|unknown|not\s+enough\s+information|"
    r"inconclusive|may\s+or\s+may\s+not|it\s+depends|depends\s+on|might|suggests?|suggesting|possibly|perhaps|"
    r"not\s+possible\s+to\s+(?:definitively\s+|certainly\s+)?(?:say|determine|tell|conclude)|"
    r"can(?:no|')t\s+(?:definitively\s+|certainly\s+)?(?:say|tell|conclude)|"
    # a method, not a result: "one must compute the values ... then subtract that n from 100"
    r"(?:one|we|you)\s+(?:must|should|would\s+(?:need\s+to|have\s+to)|needs?\s+to|has\s+to|have\s+to)\s+"
    r"(?:compute|calculate|check|determine|evaluate|find|test|solve|analy[sz]e))\b",
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
    r"\b(?:no\s+matter|no\s+(?:more|less|fewer|later|sooner)\s+than|not\s+only|whether\s+or\s+not|nor)\b",
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
    explicit = list(_EXPLICIT.finditer(tail))
    if explicit:
        return explicit[-1].group(1).lower()
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or _HEDGE.search(sentence):
        return None
    # The main clause's first claim answers: negated, "no" ("4^545 + 545^4 is not prime"); affirmative
    # and unconditional, "yes" ("The sequence can be extended indefinitely", "A is greater than 1/15":
    # a model restates the question's claim when its answer is yes). A clause offering alternatives or
    # a condition ("if", "unless", "either ... or") answers neither.
    clause = _CONJUNCT.split(_main_clause(_LEADING_CLAUSE.sub("", sentence, count=1)), maxsplit=1)[0]
    negations = _negations(clause)
    if negations % 2:
        return "no"
    if negations or _ALTERNATIVES.search(clause) or sentence.rstrip().endswith("?"):
        return None  # a double negation ("It is not true that the set is not empty") is left unread
    return "yes"


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
# "no solutions other than x = 1", "none except 3": a restricted claim names what does exist; "no
# solutions if m is odd": a conditional one says nothing of the other case.
_RESTRICTED = re.compile(r"\b(?:other\s+than|except|besides|apart\s+from|but\s+for|aside\s+from|if|when|whenever|"
                         r"unless|provided)\b", re.IGNORECASE)


# A leading "Yes," / "No." on its own (not the "No" of "No term is prime").
_YES_NO_WORD = re.compile(r"^\W*(?:yes|no)\b(?=\s*[,.;:!])", re.IGNORECASE)
_CONJUNCT = re.compile(r",\s*(?:and|so|thus|therefore)\b|\s+and\s+(?:therefore|thus|hence|so)\b", re.IGNORECASE)


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
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or _HEDGE.search(sentence):
        return None
    clause = _main_clause(_LEADING_CLAUSE.sub("", _YES_NO_WORD.sub("", sentence, count=1).lstrip(" ,."), count=1))
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
    """A final sentence that answers in words, not with a value: hedged, negated in its main clause,
    or with a quantifier right after its first copula ("are all integers ...", "is not ...")."""
    if not sentence.strip() or _HEDGE.search(sentence):
        return bool(sentence.strip())
    masked, _found = _mask(sentence)
    clause = _main_clause(_LEADING_CLAUSE.sub("", masked, count=1))
    if _negations(clause) % 2:
        return True
    cop = _COPULA.search(clause)
    return bool(cop and _WORDED_SLOT.match(clause, cop.end()))


def _stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ally", "ly", "ies", "es", "s", "ed", "ing"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _word_key(word: str) -> str:
    """What a word is compared by: its stem, a number word as its numeral ("one" and "1" agree)."""
    return _NUMBER_WORDS.get(word.lower()) or _stem(word)


def stated_clause(text: str) -> str:
    """The main clause of a response's final sentence (a leading Yes/No and a leading subordinate
    clause dropped): what a worded gold is compared with."""
    sentence = _YES_NO.sub("", final_sentence(text).strip().strip("*"), count=1).lstrip(" ,.")
    return _main_clause(_LEADING_CLAUSE.sub("", sentence, count=1)).strip()


def phrase_matches(gold: str, text: str) -> bool:
    """Whether ``text`` states the worded gold: the gold's content words, in order and close together
    (at most one other content word between them; stop words do not count), in the final sentence's main clause, with the same parity
    of negations in and just before that span ("not periodic" never answers "periodic"; "The solution
    is 3, not 4" does not answer "No solution"). A clause offering alternatives ("either", "or")
    states nothing.

    >>> phrase_matches("Monotonically increasing", "The ratio is monotonically increasing.")
    True
    >>> phrase_matches("Monotonically increasing", "The ratio is not monotonically increasing.")
    False
    """
    clause = stated_clause(text)
    if not clause or _HEDGE.search(clause) or (_ALTERNATIVES.search(clause) and not _ALTERNATIVES.search(gold)):
        return False
    want = [_word_key(w) for w in _WORDS.findall(gold)
            if w.lower() not in _STOPWORDS and _NEGATION.fullmatch(w) is None and not w.lower().endswith("n't")]
    if not want:
        return False
    tokens = _WORDS.findall(_NOT_NEGATIONS.sub(" ", clause))
    # Content words only (with their place in ``tokens``): "at least one of the three numbers" states
    # "At least 1 number" (number words read as numerals, stop words not counted as distance).
    content = [(k, _word_key(t)) for k, t in enumerate(tokens) if t.lower() not in _STOPWORDS]
    parity = _negations(gold) % 2
    for start, (first, key) in enumerate(content):
        if key != want[0]:
            continue
        pos, ok = start, True
        for w in want[1:]:
            nxt = next((j for j in range(pos + 1, min(len(content), pos + 3)) if content[j][1] == w), None)
            if nxt is None:
                ok = False
                break
            pos = nxt
        if ok:
            span = " ".join(tokens[max(0, first - 3) : content[pos][0] + 1])
            if _negations(span) % 2 == parity:
                return True
    return False


# ---------------------------------------------------------------------------------------------------
# Counts: "For 999 values of x_1, ..., x_1000 we have ...", "At most two of the three inequalities can
# be true", "holds for all 900 values of n". A count is a number (digits or a word) right before a
# plural noun (adjectives allowed between) or before "of the"; it is read only for golds that count.
_COUNT_NUMBER = r"(\d+(?:,\d{3})*|" + "|".join(_NUMBER_WORDS) + r")"
_COUNT = re.compile(
    r"(?<![\w.,^_/])" + _COUNT_NUMBER + r"\s+(?:of\s+(?:the|these|those|them)\b|(?:[a-z-]+\s+){0,2}?[a-z]{2,}s\b)"
    r"(?!\s+(?:than|times)\b)",
    re.IGNORECASE,
)
# A quantifier over everything asked about: "for all n >= 1", "all the integers in the set", "every value".
_EVERY = re.compile(r"\b(?:for\s+(?:all|every|each|any)|all\s+(?:the\s+|of\s+the\s+|\d+\s+)?[a-z]+s|every)\b", re.IGNORECASE)


def stated_count(text: str) -> str | None:
    """The count a response's final sentence states (as digits), or None: its first number that counts
    something ("For 999 values of ...", "two of the three inequalities"), in its main clause, when the
    sentence is not hedged and restricts nothing ("except", "if").

    >>> stated_count("The inequality holds for 99 values of n in the set {1, 2, ..., 100}.")
    '99'
    """
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or _HEDGE.search(sentence):
        return None
    masked, _found = _mask(sentence)
    clause = _main_clause(masked)
    if _RESTRICTED.search(clause):
        return None
    m = _COUNT.search(clause)
    if m is None:
        return None
    word = m.group(1).lower()
    return _NUMBER_WORDS.get(word) or word.replace(",", "")


def states_every(text: str) -> bool:
    """Whether a response's final sentence says its claim holds for everything asked about ("For all
    n >= 1, ...", "all the integers in the set ... have ..."), unhedged, unnegated and with no exception."""
    sentence = final_sentence(text).strip().strip("*").strip()
    if not sentence or _HEDGE.search(sentence):
        return False
    masked, _found = _mask(sentence)
    clause = _main_clause(masked)
    return bool(_EVERY.search(clause)) and not _RESTRICTED.search(clause) and not _negations(clause) % 2


# "no values", "no integer solutions", "no such primes": none of a counted kind.
_NO_PLURAL = re.compile(r"\bno\s+(?:[a-z-]+\s+){0,2}?[a-z]{2,}s\b", re.IGNORECASE)


def says_none_counted(text: str) -> bool:
    """Whether a response's final sentence says that there are none of a counted kind ("There are no
    values of n for which ...", "has no real roots"): an unrestricted claim of none (``claims_none``)
    whose main clause says "no <things>". "The limit does not exist" is a claim of none, not a count."""
    if not claims_none(text):
        return False
    masked, _found = _mask(final_sentence(text))
    return bool(_NO_PLURAL.search(_main_clause(masked)))
