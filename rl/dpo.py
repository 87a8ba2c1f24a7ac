"""Iterative DPO with self-aware data selection: probe -> report -> select -> pair -> train, T times.

One iteration t (DESIGN.md sections 4 and 7):

1. **probe**: draw ``probe_size`` problems (uniformly by default, see ``probe_policy``), generate K
   samples each with the current policy, score them with the checker and report every outcome
   (reward, steps, tokens) to the selection engine at engine round ``2t``. P@K, steps and length are
   what the engine's self-aware difficulty is made of.
2. **select**: the engine (``policy``: sai_dpo, uniform, ...) draws ``train_size`` problems at engine
   round ``2t + 1``. Probed problems reuse their probe samples; the others get K fresh samples, which
   are scored and reported too.
3. **pair**: only mixed problems (a correct and an incorrect sample) give pairs; see ``rl.pairs`` for
   which samples become chosen and rejected.
4. **train**: one pass of TRL's ``DPOTrainer``, the reference being the previous iteration's policy.
5. **save** ``iter_XXX/`` atomically (``rl._dpo_run``) and append the round record to ``rounds.jsonl``.

Two engine rounds per iteration keep the draw keys of the probe and of the selection distinct and let
the engine's forgetting count both. Every seed is derived from ``(seed, t)``, so a run resumed after
an interruption repeats exactly what the uninterrupted run would have done.

Example:
    >>> from rl.dpo import IterativeDPO
    >>> from rl.dpo_config import DPOLoopConfig
    >>> IterativeDPO(DPOLoopConfig(run_dir="runs/dpo", iterations=2)).run()   # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rl._dpo_init import build_initial_policy
from rl._dpo_run import RunDir
from rl.dpo_config import DPOLoopConfig
from rl.pairs import ScoredSample, build_pairs, is_mixed, pairs_dataset
from rl.reporting import MODEL_STATUSES

log = logging.getLogger(__name__)

__all__ = ["IterativeDPO", "run_dpo", "build_initial_policy"]



class IterativeDPO:
    """The iterative DPO loop over one run folder; :meth:`run` resumes after the last finished iteration.

    Args:
        config: the loop's settings.
        backend_factory: ``(model_dir, seed) -> RolloutBackend`` giving the rollout backend of an
            iteration whose policy is saved in ``model_dir``; default: ``TransformersBackend`` on CPU.
            Use it to generate with a server (``OpenAICompletionBackend``) that you point at
            ``model_dir`` before returning the backend.
    """

    def __init__(self, config: DPOLoopConfig, backend_factory: Callable[[Path, int], Any] | None = None):
        if not isinstance(config, DPOLoopConfig):
            raise TypeError(f"IterativeDPO needs a DPOLoopConfig. Got {type(config).__name__} instead.")
        if backend_factory is not None and not callable(backend_factory):
            raise TypeError(f"backend_factory must be a callable (model_dir, seed) -> RolloutBackend. "
                            f"Got {type(backend_factory).__name__} instead.")
        self.config = config
        self.run_dir = RunDir(config.run_dir)
        self._progress = True
        self.backend_factory = backend_factory or self._transformers_backend

    def _transformers_backend(self, model_dir: Path, seed: int):
        from rl.backends import TransformersBackend

        cfg = self.config
        return TransformersBackend(model_dir, max_new_tokens=cfg.max_new_tokens, temperature=cfg.temperature,
                                   batch_size=cfg.gen_batch_size, seed=seed, progress=self._progress)

    # --- set-up ---------------------------------------------------------------------------------
    def _setup(self) -> None:
        from data import load_pool
        from sai_dpo import SelectionConfig, SelectionEngine

        cfg = self.config
        pool = load_pool(cfg.pool, preset=cfg.preset)
        if cfg.pool_size is not None and cfg.pool_size < len(pool):
            pool = pool.select(range(cfg.pool_size))
        self.pool = pool
        self.engine = SelectionEngine.from_pool(pool, cfg.selection_config())
        self.probe_engine = None
        if cfg.probe_policy == "uniform":
            probe_cfg = SelectionConfig(policy="uniform", group_size=cfg.k, seed=cfg.seed + 1)
            self.probe_engine = SelectionEngine.from_pool(pool, probe_cfg)
        for name, n in (("probe_size", cfg.probe_size), ("train_size", cfg.train_size)):
            if n > len(pool):
                raise ValueError(f"The '{name}' parameter of DPOLoopConfig must be at most the pool size "
                                 f"({len(pool)}). Got {n} instead.")

    def _initial_model(self) -> Path:
        if self.config.model is not None:
            return Path(self.config.model)
        return build_initial_policy(self.pool, self.run_dir.init_model_dir, self.config)

    # --- the loop -------------------------------------------------------------------------------
    def run(self, progress: bool = True) -> list[dict[str, Any]]:
        """Run the remaining iterations; returns the summaries of the iterations run by this call."""
        from tqdm.auto import tqdm

        cfg = self.config
        self._progress = progress
        self._setup()
        self.run_dir.start(cfg.to_dict(), {"policy": cfg.policy, "pool_size": len(self.pool)})
        done = self.run_dir.finished()
        if done:
            last = done[-1]
            self.engine.load_state_dict(RunDir.load_state(self.run_dir.iter_dir(last) / "engine_state.npz"))
            if self.probe_engine is not None:
                self.probe_engine.load_state_dict(
                    RunDir.load_state(self.run_dir.iter_dir(last) / "probe_engine_state.npz"))
            model_dir = self.run_dir.model_dir(last)
            log.info("resuming %s after iteration %d", cfg.run_dir, last)
        else:
            model_dir = self._initial_model()
        self.run_dir.rebuild_rounds()
        start = len(done)
        summaries = []
        bar = tqdm(range(start, cfg.iterations), desc=f"dpo[{cfg.policy}]", unit="iter",
                   initial=start, total=cfg.iterations, disable=not progress)
        for t in bar:
            summary = self.run_iteration(t, model_dir)
            model_dir = self.run_dir.model_dir(t)
            summaries.append(summary)
            bar.set_postfix(pairs=summary["n_pairs"], yield_=f"{summary['pair_yield']:.3f}")
        self.run_dir.finish(iterations_done=len(self.run_dir.finished()))
        return summaries

    def run_iteration(self, t: int, model_dir: Path) -> dict[str, Any]:
        """Probe, select, pair, train and save iteration ``t`` starting from the policy in ``model_dir``."""
        from transformers import AutoTokenizer

        from rl._dpo_train import copy_model, train_one_pass

        cfg = self.config
        seed = cfg.seed * 10_007 + t
        clock = _Clock()
        tmp = self.run_dir.begin(t)
        self._tokenizer = AutoTokenizer.from_pretrained(model_dir)  # prompts for DPO rows, token counts
        backend = self.backend_factory(Path(model_dir), seed)
        # 1. probe
        drawer = self.probe_engine or self.engine
        probe_idx = [int(i) for i in drawer.draw(cfg.probe_size, round=2 * t)]
        samples = dict(zip(probe_idx, self._rollouts(backend, probe_idx), strict=True))
        n_outcomes = self._report(probe_idx, samples, round=2 * t)
        clock.lap("probe")
        # 2. select
        train_idx = [int(i) for i in self.engine.draw(cfg.train_size, round=2 * t + 1)]
        fresh = [i for i in train_idx if i not in samples]
        samples.update(zip(fresh, self._rollouts(backend, fresh), strict=True))
        n_outcomes += self._report(fresh, samples, round=2 * t + 1)
        del backend
        clock.lap("select_and_generate")
        # 3. pair
        records = [self.pool[i] for i in train_idx]
        prompts = self._render([self._user_text(r) for r in records])
        rows = build_pairs(records, [samples[i] for i in train_idx], prompts=prompts,
                           pairs_per_problem=cfg.pairs_per_problem, chosen_rule=cfg.chosen_rule,
                           seed=seed, iteration=t)
        pairs = pairs_dataset(rows)
        pairs.to_parquet(str(tmp / "pairs.parquet"))  # reload: rl.pairs.load_pairs
        self._save_samples(tmp / "samples.jsonl", probe_idx, train_idx, samples)
        clock.lap("pair")
        # 4. train
        if rows:
            train = train_one_pass(model_dir, pairs, tmp / "model", beta=cfg.beta, learning_rate=cfg.learning_rate,
                                   batch_size=cfg.train_batch_size, max_length=cfg.max_length,
                                   loss_type=cfg.loss_type, seed=seed)
        else:
            log.warning("iteration %d: no mixed problem among the %d selected; the policy is carried over",
                        t, len(train_idx))
            copy_model(model_dir, tmp / "model")
            train = None
        clock.lap("train")
        # 5. save
        RunDir.save_state(tmp / "engine_state.npz", self.engine.state_dict())
        if self.probe_engine is not None:
            RunDir.save_state(tmp / "probe_engine_state.npz", self.probe_engine.state_dict())
        summary = self._summary(t, probe_idx, train_idx, fresh, samples, rows, train, n_outcomes)
        summary["seconds"] = clock.laps
        self.run_dir.commit(t, tmp, summary)
        return summary

    # --- steps ----------------------------------------------------------------------------------
    def _user_text(self, record: dict) -> str:
        return self.config.prompt_template.format(problem=record["problem"])

    def _render(self, texts: list[str]) -> list[str]:
        from eval.generation import render_prompts

        return render_prompts(self._tokenizer, texts)

    def _rollouts(self, backend, indices: list[int]) -> list[list[ScoredSample]]:
        """K samples per problem, scored by the checker, with steps and token counts."""
        from eval.checker import verify_batch
        from eval.features import count_steps

        if not indices:
            return []
        k = self.config.k
        records = [self.pool[i] for i in indices]
        texts = backend.generate([self._user_text(r) for r in records], k)
        flat = [s for group in texts for s in group]
        golds = [r["answer"] for r in records for _ in range(k)]
        choices = [r.get("choices") for r in records for _ in range(k)]
        verdicts = verify_batch(golds, flat, choices=choices if any(choices) else None)
        lengths = [len(ids) for ids in self._tokenizer(flat, add_special_tokens=False)["input_ids"]]
        scored = [ScoredSample(text, v.status, count_steps(text), n)
                  for text, v, n in zip(flat, verdicts, lengths, strict=True)]
        return [scored[j * k:(j + 1) * k] for j in range(len(indices))]

    def _report(self, indices: list[int], samples: dict[int, list[ScoredSample]], round: int) -> int:
        """Report the scorable outcomes of ``indices`` to the engine; returns how many were reported."""
        # unparseable_gold / timeout are not the model's fault: counted in the summary, never reported
        rows = [(i, s) for i in indices for s in samples[i] if s.status in MODEL_STATUSES]
        if not rows:
            return 0
        self.engine.report(
            np.array([i for i, _ in rows], dtype=np.int64),
            np.array([1.0 if s.status == "correct" else 0.0 for _, s in rows]),
            round=round,
            n_tokens=np.array([s.n_tokens for _, s in rows], dtype=np.float64),
            n_steps=np.array([s.n_steps for _, s in rows], dtype=np.float64),
        )
        return len(rows)

    def _save_samples(self, path: Path, probe_idx, train_idx, samples) -> None:
        probed, selected = set(probe_idx), set(train_idx)
        with open(path, "w") as fh:
            for i in sorted(samples):
                rec = self.pool[i]
                for s in samples[i]:
                    fh.write(json.dumps({
                        "index": i, "problem_id": rec["id"], "probed": i in probed, "selected": i in selected,
                        "text": s.text, "status": s.status, "n_steps": s.n_steps, "n_tokens": s.n_tokens,
                    }) + "\n")

    def _summary(self, t, probe_idx, train_idx, fresh, samples, rows, train, n_outcomes) -> dict[str, Any]:
        from rl._dpo_summary import accuracy_by_skill, jsonable

        n_generated = (len(probe_idx) + len(fresh)) * self.config.k
        statuses = Counter(s.status for group in samples.values() for s in group)
        mixed_probe = sum(is_mixed(samples[i]) for i in probe_idx) / len(probe_idx)
        mixed_train = sum(is_mixed(samples[i]) for i in train_idx) / len(train_idx)
        engine_summary = jsonable(self.engine.summary())
        record = {
            "round": t, "n_outcomes": n_outcomes,
            "skill_accuracy": engine_summary.get("skill_accuracy", {}),
            "draw_share": engine_summary.get("draw_share", {}),  # of the engine's last draw: the selection
            "informative_share": mixed_train,
            "uniform_informative_share": mixed_probe if self.probe_engine is not None else None,
            "status_counts": dict(statuses),
        }
        by_id = defaultdict(int)
        for r in rows:
            by_id[r["problem_id"]] += 1
        return {
            "iteration": t, "policy": self.config.policy,
            "probed": [self.pool[i]["id"] for i in probe_idx],
            "selected": [self.pool[i]["id"] for i in train_idx],
            "n_reused_from_probe": len(train_idx) - len(fresh),
            "n_samples_generated": n_generated, "n_pairs": len(rows),
            "pair_yield": len(rows) / n_generated if n_generated else 0.0,
            "n_problems_paired": len(by_id),
            "probe_accuracy_by_skill": accuracy_by_skill([self.pool[i] for i in probe_idx],
                                                         [samples[i] for i in probe_idx]),
            "selected_accuracy_by_skill": accuracy_by_skill([self.pool[i] for i in train_idx],
                                                            [samples[i] for i in train_idx]),
            "train": train, "engine_summary": engine_summary, "round_record": record,
        }


class _Clock:
    """Wall-clock seconds per phase of an iteration, for the summary."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(now - self._last, 3)
        self._last = now


def run_dpo(config: DPOLoopConfig, progress: bool = True,
            backend_factory: Callable[[Path, int], Any] | None = None) -> list[dict[str, Any]]:
    """Run (or resume) the loop described by ``config``; returns the summaries of the iterations run."""
    return IterativeDPO(config, backend_factory=backend_factory).run(progress=progress)
