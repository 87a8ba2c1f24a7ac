"""``sai-dpo bench grpo``: does selection make a real model learn faster? Real TRL GRPO, held out.

Per seed: a ``digits`` pool, a held-out set disjoint from it by text and stratified by skill x level
(:func:`data.heldout_pool`), and one tiny policy warm-started on a third set of problems
(:func:`warm_start_pool`) by :func:`rl.tiny.imperfect_teacher`: it knows each rule but slips more on
longer lists, so the pool has problems it always solves, problems it never solves and a band in
between. Every selection policy starts from that same policy and
trains with TRL ``GRPOTrainer`` until it has generated the same number of rollouts (every completion
counts, also those DAPO throws away). The held-out set is scored with the project's eval
(:func:`eval.runner.evaluate`: greedy accuracy, and pass@1 from ``eval_k`` samples at T=1) every
``eval_every`` rollouts. The figures (curves, paired differences, rollouts to reach uniform's final
accuracy) come from :mod:`rl._learnbench_summary`; nothing here asserts a result.

Policies: any engine policy (``sai_dpo``, ``uniform``, ``learnability``, ``curriculum``, ...), and
``NAME+dapo`` for that policy with DAPO dynamic sampling (:mod:`rl.dynamic_sampling`); ``dapo`` is
``uniform+dapo``.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sai_dpo.errors import InvalidInputError, param_error
from sai_dpo.policies import POLICIES

log = logging.getLogger(__name__)

__all__ = ["GRPOBenchConfig", "parse_policy", "prepare_seed", "run_policy", "run_grpo_bench", "heldout_eval",
           "digits_task", "warm_start_pool"]

DEFAULT_POLICIES = ("uniform", "sai_dpo", "dapo", "sai_dpo+dapo", "learnability", "curriculum")


def parse_policy(name: str) -> tuple[str, bool, dict]:
    """``"sai_dpo+dapo;sharpness=0"`` -> ``("sai_dpo", True, {"sharpness": 0})``; ``"dapo"`` -> ``("uniform", True, {})``.

    A policy is an engine policy, optionally followed by ``+dapo`` (DAPO dynamic sampling on top) and
    by ``;key=value`` overrides of :class:`sai_dpo.SelectionConfig` fields.

    Raises:
        ValueError: an unknown policy, suffix or override field, or a bad override value.
    """
    from eval.simbench.peers import check_policy, parse_overrides

    head, *kv = str(name).split(";")
    base, _, suffix = head.strip().partition("+")
    if base == "dapo" and not suffix:
        base, suffix = "uniform", "dapo"
    if base not in POLICIES or suffix not in ("", "dapo"):
        raise param_error("policies", "GRPOBenchConfig",
                          f"engine policies {sorted(POLICIES)}, 'dapo', or 'NAME+dapo', optionally with "
                          "';field=value' SelectionConfig overrides", name)
    try:  # unknown fields list the valid ones; values are checked here, not in a worker after the warm start
        overrides = parse_overrides(kv)
        check_policy(base, overrides)
    except ValueError as exc:
        raise InvalidInputError(f"The 'policies' parameter of GRPOBenchConfig has {name!r}: {str(exc).rstrip('.')}. Overrides are "
                                "';field=value' after the name, e.g. 'sai_dpo;tau=inf'.") from None
    return base, suffix == "dapo", overrides


def _slug(policy: str) -> str:
    """A folder name for a policy spec (``sai_dpo;sharpness=0`` -> ``sai_dpo_sharpness-0``)."""
    return policy.replace(";", "_").replace("=", "-").replace("/", "-")


@dataclass(frozen=True)
class GRPOBenchConfig:
    """Settings of the GRPO learning benchmark (``sai-dpo bench grpo`` flags map onto these).

    Args:
        budget: rollouts (completions generated) per run, the same for every policy.
        eval_every: rollouts between held-out evaluations (the curve's resolution).
        dapo_oversample: prompts drawn per step by ``+dapo`` policies, as a multiple of
            ``prompts_per_step``; generated ``prompts_per_step`` at a time until enough groups are mixed.
        hidden_size: width of the tiny policy (feed-forward twice as wide, 4 attention heads).
        num_layers: its transformer layers.
        use_cpu: train on the CPU (False: TRL/accelerate pick the GPU; ``rl/configs/grpo_bench_gpu.yaml``).
    """

    seeds: int = 5
    first_seed: int = 0
    policies: tuple[str, ...] = DEFAULT_POLICIES
    pool_size: int = 2000
    heldout_per_cell: int = 10
    warm_start_steps: int = 1500
    hidden_size: int = 64
    num_layers: int = 2
    use_cpu: bool = True
    budget: int = 9600
    prompts_per_step: int = 4
    num_generations: int = 8
    learning_rate: float = 1e-3
    eval_every: int = 1600
    eval_k: int = 4
    dapo_oversample: int = 3
    max_completion_length: int = 4
    workers: int = 2
    out: str = "out/bench-grpo"
    progress: bool = True
    selection: dict = field(default_factory=dict)  # extra SelectionConfig fields for engine policies

    def __post_init__(self):
        for name in ("seeds", "pool_size", "heldout_per_cell", "hidden_size", "num_layers", "budget", "prompts_per_step",
                     "num_generations", "warm_start_steps", "eval_every", "eval_k", "dapo_oversample",
                     "max_completion_length", "workers"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise param_error(name, "GRPOBenchConfig", "a positive int", value)
        if (isinstance(self.first_seed, bool) or not isinstance(self.first_seed, int) or self.first_seed < 0
                or self.first_seed + self.seeds > 2**32):
            raise param_error("first_seed", "GRPOBenchConfig", "an int >= 0 with first_seed + seeds <= 2**32",
                              self.first_seed)
        if not isinstance(self.use_cpu, bool):
            raise param_error("use_cpu", "GRPOBenchConfig", "True or False", self.use_cpu)
        if self.num_generations < 2:
            raise param_error("num_generations", "GRPOBenchConfig", "at least 2 (GRPO needs a group)",
                              self.num_generations)
        if isinstance(self.learning_rate, bool) or not (isinstance(self.learning_rate, int | float)
                                                        and 0 < self.learning_rate < 1):
            raise param_error("learning_rate", "GRPOBenchConfig", "a number in (0, 1)", self.learning_rate)
        if self.hidden_size % 4:
            raise param_error("hidden_size", "GRPOBenchConfig", "a multiple of 4 (4 attention heads)",
                              self.hidden_size)
        per_step = self.prompts_per_step * self.num_generations
        for name in ("budget", "eval_every"):  # a run spends and is evaluated in whole steps
            if getattr(self, name) % per_step:
                raise param_error(name, "GRPOBenchConfig",
                                  f"a multiple of prompts_per_step * num_generations = {per_step}", getattr(self, name))
        if not self.policies:
            raise param_error("policies", "GRPOBenchConfig", "a non-empty list of policies", self.policies)
        for name in self.policies:
            parse_policy(name)
        if len(set(self.policies)) != len(self.policies):
            raise param_error("policies", "GRPOBenchConfig", "policies without repeats", self.policies)
        if self.pool_size < self.prompts_per_step * self.dapo_oversample:
            raise param_error("pool_size", "GRPOBenchConfig", "at least prompts_per_step * dapo_oversample",
                              self.pool_size)

    @property
    def seed_list(self) -> list[int]:
        return list(range(self.first_seed, self.first_seed + self.seeds))


# -- data and warm start, once per seed ------------------------------------------------------------
def digits_task(pool_size: int, heldout_per_cell: int, seed: int):
    """The benchmark's (and the demo's) data for one seed: a ``digits`` pool and its held-out set.

    The held-out set comes from another generator seed with the pool's texts excluded, so it is
    disjoint from training by construction, with ``heldout_per_cell`` problems per (skill, level).
    """
    from data import build_pool, heldout_pool

    pool = build_pool(pool_size, seed=seed, kind="digits")
    return pool, heldout_pool(pool, per_cell=heldout_per_cell, seed=10_000 + seed)


def warm_start_pool(pool, heldout, seed: int, n: int | None = None):
    """Problems for the supervised warm start, disjoint from the GRPO pool and the held-out set.

    A warm start on the GRPO pool itself memorizes it (24 epochs at the default settings): every pool
    problem is then always or never solved, whatever its skill and level, and GRPO has almost nothing
    to sharpen. Warm-starting on other problems of the same kind, like pretraining data that is not
    the RL pool, leaves each pool problem at its rule's pass rate.
    """
    from data import build_pool

    taken = set(pool["problem"]) | set(heldout["problem"])
    return build_pool(n or len(pool), seed=20_000 + seed, kind="digits", exclude=taken)


def heldout_eval(model, tokenizer, heldout, *, k: int, max_new_tokens: int, seed: int) -> dict:
    """Greedy accuracy and pass@1 (``k`` samples at T=1) on ``heldout``, scored by ``eval.runner.evaluate``.

    ``model`` and ``tokenizer`` are loaded objects; ``eval.generation.generate`` puts the model back in
    training mode if it was.
    """
    from eval.generation import generate
    from eval.runner import ScoringConfig, evaluate
    from rl.tiny import format_prompt

    problems = [str(p) for p in heldout["problem"]]
    # The layout GRPO trained on; a tokenizer with a chat template renders the same text itself.
    prompts = problems if getattr(tokenizer, "chat_template", None) else [format_prompt(p) for p in problems]
    ids = [str(i) for i in heldout["id"]]
    scoring = ScoringConfig(progress=False, workers=1)
    figures = {}
    for name, kk, temp in (("greedy", 1, 0.0), ("pass1", k, 1.0)):
        outs = generate(model, tokenizer, prompts, k=kk, max_new_tokens=max_new_tokens, temperature=temp,
                        seed=seed, batch_size=256, progress=False)
        rows = [{"problem_id": pid, "sample": j, "completion": text}
                for pid, texts in zip(ids, outs, strict=True) for j, text in enumerate(texts)]
        metrics = evaluate(rows, heldout, scoring=scoring).metrics
        figures[name] = metrics["accuracy"]
        if name == "pass1":
            figures["per_cell"] = {f"{skill}|{level}": cell["accuracy"]
                                   for skill, row in metrics["per_cell"].items() for level, cell in row.items()}
    return figures


def prepare_seed(config: GRPOBenchConfig, seed: int) -> dict:
    """Build the seed's warm-started policy in ``OUT/seed-S/warm`` and score it held out (once)."""
    from data import save_pool
    from eval.generation import load_model_and_tokenizer
    from rl.tiny import TinyPolicyConfig, cpu_threads, imperfect_teacher, warm_policy_from_pool

    cpu_threads()
    seed_dir = Path(config.out) / f"seed-{seed}"
    warm_dir = seed_dir / "warm"
    pool, heldout = digits_task(config.pool_size, config.heldout_per_cell, seed)
    seed_dir.mkdir(parents=True, exist_ok=True)
    save_pool(heldout, seed_dir / "heldout.jsonl")  # to re-score saved policies with `sai-dpo eval --model`
    t0 = time.perf_counter()
    stats = warm_policy_from_pool(
        warm_start_pool(pool, heldout, seed), warm_dir, seed=seed, steps=config.warm_start_steps, max_level=None,
        teacher=imperfect_teacher(seed=seed), progress=False,
        policy_config=TinyPolicyConfig(hidden_size=config.hidden_size, intermediate_size=2 * config.hidden_size,
                                       num_hidden_layers=config.num_layers),
    )
    model, tokenizer = load_model_and_tokenizer(warm_dir)
    start = heldout_eval(model, tokenizer, heldout, k=config.eval_k, max_new_tokens=config.max_completion_length,
                         seed=seed)
    info = {"seed": seed, "warm_start": stats, "seconds": time.perf_counter() - t0, "start": start,
            "pool_size": len(pool), "heldout_size": len(heldout)}
    (seed_dir / "warm.json").write_text(json.dumps(info, indent=1))
    return info


# -- one GRPO run -----------------------------------------------------------------------------------
def _trainer_callback(config: GRPOBenchConfig, heldout, seed: int, curve: list):
    from transformers import TrainerCallback

    class BudgetEval(TrainerCallback):
        """Scores the held-out set every ``eval_every`` rollouts; stops the run at the budget."""

        def __init__(self):
            self.trainer = None
            self.next_eval = config.eval_every
            self.per_cell: dict = {}

        def on_step_end(self, args, state, control, **kwargs):
            stats = self.trainer.rollout_stats
            done = stats["rollouts"] >= config.budget
            if stats["rollouts"] >= self.next_eval or done:
                figures = heldout_eval(self.trainer.model, self.trainer.processing_class, heldout, k=config.eval_k,
                                       max_new_tokens=config.max_completion_length, seed=seed)
                curve.append({"rollouts": stats["rollouts"], "step": state.global_step,
                              **{k: figures[k] for k in ("greedy", "pass1")}})
                self.per_cell = figures["per_cell"]
                while self.next_eval <= stats["rollouts"]:
                    self.next_eval += config.eval_every
            if done:
                control.should_training_stop = True
            return control

    return BudgetEval()


def _grpo_config(config: GRPOBenchConfig, run_dir: Path, seed: int, steps: int, dapo: bool):
    """TRL's GRPOConfig of one run; a ``+dapo`` run's generation batch holds ``dapo_oversample`` x B prompts."""
    from trl import GRPOConfig

    b, g = config.prompts_per_step, config.num_generations
    return GRPOConfig(
        output_dir=str(run_dir), use_cpu=config.use_cpu, bf16=False, report_to="none", save_strategy="no",
        gradient_checkpointing=False, max_steps=steps, logging_steps=max(1, steps // 10),
        num_generations=g, per_device_train_batch_size=b * g * (config.dapo_oversample if dapo else 1),
        max_completion_length=config.max_completion_length, learning_rate=config.learning_rate,
        lr_scheduler_type="constant", temperature=1.0, seed=seed, disable_tqdm=True, dataloader_num_workers=0,
    )


def run_policy(config: GRPOBenchConfig, seed: int, policy: str) -> dict:
    """Train the seed's warm-started policy with GRPO under ``policy`` until the rollout budget is spent.

    Writes the trained model to ``OUT/seed-S/policies/POLICY`` and returns the run's figures.
    """
    from transformers import AutoTokenizer, PrinterCallback

    from rl.demo import grpo_dataset
    from rl.dynamic_sampling import CountingGRPOTrainer, DynamicSamplingGRPOTrainer
    from rl.reporting import Selection
    from rl.rewards import correctness_reward
    from rl.tiny import cpu_threads
    from sai_dpo import SelectionConfig, SelectionEngine

    cpu_threads()
    base, dapo, overrides = parse_policy(policy)
    seed_dir = Path(config.out) / f"seed-{seed}"
    warm_dir = seed_dir / "warm"
    start = json.loads((seed_dir / "warm.json").read_text())["start"]
    pool, heldout = digits_task(config.pool_size, config.heldout_per_cell, seed)
    b, g = config.prompts_per_step, config.num_generations
    steps = config.budget // (b * g)
    sel_cfg = {"curriculum_rounds": steps} if base == "curriculum" else {}
    sel_cfg.update({**config.selection, **overrides})
    engine = SelectionEngine.from_pool(pool, SelectionConfig(policy=base, group_size=g, seed=seed, **sel_cfg))
    selection = Selection.from_engine(engine, pool, group_size=g)
    run_dir = seed_dir / "runs" / _slug(policy)
    args = _grpo_config(config, run_dir, seed, steps, dapo)
    curve = [{"rollouts": 0, "step": 0, "greedy": start["greedy"], "pass1": start["pass1"]}]
    callback = _trainer_callback(config, heldout, seed, curve)
    trainer_cls = DynamicSamplingGRPOTrainer if dapo else CountingGRPOTrainer
    extra = {"keep_groups": b, "rollout_budget": config.budget} if dapo else {}
    trainer = trainer_cls(model=str(warm_dir), reward_funcs=[correctness_reward(selection, workers=1)], args=args,
                          train_dataset=grpo_dataset(pool), processing_class=AutoTokenizer.from_pretrained(warm_dir),
                          selection=selection, callbacks=[callback], **extra)
    callback.trainer = trainer
    trainer.remove_callback(PrinterCallback)  # TRL prints every log dict when its progress bar is off
    t0 = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - t0
    saved = seed_dir / "policies" / _slug(policy)
    trainer.save_model(str(saved))
    trainer.processing_class.save_pretrained(saved)
    shutil.rmtree(run_dir, ignore_errors=True)
    stats = trainer.rollout_stats
    result = {
        "seed": seed, "policy": policy, "budget": config.budget, "curve": curve, "seconds": seconds,
        "rollouts": stats["rollouts"], "steps": stats["steps"],
        "informative_share": stats["mixed_groups"] / max(1, stats["groups"]),
        "train_reward": stats["reward_sum"] / max(1, stats["rollouts"]),
        "dropped_groups": stats["dropped_groups"], "policy_dir": str(saved),
        # What was generated for (a +dapo policy draws oversample x B prompts a round, generates fewer).
        **_generated(selection),
        "final_per_cell": callback.per_cell,  # held-out pass@1 by "skill|level" at the last evaluation
    }
    (seed_dir / f"result-{_slug(policy)}.json").write_text(json.dumps(result, indent=1))
    return result


def _generated(selection) -> dict:
    """Share of generated groups by level, and distinct problems generated for, from the recorded outcomes."""
    from collections import Counter

    groups = selection.scored_groups()
    levels = Counter(str(selection.meta.get(pid, (None, None))[1]) for _, pid in groups)
    return {"draw_level_share": {lv: n / max(1, len(groups)) for lv, n in sorted(levels.items())},
            "distinct_drawn": len({pid for _, pid in groups})}


# -- the whole benchmark ----------------------------------------------------------------------------
def _map(fn, tasks: list[tuple], workers: int, desc: str, progress: bool) -> list:
    """Run ``fn(*task)`` for every task, in ``workers`` spawned processes (1: in this process)."""
    from tqdm.auto import tqdm

    bar = tqdm(total=len(tasks), desc=desc, disable=not progress)
    results = []
    if workers == 1:
        for task in tasks:
            results.append(fn(*task))
            bar.update()
    else:
        import multiprocessing as mp

        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as ex:
            futures = [ex.submit(fn, *task) for task in tasks]
            for fut in as_completed(futures):
                results.append(fut.result())
                bar.update()
    bar.close()
    return results


def run_grpo_bench(config: GRPOBenchConfig | None = None) -> dict[str, Any]:
    """Warm-start every seed, run every (seed, policy), summarise, write ``results.json`` and the report."""
    from rl._learnbench_summary import summarise, write_report

    config = config or GRPOBenchConfig()
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    workers = min(config.workers, config.seeds * len(config.policies))
    warm = _map(prepare_seed, [(config, s) for s in config.seed_list], min(workers, config.seeds),
                "warm starts", config.progress)
    tasks = [(config, s, p) for s in config.seed_list for p in config.policies]
    runs = _map(run_policy, tasks, workers, "GRPO runs", config.progress)
    summary = summarise(config, sorted(warm, key=lambda w: w["seed"]),
                        sorted(runs, key=lambda r: (r["seed"], r["policy"])))
    summary["wall_seconds"] = time.perf_counter() - t0
    (out / "results.json").write_text(json.dumps({"config": asdict(config), "warm": warm, "runs": runs,
                                                  "summary": summary}, indent=1, default=str))
    paths = write_report(summary, config, out)
    return {"summary": summary, **paths}
