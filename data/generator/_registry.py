"""The knowledge points of the built-in generator, by skill name (``domain/point``)."""

from __future__ import annotations

from data.generator import algebra, arithmetic, counting, functions, geometry, number_theory, sequences
from data.generator.digits import DIGIT_SKILLS

#: Knowledge points of the math-style, AIME-style and AMC-style sets: skill -> generator(rng, level).
KNOWLEDGE_POINTS = {
    "algebra/linear_equations": algebra.linear_equation,
    "algebra/quadratic_roots": algebra.quadratic_roots,
    "algebra/linear_systems": algebra.linear_system,
    "algebra/inequalities": algebra.inequality,
    "number_theory/gcd_lcm": number_theory.gcd_lcm,
    "number_theory/modular_arithmetic": number_theory.modular,
    "number_theory/divisors": number_theory.divisors,
    "number_theory/bases": number_theory.base_conversion,
    "counting/combinatorics": counting.combinatorics,
    "counting/probability": counting.probability,
    "geometry/circles": geometry.circles,
    "geometry/distances": geometry.distances,
    "geometry/polygons": geometry.polygons,
    "sequences/arithmetic": sequences.arithmetic_sequence,
    "sequences/geometric": sequences.geometric_sequence,
    "functions/evaluation": functions.function_values,
    "functions/root_relations": functions.root_relations,
    "arithmetic/order_of_operations": arithmetic.order_of_operations,
    "arithmetic/fractions": arithmetic.fraction_arithmetic,
}

#: Skills of the ``arith`` tier (short problems a tiny model trained from scratch can learn).
ARITH_SKILLS = {
    "arith/add": arithmetic.arith_add,
    "arith/sub": arithmetic.arith_sub,
    "arith/mul": arithmetic.arith_mul,
    "arith/max": arithmetic.arith_max,
}

#: Skills of each kind that has its own table (every other kind uses ``KNOWLEDGE_POINTS``).
KIND_SKILLS = {"arith": ARITH_SKILLS, "digits": DIGIT_SKILLS}

LEVELS = (1, 2, 3, 4, 5)
