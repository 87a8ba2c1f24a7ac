"""The built-in problem generator: knowledge points x levels 1-5, rendered math-, AIME- or AMC-style."""

from data.generator._registry import ARITH_SKILLS, KNOWLEDGE_POINTS, LEVELS
from data.generator.build import KINDS, build_pool, generate_records, heldout_pool

__all__ = ["ARITH_SKILLS", "KINDS", "KNOWLEDGE_POINTS", "LEVELS", "build_pool", "generate_records", "heldout_pool"]
