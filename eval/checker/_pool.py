"""Worker processes with a hard wall-clock limit per task (no signals: works in any thread, in Ray).

Each worker is a spawned process joined to the parent by a pipe. A task is sent to an idle worker
and the caller polls the pipe until its deadline; a worker that misses the deadline is killed and a
fresh one is started in its place, so one stuck sympy call never blocks later items.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection

__all__ = ["WorkerPool", "get_pool", "shutdown_pool", "TaskTimeout"]

log = logging.getLogger(__name__)
STARTUP_TIMEOUT = 120.0
# The folder holding the ``eval`` package, so workers import the same code as their parent.
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_MEMORY_LIMIT = 2 * 1024**3


class TaskTimeout(Exception):
    """The worker did not answer within the deadline and was killed."""


def _watch_parent(interval: float = 1.0) -> None:
    """Exit this worker soon after its parent dies, even in the middle of a long sympy call."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="checker-parent-watch", daemon=True).start()


def _worker_main(conn, fn_path: str) -> None:
    """Worker loop: import the task function, say ready, then answer tasks until told to stop."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (_MEMORY_LIMIT, _MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):
        pass
    import importlib

    _watch_parent()
    module, name = fn_path.rsplit(":", 1)
    fn = getattr(importlib.import_module(module), name)
    fn(None)  # warm-up: import sympy and the parser before declaring ready
    conn.send(("ready", os.getpid()))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            conn.send(("ok", fn(task)))
        except MemoryError:
            conn.send(("error", "out of memory"))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"[:300]))


class _Duplex:
    """send/recv/poll over two one-way pipe connections (one per direction)."""

    def __init__(self, reader: Connection, writer: Connection):
        self.reader, self.writer = reader, writer

    def send(self, obj) -> None:
        self.writer.send(obj)

    def recv(self):
        return self.reader.recv()

    def poll(self, timeout: float) -> bool:
        return self.reader.poll(timeout)

    def close(self) -> None:
        for c in (self.reader, self.writer):
            try:
                c.close()
            except OSError:
                pass


class _Worker:
    """A plain ``python -m eval.checker._worker`` child process (not multiprocessing, so a caller's
    ``__main__`` is never re-imported and no ``if __name__ == "__main__"`` guard is needed)."""

    def __init__(self, fn_path: str):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH", "")) if p)
        cmd = [sys.executable, "-m", "eval.checker._worker", str(to_child_r), str(from_child_w), fn_path]
        self.proc = subprocess.Popen(
            cmd, pass_fds=(to_child_r, from_child_w), env=env, stdin=subprocess.DEVNULL, close_fds=True
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self.conn = _Duplex(Connection(from_child_r, writable=False), Connection(to_child_w, readable=False))
        self.ready = False

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(timeout):
            try:
                self.ready = self.conn.recv()[0] == "ready"
            except (EOFError, OSError):
                return False
        return self.ready

    def kill(self) -> None:
        try:
            self.proc.kill()
            self.proc.wait(timeout=5.0)
        except (OSError, subprocess.TimeoutExpired):
            pass
        self.conn.close()


class WorkerPool:
    """A growable set of worker processes running ``fn_path`` ("module:function") on tasks."""

    def __init__(self, fn_path: str, size: int = 2):
        self._fn_path = fn_path
        self._size = max(1, size)
        self._idle: list[_Worker] = []
        self._count = 0
        self._cond = threading.Condition()
        self._closed = False

    def ensure(self, size: int) -> None:
        """Grow to at least ``size`` workers and start the missing ones now (non-blocking)."""
        with self._cond:
            self._size = max(self._size, size)
            while self._count < self._size:
                self._idle.append(_Worker(self._fn_path))
                self._count += 1

    def warm(self, timeout: float = STARTUP_TIMEOUT, task=None) -> None:
        """Start every worker and wait until each has imported its libraries; with ``task``, also run
        it once on every idle worker (all at once), e.g. to warm caches a first real task would fill.
        A worker that does not answer the task within ``timeout`` is killed and replaced, so no late
        answer is ever read as a later task's."""
        self.ensure(self._size)
        if task is None:
            with self._cond:
                workers = list(self._idle)
            for w in workers:
                w.wait_ready(timeout)
            return
        with self._cond:
            workers, self._idle = self._idle, []  # held while they warm: no caller gets a busy worker
        good: list[_Worker] = []
        try:
            sent = []
            for w in workers:
                try:
                    if w.wait_ready(timeout):
                        w.conn.send(task)
                        sent.append(w)
                except (OSError, ValueError):
                    pass
            for w in sent:
                try:
                    if w.conn.poll(timeout) and w.conn.recv()[0] == "ok":
                        good.append(w)
                except (EOFError, OSError):
                    pass
        finally:
            bad = [w for w in workers if w not in good]
            with self._cond:
                closed = self._closed
                if not closed:
                    self._idle.extend(good)
                self._count -= len(bad) + (len(good) if closed else 0)
                self._cond.notify_all()
            for w in bad + (good if closed else []):
                w.kill()
            if bad and not closed:
                self.ensure(self._size)  # replacements start now and warm up in the background

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise RuntimeError("checker worker pool is shut down")
                if self._idle:
                    return self._idle.pop()
                if self._count < self._size:
                    self._count += 1
                    return _Worker(self._fn_path)
                self._cond.wait()

    def _release(self, worker: _Worker | None) -> None:
        with self._cond:
            if worker is not None and not self._closed:
                self._idle.append(worker)
            else:
                self._count -= 1
                if worker is not None:
                    worker.kill()
            self._cond.notify()

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._cond:
            self._count -= 1
        if not self._closed:
            self.ensure(self._size)  # start the replacement now, so it warms up in the background
        with self._cond:
            self._cond.notify()

    def run(self, task, timeout: float):
        """Run one task; the limit counts from when a ready worker takes it. Raises TaskTimeout."""
        worker = self._acquire()
        if not worker.wait_ready(STARTUP_TIMEOUT):
            self._replace(worker)
            raise TaskTimeout("checker worker failed to start")
        try:
            worker.conn.send(task)
            if worker.conn.poll(timeout):
                kind, payload = worker.conn.recv()
                self._release(worker)
                if kind == "error":
                    raise RuntimeError(payload)
                return payload
        except (EOFError, OSError, BrokenPipeError):
            pass  # the worker died (e.g. killed for memory): treat as a timeout
        except BaseException:
            # Ctrl-C, or any error while waiting: the worker may still be busy with the task, so it is
            # replaced, never leaked (a leaked worker left the next callers waiting for a free one forever)
            self._replace(worker)
            raise
        self._replace(worker)
        raise TaskTimeout(f"no answer within {timeout:g}s; worker killed")

    def shutdown(self) -> None:
        """Stop every idle worker; busy ones are killed when their task returns."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for w in idle:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
            w.kill()


_POOL: WorkerPool | None = None
_POOL_LOCK = threading.Lock()


def get_pool(fn_path: str, size: int) -> WorkerPool:
    """The process-wide pool, created lazily on first use (and again after a fork)."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None or _POOL._closed or getattr(_POOL, "_pid", None) != os.getpid():
            _POOL = WorkerPool(fn_path, size)
            _POOL._pid = os.getpid()
        _POOL.ensure(size)
        return _POOL


def shutdown_pool() -> None:
    """Stop the process-wide pool (also registered to run at interpreter exit)."""
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        pool.shutdown()


atexit.register(shutdown_pool)

