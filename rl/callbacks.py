"""``SelectionCallback``: the tracker's view in the trainer's logs, a run log per round, snapshots on save.

Adds to each log entry: ``selection/acc/<skill>`` (the tracker's decayed accuracy by skill),
``selection/draw_entropy``, ``selection/informative_share``, ``selection/n_outcomes`` and cumulative
``checker/<status>`` counts. With ``run_dir`` it appends one record per scored round to
``RUN_DIR/rounds.jsonl``, each trainer log entry (reward, loss, ...) to ``RUN_DIR/trainer_log.jsonl``,
and writes ``RUN_DIR/run.json`` (format in INTERFACES.md), which ``sai-dpo report RUN_DIR`` and the
demo's report read.
"""

from __future__ import annotations

import json
import logging
import math
import time
from pathlib import Path

from transformers import TrainerCallback

from rl.reporting import Selection
from sai_dpo.errors import InvalidInputError

log = logging.getLogger(__name__)

__all__ = ["SelectionCallback", "round_record"]


def _entropy(shares: dict[str, float]) -> float:
    return float(-sum(p * math.log(p) for p in shares.values() if p > 0))


def round_record(selection: Selection, round: int, summary: dict | None = None,
                 uniform_share: float | None = None, rows: list | None = None) -> dict:
    """One ``rounds.jsonl`` record for ``round`` (tracker accuracy when it has a summary); ``rows``: the
    round's outcomes from every rank (default: this process's)."""
    stats = selection.round_stats(round, rows)
    summary = summary if summary is not None else selection.summary()
    skill_acc = summary.get("skill_accuracy") or stats["round_skill_accuracy"]
    return {
        "round": stats["round"],
        "n_outcomes": stats["n_outcomes"],
        "skill_accuracy": {str(k): float(v) for k, v in skill_acc.items()},
        "round_skill_accuracy": stats["round_skill_accuracy"],
        "draw_share": stats["draw_share"],
        "informative_share": stats["informative_share"],
        "uniform_informative_share": uniform_share,
        "status_counts": stats["status_counts"],
    }


def _ranks() -> tuple[int, int]:
    """(this process's rank, number of processes) of an initialized torch.distributed group, else (0, 1)."""
    try:
        import torch.distributed as dist
    except ImportError:  # pragma: no cover - torch is a required package
        return 0, 1
    if dist.is_available() and dist.is_initialized():
        return int(dist.get_rank()), int(dist.get_world_size())
    return 0, 1


def _gather(obj):
    """Every rank's ``obj``, in rank order (all ranks must call this together)."""
    import torch.distributed as dist

    out = [None] * dist.get_world_size()
    dist.all_gather_object(out, obj)
    return out


def _check_same_draws(gathered: list[dict]) -> None:
    """Every rank must have drawn the same prompts for a round (one draw, split between the ranks); ranks
    that drew differently (another ``run_id`` per rank) mix problems within TRL's groups. Raises on every
    rank alike (each sees the same gathered draws)."""
    for r in sorted(set.intersection(*(set(part) for part in gathered))):
        draws = [part[r][1] for part in gathered]
        if any(d and draws[0] and d != draws[0] for d in draws):
            differ = next(k for k, d in enumerate(draws) if d and d != draws[0])
            raise InvalidInputError(
                f"The ranks drew different prompts in round {r} (rank 0: {draws[0][:3]}..., rank {differ}: "
                f"{draws[differ][:3]}...): TRL's groups would mix problems. Use Selection.from_service with the "
                "same run_id (and the same pool) on every rank.")


class SelectionCallback(TrainerCallback):
    """Log the tracker summary, write ``rounds.jsonl``/``run.json`` and snapshot the tracker on save.

    With several processes (``torchrun``, ``accelerate launch``) every rank scores its share of each
    round's completions: the callback gathers the ranks' outcomes of each round, and only rank 0
    writes the run files, with the figures of all ranks (one record per round, the total count).

    Args:
        selection: the run's ``Selection`` (the one given to the trainer and the reward function).
        run_dir: folder for ``rounds.jsonl`` and ``run.json``; ``None`` logs only.
        run_info: extra fields for ``run.json`` (config, policy, pool size, ...).
    """

    def __init__(self, selection: Selection, run_dir: str | Path | None = None, run_info: dict | None = None):
        self.selection = selection
        self.run_dir = Path(run_dir) if run_dir is not None else None
        self.run_info = dict(run_info or {})
        self._written: set[int] = set()
        self.records: list[dict] = []

    # -- logs -----------------------------------------------------------------------------------
    def summary_metrics(self) -> dict[str, float]:
        """The flat metrics this callback adds to a log entry."""
        summary = self.selection.summary()
        out: dict[str, float] = {}
        for skill, acc in sorted((summary.get("skill_accuracy") or {}).items()):
            out[f"selection/acc/{skill}"] = float(acc)
        for key in ("draw_entropy", "informative_share", "n_outcomes"):
            if summary.get(key) is not None:
                out[f"selection/{key}"] = float(summary[key])
        if "selection/draw_entropy" not in out and self.records:
            out["selection/draw_entropy"] = _entropy(self.records[-1]["draw_share"])
        if "selection/informative_share" not in out and self.records:
            out["selection/informative_share"] = float(self.records[-1]["informative_share"])
        for status, count in sorted(self.selection.status_counts.items()):
            # cumulative counts; the reward logs each step's share under checker/<status>
            out[f"selection/checker_total/{status}"] = float(count)
        return out

    def on_log(self, args, state, control, logs=None, **kwargs):
        if logs is None:
            return
        extra = self.summary_metrics()
        logs.update(extra)
        # Trainer.log appends its entry to log_history before callbacks run: add ours there too.
        if state.log_history and state.log_history[-1].get("step") == state.global_step:
            state.log_history[-1].update(extra)
        if self.run_dir is not None and _ranks()[0] == 0:  # the trainer's own figures (reward, loss, ...)
            entry = {"step": int(state.global_step),
                     **{k: v for k, v in logs.items() if isinstance(v, (int, float, str, bool)) or v is None}}
            self.run_dir.mkdir(parents=True, exist_ok=True)
            with open(self.run_dir / "trainer_log.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps(entry) + "\n")

    # -- run log --------------------------------------------------------------------------------
    def _write_json(self, name: str, payload: dict) -> None:
        if self.run_dir is None or _ranks()[0] != 0:
            return
        self.run_dir.mkdir(parents=True, exist_ok=True)
        tmp = self.run_dir / f".{name}.tmp"
        tmp.write_text(json.dumps(payload, indent=2, default=str))
        tmp.replace(self.run_dir / name)

    def _new_rounds(self, final: bool) -> dict[int, list | None]:
        """Newly scored rounds -> their outcomes from every rank (None: this process's own, one rank).

        With several ranks a round is taken once every rank has scored it (at the end of training,
        whatever any rank has); the ranks must call this together, as the trainer's callbacks do."""
        new = [r for r in self.selection.scored_rounds() if r not in self._written]
        rank, world = _ranks()
        if world == 1:
            return {r: None for r in new}
        gathered = _gather({r: (self.selection.round_outcomes(r), self.selection.round_log.ids(r)) for r in new})
        _check_same_draws(gathered)
        everyone = [{r: rows for r, (rows, _ids) in part.items()} for part in gathered]
        common = set.union(*map(set, everyone)) if final else set.intersection(*map(set, everyone))
        return {r: [row for part in everyone for row in part.get(r, [])] for r in sorted(common)}

    def flush_rounds(self, step: int | None = None, final: bool = False) -> list[dict]:
        """Append records of newly scored rounds to ``rounds.jsonl`` (rank 0 only); returns them."""
        new = self._new_rounds(final)
        if not new:
            return []
        # Reports to a service are buffered: send them first, so the tracker's figures in this record
        # include the rounds it describes (with the service they lagged by up to 8 rounds).
        self.selection.flush()
        summary = self.selection.summary()
        records = []
        for r, rows in new.items():
            # No uniform figure here: one estimated from this run's own (selection-biased) evidence is
            # not what uniform draws would get; a measured probe (the DPO loop's) is the only honest one.
            rec = round_record(self.selection, r, summary, rows=rows)
            if step is not None:
                rec["step"] = int(step)
            records.append(rec)
            self._written.add(r)
        self.records.extend(records)
        if self.run_dir is not None and _ranks()[0] == 0:
            self.run_dir.mkdir(parents=True, exist_ok=True)
            with open(self.run_dir / "rounds.jsonl", "a", encoding="utf-8") as fh:
                for rec in records:
                    fh.write(json.dumps(rec) + "\n")
        return records

    def write_run_json(self) -> None:
        """Write ``run.json`` now (e.g. after adding figures measured once training ended)."""
        self._write_json("run.json", self.run_info)

    def on_train_begin(self, args, state, control, **kwargs):
        self.run_info.setdefault("start_time", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        self.run_info.setdefault("max_steps", state.max_steps)
        self._write_json("run.json", self.run_info)

    def on_step_end(self, args, state, control, **kwargs):
        self.flush_rounds(state.global_step)

    def on_save(self, args, state, control, **kwargs):
        self.selection.flush()
        try:
            self.selection.snapshot()
        except Exception as exc:  # a failed snapshot must not lose the trainer's own checkpoint
            log.warning("tracker snapshot on save failed: %s", exc)

    def on_train_end(self, args, state, control, **kwargs):
        self.selection.flush()
        self.flush_rounds(state.global_step, final=True)
        self.run_info["end_time"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.run_info["global_step"] = state.global_step
        self.run_info["n_rounds"] = len(self._written)
        n_reported = self.selection.n_reported
        ranks = _ranks()[1]
        if ranks > 1:
            n_reported = sum(_gather(n_reported))
        self.run_info["n_reported"] = n_reported
        self.run_info["n_processes"] = ranks
        self._write_json("run.json", self.run_info)
