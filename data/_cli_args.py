"""Argument checks shared by every command: output paths checked before any work, bounded integers.

A command checks where it will write *before* it generates, trains or clusters anything, so a bad
``--out`` costs one line and no work (it used to cost a ``FileExistsError`` traceback, or minutes of
generation followed by a failure on the path). Errors are ``ValueError`` with the flag named, which
the CLI prints as one line with exit code 2.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["MAX_POOL_SIZE", "as_flags", "lock_output", "release_outputs", "output_dir", "output_file", "int_at_least", "int_between", "positive_number", "non_negative_number",
           "hide_library_progress"]


#: The largest generated pool a command accepts: 10M problems take minutes and gigabytes already; a
#: typo with more zeros ran for ever, its memory growing.
MAX_POOL_SIZE = 10_000_000


def _check_writable(folder: Path, flag: str, shown: Path) -> None:
    try:
        fd, probe = tempfile.mkstemp(prefix=".sai-dpo-write-check-", dir=folder)
    except OSError as exc:
        raise ValueError(f"{flag} {shown}: cannot write into {folder} ({exc.strerror or exc}); "
                         "pass a folder you can write to") from None
    os.close(fd)
    os.unlink(probe)


def output_dir(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Create the output folder ``path`` (and its parents) and check it is writable.

    Raises:
        ValueError: ``path`` (or one of its parents) is an existing file, or it cannot be written.
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{flag} {out} is an existing file, not a folder; pass a folder (new or existing)")
    for parent in out.parents:
        if parent.exists() and not parent.is_dir():
            raise ValueError(f"{flag} {out}: {parent} is an existing file, not a folder")
    missing = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        _CREATED.extend(reversed(missing))  # outermost first; removed again if the command fails
    except OSError as exc:
        raise ValueError(f"{flag} {out}: cannot create the folder ({exc.strerror or exc}); "
                         "pass a folder you can write to") from None
    _check_writable(out, flag, out)
    return out


def output_file(path: str | os.PathLike, flag: str = "--out") -> Path:
    """Check that the file ``path`` can be written (its folder is created); returns it.

    Raises:
        ValueError: ``path`` is a folder, or its folder cannot be created or written.
    """
    out = Path(path)
    if out.is_dir():
        raise ValueError(f"{flag} {out} is a folder; pass a file name (e.g. {out / 'pool.jsonl'})")
    output_dir(out.parent if str(out.parent) else Path("."), flag=f"{flag} {out}: its folder")
    if out.exists() and not os.access(out, os.W_OK):
        raise ValueError(f"{flag} {out}: the file exists and cannot be written")
    return out


def int_between(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type`` for an integer in ``[low, high]`` (either bound may be open)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if low is not None and value < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}, got {value}")
        if high is not None and value > high:
            raise argparse.ArgumentTypeError(f"must be at most {high}, got {value}")
        return value

    parse.__name__ = "int"  # argparse names the type in its own messages
    return parse


def int_at_least(low: int) -> Callable[[str], int]:
    """An argparse ``type`` for an integer ``>= low``."""
    return int_between(low, None)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def positive_number(text: str) -> float:
    """An argparse ``type`` for a finite number ``> 0`` (seconds, learning rates)."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a number > 0, got {text}")
    return value


def non_negative_number(text: str) -> float:
    """An argparse ``type`` for a finite number ``>= 0`` (temperatures: 0 is greedy)."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a number >= 0, got {text}")
    return value


def hide_library_progress() -> None:
    """Under ``--no-progress``: silence the progress bars that datasets and transformers draw on their
    own (writing files, loading weights, mapping rows), which filled the terminal of a quiet run."""
    import datasets

    datasets.disable_progress_bars()
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - transformers is a required package
        return
    hf_logging.disable_progress_bar()


_LOCKS: dict[str, int] = {}  # output folders this process holds, for its whole life
_CREATED: list[Path] = []  # output folders this process created


def release_outputs(failed: bool) -> None:
    """At the end of a command: let go of its output folders' locks (their lock files removed) and,
    when it failed, remove the folders it created that hold nothing (a failed run left empty ones)."""
    for key, fd in list(_LOCKS.items()):
        try:
            os.unlink(key)
        except OSError:
            pass
        os.close(fd)
        del _LOCKS[key]
    if failed:
        for folder in reversed(_CREATED):  # innermost first
            try:
                folder.rmdir()  # only when empty
            except OSError:
                pass
    _CREATED.clear()


def lock_output(folder: str | os.PathLike, flag: str = "--out") -> None:
    """Hold an exclusive lock on ``folder`` until this process ends, so that a second command writing
    the same folder at the same time is refused instead of interleaving its files with this one's
    (two demos into one folder wrote 12 interleaved rounds; two evals mixed their metrics and report).

    Raises:
        ValueError: another running command holds ``folder``.
    """
    from data._locks import try_lock

    path = Path(folder) / ".sai-dpo.lock"
    key = str(path.resolve())
    if key in _LOCKS:
        return
    got = try_lock(path)
    if isinstance(got, str):
        raise ValueError(f"{flag} {folder} is being written by another running command ({got}); wait for it "
                         "to finish or pass another folder")
    _LOCKS[key] = got


def as_flags(exc: ValueError, flags: dict[str, str], owner: str) -> ValueError:
    """``exc`` reworded for the command line: "The 'train_size' parameter of DPOLoopConfig must be ..."
    becomes "--train-size must be ..." for the fields that a flag sets (``flags``: field -> flag)."""
    import re

    text = str(exc)
    m = re.match(rf"The '(\w+)' parameter of {re.escape(owner)} (.*)$", text, re.DOTALL)
    if m and m.group(1) in flags:
        text = f"{flags[m.group(1)]} {m.group(2)}"
    return ValueError(text)
