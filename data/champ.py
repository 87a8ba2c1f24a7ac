"""CHAMP, a real competition set: 270 problems, their concepts, and real models' conversations.

Read from the data file of the ``champ-dataset`` package (PyPI, MIT licence; ``pip install
'sai-dpo[real]'``), never downloaded at run time. Each problem has an identifier (``P_Inequality_3``),
a category (number theory, polynomial, sequence, inequality, combinatorics), a final answer, a
reference solution, the concepts and hints it uses (``ch_list``: ``C_...`` concept ids and ``H_...``
hints), and 72 conversations, ``"MODEL|PROMPT"`` -> messages, in which GPT-3.5, GPT-4, GPT-4 Turbo
and PaLM 2 Medium solve it under 18 prompt styles, each ending in a one-sentence final answer.

The ``0-Shot``, ``5-Shot`` and ``No C w/o H`` conversations (the last a copy of ``0-Shot``) are
reserved for an independent check: :func:`conversations` never yields them.

As a pool (``data.load_pool("champ")`` or :func:`load_champ`): id = the identifier, problem = its text,
answer = its final answer, skill = its category, level = None (CHAMP has no difficulty label; one
derived from the models' accuracy would leak the eval into the selection), source = ``"champ"``.
The concepts are knowledge-point tags kept beside the pool, by problem id (:func:`concepts`): nothing
in the engine reads more than one skill per problem, so a list column in every pool would cost the
record schema, the generator and the CSV format a field that only CHAMP fills and only cluster
scoring reads.

Example:
    >>> pool = load_champ("tests/fixtures/champ/v0.json")
    >>> pool[0]["skill"], pool[0]["level"], pool[0]["source"]
    ('Combinatorics', None, 'champ')
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from data._errors import SaiDpoError

__all__ = ["RESERVED_PROMPTS", "ChampUnavailableError", "champ_file", "concepts", "conversations",
           "final_answer", "load_champ", "read_champ", "solutions"]

RESERVED_PROMPTS = frozenset({"0-Shot", "5-Shot", "No C w/o H"})
INSTALL_HINT = "pip install 'sai-dpo[real]' (the champ-dataset package, MIT licence)"


class ChampUnavailableError(SaiDpoError, ValueError):
    """The CHAMP data file is not installed (or not readable); the message says what to install."""


def champ_file(path: str | os.PathLike | None = None) -> Path:
    """The CHAMP data file: ``path`` if given, else the installed package's ``dataset_files/v0.json``.

    Raises:
        ChampUnavailableError: the package is not installed, or the file is missing.
    """
    if path is not None:
        file = Path(path)
    else:
        try:
            import champ_dataset
        except ImportError:
            raise ChampUnavailableError(f"The CHAMP set needs its data package: {INSTALL_HINT}.") from None
        file = Path(champ_dataset.__file__).parent / "dataset_files" / "v0.json"
    if not file.is_file():
        fix = "pass the path of a CHAMP v0.json" if path is not None else f"reinstall it: {INSTALL_HINT}"
        raise ChampUnavailableError(f"CHAMP data file {file} is missing; {fix}.")
    return file


def read_champ(path: str | os.PathLike | None = None) -> dict:
    """The CHAMP data (``{"problems": {...}, "concepts": {...}, "hints": {...}}``) as stored."""
    file = champ_file(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ChampUnavailableError(f"CHAMP data file {file} cannot be read ({exc}); {INSTALL_HINT}.") from None
    if not isinstance(data, dict) or not isinstance(data.get("problems"), dict):
        raise ChampUnavailableError(f"CHAMP data file {file} lacks its 'problems' mapping; {INSTALL_HINT}.")
    return data


def final_answer(messages: list[dict]) -> str | None:
    """The last model message of a conversation (its one-sentence final answer), or None when the
    model wrote none (an empty text, or a length error)."""
    answers = [m for m in messages if str(m.get("role", "")).startswith("Model")]
    if not answers or answers[-1].get("error") or not (answers[-1].get("text") or "").strip():
        return None
    return answers[-1]["text"].strip()


def conversations(data: dict) -> Iterator[tuple[str, str, str, list[dict]]]:
    """``(problem id, model, prompt style, messages)`` of every conversation but the reserved ones."""
    for pid, problem in data["problems"].items():
        for key, conv in (problem.get("conversations") or {}).items():
            model, prompt = key.split("|", 1)
            if prompt in RESERVED_PROMPTS:
                continue
            yield pid, model, prompt, conv.get("messages") or []


def load_champ(path: str | os.PathLike | None = None, skip_invalid: bool = False):
    """CHAMP's problems as a pool (``datasets.Dataset`` in the record schema), from ``path`` or the package.

    The same as ``data.load_pool("champ")`` (package) or ``data.load_pool(path, preset="champ")``.

    Raises:
        ChampUnavailableError: no ``path`` and the package is not installed, or the file is unreadable.
    """
    from data.loaders import load_pool

    return load_pool(champ_file(path), preset="champ", skip_invalid=skip_invalid)


def concepts(data: dict) -> dict[str, list[str]]:
    """``{problem id: [concept ids]}``: the ``C_...`` entries of each problem's ``ch_list``, in order
    (an empty list for a problem whose solution names none, as 47 of the 270 do). Hints (``H_...``) are
    left out: each belongs to one problem, so they say nothing about what problems share."""
    return {pid: [c for c in (p.get("ch_list") or []) if c.startswith("C_")] for pid, p in data["problems"].items()}


def solutions(data: dict) -> dict[str, str]:
    """``{problem id: reference solution}``: its steps' texts joined by spaces."""
    return {
        pid: " ".join(step.get("_text") or "" for step in (p.get("solution") or {}).get("steps") or []).strip()
        for pid, p in data["problems"].items()
    }
