"""Per-step cost of adaptive selection in TRL GRPO: stock sampler vs adaptive sampler + reporting.

Runs the same GRPO job (tiny offline policy, built-in arith pool, checker reward) three times per repeat,
alternating the order: once with ``trl.GRPOTrainer`` (stock ``RepeatSampler``, checker reward without
reporting) and once with ``rl.grpo.AdaptiveGRPOTrainer`` (adaptive sampler drawing from an in-process
engine, or the Ray service with ``--backend service``; reward reporting every outcome; the logging
callback), and a third time with the adaptive machinery replaying the stock prompt order, so that the
prompts, generations and checker work are identical and only the machinery differs. It prints the
median seconds per step of each and the overhead in percent, plus the time
spent inside the selection code itself (draws, reports, callback) as a share of the adaptive step:
the second figure is far less noisy on a shared machine. Target: <= 5 %.

    python eval/bench/grpo_overhead.py --steps 30 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class _Timer:
    """Accumulates the wall time of wrapped calls; remembers the slowest single call (one-off set-up)."""

    def __init__(self):
        self.seconds = 0.0
        self.slowest = 0.0

    def wrap(self, fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                dt = time.perf_counter() - t
                self.seconds += dt
                self.slowest = max(self.slowest, dt)
        return timed


def _setup(workdir: Path, pool_size: int, warm_steps: int):
    from data import build_pool
    from rl.demo import grpo_dataset
    from rl.tiny import WarmStartConfig, build_tiny_policy, format_prompt, warm_start

    pool = build_pool(pool_size, seed=0, kind="arith")
    policy = build_tiny_policy([f"{p} {a}" for p, a in zip(pool["problem"], pool["answer"], strict=True)],
                               workdir / "policy")
    easy = [(format_prompt(p), a) for p, a, lv in zip(pool["problem"], pool["answer"], pool["level"], strict=True)
            if lv <= 2]
    warm_start(policy, easy, config=WarmStartConfig(steps=warm_steps, progress=False))
    return pool, grpo_dataset(pool), policy


def _args(workdir: Path, steps: int, g: int, prompts: int):
    from trl import GRPOConfig

    return GRPOConfig(output_dir=str(workdir / "trainer"), use_cpu=True, bf16=False, report_to="none",
                      save_strategy="no", max_steps=steps, logging_steps=max(1, steps // 5), num_generations=g,
                      per_device_train_batch_size=g * prompts, max_completion_length=6, learning_rate=5e-4,
                      disable_tqdm=True, seed=0)


class _StockOrder:
    """A draw source replaying trl's RepeatSampler order: one torch.randperm seeded like the trainer."""

    def __init__(self, n_rows: int, seed: int):
        import torch

        self.perm = torch.randperm(n_rows, generator=torch.Generator().manual_seed(seed)).numpy()

    def draw_round(self, round: int, n: int):
        return self.perm[round * n:(round + 1) * n]


def _quiet(trainer):
    from transformers import PrinterCallback

    trainer.remove_callback(PrinterCallback)  # keep the figures readable
    return trainer


def _run_stock(pool, ds, policy, args) -> float:
    from trl import GRPOTrainer

    from rl.rewards import correctness_reward

    trainer = _quiet(GRPOTrainer(model=str(policy), reward_funcs=[correctness_reward(None)], args=args,
                                 train_dataset=ds))
    t = time.perf_counter()
    trainer.train()
    return (time.perf_counter() - t) / args.max_steps


def _selection(pool, g: int, backend: str):
    from rl.reporting import EngineReporter, Selection, pool_meta
    from sai_dpo import SelectionConfig, SelectionEngine

    config = SelectionConfig(group_size=g, seed=0)
    if backend == "same-prompts":
        # Same machinery (adaptive sampler, reporting to the engine, callback) but drawing exactly the
        # stock RepeatSampler's prompts: same prompts, same generations, same checker work, so the
        # wall-time difference is the machinery's cost alone.
        engine = SelectionEngine.from_pool(pool, config)
        return Selection(_StockOrder(len(pool), seed=0), EngineReporter(engine, list(pool["id"])),
                         tracker=engine, meta=pool_meta(pool), group_size=g)
    if backend == "service":
        from sai_dpo.service import launch

        client = launch(pool, config, name=f"bench-{time.time_ns()}", namespace="sai_dpo_bench",
                        checkpoint_dir=tempfile.mkdtemp(prefix="saidpo-bench-"))
        return Selection.from_service(client, f"bench-{time.time_ns()}", pool, group_size=g)
    return Selection.from_engine(SelectionEngine.from_pool(pool, config), pool, group_size=g)


def _run_adaptive(pool, ds, policy, args, backend: str) -> tuple[float, float, float]:
    from rl.callbacks import SelectionCallback
    from rl.grpo import AdaptiveGRPOTrainer
    from rl.rewards import correctness_reward

    selection = _selection(pool, args.num_generations, backend)
    timer = _Timer()
    selection.source.draw_round = timer.wrap(selection.source.draw_round)
    selection.record_outcomes = timer.wrap(selection.record_outcomes)
    callback = SelectionCallback(selection)
    for name in ("on_log", "on_step_end"):
        setattr(callback, name, timer.wrap(getattr(callback, name)))
    trainer = _quiet(AdaptiveGRPOTrainer(model=str(policy), reward_funcs=[correctness_reward(selection)],
                                         args=args, train_dataset=ds, selection=selection, callbacks=[callback]))
    t = time.perf_counter()
    trainer.train()
    selection.flush()
    wall = time.perf_counter() - t
    # The slowest call is the engine's one-off set-up on its first draw; "steady" leaves it out.
    return wall / args.max_steps, timer.seconds / wall, (timer.seconds - timer.slowest) / (wall - timer.slowest)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pool-size", type=int, default=2000)
    parser.add_argument("--num-generations", type=int, default=8)
    parser.add_argument("--prompts", type=int, default=4, help="unique prompts per round")
    parser.add_argument("--warm-start-steps", type=int, default=200)
    parser.add_argument("--backend", choices=["engine", "service"], default="engine")
    a = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grpo-overhead-") as tmp:
        workdir = Path(tmp)
        pool, ds, policy = _setup(workdir, a.pool_size, a.warm_start_steps)
        from eval.checker import warmup

        warmup()  # start the checker's worker processes now, not inside whichever run comes first
        args = _args(workdir, a.steps, a.num_generations, a.prompts)
        if a.backend == "service":
            import ray

            ray.init(num_cpus=2, include_dashboard=False, _temp_dir=tempfile.mkdtemp(prefix="ray-"),
                     log_to_driver=False)
        stock, same, adaptive, inside, steady = [], [], [], [], []
        for rep in range(a.repeats):
            order = ("stock", "same", "adaptive") if rep % 2 == 0 else ("adaptive", "same", "stock")
            for which in order:
                if which == "stock":
                    stock.append(_run_stock(pool, ds, policy, args))
                elif which == "same":
                    same.append(_run_adaptive(pool, ds, policy, args, "same-prompts")[0])
                else:
                    step, share, steady_share = _run_adaptive(pool, ds, policy, args, a.backend)
                    adaptive.append(step)
                    inside.append(share)
                    steady.append(steady_share)
            print(f"repeat {rep}: stock {stock[-1]:.3f} s/step, machinery on the stock prompts "
                  f"{same[-1]:.3f} s/step, adaptive {adaptive[-1]:.3f} s/step, selection code "
                  f"{100 * inside[-1]:.2f}% of adaptive wall time ({100 * steady[-1]:.2f}% without the "
                  f"one-off first call)", flush=True)
    s, u, ad = statistics.median(stock), statistics.median(same), statistics.median(adaptive)
    print(f"\nsteps={a.steps} repeats={a.repeats} G={a.num_generations} prompts/round={a.prompts} "
          f"pool={a.pool_size} backend={a.backend}")
    print(f"stock sampler:    {s:.3f} s/step (median)")
    print(f"machinery on the stock prompts: {u:.3f} s/step (median); overhead vs stock {100 * (u - s) / s:+.1f}%")
    print(f"adaptive+report:  {ad:.3f} s/step (median); vs stock {100 * (ad - s) / s:+.1f}% (the drawn "
          "problems differ, so completion lengths and generation time differ too)")
    print(f"time inside selection code (draws, reports, callback): {100 * statistics.median(inside):.2f}% "
          f"of the adaptive run, {100 * statistics.median(steady):.2f}% without the engine's one-off "
          f"first-draw set-up (target <= 5%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
