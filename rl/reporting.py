"""Outcome reporting for the trainer integrations: round attribution, reporters, and the ``Selection`` hub.

The sampler records which problems each round drew (``RoundLog``); the reward function scores the
completions and hands the outcomes to ``Selection.record_outcomes``, which finds their round, sends
the scorable ones to the tracker through a ``Reporter`` and keeps per-round statistics for the
callback (informative-group share, status counts, draw shares).

Why attribution by id and not by a counter: the DataLoader reads one generation batch ahead, so when
rewards for round r arrive the sampler may already have drawn round r+1. A reward call is matched to
the oldest not-yet-scored round that drew all of its ids.
"""

from __future__ import annotations

import logging
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rl.sources import EngineSource, ServiceSource
from rl.sources import world_size as _world_size
from sai_dpo.errors import InvalidInputError

log = logging.getLogger(__name__)

__all__ = ["RoundLog", "Reporter", "EngineReporter", "ServiceReporter", "Selection", "MODEL_STATUSES", "pool_meta"]

# Outcomes that are the model's doing and feed the tracker; unparseable_gold / timeout do not.
MODEL_STATUSES = frozenset({"correct", "incorrect", "unparseable_pred"})
_KEEP_ROUNDS = 256


class RoundLog:
    """Which problem ids (and rows) each round drew, and which round a batch of rewards belongs to."""

    def __init__(self, keep: int = _KEEP_ROUNDS):
        self._keep = keep
        self._ids: OrderedDict[int, list[str]] = OrderedDict()
        self._last_scored: int | None = None

    def record(self, round: int, ids: Sequence[str], rows: np.ndarray | None = None) -> None:
        """Remember the ids drawn for ``round`` (re-recording the same round is harmless)."""
        self._ids[int(round)] = [str(i) for i in ids]
        while len(self._ids) > self._keep:
            self._ids.popitem(last=False)

    def ids(self, round: int) -> list[str]:
        """The ids drawn in ``round`` (empty when unknown)."""
        return list(self._ids.get(int(round), []))

    def rounds(self) -> list[int]:
        """Rounds recorded, oldest first."""
        return sorted(self._ids)

    def round_for(self, problem_ids: Sequence[str]) -> int | None:
        """The oldest round after the last scored one whose draw contains all ``problem_ids``."""
        wanted = {str(i) for i in problem_ids}
        later = [r for r in sorted(self._ids) if self._last_scored is None or r > self._last_scored]
        for r in later + sorted(self._ids, reverse=True):  # then any round, newest first (re-scoring)
            if wanted <= set(self._ids[r]):
                self._last_scored = max(r, self._last_scored if self._last_scored is not None else r)
                return r
        return None


@runtime_checkable
class Reporter(Protocol):
    """Sends scored outcomes to the tracker without blocking the training loop."""

    def report(self, problem_ids: Sequence[str], rewards: Sequence[float], round: int,
               n_tokens: Sequence[int] | None = None, n_steps: Sequence[int] | None = None,
               statuses: Sequence[str] | None = None) -> None:  # pragma: no cover - protocol
        ...

    def flush(self) -> None:  # pragma: no cover - protocol
        ...


class EngineReporter:
    """Reports to an in-process ``SelectionEngine`` (ids -> engine indices through ``pool_ids``)."""

    def __init__(self, engine: Any, pool_ids: Sequence[str]):
        self.engine = engine
        self._index = {str(pid): i for i, pid in enumerate(pool_ids)}

    def report(self, problem_ids, rewards, round, n_tokens=None, n_steps=None, statuses=None) -> None:
        """(``statuses`` are counted by the ``Selection``; the engine takes only the outcomes.)"""
        unknown = [p for p in problem_ids if str(p) not in self._index]
        if unknown:
            raise InvalidInputError(f"Outcomes for ids not in the engine's pool (e.g. {unknown[:3]}); "
                                    "build the engine from the pool the dataset came from.")
        idx = np.array([self._index[str(p)] for p in problem_ids], dtype=np.int64)
        self.engine.report(idx, np.asarray(rewards, dtype=float), round=int(round),
                           n_tokens=None if n_tokens is None else np.asarray(n_tokens),
                           n_steps=None if n_steps is None else np.asarray(n_steps))

    def flush(self) -> None:
        """Nothing buffered: an in-process report is a few numpy operations."""


class ServiceReporter:
    """Reports to the Ray service through its client, which buffers and sends batches in the background."""

    def __init__(self, client: Any):
        self.client = client

    def report(self, problem_ids, rewards, round, n_tokens=None, n_steps=None, statuses=None) -> None:
        """Buffered report; the checker's ``statuses`` go with the outcomes, so the service's status
        counts say what the checker read (they were all "unlabelled")."""
        self.client.report([str(p) for p in problem_ids], [float(r) for r in rewards],
                           n_tokens=None if n_tokens is None else [int(t) for t in n_tokens],
                           n_steps=None if n_steps is None else [int(s) for s in n_steps],
                           round=int(round), statuses=None if statuses is None else [str(s) for s in statuses])

    def flush(self) -> None:
        self.client.flush()


def _group_is_mixed(rewards: Sequence[float]) -> bool:
    return len(set(rewards)) > 1


def _check_group_size(g, theirs, whose: str, fix: str) -> None:
    """A Selection's G must be its tracker's (G is in the frontier score); None on either side: unchecked."""
    if g is not None and theirs is not None and g != theirs:
        raise InvalidInputError(f"group_size={g!r} differs from {whose}: {fix}.")


class Selection:
    """Ties a draw source, a reporter and the round log together; one per training run.

    Args:
        source: the draw source the sampler uses.
        reporter: where outcomes go (``None``: kept in the statistics only).
        tracker: the engine or service client, for ``summary()``, ``table()`` and ``snapshot()``.
        meta: problem id -> (skill, level), for draw shares and per-skill accuracy.
        group_size: G, the rollouts per problem per round (recorded for callers that read it).
    """

    def __init__(self, source: Any, reporter: Reporter | None = None, tracker: Any = None,
                 meta: Mapping[str, tuple[Any, Any]] | None = None, rounds_per_epoch: int | None = None,
                 start_round: int = 0, id_column: str = "problem_id", group_size: int | None = None):
        if group_size is not None and (isinstance(group_size, bool) or not isinstance(group_size, int) or group_size < 1):
            raise InvalidInputError(f"group_size must be None or an integer >= 1 (rollouts per problem per round). "
                                    f"Got {group_size!r} instead.")
        self.source = source
        self.reporter = reporter
        self.tracker = tracker
        self.meta = dict(meta or {})
        self.rounds_per_epoch = rounds_per_epoch
        self.start_round = int(start_round)
        self.id_column = id_column
        self.group_size = group_size
        self.round_log = RoundLog()
        self.status_counts: Counter[str] = Counter()
        self.n_reported = 0
        self._outcomes: dict[int, list[tuple[str, float | None, str]]] = defaultdict(list)

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def from_engine(cls, engine: Any, pool: Any, **kwargs) -> Selection:
        """In-process: draws from and reports to ``engine``, built on ``pool`` (record schema).

        One process only: each process would hold its own tracker, see only its own rank's
        outcomes and draw other prompts than the other ranks. With several processes (``torchrun``,
        ``accelerate launch``) use :meth:`from_service`, which every rank shares.

        Raises:
            InvalidInputError: this process is one of several (``WORLD_SIZE`` > 1, or an initialized
                ``torch.distributed`` group of more than one); ``pool`` is not the pool the engine was
                built on (its size, or a row's skill or level, differs); ``group_size`` differs from the
                engine's.
        """
        ranks = _world_size()
        if ranks > 1:
            raise InvalidInputError(
                f"Selection.from_engine keeps one tracker per process, and this run has {ranks} processes: the "
                "ranks would draw different prompts and each track half the evidence. Start the selection "
                "service (`sai-dpo serve --pool POOL`) and use Selection.from_service(connect(...), run_id) on "
                "every rank (README: multi-process training)."
            )
        engine.check_pool(pool)
        _check_group_size(kwargs.get("group_size"), engine.config.group_size,
                          f"the engine's (SelectionConfig(group_size={engine.config.group_size}))",
                          "pass one G, the trainer's num_generations, to both")
        ids = [str(i) for i in pool["id"]]
        return cls(EngineSource(engine, pool_ids=ids), EngineReporter(engine, ids), tracker=engine,
                   meta=pool_meta(pool), **kwargs)

    @classmethod
    def from_service(cls, client: Any, run_id: str, pool: Any = None, fallback: Any = None,
                     **kwargs) -> Selection:
        """Ray service: draws keyed ``run_id/round-r`` (cached server-side), buffered reports.

        Raises:
            InvalidInputError: ``pool`` does not hold exactly the service's problem ids, or ``group_size``
                differs from the service's (``sai-dpo serve --group-size``).
        """
        if pool is not None and hasattr(client, "check_pool"):
            client.check_pool(pool)
        g, served = kwargs.get("group_size"), ((getattr(client, "info", None) or {}).get("config") or {}).get("group_size")
        _check_group_size(g, served, f"the service's ({served})", f"start it with `sai-dpo serve --group-size {g}` "
                          f"(or launch(pool, SelectionConfig(group_size={g}))), the trainer's num_generations")
        return cls(ServiceSource(client, run_id, fallback=fallback), ServiceReporter(client),
                   tracker=client, meta=pool_meta(pool) if pool is not None else None, **kwargs)

    # -- outcomes -------------------------------------------------------------------------------
    def record_outcomes(self, problem_ids: Sequence[str], rewards: Sequence[float | None],
                        statuses: Sequence[str], n_tokens: Sequence[int] | None = None,
                        n_steps: Sequence[int] | None = None) -> int | None:
        """Attribute one reward call to its round, report the model's outcomes, update statistics.

        Returns the round the outcomes were attributed to (``None`` if no recorded draw matched).
        """
        ids = [str(p) for p in problem_ids]
        round_ = self.round_log.round_for(ids)
        if round_ is None:
            known = self.round_log.rounds()
            round_ = known[-1] if known else self.start_round
            log.warning("reward batch matches no recorded draw; attributing it to round %d", round_)
        self.status_counts.update(statuses)
        keep = [i for i, s in enumerate(statuses) if s in MODEL_STATUSES]
        kept = set(keep)
        for i, pid in enumerate(ids):
            self._outcomes[round_].append((pid, rewards[i] if i in kept else None, statuses[i]))
        if keep and self.reporter is not None:
            self.reporter.report([ids[i] for i in keep], [float(rewards[i] or 0.0) for i in keep], round_,
                                 n_tokens=None if n_tokens is None else [n_tokens[i] for i in keep],
                                 n_steps=None if n_steps is None else [n_steps[i] for i in keep],
                                 statuses=[statuses[i] for i in keep])
        self.n_reported += len(keep)
        return round_

    def flush(self) -> None:
        """Send buffered reports now (call at the end of training)."""
        if self.reporter is not None:
            self.reporter.flush()

    def scored_rounds(self) -> list[int]:
        """Rounds with at least one outcome recorded, oldest first."""
        return sorted(self._outcomes)

    def scored_groups(self) -> list[tuple[int, str]]:
        """(round, problem id) of every group whose outcomes were recorded, i.e. every problem that was
        actually generated for, in round order (a sampler may draw more than is generated)."""
        return [(r, pid) for r in sorted(self._outcomes) for pid in dict.fromkeys(p for p, _, _ in self._outcomes[r])]

    def round_outcomes(self, round: int) -> list[tuple[str, float | None, str]]:
        """The (problem id, reward or None, status) rows this process recorded for ``round``."""
        return list(self._outcomes.get(round, []))

    def round_stats(self, round: int, rows: Sequence[tuple[str, float | None, str]] | None = None) -> dict:
        """Statistics of one round: outcomes, accuracy by skill, informative share, draw shares.

        ``rows`` replaces this process's own outcomes of the round, e.g. with every rank's gathered
        (a GRPO group can be split across ranks, so only the union gives the group's share).
        """
        rows = self._outcomes.get(round, []) if rows is None else rows
        groups: dict[str, list[float]] = defaultdict(list)
        by_skill: dict[str, list[float]] = defaultdict(list)
        for pid, reward, _ in rows:
            if reward is not None:
                groups[pid].append(float(reward))
                by_skill[str(self.meta.get(pid, (None, None))[0])].append(float(reward))
        drawn = self.round_log.ids(round)
        share = Counter(f"{self.meta.get(p, (None, None))[0]}|{self.meta.get(p, (None, None))[1]}" for p in drawn)
        return {
            "round": int(round),
            "n_outcomes": len(rows),
            "round_skill_accuracy": {k: float(np.mean(v)) for k, v in sorted(by_skill.items())},
            "draw_share": {k: v / max(1, len(drawn)) for k, v in sorted(share.items())},
            "informative_share": (sum(map(_group_is_mixed, groups.values())) / len(groups)) if groups else 0.0,
            "status_counts": dict(Counter(s for _, _, s in rows)),
        }

    # -- tracker views --------------------------------------------------------------------------
    def summary(self) -> dict:
        """The tracker's ``summary()`` (empty when it has none or fails)."""
        fn = getattr(self.tracker, "summary", None)
        if fn is None:
            return {}
        try:
            return dict(fn())
        except Exception as exc:  # a logging path must not stop training
            log.warning("tracker summary failed: %s", exc)
            return {}

    def snapshot(self) -> Any:
        """Ask the tracker to checkpoint itself (the service does; an engine has nothing to do)."""
        fn = getattr(self.tracker, "snapshot", None)
        return fn() if fn is not None else None


def pool_meta(pool: Any) -> dict[str, tuple[Any, Any]]:
    """Problem id -> (skill, level) from a pool with the record schema (None where a column is absent)."""
    names = getattr(pool, "column_names", [])
    skills = pool["skill"] if "skill" in names else [None] * len(pool)
    levels = pool["level"] if "level" in names else [None] * len(pool)
    return {str(i): (s, lv) for i, s, lv in zip(pool["id"], skills, levels, strict=True)}
