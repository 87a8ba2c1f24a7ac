"""The public checker: ``verify`` / ``verify_batch`` returning ``Verdict`` objects."""

from __future__ import annotations

import decimal
import logging
import numbers
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from ._arith import EXACT, Irrational
from ._compare import NeedsSympy, compare_nodes, fast_scalar_equal
from ._evaluate import compile_expr
from ._extract import (
    MAX_ANSWER_CHARS,
    MC_LETTERS_EXTENDED,
    after_last_box,
    boxed_answer,
    extract,
    final_part,
    find_boxed,
    foreign_yes_no,
    gold_letter,
    letter_answer,
    listed_options,
    marks_its_answer,
    offers_two_letters,
    option_letters,
    plain_text,
    read_plain,
)
from ._gold import DNE, Gold, read_gold, unwrap_words
from ._normalize import Normalized, normalize
from ._numbers import fast_number
from ._parse import (
    MC_LETTERS,
    NAME_TUPLE,
    Node,
    assigned_name,
    equation_value,
    gold_value,
    name_first,
    parse_structure,
    pm_values,
    split_top,
    values_of_one_name,
)
from ._pool import TaskTimeout, get_pool, shutdown_pool
from ._prose import (
    EMPTY_SET,
    HEDGE,
    NO_SOLUTION_GOLD,
    claims_none,
    last_sentence,
    listed_count,
    parallel_claims,
    phrase_matches,
    player_key,
    says_empty,
    says_none_counted,
    stance,
    stated_count,
    stated_winner,
    states_every,
    states_word,
)
from ._realsets import has_set_operation, real_set
from ._units import unit_ratio

__all__ = ["Verdict", "verify", "verify_batch", "warmup", "shutdown"]

log = logging.getLogger(__name__)
STATUSES = ("correct", "incorrect", "unparseable_pred", "unparseable_gold", "timeout")
_TASK_FN = "eval.checker._verify:_worker_task"


@dataclass(frozen=True)
class Verdict:
    """The checker's judgement: ``status`` is one of STATUSES; ``bool(v)`` is True iff correct."""

    status: str
    reason: str = ""

    def __post_init__(self):
        if self.status not in STATUSES:
            raise ValueError(
                f"The 'status' parameter of Verdict must be one of {STATUSES}. Got {self.status!r} instead."
            )

    def __bool__(self) -> bool:
        return self.status == "correct"


def _default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 2)))


@lru_cache(maxsize=8192)
def _prepare(answer: str) -> tuple[Normalized, Node]:
    norm = normalize(answer)
    return norm, parse_structure(norm.text)


def _choice_node(choices, letter: str) -> tuple[Normalized, Node] | None:
    idx = MC_LETTERS.find(letter)
    if choices is None or idx < 0 or idx >= len(choices):
        return None
    return _prepare(str(choices[idx]))


def _percent_variant(norm: Normalized) -> tuple[Normalized, Node]:
    text = f"\\frac{{{norm.text}}}{{100}}"
    return Normalized(text, False), parse_structure(text)


def _degree_variant(norm: Normalized) -> Node:
    """An angle in degrees as radians, to compare with an answer written with \\pi."""
    return parse_structure(f"\\frac{{{norm.text}}}{{180}}\\pi")


def _unit_scale(gn: Normalized, pn: Normalized) -> Fraction | None:
    """How many of the gold's units one of the prediction's units is: 1 for the same unit or a side
    without one, 1/100 for a prediction in cm against a gold in m; None for units of different
    quantities (or for a value that is no constant, e.g. "x cm" against "y m")."""
    if not (gn.unit and pn.unit) or gn.unit == pn.unit:
        return Fraction(1)
    ratio = unit_ratio(pn.unit, gn.unit)
    return ratio if ratio is not None and _exact_value(gn.text) is not None and _exact_value(pn.text) is not None else None


def _candidates(gold, pred, choices):
    """(gold, pred) pairs that count as a match: letters vs choice values, percent vs fraction."""
    (gn, gnode), (pn, pnode) = gold, pred
    scale = _unit_scale(gn, pn)
    if scale != 1:  # two units of one quantity ("1.25 m", "125 cm"): only the converted value can match
        return [] if scale is None else [(gnode, parse_structure(
            f"\\frac{{{scale.numerator}}}{{{scale.denominator}}}\\cdot {pn.text}"))]
    named = _named_values(gn.text), _named_values(pn.text)
    if named[0] and named[1] and named[0].keys() == named[1].keys():
        # "x=2, y=1" against "y = 1, x = 2" or "(x, y) = (2, 1)": each name's value against the same name's
        # (never "x = 1, y = 2": the names are not renamed to fit, as one unknown's would be).
        order = sorted(named[0])
        return [tuple(parse_structure("(" + ", ".join(side[k] for k in order) + ")") for side in named)]
    if named[0] is None and named[1] and gnode.kind == "seq" and gnode.brackets == "()" and not gnode.value:
        ordered = _in_name_order(named[1])
        if ordered is not None and len(ordered) == len(gnode.items):
            # a bare tuple against named values: the tuple lists them in the names' order, (x, y) or (a, b, c)
            # ("y = 3, x = 7" is the point (7, 3), not (3, 7))
            return [(gnode, parse_structure("(" + ", ".join(ordered) + ")"))]
    pairs = [(gnode, pnode)]
    if gnode.kind == "letter" and pnode.kind != "letter":
        alt = _choice_node(choices, gnode.value)
        pairs += [(alt[1], pnode)] if alt else []
    elif pnode.kind == "letter" and gnode.kind != "letter":
        alt = _choice_node(choices, pnode.value)
        pairs += [(gnode, alt[1])] if alt else []
    if "=" in pn.text and len(split_top(gn.text, "=")) == 1:
        value = equation_value(pn.text)  # "m+n=17" answers the gold "17"
        if value is not None:
            pairs.append((gnode, parse_structure(value)))
    residue = _congruence_residue(pn.text)
    if residue is not None and "\\equiv" not in gn.text and "≡" not in gn.text:
        # "3^{105}+4^{105} \equiv 2 \pmod{11}" answers "2"; the congruence itself is no value to compare
        # (comparing it took sympy hundreds of milliseconds to say no)
        pairs = [pair for pair in pairs if pair[1] is not pnode] + ([(gnode, parse_structure(residue))] if residue else [])
    sides = split_top(pn.text, "=")
    if len(sides) == 2 and len(split_top(gn.text, "=")) == 1 and sides[0].replace(" ", "") == gn.text.replace(" ", ""):
        # "C(n, 4) = \frac{n!}{4!(n-4)!}": the gold restated, then a form of it that must equal it.
        pairs.append((gnode, parse_structure(sides[1])))
    if "=" in gn.text and (len(split_top(pn.text, "=")) == 1 or pnode.kind in ("list", "seq")):
        value = gold_value(gn.text)  # the gold "(p,q)=(3,2)" or "V_1:V_2=11:21" is answered by its value
        if value is not None:
            pairs.append((parse_structure(value), pnode))
    for spread_g, spread_p in ((gn.text, _spread_tuple(pn.text)), (_spread_tuple(gn.text), pn.text)):
        if spread_g and spread_p and "=" in spread_g and "=" in spread_p:  # "(x, y) = (2, 1)" is "x = 2, y = 1"
            pairs.append((parse_structure(normalize(spread_g).text), parse_structure(normalize(spread_p).text)))
    rhs = _same_function(gn.text, pn.text)
    if rhs:  # "f(x) = 2x + 3" and "y = 2x + 3": one function, named two ways
        pairs.append((parse_structure(rhs[0]), parse_structure(rhs[1])))
    if "=" in gn.text and "=" in pn.text and "list" not in (gnode.kind, pnode.kind) and _as_equations(gn.text, pn.text):
        # The gold is an equation ("2x+4y-3=0"): "y = -x/2 + 3/4" answers it as an equation, not as a value.
        pairs.append((Node("scalar", gn.text), Node("scalar", pn.text)))
    if "matrix" in (gnode.kind, pnode.kind) and "scalar" in (gnode.kind, pnode.kind):
        # Matrix arithmetic written out ("$A + B$" of two pmatrix blocks): compared as matrices by sympy.
        pairs.append((Node("scalar", gn.text), Node("scalar", pn.text)))
    comma = _decimal_comma(gn.text, pn.text)
    if comma is not None:
        pairs.append(comma)
    if gn.degrees != pn.degrees and gnode.kind == pnode.kind == "scalar":
        if gn.degrees and "\\pi" in pn.text:
            pairs.append((_degree_variant(gn), pnode))
        elif pn.degrees and "\\pi" in gn.text:
            pairs.append((gnode, _degree_variant(pn)))
    if gn.percent != pn.percent and gnode.kind == pnode.kind == "scalar":
        if gn.percent:
            pairs.append((_percent_variant(gn)[1], pnode))
        else:
            pairs.append((gnode, _percent_variant(pn)[1]))
            value = equation_value(pn.text) if "=" in pn.text and "=" not in gn.text else None
            if value is not None:  # "P = 37.5\\%" answers 3/8: the value after the name, as a percentage
                pairs.append((gnode, _percent_variant(Normalized(value, True))[1]))
    return pairs


# "y" and "f(x)": the two ways of naming a function of x that "y = ..." and "f(x) = ..." use.
_Y_OR_FUNCTION_OF_X = re.compile(r"^\s*(?:(y)|([A-Za-wz])\s*\(\s*x\s*\))\s*$")


def _function_rhs(text: str) -> tuple[str, str] | None:
    """(name, right side) of ``y = expr`` or ``f(x) = expr`` when the right side is a formula in x
    that does not name the function; else None."""
    sides = split_top(text, "=")
    if len(sides) != 2 or len(split_top(text, ",")) > 1:
        return None
    m = _Y_OR_FUNCTION_OF_X.match(sides[0])
    rhs = sides[1].strip()
    if m is None or not rhs:
        return None
    name = m.group(1) or m.group(2)
    letters = set(re.findall(r"[A-Za-z]", re.sub(r"\\[A-Za-z]+", " ", rhs)))
    return (name, rhs) if "x" in letters and name not in letters else None


def _same_function(gold: str, pred: str) -> tuple[str, str] | None:
    """The two right sides when one side is ``y = ...`` and the other ``f(x) = ...`` (one function of
    x, named two ways); never for two different function names (``f`` and ``g``, ``F`` and ``f``)."""
    g, p = _function_rhs(gold), _function_rhs(pred)
    if g is None or p is None or (g[0] == "y") == (p[0] == "y"):
        return None
    return g[1], p[1]


_NUMBER_OF = re.compile(r"\b(?:number|count)\s+of\b", re.IGNORECASE)
# "E \equiv r \pmod{m}", "E \equiv r (mod m)", "E ≡ r mod m": the residue r is the value stated.
_CONGRUENCE = re.compile(
    r"^(?P<lhs>[^=<>]+?)(?:\\equiv|≡)\s*(?P<r>[^=<>]+?)\s*(?:\\pmod\s*\{\s*(?:(?P<m1>\d+)\s*|[^{}]*)\}|\\pmod\s*(?P<m2>\d+)"
    r"|\\b?mod\s*\{?\s*(?P<m3>\d+)?[^{}]*\}?|\(\s*\\?b?mod\s*(?P<m4>\d+)?[^()]*\)|(?<![A-Za-z\\])mod\s*(?P<m5>\d+))\s*\.?$"
)


def _congruence_residue(text: str) -> str | None:
    """The value a congruence states: ``r`` of ``E \\equiv r \\pmod{m}`` when 0 <= r < m (or m or r is not a
    number), a negative ``r`` above ``-m`` as its remainder (``\\equiv -1 \\pmod{7}`` states 6); "" when an
    integer ``r`` is not below the modulus (``\\equiv 16 \\pmod{10}``, ``1024 \\equiv 1024 \\pmod{7}``: the
    remainder is left unsaid, and a restated number must not answer it); None for no congruence, a negated
    one (``\\not\\equiv``) or a modulus below 2."""
    m = _CONGRUENCE.match(text)
    if m is None or m.group("lhs").rstrip().endswith("\\not") or "\\nequiv" in text or "≢" in text:
        return None
    r = m.group("r").strip()
    group = next((g for g in ("m1", "m2", "m3", "m4", "m5") if m.group(g)), None)
    modulus = m.group(group) if group else None
    if modulus is not None and not re.match(r"\s*[)}]*\s*\.?\s*$", text[m.end(group) :]):
        modulus = None  # "(\mathrm{mod}\ 10^9+7)": the modulus is more than its leading digits
    if modulus is None or not re.fullmatch(r"-?\d{1,18}", r) or len(modulus) > 18:
        return r
    if int(modulus) < 2:
        return None
    if int(r) >= int(modulus) or int(r) <= -int(modulus):
        return ""  # "1024 \\equiv 1024 \\pmod{7}", "N \\equiv 28 \\pmod{11}": no remainder is stated
    return str(int(r) % int(modulus))


def _by_name(text: str) -> dict[str, str] | None:
    """``{name: value}`` for a list of two or more assignments to distinct names ("x = 2, y = 1"), else None."""
    parts = split_top(text, ",")
    if len(parts) < 2:
        return None
    out = {}
    for part in parts:
        name = assigned_name(part)
        if name is None:
            return None
        out[name.replace(" ", "")] = split_top(part, "=")[1].strip()
    return out if len(out) == len(parts) else None


_ONE_LETTER_NAME = re.compile(r"^([A-Za-z])(?:_\{?(\d+)\}?)?$")


def _in_name_order(named: dict[str, str]) -> list[str] | None:
    """The values of ``named`` in the order of their names when every name is one letter, maybe with a
    number below ("x", "y", "a_1"): x before y, a_1 before a_2; None for other names."""
    keys = {}
    for name in named:
        m = _ONE_LETTER_NAME.match(name.replace(" ", ""))
        if m is None:
            return None
        keys[name] = (m.group(1), int(m.group(2) or 0))
    return [named[k] for k in sorted(named, key=keys.__getitem__)]


def _named_values(text: str) -> dict[str, str] | None:
    """``{name: value}`` of "x = 2, y = 1" or "(x, y) = (2, 1)"; None for anything else."""
    return _by_name(_spread_tuple(text) or text)


_ALTERNATIVES = ("incorrect", "the response gives a name two values (alternatives); the gold gives one")


def _alternative_assignments(gold: str, pred: str) -> bool:
    """``x = 2, y = 1 \\text{ or } x = 1, y = 2`` against ``x=2, y=1``: the gold gives each name one value,
    the prediction gives some name two different values (a gold value written ``\\pm 2`` is two)."""
    named = _named_values(_prepare(gold)[0].text)
    if named is None or any(pm_values(v) is not None for v in named.values()):
        return False
    seen: dict[str, str] = {}
    for part in split_top(_OR_WORD.sub(",", _prepare(pred)[0].text), ","):
        name = assigned_name(part)
        if name is None:
            continue
        value = split_top(part, "=")[1].replace(" ", "")
        if seen.setdefault(name.replace(" ", ""), value) != value:
            return True
    return False


_OR_WORD = re.compile(r"\\text\{\s*(?:or|and)\s*\}|\bor\b")


def _solutions(text: str) -> list[dict[str, str]] | None:
    """Named solutions in a normalized answer: "x=1,y=1,x=3,y=2" (a repeated name starts the next one),
    "(x=1,y=2),(x=2,y=1)", "(x,y)=(1, 2),(x,y)=(2, 1)"; None unless every part names values and every
    solution names the same unknowns."""
    listed = _NAMED_TUPLES.match(text)  # "(x,y)=(1, 2),(2, 1)", "(x,y)\\in\\{(1,2),(2,1)\\}"
    if listed and NAME_TUPLE.match(listed.group("names").replace(" ", "")):
        names = [n.strip() for n in split_top(listed.group("names")[1:-1], ",")]
        tuples = [t.strip() for t in split_top(listed.group("rest"), ",")]
        if all(t.startswith("(") and t.endswith(")") for t in tuples):
            values = [split_top(t[1:-1], ",") for t in tuples]
            if all(len(v) == len(names) for v in values):
                return _split_pm([{n: x.strip() for n, x in zip(names, v, strict=True)} for v in values])
    out: list[dict[str, str]] = []
    current: dict[str, str] = {}
    for part in (p.strip() for chunk in split_top(text, ";") for p in split_top(chunk, ",")):
        inner = part[1:-1] if part.startswith("(") and part.endswith(")") and "=" in part[1:-1] else None
        whole = _by_name(_spread_tuple(part) or inner or "") if (inner or NAME_TUPLE.match(part.split("=")[0])) else None
        if whole is not None:
            if current:
                out.append(current)
            out.append(whole)
            current = {}
            continue
        name = assigned_name(part)
        if name is None:
            return None
        key = name.replace(" ", "")
        if key in current:
            out.append(current)
            current = {}
        current[key] = split_top(part, "=")[1].strip()
    if current:
        out.append(current)
    return _split_pm(out) if out and all(sol.keys() == out[0].keys() for sol in out) else None


def _split_pm(solutions: list[dict[str, str]]) -> list[dict[str, str]]:
    """A solution with one value written ``a \\pm b`` is two solutions (``x = 1 \\pm \\sqrt{2}``); one with
    several such values is kept as written (``_pm_pairing_differs`` checks how their signs go together)."""
    out = []
    for sol in solutions:
        split = [(k, pm_values(v)) for k, v in sol.items() if pm_values(v) is not None]
        if len(split) != 1:
            out.append(sol)
            continue
        key, values = split[0]
        out.extend({**sol, key: v} for v in values)
    return out


_NAMED_TUPLES = re.compile(r"^(?P<names>\([^()=]*\))\s*(?:=|\\in)\s*(?:\\\{)?(?P<rest>\(.*\))(?:\\\})?$")


def _solution_sets_equal(gold: str, pred: str) -> bool | None:
    """Whether two lists of named solutions (at least one side with two or more) are the same set: every
    solution matched once, none missing, none extra. None when the path does not apply or a value needs sympy."""
    if "=" not in gold or "=" not in pred and "\\in" not in pred:
        return None  # no names on a side: nothing to compare name by name
    gs, ps = _solutions(gold), _solutions(pred)
    if not gs or not ps or max(len(gs), len(ps)) < 2 or gs[0].keys() != ps[0].keys():
        return None
    if len(gs) != len(ps):
        return False
    left = list(ps)
    try:
        for g in gs:
            hit = next((p for p in left if all(fast_scalar_equal(g[k], p[k]) for k in g)), None)
            if hit is None:
                return False
            left.remove(hit)
    except NeedsSympy:
        return None
    return True


def _spread_tuple(text: str) -> str | None:
    """"(x, y) = (2, 1)" as "x = 2, y = 1" (as many names as values), else None."""
    sides = split_top(text, "=")
    if len(sides) != 2 or not NAME_TUPLE.match(sides[0].replace(" ", "")):
        return None
    rhs = sides[1].strip()
    names = split_top(sides[0].strip()[1:-1], ",")
    if not (rhs.startswith("(") and rhs.endswith(")")) or parse_structure(rhs).kind != "seq":
        return None
    values = split_top(rhs[1:-1], ",")
    if len(values) != len(names):
        return None
    return ", ".join(f"{n.strip()} = {v.strip()}" for n, v in zip(names, values, strict=True))


def _as_equations(gold: str, pred: str) -> bool:
    """Whether two texts with "=" are also compared as equations (rearrangements, multiples): when the
    gold is not "name = constant" (a line "y = 2x + 1", an equation "2x+4y-3=0"), or the prediction
    relates two or more unknowns ("y = 3 - x" for "x + y = 3"). "2x = 6" never answers "x = 3"."""
    names = assigned_name(gold), assigned_name(pred)
    if names[0] is not None and names[0] == names[1]:
        return False  # "F_n = ..." on both sides: their right sides are compared already
    value = gold_value(gold)
    if value is None or re.search(r"[A-Za-z]", value):
        return True
    return len(set(re.findall(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])", pred))) >= 2


_COMMA_DECIMAL = re.compile(r"^-?\d+,\d+$")
_DOT_DECIMAL = re.compile(r"^-?\d+\.\d+$")


def _decimal_comma(gold: str, pred: str) -> tuple[Node, Node] | None:
    """"1,22" against "1.22": a decimal comma, read as one only when the other side is a decimal with a
    point and the comma cannot be a thousands separator ("0,111", "1000,99"; not "1,000")."""
    for a, b in ((gold, pred), (pred, gold)):
        if _COMMA_DECIMAL.match(a) and _DOT_DECIMAL.match(b):
            whole, frac = a.lstrip("-").split(",")
            # A gold's comma is the author's notation; a prediction's "3,25" is more often two solutions,
            # so there only a whole part of four digits or more (no thousands group) makes it a decimal.
            if (a is gold and (len(frac) != 3 or whole == "0" or len(whole) > 3)) or (a is pred and len(whole) > 3):
                dotted = Node("scalar", a.replace(",", "."))
                return (dotted, Node("scalar", b)) if a is gold else (Node("scalar", b), dotted)
    return None


_WORDS = re.compile(r"(?<![\\A-Za-z])[A-Za-z]{3,}")


def _letter_check(pred, choices) -> tuple[Node, Node] | None:
    """(value of the chosen option, value written with its letter) when a prediction gives both.

    "(C) 5" names option C and the value 5; when option C is 4 the answer contradicts itself. None
    when there is nothing to check: no value written, no choices, or words on either side ("(C) none
    of these"), where a loose wording must not turn a right letter wrong.
    """
    pn, pnode = pred
    if pnode.kind != "letter" or not pnode.items or _WORDS.search(pn.text):
        return None
    choice = _choice_node(choices, pnode.value)
    if choice is None or _WORDS.search(choice[0].text):
        return None
    option = choice[1]
    if option.kind == "letter":  # labelled choices: "(C) 4"
        if not option.items:
            return None
        option = option.items[0]
    return option, pnode.items[0]


_DISAGREE = ("incorrect", "the choice letter and the value written with it disagree")


def _decide(pairs, scalar_eq) -> tuple[str, str]:
    """Correct when any pair matches; a pair that cannot be compared (sympy raising on a tuple, say)
    does not stop the others. Incorrect when some pair was compared; else the first failure is raised."""
    first: BaseException | None = None
    compared = False
    for g, p in pairs:
        try:
            if compare_nodes(g, p, scalar_eq):
                return "correct", "equivalent"
            compared = True
        except Exception as exc:  # noqa: BLE001 - Unparseable, or sympy's TypeError on odd structures
            first = first or exc
    if first is not None and not compared:
        raise first
    return "incorrect", "not equivalent"


def _letter_disagrees(pred: str, choices, scalar_eq) -> bool:
    """Whether a choice letter written with a value (``(C) 5``) names an option whose value differs;
    ``scalar_eq``'s exceptions (undecided here, unreadable value) propagate to the caller."""
    check = _letter_check(_prepare(pred), choices)
    return check is not None and not compare_nodes(check[0], check[1], scalar_eq)


def _worker_one(gold: str, pred: str, choices) -> tuple[str, str]:
    from ._symbolic import Unparseable, sympy_scalar_equal

    structural = _structural_verdict(gold, pred)
    if structural is not None:
        return structural
    try:
        if _letter_disagrees(pred, choices, sympy_scalar_equal):
            return _DISAGREE
    except Unparseable:
        pass  # the written value cannot be read: the letter alone decides
    pairs = _candidates(_prepare(gold), _prepare(pred), choices)
    try:
        return _decide(pairs, sympy_scalar_equal)
    except Unparseable as exc:
        return ("unparseable_gold" if exc.side == "gold" else "unparseable_pred"), exc.why
    except (TypeError, ValueError, AttributeError) as exc:  # sympy on forms it cannot subtract (tuples)
        return "unparseable_pred", f"these forms cannot be compared ({type(exc).__name__})"


def _worker_task(task):
    """Runs inside a worker: the same decision as in-process, with sympy for scalars.

    ``task`` is (golds, pred, choices): the prediction is right when it answers any of the golds
    (a gold's alternatives); otherwise the first gold's verdict explains why not.
    """
    from ._symbolic import sympy_scalar_equal

    if task is None:
        sympy_scalar_equal("1", "1")
        return None
    if task == _WARM:  # warmup(): the parser's and sympy's common paths, so first real tasks run warm
        import sympy.physics.units  # noqa: F401  (sympy's simplify imports it on first use: about 0.4 s)

        from ._symbolic import warm_parser

        for a, b in _WARM_PAIRS:
            sympy_scalar_equal(a, b)
        warm_parser(_WARM_FORMS)
        return None
    golds, pred, choices = task
    results = [_worker_one(g, pred, choices) for g in golds]
    return next((r for r in results if r[0] == "correct"), results[0])


_DIFFERENT_NAMES = ("incorrect", "the prediction gives the value of a different quantity")


def _names_differ(gold: str, pred: str) -> bool:
    """``AB = 4`` against ``BC = 4``, ``\\text{Area} = 12`` against ``\\text{Perimeter} = 12``: both sides
    name the quantity they give, and the names (one longer than a letter) differ."""
    gold_text, pred_text = _prepare(gold)[0].text, _prepare(pred)[0].text
    g, p = assigned_name(gold_text), assigned_name(pred_text)
    if g is None or p is None or max(len(g), len(p)) < 2:
        return False  # one-letter names (x = 2 vs y = 2) are the problem's unknown, however it is called
    if _same_function(gold_text, pred_text):
        return False  # "f(x) = ..." and "y = ...": a function named two ways (compared by _same_function)
    return _canonical_name(g) != _canonical_name(p)


def _canonical_name(name: str) -> str:
    """``a_{n}`` and ``a_n`` are one name; so are ``AB`` and ``A B``."""
    return _BRACED_SUBSCRIPT.sub(r"_\1", name.replace(" ", ""))


_BRACED_SUBSCRIPT = re.compile(r"_\{(\w)\}")


# A product of bracketed factors, as a factorization is written: "(x^2+x+1)(x^2-x+1)", "x(x-1)(x+1)".
_FACTOR = r"\((?:[^()]|\([^()]*\))*\)(?:\^\{?(\d+)\}?)?"  # group 1: the factor's power
_PRODUCT = re.compile(rf"^(?:-?\d*[A-Za-z]?)?(?:{_FACTOR}){{2,}}$")
_POWERED = re.compile(rf"^(?:-?\d*[A-Za-z]?)?(?:{_FACTOR})+$")
_NOT_FACTORED = ("incorrect", "the gold is a factorization; the prediction is not factored into as many factors")


def _factored_differently(gold: str, pred: str) -> bool:
    """A gold written as a product of two or more bracketed factors asks for a factorization: the
    prediction must be a product of as many factors ("(x^2+1/2)^2 + 3/4" equals x^4+x^2+1 but does not
    factor it; "(x^4+x^2+1)(x^4-x^2+1)" stops early)."""
    g = _prepare(gold)[0].text.replace(" ", "")
    if not _PRODUCT.match(g):
        return False
    # "[(x^2 + 1) - x][(x^2 + 1) + x]": square brackets group factors as round ones do.
    p = _prepare(pred)[0].text.replace(" ", "").replace("[", "(").replace("]", ")")
    return not _PRODUCT.match(p) and not _POWERED.match(p) or _factor_count(p) != _factor_count(g)


# A product of two or more whole numbers, as a factorization is written: "2 \\times 2 \\times 3", "2^{3} \\cdot 5".
_INT_FACTOR = r"\d{1,12}(?:\^\{?\d{1,2}\}?)?"
_INT_PRODUCT = re.compile(rf"^{_INT_FACTOR}(?:(?:\\times|\\cdot|\*){_INT_FACTOR})*$")
_JUXTAPOSED = re.compile(r"(?:(?<=\^\d)|(?<=\^\d\d))\s+(?=\d)|(?<=\})\s*(?=\d)")


def _int_factors(text: str) -> list[int] | None:
    """The factors of a product or power of whole numbers, powers written out and 1s left out ("2^{2}\\cdot3"
    -> [2, 2, 3], "4^2" -> [4, 4]), sorted; None for anything else (a plain number among them)."""
    text = _JUXTAPOSED.sub("*", text).replace(" ", "")  # "2^6 3^5", "2^{6}3^{5}": products written by juxtaposition
    if not _INT_PRODUCT.match(text) or not re.search(r"[\^*]|\\times|\\cdot", text):
        return None  # a plain number ("16") is a value, not a product
    out: list[int] = []
    for factor in re.split(r"\\times|\\cdot|\*", text):
        base, _, exp = factor.partition("^")
        out += [int(base)] * int(exp.strip("{}") or 1)
    return sorted(f for f in out if f != 1)


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))


def _factors_differ(gold: str, pred: str) -> bool:
    """A gold that is a product of primes ("2 \\times 2 \\times 3", "2^3 \\cdot 5") against a prediction
    that is a product of other whole numbers ("2 \\times 6"): another factorization, wrong. A prediction
    written as the value ("12") or an equation ("12 = 2^2 \\cdot 3") is compared by value as usual."""
    g = _int_factors(_prepare(gold)[0].text)
    if g is None or len(g) < 2 or max(g) > 10**6 or not all(_is_prime(f) for f in g):
        return False
    p = _int_factors(_prepare(pred)[0].text)
    return p is not None and p != g


def _factor_count(text: str) -> int:
    """Factors of a product, with multiplicity: (r+5)^2 is two, x(x-1) is two."""
    powers = [int(m.group(1) or 1) for m in re.finditer(_FACTOR, text)]
    return sum(powers) + bool(re.match(r"^-?\d*[A-Za-z](?=\()", text))


_PM_SIGN = re.compile(r"\\(pm|mp)(?![A-Za-z])")


def _pm_pairing(text: str) -> tuple[bool, ...] | None:
    """How the plus-minus signs of an answer with two or more go together: for each sign after the first,
    whether it is the same as the first (``x = \\pm 1, y = \\mp 1``: the signs are opposite); None for
    fewer than two signs."""
    signs = _PM_SIGN.findall(text)
    return tuple(s == signs[0] for s in signs[1:]) if len(signs) >= 2 else None


def _pm_pairing_differs(gold: str, pred: str) -> bool:
    """Both answers pair two or more plus-minus signs, and differently (``x = \\pm 1, y = \\mp 1`` against
    ``x = \\pm 1, y = \\pm 1``): sympy reads each sign as a set of both values and would lose the pairing."""
    g, p = _pm_pairing(_prepare(gold)[0].text), _pm_pairing(_prepare(pred)[0].text)
    return g is not None and p is not None and g != p


def _structural_verdict(gold: str, pred: str) -> tuple[str, str] | None:
    """What the answers' structure decides before any value is compared (the same in-process and in the
    sympy worker): names that differ, a factorization not matched factor for factor, alternatives for a
    named value, named solution sets."""
    if _names_differ(gold, pred):
        return _DIFFERENT_NAMES
    if _factored_differently(gold, pred):
        return _NOT_FACTORED
    if _factors_differ(gold, pred):
        return ("incorrect", "the gold is a product of primes (a factorization); the prediction writes "
                             "other factors")
    if _alternative_assignments(gold, pred):
        return _ALTERNATIVES
    if _pm_pairing_differs(gold, pred):
        return "incorrect", "the plus-minus signs go together differently"
    g_text, p_text = _prepare(gold)[0].text, _prepare(pred)[0].text
    for a, b in ((g_text, _prepare(pred)[1]), (p_text, _prepare(gold)[1])):
        if b.kind == "seq" and b.brackets == "()" and values_of_one_name(split_top(a, ",")):
            # "x = 1, x = 3" (or "x = 1 or x = 3") is a set of solutions, not the pair or interval (1, 3)
            return "incorrect", "two values of one name are no pair or interval"
    if has_set_operation(g_text) or has_set_operation(p_text):
        # "(1,5] \\cup [2,7)" against "(1,7)", "R - [-1,1]" against "(-\\infty,-1) \\cup (1,\\infty)": the numbers
        # covered decide (one side may be a single interval or set of points)
        g_set, p_set = real_set(g_text, _exact_value), real_set(p_text, _exact_value)
        if g_set is not None and p_set is not None:
            return ("correct", "the same set of numbers") if g_set == p_set else ("incorrect", "another set of numbers")
    sets = _solution_sets_equal(g_text, p_text)
    if sets is not None:
        return ("correct", "the same solutions") if sets else ("incorrect", "other solutions (one missing, extra or different)")
    return None


@lru_cache(maxsize=8192)
def _fast(gold: str, pred: str, choices: tuple | None) -> tuple[str, str] | None:
    """In-process decision; None when sympy is needed (no pair matched here and some pair was undecided),
    except for a prediction no parser reads (an ellipsis, unbalanced brackets): unparseable here.
    Cached: the rollouts of one prompt share its gold and often their answer (and an incorrect verdict
    asks again to explain itself)."""
    structural = _structural_verdict(gold, pred)
    if structural is not None:
        return structural
    (gn, _), (pn, _) = _prepare(gold), _prepare(pred)
    g_unit, p_unit = gn.unit, pn.unit
    if _unit_scale(gn, pn) is None:
        return "incorrect", f"different units ({p_unit} vs {g_unit})"
    for a, b in ((gn, pn), (pn, gn)):
        if a.degrees and b.unit == "rad" and "\\pi" not in b.text:
            return "incorrect", "degrees against radians (90 radians is not 90 degrees)"
    try:
        if _letter_disagrees(pred, choices, fast_scalar_equal):
            return _DISAGREE
    except NeedsSympy:
        return None
    undecided = False
    for pair in _candidates(_prepare(gold), _prepare(pred), choices):
        try:
            if compare_nodes(pair[0], pair[1], fast_scalar_equal):
                return "correct", "equivalent"
        except NeedsSympy:
            undecided = True
    if undecided:
        return _unreadable(gold, pred)  # what sympy could not read either, said without starting it
    return "incorrect", "not equivalent"


_ELLIPSIS = re.compile(r"\.\.\.|…|\\[lc]?dots\b")


def _unreadable(gold: str, pred: str) -> tuple[str, str] | None:
    """An unparseable verdict for a prediction no parser reads as one value: one with an ellipsis
    ("1 + 2 + ... + n") against a gold without one, or one whose brackets do not balance."""
    if _ELLIPSIS.search(pred) and not _ELLIPSIS.search(gold):
        return "unparseable_pred", "the prediction has an ellipsis ('...'), which names no one value"
    opened, closed = pred.count("(") + pred.count("["), pred.count(")") + pred.count("]")
    if opened != closed or pred.count("{") != pred.count("}"):
        return "unparseable_pred", "the prediction's brackets do not balance"
    return None


_WORDS_ONLY = re.compile(r"[A-Za-z]+(?:[ '-][A-Za-z]+)*")


def _same_text(pred: str, gold: str) -> bool:
    """The prediction is the gold's own text (spacing and an outer ``$...$`` aside): "odd $n$" answers "odd $n$"."""
    if len(pred) > MAX_ANSWER_CHARS:
        return False
    if " ".join(pred.strip().strip("$").split()) == " ".join(gold.strip().strip("$").split()):
        return True
    # words alone, as the gold words them: "no solution" answers "No solution" (case and a full stop aside)
    words = _WORDS_ONLY
    p_words, g_words = pred.strip().strip("$*").rstrip(".!").strip(), unwrap_words(gold).strip().strip("$").rstrip(".").strip()
    return bool(words.fullmatch(p_words) and words.fullmatch(g_words) and " " in g_words
                and " ".join(p_words.lower().split()) == " ".join(g_words.lower().split()))


_GOLD_HASHES = re.compile(r"####\s*:?\s*([^\n#]+?)\s*$")


_NUMBER_TYPES = (numbers.Real, decimal.Decimal)  # numpy's int64 and float32 are Real; Decimal is not


def _nan(value) -> bool:
    return isinstance(value, _NUMBER_TYPES) and not isinstance(value, numbers.Integral) and value != value


def _bare_gold(gold) -> str | None:
    if isinstance(gold, bool) or not isinstance(gold, (str, *_NUMBER_TYPES)) or _nan(gold):
        return None  # True/False is a mistake for "Yes"/"No" or 1/0, not an answer; NaN is no value
    try:
        gold = str(gold).strip()
    except ValueError:  # an int too long to print
        return None
    marked = _GOLD_HASHES.search(gold[-_SOLUTION_CHARS:]) if "####" in gold else None
    if marked:
        # A GSM8K solution ("Natalia sold 48/2 = 24 clips ... #### 72"): the answer after its marker.
        gold = marked.group(1).strip().rstrip(".").strip()
    elif ("\\boxed" in gold or "\\fbox" in gold) and len(gold) <= 100_000:
        # A whole worked solution given as gold: its last boxed answer is the gold answer.
        gold = boxed_answer(gold) or gold
    elif len(gold) > _SOLUTION_CHARS and len(gold) <= 100_000:
        # A worked solution without a box: its final answer, read as a response's would be.
        gold = extract(gold, last_number=False) or gold
    return gold if gold and len(gold) <= MAX_ANSWER_CHARS else None


def _gold_problem(gold) -> str:
    """Why a gold could not be read, in one line."""
    if isinstance(gold, bool) or type(gold).__name__ == "bool":  # numpy's bool is no int
        return "the gold is a bool, not an answer: write 'Yes'/'No' or 1/0"
    if not isinstance(gold, (str, *_NUMBER_TYPES)):
        return f"the gold is a {type(gold).__name__}, not text or a number (one gold answer per item)"
    if _nan(gold):
        return "the gold is NaN, not a value (a missing answer in the data?)"
    if isinstance(gold, str) and not gold.strip():
        return "the gold is empty"
    return f"the gold's answer is longer than {MAX_ANSWER_CHARS} characters"


def _bare_pred(prediction, choices) -> str | None:
    if isinstance(prediction, _NUMBER_TYPES) and not isinstance(prediction, bool):  # numpy's int64 and float32 too
        try:
            prediction = str(prediction)
        except ValueError:  # an int too long to print (Python's digit limit): no answer of ours
            return None
    if not isinstance(prediction, str):
        return None
    pred = read_plain(prediction, choices=choices)  # _screen_unsafe has cleaned it (plain_text)
    return pred if pred and len(pred) <= MAX_ANSWER_CHARS else None


def _screen(gold, prediction, choices) -> tuple[Verdict | None, tuple]:
    """Fast in-process judgement, or (None, task) when the pair needs a sympy worker. Never raises."""
    try:
        return _screen_unsafe(gold, prediction, choices)
    except Exception as exc:  # noqa: BLE001
        # Model text must never crash a reward function: report the pair, do not raise.
        log.warning("checker fast path failed on %s: %s", _preview(prediction), exc)
        return Verdict("unparseable_pred", f"checker could not read the answer ({type(exc).__name__})"), ()


# An answer that is an option letter alone: "B", "(B)", "**B**", "\\textbf{(B)}", "\\text{(B) }".
_BARE_LETTER = re.compile(r"[\s*$]*(?:\\(?:textbf|text|mathrm)\{\s*)?\(?\s*[A-J]\s*\)?\s*\}?[\s*$.]*")


# A letter standing for an option after the options are listed: "B", "(B)", "\\boxed{B}" (not "I'd", "A hexagon").
_LETTER_MENTION = re.compile(r"(?<![A-Za-z\\])\(?([A-J])\)?(?![A-Za-z'’])")
_INLINE_OPTION = re.compile(r"\(\s*[A-J]\s*\)|\\textbf\{\s*\(\s*[A-J]")
_OPTION_AT_START = re.compile(r"[ \t]*(?:\(?[A-J][.)]|\([A-J]\))[ \t]+\S")


def _only_letter(text: str, said: str) -> bool:
    """Whether the response's own options list is followed by one letter only, the one it answers with, and
    no value on its last line: "(A) 540 (B) 720 ...\n\\boxed{B}"; not "\\boxed{B}, or maybe C", "B and D",
    "Answer: A, which is 7"."""
    # after the last line of the list: a line with two options or more, or one that starts with an option
    lines = text.split("\n")
    last = max((k for k, line in enumerate(lines)
                if len(_INLINE_OPTION.findall(line)) >= 2 or _OPTION_AT_START.match(line)), default=-1)
    after = "\n".join(lines[last + 1 :])
    letter = re.sub(r"[^A-J]", "", re.sub(r"\\[A-Za-z]+", "", said))
    mentioned = {m.group(1) for m in _LETTER_MENTION.finditer(after)
                 if not (m.group(1) in "AI" and re.match(r"\s+[a-z]", after[m.end() :]))}  # "A hexagon", "I think"
    return mentioned == {letter} and not re.search(r"\d", text.rstrip().rsplit("\n", 1)[-1])


def _screen_unsafe(gold, prediction, choices) -> tuple[Verdict | None, tuple]:
    g = _bare_gold(gold)
    if g is None:
        return Verdict("unparseable_gold", _gold_problem(gold)), ()
    g = name_first(g)
    if isinstance(prediction, str):
        prediction = plain_text(prediction)
        if _same_text(prediction, g) or _same_text(prediction, str(gold)):
            return Verdict("correct", "the prediction is the gold, as written"), ()
    spec = read_gold(g)
    if spec.kind == "yesno":
        return _worded(spec, prediction), ()
    if choices is None and isinstance(prediction, str) and gold_letter(g, None) is None:
        listed = listed_options(prediction)
        said = extract(prediction) if listed is not None else None
        if said is not None and _BARE_LETTER.fullmatch(said) and _only_letter(prediction, said):
            choices = listed  # options the response copied from its prompt, and one bare letter as its answer
    player = _PLAYER_GOLD.match(g)
    if player and isinstance(prediction, str) and _ABOUT_WINNING.search(prediction[-_TAIL:]):
        return _player_verdict(player_key(player.group(1)), final_part(prediction)), ()
    letter, late = _letter_verdict(g, prediction, choices)
    p = _bare_pred(prediction, choices)
    if EMPTY_SET.match(g) and isinstance(prediction, str) and not marks_its_answer(prediction) and says_empty(prediction):
        return Verdict("correct", "the response says the set is empty (none exists), as the gold"), ()
    if (spec.kind in ("words", "word", "none") and p is not None and EMPTY_SET.match(p)
            and NO_SOLUTION_GOLD.match(unwrap_words(g)) and isinstance(prediction, str)
            and not re.search(r"[A-Za-z0-9]", after_last_box(prediction))):
        return Verdict("correct", "the response gives the empty set, as the gold says none exists"), ()
    if p is not None and isinstance(prediction, str) and not marks_its_answer(prediction):
        wanted = len(split_top(g, ","))
        claims = parallel_claims(prediction) if wanted >= 2 and len(split_top(p, ",")) == 1 else None
        if claims is not None and len(claims) == wanted:
            p = ", ".join(claims)  # a two-part gold: "The maximum is 12 and the minimum is -4" gives both
    if g.strip().isdigit() and isinstance(prediction, str) and not marks_its_answer(prediction):
        # a whole-number gold against "has three solutions: (1, 2), ...": the count, not what it lists
        p = listed_count(prediction) or p
    if spec.count and isinstance(prediction, str) and not marks_its_answer(prediction):
        # A gold that counts: the count a closing sentence states ("holds for 99 values of n in {1, ..., 100}")
        # is its answer, not the sentence's other numbers; "for all n" answers a gold noted "all of them".
        counted = stated_count(prediction, spec.noun or None)
        if counted == "":
            return Verdict("unparseable_pred", "the count is negated, restricted, approximate or hedged"), ()
        if counted is not None:
            p = counted
        elif spec.every and states_every(prediction):
            return Verdict("correct", "the response says it holds for all of them, as the gold's note does"), ()
    if letter is not None and (late or p is None or _prepare(p)[1].kind != "letter" or not _prepare(p)[1].items):
        # A letter written with a value ("(C) 15") keeps the checks below: the value must fit the option.
        if letter.status == "correct" and p is not None and choices and _value_of_another_option(g, p, choices):
            return Verdict("incorrect", "the value written with the letter is another option's"), ()
        return letter, ()
    if p is None and g.strip() == "0" and isinstance(prediction, str) and says_none_counted(prediction):
        # "There are no values of n in {2, ..., 1993} for which ...": a count of 0, in words.
        return Verdict("correct", "the response says there are none (a count of 0, the gold)"), ()
    if p is None and spec.kind not in ("words", "word", "none"):
        if prediction is None:
            return Verdict("unparseable_pred", "the prediction is None (no response text)"), ()
        if not isinstance(prediction, str | int | float):
            hint = "decode it first" if isinstance(prediction, bytes | bytearray) else "pass one response per call"
            return Verdict("unparseable_pred", f"the prediction is a {type(prediction).__name__}, not text ({hint})"), ()
        return Verdict("unparseable_pred", "no final answer found (or it is too long)"), ()
    choices = tuple(str(c) for c in choices) if choices else None
    slow = []
    # A gold saying none exist counts as the count 0 ("0 solutions", "the number of real roots is N = 0"),
    # never as a value 0 ("The integer solutions are n = 0, ..." names a solution).
    compare = p is not None and spec.kind != "word" and not (
        spec.kind == "none" and "=" in p and not _NUMBER_OF.search(str(prediction)))
    for alt in spec.answers if compare else ():
        fast = _fast(alt, p, choices)
        if fast is None:
            slow.append(alt)
        elif fast[0] == "correct":
            return _explain(fast, alt, p), ()
    if p is not None and spec.approx and _approx_match(spec, p):
        return _explain(("correct", "within the precision of the gold's approximate form"), spec.approx[0], p), ()
    if spec.kind in ("words", "word", "none"):
        return _worded(spec, prediction), ()
    if slow:
        return None, (tuple(slow), p, choices)
    return _explain(_fast(spec.answers[0], p, choices), g, p), ()


# A gold naming who wins a game: "Bob", "\\text{Alice}", "The first player", "Alice wins".
_PLAYER_GOLD = re.compile(
    r"^(?:\\text\{)?\s*((?i:(?:the\s+)?(?:first|second)\s+player)|[A-Z][a-z]{2,15})"
    r"(?:\s+(?:wins|has\s+a\s+winning\s+strategy))?\s*\}?\.?$"
)
def _player_verdict(named: str, text: str) -> Verdict:
    """A gold naming who wins a game ("Bob", "The first player"): a box or answer line that names a player
    (alone, or with "wins"), else the winner the final sentence states; nothing else ("The first player
    loses", "Answer: Bob loses") answers it."""
    if marks_its_answer(text):
        said = _PLAYER_GOLD.match(_strip_text_wrapper(read_plain(text) or ""))
        winner = player_key(said.group(1)) if said else None
        if said and re.search(rf"\b{re.escape(said.group(1))}\s+(?:loses?|cannot|can't|does\s+not|doesn't|has\s+no|never|"
                              r"fails?)\b", text[-_TAIL:], re.I):
            winner = None  # "Answer: Bob loses": the answer line names the loser
    else:
        winner = stated_winner(text)
    if winner is None:
        return Verdict("unparseable_pred", f"the response does not say who wins (gold {named!r})")
    return Verdict("correct" if winner == named else "incorrect", f"the response says {winner!r} wins, gold {named!r}")


_TAIL = 300
_ABOUT_WINNING = re.compile(r"\bwin|\blos[es]|\bplayer", re.I)  # a game's answer, not "Tuesday" or a name of a town


def _strip_text_wrapper(answer: str) -> str:
    return re.sub(r"^\$?\\(?:text|textbf|mathrm)\s*\{(.*)\}\$?$", r"\1", answer.strip()).strip()


# A gold longer than this with no box is a worked solution, not an answer.
_SOLUTION_CHARS = 200


def _letter_verdict(gold: str, prediction, choices) -> tuple[Verdict | None, bool]:
    """A gold that is one option letter: the letter the response commits to decides (None: no letter),
    and whether that verdict stands over any value written with the letter (an answer line after the
    response's last box gave it, or the response offers two options: "(A) or (B)" is wrong)."""
    want = gold_letter(_prepare(gold)[0].text, choices)  # cached: one gold meets many responses
    if want is not None and choices and MC_LETTERS_EXTENDED.index(want) >= len(choices):
        return Verdict("unparseable_gold", f"the gold names option {want}, but only {len(choices)} choices are given "
                                           f"(A-{MC_LETTERS_EXTENDED[len(choices) - 1]}): check the gold or the choices"), True
    if want is None or not isinstance(prediction, str):
        return None, False
    if offers_two_letters(prediction):  # "(A) or (B)": once read as A with a value
        return Verdict("incorrect", f"the response offers two or more options, gold {want}"), True
    said, late = letter_answer(prediction, option_letters(choices), choices=choices)
    if said == "":
        return Verdict("incorrect", f"the response lists the options and chooses none alone, gold {want}"), True
    if said is None:
        return None, False
    status = "correct" if said == want else "incorrect"
    return Verdict(status, f"the response chooses {said}, gold {want}"), late


_LETTER_AROUND = re.compile(r"^\(?[A-J]\)?\s*[:.]?\s+(?=\S)|^\(?[A-J]\)?\s*(?=\()|\s*\(\s*[A-J]\s*\)$")


def _value_of_another_option(gold: str, pred: str, choices) -> bool:
    """Whether the value read from a response that chose the gold's letter ("Choice C: 15") is another
    option's value and not the gold option's (C is 12, D is 15): the letter and the value disagree."""
    # "C (13)", "13 (C)", "C: 13": the value without the letter
    bare = _LETTER_AROUND.sub("", pred.strip()).strip().strip("()").strip() or pred
    node = _prepare(bare)[1]
    if node.kind != "scalar" or not re.search(r"\d", node.value):
        return False
    want = gold_letter(_prepare(gold)[0].text, choices)  # cached: one gold meets many responses

    def equal(letter: str) -> bool:
        option = _choice_node(choices, letter)
        try:
            return option is not None and compare_nodes(option[1], node, fast_scalar_equal)
        except NeedsSympy:
            return False
    others = [L for L in MC_LETTERS[: len(choices)] if L != want]
    return not equal(want) and any(equal(L) for L in others)


_BARE_YES_NO = re.compile(r"^(?:\*\*)?(?:the\s+)?(?:final\s+)?(?:answer\s*(?:is|:)\s*)?(?:\*\*)?\s*(?:no|yes)\s*\.?$", re.I)


def _worded(spec: Gold, prediction) -> Verdict:
    """A yes/no or worded gold judged by the response's words (negations counted, not ignored)."""
    if not isinstance(prediction, str):
        return Verdict("unparseable_pred", "a worded gold needs a text response")
    prediction = final_part(prediction)  # after the thinking; the answer tag's content when there is one
    region = find_boxed(prediction) or prediction
    if spec.kind == "yesno":
        boxes = boxed_answer(prediction) or ""
        if re.search(r"\byes\b", boxes, re.I) and re.search(r"\bno\b", boxes, re.I):
            return Verdict("unparseable_pred", "the boxed answer gives both yes and no")  # "\\boxed{Yes} \\boxed{No}"
        said = foreign_yes_no(prediction) or stance(region)
        if said is None:
            return Verdict("unparseable_pred", f"no yes/no answer found (gold {spec.polarity!r})")
        status = "correct" if said == spec.polarity else "incorrect"
        return Verdict(status, f"the response says {said!r}, gold {spec.polarity!r}")
    if spec.phrase == "does not exist":
        answer = read_plain(prediction) or ""
        if DNE.match(region.strip()) or DNE.match(answer.strip().strip("*").strip()):
            return Verdict("correct", "the response answers DNE (does not exist), as the gold does")
    if spec.kind == "none":
        if spec.phrase == "does not exist" and _BARE_YES_NO.match(region.strip()):
            return Verdict("incorrect", "a bare yes or no does not say the thing does not exist")
        said = claims_none(region)
        if said is None:
            return Verdict("unparseable_pred", "no claim that none exist, or the contrary, found (the gold says none)")
        if said:
            return Verdict("correct", "the response says none exist, as the gold does")
        return Verdict("incorrect", "the response does not say that none exist (the gold does)")
    closing = last_sentence(region)
    if HEDGE.search(closing) or re.search(r"\b(?:may|could)\s+(?:be|have)\b|\?\s*$", closing, re.I):
        return Verdict("unparseable_pred", "the response hedges or asks instead of stating an answer")
    if spec.kind == "word":  # every box of the last run: "\\boxed{even} \\boxed{odd}" offers both
        answer = _strip_text_wrapper(read_plain(prediction) or "").strip("*. ").lower()
        said = answer == spec.phrase.lower() or states_word(spec.phrase, boxed_answer(prediction) or prediction)
        return Verdict("correct" if said else "incorrect",
                       f"the response {'says' if said else 'does not say'} it is {spec.phrase!r} (as its last clause's predicate)")
    if phrase_matches(spec.phrase, region):
        return Verdict("correct", f"the response states {_short(spec.phrase)!r}")
    return Verdict("incorrect", f"the response does not state {_short(spec.phrase)!r} (words or negation differ)")


def _approx_match(spec: Gold, pred: str) -> bool:
    """The prediction is a correct rounding of the gold's exact value, to at least as many decimals as
    the approximate form the gold gives ("5/14, or approximately 35.7%": 35.71% and 0.357 count, 36%
    and 0.364 do not). Without an exact value to check, only the approximate form itself counts."""
    pn = _prepare(pred)[0]
    got = fast_number(pn.text)
    exact = _exact_value(spec.answers[0])
    if got is None or "." not in pn.text:
        return False
    places = len(pn.text.split(".")[1]) + (2 if pn.percent else 0)
    value = got.value / 100 if pn.percent else got.value
    for text in spec.approx:
        an = _prepare(text)[0]
        want = fast_number(an.text)
        if want is None:
            continue
        shown = (len(an.text.split(".")[1]) if "." in an.text else 0) + (2 if an.percent else 0)
        approx = want.value / 100 if an.percent else want.value
        if exact is None:
            if value == approx:
                return True
            continue
        if places >= shown and abs(value - exact) <= Fraction(1, 2 * 10**places):
            return True
    return False


def _exact_value(answer: str) -> Fraction | None:
    """The gold's exact value as a fraction (to 30 digits for an irrational), when it is a constant."""
    text = _prepare(answer)[0].text
    number = fast_number(text)
    if number is not None:
        return number.value
    try:
        fn, names, _inexact = compile_expr(text)
        if names:
            return None
        try:
            return fn({EXACT: True})  # rational arithmetic, exactly (10^{100} + 1 is not 10^{100})
        except Irrational:
            value = fn({})
        return Fraction(str(value)) if not isinstance(value, Fraction) else value
    except Exception:  # noqa: BLE001 - Unsupported, or a value that is not a real number
        return None


def _preview(value) -> str:
    try:
        return repr(str(value)[:80])
    except ValueError:  # an int too long to print
        return f"<{type(value).__name__}>"


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _explain(result: tuple[str, str], gold: str, pred: str) -> Verdict:
    status, reason = result
    return Verdict(status, f"{reason}: prediction {_short(pred)!r} vs gold {_short(gold)!r}")


def _run_slow(task, timeout: float, workers: int) -> Verdict:
    try:
        status, reason = get_pool(_TASK_FN, workers).run(task, timeout)
    except TaskTimeout as exc:
        return Verdict("timeout", str(exc))
    except RuntimeError as exc:
        return Verdict("unparseable_pred", f"checker error: {exc}"[:200])
    return _explain((status, reason), task[0][0], task[1])


def verify(gold, prediction, *, choices=None, timeout: float = 2.0) -> Verdict:
    """Judge one prediction (a full response or a bare answer) against the gold answer.

    Fast paths (normalized text, exact rationals, whitelisted arithmetic) run here; anything needing
    sympy runs in a worker process killed after ``timeout`` seconds, so the call returns in any thread,
    in any Ray actor. The limit counts from when a ready worker takes the item: the very first sympy
    item in a process also waits for the workers to start (about 1-3 s; call ``warmup()`` to pay that
    up front). A worker killed at the limit is replaced and the next sympy item waits about 1 s for it,
    so keep ``timeout`` at about 1 s or more: a tiny limit times out every sympy item and is slower.
    Never raises on model text: unreadable input gives an ``unparseable_*`` verdict.
    Without ``choices``, a list of at least four options the response itself writes out ("(A) 540 (B) 720
    (C) 900 (D) 1080", copied from its prompt) stands for them when the response answers with a bare
    letter and no value on its last line: that letter is read as its option's value.

    >>> verify("1/2", r"so the answer is $\\boxed{\\dfrac{1}{2}}$").status
    'correct'
    """
    _check_timeout(timeout, "verify")
    choices = _check_choices(choices, "verify")
    verdict, task = _screen(gold, prediction, choices)
    return verdict if verdict is not None else _run_slow(task, timeout, _default_workers())


MAX_TIMEOUT = 86_400.0  # one day: a longer limit is no limit (and the OS refuses waits above ~24 days)


def _check_timeout(timeout, caller: str) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= MAX_TIMEOUT:
        raise ValueError(f"The 'timeout' parameter of {caller} must be a positive number of seconds, at most "
                         f"{MAX_TIMEOUT:g} (one day). Got {timeout!r} instead.")


def _check_choices(choices, caller: str) -> list | None:
    """One item's choices as a list (None stays None): the options' texts, option A first."""
    if choices is None:
        return None
    if (isinstance(choices, str | bytes | dict) or not hasattr(choices, "__len__") or not hasattr(choices, "__iter__")
            or not all(c is None or (isinstance(c, str | numbers.Real) and not isinstance(c, bool)) for c in choices)):
        raise ValueError(f"The 'choices' parameter of {caller} must be None or a list of the options' texts "
                         f"(option A first). Got {str(choices)[:60]!r} instead.")
    return ["" if c is None else c if isinstance(c, str) else str(c) for c in choices]  # a padded list's None: no text


def _max_workers() -> int:
    return max(8, 2 * (os.cpu_count() or 2))


def _check_workers(workers, caller: str) -> None:
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)
                                or not 1 <= workers <= _max_workers()):
        raise ValueError(f"The 'workers' parameter of {caller} must be None or an int from 1 to {_max_workers()} "
                         f"(twice this machine's CPUs, at least 8; each worker is a process of about 60 MB). "
                         f"Got {workers!r} instead.")


def verify_batch(golds, predictions, *, choices=None, timeout: float = 2.0, workers=None) -> list[Verdict]:
    """Judge many pairs; items needing sympy run in parallel worker processes, each under ``timeout``.

    ``choices`` is None, one list of choice strings shared by all items, or one entry per item (a list,
    or None for items that are not multiple choice). Returns verdicts in input order.
    """
    _check_timeout(timeout, "verify_batch")
    for name, value in (("golds", golds), ("predictions", predictions)):
        if isinstance(value, str | bytes):
            raise ValueError(
                f"The '{name}' parameter of verify_batch must be a list with one entry per item. Got one "
                f"string ({value[:40]!r}) instead; for one pair call verify(gold, prediction)."
            )
        if isinstance(value, dict) or not hasattr(value, "__iter__"):
            raise ValueError(f"The '{name}' parameter of verify_batch must be a list with one entry per item. "
                             f"Got a {type(value).__name__} instead.")
    golds, predictions = list(golds), list(predictions)
    if len(golds) != len(predictions):
        raise ValueError(
            f"The 'predictions' parameter of verify_batch must have one entry per gold answer "
            f"({len(golds)}). Got {len(predictions)} instead."
        )
    if isinstance(choices, str | bytes | dict):
        raise ValueError(f"The 'choices' parameter of verify_batch must be None, one list of the options' texts "
                         f"shared by every item, or one list (or None) per item. Got a {type(choices).__name__} instead.")
    if choices is not None and len(choices) and all(
            isinstance(c, str | numbers.Real) and not isinstance(c, bool) for c in choices):
        per_item = [list(choices)] * len(golds)  # one set of choices shared by every item ("A" first)
    else:
        per_item = list(choices) if choices is not None else [None] * len(golds)
    if len(per_item) != len(golds):
        raise ValueError(
            f"The 'choices' parameter of verify_batch must be None or have one entry per item "
            f"({len(golds)}). Got {len(per_item)} instead."
        )
    per_item = [_check_choices(c, "verify_batch") for c in per_item]
    _check_workers(workers, "verify_batch")
    workers = workers or _default_workers()
    out: list[Verdict | None] = []
    slow: list[tuple[int, tuple]] = []
    for i, (g, p, c) in enumerate(zip(golds, predictions, per_item, strict=True)):
        verdict, task = _screen(g, p, c)
        out.append(verdict)
        if verdict is None:
            slow.append((i, task))
    if slow:
        with ThreadPoolExecutor(max_workers=min(workers, len(slow))) as ex:
            results = ex.map(lambda it: _run_slow(it[1], timeout, workers), slow)
            for (i, _), verdict in zip(slow, results, strict=True):
                out[i] = verdict
    return out  # type: ignore[return-value]


_WARM = "warm"
# One comparison per kind of work a first real task would pay for (parser rules, sympy's lazy imports
# and caches): fractions and powers, roots and trigonometry, binomials, factorials, sums, exponentials.
# warmup() walks the parser's rules once (each is slow the first time it is met: up to 200 ms) and sympy's
# common comparisons. Generic forms, none taken from a benchmark set (a test checks).
_WARM_PAIRS = (
    ("\\frac{t^{2}-4}{t-2}", "t+2"), ("\\sqrt{3}+\\pi/2", "\\cos(u)^2+\\sin(u)^2"),
    ("\\binom{m}{3}", "m(m-1)(m-2)/6"), ("(k+2)!", "(2k+1)!!"), ("\\ln(3w)/(w+2)", "\\log_{3}(w)+2^{w}"),
)
_WARM_FORMS = (
    "\\sum_{j=1}^{m} b_j^{m}", "\\left(\\sum_{j=0}^{m} c_j\\right)^{1-\\frac{2}{m}}", "\\prod_{j=1}^{r} (1+q_j)",
    "\\exp\\left(-\\sum_{j=0}^{\\infty} c_j\\right)", "\\zeta(w)", "(a,b)=(7-3s,4s)", "(a,b)=(2,5),(1,1)",
    "p=q=3", "r=5,r=-4", "g(m)<h(m+2)", "g(m)\\geq h(m-1)", "\\{3,8\\}", "[3,8)", "T_{k+1}-T_k",
    "\\begin{pmatrix}2&5\\\\1&3\\end{pmatrix}", "\\lfloor m/2 \\rfloor+|v-1|",
)


def warmup(workers: int | None = None) -> None:
    """Start the checker's worker processes now and wait until they are ready (optional), with the
    parser walked over the common forms and sympy over a few comparisons (about 1.5 s per worker, in
    parallel). Without it, workers start on first need and the first answers pay that cost; with it, a
    form the warm-up did not walk (a long sum, say) can still take 100-200 ms the first time it is met."""
    _check_workers(workers, "warmup")
    get_pool(_TASK_FN, workers or _default_workers()).warm(task=_WARM)


def shutdown() -> None:
    """Stop the checker's worker processes (they also stop at interpreter exit)."""
    shutdown_pool()
