"""Strictness rows (tests/checker/strict.jsonl): answers that are right only by a loose reading.

Each row is a (gold, prediction, expected) judgement a careful grader makes; the ``note`` starts with
the looseness it covers: 1 the left side of ``name = value``, 2 a choice letter written with a value,
3 units on both sides, 4 the name of a free integer parameter, 5 a hedge of equivalent forms. The
benchmark reads the same file: ``python -m eval.bench.checker --cases tests/checker/strict.jsonl``.
"""

import json
import pathlib
import re

import pytest

from eval.checker import verify

CORPUS = pathlib.Path(__file__).parent / "strict.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]


def test_every_looseness_has_true_and_false_rows():
    for topic in {r["note"].split()[0] for r in ROWS}:
        expected = {r["expected"] for r in ROWS if r["note"].split()[0] == topic}
        assert expected == {True, False}, topic


@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{i:02d}-" + re.sub(r"[^A-Za-z0-9]+", "_", r["note"]).strip("_")[:40] for i, r in enumerate(ROWS)]
)
def test_strict_row(row):
    verdict = verify(row["gold"], row["prediction"], choices=row.get("choices"), timeout=5.0)
    assert bool(verdict) is row["expected"], (row["note"], verdict)
    assert verdict.status != "timeout", verdict


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        (r"12\text{ cm}", "cm"), ("12 centimetres", "cm"), (r"12\,\mathrm{cm}^3", "cm^3"), ("12 cubic cm", "cm^3"),
        ("12 sq ft", "ft^2"), (r"\text{7 hours}", "h"), ("12", ""), ("12 units", ""), ("12 apples", ""),
        (r"2\text{ h } 30\text{ min}", ""),  # two different units: nothing to compare
        ("5 square hours", "h^2"), ("9.8 m/s^2", "m/s^2"),  # a power of a known unit is a unit of its own
    ],
)
def test_unit_key_of_normalized_answers(answer, key):
    from eval.checker._normalize import normalize

    assert normalize(answer).unit == key


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        (r"\frac{\pi}{2}+k\pi", r"\frac{\pi}{2}+n\pi", True),
        (r"(-1)^k\frac{\pi}{6}+k\pi", r"(-1)^n\frac{\pi}{6}+n\pi", True),
        (r"x+k\pi", r"x+m\pi", True),
        (r"k\pi", r"2n\pi", False),
        ("k+1", "n+1", False),
        (r"k^2\pi", r"n^2\pi", False),
    ],
)
def test_sympy_path_renames_an_integer_parameter_by_the_same_rule(gold, pred, expected):
    """The worker-side comparison (used when the fast path cannot read an answer) applies the same rule."""
    from eval.checker._symbolic import sympy_scalar_equal

    assert sympy_scalar_equal(gold, pred) is expected


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        (r"\frac{2^n}{n+1}", r"\exp\left(-\sum_{i=1}^{\infty} a_i\right)", False),  # series in a_i, closed form in n
        ("0", r"\left(\sum_{i=1}^n x_i^n\right)^{1-\frac{1}{n}}", False),
        (r"\frac{n(n+1)}{2}", r"\sum_{i=1}^{n} i", True),  # same free variable: evaluated as before
    ],
)
def test_sum_against_other_free_variables_is_not_evaluated(monkeypatch, gold, pred, expected):
    """A sum or product whose free variables differ from the other side's is unequal without evaluating it
    (an infinite series' evalf took about 0.5 s); one in the same variables is still compared."""
    from eval.checker import _symbolic

    real = _symbolic._symbolic_equal
    calls = []
    monkeypatch.setattr(_symbolic, "_symbolic_equal", lambda g, p: calls.append(1) or real(g, p))
    assert _symbolic.sympy_scalar_equal(gold, pred) is expected
    assert bool(calls) is expected


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ("1", r"\sum_{n=1}^{10^{12}} n", False),  # evaluated term by term, it ran past the 2 s limit
        ("500000000000500000000000", r"\sum_{n=1}^{10^{12}} n", True),
        ("333333333333833333333333500000000000", r"\sum_{k=1}^{10^{12}} k^2", True),
    ],
)
def test_a_long_finite_sum_of_a_polynomial_is_compared_in_closed_form(gold, pred, expected):
    from eval.checker import verify

    verdict = verify(gold, rf"so the answer is $\boxed{{{pred}}}$", timeout=10.0)  # it was a timeout at any limit
    assert verdict.status == ("correct" if expected else "incorrect"), verdict
