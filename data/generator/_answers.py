"""Exact answer values of generated problems: LaTeX rendering, distractors, AIME-style integer forms.

Each answer kind knows how to write itself (``tex``), how to make a plausible wrong value of the same
kind for a multiple-choice distractor (``perturb``), and how to turn itself into an integer 0-999 with
an instruction appended to the problem (``aime``), or None where no natural form exists.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

_AIME_MAX = 999


def ftex(q: Fraction | int) -> str:
    """LaTeX of an exact rational: ``3``, ``-\\frac{3}{4}``."""
    q = Fraction(q)
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"


def number(q: Fraction | int) -> Int | Frac:
    """An :class:`Int` when ``q`` is whole, else a :class:`Frac`."""
    q = Fraction(q)
    return Int(q.numerator) if q.denominator == 1 else Frac(q)


def _bump(q: Fraction, rng: random.Random) -> Fraction:
    if q.denominator == 1:
        return q + rng.choice((-2, -1, 1, 2, 10)) if abs(q) < 20 else q + rng.choice((-10, -1, 1, 10, q))
    n, d = q.numerator, q.denominator
    pick = rng.randrange(6)
    if pick == 0:
        return Fraction(n + rng.choice((-2, -1, 1, 2)), d)
    if pick == 1:
        return Fraction(n, max(1, d + rng.choice((-2, -1, 1, 2))))
    if pick == 2:
        return -q
    if pick == 3:
        return 1 / q
    if pick == 4:
        return q * rng.choice((2, 3))
    return q + rng.choice((-1, 1))


@dataclass(frozen=True, slots=True)
class Int:
    """An integer answer."""

    value: int

    def tex(self) -> str:
        return str(self.value)

    def perturb(self, rng: random.Random) -> Int:
        v = self.value
        step = max(1, abs(v) // 10)
        return Int(v + rng.choice((-2, -1, 1, 2, -step, step, v if v else 3)))

    def aime(self) -> tuple[str, int] | None:
        v = self.value
        if 0 <= v <= _AIME_MAX:
            return "", v
        if v > _AIME_MAX:
            return " Find the remainder when this number is divided by 1000.", v % 1000
        if -v <= _AIME_MAX:
            return " Give the absolute value of your answer.", -v
        return None


@dataclass(frozen=True, slots=True)
class Frac:
    """A rational answer that is not a whole number."""

    value: Fraction

    def tex(self) -> str:
        return ftex(self.value)

    def perturb(self, rng: random.Random) -> Int | Frac:
        return number(_bump(self.value, rng))

    def aime(self) -> tuple[str, int] | None:
        q = self.value
        total = q.numerator + q.denominator
        if q <= 0 or total > _AIME_MAX:
            return None
        return (
            " The answer can be written as $\\frac{m}{n}$, where $m$ and $n$ are relatively prime "
            "positive integers. Find $m+n$.",
            total,
        )


def split_sqrt(n: int) -> tuple[int, int]:
    """Write ``sqrt(n)`` as ``a * sqrt(b)`` with ``b`` square-free; returns ``(a, b)``."""
    a, b = 1, n
    f = 2
    while f * f <= b:
        while b % (f * f) == 0:
            a *= f
            b //= f * f
        f += 1
    return a, b


@dataclass(frozen=True, slots=True)
class Radical:
    """``coef * sqrt(radicand)`` with ``radicand`` square-free and > 1 (``coef`` may be a fraction)."""

    coef: Fraction
    radicand: int

    def tex(self) -> str:
        c = Fraction(self.coef)
        root = f"\\sqrt{{{self.radicand}}}"
        if c.denominator == 1:
            return root if c == 1 else f"{c.numerator}{root}"
        top = root if c.numerator == 1 else f"{c.numerator}{root}"
        return f"\\frac{{{top}}}{{{c.denominator}}}"

    def perturb(self, rng: random.Random) -> Radical:
        if rng.random() < 0.5:
            coef = _bump(Fraction(self.coef), rng)
            return Radical(coef if coef > 0 else Fraction(self.coef) + 1, self.radicand)
        b = rng.choice([r for r in (2, 3, 5, 6, 7, 10, 11, 13) if r != self.radicand])
        return Radical(self.coef, b)

    def aime(self) -> tuple[str, int] | None:
        c = Fraction(self.coef)
        if c.denominator != 1 or c.numerator + self.radicand > _AIME_MAX:
            return None
        return (
            " The answer can be written as $a\\sqrt{b}$, where $a$ and $b$ are positive integers and $b$ "
            "is not divisible by the square of any prime. Find $a+b$.",
            c.numerator + self.radicand,
        )


def radical(n: int, coef: Fraction | int = 1) -> Int | Frac | Radical:
    """The exact value of ``coef * sqrt(n)``, simplified."""
    a, b = split_sqrt(n)
    c = Fraction(coef) * a
    return number(c) if b == 1 else Radical(c, b)


@dataclass(frozen=True, slots=True)
class PiMultiple:
    """``coef * pi`` with rational ``coef``."""

    coef: Fraction

    def tex(self) -> str:
        c = Fraction(self.coef)
        top = "\\pi" if abs(c.numerator) == 1 else f"{abs(c.numerator)}\\pi"
        sign = "-" if c < 0 else ""
        return f"{sign}{top}" if c.denominator == 1 else f"{sign}\\frac{{{top}}}{{{c.denominator}}}"

    def perturb(self, rng: random.Random) -> PiMultiple:
        c = Fraction(self.coef)
        new = rng.choice((c * 2, c / 2, c + 1, _bump(c, rng)))
        return PiMultiple(new if new > 0 else c + 2)

    def aime(self) -> tuple[str, int] | None:
        c = Fraction(self.coef)
        if c <= 0:
            return None
        if c.denominator == 1:
            return (" The answer can be written as $k\\pi$. Find $k$.", c.numerator) if c <= _AIME_MAX else None
        total = c.numerator + c.denominator
        if total > _AIME_MAX:
            return None
        return (
            " The answer can be written as $\\frac{m}{n}\\pi$, where $m$ and $n$ are relatively prime "
            "positive integers. Find $m+n$.",
            total,
        )


@dataclass(frozen=True, slots=True)
class Interval:
    """An interval; ``None`` endpoints are infinite."""

    lo: Fraction | None
    hi: Fraction | None
    lo_closed: bool = False
    hi_closed: bool = False

    def tex(self) -> str:
        left = "(-\\infty" if self.lo is None else ("[" if self.lo_closed else "(") + ftex(self.lo)
        right = "\\infty)" if self.hi is None else ftex(self.hi) + ("]" if self.hi_closed else ")")
        return f"{left}, {right}"

    def perturb(self, rng: random.Random) -> Interval:
        # Wrong endpoint (shifted or sign-flipped) and/or wrong bracket, or the complementary direction.
        lo, hi = self.lo, self.hi
        if (lo is None) != (hi is None) and rng.random() < 0.25:
            end = hi if lo is None else lo
            return Interval(None, end, False, self.lo_closed) if hi is None else Interval(end, None, self.hi_closed)
        shift = Fraction(rng.choice((-2, -1, 0, 0, 1, 2)))
        lo = None if lo is None else (-lo if shift == 0 and lo and rng.random() < 0.5 else lo + shift)
        hi = None if hi is None else hi + shift
        if lo is not None and hi is not None and lo >= hi:
            lo, hi = hi - 1, hi
        flip_lo, flip_hi = rng.random() < 0.5, rng.random() < 0.5
        return Interval(lo, hi, self.lo_closed ^ flip_lo, self.hi_closed ^ flip_hi)

    def aime(self) -> tuple[str, int] | None:
        if self.lo is None or self.hi is None:
            return None
        return _length_aime(self.hi - self.lo)


def _length_aime(length: Fraction) -> tuple[str, int] | None:
    inner = number(length).aime()
    if inner is None:
        return None
    return " Give the length of this interval." + inner[0], inner[1]


@dataclass(frozen=True, slots=True)
class Tuple:
    """An ordered tuple of rationals, e.g. the solution ``(x, y)`` of a system."""

    values: tuple[Fraction, ...]

    def tex(self) -> str:
        return "(" + ", ".join(ftex(v) for v in self.values) + ")"

    def perturb(self, rng: random.Random) -> Tuple:
        vals = list(self.values)
        if len(set(vals)) > 1 and rng.random() < 0.4:
            return Tuple(tuple(reversed(vals)))
        i = rng.randrange(len(vals))
        vals[i] = _bump(Fraction(vals[i]), rng)
        return Tuple(tuple(vals))

    def aime(self) -> tuple[str, int] | None:
        s = sum(self.values, Fraction(0))
        if s.denominator != 1 or not 0 <= s <= _AIME_MAX:
            return None
        return " Give the sum of the coordinates of the solution.", int(s)


@dataclass(frozen=True, slots=True)
class SetOf:
    """A finite set of rationals (written in increasing order)."""

    values: tuple[Fraction, ...]

    def tex(self) -> str:
        return "\\{" + ", ".join(ftex(v) for v in sorted(self.values)) + "\\}"

    def perturb(self, rng: random.Random) -> SetOf:
        vals = list(self.values)
        i = rng.randrange(len(vals))
        vals[i] = _bump(Fraction(vals[i]), rng)
        if len(set(vals)) < len(vals) or rng.random() < 0.2:
            vals = [-v for v in self.values]
        return SetOf(tuple(sorted(set(vals))))

    def aime(self) -> tuple[str, int] | None:
        s = sum((v * v for v in self.values), Fraction(0))
        if s.denominator != 1 or s > _AIME_MAX:
            return None
        return " Give the sum of the squares of all solutions.", int(s)


Answer = Int | Frac | Radical | PiMultiple | Interval | Tuple | SetOf


def gcd_all(*xs: int) -> int:
    """Greatest common divisor of several integers."""
    g = 0
    for x in xs:
        g = math.gcd(g, x)
    return g
