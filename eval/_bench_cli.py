"""`sai-dpo bench select`: the selection benchmark on the simulated learner."""

from __future__ import annotations

import time

QUICK = {"rounds": 40, "n_pool": 800, "batch_size": 16, "seeds": 3}
FULL = {"rounds": 150, "n_pool": 3000, "batch_size": 32, "seeds": 10}


def register(sub) -> None:
    bench = sub.add_parser("bench", help="benchmarks: selection policies on a simulated learner (select) or "
                                         "real GRPO runs of a tiny model (grpo)")
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="BENCH")
    bench.set_defaults(func=lambda args: bench.print_help() or 2)
    p = bench_sub.add_parser("select", help="compare selection policies at one rollout budget; writes reports")
    p.add_argument("--quick", action="store_true", help="small sizes for smoke tests (< 2 minutes)")
    p.add_argument("--out", default="out/bench-select", help="report directory (default: %(default)s)")
    p.add_argument("--seeds", type=int, default=None, help="seeds per policy (default 10; 3 with --quick)")
    p.add_argument("--first-seed", type=int, default=0,
                   help="first seed (default 0); SAI-DPO's defaults were tuned on seeds 0-9, so use e.g. 100 for fresh seeds")
    p.add_argument("--scenarios", default=None, help="comma-separated scenario names (default: all)")
    p.add_argument("--policies", default=None,
                   help="comma-separated policy specs; overrides with ';', e.g. 'sai_dpo;tau=0,uniform' "
                        "(default: every engine policy, dapo, oracle)")
    p.add_argument("--rounds", type=int, default=None, help="training rounds at G=8 (sets the rollout budget)")
    p.add_argument("--pool", type=int, default=None, help="training pool size")
    p.add_argument("--batch-size", type=int, default=None, help="problems per round")
    p.add_argument("--dynamics", default="irt", choices=("irt", "mirt"),
                   help="simulated learner: 'irt' (SimLearner, the tuning learner) or 'mirt' (MirtLearner: "
                        "other dynamics, for checking results) (default: %(default)s)")
    p.add_argument("--learner", default=None,
                   help="simulated-learner overrides 'field=value;...' (LearnerConfig, or MirtConfig with "
                        "--dynamics mirt), e.g. 'memorization=0;forgetting=0.03'")
    p.add_argument("--workers", type=int, default=2, help="worker processes, at most 2 (default: %(default)s)")
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
    p.add_argument("--seeds", type=int, default=None, help="seeds (default 5)")
    p.add_argument("--first-seed", type=int, default=None, help="first seed (default 0; use fresh ones, e.g. 100, to re-check)")
    p.add_argument("--policies", default=None,
                   help="comma-separated: engine policies, 'dapo' and 'NAME+dapo' "
                        "(default: uniform,sai_dpo,dapo,sai_dpo+dapo,learnability,curriculum)")
    p.add_argument("--budget", type=int, default=None, help="rollouts per run (default 9600)")
    p.add_argument("--eval-every", type=int, default=None, help="rollouts between held-out evaluations (default 1600)")
    p.add_argument("--pool", type=int, default=None, help="training pool size (default 2000)")
    p.add_argument("--warm-start-steps", type=int, default=None, help="supervised warm-start steps (default 1500)")
    p.add_argument("--lr", type=float, default=None, help="GRPO learning rate (default 1e-3)")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default 2)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    p.set_defaults(func=_grpo)


def _yaml_fields(path: str, cls) -> dict:
    """A YAML mapping of ``cls`` fields; unknown keys are an error that lists the known ones."""
    from pathlib import Path

    import yaml

    file = Path(path)
    if not file.is_file():
        raise FileNotFoundError(f"--config: no file {path!r}")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" at line {where.line + 1}" if where is not None else ""
        raise ValueError(f"--config {path}: not valid YAML{at} ({getattr(exc, 'problem', None) or exc})") from None
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


def _grpo(args) -> int:
    from rl._learnbench_summary import table_rows
    from rl.learnbench import GRPOBenchConfig, run_grpo_bench

    values = dict(GRPO_QUICK) if args.quick else {}
    if args.config:
        values.update(_yaml_fields(args.config, GRPOBenchConfig))
    flags = {"seeds": args.seeds, "budget": args.budget, "eval_every": args.eval_every, "pool_size": args.pool,
             "warm_start_steps": args.warm_start_steps, "learning_rate": args.lr, "first_seed": args.first_seed,
             "workers": args.workers, "out": args.out}
    values.update({k: v for k, v in flags.items() if v is not None})
    if args.policies:
        values["policies"] = tuple(p.strip() for p in args.policies.split(",") if p.strip())
    config = GRPOBenchConfig(progress=not args.no_progress, **values)
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
    from eval.simbench import DEFAULT_POLICIES
    from eval.simbench.harness import supports_informed

    if not text:  # the informed peer reads learner internals only some families expose
        return [p for p in DEFAULT_POLICIES if p != "informed" or supports_informed(dynamics)]
    # "name;k=v;k2=v2" on the command line is "name:k=v,k2=v2" inside (commas separate policies here).
    specs = []
    for item in filter(None, (t.strip() for t in text.split(","))):
        name, *kv = item.split(";")
        specs.append(name + (":" + ",".join(kv) if kv else ""))
    return specs


def _learner(text: str | None, dynamics: str = "irt"):
    from eval.simbench import get_dynamics, parse_policy_spec

    config = get_dynamics(dynamics).config
    if not text:
        return config()
    _, overrides = parse_policy_spec("uniform:" + text.replace(";", ","))
    unknown = sorted(set(overrides) - set(config.__dataclass_fields__))
    if unknown:
        raise ValueError(f"--learner: unknown {config.__name__} fields {unknown}; known: {sorted(config.__dataclass_fields__)}.")
    return config(**overrides)


def _select(args) -> int:
    from eval.simbench import BenchSizes, get_dynamics, get_scenarios, run_benchmark, summarise, write_report

    base = QUICK if args.quick else FULL
    sizes = BenchSizes(
        batch_size=args.batch_size or base["batch_size"], rounds=args.rounds or base["rounds"],
        n_pool=args.pool or base["n_pool"],
    )
    seeds = args.seeds or base["seeds"]
    scenarios = get_scenarios(args.scenarios.split(",") if args.scenarios else None)
    policies = _policies(args.policies, args.dynamics)
    learner = _learner(args.learner, args.dynamics)
    start = time.perf_counter()
    results = run_benchmark(scenarios, policies, seeds=seeds, sizes=sizes, workers=args.workers,
                            progress=not args.no_progress, learner=learner,
                            first_seed=args.first_seed, dynamics=args.dynamics)
    elapsed = time.perf_counter() - start
    setup = {"seeds": f"{seeds} ({args.first_seed}..{args.first_seed + seeds - 1})", "batch_size": sizes.batch_size, "rounds at G=8": sizes.rounds,
             "pool size": sizes.n_pool, "rollout budget": sizes.rounds * sizes.batch_size * 8,
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
