"""Answer checker: extract a final answer and judge it against the gold answer, safely and fast.

Stages (one small module each)::

    _gold       gold -> the answers that count (notes, "or equivalently" forms, approximations, a gold
                sentence's value) and its kind: maths, yes/no, or words
    _extract    response -> answer text: after the last </think>, the last <answer> tag unless an answer
                follows it; then the last \\boxed/\\fbox run, a later "answer is" line, "#### x",
                "answer is", an "Answer:" line in another language, MC letter, a prose sentence's stated
                value, last number; option letters
      _prose      the maths after a sentence's copula; yes/no stance and worded answers, negations counted
    _normalize  answer text -> canonical LaTeX (wrappers, spacing, units, degrees, percent)
      _units      the unit stripped, as a key ("cm", "m^2"); known units of one quantity are converted
    _realsets   sets of reals with union, intersection, difference -> sorted disjoint intervals
    _parse      canonical text -> structure (scalar, tuple/interval, set, union, matrix, letter)
    _compare    structure vs structure; scalars through
      _numbers    exact rationals (ints, decimals, fractions, scientific notation)    in-process
      _evaluate   whitelisted LaTeX arithmetic: exact rationals, else mpmath (60 dig.) in-process
      _arith      the arithmetic it calls, in both modes                              in-process
      _names      sample points; a general solution's integer parameter (k, m, n) renamed
      _symbolic   latex2sympy2_extended + sympy                                      worker process
    _pool       worker processes with a hard wall-clock limit per item (no signals)

Nothing here calls eval/exec/sympify/parse_expr on model text.

>>> from eval.checker import verify
>>> bool(verify("33", "The answer is $\\\\boxed{033}$."))
True
"""

from ._extract import extract
from ._verify import Verdict, shutdown, verify, verify_batch, warmup

__all__ = ["Verdict", "extract", "shutdown", "verify", "verify_batch", "warmup"]
