"""`sai-dpo bench select`: the selection benchmark on the simulated learner."""

from __future__ import annotations

import time

QUICK = {"rounds": 40, "n_pool": 800, "batch_size": 16, "seeds": 3}
FULL = {"rounds": 150, "n_pool": 3000, "batch_size": 32, "seeds": 10}


def register(sub) -> None:
    bench = sub.add_parser("bench", help="benchmarks (selection policies on a simulated learner)")
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
