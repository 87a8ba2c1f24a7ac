"""The selection service on Ray: a named, detached actor shared by every worker and trainer rank.

``SelectionService`` (a plain class, importable and testable without a cluster) does the work;
``launch`` wraps it with ``ray.remote`` as a named, detached actor that restarts itself after a
crash and reloads its newest snapshot; ``connect`` finds it by name from any driver. Both return a
``ServiceClient`` that hides ``.remote()`` / ``ray.get``, buffers reports and sends them in
batches from a background thread.

Example:
    >>> from sai_dpo.service import launch                       # doctest: +SKIP
    >>> client = launch(pool, SelectionConfig(seed=0), checkpoint_dir="ckpt")
    >>> ids, idx = client.draw("step-0", 64)                     # same key -> same answer
    >>> client.report(ids, rewards, n_tokens=lengths)             # buffered, non-blocking
    >>> client.flush(); print(client.stats())
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo import _snapshot
from sai_dpo._outcomes import validate_key, validate_n, validate_outcomes
from sai_dpo._report_buffer import Batch, ReportBuffer
from sai_dpo._selection_service import SelectionService, _fingerprint
from sai_dpo._service_pool import read_pool_columns
from sai_dpo.errors import InvalidInputError, SaiDpoError

__all__ = ["SelectionService", "ServiceClient", "ServiceUnavailableError", "launch", "connect", "DEFAULT_NAME",
           "DEFAULT_NAMESPACE"]

logger = logging.getLogger(__name__)

DEFAULT_NAME = "sai-dpo"
DEFAULT_NAMESPACE = "sai_dpo"
# A task in flight when the actor dies is re-run on the restarted actor a few times; beyond that
# the client's own retry (same batch id) takes over. Reports and draws are idempotent, so safe.
_MAX_TASK_RETRIES = 3


class ServiceUnavailableError(SaiDpoError, RuntimeError):
    """The service could not be reached and there was no way to answer without it."""


def _ensure_ray(address: str | None, namespace: str) -> None:
    import ray

    if ray.is_initialized():
        return
    if address is None:
        ray.init(namespace=namespace, include_dashboard=False)
    else:
        ray.init(address=address, namespace=namespace)


def _write_pool(pool: Any, checkpoint_dir: Path) -> Path:
    """Validate the pool and store it as ``pool.parquet`` (+ its fingerprint) in the checkpoint dir.

    Raises:
        InvalidInputError: the directory holds snapshots of a different pool.
    """
    if isinstance(pool, (str, os.PathLike)):
        from sai_dpo._service_pool import _load

        pool = _load(Path(pool))  # validates every row
        cols = read_pool_columns(pool, validate=False)
    else:
        cols = read_pool_columns(pool, validate=True)
    fingerprint = _fingerprint(cols.ids)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    meta = checkpoint_dir / "pool.json"
    target = checkpoint_dir / "pool.parquet"
    if meta.exists() and _snapshot.list_snapshots(checkpoint_dir):
        old = json.loads(meta.read_text()).get("fingerprint")
        if old != fingerprint:
            raise InvalidInputError(
                f"{checkpoint_dir} holds snapshots of a different pool. Relaunch with the same pool, "
                "or choose a fresh checkpoint_dir."
            )
        if target.exists():
            return target
    tmp = checkpoint_dir / ".pool.parquet.tmp"
    pool.to_parquet(str(tmp))
    os.replace(tmp, target)
    meta.write_text(json.dumps({"fingerprint": fingerprint, "n": len(cols.ids)}))
    return target


def launch(
    pool: Any,
    config: Any = None,
    *,
    name: str = DEFAULT_NAME,
    namespace: str = DEFAULT_NAMESPACE,
    checkpoint_dir: str | os.PathLike | None = None,
    address: str | None = None,
    snapshot_every: int = 100,
    key_cache_size: int = 4096,
    **client_options: Any,
) -> ServiceClient:
    """Start the service as a named, detached actor (or join the one already running) and connect.

    Args:
        pool: a ``datasets.Dataset`` or a pool file; validated here, then stored as parquet in
            ``checkpoint_dir`` so a restarted actor rebuilds itself from its constructor args.
        config: a ``SelectionConfig``.
        name, namespace: how other drivers find the actor (``connect(name, namespace)``).
        checkpoint_dir: snapshots and the pool file (default ``./sai-dpo-checkpoints/<namespace>-<name>``).
        address: a running cluster (``"auto"``, ``"ip:port"``); ``None`` joins the Ray instance this
            process already has, or starts an embedded one.
        snapshot_every: snapshot after this many applied reports.
        **client_options: passed to ``ServiceClient``.
    """
    import ray

    _ensure_ray(address, namespace)
    ckpt = Path(checkpoint_dir or Path.cwd() / "sai-dpo-checkpoints" / f"{namespace}-{name}").resolve()
    pool_path = _write_pool(pool, ckpt)
    actor = (
        ray.remote(SelectionService)
        .options(name=name, namespace=namespace, lifetime="detached", get_if_exists=True, num_cpus=0,
                 max_restarts=-1, max_task_retries=_MAX_TASK_RETRIES)
        .remote(str(pool_path), config, checkpoint_dir=str(ckpt), snapshot_every=snapshot_every,
                key_cache_size=key_cache_size, validate=False)
    )
    logger.info("Selection service %r in namespace %r (checkpoints in %s).", name, namespace, ckpt)
    return ServiceClient(actor, **client_options)


def connect(name: str = DEFAULT_NAME, namespace: str = DEFAULT_NAMESPACE, address: str | None = None,
            **client_options: Any) -> ServiceClient:
    """Find a running service by name (from any driver) and return a client for it.

    ``address=None`` uses this process's Ray instance if it has one, else ``$RAY_ADDRESS`` or ``"auto"``.

    Raises:
        InvalidInputError: no service of that name runs in that namespace.
    """
    import ray

    if not ray.is_initialized():
        ray.init(address=address or os.environ.get("RAY_ADDRESS", "auto"), namespace=namespace)
    try:
        actor = ray.get_actor(name, namespace=namespace)
    except ValueError as exc:
        raise InvalidInputError(
            f"No selection service named {name!r} in namespace {namespace!r} on this cluster. "
            "Start one with `sai-dpo serve --pool FILE` or sai_dpo.service.launch(...)."
        ) from exc
    return ServiceClient(actor, **client_options)


class ServiceClient:
    """Talk to the service actor without ``.remote()``: buffered reports, keyed draws, stats.

    Args:
        actor: the service's actor handle.
        batch_size, flush_interval: when buffered reports are sent (rows, seconds).
        draw_timeout: seconds to wait for a draw before falling back to a seeded uniform draw.
        call_timeout: seconds to wait for other calls (stats, table, flush's sends).
        seed: seed of the fallback draw (mixed with the key, so ranks falling back agree).

    Usable as a context manager; ``close()`` flushes and stops the sender thread.
    """

    def __init__(self, actor, *, batch_size: int = 1024, flush_interval: float = 0.5,
                 draw_timeout: float = 10.0, call_timeout: float = 60.0, seed: int = 0) -> None:
        import ray

        self._ray = ray
        self.actor = actor
        self.draw_timeout = draw_timeout
        self.call_timeout = call_timeout
        self.seed = seed
        self.fallback_draws = 0
        self.info = self._get(actor.info.remote())
        # The pool ids stay in this process's object store for the fallback draw (wait for them:
        # a service that dies right after connect must still leave a fallback).
        self._ids_ref = actor.pool_ids.remote()
        ray.wait([self._ids_ref], timeout=call_timeout)
        self._buffer = ReportBuffer(self._send_many, batch_size=batch_size, flush_interval=flush_interval)

    def _get(self, ref, timeout: float | None = None):
        return self._ray.get(ref, timeout=self.call_timeout if timeout is None else timeout)

    def _send_many(self, batches: list[Batch]) -> list:
        refs = [self.actor.report.remote(b.batch_id, **b.payload) for b in batches]
        results = []
        for ref in refs:
            try:
                self._get(ref)
                results.append(None)
            except Exception as exc:  # noqa: BLE001 - classified by the buffer (retry vs reject)
                results.append(exc)
        return results

    # -- reports ---------------------------------------------------------------------------------

    def report(self, problem_ids, rewards, n_tokens=None, n_steps=None, round=None, statuses=None) -> None:
        """Queue outcomes (validated now, sent in the background). Never waits for the service.

        Raises:
            InvalidInputError: the batch breaks a rule of ``validate_outcomes`` (nothing queued).
        """
        self._buffer.add(validate_outcomes(problem_ids, rewards, n_tokens, n_steps, statuses, round))

    def report_now(self, batch_id: str, problem_ids, rewards, n_tokens=None, n_steps=None, round=None,
                   statuses=None) -> dict:
        """Send one batch synchronously under the caller's batch id; returns the service's answer."""
        return self._get(self.actor.report.remote(batch_id, problem_ids, rewards, n_tokens, n_steps, round,
                                                  statuses))

    def flush(self, timeout: float | None = None) -> None:
        """Block until every report queued so far is acknowledged (see ``ReportBuffer.flush``)."""
        self._buffer.flush(timeout)

    async def aflush(self, timeout: float | None = None) -> None:
        """``flush`` for async code (runs in a worker thread)."""
        await asyncio.to_thread(self.flush, timeout)

    @property
    def pending(self) -> int:
        """Outcomes queued but not yet acknowledged."""
        return self._buffer.pending

    # -- draws and queries -----------------------------------------------------------------------

    def draw(self, key, n: int, round: int | None = None) -> tuple[list[str], np.ndarray]:
        """Keyed draw through the service; a seeded uniform draw if it cannot answer in time."""
        key = validate_key(key)
        n = validate_n(n, self.info["pool_size"])
        try:
            return self._get(self.actor.draw.remote(key, n, round), timeout=self.draw_timeout)
        except InvalidInputError:
            raise
        except Exception as exc:  # noqa: BLE001 - any transport failure or timeout -> fallback
            logger.warning("Selection service did not answer draw(%r) within %.1f s (%s: %s); "
                           "using a seeded uniform draw instead.", key, self.draw_timeout,
                           type(exc).__name__, exc)
            return self._fallback_draw(key, n)

    def _fallback_draw(self, key, n: int) -> tuple[list[str], np.ndarray]:
        self.fallback_draws += 1
        rng = np.random.default_rng([self.seed, zlib.crc32(repr(key).encode())])
        idx = np.sort(rng.choice(self.info["pool_size"], size=n, replace=False)).astype(np.int64)
        try:
            ids = self._get(self._ids_ref, timeout=self.draw_timeout)
        except Exception as exc:  # noqa: BLE001
            raise ServiceUnavailableError(
                "The selection service is unreachable and the pool ids for a fallback draw never "
                "arrived; check the service (`sai-dpo status`) and reconnect."
            ) from exc
        return ids[idx].tolist(), idx

    def table(self):
        """The engine's per (skill, level) table."""
        return self._get(self.actor.table.remote())

    def summary(self) -> dict:
        """The engine's summary."""
        return self._get(self.actor.summary.remote())

    def stats(self) -> dict:
        """The service's counters (reports, outcomes by status, duplicates, last snapshot)."""
        return self._get(self.actor.stats.remote())

    def snapshot(self) -> str:
        """Flush queued reports, then make the service write a snapshot now; returns its path."""
        self.flush(self.call_timeout)
        return self._get(self.actor.snapshot.remote())

    def close(self, timeout: float | None = 30.0) -> None:
        """Flush queued reports (up to ``timeout`` s) and stop the sender thread."""
        self._buffer.close(timeout)

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
