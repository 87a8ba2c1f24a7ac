"""A direct table for the checker's normalisation (``eval.checker._normalize.normalize``).

Each row: an answer as a model or a dataset writes it, the canonical text, whether a percent sign, a
degree sign or a known unit was removed, and why. ``verify()`` tries several routes (sympy among
them), so a normalisation step can break without a verdict changing; this table holds each step.
"""

from __future__ import annotations

import pytest

from eval.checker._normalize import normalize
from tests._ids import plain_id

# (answer, text, percent, degrees, unit, why)
ROWS = [
    ('$\\frac{1}{2}$', '\\frac{1}{2}', False, False, '', 'inline dollars around the whole answer'),
    ('\\(\\frac{1}{2}\\)', '\\frac{1}{2}', False, False, '', '\\( \\) around the whole answer'),
    ('\\[\\frac{1}{2}\\]', '\\frac{1}{2}', False, False, '', '\\[ \\] around the whole answer'),
    ('\\boxed{42}', '42', False, False, '', 'a box around the whole answer'),
    ('\\fbox{42}', '42', False, False, '', '\\fbox is a box too'),
    ('$\\boxed{42}$', '42', False, False, '', 'a box inside dollars: both layers go'),
    ('**42**', '42', False, False, '', 'markdown bold around the answer'),
    ('\\boxed{\\boxed{3}}', '3', False, False, '', 'nested boxes'),
    ('$$3$$', '3', False, False, '', 'display dollars'),
    ('\\dfrac{3}{4}', '\\frac{3}{4}', False, False, '', '\\dfrac is \\frac'),
    ('\\tfrac{3}{4}', '\\frac{3}{4}', False, False, '', '\\tfrac is \\frac'),
    ('\\dbinom{8}{3}', '\\binom{8}{3}', False, False, '', '\\dbinom is \\binom'),
    ('\\left( 1, 2 \\right)', '(1, 2)', False, False, '', 'sizing commands go; the space after a comma before a digit stays (a list)'),
    ('10,\\!000', '10000', False, False, '', "MATH's thin-space thousands separator"),
    ('56,\\!01,\\!78', '560178', False, False, '', 'thin-space digit groups of any size are one number'),
    ('1 000 000', '1000000', False, False, '', 'digits grouped by spaces in threes are one number'),
    ('3, 125', '3, 125', False, False, '', 'a comma and a space keep two numbers apart'),
    ('3,125', '3,125', False, False, '', 'a comma without a space stays (thousands or a list: decided later)'),
    ('50\\%', '50', True, False, '', 'an escaped percent sign is dropped and remembered'),
    ('50%', '50', True, False, '', 'a plain percent sign too'),
    ('30^\\circ', '30', False, True, '', 'a degree sign is dropped and remembered'),
    ('30^{\\circ}', '30', False, True, '', 'braced degree sign'),
    ('30°', '30', False, True, '', 'Unicode degree sign'),
    ('30\\degree', '30', False, True, '', '\\degree'),
    ('\\sin 30^\\circ', '\\sin(\\frac{30\\pi}{180})', False, False, '', 'an angle inside a trig function becomes radians and is no degree answer'),
    ('5\\text{ cm}', '5', False, False, 'cm', 'a unit in \\text after a number is dropped and named'),
    ('5 \\text{ cm}^2', '5', False, False, 'cm^2', 'a squared unit'),
    ('5 \\, \\text{m}', '5', False, False, 'm', 'a thin space before the unit'),
    ('12 cm', '12', False, False, 'cm', 'a plain-text unit'),
    ('10 sq ft', '10', False, False, 'ft^2', 'square feet'),
    ('$12$ miles', '12', False, False, 'mi', 'a unit after the maths segment'),
    ('12 apples', '12', False, False, '', 'other trailing words after a number are a unit, not named'),
    ('12 students.', '12', False, False, '', 'a trailing full stop too'),
    ('8\\pi\\text{ units}', '8\\pi', False, False, '', 'words in \\text at the very end, after maths, are a unit'),
    ('\\text{5 apples}', '5', False, False, '', 'a number and words inside one \\text'),
    ('7th', '7', False, False, '', 'an ordinal suffix'),
    ('7^{\\text{th}}', '7', False, False, '', 'a LaTeX ordinal'),
    ('0.1\\overline{6}', '\\frac{15}{90}', False, False, '', 'a repeating decimal is its exact fraction'),
    ('0.\\overline{3}', '\\frac{3}{9}', False, False, '', 'a repeating decimal without a whole part'),
    ('\\text{The answer is } 5', '5', False, False, '', 'lead words inside \\text'),
    ('The final answer is 5', '5', False, False, '', 'lead words in plain text'),
    ('answer: 5', '5', False, False, '', '"answer:" lead'),
    ('x \\ge 2', 'x\\geq2', False, False, '', '\\ge is \\geq'),
    ('x >= 2', 'x\\geq2', False, False, '', '>= is \\geq'),
    ('x \\le 2', 'x\\leq2', False, False, '', '\\le is \\leq'),
    ('\\\\le 3', '\\leq3', False, False, '', 'an escaped backslash before a command is the command'),
    ('x != 3', 'x\\ne3', False, False, '', 'plain != after a name is \\ne'),
    ('x \\neq 3', 'x\\ne3', False, False, '', '\\neq is \\ne'),
    ('5!=120', '5!=120', False, False, '', '!= after a digit is a factorial and an equals sign'),
    ('C(8,3)', '\\binom{8}{3}', False, False, '', 'plain-text binomial C(n,k)'),
    ('binom(8, 3)', '\\binom{8}{3}', False, False, '', 'binom(n, k)'),
    ('nCr(8,3)', '\\binom{8}{3}', False, False, '', 'nCr(n,k)'),
    ('C(3,8)', 'C(3,8)', False, False, '', "k > n: a point's coordinates, not a binomial"),
    ('sqrt(2)/2', '\\sqrt{(2)}/2', False, False, '', 'plain-text sqrt becomes the command'),
    ('pi/4', '\\pi/4', False, False, '', 'plain-text pi'),
    ('(-\\infty, 2) U (3, \\infty)', '(-\\infty, 2)\\cup(3,\\infty)', False, False, '', 'a capital U between intervals is a union'),
    ('1 \\text{ and } 2', '1, 2', False, False, '', '"and" in \\text separates answers'),
    ('1 and 2', '1, 2', False, False, '', 'plain "and" separates answers'),
    ('1 or 2', '1, 2', False, False, '', 'plain "or" separates answers'),
    ('$1$ and $2$', '1, 2', False, False, '', 'several maths segments joined by "and"'),
    ('(11,7)or(7,11)', '(11,7),(7,11)', False, False, '', '"or" glued between two tuples'),
    ('\\frac12', '\\frac{1}{2}', False, False, '', 'unbraced fraction arguments are braced as TeX reads them'),
    ('\\frac{\\sqrt{2}}2', '\\frac{\\sqrt{2}}{2}', False, False, '', 'one braced and one unbraced argument'),
    ('\\frac\\pi4', '\\frac{\\pi}{4}', False, False, '', 'a command as an unbraced argument'),
    ('\\sqrt3', '\\sqrt{3}', False, False, '', 'unbraced square-root argument'),
    ('\\sqrt[3]8', '\\sqrt[3]{8}', False, False, '', 'an index before the unbraced argument'),
    ('3128 1/2', '3128\\frac{1}{2}', False, False, '', 'a whole number and a fraction are a mixed number'),
    ('2\\sqrt{2} \\approx 2.83', '2\\sqrt{2}', False, False, '', 'the exact form before an approximation'),
    ('x \\approx 11', '11', False, False, '', 'a name before the approximation: the value follows'),
    ('\\frac{\\pi}{2} + k\\pi, k \\in \\mathbb{Z}', '\\frac{\\pi}{2}+k\\pi', False, False, '', 'an integer declaration of a parameter in the answer is dropped'),
    ('\\frac{\\pi}{2} + k\\pi \\text{ for any integer } k', '\\frac{\\pi}{2}+k\\pi', False, False, '', 'the worded declaration too'),
    ('2, k \\in \\mathbb{Z}', '2,k\\in\\mathbb{Z}', False, False, '', 'a declaration of a name the answer does not use stays'),
    ('+5', '5', False, False, '', 'a leading plus sign goes'),
    ('185\\', '185', False, False, '', 'a stray backslash after the answer'),
    ('5.', '5', False, False, '', 'a trailing full stop'),
    ('\\mathrm{i}', 'i', False, False, '', '\\mathrm{i} is the imaginary unit, not a unit'),
    ('\\varnothing', '\\{\\}', False, False, '', 'the empty set is {}'),
    ('\\mathbb{R}', '(-\\infty,\\infty)', False, False, '', 'the reals are an interval'),
    ('½', '1/2', False, False, '', 'a Unicode fraction'),
    ('2½', '5/2', False, False, '', 'a mixed number with a Unicode fraction'),
    ('x²', 'x^{2}', False, False, '', 'a Unicode square'),
    ('−5', '-5', False, False, '', 'a Unicode minus'),
    ('5 × 3', '5\\times3', False, False, '', 'a Unicode times'),
    ('\\tan^{-1} x', '\\arctan x', False, False, '', 'inverse trig written as a power'),
    ('\\lbrace 1 \\rbrace', '\\{1\\}', False, False, '', '\\lbrace \\rbrace are braces'),
    ('\\langle 1, 2 \\rangle', '(1, 2)', False, False, '', "angle brackets are a tuple's"),
    ('a b', 'a b', False, False, '', 'a space between two letters stays (two words)'),
    ('1 2', '1 2', False, False, '', 'a space between two digits stays (two numbers)'),
    ('x + 1', 'x+1', False, False, '', 'other spaces go'),
    ('\\operatorname{lcm}', 'lcm', False, False, '', '\\operatorname is unwrapped like \\mathrm'),
    ('\\$5', '5', False, False, 'dollar', 'an escaped dollar sign: dollars'),
    ('€5', '5', False, False, '', 'a currency sign'),
    ('\\textbf{7}', '7', False, False, '', 'bold wrappers go'),
    ('\\text{\\textbf{7}}', '7', False, False, '', 'nested wrappers go'),
    ('\\frac{1}{2', '\\frac{1}{2', False, False, '', 'an unclosed group is left as it is'),
    ('\\quad 5', '5', False, False, '', 'spacing commands go'),
]


@pytest.mark.parametrize("answer,text,percent,degrees,unit,why", ROWS, ids=[plain_id(f"{i}-{r[5][:40]}") for i, r in enumerate(ROWS)])
def test_normalize(answer, text, percent, degrees, unit, why):
    got = normalize(answer)
    assert (got.text, got.percent, got.degrees, got.unit) == (text, percent, degrees, unit), why


def test_whitespace_runs_are_one_space_before_any_pattern_runs():
    assert normalize("1" + " " * 2000 + "and 2").text == "1, 2"
    assert normalize("\t5\n").text == "5"
