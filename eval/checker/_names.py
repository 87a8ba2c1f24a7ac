"""Free names in the fast path's expressions: the points they are sampled at, and integer parameters.

A general solution names its free integer parameter at will: ``\\frac{\\pi}{2} + k\\pi`` and
``\\frac{\\pi}{2} + n\\pi`` are the same answer. ``align_names`` reads the prediction's parameter as the
gold's when both sides look like that: they differ in exactly one name each, both names are k, m or
n, and stepping that name by 2 adds the same nonzero rational multiple of pi at every point (true for
``k\\pi``, ``\\frac{\\pi}{4} + \\frac{k\\pi}{2}``, ``(-1)^k\\frac{\\pi}{6} + k\\pi``; false for ``k + 1``,
``k^2\\pi`` or ``a\\pi``). Anywhere else a name means something and differing names stay different.
"""

from __future__ import annotations

import random
from fractions import Fraction
from functools import lru_cache

from ._arith import CTX

__all__ = ["INTEGER_PARAMETERS", "agree_at", "align_names", "clearly_apart", "constant_pi_steps", "parameter_pair",
           "rational_pi_multiple", "sample_fractions", "sample_points", "unit_points", "unit_tenths"]

INTEGER_PARAMETERS = frozenset("kmn")
_POINTS = 4
_MAX_STEP_DENOMINATOR = 12
_ERRORS = (ZeroDivisionError, ValueError, OverflowError, TypeError)


def sample_fractions(names) -> list[dict]:
    """The fixed points where expressions in ``names`` are compared, as exact fractions."""
    return [dict(point) for point in _fractions(tuple(sorted(names)))]


@lru_cache(maxsize=1024)
def _fractions(names: tuple) -> tuple[dict, ...]:
    # Signed points: x and |x|, or \\sqrt{x^2} and x, must differ somewhere.
    rng = random.Random(12345)
    return tuple(
        {n: Fraction(rng.choice((-1, 1)) * rng.randint(11, 97), rng.randint(3, 17)) for n in names}
        for _ in range(_POINTS)
    )


def sample_points(names) -> list[dict]:
    """``sample_fractions`` as mpmath values (made once per set of names: the context's precision is fixed)."""
    return [dict(point) for point in _mpf_points(tuple(sorted(names)))]


@lru_cache(maxsize=1024)
def _mpf_points(names: tuple) -> tuple[dict, ...]:
    return tuple({n: CTX.mpf(v.numerator) / v.denominator for n, v in point.items()} for point in _fractions(names))


def unit_tenths(names) -> list[dict]:
    """Four more points inside (-1, 1), where ``\\log(1-x)`` and ``\\sqrt{1-x^2}`` are real, as
    tenths: ``{name: k}`` is the value k/10."""
    rng = random.Random(54321)
    return [{n: rng.choice((-1, 1)) * rng.randint(1, 9) for n in sorted(names)} for _ in range(_POINTS)]


def unit_points(names) -> list[dict]:
    """``unit_tenths`` as mpmath values."""
    return [dict(point) for point in _unit_mpf(tuple(sorted(names)))]


@lru_cache(maxsize=1024)
def _unit_mpf(names: tuple) -> tuple[dict, ...]:
    return tuple({n: CTX.mpf(k) / 10 for n, k in point.items()} for point in unit_tenths(names))


def clearly_apart(gv, pv, close) -> bool:
    """Whether one pair of values already makes ``agree_at`` answer False: one side real and the other
    not, or both real and apart."""
    g_real = _real(gv)
    return g_real != _real(pv) or (g_real and not close(gv, pv))


def agree_at(pairs, close) -> bool | None:
    """Whether two expressions agree, from their values at sample points (``(gold, pred)`` complex
    pairs; ``close(a, b)`` compares two values). Apart at a point where one side is real and the other
    is not (``\\ln|x|`` and ``\\ln x``, ``\\log(x^2)`` and ``2\\log x`` at x < 0: defined on different
    domains), or where both are real and differ. Equal: at 3 or more points where both are real and
    apart at none (the complex branches of two sides may differ where neither is real:
    ``\\log(x+1) - \\log(1-x)`` and ``-\\log\\frac{1-x}{x+1}`` differ by 2 pi i where |x| > 1), or else at 3
    or more points and apart at none. None with too few points to say."""
    agreed = real_agreed = 0
    apart = False
    for gv, pv in pairs:
        same = close(gv, pv)
        g_real, p_real = _real(gv), _real(pv)
        if g_real != p_real:
            return False
        if g_real:
            if not same:
                return False
            real_agreed += 1
        elif not same:
            apart = True
        agreed += bool(same)
    if real_agreed >= 3 or (agreed >= 3 and not apart):
        return True
    return False if apart else None


def _real(v) -> bool:
    v = complex(v)
    return abs(v.imag) <= 1e-20 * max(abs(v.real), 1.0)


def rational_pi_multiple(step) -> bool:
    """True when ``step`` is q * pi for a nonzero rational q with a small denominator (2pi, pi/2, 2pi/3)."""
    if CTX.im(step) != 0:
        return False
    ratio = CTX.re(step) / CTX.pi
    for den in range(1, _MAX_STEP_DENOMINATOR + 1):
        num = CTX.nint(ratio * den)
        if num != 0 and abs(ratio * den - num) < CTX.mpf(10) ** -40:
            return True
    return False


def constant_pi_steps(steps) -> bool:
    """Whether the steps (mpf, one per integer step of 2) are all the same nonzero rational multiple of pi."""
    return rational_pi_multiple(steps[0]) and all(
        abs(s - steps[0]) <= CTX.mpf(10) ** -40 * abs(steps[0]) for s in steps[1:])


def parameter_pair(gnames, pnames):
    """``(gold's name, prediction's name)`` when exactly one name differs on each side and both are
    integer parameters (k, m, n), else None: the only case the renaming rule considers."""
    g_only, p_only = set(gnames) - set(pnames), set(pnames) - set(gnames)
    if len(g_only) != 1 or len(p_only) != 1:
        return None
    (a,), (b,) = g_only, p_only
    return (a, b) if str(a) in INTEGER_PARAMETERS and str(b) in INTEGER_PARAMETERS else None


def _steps_by_pi(fn, name: str, others) -> bool:
    """Stepping the integer ``name`` by 2 adds the same nonzero rational multiple of pi everywhere."""
    for env in sample_points(others) if others else [{}]:
        if not constant_pi_steps([fn({**env, name: CTX.mpf(t + 2)}) - fn({**env, name: CTX.mpf(t)})
                                  for t in (1, 2, 5)]):
            return False
    return True


def _renamed_parameter(gf, gnames, pf, pnames):
    """``pf`` reading the gold's integer parameter in place of its own, or None when the rule does not apply."""
    pair = parameter_pair(gnames, pnames)
    if pair is None:
        return None
    a, b = pair
    others = gnames & pnames
    if not (_steps_by_pi(gf, a, others) and _steps_by_pi(pf, b, others)):
        return None
    return lambda env: pf({**env, b: env[a]})


def align_names(gf, gnames, pf, pnames):
    """(prediction function, names to sample): the integer parameter renamed where the rule applies."""
    if gnames == pnames:
        return pf, gnames
    try:
        renamed = _renamed_parameter(gf, gnames, pf, pnames)
    except _ERRORS:
        renamed = None
    return (renamed, gnames) if renamed is not None else (pf, gnames | pnames)
