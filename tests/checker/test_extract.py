"""Answer extraction and the Verdict object."""

import pytest

from eval.checker import Verdict, extract, verify, verify_batch, warmup


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (r"so $\boxed{\frac{1}{2}}$", r"\frac{1}{2}"),
        (r"\boxed{\frac{\sqrt{3}}{2}} and nothing else", r"\frac{\sqrt{3}}{2}"),
        (r"first \boxed{1}, then \boxed{2}", "2"),
        (r"\boxed{\{1, 2\}}", r"\{1, 2\}"),
        (r"\fbox{42}", "42"),
        (r"\boxed 7 is it", "7"),
        ("The answer is 12 apples.", "12"),
        ("Answer: 033", "033"),
        ("so the final answer is $x = 5$ because", "x = 5"),
        ("We find 3 cases and then 12 more", "12"),
        (r"(1, 2]", "(1, 2]"),
        ("", None),
        ("no digits at all here", None),
    ],
)
def test_extract(text, expected):
    assert extract(text) == expected


def test_extract_letter_only_for_multiple_choice():
    text = "Comparing the options, I choose (D) as it fits; earlier 3 was wrong"
    assert extract(text, choices=["1", "2", "3", "4", "5"]) == "D"
    assert extract(text) is None  # without choices no letter is read, and "3 was wrong" denies the last number
    assert extract("Comparing the options, 3 fits") == "3"


def test_last_number_fallback_can_be_turned_off():
    assert extract("We find 3 cases and then 12 more", last_number=False) is None


def test_unbalanced_boxed_is_not_an_answer():
    assert extract(r"\boxed{\frac{1}{2}") != r"\frac{1}{2"


def test_verdict_truthiness_and_validation():
    assert bool(Verdict("correct", "x")) is True
    for status in ("incorrect", "unparseable_pred", "unparseable_gold", "timeout"):
        assert bool(Verdict(status)) is False
    with pytest.raises(ValueError, match="'status' parameter of Verdict"):
        Verdict("maybe")


def test_verify_statuses_for_missing_answers():
    assert verify("5", "I do not know").status == "unparseable_pred"
    assert verify("", "5").status == "unparseable_gold"
    assert verify(None, "5").status == "unparseable_gold"
    assert verify("5", None).status == "unparseable_pred"


def test_verify_rejects_bad_timeout():
    with pytest.raises(ValueError, match="'timeout' parameter of verify"):
        verify("1", "1", timeout=0)
    # a newcomer's 1e7 s passed the check, then failed deep in the OS's wait ("timeout is too large")
    with pytest.raises(ValueError, match="at most 86400"):
        verify("\\int_0^1 x^2 dx", "\\frac13", timeout=1e7)


def test_verify_batch_refuses_more_workers_than_the_machine_can_run():
    from eval.checker import verify_batch

    with pytest.raises(ValueError, match="'workers' parameter of verify_batch must be None or an int from 1 to"):
        verify_batch(["1"], ["1"], workers=10_000)


def test_docstring_examples_run():
    import doctest

    import eval.checker
    import eval.checker._extract
    import eval.checker._verify

    for module in (eval.checker, eval.checker._extract, eval.checker._verify):
        result = doctest.testmod(module)
        assert result.attempted >= 1 and result.failed == 0, module.__name__


def test_verify_batch_validates_and_keeps_order():
    from eval.checker import verify_batch

    with pytest.raises(ValueError, match="'predictions' parameter of verify_batch"):
        verify_batch(["1", "2"], ["1"])
    with pytest.raises(ValueError, match="'choices' parameter of verify_batch"):
        verify_batch(["1", "2"], ["1", "2"], choices=[None])
    verdicts = verify_batch(["1/2", "C", "3", "(1,2]"], ["0.5", "12", "4", "(1,2]"], choices=[None, ["1", "2", "12"], None, None])
    assert [v.status for v in verdicts] == ["correct", "correct", "incorrect", "correct"]
    # One list of choices shared by every item.
    shared = verify_batch(["A", "B"], ["7", "7"], choices=["7", "8", "9", "10", "11"])
    assert [bool(v) for v in shared] == [True, False]


@pytest.mark.parametrize("call,message", [
    (lambda: verify("1", "1", timeout=True), "'timeout' parameter of verify must be"),
    (lambda: verify_batch(["1"], ["1"], timeout=-1), "'timeout' parameter of verify_batch must be"),
    (lambda: verify("1", "1", choices=5), "'choices' parameter of verify must be None or a list"),
    (lambda: verify("1", "1", choices="ABCDE"), "'choices' parameter of verify must be None or a list"),
    (lambda: verify_batch(["A"], ["A"], choices=[[{"x": 1}, "b"]]), "'choices' parameter of verify_batch"),
    (lambda: verify_batch(None, None), "'golds' parameter of verify_batch must be a list"),
    (lambda: verify_batch({"a": 1}, {"b": 2}), "Got a dict instead"),
    (lambda: warmup(0), "'workers' parameter of warmup must be None or an int from 1 to"),
    (lambda: warmup("2"), "'workers' parameter of warmup"),
])
def test_bad_arguments_get_one_clear_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_choices_may_be_any_sequence_of_texts_or_numbers():
    import numpy as np

    assert verify("B", "B", choices=np.array(["1", "2", "3"]))
    assert verify("B", "B", choices=(1, 2, 3))
    assert verify_batch(["B"], ["B"], choices=np.array(["1", "2", "3"]))[0]
    assert verify("B", "B", choices=["1", "2", "3", None])  # a padded option list
    assert verify("B", "B", choices=np.array([1, 2, 3]))


def test_a_prediction_that_is_not_text_says_what_it_is():
    verdict = verify("5", b"5")
    assert verdict.status == "unparseable_pred" and "is a bytes, not text" in verdict.reason
    assert "is a list, not text" in verify("5", ["5"]).reason


def test_extract_reads_a_number_as_verify_does_and_checks_its_choices():
    import pytest

    from eval.checker import extract

    assert extract(5) == "5" and extract(2.5) == "2.5"
    assert extract(None) is None and extract(b"the answer is 5") is None and extract(["5"]) is None
    with pytest.raises(ValueError, match="'choices' parameter of extract"):
        extract("(B)", choices=5)
    assert extract("(B)", choices=["1", "2"]) == "B"


def test_a_non_text_prediction_gets_the_hint_that_fits_it():
    from eval.checker import verify

    assert "decode it first" in verify("1", b"1").reason
    assert "one response per call" in verify("1", ["1"]).reason


def test_extract_with_choices_gives_the_letter_verify_judges():
    """The third review: extract read the last letter ("(C)") where verify judged the committed one."""
    from eval.checker import extract, verify

    choices = ["3", "4", "5", "6"]
    for response, letter in [("(C) looks tempting, but (A) is correct.", "A"), ("I pick (A) over (C).", "A"),
                             ("Neither (A) nor (B) is correct, so (C).", "C")]:
        assert extract(response, choices=choices) == letter
        assert verify(letter, response, choices=choices).status == "correct"
    assert extract("The answer is 4.", choices=choices) == "4"


def test_a_plain_answer_line_offering_pairs_keeps_each_pair():
    """Joining the values with "or" once replaced every comma, the pairs' own: "(1 or 2) or (3 or 4)"."""
    from eval.checker import extract

    assert extract("Answer: (1, 2) or (3, 4)") == "(1, 2) or (3, 4)"
    assert extract("Answer: x > 1 or x < 3") == "x > 1 or x < 3"


def test_a_lower_case_gold_letter_names_its_option_when_choices_are_given():
    """A newcomer's trial: MathQA writes its gold letters in lower case ("c"); with choices given they were
    compared as the word "c" and every response was judged incorrect."""
    choices = ["1", "2", "3"]
    assert verify("c", "The answer is C", choices=choices).status == "correct"
    assert verify("(c)", "So the answer is (C).", choices=choices).status == "correct"
    assert verify("c", "The answer is B", choices=choices).status == "incorrect"
    assert verify("c", "c", choices=["a", "b", "c"]).status == "correct"  # "c" is an option's text there


def test_a_gold_letter_beyond_the_choices_is_reported_as_a_bad_gold():
    """A newcomer's trial: gold "D" with three choices judged "The answer is D" correct."""
    verdict = verify("D", "The answer is D", choices=["1", "2", "3"])
    assert verdict.status == "unparseable_gold" and "only 3 choices" in verdict.reason
    assert verify("C", "The answer is C", choices=["1", "2", "3"]).status == "correct"
