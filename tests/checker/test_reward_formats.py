"""Formats that reward functions and eval harnesses meet (issue 14, after the peers' third sample).

Each row states why it must hold. The rows are written for these tests, in the kinds that the third
peers' sample (tests/checker/peers/peers_heldout3.jsonl, scored once, then read) showed this checker
missing: GSM8K markers, chat-template tokens, markdown bold, Python powers, percent words, Unicode
fractions, boxes by another name, units glued to decimals, gold forms, factorizations, and answers
offered twice.
"""

from __future__ import annotations

import pytest

from eval.checker import extract, verify
from tests._ids import plain_id

# (gold, response, expected, why)
ROWS = [
    ("42", "The answer is #### 42", True, "a GSM8K marker inside a line gives the answer"),
    ("55", "####: 55", True, "a GSM8K marker with a colon"),
    ("18", "Step 1 ...\n#### $18", True, "a GSM8K marker with a currency sign"),
    ("5", "#### Final Answer\nThe answer is $5$.", True, "a markdown heading is no GSM8K marker"),
    ("5", "#### Final Answer\nThus there are 5 ways.", True, "a heading, then the closing sentence's count"),
    ("72", "So she sold 72 clips in all.<|im_end|>", True, "a chat template's end token is no part of the answer"),
    ("9", "The result is \\boxed{9}</s>", True, "an end-of-sequence token after the box"),
    ("131", "64 + 67 = **131**", True, "markdown bold around the last side of a worked line"),
    ("2^{1/4}", "2**(1/4)", True, "Python's power operator"),
    ("x^2", "The area is x**2.", True, "Python's power on a name"),
    ("0.335", "33.5 percent", True, "the word percent is a percent sign"),
    ("0.12", "It is 12 per cent.", True, "per cent, two words"),
    ("0.07", "7 pct", True, "pct"),
    ("0.005", "\\frac{1}{2}\\text{ percent}", True, "percent in a text command after a fraction"),
    ("0.2", "So about 20% of them.", True, "a last number read with its percent sign"),
    ("20", "So about 20% of them.", True, "a percentage also answers the gold written as its number of percent"),
    ("0.5", "the result is ½", True, "a Unicode fraction"),
    ("2.5", "answer 2½", True, "a mixed number with a Unicode fraction"),
    ("2", "answer 2½", False, "a mixed number is not its whole part"),
    ("-0.5", "got -½ as the result", True, "a negative Unicode fraction"),
    ("100", "\\framebox{100}", True, "\\framebox is a box"),
    ("2.5", "a load of roughly 2.5kN", True, "a unit of two letters glued to a decimal is a unit"),
    ("7.55 kN", "about 7.55 kN", True, "a unit of two letters after the number on both sides"),
    ("7", "roughly 7.55N", False, "a decimal glued to a letter is never read as its whole part"),
    ("0.64N", "\\boxed{\\frac{16}{25}N}", True, "the same force written as a fraction"),
    ("odd $n$", "odd $n$", True, "the gold's own text, as written"),
    ("all even $k$", "all  even $k$", True, "the gold's own text, spacing aside"),
    ("2=x", "2", True, "a gold written value first"),
    ("2 = y", "y = 2", True, "a gold written value first, against a prediction written name first"),
    ("2=x", "3", False, "a gold written value first, against another value"),
    ("25 = x^2+y^2", "25", False, "an equation with unknowns on the right is no value written first"),
    ("a_{n} = 2n+1", "a_n=2n+1", True, "a braced one-letter subscript names the same quantity"),
    ("a_{n} = 2n+1", "b_n=2n+1", False, "another name"),
    ("\\Delta p \\approx -\\frac{\\hbar \\omega}{c}", "-\\frac{\\omega \\hbar}{c}", True,
     "a gold naming its quantity with an approximate sign"),
    ("\\pi \\approx 3.14", "3.14", False, "an exact constant, then its rounding: the exact form is the gold"),
    ("2 \\times 2 \\times 3", "2^2 \\cdot 3", True, "the same factorization with a power"),
    ("2 \\times 2 \\times 3", "2 \\times 6", False, "a factorization into other factors"),
    ("2 \\times 2 \\times 3", "12", True, "a prediction written as the value is compared by value"),
    ("2^6 * 3^5 * 5^4", "2^6 3^5 5^4", True, "factors written side by side"),
    ("3 \\times 10^8", "300000000", True, "scientific notation is a number, not a factorization"),
    ("4 \\times 3", "3 \\times 4", True, "the same factors in another order"),
    ("42", "First answer: <answer>42</answer> Second: <answer>43</answer>", False, "the last answer tag is the answer"),
    ("5", "<answer>5</answer> So, to repeat: <answer>5</answer>", True, "two answer tags that agree"),
    ("5", "It could be either 4 or 5", False, "the last number offered as one of two answers"),
    ("0", "__import__('os').system('touch marker') or 0", False, "code whose last number is an alternative"),
    ("x^2", "所以，答案是x^2", True, "'答案是' (the answer is) before plain maths"),
    ("5", "所以答案为 $5$", True, "'答案为' (the answer is)"),
    ("5", "答案是5或6", False, "two answers offered in Chinese"),
    # After the second formats sample written apart from the code (tests/checker/formats_apart2.jsonl).
    ("e^3", "$$\\lim_{x\\to 0}(1+3x)^{1/x} = e^{3}$$", True, "after a worked side (a limit), e is Euler's number"),
    ("3", "e^3 = 3", False, "an equation in e is no worked side"),
    ("45^\\circ", "∠PQR = 45°", True, "the angle sign names the quantity"),
    ("13", "So $|w| = \\sqrt{5^2+12^2} = 13$.", True, "a modulus names the quantity"),
    ("\\text{odd}", "Since f(-x) = -f(x), the function is odd.", True, "a one-word gold stated in a sentence"),
    ("odd", "The function is not odd.", False, "a one-word gold negated"),
    ("odd", "It is neither even nor odd.", False, "neither ... nor states neither"),
    ("convergent", "The series is divergent.", False, "another word"),
    ("7, 2", "(a) \\boxed{7}\n(b) \\boxed{2}", True, "labelled parts, one box each"),
    ("2, 7", "(a) \\boxed{7}\n(b) \\boxed{2}", False, "labelled parts keep their order"),
    ("19", "My first guess was 17. The answer is not 17; it is 19.", True, "an answer line that corrects itself"),
    ("17", "The answer is not 17; it is 19.", False, "the rejected value"),
    ("\\frac{k(k-1)}{2}", "Total = k(k-1)/2", True, "a quantity named in words, then plain maths"),
    ("2", "Total = k(k-1)/2", False, "the denominator of that maths"),
    ("Bob", "Whatever Alice does, Bob answers symmetrically, so Bob has a winning strategy.", True,
     "who wins, stated as the last sentence's subject"),
    ("\\text{Alice}", "Whatever Alice does, Bob answers symmetrically, so Bob has a winning strategy.", False,
     "the other player is only mentioned"),
    ("The second player", "Hence the second player can always win.", True, "a player named by turn"),
    ("Bob", "Bob has no winning strategy.", False, "a negated claim states no winner"),
    ("Alice", "Alice wins if n is odd, otherwise Bob wins.", False, "the last winner named is another"),
    # After an adversarial review of the rules above.
    ("10", "\\boxed{5 ** 2}", False, "a spaced Python power is a power, not a product"),
    ("25", "\\boxed{5 ** 2}", True, "a spaced Python power"),
    ("12", "**12** apples", True, "bold around a number, then a word: no power"),
    ("\\frac{1}{4}", "\\boxed{\\frac{1}{4}N^2}", False, "a capital letter after a brace may be a variable"),
    ("0.5", "a = 0.5g", False, "a one-letter symbol glued to a decimal may be a variable (gravity)"),
    ("1", "\\boxed{3^⅓}", False, "a Unicode fraction exponent is the whole exponent"),
    ("\\sqrt[3]{3}", "\\boxed{3^⅓}", True, "a Unicode fraction exponent"),
    ("0.05", "It grew by 5 percentage-points", False, "percentage points are no percent sign"),
    ("36", "So, he needs 3 dozens, or 36 eggs.", True, "', or 36 eggs' restates an amount"),
    ("90", "The film lasts 1 hour and 30 minutes, or 90 minutes.", True, "a unit conversion written with 'or'"),
    ("2^{10} \\cdot 3^{5}", "\\boxed{248832}", True, "a gold written as a product answered by its value"),
    ("6 \\cdot 2^{11}", "2^{12} \\cdot 3", True, "a product of non-primes is a number, not a factorization"),
    ("2^3 \\cdot 3^2 \\cdot 5", "\\boxed{360 = 2^3 \\cdot 3^2 \\cdot 5}", True, "the value, then its factorization"),
    ("2^{4} \\cdot 3^{2}", "1 \\cdot 2^4 \\cdot 3^2", True, "a factor 1 changes nothing"),
    ("50", "The answer is 50 percent of the class.", True, "the percentage, not the words after it"),
    ("6", "答案是 6 个苹果。", True, "a number, a measure word and its noun"),
    ("5", "x = 5. 答案是正确的。", True, "'答案是正确的' (the answer is correct) is no answer line"),
    ("42", "So the answer is 42.\n\n#### 3 Alternative approaches\nOne could also count directly.", True,
     "a numbered markdown heading is no GSM8K marker"),
    # After reading the remaining misses of the development sets.
    ("\\text{DNE}", "The one-sided limits differ, so the limit does not exist.", True, "what the sentence concludes"),
    ("No solution", "The discriminant is negative, so there are no real solutions.", True, "a none claim concluded"),
    ("increasing", "The function is not increasing but decreasing.", False, "'not A but B' does not state A"),
    ("convergent", "The series is convergent but not absolutely convergent.", False,
     "'but' turns the claim: a one-word gold is not stated"),
    ("2 \\pm \\sqrt{3}", "So $x = 2+\\sqrt3$ and $x=2-\\sqrt3$.", True, "two roots in two segments joined by 'and'"),
    ("2 + \\sqrt{3}", "So $x = 2+\\sqrt3$ and $x=2-\\sqrt3$.", False, "one root of two given"),
    ("9", "We have $p=4$, $q=5$, so $p+q=9$.", True, "the maths right after 'so' ends the sentence"),
    ("4", "We have $p=4$, $q=5$, so $p+q=9$.", False, "a value given before the conclusion"),
]


# After a second adversarial review (game winners, one-word golds, conclusions, joined segments).
REVIEW2 = [
    ("Bob", "In general, Alice wins when $n \\equiv 0 \\pmod 3$ and Bob wins otherwise. Since $2025 \\equiv 0 "
     "\\pmod 3$, the answer is $\\boxed{\\text{Alice}}$.", False, "the box, not a winner named in the working"),
    ("Alice", "**Final Answer:** Bob\n\nVerification: if Bob deviates, Alice wins.", False, "the answer line decides"),
    ("Bob", "Therefore Alice wins with probability 5/8, while Bob wins with probability 3/8.", False, "odds name no winner"),
    ("Alice", "Alice wins if and only if n is even.", False, "a conditional names no winner"),
    ("Alice", "Hence Bob has a winning strategy, since otherwise Alice wins.", False, "a counterfactual"),
    ("Alice", "Probably Alice wins.", False, "a hedge"),
    ("Bob", "Alice does not win, so Bob wins.", True, "the winner in the clause that is not negated"),
    ("The first player", "The first player does not have a winning strategy; the second player wins.", False,
     "the first player is denied"),
    ("increasing", "The sequence is non-increasing.", False, "'non-' is a negation"),
    ("even", "The function is odd, even though it is not continuous at 0.", False, "the adverb 'even'"),
    ("red", "Blue is more likely than red.", False, "a word that is no predicate"),
    ("continuous", "The function is continuous everywhere except at $x=0$.", False, "a restricted claim"),
    ("odd", "The function is even, but its derivative is odd.", False, "a property of something else"),
    ("finite", "Thus the set is finite.", True, "a one-word predicate"),
    ("7", "Thus $m = 3$, $n = 4$, and $m + n = 7$.", True, "values of different quantities are not joined"),
    ("1, 2, 3", "Let me check $n = 1$, $n = 2$, and $n = 3$.", False, "a sentence that tries values concludes nothing"),
    ("6", "This would mean $a = 2$ and $b = 3$, so $ab = 6$, but that is impossible.", False,
     "maths after 'so' that does not end the sentence"),
    ("-5", "Then $x^2 = 25$, so $x = 5$, but since $x<0$ we take $x=-5$.", True, "the value taken last"),
    ("13", "The answer is not 12, but it is close to 13.", False, "a correction must give a value"),
    ("e", "2+3 = 2e", False, "e is Euler's number only after a limit, sum, product or integral"),
]


# After a third adversarial review (units, yes/no corrections, conclusions, winners).
REVIEW3 = [
    ("3 hours", "Pipe A takes 3 hours, so the answer is 2 hours.", False, "a gold with a unit is a quantity, not words"),
    ("7 days", "After 7 days, the plant is 20 cm tall.", False, "a quantity mentioned on the way"),
    ("20 dollars", "Each shirt costs 20 dollars, so 3 shirts cost 60 dollars.", False, "the premise before 'so'"),
    ("3 hours", "The answer is 3 hours.", True, "a quantity with its unit"),
    ("No solution", "There is no positive solution, so the answer is x = -2.", False, "the conclusion is the claim"),
    ("The series converges", "The series converges for p > 1, so for p = 1 it diverges.", False, "the conclusion"),
    ("No", "**Final answer: Yes.** Hmm, no other cases remain.", False, "'no' before a noun is no correction"),
    ("Yes", "Yes. Wait, no extra assumption is needed, so the claim holds.", True, "'no extra ...' is no answer"),
    ("No", "The answer is no. Wait, actually, yes, let me double-check. It fails, so the answer is still no.", True,
     "'the answer is still no' is the last answer"),
    ("Yes", "Answer yes or no: Yes.", True, "an answer after the question's 'yes or no'"),
    ("60 mph", "The answer is 60 miles per hour.", True, "a unit of several words"),
    ("12 cm", "The perimeter is 12 in total.", True, "'in' is a preposition, not inches"),
    ("3", "Let me check $x = 1$, $x = 2$ and $x = 3$.", False, "a response that ends trying values gives none"),
    ("3, 4", "So $m = 3$ and $n = 4$.", True, "values of named unknowns read together"),
    ("4", "So $m = 3$ and $n = 4$.", False, "one of two named values"),
    ("e-1", "$\\int_0^1 e^x dx = e - 1$", True, "after an integral, e is Euler's number"),
    ("Alice", "Alice wins iff n is odd.", False, "'iff' is a condition"),
    ("Alice", "Alice wins 70% of the time.", False, "a share is no winner"),
    ("Alice", "It is false that Alice wins.", False, "'false' denies"),
    ("odd", "The function is even, and the derivative is odd.", False, "two things, two properties"),
    # After a final review of the session's change.
    ("even", "Because the sum is even, the function is even.", True, "a copula in a leading clause is aside"),
    ("2^{10} \\cdot 3^{5}", "2^10 3^5", True, "two-digit exponents written side by side"),
]


# After a newcomer's trial: yes/no corrections and idioms, units in prose and plain golds.
NEWCOMER = [
    ("Yes", "Yes or no, hard to say.", False, "both answers offered"),
    ("Yes", "Yes and no.", False, "both answers"),
    ("Yes", "Yes. Hmm, no.", False, "the last explicit answer, after a correction"),
    ("No", "No. Wait, actually yes.", False, "a correction to yes"),
    ("Yes", "No. Wait, actually yes.", True, "a correction to yes"),
    ("No", "No doubt, the statement holds.", False, "'no doubt' is no negation"),
    ("No", "No problem, the claim is true.", False, "'no problem' is no answer"),
    ("5 cm", "\\boxed{5 \\text{ m}}", False, "a plain gold keeps its unit"),
    ("5 cm", "#### 5 m", False, "a plain gold keeps its unit (GSM8K marker)"),
    ("12 km", "The distance is 12 miles.", False, "a unit word in prose stays with the value"),
    ("5 \\text{ cm}", "The length is 5 meters.", False, "meters are not centimetres"),
    ("5 cm", "The length is 5 centimeters.", True, "the same unit, spelled out"),
    ("3 \\text{ hours}", "The answer is 3 minutes.", False, "a unit word on an answer line stays with the value"),
    ("3", "There are 3 ways.", True, "a count's noun is no unit"),
]


def test_decimal_golds_are_numbers_and_a_nan_gold_is_no_value():
    from decimal import Decimal

    assert verify(Decimal("0.25"), "1/4").status == "correct"
    for nan in (float("nan"), Decimal("NaN")):
        verdict = verify(nan, "nan")
        assert verdict.status == "unparseable_gold" and "NaN" in verdict.reason


def test_numpy_numbers_are_numbers_and_a_string_of_choices_is_refused():
    import numpy as np

    from eval.checker import verify_batch

    assert verify(np.int64(5), "5") and verify(np.float32(0.25), "1/4") and verify("5", np.int64(5))
    assert [bool(v) for v in verify_batch(np.array([5, 6]), ["5", "7"])] == [True, False]
    assert "bool" in verify(np.True_, "yes").reason and "list" in verify([1], "1").reason
    # shared numeric choices: option B is 2
    assert [bool(v) for v in verify_batch(["2", "1"], ["B", "B"], choices=[1, 2, 3])] == [True, False]
    with pytest.raises(ValueError, match="'choices' parameter of verify_batch"):
        verify_batch(["1"], ["A"], choices="123")


@pytest.mark.parametrize("text", [
    "\\boxed{1}" + "(a)  " * 40 + "x\\boxed{2}",  # part labels between boxes (was exponential)
    "1" * 100_000 + "x½",  # digits before a Unicode fraction (was quadratic)
    "#### 5" + " " * 40_000 + "x",
    "$x=1$" + " " * 40_000 + "$x=2$",
    "a" * 3_000 + "≡ 2 mod 7",  # a plain congruence after a long word (its left side is bounded)
    "Answer: " + "2 if n is even, " * 500 + "3 otherwise.",  # a case split of many clauses
    "Among " + "(A) 6, (B) 3, (C) 2, (D) 4, " * 300 + "the answer is (B).",  # many listings
])
def test_the_new_patterns_stay_fast_on_long_inputs(text):
    import time

    start = time.perf_counter()
    verify("5", text)
    assert time.perf_counter() - start < 2.0  # each was seconds to minutes before the fix


# After a last hunt for answers a policy could exploit (each was scored correct).
EXPLOITS = [
    ("even", "\\boxed{\\text{even}} \\boxed{\\text{odd}}", False, "both words boxed"),
    ("odd", "\\boxed{\\text{even}} \\boxed{\\text{odd}}", False, "both words boxed (the last one)"),
    ("even", "Answer: even", True, "the word on an answer line"),
    ("first player", "The first player loses.", False, "a player named without winning"),
    ("first player", "The first player moves, then the second player moves.", False, "both players named"),
    ("Bob", "Answer: Bob loses", False, "the answer line names the loser"),
    ("Bob", "Answer: Bob", True, "the answer line names the winner"),
    ("\\text{Tuesday}", "Tuesday", True, "a capitalised gold that is no player"),
    ("yes", "Yes no", False, "both answers"),
    ("yes", "Yes/No", False, "both answers"),
    ("yes", "Yes.\nActually, no: n=3 is a counterexample.", False, "a correction with a colon"),
    ("5", "The answer is 5. Wait, the answer is 7.", False, "a correction on the same line"),
    ("7", "The answer is 5. Wait, the answer is 7.", True, "the line's last answer"),
    ("18", "18 thousand", False, "a scale word"),
    ("18000", "18 thousand", True, "a scale word read"),
    ("5", "5 squared", False, "an operation word"),
    ("12", "more than 12", False, "a strict bound is no value"),
    ("12", "12 is wrong.", False, "a denied value"),
    ("5", "The problem says there are 5 boxes. Then", False, "a response cut short"),
    ("\\frac{7}{2}", "### Final Answer\n**x = 3.5**", True, "markdown bold is no dangling operator"),
    # After a review of the rules just above (each was a regression or a false positive).
    ("18", "The final answer is **\\boxed{18}**.", True, "bold around a box is no operand"),
    ("30", "The angle is $\\boxed{30}^\\circ$.", True, "a degree sign after a box is no operand"),
    ("18", "Janet makes \\boxed{18}/day", True, "a rate after a box is no operand"),
    ("5", "The answer is 5 dozen.", True, "'dozen' counts in dozens"),
    ("1500000", "The project costs 1.5 million dollars.", True, "a scale word written out"),
    ("10", "He ran 10 hundred-meter sprints.", True, "a hyphenated compound is no scale word"),
    ("42", "The final answer is 42. I hope the answer is correct.", True, "a later 'the answer is' without a value"),
    ("1800", "The answer is 18. Note: if the answer is asked in cents, the answer is 1800.", False,
     "a conditional 'the answer is' later on the line"),
    ("12", "He needs at least 12 boxes.", True, "'at least N' answers a minimum"),
    ("Yes", "So yes, no matter which n we pick, it works.", True, "'no matter' is no second answer"),
    ("No", "Answer: Yes.\n\nWait, no, that's right; the construction works.", False, "'Wait, no, ...' is no correction"),
    ("5", "So the answer is 5.\n\n---", True, "a markdown rule is no dangling operator"),
]


UNITS_AND_BOXES = [
    ("\\$18", "18 cents", False, "dollars are not cents"),
    ("\\$18", "18 dollars", True, "dollars spelled out"),
    ("60 miles per hour", "60 feet per second", False, "another speed unit"),
    ("5 cm", "The area is 5 square centimeters.", False, "a square unit"),
    ("90^\\circ", "90 radians", False, "radians are not degrees"),
    ("90^\\circ", "\\boxed{\\pi/2 \\text{ rad}}", True, "the same angle in radians"),
    ("5", "\\boxed{5}^2", False, "a box that is an operand"),
    ("5", "\\boxed{5}+2", False, "a box that is an operand"),
    ("2^2 \\cdot 3^2", "6^2", False, "a prime factorization answered by a power of a composite"),
    ("2^4", "2 \\cdot 8", False, "a prime power answered by another product"),
    ("2^4", "16", True, "a prime power answered by its value"),
]


# Answers that take themselves back: a denial with exceptions, a count left to "more analysis".
UNDONE = [
    ("No", "The equation has no integer solutions, except for the trivial solution $x=1$, $y=0$.", False,
     "a denial that names an exception says some exist"),
    ("No", "The equation has no integer solutions other than $x = 0$.", False, "other than: an exception"),
    ("No", "The equation has no integer solutions.", True, "a plain denial"),
    ("100", "It holds for some n in {1, 2, ..., 100}, but to determine the exact count, a more detailed "
     "analysis is required.", False, "the exact count left to further analysis: no count given"),
    ("100", "It holds for all 100 values, although further analysis is required to prove it.", True,
     "a value given, its proof left open"),
]


# Plus-or-minus: the Unicode sign as \\pm, and a named solution written with it as two solutions.
PLUS_MINUS = [
    ("1±sqrt(2)", "1+sqrt(2), 1-sqrt(2)", True, "the Unicode plus-minus sign"),
    ("1±sqrt(2)", "1+sqrt(2)", False, "one of the two values"),
    ("x = 1 \\pm \\sqrt{2}", "x = 1 + \\sqrt{2}, x = 1 - \\sqrt{2}", True, "a named plus-minus solution is two"),
    ("x = 1 \\pm \\sqrt{2}", "x = 1 + \\sqrt{2}", False, "a named plus-minus solution, one value given"),
    ("x = 1 + \\sqrt{2}, x = 1 - \\sqrt{2}", "x = 1 \\pm \\sqrt{2}", True, "the two written as plus-minus"),
    ("x=\\pm 2, y=1", "x=2, y=1 or x=-2, y=1", True, "plus-minus in one of two named values"),
    ("x=\\pm 2, y=1", "x=2, y=1 or x=-2, y=2", False, "the second solution's y differs"),
    ("x=\\pm 2, y=\\pm 1", "x=2, y=1 or x=-2, y=-1", False, "two plus-minus values: which signs go together is unsaid"),
]


# An adversarial review of the rules above (plus-minus, exceptions, exact values left open).
REVIEW4 = [
    ("\\pm 2", "Solving gives x = ±2, and since x > 0 we take x = 2.", False, "the value kept is 2 alone"),
    # Read as the first claim of its sentence, like "The critical points are 5, and ... is at 3" (5); this
    # row expected False only while the sign was not read in prose (the claim "are ±3" was skipped).
    ("\\pm 3", "The critical points are ±3, and the local minimum is at 3.", True, "the sentence's first claim"),
    ("x=\\pm 1, y=\\mp 1", "x = ±1, y = ±1", False, "signs paired the same, not opposite"),
    ("x=\\pm 1, y=\\pm 1", "x = ±1, y = ∓1", False, "signs paired opposite, not the same"),
    ("(\\pm 1, \\mp 1)", "The points are (±1, ±1).", False, "a tuple's signs paired otherwise"),
    ("x=1\\pm\\sqrt2, y=1\\mp\\sqrt2", "x = 1 ± √2, y = 1 ∓ √2", True, "the same pairing"),
    ("x=\\pm 3, y=2", "\\boxed{(x,y) = (\\pm 3, 2)}", True, "a named tuple with a plus-minus value"),
    ("6", "So, to get the exact amount of paint, 6 gallons are needed.", True, "the exact value is given"),
    ("42", "Thus there are 42 arrangements for this board. To determine the exact count for a general "
     "n×n board, a more detailed analysis would be required.", True, "the open question is another one"),
    ("No", "It is not possible for any n other than n=1, so no such n>1 exists.", True,
     "the concluding clause denies plainly"),
    ("No", "Therefore, it is not possible, except in the trivial case.", True, "an excepted case, no solution"),
    ("No", "Hence, the game cannot be won by the first player, save for the degenerate case n = 0.", True,
     "an excepted case, no solution"),
    ("No", "Therefore, apart from the symmetry argument above, no such function exists.", True,
     "'apart from' an argument"),
]


# Clock times, decimal commas in prose, coordinates split by semicolons, boxes with part labels between them.
FORMS5 = [
    ("20:34", "20:34:00", True, "a clock time with seconds"),
    ("20:34", "20:35:00", False, "another minute"),
    ("20:34", "8:34 PM", True, "p.m. on a 12-hour clock"),
    ("20:34", "08:34 \\text{P.M.}", True, "p.m. in a text command"),
    ("20:34", "8:34 a.m.", False, "a.m. is another time"),
    ("00:05", "12:05 am", True, "12 a.m. is midnight"),
    ("12:05", "12:05 am", False, "12:05 a.m. is not noon"),
    ("12:05", "12:05 pm", True, "12 p.m. is noon"),
    ("1:2", "1:2:00", False, "a ratio of two parts is no clock time with seconds"),
    ("20:34", "The train leaves at 8:34 p.m.", True, "a clock time in prose, not its last number"),
    ("20:34", "It is 8:34 PM.", True, "a clock time after a copula keeps its p.m."),
    ("8:34", "It is 8:34 PM.", False, "p.m. changes the time"),
    ("20:34", "The train leaves at 20:34:00 sharp.", True, "hours, minutes and seconds in prose"),
    ("0.75", "Die Wahrscheinlichkeit beträgt also 0,75.", True, "a decimal comma ending a sentence"),
    ("2.74", "Il reste 2,74 €.", True, "a decimal comma before a currency sign"),
    ("1.2", "so the values are 1,2", False, "a list of two numbers is no decimal"),
    ("2.5", "The pair is 2,5", False, "an English sentence writes a decimal point: 2,5 is a pair"),
    ("74", "Il reste 2,74 €.", False, "a decimal comma: the last number is not 74 alone"),
    ("1000", "In total 1,000", True, "a thousands separator stays one"),
    ("(0;0;0),(4;-2;6)", "(0,0,0),(4,-2,6)", True, "coordinates split by semicolons"),
    ("(0;0;0),(4;-2;6)", "(0,0,0),(4,-2,7)", False, "one coordinate differs"),
    ("(1;2)", "(2,1)", False, "order matters in a pair"),
    ("(3, 3), (1, 1)", "\\boxed{(3, 3)} \\text{ for part (a) and } \\boxed{(1, 1)}", True, "two boxes, a part label between"),
    ("3, 5", "Part (a): \\boxed{3}. Part (b): \\boxed{5}.", True, "a full stop, then the next part's label"),
    ("5", "\\boxed{3}. Apart from that, \\boxed{5}", True, "'Apart' is no part label: the last box"),
    ("5", "\\boxed{3} \\text{ is wrong, } \\boxed{5}", True, "words between boxes: the last box"),
    ("3", "result: 三", True, "a Chinese numeral ends the text"),
    ("12", "答案是十二。", True, "a Chinese numeral on an answer line"),
    ("12", "答案是十一。", False, "another Chinese numeral"),
    ("105", "共有 一百零五", True, "hundreds and a zero in Chinese numerals"),
    ("12", "一二", False, "two digits in a row are no Chinese number"),
    ("43", "First answer: <answer>42</answer> Second: <answer>43</answer>", False, "answer tags that disagree"),
    ("42", "First answer: <answer>42</answer> Second: <answer>43</answer>", False, "answer tags that disagree"),
    ("(5, 8), (8, 5)", "\\boxed{(x, y) = (5, 8) \\quad \\text{and} \\quad (8, 5)}", True, "a named pair's two solutions"),
    ("(5, 8), (8, 5)", "\\boxed{(x, y) = (5, 8), (8, 6)}", False, "one solution differs"),
    ("(5, 8)", "\\boxed{(x, y) = (5, 8), (8, 5)}", False, "an extra solution"),
    ("(5, 8), (8, 5)", "\\boxed{(x, y, z) = (5, 8), (8, 5)}", False, "three names, pairs of values"),
]


# Plain-text functions of other programs (exp, abs, Abs, asin, sec), bracketed exponents, and equality on
# the real domain where both sides are defined.
PLAIN_FUNCTIONS = [
    ("\\pi + 1", "pi + 1", True, "pi written as a word"),
    ("1", "exp(0)", True, "exp"),
    ("e^2", "exp(2)", True, "exp of a number"),
    ("e^2", "exp(3)", False, "another power of e"),
    ("|x|+y", "Abs(x)+y", True, "SymPy's Abs"),
    ("|x|", "abs(x)", True, "abs"),
    ("|x-1|", "abs(x+1)", False, "another absolute value"),
    ("|x|", "x", False, "x is not |x|"),
    ("a|x+b|y||", "a*Abs(x+b*Abs(y))", True, "nested absolute values"),
    ("\\pi", "2*asin(1)", True, "asin"),
    ("2\\pi", "2*asin(1)", False, "twice asin(1) is pi"),
    ("\\sec^2 x + y", "1+tan(x)^2 + y", True, "plain tan against sec"),
    ("2\\sinh(1)", "e-e^(-1)", True, "a bracketed exponent, against sinh"),
    ("4^k", "2^(2k)", True, "a bracketed exponent with a name"),
    ("-\\log\\frac{1-x}{x+1}", "\\log\\frac{x+1}{1-x}", True, "equal wherever both are real (|x| < 1)"),
    ("\\log(x^2)", "2\\log(x)", False, "log(x^2) is real at x < 0, where 2 log x is not: other domains"),
    ("\\log(x^2)", "2\\log|x|", True, "the same function"),
    ("\\ln|x| + C", "\\ln x + C", False, "the missing absolute value of an antiderivative"),
    ("\\sqrt{x}", "\\sqrt{|x|}", False, "real at x < 0 on one side only"),
    ("\\log(x)", "\\log(-x)", False, "never both real: apart in the complex plane"),
    ("\\sqrt{x^2}", "x", False, "apart at negative x, where both are real"),
    ("\\sqrt{x-100}", "-\\sqrt{x-100}", False, "apart where both are real and where neither is"),
    ("\\frac{1}{\\sqrt{x}}", "\\sqrt{1/x}", True, "equal for x > 0"),
]


# LaTeX's braced thousands comma, GSM8K golds, repeating decimals with dots, inequalities rearranged.
FORMS6 = [
    ("23000", "\\$23{,}000", True, "a braced thousands comma after a dollar sign"),
    ("23000", "\\$23{,}001", False, "another amount"),
    ("72", "Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.", True,
     "a plain gold against a worked response"),
    ("Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72", "72", True,
     "a GSM8K solution as gold: the answer after ####"),
    ("Natalia sold 48/2 = 24 clips in May.\nNatalia sold 48+24 = 72 clips altogether.\n#### 72", "24", False,
     "a GSM8K gold's other numbers are not its answer"),
    ("1/3", "0.333...", True, "a repeating digit, then dots"),
    ("1/3", "The answer is 0.333...", True, "an answer line keeps the dots of a repeating decimal"),
    ("1/7", "0.142857142857...", True, "a repeating block"),
    ("1/3", "0.33...", False, "two digits are no repeating decimal"),
    ("\\pi", "3.14...", False, "a cut decimal names no value"),
    ("5", "The answer is 5...", True, "dots after a whole number trail off"),
    ("x>1", "2x>2", True, "an inequality scaled by a positive number"),
    ("x>1", "2<2*x", True, "scaled and written the other way round"),
    ("x<1", "2x>2", False, "the other direction"),
    ("x>1", "2x \\ge 2", False, "strict against not strict"),
    ("x^2 \\le 2x", "2x \\ge x^2", True, "sides exchanged"),
    ("x^2-3a<0", "3x^2<9a", True, "terms moved, then scaled"),
    ("x^2-3a<0", "3x^2>9a", False, "the other direction"),
    ("x+y>1", "-x-y<-1", True, "scaled by -1, direction reversed"),
    ("x+y>1", "x+y>2", False, "another bound"),
    ("12米", "12", True, "a Chinese unit after the gold's number"),
    ("40厘米", "40 cm", True, "centimetres in Chinese and in English"),
    ("40厘米", "40 m", False, "metres are another unit"),
    ("5个", "5", True, "a measure word"),
    ("0.30000000000000004", "0.3", True, "a binary float printed in full"),
    ("3", "3.0000000000000004", True, "a whole number printed from a float"),
    ("0.3", "0.300000000000001", False, "off by more than a float's rounding"),
]


# An adversarial review of the rules of FORMS5, FORMS6 and PLAIN_FUNCTIONS: the wrong verdicts it found
# (false positives, hedges that slipped through, regressions), each now right.
REVIEW5 = [
    ('1:2:3', '5:10:15', True, 'review: REGRESSION (was accepted): a 3-term ratio whose terms fit hh:mm:ss is now compared'),
    ('10:20:30', '1:2:3', True, 'review: REGRESSION: gold 3-term ratio read as a clock time; equal ratio rejected'),
    ('2:10:15', '4:20:30', True, 'review: REGRESSION: both read as clock times; equal ratios'),
    ('1:20:30', '2:40:60', True, 'review: REGRESSION: gold matches clock pattern, pred does not -> False'),
    ('20:34', 'She leaves at 7:34 or 8:34 p.m.', False, 'review: NEW FP: a hedge of two times; prose reader keeps only the last clock time'),
    ('20:34', 'Between 8:33 and 8:34 p.m.', False, 'review: NEW FP: a range/hedge of two times accepted'),
    ('3.5', 'Die Lösungen sind 2,5 und 3,5', False, 'review: NEW FP: two solutions (und) -> last decimal-comma number taken alone'),
    ('3.5', 'Die Lösungen sind 2,5 oder 3,5', False, 'review: NEW FP: hedge with oder accepted'),
    ('1.5', 'Il reste 0,5 € ou 1,5 €', False, 'review: NEW FP: hedge of two amounts (ou) accepted'),
    ('1.5', 'Il reste 0,5 €, 1,5 €', False, 'review: NEW FP: list of two amounts accepted as the last'),
    ('5', '\\boxed{3} or maybe \\boxed{5}', False, 'review: FP (pre-existing): a boxed hedge; the last box wins'),
    ('42', '<answer>30</answer><answer>31</answer><answer>32</answer><answer>33</answer><answer>34</answer><answer>35</answer><answer>36</answer><answer>37</answer><answer>38</answer><answer>39</answer><answer>40</answer><answer>41</answer><answer>42</answer>', False, "review: FP: 13 disagreeing tags (> _MAX_BOXES=12) fall back to 'last tag counts'"),
    ('42', '<answer>43</answer><answer>xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx</answer><answer>42</answer>', False, 'review: FP: one tag over 200 chars disables the hedge rule; last tag counts'),
    ('3', '答案不是三', False, "review: FP: 'the answer is NOT three' accepted"),
    ('4', 'The value is 三 or 四', False, 'review: FP: hedge in Chinese numerals, last one taken'),
    ('4', 'result: 三, 四', False, 'review: FP: list of two numerals, last one taken'),
    ('0', '答案是万', False, 'review: FP: bare 万 parsed as 0'),
    ('3', 'Answer: 三', True, "review: 'Answer:' line with a numeral rejected while 'result: 三' works"),
    ('3', 'The answer is 三', True, "review: numeral after 'The answer is' not converted"),
    ('60', '60 sec', True, "review: REGRESSION: 'sec' (seconds) now parsed as \\sec -> unparseable"),
    ('2', 'The period is 2 sec.', True, 'review: REGRESSION: seconds abbreviation in prose'),
    ('12', 'It takes 12 sec', True, 'review: REGRESSION: seconds abbreviation in prose'),
    ('12 \\text{ s}', '12 sec', True, 'review: REGRESSION: unit sec'),
    ('\\ln|x| + C', '\\ln x + C', False, 'review: NEW FP: the classic missing-absolute-value antiderivative accepted (agreement only'),
    ('\\ln|x|', 'ln(x)', False, 'review: NEW FP: same, plain text'),
    ('-\\ln|\\cos x| + C', '-\\ln(\\cos x) + C', False, 'review: NEW FP: missing abs in integral of tan x'),
    ('\\ln|\\sec x| + C', '\\ln(\\sec x) + C', False, 'review: NEW FP: missing abs'),
    ('12.5', '\\boxed{12{,}5}', True, 'review: braced decimal comma (LaTeX {,}) not read as 12.5'),
    ('e', '2.718281828...', True, "review: REGRESSION: famous truncation of e matches the '1828 twice' repeat pattern and bec"),
    ('e', 'The answer is e = 2.718281828...', True, 'review: REGRESSION: same in prose'),
    ('x>1', '2y>2', False, 'review: NEW FP: scaled one-sided inequality ignores the variable name'),
    ('x>1', '2t>2', False, 'review: NEW FP: wrong variable accepted'),
    ('x>1', 'y>1', False, 'review: FP (pre-existing): wrong variable accepted'),
    ('x^2-3a<0', 'x^2-3a<0.0000000000001', False, 'review: FP: ratio test tolerance accepts a different constant'),
    ("x>1", "0.0x>5", False, "review: a zero coefficient (was an internal ZeroDivisionError)"),
    # the whole-diff review: tiny values are not zero, tags that disagree however they are written
    ("0", "e^{-200}", False, "review: a tiny value is not an exact zero"),
    ("e^{-200}", "e^{-300}", False, "review: two tiny values differ"),
    ("4", "<answer>3</answer><answer>\\boxed{4}</answer>", False, "review: a box inside the second of two tags"),
    ("4", "<answer>3 apples</answer><answer>4</answer>", False, "review: a unit in one of two tags"),
    ("3", "<answer>3</answer><answer>four</answer>", False, "review: a number word in one of two tags"),
    ("42", "<answer>42</answer><answer>\\boxed{42}</answer>", True, "two tags with one answer, written two ways"),
    ("12345678901234567890", "12345678901234567000.000000000000001", False,
     "review: a long decimal that no float prints is compared exactly"),
    ("x = 1", "1=1", False, "an equation of a number with itself names no value of x"),
    ("x<2", "x-2<0", True, "review: terms moved, one variable"),
    ("x<y", "y>x", True, "review: sides exchanged, two names"),
    ("y<2x+1", "2y<4x+2", True, "review: a positive multiple of a one-sided inequality in y"),
    ("x>1", "-2x<-2", True, "review: a negative multiple, direction reversed"),
    ("x \\ge 2", "x-2>0", False, "strict against not strict, terms moved"),
    ("x<2", "x-3<0", False, "terms moved to another bound"),
    ("x<y", "y<x", False, "the other order"),
]


# A newcomer's realistic answers that the checker missed: number words on answer lines and in boxes,
# points "at (3, 4)", infinity in words, "≈", terminal colours, and gold types.
NEWCOMER2 = [
    ("0", "The answer is zero.", True, "a number word on an answer line"),
    ("0", "The answer is $\\boxed{\\text{zero}}$.", True, "a number word in a box"),
    ("7", "Final answer: seven", True, "a number word after Final answer:"),
    ("-1", "The answer is negative one.", True, "negative, then a number word"),
    ("42", "The answer is forty-two", True, "tens and units"),
    ("5", "The answer is seven.", False, "another number word"),
    ("n!", "The answer is n factorial", True, "factorial in words on an answer line"),
    ("\\frac{1}{2}", "one half", True, "a fraction in words"),
    ("2", "two", True, "a bare number word"),
    ("(3,4)", "The vertex is at (3, 4).", True, "a point after 'is at'"),
    ("(3,4)", "The answer is the point (3, 4).", True, "a point named as such"),
    ("4", "The vertex is at (3, 4).", False, "a point is not its last coordinate"),
    ("\\infty", "The limit is infinity.", True, "infinity in words"),
    ("\\infty", "The limit is negative infinity.", False, "the other infinity"),
    ("\\infty", "inf", True, "inf"),
    ("3", "≈ 3", True, "an approximation sign before the value"),
    ("1", "\x1b[1mThe answer is 1\x1b[0m", True, "terminal colours around the answer"),
    # from the fifth peers' sample once scored (development rows since)
    ("0", "\\cos(\\pi/2)", True, "an exact zero that 60-digit arithmetic leaves at 1e-61"),
    ("0", "\\sin(500\\pi)", True, "an exact zero of a large argument"),
    ("1", "\\cos(\\pi/2)", False, "zero is not one"),
    ("0", "10^{-50}", False, "a small rational is not zero"),
    ("x = 5", "5 = x", True, "an assignment written the other way round"),
    ("x = 6", "5 = x", False, "another value"),
    ("1/cos x", "sec x", True, "plain functions of a one-letter argument without brackets"),
    ("1", "sin x^2 + cos x^2", False, "sin(x^2) + cos(x^2) is not 1"),
    ("(2,6]", "]2,6]", True, "an interval in French notation"),
    ("[0,1)", "[0,1[", True, "a closing bracket turned outwards is open"),
    ("[2,6]", "]2,6]", False, "open at 2 is not closed at 2"),
    ("(-\\infty,-1)\\cup(1,\\infty)", "]-\\infty,-1[\\cup]1,+\\infty[", True, "a union in French notation"),
    ("[[1,2],[3,4]]", "[[1,3],[2,4]]", False, "nested brackets are no interval"),
    ("5", "So x = 5. Plugging back in: 3(5) - 2 = 13 ✓", True, "a check after the answer is not the answer"),
    ("13", "So x = 5. Plugging back in: 3(5) - 2 = 13 ✓", False, "the check's value is not the answer"),
    ("5", "So x = 5.\nCheck: 3(5) - 2 = 13", True, "a check line with a label"),
    ("3", "Trying x=3 fails. Verifying the other case, x = 7 works.", False, "no label: the closing sentence states 7"),
    ("7", "2+5 = 7 ✓", True, "a check mark after a worked answer"),
]


# Units of one quantity are converted exactly; units of different quantities, or months and years, are not.
CONVERSIONS = [
    ("1.25 m", "125 cm", True, "centimetres to metres"),
    ("1.25 m", "1.25 cm", False, "the same number in another unit is another length"),
    ("12 cm", "12 m", False, "twelve metres is not twelve centimetres"),
    ("3 km", "The distance is 3000 m.", True, "a unit in a sentence"),
    ("2 hours", "120 minutes", True, "hours to minutes"),
    ("0.5 kg", "500 grams", True, "kilograms to grams"),
    ("1 lb", "16 oz", True, "pounds to ounces (exact: 0.45359237 kg)"),
    ("6 ft", "2 yd", True, "feet to yards"),
    ("1 l", "1000 cm^3", True, "a litre is a thousand cubic centimetres"),
    ("2 m^2", "20000 cm^2", True, "areas convert by the square"),
    ("2 m^2", "200 cm^2", False, "an area is not converted as a length"),
    ("10 mph", "16.09344 km/h", True, "speeds (a mile is 1.609344 km)"),
    ("10 mph", "16.09 km/h", False, "a rounded conversion is another number"),
    ("5 km", "5 s", False, "a length is not a time"),
    ("2 years", "24 months", False, "months have no fixed length: not converted"),
    ("-2 ft", "-24 in", True, "a negative length"),
    ("x cm", "x m", False, "a value that is no number is not converted"),
]

# Units of other quantities have keys of their own: a different unit after the same number is another
# answer ("60 mpg" was read as 60 and accepted for "60 mph").
OTHER_UNITS = [
    ("60 mph", "60 mpg", False, "miles per gallon is no speed"),
    ("60 mph", "The answer is 60 mpg.", False, "nor in a sentence"),
    ("60 mpg", "60 miles per gallon", True, "the same unit written out"),
    ("60", "The car gets 60 mpg.", True, "a unit after a gold without one"),
    ("5 km", "5 kmph", False, "a speed is not a length"),
    ("5 km/h", "5 kmph", True, "kmph is km/h"),
    ("5 kJ", "5 kW", False, "energy is not power"),
    ("5 kWh", "5 kW", False, "energy is not power (kWh)"),
    ("5 kWh", "5 kilowatt hours", True, "kilowatt hours written out"),
    ("5 kPa", "5 Pa", False, "kilopascals are not pascals"),
    ("20 psi", "20 kPa", False, "psi are not kilopascals"),
    ("3 MHz", "3 GHz", False, "megahertz are not gigahertz"),
    ("3000 rpm", "3000", True, "a bare number for a gold with a unit"),
    ("2 kN", r"\boxed{2\,\mathrm{kJ}}", False, "a force is not an energy"),
    ("3 MHz", "3 mHz", False, "millihertz are not megahertz (SI case)"),
    ("3 MHz", "3 millihertz", False, "nor written out"),
    ("3 MHz", "3 megahertz", True, "megahertz written out"),
    ("5 MPa", "5 mPa", False, "millipascals are not megapascals"),
    ("5 mPa", "5 millipascals", True, "millipascals written out"),
    ("5 kPa", "5 kPa^2", False, "a square unit is another quantity (a gold with a capital in its unit was read as words)"),
]

# Sets of real numbers written with set operations: the numbers covered decide.
REAL_SETS = [
    ("(1,7)", "(1,5] U [2,7)", True, "overlapping intervals joined"),
    ("(1,5]\\cup[2,7)", "(1,7]", False, "7 is not in the union"),
    ("(1,2)\\cup(2,3)", "(1,3)", False, "2 is in neither interval"),
    ("(1,2]\\cup(2,3)", "(1,3)", True, "touching intervals, one closed at the touch"),
    ("(2,6]", "(0,6]-(0,2]", True, "a difference of intervals"),
    ("[0,1]\\cup[2,6]", "[0,6]-(1,2)", True, "an open interval removed keeps its ends"),
    ("(-\\infty,-1)\\cup(1,\\infty)", "R-[-1,1]", True, "the reals minus a closed interval"),
    ("(-\\infty,-1)\\cup(1,\\infty)", "\\mathbb{R}\\setminus(-1,1)", False, "-1 and 1 stay in"),
    ("(-\\infty,1)\\cup(1,\\infty)", "\\mathbb{R}\\setminus\\{1\\}", True, "the reals minus a point"),
    ("(-\\infty,1)\\cup(1,\\infty)", "\\mathbb{R}", False, "the reals hold 1"),
    ("R", "(-infinity,7) U [4,infinity)", True, "two rays covering the line"),
    ("[1,2]", "[0,6]\\cap[1,2]", True, "an intersection"),
    ("]2,6]", "]0,6]-]0,2]", True, "French brackets in a difference"),
    ("(0,\\sqrt{2})\\cup(\\sqrt{2},3)", "(0,3)\\setminus\\{\\sqrt{2}\\}", True, "irrational ends"),
    ("(1,2)\\cup(3,4)", "(1,2)\\cup(3,5)", False, "another right end"),
    ("(-2,-2)", "(1,2)-(3,4)", False, "a difference of two pairs is no set difference"),
    ("(a,b)\\cup(c,d)", "(c,d)\\cup(a,b)", True, "ends with names: compared part by part as before"),
]

# Reciprocal hyperbolic functions and inverse secant, cosecant, cotangent in plain text and LaTeX.
RECIPROCAL_FUNCTIONS = [
    ("1/sinh x", "csch x", True, "plain csch"),
    ("1/cosh x", "sech x", True, "plain sech"),
    ("1/\\tanh x", "\\coth x", True, "LaTeX coth is not cot(h x)"),
    ("\\cot(x)", "\\coth x", False, "coth is not cot"),
    ("\\tanh x", "coth x", False, "coth is not tanh"),
    ("arccos (1/x)", "arcsec x", True, "plain arcsec"),
    ("\\operatorname{sech} x", "1/\\cosh x", True, "an operator name"),
    ("\\frac{1}{\\sinh 2x}", "\\csch 2x", True, "an argument with a coefficient"),
    ("\\coth(x+1)", "\\frac{\\cosh(x+1)}{\\sinh(x+1)}", True, "a bracketed argument"),
    ("x", "The answer is sech x", False, "sech x is not x"),
]

# Plain-text forms of computer-algebra systems and keyboards (the sixth peers' sample, read after its scoring).
PLAIN_FORMS7 = [
    ("0", "x - (y - (y - x))", True, "an expression that is 0 (10^-60 left by rounding at every point: sympy decides)"),
    ("0", "x^2 y^2 - (xy)^2", True, "a product that cancels"),
    ("0", "e^{-1000x}", False, "tiny at some points is not zero"),
    ("E+S+Q+O+N+I+zeta+gamma+beta", "beta+gamma+zeta+I+N+O+Q+S+E", True, "a sum that cancels to 0 at one point"),
    ("\\zeta+\\gamma", "\\gamma+\\zeta", True, "zeta and gamma are letters (not functions)"),
    ("x^8", "x^2^3", True, "powers go right to left"),
    ("512", "2^3^2", True, "2^(3^2)"),
    ("64", "2^3^2", False, "not (2^3)^2"),
    ("x+1", "9^9^9^9", False, "a tower too large to evaluate"),
    ("factorial(2**4)", "2^4!", False, "2^4! is 2^(4!), not (2^4)!"),
    ("2^{24}", "2^4!", True, "a factorial binds before the power"),
    ("(-\\infty, 5)", "(-infinity,5)", True, "infinity spelt out in an interval"),
    ("[1, \\infty)", "[1, oo)", True, "oo for infinity"),
    ("(-\\infty, -2)", "(-inf, -2)", True, "inf next to a bracket"),
    ("n + m", "m ＋ n", True, "a full-width plus"),
    ("12", "１２", True, "full-width digits"),
    ("alpha*n", "n alpha", True, "a Greek letter spelt out"),
    ("2\\theta", "2 theta", True, "theta alone is the letter"),
    ("20", "The answer is 20 psi", True, "a Greek name after the number of an answer line is a word (psi: a unit)"),
    ("12", "Therefore the answer is 12 beta particles.", True, "... or prose"),
    ("3", "log_2(8)", True, "a plain-text logarithm with a base"),
    ("factorial(n)", "n!", True, "factorial() is n!"),
    ("factorial(n)", "n * factorial(n-1)", True, "factorial() inside a product"),
    ("factorial(n)", "n * factorial(n-2)", False, "another product"),
    ("{2}", "{1, 2} ∩ {2, 3}", True, "an intersection of finite sets"),
    ("{1}", "{1, 2} - {2, 3}", True, "a difference of finite sets"),
    ("{1, 3}", "{1, 2} ∪ {2, 3}", False, "the union holds 2"),
    ("{x, y}", "\\{x\\}\\cup\\{y, x\\}", True, "a union of sets with letters is one set"),
    ("2cm", "2 cm", True, "an integer glued to a unit"),
    ("3.14 m", "The length is 314cm.", True, "a glued unit, converted"),
    ("3x+2", "3x + 2km", False, "after an operator the letters are unknowns, not a unit"),
    ("3x+2.5", "3x+2.5km", False, "same, with a decimal"),
]

# An adversarial review of this stop's rules (1,136 probes): the wrong verdicts it found, fixed.
REVIEW7 = [
    ("x^2y^3", "x^{2y^3}", False, "a product of powers is no tower"),
    ("a^{2b^2}", "a^2b^2", False, "same"),
    ("6x^2y^3", "6 x^2 y^3", True, "a product of powers"),
    ("4x^2y^2", "(2xy)^2", True, "same"),
    ("a^2b^2c^2", "a^{2}b^{2}c^{2}", True, "three powers in a product, at once"),
    ("3", "3cm + 2cm", False, "a sum of lengths is not its first term"),
    ("2", "2km + 3x", False, "k m before an operator are unknowns"),
    ("3x + 2km", "2km + 3x", True, "the same sum"),
    ("\\frac{1}{\\cosh(x^2)}", "\\sech x^2", True, "sech x^2 is sech(x^2), as sin x^2 is sin(x^2)"),
    ("\\frac{1}{\\cosh(x)^2}", "\\sech x^2", False, "not (sech x)^2"),
    ("\\frac{1}{\\sinh(x/2)}", "\\csch\\left(\\frac{x}{2}\\right)", True, "an argument in \\left( \\right)"),
    ("\\frac{1}{\\sinh(\\frac{x}{2})}", "\\csch \\frac{x}{2}", True, "a fraction as the argument"),
    ("\\frac{1}{\\cosh(\\sqrt{x})}", "\\sech\\sqrt{x}", True, "a root as the argument"),
    ("1/cosh(1/cosh(x))", "sech(sech(x))", True, "nested"),
    ("\\sech(1000)", "0", False, "1e-434 is no zero"),
    ("e^{-300}", "e^{-301}", False, "two tiny values"),
    ("0", "\\cos(\\pi/2)", True, "an exact zero"),
    ("0", "\\sin^2(x) + \\cos^2(x) - 1", True, "an identity that is 0"),
    ("0", "\\cos(\\frac{\\pi}{2}) x", True, "0 times x"),
    ("0", "x e^{-500}", False, "a tiny multiple of x"),
    ("[1,2]", "[1,2]-[3,4]", False, "a difference of two vectors is no set difference"),
    ("[0, 10^{100}]", "[0, 10^{100}+1) \\cup \\{10^{100}\\}", False, "large ends compared exactly"),
    ("[0, 3]", "[0, \\log_2 8] \\cup \\{1\\}", True, "an end with a space inside"),
    ("(1, 7)", "(1,5] \\bigcup [2,7)", True, "\\bigcup is a union (it was read as the word cup)"),
    ("[0,1]", "[0,1] ∖ \\{\\}", True, "the set-minus sign"),
    ("r\\cos\\theta", "r cos theta", True, "a function of a Greek letter spelt out"),
    ("(0, \\infty)", "(0, Infinity)", True, "Infinity with a capital"),
    ("(-\\infty, 0)", "(-infty, 0)", True, "infty"),
    ("2 hours", "The answer is $2$ minutes.", False, "the unit after a math segment stays with it"),
    ("2 hours", "It takes $120$ minutes.", True, "and converts"),
    ("\\sqrt{2} m", "100\\sqrt{2} cm", True, "a constant with a unit converts"),
    ("1 l", "1000 mL", True, "mL"),
    ("60 mph", "88 ft/s", True, "ft/s"),
]

# A newcomer's trial of this stop's rules (about 330 pairs): the wrong verdicts it found, fixed.
NEWCOMER7 = [
    ("2", "The answer is 2 sqrt(3).", False, "a function after the number is part of the answer"),
    ("2\\sqrt{3}", "The answer is 2 sqrt(3).", True, "and answers the right gold"),
    ("3", "The answer is 3 cos(x) + 1", False, "same, with cos"),
    ("2", "The answer is 2 theta.", False, "a Greek name after the number"),
    ("1", "The answer is theta + 1", False, "an answer line that starts with a Greek name is maths"),
    ("\\theta+1", "The answer is theta + 1", True, "and answers its gold"),
    ("4", "The answer is theta = pi/4.", False, "an assignment to theta"),
    ("4", "The answer is 4 cos theta.", False, "a function of a Greek name"),
    ("1", "The answer is x in (1, infinity).", False, "membership in an interval"),
    ("(1,\\infty)", "The answer is x in (1, infinity).", True, "and answers the interval"),
    ("\\alpha+\\beta", "The answer is alpha + beta", True, "Greek names in a sum"),
    ("12", "Therefore the answer is 12 beta particles.", True, "a Greek name before a word is prose"),
    ("3", "The answer is 3 in total.", True, "'in total' is prose, not inches"),
    ("2 hours", "So the trip lasts $\\boxed{2}$ minutes.", False, "a unit after a box stays with its number"),
    ("2 hours", "So the trip lasts $\\boxed{120}$ minutes.", True, "and converts"),
    ("2 hours", "It takes **2** minutes.", False, "a unit after bold"),
    ("1.5 cm", "The answer is $\\frac{3}{2}$ m.", False, "a unit after a fraction in a segment"),
    ("10 m/s", "The answer is $\\boxed{10\\text{ m/s}^2}$.", False, "an acceleration is no speed"),
    ("9.8 m/s^2", "The acceleration is 9.8 m/s.", False, "a speed is no acceleration"),
    ("9.8 m/s^2", "9.8 m/s^2", True, "the same acceleration"),
    ("6 m^2", "6 s^2", False, "a square of seconds is no area"),
    ("3 L", "The answer is 3000 mL.", True, "a capital L"),
    ("3.5", "The answer is ３．５", True, "a full-width decimal point"),
    ("50\\%", "５０％", True, "a full-width percent sign"),
]

# A second adversarial review (701 probes) of the newcomer fixes: the wrong verdicts it found, fixed.
REVIEW8 = [
    ("100\\text{ cm}", "The area is $\\boxed{1}$ m^2.", False, "an area after a box is no length"),
    ("0.36\\text{ m}", "The volume is $\\boxed{36}$ cm$^3$.", False, "a volume after a box is no length"),
    ("7.2\\text{ km/h}", "The acceleration is $\\boxed{2}$ m/s^2.", False, "an acceleration is no speed"),
    ("48\\text{ cm}^2", "The area is $\\boxed{48}$ cm$^2$.", True, "a power in its own segment"),
    ("48\\text{ cm}^2", "The area is $48$ cm$^2$.", True, "same, in prose"),
    ("48\\text{ cm}", "The area is $48$ cm$^2$.", False, "an area is no length"),
    ("48\\text{ cm}^2", "48 cm^2.", True, "a period after the power"),
    ("\\sqrt{2}", "The answer is sqrt 2 over 2.", False, "an operator spelt out: not the value before it"),
    ("3", "The answer is 3 over 4.", False, "same"),
    ("7", "The answer is 7 divided by 2", False, "same"),
    ("2", "The answer is 2 theta since theta is small.", False, "a Greek name before a clause stays"),
    ("4\\cos\\theta", "The answer is 4 cos theta because the terms cancel.", True, "same"),
    ("12\\text{ cm}", "So the side is $\\boxed{12}$\n\nIn summary, the side length is twelve.", True,
     "the next paragraph's first word is no unit"),
    ("5\\text{ cm}", "The answer is \\boxed{5}\n\nM is the midpoint.", True, "same, a capital letter"),
    ("3", "\\boxed{3} s.t. x > 0", True, "s.t. is no unit"),
    ("239", "The total number of strings of length 6, consisting of digits 1, 2, 3, with adjacent digits differing "
            "by less than or equal to 1, is 239.", True, "'less than or equal to 1' is a bound, not the copula"),
    ("5", "x is greater than or equal to 5.", False, "a bound is no value"),
    ("12", "He needs at least 12 boxes.", True, "'at least' answers a minimum (unchanged)"),
    ("20", "20 psi", True, "psi after a number is a pressure unit"),
    ("\\psi+1", "psi + 1", True, "psi elsewhere is the letter"),
]

# Yes/no golds: "True"/"False" golds are yes and no; a sentence that only states a value is no "yes".
YES_NO7 = [
    ("True", "yes", True, "a True gold is a yes"),
    ("True", "No, it is false.", False, "a no"),
    ("False", "True", False, "True is yes"),
    ("true", "\\boxed{\\text{True}}", True, "a boxed True"),
    ("Yes", "4.1561*10^16", False, "a number is no yes (it was read as an affirmative claim)"),
    ("Yes", "The answer is 7.", False, "a stated value is no yes"),
    ("Yes", "The number of solutions is 3.", False, "same"),
    ("Yes", "Such a triangle exists.", True, "an affirmative claim still is"),
]

# A probe of worded, yes/no and multiple-choice answers (968 probes): the false positives fixed.
WORDED7 = [
    ("Yes", "Thank you for the interesting question.", False, "filler is no yes"),
    ("Yes", "Here is my step-by-step reasoning.", False, "a plan is no yes"),
    ("Yes", "We proceed by induction on the number of vertices.", False, "a method is no yes"),
    ("No", "I can't solve it.", False, "a give-up is no no"),
    ("No", "Sorry, I cannot help with that.", False, "a refusal is no no"),
    ("No", "<think>Let me think.</think>\nNo comment.", False, "'No comment' is no answer"),
    ("No", "It is not hard to see that such a set exists.", False, "a negation that affirms"),
    ("No", "Not surprisingly, such a coloring exists.", False, "same"),
    ("No", "Note that x = 2 is not a root. So such a polynomial exists.", False, "the conclusion, not the premise"),
    ("No", "Therefore, such a triangle does not exist.", True, "a denial still says no"),
    ("The limit does not exist", "No idea.", False, "a give-up says nothing"),
    ("The limit does not exist", "The one-sided limits differ, so the limit does not exist.", True, "unchanged"),
    ("No", "\\boxed{Yes} \\boxed{No}", False, "boxes giving both"),
    ("Yes", "\\boxed{\\text{Yes}/\\text{No}}", False, "a box giving both"),
    ("Alice", "\\boxed{\\text{Alice}} \\boxed{\\text{Bob}}", False, "a list of names (the second was cut as a unit)"),
    ("Monday", "\\boxed{\\text{Monday}, \\text{Tuesday}}", False, "a list of words"),
    ("C", "\\boxed{C \\text{ or } D}", False, "two letters in a box"),
    ("C", "\\boxed{C \\lor D}", False, "same, with a logical or"),
    ("C", "Either C or D.", False, "two letters offered"),
    ("C", "Answer: C (or maybe D)", False, "a hedge in brackets"),
    ("C", "(C)(D)", False, "two letters side by side"),
    ("C", "The answer is C.", True, "one letter still chooses"),
    ("infinitely many", "There may be infinitely many.", False, "a hedged phrase"),
    ("even", "It may be even.", False, "a hedged word"),
    ("even", "It is even?", False, "a question"),
    ("even", "Therefore the function is even.", True, "a plain statement still answers"),
    ("12", "\\boxed{12}. Hmm wait, it should be 13.", False, "a box taken back by a correction after it"),
    ("12", "\\boxed{12}. This should be 12 as expected.", True, "the same value again is no correction"),
]

# A letter written with another option's value (options 10, 11, 12, 13, 14; C is 12): the two disagree.
MC_VALUES7 = [
    ("C", "Choice C: 13", False, "13 is option D"),
    ("C", "Answer: C (13)", False, "same, in brackets"),
    ("C", "The answer is 13 (C).", False, "the value first"),
    ("C", "\\boxed{C: 13}", False, "in a box"),
    ("C", "Answer: C (12)", True, "the letter's own value"),
    ("C", "The answer is 12 (C).", True, "same, value first"),
    ("C", "Choice C: 15", True, "a value that is no option's: the letter decides"),
]

# Prose forms of the misses read from the real-output development sets (written anew, not copied).
PROSE9 = [
    ("a(1±sqrt(2)), a(1±sqrt(5))/2", "The roots are x = (a ± a√5)/2 and x = a ± a√2.", True,
     "the plus-minus sign inside a prose answer"),
    ("a(1±sqrt(2)), a(1±sqrt(5))/2", "The roots are x = (a ± a√5)/2 and x = a + a√2.", False,
     "one of the four roots missing"),
    ("1+sqrt(3), 1-sqrt(3)", "Hence the solutions are t = 1 ± √3.", True, "a plus-minus pair in prose"),
    ("1+sqrt(3)", "Hence the solutions are t = 1 ± √3.", False, "both signs given for one value"),
    ("(p+q)/2", "The value of $m^2 - n$ is $m^2 - n = \\frac{p+q}{2}$.", True,
     "the subject names the left side as the quantity given"),
    ("(p+q)/2", "The value of $m$ is $m^2 - n = \\frac{p+q}{2}$.", False,
     "the subject names another quantity than the left side"),
    ("(p+q)/2", "So $m^2 - n = \\frac{p+q}{2}$.", False, "no subject names the left side: arithmetic on it"),
    ("4", "Solving gives y = 4 or y = -4, and since y > 0 we take y = 4.", True, "the value kept is read"),
    ("4, -4", "Solving gives y = 4 or y = -4, and since y > 0 we take y = 4.", False, "one value is kept"),
    ("9", "Trying n = 7 fails, so we keep going and we find n = 9.", True, "the value found last"),
    # Boxes that each follow their own name on one line are one named answer.
    ("p = 2, q = 7", "So $p = \\boxed{2}$ and $q = \\boxed{7}$.", True, "each box after its own name"),
    ("p = 2, q = 7", "\\(r_1 = \\boxed{2}\\) and \\(r_2 = \\boxed{7}\\)", True,
     "other names than the gold's: compared in order, as 'r_1 = 2, r_2 = 7' is"),
    ("p = 2, q = 7", "So $p = \\boxed{7}$ and $q = \\boxed{2}$.", False, "the values swapped between the names"),
    ("p = 2, q = 7", "So $p = \\boxed{2}$ and $p = \\boxed{7}$.", False, "one name given twice"),
    ("2, 7", "So $\\boxed{2}$ and $q = \\boxed{7}$.", False, "one box named, one not: the last box is read"),
    ("7", "So $p = \\boxed{2}$ and $q = \\boxed{7}$.", False, "two named values for one value"),
    # An answer line of several math segments is read whole (it was cut to its first segment).
    ("3", "**Final answer:** $t = 3$ or $t = -7$", False, "a second root kept on the answer line"),
    ("3, -7", "**Final answer:** $t = 3$ or $t = -7$", True, "both roots on the answer line"),
    ("4", "Answer: $4$, $9$", False, "two values on the answer line"),
    ("(4, 9, 1)", "**Answer:** $a=4$, $b=9$, $c=1$", True, "named values in separate segments"),
    ("(4, 9, 1)", "**Answer:** $a=4$, $b=9$, $c=2$", False, "the last segment differs"),
    ("4", "Answer: $4$ (because $t>0$)", True, "an aside after the value is no second value"),
    # A last number that is an operand of plain-text maths is read with its expression (it was read alone).
    ("\\frac{\\sqrt{2}}{2}", "We get sqrt(2)/2.", True, "a plain-text fraction ends the response"),
    ("2", "We get sqrt(2)/2.", False, "a fraction is never its denominator"),
    ("\\frac{\\pi}{6}", "Multiply by pi/180: 30 * pi/180 = pi/6.", True, "the last side of a computation"),
    ("6", "Multiply by pi/180: 30 * pi/180 = pi/6.", False, "pi/6 is not 6"),
    ("3^{k+1}", "The count triples at each step, so it ends at 3^(k+1)", True, "a plain-text power"),
    ("1", "The count triples at each step, so it ends at 3^(k+1)", False, "the power's last term is no answer"),
    ("2^{m}-1", "so S(m) + 1 doubles and S(m) = 2**m - 1.", True, "a Python power and a difference"),
    ("1", "so S(m) + 1 doubles and S(m) = 2**m - 1.", False, "a difference is not its last term"),
    ("150", "So the car travels **150 miles**.", True, "markdown bold before a number is no operator"),
    ("-4", "so the temperature drops to -4 overall", True, "a sign is no operator"),
    # Numbers in words: before a reason, in a closing sentence with no digits, and a count before a list.
    ("8", "The least such $k$ is eight, since $2^8 > 200$ while $2^7 = 128$.", True, "a number word before a reason"),
    ("256", "The least such $k$ is eight, since $2^8 = 256 > 200$.", False, "the reason's number is not the answer"),
    ("3", "The roots are $x = 1$, $x = 2$ and $x = 5$. So the cubic has three distinct roots.", True,
     "the closing count in words"),
    ("1, 2, 5", "The roots are $x = 1$, $x = 2$ and $x = 5$. So the cubic has three distinct roots.", False,
     "the closing sentence answers with a count"),
    ("\\pm 5", "$t^2 = 25$ has two solutions: $t = 5$ or $t = -5$.", True, "the solutions listed after their count"),
    ("2", "$t^2 = 25$ has two solutions: $t = 5$ or $t = -5$.", True, "a whole-number gold: the count"),
    ("5", "$t^2 = 25$ has two solutions: $t = 5$ or $t = -5$.", False, "one of two solutions"),
    # Thousands grouped by spaces (French, SI) in prose.
    ("32768", "Doubling fifteen times, there are 32 768 codes.", True, "a space-grouped number in prose"),
    ("768", "Doubling fifteen times, there are 32 768 codes.", False, "the last group alone"),
    ("2500000", "Il y a donc 2 500 000 habitants.", True, "two space-separated groups"),
    ("2020", "between the years 1999 and 2020", True, "no group: two numbers stay apart"),
    # A colon before the closing maths; set-builder notation; "all x with" a condition.
    ("(4, \\infty)", "Dividing $-2t < -8$ by $-2$ reverses the sign: $t > 4$.", True, "the maths after a colon"),
    ("-2", "Dividing $-2t < -8$ by $-2$ reverses the sign: $t > 4$.", False, "an earlier number is no answer"),
    ("7", "So there are 7 rows (not 8: the 8th would need $65 > 64$ seats).", True, "a colon in an aside"),
    ("[1, 9]", "The range is $\\{\\, y \\mid 1 \\le y \\le 9 \\,\\}$.", True, "set-builder notation"),
    ("[1, 9)", "The range is $\\{\\, y \\mid 1 \\le y \\le 9 \\,\\}$.", False, "set-builder: another bracket"),
    ("[1, 9]", "The range is $\\{\\, y \\mid 1 \\le t \\le 9 \\,\\}$.", False, "a condition on another name"),
    ("[2, 6)", "So the solution set is all $t$ with $2 \\le t < 6$.", True, "all x with a condition"),
    ("[2, 6]", "So the solution set is all $t$ with $2 \\le t < 6$.", False, "all x with: another bracket"),
    # A worded claim after a sentence of maths; the empty set in words and as a symbol; sets named by letters.
    ("\\text{even}", "$g(-t) = g(t)$ for all $t$. The function is even.", True, "the worded last sentence"),
    ("odd", "$g(-t) = g(t)$ for all $t$. The function is even.", False, "another word"),
    ("\\emptyset", "$t^2 + 4 = 0$ has no real roots, so the solution set is empty.", True, "the empty set in words"),
    ("\\emptyset", "The equation has no real solutions.", True, "none exists, for an empty-set gold"),
    ("\\emptyset", "The solution set is not empty.", False, "negated"),
    ("\\emptyset", "So the answer is $\\boxed{2}$. There are no other solutions.", False, "a boxed value decides"),
    ("No solution", "Therefore $\\boxed{\\varnothing}$", True, "the empty set symbol for a worded gold"),
    ("\\{2, 4\\}", "so $P \\cap Q = \\{4, 2\\}$.", True, "a set named by letters"),
    ("\\{2, 4\\}", "so $P \\cup Q = \\{4, 2, 6\\}$.", False, "another set"),
    # From a newcomer's trial: a run of more boxes than are read; worded golds in their own words; a
    # percentage offered beside the same value.
    ("1", "\\boxed{2} " + "\\boxed{1} " * 12, False, "more boxes than are read: the first offers 2"),
    ("1", "\\boxed{1} " * 11, True, "eleven boxes of one value"),
    ("No solution", "no solution", True, "the gold's words, lower case"),
    ("\\text{No solution}", "No solution.", True, "a gold's words wrapped in \\text"),
    ("\\text{No solution}", "There is no solution.", True, "a wrapped gold in a sentence"),
    ("\\text{No solution}", "There is one solution.", False, "a wrapped gold, denied"),
    ("1/4", "The probability is $\\frac{1}{4}$, or $25\\%$.", True, "a percentage beside the same value"),
    ("1/4", "The probability is $\\frac{1}{4}$, or $30\\%$.", False, "a percentage beside another value"),
    ("6", "Thus $k = 6$ is the least such integer. (We can verify: $2^6 = 64 > 50$.)", True, "a check in brackets"),
    ("6", "So $k = 6$ (check: $3(6) - 4 = 14$).", True, "a check in brackets before the full stop"),
    ("14", "So $k = 6$ (check: $3(6) - 4 = 14$).", False, "the check's number is no answer"),
    ("6", "The least such $k$ is $6$. We can verify: $2^6=64>50$ and $2^5=32<50$.", True, "a check sentence"),
]

# An adversarial review of the rules of PROSE9 (597 probes): the wrong verdicts it found, fixed.
REVIEW9 = [
    ("3", "The maximum value is $5$ when we take $x = 3$.", False, "'we take' in a when-clause is no conclusion"),
    ("5", "The maximum value is $5$ when we take $x = 3$.", True, "the copula's value stands"),
    ("2", "The area is $A = 10$ when we choose $r = 2$.", False, "'we choose' in a when-clause"),
    ("4", "The perimeter is 12 cm: each side is 4 cm.", False, "a colon before an explanation"),
    ("12", "The perimeter is 12 cm: each side is 4 cm.", True, "the value before the colon"),
    ("2", "The number of solutions is 2, as we find x = 1 and x = 5.", True, "'as we find' gives a reason"),
    ("3", "There are 3 solutions: x = 1, x = 2 and x = 5.", True, "a count in digits before its list"),
    ("3", "There are exactly 3 such integers: 4, 6 and 9.", True, "'exactly' and a count before its list"),
    ("0", "The equation has no solutions: x = 5 fails.", True, "none, then a colon"),
    ("4", "Either 3 or 2+2", False, "two offers, one of them an expression"),
    ("4", "Hmm, 5? Or 2+2", False, "a second offer"),
    ("3", "We get 3 times 2 + 1", False, "a run after a word operator is part of more"),
    ("-1", "It happened in 1999-2000", False, "a range of years is no difference"),
    ("(-\\infty,2)\\cup(5,\\infty)", "$\\{x \\mid x < 2, x > 5\\}$", False, "a comma in a condition is 'and'"),
    ("(2,\\infty)", "The solution set is all $x$ with $x > 2$, and also $x = -7$.", False, "more after the condition"),
    ("5", "The measured length is 5.0 ± 0.1 cm.", True, "a measurement and its uncertainty"),
    # Kept wrong on purpose: words after a run of segments do not take them back, else "Answer: $2$, $3$
    # are both valid" would pay the gold 2 (a second review).
    ("2", "The answer is $x = 2$ and $y$ is arbitrary", False, "a run of segments is read whole"),
    ("2", "Final answer: $x = 2$ OR $x = -5$", False, "'OR' in capitals joins the answer line"),
    ("3", "It has three solutions: $x = 3$ or $x = -3$.", False, "a count that its list contradicts"),
    ("x^{n_1}", "$x^n_1$", False, "x^n_1 is x_1 to the n"),
    ("x_1^{n}", "$x^n_1$", True, "x^n_1 is x_1 to the n, as LaTeX sets it"),
    ("(1, 2)", "$x = \\boxed{1}$ or $y = \\boxed{2}$", False, "named boxes offered with 'or'"),
    # An answer line that offers a second value after its first segment (read as the first before).
    ("2", "Final answer: $x = 2$ (or $x = -5$)", False, "a second value in brackets"),
    ("2", "Final answer: $x = 2$, maybe $x = -5$", False, "a second value, maybe"),
    ("2", "Final answer: $x = 2$ / $x = -5$", False, "two values with a slash"),
    ("2", "Final answer: $x = 2$ \\quad $x = -5$", False, "two values a quad apart"),
    ("2", "Final answer: $2$ (but $-5$ also works)", False, "a second value that also works"),
    ("10", "Answer: $10$ cm or $20$ cm", False, "two values with units"),
    ("5", "Answer: $5$ (since $x > 0$)", True, "a reason is no second value"),
    # A whole number's double factorial (it was read as the factorial of a factorial).
    ("15", "So the count is $5!!$.", True, "5!! = 5 * 3 * 1"),
    ("720", "So the count is $3!!$.", False, "3!! is 3, not (3!)!"),
    ("720", "So the count is $(3!)!$.", True, "the factorial of a factorial, written with brackets"),
    # A two-part gold against a sentence of two parallel claims.
    ("9, -1", "The largest value is $9$ (at $t = 3$) and the smallest value is $-1$ (at $t = 1$).", True,
     "two parallel claims for a two-part gold"),
    ("9, -2", "The largest value is $9$ (at $t = 3$) and the smallest value is $-1$ (at $t = 1$).", False,
     "the second claim differs"),
    ("9, -1", "The largest value is 9 when t is -1.", False, "a when-clause is no second claim"),
    ("9", "The largest value is $9$ and the smallest value is $-1$.", True, "a one-part gold: the first claim"),
]

# A second adversarial review (623 probes) of the rules above: the wrong verdicts it found, fixed.
REVIEW10 = [
    ("\\emptyset", "The solution set is empty if $a > 0$.", False, "an empty set under a condition"),
    ("\\emptyset", "The solution set is empty or contains only $x = 1$.", False, "empty offered with another"),
    ("\\emptyset", "The intersection is empty, so $x = 3$.", False, "another set is empty"),
    ("\\emptyset", "The complement of the solution set is empty.", False, "the complement is empty: all reals"),
    ("\\emptyset", "There are no restrictions on $x$.", False, "no restrictions is no empty set"),
    ("\\emptyset", "I guess the solution set is empty.", False, "a guess"),
    ("The limit does not exist", "$\\boxed{\\emptyset}$", False, "the empty set is no limit"),
    ("-5", "Answer: $x = 2$ (or $x = -5$)", False, "the second offer is no answer either"),
    ("3", "The answer is $2$. Also $3$ works.", False, "an answer line, then a second value"),
    ("2", "Answer: $2$, $3$ are both valid", False, "a run of segments followed by words"),
    ("5", "So $x = 5$ (check: actually $x = 7$).", False, "a check that corrects the answer"),
    ("5", "So $x = 5$. We can verify: no, $x = 7$ is correct.", False, "a verification that denies it"),
    ("odd", "$f(-x) = f(x)$ for every $x$. Determine whether the function is odd.", False, "the question restated"),
    ("odd", "Since $f(-x) = f(x)$, $f$ is even. Note that the sine function is odd.", False, "a note on another function"),
    ("odd", "$f(-x) = f(x)$ for all $x$. Suppose the function is odd.", False, "a supposition"),
    ("even", "Since $f(-x) = f(x)$ for all $x$, $f$ is even. The proof is complete.", True, "a closing remark"),
    ("No, it is not possible", "Yes, it is possible.", False, "the opposite answer"),
    ("No, it is not possible", "No, it is not possible.", True, "the gold's own words"),
    ("All real numbers", "All real numbers except 0", False, "an exception"),
    ("4", "The area is 12: 3 times 4.", False, "a colon before a computation"),
    ("12", "The area is 12: 3 times 4.", True, "the value before the colon"),
    ("5", "The value is 12 because we pick $n = 5$.", False, "'we pick' in a because-clause"),
    ("\\text{All real numbers}", "All positive real numbers", False, "a restricting word between the gold's"),
    ("No solution", "$\\boxed{\\emptyset}$ if $a > 0$", False, "an empty set under a condition"),
    ("5", "So $x=5$. (Verification: $x=6$ also works.)", False, "a check that offers a second answer"),
    ("5", "So $x = 5$ (let's check: $x = 9$ is right).", False, "a check that gives another answer"),
    ("5", "The answer is $5$, or equivalently $\\frac{10}{2}$", True, "a restatement is no second offer"),
    ("5", "The answer is $5$, or equivalently $\\frac{12}{2}$", False, "a 'restatement' of another value"),
    ("\\frac12", "Answer: $\\frac12$ (or $0.5$)", True, "an offer of the same value twice"),
    ("2", "Answer: $x = 2$ (but $x \\neq 0$ must hold)", True, "a condition after 'but' is no offer"),
    ("-5", "Final answer: $2$ (but $-5$ also works)", False, "the value that 'also works' is one of two offers"),
    ("1000\\%", "1,000%", True, "a thousands comma in a percentage"),
    # A bare tuple lists named values in their names' order: (x, y), (a, b), (x_1, x_2).
    ("(3, 7)", "$y = \\boxed{3}$ and $x = \\boxed{7}$", False, "the point (7, 3)"),
    ("(7, 3)", "So $y = 3$ and $x = 7$.", True, "the point (7, 3), named in another order"),
    ("(3, 7)", "So $b = 7$ and $a = 3$.", True, "(a, b) named in another order"),
    ("(1, 2, 3)", "$x_2 = 2, x_1 = 1, x_3 = 3$", True, "subscripts in their order"),
    ("(2, 1, 3)", "$x_2 = 2, x_1 = 1, x_3 = 3$", False, "subscripts in their order, not as written"),
]

# Found in this stop's own reading of the reviews' leftovers.
PROSE10 = [
    ("2", "The equation has two real solutions: $x = \\pm 3$.", True, "a count, then a plus-minus pair"),
    ("4", "It has four solutions: $x = \\pm 1, \\pm 2$.", True, "four, listed as two plus-minus pairs"),
    ("2", "It has four solutions: $x = \\pm 1, \\pm 2$.", False, "four solutions are listed"),
    ("1", "It has one solution: $x = \\pm 3$.", False, "one counted, two listed"),
    # Two opposite bounds on one name: overlapping rays bound one interval, disjoint ones are a union.
    ("(1,3)", "The answer is $x > 1 \\text{ and } x < 3$.", True, "lower and upper bound joined by and"),
    ("(1,3)", "The answer is $x > 1$ and $x < 3$.", True, "the bounds in two segments"),
    ("(1,3]", "The answer is $\\{x \\mid x > 1 \\text{ and } x \\le 3\\}$.", True, "set-builder with and"),
    ("(0,3)", "$\\{x \\mid x > 0, x < 3\\}$", True, "set-builder with a comma"),
    ("(1,3)", "The answer is $x > 1$ or $x < 3$.", False, "or: every real number"),
    ("(1,4)", "The answer is $x > 1 \\text{ and } x < 3$.", False, "another upper bound"),
    ("(-\\infty,1)\\cup(3,\\infty)", "The answer is $x < 1$ and $x > 3$.", True, "disjoint rays: and says or"),
    ("(1,3)", "The answer is $x < 1$ and $x > 3$.", False, "disjoint rays are no interval"),
    # Boxes of one name joined by "or" offer both values; of two names, as before, the last box alone.
    ("7", "$x = \\boxed{3}$ or $x = \\boxed{7}$", False, "two roots offered"),
    ("3, 7", "$x = \\boxed{3}$ or $x = \\boxed{7}$", True, "both roots"),
    ("7", "\\(x = \\boxed{3}\\) or \\(x = \\boxed{7}\\)", False, "two roots offered, in \\( \\)"),
    ("(1, 2)", "$x = \\boxed{1}$ or $y = \\boxed{2}$", False, "x or y is no point"),
    ("13", "".join(f"$x_{{{i}}} = \\boxed{{{i}}}$ and " for i in range(1, 13)) + "$x_{13} = \\boxed{13}$", False,
     "thirteen named boxes: more than are read, not the last alone"),
    # An answer line offering a second value, in other words or on the next line.
    ("2", "Final answer: $x = 2$\n$x = -5$", False, "a second value on the next line"),
    ("2, -5", "Final answer: $x = 2$\n$x = -5$", True, "both solutions, one per line"),
    ("x = 2, y = 3", "Final answer: $x = 2$\n$y = 3$", True, "two named parts, one per line"),
    ("2", "Final answer: $2$\n\nThe solution uses $x^2=4$.", True, "maths after a blank line is no offer"),
    ("2", "Answer: $x = 2$; another solution is $x = -5$.", False, "another solution"),
    ("2", "Answer: $2$ with $3$ as a backup", False, "a backup value"),
    ("2", "Answer: $2$, unless $3$", False, "unless"),
    ("2", "Answer: $2$\n$3$ is another option", False, "another option on the next line"),
    ("2", "Answer: $2$, plus $3$ in the other case", False, "a value for the other case"),
    ("5", "**Answer:** $5$ (since $2+3=5$)", True, "a reason with maths"),
    # From the fourth formats set, after its one scoring: a plain-text equation's number on the worked side,
    # and "so" before a bold yes.
    ("-i", "Since i * i = 1, 1/i = i. That means i^2023 = i.", False, "the value is the right side, i"),
    ("4", "So 2^2 = 4.", True, "the right side"),
    ("No", "Checking small primes, none divide it, so **Yes, 1001 is prime.**", False, "a bold yes after so"),
    ("Yes", "Checking small primes, none divide it, so **Yes, 1001 is prime.**", True, "a bold yes after so"),
    # Emphasis and a dollar sign around a plain-text value; one value restated on its answer line.
    ("1250", "**Answer:** The interest earned is **$1,250**.", True, "a bold dollar amount"),
    ("1250", "The interest earned is **$1,250**.", True, "a bold dollar amount in prose"),
    ("1200", "The interest earned is **$1,250**.", False, "another amount"),
    ("\\frac{1}{4}", "The answer is 1/4 — or equivalently 0.25, i.e. 25%.", True, "three forms of one value"),
    ("\\frac{1}{4}", "The answer is 1/4, or equivalently 0.3.", False, "a restatement that differs"),
    ("\\frac{1}{3}", "The answer is 1/4, or equivalently 0.25.", False, "both forms wrong"),
    # A foreign answer line's sentence with one number that nothing qualifies.
    ("12", "**Respuesta:** Ana tiene 12 años.", True, "Spanish sentence, one number"),
    ("20", "**Antwort:** Die Länge des Rechtecks beträgt 20.", True, "German sentence, one number"),
    ("45", "**Resposta:** A camisa passa a custar R$ 45,00.", True, "Portuguese price, decimal comma"),
    ("2.5", "Antwort: Die Länge beträgt 2,5 m.", True, "German decimal comma and a unit"),
    ("12", "**Respuesta:** Ana no tiene 12 años.", False, "negated"),
    ("12", "Respuesta: Ana tiene unos 12 años o 13.", False, "offered with another"),
    ("5", "Antwort: Es sind mindestens 5.", False, "a lower bound"),
    ("12", "Respuesta: Ana tiene 12 años y Juan 24.", False, "two numbers"),
    ("7", "Réponse : il y en a environ 7.", False, "approximately"),
    # The options listed in the final sentence, then the one chosen.
    ("B", "Among (A) 6, (B) 3, (C) 2, (D) 4, the correct one is (B).", True, "the listed options, then B"),
    ("A", "Among (A) 6, (B) 3, (C) 2, (D) 4, the correct one is (B).", False, "A is only listed"),
    ("B", "Entre las opciones (A) 6, (B) 3, (C) 2, (D) 4, la respuesta correcta es la (B).", True, "in Spanish"),
    # A named value given as a percentage.
    ("\\frac{3}{8}", "$$P = 37.5\\%.$$", True, "P = 37.5%"),
    ("\\frac{3}{8}", "$$P = \\frac{3}{8} = 37{,}5\\,\\%.$$", True, "a decimal comma and a thin space"),
    ("\\frac{3}{8}", "$$P = 36.5\\%.$$", False, "another percentage"),
]


# The adversarial review of this stop's rules (388 probes): rows it found wrong at some commit of this stop (7 of
# them also at its start), and guards beside them.
REVIEW11 = [
    ("2", "Final answer: $2$ (another solution is $-5$, but it fails the domain check)", True, "the second is rejected"),
    ("2, -5", "Final answer: $2$ (another solution is $-5$, but it fails the domain check)", False, "rejected, not offered"),
    ("7", "Final answer: $7$ (unless we count $0$, which the problem excludes)", True, "excluded"),
    ("7", "Final answer: $7$, instead of $5$", True, "instead of"),
    ("12", "Answer: $12$ instead of the naive $6$ because order matters.", True, "the naive count"),
    ("2", "Answer: $x=2$ - another candidate, $x=-5$, was rejected.", True, "a rejected candidate"),
    ("6", "Final answer: $6$\n$8$ is another option but it fails the constraint.", True, "next line, rejected"),
    ("2", "Final answer: $x = 2$\n$x = 5$ in the other case, which is impossible.", True, "impossible case"),
    ("4", "Final answer: $x = 4$\n$2(4)+1 = 9$", True, "a check on the next line"),
    ("2", "Final answer: $x = 2$\n$x \\neq -5$", True, "a relation on the next line"),
    ("x = 4", "Final answer: $x = 4$\n$x = 4$", True, "the same answer twice"),
    ("2", "Answer: $2$; in the other case the answer is $-5$", False, "a value for the other case"),
    ("10", "Final answer: $10$ cm\n$20$ cm in the other case", False, "next line after a unit"),
    ("4", "$$t = \\boxed{-1} \\quad\\text{or}\\quad t = \\boxed{4}$$ but since $t > 0$, $t = 4$.", True,
     "boxes, then one rejected"),
    ("7", "$x = \\boxed{3}$ or $x = \\boxed{7}$ (but $x=3$ is extraneous)", True, "extraneous root"),
    ("3, 7", "$x = \\boxed{3}$ or $x = \\boxed{7}$. Checking: $x = 7$ makes the denominator zero, so the only "
     "solution is $x = 3$.", False, "one root survives"),
    ("x = 2", "$x = \\boxed{2}$ or $x = \\boxed{2}$", True, "one value boxed twice"),
    ("(1, 3)", "$x = \\boxed{1}$ or $x = \\boxed{3}$", False, "two values of x are no interval"),
    ("(3, 4)", "Answer: $m = 3$\n$m = 4$", False, "two values of m are no pair"),
    ("1, 3", "x = 1, x = 3", True, "two values of x, as a list"),
    ("(1, 3)", "1, 3", True, "a bare pair"),
    ("3", "$x = \\boxed{1}$, $\\boxed{2}$, or $x = \\boxed{3}$", False, "boxes offered, one unnamed"),
    ("5", "$x_1 = \\boxed{2}$ or $x_2 = \\boxed{5}$", False, "one of two quantities offered"),
    ("7", "$f(x) = \\boxed{3}$ or $f(x) = \\boxed{7}$", False, "a function's two values offered"),
    ("5", "$AB = \\boxed{3}$ or $AB = \\boxed{5}$", False, "a segment's two lengths offered"),
    ("f(x) = 3, g(x) = 7", "$f(x) = \\boxed{3}$ and $g(x) = \\boxed{7}$", True, "two functions' values"),
    ("4", "So 2 + 2 = four.", True, "the right side in words"),
    ("12", "Thus 3 * 4 = twelve apples.", True, "the right side in words, then a noun"),
    ("Yes", "We verified all residues, so **no** prime can divide both. Hence the claim holds.", True,
     "a bold no as a determiner"),
]

# A newcomer's trial of this stop: plain-text answer lines with two values, letters called correct.
NEWCOMER11 = [
    ("3", "Answer: 3 and 4", False, "two values on a plain answer line"),
    ("3, 4", "Answer: 3 and 4", True, "both values"),
    ("3", "The answer is 3 and also 4.", False, "and also"),
    ("3", "The answer is 3, but 4 also works.", False, "also works"),
    ("3", "Answer: 3, maybe 4", False, "maybe"),
    ("3", "Answer: 3 apples or 4 apples", False, "two counts with a noun"),
    ("2", "Answer: x = 2 and x = -5", False, "two values of x"),
    ("x=2, y=5", "Answer: x = 2 and y = 5", True, "two named values"),
    ("(1,3)", "Answer: x > 1 and x < 3", True, "two bounds"),
    ("x>1", "Answer: x > 1 and x < 3", False, "one bound of two"),
    ("3", "Answer: 3 (since 1+2)", True, "a reason in brackets"),
    ("7", "Answer: 7, because 3 + 4 = 7.", True, "a reason after a comma"),
    ("5", "The answer is 5, not 7.", True, "a value ruled out"),
    ("C", "(C) looks tempting, but (A) is correct.", False, "A is called correct"),
    ("A", "(C) looks tempting, but (A) is correct.", True, "A is called correct"),
    ("A", "I pick (A) over (C).", True, "picked over another"),
    ("C", "Between A and C, I pick A.", False, "picked"),
]

# A second adversarial review (420 probes) of this stop's later rules: verdicts it found wrong at some commit of
# this stop, fixed.
_OPTIONS = "Among (A) 6, (B) 3, (C) 2, (D) 4, "
_ROOTS = "$x = \\boxed{3}$ or $x = \\boxed{7}$"
REVIEW12 = [
    ("12", "Respuesta: Ana tiene alrededor de 12 años", False, "around: no verb states it"),
    ("12", "Antwort: Es sind über 12", False, "over"),
    ("12", "Antwort: Sie ist älter als 12", False, "older than"),
    ("12", "Réponse : à peu près 12", False, "roughly"),
    ("12", "Risposta: Luca non ha 12 anni", False, "negated, in Italian"),
    ("12", "Respuesta: Si cada caja tiene 12.", False, "a condition"),
    ("3", "Respuesta: La solución es x > 3", False, "a bound"),
    ("12", "Respuesta: El número es superior a 12.", False, "greater than"),
    ("14", "Respuesta: Ana tiene doce años y su hermano 14.", False, "the brother's age"),
    ("12000", "Respuesta: El coche cuesta 12.000 euros.", True, "a point between thousands"),
    ("12", "Respuesta: El coche cuesta 12.000 euros.", False, "not twelve"),
    ("12", "Resposta: O resultado é 12.", True, "a Portuguese article is no negation"),
    ("B", _OPTIONS + "the correct one is either (B) or (C).", False, "two letters offered"),
    ("B", _OPTIONS + "the correct one is (B) and also (D).", False, "two letters offered"),
    ("B", "Entre (A) 6, (B) 3, (C) 2, (D) 4, la respuesta correcta no es la (B), sino la (C).", False,
     "negated in Spanish"),
    ("C", "Parmi (A) 6, (B) 3, (C) 2, (D) 4, la bonne réponse n'est pas (B), c'est (C).", True, "negated in French"),
    ("D", _OPTIONS + "I first thought the correct one was (B), but it is (D).", True, "taken back"),
    ("C", "(A) 6 and (B) 3 are incorrect; (C) 2 is correct.", True, "a letter and its value called correct"),
    ("D", "The answer: D, it doesn't make sense for it to be A or B", True, "other letters after the answer"),
    ("C", "The answer is (C), not (A) or (B).", True, "the others ruled out"),
    ("2", "Final answer: $2$ (another solution is $-5$, but both satisfy the equation)", False, "both kept"),
    ("12", "Final answer: $12$ (or perhaps $15$; I cannot exclude it)", False, "a rejection taken back"),
    ("2", "Final answer: $x = 2$ (also $x = -5$; it is not extraneous)", False, "not extraneous"),
    ("6", "Final answer: $6$\n$8$ also works; neither is wrong.", False, "neither is wrong"),
    ("5", "Final answer: $5$ (the other cases, $n \\le 2$, give nothing)", True, "other cases give nothing"),
    ("3", "Final answer: $3$ (in the other case, $k = 0$, there are no solutions)", True, "a case without a value"),
    ("7", _ROOTS + ", but $x = 7$ is extraneous.", False, "the last box is rejected"),
    ("3", _ROOTS + ", but $x = 7$ is extraneous.", True, "the other box is left"),
    ("4", "$$t = \\boxed{-1} \\quad\\text{or}\\quad t = \\boxed{4}$$ but since $t < 0$, $t = -1$.", False,
     "the first box is settled on"),
    ("7", _ROOTS + "; but we need $x < 5$, so $x = 3$.", False, "settled on 3"),
    ("3, 7", _ROOTS + ". Both check out; neither is extraneous.", True, "nothing rejected"),
    ("3, 7", _ROOTS + ". Both are valid, but the problem wants all real solutions.", True, "both valid"),
    ("5", "$AB = \\boxed{3}$ or $AB = \\boxed{5}$, but $AB = 3$ violates the triangle inequality, so it is "
     "rejected.", True, "a violated inequality"),
    ("120", "The answer is 120 minutes, i.e. 2 hours.", True, "restated in other units"),
    ("12", "The answer is 12 apples, i.e. 4 apples per basket.", True, "an explanation after i.e."),
    ("4", "So 2 + 2 = four or five.", False, "two words offered"),
    # From the newcomer's trial: a decimal comma in German or French prose, points grouping thousands.
    ("5", "Das Ergebnis ist 2,5.", False, "a German decimal comma, not its last digit"),
    ("2.5", "Das Ergebnis ist 2,5.", True, "a German decimal comma"),
    ("2.5", "Donc la longueur vaut 2,5 m.", True, "a French decimal comma and a unit"),
    ("5", "The pair is 2,5.", False, "English: no decimal comma, and not its last digit"),
    ("1500", "Antwort: 1.500 Euro", True, "a point grouping thousands"),
    ("1.5", "Antwort: 1.500 Euro", False, "not one and a half"),
    ("1500.5", "Resposta: R$ 1.500,50", True, "points and a decimal comma after a currency"),
    ("0.125", "Antwort: 0.125", True, "a leading zero: a decimal point"),
    # A closing sentence of relations only.
    ("(1,\\infty)", "So $x > 1$.", True, "so, then a relation"),
    ("(1,3)", "Thus $x > 1$ and $x < 3$.", True, "thus, then two bounds"),
    ("3", "Therefore $x < 3$.", False, "a bound is no value"),
    ("(-\\infty,1)\\cup(3,\\infty)", "So $x < 1$ or $x > 3$.", True, "two rays"),
]

# A third adversarial review (304 probes) of the rules above: wrong verdicts it found, fixed.
REVIEW13 = [
    ("7", "Answer: 7 boxes, with another 3 books left over", True, "another describes, offers nothing"),
    ("12", "Answer: 12, also divisible by 3", True, "also describes the answer"),
    ("9", "Answer: 9, since otherwise the total exceeds 10", True, "otherwise gives a reason"),
    ("(1,3)", "Answer: x > 1 or x < 3", False, "or: every real number"),
    ("C", "Neither (A) nor (B) is correct, so (C).", True, "neither ... is correct"),
    ("B", "Neither (A) nor (B) is correct, so (C).", False, "neither ... is correct"),
    ("C", "If (B) is correct, then x = 3, a contradiction; so (C).", True, "a supposition"),
    ("C", "I thought (A) was correct, but it's actually (C).", True, "taken back"),
    ("C", "Triangle (B) is right-angled, hence (C).", True, "right-angled is no verdict"),
    ("D", "Either (C) or (D) is correct.", False, "a hedge before 'is correct'"),
    ("B", "The correct one is (B) and (D) is a distractor.", True, "the other letter described"),
    ("A", "Students often pick (A) over (C), which is a mistake; the correct choice is (C).", False, "a common mistake"),
    ("0.125", "Respuesta: La probabilidad es 0.125.", True, "a decimal point"),
    ("125", "Respuesta: La probabilidad es 0.125.", False, "not a thousands point"),
    ("12", "Respuesta: Al menos son 12.", False, "at least"),
    ("12", "Antwort: Mindestens sind es 12.", False, "at least, before the verb"),
    ("12", "Respuesta: Casi son 12.", False, "almost"),
    ("12", "Réponse : Marie a 12 ans.", True, "French a"),
    ("2", "Final answer: $x = 2$ (or perhaps $x = 3$, which avoids violating the constraint)", False,
     "avoids violating: kept"),
    ("6", "Answer: $6$; other cases: $7$", False, "a value for other cases"),
    ("3, -3", "$x = \\boxed{3}$ or $x = \\boxed{-3}$. Check: when x = 3, 9 = 9; when x = -3, 9 = 9. Both work.", True,
     "a check names values, settles nothing"),
    ("2, 3", "$x = \\boxed{2}$ or $x = \\boxed{3}$. For x = 2 the area is 4; for x = 3 the area is 9.", True,
     "a description names values"),
    ("7", "$x = \\boxed{2}$ or $x = \\boxed{7}$. We keep x = 7 because x = 2 is extraneous.", True, "kept and rejected"),
    ("2.5", "El punto es (2,5).", False, "a point, not a decimal comma"),
    ("6", "The smallest such integer is $n = 6$. So $n > 5$.", True, "a bound after the value"),
    ("15 minutes", "Answer: 0.25 hours, i.e. 25 minutes", False, "a restatement in other units that disagrees"),
    ("48", "Answer: 48 hours, i.e. 3 days", False, "48 hours are 2 days"),
    ("48", "Answer: 48 hours, i.e. 2 days", True, "a restatement in other units that agrees"),
    ("120", "The answer is 120 minutes, i.e. 2 hours.", True, "the first form, in its unit"),
    # Found while reading the diff: an "or" joined the parts by replacing every comma, pairs' included.
    ("(1, 2), (3, 4)", "Answer: (1, 2) or (3, 4)", True, "two pairs offered with or, both the gold's"),
    ("(1, 2)", "Answer: (1, 2) or (3, 4)", False, "two pairs offered"),
]


_LOOP = "So the probability is $\\frac{1}{3}$.\n\n" + "$\\boxed{\\frac{1}{3}}$\n" * 18
_TURNS = ("6 boxes of 5 pencils: 6 × 5 = 30.\n\n\\boxed{30}<|im_end|>\n<|im_start|>user\nNow what is 5 times 8?"
          "<|im_end|>\n<|im_start|>assistant\n5 × 8 = 40.\n\n\\boxed{40}<|im_end|>")
_HUMAN = ("Total = 3 × 5 = 15 marbles.\n\nEmma has 15 marbles.\n\nHuman: What if she had 3 more bags?\n\n"
          "Assistant: Then she would have 15 + 3 × 5 = 30 marbles.")
# The fifth formats set (formats_apart5.jsonl), after its one scoring: what it showed, in general form.
APART5 = [
    ("\\frac{1}{3}", _LOOP, True, "one value boxed again and again: a repetition loop"),
    ("\\frac{1}{2}", _LOOP, False, "the looped value is not the gold"),
    ("\\frac{1}{3}", _LOOP + "$\\boxed{\\frac{1}{2}}$", False, "the loop ends on another value"),
    ("\\frac{1}{2}", _LOOP + "$\\boxed{\\frac{1}{2}}$", False, "the loop ends on another value"),
    ("30", _TURNS, True, "a follow-up turn after the end of the model's turn is not its answer"),
    ("40", _TURNS, False, "the follow-up turn's answer"),
    ("7", "<|im_start|>assistant\nThe answer is $\\boxed{7}$.<|im_end|>", True, "template debris before the answer"),
    ("15", _HUMAN, True, "a Human: turn after a blank line starts another turn"),
    ("30", _HUMAN, False, "the other turn's answer"),
    ("8", "Human: how many legs does a spider have?\n\nA spider has 8 legs.", True, "a Human: label with nothing before it"),
    # Options the response copies from its prompt give its letter a value (no choices passed).
    ("720", "The choices are (A) 540 (B) 720 (C) 900 (D) 1080 (E) 360.\n\n$\\boxed{B}$", True, "a listed option's letter"),
    ("900", "The choices are (A) 540 (B) 720 (C) 900 (D) 1080 (E) 360.\n\n$\\boxed{B}$", False, "another option's letter"),
    ("\\frac{1}{6}", "Probability = 6/36.\n\n(A) 1/12 (B) 1/9 (C) 1/6 (D) 1/4 (E) 5/36\n\nAnswer: (C)", True, "a fraction option"),
    ("720", "$\\textbf{(A) }540\\qquad\\textbf{(B) }720\\qquad\\textbf{(C) }900\\qquad\\textbf{(D) }1080$\n\n"
            "So the answer is $\\textbf{(B)}$.", True, "AMC's bold option list"),
    ("4", "Options:\nA. 3\nB. 4\nC. 5\nD. 6\n\nThe answer is B.", True, "one option per line"),
    ("720", "(A) 540 (B) 720 (C) 900 (D) 1080\n\nAnswer: (B) 900", False, "a letter written with another option's value"),
    ("720", "(A) 540 (B) 720 (C) 900 (D) 1080\nor rather (A) 720 (B) 540 (C) 900 (D) 1080\n\n$\\boxed{A}$", False,
     "two lists that disagree: no option can be told"),
    ("720", "Case (A) holds, so $\\boxed{B}$.", False, "no list of options: a letter is no value"),
    # A closing claim in words after the maths; infinity in plain text.
    ("\\text{no real solutions}", "For every real $x$, $x^2 \\ge 0$, so $x^2 + 1 \\ge 1 > 0$.\n\nThere are no real "
     "solutions.", True, "a none-claim after the closing maths"),
    ("\\text{no real solutions}", "So $x = 2$. There are no other real solutions.", False, "no OTHER solutions: one exists"),
    ("\\infty", "Therefore lim_{x→0⁺} 1/x = +∞.", True, "a plain equation's other side is +∞"),
    ("\\infty", "The limit is ∞.", True, "∞ alone in prose"),
    ("\\infty", "Therefore 1/x = 5.", False, "the other side is 5"),
    # A box whose own brace is missing; a printed output; a Chinese fraction; a problem of its own after.
    ("\\frac{3}{4}", "So it is $1 - \\frac{1}{4} = \\frac{3}{4}$.\n\n$\\boxed{\\frac{3}{4}$", True,
     "the maths delimiter closes a box whose brace is missing"),
    ("12", "Solving, $x = 12$.\n\nThe answer is \\boxed{12", False, "a box cut off by the end of the text (of 125?)"),
    ("25", "```python\nprint(len(primes))\n```\n```output\n25\n```", True, "a printed value ends the response"),
    ("26", "```python\nprint(len(primes))\n```\n```output\n25\n```", False, "the printed value is not the gold"),
    ("\\frac{3}{5}", "取到红球的概率是 3/5。\n答案是五分之三。", True, "a fraction in Chinese words"),
    ("20\\%", "答案是百分之二十。", True, "a percentage in Chinese words"),
    ("9", "$\\sqrt{81} = 9$.\n\n$\\boxed{9}$\n\nNow let's solve another problem: find $3^3$.\n\n$3^3 = 27$\n\n"
          "$\\boxed{27}$", True, "a problem of its own after the answer"),
    ("27", "$\\sqrt{81} = 9$.\n\n$\\boxed{9}$\n\nNow let's solve another problem: find $3^3$.\n\n$3^3 = 27$\n\n"
           "$\\boxed{27}$", False, "that problem's answer"),
    ("5", "Case 1 gives 4.\nLet us try another approach: it gives 5.\n\\boxed{5}", True, "another approach is no new problem"),
    # Known since the third review: a pair in brackets closing a sentence in another language is the pair.
    ("(2,5)", "El punto es (2,5).", True, "a point in brackets, Spanish"),
    ("5", "El punto es (2,5).", False, "not its last number"),
    ("2.5", "El punto es (2,5).", False, "in brackets, a comma separates a pair"),
    ("(2, 5)", "Der Punkt ist (2, 5).", True, "a point in brackets, German"),
    ("1.2", "La solución es el par (1,2).", False, "the pair, not a decimal"),
    # Known since the third review: a second value offered in an aside or a sentence after the answer line.
    ("3", "Answer: 3 (maybe 4)", False, "an aside offers 4"),
    ("3", "Answer: 3. Maybe 4.", False, "a sentence offers 4"),
    ("3", "Answer: 3 (could also be 4)", False, "could also be"),
    ("3", "Answer: 3, though 4 is also plausible", False, "also plausible"),
    ("3", "Answer: 3 although 4 could work", False, "could work"),
    ("3", "Answer: 3, unless n is even, in which case 4", False, "in which case"),
    ("2", "Answer: 2 else 3", False, "else"),
    ("12", "Answer: 12 (the other 3 books are left over)", True, "an aside that describes"),
    ("7", "Answer: 7. Then 7 + 3 = 10 checks out.", True, "a sentence that checks"),
    ("(-\\infty,1)\\cup(3,\\infty)", "Answer: x < 1 or x > 3", True, "rays joined by or: a union"),
    # Known since the second review: a second value offered as a backup, or as also a solution.
    ("2", "Final answer: $x = 2$; as a backup, $x = 3$.", False, "a backup offers 3"),
    ("6", "Final answer: $x = 6$, but $x = -1$ is also a solution.", False, "also a solution"),
    ("6", "Final answer: $x = 6$ (and $x=6$ is also a root of the derivative).", True, "the same value again"),
]

_OPTIONS = "(A) 540 (B) 720 (C) 900 (D) 1080\n"
_RUN = "```python\nprint(s)\n```\n```output\n"
# The fourth review's probes of the APART5 rules, where the first versions were wrong.
REVIEW14 = [
    ("\\text{no real solutions}", "We get $x=2$. No contradiction arises.", False, "a none-word about something else"),
    ("does not exist", "The limit equals $1$. There is no need for L'Hopital.", False, "no need: not about existence"),
    ("\\text{no real solutions}", "So $x=-1$ works. There are no positive solutions.", False, "a solution named, a restriction"),
    ("\\text{no real solutions}", "Since $b^2-4ac = -3 < 0$, the quadratic has no real roots.", True, "no real roots"),
    ("720", _OPTIONS + "The sum is 900 degrees, so (B) is ruled out.", False, "a letter ruled out in prose"),
    ("5", "(A) 5 (B) 7 (C) 8 (D) 9\nAnswer: A, which is 7", False, "a letter written with another value"),
    ("0.3", "P(A) = 0.5, P(B) = 0.3, P(C) = 0.1, P(D) = 0.1. Using P(B) the answer is 0.3.", True,
     "P(A) .. P(D) are no options"),
    ("5", "The answer is 3.\n" + _RUN + "5\n```", False, "an answer stated before the output"),
    ("12", "So the answer is 12.\n```python\nprint(x == 12)\n```\n```output\nTrue\n```", True, "a check's True"),
    ("5", "So the sum is 5.\n" + _RUN + "4.999999999\n```", True, "a float's noise after the stated sum"),
    ("1", "```python\nprint(1/0)\n```\n```output\nTraceback (most recent call last):\n  File \"<stdin>\", line 1, in "
          "<module>\nZeroDivisionError: division by zero\n```", False, "a traceback's line number is no answer"),
    ("\\frac{1}{3}", "答案是二又三分之一。", False, "a mixed number, not its fraction part"),
    ("\\frac{2}{3}", "答案是负三分之二。", False, "a negative fraction"),
    ("25\\%", "所以利润率为百分之二十五点五。", False, "25.5%, not 25%"),
    ("\\frac{3}{5}", "答案是 $\\frac{3}{5}$（五分之三）。", True, "maths restated in words"),
    ("12", "Part (a): x = 3.\nNow let's look at the next question: find y. We have y = 4x = 12, so \\boxed{12}.", True,
     "the next part of one problem"),
    ("4", "Direct counting is hard.\nLet's try another problem decomposition: 1+3 = 4.\n\\boxed{4}", True, "a method"),
    ("5", "The dialogue goes:\n\nUser: what is 2+3?\nAssistant: 5.\nSo the answer is \\boxed{5}", True, "a quoted dialogue"),
    ("6", "Thus \\boxed{6}\n\n[INST] now do 7 \\boxed{7}", True, "[INST] starts another turn"),
    ("7", "Thus \\boxed{6}\n\n[INST] now do 7 \\boxed{7}", False, "that turn's answer"),
    ("5, 6", "\\boxed{6} " + "\\boxed{5} " * 12, False, "a loop that starts with another value"),
    ("\\frac{1}{2}", "$\\boxed{\\frac{1}{2}$ or maybe $\\frac{1}{3}$", False, "an unclosed box, then an offer"),
    # The newcomer's trial: Minerva's ending after an unclosed box; a loop cut off in its next box.
    ("\\frac{3}{4}", "Final Answer: The final answer is $\\boxed{\\frac{3}{4}$. I hope it is correct.", True,
     "words after the maths that closes an unclosed box"),
    ("5", "The answer is \\boxed{5}.\n" * 20 + "The answer is \\boxed{", True, "a loop cut off in its next box"),
    ("6", "The answer is \\boxed{5}.\n" * 20 + "The answer is \\boxed{6", False, "the cut box is not read"),
    ("5", "\\boxed{5} \\boxed{5} \\boxed{", False, "two boxes are no loop"),
    # Found reading the diff: ten options A-J then another (A) raised IndexError inside the reader.
    ("2", " ".join(f"({chr(65 + i)}) {i + 1}" for i in range(10)) + " (A) 11\n\\boxed{B}", True, "ten options, then (A)"),
    ("(3, 4)", "Der erste Punkt ist (1, 2), der zweite ist (3, 4).", False, "two pairs in the sentence: no one answer"),
    ("(3, 4)", "Nach der Rechnung mit 7 und 9 ist der Punkt (3, 4).", True, "the bracket that holds the last number"),
]



# The fifth review's probes (rules narrowed after it): right at 739eafa, wrong with the first narrowing, right now.
REVIEW15 = [
    ('12', "The answer is at least 3.\nNow let's solve another problem: the maximum. We find 12.\n\\boxed{12}", True, 'rule A: sub-problem of the same question after a bound'),
    ('4', '<|im_start|>assistant<|im_end|>\nThe answer is \\boxed{4}', True, 'rule A: empty template turn before the answer'),
    ('5', 'The answer is \\boxed{5}.\nThe answer is \\boxed{5}.\nThe answer is \\boxed{5}.\nThe answer is \\boxed{1', False, 'rule B: cut box begins another value'),
    ('5', 'The answer is \\boxed{5}.\nThe answer is \\boxed{5}.\nThe answer is \\boxed{5}.\nHmm, wait. The answer is \\boxed{-', False, 'rule B: cut box begins a negative'),
    ('5', '\\boxed{5} \\boxed{5} \\boxed{5} \\boxed{6', False, 'rule B: cut box holds 6'),
    ('5', 'Step: \\boxed{5}\nStep: \\boxed{5}\nStep: \\boxed{5}\nSo the final answer is \\boxed{1', False, 'rule B: three steps then a cut final box'),
    ('5', "I think \\boxed{5}. Check: \\boxed{5}. Hmm \\boxed{5}. No wait, that's wrong; the correct answer is \\boxed{", False, 'rule B: cut box after a retraction'),
    ('5', 'The answer is \\boxed{5}.\nThe answer is \\boxed{5}.\nThe answer is \\boxed{5}.\nThe answer is \\boxed{\\frac{1', False, 'rule B: cut box begins a fraction'),
    ('720', "(A) 540 (B) 720 (C) 900 (D) 1080\nI'd guess \\boxed{B}, or maybe C.", False, 'rule C: letter hedge after box'),
    ('720', '(A) 540 (B) 720 (C) 900 (D) 1080\nAnswer: B. Maybe D.', False, 'rule C: letter hedge next sentence'),
    ('720', '(A) 540 (B) 720 (C) 900 (D) 1080\nFinal answer: B and D', False, 'rule C: two letters'),
    ('720', '(A) 540 (B) 720 (C) 900 (D) 1080\n\\boxed{B}. Hmm, but C also seems possible.', False, 'rule C: letter hedge'),
    ('\\text{no real solutions}', 'The discriminant is $1-8=-7<0$. So there are no real solutions?', False, 'rule D: a question'),
    ('\\text{no real solutions}', 'We get $x_1 = 2$ and $x_2 = 3$. There are no repeated roots.', False, 'rule D: subscript names, no repeated roots'),
    ('\\text{no real solutions}', 'Solving gives $2$ and $3$. No solutions were lost by squaring.', False, 'rule D: none lost'),
    ('\\text{no real solutions}', 'Solving gives $2$ and $3$. No trivial solutions exist.', False, 'rule D: no trivial'),
    ('\\text{no real solutions}', 'Solving gives $2$ and $3$. There are no spurious solutions.', False, 'rule D: no spurious'),
    ('\\text{no real solutions}', 'Solving gives $2$ and $3$. So there are no double roots.', False, 'rule D: no double roots'),
    ('\\text{no real solutions}', 'Solving gives $2$ and $3$. No such case arises.', False, 'rule D: no such case'),
    ('\\text{no real solutions}', '$3$ satisfies it. So it is false that no solution exists.', False, "rule D: 'false that'"),
    ('\\text{no real solutions}', 'Testing $0$: $0^2+1 \\neq 0$. So far there are no solutions.', False, 'rule D: so far'),
    ('\\text{no real solutions}', "Trying small values gives $1, 2, 5$. No solution is immediately obvious, so let's try another approach.", False, 'rule D: truncated mid-search'),
    ('\\text{no real solutions}', 'The root is $3$. Earlier I wrongly concluded there were no solutions.', False, 'rule D: retracted claim'),
    ('DNE', 'Solving gives $2$ and $3$. No such case arises.', False, 'rule D: DNE gold, no such case'),
    ('\\infty', 'The sum is ∞ or maybe 0.', False, 'rule E: hedge with 0'),
    ('\\infty', 'The limit is ∞, or it does not exist.', False, 'rule E: hedge with DNE'),
    ('3', 'So $\\boxed{3$ or maybe five.', False, 'rule F: offer in words'),
    ('3', 'So $\\boxed{3$, though it might be five.', False, 'rule F: offer in words'),
    ('3', 'So $\\boxed{3$ or five.', False, 'rule F: or five'),
    ('3', "So $\\boxed{3$. Wait, that's wrong. Let me redo this.", False, 'rule F: retraction'),
    ('3', "\\[\\boxed{3\\] is the answer, unless I'm wrong about the sign, in which case it's negative three.", False, 'rule F: conditional offer in words'),
    ('5', 'Thus $\\boxed{5$. Hmm, no, it should be larger.', False, 'rule F: retraction'),
    ('10', '$\\boxed{10$ is not right; twelve is.', False, 'rule F: rejection'),
    ('\\frac{2}{3}', '概率是三分之一或三分之二。', False, 'rule H: 或 hedge'),
    ('\\frac{2}{3}', '概率是三分之一，也可能是三分之二。', False, 'rule H: 也可能 hedge'),
    ('\\frac{3}{4}', '答案可能是三分之二，也可能是四分之三。', False, 'rule H: 两个可能'),
    ('\\frac{2}{3}', '至少是三分之二。', False, 'rule H: at least'),
    ('\\frac{2}{3}', '答案不超过三分之二。', False, 'rule H: no more than'),
    ('(3,5)', 'Le point est (2,5) ou peut-être (3,5).', False, 'rule I: hedge between two points'),
    ('(3,1)', 'Los vértices son (0,0), (1,4) y (3,1).', False, 'rule I: last of three points'),
    ('6', 'Answer: 6. We could also be asked for 12 in part b.', True, "rule J: 'could also be' unrelated"),
    ('6', 'Answer: 6. Else, if k were 3, it would be 9, but k = 2.', True, 'rule J: counterfactual'),
    ('12', 'Answer: 12. The error could be 0.5 at most.', True, "rule J: 'could be' of another quantity"),
]

_WORK = "We set up the equation and solve it step by step.\n"
# A newcomer's trial at the end of the stop: plain-text relations, and closing sentences that deny or bound
# their last number (all older than this stop's rules).
NEWCOMER15 = [
    ("12", "So x ≥ 12.", False, "a relation in plain text is no value"),
    ("12", "So x >= 12.", False, ">= in plain text"),
    ("12", "So x != 12.", False, "!= in plain text"),
    ("5", "After checking every case, we need n ≥ 5.", False, "a bound in a sentence"),
    ("x \\geq 12", "So x ≥ 12.", True, "the relation itself"),
    ("[12,\\infty)", "So x ≥ 12.", True, "the relation as an interval"),
    ("x \\leq 2", "Thus $x <= 2$ is our answer.", True, "a relation then words"),
    ("12", _WORK + "Hmm, but x cannot be 12.", False, "a value denied"),
    ("12", _WORK + "We get 12, but this is wrong.", False, "a value then denied"),
    ("12", _WORK + "答案不是 12。", False, "'the answer is not 12'"),
    ("12", _WORK + "所以 x 不可能是 12。", False, "'x cannot be 12'"),
    ("12", _WORK + "12 是错误的。", False, "'12 is wrong'"),
    ("12", "答案至少是 12", False, "'at least 12'"),
    ("12", "答案可能是 12", False, "'maybe 12'"),
    ("12", "答案不超过 12", False, "'not more than 12'"),
    ("12", "The value cannot be 5, so it is 12.", True, "a denied value, then the answer"),
    ("164", "The number of strings where no two 1s are neighbors is 164.", True, "a negation inside the subject"),
    ("7", "\\boxed{7} " * 500, True, "a loop of 500 boxes (a 4k-token response) is still its value"),
    # Three of the fifth review's remaining false positives.
    ("3", "Answer: 3\nMaybe 4.", False, "a second value offered on the next line"),
    ("3", "Answer: 3. Though 4 might also work.", False, "might also work"),
    ("3", "So $\\boxed{3}$. Wait, that's wrong. Let me redo this.", False, "a box taken back in words"),
    ("3", "Answer: 3\nThis is the number of apples.", True, "a next line that describes"),
    ("12", "So $\\boxed{12}$. Wait, let me double-check: 12 + 0 = 12. Yes.", True, "a check, not a retraction"),
]

# Case splits on an answer line (issue 14, from the reviews' remaining false positives): two values under
# different conditions, or a second set against the first, are a hedge; a value inside a condition is not.
CASE_SPLIT16 = [
    ("2", "The answer is $2$ if $a>0$ and $3$ otherwise.", False, "if ... and ... otherwise"),
    ("2", "Answer: $2$ if $n$ even, $3$ if $n$ odd", False, "two values, two conditions"),
    ("1", "Final answer: $1$ (for $n \\ge 2$); $0$ for $n = 1$", False, "an aside condition, then another case"),
    ("12", "Final answer: $12$, but $15$ if order matters.", False, "but ... if"),
    ("3", "Answer: 3. If n is odd, 4.", False, "a condition opening the next sentence"),
    ("100", "Answer: 100, alternatively 99 if 0 is excluded", False, "alternatively ... if (a rejecting word in the condition)"),
    ("2", "Final answer: $2$ if $x > 0$, else $-2$", False, "else"),
    ("12", "Answer: 12 if order does not matter, but 24 otherwise.", False, "plain text"),
    ("3", "Answer: 3\n4?", False, "a bare '4?' on the next line"),
    ("2 \\text{ or } 3", "The answer is $2$ if $a>0$ and $3$ otherwise.", True, "the same two values, as the gold offers them"),
    ("5", "Answer: $5$ if $a = 1$", True, "a value in the condition"),
    ("5", "Answer: 5 (for all n >= 2)", True, "a condition in an aside"),
    ("3, 4", "Answer: 3 and 4 if n is odd", True, "one list under one condition"),
    ("5", "The answer is 5, for x = 3.", True, "a condition after a comma"),
    ("5", "Answer: $x = 5$ when $a = 2$, and $x = 5$ when $a = 3$.", True, "one value in every case"),
    ("2", "Final answer: $2$, for $n = 3$ and $5$", True, "a condition that goes on after 'and'"),
    ("6", "Answer: 6. If we also count the empty set, it would be different.", True, "a condition with no value"),
    ("4", "The answer is $4$ for every $n$.", True, "for every n"),
    ("7", "Answer: 7 for n = 1, 2, 3", True, "a list inside the condition"),
    # From the review of the first version: rows it got wrong.
    ("7", "Answer: 7, for n = 1, 2, and 3", True, "an Oxford comma inside the condition"),
    ("7", "Answer: 7 for n = 1, 2, ..., 10", True, "an ellipsis inside the condition"),
    ("16", "Answer: 16, for P(2, 3)", True, "a function's arguments"),
    ("1", "Answer: 1 for x in (0, 2)", True, "an interval in the condition"),
    ("7", "Answer: 7. If we check n = 8, 8^2 = 64 > 50.", True, "a check after the answer"),
    ("x = 5", "Answer: $x = 5$. If $x = 5$, then $y = 11$.", True, "another quantity after the answer"),
    ("2\\pi", "Answer: 2π. If rounded, 6.28.", True, "the value restated in another form"),
    ("3", "Answer: 3 hours; if you want minutes, 180.", True, "the value restated in another unit"),
    ("3", "Answer: 3\n4? No, 3.", True, "a question answered on its line"),
    ("24", "Answer: 24 if order matters, which it does here.", True, "one value under a condition"),
    ("9", "Answer: 9, if my arithmetic is right", True, "one value, a comma, a condition"),
    ("2", "Answer: 2 if and only if n is even, otherwise 3", False, "if and only if ..., otherwise"),
    ("3", "Final answer: $\\boxed{2}$ if $a > 0$, and $\\boxed{3}$ otherwise.", False, "two boxes under two conditions"),
    ("2", "So $\\boxed{2}$ (if $n$ is even; otherwise $3$).", False, "a box, then another case in an aside"),
    ("2", "The answer is $\\boxed{2}$, or $3$ when $n$ is odd.", False, "a box, or another value under a condition"),
    ("4", "Answer: 4 unless x = 0, in which case 0.", False, "in which case"),
    ("12", "Answer: 12. If order matters, the answer is 24.", False, "a condition, then 'the answer is'"),
    ("4", "The answer is 4, but if you count the origin it's 5.", False, "but if ... it's"),
    ("3", "Answer: 3. But when n is odd, 4.", False, "But when"),
    ("45", "Final answer: 45 degrees if the angle is acute, 135 degrees if it is obtuse", False, "values with units"),
    ("2", "Final Answer: The final answer is $2$ if $n$ is even and $3$ if $n$ is odd. I hope it is correct.",
     False, "Minerva's closing"),
]

# A final sentence that lists the options inline chooses none of them by listing it (issue 14, from the
# reviews' remaining false positives); the letter after the list decides, and two letters are a hedge.
_AMONG = "Among (A) 6, (B) 3, (C) 2, (D) 4, "
MC_INLINE16 = [
    ("A", _AMONG + "the correct one is not (B).", False, "a listing then a letter ruled out"),
    ("A", _AMONG + "none is correct.", False, "a listing then none"),
    ("A", _AMONG + "the correct one is 3.", False, "a listing then a value"),
    ("C", _AMONG + "only (C) is correct.", True, "a listing then the letter"),
    ("B", _AMONG + "(B) and (D) are both correct.", False, "two letters after the listing"),
    ("B", _AMONG + "either (B) or (C) is correct.", False, "either ... or ... after the listing"),
    ("D", "Of (A) 6, (B) 3, (C) 2 and (D) 4, only (D) works.", True, "a listing with 'and'"),
    ("B", _AMONG + "the answer is (B) and not (D).", True, "one letter and one ruled out"),
]

# Arithmetic in words around the last number of a closing sentence (issue 14, the reviews' remaining false
# positives): "10 minus 3" states no value (not 3); "minus 3" alone is -3; "3 times" is a count.
SPELLED16 = [
    ("3", "The result is 10 minus 3.", False, "minus between numbers"),
    ("3", "The result is twice 3.", False, "twice"),
    ("2", "The result is 5 times 2.", False, "times between numbers"),
    ("2", "We get 4 divided by 2.", False, "divided by"),
    ("4", "We get half of 4.", False, "half of"),
    ("2", "The result is x times 2.", False, "a letter times a number"),
    ("-3", "The temperature is minus 3.", True, "minus alone: a negative number"),
    ("3", "The temperature is minus 3.", False, "minus alone is not the positive number"),
    ("-2", "So we get negative 2.", True, "negative alone"),
    ("3", "He ran 3 times.", True, "a count of times"),
]

# A congruence states its residue only when the residue is written as a remainder (issue 14, from the
# ninth review): "1024 \equiv 1024 \pmod{7}" restates a number and must not answer its remainder 2.
CONGRUENCE16 = [
    ("2", "$1024 \\equiv 1024 \\pmod{7}$", False, "a number restated"),
    ("6", "$2^{100} \\equiv 16 \\pmod{10}$", False, "a residue left unreduced"),
    ("6", "$2^{100} \\equiv 6 \\pmod{10}$", True, "the remainder"),
    ("6", "$3^{5} \\equiv -1 \\pmod{7}$", True, "a negative residue is its remainder"),
]

# From the second (blind) review of the case-split, listing, arithmetic-in-words and congruence rules.
_AMONG17 = "Among (A) 6, (B) 3, (C) 2, (D) 4, "
REVIEW17 = [
    ("30", "The answer is 30 if the month has 30 days; otherwise 31.", False, "a second case after ';'"),
    ("6", "Answer: 6; if order matters, the number is 12.", False, "'the number is' after a condition"),
    ("6", "Answer: 6 if order doesn't matter; if it does, double it.", False, "a second case in words"),
    ("10", "The answer is 10 if we include 0; excluding it gives 9.", False, "excluding ... gives"),
    ("15", "The answer is 15; however, if the coins are distinguishable, it would be 30.", False, "however ... would be"),
    ("3", "The final answer is $3$. But if the die is unfair, the answer would be $4$.", False, "the answer would be"),
    ("6", "Answer: 6. Alternatively, if the committee roles are distinct, 12.", False, "Alternatively, if"),
    ("6", "Answer: 6. If order matters, we get 12.", False, "we get"),
    ("2", "Answer: $x = 2$ if $n$ is even; otherwise $3$.", False, "a named value, then a bare one"),
    ("x>2", "Answer: $x > 2$ if $a > 0$, and $x < 2$ if $a < 0$.", False, "two relations under two conditions"),
    ("6", "So there are $\\boxed{36}$ ways if rotations are distinct, and $\\boxed{6}$ if rotations are considered the same.",
     False, "two boxes, each with a noun"),
    ("5", "Answer: 5. In case you're wondering, the other root, -5, is extraneous.", True, "a rejected value"),
    ("7", "Answer: 7. For n = 6, the result is 36, which is too small.", True, "a check that fails"),
    ("6", "The answer is $6$. In general, for $n$ people the answer is $\\binom{n}{2}$.", True, "the general formula"),
    ("12", "Answer: 12 if the 3 shelves are distinct, which they are.", True, "a number inside the condition"),
    ("15", "Answer: 15 if she walks at 4 km/h", True, "a rate inside the condition"),
    ("9", "Answer: 9 (for x = 5, 2x - 1 = 9; for x = 6, it would be 11)", True, "another candidate checked"),
    ("B", _AMONG17 + "both (B) and (D) satisfy the condition.", False, "two letters after the listing"),
    ("B", _AMONG17 + "(B) as well as (D) fits.", False, "as well as"),
    ("A", "The answer is (A) 3, (B) 4, (C) 5.", False, "an answer line that lists the options"),
    ("A", "Answer: (A) 6, (B) 3, (C) 2, (D) 4", False, "the options as the answer"),
    ("B", "Answer: (B) 5. Options: (A) 4, (B) 5, (C) 6.", True, "a letter, then the options"),
    ("C", _AMONG17 + "(A) 6 and (B) 3 are incorrect; (C) 2 is correct.", True, "options ruled out in words"),
    ("3", "The result is the sum minus 3.", False, "a noun minus a number"),
    ("-3", "The result is the sum minus 3.", False, "a noun minus a number is no negative"),
    ("3", "The answer is minus 3.", False, "an answer line's minus"),
    ("-3", "The answer is minus 3.", True, "an answer line's minus is a negative number"),
    ("100", "The answer is half of 100.", False, "an answer line's half of"),
    ("3", "So we get $10$ minus $3$.", False, "maths minus maths"),
    ("3", "The number of subsets is 2 to the power of 3.", False, "to the power of"),
    ("16", "The side length is the square root of 16.", False, "the square root of"),
    ("9", "She ate a third of 9.", False, "a third of"),
    ("50", "He saved 20% of 50.", False, "a percentage of"),
    ("3", "Il reste 8 moins 3.", False, "moins"),
    ("9", "Hence $N \\equiv -1 \\pmod{10^3}$.", False, "a modulus that is no plain integer"),
    ("6", "So $x \\equiv -1 \\pmod{7 \\cdot 11}$.", False, "a product modulus"),
]

# From the third (blind) review of the same rules.
REVIEW18 = [
    ("D", "The options are (A) 6, (B) 3, (C) 2, (D) 4.", False, "a listing alone chooses none (not the last)"),
    ("D", "Among (A) 6, (B) 3, (C) 2, (D) 4, the value 5 is correct.", False, "a listing, then a value of none"),
    ("C", "Among (A) 6, (B) 3, (C) 2, (D) 4, (A) and (B) are too large, so (C).", True, "two options set aside, then one"),
    ("C", "Neither (A) nor (B) is correct, so (C).", True, "letters in words are no listing"),
    ("6", "Answer: 6 if order matters,\n3 otherwise.", False, "the other case on the next line"),
    ("45", "Answer: 45 handshakes (90 if each handshake is counted from both sides).", False, "a case in an aside"),
    ("6", "$\\boxed{6}$ (3 if reflections are identified)", False, "a box, then a case in an aside"),
    ("7", "Answer: 7. (If the question intended inclusive bounds, 9.)", False, "an aside opening with If"),
    ("7", "Answer: 7 in the first case, 9 in the second.", False, "the first case, the second"),
    ("7", "Final answer: 7, whereas counting endpoints gives 9.", False, "whereas ... gives"),
    ("6", "Answer: 6, but 3 is also acceptable if reflections are identified.", False, "but ... is also acceptable if"),
    ("6", "The answer is 6 (depending on the interpretation, 3).", False, "depending on"),
    ("15", "Answer: 15 mixed pairs. If order matters: 30.", False, "a condition, a colon, a value"),
    ("5", "Answer: 5 (for x = 2, 3)", True, "a list in an aside condition"),
    ("x = 5", "Final answer: $x = 5$ (if we plug in $x = 5$, we get $11 = 11$)", True, "a check in an aside"),
    ("120", "Answer: 120 minutes (2 hours if expressed in hours)", True, "the value in another unit"),
    ("2", "Answer: 2 hours (120 if you use min).", True, "the value in minutes"),
    ("\\pi/6", "Answer: $\\pi/6$ (about $0.52$ when evaluated).", True, "the value evaluated"),
    ("24", "So the answer is $4! = 24$. (If order did not matter, there would be just 1 way, but that is not the "
     "question.)", True, "a case set aside"),
    ("12", "Answer: 12 eggs. Otherwise the basket would hold 15.", True, "a counterfactual in prose"),
    ("5", "How many doublings? It must double 5 times.", True, "double ... times is a count"),
    ("4", "The answer is the sum of 3 and 4.", False, "the sum of"),
    ("60", "She keeps three quarters of 60.", False, "three quarters of"),
    ("37", "So the answer is 100 minus the 37 she spent.", False, "minus the"),
    ("2", "x ≡ 2 mod 7", True, "a plain congruence states its residue"),
    ("7", "Therefore 2^100 ≡ 2 mod 7.", False, "not its modulus"),
    ("7", "So $N \\equiv -3 \\ (\\mathrm{mod}\\ 10^9+7)$.", False, "a modulus that is more than its leading digits"),
]

# A newcomer's trial: a base model that goes on to its few-shot template's next problem after answering.
_FEWSHOT = ("Final Answer: The final answer is 5. I hope it is correct.\n\nProblem: What is 2+2?\nSolution: 2+2=4.\n"
            "Final Answer: The final answer is 4. I hope it is correct.")
NEWCOMER18 = [
    ("5", _FEWSHOT, True, "the answer before the next Problem:"),
    ("4", _FEWSHOT, False, "not the next problem's answer"),
    ("5", "#### 5\n\nQuestion: What is 2+2?\n#### 4", True, "GSM8K's next Question:"),
    ("4", "Problem: What is 2+2?\n\nSolution: 2+2 = 4. Answer: 4", True, "a repeated prompt before the answer"),
    ("42", "\\boxed{42} but actually 41", False, "a box corrected after it"),
    ("41", "\\boxed{42} but actually 41", False, "a correction is no box"),
    ("42", "The answer is all integers, including 42.", False, "an example in an answer line"),
    ("42", "It is a number greater than 40, like 42.", False, "an example in a closing sentence"),
    ("42", "So the answer is 42, like we found.", True, "'like' after the answer"),
    ("2", "The minimum is 2 for even n and 3 for odd n.", False, "a case split in a closing sentence"),
    ("6", "So there are 6 ways if order matters and 3 otherwise.", False, "a closing sentence with otherwise"),
    ("2", "For even n the answer is 2, and for odd n it is 3.", False, "for even n ..., and for odd n it is"),
    ("12", "There are 12 ways if order does not matter.", True, "one value under a condition, in prose"),
    ("3", "The value is 3 for all n.", True, "for all n"),
    ("A", "Answer: A. Wait, no, it is B.", False, "a letter taken back on its answer line"),
    ("B", "Answer: A. Wait, no, it is B.", True, "the letter it settles on"),
    ("A", "\\boxed{A}. Wait, no, it is B.", False, "a boxed letter taken back"),
    ("A", "\\boxed{A}. Actually, A is right.", True, "a boxed letter confirmed"),
    ("6", "$\\boxed{6}$\n\n(If reflections are identified, the answer would be 3.)", False, "another case on the line after a box"),
    ("6", "There are $\\boxed{6}$ ways\n(or 3 if order does not matter).", False, "(or 3 if ...) after a box"),
    ("6", "Answer: 6.\nIf order doesn't matter: 3.", False, "another case on the line after an answer line"),
    ("6", "$\\boxed{6}$\n\nIf order mattered, it would be 12, but it doesn't.", True, "a case set aside after a box"),
    ("5", "So $\\boxed{5}$.\n\nIf we check: 2(5)+1 = 11.", True, "a check after a box"),
]

# Every table above: (gold, response, expected, why); the test id names the table, the row and why.
TABLES = {"rows": ROWS, "review2": REVIEW2, "review3": REVIEW3, "newcomer": NEWCOMER, "exploits": EXPLOITS,
          "units_and_boxes": UNITS_AND_BOXES, "undone": UNDONE, "plus_minus": PLUS_MINUS,
          "review4": REVIEW4, "forms5": FORMS5, "plain_functions": PLAIN_FUNCTIONS,
          "forms6": FORMS6, "review5": REVIEW5,
          "newcomer2": NEWCOMER2, "conversions": CONVERSIONS, "real_sets": REAL_SETS,
          "reciprocal_functions": RECIPROCAL_FUNCTIONS, "plain_forms7": PLAIN_FORMS7,
          "review7": REVIEW7, "newcomer7": NEWCOMER7, "review8": REVIEW8,
          "yes_no7": YES_NO7, "worded7": WORDED7, "other_units": OTHER_UNITS, "prose9": PROSE9,
          "review9": REVIEW9, "review10": REVIEW10, "prose10": PROSE10,
          "review11": REVIEW11, "newcomer11": NEWCOMER11, "review12": REVIEW12,
          "review13": REVIEW13, "apart5": APART5, "review14": REVIEW14,
          "review15": REVIEW15, "newcomer15": NEWCOMER15, "case_split16": CASE_SPLIT16,
          "mc_inline16": MC_INLINE16, "spelled16": SPELLED16,
          "congruence16": CONGRUENCE16, "review17": REVIEW17,
          "review18": REVIEW18, "newcomer18": NEWCOMER18}
CASES = [(name, *row) for name, rows in TABLES.items() for row in rows]


@pytest.mark.parametrize("table, gold, response, expected, why", CASES,
                         ids=[plain_id(f"{c[0]}-{i}-{c[4][:50]}") for i, c in enumerate(CASES)])
def test_reward_format(table, gold, response, expected, why):
    assert bool(verify(gold, response)) == expected, f"{why}: extract gave {extract(response)!r}"


@pytest.mark.parametrize("response, expected", [(r[1], r[2]) for r in MC_VALUES7], ids=[plain_id(r[3]) for r in MC_VALUES7])
def test_a_letter_with_another_options_value(response, expected):
    assert bool(verify("C", response, choices=["10", "11", "12", "13", "14"])) == expected
