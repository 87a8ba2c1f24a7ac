"""`sai-dpo demo`: adaptive GRPO on the built-in digits pool with the tiny offline policy."""

from __future__ import annotations

from data._cli_args import int_at_least, int_between, lock_output, output_dir
from sai_dpo.policies import POLICIES


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help="run adaptive GRPO on the built-in digits pool with a tiny offline policy and write a report",
        description="Build the digits pool and a held-out set, start the selection service on an embedded Ray, "
        "warm-start the tiny policy (OUT/warm_start), run TRL GRPO with the adaptive sampler, save the trained "
        "policy (OUT/policy), score both on the held-out set, and write report.html / report.md.",
    )
    p.add_argument("--steps", type=int_at_least(1), default=300, help="GRPO optimizer steps (default 300)")
    p.add_argument("--pool-size", type=int_between(4, 1_000_000), default=2000,
                   help="problems in the digits pool, 4 to 1,000,000 (default 2000)")
    p.add_argument("--out", default="runs/demo", help="run folder (default runs/demo)")
    p.add_argument("--policy", default="sai_dpo",
                   choices=sorted(POLICIES),
                   help="selection policy; 'uniform' gives the baseline to compare with")
    p.add_argument("--backend", default="auto", choices=["auto", "service", "engine"],
                   help="Ray service (auto falls back to an in-process engine) or in-process engine")
    p.add_argument("--warm-start-steps", type=int_at_least(0), default=1500,
                   help="supervised warm-start steps; 0 starts from the untrained tiny policy (default 1500)")
    p.add_argument("--seed", type=int_at_least(0), default=0, help="seed of the pool, the policy and the draws (default 0)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    p.set_defaults(func=_demo)


def _demo(args) -> int:
    from rl.demo import DemoConfig, run_demo
    from rl.tiny import cpu_threads

    output_dir(args.out)  # before any work
    lock_output(args.out)
    cpu_threads()  # the tiny policy: one torch thread unless SAI_DPO_TORCH_THREADS says otherwise
    config = DemoConfig(steps=args.steps, pool_size=args.pool_size, out=args.out, policy=args.policy,
                        backend=args.backend, seed=args.seed, warm_start_steps=args.warm_start_steps,
                        progress=not args.no_progress)
    result = run_demo(config)
    if result["backend"] != "service" and args.backend != "engine":  # asked for the engine: no fallback to report
        print("note: the Ray selection service was not available; an in-process engine was used")
    print(f"backend: {result['backend']} ({result['rounds']} rounds scored in {result['seconds']:.0f} s)")
    for line in result["headline"]:
        print(f"  {line}")
    print(f"report: {result['report_html']}")
    print(f"        {result['report_md']}")
    print(f"run log: {result['run_dir'] / 'rounds.jsonl'}")
    print(f"trained policy: {result['policy_dir']} (warm start kept in {result['warm_start_dir']})")
    print(f"score it again (greedy): sai-dpo eval --model {result['policy_dir']} --set {result['heldout_file']} "
          f"--max-new-tokens 4 -k 1 --temperature 0 --out {result['run_dir']}/eval")
    return 0
