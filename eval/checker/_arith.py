"""Arithmetic for the fast path, in two modes: mpmath at 60 digits, or exact rationals (Fractions).

The fast path's compiled expressions call these helpers; in exact mode (the ``_EXACT`` key in the
evaluation environment) every value is a ``Fraction`` and anything without an exact rational value
(pi, e, i, roots, functions, powers too large to hold) raises ``Irrational`` so the caller falls back
to mpmath. Bounds (exponent, factorial) raise ``Unsupported`` and the pair goes to sympy.
"""

from __future__ import annotations

import math
from fractions import Fraction

from mpmath import MPContext

__all__ = ["CTX", "EXACT", "I", "Irrational", "Unsupported", "binom", "const", "double_fact", "fact", "mp_only",
           "power", "root", "round_to_int"]

CTX = MPContext()
CTX.dps = 60
I = CTX.mpc(0, 1)  # noqa: E741  (the imaginary unit)
_MAX_EXP = 5000
_MAX_FACT = 1000

# The environment key that switches compiled expressions to exact rational evaluation.
EXACT = "\x00exact"
MAX_EXACT_BITS = 200_000  # a power whose exact value needs more bits falls back to mpmath


class Unsupported(Exception):
    """Outside the fast path's language; the caller falls back to sympy."""


class Irrational(Exception):
    """Exact evaluation met a value that is not rational (pi, a root, a function, a huge power)."""


def const(value):
    """A constant with no exact rational form (pi, e, i)."""

    def get(env):
        mp_only(env)
        return value

    return get


def mp_only(env):
    """``env`` for a value with no exact rational form: refuses exact mode."""
    if EXACT in env:
        raise Irrational
    return env


def power(a, b):
    """``a ** b``; exact for a rational base and an integer exponent of bounded size."""
    if abs(b) > _MAX_EXP and abs(a) not in (0, 1):
        raise Unsupported("power too large")
    if isinstance(b, Fraction):  # exact mode: a rational power only for an integer exponent
        size = max(a.numerator.bit_length(), a.denominator.bit_length()) * abs(b)
        if b.denominator != 1 or size > MAX_EXACT_BITS:
            raise Irrational
        return a ** int(b)
    if CTX.im(a) == 0 and CTX.im(b) == 0 and a < 0:
        # A negative base and a rational exponent p/q with q odd: the real root, as root() takes it,
        # so x^{2/3} and (\sqrt[3]{x})^2 agree for negative x too.
        for q in (3, 5, 7, 9):
            p = CTX.nint(CTX.re(b) * q)
            if p % q and abs(CTX.re(b) * q - p) < CTX.mpf(10) ** -40:
                magnitude = CTX.power(-CTX.re(a), CTX.re(b))
                return magnitude if int(p) % 2 == 0 else -magnitude
    return CTX.power(a, b)


def root(a, n):
    """The real ``n``-th root (cube roots of negatives stay real)."""
    if n == 3 and CTX.im(a) == 0 and a < 0:
        return -CTX.cbrt(-a)
    return CTX.power(a, 1 / n)


def round_to_int(fn, a):
    """Floor or ceiling (``fn`` is mpmath's) of a real value, exactly for a Fraction."""
    if isinstance(a, Fraction):
        return Fraction(math.floor(a) if fn is CTX.floor else math.ceil(a))
    return fn(_real(a))


def _real(a):
    if CTX.im(a) != 0:
        raise Unsupported("floor of a complex number")
    return CTX.re(a)


def binom(n, k):
    """Binomial coefficient of non-negative integers (bounded)."""
    if n != int(n) or k != int(k) or not 0 <= k <= n <= 10 * _MAX_FACT:
        raise Unsupported("binomial out of range")
    return Fraction(math.comb(int(n), int(k))) if isinstance(n, Fraction) else CTX.binomial(n, k)


def fact(a):
    """Factorial of a non-negative integer (bounded)."""
    if a != int(a) or a < 0 or a > _MAX_FACT:
        raise Unsupported("factorial out of range")
    return Fraction(math.factorial(int(a))) if isinstance(a, Fraction) else CTX.factorial(a)


def double_fact(a):
    """``n!! = n (n - 2) (n - 4) ...`` of an integer n >= -1 (bounded; (-1)!! = 0!! = 1)."""
    if a != int(a) or a < -1 or a > _MAX_FACT:
        raise Unsupported("double factorial out of range")
    value = math.prod(range(int(a), 0, -2))
    return Fraction(value) if isinstance(a, Fraction) else CTX.mpf(value)

