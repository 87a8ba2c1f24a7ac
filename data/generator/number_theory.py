"""Number-theory knowledge points: gcd/lcm, modular arithmetic, divisor functions, bases."""

from __future__ import annotations

import math
import random

from data.generator._answers import Int, gcd_all

_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def gcd_lcm(rng: random.Random, level: int):
    """Greatest common divisor or least common multiple of two or three numbers."""
    m = (12, 30, 60, 150, 600)[level - 1]
    count = 2 if level <= 3 else 3
    g = rng.randint(2, m // 3)
    nums = [g * rng.randint(1, m // g + 2) for _ in range(count)]
    while len(set(nums)) < count:
        nums = [g * rng.randint(1, m // g + 2) for _ in range(count)]
    listed = ", ".join(f"${n}$" for n in nums[:-1]) + f" and ${nums[-1]}$"
    if rng.random() < 0.5:
        return f"What is the greatest common divisor of {listed}?", Int(gcd_all(*nums))
    lcm = 1
    for n in nums:
        lcm = lcm * n // math.gcd(lcm, n)
    return f"What is the least common multiple of {listed}?", Int(lcm)


def modular(rng: random.Random, level: int):
    """Remainder of a product or a power on division by m; bigger exponents and moduli with level."""
    if level == 1:
        a, b, m = rng.randint(2, 30), rng.randint(2, 30), rng.randint(3, 12)
        return f"What is the remainder when ${a} \\cdot {b}$ is divided by ${m}$?", Int(a * b % m)
    base_max, exp_max, mod_max = ((20, 20, 20), (30, 100, 50), (50, 999, 100), (200, 10**6, 1000))[level - 2]
    a, k, m = rng.randint(2, base_max), rng.randint(3, exp_max), rng.randint(3, mod_max)
    stem = rng.choice(
        (
            "What is the remainder when ${}^{{{}}}$ is divided by ${}$?",
            "Find ${}^{{{}}} \\bmod {}$, the remainder upon division.",
        )
    )
    return stem.format(a, k, m), Int(pow(a, k, m))


def _factorize(n: int) -> dict[int, int]:
    out: dict[int, int] = {}
    f = 2
    while f * f <= n:
        while n % f == 0:
            out[f] = out.get(f, 0) + 1
            n //= f
        f += 1
    if n > 1:
        out[n] = out.get(n, 0) + 1
    return out


def divisors(rng: random.Random, level: int):
    """Count or sum the positive divisors of n; n has more prime factors at higher levels."""
    n_primes, max_exp = ((1, 3), (2, 2), (2, 3), (3, 3), (4, 4))[level - 1]
    ps = rng.sample(_PRIMES[: 4 + level], n_primes)
    n = 1
    for p in ps:
        n *= p ** rng.randint(1, max_exp)
    fac = _factorize(n)
    if rng.random() < 0.5:
        count = math.prod(e + 1 for e in fac.values())
        return f"How many positive divisors does ${n}$ have?", Int(count)
    total = math.prod((p ** (e + 1) - 1) // (p - 1) for p, e in fac.items())
    return f"What is the sum of all positive divisors of ${n}$?", Int(total)


def _to_base(n: int, b: int) -> str:
    digits = []
    while n:
        digits.append(str(n % b))
        n //= b
    return "".join(reversed(digits)) or "0"


def base_conversion(rng: random.Random, level: int):
    """Convert between number bases (digits stay below 10, so answers are digit strings)."""
    hi = (30, 200, 5000, 50000, 500000)[level - 1]
    n = rng.randint(5, hi)
    b = 2 if level <= 2 else rng.randint(3, 9)
    if level in (1, 3):
        return f"Convert ${_to_base(n, b)}_{{{b}}}$ to base $10$.", Int(n)
    if level in (2, 4):
        return f"Write the decimal number ${n}$ in base ${b}$.", Int(int(_to_base(n, b)))
    b2 = rng.choice([c for c in range(2, 10) if c != b])
    return f"Convert ${_to_base(n, b)}_{{{b}}}$ to base ${b2}$.", Int(int(_to_base(n, b2)))
