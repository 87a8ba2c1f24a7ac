"""Functions and polynomials: evaluation, composition, and relations between roots and coefficients."""

from __future__ import annotations

import random
from fractions import Fraction

from data.generator._answers import Int, number
from data.generator._tex import paren, poly


def _eval(coeffs: list[int], x: int) -> int:
    v = 0
    for c in coeffs:
        v = v * x + c
    return v


def function_values(rng: random.Random, level: int):
    """Evaluate polynomials and compositions of functions; more layers and degree with level."""
    m = (5, 8, 10, 12, 15)[level - 1]
    deg = min(level, 3)
    f = [rng.randint(1, m)] + [rng.randint(-m, m) for _ in range(deg)]
    x = rng.randint(-m, m)
    if level <= 3:
        stem = rng.choice(("Let $f(x) = {}$. What is $f({})$?", "Given the function $f(x) = {}$, evaluate $f({})$."))
        return stem.format(poly(f), x), Int(_eval(f, x))
    g = [rng.randint(1, m)] + [rng.randint(-m, m) for _ in range(1)]
    x = rng.randint(-5, 5)
    if level == 4:
        return (
            f"Let $f(x) = {poly(f)}$ and $g(x) = {poly(g)}$. What is $f(g({paren(x)}))$?",
            Int(_eval(f, _eval(g, x))),
        )
    h = [rng.randint(1, 4), rng.randint(-m, m)]
    return (
        f"Let $f(x) = {poly(f)}$, $g(x) = {poly(g)}$ and $h(x) = {poly(h)}$. What is $f(g(h({paren(x)})))$?",
        Int(_eval(f, _eval(g, _eval(h, x)))),
    )


def root_relations(rng: random.Random, level: int):
    """Symmetric functions of the roots of a polynomial from its coefficients (Vieta's formulas)."""
    m = (9, 12, 20, 30, 40)[level - 1]
    a = rng.randint(1, 1 if level == 1 else 9)
    b, c = rng.randint(-m, m), rng.randint(-m, m) or 1
    quad = poly([a, b, c])
    if level == 1:
        return f"What is the sum of the roots of ${quad} = 0$?", number(Fraction(-b, a))
    if level == 2:
        return f"What is the product of the roots of the equation ${quad} = 0$?", number(Fraction(c, a))
    s, p = Fraction(-b, a), Fraction(c, a)
    if level == 3:
        return (
            f"Let $r$ and $s$ be the roots of ${quad} = 0$. What is $\\frac{{1}}{{r}} + \\frac{{1}}{{s}}$?",
            number(s / p),
        )
    if level == 4:
        return f"Let $r$ and $s$ be the roots of ${quad} = 0$. What is $r^2 + s^2$?", number(s * s - 2 * p)
    d = rng.randint(-m, m)
    cubic = poly([a, b, c, d])
    e1, e2 = Fraction(-b, a), Fraction(c, a)
    return (
        f"Let $r$, $s$ and $t$ be the roots of ${cubic} = 0$. What is $r^2 + s^2 + t^2$?",
        number(e1 * e1 - 2 * e2),
    )
