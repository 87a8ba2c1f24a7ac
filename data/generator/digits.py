"""The ``digits`` tier: questions about a short list of distinct digits, learnable by a tiny model.

A 2-layer, 64-wide policy trained from scratch learns these by rule (attention over the list), so
what GRPO teaches it on some problems carries over to problems it never saw; that is what a held-out
learning benchmark needs (``sai-dpo bench grpo``). The level is the list length minus two (3 to 7
digits). Each skill has a *slip*, the plausible wrong answer of the same rule applied one place off
(the second element, the second largest, ...): :func:`slip_answer` gives it, so a warm start can
teach an imperfect policy (``rl.tiny.imperfect_teacher``).
"""

from __future__ import annotations

import random
import re

from data.generator._answers import Int

__all__ = ["DIGIT_RULES", "slip_answer"]

# skill -> (question word, right answer, slip answer), each on the list of digits.
DIGIT_RULES = {
    "digits/first": ("First", lambda xs: xs[0], lambda xs: xs[1]),
    "digits/last": ("Last", lambda xs: xs[-1], lambda xs: xs[-2]),
    "digits/max": ("Max", max, lambda xs: sorted(xs)[-2]),
    "digits/min": ("Min", min, lambda xs: sorted(xs)[1]),
}
_LIST = re.compile(r"^(\w+) of ((?:\d )*\d)\?$")


def _make(skill: str):
    word, right, _ = DIGIT_RULES[skill]

    def generate(rng: random.Random, level: int):
        xs = rng.sample(range(10), level + 2)
        return f"{word} of {' '.join(map(str, xs))}?", Int(right(xs))

    generate.__name__ = skill.split("/")[1]
    generate.__doc__ = f"{word} of a list of level + 2 distinct digits."
    return generate


DIGIT_SKILLS = {skill: _make(skill) for skill in DIGIT_RULES}


def slip_answer(skill: str, problem: str) -> str:
    """The slip (the rule applied one place off) for a ``digits`` problem, as answer text.

    Raises:
        ValueError: ``skill`` is not a digits skill or ``problem`` is not a digits question.
    """
    if skill not in DIGIT_RULES:
        raise ValueError(f"The 'skill' parameter of slip_answer must be one of {sorted(DIGIT_RULES)}. "
                         f"Got {skill!r} instead.")
    match = _LIST.match(problem)
    if match is None or match.group(1) != DIGIT_RULES[skill][0]:
        raise ValueError(f"The 'problem' parameter of slip_answer must be a {skill} question such as "
                         f"'{DIGIT_RULES[skill][0]} of 3 1 4?'. Got {problem!r} instead.")
    xs = [int(d) for d in match.group(2).split()]
    return str(DIGIT_RULES[skill][2](xs))
