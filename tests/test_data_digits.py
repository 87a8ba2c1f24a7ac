"""The ``digits`` tier, its slips, and the generator's ``exclude`` / ``per_cell`` / ``heldout_pool``."""

import itertools
import re
from collections import Counter

import pytest
from datasets import Dataset

from data import KINDS, build_pool, heldout_pool, validate_pool
from data.generator import generate_records
from data.generator.digits import DIGIT_RULES, slip_answer

SKILLS = ("digits/first", "digits/last", "digits/max", "digits/min")
_QUESTION = re.compile(r"^(First|Last|Max|Min) of ([0-9](?: [0-9])*)\?$")


def _parse(problem):
    """(question word, list of digits) read back from a digits problem text."""
    m = _QUESTION.match(problem)
    assert m is not None, problem
    return m.group(1), [int(d) for d in m.group(2).split(" ")]


@pytest.fixture(scope="module")
def pool():
    return build_pool(400, seed=0, kind="digits")


def test_digits_is_a_kind_with_four_skills():
    assert "digits" in KINDS
    assert set(DIGIT_RULES) == set(SKILLS)


def test_digits_pool_covers_every_cell_and_validates(pool):
    assert validate_pool(pool.to_dict()).n_dropped == 0
    assert set(zip(pool["skill"], pool["level"], strict=True)) == {(s, lv) for s in SKILLS for lv in range(1, 6)}
    assert len(set(pool["problem"])) == len(pool)
    assert set(pool["source"]) == {"builtin:digits"}
    assert all(c is None for c in pool["choices"])
    assert pool["id"][:2] == ["digits-0-0", "digits-0-1"]


def test_digits_answers_recomputed_from_the_text(pool):
    """Independent re-reading: level l is a list of l + 2 distinct digits, and the answer is the first /
    last / largest / smallest of the list as written in the problem."""
    words = {"digits/first": "First", "digits/last": "Last", "digits/max": "Max", "digits/min": "Min"}
    rule = {"First": lambda xs: xs[0], "Last": lambda xs: xs[-1], "Max": max, "Min": min}
    seen = Counter()
    for row in pool.to_list():
        word, xs = _parse(row["problem"])
        assert word == words[row["skill"]]
        assert len(xs) == row["level"] + 2
        assert len(set(xs)) == len(xs)
        assert row["answer"] == str(rule[word](xs))
        seen[row["skill"]] += 1
    assert all(seen[s] > 50 for s in SKILLS)


def test_slip_follows_the_rule_one_place_off(pool):
    """Slip = second element, second-to-last, second largest, second smallest; never the right answer."""
    for row in pool.to_list():
        word, xs = _parse(row["problem"])
        slip = slip_answer(row["skill"], row["problem"])
        expected = {"First": xs[1], "Last": xs[-2], "Max": sorted(xs, reverse=True)[1], "Min": sorted(xs)[1]}[word]
        assert slip == str(expected)
        assert slip != row["answer"]


def test_slip_on_hand_written_questions():
    assert slip_answer("digits/first", "First of 3 1 4?") == "1"
    assert slip_answer("digits/last", "Last of 3 1 4 9?") == "4"
    assert slip_answer("digits/max", "Max of 3 9 4 1 7?") == "7"
    assert slip_answer("digits/min", "Min of 3 9 4 1 7?") == "3"


@pytest.mark.parametrize(("skill", "problem"), [
    ("digits/middle", "First of 3 1 4?"),     # not a digits skill
    ("arith/add", "First of 3 1 4?"),         # another kind's skill
    ("digits/first", "Last of 3 1 4?"),       # question of another skill
    ("digits/max", "What is 3 + 4?"),         # not a digits question at all
    ("digits/min", "Min of 3 1 4"),           # no question mark
    ("digits/min", "Min of 3,1,4?"),          # not a space-separated list
])
def test_slip_answer_rejects_wrong_skill_or_text(skill, problem):
    with pytest.raises(ValueError, match="slip_answer"):
        slip_answer(skill, problem)


def test_per_cell_caps_every_cell():
    full = build_pool(40, seed=2, kind="digits", per_cell=2)  # 4 skills x 5 levels x 2
    assert Counter(zip(full["skill"], full["level"], strict=True)) == {(s, lv): 2 for s in SKILLS
                                                                         for lv in range(1, 6)}
    capped = build_pool(30, seed=2, kind="digits", per_cell=2)
    assert max(Counter(zip(capped["skill"], capped["level"], strict=True)).values()) <= 2
    with pytest.raises(ValueError, match="ran out"):
        build_pool(41, seed=2, kind="digits", per_cell=2)


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_bad_per_cell_is_refused(bad):
    with pytest.raises(ValueError, match="'per_cell' parameter"):
        generate_records(4, seed=0, kind="digits", per_cell=bad)


def test_exclude_removes_texts(pool):
    banned = list(pool["problem"][:200])
    fresh = build_pool(200, seed=0, kind="digits", exclude=banned)
    assert not set(fresh["problem"]) & set(banned)
    # Without exclude, the same seed reproduces the banned texts (it is exclude that removes them).
    assert build_pool(200, seed=0, kind="digits")["problem"] == banned


def test_exclude_leaves_only_the_allowed_texts():
    """Level 1 'First' has exactly 10 * 9 * 8 = 720 questions (all written out here, independently)."""
    every = [f"First of {a} {b} {c}?" for a, b, c in itertools.permutations(range(10), 3)]
    allowed = set(every[::3])
    cols = generate_records(30, seed=6, kind="digits", levels=[1], skills=["digits/first"],
                            exclude=[t for t in every if t not in allowed])
    assert set(cols["problem"]) <= allowed and len(set(cols["problem"])) == 30
    with pytest.raises(ValueError, match="ran out"):
        generate_records(1, seed=6, kind="digits", levels=[1], skills=["digits/first"], exclude=every)


def test_heldout_is_disjoint_stratified_and_prefixed(pool):
    test = heldout_pool(pool, per_cell=3, seed=1)
    assert validate_pool(test.to_dict()).n_dropped == 0
    assert not set(test["problem"]) & set(pool["problem"])
    assert len(set(test["problem"])) == len(test) == 3 * 20
    pool_cells = set(zip(pool["skill"], pool["level"], strict=True))
    assert Counter(zip(test["skill"], test["level"], strict=True)) == dict.fromkeys(pool_cells, 3)
    assert all(i.startswith("heldout-digits-1-") for i in test["id"])
    assert not set(test["id"]) & set(pool["id"])
    for row in test.to_list():  # the held-out answers are right too
        word, xs = _parse(row["problem"])
        assert row["answer"] == str({"First": xs[0], "Last": xs[-1], "Max": max(xs), "Min": min(xs)}[word])


def test_heldout_only_uses_the_pool_skills_and_levels():
    train = build_pool(30, seed=3, kind="digits", levels=[2, 4], skills=["digits/max", "digits/last"])
    test = heldout_pool(train, per_cell=2, seed=9)
    assert Counter(zip(test["skill"], test["level"], strict=True)) == {
        (s, lv): 2 for s in ("digits/max", "digits/last") for lv in (2, 4)}
    assert not set(test["problem"]) & set(train["problem"])


def test_heldout_keeps_to_the_cells_a_sparse_pool_has():
    """A 6-problem pool covers 6 (skill, level) cells, not every pair of its skills and levels."""
    train = build_pool(6, seed=0, kind="digits")
    cells = set(zip(train["skill"], train["level"], strict=True))
    test = heldout_pool(train, per_cell=1, seed=1)
    assert Counter(zip(test["skill"], test["level"], strict=True)) == dict.fromkeys(cells, 1)
    assert len(set(test["id"])) == len(test)


def test_heldout_excludes_the_pool_texts_where_collisions_are_likely():
    """One cell of 720 questions, 400 of them in the pool: 30 fresh draws would almost surely repeat some."""
    train = build_pool(400, seed=0, kind="digits", levels=[1], skills=["digits/first"])
    test = heldout_pool(train, per_cell=30, seed=1)
    assert len(test) == 30 and not set(test["problem"]) & set(train["problem"])


def test_heldout_is_deterministic_for_a_seed(pool):
    a = heldout_pool(pool, per_cell=2, seed=4).to_list()
    assert a == heldout_pool(pool, per_cell=2, seed=4).to_list()
    assert [r["problem"] for r in a] != [r["problem"] for r in heldout_pool(pool, per_cell=2, seed=5).to_list()]


@pytest.mark.parametrize("bad", [0, -2, True, 1.5])
def test_heldout_bad_per_cell_raises(pool, bad):
    with pytest.raises(ValueError):
        heldout_pool(pool, per_cell=bad, seed=1)


def test_heldout_cell_that_cannot_yield_enough_raises():
    """One cell (First, level 1) has 720 questions in all: 721 new ones cannot exist."""
    train = build_pool(5, seed=0, kind="digits", levels=[1], skills=["digits/first"])
    with pytest.raises(ValueError, match="could not find 721 new digits problems"):
        heldout_pool(train, per_cell=721, seed=1)


def test_heldout_kind_from_ids_or_explicit():
    train = build_pool(20, seed=0, kind="digits")
    renamed = train.map(lambda r, i: {"id": f"row{i}"}, with_indices=True)
    with pytest.raises(ValueError, match="kind"):
        heldout_pool(renamed, per_cell=1, seed=1)
    test = heldout_pool(renamed, per_cell=1, seed=1, kind="digits")
    assert all(i.startswith("heldout-digits-1-") for i in test["id"])
    assert not set(test["problem"]) & set(train["problem"])
    arith = build_pool(5, seed=0, kind="arith")
    mixed_ids = train.select(range(2)).to_list() + arith.to_list()
    with pytest.raises(ValueError, match="kind"):
        heldout_pool(Dataset.from_list(mixed_ids), per_cell=1, seed=1)


@pytest.mark.parametrize("kind", ["amc-style", "aime-style", "mixed"])
def test_exclude_holds_for_kinds_whose_text_is_more_than_the_stem(kind):
    """AMC/AIME styles add choices or an instruction to the stem: exclusion must check the final text."""
    first = build_pool(200, seed=0, kind=kind)
    again = generate_records(200, seed=0, kind=kind, exclude=set(first["problem"]))
    assert not set(again["problem"]) & set(first["problem"])


def test_heldout_says_when_the_pool_leaves_a_cell_no_room():
    with pytest.raises(ValueError, match="could not find 3 new arith problems .* smaller per_cell"):
        heldout_pool(build_pool(3000, seed=0, kind="arith"), per_cell=3, seed=1)
