"""Selection benchmark: a simulated learner that compares selection policies at one rollout budget.

Run it with ``sai-dpo bench select`` (see :mod:`eval._bench_cli`) or from Python::

    from eval.simbench import BenchSizes, get_scenarios, run_benchmark, summarise, write_report
    results = run_benchmark(get_scenarios(["balanced"]), seeds=5)   # dynamics="mirt": the second learner
    write_report(summarise(results), "out/bench", setup={})
"""

from eval.simbench.dynamics import DYNAMICS, Dynamics, get_dynamics
from eval.simbench.gps import GPSSelector
from eval.simbench.harness import DEFAULT_POLICIES, BenchSizes, RunResult, budget_of, run_benchmark, run_one
from eval.simbench.learner import LearnerConfig, SimLearner, World, make_world
from eval.simbench.mirt import MirtConfig, MirtLearner, MirtWorld, make_mirt_world
from eval.simbench.mopps import MoPPSSelector
from eval.simbench.peers import (
    DynamicSampling,
    EngineSelector,
    OracleSelector,
    check_policy,
    parse_overrides,
    parse_policy_spec,
    policy_fields,
)
from eval.simbench.report import SECTIONS, write_report
from eval.simbench.scenarios import SCENARIOS, Scenario, get_scenarios
from eval.simbench.summary import PolicyRow, ScenarioSummary, check_targets, ci95, summarise

__all__ = [
    "DEFAULT_POLICIES", "BenchSizes", "RunResult", "budget_of", "run_benchmark", "run_one",
    "LearnerConfig", "SimLearner", "World", "make_world",
    "DYNAMICS", "Dynamics", "get_dynamics", "MirtConfig", "MirtLearner", "MirtWorld", "make_mirt_world",
    "DynamicSampling", "EngineSelector", "OracleSelector", "parse_policy_spec", "parse_overrides", "policy_fields",
    "check_policy", "MoPPSSelector", "GPSSelector",
    "SECTIONS", "write_report", "SCENARIOS", "Scenario", "get_scenarios",
    "PolicyRow", "ScenarioSummary", "check_targets", "ci95", "summarise",
]
