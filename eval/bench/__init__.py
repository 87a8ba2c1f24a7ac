"""Benchmark scripts (run with ``python -m eval.bench.<name>``); they print figures, never assert, and
may import sai_dpo and rl."""

__all__: list[str] = []
