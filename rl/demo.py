"""The end-to-end demo: adaptive GRPO on the built-in ``digits`` pool with the tiny offline policy.

Steps: build the ``digits`` pool and a held-out set disjoint from it; start an embedded Ray with the
selection service (or an in-process engine); build and warm-start the tiny policy with the imperfect
teacher (``OUT/warm_start``); score it on the held-out set; run TRL GRPO with the adaptive sampler,
the checker reward and the logging callback; save the trained policy (``OUT/policy``), score it on
the held-out set again; write a run report. ``sai-dpo demo`` is the command-line shell of ``run_demo``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sai_dpo.errors import InvalidInputError, param_error
from sai_dpo.policies import POLICIES

log = logging.getLogger(__name__)

__all__ = ["DemoConfig", "run_demo", "grpo_dataset"]

_POLICIES = tuple(sorted(POLICIES))
_BACKENDS = ("auto", "service", "engine")


@dataclass(frozen=True)
class DemoConfig:
    """Settings of the demo run (the CLI flags map onto these fields)."""

    steps: int = 300
    pool_size: int = 2000
    out: str = "runs/demo"
    policy: str = "sai_dpo"
    backend: str = "auto"
    seed: int = 0
    warm_start_steps: int = 1500
    num_generations: int = 8
    prompts_per_round: int = 4
    max_completion_length: int = 4
    learning_rate: float = 1e-3
    heldout_per_cell: int = 10
    eval_k: int = 4
    progress: bool = True

    def __post_init__(self):
        for name in ("steps", "pool_size", "num_generations", "prompts_per_round", "max_completion_length",
                     "heldout_per_cell", "eval_k"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise param_error(name, "DemoConfig", "a positive int", value)
        for name, top in (("seed", 2**32 - 1), ("warm_start_steps", None)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0 or (top and value > top):
                raise param_error(name, "DemoConfig", f"an int in [0, {top}]" if top else "a non-negative int",
                                  value)
        if self.num_generations < 2:
            raise param_error("num_generations", "DemoConfig", "at least 2 (GRPO needs a group)",
                              self.num_generations)
        if self.policy not in _POLICIES:
            raise param_error("policy", "DemoConfig", f"one of {_POLICIES}", self.policy)
        if self.backend not in _BACKENDS:
            raise param_error("backend", "DemoConfig", f"one of {_BACKENDS}", self.backend)
        if self.pool_size < self.prompts_per_round:
            raise param_error("pool_size", "DemoConfig", f"at least prompts_per_round={self.prompts_per_round}",
                              self.pool_size)


def grpo_dataset(pool):
    """The pool as a GRPO training set: ``prompt`` (tiny-policy layout) and ``problem_id`` added."""
    from rl.tiny import format_prompt

    return pool.map(lambda r: {"prompt": format_prompt(r["problem"]), "problem_id": str(r["id"])},
                    desc="prompts", load_from_cache_file=False)


class _Backend:
    """The tracker behind the run: the Ray service (embedded cluster) or an in-process engine."""

    def __init__(self, pool, config: DemoConfig, out: Path):
        from sai_dpo import SelectionConfig

        self.pool, self.out = pool, out
        self.selection_config = SelectionConfig(policy=config.policy, group_size=config.num_generations,
                                                seed=config.seed)
        self.name = "engine"
        self.client = None
        self._ray_dir: str | None = None
        self._started_ray = False
        if config.backend in ("auto", "service"):
            try:
                self._start_service()
            except Exception as exc:
                if config.backend == "service":
                    raise
                log.warning("selection service unavailable (%s); using an in-process engine", exc)
                self.stop()

    def _start_service(self) -> None:
        import ray

        from sai_dpo.service import launch

        if not ray.is_initialized():  # our own embedded, local-only cluster: no auth, no usage stats
            os.environ.setdefault("RAY_AUTH_MODE", "disabled")
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            self._ray_dir = tempfile.mkdtemp(prefix="saidpo-ray-")
            ray.init(num_cpus=2, include_dashboard=False, namespace="sai_dpo_demo",
                     _temp_dir=self._ray_dir, log_to_driver=False)
            self._started_ray = True
        self.actor_name = f"demo-{uuid.uuid4().hex[:8]}"
        self.client = launch(self.pool, self.selection_config, name=self.actor_name, namespace="sai_dpo_demo",
                             checkpoint_dir=self.out / "service")
        self.name = "service"

    def selection(self, run_id: str):
        from rl.reporting import Selection
        from rl.sources import UniformSource

        g = self.selection_config.group_size
        if self.client is not None:
            return Selection.from_service(self.client, run_id, self.pool, fallback=UniformSource(len(self.pool)),
                                          group_size=g)
        from sai_dpo import SelectionEngine

        engine = SelectionEngine.from_pool(self.pool, self.selection_config)
        return Selection.from_engine(engine, self.pool, group_size=g)

    def stop(self) -> None:
        """Close the client, remove the actor and shut down the Ray instance this demo started."""
        if self.client is not None:
            try:
                self.client.close()
                import ray

                ray.kill(ray.get_actor(self.actor_name, namespace="sai_dpo_demo"))
            except Exception as exc:  # best effort: the cluster is ours and goes down next
                log.debug("service shutdown: %s", exc)
            self.client = None
        if self._started_ray:
            import ray

            ray.shutdown()
            self._started_ray = False
        if self._ray_dir:
            shutil.rmtree(self._ray_dir, ignore_errors=True)
            self._ray_dir = None


# What a demo run writes into its folder; a new run removes these first, so that nothing of an earlier
# run (above all the tracker's snapshots and journal in service/, which a new service would restore)
# leaks into it. Only from a folder a demo run marked as its own: never another tool's files.
_RUN_OUTPUTS = ("service", "trainer", "report", "policy", "warm_start", "rounds.jsonl", "run.json", "heldout.jsonl",
                "trainer_log.jsonl")
_MARKER = ".sai-dpo-demo"


def _clear_previous_run(out: Path) -> None:
    found = [name for name in _RUN_OUTPUTS if (out / name).exists()]
    if found and not (out / _MARKER).exists():
        raise InvalidInputError(
            f"{out} already holds {', '.join(found)}, not written by a demo run; the demo would replace them. "
            "Pass an empty or new folder as --out.")
    if not found:
        return
    log.warning("%s holds an earlier demo run (%s); starting fresh: they are replaced", out, ", ".join(found))
    for name in found:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _grpo_args(config: DemoConfig, out: Path):
    from trl import GRPOConfig

    return GRPOConfig(
        output_dir=str(out / "trainer"), use_cpu=True, bf16=False, report_to="none", save_strategy="no",
        activation_checkpointing=False, max_steps=config.steps, logging_steps=max(1, config.steps // 20),
        num_generations=config.num_generations,
        per_device_train_batch_size=config.num_generations * config.prompts_per_round,
        gradient_accumulation_steps=1, max_completion_length=config.max_completion_length,
        learning_rate=config.learning_rate, lr_scheduler_type="constant", temperature=1.0, seed=config.seed,
        disable_tqdm=not config.progress, dataloader_num_workers=0,
    )


def _prepare(config: DemoConfig, out: Path) -> tuple[Any, Any, dict]:
    """A fresh run folder, the pool and its held-out set (saved), and the warm start in OUT/warm_start."""
    from data import save_pool
    from rl.learnbench import digits_task, warm_start_pool
    from rl.tiny import imperfect_teacher, warm_policy_from_pool

    _clear_previous_run(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / _MARKER).write_text("written by `sai-dpo demo`; a new demo run into this folder replaces its outputs\n")
    pool, heldout = digits_task(config.pool_size, config.heldout_per_cell, config.seed)
    save_pool(heldout, out / "heldout.jsonl")  # for `sai-dpo eval --model OUT/policy --set OUT/heldout.jsonl`
    warm = warm_policy_from_pool(warm_start_pool(pool, heldout, config.seed), out / "warm_start", seed=config.seed,
                                 steps=config.warm_start_steps, max_level=None,
                                 teacher=imperfect_teacher(seed=config.seed), progress=config.progress)
    return pool, heldout, warm


def run_demo(config: DemoConfig | None = None) -> dict[str, Any]:
    """Run the demo; returns paths (``run_dir``, ``report_html``, ``report_md``, ``policy_dir``,
    ``warm_start_dir``) and figures (``heldout`` before and after, ``headline``)."""
    from transformers import AutoTokenizer

    from eval.generation import load_model_and_tokenizer
    from eval.run_report import render_run_report
    from rl.callbacks import SelectionCallback
    from rl.grpo import AdaptiveGRPOTrainer
    from rl.rewards import correctness_reward

    config = config or DemoConfig()
    out = Path(config.out)
    t0 = time.time()
    pool, heldout, warm = _prepare(config, out)
    warm_dir, policy_dir = out / "warm_start", out / "policy"

    def score(model, tokenizer) -> dict:
        from rl.learnbench import heldout_eval

        figures = heldout_eval(model, tokenizer, heldout, k=config.eval_k,
                               max_new_tokens=config.max_completion_length, seed=config.seed)
        return {"greedy": figures["greedy"], "pass1": figures["pass1"], "n_problems": len(heldout)}

    before = score(*load_model_and_tokenizer(warm_dir))
    backend = _Backend(pool, config, out)
    try:
        run_id = f"demo-{config.policy}-{uuid.uuid4().hex[:6]}"
        selection = backend.selection(run_id)
        info = {"config": asdict(config), "policy": config.policy, "pool_size": len(pool),
                "backend": backend.name, "run_id": run_id, "warm_start": warm, "heldout_before": before}
        callback = SelectionCallback(selection, run_dir=out, run_info=info)
        trainer = AdaptiveGRPOTrainer(
            model=str(warm_dir), reward_funcs=[correctness_reward(selection)], args=_grpo_args(config, out),
            train_dataset=grpo_dataset(pool), processing_class=AutoTokenizer.from_pretrained(warm_dir),
            selection=selection, callbacks=[callback],
        )
        if not config.progress:  # without a progress bar TRL prints every log dict; the summary says enough
            from transformers import PrinterCallback

            trainer.remove_callback(PrinterCallback)
        trainer.train()
        selection.flush()
        final_summary = selection.summary()
        trainer.save_model(str(policy_dir))
        trainer.processing_class.save_pretrained(policy_dir)
        after = score(trainer.model, trainer.processing_class)
        callback.run_info["heldout_after"] = after
        callback.write_run_json()
    finally:
        backend.stop()
    shutil.rmtree(out / "trainer", ignore_errors=True)
    paths = render_run_report(out)
    heldout_figures = {"before": before, "after": after}
    return {"run_dir": out, "report_html": paths["html"], "report_md": paths["markdown"], "policy_dir": policy_dir,
            "heldout_file": out / "heldout.jsonl",
            "warm_start_dir": warm_dir, "backend": backend.name, "seconds": time.time() - t0,
            "rounds": len(callback.records), "summary": final_summary, "warm_start": warm,
            "heldout": heldout_figures, "headline": headline(callback.records, heldout_figures)}


def headline(records: list[dict], heldout: dict | None = None) -> list[str]:
    """A few lines for the terminal: held-out accuracy before/after, informative share, draw shift by skill."""
    lines = []
    if heldout:
        b, a = heldout["before"], heldout["after"]
        lines.append(f"held-out accuracy ({b['n_problems']} problems never trained on): greedy "
                     f"{b['greedy']:.3f} -> {a['greedy']:.3f}, pass@1 {b['pass1']:.3f} -> {a['pass1']:.3f} "
                     "(warm start -> after GRPO)")
    if not records:
        return [*lines, "no rounds were scored"]
    half = max(1, len(records) // 2)

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else float("nan")

    lines.append(f"informative-group share of the drawn groups: {mean([r['informative_share'] for r in records]):.3f} "
                 "(`sai-dpo bench grpo` measures uniform's on the same task)")
    skills = sorted({c.split("|", 1)[0] for r in records for c in r["draw_share"]})
    for skill in skills:
        def share(rs, skill=skill):
            return mean([sum(v for c, v in r["draw_share"].items() if c.split("|", 1)[0] == skill) for r in rs])
        acc = records[-1]["skill_accuracy"].get(skill)
        acc_text = "n/a" if acc is None else f"{acc:.2f}"
        lines.append(f"{skill}: draw share {share(records[:half]):.2f} -> {share(records[half:]):.2f} "
                     f"(first vs second half), tracked accuracy {acc_text}")
    return lines
