"""Arithmetic: the math-style knowledge points and the ``arith`` tier a tiny model can learn."""

from __future__ import annotations

import random
from fractions import Fraction

from data.generator._answers import Int, ftex, number


def order_of_operations(rng: random.Random, level: int):
    """Evaluate an expression with mixed operations and parentheses; more terms at higher levels."""
    m = (9, 12, 20, 30, 50)[level - 1]
    n_terms = level + 2
    value = rng.randint(1, m)
    text = str(value)
    for i in range(n_terms - 1):
        op = rng.choice("+-*")
        b = rng.randint(1, m)
        if op == "*" and level >= 3 and rng.random() < 0.5 and i > 0:
            text, value = f"({text}) \\times {b}", value * b
        elif op == "*":
            # Multiplication binds to the last operand only: keep the exact value with a two-term tail.
            c = rng.randint(1, m)
            text, value = f"{text} + {b} \\times {c}", value + b * c
        elif op == "+":
            text, value = f"{text} + {b}", value + b
        else:
            text, value = f"{text} - {b}", value - b
    return f"Compute the value of the expression ${text}$.", Int(value)


def fraction_arithmetic(rng: random.Random, level: int):
    """Add, subtract and multiply fractions exactly; more and larger fractions with level."""
    dmax = (6, 10, 12, 16, 24)[level - 1]
    count = 2 if level <= 3 else level - 1
    fracs = [Fraction(rng.randint(1, dmax), rng.randint(2, dmax)) for _ in range(count)]
    ops = [rng.choice("+-" if level <= 2 else "+-*") for _ in range(count - 1)]
    value, text = fracs[0], ftex(fracs[0])
    for op, f in zip(ops, fracs[1:], strict=True):
        value = value + f if op == "+" else value - f if op == "-" else value * f
        sym = "\\times" if op == "*" else op
        text = f"\\left({text}\\right) {sym} {ftex(f)}" if op == "*" else f"{text} {sym} {ftex(f)}"
    return f"Simplify ${text}$ to a single fraction in lowest terms.", number(value)


# ---- the arith tier: short text, small numbers, integer answers -------------------------------------

_DIGITS = ((1, 1), (2, 1), (2, 2), (3, 2), (3, 3))


def _operand(rng: random.Random, digits: int) -> int:
    return rng.randint(0 if digits == 1 else 10 ** (digits - 1), 10**digits - 1)


def arith_add(rng: random.Random, level: int):
    """Add two numbers; operands grow from one digit to three."""
    da, db = _DIGITS[level - 1]
    a, b = _operand(rng, da), _operand(rng, db)
    return f"What is {a} + {b}?", Int(a + b)


def arith_sub(rng: random.Random, level: int):
    """Subtract two numbers; negative results from level 4."""
    da, db = _DIGITS[level - 1]
    a, b = _operand(rng, da), _operand(rng, db)
    if level < 4 and b > a:
        a, b = b, a
    return f"What is {a} - {b}?", Int(a - b)


def arith_mul(rng: random.Random, level: int):
    """Multiply two numbers; from times tables to three digits by two."""
    da, db = ((1, 1), (2, 1), (2, 1), (2, 2), (3, 2))[level - 1]
    lo = 2 if level > 2 else 0
    a, b = max(lo, _operand(rng, da)), max(lo, _operand(rng, db))
    return f"What is {a} * {b}?", Int(a * b)


def arith_max(rng: random.Random, level: int):
    """Pick the largest of a few numbers; more and longer numbers with level."""
    count = (2, 2, 3, 4, 5)[level - 1]
    digits = (1, 2, 2, 3, 3)[level - 1]
    nums = rng.sample(range(0 if digits == 1 else 10 ** (digits - 1), 10**digits), count)
    if level == 5:
        nums = [n if rng.random() < 0.5 else -n for n in nums]
    return f"Which is largest: {', '.join(map(str, nums))}?", Int(max(nums))
