"""Benchmark scripts (they print figures; may import sai_dpo)."""
