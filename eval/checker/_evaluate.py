"""Fast path for expressions: a whitelisted LaTeX arithmetic reader evaluated with mpmath (no sympy).

Parsing one expression with latex2sympy costs 10-40 ms; most competition answers are constant
arithmetic (``2\\sqrt{3}``, ``\\frac{\\pi}{4}``, ``\\log_2 8``) or short polynomials in one or two
letters. This module reads exactly that small language from a token whitelist and evaluates it at
60 digits (letters at fixed random points), in microseconds. Anything outside the whitelist raises
``Unsupported`` and the pair goes to the sympy worker, which uses the maintained parser. No
``eval``/``sympify`` is involved.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

from ._arith import CTX as _CTX
from ._arith import EXACT as _EXACT
from ._arith import (
    MAX_EXACT_BITS,
    Irrational,
    Unsupported,
    binom,
    const,
    double_fact,
    fact,
    mp_only,
    power,
    root,
    round_to_int,
)
from ._arith import I as _I
from ._names import agree_at, align_names, clearly_apart, sample_fractions, sample_points, unit_points

__all__ = ["Unsupported", "check_relation", "compile_expr", "fast_equation_equal", "fast_expr_equal", "fast_relation_equal"]

_MAX_LEN = 600
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*|\.\d+|\d+)|(?P<cmd>\\[A-Za-z]+)|(?P<var>[A-Za-z])|(?P<op>[-+*/^_!(){}\[\]|=']))"
)
_FUNCS = {
    "\\sin": "sin", "\\cos": "cos", "\\tan": "tan", "\\cot": "cot", "\\sec": "sec", "\\csc": "csc",
    "\\ln": "ln", "\\log": "log", "\\exp": "exp", "\\arcsin": "asin", "\\arccos": "acos",
    "\\arctan": "atan", "\\sinh": "sinh", "\\cosh": "cosh", "\\tanh": "tanh", "\\coth": "coth",
    "\\sech": "sech", "\\csch": "csch",
}
_GREEK = {
    "\\alpha", "\\beta", "\\gamma", "\\delta", "\\theta", "\\lambda", "\\mu", "\\phi", "\\varphi",
    "\\omega", "\\sigma", "\\rho", "\\tau", "\\psi", "\\epsilon", "\\varepsilon", "\\eta", "\\xi",
    "\\zeta", "\\kappa", "\\iota", "\\nu", "\\chi", "\\upsilon", "\\vartheta",
}
_MULTIPLY = {"\\cdot", "\\times", "*"}
_SYMBOLS = {"\\hbar", "\\ell"}  # letters of physics and geometry, names like x


def _tokenize(s: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    s = s.strip()
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise Unsupported(f"token at {pos}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    """Recursive descent: sum > product (explicit and implicit) > unary > power/postfix > atom."""

    def __init__(self, tokens):
        self.t = tokens
        self.i = 0
        self.inexact = False
        self.names: set[str] = set()
        self.bound: set[str] = set()  # indices of the sums being read
        self.bars = 0  # absolute values open

    def peek(self, k: int = 0):
        j = self.i + k
        return self.t[j] if j < len(self.t) else (None, None)

    def take(self, value: str | None = None):
        tok = self.peek()
        if tok[0] is None or (value is not None and tok[1] != value):
            raise Unsupported(f"expected {value}")
        self.i += 1
        return tok

    def parse(self):
        node = self.sum()
        if self.i != len(self.t):
            raise Unsupported("trailing tokens")
        return node

    def sum(self):
        node = self.product()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            rhs = self.product()
            node = (lambda a, b: lambda env: a(env) + b(env))(node, rhs) if op == "+" else (
                lambda a, b: lambda env: a(env) - b(env))(node, rhs)
        return node

    def _starts_atom(self) -> bool:
        kind, val = self.peek()
        if kind in ("num", "var"):
            return True
        if kind == "cmd":
            return val not in _MULTIPLY and val not in ("\\rfloor", "\\rceil")
        # "a|x|": a bar starts an absolute value, unless one is open (then it closes that one)
        return val in ("(", "{", "[") or (val == "|" and not self.bars)

    def product(self):
        node = self.unary()
        while True:
            kind, val = self.peek()
            if val in _MULTIPLY or val == "/":
                self.take()
                rhs = self.unary()
                node = (lambda a, b: lambda env: a(env) / b(env))(node, rhs) if val == "/" else (
                    lambda a, b: lambda env: a(env) * b(env))(node, rhs)
            elif self._starts_atom():
                rhs = self.power()
                node = (lambda a, b: lambda env: a(env) * b(env))(node, rhs)
            else:
                return node

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            inner = self.unary()
            return lambda env: -inner(env)
        if self.peek()[1] == "+":
            self.take()
        return self.power()

    def power(self):
        base = self.atom()
        while True:
            val = self.peek()[1]
            if val == "^":
                self.take()
                base = (lambda a, b: lambda env: power(a(env), b(env)))(base, self.exponent())
            elif val == "!":
                self.take()
                if self.peek()[1] == "!":  # n!! is the double factorial n (n - 2) ..., not (n!)!
                    self.take()
                    base = (lambda a: lambda env: double_fact(a(env)))(base)
                else:
                    base = (lambda a: lambda env: fact(a(env)))(base)
            else:
                return base

    def exponent(self):
        """What follows a ``^``: powers go right to left, as in maths (``2^3^2`` is 2^9, not 8^2)."""
        if self.peek()[1] == "-":
            return self.unary()
        exp = self.atom()
        while self.peek()[1] == "!":  # 2^4! is 2^(4!): a factorial binds before the power
            self.take()
            exp = (lambda a: lambda env: fact(a(env)))(exp)
        if self.peek()[1] == "^":
            self.take()
            exp = (lambda a, b: lambda env: power(a(env), b(env)))(exp, self.exponent())
        return exp

    def group(self):
        """A ``{...}``, ``(...)`` or ``[...]`` group."""
        close = {"{": "}", "(": ")", "[": "]"}.get(self.peek()[1])
        if close is None:
            raise Unsupported("expected a group")
        self.take()
        node = self.sum()
        self.take(close)
        return node

    def atom(self):
        kind, val = self.peek()
        if kind == "num":
            self.take()
            if "." in val:
                self.inexact = True
            text = ("0" + val if val.startswith(".") else val).rstrip(".") or "0"
            value, exact = _CTX.mpf(text), Fraction(text)
            return lambda env: exact if _EXACT in env else value
        if kind == "var":
            self.take()
            return self._variable(val)
        if val in ("{", "(", "["):  # "[(x^2 + 1) - x]": square brackets group as round ones do
            return self.group()
        if val == "|":
            self.take()
            self.bars += 1
            inner = self.sum()
            self.take("|")
            self.bars -= 1
            return lambda env: abs(inner(env))
        if kind == "cmd":
            return self.command(val)
        raise Unsupported(f"unexpected {val!r}")

    def _variable(self, name: str):
        if name in self.bound:  # a sum's index (even i or e)
            return lambda env: env[name]
        if name == "e":
            return const(_CTX.e)
        if name == "i":
            return const(_I)
        if name == "j":
            raise Unsupported("ambiguous j")
        return self._name(name)

    def _name(self, name: str):
        """A name with its subscript and primes (``x_1``, ``\\omega_{L}``, ``x'``, ``\\omega^{\\prime}``); a
        power written before the subscript (``v^2_0``) is that of the subscripted name."""
        exp = None
        if self.peek()[1] == "^" and not self._prime_next():
            start = self.i
            self.take()
            try:
                exp = self._raw_exponent()
            except Unsupported:
                exp = None
            if exp is None or self.peek()[1] != "_":
                self.i, exp = start, None  # an ordinary power, read by the caller
        if self.peek()[1] == "_":
            self.take()
            kind, val = self.peek()
            if kind in ("num", "var") and (kind != "num" or len(val) == 1):
                self.take()
                name = f"{name}_{val}"
            elif val == "{" and self.peek(1)[0] in ("num", "var") and self.peek(2)[1] == "}":
                name = f"{name}_{self.peek(1)[1]}"
                self.i += 3
            else:
                raise Unsupported("complex subscript")
        while self._prime_next():
            self.i += {"'": 1, "\\prime": 2, "{": 4}[self.peek(1)[1] if self.peek()[1] == "^" else "'"]
            name += "'"
        if "'" in name and self.peek()[1] == "(":
            raise Unsupported("a derivative")  # f'(x)
        self.names.add(name)
        if exp is None:
            return lambda env: env[name]
        return lambda env: power(env[name], exp(env))

    def _raw_exponent(self):
        """The exponent right after a ``^`` as LaTeX groups it: one digit or letter (``x^n_1`` is x_1 to
        the n, not x to the n_1) or a braced group; None for anything else."""
        kind, val = self.peek()
        if kind == "num" and len(val) == 1:
            return self.atom()
        if kind == "var":
            self.take()
            if val in ("e", "i", "j") or val in self.bound:
                return self._variable(val)
            self.names.add(val)
            return lambda env: env[val]
        return self.group() if val == "{" else None

    def _prime_next(self) -> bool:
        """Whether a prime follows: ``'``, ``^\\prime`` or ``^{\\prime}``."""
        if self.peek()[1] == "'":
            return True
        return self.peek()[1] == "^" and (self.peek(1)[1] == "\\prime" or (
            self.peek(1)[1] == "{" and self.peek(2)[1] == "\\prime" and self.peek(3)[1] == "}"))

    def command(self, val: str):
        self.take()
        if val == "\\pi":
            return const(_CTX.pi)
        if val in _GREEK or val in _SYMBOLS:
            return self._name(val)
        if val == "\\frac":
            num, den = self.group(), self.group()
            return lambda env: num(env) / den(env)
        if val in ("\\lfloor", "\\lceil"):
            inner = self.sum()
            self.take("\\rfloor" if val == "\\lfloor" else "\\rceil")
            fn = _CTX.floor if val == "\\lfloor" else _CTX.ceil
            return lambda env: round_to_int(fn, inner(env))
        if val == "\\binom":
            n, k = self.group(), self.group()
            return lambda env: binom(n(env), k(env))
        if val == "\\sqrt":
            index = None
            if self.peek()[1] == "[":
                index = self.group()
            arg = self.group()
            if index is None:
                return lambda env: _CTX.sqrt(arg(mp_only(env)))
            return lambda env: root(arg(mp_only(env)), index(env))
        if val in _FUNCS:
            return self.function(_FUNCS[val])
        if val in ("\\sum", "\\prod"):
            return self.big_operator(val == "\\sum")
        raise Unsupported(f"command {val}")

    def big_operator(self, is_sum: bool):
        """``\\sum_{i=a}^{b} term`` / ``\\prod``: integer bounds, at most _MAX_TERMS terms, evaluated term by
        term. An empty range is outside the formula's domain (Unsupported), not 0 or 1."""
        self.take("_")
        self.take("{")
        kind, var = self.take()
        if kind != "var":
            raise Unsupported("index of a sum")
        self.take("=")
        lo = self.sum()
        self.take("}")
        self.take("^")
        hi = self.atom()
        if self.bound:  # one level only: nested sums could ask for a million terms in the caller's thread
            raise Unsupported("nested sums")
        self.bound.add(var)
        try:
            body = self.product()
        finally:
            self.bound.discard(var)

        def run(env):
            a, b = lo(env), hi(env)
            if a != int(a) or b != int(b) or not 0 <= int(b) - int(a) < _MAX_TERMS:
                raise Unsupported("sum range")
            exact = _EXACT in env
            total = (Fraction(0) if exact else _CTX.mpf(0)) if is_sum else (Fraction(1) if exact else _CTX.mpf(1))
            for i in range(int(a), int(b) + 1):
                term = body({**env, var: Fraction(i) if exact else _CTX.mpf(i)})
                total = total + term if is_sum else total * term
                if exact and max(total.numerator.bit_length(), total.denominator.bit_length()) > MAX_EXACT_BITS:
                    raise Irrational  # too big to carry exactly: evaluated again with mpmath
            return total

        return run

    def function(self, name: str):
        base = None
        if name == "log" and self.peek()[1] == "_":
            self.take()
            base = self.atom()
        elif name == "log":
            base = lambda env: _CTX.mpf(10)  # noqa: E731  (latex2sympy reads a bare \log as base 10)
        exponent = None
        if self.peek()[1] == "^":
            self.take()
            if self.peek()[1] == "-" or (self.peek()[1] == "{" and self.peek(1)[1] == "-"):
                raise Unsupported("inverse function power")  # \sinh^{-1} x is arsinh x, not 1/sinh x
            exponent = self.atom()
        arg = self.group() if self.peek()[1] in ("(", "{") else self.function_arg()
        fn = getattr(_CTX, name)
        if base is not None:
            inner = (lambda a, b: lambda env: _CTX.ln(a(mp_only(env))) / _CTX.ln(b(env)))(arg, base)
        else:
            inner = (lambda a: lambda env: fn(a(mp_only(env))))(arg)
        if exponent is None:
            return inner
        return lambda env: power(inner(env), exponent(env))

    def function_arg(self):
        """``\\sin 2x`` is sin(2x): the argument is a run of atoms up to an operator or a function."""
        node = self.power()
        while self._starts_atom() and self.peek()[1] not in _FUNCS:
            rhs = self.power()
            node = (lambda a, b: lambda env: a(env) * b(env))(node, rhs)
        return node



_INDEX = re.compile(r"\\(?:sum|prod)_\{\s*[A-Za-z]\s*=")
_MAX_TERMS = 1000


@lru_cache(maxsize=8192)
def compile_expr(text: str):
    """(evaluate(env) -> mpf, variable names, inexact) for ``text``; raises Unsupported."""
    plain = _INDEX.sub("", text)  # the "=" of a sum's index is no equation
    if len(text) > _MAX_LEN or "=" in plain or "<" in text or ">" in text or "\\le" in text or "\\ge" in text:
        raise Unsupported("not a plain expression")
    p = _Parser(_tokenize(text))
    try:
        fn = p.parse()
    except RecursionError:
        raise Unsupported("nested too deeply") from None
    return fn, frozenset(p.names), p.inexact


_TINY = _CTX.mpf(10) ** -50  # at 60 digits, what an exact zero such as cos(pi/2) leaves (sympy decides)


def _close(x, y, tol) -> bool:
    return abs(x - y) <= tol * max(abs(x), abs(y))


def _equation(text: str):
    """lhs - rhs of a single equation ``lhs = rhs``; raises Unsupported otherwise."""
    parts = text.split("=")
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise Unsupported("not a single equation")
    lf, ln, li = compile_expr(parts[0])
    rf, rn, ri = compile_expr(parts[1])
    return (lambda env: lf(env) - rf(env)), ln | rn, li or ri


_RELATION = re.compile(r"<=|>=|<|>|≤|≥|\\(?:leqslant|geqslant|leq?|geq?)(?![A-Za-z])")


def _positive_side(text: str):
    """(greater side - lesser side, strict, names, inexact) of a single inequality; Unsupported otherwise."""
    signs = list(_RELATION.finditer(text))
    if len(signs) != 1 or "=" in _RELATION.sub("", text):
        raise Unsupported("not a single inequality")
    sign = signs[0]
    lf, ln, li = compile_expr(text[: sign.start()])
    rf, rn, ri = compile_expr(text[sign.end() :])
    op = sign.group(0)
    strict = op in ("<", ">")
    if op in (">", ">=", "≥") or op.startswith("\\g"):
        return (lambda env: lf(env) - rf(env)), strict, ln | rn, li or ri
    return (lambda env: rf(env) - lf(env)), strict, ln | rn, li or ri


def check_relation(text: str) -> None:
    """Raise Unsupported unless ``text`` is one inequality between two expressions this module reads."""
    _positive_side(text)


def fast_relation_equal(gold: str, pred: str) -> bool:
    """Two inequalities are the same when both are strict or both not, and (greater side - lesser side)
    of one is a positive constant multiple of the other's at every sample point (as the sympy worker
    decides: ``x^2 - 3a < 0`` = ``3x^2 < 9a`` = ``9a > 3x^2``)."""
    gf, g_strict, gnames, _ = _positive_side(gold)
    pf, p_strict, pnames, _ = _positive_side(pred)
    if g_strict != p_strict:
        return False
    pf, names = align_names(gf, gnames, pf, pnames)
    ratios = []
    try:
        for env in sample_points(names) + unit_points(names):
            gv, pv = gf(env), pf(env)
            if not (_CTX.isfinite(gv) and _CTX.isfinite(pv)) or _CTX.im(gv) or _CTX.im(pv):
                raise Unsupported("not real at a sample point")
            if gv == 0 or pv == 0:
                if gv == 0 and pv == 0:
                    continue
                return False
            ratios.append(gv / pv)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
        raise Unsupported(str(exc)) from None
    if len(ratios) < 3:
        raise Unsupported("too few points")
    tol = _CTX.mpf(10) ** -40
    return ratios[0] > 0 and all(abs(r - ratios[0]) <= tol * abs(ratios[0]) for r in ratios)


def fast_equation_equal(gold: str, pred: str) -> bool:
    """Two equations are the same when lhs - rhs of one is a nonzero constant multiple of the other's."""
    gf, gnames, _ = _equation(gold)
    pf, pnames, _ = _equation(pred)
    pf, names = align_names(gf, gnames, pf, pnames)
    ratios = []
    try:
        for env in sample_points(names):
            gv, pv = gf(env), pf(env)
            if abs(pv) < 1e-40 or abs(gv) < 1e-40:
                if abs(pv) < 1e-40 and abs(gv) < 1e-40:
                    continue
                return False
            ratios.append(gv / pv)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
        raise Unsupported(str(exc)) from None
    if not ratios:
        raise Unsupported("no informative point")
    return all(_close(r, ratios[0], 1e-12) for r in ratios)


# Names that count things in combinatorics answers, and what marks an expression as one of integers.
_INTEGER_NAMES = frozenset("ijklmnpqrst")
_COUNTING = re.compile(r"!|\\binom|\\choose|\\sum_|\\prod_")
_REAL_ONLY = re.compile(r"\\(?:(?:sin|cos|tan|cot|sec|csc)h?|arc\w+|ln|log|exp|sqrt|pi)\b")
# One name: six integers; two names: both orders of six pairs (``\\binom{n}{m}`` is defined for n >= m only).
_INTEGER_POINTS = {
    1: ((3,), (4,), (5,), (6,), (7,), (9,)),
    2: ((7, 2), (2, 7), (9, 3), (3, 9), (8, 4), (4, 8), (11, 5), (5, 11), (10, 1), (1, 10), (12, 6), (6, 12)),
}


def _integer_only(gold: str, pred: str, names) -> bool:
    """Both sides are counting formulas in integer names (``(2n)!/(2^n n!)``, ``\\binom{2n}{n}/(n+1)``):
    factorials and binomials of a name are defined at integers only, so they are compared there."""
    return (bool(_COUNTING.search(gold) or _COUNTING.search(pred)) and len(names) in _INTEGER_POINTS
            and all(str(n) in _INTEGER_NAMES for n in names)
            and not _REAL_ONLY.search(gold) and not _REAL_ONLY.search(pred))


def _equal_at_integers(gf, pf, names, tol) -> bool:
    """Equal values at integer points (six for one name, twelve for two). Points where a side is
    undefined (``\\binom{k}{n}`` with k < n) are skipped; fewer than four defined points raise Unsupported."""
    order = sorted(names)
    defined = 0
    for point in _INTEGER_POINTS[len(order)]:
        env = {n: _CTX.mpf(v) for n, v in zip(order, point, strict=True)}
        try:
            gv, pv = gf(env), pf(env)
        except (Unsupported, ZeroDivisionError, ValueError, OverflowError, TypeError):
            continue
        if not (_CTX.isfinite(gv) and _CTX.isfinite(pv)):
            continue
        defined += 1
        if not _close(gv, pv, tol):
            return False
    if defined < 4:
        raise Unsupported("too few integer points")
    return True


def _exactly_equal(gf, pf, names) -> bool | None:
    """Equality of two rational functions of ``names`` from exact values at the fixed sample points
    (as fractions); None when a side is not rational there (a root, pi, a function) or fewer than
    three points are defined."""
    defined = 0
    for point in sample_fractions(names):
        env = {**point, _EXACT: True}
        try:
            gv, pv = gf(env), pf(env)
        except ZeroDivisionError:
            continue
        except (Irrational, Unsupported, ValueError, OverflowError, TypeError):
            return None
        if not (isinstance(gv, Fraction) and isinstance(pv, Fraction)):
            return None
        if gv != pv:
            return False
        defined += 1
    return True if defined >= 3 else None


_SUM_INDEX = re.compile(r"\\(?:sum|prod)_\{?\s*([A-Za-z])\s*=")


def _indexed_family(text: str, names) -> bool:
    """Whether ``text`` sums or multiplies over a family of names indexed by the operator's index
    (``\\sum_{i=1}^n x_i``): no closed form exists, so names outside the family decide."""
    indices = set(_SUM_INDEX.findall(text))
    return any(str(name).rpartition("_")[2] in indices for name in names if "_" in str(name))


def fast_expr_equal(gold: str, pred: str, rel_tol: float) -> bool:
    """Equality of two expressions from this module's language; raises Unsupported to defer to sympy.

    Constants: rational arithmetic is compared exactly; other exact forms must agree to 50 digits; with
    a decimal on either side, within ``rel_tol``.
    With letters: equal values at several fixed random points (polynomial-identity style).
    """
    gf, gnames, g_inexact = compile_expr(gold)
    pf, pnames, p_inexact = compile_expr(pred)
    if gnames != pnames and (_indexed_family(gold, gnames) or _indexed_family(pred, pnames)):
        return False  # a sum over a family x_i against other names: as the sympy worker decides, not evaluated
    pf, names = align_names(gf, gnames, pf, pnames)
    tol = rel_tol if (g_inexact or p_inexact) else _CTX.mpf(10) ** -50
    if names:
        tol = max(tol, 1e-12) if not (g_inexact or p_inexact) else tol
    if names and _integer_only(gold, pred, names):
        try:
            return _equal_at_integers(gf, pf, names, tol)
        except Unsupported:
            pass
    try:
        if not names and tol < rel_tol:
            try:
                return gf({_EXACT: True}) == pf({_EXACT: True})  # both rational: exact answer
            except Irrational:
                pass
        if not names:
            gv, pv = gf({}), pf({})
            if not (_CTX.isfinite(gv) and _CTX.isfinite(pv)):
                raise Unsupported("not finite")
            if gv != pv and max(abs(gv), abs(pv)) < _TINY:
                raise Unsupported("an exact zero or a tiny value: sympy tells them apart")
            return _close(gv, pv, tol)
        values = []
        for env in sample_points(names) + unit_points(names):
            try:
                gv, pv = gf(env), pf(env)
            except (ZeroDivisionError, ValueError, OverflowError):
                continue  # a pole or a point outside the domain (log 0): other points decide
            if _CTX.isfinite(gv) and _CTX.isfinite(pv):
                values.append((gv, pv))
                if max(abs(gv), abs(pv)) >= _TINY and clearly_apart(gv, pv, lambda a, b: _close(a, b, tol)):
                    return False  # as agree_at would say over all points: the other points need not be evaluated
    except (ZeroDivisionError, ValueError, OverflowError, TypeError) as exc:
        raise Unsupported(str(exc)) from None
    tiny = [max(abs(g), abs(p)) < _TINY for g, p in values]
    if values and all(tiny) and any(g != p for g, p in values):
        # "x - (y - (y - x))" leaves 10^-60 at every point where the gold is 0: an exact zero or a tiny
        # value. Rational functions are evaluated again exactly; anything else goes to sympy (at one
        # point of several, a sum that cancels there is 0 on both sides)
        same = _exactly_equal(gf, pf, names)
        if same is None:
            raise Unsupported("an exact zero or a tiny value at every sample point")
        return same
    same = agree_at(values, lambda a, b: max(abs(a), abs(b)) < _TINY or _close(a, b, tol))
    if same is None:
        raise Unsupported("too few points where both sides are finite")
    return same
