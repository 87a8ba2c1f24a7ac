"""Stage 1: pull the final answer out of a model response (boxed, "answer is", letter, last number)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ._parse import assigned_name
from ._prose import (
    AMPM_AFTER,
    FACTORIAL_WORD,
    KNOWN_UNIT,
    UNIT_POWER,
    final_sentence,
    number_phrase,
    operand_run,
    plain_values,
    prose_answer,
    stance,
    stated_clause,
    value_runs,
)
from ._units import PLAIN_UNIT, unit_key, unit_ratio

__all__ = ["after_last_box", "extract", "find_boxed", "boxed_answer", "letter_answer", "plain_text", "read_plain", "MAX_ANSWER_CHARS"]

# An extracted answer longer than this is not a competition answer; callers treat it as unparseable.
MAX_ANSWER_CHARS = 2000
# Only the tail of a response is scanned by the regex fallbacks, so a 10 MB string stays cheap.
_TAIL_CHARS = 4000
_BREAK = re.compile(r"[.!?]\s|[。！？；，]|\n|\$")  # a sentence end, a line break or a maths segment
# Texts up to this size that are one line of maths with no words are taken whole as the answer.
_BARE_MAX_CHARS = 100_000
# A braced group is scanned this far at most; an unclosed \boxed{ in a 10 MB string stays cheap.
_MAX_BRACED = 20_000

_BOX_COMMANDS = ("\\boxed", "\\fbox")
# A chat template's special tokens left in a decoded response ("72<|im_end|>", "</s>").
_SPECIAL_TOKEN = re.compile(r"<\|[A-Za-z0-9_]{1,40}\|>|</s>|<eos>|<end_of_turn>|<start_of_turn>")
# The end of the model's turn, after which a decoded response holds another turn (a user's follow-up, the
# model answering that), not this answer ("\\boxed{30}<|im_end|>\n<|im_start|>user ..."): a chat template's
# end-of-turn token (not quoted in a code span), or a new turn's role label after a blank line when the other
# role answers later ("\n\nHuman: ...\n\nAssistant: ..."). A response that goes on to a problem of its own
# after answering ("\\boxed{9}. Now let's solve another problem: ...", or a base model's next few-shot
# "Problem:" after its "Final Answer: ...") ends there too.
_END_OF_TURN = re.compile(r"(?<!`)(?:<\|(?:im_end|eot_id|eom_id|endoftext|end_of_text|end)\|>|<｜end▁of▁sentence｜>|"
                          r"<\|im_start\|>\s*user|</s>|<eos>|<end_of_turn>|\[INST\])|"
                          r"\n\s*\n(?P<role>Human|User|USER):|"
                          r"\n\s*(?P<own>(?i:(?:now,?\s+)?let'?s\s+(?:solve|try|do)\s+(?:another|a\s+new)\s+"
                          r"(?:problem|exercise)\s*[:.!\n]))|"
                          r"\n\s*\n(?P<fewshot>(?:Problem|Question|Q)\s*\d{0,3}\s*[:.]\s)")
# An answer given before a few-shot template's next "Problem:" ("Final Answer: The final answer is 5. ...").
_ANSWERED = re.compile(r"Final\s+Answer|####|\banswer\s*(?:is|:)", re.I)
_OTHER_ROLE_LATER = re.compile(r"\n\s*(?:Assistant|ASSISTANT|\[/INST\])\s*:")
_TEMPLATE_DEBRIS = re.compile(r"<\|[A-Za-z0-9_]{1,40}\|>|<｜[^｜>]{1,40}｜>|</?s>|<eos>|<(?:start|end)_of_turn>|"
                              r"\b(?:assistant|user|system|model)\b", re.I)
# Unicode vulgar fractions, alone ("½") or after a whole number ("2½", a mixed number).
_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
           "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)}
# "33.5 percent", "12 per cent", "7 pct", "40 percentage" (not "percentage points"), "\\frac{1}{2}\\text{ percent}".
_PERCENT_WORD = re.compile(
    r"(?<=[\d}])\s*(?:\\(?:text|mathrm)\{\s*(?:percent|per\s+cent|pct)\s*\}|"
    r"(?:percent|per\s+cent|pct|percentage(?![-\s]+point))\b)", re.I
)
# A unit of two letters or more glued to a decimal number is a unit, not a product: "1.5kg", "9.8m/s",
# "2.5kN", "3.2m²" (a one-letter one, "0.5g", "1.5m", "7.55N", may be a variable: it stays).
_GLUED_DECIMAL_UNIT = re.compile(r"(\d\.\d+)((?:kN|kJ|kW|MW|eV|Pa|Hz|kg|cm|mm|km|m/s|km/h|m²|m³)(?![A-Za-z\d]))")
# An integer glued to a unit of two letters that no product of unknowns spells in an answer ("2cm", "314cm").
_GLUED_INTEGER_UNIT = re.compile(r"(?<![\d.A-Za-z])(\d+)((?:kg|cm|mm|m/s|km/h|m²|m³)(?![A-Za-z\d]))")
# Full-width digits, letters, operators and the decimal point ("ｍ ＋ ｎ", "３．５", "５０％"), as East Asian
# keyboards type them; full-width punctuation (，：（）) stays, since answer lines in Chinese are read with it.
_FULLWIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\uff0a\uff0b\uff0d\uff0e\uff0f\uff1c-\uff1e\uff3e]")
_VULGAR_NUMBER = re.compile(r"(?<!\d)(\d*)\s?([" + "".join(_VULGAR) + "])")


# The box just written taken back in words: "Wait, that's wrong.", "Hmm, this is incorrect."
_RETRACTED_AFTER = re.compile(r"\b(?:wait|hmm|no|oops)\b[,.!]*\s*(?:that'?s|that\s+is|this\s+is|it'?s|it\s+is)\s+"
                              r"(?:wrong|incorrect|not\s+(?:right|correct))", re.I)
# A value stated again after the last box as a correction ("wait, it should be 13", "the answer is actually 13").
_CORRECTED_AFTER = re.compile(
    r"\b(?:should|must)\s+(?:actually\s+|really\s+)?be\s+\$?(-?\d[\d.,/]*)|\b(?:answer|it)\s+is\s+(?:actually|really)\s+\$?(-?\d[\d.,/]*)"
    r"|\bbut\s+(?:actually|really|in\s+fact)\s+\$?(-?\d[\d.,/]*)",  # "\\boxed{42} but actually 41"
    re.IGNORECASE,
)


def _glued_unit(m: re.Match) -> str:
    """"2cm" -> "2 cm", but not next to an operator: in "3x + 2km" the letters are unknowns."""
    before, after = m.string[: m.start()].rstrip()[-1:], m.string[m.end():].lstrip()[:1]
    if (before and before in "+-*/^·×−(") or (after and after in "+-*/^·×−"):
        return m.group(0)  # "3cm + 2cm", "3x + 2km": arithmetic, not one quantity
    return m.group(1) + " " + m.group(2)


def _vulgar(m: re.Match) -> str:
    a, b = _VULGAR[m.group(2)]
    whole = int(m.group(1)) if m.group(1) and len(m.group(1)) <= 30 else 0
    value = f"{whole * b + a}/{b}"
    return f"{{{value}}}" if m.string[max(0, m.start() - 1) : m.start()] == "^" else value  # "2^½": the whole exponent


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_BRACED_COMMA = re.compile(r"(?<=\d)\{,\}(?=\d{3}(?!\d))")
_BRACED_DECIMAL = re.compile(r"(?<=\d)\{,\}(?=\d)")  # "12{,}5": LaTeX's decimal comma


def _own_turn(text: str) -> str:
    """The text before the first end of the model's turn that follows some of its own words (a response
    that starts with one, template debris before the answer, is read after it), or before a problem of
    its own that it goes on to."""
    for m in _END_OF_TURN.finditer(text):
        before = text[: m.start()]
        if not _TEMPLATE_DEBRIS.sub("", before).strip():
            continue  # nothing of its own yet ("<|im_start|>assistant<|im_end|>\nThe answer is ...")
        if m.group(0) == "</s>" and "<s>" in before[1:]:
            continue  # HTML strikethrough ("<s>5</s> 7"), not Llama's end of sequence
        if m.group("role") and not (_OTHER_ROLE_LATER.search(text, m.end()) and re.search(r"[\d$]", before)):
            continue  # a dialogue the answer quotes ("The dialogue goes:\n\nUser: ..."), not another turn
        if m.group("own") and find_boxed(before) is None:
            continue  # no answer boxed yet: what follows is this problem's work
        if m.group("fewshot") and find_boxed(before) is None and not _ANSWERED.search(before):
            continue  # a "Problem:" before any answer: the prompt the response repeats, or its own work
        return before
    return text


def plain_text(text: str) -> str:
    """A response or answer with what no answer reader should meet removed or spelled out: a chat
    template's special tokens, ``\\framebox`` (a box), units of two letters or more glued to a decimal
    ("1.5kg" -> "1.5 kg") and some to an integer ("2cm" -> "2 cm"), full-width digits, letters and operators
    ("３＋ｎ" -> "3+n"), Unicode vulgar fractions ("2½" -> "5/2"), the word percent after a number
    ("33.5 percent" -> "33.5%"), LaTeX's braced comma: thousands before three digits ("23{,}000" ->
    "23,000"), else a decimal comma ("12{,}5" -> "12.5")."""
    if "\x1b" in text:
        text = _ANSI.sub("", text)  # terminal colours in captured output
    if "{,}" in text:
        text = _BRACED_DECIMAL.sub(".", _BRACED_COMMA.sub(",", text))
    if "<" in text or ":" in text or "[INST]" in text or "roblem" in text or "xercise" in text:
        text = _own_turn(text)
    if "<" in text:
        text = _SPECIAL_TOKEN.sub(" ", text)
    if "\\framebox" in text:
        text = text.replace("\\framebox", "\\boxed")
    if "." in text:
        text = _GLUED_DECIMAL_UNIT.sub(_glued_unit, text)
    if "m" in text or "kg" in text:
        text = _GLUED_INTEGER_UNIT.sub(_glued_unit, text)
    if "分之" in text:
        text = "\n".join(_CJK_FRACTION.sub(_cjk_fraction, line) if _cjk_fraction_line(line) else line
                         for line in text.split("\n"))  # "五分之三" -> "3/5"
    if _FULLWIDTH.search(text):
        text = _FULLWIDTH.sub(lambda m: chr(ord(m.group(0)) - 0xFEE0), text)
    if any(c in text for c in _VULGAR):
        text = _VULGAR_NUMBER.sub(_vulgar, text)
    if "p" in text or "P" in text:
        text = _PERCENT_WORD.sub("%", text)
    if _SCALED.search(text):
        text = _SCALED.sub(_scaled, text)
    return text


# A number then a scale or an operation word, written out: "18 thousand" -> 18000, "1.5 million" ->
# 1500000, "5 squared" -> 25 (not "dozen" or "hundred": "5 dozen" answers "how many dozen", and
# "10 hundred-meter sprints" counts sprints).
_SCALED = re.compile(r"(?<![\d.])(\d{1,12}(?:\.\d{1,6})?)\s+(thousand|million|billion|squared|cubed|factorial)\b(?!-)", re.I)
_SCALE = {"thousand": 3, "million": 6, "billion": 9}


def _scaled(m: re.Match) -> str:
    from decimal import Decimal

    number, word = Decimal(m.group(1)), m.group(2).lower()
    if word in _SCALE:
        return format(number.scaleb(_SCALE[word]).normalize(), "f")
    if number != number.to_integral_value() or number > 20:
        return m.group(0)  # "2.5 squared", "30 factorial": left as written
    n = int(number)
    return str({"squared": n**2, "cubed": n**3, "factorial": math.factorial(n)}[word])
_ANSWER_IS = re.compile(
    r"(?:final\s+answer|the\s+answer|answer)(?:\s+(?:choice|option))?[*_}]*\s*(?:is|:|=)\s*[:*_}\s]*(.+?)\s*(?:$|\n)",
    re.IGNORECASE,
)
# "Answer:" in French, Spanish, Portuguese, Italian, German, Russian and Chinese (group 1: the label).
_FOREIGN_ANSWER = re.compile(
    r"(r[ée]ponse|respuesta|resposta|risposta|antwort|ответ|答案)(?:\s+finale?)?[*_}]*"
    r"\s*(?:[:：]|\s(?:est|es|é|è|ist)\b(?:\s+(?:donc|alors|entonces|então|quindi|also|daher))?|(?<=答案)[是为](?![否不对错什么]|正确)[:：]?)"
    r"\s*[*_}\s]*(.+?)\s*(?:$|\n)", re.I
)
# The decimal comma those languages write ("2,5", "0,125"; "1,000" stays a thousands separator);
# Chinese writes a point.
_DECIMAL_COMMA = re.compile(r"^-?(?:\d+,(?:\d{1,2}|\d{4,})|0,\d{3})(?![\d,])")
# After a number, at most one word of a Latin or Cyrillic script or one other letter (a measure word
# such as 个), then an optional full stop: "10 manzanas", "3,75 руб.", "10个"; never "5 ist falsch",
# "5 или больше" or "10不对".
_ONE_WORD = r"(?:\s*(?:[A-Za-z\u00c0-\u024f\u0400-\u04ff]+|[^\W\d_A-Za-z\u00c0-\u024f\u0400-\u04ff])\.?)?\s*$"
_NUMBER_THEN_WORDS = re.compile(r"^(-?\d+(?:\.\d+)?)(?=\s*[^\W\d_])" + _ONE_WORD)
_AFTER_NUMBER = re.compile(_ONE_WORD)
# A number, a Chinese measure word and the noun it counts ("6 个苹果", "3本书"); never "10不对".
_CJK_COUNTED = re.compile(
    r"^(-?\d+(?:\.\d+)?)\s*(?:个|只|本|条|张|件|元|块|人|天|次|种|米|千克|克|分钟|小时|岁|页|辆|台|份|颗|位|名|支|朵|棵|盒|瓶|杯|"
    r"斤|公里|厘米|毫米|度)[\u4e00-\u9fff]{0,4}\s*[。.]?\s*$"
)
# A piece of maths that is marked as such: a command, a relation, an operator between operands, $...$.
_MARKED_MATH = re.compile(r"\\[A-Za-z]+|[=<>^/]|\d\s*[-+*]\s*\d|^\$")
_LETTER = re.compile(r"(?<![A-Za-z\\])\(?([A-E])\)(?![A-Za-z])|\b(?:option|choice)\s*\(?([A-E])\b")
# A bare option letter followed by a value: "(C) 5", "\\textbf{(C)} 5".
_LETTER_VALUE = re.compile(r"^(?:\\textbf\{)?\(([A-E])\)\}?\s*[^\s.,;:]")
# Greek letters spelt out, which plain-text answers use as names ("n alpha", "2 theta").
GREEK_NAMES = r"alpha|beta|gamma|delta|epsilon|zeta|theta|kappa|lambda|sigma|omega|varphi|phi|psi|rho|tau|mu"
# Names of functions and of infinity that plain-text maths spells out.
_FUNCTION_WORDS = (r"sqrt|cbrt|floor|ceil|factorial|[Ii]nfinity|infty|a?(?:sin|cos|tan|sec|csc|cot)h?|"
                   r"arc(?:sin|cos|tan|sec|csc|cot)h?")
_WORD = re.compile(r"(?<![\\A-Za-z{])(?!(?:binom|choose|" + _FUNCTION_WORDS + "|" + GREEK_NAMES + r")\b)[A-Za-z]{4,}")
# Only math segments joined by commas, "and" or "or": "$x = 3$ or $x = -3$".
_SEGMENTS_ONLY = re.compile(r"^\$[^$]+\$(?:\s*(?:,|;|and|or)\s*\$[^$]+\$)+$")
_INLINE_MATH = re.compile(r"\$\$?([^$]+)\$\$?|\\\((.+?)\\\)")
# Plain English after an answer ("12 apples", "5 since ..."): cut there.
# (not at a maths word: "2 sqrt(3)", "4 cos theta", "alpha + beta", "(1, infinity)" keep theirs)
_MATH_WORDS = r"abs|exp|log|" + _FUNCTION_WORDS + "|" + GREEK_NAMES.replace("psi|", "")  # "20 psi" is a pressure
_TRAILING_WORDS = re.compile(r"\s+(?<![\\])(?!(?:" + _MATH_WORDS + r")\b)[A-Za-z]{3,}\b.*$")
# Before the words cut from an answer line: a Greek name ("12 beta particles") or "in" ("3 in total") is prose.
_PROSE_BEFORE_WORD = re.compile(r"\s+(?:" + GREEK_NAMES + r"|in)\s*$")
# Words after an answer line's value: an operator spelt out, or a clause that explains the answer.
_SPELLED_OPERATOR = re.compile(r"\s+(?:over|plus|minus|times|divided|multiplied|choose|squared|cubed|to\s+the)\b", re.I)
def _one_condition_follows(rest: str) -> bool:
    """Whether what follows an answer line's value is one condition and nothing that offers another case:
    no ";", no second "if"/"otherwise", no number after the condition's clause ("order matters, which it
    does here" is one; "order matters, the number is 12" is not)."""
    if ";" in rest or re.search(r"\b(?:if|otherwise|else|unless|excluding|including)\b", rest, re.I):
        return False
    after = re.split(r"[,;.]", rest, maxsplit=1)
    return not (len(after) > 1 and re.search(r"\d", after[1]))


# Short words a clause opens with, left at the end of an answer line's value when its longer words are
# cut: "24 if" (of "24 if order matters"), "9, if my", "(3, 4) if we".
_SHORT_WORDS_END = re.compile(r"(?:\s*[,;]|\s+(?:if|it|we|my|as|so|is|by|at|on|to|of)\b)+\s*$", re.I)
_CLAUSE_WORD = re.compile(r"\s+(?:since|because|where|when|which|as|for|so|and|but|if|given|with|from|by|due)\b", re.I)
_AFTER_PERCENT = re.compile(r"%\s+[A-Za-z].*$")
_TWO_WORDS = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}")
_MATH_SEGMENT = re.compile(r"\$\$(.+?)\$\$|\$([^$]+)\$|\\\[(.+?)\\\]|\\\((.+?)\\\)", re.S)
# GSM8K's answer marker: "#### 42", "####: 55", "The answer is #### 42"; a value follows it (a markdown
# heading "#### Final Answer" is no marker).
_HASHES = re.compile(r"(?:^|(?<=\s))####[ \t]*:?[ \t]*([-+$\\(.\d][^\n]*)", re.M)
_SHORT_WORD = re.compile(r"(?:^|(?<=\s))(?!(?:and|or|pi|sin|cos|tan|cot|sec|csc|ln|log|exp|phi|psi|rho|tau|mu)\b)"
                         r"[A-Za-z]{2,3}(?=\s)")
_SINGLE_WORD = re.compile(r"^[A-Za-z]{1,20}$")
# A number not glued to letters ("AZYUK2A" holds no answer).
# A response that ends with a display equation: its content is the answer.
_CLOSING_DISPLAY = re.compile(r"(?:\\\[|\$\$)([^$]{1,400}?)(?:\\\]|\$\$)\s*\.?\s*$")
# What before a closing display makes it no conclusion: a negation, a supposition, a check or a
# question, an explanation of an answer already given ("because", "using"), or a number stated there.
_NOT_CONCLUDED = re.compile(
    r"\b(?:not|cannot|can't|never|wrong|incorrect|false|suppose|assume|assuming|consider|if|check|let|"
    r"need|want|contradiction|because|since|using|use|where|from|via|by|satisfies|satisfy|given)\b|\?|\d", re.I
)
# ("0,75" stays one token, never read as 75; "10,12" and "6,7" are two numbers.)
_NUMBER = re.compile(
    r"(?<![A-Za-z<>\d])(?<![<>]\s)-?(?:0,\d{1,2}(?![\d,])|(?:\d{1,2}(?:[ \u00a0\u202f]\d{3})+|\d{3}(?:[ \u00a0\u202f]000)+)(?![\d,.])"
    r"|\d+(?:,\d{3})*(?:\.\d+)?(?:/\d+)?)(?![A-Za-z\d]|\.\d)"
)  # "65 536" and "1 000 000": thousands grouped by spaces, as French and SI write them
# The last number offered as an alternative to another number: "either 4 or 5", "5 or maybe 6" (not
# "3 dozens, or 36 eggs", a restatement).
_OFFERED_OR = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?\$?\s+or\s+(?:else\s+|maybe\s+|perhaps\s+|possibly\s+)?\$?\(?$", re.I)
# A strict bound, not a value: "more than 12" ("at least 12" answers a minimum); a denial: "12 is wrong"; a response that stops on
# a connective or an operator ("... there are 5 boxes. Then", "so x ="): cut short.
# A closing sentence that is a conclusion word and relations only: "So $x > 1$.", "Thus $x > 1$ and $x < 3$."
_CONCLUDED_RELATION = re.compile(
    r"(?:^|[\n.!?]\s*)(?:so|thus|therefore|hence),?\s+((?:\$[^$]*(?:<|>|\\[lg]eq?\b|≤|≥)[^$]*\$)"
    r"(?:\s*(?:,|and|or)\s*\$[^$]*(?:<|>|\\[lg]eq?\b|≤|≥)[^$]*\$)*)\s*\.?\s*$", re.I)
_STATED_BEFORE = re.compile(r"\b(?:is|are|equals?)\s+\$[^$<>]*=[^$<>]*\$\s*[.!]\s*$", re.I)
_BOUND_BEFORE = re.compile(
    r"\b(?:(?:more|less|fewer|greater|smaller|larger|higher|lower)\s+than(?:\s+or\s+equal\s+to)?|"
    r"over|under|above|below|exceeds?)\s*\$?$", re.I
)
_DENIED_AFTER = re.compile(r"\s*\$?\s*(?:(?:is|was|would\s+be)\s+(?:wrong|incorrect|not\b|false|impossible)|"
                           r",?\s*but\s+(?:this|that|it)\s+(?:is|was)\s+(?:wrong|incorrect|not\s+right)|"
                           r"(?:是|为)?(?:错误的|错的|不对的?|错了|不正确))", re.I)
# A congruence in plain text that ends a sentence: "x ≡ 2 mod 7", "2^100 ≡ 2 (mod 7)".
_PLAIN_CONGRUENCE = re.compile(r"([^\s≡$]{1,40})\s*≡\s*(-?\d+)\s*\(?\s*mod\s+(\d+)\s*\)?\s*[.!]?\s*$", re.I)
# An example, not the answer, right before the last number: "every even number, such as 42", "including 42".
_EXAMPLE_BEFORE = re.compile(r"\b(?:such\s+as|like|including|e\.g\.|for\s+example|for\s+instance)\s*,?\s*\$?$", re.I)
# The last number as an operand of arithmetic in words: "10 minus 3", "5 times 2", "4 divided by 2", "twice 3",
# "half of 4" (not "minus 3" alone, a negative number, nor "3 times", a count): the sentence states no value.
_SPELLED_OPERAND_BEFORE = re.compile(
    r"(?:(?:\d\$?|(?<![A-Za-z])[A-Za-z]|\)|\b(?!(?:is|are|was|were|be|equals?|gives?|get|gets|to|of|at)\b)[A-Za-z]{2,})"
    r"\s+(?:minus|plus|times|over|divided\s+by|multiplied\s+by|moins|fois|mal|weniger|menos|por)"
    r"|\b(?:twice|thrice|half\s+of|double|triple|(?:a|one|two|three)\s+(?:third|quarter|fifth|sixth|tenth)s?\s+of"
    r"|(?:square|cube)\s+root\s+of|to\s+the\s+power\s+of"
    r"|(?:sum|product|difference|quotient)\s+(?:of|between)\s+\S{1,20}\s+and)|%\s+of|\bpercent\s+of)"
    r"\s+(?:the\s+)?\$?$", re.I)
# A negation, bound or hedge right before the last number: "x cannot be 12", "is not 12", "答案不是 12", "不可能是 12",
# "答案至少是 12" (at least), "不超过 12" (not more than), "可能是 12" (maybe).
_NEGATED_BEFORE_NUMBER = re.compile(
    r"(?:\b(?:cannot|can't|can\s+not|could\s+not|couldn't|isn't|is\s+not|not|never|nor)\s+(?:be\s+|equal\s+(?:to\s+)?)?|"
    r"不是|不可能是|不能是|不会是|并非|至少是?|最少是?|不少于|不低于|不超过|不高于|最多是?|至多是?|可能是|也许是|或许是)"
    r"\s*\$?\s*-?$", re.I)
# A plain-text relation before the last number: "x ≥ 12", "n >= 5", "x != 12".
_PLAIN_RELATION = re.compile(r"(?<![A-Za-z\\])([A-Za-z](?:_\{?\w+\}?)?)\s*(>=|<=|=>|=<|!=|≥|≤|≠|<|>)\s*\$?\s*-?$")
_RELATION_TEX = {">=": "\\ge", "=>": "\\ge", "≥": "\\ge", "<=": "\\le", "=<": "\\le", "≤": "\\le", "!=": "\\ne",
                 "≠": "\\ne", "<": "<", ">": ">"}
_DANGLING = re.compile(r"(?:\b(?:then|so|thus|hence|therefore|and|which|because|since|we\s+get|gives?|is|are|equals)|[=+/(]|"
                       r"(?<![-*\s])-)\s*$", re.I)  # not markdown's "**" or "---"
# Program code (a call with a string argument, a dunder name, lambda, import): holds no answer.
_CODE = re.compile(r"\w\(\s*['\"]|__\w+__|\blambda\b|\bimport\s+\w|\bexec\(|\beval\(")
# An answer line that rejects one value and gives another: "not 12; it is 13", "not 12, but 13".
_CORRECTED = re.compile(
    r"^not\s+[^;,]{1,80}[;,]\s*(?:but\s+(?:rather\s+)?(?:it\s+is\s+|it's\s+)?|it\s+is\s+|it's\s+)([-$\\(\d][^;,]*)$", re.I
)
# "Sum = n(n+1)/2" ending the response: the value of a quantity named in words.
_LABELLED = re.compile(r"(?:^|\n)[ \t]*[A-Za-z][A-Za-z ]{0,24}=[ \t]*([^\n=$]{1,200}?)[ \t]*\.?[ \t]*$")
# A final sentence that declines to answer: its numbers are not an answer.
_HEDGED = re.compile(r"\b(?:cannot|can't|could\s+not)\s+be\s+(?:determined|found|computed|calculated)\b", re.I)
# "... within the set {1, ..., 100}, but to determine the exact count, a more detailed analysis is required":
# the exact value is left to work not done, so the sentence's numbers are not it ("to find the exact
# number of buses, 8 buses are needed" gives one).
_LEFT_OPEN = re.compile(
    r"\bto\s+(?:determine|find|compute|calculate|get)\s+the\s+(?:exact|precise|actual)\b[^.]{0,120}?"
    r"\b(?:analysis|computation|calculations?|casework|enumeration|information|methods?|approach|investigation|"
    r"work|search)\b[^.]{0,40}?\b(?:is|are|would\s+be|will\s+be)\s+(?:required|needed|necessary)\b",
    re.I,
)
_NOT_A_VALUE = re.compile(
    r"^(?:not|never|no\s+longer|greater|less|more|fewer|larger|smaller|at\s+(?:least|most)|bigger|higher|lower)\b", re.I
)
_ONE_SEGMENT = re.compile(r"^\$\$([^$]+)\$\$$|^\$([^$]+)\$$|^\\\((.+)\\\)$|^\\\[(.+)\\\]$", re.S)

# "Final Answer: The final answer is 5": the label repeated inside the captured answer.
# A later answer on the same line that corrects the first: "The answer is 5. Wait, the answer is 7." (not
# "I hope the answer is correct", nor "if the answer is asked in cents, the answer is 1800").
_ANSWER_AGAIN = re.compile(r"(?:[.!?]\s+|\b(?:so|wait|actually),?\s+)(?:the\s+)?(?:final\s+)?answer\s*(?:is|:|=)\s*(?=[-$\\(\d])",
                           re.I)
# A last sentence or line that checks the answer: a label such as "Check:", "Verification:" or "Plugging
# back in:", or a check mark ("= 13 ✓"); not "Verifying the other case, x = 7 works." (no label).
# A check in words that corrects the answer is no check: "(check: actually x = 7)", "no, x = 7 is correct".
_NO_CORRECTION = (r"(?![^\n]*(?:\b(?:actually|wrong|incorrect|mistake|instead|no|not|fails?|rather|so|hence|thus|also|too|"
                  r"works|right|correct|true|answer)\b|≠|\\ne))")
_CHECK_LINE = re.compile(
    r"(?:(?<=[.!?])[ \t]+|\n\s*)(?:(?:check(?:ing)?|verif(?:y|ying|ication)|plugging|substituting)\b[^\n.:]{0,30}:"
    r"[^\n]*|[^\n.!?]*[✓✔✅][^\n]*|(?:we\s+can\s+|let(?:'s|\s+us)\s+)(?:check|verify|confirm)\b" + _NO_CORRECTION
    + r"[^\n]*)$"
    # the same in brackets after the answer: "So $x = 5$ (check: $3(5) - 2 = 13$).", "(We can verify: ...)"
    r"|\s*\((?:we\s+can\s+|let(?:'s|\s+us)\s+)?(?:check(?:ing)?|verif(?:y|ying|ication)|plugging\s+in|"
    r"substituting)\b" + _NO_CORRECTION + r"[^\n]{0,300}\)\s*\.?\s*$",
    re.I,
)
# "The answer is the point (3, 4)": what names the kind of answer before it.
_POINT_LEAD = re.compile(r"^(?:the\s+)?(?:point|coordinates|ordered\s+pair|pair|interval|set)\s+(?=[(\[{$\\])", re.I)
_LEAD_LABEL = re.compile(r"^(?:the\s+)?(?:final\s+)?answer\s*(?:is|:)\s*", re.IGNORECASE)
# A sentence ends at a period followed by a space ("5. I hope it is correct."); "3.5" does not.
_SENTENCE_END = re.compile(r"(?<!\\)\.\s")
# "3 (not 13)", "5 (mod 7)": an aside in parentheses after the answer.
_ASIDE = re.compile(r"\s+\([A-Za-z]{3,}[^()]*\)\s*$")
# An answer line that is a sentence ("The total cost is $18") rather than an answer.
# A sentence, not maths: a word first ("The total is 5"), not a maths word ("theta + 1") or "x in (1, 2)".
_PROSE_START = re.compile(r"^(?!(?:" + _MATH_WORDS + r")\s)[A-Za-z]{3,}\s|^[A-Za-z]+\s+(?!in\s+[(\[{\\])[A-Za-z]{2,}\s")
# Markdown emphasis around an answer or a label: **42**, __42__, *42*.
_EMPHASIS = "*_"


_ANSWER_TAG = re.compile(r"<answer>(.*?)(?:</answer>|$)", re.S | re.I)
_THINK_END = re.compile(r"</think>", re.I)
# What a format template puts in a tag: "<answer>...</answer>", "<answer>your answer</answer>".
_TAG_PLACEHOLDER = re.compile(r"^(?:[.\s…]*|(?:your|the|final)?\s*answer(?:\s+here)?)$", re.I)
# A value in what a later answer line gives: digits, LaTeX, maths delimiters, or a lone option letter.
_STATES_A_VALUE = re.compile(r"[\d\\$]|^\(?[A-J]\)?\.?$")


def final_part(text: str) -> str:
    """The part of a response that holds its final answer: what follows the last ``</think>`` (boxes
    while thinking are drafts), and within it the last ``<answer>...</answer>`` (an unclosed
    ``<answer>`` runs to the end) unless a box, or an answer line that gives a value, comes after that
    tag. A response with nothing after its thinking, or whose ``<think>`` never closes and no answer tag
    follows it (a rollout cut short), has no answer: "" (what it tried while thinking are drafts). A tag
    that holds a template's placeholder ("...", "your answer") is no answer. Tags whose answers differ
    ("42" and "43") give no answer: they offer two."""
    ends = [m.end() for m in _THINK_END.finditer(text)]
    if ends:
        if not text[ends[-1] :].strip():
            return ""  # nothing after the thinking: no answer (what it tried while thinking are drafts)
        text = text[ends[-1] :]
    tail = text[-_MAX_BRACED:]
    lowered = tail.lower()
    unfinished = "<think>" in lowered  # thinking that never closes: a response cut short
    if "<answer>" not in lowered:
        return "" if unfinished else text
    tags = [m for m in _ANSWER_TAG.finditer(tail) if not _TAG_PLACEHOLDER.match(m.group(1).strip())]
    if unfinished:
        opened = lowered.rfind("<think>")
        tags = [m for m in tags if m.start() > opened]  # only a tag after the thinking began answers
        if not tags:
            return ""
    if not tags:
        return text
    later = tail[tags[-1].end() :][-_TAIL_CHARS:]
    if find_boxed(later) is not None:
        return later  # "Example: <answer>5</answer> ... so the answer is \\boxed{7}": the later answer
    line = _answer_line(later) if _ANSWER_IS.search(later) else None
    line = line if line is not None else _foreign_answer_line(later) or None
    if line is not None and _STATES_A_VALUE.search(line):
        return later  # "<answer>5</answer> Wait, ... The correct answer is 7."
    if len(tags) > 1 and len({"".join(m.group(1).split()) for m in tags}) > 1:
        # Tags with other texts: each one's answer, read on its own; answers that disagree ("3" and
        # "\\boxed{4}", "3 apples" and "4") offer two, and a reward must not pay a hedge: no answer.
        said = {read_plain(m.group(1)) for m in tags[-_MAX_BOXES:]}
        if len(tags) > _MAX_BOXES or None in said or len({"".join(a.split()) for a in said}) > 1:
            return ""
    return tags[-1].group(1).strip()


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
    if found is None:
        return _unclosed_box(text, after)
    return found[0].strip()


def _before_cut_box(text: str) -> str:
    """A repetition loop of one boxed value cut off by the length limit in its next box ("The answer is
    \\boxed{5}." twenty times, then "The answer is \\boxed{"): the text before the cut box, when the
    ``_CUT_LOOP`` boxes before it hold one value with the same text between them as before the cut box,
    and the cut box starts that value again (empty or a prefix of it); else the text."""
    start = _box_start(text, len(text))
    if start is None or "{" not in text[start:] or find_boxed(text) is not None:
        return text
    before = text[:start]
    cut = text[text.index("{", start) + 1 :].strip()
    values, gaps, end = [], [], start
    while len(values) < _CUT_LOOP:
        prev = _box_start(before, end)
        found = _braced(before, before.index("{", prev)) if prev is not None and "{" in before[prev:] else None
        if found is None:
            return text
        values.append(found[0].strip())
        gaps.append(text[found[1] : end])
        end = prev
    # one value, boxed with the same words between, and the cut box starting it again ("" or a prefix)
    return before if len(set(values)) == 1 and len(set(gaps)) == 1 and values[0].startswith(cut) else text


# The response ends with a program's output block of one number, or a list of numbers: "```output\n25\n```"
# (tool-use format); not "True", an error, or text.
_OUTPUT_LAST = re.compile(r"```output[ \t]*\n[ \t]*(-?[\d.]+(?:/\d+)?|\[[-\d., ]{1,60}\])[ \t]*\n\s*```\s*$")
_OUTPUT_END = re.compile(r"```output[ \t]*\n(?:(?!```).)*```\s*$", re.S)
_FENCE = re.compile(r"```")


def _printed_answer(before: str) -> bool:
    """Whether a final output block answers the response: its prose (outside code blocks) states no answer
    of its own ("The answer is 3", "#### 12", a closing sentence with a value)."""
    prose = "".join(part for k, part in enumerate(_FENCE.split(before)) if k % 2 == 0)
    return not (_ANSWER_IS.search(prose) or _hash_answers(prose) or prose_answer(prose[-_TAIL_CHARS:]))


# Numbers in brackets, a pair, a point or an interval: "(2, 5)", "(2,5)", "[-1; 3)" (the last number's group).
_NUMBER_TUPLE = re.compile(r"[(\[]\s*-?\d+(?:\.\d+)?(?:\s*[,;]\s*-?\d+(?:\.\d+)?)+\s*[)\]]")


# What may follow a box whose brace is missing: nothing, or Minerva's closing line.
_CLOSING_WORDS = re.compile(r"[\s.]*(?:I\s+hope\s+it\s+is\s+correct\.?\s*)?", re.I)
# A box whose brace is never closed but whose maths is: "$\\boxed{\\frac{3}{4}$" ending the response.
_UNCLOSED_BOX = re.compile(r"\{([^\n$]{1,200}?)(?:\$|\\\])")


def _unclosed_box(text: str, brace: int) -> str | None:
    """The content of the response's last box when only its own brace is missing: the maths delimiter
    after it closes the segment, so the content is complete ("$\\boxed{\\frac{3}{4}$. I hope it is
    correct."); a box cut off by the end of the text ("\\boxed{12", perhaps of 125) is no answer."""
    m = _UNCLOSED_BOX.match(text, brace)
    if m is None or not _CLOSING_WORDS.fullmatch(text[m.end() :]):
        return None  # what follows may offer or retract a value ("$\\boxed{3$ or five", "Wait, that's wrong")
    content = m.group(1).strip()
    return content if content and _braced("{" + content + "}", 0) == (content, len(content) + 2) else None


# What may sit between boxes that give one answer together: "\boxed{2}, \boxed{5}", "\boxed{k=45}
# \quad \text{and} \quad \boxed{n=2}", "\(\boxed{1}\) and \(\boxed{-2}\)".
# A name before a box: a letter with a subscript, a segment ("AB"), a function's value ("f(x)"), primes.
_BOX_NAME = r"(?:[A-Za-z](?:_\{?[A-Za-z0-9]+\}?)?|[A-Z]{2,3}|[A-Za-z]\([A-Za-z]\))'*"
_BOX_GAP = re.compile(
    r"^(?:\s|\$|\\[()\[\]]|,|;|\\quad|\\qquad|\\,|\\;|\\text\{|\}|\band\b|\bor\b|\b(?:maybe|perhaps|possibly)\b"
    # the next box's name: "$x = \\boxed{3}$ or $x = \\boxed{7}$" offers two values (names that differ
    # and are joined without "or" are read by _named_boxes first)
    r"|(?<![A-Za-z\\])" + _BOX_NAME + r"\s*="
    # the next part's label: "(b)", "(ii)", "b)", "2)", "Part (b):", "for part (a) and", ". Part (b):"
    r"|(?:(?:\bfor\s+)?[Pp]art\s*)?\(?(?:[a-h]|i{1,3}|iv|vi{0,3}|\d{1,2})\)|(?:\bfor\s+)?[Pp]art\s*[a-h1-9]|:"
    r"|\.(?=\s*(?:\$\s*)?(?:[Pp]art\b|\(?(?:[a-h]|i{1,3}|iv|vi{0,3})\))))*$"
)
_PART_LABEL = re.compile(r"\(?(?:[a-h]|i{1,3}|iv|vi{0,3}|\d{1,2})\)|[Pp]art\s*[a-h1-9]")
_MAX_BOXES = 12
_MAX_REPEATS = 2000  # boxes of one value in a row read as that value (a repetition loop of ~10k tokens)
_CUT_LOOP = 5  # boxes of one value before a box cut off by the length limit that make a loop
# A one-letter name (with a subscript) or a segment name right before a box: "y_1 = \boxed{", "$AB = \boxed{".
_NAME_BEFORE_BOX = re.compile(
    r"(?<![A-Za-z\\])(" + _BOX_NAME + r")\s*=\s*(?:\$\s*|\\[(\[]\s*)?$")
# What makes a box an operand: "\\boxed{5}^2", "\\boxed{5}+2", "\\boxed{5}0" (not "^\\circ", markdown "**", "/day").
_OPERAND_AFTER = re.compile(r"[ \t]*(?:\^(?!\s*\{?\s*\\circ)|\+\s*[\d(\\]|\d)")


def boxed_answer(text: str) -> str | None:
    """The last box's content, or the contents of the last run of boxes that share one answer line
    ("\\boxed{2}, \\boxed{5}" -> "2, 5"); None when there is no box, or when the last box is an operand
    ("\\boxed{5}^2", "\\boxed{5}+2": the box is not the whole answer)."""
    last = find_boxed(text)
    if last is None:
        return None
    start = _box_start(text, len(text))
    closed = _braced(text, text.index("{", start)) if start is not None else None
    if closed and _OPERAND_AFTER.match(text, closed[1]):
        return None
    named = _named_boxes(text)
    if named is not None:
        return named or None
    parts, end, labelled, name = [last], _box_start(text, len(text)), False, None
    while end is not None and (len(parts) < _MAX_BOXES or (len(parts) < _MAX_REPEATS and len(set(parts)) == 1)):
        prev = _box_start(text, end)
        if prev is None:
            break
        found = _braced(text, text.index("{", prev))
        if found is None or not _BOX_GAP.match(text[found[1] : end]):
            break
        if _GAP_NAME.search(text[found[1] : end]):
            names = _name_before_box(text, prev), _name_before_box(text, end)
            if not (all(names) and names[0].group(1) == names[1].group(1)):
                if re.search(r"\bor\b", text[found[1] : end], re.I):
                    return None  # "$x_1 = \\boxed{2}$ or $x_2 = \\boxed{5}$": one of two quantities is offered, no answer
                break  # "$x = \\boxed{1}$ and $y = \\boxed{2}$" past twelve names: the last box
            name = names[0].group(1)  # "$x = \\boxed{3}$ or $x = \\boxed{7}$": the values of x
        labelled = labelled or bool(_PART_LABEL.search(text[found[1] : end]))
        if len(parts) >= _MAX_BOXES and found[0].strip() != parts[0]:
            return None  # a run of one value past the boxes read, then another: no one answer
        parts.append(found[0].strip())
        end = prev
    if len(parts) == 1:
        return last
    if len(set(parts)) == 1 and len(parts) > _MAX_BOXES:
        # one value boxed again and again (a repetition loop): that value, unless the run goes on further
        return None if len(parts) == _MAX_REPEATS and end is not None and _run_goes_on(text, end) else last
    if len(parts) == _MAX_BOXES and end is not None and _run_goes_on(text, end):
        return None  # more boxes on the line than are read: the ones before could offer other answers
    if name is not None:
        if len(set(parts)) == 1:
            return last  # one value boxed twice
        settled = _settled_box(parts, name, text[closed[1] :] if closed else "")
        if settled is not None:
            return settled or None
        parts = [f"{name} = {p}" for p in parts]
    joined = ", ".join(reversed(parts))
    return f"({joined})" if labelled else joined  # labelled parts, "(a) ... (b) ...", keep their order


_CLAUSES = re.compile(r"[.;!?]\s|,?\s+(?=so\b|hence\b|thus\b|therefore\b)|,?\s+but\b|\n", re.I)


def _settled_box(values: list[str], name: str, after: str) -> str | None:
    """Which of the values boxed for one name the text after the boxes settles on: one a concluding clause
    states again ("... but since $t > 0$, $t = 4$.", "so $x = 3$"), else the one left when the others are
    rejected ("but $x = 7$ is extraneous", "we reject $t = -1$"); "" when values are rejected and none or
    several are left; None when the text settles nothing (the boxes offer every value)."""
    said = re.compile(rf"(?<![A-Za-z\\]){re.escape(name)}\s*=\s*([^\s$,;.)]+(?:\.\d+)?)")
    picked, rejected = [], set()
    for clause in _CLAUSES.split(after[:600]):
        named = [(m.start(), m.group(1).strip("{}")) for m in said.finditer(clause)]
        named = [(at, v) for at, v in named if v in values]
        word = _rejecting_word(clause)
        if word is not None:
            # the value the rejecting word is about: after a verb ("we reject $t = -1$"), else before it
            after_verb = [v for at, v in named if at > word.start()] if _REJECTING_VERB.match(word.group(0)) else []
            before = [v for at, v in named if at < word.start()]
            target = after_verb[:1] or before[-1:]
            rejected.update(target)
            picked += [v for _at, v in named if v not in target and _KEPT.search(clause)]
        elif named and _CONCLUDING.match(clause):
            picked.append(named[-1][1])
    if picked and picked[-1] not in rejected:
        return picked[-1]
    if rejected:
        left = [v for v in values if v not in rejected]
        return left[0] if len(left) == 1 else ""
    return None


_REJECTING_VERB = re.compile(r"reject|discard|exclud|rule", re.I)
_KEPT = re.compile(r"\b(?:keep|kept|only|valid|works?)\b", re.I)
_CONCLUDING = re.compile(r"\s*(?:,\s*)?(?:so|thus|hence|therefore|since|we\s+(?:keep|take|get)|the\s+answer|only)\b",
                         re.I)


_GAP_NAME = re.compile(_BOX_NAME + r"\s*=")


def _name_before_box(text: str, start: int) -> re.Match | None:
    """The name written right before the box at ``start`` (group 1: "x" for "$x = \\boxed{3}$"), else None."""
    return _NAME_BEFORE_BOX.search(text, max(0, start - 40), start)


def after_last_box(text: str) -> str:
    """What follows the last box's closing brace ("" when there is no box): words there may qualify it."""
    start = _box_start(text, len(text))
    found = _braced(text, text.index("{", start)) if start is not None else None
    return text[found[1] :] if found else ""


def _segment(m: re.Match) -> str:
    """The content of an ``_INLINE_MATH`` match (``$...$`` or ``\\(...\\)``), stripped."""
    return (m.group(1) or m.group(2)).strip()


def _run_goes_on(text: str, end: int) -> bool:
    """Whether another box joins the run of boxes that starts at ``end``."""
    prev = _box_start(text, end)
    found = _braced(text, text.index("{", prev)) if prev is not None else None
    return bool(found and _BOX_GAP.match(text[found[1] : end]))


def _named_boxes(text: str) -> str | None:
    """``"y_1 = a, y_2 = b"`` for a run of two or more boxes that each follow their own name on one
    answer line ("$y_1 = \\boxed{a}$ and $y_2 = \\boxed{b}$"); "" for such a run longer than is read;
    else None."""
    parts, end = [], len(text)
    while len(parts) < _MAX_BOXES:
        start = _box_start(text, end)
        if start is None:
            break
        found = _braced(text, text.index("{", start))
        gap = text[found[1] : parts[-1][2]] if found is not None and parts else ""
        if found is None or (parts and (not _BOX_GAP.match(gap) or re.search(r"\bor\b", gap, re.I))):
            break  # ("$x = \\boxed{1}$ or $y = \\boxed{2}$" offers, it does not name, two values)
        name = _name_before_box(text, start)
        if name is None:
            break
        parts.append((name.group(1), found[0].strip(), name.start()))
        end = start
    if len(parts) < 2 or len({p[0] for p in parts}) < len(parts):
        return None
    if len(parts) == _MAX_BOXES and _run_goes_on(text, end):
        return ""  # more named boxes than are read: no answer (not the last box alone)
    return ", ".join(f"{n} = {v}" for n, v, _at in reversed(parts))


def _late_answer_line(text: str) -> str | None:
    """An "answer is ..." line holding maths, written after the last box: the response's final word
    ("... = \\boxed{255}. ... Final Answer: The final answer is $10,455$.")."""
    tail = text[-_TAIL_CHARS:]
    last_box = _box_start(tail, len(tail))
    lines = list(_ANSWER_IS.finditer(tail))
    if last_box is None or not lines or lines[-1].start() <= last_box:
        return None
    found = _braced(tail, tail.index("{", last_box))
    if found is None or lines[-1].start() < found[1]:
        return None
    raw = lines[-1].group(1)
    stated = _INLINE_MATH.search(raw) or not _PROSE_START.match(_strip_emphasis(_LEAD_LABEL.sub("", raw)).replace("$", ""))
    if not stated and prose_answer(_SENTENCE_END.split(_LEAD_LABEL.sub("", raw), maxsplit=1)[0]) is None:
        return None  # "Final answer: The maximum is achieved at x = 3." states no value: the box stands
    line = _answer_line(tail[lines[-1].start() :].replace("\\$", ""))
    return line if line is not None and re.search(r"[\d\\]", line) else None


def _box_start(text: str, before: int) -> int | None:
    """Start of the last braced ``\\boxed{``/``\\fbox{`` that begins before ``before``."""
    best = max(text.rfind(cmd + "{", 0, before) for cmd in _BOX_COMMANDS)
    return best if best != -1 else None


# Between the math segments of one answer: "$1$, $2$", "$x=1$; $y=2$", "$2$ and $5$", "$2$ or $-5$".
_SEGMENT_GAP = re.compile(r"\s*(?:,|;)?\s*(?:(and|or)(?:,?\s+equivalently,?)?\s+)?(?:\\text\{\s*(and|or)\s*\}\s*)?$", re.I)


# Words or signs between two values of one answer line that offer both: "or", "maybe", "/", "\\quad".
_OFFER_BETWEEN = re.compile(r"\b(?:or(?!,?\s+(?:equivalently|in\s+other\s+words|simply|written|as))|maybe|perhaps|possibly|"
                            r"otherwise|also|alternatively|else|unless|another|as\s+an?\s+(?:backup|fallback|alternative)|"
                            r"other\s+cases?,?\s+(?:the\s+)?(?:answer|value|result)\s+is|in\s+other\s+cases)\b"
                            r"|\bother\s+cases?\s*:|/|\\q?quad\b", re.I)
# Words that reject a value written near them: "(another solution is $-5$, which fails the domain check)",
# "$x = -5$ is extraneous", "which the problem excludes", "makes the log undefined", "instead of $5$".
_REJECTED = re.compile(r"\b(?:reject\w*|extraneous|fails?|impossible|exclud\w*|invalid|undefined|not\s+(?:valid|allowed|"
                       r"possible|a\s+solution)|discard\w*|ruled?\s+out|naive|wrong|incorrect|instead|violat\w*|contradict\w*|"
                       r"denominator\s+(?:is\s+)?zero|division\s+by\s+zero)\b", re.I)
# A negation just before a rejecting word takes it back: "it is not extraneous", "cannot be excluded",
# "aren't ruled out", "neither is wrong", "which the problem does not exclude".
_NEGATED_BEFORE = re.compile(r"\b(?:not|cannot|neither|never|no|without|avoids?|avoiding)\b[\w\s]{0,12}$|n't\b[\w\s]{0,12}$",
                             re.I)


def _rejecting_word(text: str, start: int = 0) -> re.Match | None:
    """The first word from ``start`` on that rejects something, when no negation takes it back."""
    return next((m for m in _REJECTED.finditer(text, start)
                 if not _NEGATED_BEFORE.search(text, max(0, m.start() - 24), m.start())), None)


# One math segment, perhaps with a unit word after it ("$10$ cm"); a unit word at the start of a text.
_SEGMENT_AND_UNIT = re.compile(r"(?:\$[^$]+\$|\\\(.+?\\\))[ \t]*(?:[A-Za-z%°]{1,12})?")
_UNIT_WORD_AFTER = re.compile(r"^[ \t]*[A-Za-z%°]{1,12}\b(?=\s*(?:$|\.|in\b|as\b|is\b|are\b))")
# A second value offered on the next line: a value or one name's value, with no relation or check in it.
_OFFERED_VALUE = re.compile(r"(?:[A-Za-z](?:_\{?\w+\}?)?\s*=\s*)?(?![^=<>]*\\(?:neq?|[lg]eq?|[lg]t|approx|equiv|text)\b)"
                            r"[^=<>≠≤≥]*\d[^=<>≠≤≥]*")
# "... (but $-5$ also works)", "$3$ as a backup", "$3$ is another option", "$3$ in the other case"
_OFFER_AFTER = re.compile(r"\s*(?:also|too|as\s+well|as\s+an?\s+(?:backup|fallback|alternative)|otherwise"
                          r"|(?:is|are)\s+(?:also\s+)?(?:another|other)\s+(?:options?|answers?|solutions?|possibilit(?:y|ies))"
                          r"|in\s+the\s+other\s+cases?|(?:is\s+|are\s+)?also\s+(?:plausible|possible|valid|correct)"
                          r"|(?:is|are)\s+also\s+(?:an?\s+)?(?:solutions?|answers?|options?|roots?)"
                          r"|(?:could|might)\s+(?:also\s+)?work)\b", re.I)


def _math_run(ans: str, first: re.Match) -> str | None:
    """The segments of a run of two or more math segments that open ``ans`` and are separated only by
    commas, semicolons, "and" or "or", joined ("x = 2 or x = -5"); None for a single segment."""
    parts, end = [_segment(first)], first.end()
    while True:
        nxt = _INLINE_MATH.search(ans, end)
        gap = _SEGMENT_GAP.match(ans[end : nxt.start()]) if nxt and nxt.start() - end <= 40 else None
        if gap is None:
            break
        word = (gap.group(1) or gap.group(2) or "").lower()
        parts.append((" or " if word == "or" else ", ") + _segment(nxt))
        end = nxt.end()
    if len(parts) == 1 or not ans[: first.start()].strip(" *_:") == "":
        return None
    return parts[0] + "".join(parts[1:])  # words after the run do not take its segments back


# Between two forms of one value on an answer line: "1/4, or equivalently 0.25", "0.25, i.e. 25%".
_RESTATED = re.compile(r"\s*(?:,|—|–|--)?\s*(?:or\s+equivalently|equivalently|i\.\s?e\.|that\s+is)[,:]?\s+")


def _answer_line(tail: str) -> str | None:
    matches = list(_ANSWER_IS.finditer(tail))
    if not matches:
        return None
    ans = _strip_emphasis(matches[-1].group(1))
    again = list(_ANSWER_AGAIN.finditer(ans))
    if again:  # "The answer is 5. Wait, the answer is 7.": the line's last answer
        ans = _strip_emphasis(ans[again[-1].end() :])
    if ans in ("\\[", "$$", "\\("):  # "Answer:" then a display block on the next lines
        block = _MATH_SEGMENT.match(tail, matches[-1].start(1))
        return block and next(g for g in block.groups() if g is not None).strip() or None
    ans = _strip_emphasis(_POINT_LEAD.sub("", _LEAD_LABEL.sub("", ans)))
    if "actorial" in ans:
        ans = FACTORIAL_WORD.sub(r"\1!", ans)  # "The answer is n factorial"
    named = number_phrase(ans)
    if named is not None:
        return named  # "The answer is zero.", "Final answer: negative one"
    signed = re.fullmatch(r"(?:minus|negative)\s+(\d+(?:\.\d+)?)\s*\.?", ans.strip(), re.I)
    if signed:
        return "-" + signed.group(1)  # "The answer is minus 3."
    stated = _SENTENCE_END.split(ans, maxsplit=1)[0]
    if any(_SPELLED_OPERAND_BEFORE.search(stated, 0, m.start()) for m in _NUMBER.finditer(stated)):
        return None  # "The answer is half of 100", "twice 3": arithmetic in words, no value stated
    corrected = _CORRECTED.match(ans)
    if corrected:
        ans = corrected.group(1).strip().rstrip(".").strip()  # "not 12; it is 13": the value the line settles on
    if _NOT_A_VALUE.match(ans):
        return None  # "The answer is not 12", "... is greater than 5": no value is stated
    following = tail[matches[-1].end() :].lstrip(" \t").lstrip("\n").split("\n", 1)[0]
    if ans.rstrip().endswith((",", ";")) or _CASE_ON_NEXT_LINE.match(following):
        ans_cases = ans.rstrip().rstrip(",;") + "; " + following  # "Answer: 6 if order matters,\n3 otherwise."
    else:
        ans_cases = ans
    split = _case_split(ans_cases)
    if split is not None:
        return split  # "$2$ if $n$ is even, $3$ if $n$ is odd": the answer is left to a case
    if _PROSE_START.match(ans.replace("$", "")):
        # "Final Answer: The largest $n$ is 34. I hope it is correct." -- the maths after the first
        # sentence's copula.
        stated = prose_answer(_SENTENCE_END.split(ans, maxsplit=1)[0])
        if stated is not None:
            return stated
    math = _INLINE_MATH.search(ans)
    run = _math_run(ans, math) if math else None
    if run is not None:
        return run  # "Answer: $x=1$, $y=2$, $z=3$", "$x = 2$ or $x = -5$": every segment of the run
    if math:
        line_end = ans.find("\n", math.end())
        later = _INLINE_MATH.search(ans, math.end(), line_end if line_end != -1 else len(ans))
        if (later and (_OFFER_BETWEEN.search(ans, math.end(), later.start()) or _OFFER_AFTER.match(ans, later.end()))
                and not _rejecting_word(ans, later.start()) and _segment(later) != _segment(math)):
            # "$x = 2$ (or $x = -5$)", "$10$ cm or $20$ cm", "$2$ (but $-5$ also works)": both are offered, and a
            # hedge is right only when every value it offers is ("$\frac12$ (or $0.5$)"); not when the line
            # rejects the second ("another solution is $-5$, but it fails the domain check")
            return f"{_segment(math)} or {_segment(later)}"
        if later is None and _SEGMENT_AND_UNIT.fullmatch(ans.strip().rstrip(".").strip()):
            # "Final answer: $x = 2$" and, on the next line, "$x = -5$" alone or offered ("$3$ is another option"):
            # a value or a name's value (not a check, "$2(4)+1 = 9$", nor "$x \neq -5$"), not rejected
            nxt = tail[matches[-1].end() :].split("\n", 1)[0].strip()
            second = _INLINE_MATH.match(nxt)
            if (second and _OFFERED_VALUE.fullmatch(_segment(second)) and _segment(second) != _segment(math)
                    and not _rejecting_word(nxt) and (not _UNIT_WORD_AFTER.sub("", nxt[second.end() :]).strip(" .")
                                                       or _OFFER_AFTER.match(_UNIT_WORD_AFTER.sub("", nxt[second.end() :])))):
                first_name, second_name = assigned_name(_segment(math)), assigned_name(_segment(second))
                if first_name and second_name and first_name != second_name:
                    return f"{_segment(math)}, {_segment(second)}"  # "$x = 2$" then "$y = 3$": two parts
                return f"{_segment(math)} or {_segment(second)}"
    if math:
        ans = _with_unit(math.group(1) or math.group(2), math.string, math.end())  # "is $2$ minutes."
    else:
        forms = [f.strip().rstrip(".").strip() for f in _RESTATED.split(ans.strip())]
        if len(forms) > 1 and all(f and _bare_with_unit(f) for f in forms):
            # "1/4, or equivalently 0.25, i.e. 25%": one value written several ways, all read
            # (forms in units are read by the first, a list keeping one unit for all its items, when they
            # state one quantity: "120 minutes, i.e. 2 hours"; "0.25 hours, i.e. 25 minutes" contradicts itself)
            if any(re.search(r"[A-Za-z]{2,}", f) for f in forms):
                return forms[0] if _same_quantity(forms) is not False else None
            return " or ".join(forms)
        if len(forms) > 1:
            ans = forms[0]  # "12 apples, i.e. 4 apples per basket": what follows "i.e." explains the answer
        following = tail[matches[-1].end() :].lstrip(" \t\n").split("\n", 1)[0]  # the line after the answer line
        offered = None if _PROSE_START.match(ans) else _offered_after(
            ans.split("\n", 1)[0] + ("\n" + following if len(following) <= 40 else ""))
        if offered is not None:
            return offered  # "Answer: 3 (maybe 4)", "3. Maybe 4.", "3\nMaybe 4.": a second value offered after it
        ans = _SENTENCE_END.split(ans, maxsplit=1)[0]
        ans = _ASIDE.sub("", ans)
        several = None if _PROSE_START.match(ans) else plain_values(ans.strip().strip("*").strip())
        if several is not None:
            return several  # "Answer: 3 and 4", "x = 2 and y = 5", "x > 1 and x < 3": every value
        offered = None if _PROSE_START.match(ans) else _plain_offer(ans)
        if offered is not None:
            return offered  # "Answer: 3, maybe 4", "3, but 4 also works": a hedge
        ans = ans.strip("$").strip()
        if _PROSE_START.match(ans):
            # "Answer: The total cost is $18." -- a sentence: the maths after its copula, else its
            # last number (or the maths holding it) is the answer.
            stated = prose_answer(ans)
            if stated is not None:
                return stated
            nums = list(_NUMBER.finditer(ans))
            if nums and _EXAMPLE_BEFORE.search(ans, max(0, nums[-1].start() - 20), nums[-1].start()):
                return None  # "The answer is all integers, including 42.": an example, not the answer
            if nums:
                return _last_math_holding(ans, nums[-1]) or nums[-1].group(0)
        ans = _AFTER_PERCENT.sub("%", ans)  # "50% of the class": the percentage
        words = _TRAILING_WORDS.search(ans)
        if words and words.start() > 0:
            unit = KNOWN_UNIT.match(ans, words.start())
            # "3 minutes long", "60 miles per hour": the unit stays with the value (a gold in hours differs)
            if _SPELLED_OPERATOR.match(ans, words.start()):
                return None  # "3 over 4", "sqrt 2 over 2", "7 divided by 2": maths in words, not the number before
            head = ans[: words.start()]
            if not _CLAUSE_WORD.match(ans, words.start()):
                head = _PROSE_BEFORE_WORD.sub("", head)  # "12 beta particles" (not "2 theta since ...")
            short = _SHORT_WORDS_END.sub("", head)
            if short != head and _bare_with_unit(short) and _one_condition_follows(ans[len(head) :]):
                head = short  # "24 if order matters", "9, if my arithmetic is right": the value before the clause
            ans = ans[: unit.end()] if unit and unit_key([unit.group(1)]) else head
    ans = _strip_emphasis(ans)
    return ans or None


# Words that offer a second value on a plain-text answer line ("3, maybe 4"); not "also", "another",
# "otherwise", which describe the answer there ("12, also divisible by 3", "7 boxes, with another 3 books").
_PLAIN_OFFER = re.compile(r"\b(?:or|maybe|perhaps|possibly|alternatively|and\s+also|else|in\s+which\s+case|"
                          r"(?:could|might)\s+(?:also\s+)?be)\b|/", re.I)


_AMOUNT = re.compile(r"(-?\d+(?:\.\d+)?)\s*([A-Za-z]+)")


def _same_quantity(forms: list[str]) -> bool | None:
    """Whether amounts in known units ("120 minutes", "2 hours") all state one quantity; None when a form
    is not such an amount (or its unit has no fixed size)."""
    amounts = [_AMOUNT.fullmatch(f.strip()) for f in forms]
    base = unit_key([amounts[0].group(2)]) if all(amounts) else ""
    sizes = set()
    for m in amounts if base else ():
        ratio = unit_ratio(unit_key([m.group(2)]), base)
        if ratio is None:
            return None
        sizes.add(Fraction(m.group(1)) * ratio)
    return len(sizes) == 1 if sizes else None


# A second value offered right after the words that offer it ("maybe 4", "or 4", "could also be 4", "else 3",
# "in which case 4", "some would say 4", "second guess: 4", "backup: 4"), or a bare "4?".
_OFFER_RIGHT_BEFORE = re.compile(
    r"(?:\b(?:or|maybe|perhaps|possibly|alternatively|else|in\s+which\s+case(?:\s+it\s+is)?|(?:it\s+)?(?:could|might)\s+also\s+be"
    r"|it\s+(?:could|might)\s+be"
    r"|some\s+(?:would|might|could)\s+(?:say|argue)|second\s+guess|back-?up)\s*[:,]?\s*|/\s*)$", re.I)
_OFFERED_AFTER_IT = re.compile(r"\s*(?:\?|is\s+my\s+(?:backup|second\s+guess)|(?:is\s+)?also\s+(?:plausible|possible)|"
                               r"(?:might|could|may)\s+(?:also\s+)?work)", re.I)


def _offered_after(ans: str) -> str | None:
    """"a or b" when the answer line's aside or next sentence, or the next line, offers a second value right
    after words that offer it ("Answer: 3 (maybe 4)", "3. Maybe 4.", "3\nMaybe 4.", "3 (backup: 4)",
    "3\n4?"), and does not reject it; None otherwise ("Answer: 6. We could also be asked for 12 in part b")."""
    lines = ans.split("\n", 2)
    line = lines[0] + ("\n" + lines[1] if len(lines) > 1 else "")
    runs = value_runs(lines[0])  # each line's runs apart: "3\n4?" is two values, not the product 3 4
    if len(lines) > 1:
        runs += [(r, len(lines[0]) + 1 + a, len(lines[0]) + 1 + b) for r, a, b in value_runs(lines[1])]
    if len(runs) < 2 or runs[0][1] > 4:
        return None
    (first, _s, end), (second, start, end2) = runs[0], runs[1]
    if second == first or _rejecting_word(line, end):
        return None
    after = _OFFERED_AFTER_IT.match(line, end2)
    if after and after.group(0).strip() == "?" and line[after.end() :].split("\n", 1)[0].strip(" .!"):
        after = None  # "3\n4? No, 3.": the question is answered on its line
    if _OFFER_RIGHT_BEFORE.search(line[end:start]) or after:
        return f"{first} or {second}"
    return None


# A condition on a value of an answer line ("if $n$ is even", "(for n >= 2)", "when order matters",
# "otherwise"); and the words that set a second value against the first ("but", "alternatively", "or rather").
_CONDITION = re.compile(r"\b(?:if|when|whenever|unless|otherwise|else|in\s+case|provided|assuming|in\s+general|generally"
                        r"|(?:in\s+(?:the\s+|each\s+|every\s+|any\s+)?(?:[A-Za-z-]+\s+){0,2})?cases?"
                        r"|in\s+the\s+(?:first|second|third|other|latter|former)|depending\s+on"
                        r"|iff|for(?=\s+[A-Za-z\x00])|should(?=\s+(?!be\b)[A-Za-z]))\b", re.I)
_AGAINST = re.compile(r"\b(?:but|alternatively|or\s+rather|instead|in\s+which\s+case|except|though|whereas|however"
                      r"|would)\b", re.I)
# A condition on the form of a value ("if rounded", "as a decimal"): what follows restates the value.
_FORM_CONDITION = re.compile(r"\b(?:round|decimal|approximat|simplif|exact|numeric|equivalent|written|expressed|evaluat|about)",
                             re.I)
# Where a case split's clauses part: a sentence end, ";", ", and", ",", an aside's brackets, "and", "or", "but".
_CLAUSE_BREAK = re.compile(r"(?<!\\)\.\s+|;|,(?:\s*(?:and|or)\s)?|[()]|\s(?:and|or|but)\s", re.I)
# Words around a clause's value that leave it a bare value ("and $3$ otherwise", "but $15$", "then 4").
_CLAUSE_LEAD = re.compile(r"^(?:(?:and|or|but|then|else|otherwise|alternatively|or\s+rather|rather|in\s+which\s+case|except"
                          r"|though|whereas|however|it\s+is|it's|it\s+equals|(?:it\s+)?would\s+be|we\s+get|we\s+have|there\s+are"
                          r"|there\s+would\s+be|(?:this\s+)?gives|the\s+(?:final\s+)?(?:answer|value|result|number|count)"
                          r"\s+(?:is|would\s+be))\b[\s,:]*)*",
                          re.I)
# What a condition that opens a clause gives: "if you count the origin it's 5", "for $n$ odd the value is $3$".
_CONSEQUENT = re.compile(r"(?:(?:,\s*|\s+)(?:then\s+|it's\s+|it\s+is\s+|it\s+equals\s+|(?:it\s+)?would\s+be\s+|we\s+get\s+"
                         r"|there\s+are\s+|the\s+(?:final\s+)?(?:answer|value|result|number|count)\s+(?:is|would\s+be)\s+)+"
                         r"|\s*:\s*)(?P<v>[^,;:]+?)[\s.!]*$", re.I)
# A unit after a clause's value ("45 degrees", "$6$ cm"), dropped for the bare-value test.
_UNIT_AFTER = re.compile(r"^(?P<v>.*?\S)\s*(?P<u>[A-Za-z°%]{1,12})$")

_CLAUSE_TAIL = re.compile(r"(?:\s*\b(?:otherwise|instead|too|also|else)\b)*[\s.!]*$", re.I)
_MASKED = re.compile(r"\x00(\d+)\x00")
# A bracket of maths, hidden before a line is split: after a name ("g(2)", "P(2, 3)"), or holding no word
# ("(0, 2)", "(mod 2)" aside); an aside in words ("(for $n \ge 2$)") stays, as a clause of its own.
_MATHS_BRACKET = re.compile(r"(?<=[A-Za-z0-9_])\([^()]*\)|\((?![^()]*\b(?!(?:mod|sqrt|log|ln|sin|cos|tan|pi|exp)\b)[A-Za-z]{3,})"
                            r"(?!\s*(?:if|or|as|at|by|in|on|to|is)\b)[^()]*\)|\[[^\[\]]*\]")
# Words that set a value aside: "which is too small", "but that is not the question".
_SET_ASIDE = re.compile(r"\btoo\s+(?:small|large|big|few|many)\b|\bnot\s+(?:the\s+question|what\s+(?:is|was)\s+asked)"
                        r"|\bit\s+(?:doesn't|does\s+not|isn't|is\s+not)\s*[.!]?\s*$", re.I)  # "..., but it doesn't."
_ASSIGNED_NUMBER = re.compile(r"(?<![A-Za-z])[A-Za-z]\s*=\s*-?\d")  # "x = 6" in a condition
_LIST_GAP = re.compile(r"^(?:\.\.\.|…|\\[lc]?dots)$")  # "n = 1, 2, ..., 10": an item of a list
_RELATION_IN = re.compile(r"[<>≤≥≠]|\\(?:[lg]eq?|neq?|[lg]t)\b")


def _unit_word(word: str) -> bool:
    """Whether ``word`` names a unit ("cm", "minutes", "degrees")."""
    return bool(unit_key([word])) or word.lower() in ("degree", "degrees", "°")


def _restating(condition: str) -> bool:
    """Whether a condition asks for another form of the value: "if rounded", "as a decimal", "if you want
    minutes" (a unit)."""
    return bool(_FORM_CONDITION.search(condition)) or any(
        _unit_word(w) for w in re.findall(r"[A-Za-z]{3,}", condition) if w.lower() != "second")  # (not "in", "the second")


# A line that goes on with another case of an answer line: "3 otherwise.", "$-2$ if $x < 0$."; or that
# opens with a condition and holds a number: "If order doesn't matter: 3.", "(or 3 if order does not matter)".
_CASE_ON_NEXT_LINE = re.compile(r"^\s*(?:(?:\$[^$\n]{1,40}\$|-?\d[\d.,/]*)\s*(?:[A-Za-z]+\s+){0,2}(?:otherwise|else|if|when|unless)\b"
                                r"|(?=[^\n]*\d)\(?\s*(?:or\s+(?:\S+\s+)?)?(?:if|otherwise|when|unless|else)\b)", re.I)


def _next_line(text: str, pos: int) -> str:
    """The first line after ``pos`` that holds more than a display's closing (``\\]``, ``$$``)."""
    for line in text[pos : pos + 2000].split("\n")[1:6]:  # (a bounded look ahead: this runs for every boxed answer)
        if line.strip() and line.strip() not in ("\\]", "$$", "\\)"):
            return line
    return ""


def _case_split(ans: str) -> str | None:
    """"a or b" when an answer line gives two different values under different conditions, or sets a
    second against the first: "$2$ if $n$ is even, $3$ if $n$ is odd", "$2$ if $a>0$ and $3$ otherwise",
    "$12$, but $15$ if order matters", "3. If n is odd, 4.", "$1$ (for $n \\ge 2$); $0$ for $n = 1$". The
    answer depends on a case the line leaves open, so it is a hedge (right only when every value is). A
    value inside a condition ("$5$ if $a = 1$", "$2$, for $n = 3$, $4$, and $5$", "1 for x in (0, 2)") is no
    second value; one value under a condition is that value; a value restated in another form ("2π. If
    rounded, 6.28."), a check ("7. If we check n = 8, 64 > 50.") or another quantity ("$x = 5$. If $x = 5$,
    then $y = 11$.") is no case; values with no condition between them ("3 and 4", "x = 2, y = 5") are
    read elsewhere."""
    hidden: list[str] = []

    def hide(text: str) -> str:
        hidden.append(text)
        return f"\x00{len(hidden) - 1}\x00"

    masked = _INLINE_MATH.sub(lambda m: hide(_segment(m)), ans.split("\n", 1)[0])
    masked = re.sub(r"\bif\s+and\s+only\s+if\b", "iff", masked, flags=re.I)  # one condition, not two clauses
    if not (_CONDITION.search(masked) or _AGAINST.search(masked)):
        return None
    while True:
        bracketed = _MATHS_BRACKET.sub(lambda m: hide(m.group(0)), masked)
        if bracketed == masked:
            break
        masked = bracketed

    def shown(text: str) -> str:
        while _MASKED.search(text):
            text = _MASKED.sub(lambda m: hidden[int(m.group(1))], text)
        return text

    values: list[tuple[str, int, bool]] = []  # (value, where its clause starts, set against the one before)
    pos, before, open_condition, restating = 0, ". ", False, False
    condition_letters: set[str] = set()  # the one-letter names the conditions speak of ("for $n$ people")
    against = False  # a clause of words set what follows against the answer ("however", "Alternatively")
    checking = False  # the last condition gave a name a number ("for x = 6"): "it would be 11" is a check
    for brk in [*_CLAUSE_BREAK.finditer(masked), None]:
        end = brk.start() if brk else len(masked)
        clause, start = masked[pos:end], pos
        pos, joint = (brk.end(), brk.group(0)) if brk else (len(masked), "")
        body = clause.strip()
        lead = _CLAUSE_LEAD.match(body)
        body = body[lead.end() :]
        cond = _CONDITION.search(body)
        if cond:
            condition_letters |= set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", shown(body[cond.start() :])))
        core = _CLAUSE_TAIL.sub("", body[: cond.start()] if cond else body).strip()
        consequent = False
        if cond and not core:
            then = _CONSEQUENT.search(body, cond.end())
            core = then.group("v").strip() if then else ""  # "if you count the origin it's 5"
            consequent = bool(core) and cond.start() == 0
            if then and "would" in then.group(0).lower() and _ASSIGNED_NUMBER.search(shown(body[: then.start()])):
                core = ""  # "for x = 6, it would be 11": another candidate checked, not a case
        if not core and not cond and lead.group(0) and _AGAINST.search(lead.group(0)):
            against, before = True, ". "  # "; however, if ...", ". Alternatively, if ...": a new case opens
            continue
        if not core and not cond or _LIST_GAP.match(core) or not (cond or re.search(r"[\d\x00]", core)):
            if len(values) > 1 and values[-1][1] > values[0][1] and (
                    _rejecting_word(body) or _SET_ASIDE.search(body)):
                values.pop()  # "the other root, -5, is extraneous", "the result is 36, which is too small"
            before = joint if not core else before  # ", and", "...", "I hope it is correct.": the state goes on
            continue
        if not core:
            # a condition alone: one that opens a sentence ("If n is odd, 4") governs what follows it;
            # one after a value ("$2$, for $n = 3$ and $5$") may go on in the next clause
            # ("(If the question meant ..., 9.)" opens too; "(for x = 2, 3)" goes on)
            open_condition = not (cond.start() == 0 and (before.strip() in (".", ";", "") or cond.group(0).lower().startswith("depending")
                                                         or (before.strip() == "(" and body[:1].isupper())))
            restating = _restating(body)
            checking = bool(_ASSIGNED_NUMBER.search(shown(body)))
            before = joint
            continue
        unit = _UNIT_AFTER.match(core)
        if unit and _unit_word(unit.group("u")):
            core = unit.group("v").strip()  # "45 degrees", "$6$ cm": the value
        if checking and "would" in lead.group(0).lower():
            before = joint  # "for x = 6, it would be 11": another candidate checked, not a case
            continue
        contrast = bool(_AGAINST.search(lead.group(0)) or re.search(r"\b(?:otherwise|else)\b", lead.group(0), re.I)
                        or (cond and before.strip().lower() in ("or", ", or", "(")) or against
                        or consequent)  # "$2$, or $3$ when $n$ is odd", "15. If order matters: 30."
        if open_condition and not cond and not contrast and before.strip().lower() in (",", "and", "or", ", and", ", or"):
            before = joint  # "... for $n = 3$ and $5$": the value belongs to the condition
            continue
        noun = re.fullmatch(r"(\x00\d+\x00|-?\d+(?:\.\d+)?)(?:\s+(?!(?:is|are|was|were|be|also|too|not|works?|fails?)\b)"
                            r"[A-Za-z]{2,12}){1,2}", core, re.I)
        if noun and not _CONDITION.match(core, noun.end(1)) and not _rejecting_word(core):
            core = noun.group(1)  # "$36$ ways", "12 handshakes": the value
        text = shown(core)
        runs = None if _MASKED.fullmatch(core) else value_runs(text)
        if runs is None or (len(runs) == 1 and runs[0][0] == text):
            value = text  # one piece of maths, or one plain value
        elif ((contrast or cond) and len(runs) == 1 and re.fullmatch(r"-?\d+(?:\.\d+)?", runs[0][0])
              and not _rejecting_word(body) and not _RELATION_IN.search(text) and not re.search(r"\bwould\b", core)):
            value = runs[0][0]  # "6, but 3 is also acceptable if ...", "7, whereas counting endpoints gives 9"
        else:
            return None  # a clause that is not a bare value: prose, read elsewhere
        if values and "=" in value and assigned_name(value) is None:
            return None  # "(if we plug in $x = 5$, we get $11 = 11$)": a check, not a case
        first = values[0][0] if values else ""
        if values and ((_RELATION_IN.search(value) and not _RELATION_IN.search(first))
                       or assigned_name(value) not in (None, assigned_name(first))):
            return None  # "7. If we check n = 8, 64 > 50.", "x = 5. If x = 5, then y = 11.": no second case
        if (values and not re.search(r"[A-Za-z]", values[0][0])
                and set(re.findall(r"(?<![A-Za-z\\])[A-Za-z](?![A-Za-z])", value)) & condition_letters):
            return None  # "6. In general, for $n$ people the answer is $\binom{n}{2}$": a formula, not a case
        if not ((restating or (cond and _restating(body[cond.start() :]))) and values):
            values.append((value, start, contrast))  # (not "2π. If rounded, 6.28.", "120 minutes (2 hours if in hours)")
        open_condition, restating = bool(cond), bool(cond) and _restating(body[cond.start() :])
        before = joint
    if len({re.sub(r"\s", "", v) for v, _s, _c in values}) < 2:
        return None
    between = masked[values[0][1] : values[-1][1]]
    if not (_CONDITION.search(between) or _AGAINST.search(between) or any(c for _v, _s, c in values[1:])):
        return None  # "3 and 4 if n is odd": one list under one condition
    return " or ".join(dict.fromkeys(v for v, _s, _c in values))


# Where a closing sentence states its value: after its copula ("The minimum is 2 ...", "there are 6 ...").
_SENTENCE_COPULA = re.compile(r"\b(?:is|are|was|were|equals|be)\s+(?=[-$\d\\])", re.I)


def _sentence_split(sentence: str) -> str | None:
    """``_case_split`` of a closing sentence from the value after its copula: "The minimum is 2 for even n
    and 3 for odd n.", "So there are 6 ways if order matters and 3 otherwise."."""
    copula = _SENTENCE_COPULA.search(sentence)
    if copula is None or not (_CONDITION.search(sentence, copula.end()) or _AGAINST.search(sentence, copula.end())):
        return None
    return _case_split(sentence[copula.end() :])


def _boxes_split(text: str, start: int, end: int) -> str | None:
    """``_case_split`` of the line that holds the last box (from ``start`` to ``end``), read from its first
    box on with each simple box as its maths: "the answer is $\\boxed{2}$ for even $n$ and $\\boxed{3}$
    for odd $n$", "$\\boxed{2}$ (if $n$ is even; otherwise $3$)"."""
    lo, hi = text.rfind("\n", 0, start) + 1, text.find("\n", end)
    line = text[lo : len(text) if hi < 0 else hi]
    following = _next_line(text, end) if hi >= 0 else ""
    if following and _CASE_ON_NEXT_LINE.match(following):
        line = line.rstrip().rstrip(".,;") + "; " + following  # "\\boxed{6}" then "(If ..., the answer would be 3.)"
    if not _CONDITION.search(line):
        return None
    first = line.find("\\boxed")
    line = line[first - 1 if line[first - 1 : first] == "$" else first :]
    return _case_split(re.sub(r"\$?\\boxed\{([^{}]*)\}\$?", r"$\1$", line))


def _plain_offer(ans: str) -> str | None:
    """"a or b" for a plain-text answer line that offers a second value after its first ("3, maybe 4",
    "3 and also 4", "3, but 4 also works"), unless the line rejects it; else None."""
    runs = value_runs(ans)
    if len(runs) < 2 or runs[0][1] > 4:
        return None
    (first, _s, end), (second, start, end2) = runs[0], runs[1]
    if ((_PLAIN_OFFER.search(ans, end, start) or _OFFER_AFTER.match(ans, end2)) and not _rejecting_word(ans, start)
            and second != first):
        return f"{first} or {second}"
    return None


def _foreign_answer_line(tail: str) -> str | None:
    """The answer an "Answer:" line in another language gives, when it can be read without knowing the
    language: a bare answer ("Antwort: 2,5" is 2.5 there, "Ответ: 7"), or, in a sentence of another
    script, its one marked piece of maths ("答案：每份应该是 (\\frac{2}{5}) 吨。"). Words in a Latin script
    ("5 oder 7", "no es 5", "mindestens 5") and several pieces are no answer: "" when the line ends the
    response (nothing else is read), None when more follows it (the stages after this read the rest)."""
    matches = list(_FOREIGN_ANSWER.finditer(tail))
    if not matches:
        return None
    label, ans = matches[-1].group(1), _strip_emphasis(matches[-1].group(2)).strip().rstrip(".。").strip()
    comma = _DECIMAL_COMMA.match(ans.strip("$ "))
    if comma and label != "答案" and _AFTER_NUMBER.match(ans.strip("$ ")[comma.end() :]):
        return comma.group(0).replace(",", ".")  # "2,5", "3,75 руб."
    amount = re.sub(r"^(?:R\$|US\$|\$|€|£)\s*", "", ans.strip("$ "))  # "R$ 1.500,50"
    grouped = _GROUPED_BY_POINTS.match(amount)
    if grouped and label != "答案" and _AFTER_NUMBER.match(amount[grouped.end() :]):
        return _foreign_number(grouped.group(0), amount[grouped.end() :]) or ""  # "1.500,50", "1.500 Euro"
    if ans.startswith("(") and ans.endswith(")") and "=" in ans and ans.count("(") == 1:
        ans = ans[1:-1].strip()  # "réponse est (35 + 70 = 105)": a worked line in brackets
    counted = _NUMBER_THEN_WORDS.match(ans.strip("$ ")) or _CJK_COUNTED.match(ans.strip("$ "))
    if counted:
        return counted.group(1)
    numeral = cjk_numeral(ans)
    if numeral is not None:
        return numeral  # "答案是十二"
    if _bare_with_unit(ans):
        return ans.strip("$").strip() or None
    stated = _one_number_sentence(ans, label)
    if stated is not None:
        return stated
    if _other_script(ans):
        pieces = {p.strip(" ()$.,") for p in _OTHER_SCRIPT_RUN.split(ans) if re.search(r"[\d\\]", p)}
        if len(pieces) == 1:
            piece = pieces.pop()
            if _MARKED_MATH.search(piece):
                return piece
    if not tail[matches[-1].end():].strip():
        return ""  # the response ends with this line, and it cannot be read: no answer, no guessing
    return None


# One number in a sentence of a Latin script, right after a verb that states a value ("Ana tiene 12 años.",
# "Die Länge beträgt 20.", "passa a custar R$ 45,00."), at the sentence's end or before one word; no word
# in the sentence negates it or makes it a condition. A bound, a rounding or an offer never sits right
# before the number ("tiene unos 12", "ist über 12", "es mayor que 12"), so it is no value stated.
_SENTENCE_NUMBER = re.compile(r"(?<![\w.,])-?\d+(?:[.,]\d+)*(?![\w.,]*\d)")
_STATING_VERB = re.compile(
    r"(?:\b(?:es|son|fue|era|tiene|tienen|mide|miden|cuesta|cuestan|vale|valen|hay|quedan?|resulta|suman?|pesa|tarda|"
    r"ist|sind|war|beträgt|betragen|hat|haben|kostet|kosten|wiegt|misst|bleibt|bleiben|ergibt|dauert|lautet|"
    r"est|sont|était|vaut|valent|fait|font|mesure|mesurent|coûte|coûtent|ont|reste|restent|égale|donne|pèse|dure|"
    r"é|são|tem|têm|mede|medem|custa|custam|custar|há|fica|ficam|dá|"
    r"è|sono|ha|hanno|misura|costa|resta|restano)|=)\s*(?:R?\$|€|£)?\s*$", re.I)
_FRENCH_VERB = re.compile(r"\b(?:a|il\s+y\s+a|est\s+de|sont\s+de)\s*(?:€|\$)?\s*$", re.I)  # "Marie a 12 ans"
_FOREIGN_NEGATION = re.compile(
    r"(?:^|(?<=\s))(?:si|se)\b|\b(?:no|non|nicht|kein\w*|nie|niemals|pas|jamais|não|nao|nem|nunca|jamás|tampoco|nada|ni|"
    r"wenn|falls|quand|cuando|quando|siempre\s+que|wäre|sería|serait|seria|sarebbe|pensé|dachte|pensais|achei|"
    # bounds, roundings and offers, anywhere in the sentence ("Mindestens sind es 12", "Casi son 12")
    r"etwa|ungefähr|circa|ca|rund|knapp|beinahe|fast|annähernd|zirka|mindestens|wenigstens|höchstens|maximal|"
    r"environ|presque|quasiment|moins|plus|peu\s+près|près|autour|"
    r"aproximadamente|aprox|cerca|casi|alrededor|unos|unas|menos|más|mas|máximo|mínimo|hasta|"
    r"quase|pelo|mais|volta|uns|umas|até|"
    r"quasi|almeno|più|meno|circa|forse|"
    r"oder|ou|vielleicht|peut|quizás|quizá|talvez|tal)\b", re.I)
_GROUPED_BY_POINTS = re.compile(r"-?[1-9]\d{0,2}(?:\.\d{3})+(?:,\d+)?(?![\d.,])")
_CURRENCY_WORD = re.compile(r"\s*(?:€|\$|euros?|pesos|reais|real|dólares|dollars?|francs?|francos|pounds?|рубл\w*)\b",
                            re.I)
_UNAMBIGUOUS_POINTS = re.compile(r"-?[1-9]\d{0,2}(?:(?:\.\d{3}){2,}(?:,\d+)?|\.\d{3},\d+)")


def _one_number_sentence(ans: str, label: str) -> str | None:
    """The one number of a foreign answer line's sentence, when a verb states it (see above)."""
    text = ans.strip("$ ").rstrip(".!").strip()
    numbers = list(_SENTENCE_NUMBER.finditer(text))
    if (len(numbers) != 1 or label == "答案" or _other_script(text) or _FOREIGN_NEGATION.search(text)
            or not (_STATING_VERB.search(text, 0, numbers[0].start())
                    or (label.lower() in ("réponse", "reponse") and _FRENCH_VERB.search(text, 0, numbers[0].start())))
            or not _AFTER_NUMBER.fullmatch(text[numbers[0].end() :])):
        return None
    return _foreign_number(numbers[0].group(0), text[numbers[0].end() :])


def _foreign_number(value: str, after: str = "") -> str | None:
    """A number as a language with a decimal comma writes it: "2,5" is 2.5, "1.500,50" and "1.500.000" group
    thousands by points, and so does one point before a currency ("1.500 Euro"); otherwise a point is a
    decimal point ("0.125", "2.718"); "1,500" is no guess."""
    if _UNAMBIGUOUS_POINTS.fullmatch(value) or (_GROUPED_BY_POINTS.fullmatch(value) and _CURRENCY_WORD.match(after)):
        return value.replace(".", "").replace(",", ".")  # "R$ 1.500,50", "12.000.000", "1.500 Euro"
    if _DECIMAL_COMMA.fullmatch(value):
        return value.replace(",", ".")
    return value if re.fullmatch(r"-?\d+(?:\.\d+)?", value) else None


def _hash_answers(tail: str) -> list[str]:
    """The values after GSM8K ``####`` markers; a markdown heading ("#### 3 Alternative approaches") is none."""
    return [h.strip() for h in _HASHES.findall(tail) if not _TWO_WORDS.search(h)]


# A repeating decimal written with an ellipsis: "0.333..." (a digit three times or more, or a block of
# 2-6 digits twice right after the point or three times after other digits, then the dots) is
# 0.\overline{3}; "3.14...", "0.11..." and e's "2.718281828..." name no one value.
DOTTED_REPEAT = re.compile(
    r"(?<![\d.])(-?\d*)\.(\d*?)(?:(\d)\3{2,}|(?<=\.)(\d{2,6})\4+|(\d{2,6})\5{2,})(?:\.\.\.|…|\\[lc]?dots)(?![\w.])"
)


def _strip_emphasis(text: str) -> str:
    """Drop markdown emphasis and trailing punctuation around an answer ("**(B)**." -> "(B)", "12," -> "12");
    a repeating decimal keeps its dots ("0.333...")."""
    for _ in range(3):
        text = text.strip().strip(_EMPHASIS).strip()
        dotted = text.rstrip(".…") + "..." if text.endswith(("...", "…")) else ""
        repeat = DOTTED_REPEAT.search(dotted) if dotted else None
        text = text.rstrip(".,;").strip()
        if repeat and repeat.end() == len(dotted):
            text = dotted
    return text


def extract(text: str, *, choices=None, last_number: bool = True, gold=None) -> str | None:
    """Return the final answer of a model response, or None when there is none.

    ``gold``, when given, is a hint of the answer's type: for a yes/no gold the response's stance
    ("yes"/"no") is returned, for an option-letter gold the letter the response commits to (see
    ``letter_answer``); other golds read the response as below.

    Only the text after a closing ``</think>`` counts when there is any (boxes while thinking are
    drafts), and of it the last ``<answer>...</answer>`` when there is one (``final_part``). Order: the
    last ``\\boxed{}``/``\\fbox{}``; else a GSM8K-style ``#### 42`` line; else an "answer is ..." /
    "Answer: ..." line (markdown bold, a repeated label, a trailing sentence or aside removed); else an
    answer line in another language (``_foreign_answer_line``); else, when ``choices`` is given
    (multiple choice), the option letter the response commits to (``letter_answer``), else its last
    letter like ``(C)``; else a bare answer, a closing sentence or a
    closing display equation; else, if ``last_number``, the last number in the text.

    A number is read as its text, as ``verify`` reads it; anything else that is not text (None, bytes: decode
    them first, a list of responses: one call per response) has no answer. ``choices`` must be None or a
    list of the options' texts (option A first), as for ``verify``.

    >>> extract(r"so $x = \\boxed{\\frac{1}{2}}$.")
    '\\\\frac{1}{2}'
    """
    if choices is not None and (isinstance(choices, str | bytes | dict) or not hasattr(choices, "__iter__")):
        raise ValueError(f"The 'choices' parameter of extract must be None or a list of the options' texts "
                         f"(option A first). Got {str(choices)[:60]!r} instead.")
    if isinstance(text, int | float) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        return None
    text = plain_text(text)
    if choices is not None and gold is None:
        said, _late = letter_answer(text, option_letters(choices), choices=choices)
        if said == "":
            return None  # the options listed, none chosen
        if said is not None:
            return said  # the letter the response commits to, as verify judges it ("(A) is correct" after "(C)")
    return read_plain(text, choices=choices, last_number=last_number, gold=gold)


def read_plain(text: str, *, choices=None, last_number: bool = True, gold=None) -> str | None:
    """``extract`` of a text that ``plain_text`` has already cleaned (the verifier cleans a response
    once and reads it several ways)."""
    if gold is not None:
        hinted = _hinted(text, str(gold), choices)
        if hinted is not None:
            return hinted or None  # "": the options listed, none chosen
    text = final_part(text)
    text = _before_cut_box(text)
    boxed = boxed_answer(text)
    if boxed is None and find_boxed(text) is not None:
        return None  # "\\boxed{5}^2": the box is an operand, and what it boxes is not the answer
    if boxed is not None:
        late = _late_answer_line(text)
        if late is not None:
            return late
        start = _box_start(text, len(text))
        closed = _braced(text, text.index("{", start)) if start is not None and "{" in text[start:] else None
        if closed:
            fixed = _CORRECTED_AFTER.search(text, closed[1], closed[1] + 300)
            if fixed and (fixed.group(1) or fixed.group(2) or fixed.group(3)).rstrip(".,") != boxed.strip():
                return None  # "\\boxed{12}. Hmm wait, it should be 13.": the response takes its box back
            if _RETRACTED_AFTER.search(text, closed[1], closed[1] + 120):
                return None  # "So $\\boxed{3}$. Wait, that's wrong.": the box is taken back, no answer given
            split = _boxes_split(text, start, closed[1])
            if split is not None:
                return split  # "$\\boxed{2}$ for even $n$ and $\\boxed{3}$ for odd $n$": left to a case
        return (_with_unit(boxed, text, closed[1]) if closed and closed[0] == boxed else boxed) or None
    # An escaped dollar is a currency sign, not a math delimiter ("is $\\$12.50$").
    tail = text[-_TAIL_CHARS:].replace("\\$", "").replace("−", "-")
    output = _OUTPUT_END.search(tail)
    if output and _printed_answer(tail[: output.start()]):
        # A response that states no answer and ends with a program's output: a printed number answers it;
        # anything else (an error's traceback, "True", text) does not, and no number inside it does either.
        printed = _OUTPUT_LAST.match(tail, output.start())
        return printed.group(1).strip() if printed else None
    hashes = _hash_answers(tail)
    if hashes:
        return hashes[-1].strip().strip("$").rstrip(".").strip() or None
    line = _answer_line(tail)
    if line is None:
        line = _foreign_answer_line(tail)
    elif _CJK_NUMBER_END.fullmatch(line):
        line = cjk_numeral(line) or ""  # "Answer: 三"
    if line is not None:
        return line or None
    said = list(_ANSWER_IS.finditer(tail))
    if said and _NOT_A_VALUE.match(_strip_emphasis(_LEAD_LABEL.sub("", said[-1].group(1)))):
        return None  # "The answer is not 12": the answer line states no value; no other number is it
    if choices:
        bare = _letter_with_value(text)
        if bare is not None:
            return bare
        letters = [m.group(1) or m.group(2) for m in _LETTER.finditer(tail)]
        if letters:
            return letters[-1]
    if len(text) <= _BARE_MAX_CHARS:
        stripped = text.strip()
        named = number_phrase(stripped) if len(stripped) <= 40 else None
        if named is not None:
            return named  # "one half", "negative infinity": the whole response
        if _SEGMENTS_ONLY.match(stripped):
            return stripped  # the stages after this join the segments into one answer
        segment = _ONE_SEGMENT.match(stripped)
        if segment:  # the whole response is one "$...$": its content is the answer
            return next(g for g in segment.groups() if g is not None).strip() or None
        if _SINGLE_WORD.match(stripped) or _bare_with_unit(stripped):
            # A bare answer such as "3\sqrt{2}", "(1, 2]" or "3\pi units": return it whole (callers bound
            # its length; normalization strips the unit).
            return stripped.strip("$").strip() or None
    check = _CHECK_LINE.search(tail)
    if check and tail[: check.start()].strip():
        # "So x = 5. Plugging back in: 3(5) - 2 = 13 ✓": a check of the answer ends the response; the
        # answer is what comes before it
        return read_plain(text[: len(text) - len(tail) + check.start()], choices=choices, last_number=last_number)
    if _DANGLING.search(tail):
        return None  # "... there are 5 boxes. Then", "so x =": a response cut short states no answer
    split = _sentence_split(final_sentence(tail))
    if split is not None:
        return split  # "The minimum is 2 for even n and 3 for odd n.": the answer is left to a case
    # A closing sentence: "There are 144 ways ...", "The sum is given by (n^2 - 3n) / 2."
    stated = prose_answer(tail, subject_equation=True)
    if stated is not None:
        return stated
    closing = _CLOSING_DISPLAY.search(tail)
    if (closing and "\\begin" not in closing.group(1) and len(closing.group(1)) <= 200
            and not _NOT_CONCLUDED.search(_SENTENCE_END.split(tail[: closing.start()])[-1])):
        return closing.group(1).strip().rstrip(".").strip() or None  # "Thus\n\\[ P = \\frac12. \\]"
    if len(text) > _TAIL_CHARS and not _BREAK.search(tail.rstrip()[:-100]):  # (a break in the last 100: the padding's end)
        # the last 4,000 characters are one unbroken run ("The answer is 7+7+...+1", "blah blah ... 1"): where it
        # starts, and whether an answer line opened it, is out of sight; its last number is no answer
        return None
    relation = _CONCLUDED_RELATION.search(tail)
    if relation and not _STATED_BEFORE.search(tail, max(0, relation.start() - 300), relation.start() + 1):
        # (not after a sentence that states a value: "The smallest such integer is $n = 6$. So $n > 5$.")
        # "So $x > 1$.", "Thus $x > 1$ and $x < 3$.": a closing relation is the answer (its numbers are bounds,
        # never read alone as the last number)
        return re.sub(r"\$\s*(,|and)\s*\$", ", ", re.sub(r"\$\s*or\s*\$", " or ", relation.group(1))).strip("$ ")
    if last_number and not _states_in_words(final_sentence(tail)):
        nums = list(_NUMBER.finditer(tail))
        last = final_sentence(tail)
        congruence = _PLAIN_CONGRUENCE.search(last) if "≡" in last else None
        if congruence:
            # "Therefore 2^100 ≡ 2 mod 7.": the congruence (its residue is the value), never the modulus 7
            return f"{congruence.group(1)} \\equiv {congruence.group(2)} \\pmod{{{congruence.group(3)}}}"
        relation = _PLAIN_RELATION.search(tail, max(0, nums[-1].start() - 40), nums[-1].start()) if nums else None
        if relation:
            # "So x ≥ 12.", "we need n >= 5", "Thus $x <= 2$ is our answer": the relation, never the value 12
            return f"{relation.group(1)} {_RELATION_TEX[relation.group(2)]} {nums[-1].group(0)}"
        if nums and (_OFFERED_OR.search(tail, 0, nums[-1].start()) or _CODE.search(last) or _TRYING.match(last)
                     or _BOUND_BEFORE.search(tail, 0, nums[-1].start()) or _DENIED_AFTER.match(tail, nums[-1].end())
                     or _NEGATED_BEFORE_NUMBER.search(tail, max(0, nums[-1].start() - 40), nums[-1].start())
                     or _EXAMPLE_BEFORE.search(tail, max(0, nums[-1].start() - 20), nums[-1].start())
                     or (_SPELLED_OPERAND_BEFORE.search(tail, max(0, nums[-1].start() - 30), nums[-1].start())
                         and not re.match(r"\s+times\b", tail[nums[-1].end() :]))):
            return None  # "either 4 or 5": two answers offered; "open('f').write(1) or 0": code; "Let me check ...",
            # "... 5 boxes. Then": a response cut short; "more than 12": a bound; "12 is wrong",
            # "x cannot be 12", "答案不是 12", "答案至少是 12": denied or bounded; "10 minus 3": arithmetic in words
        if nums:
            math = _last_math_holding(tail, nums[-1])
            if math is not None:
                return math
            bracket = next((b for b in _NUMBER_TUPLE.finditer(tail, max(0, nums[-1].start() - 60),
                                                               min(len(tail), nums[-1].end() + 2))
                            if b.start() < nums[-1].start() and b.end() >= nums[-1].end()), None)
            if bracket and len(_NUMBER_TUPLE.findall(last)) == 1:
                return bracket.group(0)  # "Der Punkt ist (2, 5).": the pair (or interval) the last number closes
            if bracket:
                return None  # "(2,5) ou peut-être (3,5)", "(0,0), (1,4) y (3,1)": an offer or a list
            labelled = _LABELLED.search(tail)
            if labelled and labelled.start(1) <= nums[-1].start() and _looks_bare(labelled.group(1).strip()):
                return labelled.group(1).strip()
            # Read as a clock time or with a decimal comma only when the final sentence holds no other
            # number: "at 7:34 or 8:34 p.m.", "2,5 oder 3,5" offer two answers.
            alone = _digits_before(tail, last, nums[-1].start())
            clock, after = _CLOCK_BEFORE.search(tail, 0, nums[-1].start()), AMPM_AFTER.match(tail, nums[-1].end())
            if alone(clock) and clock and (after or clock.group(1)) and re.fullmatch(r"[0-5]\d", nums[-1].group(0)):
                # "leaves at 8:34 p.m.", "at 20:34:00": one clock time, not its last number
                return clock.group(0) + tail[nums[-1].start() : after.end() if after else nums[-1].end()]
            comma = _COMMA_BEFORE.search(tail, 0, nums[-1].start())
            in_brackets = comma is not None and re.search(r"\(\s*$", tail[: comma.start()])  # "(2,5)": a point
            if ((_NOT_ENGLISH.search(last) or _CURRENCY_AFTER.match(tail, nums[-1].end())
                 or (comma and _FOREIGN_WORD.search(last) and not in_brackets))
                    and not _ENGLISH.search(last) and alone(comma)):
                # a sentence in a language that writes a decimal comma ("beträgt 0,75", "Il reste 2,74 €")
                if comma and re.fullmatch(r"\d{1,2}", nums[-1].group(0)):
                    return comma.group(1) + "." + nums[-1].group(0)  # "il reste 2,74 $" for a gold of 2.74
                if _DECIMAL_COMMA.fullmatch(nums[-1].group(0)):
                    return nums[-1].group(0).replace(",", ".")  # "beträgt also 0,75."
            if re.search(r"\b(?:minus|negative)\s+$", tail[max(0, nums[-1].start() - 12) : nums[-1].start()], re.I):
                return "-" + nums[-1].group(0)  # "The temperature is minus 3." (not "10 minus 3", refused above)
            run = operand_run(tail, nums[-1].start(), nums[-1].end())
            if run is not None:
                return run or None  # "We get sqrt(2)/2.": the expression the last number ends ("": none)
            percent = re.match(r"\s?\\?%", tail[nums[-1].end() :])  # "20% of them": the number is a percentage
            if percent:
                return nums[-1].group(0) + "%"
            value = re.sub(r"[ \u00a0\u202f]", "", nums[-1].group(0))
            return _with_unit(value, tail, nums[-1].end())  # "60 feet per second", "**2** minutes"
        said = _CJK_NUMBER_END.search(tail) if not nums else None
        if said and not _CJK_OR_DIGIT.search(tail, max(said.start() - 200, 0), said.start()):
            # "result: 三", "答案是十二。": a number written in Chinese numerals ends the text, the only one
            value = _cjk_number(said.group(1))
            return str(value) if value is not None else None
    return None


# A number in Chinese numerals that is a whole text or ends one after a colon, a space or 是/为
# ("答案是十二"; not after 不是 "is not"); no other numeral may come shortly before it ("三 or 四").
_CJK_NUMBER_END = re.compile(
    r"(?:^\s*|(?<=[:：])\s*|(?<=\s)|(?<![不非][是为])(?<=[是为])\s*)([零〇一二两三四五六七八九十百千万]{1,12})\s*[。.]?\s*$"
)
_CJK_OR_DIGIT = re.compile(r"[零〇一二两三四五六七八九十百千万\d]")
_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}


# A fraction in Chinese words, "<denominator>分之<numerator>" ("五分之三" is 3/5; "百分之二十" is 20%).
# Not after 又 (a mixed number, "二又三分之一") or 负 (a negative), nor before 点 (a decimal, "百分之二十五点五"):
# those stay unread rather than read as another value.
_CJK_FRACTION = re.compile(r"(?<![又负])([零〇一二两三四五六七八九十百千万]{1,12})分之([零〇一二两三四五六七八九十百千万]{1,12})(?![点])")


# Words that hedge, bound or negate a value in Chinese: "或" (or), "可能" (maybe), "至少" (at least), "不超过"
# (at most), "约" (about), "不是" (is not) ...
_CJK_HEDGE = re.compile(r"或|可能|也许|大概|约|至少|至多|最多|最少|不超过|不少于|不低于|不高于|不是|并非|还是")


def _cjk_fraction_line(line: str) -> bool:
    """Whether a line's Chinese fraction is read: one fraction, no maths restating it, no hedge or bound."""
    return len(_CJK_FRACTION.findall(line)) == 1 and "$" not in line and "\\(" not in line and not _CJK_HEDGE.search(line)


def _cjk_fraction(m: re.Match) -> str:
    below, above = _cjk_number(m.group(1)), _cjk_number(m.group(2))
    if below is None or above is None or below == 0:
        return m.group(0)
    return f"{above}%" if below == 100 and m.group(1) == "百" else f"{above}/{below}"


def cjk_numeral(text: str) -> str | None:
    """The numeral of a text that is one number in Chinese numerals ("十二" -> "12"), else None."""
    if not _CJK_NUMBER_END.fullmatch(text):
        return None
    value = _cjk_number(text.strip().rstrip("。.").strip())
    return None if value is None else str(value)


def _cjk_number(text: str) -> int | None:
    """The value of a number in Chinese numerals ("十二" 12, "一百零五" 105, "三万二千" 32000); None for
    a run that is no number (two digits in a row without a unit between them: "一二")."""
    if text[-1] in _CJK_DIGITS and len(text) >= 2 and text[-2] in "百千万":
        return None  # "一百一": 110 in speech, 101 by the digits: no one value
    total = section = digit = 0
    last_digit = False
    for ch in text:
        if ch in _CJK_DIGITS:
            if last_digit and _CJK_DIGITS[ch] and digit:
                return None
            digit, last_digit = _CJK_DIGITS[ch], True
        elif ch in _CJK_UNITS:
            if not digit and (section or total):
                return None  # a unit with no digit before it, after the start ("一百十")
            section += (digit or 1) * _CJK_UNITS[ch]  # "十二": a leading 十 is 一十
            digit, last_digit = 0, False
        else:  # 万
            if not (total or section or digit):
                return None  # "万" alone is no count
            total, section, digit, last_digit = (total + section + digit) * 10_000, 0, 0, False
    return total + section + digit


# A clock time in prose: "8:" before the last number, seconds or a.m./p.m. after it (never a ratio "3:5").
_CLOCK_BEFORE = re.compile(r"(?<![\d:.,])(?:[01]?\d|2[0-3]):([0-5]\d:)?$")
# A decimal comma before the last number: "2,74 $" (not "1,000": the number after it has 1-2 digits).
_COMMA_BEFORE = re.compile(r"(?<![\d,.])(-?\d+),$")


# A sentence with letters of other Latin or Cyrillic alphabets, or a currency after the number, and
# no English word that makes "0,75" a list or a pair ("The sequence begins 0,75"): a decimal comma.
_NOT_ENGLISH = re.compile(r"[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0400-\u04ff]")  # letters, not × or ÷


def _digits_before(tail: str, last: str, end: int):
    """A test of a match (ending where the last number starts): true when the final sentence ``last``
    has no digit before that match's start, so the clock time or decimal is its one number."""
    sentence_start = len(tail) - len(last) if tail.endswith(last) else tail.rfind(last)

    def alone(match) -> bool:
        start = match.start() if match else end
        return sentence_start >= 0 and not re.search(r"\d", tail[sentence_start:start])

    return alone
_CURRENCY_AFTER = re.compile(r"\s?[$€£¥₽]")
# Common words of languages that write a decimal comma, for sentences without an accented letter
# ("Das Ergebnis ist 2,5.", "Donc la longueur vaut 2,5 m.").
_FOREIGN_WORD = re.compile(r"\b(?:ist|sind|das|der|die|also|ergebnis|est|vaut|la|le|les|donc|es|el|los|son|resultado|"
                           r"é|são|o|os|um|uma|è|sono|il|lo)\b", re.I)
_ENGLISH = re.compile(r"\b(?:the|is|are|was|at|of|and|to|in|so|point|pair|begins|values?|numbers?|answer)\b", re.I)


def marks_its_answer(text: str) -> bool:
    """Whether a response marks its answer: a box, a ``####`` line or an "answer is" / "Answer:" line."""
    tail = text[-_TAIL_CHARS:]
    return find_boxed(text) is not None or bool(_hash_answers(tail)) or bool(_ANSWER_IS.search(tail))


# A gold that is one option letter, alone or with the option's text ("C Cecile", "(B) 12").
GOLD_LETTER = re.compile(r"^\s*\$?\(?([A-J])\)?\$?(?:[.:]?\s+(?:[A-Z][a-z]+|\d)[^=<>]*)?\s*$")
MC_LETTERS_EXTENDED = "ABCDEFGHIJ"


def gold_letter(gold: str, choices) -> str | None:
    """The option letter a gold names: a bare letter ("C", "(C)"), or, when choices are given, a letter
    with its option's text ("C Cecile"); None otherwise ("A Parabola" without choices is words)."""
    text = gold.strip().strip("$").strip()
    lower = re.match(r"^\(?([a-j])\)?$", text) if choices else None
    if lower and lower.group(1) not in [str(c).strip() for c in choices]:
        text = text.upper()  # MathQA's "c" with choices given: option C (unless "c" is an option's text)
    bare = re.match(r"^\(?([A-J])\)?$", text)
    m = bare or (GOLD_LETTER.match(text) if choices else None)
    return m.group(1) if m and m.group(1) in option_letters(choices) else None


# An option's marker in a list the response copies from its prompt: "(B) 720", "\\textbf{(B) }720",
# "\\textbf{(B)}\\ 720", or "B. 720" / "B) 720" at the start of a line.
_OPTION_MARK = re.compile(r"\\textbf\{\s*\(([A-J])\)\s*\}|(?<![A-Za-z\\])\(([A-J])\)|(?:^|(?<=\n))[ \t]*([A-J])[.)](?=[ \t])")
_OPTION_TEXT_DEBRIS = re.compile(r"\\q?quad|\\[ ,;]|\$|\*\*")
_OPTIONS_SCANNED = 20_000  # characters of a response searched for a list of options


def listed_options(text: str) -> list[str] | None:
    """The options of a multiple-choice list the response itself writes out ("(A) 540 (B) 720 (C) 900
    (D) 1080", one per line, or AMC's "\\textbf{(A) }540 \\qquad ..."; not "P(A)", a function of a letter):
    their texts, option A first, when it lists at least four, from A on, each a short text on its line;
    None when there is no such list or when two lists disagree (no options can be told)."""
    text = text[:_OPTIONS_SCANNED]
    marks = [(m.start(), m.end(), next(g for g in m.groups() if g)) for m in _OPTION_MARK.finditer(text)]
    found: set[tuple[str, ...]] = set()
    run: list[str] = []
    for k, (_start, end, letter) in enumerate(marks):
        if len(run) == len(MC_LETTERS_EXTENDED) or letter != MC_LETTERS_EXTENDED[len(run)]:
            if len(run) >= 4:
                found.add(tuple(run))
            run = []
            if letter != "A":
                continue
        stop = marks[k + 1][0] if k + 1 < len(marks) else len(text)
        body = text[end:stop]
        line = body.split("\n", 1)[0] if body.strip() else ""
        option = _OPTION_TEXT_DEBRIS.sub(" ", line).strip().rstrip(".,;").strip()
        if not option or len(option) > 60:
            if len(run) >= 4:
                found.add(tuple(run))
            run = []
            continue
        run.append(option)
    if len(run) >= 4:
        found.add(tuple(run))
    return list(next(iter(found))) if len(found) == 1 else None


def option_letters(choices) -> str:
    """The option letters in play: A-E, or as many as there are choices (up to J)."""
    return MC_LETTERS_EXTENDED[: max(len(choices), 5)] if choices else MC_LETTERS_EXTENDED[:5]


def _hinted(text: str, gold: str, choices) -> str | None:
    """What a response says for a gold of a worded type: its yes/no stance, or its option letter."""
    from ._gold import read_gold  # stage 0 reads the gold; imported here to keep stage 1 first

    text = final_part(text)
    if len(gold) <= 40 and read_gold(gold).kind == "yesno":
        return foreign_yes_no(text) or stance(boxed_answer(text) or text)
    m = gold_letter(gold, choices)
    if m is not None:
        return letter_answer(text, option_letters(choices), choices=choices)[0]
    if len(gold) <= 200 and read_gold(gold).kind in ("words", "word"):
        return stated_clause(boxed_answer(text) or text) or None  # the words a worded gold is judged on
    return None


# One-word answers to a yes/no question in the languages of _FOREIGN_ANSWER.
_FOREIGN_YES_NO = {
    **dict.fromkeys(("oui", "sí", "si", "sim", "ja", "да", "是", "是的", "对"), "yes"),
    **dict.fromkeys(("non", "no", "não", "nao", "nein", "нет", "否", "不", "不是", "不对"), "no"),
}


def foreign_yes_no(text: str) -> str | None:
    """"Antwort: Nein.", "答案：否": a yes/no answer line in another language that is that one word and
    ends the response."""
    tail = text[-_TAIL_CHARS:]
    matches = list(_FOREIGN_ANSWER.finditer(tail))
    if not matches or tail[matches[-1].end() :].strip():
        return None  # no such line, or something follows it (a correction, a box): read as usual
    word = _strip_emphasis(matches[-1].group(2)).strip().strip(".!。！ ").lower()
    return _FOREIGN_YES_NO.get(word)


def _letter_with_value(text: str) -> str | None:
    """A bare "(C) 5" / "(C) $5$" answer, whole: the letter and the value written with it are checked together."""
    stripped = text.strip()
    if len(stripped) > 200 or not _LETTER_VALUE.match(stripped):
        return None
    rest = stripped.replace("$", "")
    return rest.strip() if _looks_bare(rest.strip()) else None


def _states_in_words(sentence: str) -> bool:
    """Whether a final sentence answers in words, so that none of its numbers is the answer: it declines
    ("cannot be determined"), hedges, is negated ("The limit does not exist because ..."), or puts words
    after its copula ("The possible values are all integers from 0 to k-1")."""
    from ._prose import states_in_words  # noqa: PLC0415 - kept next to the prose rules it uses

    return (bool(_HEDGED.search(sentence)) or bool(_LEFT_OPEN.search(sentence) and _NUMBER.search(sentence))
            or states_in_words(sentence))


def _other_script(text: str) -> bool:
    """Letters of a script other than Latin or Greek (Chinese, Arabic, Devanagari...): prose."""
    return any(ch.isalpha() and ord(ch) > 0x24F and not 0x370 <= ord(ch) <= 0x3FF for ch in text)


# A run of letters of another script (with its full-width punctuation): what separates maths in such
# prose. Maths symbols (∈, ≤, √, subscript digits) are not in it.
_OTHER_SCRIPT_RUN = re.compile(r"(?:[^\W\d_\x00-\u024f\u0370-\u03ff]|[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20])+")


def _looks_bare(text: str) -> bool:
    """One line of maths with no prose: no long words, no short words like "So", "$" only around it."""
    if "\n" in text or _WORD.search(text) or _SHORT_WORD.search(text) or _other_script(text):
        return False
    inner = text[1:-1] if text.startswith("$") and text.endswith("$") else text
    return "$" not in inner.strip("$")


def _bare_with_unit(text: str) -> bool:
    """One line of maths, perhaps followed by a unit word ("3\\pi units")."""
    return _looks_bare(text) or _looks_bare(PLAIN_UNIT.sub("", text))


_SEGMENT_JOIN = re.compile(r"\s*+(?:,|;|,?\s*+and|,?\s*+or)\s*+$")
_ONE_NAME = re.compile(r"^([A-Za-z])\s*=\s*[^=]+$")
# A final sentence that tries values rather than concluding: "Let me check $n = 1$, $n = 2$ and $n = 3$".
_TRYING = re.compile(r"\s*(?:let\s+me|let's|let\s+us|we\s+(?:now\s+)?(?:check|try|test)|now\s+(?:check|try)|check(?:ing)?|"
                     r"try(?:ing)?|test(?:ing)?)\b", re.I)


# Between a value and the unit written after it: the end of its box or segment, emphasis, spaces.
_UNIT_LEAD = re.compile(r"[ \t$*_}]*")  # (not a line break: the next paragraph's first word is no unit)
_CONSTANT_COMMANDS = re.compile(r"\\(?:d?frac|sqrt|pi|cdot|times|left|right)(?![A-Za-z])")


def _with_unit(value: str, text: str, end: int) -> str:
    """``value`` with the known unit written right after ``text[end]`` ("$\\boxed{2}$ minutes", "**2** minutes",
    "$\\frac{3}{2}$ m"), when the value is a constant: a gold in hours then differs from 2 minutes."""
    if not re.search(r"\d", value) or re.search(r"[A-Za-z]", _CONSTANT_COMMANDS.sub("", value)):
        return value
    after = _UNIT_LEAD.match(text, end).end()
    if re.match(r"\\?%", text[after:after + 2]):
        return value
    unit = KNOWN_UNIT.match(text, after)
    if (unit is None or not unit_key([unit.group(1)]) or (unit.group(1)[:1].isupper() and unit.group(1) != "L")
            or re.match(r"\.[A-Za-z]", text[unit.end():unit.end() + 2])):
        return value  # "In summary", "M is the midpoint", "s.t.": words, not units
    power = UNIT_POWER.match(text, unit.end())  # "cm$^2$", "m/s^2": an area, an acceleration
    return value.strip() + " " + unit.group(1) + ("^" + power.group(1) if power else "")


def _last_math_holding(tail: str, number: re.Match) -> str | None:
    """The last ``$...$`` / ``\\[...\\]`` segment when it holds the last number ("so $x = \\frac{1}{2}$.")."""
    segments = list(_MATH_SEGMENT.finditer(tail))
    if not segments:
        return None
    seg = segments[-1]
    if not (seg.start() <= number.start() and number.end() <= seg.end()):
        return None
    contents = [next(g for g in seg.groups() if g is not None).strip()]
    # "So $x = 3+\\sqrt5$ and $x = 3-\\sqrt5$.", "$m = 3$ and $n = 4$": values of named unknowns in segments
    # joined by "and", "or" or commas are read together (from "$m = 3$, $n = 4$, and $m + n = 7$" only the last).
    k = len(segments) - 1
    while _ONE_NAME.match(contents[0]) and len(contents) < _MAX_BOXES and k > 0 and _SEGMENT_JOIN.match(
            tail, segments[k - 1].end(), segments[k].start()):
        prev = next(g for g in segments[k - 1].groups() if g is not None).strip()
        if not _ONE_NAME.match(prev):
            break
        contents.insert(0, prev)
        k -= 1
    content = ", ".join(contents)
    if len(contents) == 1:
        content = _with_unit(content, tail, seg.end())  # "It takes $120$ minutes.": the unit stays with it
    return content if all(contents) and len(content) <= 200 else None


# A choice letter standing alone: "D", "(D)", "D." -- not part of a word or a command.
_CHOICE = re.compile(r"(?<![A-Za-z\\{_^])\(?([A-J])\)?(?![A-Za-z0-9{}_^=+/]|\s*\*\s*[\w\\(])")
# Words that rule a letter out when they come just before it: "not A", "can't be A", "rules out B".
_RULED_OUT = re.compile(
    r"(?:\bnot|\bcannot|n't|\bno|\bnor|\bexcept|\brules?\s+out|\bruled\s+out|\beliminates?|\bfails?"
    r"|\bno\s+es|\bn'est\s+pas|\bnicht|\bnão\s+é|\bnon\s+è)\s*(?:be\s+)?"  # "no es la (B)", "n'est pas (B)"
    r"(?:(?:la|el|le|die|der|das|a|o|l')\s*)?(?:(?:option|choice|answer|opción|opção|antwort)\s+)?\(?$",
    re.IGNORECASE,
)
_LEADING_LETTER = re.compile(r"^[*_\s]*\(?([A-J])\)?(?:[.:)]|\s*$|\s+[-\u2013\u2014]|\*)")


def letter_answer(text: str, letters: str = "ABCDE", *, choices=None) -> tuple[str | None, bool]:
    """The option letter a response commits to (or None; "" when it lists the options or names two
    after listing them, so that it chooses none), and whether an answer line written after the
    response's last box gave it (that line then overrides the box).

    Looks, in order, at an answer line written after the last box ("Reasoning with \\boxed{A}. The
    correct answer choice is: B" is B), the last box, an earlier answer line; only when the response has
    neither, at its final sentence (its conclusion first: "A, B and C are too small, so E" is E) and at
    a response that opens with the letter ("D. it can't be A or B"). In each place the first letter
    that is not ruled out counts: "B, since A and C fail" is B; "not A, so D" is D; "D is not correct"
    rules D out. In prose, a capital A or I before a lowercase word is a word, and a letter that names
    a point or a quantity ("from A to B", "A = 5", "C(1, 2)") is no choice. A response that is one
    letter in lower case ("c", "(b).") is that option, unless it is one of ``choices``' values ("e").
    """
    if not isinstance(text, str):
        return None, False
    text = final_part(text)
    values = [str(c).strip().strip("$").strip() for c in choices or ()]
    lone = _LONE_LETTER.match(text)
    if lone and lone.group(2).upper() in letters and (lone.group(2).isupper() or lone.group(2) not in values):
        return lone.group(2).upper(), False  # one letter in either case ("c", "(b)."), unless an option's value
    tail = text[-_TAIL_CHARS:]
    lines = list(_ANSWER_IS.finditer(tail))
    last_box = max(tail.rfind(cmd) for cmd in _BOX_COMMANDS)
    if lines and lines[-1].start() > last_box >= 0:
        late = _first_letter(lines[-1].group(1), letters, prose=False)
        if late is not None:
            return late, True
    boxed = boxed_answer(text)
    if boxed is not None:
        after = after_last_box(text)
        corrected = _LETTER_CORRECTED.search(after[:120]) if len(after) <= 120 else None
        if corrected and corrected.group(1) in letters:
            return corrected.group(1), True  # "\\boxed{A}. Wait, no, it is B.": the box taken back for B
    marked = [r for r in ((lines[-1].group(1) if lines else None), boxed) if r is not None]
    if lines and lines[-1].start() < last_box:
        marked.reverse()  # the box comes after the answer line: it is the final word
    for region in marked:
        if hedges_letters(region):
            return None, False  # "(A) or (B)": two options offered, no answer
        if _strip_emphasis(_options_listed_masked(region).strip()).startswith("(#)"):
            return "", False  # "Answer: (A) 6, (B) 3, (C) 2": a listing chooses no option
        corrected = _LETTER_CORRECTED.search(region)
        if corrected and corrected.group(1) in letters:
            return corrected.group(1), False  # "Answer: A. Wait, no, it is B.": the letter it settles on
        found = _first_letter(region, letters, prose=False) or _lower_case_lead(region, letters, values)
        if found is not None:
            return found, False
    if marked:
        return None, False  # an answer line or a box that names no letter: prose letters are not answers
    if len(text) <= 40:  # a short answer, e.g. an answer tag's content: "(b) 2"
        found = _lower_case_lead(text, letters, values)
        if found is not None:
            return found, False
    sentence = _options_listed_masked(final_sentence(text))
    listed = sentence.rfind("(#)")
    if listed >= 0:
        rest = re.split(r"[,;:]", sentence[listed:], maxsplit=1)[-1]
        pair = _TWO_LETTERS_JOINED.search(rest)
        if (pair and pair.group(1) != pair.group(2)
                and not re.search(r"\b(?:not|nor|neither|pas|nicht|no)\s+$|n't\s+$", rest[: pair.start()], re.I)
                and not _REJECTED.search(rest, pair.end()) and not re.search(r"\btoo\s+\w+", rest[pair.end() :], re.I)
                and not re.search(r"\([A-J]\)", rest[pair.end() :])) or hedges_letters(rest):
            return "", False  # "Among (A) 6, (B) 3, (C) 2, (D) 4, (B) and (D) both work."
    called = _LETTER_IS_CORRECT.search(sentence) or _LETTER_PICKED.search(sentence)
    if called and called.group(1) in letters and not _NOT_A_VERDICT.search(sentence):
        return called.group(1), False  # "(C) looks tempting, but (A) is correct.", "I pick (A) over (C)."
    cuts = [0] + [m.start() for m in _LETTER_CONCLUSION.finditer(sentence)]
    for start in reversed(cuts):
        found = _first_letter(sentence[start:], letters, prose=True)
        if found is not None:
            return found, False
    if listed >= 0:
        return "", False  # "The options are (A) 6, (B) 3, (C) 2, (D) 4.": listed, none chosen
    lead = _LEADING_LETTER.match(text)
    return (lead.group(1), False) if lead and lead.group(1) in letters else (None, False)


# A marked answer that corrects itself at its end: "A. Wait, no, it is B.", "(A), I mean (C)".
_LETTER_CORRECTED = re.compile(r"\b(?:wait|actually|i\s+mean|sorry|correction|oops)\b[\s,.!:;-]*(?:no\b[\s,.!]*)?"
                               r"(?:(?:it|the\s+answer)\s*(?:'s|is|should\s+be)\s+)?\(?([A-J])\)?\s*[.!]?\s*$", re.I)
# Two options named together: "(B) and (D)", "either (B) or (D)", "(B) as well as (D)".
_TWO_LETTERS_JOINED = re.compile(r"\(([A-J])\)\s*(?:,|and|or|&|as\s+well\s+as|/)\s*(?:also\s+)?\(([A-J])\)", re.I)


def _options_listed_masked(sentence: str) -> str:
    """``sentence`` with the letters of the options it lists ("Among (A) 6, (B) 3, (C) 2, (D) 4, the correct
    one is 3.": three or more, from A on, each with a short text) blanked: a listing chooses no option."""
    marks = [m for m in _OPTION_MARK.finditer(sentence) if m.group(2)]
    k = 0
    while k < len(marks):
        j = k
        while j + 1 < len(marks) and marks[j + 1].group(2) == MC_LETTERS_EXTENDED[j + 1 - k]:
            gap = sentence[marks[j].end() : marks[j + 1].start()]
            words = [w for w in re.findall(r"[A-Za-z]{3,}", gap) if w.lower() not in ("and", "or")]
            if not 0 < len(gap.strip(" ,")) <= 40 or ";" in gap or len(words) > 1 or not re.search(r"[\d$\\]", gap):
                break  # "(A) 6 and (B) 3 are incorrect; (C) 2 is correct": no listing
            j += 1
        if marks[k].group(2) == "A" and j - k >= 2:
            for m in marks[k : j + 1]:
                sentence = f"{sentence[: m.start()]}({'#'}){sentence[m.end() :]}"
        k = j + 1
    return sentence


# A response that is one option letter and nothing else, in either case.
_LONE_LETTER = re.compile(r"^\s*(\\boxed\{)?\$?\(?([A-Ja-j])\)?\$?(?(1)\})\.?\s*$")
# Where a sentence concludes: "..., so E", "..., leaving E", "hence D"; after a list of the options, "the correct
# one is (B)", "la respuesta correcta es la (B)".
_LETTER_CONCLUSION = re.compile(r"\b(?:so|thus|hence|therefore|leaving|leaves|which\s+leaves|answer|correct\w*|corret\w*|"
                                r"richtig\w*|right\s+(?:one|option|choice)|respuesta|réponse|resposta|antwort|"
                                r"pick|choose|chose|select|go\s+with|but\s+it(?:'s|\s+is)|it's|sino|sondern|c'est)\b", re.I)
_LONE_CAPITAL = re.compile(r"(?<![A-Za-z])\(?[A-J]\)?(?![A-Za-z])")
# Two letters offered together where a sentence concludes: "the correct one is either (B) or (C)", "(B) and also (D)".
_TWO_LETTERS = re.compile(r"(?<![A-Za-z])\(?([A-J])\)?\s*,?\s*(?:or|and|/)\s+(?:also\s+|maybe\s+|perhaps\s+|possibly\s+)?"
                          r"\(?([A-J])\)?(?![A-Za-z])")
# A letter the sentence calls correct: "(A) is correct", "option B is the right one" (not "is not correct").
# A final sentence that ends by calling a letter correct: "..., but (A) is correct.", "(C) 2 is correct."
_LETTER_IS_CORRECT = re.compile(r"(?<![A-Za-z])\(?([A-J])\)?\s+(?:\S+\s+)?(?:is|was)\s+(?:the\s+)?(?:correct|right|best)"
                                r"(?:\s+(?:one|answer|option|choice))?[\s.!*]*$")
_LETTER_PICKED = re.compile(r"\b(?:pick|choose|prefer|select|go\s+with)\s+\(?([A-J])\)?\s+(?:over|rather\s+than|instead\s+of)\b"
                            r"[^.;]*[.!]?\s*$", re.I)
# Words that make "(B) is correct" no verdict: "neither (A) nor (B) is correct", "if (B) is correct", "not sure
# whether (B) is correct", "I thought (A) was correct", "(B) is correct only when ...".
_NOT_A_VERDICT = re.compile(r"\b(?:nor|neither|either|if|assum\w*|suppos\w*|whether|thought|only|unless|when|would|"
                            r"exactly\s+one|not|n't|never|often|usually|mistake|wrong|error|'d)\b", re.I)
# A letter ruled out by what follows it: "D is not correct", "B fails", "C is too small".
_RULED_OUT_AFTER = re.compile(
    r"^\)?\s*(?:(?:is|are)\s+(?:all\s+)?(?:not|wrong|incorrect|false|too|impossible|invalid)|fails?|can(?:no|')t)\b", re.I
)
# A letter that names a point or a quantity: "from A to B", "point C", "A = 5", "C(1, 2)".
_NAMES_A_POINT = re.compile(r"\b(?:point|points|vertex|vertices|from|to|side|segment|line|triangle|angle|between|at)\s*$", re.I)


# Two or more option letters offered as the whole answer: "(A) or (B)", "A/B", "either C or D",
# "A, B" (several boxes joined), "(A) or possibly (B)".
_LETTERS_OFFERED = re.compile(
    r"^(?:(?:either|both)\s+)?\(?[A-J]\)?(?:\s*,?\s*(?:\bor\b|\band\b|/|&|,)\s*"
    r"(?:(?:possibly|maybe|perhaps)\s+)?\(?[A-J]\)?)+[\s.*)]*$"
)


_TEXT_WRAPPED = re.compile(r"\\(?:text|textbf|mathrm)\s*\{([^{}]*)\}")
_LETTERS_LISTED = re.compile(
    r"^\s*(?:(?:either|both)\s+)?[A-J](?:(?:\s+|\s*(?:\bor\b|\band\b|/|&|,|;)\s*)(?:(?:maybe|possibly|perhaps)\s+)?[A-J])+\s*$",
    re.IGNORECASE,
)


def offers_two_letters(text: str) -> bool:
    """Whether a response's answer (its last answer line, its box, or a short whole response) offers two
    or more option letters ("The answer is A and B.", "**Answer:** (A) or possibly (B)", "\\boxed{A}, \\boxed{B}")."""
    part = final_part(text)
    lines = list(_ANSWER_IS.finditer(part[-_TAIL_CHARS:]))
    regions = [lines[-1].group(1) if lines else None, boxed_answer(part), part if len(part) <= 40 else None]
    if any(r is not None and hedges_letters(r) for r in regions):
        return True
    # where the final sentence concludes: "the correct one is either (B) or (C)", "(B) and also (D)"
    sentence = final_sentence(part)
    cuts = [m.start() for m in _LETTER_CONCLUSION.finditer(sentence)]
    first = _LONE_CAPITAL.search(sentence, cuts[-1]) if cuts else None
    pair = _TWO_LETTERS.match(sentence, first.start()) if first else None  # the first letter named there starts it
    # the pair ends the sentence: not "(B) and (D) is a distractor", "(B) or (C), but (C) fails"
    return bool(pair and pair.group(1) != pair.group(2) and re.fullmatch(r"[\s.!*)]*", sentence[pair.end() :])
                and not _RULED_OUT.search(sentence[max(0, pair.start() - 40) : pair.start()]))


def hedges_letters(region: str) -> bool:
    """Whether an answer line or box is two or more different option letters offered together ("(A) or
    (B)"; not "D, it can't be A or B", not "C and B is wrong")."""
    text = _strip_emphasis(region.strip()).strip().rstrip(".")
    if not _LETTERS_OFFERED.match(text):
        # "C \\text{ or } D", "C \\lor D", "C | D", "(C)(D)", "C (or maybe D)", "Both C and D are correct."
        text = _TEXT_WRAPPED.sub(r" \1 ", text)
        text = re.sub(r"\\lor|\\vee|\|", " or ", text).replace("(", " ").replace(")", " ")
        text = re.sub(r"\s+(?:are\s+(?:both\s+)?|is\s+)correct\s*$", "", text.strip().rstrip("."), flags=re.I)
        text = re.sub(r"^\s*either\s+", "", text, flags=re.I)  # "either (B) or (C) is correct"
        if not _LETTERS_LISTED.match(text):
            return False
    return len(set(re.findall(r"(?<![A-Za-z])[A-J](?![A-Za-z])", text))) > 1


# An answer line or a box that opens with a lower-case option letter: "(b).", "b", "(b) 2".
_LOWER_LEAD = re.compile(r"^\(?([a-j])(?:\)\.?(?:\s.*)?|\.?)$", re.S)


def _lower_case_lead(region: str, letters: str, values: list[str]) -> str | None:
    """The option a marked answer names with a lower-case letter ("Answer: (b)."), unless that letter
    is one of the options' values, or, with choices given, the value written after it is not the
    option's as written there ("(b) 15" for option B "15" is B)."""
    text = _strip_emphasis(region.strip().strip("$").strip()).strip()
    m = _LOWER_LEAD.match(text)
    if m is None or m.group(1).upper() not in letters or m.group(1) in values:
        return None
    rest = text[m.end(1) :].lstrip(").").strip().rstrip(".*").strip().strip("$").strip()
    index = ord(m.group(1)) - ord("a")
    if values and rest and (index >= len(values) or rest.replace(" ", "") != values[index].replace(" ", "")):
        return None  # "(b) 2" with choices: the value written must be option B's, as written there
    if re.search(r"\([a-jA-J]\)", text[m.end(1) + 1 :]):
        return None  # "(b) and (c)", "(d) ... wait, (a)": another option named after it
    return m.group(1).upper()


def _first_letter(region: str, letters: str, *, prose: bool) -> str | None:
    for m in _CHOICE.finditer(region):
        letter = m.group(1)
        before, after = region[max(0, m.start() - 40) : m.start()], region[m.end() :]
        if letter not in letters or _RULED_OUT.search(before) or _RULED_OUT_AFTER.match(after):
            continue
        if prose and (
            (letter in "AI" and re.match(r"\s+[a-z]", after))  # "A polyhedron ...", "I think ..."
            or re.match(r"\s*[=(]", after) or _NAMES_A_POINT.search(before)
        ):
            continue
        return letter
    return None
