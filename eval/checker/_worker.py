"""Entry point of a checker worker process: ``python -m eval.checker._worker READ_FD WRITE_FD MOD:FN``."""

from __future__ import annotations

import sys
from multiprocessing.connection import Connection

from ._pool import _Duplex, _worker_main


def main(argv: list[str]) -> None:
    """Serve tasks over the two inherited pipe ends until the parent closes them."""
    reader = Connection(int(argv[0]), writable=False)
    writer = Connection(int(argv[1]), readable=False)
    _worker_main(_Duplex(reader, writer), argv[2])


if __name__ == "__main__":
    main(sys.argv[1:])
