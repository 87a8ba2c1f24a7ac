"""Reusable work buffers for the per-draw O(N) passes.

At a million problems every temporary array is 4 MB; numpy hands such blocks to the C allocator,
which maps and unmaps them from the OS on every call, and the page faults cost more than the
arithmetic (measured: a Thompson pass took 29 ms allocating, 10 ms with reused buffers). Policies
therefore keep named buffers and write into them with ``out=``. Buffers are scratch, not state.
"""

from __future__ import annotations

import numpy as np


class Scratch:
    """Named, lazily allocated, reused arrays; ``get`` returns uninitialised memory."""

    def __init__(self):
        self._bufs: dict[str, np.ndarray] = {}

    def get(self, name: str, shape, dtype=np.float32) -> np.ndarray:
        """The buffer called ``name`` with this shape and dtype (contents undefined)."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        buf = self._bufs.get(name)
        if buf is None or buf.shape != shape or buf.dtype != np.dtype(dtype):
            buf = self._bufs[name] = np.empty(shape, dtype)
        return buf

    @property
    def nbytes(self) -> int:
        """Bytes held by all buffers."""
        return sum(b.nbytes for b in self._bufs.values())
