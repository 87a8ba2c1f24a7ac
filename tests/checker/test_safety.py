"""Adversarial inputs: code injection does nothing; huge and explosive inputs return within the deadline."""

import threading
import time

import pytest

from eval.checker import verify, verify_batch, warmup

# A sum of 1000 numbers with thousands of digits each: real sympy work that takes minutes.
SLOW = r"\sum_{k=1}^{5000} k^{k}"  # past the fast path's 1,000-term limit: sympy, past any time limit
MARGIN = 3.0  # seconds on top of the timeout: process kill, pipe close, a loaded 2-core CI box


@pytest.fixture(scope="module", autouse=True)
def _warm_workers():
    warmup(2)


def _injections(sentinel):
    cmd = f"touch {sentinel}"
    return [
        f"__import__('os').system('{cmd}')",
        f"\\boxed{{__import__('os').system('{cmd}')}}",
        f"(lambda: __import__('os').system('{cmd}'))()",
        f"eval(\"__import__('os').system('{cmd}')\")",
        f"exec('import os; os.system(\"{cmd}\")')",
        "().__class__.__bases__[0].__subclasses__()",
        f"x.__globals__['os'].system('{cmd}')",
        f"\\text{{__import__('os').system('{cmd}')}}",
        f"open('{sentinel}', 'w').write('x')",
    ]


def test_injection_strings_do_nothing(tmp_path):
    sentinel = tmp_path / "pwned"
    texts = _injections(sentinel)
    golds = ["1"] * len(texts) + texts
    preds = texts + ["1"] * len(texts)
    verdicts = verify_batch(golds, preds, timeout=3.0)
    verdicts += [verify(t, t.replace("system", "popen")) for t in texts if "system" in t]
    same = [verify(t, t) for t in texts]  # the gold's own text is correct, and nothing is run to say so
    assert not sentinel.exists()
    assert all(v.status == "correct" for v in same)
    assert not any(v for v in verdicts[: 2 * len(texts)])
    assert all(v.status in {"incorrect", "unparseable_pred", "unparseable_gold", "timeout"} for v in verdicts)


@pytest.mark.parametrize(
    "prediction",
    [
        "9" * 10_000_000,
        r"\boxed{" + "1" * 10_000_000,
        "(" * 140 + "1" + ")" * 140,
        r"\boxed{" * 200_000 + "1" + "}" * 200_000,
        "(" * 500_000 + "1" + ")" * 500_000,
        "The answer is " + "1+" * 3_000_000 + "1",
        r"\frac{" * 3000 + "1" + "}{2}" * 3000,
        "2^{2^{2^{2^{10}}}}",
        "10^{10^{10}}",
        "(10^{10})!",
        "100000!",
        r"9^{9^{9^{9}}}",
    ],
    ids=["10MB-digits", "10MB-unclosed-box", "parens-140", "nested-boxed", "nested-parens", "long-sum", "deep-frac", "tower", "pow",
         "big-fact", "fact", "tower9"],
)
def test_explosive_inputs_return_within_deadline(prediction):
    start = time.monotonic()
    verdict = verify("2", prediction, timeout=2.0)
    elapsed = time.monotonic() - start
    assert elapsed < 2.0 + MARGIN, (elapsed, verdict)
    assert verdict.status in {"incorrect", "unparseable_pred", "timeout"}, verdict


def test_name_with_a_long_argument_list_returns_within_deadline():
    """``f(a,a,...,a)2 = 3``: the left side is not a name, and the name pattern must fail fast (a
    pattern that let commas fall in two places took seconds at 24 arguments, 4x more per 2 more)."""
    start = time.monotonic()
    verdict = verify("3", r"\boxed{f(" + "a," * 60 + ")2=3}", timeout=2.0)
    assert time.monotonic() - start < 2.0 + MARGIN
    assert verdict.status == "incorrect", verdict


def test_explosive_gold_is_reported_as_gold_problem():
    verdict = verify("2^{2^{2^{2^{10}}}}", "2", timeout=2.0)
    assert verdict.status in {"unparseable_gold", "timeout"}, verdict


def test_slow_sympy_work_times_out_then_checker_recovers():
    start = time.monotonic()
    verdict = verify(SLOW, "5", timeout=1.0)
    assert verdict.status == "timeout" and time.monotonic() - start < 1.0 + MARGIN, verdict
    # The stuck worker was killed and replaced: symbolic work still gets answered.
    assert verify("(x+1)^2", "x^2+2x+1", timeout=30.0).status == "correct"


def test_verify_from_a_non_main_thread_honours_timeout():
    out = {}

    def target():
        start = time.monotonic()
        out["verdict"] = verify(SLOW, "5", timeout=1.0)
        out["elapsed"] = time.monotonic() - start

    t = threading.Thread(target=target)
    t.start()
    t.join(timeout=30)
    assert not t.is_alive()
    assert out["verdict"].status == "timeout" and out["elapsed"] < 1.0 + MARGIN, out


def test_batch_from_thread_with_stuck_items_still_returns_everything():
    golds = [SLOW, "1/2", r"\sqrt{12}", SLOW, "(x+1)^2"]
    preds = ["5", "0.5", r"2\sqrt{3}", "7", "x^2+2x+1"]
    out = {}

    def target():
        start = time.monotonic()
        out["verdicts"] = verify_batch(golds, preds, timeout=1.0, workers=2)
        out["elapsed"] = time.monotonic() - start

    t = threading.Thread(target=target)
    t.start()
    t.join(timeout=60)
    assert not t.is_alive()
    statuses = [v.status for v in out["verdicts"]]
    assert statuses[0] == statuses[3] == "timeout"
    assert statuses[1] == "correct"
    # Items queued behind a killed worker wait for its replacement to start, then get a full timeout.
    assert statuses[2] in {"correct", "timeout"} and statuses[4] in {"correct", "timeout"}
    assert out["elapsed"] < 60


def test_random_latex_soup_never_raises_and_returns_in_time():
    """Seeded random strings over LaTeX-ish tokens: every pair gets a valid verdict, none hangs."""
    import random

    rng = random.Random(7)
    alphabet = ["1", "2", "0", "x", "y", "e", ".", ",", "(", ")", "[", "]", "{", "}", "\\{", "\\}", "^", "_",
                "+", "-", "/", "*", "=", "<", "\\frac", "\\sqrt", "\\pi", "\\boxed{", "\\text{", "\\cup", "\\pm",
                "\\infty", "\\%", "!", "|", " ", "\\sin", "\\log", "\\le", "(C)", "\\begin{pmatrix}", "&", "\\\\"]
    golds, preds = [], []
    for _ in range(300):
        golds.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
        preds.append("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))))
    start = time.monotonic()
    verdicts = verify_batch(golds, preds, timeout=2.0, choices=["1", "2", "3", "4", "5"])
    assert len(verdicts) == 300
    assert {v.status for v in verdicts} <= {"correct", "incorrect", "unparseable_pred", "unparseable_gold", "timeout"}
    assert time.monotonic() - start < 120
    # Identical soups are judged equal or unreadable, never "incorrect" (a \\boxed inside a gold is not
    # extracted, while the same text as a prediction is, so those are left out).
    plain = [g for g in golds if "\\boxed" not in g][:100]
    same = verify_batch(plain, plain, timeout=2.0)
    assert all(v.status != "incorrect" for v in same), [v for v in same if v.status == "incorrect"][:3]


@pytest.mark.parametrize("pred", ["((9^9)^9)^9", "10^{400} + x", "x \\cdot 10^{400}"])
def test_values_too_large_for_a_float_never_match(pred):
    """sympy's path turned 9^729 into inf, and inf was 'close' to every value: x + 1 matched it."""
    from eval.checker._symbolic import sympy_scalar_equal

    assert sympy_scalar_equal("x+1", pred) is False


@pytest.mark.parametrize("pred", ["x^x^x^x^x^x^x", "factorial(factorial(factorial(factorial(factorial(x)))))"])
def test_towers_and_nested_factorials_are_refused_before_the_limit(pred):
    """They used to run to the time limit in a worker; now they are refused when read, or (the tower)
    found apart from x at the first sample point, before any point overflows."""
    start = time.perf_counter()
    verdict = verify("x", pred, timeout=5.0)
    assert verdict.status in ("unparseable_pred", "incorrect") and time.perf_counter() - start < 4.0


def test_a_list_of_solutions_is_never_sent_to_sympy_as_one_equation():
    """'x = ±1, ±2, ±1/2' against five other values: the lists decide in-process (it went to a sympy worker
    as an equation, 45 ms the first time)."""
    from eval.checker._verify import _screen

    verdict, task = _screen("x=±1, ±2, ±1/2", "The roots are x = -1, 0.717136, -1.39214, 1.39214, -0.717136.", None)
    assert task == () and verdict is not None and verdict.status == "incorrect"


@pytest.mark.parametrize("response", ["The answer is " + "7+" * 3000 + "1.", "I am not sure. " + "blah " * 3000 + "1",
                                      "The answer is " + "+".join(["7"] * 2500) + "+1\n", "Thus " + "blah " * 900 + "1\n"])
def test_the_last_number_of_an_unbroken_run_longer_than_the_tail_is_no_answer(response):
    """A 4,000-character run with no sentence end, line break or maths segment hides where it started (an
    answer line whose value is the whole run): its last number was read as the answer (a reward to pad for)."""
    assert verify("1", response).status == "unparseable_pred"


def test_a_none_prediction_says_so():
    assert verify("42", None).reason.startswith("the prediction is None")


def test_a_long_chinese_paragraph_is_no_unbroken_run():
    """Chinese punctuation (，。) breaks a run: a long paragraph with no line break keeps its answer."""
    assert bool(verify("12", "我们" + "计算得到的结果是对的，" * 450 + "所以结果是12"))


@pytest.mark.parametrize("pred,why", [
    ("m) * f(n-1", "unbalanced brackets"),  # a fragment cut at a comma inside a call
    (")^(1/3", "unbalanced brackets"),
    ("(1+2", "unbalanced brackets"),
    ("x^3 + y^3 + z^3 +", "an operator without an operand"),
    ("90-", "an operator without an operand"),
    ("* 4", "an operator without an operand"),
])
def test_the_worker_refuses_malformed_text_before_parsing_it(pred, why):
    """Text the parser cannot read is refused by its form, before the gold is parsed (parsing each
    side only to fail cost 10-20 ms)."""
    from eval.checker._symbolic import Unparseable, sympy_scalar_equal

    with pytest.raises(Unparseable) as info:
        sympy_scalar_equal("C(n+1, 2m+1)", pred)
    assert (info.value.side, info.value.why) == ("pred", why)
    with pytest.raises(Unparseable) as info:
        sympy_scalar_equal(pred, "2")
    assert info.value.side == "gold"


@pytest.mark.parametrize("gold,pred,equal", [
    ("\\left[0, 1\\right)", "[0, 1)", True),  # an interval opens with one bracket and closes with another
    ("-x", "-(x)", True),
    ("x^{-1}", "\\frac{1}{x}", True),
    ("(1, 2]", "(1, 2)", False),
])
def test_balanced_forms_still_reach_the_parser(gold, pred, equal):
    from eval.checker._symbolic import sympy_scalar_equal

    assert sympy_scalar_equal(gold, pred) is equal


@pytest.mark.parametrize("gold,pred,equal", [
    ("15", "5!!", True),  # 5 * 3 * 1; the parser alone reads (5!)! = 120!
    ("120", "5!!", False),
    ("48", "6!!", True),
    ("n!!", "(n!)!", False),  # written as a factorial of a factorial: left as such
])
def test_the_worker_reads_a_double_factorial(gold, pred, equal):
    from eval.checker._symbolic import sympy_scalar_equal

    assert sympy_scalar_equal(gold, pred) is equal
