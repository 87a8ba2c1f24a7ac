"""The built-in generator: deterministic, distinct, growing difficulty, exact answers in every format."""

import math
import random
import re
import statistics
from fractions import Fraction

import pytest

from data import build_pool, validate_pool
from data.generator import ARITH_SKILLS, KINDS, KNOWLEDGE_POINTS, generate_records
from data.generator._answers import Frac, Int, PiMultiple, Radical, radical, split_sqrt
from data.generator.build import _amc_style


@pytest.fixture(scope="module")
def mixed():
    return generate_records(4000, seed=11, kind="mixed")


def test_enough_knowledge_points_across_domains():
    domains = {s.split("/")[0] for s in KNOWLEDGE_POINTS}
    assert len(KNOWLEDGE_POINTS) >= 12
    assert {"algebra", "number_theory", "counting", "geometry", "sequences", "functions", "arithmetic"} <= domains


@pytest.mark.parametrize("kind", KINDS)
def test_deterministic_by_seed_and_prefix_stable(kind):
    a = build_pool(300, seed=3, kind=kind).to_list()
    assert a == build_pool(300, seed=3, kind=kind).to_list()
    assert a[:100] == build_pool(100, seed=3, kind=kind).to_list()  # a smaller n is a prefix
    assert [r["problem"] for r in a] != [r["problem"] for r in build_pool(300, seed=4, kind=kind).to_list()]
    assert [r["id"] for r in a[:2]] == [f"{kind}-3-0", f"{kind}-3-1"]


@pytest.mark.parametrize(("kind", "n"), [("mixed", 4000), ("arith", 20000), ("aime-style", 2000), ("amc-style", 2000)])
def test_no_two_problems_share_a_text(kind, n):
    cols = generate_records(n, seed=0, kind=kind)
    assert len(set(cols["problem"])) == n and len(set(cols["id"])) == n
    assert validate_pool(cols).n_dropped == 0


def test_every_cell_is_filled(mixed):
    cells = set(zip(mixed["skill"], mixed["level"], strict=True))
    assert cells == {(s, lv) for s in KNOWLEDGE_POINTS for lv in range(1, 6)}


def test_impossible_size_is_refused_with_a_reason():
    # arith level 1 has single-digit operands only: a few hundred distinct problems in all.
    with pytest.raises(ValueError, match="ran out"):
        generate_records(2000, seed=0, kind="arith", levels=[1])


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="'kind' parameter of build_pool"):
        build_pool(10, kind="nope")
    with pytest.raises(ValueError, match="'levels' parameter"):
        build_pool(10, levels=[0, 6])
    with pytest.raises(ValueError, match="'skills' parameter"):
        build_pool(10, kind="arith", skills=["algebra/linear_equations"])


def _digits(text: str) -> int:
    return len(re.findall(r"\d", text))


@pytest.mark.parametrize("kind", ["math-style", "arith"])
def test_difficulty_grows_with_level(kind):
    """Proxy: digits in problem + answer (operand size and count). Per skill the mean must not fall by
    more than 10% from one level to the next, and level 5 must exceed level 1 by at least 30%."""
    cols = generate_records(6000, seed=1, kind=kind)
    table: dict = {}
    for p, a, s, lv in zip(cols["problem"], cols["answer"], cols["skill"], cols["level"], strict=True):
        table.setdefault(s, {}).setdefault(lv, []).append(_digits(p) + _digits(a))
    for skill, by_level in table.items():
        means = [statistics.mean(by_level[lv]) for lv in range(1, 6)]
        assert all(means[i + 1] >= 0.9 * means[i] for i in range(4)), (skill, means)
        assert means[4] >= 1.3 * means[0], (skill, means)


def test_answer_formats_present(mixed):
    answers = [a for a, c in zip(mixed["answer"], mixed["choices"], strict=True) if c is None]
    skills = [s for s, c in zip(mixed["skill"], mixed["choices"], strict=True) if c is None]
    assert any(re.fullmatch(r"-?\d+", a) for a in answers)
    assert any(re.fullmatch(r"-?\\frac\{\d+\}\{\d+\}", a) for a in answers)
    assert any("\\sqrt{" in a for a in answers)
    assert any("\\pi" in a for a in answers)
    assert any(a.startswith("[") or "\\infty" in a for a in answers)  # intervals
    assert any(s == "algebra/linear_systems" and re.fullmatch(r"\(.+, .+\)", a) for a, s in zip(answers, skills, strict=True))
    assert any(a.startswith("\\{") for a in answers)  # sets
    assert any(c is not None for c in mixed["choices"])  # multiple choice


def test_aime_answers_are_integers_0_to_999():
    cols = generate_records(3000, seed=2, kind="aime-style")
    assert all(re.fullmatch(r"\d{1,3}", a) and 0 <= int(a) <= 999 for a in cols["answer"])
    assert len(set(cols["skill"])) == len(KNOWLEDGE_POINTS)
    # the integer instruction replaces the math-style format request instead of contradicting it
    assert not any("ordered pair $(x, y)$. Give the sum" in p or "as a set. Give" in p for p in cols["problem"])
    assert not any("interval notation" in p and "length" in p for p in cols["problem"])
    assert any("Give the length of this interval" in p for p in cols["problem"])


def test_amc_letter_points_at_the_listed_choice():
    cols = generate_records(2000, seed=2, kind="amc-style")
    for problem, answer, choices in zip(cols["problem"], cols["answer"], cols["choices"], strict=True):
        assert answer in "ABCDE" and len(choices) == 5 and len(set(choices)) == 5
        listed = re.findall(r"\\textbf\{\(([A-E])\)\}\\ (.*?)(?= \\qquad|\$$)", problem)
        assert [c for _, c in listed] == choices
    letters = {a for a in cols["answer"]}
    assert letters == set("ABCDE")  # the gold letter is shuffled


def test_amc_style_keeps_the_true_value_among_choices():
    problem, letter, choices = _amc_style("What is $6 \\times 7$?", Int(42), random.Random(0))
    assert choices["ABCDE".index(letter)] == "42" and len(set(choices)) == 5


def test_answers_are_exact_on_independent_recomputation():
    """Parse a few templates back and recompute the gold with plain Python."""
    cols = generate_records(3000, seed=5, kind="math-style")
    checked = 0
    for p, a in zip(cols["problem"], cols["answer"], strict=True):
        m = re.search(r"remainder when \$(\d+)\^\{(\d+)\}\$ is divided by \$(\d+)\$", p)
        if m:
            assert int(a) == pow(int(m[1]), int(m[2]), int(m[3]))
            checked += 1
        m = re.search(r"greatest common divisor of (.*)\?", p)
        if m:
            assert int(a) == math.gcd(*map(int, re.findall(r"\d+", m[1])))
            checked += 1
        m = re.search(r"arrangements of the letters of the word (\w+)", p)
        if m:
            word = m[1]
            expect = math.factorial(len(word))
            for ch in set(word):
                expect //= math.factorial(word.count(ch))
            assert int(a) == expect
            checked += 1
    assert checked > 50
    arith = generate_records(2000, seed=5, kind="arith")
    for p, a in zip(arith["problem"], arith["answer"], strict=True):
        m = re.fullmatch(r"What is (-?\d+) ([-+*]) (-?\d+)\?", p)
        if m:
            x, op, y = int(m[1]), m[2], int(m[3])
            assert int(a) == {"+": x + y, "-": x - y, "*": x * y}[op]
        else:
            assert int(a) == max(map(int, re.findall(r"-?\d+", p)))


def test_arith_tier_is_short_with_integer_answers():
    cols = generate_records(2000, seed=0, kind="arith")
    assert set(cols["skill"]) == set(ARITH_SKILLS)
    assert max(len(p) for p in cols["problem"]) <= 48
    assert all(re.fullmatch(r"-?\d+", a) for a in cols["answer"])


def test_answer_value_helpers():
    """Hand-derived: sqrt(72) = 6 sqrt(2); (1/2) sqrt(12) = sqrt(3); 9/2 pi; AIME forms."""
    assert split_sqrt(72) == (6, 2)
    assert radical(72).tex() == "6\\sqrt{2}"
    assert radical(12, Fraction(1, 2)).tex() == "\\sqrt{3}"
    assert radical(3, Fraction(5, 2)).tex() == "\\frac{5\\sqrt{3}}{2}"
    assert radical(49) == Int(7)
    assert PiMultiple(Fraction(9, 2)).tex() == "\\frac{9\\pi}{2}"
    assert Frac(Fraction(3, 7)).aime()[1] == 10
    assert Radical(Fraction(6), 2).aime()[1] == 8
    assert Int(12345).aime()[1] == 345
