"""Sequence knowledge points: arithmetic and geometric sequences and series."""

from __future__ import annotations

import random
from fractions import Fraction

from data.generator._answers import Int, ftex, number
from data.generator._tex import nth


def _terms(first: Fraction, step, count: int, geometric: bool) -> str:
    vals, v = [], Fraction(first)
    for _ in range(count):
        vals.append(v)
        v = v * step if geometric else v + step
    return ", ".join(f"${ftex(x)}$" for x in vals)


def arithmetic_sequence(rng: random.Random, level: int):
    """Terms and sums of arithmetic sequences; longer and with more unknowns at higher levels."""
    m = (10, 20, 40, 80, 200)[level - 1]
    a, d = rng.randint(-m, m), rng.randint(-m // 2, m // 2) or 3
    n = rng.randint(5, (10, 30, 60, 100, 500)[level - 1])
    if level == 1:
        return f"The arithmetic sequence {_terms(a, d, 3, False)}, ... continues. What is its {nth(n)} term?", Int(
            a + (n - 1) * d
        )
    if level == 2:
        return (
            f"What is the sum of the first ${n}$ terms of the arithmetic sequence {_terms(a, d, 3, False)}, ...?",
            Int(n * (2 * a + (n - 1) * d) // 2),
        )
    if level == 3:
        i, j = sorted(rng.sample(range(2, 30), 2))
        return (
            f"In an arithmetic sequence the {nth(i)} term is ${a + (i - 1) * d}$ and the {nth(j)} term is "
            f"${a + (j - 1) * d}$. What is the {nth(n)} term?",
            Int(a + (n - 1) * d),
        )
    if level == 4:
        i, j = sorted(rng.sample(range(2, 40), 2))
        return (
            f"In an arithmetic sequence the {nth(i)} term is ${a + (i - 1) * d}$ and the {nth(j)} term is "
            f"${a + (j - 1) * d}$. What is the sum of the first ${n}$ terms of the sequence?",
            Int(n * (2 * a + (n - 1) * d) // 2),
        )
    d = abs(d) or 3
    last = a + (n - 1) * d
    return (
        f"The arithmetic sequence ${a}, {a + d}, {a + 2 * d}, \\ldots, {last}$ ends at ${last}$. "
        "What is the sum of all of its terms?",
        Int(n * (a + last) // 2),
    )


def geometric_sequence(rng: random.Random, level: int):
    """Terms and sums of geometric sequences and series, with fractional ratios at higher levels."""
    a = rng.randint(1, (5, 9, 12, 20, 30)[level - 1]) * rng.choice((1, -1) if level > 2 else (1,))
    if level <= 2:
        r, n = rng.randint(2, 2 + level), rng.randint(4, 8)
        if level == 1:
            return f"The geometric sequence {_terms(a, r, 3, True)}, ... continues. What is its {nth(n)} term?", Int(
                a * r ** (n - 1)
            )
        return (
            f"What is the sum of the first ${n}$ terms of the geometric sequence {_terms(a, r, 3, True)}, ...?",
            Int(a * (r**n - 1) // (r - 1)),
        )
    if level == 3:
        r = rng.choice((-3, -2, 2, 3, 4, 5))
        i, j = sorted(rng.sample(range(2, 10), 2))
        return (
            f"In a geometric sequence the {nth(i)} term is ${a * r ** (i - 1)}$ and the {nth(j)} term is "
            f"${a * r ** (j - 1)}$. What is the common ratio, given that it is {'positive' if r > 0 else 'negative'}?",
            Int(r),
        )
    q = rng.randint(2, 9 if level == 4 else 12)
    r = Fraction(rng.choice([p for p in range(-q + 1, q) if p]), q)
    if level == 4:
        return (
            f"What is the sum of the infinite geometric series {_terms(a, r, 3, True)}, ...?",
            number(a / (1 - r)),
        )
    n = rng.randint(4, 9)
    return (
        f"What is the sum of the first ${n}$ terms of the geometric sequence {_terms(a, r, 3, True)}, ...?",
        number(a * (1 - r**n) / (1 - r)),
    )
