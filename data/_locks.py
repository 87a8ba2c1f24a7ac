"""One file-lock primitive for everything that must not be written by two processes at once: a
command's output folder (``data._cli_args.lock_output``) and a service's checkpoint folder
(``sai_dpo._service_durability``). ``flock`` locks end with the process that holds them, a crash
included, so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path

__all__ = ["try_lock", "holder_of"]


def _holder(fd: int) -> str:
    return os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"


def try_lock(path: str | os.PathLike) -> int | str:
    """Take an exclusive lock on the file ``path`` (created if missing) and write who holds it.

    Returns the open descriptor (keep it open to keep the lock), or, when a live process holds it, that
    process's note ("pid 123 on host").
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        held_by = _holder(fd)
        os.close(fd)
        return held_by
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
    return fd


def holder_of(path: str | os.PathLike) -> str | None:
    """Who holds the lock file ``path`` now, without taking it (None: nobody, or no such file)."""
    if not Path(path).is_file():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return _holder(fd)
    finally:
        os.close(fd)
    return None
