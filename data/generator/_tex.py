"""Small LaTeX helpers shared by the knowledge-point generators."""

from __future__ import annotations

from fractions import Fraction

from data.generator._answers import ftex


def poly(coeffs: list[int | Fraction], var: str = "x") -> str:
    """LaTeX of a polynomial from its coefficients, highest degree first: ``[1, -3, 2] -> x^2 - 3x + 2``."""
    deg = len(coeffs) - 1
    parts: list[str] = []
    for i, c in enumerate(coeffs):
        c = Fraction(c)
        if c == 0:
            continue
        p = deg - i
        mag = abs(c)
        if p == 0:
            body = ftex(mag)
        else:
            coef = "" if mag == 1 else ftex(mag)
            body = coef + (var if p == 1 else f"{var}^{{{p}}}" if p > 9 else f"{var}^{p}")
        if not parts:
            parts.append(("-" if c < 0 else "") + body)
        else:
            parts.append(("- " if c < 0 else "+ ") + body)
    return " ".join(parts) if parts else "0"


def paren(v: int | Fraction) -> str:
    """A number, parenthesised when negative (for substitutions like ``f(-2)``)."""
    t = ftex(v)
    return f"({t})" if Fraction(v) < 0 else t


def nth(n: int) -> str:
    """English ordinal in math mode: ``$1$st``, ``$22$nd``, ``$13$th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"${n}${suffix}"
