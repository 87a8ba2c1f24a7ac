"""A `ray start --head` cluster of its own, for benchmarks and tests that run things as users deploy them.

    head = RayHead(cpus=4)
    address = head.start()       # "127.0.0.1:PORT"; join with ray.init(address=...) or --address
    ...
    head.stop()                  # this cluster only

The head runs ``ray start --head --block`` on a free port with its own temporary folder, in its own
process group, so ``stop()`` ends exactly its processes (``ray stop`` would end every Ray process on
the machine, other people's too). Token authentication is off for it and for the processes this one
starts afterwards (``RAY_AUTH_MODE=disabled`` in the environment).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class RayHead:
    """One local Ray head node started with ``ray start --head --block``; see the module docstring."""

    def __init__(self, cpus: int = 2, start_timeout: float = 120.0) -> None:
        self.cpus = cpus
        self.start_timeout = start_timeout
        self.address: str | None = None
        self._proc: subprocess.Popen | None = None
        self._folder: str | None = None

    def start(self) -> str:
        """Start the head and wait until it listens; returns its address ``127.0.0.1:PORT``."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self._folder = tempfile.mkdtemp(prefix="rh", dir="/tmp")  # short: Ray's socket paths are length-limited
        os.environ["RAY_AUTH_MODE"] = "disabled"  # inherited by the head and by processes started after
        ray_cli = Path(sys.executable).with_name("ray")
        self._proc = subprocess.Popen(
            [str(ray_cli), "start", "--head", "--block", f"--port={port}", f"--num-cpus={self.cpus}",
             "--include-dashboard=false", f"--temp-dir={self._folder}", "--disable-usage-stats"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"`ray start --head` exited with status {self._proc.returncode}")
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    self.address = f"127.0.0.1:{port}"
                    return self.address
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"`ray start --head` did not listen within {self.start_timeout:g} s")

    def stop(self) -> None:
        """End this head's process group (SIGTERM, then SIGKILL after 15 s) and remove its folder."""
        if self._proc is not None:
            for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self._proc.pid, sig)
                    self._proc.wait(timeout=wait)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue
            try:  # what SIGTERM left of the group (the head's own children)
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
        self.address = None
