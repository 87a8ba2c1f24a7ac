"""Stage 4b (worker side): scalar equality with sympy, via latex2sympy2_extended (no eval/sympify).

Imported only inside checker worker processes: parsing and simplification can take long, so they run
where a hard wall-clock limit can kill them.
"""

from __future__ import annotations

import cmath
import random
import re
from functools import lru_cache

from ._names import agree_at, unit_tenths

__all__ = ["Unparseable", "sympy_scalar_equal", "MAX_EXPR_CHARS"]

MAX_EXPR_CHARS = 600
_MAX_NODES = 400
_MAX_EXPONENT = 2000
_MAX_FACTORIAL = 2000
_PREC = 60
# "&" separates matrix entries (\\begin{pmatrix}1 & 2\\end{pmatrix}).
_SAFE_CHARS = re.compile(r"^[0-9A-Za-z\\{}()\[\]^_+\-*/.=<>|!,'&\s]*$")


class Unparseable(Exception):
    """The text is not a maths expression this checker can read; ``side`` is "gold" or "pred"."""

    def __init__(self, side: str, why: str):
        super().__init__(f"{side}: {why}")
        self.side = side
        self.why = why


def _pow_depth(expr) -> int:
    import sympy

    if isinstance(expr, sympy.Pow):
        return 1 + _pow_depth(expr.exp)
    return max((_pow_depth(a) for a in getattr(expr, "args", ())), default=0)  # a Matrix has no args


def _depth(expr, limit: int = 64) -> int:
    """Nesting depth of an expression tree (counted up to ``limit``)."""
    args = getattr(expr, "args", ())  # a Matrix has none
    if limit <= 0 or not args:
        return 0
    return 1 + max(_depth(a, limit - 1) for a in args)


def _check_size(expr, side: str) -> None:
    """Reject expressions whose evaluation could explode (power towers, huge factorials)."""
    import sympy

    if _pow_depth(expr) > 3 or _depth(expr) > 24:
        # x^x^x^x^x, factorial(factorial(...)), thirty nested functions: evaluating them takes the whole limit
        raise Unparseable(side, "expression nested too deeply to evaluate")
    for count, node in enumerate(sympy.preorder_traversal(expr)):
        if count > _MAX_NODES:
            raise Unparseable(side, "expression too large")
        if isinstance(node, sympy.Pow) and node.exp.is_number:
            if _pow_depth(node.exp) > 1:
                raise Unparseable(side, "power tower too large to evaluate")
            if abs(sympy.N(node.exp, 15)) > _MAX_EXPONENT:
                raise Unparseable(side, "power too large to evaluate")
        if (isinstance(node, sympy.factorial) and not node.args[0].is_number
                and any(isinstance(a, sympy.factorial) and a.args[0].has(sympy.factorial)
                        for a in sympy.preorder_traversal(node.args[0]))):
            raise Unparseable(side, "factorials nested three deep")  # ((x!)!)! takes the whole limit to evaluate
        if isinstance(node, (sympy.factorial, sympy.factorial2)) and node.args[0].is_number:
            if abs(sympy.N(node.args[0], 15)) > _MAX_FACTORIAL:
                raise Unparseable(side, "factorial too large to evaluate")


def _double_factorials(expr, text: str):
    """``n!!`` as the double factorial n (n - 2) (n - 4) ... (the parser reads it as (n!)!); text that
    writes ``(n!)!`` as well is left as parsed."""
    import sympy

    if "!!" not in text or "!)!" in text.replace(" ", ""):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.factorial) and isinstance(e.args[0], sympy.factorial),
                        lambda e: sympy.factorial2(e.args[0].args[0]))


_OPENERS, _CLOSERS = "([", ")]"  # counted together: an interval "[0, 1)" opens with one, closes with the other
_DANGLING = re.compile(r"^\s*[*/^=]|[-+*/^=]\s*$")  # "x^3 + y^3 +", "90-", "* 4": an operand is missing


def _check_form(text: str, side: str) -> None:
    """Refuse, before the (slow) parser runs, text it cannot read: too long, unexpected characters,
    brackets that close before they open or never close ("m) * f(n-1", a fragment cut at a comma), an
    operator with nothing on one side. Parsing such text only to fail cost 10-20 ms a side."""
    if len(text) > MAX_EXPR_CHARS:
        raise Unparseable(side, f"longer than {MAX_EXPR_CHARS} characters")
    if not _SAFE_CHARS.match(text):
        raise Unparseable(side, "unexpected characters")
    depth = 0
    for i, ch in enumerate(text):
        if (ch in _OPENERS or ch in _CLOSERS) and i and text[i - 1] == "\\":
            continue  # "\\[": LaTeX's display-math bracket is no grouping
        depth += ch in _OPENERS
        depth -= ch in _CLOSERS
        if depth < 0:
            break
    if depth:
        raise Unparseable(side, "unbalanced brackets")
    if _DANGLING.search(text):
        raise Unparseable(side, "an operator without an operand")


@lru_cache(maxsize=4096)
def _parse(text: str, side: str):
    from latex2sympy2_extended import latex2sympy

    _check_form(text, side)
    try:
        expr = _double_factorials(latex2sympy(text), text)
    except Exception as exc:  # the parser raises many kinds on odd input
        raise Unparseable(side, f"not LaTeX maths ({type(exc).__name__})") from None
    _check_size(expr, side)
    return expr


def warm_parser(texts) -> None:
    """Parse each text once, so the parser's rules for those forms are warm (its first pass over a
    form is up to 100x slower than later ones); texts it refuses are skipped."""
    for text in texts:
        try:
            _parse(text, "gold")
        except Unparseable:
            pass


def _has_float(expr) -> bool:
    import sympy

    return any(isinstance(a, sympy.Float) for a in sympy.preorder_traversal(expr))


def _num(expr):
    import sympy

    value = sympy.N(expr, _PREC)
    if not value.is_number or value.is_finite is False:
        return None
    number = complex(value)  # 9^729 is finite for sympy but no float: it becomes inf here, no value
    return number if cmath.isfinite(number) else None


def _close(x: complex, y: complex, tol: float) -> bool:
    return abs(x - y) <= tol * max(abs(x), abs(y)) or (abs(x) < 1e-300 and abs(y) < 1e-300)


def _numbers_equal(g, p) -> bool:
    import sympy

    if g.is_Rational and p.is_Rational:
        return g == p
    undefined = (sympy.zoo, sympy.nan)
    if any(x.has(*undefined) or sympy.N(x, 15).has(*undefined) for x in (g, p)):
        return False  # 1/0 or 0/0 is no value: never equal (its "difference" is not small, it is undefined)
    if g.has(sympy.oo) or p.has(sympy.oo):
        return bool(g == p)
    inexact = _has_float(g) or _has_float(p)
    if not inexact:
        d = sympy.N(g - p, _PREC)
        scale = max(abs(sympy.N(g, _PREC)), abs(sympy.N(p, _PREC)))
        # Exact forms: equal only when they agree to ~50 significant digits (numerical identity).
        if d.is_number and scale < sympy.Float(10, _PREC) ** -50:
            # Both below 1e-50 at 60 digits: the same value only if the difference shrinks when evaluated at
            # 120 digits (cos(pi/2) - 0 does, it is exactly 0; e^{-200} - 0 and sech(1000) - 0 stay what
            # they are, 1.4e-87 and 1e-434: evaluation keeps their significant digits).
            again = sympy.N(g - p, 2 * _PREC)
            if abs(again) >= sympy.Float(10, 2 * _PREC) ** -100:
                return False
            # sech(1000) - 0 is 1e-434 at both precisions (a value); cos(pi/2) - 0 moves (it is noise)
            stable = d != 0 and abs(sympy.N(again - d, 2 * _PREC)) <= abs(d) * sympy.Float(10, _PREC) ** -30
            return not stable
        return bool(d.is_number and abs(d) <= sympy.Float(10, _PREC) ** -50 * max(scale, 1e-300))
    gv, pv = _num(g), _num(p)
    if gv is None or pv is None:
        return False
    from ._numbers import REL_TOL

    return _close(gv, pv, REL_TOL)


def _symbolic_equal(g, p) -> bool:
    """Equal values at random points (``agree_at``: on the real domain where both are defined), else
    ``simplify(g - p) == 0`` when too few points could be evaluated."""
    import sympy

    free = sorted(g.free_symbols | p.free_symbols, key=str)
    rng = random.Random(0)
    points = [{s: rng.choice((-1, 1)) * sympy.Rational(rng.randint(11, 97), rng.randint(3, 13)) for s in free}
              for _ in range(4)]
    points += [{s: sympy.Rational(pt[s.name], 10) for s in free} for pt in unit_tenths([s.name for s in free])]
    values = []
    for point in points:
        try:
            gv, pv = _num(g.subs(point)), _num(p.subs(point))
        except Exception:
            continue
        if gv is not None and pv is not None:
            values.append((gv, pv))
    if values and all(max(abs(a), abs(b)) < 1e-40 for a, b in values):
        return sympy.simplify(g - p) == 0  # 0 against what rounding leaves of 0 (or a tiny value): simplify decides
    same = agree_at(values, lambda a, b: max(abs(a), abs(b)) < 1e-40 or _close(a, b, 1e-12))
    if same is not None:
        return same
    return sympy.simplify(g - p) == 0


def _proportional(g, p) -> bool:
    """Equations lhs-rhs = 0 are the same when one side is a nonzero constant multiple of the other."""
    import sympy

    free = sorted(g.free_symbols | p.free_symbols, key=str)
    rng = random.Random(1)
    ratios = []
    for _ in range(4):
        point = {s: sympy.Rational(rng.randint(1, 97), rng.randint(1, 13)) for s in free}
        gv, pv = _num(g.subs(point)), _num(p.subs(point))
        if gv is None or pv is None:
            continue
        if abs(pv) < 1e-30:
            if abs(gv) > 1e-30:
                return False
            continue
        ratios.append(gv / pv)
    if len(ratios) < 3 or abs(ratios[0]) < 1e-30:
        return _symbolic_equal(g, p) or _symbolic_equal(g, -p)
    return all(_close(r, ratios[0], 1e-12) for r in ratios)


def _same_inequality(g, p) -> bool:
    """``x^2 - 3a < 0`` = ``3x^2 < 9a`` = ``9a > 3x^2``: both strict or both not, and (greater side - lesser
    side) of one a positive constant multiple of the other's, at every sample point."""
    import sympy

    def positive_side(rel):
        strict = isinstance(rel, (sympy.StrictGreaterThan, sympy.StrictLessThan))
        if isinstance(rel, (sympy.StrictGreaterThan, sympy.GreaterThan)):
            return rel.lhs - rel.rhs, strict
        return rel.rhs - rel.lhs, strict

    (ge, gs), (pe, ps) = positive_side(g), positive_side(p)
    if gs != ps:
        return False
    free = sorted(ge.free_symbols | pe.free_symbols, key=str)
    rng = random.Random(2)
    ratios = []
    for _ in range(6):
        point = {s: rng.choice((-1, 1)) * sympy.Rational(rng.randint(1, 97), rng.randint(1, 13)) for s in free}
        gv, pv = sympy.N(ge.subs(point), _PREC), sympy.N(pe.subs(point), _PREC)
        if not (gv.is_number and pv.is_number and gv.is_finite and pv.is_finite):
            continue
        if gv == 0 or pv == 0:
            if gv == 0 and pv == 0:
                continue
            return False
        ratios.append(gv / pv)
    # at 60 digits an exact multiple agrees to ~1e-55: "x^2-3a < 10^{-13}" is another relation
    tol = sympy.Float(10, _PREC) ** -40
    return (len(ratios) >= 3 and all(r.is_real for r in ratios) and ratios[0] > 0
            and all(abs(r - ratios[0]) <= tol * abs(ratios[0]) for r in ratios))


def _as_expr(obj):
    """An Eq becomes lhs - rhs so equations compare up to sign; other relations stay as they are."""
    import sympy

    if isinstance(obj, sympy.Equality):
        return obj.lhs - obj.rhs, True
    return obj, False


def _steps_by_pi(expr, name, others) -> bool:
    """Stepping the integer ``name`` by 2 adds one nonzero rational multiple of pi (see _names)."""
    import sympy

    from ._arith import CTX
    from ._names import constant_pi_steps

    rng = random.Random(2)
    point = {s: sympy.Rational(rng.randint(11, 97), rng.randint(3, 13)) for s in others}
    steps = []
    for t in (1, 2, 5):
        diff = expr.subs({**point, name: t + 2}) - expr.subs({**point, name: t})
        value = sympy.N(diff, _PREC)
        if not value.is_number or value.has(sympy.zoo, sympy.nan):
            return False
        steps.append(value)
    if not all(v.is_real for v in steps):
        return False
    return constant_pi_steps([CTX.mpf(str(v)) for v in steps])


def _rename_parameter(g, p):
    """``p`` with its free integer parameter renamed to the gold's (``n\\pi`` as ``k\\pi``) when that applies.

    Same rule as the fast path: one differing name on each side, both k, m or n, and each side steps
    by a constant rational multiple of pi in it.
    """
    from ._names import parameter_pair

    pair = parameter_pair(g.free_symbols, p.free_symbols)
    if pair is None:
        return p
    a, b = pair
    others = g.free_symbols & p.free_symbols
    try:
        if _steps_by_pi(g, a, others) and _steps_by_pi(p, b, others):
            return p.subs(b, a)
    except (TypeError, ValueError, ArithmeticError):
        pass  # a side that cannot be evaluated at the sample points is not a general solution
    return p


def _is_matrix(obj) -> bool:
    import sympy

    return isinstance(obj, sympy.MatrixBase | sympy.MatrixExpr)


def _matrices_equal(g, p) -> bool:
    """Matrices, or matrix arithmetic written out ("A + B", "I I"), compared entry by entry."""
    import sympy

    if not (_is_matrix(g) and _is_matrix(p)):
        return False
    try:
        gm, pm = sympy.Matrix(g.doit()), sympy.Matrix(p.doit())
    except (TypeError, ValueError, sympy.ShapeError):
        return False
    if gm.shape != pm.shape:
        return False
    for a, b in zip(gm, pm, strict=True):
        a, b = sympy.sympify(a), sympy.sympify(b)  # entries that sympy built, never text
        same = _numbers_equal(a, b) if not (a.free_symbols or b.free_symbols) else _symbolic_equal(a, b)
        if not same:
            return False
    return True


def _closed_polynomial_sums(expr):
    """A finite sum of a polynomial in its index with numeric bounds (``\\sum_{n=1}^{10^{12}} n``) in closed
    form: evaluating it term by term ran past the time limit. Other sums stay as they are (a closed form of
    ``\\sum \\sin n`` can take longer than the sum)."""
    import sympy

    if not isinstance(expr, sympy.Expr) or not expr.has(sympy.Sum):
        return expr

    def bound(b):
        # An integer, or an integer power of one written unevaluated (10^{12}); never a power tower.
        if b.is_Integer:
            return b
        if isinstance(b, sympy.Pow) and b.base.is_Integer and b.exp.is_Integer and 0 <= b.exp <= 64:
            return sympy.Integer(b.base) ** sympy.Integer(b.exp)
        return None

    def closed(e) -> bool:
        if not isinstance(e, sympy.Sum) or len(e.limits) != 1:
            return False
        var, lo, hi = e.limits[0]
        return bool(bound(lo) is not None and bound(hi) is not None and e.function.is_polynomial(var)
                    and not (e.function.free_symbols - {var}))

    def close(e):
        var, lo, hi = e.limits[0]
        return sympy.Sum(e.function, (var, bound(lo), bound(hi))).doit()

    return expr.replace(closed, close)


def sympy_scalar_equal(gold: str, pred: str) -> bool:
    """True iff the two LaTeX scalars are mathematically equal; raises Unparseable on bad input."""
    import sympy

    _check_form(gold, "gold")
    _check_form(pred, "pred")  # before the gold is parsed: a fragment need not wait for it
    g, p = _parse(gold, "gold"), _parse(pred, "pred")
    g, g_eq = _as_expr(g)
    p, p_eq = _as_expr(p)
    if _is_matrix(g) or _is_matrix(p):
        return _matrices_equal(g, p)
    inequalities = (sympy.StrictGreaterThan, sympy.GreaterThan, sympy.StrictLessThan, sympy.LessThan)
    if isinstance(g, inequalities) and isinstance(p, inequalities):
        return _same_inequality(g, p)
    if not isinstance(g, sympy.Expr) or not isinstance(p, sympy.Expr):
        return bool(g == p)
    if g_eq != p_eq:
        return False
    p = _rename_parameter(g, p)
    g, p = _closed_polynomial_sums(g), _closed_polynomial_sums(p)
    if g.free_symbols != p.free_symbols and (g.has(sympy.Sum, sympy.Product) or p.has(sympy.Sum, sympy.Product)):
        # A sum or product against an expression in other free variables (a number, or a closed form in
        # n against a series in a_i): not evaluated, that can take seconds (an infinite series' evalf).
        return False
    if not g.free_symbols and not p.free_symbols:
        return _numbers_equal(g, p)
    if g_eq:
        return _proportional(g, p)
    return _symbolic_equal(g, p)
