"""A worker task for pool tests: sleeps for the requested seconds, then echoes its input."""

import time


def run(task):
    """``task`` is (seconds, value); None is the warm-up call."""
    if task is None:
        return None
    seconds, value = task
    time.sleep(seconds)
    return value
