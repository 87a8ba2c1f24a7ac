"""count_steps / count_tokens: one row per rule, including the edge cases between rules."""

import doctest

import pytest

import eval.features as features
from eval.features import count_steps, count_tokens

ROWS = [
    # rule 1: step markers win over everything else
    ("Step 1: add.\nStep 2: multiply.\n\nStep 3: done.", 3),
    ("**Step 1:** x = 2\n\n**Step 2:** y = 3", 2),
    ("### Step 1\nfoo\n### Step 2\nbar\nbaz", 2),
    ("step 1) a\nstep 2) b\nstep 3) c\nstep 4) d", 4),
    ("We take one step 5 times.", 1),  # "step 5" mid-line is not a marker: one sentence
    # rule 2: paragraphs
    ("Factor the quadratic.\n\nSolve each factor.\n\nAnswer: 2.", 3),
    ("a\nb\n\n  \n\nc", 2),
    ("Para one.\n \t\nPara two.", 2),
    # rule 3: one paragraph, several lines
    ("x + 1 = 3\nx = 2\n\\boxed{2}", 3),
    ("line one\n\n", 1),
    # rule 4: one line, sentence ends
    ("Since 3.5 * 2 = 7, the answer is 7. Done!", 2),
    ("Is it 4? Yes. It is 4.", 3),
    ("\\boxed{7}", 1),
    ("pi is about 3.14159", 1),
    ("Wait... no. The answer is 5.", 3),
    # empty
    ("", 0),
    ("  \n\n ", 0),
    (None, 0),
]


@pytest.mark.parametrize("text,expected", ROWS)
def test_count_steps(text, expected):
    assert count_steps(text) == expected


def test_docstring_examples_run():
    result = doctest.testmod(features)
    assert result.attempted >= 6 and result.failed == 0


def test_count_tokens_words_and_tokenizer():
    class Chars:
        def encode(self, text, add_special_tokens=False):
            return list(text)

    assert count_tokens("a bb  ccc\n d") == 4
    assert count_tokens("") == 0
    assert count_tokens("abc", tokenizer=Chars()) == 3
