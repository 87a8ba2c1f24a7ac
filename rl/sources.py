"""Draw sources: where the adaptive sampler gets each round's prompts.

A *draw source* answers ``draw_round(round, n)`` with ``n`` dataset-row indices. The same round key
must always give the same rows, because every rank of a multi-process run iterates the whole sampler
and keeps only its share (PEERS.md 1.1): ranks ask independently and must agree.

Adapters:
- ``UniformSource``: seeded uniform draws without replacement (the fallback; no tracker needed).
- ``EngineSource``: an in-process ``SelectionEngine``; draws are cached per round so that several
  samplers sharing the source (simulated ranks) agree even after the engine's state moved on.
- ``ServiceSource``: the Ray selection service through its ``ServiceClient``; the service caches draws
  by key, so separate processes agree. Ids come back and are mapped to rows through the dataset's
  ``problem_id`` column; when the service fails, an optional fallback source answers instead.

Sources may define ``bind(dataset)``: the sampler calls it with the dataset it was given (TRL passes
the processed training dataset), so sources map through *that* dataset's ``problem_id`` column.
"""

from __future__ import annotations

import logging
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from sai_dpo.errors import InvalidInputError, ServiceUnavailableError, param_error

log = logging.getLogger(__name__)

__all__ = ["DrawSource", "UniformSource", "EngineSource", "ServiceSource", "dataset_ids", "row_lookup"]

_CACHE_ROUNDS = 64  # rounds kept per source: covers look-ahead, several ranks and a resume skip


@runtime_checkable
class DrawSource(Protocol):
    """Anything that returns the dataset rows of a round, identically for every caller."""

    def draw_round(self, round: int, n: int) -> np.ndarray:  # pragma: no cover - protocol
        """``n`` dataset-row indices for round ``round``; the same key gives the same rows."""
        ...


def dataset_ids(dataset: Any, column: str = "problem_id") -> list[str]:
    """The ``column`` values of ``dataset`` as strings, with a clear error when the column is missing."""
    names = getattr(dataset, "column_names", None)
    if names is not None and column not in names:
        raise InvalidInputError(
            f"The training dataset has no '{column}' column (columns: {names}). Add one holding each "
            f"row's pool id, e.g. pool.map(lambda r: {{'{column}': r['id']}})."
        )
    return [str(x) for x in dataset[column]]


def row_lookup(dataset: Any, column: str = "problem_id") -> dict[str, int]:
    """Map problem id -> row of ``dataset``; duplicate ids are an error (draws would be ambiguous)."""
    ids = dataset_ids(dataset, column)
    lookup = {pid: row for row, pid in enumerate(ids)}
    if len(lookup) != len(ids):
        raise InvalidInputError(f"The '{column}' column of the training dataset has duplicate ids; "
                                "give every row a unique id.")
    return lookup


class _RoundCache:
    """A small LRU of round -> rows."""

    def __init__(self, size: int = _CACHE_ROUNDS):
        self._size = size
        self._rows: OrderedDict[int, np.ndarray] = OrderedDict()

    def get(self, round: int) -> np.ndarray | None:
        rows = self._rows.get(round)
        if rows is not None:
            self._rows.move_to_end(round)
        return rows

    def put(self, round: int, rows: np.ndarray) -> np.ndarray:
        self._rows[round] = rows
        while len(self._rows) > self._size:
            self._rows.popitem(last=False)
        return rows


class UniformSource:
    """Seeded uniform draws without replacement; rows depend only on ``(seed, round)``."""

    def __init__(self, n_rows: int | None = None, seed: int = 0):
        if n_rows is not None and (not isinstance(n_rows, int | np.integer) or n_rows < 1):
            raise param_error("n_rows", "UniformSource", "a positive int or None", n_rows)
        self.n_rows = None if n_rows is None else int(n_rows)
        self.seed = int(seed)

    def bind(self, dataset: Any) -> None:
        """Take the row count from the dataset when none was given."""
        if self.n_rows is None:
            self.n_rows = len(dataset)

    def draw_round(self, round: int, n: int) -> np.ndarray:
        if self.n_rows is None:
            raise InvalidInputError("UniformSource has no row count: pass n_rows or bind it to a dataset.")
        if n > self.n_rows:
            raise param_error("n", "UniformSource.draw_round", f"at most n_rows={self.n_rows}", n)
        rng = np.random.default_rng([self.seed, int(round)])
        return rng.choice(self.n_rows, size=n, replace=False).astype(np.int64)


class EngineSource:
    """Rounds drawn from an in-process ``SelectionEngine`` (engine index -> dataset row).

    Args:
        engine: anything with ``draw(n, round) -> np.ndarray`` of pool indices.
        pool_ids: the engine's pool ids in engine-index order. When given, engine indices are mapped to
            dataset rows through the dataset's ``id_column`` at ``bind``; when omitted, the training
            dataset must have the engine's pool order (engine index == dataset row).
    """

    def __init__(self, engine: Any, pool_ids: Sequence[str] | None = None, id_column: str = "problem_id"):
        self.engine = engine
        self.pool_ids = None if pool_ids is None else [str(x) for x in pool_ids]
        self.id_column = id_column
        self._to_row: np.ndarray | None = None
        self._cache = _RoundCache()

    def bind(self, dataset: Any) -> None:
        """Build the engine-index -> dataset-row map from the dataset's id column."""
        if self.pool_ids is None:
            return
        lookup = row_lookup(dataset, self.id_column)
        missing = [pid for pid in self.pool_ids if pid not in lookup]
        if missing:
            log.warning("%d engine pool ids are not in the training dataset (e.g. %r); draws of them "
                        "are replaced by the next drawable rows", len(missing), missing[:3])
        self._to_row = np.array([lookup.get(pid, -1) for pid in self.pool_ids], dtype=np.int64)

    def draw_round(self, round: int, n: int) -> np.ndarray:
        cached = self._cache.get(round)
        if cached is not None and len(cached) == n:
            return cached
        if self._to_row is None:
            rows = np.asarray(self.engine.draw(n, round=round), dtype=np.int64)
        else:
            rows = self._draw_mapped(round, n)
        return self._cache.put(round, rows)

    def _draw_mapped(self, round: int, n: int) -> np.ndarray:
        # Over-draw a little when some engine rows are not in the dataset (DPO-style row dropping).
        extra = int((self._to_row < 0).sum())
        idx = np.asarray(self.engine.draw(min(n + extra, len(self._to_row)), round=round), dtype=np.int64)
        rows = self._to_row[idx]
        rows = rows[rows >= 0][:n]
        if len(rows) < n:
            raise InvalidInputError(f"Only {len(rows)} of {n} drawn problems are in the training dataset; "
                                    "build the engine from the same pool as the dataset.")
        return rows


# Attempts of a rank's service draw before it settles for the seeded uniform one (see ServiceSource).
RANK_DRAW_ATTEMPTS = 3
RANK_RETRY_WAIT = 1.0  # seconds an attempt lasts at least before the next (x the attempt number)


def _takes_keyword(fn: Any, name: str) -> bool:
    """Whether callable ``fn`` accepts the keyword argument ``name`` (False when it cannot be told)."""
    import inspect

    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())


def world_size() -> int:
    """Processes in this run: an initialized torch.distributed group, else ``$WORLD_SIZE`` (torchrun)."""
    try:
        import torch.distributed as dist

        if dist.is_available() and dist.is_initialized():
            return int(dist.get_world_size())
    except ImportError:
        pass
    try:
        return max(int(os.environ.get("WORLD_SIZE", "1")), 1)
    except ValueError:
        return 1


class ServiceSource:
    """Rounds drawn from the Ray selection service by key ``key_fn(run_id, round)``.

    Args:
        client: a ``ServiceClient`` (``draw(key, n, round=None) -> (ids, indices)``); the round key is
            passed as ``round`` so the service's engine counts rounds like the trainer. A client whose
            ``draw`` also takes ``fallback=False`` (raise ``ServiceUnavailableError`` instead of a
            uniform draw, as ``ServiceClient`` does) is asked again on several ranks (see below).
        run_id: namespaces the keys of this training run.
        fallback: a source used when the service raises (logged); ``None`` re-raises.
    """

    def __init__(self, client: Any, run_id: str, id_column: str = "problem_id",
                 fallback: Any | None = None, key_fn: Callable[[str, int], Any] | None = None):
        self.client = client
        self._can_retry = _takes_keyword(getattr(client, "draw", None), "fallback")
        self.run_id = str(run_id)
        self.id_column = id_column
        self.fallback = fallback
        self.key_fn = key_fn or (lambda run_id, r: f"{run_id}/round-{r}")
        self._row_of: dict[str, int] | None = None
        self._cache = _RoundCache()

    def bind(self, dataset: Any) -> None:
        """Map service ids to rows of the dataset the sampler iterates."""
        self._row_of = row_lookup(dataset, self.id_column)
        if self.fallback is not None and hasattr(self.fallback, "bind"):
            self.fallback.bind(dataset)

    def draw_round(self, round: int, n: int) -> np.ndarray:
        cached = self._cache.get(round)
        if cached is not None and len(cached) == n:
            return cached
        if self._row_of is None:
            raise InvalidInputError("ServiceSource is not bound to a dataset; the sampler binds it, "
                                    "or call source.bind(train_dataset).")
        try:
            ids = self._service_draw(round, n)
        except Exception as exc:  # the tracker being down must not stop training
            if self.fallback is None:
                raise
            log.warning("selection service draw failed for round %d (%s); using the fallback source",
                        round, exc)
            return self._cache.put(round, self.fallback.draw_round(round, n))
        unknown = [pid for pid in ids if str(pid) not in self._row_of]
        if unknown:
            raise InvalidInputError(f"The service drew ids that are not in the training dataset "
                                    f"(e.g. {unknown[:3]}); serve the same pool you train on.")
        return self._cache.put(round, np.array([self._row_of[str(p)] for p in ids], dtype=np.int64))

    def _service_draw(self, round: int, n: int) -> list:
        """The service's draw for ``round``. On several ranks a draw that did not come back in time is
        asked for again (up to ``RANK_DRAW_ATTEMPTS`` times) before the client's seeded uniform draw is
        taken: the other ranks may have got the service's answer (it keeps each key's draw), and a rank
        training on other prompts would mix problems within TRL's groups. Only while the service stays
        unreachable does every rank fall back, and then all alike (the fallback is seeded by the key)."""
        key = self.key_fn(self.run_id, round)
        if self._can_retry and world_size() > 1:
            for attempt in range(1, RANK_DRAW_ATTEMPTS):
                start = time.monotonic()
                try:
                    return self.client.draw(key, n, round=int(round), fallback=False)[0]
                except ServiceUnavailableError as exc:
                    log.warning("selection service draw for round %d, attempt %d of %d: %s Asking again, so this "
                                "rank gets the draw the other ranks got.", round, attempt, RANK_DRAW_ATTEMPTS, exc)
                    # A failure that came at once (nothing answers) waits a little, so the attempts span a
                    # restart of the service rather than a few milliseconds.
                    time.sleep(max(0.0, RANK_RETRY_WAIT * attempt - (time.monotonic() - start)))
        return self.client.draw(key, n, round=int(round))[0]
