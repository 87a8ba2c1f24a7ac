"""Counting formulas (factorials and binomials of integer names) are compared in-process at integer
points, and square brackets group: what used to cost a sympy worker call per pair."""

from __future__ import annotations

import pytest

import eval.checker._verify as verify_module
from eval.checker import verify
from eval.checker._evaluate import Unsupported, fast_expr_equal
from eval.checker._normalize import normalize
from tests._ids import plain_id


def _fast(gold: str, pred: str) -> bool:
    return fast_expr_equal(normalize(gold).text, normalize(pred).text, 1e-9)


@pytest.mark.parametrize("gold,pred,expected", [
    ("(2n)!/(2^n*n!)", r"\frac{(2n)!}{2^n n!}", True),
    ("(2n)!/(2^n*n!)", "n(2n-1)", False),  # equal at n = 1 only
    ("4^n", "(2n+1)!/(n!(n+1)!)", False),
    (r"\binom{n}{k}", r"\binom{n}{n-k}", True),
    (r"\binom{n}{k}", r"\frac{n!}{k!(n-k)!}", True),
    (r"\binom{n}{k}", r"\binom{n}{k+1}", False),
    ("C(n+1, 2m+1)", r"\binom{n+1}{2m+1}", True),
    ("C(n+1, 2m+1)", r"\binom{n+m}{m}", False),
    ("n!/(2n)", "(n-1)!/2", True),
    (r"\binom{n}{2}", "n(n-1)/2", True),
    ("(1+sqrt(4a+1))/2", "[1 + sqrt(1 + 4a)] / 2", True),
    ("(n(n+1)/2)^2", "[n(n+1)]^2/4", True),
    ("(2n)!/(2^n*n!)", "(2n-1)!!", True),  # a double factorial, n (n - 2) ... (it was left to sympy, which
    ("(2n)!/(2^n*n!)", "((2n-1)!)!", False),  # reads n!! as (n!)!, as the brackets here write it)
], ids=lambda v: plain_id(v) if isinstance(v, str) else None)
def test_counting_formulas_and_brackets_are_decided_in_process(gold, pred, expected):
    assert _fast(gold, pred) is expected


@pytest.mark.parametrize("gold,pred", [
    (r"\binom{n}{k} x", r"\binom{n}{k} x"),    # a real name (x) is never read at integers only
    (r"\binom{a+b}{c}", r"\binom{a+b}{c}"),    # three names: left to sympy
])
def test_what_integer_points_do_not_decide_goes_to_sympy(gold, pred):
    with pytest.raises(Unsupported):
        _fast(gold, pred)


def test_verify_needs_no_worker_for_a_counting_formula(monkeypatch):
    def no_worker(*_a, **_k):
        raise AssertionError("a sympy worker was asked")

    monkeypatch.setattr(verify_module, "_run_slow", no_worker)
    assert verify("(2n)!/(2^n*n!)", r"The number of pairings is $\frac{(2n)!}{2^n n!}$.")
    assert not verify("(2n)!/(2^n*n!)", "The number of pairings is n(2n-1).")


@pytest.mark.parametrize("gold,pred,expected", [
    ("n(n+1)/2", r"\sum_{i=1}^{n} i", True),           # the index i is not the imaginary unit
    ("(n(n+1)/2)^2", r"\sum_{i=1}^n i^3", True),
    ("2^n", r"\sum_{k=0}^{n-1} \binom{n}{k}", False),
    ("n!", r"\prod_{k=1}^{n} k", True),
    ("(n+1)/(r+1)", r"\frac{1}{\binom{n}{r}} \sum_{i=1}^{n-r+1} i \cdot C(n-i, r-1)", True),
    ("(n+1)/(r+1)", r"\frac{1}{r} \sum_{i=1}^{n-r+1} i \cdot C(n-i, r-1)", False),
    ("385", r"\sum_{k=1}^{10} k^2", True),
], ids=lambda v: plain_id(v) if isinstance(v, str) else None)
def test_finite_sums_and_products_are_evaluated_term_by_term(gold, pred, expected):
    assert _fast(gold, pred) is expected


@pytest.mark.parametrize("pred", [
    r"\sum_{k=1}^{5000} k",                          # more terms than the fast path reads
    r"\sum_{i=1}^{100}\sum_{j=1}^{100} i j",          # nested: never a million terms in the caller's thread
])
def test_long_or_nested_sums_go_to_the_time_limited_worker(pred):
    with pytest.raises(Unsupported):
        _fast("5", pred)


def test_an_exact_product_too_big_to_carry_falls_back_to_mpmath():
    """A newcomer found \\prod_{i=1}^{1000} 999^{999} ran 54 s in the caller's thread (each term was bounded,
    the running product was not): exact evaluation now stops at the size limit and mpmath takes over."""
    from eval.checker._arith import EXACT, Irrational
    from eval.checker._evaluate import compile_expr

    fn, _names, _inexact = compile_expr(r"\prod_{i=1}^{1000}999^{999}")
    with pytest.raises(Irrational):
        fn({EXACT: True})
    assert fn({}) > 10**10000  # the mpmath value
    assert not verify("1", r"\prod_{i=1}^{1000} 999^{999}", timeout=0.5)


@pytest.mark.parametrize("gold,pred", [
    ("n", "(1 + 2 + 3 + ... + n) * 2^(n-1)"),              # an ellipsis names no one value
    ("n", r"P(n)=(n+1)(n+2)\dots(2n)"),
    ("0", r"1\cdot2\cdot\ldots\cdot(n-2)/(1+2+\ldots+(n-1))"),
    ("(n(n+1)/2)^2", "((n(n+1)/2)^2"),                      # brackets that do not balance
])
def test_what_no_parser_reads_is_unparseable_without_a_worker(monkeypatch, gold, pred):
    def no_worker(*_a, **_k):
        raise AssertionError("a sympy worker was asked")

    monkeypatch.setattr(verify_module, "_run_slow", no_worker)
    assert verify(gold, pred).status == "unparseable_pred"


def test_an_ellipsis_in_the_gold_too_is_left_to_the_worker(monkeypatch):
    asked = []
    real = verify_module._run_slow
    monkeypatch.setattr(verify_module, "_run_slow", lambda *a, **k: asked.append(a) or real(*a, **k))
    verify("1, 2, ..., n", r"1, 2, \ldots, n")
    assert len(asked) == 1  # the gold has an ellipsis too: not ruled out in-process
