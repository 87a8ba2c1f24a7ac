"""Counting and probability knowledge points."""

from __future__ import annotations

import math
import random
from fractions import Fraction

from data.generator._answers import Int, number

_NAMES = ("students", "people", "players", "books", "candidates")
_LETTERS = "ABCDEFGHKLMNPRST"


def combinatorics(rng: random.Random, level: int):
    """Choose, arrange, and count with constraints; more cases to combine at higher levels."""
    if level == 1:
        n, k = rng.randint(4, 9), rng.randint(2, 3)
        thing = rng.choice(_NAMES)
        return f"In how many ways can a group of ${k}$ be chosen from ${n}$ {thing}?", Int(math.comb(n, k))
    if level == 2:
        n, k = rng.randint(5, 12), rng.randint(2, 4)
        return (
            f"In how many ways can ${k}$ of ${n}$ runners finish first through {_ordinal(k)} place?",
            Int(math.perm(n, k)),
        )
    if level == 3:
        counts = [rng.randint(1, 3) for _ in range(rng.randint(3, 4))]
        letters = rng.sample(_LETTERS, len(counts))
        word = "".join(c * k for c, k in zip(letters, counts, strict=True))
        word = "".join(rng.sample(word, len(word)))
        ways = math.factorial(len(word)) // math.prod(math.factorial(k) for k in counts)
        return f"How many distinct arrangements of the letters of the word {word} are there?", Int(ways)
    if level == 4:
        a, b, k = rng.randint(4, 10), rng.randint(4, 10), rng.randint(3, 5)
        ways = math.comb(a + b, k) - math.comb(a, k) - math.comb(b, k)
        return (
            f"A committee of ${k}$ is chosen from ${a}$ men and ${b}$ women. In how many ways can it be "
            "chosen if it must include at least one man and at least one woman?",
            Int(ways),
        )
    w, h = rng.randint(4, 9), rng.randint(4, 9)
    px, py = rng.randint(1, w - 1), rng.randint(1, h - 1)
    ways = math.comb(px + py, px) * math.comb(w - px + h - py, w - px)
    return (
        f"How many shortest lattice paths go from $(0, 0)$ to $({w}, {h})$, moving one unit right or up "
        f"at each step, and pass through the point $({px}, {py})$?",
        Int(ways),
    )


def _ordinal(k: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}[k]


def probability(rng: random.Random, level: int):
    """Probabilities as exact fractions: drawing, dice, repeated trials."""
    if level == 1:
        r, b = rng.randint(2, 9), rng.randint(2, 9)
        return (
            f"A bag holds ${r}$ red marbles and ${b}$ blue marbles. One marble is drawn at random. "
            "What is the probability that it is red?",
            number(Fraction(r, r + b)),
        )
    if level == 2:
        s = rng.randint(2, 12)
        ways = sum(1 for i in range(1, 7) for j in range(1, 7) if i + j == s)
        return (
            f"Two fair six-sided dice are rolled. What is the probability that the sum is ${s}$?",
            number(Fraction(ways, 36)),
        )
    if level == 3:
        r, b = rng.randint(2, 12), rng.randint(2, 12)
        p = Fraction(r, r + b) * Fraction(r - 1, r + b - 1)
        return (
            f"A bag holds ${r}$ red marbles and ${b}$ blue marbles. Two marbles are drawn at random "
            "without replacement. What is the probability that both are red?",
            number(p),
        )
    if level == 4:
        n, face = rng.randint(2, 5), rng.randint(1, 6)
        return (
            f"A fair six-sided die is rolled ${n}$ times. What is the probability that a {face} appears "
            "at least once?",
            number(1 - Fraction(5, 6) ** n),
        )
    n = rng.randint(5, 14)
    k = rng.randint(1, n - 1)
    return (
        f"A fair coin is flipped ${n}$ times. What is the probability of getting exactly ${k}$ heads?",
        number(Fraction(math.comb(n, k), 2**n)),
    )
