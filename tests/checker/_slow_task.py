"""A worker task for pool tests: sleeps for the requested seconds, then echoes its input."""

import os
import time


def run(task):
    """``task`` is (seconds, value); None is the warm-up call; ("touch", path) appends this worker's pid
    to ``path`` (what ``WorkerPool.warm(task=...)`` ran where)."""
    if task is None:
        return None
    if task[0] == "touch":
        with open(task[1], "a") as fh:
            fh.write(f"{os.getpid()}\n")
        return None
    seconds, value = task
    time.sleep(seconds)
    return value
