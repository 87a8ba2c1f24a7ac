"""``SelectionConfig``: every constant of the selection method (DESIGN.md section 4) as a field."""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, fields

import numpy as np

from sai_dpo.errors import param_error

__all__ = ["SelectionConfig", "ESTIMATORS", "PRIORS", "setting_value"]

ESTIMATORS = ("rasch", "beta")  # how the sai_dpo policy estimates each problem's pass rate
PRIORS = ("cell", "predictive")  # prior mean of each problem's Beta posterior (``beta`` estimator)


def setting_value(text: str):
    """A setting written as text (``--set tau=inf``, a bench override ``sai_dpo;tau=0.5``): true/false and
    none as such, then an int, then a float (inf and nan too), else the text itself. SelectionConfig
    checks the value."""
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "none":
        return None
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def _is_number(x: object) -> bool:
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        return False
    try:
        return not math.isnan(float(x))
    except OverflowError:  # an int beyond any float (10**400): finite-number checks then refuse it
        return False


def _is_int(x: object) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


@dataclass(frozen=True)
class SelectionConfig:
    """Parameters of a :class:`~sai_dpo.SelectionEngine`; validated on construction.

    Args:
        policy: selection policy name, one of ``sai_dpo.policies.POLICIES`` (``sai_dpo``,
            ``uniform``, ``curriculum``, ``learnability``, ``prioritized``).
        group_size: G, rollouts per problem per round (GRPO ``num_generations``, DPO K); the
            frontier score is the chance that G samples are mixed, ``1 - p**G - (1 - p)**G``.
        seed: seed of every random stream; draws are keyed by ``(seed, round key)``.
        half_life: rounds after which per-problem evidence weighs half (forgetting) in the ``beta``
            estimator and the per-problem baselines (``rasch`` follows change through ``ability_drift``).
        cell_half_life: half-life of the dense (skill, level) table and the skill tilt (``beta``), of
            the calibration statistics, and the discount of late Rasch reports;
            ``None`` means the same as ``half_life``.
        prior_strength: m, pseudo-attempts with which a cell shrinks toward its skill/level
            prior, and skills/levels toward the global accuracy.
        posterior_strength: k, pseudo-attempts of the cell prior in each problem's Beta posterior
            (``beta`` estimator).
        base_accuracy: global accuracy assumed before any outcome is reported.
        difficulty_weight: lambda, weight of the step/length ranks in self-aware difficulty
            (pass rate dominates; steps and length break ties).
        sharpness: beta, exponent of the peak factor ``(4 p~ (1 - p~)) ** beta`` that multiplies the
            frontier score; 0 disables it. Draws are proportional to the weights, and ``f`` alone is
            nearly flat over p in [0.2, 0.8] (and flatter as G grows), so without it many draws go
            to problems that are almost always solved or failed. With ``rasch`` the factor is
            ``(E[p q] / max E[p q]) ** beta``; at 0 only ``f`` at the mean is left and the estimate's
            uncertainty plays no part.
        min_spread: the fewest problems the draw weights may concentrate on (their effective number
            ``(sum w)^2 / sum w^2``, before the knowledge tilt, tie-break and cooldown; at most 1/8 of
            the pool). Where the peak factor at ``sharpness`` would leave fewer, because few problems
            sit near p = 0.5 (a pool of mostly easy problems, or small groups), the engine uses the
            largest of 24, 16, 12, 8, 6, 4, 2, 1, 0 below ``sharpness`` that reaches it, so one noisy
            handful of problems is not drawn round after round. About twice the problems of one draw
            (the default suits draws of about 32 problems); 0 disables it. Not used with ``thompson``.
        tau: temperature of the knowledge tilt ``exp(err_skill / tau)``; ``math.inf`` disables it.
        epsilon: share of the probability mass spread uniformly over the pool (coverage).
        cooldown: time constant (rounds) of the cooldown ``1 - exp(-(r - last_drawn) / cooldown)``;
            0 disables it.
        thompson: evaluate the frontier score on a Thompson draw from each posterior (exploration);
            ``False`` uses the posterior mean (``beta``) or the expected learnability (``rasch``):
            deterministic weights.
        calibrate: repeat calibration: measure how far re-drawn problems' outcomes run from their
            estimates (score / information, decayed with ``cell_half_life``): the winner's curse of
            selection and the model having practised a problem. ``beta`` shifts the logit of every
            problem with evidence by it; ``rasch`` lowers the offset of each problem just reported by
            it times the group's reward variance x 4 (what training on that group taught).
            ``False`` reads evidence as is.
        estimator: how the ``sai_dpo`` policy estimates each problem's pass rate. ``"beta"``
            (default): the reference method of DESIGN.md section 4 (per-problem Beta posterior shrunk
            toward its cell). ``"rasch"``: an online logistic model, ``logit p = ability[skill] - hardness[level] -
            offset[problem]``, with Kalman-filtered abilities that drift as the model trains and a
            per-problem offset with its own uncertainty (``sai_dpo._rasch``); the score uses the
            expected learnability ``E[p (1 - p)]`` under that uncertainty. Better when a re-drawn
            problem gets easier as the model practises it; worse when repeats merely wear out (it
            re-draws its confident picks), see docs/design-notes.md.
        prior: the prior mean of each problem's Beta posterior (``sai_dpo`` policy, ``beta``
            estimator). ``"cell"`` (default): its (skill, level) cell's shrunk accuracy.
            ``"predictive"``: a logistic model shared by all problems, fit online on the reported
            outcomes, of the pass rate from the cell and the problem's features (the engine's
            ``features``, e.g. :func:`sai_dpo.problem_features` of the problem text; ``from_pool``
            computes them from the ``problem`` column when none are passed), same strength k; used
            only while its prequential log-loss is lower than the cell prior's (z > 2), else the
            cell prior (``sai_dpo._predictive``; both log-losses in ``summary()["prior"]``).
        offset_sd: prior standard deviation (logits) of a problem's offset from its (skill, level)
            prediction (``rasch`` only): how far problems of one cell spread in difficulty.
        ability_drift: variance (logits^2) added to each skill's ability estimate per round
            (``rasch`` only): how fast the model's skills may change as it trains.
        coverage: every draw of the ``sai_dpo`` policy includes one problem of each skill whose pick
            (drawn within the skill by the weights) is worth practising: it weighs at least 1e-6 of
            the best problem above the epsilon floor (up to ``n`` skills, the most preferred first);
            the rest by weight: every knowledge point is practised each round,
            so none is forgotten while the batch chases another.
        curriculum_rounds: rounds over which the ``curriculum`` baseline walks from the easiest to
            the hardest prior level.
        curriculum_width: width (in level units) of the ``curriculum`` baseline's window.
        success_threshold: a reward at or above it counts as a success when deciding whether a
            group of rollouts was mixed (informative); accuracy itself uses the raw rewards.
    """

    policy: str = "sai_dpo"
    group_size: int = 8
    seed: int = 0
    half_life: float = 40.0
    cell_half_life: float | None = 10.0
    prior_strength: float = 4.0
    posterior_strength: float = 2.0
    base_accuracy: float = 0.5
    difficulty_weight: float = 0.05
    sharpness: float = 32.0
    min_spread: float = 64.0
    tau: float = 1.0
    epsilon: float = 0.01
    cooldown: float = 2.0
    thompson: bool = False
    calibrate: bool = True
    estimator: str = "beta"
    prior: str = "cell"
    offset_sd: float = 0.8
    ability_drift: float = 0.003
    coverage: bool = True
    curriculum_rounds: int = 100
    curriculum_width: float = 1.0
    success_threshold: float = 0.5

    def __post_init__(self) -> None:
        from sai_dpo.policies import POLICIES  # late: policies import this module

        for f in fields(self):  # numpy numbers (a value from np.arange, a column) as the Python ones they stand for
            v = getattr(self, f.name)
            if isinstance(v, numbers.Integral) and not isinstance(v, (int, bool, np.bool_)):
                object.__setattr__(self, f.name, int(v))
            elif isinstance(v, numbers.Real) and not isinstance(v, (int, float, bool, np.bool_)):
                object.__setattr__(self, f.name, float(v))
        err = lambda p, what: param_error(p, "SelectionConfig", what, getattr(self, p))  # noqa: E731
        if not isinstance(self.policy, str) or self.policy not in POLICIES:
            raise err("policy", f"one of {sorted(POLICIES)}")
        if not _is_int(self.group_size) or self.group_size < 1:
            raise err("group_size", "an int >= 1")
        if self.policy == "sai_dpo" and self.group_size < 2:
            # 1 - p^G - (1 - p)^G is 0 at G = 1: no problem would score above any other (every draw uniform).
            raise err("group_size", "an int >= 2 with policy='sai_dpo' (with one rollout per problem no group is "
                                    "ever mixed, so every frontier score is 0)")
        if not _is_int(self.seed) or self.seed < 0:
            raise err("seed", "a non-negative int")
        for name in ("half_life", "prior_strength", "posterior_strength", "curriculum_width"):
            v = getattr(self, name)
            if not _is_number(v) or not 0 < v < math.inf:
                raise err(name, "a positive finite number")
        if self.cell_half_life is not None and (
            not _is_number(self.cell_half_life) or not 0 < self.cell_half_life < math.inf
        ):
            raise err("cell_half_life", "a positive finite number or None")
        if not _is_number(self.sharpness) or not 0 <= self.sharpness < math.inf:
            raise err("sharpness", "a non-negative finite number (0 disables the peak factor)")
        if not _is_number(self.min_spread) or not 0 <= self.min_spread < math.inf:
            raise err("min_spread", "a non-negative finite number of problems (0 disables it)")
        if not _is_number(self.tau) or self.tau <= 0:
            raise err("tau", "a positive number (math.inf disables the knowledge tilt)")
        for name in ("base_accuracy", "success_threshold"):
            v = getattr(self, name)
            if not _is_number(v) or not 0 < v < 1:
                raise err(name, "a number strictly between 0 and 1")
        if not _is_number(self.epsilon) or not 0 <= self.epsilon <= 1:
            raise err("epsilon", "a number in [0, 1]")
        if not _is_number(self.difficulty_weight) or not 0 <= self.difficulty_weight < math.inf:
            raise err("difficulty_weight", "a non-negative finite number")
        if not _is_number(self.cooldown) or not 0 <= self.cooldown < math.inf:
            raise err("cooldown", "a non-negative finite number of rounds (0 disables it)")
        for name in ("thompson", "calibrate", "coverage"):
            if not isinstance(getattr(self, name), bool):
                raise err(name, "a bool (true or false)")
        if self.estimator not in ESTIMATORS:
            raise err("estimator", f"one of {list(ESTIMATORS)}")
        if self.prior not in PRIORS:
            raise err("prior", f"one of {list(PRIORS)}")
        if self.prior == "predictive" and self.estimator == "rasch":
            raise err("prior", "'cell' with estimator='rasch' (the predictive prior feeds the beta estimator's "
                      "posteriors; use estimator='beta')")
        if not _is_number(self.offset_sd) or not 1e-3 <= self.offset_sd <= 1e3:
            raise err("offset_sd", "a number in [0.001, 1000] (prior sd of a problem's logit offset)")
        if not _is_number(self.ability_drift) or not 0 <= self.ability_drift <= 1e3:
            raise err("ability_drift", "a number in [0, 1000] (ability variance added per round)")
        if not _is_int(self.curriculum_rounds) or self.curriculum_rounds < 1:
            raise err("curriculum_rounds", "an int >= 1")

    @property
    def gamma(self) -> float:
        """Per-round decay factor of per-problem evidence, ``2 ** (-1 / half_life)``."""
        return 2.0 ** (-1.0 / self.half_life)

    @property
    def cell_gamma(self) -> float:
        """Per-round decay factor of the (skill, level) table."""
        return 2.0 ** (-1.0 / (self.cell_half_life or self.half_life))

    def to_dict(self) -> dict:
        """Plain-dict form (JSON-serialisable; ``math.inf`` stays a float)."""
        return asdict(self)
