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
        n, k = rng.randint(5, 10), rng.randint(2, 3)
        return (
            f"In how many ways can ${k}$ of ${n}$ runners finish first through {_ordinal(k)} place?",
            Int(math.perm(n, k)),
        )
    if level == 3:
        counts = [rng.randint(1, 3) for _ in range(rng.randint(4, 5))]
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
        faces = rng.randint(4, 8)
        s = rng.randint(2, 2 * faces)
        ways = sum(1 for i in range(1, faces + 1) for j in range(1, faces + 1) if i + j == s)
        return (
            f"Two fair dice, each with faces numbered $1$ to ${faces}$, are rolled. What is the probability "
            f"that the sum is ${s}$?",
            number(Fraction(ways, faces * faces)),
        )
    if level == 3:
        r, b = rng.randint(5, 25), rng.randint(5, 25)
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
    n = rng.randint(8, 20)
    k = rng.randint(2, n - 2)
    return (
        f"A fair coin is flipped ${n}$ times. What is the probability of getting exactly ${k}$ heads?",
        number(Fraction(math.comb(n, k), 2**n)),
    )
