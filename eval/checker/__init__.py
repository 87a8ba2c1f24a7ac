"""Answer checker: extract a final answer and judge it against the gold answer, safely and fast.

>>> from eval.checker import verify
>>> bool(verify("33", "The answer is $\\\\boxed{033}$."))
True
"""

from ._extract import extract
from ._verify import Verdict, shutdown, verify, verify_batch, warmup

__all__ = ["Verdict", "extract", "shutdown", "verify", "verify_batch", "warmup"]
