"""Answers the in-process path decides without a sympy worker: a rational function that cancels to
an exact zero (``x - (y - (y - x))`` against 0 cost 25-65 ms in a worker the first time) and a
congruence whose residue is the value stated (``3^{105}+4^{105} \\equiv 28 \\pmod{11}`` against 6 cost
over a second). Each verdict is also checked through ``verify``, which may use the worker."""

from __future__ import annotations

import pytest

import eval.checker._verify as verify_module
from eval.checker import verify
from tests._ids import plain_id

ROWS = [
    ("0", "x - (y - (y - x))", "correct"),
    ("0", "x^2*y^2 - (x*y)^2", "correct"),
    ("0", "x^2 y^3 z - y z y x^2 y", "correct"),
    ("1", "1 + \\frac{x}{y} - \\frac{x^2}{xy}", "correct"),
    ("0", "x - (y - (y - x)) + 10^{-70}", "incorrect"),
    ("0", "x^2 y^2 - (x y)^2 + (x - 3/4)^{40}", "incorrect"),
    # a residue at or above the modulus states no remainder: "1024 \\equiv 1024 \\pmod{7}" restates a
    # number and must not answer its remainder 2
    ("6", "3^{105}+4^{105} \\equiv 28 \\pmod{11}", "incorrect"),
    ("28", "3^{105}+4^{105} \\equiv 28 \\pmod{11}", "incorrect"),
    ("6", "3^{105}+4^{105} \\equiv 6 \\pmod{11}", "correct"),
    ("2", "3^{105}+4^{105} \\equiv 6 \\pmod{11}", "incorrect"),
    ("2", "1024 \\equiv 1024 \\pmod{7}", "incorrect"),
    # Names of physics answers: a power written before the subscript, primes, hbar and Greek subscripts.
    ("v_0^2/g", "\\frac{v^2_0}{g}", "correct"),
    ("v_0^3/g", "\\frac{v^2_0}{g}", "incorrect"),
    ("x_1^2", "x^{2}_1", "correct"),
    ("x^2", "x^2_1", "incorrect"),
    ("-\\frac{\\hbar \\omega_{L}}{c}", "-\\frac{\\omega_{L} \\hbar}{c}", "correct"),
    ("\\frac{1}{2} \\hbar \\omega_{L}^{\\prime} \\frac{v}{c}", "\\frac{\\hbar \\omega_L^\\prime v}{2c}", "correct"),
    ("\\frac{1}{2} \\hbar \\omega_{L}^{\\prime} \\frac{v}{c}", "\\frac{\\hbar \\omega_L v}{2c}", "incorrect"),
    ("x' + 1", "1 + x'", "correct"),
    ("x'", "x", "incorrect"),
    ("A^2", "A^3 A^{-1}", "correct"),
    # "\\sec^2 x" was normalized to "\\\\sec^2 x" (a second backslash), which only the sympy worker read.
    ("\\sec^2 x", "1+\\tan^2 x", "correct"),
    ("\\tan^2(y)+1", "\\sec^2(y)", "correct"),
    ("\\sec^2 x", "\\tan^2 x", "incorrect"),
    # A symbol's double factorial: n (n - 2) ..., decided at whole numbers (both paths had read n!! as (n!)!).
    ("(2n)!/(2^n n!)", "(2n-1)!!", "correct"),
    ("(2n)!/(2^n n!)", "(2n-1)!! \\cdot n!", "incorrect"),
    ("n!/(2n)", "(n-1)!!", "incorrect"),
    # A sum over a family x_i against a number: not equal, as the sympy worker decides (136-207 ms cold).
    ("0", "(\\sum_{i=1}^n x_i^n-(\\sum_{i=1}^n x_i)^n)^{1-\\frac{1}{n}}", "incorrect"),
    ("0", "\\sum_{i=1}^n i - \\frac{n(n+1)}{2}", "correct"),
    # Inequalities: the same relation when one positive side is a positive multiple of the other's.
    ("x^2-3a<0", "3x^2<9a", "correct"),
    ("x^2 \\le 2x", "2x \\ge x^2", "correct"),
    ("x \\le y", "y \\ge x", "correct"),
    ("|x|<2", "|x|<1", "incorrect"),
    ("5q < 9z", "-5q < -9z", "incorrect"),
    ("x \\geq 2", "x > 2", "incorrect"),
    ("x > 0", "x > 10^{-50}", "incorrect"),
    # A relation against a value: never equal (13-18 ms each in a worker, cold).
    ("x(n)<y(n-1)", "x(n)", "incorrect"),
    ("a \\ge 2", "a + 2", "incorrect"),
    ("2t", "t > 0", "incorrect"),
    # A power tower apart from 1 at the first sample point: the remaining points need not be evaluated.
    ("1", "x^{x^{x^{x^{x}}}}", "incorrect"),
]


@pytest.mark.parametrize("gold,pred,status", ROWS, ids=[plain_id(f"{g} vs {p}") for g, p, _ in ROWS])
def test_decided_in_process(gold, pred, status):
    assert verify_module._fast(gold, pred, None)[0] == status
    assert verify(gold, pred).status == status


@pytest.mark.parametrize("pred", ["\\sqrt{x^2} - x", "\\pi x - x \\pi + 10^{-70}"])
def test_a_side_with_no_exact_value_is_left_to_sympy(pred):
    """Exact re-evaluation is for rational functions only: a root or pi gives no decision in-process."""
    fast = verify_module._fast("0", pred, None)
    assert fast is None or fast[0] == verify("0", pred).status


def test_the_fast_decision_is_cached_for_a_repeated_answer():
    """One prompt's rollouts share its gold and often their final answer: the second is not decided again."""
    verify_module._fast.cache_clear()
    assert verify("\\frac{3}{7}", "So the answer is $\\boxed{\\frac{6}{14}}$.").status == "correct"
    misses = verify_module._fast.cache_info().misses
    assert verify("\\frac{3}{7}", "Simplifying, we get $\\frac{6}{14}$.\n\nAnswer: $\\frac{6}{14}$").status == "correct"
    info = verify_module._fast.cache_info()
    assert info.misses == misses and info.hits >= 1


def test_sample_points_are_fresh_dicts():
    from eval.checker._names import sample_fractions, sample_points, unit_points

    first = sample_points(["y", "x"])
    first[0]["x"] = 0  # a caller's change to its points must not reach the next caller
    assert sample_points(["x", "y"])[0]["x"] != 0 and sample_fractions({"x", "y"})[0]["x"] != 0
    assert [sorted(p) for p in unit_points(("x",))] == [["x"]] * 4
