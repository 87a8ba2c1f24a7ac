"""Direct tables for the checker's fast paths, each row with the reason it must hold.

``verify()`` falls back to sympy when a fast path says "not equal", so an error there can hide behind
the fallback; these tables call the fast paths themselves: ``fast_number``, ``numbers_equal``,
``rel_close`` and the terminating-decimal test (``_numbers``), and ``fast_scalar_equal``, the base
numerals, ratios and ``compare_nodes`` on parsed structures (``_compare``).
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from eval.checker._compare import NeedsSympy, _base_equal, _ratio_equal, compare_nodes, fast_scalar_equal
from eval.checker._numbers import REL_TOL, FastNumber, _terminates, fast_number, numbers_equal, rel_close
from eval.checker._parse import parse_structure
from tests._ids import plain_id

# (text, value or None, exact, why)
FAST_NUMBER = [
    ("42", F(42), True, "an integer is exact"),
    ("-7", F(-7), True, "a signed integer"),
    ("+3", F(3), True, "a plus sign is allowed"),
    ("0.25", F(1, 4), False, "a decimal is read exactly but marked inexact (it may be rounded)"),
    (".5", F(1, 2), False, "a decimal without a leading zero"),
    ("3.", F(3), False, "a trailing point still marks a decimal"),
    ("1.5e3", F(1500), False, "scientific notation, lower-case e"),
    ("2E-2", F(1, 50), False, "scientific notation, negative exponent"),
    (r"3\times10^{4}", F(30000), False, r"\times 10^{n}"),
    (r"3\cdot10^4", F(30000), False, r"\cdot 10^n without braces"),
    ("6*10^-1", F(3, 5), False, "a plain-text power of ten"),
    ("1e300", F(10) ** 300, False, "the largest exponent read"),
    ("1e301", None, None, "exponents past 300 are not expanded (a huge number is not a plain number)"),
    ("1e-301", None, None, "nor tiny ones"),
    ("10^{3}", F(1000), True, "a bare power of ten is exact"),
    ("10^-2", F(1, 100), True, "a negative power of ten"),
    ("10^{300}", F(10) ** 300, True, "the largest power read"),
    ("10^{301}", None, None, "powers past 300 are left to sympy"),
    (r"\frac{3}{4}", F(3, 4), True, "a LaTeX fraction"),
    (r"-\frac{3}{4}", F(-3, 4), True, "a minus sign before the fraction"),
    (r"+\frac{3}{4}", F(3, 4), True, "a plus sign before the fraction"),
    (r"\frac{1.5}{3}", F(1, 2), False, "a decimal inside a fraction makes it inexact"),
    (r"\frac{3}{1.5}", F(2), False, "a decimal denominator too"),
    (r"\frac{3}{0}", None, None, "a zero denominator is no number"),
    (r"\frac{3}{1}", F(3), True, "a denominator of one"),
    (r"2\frac{1}{3}", F(7, 3), True, "a mixed number is its sum"),
    (r"-2\frac{1}{3}", F(-7, 3), True, "a negative mixed number subtracts the fraction"),
    (r"2\frac{3}{2}", None, None, "an improper mixed number is no mixed number (it may be a product)"),
    (r"2\frac{2}{2}", None, None, "nor is one whose fraction is a whole"),
    (r"2\frac{1}{0}", None, None, "a zero denominator"),
    (r"2\frac{0}{1}", F(2), True, "a zero fraction over one"),
    ("3/4", F(3, 4), True, "a plain-text fraction"),
    ("1.5/3", F(1, 2), False, "a decimal numerator makes it inexact"),
    ("3/1.5", F(2), False, "a decimal denominator makes it inexact"),
    ("0.5/0.25", F(2), False, "both decimal"),
    ("3/0", None, None, "a zero denominator"),
    ("3/1", F(3), True, "a plain denominator of one"),
    ("(3)/(4)", F(3, 4), True, "a parenthesised fraction"),
    ("", None, None, "nothing"),
    ("1" * 401, None, None, "more than 400 characters are not read here"),
    ("x", None, None, "a letter is no number"),
    ("3/4/5", None, None, "a chain of divisions is left to the parser"),
]


@pytest.mark.parametrize("text,value,exact,why", FAST_NUMBER, ids=[plain_id(r[3][:40]) for r in FAST_NUMBER])
def test_fast_number(text, value, exact, why):
    got = fast_number(text)
    if value is None:
        assert got is None, why
    else:
        assert got == FastNumber(value, exact) and (got.value, got.exact) == (value, exact), why


def test_fast_number_limits_are_at_the_edges():
    assert fast_number("1" * 400) == FastNumber(F(int("1" * 400)), True)  # exactly 400 characters is read
    assert fast_number("1e-300") == FastNumber(F(1, 10**300), False)
    assert fast_number("10^{-300}") == FastNumber(F(1, 10**300), True)


# (denominator of 1/d, terminates, why)
TERMINATES = [
    (1, True, "an integer"),
    (2, True, "a power of two"),
    (4, True, "a higher power of two: every 2 must be divided out"),
    (5, True, "a power of five"),
    (10, True, "two and five"),
    (80, True, "2^4 * 5"),
    (125, True, "a higher power of five"),
    (3, False, "a third repeats"),
    (6, False, "2 * 3 repeats"),
    (7, False, "a seventh repeats"),
    (12, False, "4 * 3 repeats"),
    (15, False, "5 * 3 repeats"),
    (5**30, True, "a power of five past float precision: divided exactly, as an integer"),
    (2**70 * 3, False, "a large power of two times three"),
]


@pytest.mark.parametrize("d,expected,why", TERMINATES, ids=[plain_id(r[2]) for r in TERMINATES])
def test_terminating_decimal(d, expected, why):
    assert _terminates(F(1, d)) is expected, why
    assert _terminates(F(3, d)) is (expected or d % 3 == 0 and _terminates(F(1, d // 3))), why


def _n(text):
    n = fast_number(text)
    assert n is not None, text
    return n


# (a, b, equal, why)
NUMBERS_EQUAL = [
    ("1/2", "0.5", True, "same value, one form inexact"),
    ("1/3", "0.3333333", True, "a rounded decimal of a repeating value, within 1e-6"),
    ("2/3", "0.6666667", True, "rounded up, within 1e-6"),
    ("2/3", "0.667", False, "rounded too coarsely: outside 1e-6"),
    ("1/4", "0.2500001", False, "1/4 terminates: a decimal must match it exactly"),
    ("1/5", "0.2000001", False, "1/5 terminates too"),
    ("1/80", "0.0125001", False, "2^4 * 5 terminates"),
    ("1/6", "0.1666667", True, "1/6 repeats: the rounding is accepted"),
    ("0.333333", "0.333334", False, "two decimals must be equal exactly"),
    ("1/3", "1/3.0000001", True, "a fraction with a decimal in it is inexact: within 1e-6 of 1/3"),
    ("0.5/1.5", "0.3333333", False, "two inexact forms are compared exactly"),
    ("0.5/3", "0.1666667", False, "a decimal fraction is inexact: two inexact forms must be equal"),
    ("1/3", "3/9", True, "equal exact values"),
    ("1/3", "2/6", True, "equal exact values"),
    ("1/3", "1/4", False, "two exact values differ"),
    ("1000000/3", "333333.33", True, "a large repeating value, rounded within 1e-6 relative"),
    ("1000000/3", "333000", False, "the same value, far off"),
    ("1/30000", "0.0000333", False, "relative tolerance: a tiny value gets no absolute slack"),
    ("-1/3", "-0.3333333", True, "signs agree"),
    ("-1/3", "0.3333333", False, "signs differ"),
]


@pytest.mark.parametrize("a,b,expected,why", NUMBERS_EQUAL, ids=[plain_id(r[3][:40]) for r in NUMBERS_EQUAL])
def test_numbers_equal(a, b, expected, why):
    assert numbers_equal(_n(a), _n(b)) is expected, why
    assert numbers_equal(_n(b), _n(a)) is expected, f"symmetric: {why}"


TOL = F(REL_TOL)

# (x, y, close, why)
REL_CLOSE = [
    (F(0), F(0), True, "equal values are close, zero included"),
    (F(1) - TOL, F(1), True, "a difference of exactly tol * max is close (the bound is inclusive)"),
    (F(1) - TOL * F(1001, 1000), F(1), False, "just past the bound"),
    (F(1, 10000), F(2, 10000), False, "tiny values are not lumped together (relative, never absolute)"),
    (F(10**9), F(10**9) + 999, True, "large values: the slack scales up with the larger value"),
    (F(10**9), F(10**9) + 1001, False, "but no further"),
    (F(-1), F(1), False, "opposite signs"),
    (F(-1) + TOL / 2, F(-1), True, "negative values use their size"),
]


@pytest.mark.parametrize("x,y,expected,why", REL_CLOSE, ids=[plain_id(r[3][:40]) for r in REL_CLOSE])
def test_rel_close(x, y, expected, why):
    assert rel_close(x, y) is expected, why
    assert rel_close(y, x) is expected, f"symmetric: {why}"


def test_rel_close_takes_another_tolerance():
    assert rel_close(F(100), F(101), tol=0.01)
    assert not rel_close(F(100), F(102), tol=0.01)


# (gold, prediction, equal or None for "neither is a numeral in a base", why)
BASES = [
    ("1011_2", "1011_2", True, "the same numeral"),
    ("1011_2", "1011_{2}", True, "braces around the base"),
    ("2A_{12}", "2A_{12}", True, "letter digits on both sides"),
    ("1011_2", "1011_3", False, "the same digits in another base"),
    ("1011_2", "111_2", False, "other digits in the same base"),
    ("2A_{12}", "2a", True, "the digits without the base, in either case"),
    ("2A_{12}", "2A_{16}", False, "digit letters in another base"),
    ("1011_2", "1011", True, "the digits without the base"),
    ("1011_2", "11", True, "the value in base ten"),
    ("11", "1011_2", True, "the value in base ten, the other way round"),
    ("1011_2", "12", False, "a wrong value in base ten"),
    ("1011_2", "1010", False, "other digits without the base"),
    ("1011_2", "x", False, "not a number at all"),
    ("29_2", "29", True, "the digits repeated (though 9 is no binary digit)"),
    ("29_2", "11", False, "9 is no digit in base 2: no base-ten value"),
    ("12_40", "42", False, "base 40 is outside 2..36: no base-ten value"),
    ("12", "12", None, "no numeral in a base"),
]


@pytest.mark.parametrize("gold,pred,expected,why", BASES, ids=[plain_id(r[3][:40]) for r in BASES])
def test_base_numerals(gold, pred, expected, why):
    assert _base_equal(gold, pred) is expected, why


RATIOS = [
    ("3:5", "3:5", True, "the same ratio"),
    ("3:5", "6:10", True, "proportional parts"),
    ("3:5", "5:3", False, "order matters"),
    ("3:5", "3:6", False, "not proportional"),
    ("1:2:3", "2:4:6", True, "three parts"),
    ("1:2:3", "1:2", False, "a different number of parts"),
    ("3:5", "3", False, "a ratio never equals a single number"),
    ("0.6", "3:5", False, "nor the other way round"),
    ("12:00", "12:00", True, "a time of day: the same reading"),
    ("12:00", "24:00", False, "a time of day is not scaled"),
    ("0:0", "0:0", True, "the same reading"),
    ("1.5:2", "3:4", True, "decimal parts"),
    ("3", "5", None, "no ratio"),
    ("3 : 5", "6:10", True, "spaces around the colon are ignored on the gold's side"),
    ("6:10", "3 : 5", True, "and on the prediction's"),
    ("3:5", "x", False, "a ratio is not a word (and reading one does not fail)"),
    ("x", "3:5", False, "either way round"),
    ("12 : 00", "24:00", False, "a time of day written with spaces is still not scaled"),
    ("24:00", "12 : 00", False, "on either side"),
    ("12 : 00", "12:00", True, "a time of day with spaces is the same reading"),
    ("12:00", "12 : 00", True, "on either side"),
]


@pytest.mark.parametrize("gold,pred,expected,why", RATIOS, ids=[plain_id(r[3][:40]) for r in RATIOS])
def test_ratios(gold, pred, expected, why):
    assert _ratio_equal(gold, pred) is expected, why


# (gold, prediction, equal, why); NeedsSympy rows raise instead
SCALARS = [
    ("5", "5", True, "identical text"),
    (r"\infty", r"+\infty", True, "a plus sign before infinity"),
    (r"\infty", r"-\infty", False, "the sign of infinity matters"),
    (r"-\infty", r"\infty", False, "either way"),
    (r"+\infty", r"\infty", True, "a plus sign on the gold's side"),
    (r"\infty", "5", False, "infinity is no number"),
    ("1011_2", "11", True, "base numerals are compared before anything else"),
    ("3:5", "6:10", True, "ratios"),
    ("Tuesday", "tuesday", True, "words compare without case"),
    ("odd", "even", False, "different words"),
    ("odd", "5", False, "a word against a number is decided as text"),
    ("5", "odd", False, "either way round"),
    ("odd", "d*o*d", False, "a word is not a product of its letters"),
    ("d*o*d", "odd", False, "either way round"),
    ("odd number", "Odd Number", True, "words compare without case or spaces"),
    ("odd number", "oddnumber", True, "spaces inside words are not compared"),
    ("{odd}", "odd", True, "braces around words are not compared"),
    ("1/4", "0.25", True, "numbers"),
    ("1/4", "0.2500001", False, "numbers that terminate match exactly"),
    ("x=2", "2=x", True, "an equation, rearranged"),
    ("x=2", "2", False, "an equation never equals a value"),
    ("2", "x=2", False, "nor a value an equation"),
    ("2x", "x+x", True, "an expression, evaluated"),
]


@pytest.mark.parametrize("gold,pred,expected,why", SCALARS, ids=[plain_id(r[3][:40]) for r in SCALARS])
def test_fast_scalar_equal(gold, pred, expected, why):
    assert fast_scalar_equal(gold, pred) is expected, why


def test_matrix_arithmetic_goes_to_sympy():
    with pytest.raises(NeedsSympy):
        fast_scalar_equal(r"\begin{pmatrix}1\\2\end{pmatrix}", "A")
    with pytest.raises(NeedsSympy):
        fast_scalar_equal("2", r"\begin{pmatrix}1\end{pmatrix} + 1")


def _eq(a, b):
    return fast_scalar_equal(a, b)


# (gold, prediction, equal, why), both parsed with parse_structure
STRUCTURES = [
    ("(1, 2)", "(1, 2)", True, "a tuple"),
    ("(1, 2)", "(2, 1)", False, "order matters in a tuple"),
    ("(1, 2)", "[1, 2]", False, "brackets matter: an interval is not a tuple"),
    ("(1, 2]", "(1, 2)", False, "half-open is not open"),
    ("(1, 2)", "(1, 2, 3)", False, "a tuple with an extra entry"),
    (r"\{1, 2\}", r"\{2, 1\}", True, "a set has no order"),
    (r"\{1, 2\}", r"\{1, 2, 3\}", False, "an extra element"),
    (r"\{1, 2\}", r"\{1\}", False, "a missing element"),
    (r"\{1, 2\}", r"\{1, 1, 2\}", True, "a repeated element"),
    (r"\{1, 2\}", r"\{1, 1\}", False, "a repeat does not stand in for a missing element"),
    ("1, 2", "2, 1", True, "a list of solutions has no order"),
    ("5", r"\{5\}", True, "a one-element set answers a value"),
    (r"\{5\}", "5", True, "the other way round"),
    ("5", r"\{5, 6\}", False, "two values do not answer one"),
    ("(1, 2)", "1, 2", True, "a tuple written without parentheses"),
    ("[1, 2]", "1, 2", False, "an interval is not a list"),
    ("(1,2)", r"\begin{pmatrix}1\\2\end{pmatrix}", True, "a column vector is the tuple of its entries"),
    ("(1,2)", r"\begin{pmatrix}1&2\end{pmatrix}", True, "so is a row vector"),
    ("(1,2)", r"\begin{pmatrix}2\\1\end{pmatrix}", False, "in order"),
    ("(1,2,3,4)", r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", False, "a 2x2 matrix is not a 4-tuple"),
    ("[1,2]", r"\begin{pmatrix}1\\2\end{pmatrix}", False, "an interval is not a vector"),
    ("1, 2", r"\begin{pmatrix}1\\2\end{pmatrix}", True, "a list of entries is the vector too"),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", True, "same matrix"),
    (r"\begin{pmatrix}1&2\\3&4\end{pmatrix}", r"\begin{pmatrix}1&3\\2&4\end{pmatrix}", False, "its transpose"),
    (r"(-\infty, 1) \cup (2, \infty)", r"(2, \infty) \cup (-\infty, 1)", True, "a union has no order"),
    (r"(-\infty, 1) \cup (2, \infty)", r"(-\infty, 1)", False, "a union is not one of its parts"),
    ("C", "C", True, "the same choice letter"),
    ("C", "(C)", True, "a letter in parentheses"),
    ("C", "B", False, "another letter"),
    ("(C) 4", "4", True, "a choice with its value: the value alone answers it"),
    ("4", "(C) 4", True, "and the other way round"),
    ("(C) 4", "5", False, "another value"),
    ("5", "(C) 4", False, "another value, the other way round"),
    ("C", "4", False, "a letter without a value does not answer a number"),
    ("4", "C", False, "nor a number a letter"),
    ("(C) 4", "(B) 4", False, "the letters decide between two choices"),
]


@pytest.mark.parametrize("gold,pred,expected,why", STRUCTURES, ids=[plain_id(r[3][:40]) for r in STRUCTURES])
def test_compare_nodes(gold, pred, expected, why):
    assert compare_nodes(parse_structure(gold), parse_structure(pred), _eq) is expected, why


def _many(values):
    return parse_structure(r"\{" + ", ".join(values) + r"\}")


def test_equal_values_written_twice_collapse_up_to_twelve_items():
    """A set whose member is written in two forms ("0.5", "1/2") still equals the set without the
    repeat; the collapse compares every pair, so it runs only up to 12 items a side."""
    eleven = [str(i) for i in range(2, 13)]
    assert compare_nodes(_many(["0.5", *eleven[:10]]), _many(["0.5", "1/2", *eleven[:10]]), _eq)  # 11 vs 12
    assert not compare_nodes(_many(["0.5", *eleven]), _many(["0.5", "1/2", *eleven]), _eq)  # 12 vs 13
    assert compare_nodes(_many(["0.5", "3"]), _many(["1/2", "0.5", "3"]), _eq)


def test_one_value_answered_by_up_to_twelve_forms_of_it():
    """"5" vs {5, 10/2, ...}: a set of forms of one value answers it, up to 12 forms."""
    forms = [f"{5 * d}/{d}" for d in range(1, 14)]
    assert compare_nodes(parse_structure("5"), _many(forms[:12]), _eq)
    assert not compare_nodes(parse_structure("5"), _many(forms[:13]), _eq)
