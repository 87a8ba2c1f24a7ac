"""Geometry knowledge points: circles (multiples of pi), distances (radicals), polygons."""

from __future__ import annotations

import random
from fractions import Fraction

from data.generator._answers import Int, PiMultiple, number, radical


def circles(rng: random.Random, level: int):
    """Areas and lengths of circles, sectors and rings; answers are exact multiples of pi."""
    m = (6, 12, 20, 30, 50)[level - 1]
    r = rng.randint(1, m)
    if level == 1:
        return f"What is the area of a circle with radius ${r}$? Express your answer in terms of $\\pi$.", (
            PiMultiple(Fraction(r * r))
        )
    if level == 2:
        d = rng.randint(1, m)
        return (
            f"A circle has diameter ${d}$. What is the area of the circle, in terms of $\\pi$?",
            PiMultiple(Fraction(d * d, 4)),
        )
    if level == 3:
        c = 2 * r
        return (
            f"A circle has circumference ${c}\\pi$. What is the area of the circle, in terms of $\\pi$?",
            PiMultiple(Fraction(r * r)),
        )
    if level == 4:
        angle = rng.choice((20, 30, 40, 45, 60, 72, 80, 90, 100, 120, 135, 150, 210, 240, 270, 300))
        return (
            f"A sector of a circle with radius ${r}$ has a central angle of ${angle}^\\circ$. What is the "
            "area of the sector, in terms of $\\pi$?",
            PiMultiple(Fraction(angle * r * r, 360)),
        )
    r2 = rng.randint(r + 1, m + 10)
    angle = rng.choice((45, 60, 90, 120, 150, 270))
    return (
        f"A ring is bounded by concentric circles with radii ${r}$ and ${r2}$. What is the area of the part "
        f"of the ring inside a central angle of ${angle}^\\circ$, in terms of $\\pi$?",
        PiMultiple(Fraction(angle * (r2 * r2 - r * r), 360)),
    )


def distances(rng: random.Random, level: int):
    """Lengths from the Pythagorean theorem; answers are simplified radicals."""
    m = (6, 12, 20, 40, 80)[level - 1]
    if level == 1:
        a, b = rng.randint(1, m), rng.randint(1, m)
        return f"A right triangle has legs of lengths ${a}$ and ${b}$. How long is its hypotenuse?", radical(
            a * a + b * b
        )
    if level == 2:
        c = rng.randint(2, m + 4)
        a = rng.randint(1, c - 1)
        return (
            f"A right triangle has hypotenuse ${c}$ and one leg ${a}$. How long is the other leg?",
            radical(c * c - a * a),
        )
    if level == 3 and rng.random() < 0.5:
        s = rng.randint(2, 3 * m)
        if rng.random() < 0.5:
            return (
                f"An equilateral triangle has side length ${s}$. What is the length of its altitude?",
                radical(3, Fraction(s, 2)),
            )
        return f"An equilateral triangle has side length ${s}$. What is its area?", radical(3, Fraction(s * s, 4))
    if level == 3:
        x1, y1, x2, y2 = (rng.randint(-m, m) for _ in range(4))
        if (x1, y1) == (x2, y2):
            x2 += 1
        return (
            f"What is the distance between the points $({x1}, {y1})$ and $({x2}, {y2})$?",
            radical((x1 - x2) ** 2 + (y1 - y2) ** 2),
        )
    if level == 4:
        a, b, c = (rng.randint(1, m) for _ in range(3))
        return (
            f"A rectangular box measures ${a}$ by ${b}$ by ${c}$. How long is the diagonal of the box from "
            "one corner to the opposite corner?",
            radical(a * a + b * b + c * c),
        )
    p = [rng.randint(-m, m) for _ in range(6)]
    if p[:3] == p[3:]:
        p[0] += 1
    return (
        f"What is the distance between the points $({p[0]}, {p[1]}, {p[2]})$ and $({p[3]}, {p[4]}, {p[5]})$ "
        "in space?",
        radical(sum((p[i] - p[i + 3]) ** 2 for i in range(3))),
    )


def polygons(rng: random.Random, level: int):
    """Angles and diagonals of polygons; solving backwards from the answer at higher levels."""
    if level == 1:
        n = rng.randint(3, 10)
        return f"What is the sum of the interior angles of a convex polygon with ${n}$ sides, in degrees?", Int(
            180 * (n - 2)
        )
    if level == 2:
        n = rng.randint(8, 50)
        return f"How many diagonals does a convex polygon with ${n}$ sides have?", Int(n * (n - 3) // 2)
    if level == 3:
        n = rng.randint(5, 30)
        return (
            f"What is the measure, in degrees, of each interior angle of a regular polygon with ${n}$ sides?",
            number(Fraction(180 * (n - 2), n)),
        )
    if level == 4:
        n = rng.randint(20, 200)
        return (
            f"The interior angles of a convex polygon add up to ${180 * (n - 2)}^\\circ$. How many sides does "
            "the polygon have?",
            Int(n),
        )
    n = rng.randint(40, 400)
    return (
        f"A convex polygon has exactly ${n * (n - 3) // 2}$ diagonals. How many sides does the polygon have?",
        Int(n),
    )
