"""`sai-dpo bench select` and `bench grpo`: the selection benchmark and the GRPO learning benchmark.

Every flag is checked before any work: bounded integers by argparse, policy specs and learner
overrides in this process (not in a worker), the output folder by :func:`data._cli_args.output_dir`.
"""

from __future__ import annotations

import argparse
import re
import sys
import time

from data._cli_args import as_flags, int_at_least, int_between, output_dir

QUICK = {"rounds": 40, "n_pool": 800, "batch_size": 16, "seeds": 3}
FULL = {"rounds": 150, "n_pool": 3000, "batch_size": 32, "seeds": 10}
# Listed here so `sai-dpo --help` need not import the benchmark; a test checks them against eval.simbench.
SCENARIO_NAMES = ("balanced", "skewed", "noisy_levels", "rare_skills", "one_label", "clustered", "delayed", "g16", "g4",
                  "features", "features_noisy")
POLICY_NAMES = ("sai_dpo", "uniform", "curriculum", "learnability", "prioritized", "dapo", "mopps", "gps", "informed",
                "oracle")
POLICIES_EXAMPLE = "sai_dpo;tau=inf,uniform"  # the help's example; a test runs it as written
POLICIES_SYNTAX = (f"write NAME or NAME;field=value;..., policies separated by commas, "
                   f"e.g. '{POLICIES_EXAMPLE}'")


class _PoolSizeAlias(argparse.Action):
    """``--pool N``, the old name of ``--pool-size N`` (everywhere else ``--pool`` is a pool file)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print("warning: --pool N is now --pool-size N (elsewhere --pool is a pool file)", file=sys.stderr)
        setattr(namespace, self.dest, values)


def _old_pool_size(text: str) -> int:
    try:
        return int_at_least(1)(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(f"{exc}; --pool here is the old name of --pool-size N (a number of "
                                         "problems): the benchmarks build their own pools") from None


def _add_pool_size(p, default: str) -> None:
    p.add_argument("--pool-size", type=int_at_least(1), default=None, metavar="N",
                   help=f"training pool size in problems ({default})")
    p.add_argument("--pool", dest="pool_size", type=_old_pool_size, action=_PoolSizeAlias, help=argparse.SUPPRESS)


def _learning_rate(text: str) -> float:
    """An argparse ``type`` for a learning rate in (0, 1)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 < value < 1:  # also refuses nan
        raise argparse.ArgumentTypeError(f"must be above 0 and below 1, got {text}")
    return value


def register(sub) -> None:
    bench = sub.add_parser("bench", help="benchmarks: selection policies on a simulated learner (select) or "
                                         "real GRPO runs of a tiny model (grpo)")
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="BENCH")
    bench.set_defaults(func=lambda args: bench.print_help() or 2)
    p = bench_sub.add_parser("select", help="compare selection policies at one rollout budget; writes reports")
    p.add_argument("--quick", action="store_true", help="small sizes for smoke tests (< 2 minutes)")
    p.add_argument("--out", default="out/bench-select", help="report folder (default: %(default)s)")
    p.add_argument("--seeds", type=int_at_least(1), default=None, metavar="N",
                   help="seeds per policy (default 10; 3 with --quick)")
    p.add_argument("--first-seed", type=int_at_least(0), default=0, metavar="S",
                   help="first seed (default 0); SAI-DPO's defaults were tuned on seeds 0-9, so use e.g. 100 for fresh seeds")
    p.add_argument("--scenarios", default=None,
                   help=f"comma-separated, from {', '.join(SCENARIO_NAMES)} (default: all)")
    p.add_argument("--policies", default=None,
                   help=f"comma-separated policies, each NAME or NAME;field=value;..., e.g. '{POLICIES_EXAMPLE}'; "
                        f"names: {', '.join(POLICY_NAMES)}; fields: SelectionConfig's (informed: sharpness; mopps: "
                        "discount, target, ts_ratio, prior_alpha, prior_beta; gps: target, ts_ratio, diversity, "
                        "history_rounds, half_life, window, l2, thompson; dapo and oracle: none) "
                        "(default: all but informed under --dynamics mirt)")
    p.add_argument("--rounds", type=int_at_least(1), default=None, metavar="N",
                   help="training rounds at G=8, which set the rollout budget (default 150; 40 with --quick)")
    _add_pool_size(p, "default 3000; 800 with --quick")
    p.add_argument("--batch-size", type=int_at_least(1), default=None, metavar="N",
                   help="problems per round, at most the pool size (default 32; 16 with --quick)")
    p.add_argument("--dynamics", default="irt", choices=("irt", "mirt"),
                   help="simulated learner: 'irt' (SimLearner, the tuning learner) or 'mirt' (MirtLearner: "
                        "other dynamics, for checking results) (default: %(default)s)")
    p.add_argument("--learner", default=None,
                   help="simulated-learner overrides 'field=value;...' (LearnerConfig, or MirtConfig with "
                        "--dynamics mirt), e.g. 'memorization=0;forgetting=0.03'")
    p.add_argument("--workers", type=int_between(1, 2), default=2, metavar="N",
                   help="worker processes, 1 or 2 (default: %(default)s)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    p.set_defaults(func=_select)
    _register_grpo(bench_sub)


GRPO_QUICK = {"seeds": 2, "budget": 1920, "eval_every": 640, "pool_size": 400, "warm_start_steps": 300,
              "policies": ("uniform", "sai_dpo", "dapo")}


def _register_grpo(bench_sub) -> None:
    p = bench_sub.add_parser(
        "grpo", help="real TRL GRPO runs of the tiny policy per selection policy at one rollout budget; "
                     "held-out accuracy curves and report (about 15 min on 2 cores)")
    p.add_argument("--quick", action="store_true", help="2 seeds, small budget, 3 policies (a smoke run, ~1 min)")
    p.add_argument("--config", default=None, metavar="YAML",
                   help="GRPOBenchConfig fields (e.g. rl/configs/grpo_bench_gpu.yaml); flags override it")
    p.add_argument("--out", default=None, help="output folder (default out/bench-grpo)")
    p.add_argument("--seeds", type=int_at_least(1), default=None, metavar="N", help="seeds (default 5)")
    p.add_argument("--first-seed", type=int_at_least(0), default=None, metavar="S",
                   help="first seed (default 0; use fresh ones, e.g. 100, to re-check)")
    p.add_argument("--policies", default=None,
                   help="comma-separated: engine policies, 'dapo' and 'NAME+dapo', each optionally with "
                        "';field=value' overrides, e.g. 'uniform,sai_dpo;tau=inf' "
                        "(default: uniform,sai_dpo,dapo,sai_dpo+dapo,learnability,curriculum)")
    p.add_argument("--budget", type=int_at_least(1), default=None, metavar="N",
                   help="rollouts per run, a multiple of prompts_per_step x num_generations (32 unless --config "
                        "changes them) (default 9600)")
    p.add_argument("--eval-every", type=int_at_least(1), default=None, metavar="N",
                   help="rollouts between held-out evaluations, also a multiple of 32 (default 1600)")
    _add_pool_size(p, "default 2000")
    p.add_argument("--warm-start-steps", type=int_at_least(1), default=None, metavar="N",
                   help="supervised warm-start steps (default 1500)")
    p.add_argument("--learning-rate", "--lr", dest="lr", type=_learning_rate, default=None,
                   help="GRPO learning rate, in (0, 1) (default 1e-3; train dpo names it the same)")
    p.add_argument("--workers", type=int_at_least(1), default=None, metavar="N",
                   help="worker processes (default 2)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.set_defaults(func=_grpo)


def _yaml_fields(path: str, cls) -> dict:
    """A YAML mapping of ``cls`` fields; unknown keys are an error that lists the known ones."""
    from pathlib import Path

    from data.loaders import read_yaml

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"--config: no file {path!r}")
    try:
        data = read_yaml(file, ValueError) or {}
    except ValueError as exc:  # not UTF-8 or not YAML: the message names the file and line
        raise ValueError(f"--config {exc}") from None
    if not isinstance(data, dict):
        raise ValueError(f"--config {path}: expected a mapping of {cls.__name__} fields, got {type(data).__name__}")
    unknown = sorted(set(data) - set(cls.__dataclass_fields__))
    if unknown:
        raise ValueError(f"--config {path}: unknown {cls.__name__} fields {unknown}; known: "
                         f"{sorted(cls.__dataclass_fields__)}")
    if "policies" in data:
        if not isinstance(data["policies"], list) or not all(isinstance(p, str) for p in data["policies"]):
            raise ValueError(f"--config {path}: 'policies' must be a list of policy names, e.g. [uniform, sai_dpo]; "
                             f"got {data['policies']!r}")
        data["policies"] = tuple(data["policies"])
    for name, value in data.items():  # YAML 1.1 reads 1e-3 as a string; take it as the number it is
        if cls.__dataclass_fields__[name].type in ("float", float) and isinstance(value, str):
            try:
                data[name] = float(value)
            except ValueError:
                raise ValueError(f"--config {path}: {name!r} must be a number; got {value!r}") from None
    return data


def _grpo_policies(text: str) -> tuple[str, ...]:
    """``--policies`` of ``bench grpo``, each checked here so an error names the flag."""
    from rl.learnbench import parse_policy

    policies = tuple(p.strip() for p in text.split(",") if p.strip())
    if not policies:
        raise ValueError(f"--policies {text!r} names no policy; e.g. 'uniform,sai_dpo;tau=inf'")
    for policy in policies:
        try:
            parse_policy(policy)
        except ValueError as exc:
            raise ValueError(f"--policies: {exc}") from None
    return policies


def _grpo(args) -> int:
    from rl._learnbench_summary import table_rows
    from rl.learnbench import GRPOBenchConfig, run_grpo_bench

    values = dict(GRPO_QUICK) if args.quick else {}
    if args.config:
        values.update(_yaml_fields(args.config, GRPOBenchConfig))
    flags = {"seeds": args.seeds, "budget": args.budget, "eval_every": args.eval_every, "pool_size": args.pool_size,
             "warm_start_steps": args.warm_start_steps, "learning_rate": args.lr, "first_seed": args.first_seed,
             "workers": args.workers, "out": args.out}
    values.update({k: v for k, v in flags.items() if v is not None})
    if args.policies is not None:
        values["policies"] = _grpo_policies(args.policies)
    try:
        config = GRPOBenchConfig(progress=not args.no_progress, **values)
    except ValueError as exc:  # a field a flag set is named by its flag
        names = {"seeds": "--seeds", "budget": "--budget", "eval_every": "--eval-every", "pool_size": "--pool-size",
                 "warm_start_steps": "--warm-start-steps", "learning_rate": "--learning-rate",
                 "first_seed": "--first-seed", "workers": "--workers", "out": "--out"}
        raise as_flags(exc, {k: v for k, v in names.items() if flags.get(k) is not None}, "GRPOBenchConfig") from None
    output_dir(config.out)
    result = run_grpo_bench(config)
    summary = result["summary"]
    header, rows = table_rows(summary)
    print(f"GRPO learning benchmark: {config.seeds} seeds x {len(config.policies)} policies, "
          f"{config.budget} rollouts each, {summary['wall_seconds']:.0f} s")
    for row in [header, *rows]:
        print("  " + " | ".join(row))
    for target, status, figures in summary["targets"]:
        print(f"  [{status}] {target}: {figures}")
    print(f"report: {result['report_html']}")
    return 0


def _policies(text: str | None, dynamics: str = "irt") -> list[str]:
    """``--policies`` of ``bench select`` ('name;k=v;k2=v2,...') as the harness's specs ('name:k=v,k2=v2').

    Every spec is checked here, in the main process: an error quotes the spec as typed and names the
    bad field with the valid ones (it used to surface as a worker's ``TypeError``).
    """
    from eval.simbench import DEFAULT_POLICIES, check_policy, parse_overrides
    from eval.simbench.harness import supports_informed

    if text is None:  # the informed peer reads learner internals only some families expose
        return [p for p in DEFAULT_POLICIES if p != "informed" or supports_informed(dynamics)]
    specs: list[str] = []
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, *kv = (part.strip() for part in item.split(";"))
        try:
            overrides = parse_overrides(kv)
        except ValueError as exc:
            raise ValueError(f"--policies {item!r}: {exc}; {POLICIES_SYNTAX}") from None
        try:
            check_policy(name, overrides)
        except ValueError as exc:  # 'sai_dpo:tau=inf' is the Python API's spelling, not this flag's
            hint = f"; {POLICIES_SYNTAX}" if ":" in name else ""
            raise ValueError(f"--policies {item!r}: {str(exc).rstrip('.')}{hint}") from None
        if name == "informed" and not supports_informed(dynamics):
            raise ValueError(f"--policies {item!r}: the informed peer reads learner internals that "
                             f"--dynamics {dynamics} does not expose; use --dynamics irt or leave it out")
        spec = name + (":" + ",".join(kv) if kv else "")
        if spec in specs:
            raise ValueError(f"--policies names {item!r} twice")
        specs.append(spec)
    if not specs:
        raise ValueError(f"--policies {text!r} names no policy; {POLICIES_SYNTAX}")
    return specs


def _learner(text: str | None, dynamics: str = "irt"):
    """``--learner 'field=value;...'`` as the learner family's config; errors name the flag and the fields."""
    from eval.simbench import get_dynamics, parse_overrides

    config = get_dynamics(dynamics).config
    if not text:
        return config()
    known = sorted(config.__dataclass_fields__)
    try:
        overrides = parse_overrides(re.split(r"[;,]", text))
    except ValueError as exc:
        raise ValueError(f"--learner {text!r}: {exc}; write 'field=value;...', e.g. "
                         f"'memorization=0;forgetting=0.03'; {config.__name__} fields: {', '.join(known)}") from None
    unknown = sorted(set(overrides) - set(known))
    if unknown:
        raise ValueError(f"--learner {text!r}: unknown {config.__name__} field(s) {', '.join(map(repr, unknown))} "
                         f"(--dynamics {dynamics}); known: {', '.join(known)}")
    try:
        return config(**overrides)
    except ValueError as exc:
        raise ValueError(f"--learner {text!r}: {str(exc).rstrip('.')}") from None
    except TypeError:  # the config compared a word with a number
        words = ", ".join(f"{k}={v}" for k, v in overrides.items() if isinstance(v, str))
        raise ValueError(f"--learner {text!r}: expected numbers, got {words or 'a value of the wrong type'}; "
                         "e.g. 'memorization=0;forgetting=0.03'") from None


def _sizes(args):
    """``--rounds``, ``--pool-size`` and ``--batch-size`` (or the --quick / full defaults) as BenchSizes."""
    from eval.simbench import BenchSizes

    base = QUICK if args.quick else FULL
    rounds, n_pool, batch_size = (base[key] if value is None else value for key, value in
                                  (("rounds", args.rounds), ("n_pool", args.pool_size), ("batch_size", args.batch_size)))
    if batch_size > n_pool:
        raise ValueError(f"--batch-size {batch_size} is larger than --pool-size {n_pool}: a round draws that many "
                         "distinct problems from the pool")
    return BenchSizes(batch_size=batch_size, rounds=rounds, n_pool=n_pool)


def _scenarios(text: str | None):
    from eval.simbench import SCENARIOS, get_scenarios

    if text is None:
        return get_scenarios(None)
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown or not names:
        what = f"unknown {', '.join(map(repr, unknown))}" if unknown else "names no scenario"
        raise ValueError(f"--scenarios {text!r}: {what}; known: {', '.join(SCENARIOS)} (comma-separated)")
    return get_scenarios(names)


def _select(args) -> int:
    from eval.simbench import get_dynamics, run_benchmark, summarise, write_report

    sizes = _sizes(args)
    seeds = (QUICK if args.quick else FULL)["seeds"] if args.seeds is None else args.seeds
    scenarios = _scenarios(args.scenarios)
    policies = _policies(args.policies, args.dynamics)
    learner = _learner(args.learner, args.dynamics)
    output_dir(args.out)
    start = time.perf_counter()
    results = run_benchmark(scenarios, policies, seeds=seeds, sizes=sizes, workers=args.workers,
                            progress=not args.no_progress, learner=learner,
                            first_seed=args.first_seed, dynamics=args.dynamics)
    elapsed = time.perf_counter() - start
    setup = {"seeds": f"{seeds} ({args.first_seed}..{args.first_seed + seeds - 1})", "batch_size": sizes.batch_size,
             "rounds at G=8": sizes.rounds, "pool size": sizes.n_pool, "rollout budget": sizes.rounds * sizes.batch_size * 8,
             "policies": ", ".join(policies), "workers": args.workers, "wall seconds": f"{elapsed:.1f}",
             "dynamics": f"{args.dynamics}: {get_dynamics(args.dynamics).description}", "learner": repr(learner)}
    for sc in scenarios:
        setup[f"scenario {sc.name}"] = sc.description
    aris = [r.label_ari for r in results if r.label_ari is not None]
    if aris:
        setup["clustered: adjusted Rand index of recovered vs true skills"] = (
            f"{sum(aris) / len(aris):.3f} (mean over runs)")
    md, html = write_report(summarise(results), args.out, setup)
    print(f"wrote {md} and {html} ({len(results)} runs in {elapsed:.1f} s)")
    return 0
