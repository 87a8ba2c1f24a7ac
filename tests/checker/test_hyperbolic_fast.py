"""Hyperbolic functions are evaluated in-process, as the circular ones are: a multiple-choice row whose
option was ``\\sinh(\\ln 2)`` cost a sympy worker call (about 40 ms the first time) and decided nothing
that the in-process evaluator could not."""

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
    ("3/4", r"\sinh(\ln 2)", True),
    ("1", r"\cosh 0", True),
    (r"\sinh x/\cosh x", r"\tanh x", True),
    (r"1/\tanh x", r"\coth x", True),
    (r"1/\cosh x", r"\sech x", True),
    (r"1/\sinh 1", r"\csch(1)", True),
    (r"2\sinh x\cosh x", r"\sinh(2x)", True),
    ("1", r"\cosh^2 x - \sinh^2 x", True),
    (r"\frac{e^x+e^{-x}}{2}", r"\cosh x", True),
    (r"\cosh x", r"\sinh x", False),
    (r"\tanh x", r"\tan x", False),
    ("3/4", r"\sinh(\ln 3)", False),
], ids=lambda v: plain_id(v) if isinstance(v, str) else None)
def test_hyperbolic_functions_are_decided_in_process(gold, pred, expected):
    assert _fast(gold, pred) is expected


@pytest.mark.parametrize("pred", [r"\sinh^{-1} x", r"\cosh^{-1}(x)", r"\tanh^{-1} x", r"\sinh^-1 x"])
def test_an_inverse_function_power_is_left_to_sympy(pred):
    """``\\sinh^{-1} x`` is arsinh x, not 1/sinh x: the in-process evaluator must not read it as a power."""
    with pytest.raises(Unsupported):
        _fast(r"\ln(x+\sqrt{x^2+1})", pred)


def test_inverse_hyperbolic_powers_still_verify():
    assert verify(r"\ln(x+\sqrt{x^2+1})", r"$\sinh^{-1} x$")
    assert verify(r"\ln(1+\sqrt 2)", r"\boxed{\sinh^{-1} 1}")
    assert not verify(r"1/\sinh x", r"\boxed{\sinh^{-1} x}")


def test_a_choice_given_as_a_hyperbolic_value_needs_no_worker(monkeypatch):
    def no_worker(*_a, **_k):
        raise AssertionError("a sympy worker was asked")

    monkeypatch.setattr(verify_module, "_run_slow", no_worker)
    choices = ["1", "2", r"\sinh(\ln 2)", "4", "5"]
    assert verify("C", r"\boxed{(C)\ 0.75}", choices=choices)
    assert not verify("C", r"\boxed{(C)\ 0.8}", choices=choices)
