"""Algebra knowledge points: linear equations, quadratics, linear systems, inequalities."""

from __future__ import annotations

import random
from fractions import Fraction

from data.generator._answers import Interval, SetOf, Tuple, number
from data.generator._tex import poly


def _nz(rng: random.Random, lo: int, hi: int) -> int:
    v = 0
    while v == 0:
        v = rng.randint(lo, hi)
    return v


def linear_equation(rng: random.Random, level: int):
    """Solve a linear equation in one unknown; more terms and bigger coefficients with level."""
    m = (5, 12, 25, 60, 150)[level - 1]
    if level == 1:
        x, a = rng.randint(-m, m), _nz(rng, 1, 9)
        b = rng.randint(-m, m)
        eq = f"{poly([a, b])} = {a * x + b}"
        ans = Fraction(x)
    elif level == 2:
        a, b, c = _nz(rng, 2, m), rng.randint(-m, m), rng.randint(-m, m)
        eq = f"{poly([a, b])} = {c}"
        ans = Fraction(c - b, a)
    elif level in (3, 4):
        a, c = _nz(rng, -m, m), _nz(rng, -m, m)
        while c == a:
            c = _nz(rng, -m, m)
        b, d = rng.randint(-m, m), rng.randint(-m, m)
        if level == 3:
            eq = f"{poly([a, b])} = {poly([c, d])}"
            ans = Fraction(d - b, a - c)
        else:
            k, e = _nz(rng, 2, 9), _nz(rng, 2, 9)
            # k(ax + b) = e(cx + d)
            eq = f"{k}({poly([a, b])}) = {e}({poly([c, d])})"
            if k * a == e * c:
                return linear_equation(rng, level)
            ans = Fraction(e * d - k * b, k * a - e * c)
    else:
        p, q = rng.sample(range(2, 13), 2)
        b, c, r = rng.randint(1, m), rng.randint(1, m), _nz(rng, -m, m)
        # (x + b)/p + (x - c)/q = r  =>  x (1/p + 1/q) = r - b/p + c/q
        eq = f"\\frac{{x + {b}}}{{{p}}} + \\frac{{x - {c}}}{{{q}}} = {r}"
        ans = (r - Fraction(b, p) + Fraction(c, q)) / (Fraction(1, p) + Fraction(1, q))
    stem = rng.choice(("Solve for $x$: ${}$.", "Find the value of $x$ that satisfies the equation ${}$."))
    return stem.format(eq), number(ans)


def quadratic_roots(rng: random.Random, level: int):
    """Find all real roots of a factorable quadratic; rational roots and larger values at high levels."""
    m = (5, 10, 12, 20, 40)[level - 1]
    r1 = rng.randint(-m, m)
    r2 = rng.randint(-m, m)
    while r2 == r1:
        r2 = rng.randint(-m, m)
    if level <= 2:
        coeffs = [1, -(r1 + r2), r1 * r2]
        roots = (Fraction(r1), Fraction(r2))
    else:
        # (p x - r1)(q x - r2) with p, q > 1 at the top levels: rational roots.
        p = rng.randint(1, 3 if level == 3 else 7)
        q = rng.randint(2, 5 if level < 5 else 9)
        coeffs = [p * q, -(p * r2 + q * r1), r1 * r2]
        roots = (Fraction(r1, p), Fraction(r2, q))
        if roots[0] == roots[1]:
            return quadratic_roots(rng, level)
    stem = rng.choice(
        (
            "Find all real solutions of the quadratic equation ${} = 0$. Give your answer as a set.",
            "Determine the set of all real roots of the quadratic equation ${} = 0$.",
        )
    )
    return stem.format(poly(coeffs)), SetOf(tuple(sorted(roots)))


def linear_system(rng: random.Random, level: int):
    """Solve a 2x2 linear system for the ordered pair (x, y)."""
    m = (6, 10, 15, 30, 60)[level - 1]
    c = (2, 5, 9, 15, 25)[level - 1]
    while True:
        a1, b1, a2, b2 = (rng.randint(-c, c) for _ in range(4))
        if level == 1:
            a1, b1, a2, b2 = 1, 1, 1, -1
        det = a1 * b2 - a2 * b1
        if det != 0:
            break
    if level < 5:
        x, y = rng.randint(-m, m), rng.randint(-m, m)
        e1, e2 = a1 * x + b1 * y, a2 * x + b2 * y
    else:
        e1, e2 = rng.randint(-m, m), rng.randint(-m, m)
    sol = (Fraction(e1 * b2 - e2 * b1, det), Fraction(a1 * e2 - a2 * e1, det))
    eq1 = f"{_lin2(a1, b1)} = {e1}"
    eq2 = f"{_lin2(a2, b2)} = {e2}"
    stem = rng.choice(
        (
            "Solve the system of equations ${}$ and ${}$. Give your answer as an ordered pair $(x, y)$.",
            "Find the ordered pair $(x, y)$ satisfying both ${}$ and ${}$.",
        )
    )
    return stem.format(eq1, eq2), Tuple(sol)


def _lin2(a: int, b: int) -> str:
    left = poly([a, 0]) if a else ""
    right = poly([b, 0], "y") if b else ""
    if not left:
        return right or "0"
    if not right:
        return left
    return f"{left} - {right[1:]}" if right.startswith("-") else f"{left} + {right}"


def inequality(rng: random.Random, level: int):
    """Solve an inequality and write the solution set in interval notation."""
    m = (9, 20, 30, 50, 100)[level - 1]
    if level == 1:
        a, b = rng.randint(-m, m), rng.randint(-m, m)
        rel = rng.choice((">", "\\ge"))
        text, ans = f"x {'+' if a >= 0 else '-'} {abs(a)} {rel} {b}", Interval(Fraction(b - a), None, rel != ">")
    elif level <= 3:
        a = _nz(rng, 2, 9) * (1 if level == 2 else -1)
        b, c = rng.randint(-m, m), rng.randint(-m, m)
        rel = rng.choice(("<", "\\le"))
        bound = Fraction(c - b, a)
        closed = rel == "\\le"
        ans = Interval(None, bound, False, closed) if a > 0 else Interval(bound, None, closed)
        text = f"{poly([a, b])} {rel} {c}"
    elif level == 4:
        a, b = rng.randint(-m, m), rng.randint(1, m)
        rel = rng.choice(("<", "\\le"))
        closed = rel == "\\le"
        ans = Interval(Fraction(a - b), Fraction(a + b), closed, closed)
        text = f"|x {'-' if a >= 0 else '+'} {abs(a)}| {rel} {b}"
    else:
        r1, r2 = sorted(rng.sample(range(-m, m + 1), 2))
        p = rng.randint(1, 4)
        rel = rng.choice(("<", "\\le"))
        closed = rel == "\\le"
        # p(x - r1)(x - r2) <= 0 holds between the roots.
        text = f"{poly([p, -p * (r1 + r2), p * r1 * r2])} {rel} 0"
        ans = Interval(Fraction(r1), Fraction(r2), closed, closed)
    stem = rng.choice(
        (
            "Solve the inequality ${}$. Express your answer in interval notation.",
            "Find all real $x$ such that ${}$. Write the solution set in interval notation.",
        )
    )
    return stem.format(text), ans
