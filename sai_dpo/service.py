"""The selection service on Ray: a named, detached actor shared by every worker and trainer rank.

``SelectionService`` (a plain class, importable and testable without a cluster) does the work;
``launch`` wraps it with ``ray.remote`` as a named, detached actor that restarts itself after a
crash and reloads its newest snapshot; ``connect`` finds it by name from any driver. Both return a
``ServiceClient`` that hides ``.remote()`` / ``ray.get``, checks reported problem ids against the
pool, buffers reports and sends them in batches from a background thread.

Crash safety: the actor appends every report batch to a journal in its checkpoint directory (and
fsyncs it) before acknowledging it, and a restarted actor replays the journal after its newest
snapshot, so a batch the client saw acknowledged is never lost; batches in flight are retried by
the client under the same batch id and counted once.

Example:
    >>> from sai_dpo.service import launch                       # doctest: +SKIP
    >>> client = launch(pool, SelectionConfig(seed=0), checkpoint_dir="ckpt")
    >>> ids, idx = client.draw("step-0", 64)                     # same key -> same answer
    >>> client.report(ids, rewards, n_tokens=lengths)             # buffered, non-blocking
    >>> client.flush(); print(client.stats())
"""

from __future__ import annotations

import asyncio
import atexit
import dataclasses
import json
import logging
import os
import shutil
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from sai_dpo import _journal, _snapshot
from sai_dpo._outcomes import unknown_ids_error, validate_key, validate_n, validate_outcomes
from sai_dpo._report_buffer import Batch, ReportBuffer, check_batch_settings
from sai_dpo._selection_service import SelectionService, _fingerprint
from sai_dpo._service_durability import check_folder_free
from sai_dpo._service_pool import IdIndex, ids_at, read_pool_columns, read_pool_ids
from sai_dpo.config import SelectionConfig
from sai_dpo.errors import InvalidInputError, PoolChangedError, SaiDpoError, ServiceUnavailableError

__all__ = ["SelectionService", "ServiceClient", "ServiceUnavailableError", "launch", "connect", "DEFAULT_NAME",
           "DEFAULT_NAMESPACE"]

logger = logging.getLogger(__name__)

DEFAULT_NAME = "sai-dpo"
DEFAULT_NAMESPACE = "sai_dpo"
# A task in flight when the actor dies is re-run on the restarted actor a few times; beyond that
# the client's own retry (same batch id) takes over. Reports and draws are idempotent, so safe.
_MAX_TASK_RETRIES = 3


#: Seconds between two client warnings of the same kind (fallback draws, a service not joined).
LOG_EVERY = 30.0

#: The actor's concurrency group for draws: their own threads, so a draw never queues behind reports
#: (which keep the default queue, one at a time, in order).
DRAW_GROUP = "draws"
# Ray starts its worker processes at niceness 15 (its `worker_niceness` setting), below every trainer and
# rollout process on the node (niceness 0): under a full CPU the service then waited behind them (draw
# p99 350 ms on a 2-core `ray start` cluster). The service's worker keeps the raylet's own niceness, as
# Ray's job supervisor does.
SERVICE_RUNTIME_ENV = {"env_vars": {"RAY_worker_niceness": "0"}}
#: Seconds to wait for a Ray cluster at an explicit ip:port before saying it cannot be reached.
CONNECT_TIMEOUT = 10.0


def _ensure_ray(address: str | None, namespace: str, connect_timeout: float = CONNECT_TIMEOUT) -> None:
    """Start an embedded Ray instance of this process's own (``address=None``: never a cluster that
    happens to run on the machine), or join the cluster at ``address`` after checking it answers."""
    import ray

    if ray.is_initialized():
        return
    if address is None:
        ray.init(address="local", namespace=namespace, include_dashboard=False)
    else:
        check_reachable(address, connect_timeout)
        _join(address, namespace)


def _use_local_token() -> None:
    """Turn on Ray's token authentication when this machine holds a Ray token and ``RAY_AUTH_MODE`` is
    unset, as a new local ``ray.init()`` does: the `status` command that `serve` prints failed against
    the embedded cluster it had started without it (after ~20 s of retries)."""
    if "RAY_AUTH_MODE" in os.environ:
        return
    try:
        from ray._private.authentication.authentication_token_setup import (
            maybe_enable_token_auth_if_token_available,
        )
    except ImportError:  # a Ray without token authentication: nothing to turn on
        return
    maybe_enable_token_auth_if_token_available(warn_if_disabled=False)


def _join(address: str, namespace: str) -> None:
    """``ray.init`` on a cluster, its failure said in one line (Ray's own is a long traceback)."""
    import ray

    _use_local_token()
    try:
        ray.init(address=address, namespace=namespace)
    except ConnectionError as exc:
        raise ServiceUnavailableError(
            f"Could not join the Ray cluster at {address}: {str(exc).strip().splitlines()[-1][:200]}. If the cluster "
            "uses token authentication (Ray's `ray start` may turn it on), set RAY_AUTH_MODE=token in this shell."
        ) from None


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise ServiceUnavailableError in ``timeout`` seconds when nothing listens at ``ip:port`` (Ray
    itself retries for minutes). ``"auto"`` and ``ray://`` addresses are left to Ray."""
    import socket

    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in address:
        return
    try:
        with socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout) as sock:
            speaks_grpc = os.environ.get("RAY_USE_TLS", "0") not in ("0", "") or _answers_http2(sock)
    except OSError as exc:
        how = (f"within {timeout:g} s" if isinstance(exc, TimeoutError)
               else f"({exc.strerror or exc}: nothing listens there)")
        raise ServiceUnavailableError(
            f"No Ray cluster answers at {address} {how}. Check the address (`ray status` on the head node "
            "prints it), or raise the connect timeout."
        ) from None
    if not speaks_grpc:  # something listens there, but not a Ray head (its GCS speaks gRPC over HTTP/2)
        raise ServiceUnavailableError(
            f"Something listens at {address}, but it is not a Ray cluster's head (no gRPC answer within "
            f"{timeout:g} s). Check the address (`ray status` on the head node prints it)."
        )


def _answers_http2(sock) -> bool:
    """Whether the peer answers the HTTP/2 connection preface with a SETTINGS frame, as a gRPC server does."""
    sock.sendall(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x00\x04\x00\x00\x00\x00\x00")
    head = b""
    try:
        while len(head) < 9:
            chunk = sock.recv(9 - len(head))
            if not chunk:
                return False
            head += chunk
    except TimeoutError:  # accepted, never answered
        return False
    return head[3] == 0x04  # frame type SETTINGS


def _write_pool(pool: Any, checkpoint_dir: Path, validate: bool = True) -> Path:
    """Validate the pool and store it as ``pool.parquet`` (+ its fingerprint) in the checkpoint dir.

    Raises:
        InvalidInputError: the directory holds snapshots or a journal of a different pool.
    """
    is_path = isinstance(pool, (str, os.PathLike))
    if is_path and not validate and Path(pool).suffix == ".parquet":
        cols = read_pool_columns(pool, validate=False)
        src = Path(pool)
        write = lambda tmp: shutil.copyfile(src, tmp)  # noqa: E731
    else:
        if is_path:
            from sai_dpo._service_pool import _load

            pool = _load(Path(pool))  # validates every row
        cols = read_pool_columns(pool, validate=validate and not is_path)
        write = lambda tmp: pool.to_parquet(str(tmp))  # noqa: E731
    fingerprint = _fingerprint(cols.ids)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    meta = checkpoint_dir / "pool.json"
    target = checkpoint_dir / "pool.parquet"
    if meta.exists() and (_snapshot.list_snapshots(checkpoint_dir) or _journal.list_segments(checkpoint_dir)):
        old = json.loads(meta.read_text()).get("fingerprint")
        if old != fingerprint:
            raise InvalidInputError(
                f"{checkpoint_dir} holds snapshots or a journal of a different pool. Relaunch with the same pool, "
                "or choose a fresh checkpoint_dir."
            )
        if target.exists():
            try:
                if _fingerprint(read_pool_ids(target)) == fingerprint:
                    return target
            except Exception:  # noqa: BLE001 - damaged (cut short, not parquet): written again below
                pass
            logger.warning("%s is not the pool its snapshots and journal were made over (damaged or replaced); "
                           "writing it again from the pool given, which is.", target)
    tmp = checkpoint_dir / ".pool.parquet.tmp"
    write(tmp)
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
    connect_timeout: float = CONNECT_TIMEOUT,
    snapshot_every: int = 100,
    snapshot_min_interval: float = 5.0,
    key_cache_size: int = 4096,
    validate: bool = True,
    journal: bool = True,
    journal_fsync: bool = True,
    **client_options: Any,
) -> ServiceClient:
    """Start the service as a named, detached actor (or join the one already running) and connect.

    If an actor of that name already runs in the namespace, this only connects to it (its pool,
    config and checkpoint directory stay as they are).

    Args:
        pool: a ``datasets.Dataset`` or a pool file; validated here, then stored as parquet in
            ``checkpoint_dir`` so a restarted actor rebuilds itself from its constructor args.
        config: a ``SelectionConfig``.
        name, namespace: how other drivers find the actor (``connect(name, namespace)``).
        checkpoint_dir: snapshots, the journal and the pool file (default
            ``./sai-dpo-checkpoints/<namespace>-<name>``).
        address: a running cluster (``"auto"``, ``"ip:port"``); ``None`` joins the Ray instance this
            process already has, or starts an embedded one.
        connect_timeout: seconds to wait for an ``ip:port`` address before ServiceUnavailableError.
        snapshot_every: snapshot after this many applied reports (with the journal on this bounds
            restart time and journal size; nothing acknowledged is lost either way).
        snapshot_min_interval: with the journal on, at most one periodic snapshot per this many seconds.
        key_cache_size: draw keys the service remembers (LRU).
        validate: check every row with ``data.validate_pool`` (``False`` only for a pool you
            validated already; ids are always checked).
        journal: journal every report before acknowledging it (see ``SelectionService``).
        journal_fsync: fsync the journal per report (``False``: flush to the OS only, which
            survives the actor process dying but not the machine).
        **client_options: passed to ``ServiceClient``.
    """
    import ray

    _check_client_options(client_options)  # before anything starts: a bad option must leave no service behind
    if config is not None and not isinstance(config, SelectionConfig):
        raise InvalidInputError(
            f"config must be a SelectionConfig (e.g. SelectionConfig(min_spread=0)) or None. Got "
            f"{type(config).__name__} {str(config)[:60]} instead; a dict d works as SelectionConfig(**d).")
    _ensure_ray(address, namespace, connect_timeout)
    try:
        actor = ray.get_actor(name, namespace=namespace)
    except ValueError:
        actor = None
    if actor is not None:  # join it only if it is the service asked for: same pool, same settings
        client = ServiceClient(actor, name=name, namespace=namespace, **client_options)
        _check_same_service(client.info, pool, config, checkpoint_dir, name, namespace)
        logger.info("Selection service %r already runs in namespace %r with this pool; connecting to it "
                    "(it keeps running when this client stops).", name, namespace)
        return client
    ckpt = Path(checkpoint_dir or Path.cwd() / "sai-dpo-checkpoints" / f"{namespace}-{name}").resolve()
    check_folder_free(ckpt)  # another live service's folder: refused before its pool file is rewritten
    pool_path = _write_pool(pool, ckpt, validate)
    actor = (
        ray.remote(concurrency_groups={DRAW_GROUP: 2})(SelectionService)
        .options(name=name, namespace=namespace, lifetime="detached", get_if_exists=True, num_cpus=0,
                 max_restarts=-1, max_task_retries=_MAX_TASK_RETRIES, runtime_env=SERVICE_RUNTIME_ENV)
        .remote(str(pool_path), config, checkpoint_dir=str(ckpt), snapshot_every=snapshot_every,
                snapshot_min_interval=snapshot_min_interval, key_cache_size=key_cache_size, validate=False, journal=journal, journal_fsync=journal_fsync)
    )
    logger.info("Selection service %r in namespace %r (checkpoints in %s).", name, namespace, ckpt)
    client = ServiceClient(actor, name=name, namespace=namespace, **client_options)
    client.owns_service, client._started_actor_id = True, actor._actor_id
    return client


def _check_client_options(options: dict) -> None:
    """The ``ServiceClient`` options of ``launch``/``connect``, checked before Ray is touched."""
    import inspect

    params = inspect.signature(ServiceClient.__init__).parameters
    known = set(params) - {"self", "actor", "name", "namespace"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise InvalidInputError(f"Unknown ServiceClient option(s) {', '.join(unknown)}; the options are "
                                f"{', '.join(sorted(known))}.")
    check_batch_settings(*(options.get(k, params[k].default) for k in ("batch_size", "max_merge")))


def _wait_for_folder(checkpoint_dir: str | None, deadline: float) -> None:
    """Wait (until ``deadline``) for a stopped actor's process to let go of its checkpoint folder's lock: the
    actor stops answering before its process has exited, and a ``serve`` on the folder in between was
    refused as "in use". A folder this machine cannot see (the actor ran on another node) is not waited on."""
    from data._locks import holder_of

    lock = Path(checkpoint_dir) / ".lock" if checkpoint_dir else None
    while lock is not None and holder_of(lock) is not None and time.monotonic() < deadline:
        time.sleep(0.05)


def _check_same_service(info: dict, pool: Any, config: Any, checkpoint_dir, name: str, namespace: str) -> None:
    """Refuse to attach to a running service whose pool, config or checkpoint folder differ from the
    caller's: its draws would name problems the caller does not have, and stopping the caller must
    never write into, or stop, someone else's service."""
    cols = read_pool_columns(pool if not isinstance(pool, (str, os.PathLike)) else _load_pool_file(pool), validate=False)
    differs = []
    if info.get("pool_fingerprint") != _fingerprint(cols.ids):
        differs.append(f"another pool ({info.get('pool_size')} problems; yours has {len(cols.ids)})")
    if config is not None and info.get("config") is not None and dataclasses.asdict(config) != info["config"]:
        changed = sorted(k for k, v in dataclasses.asdict(config).items() if info["config"].get(k) != v)
        differs.append(f"another config ({', '.join(changed[:4])})")
    if checkpoint_dir is not None and info.get("checkpoint_dir") != str(Path(checkpoint_dir).resolve()):
        differs.append(f"another checkpoint folder ({info.get('checkpoint_dir')})")
    if differs:
        raise InvalidInputError(
            f"A selection service named {name!r} already runs in namespace {namespace!r} with {'; '.join(differs)}. "
            f"Use it with connect({name!r}, {namespace!r}, address={_cluster_address()!r}), or start a second one "
            "under another name "
            "(launch(..., name='other') / `sai-dpo serve --name other`)."
        )


def _cluster_address() -> str | None:
    import ray

    try:
        return ray.get_runtime_context().gcs_address
    except Exception:  # noqa: BLE001 - only for a hint in a message
        return None


def _load_pool_file(pool: Any):
    from sai_dpo._service_pool import _load

    return _load(Path(pool))


def connect(name: str = DEFAULT_NAME, namespace: str = DEFAULT_NAMESPACE, address: str | None = None,
            connect_timeout: float = CONNECT_TIMEOUT, wait: float = 0.0, **client_options: Any) -> ServiceClient:
    """Find a running service by name (from any driver) and return a client for it.

    ``address=None`` uses this process's Ray instance if it has one, else ``$RAY_ADDRESS`` or ``"auto"``.
    An ``ip:port`` address that does not answer within ``connect_timeout`` seconds raises
    ``ServiceUnavailableError`` (Ray alone would retry for minutes).

    ``wait`` seconds: keep looking for the service that long (the other ranks of a run whose rank 0
    starts it with ``launch``).

    Raises:
        InvalidInputError: no service of that name runs in that namespace (within ``wait`` s).
    """
    import ray

    _check_client_options(client_options)
    if not ray.is_initialized():
        target = address or os.environ.get("RAY_ADDRESS", "auto")
        check_reachable(target, connect_timeout)
        _join(target, namespace)
    deadline = time.monotonic() + max(0.0, wait)
    while True:
        try:
            actor = ray.get_actor(name, namespace=namespace)
            break
        except ValueError as exc:
            if time.monotonic() < deadline:
                time.sleep(0.2)
                continue
            raise InvalidInputError(
                f"No selection service named {name!r} in namespace {namespace!r} on this cluster"
                + (f" after {wait:g} s" if wait > 0 else "") + ". Start one with `sai-dpo serve --pool FILE` "
                "or sai_dpo.service.launch(...); ranks that start before it can wait (connect(..., wait=60))."
            ) from exc
    return ServiceClient(actor, name=name, namespace=namespace, **client_options)


class ServiceClient:
    """Talk to the service actor without ``.remote()``: buffered reports, keyed draws, stats.

    Args:
        actor: the service's actor handle.
        batch_size, flush_interval: when buffered reports are sent (rows, seconds).
        max_merge: rows buffered beyond ``batch_size`` when the sender cuts (the service was
            behind) go in batches of up to ``max_merge`` x ``batch_size`` rows, fewer calls and fsyncs
            for the service; ``1`` always sends ``batch_size``-row batches.
        draw_timeout: seconds to wait for a draw before falling back to a seeded uniform draw.
        call_timeout: seconds to wait for other calls (stats, table, flush's sends).
        seed: seed of the fallback draw (mixed with the key, so ranks falling back agree).
        check_ids: check reported problem ids against the pool in ``report`` (one
            hash-index lookup per call), so a bad id raises at once and is never buffered.
            ``False`` leaves it to the service, which applies the known rows of a batch and names
            the unknown ids in an ``UnknownProblemIdError`` raised from the next ``flush()``.

    Usable as a context manager; ``close()`` flushes and stops the sender thread.
    """

    def __init__(self, actor, *, batch_size: int = 1024, flush_interval: float = 0.5, max_merge: int = 32,
                 draw_timeout: float = 10.0, call_timeout: float = 60.0, seed: int = 0,
                 check_ids: bool = True, name: str | None = None, namespace: str | None = None) -> None:
        import ray

        self._ray = ray
        self.actor = actor
        #: The service's name and namespace: after it was stopped and started again (``sai-dpo stop``, then
        #: ``serve`` on the same checkpoint folder), the client finds the new actor by them.
        self.name, self.namespace = name, namespace
        #: True only for the client of the process that started the service (``launch`` that created
        #: it): only that process may stop it; a client that attached never does.
        self.owns_service = False
        self._started_actor_id = None  # the actor launch() started, when owns_service
        self._swap = threading.Lock()  # one thread at a time switches to a restarted service
        self.draw_timeout = draw_timeout
        self.call_timeout = call_timeout
        self.seed = seed
        self.fallback_draws = 0
        self.check_ids = check_ids
        self.info = self._get(actor.info.remote())
        # The pool ids stay in this process's object store for the fallback draw (wait for them:
        # a service that dies right after connect must still leave a fallback); an index over them
        # checks reported ids.
        self._ids_ref = actor.pool_ids.remote()
        self._index: IdIndex | None = None
        self._rows_fingerprint: str | None = None
        self._index_lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._logged: dict[str, float] = {}
        self._left_out: dict[str, int] = {}
        self._send_rows = True  # checked reports go as pool rows (until the service's pool changes)
        ray.wait([self._ids_ref], num_returns=1, timeout=call_timeout)
        self._buffer = ReportBuffer(self._send_many, batch_size=batch_size, flush_interval=flush_interval,
                                    max_merge=max_merge)
        atexit.register(self.close, 10.0)  # deliver what is buffered if the program just ends

    def _get(self, ref, timeout: float | None = None):
        """``ray.get``, with the service's own errors raised as themselves: an ``InvalidInputError``
        raised in the actor reaches the caller as that error with its one-line message, not as a
        ``RayTaskError`` holding the remote traceback."""
        try:
            return self._ray.get(ref, timeout=self.call_timeout if timeout is None else timeout)
        except self._ray.exceptions.RayTaskError as exc:
            cause = getattr(exc, "cause", None)
            if isinstance(cause, SaiDpoError):
                raise cause.with_traceback(None) from None
            raise

    def _reattach(self, failed, timeout: float | None = None) -> bool:
        """The actor ``failed`` is gone for good (stopped: Ray does not restart it). If a service of the same
        name runs again on the same pool, checkpoint folder and settings (``serve`` after ``stop``), talk to
        it from now on; True when this client does (also when another thread of it already switched).
        Never joins a service of another pool, folder or config. Waits at most ``timeout`` s for it."""
        if self.name is None:
            return False
        with self._swap:
            if self.actor is not failed:  # another thread (the report sender) switched already
                return True
            try:
                actor = self._ray.get_actor(self.name, namespace=self.namespace)
                if actor._actor_id == failed._actor_id:
                    return False
                info = self._ray.get(actor.info.remote(), timeout=min(self.call_timeout, timeout or self.call_timeout))
            except Exception:  # noqa: BLE001 - none runs (ValueError), or it does not answer: not reattached
                return False
            differ = [what for k, what in (("pool_fingerprint", "pool"), ("checkpoint_dir", "checkpoint folder"),
                                           ("config", "config")) if info.get(k) != self.info.get(k)]
            if differ:
                self._log_throttled("not-joined", "A service named %r runs again but with another %s; this client "
                                    "does not join it.", self.name, " and ".join(differ))
                return False
            self.actor, self.info = actor, info
            self._ids_ref = actor.pool_ids.remote()  # the old actor's objects may be gone with it
            self._index = None
        logger.warning("Selection service %r was started again; this client now talks to it.", self.name)
        return True

    def _call(self, method: str, *args, timeout: float | None = None, group: str | None = None):
        """Call an actor method and wait; if the actor is gone, reattach to its successor once (see
        ``_reattach``) or raise ServiceUnavailableError in one line."""
        for attempt in (0, 1):
            actor = self.actor
            fn = getattr(actor, method)
            fn = fn.options(concurrency_group=group) if group else fn
            try:
                return self._get(fn.remote(*args), timeout)
            except self._ray.exceptions.GetTimeoutError:
                waited = self.call_timeout if timeout is None else timeout
                raise ServiceUnavailableError(f"The selection service did not answer {method}() within {waited:g} s "
                                              "(busy, restarting or replaying its journal); try again.") from None
            except self._ray.exceptions.RayActorError as exc:
                if attempt == 0 and self._reattach(actor, timeout):
                    continue
                raise ServiceUnavailableError(
                    f"The selection service{'' if self.name is None else f' {self.name!r}'} is not running "
                    f"({type(exc).__name__}: stopped, or restarting). Start it again with `sai-dpo serve` on the "
                    "same --checkpoint-dir; this client reconnects to it by itself.") from None
        raise AssertionError("unreachable")

    def alive(self, timeout: float = 2.0) -> bool:
        """Whether the service answers now (reattaching to a restarted one if need be)."""
        try:
            self._call("info", timeout=timeout)
        except Exception:  # noqa: BLE001 - any failure means: not answering
            return False
        return True

    def _send_one(self, actor, b: Batch):
        if "rows" in b.payload:  # checked ids, sent as rows of the pool the client's index covers
            return actor.report_rows.remote(b.batch_id, **b.payload, pool_fingerprint=self._rows_fingerprint)
        # on_unknown="skip": a row naming an id not in the pool (possible with check_ids=False)
        # costs that row only, never the rest of a batch merged from many report() calls.
        return actor.report.remote(b.batch_id, **b.payload, on_unknown="skip")

    def _send_many(self, batches: list[Batch]) -> list:
        actor = self.actor
        refs = [self._send_one(actor, b) for b in batches]
        results = []
        for b, ref in zip(batches, refs, strict=True):
            try:
                try:
                    answer = self._get(ref)
                except PoolChangedError as exc:  # restarted on a changed pool file: this batch goes again, by id
                    if self._send_rows:
                        logger.warning("%s Sending reports by problem id from now on.", exc)
                    self._send_rows = False
                    rows = b.payload.pop("rows")
                    b.payload["problem_ids"] = self._id_index(wait=True).ids_at(rows)
                    answer = self._get(self._send_one(actor, b))
            except Exception as exc:  # noqa: BLE001 - classified by the buffer (retry vs reject)
                results.append(exc)
                continue
            if answer.get("unknown_ids"):  # applied, less the unknown rows: tell the caller at flush
                ids, bad = b.payload["problem_ids"], set(answer["unknown_ids"])
                rows = [k for k, pid in enumerate(ids) if pid in bad]
                results.append(unknown_ids_error(ids, rows, self.info["pool_size"], applied=answer["n"]))
            else:
                results.append(None)
        if any(isinstance(r, self._ray.exceptions.RayActorError) for r in results):
            self._reattach(actor)  # stopped, then started again: the retries (same batch ids) go to the new actor
        return results

    def check_pool(self, pool: Any) -> None:
        """Raise InvalidInputError unless ``pool`` (a Dataset or dict with an ``id`` column, or a list of
        ids) holds exactly the service's problem ids: the service draws from its own pool, so a training
        set that lacks some of them fails at a later draw, and ids it has beyond them are never drawn."""
        ids = list(dict.fromkeys(str(i) for i in (pool if isinstance(pool, list | tuple) else pool["id"])))
        theirs = self._id_index(wait=True)
        extra = int((theirs.lookup(ids) < 0).sum())  # ids not in the service's pool
        missing = len(theirs) - (len(ids) - extra)  # the service's ids this pool lacks
        if not extra and not missing:
            return
        raise InvalidInputError(
            f"This pool has {len(ids)} problems and the service's {self.info['pool_size']}; {missing} of the service's "
            f"ids are not in it and {extra} of its ids are not in the service's. Train on the pool the service serves "
            "(sai-dpo serve --pool THE_SAME_FILE), or serve this one under another --name.")

    def _id_index(self, wait: bool = False) -> IdIndex | None:
        """An index over the pool's ids; ``None`` while they have not arrived (the service checks instead),
        unless ``wait``."""
        with self._index_lock:  # built once per client (0.2-0.4 s at 1M ids), even if threads race here
            if self._index is not None:
                return self._index
            if wait:
                ids = self._get(self._ids_ref)
            else:
                try:
                    ids = self._get(self._ids_ref, timeout=0)
                except self._ray.exceptions.GetTimeoutError:  # not here yet: the service checks instead
                    return None
                except Exception:  # noqa: BLE001 - the service died before answering: ask its successor
                    self._ids_ref = self.actor.pool_ids.remote()
                    return None
            self._index = IdIndex(ids)
            # Of the ids the rows index (not self.info's, which a restart between the two calls could change).
            self._rows_fingerprint = _fingerprint(ids)
            return self._index

    # -- reports ---------------------------------------------------------------------------------

    def report(self, problem_ids, rewards, n_tokens=None, n_steps=None, round=None, statuses=None) -> None:
        """Queue outcomes (validated now, sent in the background). Never waits for the service.

        Raises:
            UnknownProblemIdError: some ids are not in the pool (its ``unknown_ids`` names them);
                nothing from this call is queued.
            InvalidInputError: the batch breaks a rule of ``validate_outcomes`` (nothing queued).
        """
        out = validate_outcomes(problem_ids, rewards, n_tokens, n_steps, statuses, round)
        index = self._id_index() if self.check_ids else None
        if index is not None:
            rows = index.lookup(out.problem_ids)
            unknown = np.flatnonzero(rows < 0)
            if len(unknown):
                raise unknown_ids_error(out.problem_ids, unknown, self.info["pool_size"], queued=True)
            if self._send_rows:  # sent as pool rows: the service skips its own lookup
                out.rows = rows
        self._buffer.add(out)

    def report_now(self, batch_id: str, problem_ids, rewards, n_tokens=None, n_steps=None, round=None,
                   statuses=None, on_unknown: str = "raise") -> dict:
        """Send one batch synchronously under the caller's batch id; returns the service's answer
        (see ``SelectionService.report``; once it returns, the batch is journaled)."""
        return self._call("report", batch_id, problem_ids, rewards, n_tokens, n_steps, round, statuses, on_unknown)

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

    def draw(self, key, n: int, round: int | None = None, fallback: bool = True) -> tuple[list[str], np.ndarray]:
        """Keyed draw through the service; if it cannot answer (in ``draw_timeout`` s), a seeded uniform
        draw (``fallback=False``: raise ServiceUnavailableError instead, as the HTTP front end does)."""
        key = validate_key(key)
        n = validate_n(n, self.info["pool_size"])
        start = time.monotonic()
        try:
            return self._call("draw", key, n, round, timeout=self.draw_timeout, group=DRAW_GROUP)
        except InvalidInputError:
            raise
        except Exception as exc:  # noqa: BLE001 - any transport failure or timeout -> fallback
            why = (f"did not answer draw({key!r}) within {self.draw_timeout:.1f} s"
                   if time.monotonic() - start >= self.draw_timeout
                   else f"could not draw({key!r}) after {time.monotonic() - start:.1f} s ({exc})")
            if not fallback:
                raise ServiceUnavailableError(f"The selection service {why}.") from None
            self._log_throttled("fallback", "Selection service %s; using a seeded uniform draw instead.", why)
            return self._fallback_draw(key, n)

    def _log_throttled(self, kind: str, msg: str, *args) -> None:
        """A warning, at most once per ``LOG_EVERY`` s per kind (a drawer in a loop during an outage
        logged thousands of lines); the next one says how many were left out."""
        now = time.monotonic()
        with self._log_lock:
            if now - self._logged.get(kind, -LOG_EVERY) < LOG_EVERY:
                self._left_out[kind] = self._left_out.get(kind, 0) + 1
                return
            self._logged[kind] = now
            left_out = self._left_out.pop(kind, 0)
        if left_out:
            msg += f" ({left_out} more like this in the last {LOG_EVERY:.0f} s were not logged.)"
        logger.warning(msg, *args)

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
        return ids_at(ids, idx), idx

    def round_of(self, key) -> int | None:
        """The round the service filed ``key`` under (``None`` if unknown); pass it to ``report``."""
        return self._call("round_of", key)

    def table(self):
        """The engine's per (skill, level) table."""
        return self._call("table")

    def summary(self) -> dict:
        """The engine's summary."""
        return self._call("summary")

    def stats(self) -> dict:
        """The service's counters (reports, outcomes by status, duplicates, last snapshot)."""
        return self._call("stats")

    def snapshot(self) -> str:
        """Flush queued reports, then make the service write a snapshot now; returns its path."""
        self.flush(self.call_timeout)
        return self._call("snapshot")

    def stop_service(self, snapshot: bool = True, timeout: float = 30.0) -> str | None:
        """Stop the service for every caller: flush this client's reports, write a final snapshot (unless
        ``snapshot=False``), then end the actor so that Ray does not restart it, and wait until it is gone
        (so a ``serve`` right after starts a new one instead of attaching to the dying one). Its checkpoint
        folder keeps everything acknowledged: ``serve``/``launch`` with the same folder resume it.

        What ``sai-dpo stop`` and a ``serve`` that started its service (on Ctrl-C) do; a client that only
        attached never stops the service by itself. Returns the snapshot's path (None without one).

        Raises:
            OSError: (``snapshot=True``) the snapshot could not be written (a degraded service, a full
                disk); nothing is stopped. Every acknowledged report is in the journal all the same,
                so ``snapshot=False`` then stops it without losing any.
            TimeoutError: the actor still answered ``timeout`` seconds after it was told to end.
            ServiceUnavailableError: the service is not running (stopped already), or this process
                started it and it was stopped and started again elsewhere (that one is left running).
        """
        actor = self.actor
        moved = ServiceUnavailableError("The service this process started was stopped elsewhere; the one now "
                                        "running under its name belongs to another process and is left running.")
        if self.owns_service and actor._actor_id != self._started_actor_id:
            raise moved  # this client follows a service another process started: not ours to stop
        if snapshot:
            self.flush(self.call_timeout)
        if self.actor is not actor:  # the flush found this one stopped and switched to a successor
            raise moved if self.owns_service else ServiceUnavailableError("The service was stopped meanwhile.")
        try:
            path = self._get(actor.snapshot.remote()) if snapshot else None  # this actor, never a successor
        except self._ray.exceptions.RayActorError:
            raise ServiceUnavailableError("The service is not running (stopped already).") from None
        self.close()
        self._ray.kill(actor, no_restart=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self._ray.get(actor.info.remote(), timeout=5)
            except (self._ray.exceptions.RayActorError, self._ray.exceptions.GetTimeoutError):
                _wait_for_folder(self.info.get("checkpoint_dir"), deadline)
                return path
            time.sleep(0.05)
        raise TimeoutError(f"The service actor still answered {timeout} s after it was told to stop.")

    def close(self, timeout: float | None = 30.0) -> None:
        """Flush queued reports (up to ``timeout`` s) and stop the sender thread. Idempotent."""
        atexit.unregister(self.close)
        self._buffer.close(timeout)

    def __enter__(self) -> ServiceClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
