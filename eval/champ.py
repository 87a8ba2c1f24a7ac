"""CHAMP's real model outputs as eval generations: one JSONL file per model, its 15 prompt styles as samples.

    >>> from data.champ import read_champ
    >>> data = read_champ()  # doctest: +SKIP
    >>> paths = write_generations_files(data, "out/champ")  # doctest: +SKIP
    >>> sorted(p.name for p in paths.values())  # doctest: +SKIP
    ['gpt-3.5.jsonl', 'gpt-4-turbo.jsonl', 'gpt-4.jsonl', 'palm-2-medium.jsonl']

Score one with ``sai-dpo eval --generations out/champ/gpt-4.jsonl --set champ --out out/eval-gpt-4``.

Each CHAMP conversation becomes one row: ``problem_id`` (the CHAMP identifier, ``P_Sequence_3``),
``sample`` (the prompt style's place in the model's sorted list of styles, so the same style is the
same sample number on every problem), ``completion`` (the one-sentence final answer the model wrote
last) and, as metadata the eval ignores, ``model`` and ``prompt``. A conversation that ended without an
answer (an empty text or a length error) is kept as an empty completion: the model gave no answer, which
the checker counts as unreadable (``unparseable_pred``), not a row to skip.

The ``0-Shot``, ``5-Shot`` and ``No C w/o H`` conversations are reserved for an independent check and
never read (:func:`data.champ.conversations` leaves them out). The other styles are not independent
samples of one prompt: some give a third or two thirds of the reference solution, some a misleading
concept; pass@k over them says how often *some* prompt style found the answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from data.champ import conversations, final_answer

__all__ = ["champ_eval_set", "eval_set_args", "generation_rows", "model_names", "model_slug", "prompt_styles",
           "write_generations_files"]

_SLUG = re.compile(r"[^a-z0-9.]+")


def model_slug(model: str) -> str:
    """A file-name form of a model name: ``"GPT-4 Turbo"`` -> ``"gpt-4-turbo"``."""
    return _SLUG.sub("-", model.lower()).strip("-")


def model_names(data: dict) -> list[str]:
    """The models with (non-reserved) conversations, in the order the data first names them."""
    seen: dict[str, None] = {}
    for _, model, _, _ in conversations(data):
        seen.setdefault(model, None)
    return list(seen)


def prompt_styles(data: dict, model: str) -> list[str]:
    """The model's non-reserved prompt styles, sorted: position ``j`` is sample ``j`` of every problem."""
    return sorted({prompt for _, m, prompt, _ in conversations(data) if m == model})


def champ_eval_set(data: dict) -> list[dict]:
    """The CHAMP problems as pool records, mapped by the ``champ`` preset: the rows of
    ``data.load_pool("champ")`` (``id`` = the CHAMP identifier, ``skill`` = the category, ``level`` =
    None, ``answer`` = ``_answer``), from data already read, so the 72 MB file is not parsed twice."""
    from data.presets import get_preset

    mapper = get_preset("champ")
    return [{**mapper(p), "choices": None} for p in data["problems"].values()]


def eval_set_args(path: str | Path | None = None) -> list[str]:
    """The ``sai-dpo eval`` arguments naming the CHAMP eval set: ``--set champ`` (the installed package),
    or ``--set FILE --preset champ`` for a CHAMP data file."""
    return ["--set", "champ"] if path is None else ["--set", str(path), "--preset", "champ"]


def _check_models(data: dict, models: Iterable[str] | None) -> list[str]:
    known = model_names(data)
    if models is None:
        return known
    models = list(models)
    unknown = [m for m in models if m not in known]
    if unknown or not models:
        what = f"{', '.join(map(repr, unknown))} is not a CHAMP model" if unknown else "no model given"
        raise ValueError(f"--models: {what}; CHAMP has conversations of {', '.join(map(repr, known))} "
                         "(quote names with spaces: --models 'GPT-4 Turbo').")
    return list(dict.fromkeys(models))


def generation_rows(data: dict, models: Sequence[str] | None = None) -> dict[str, list[dict]]:
    """Generation rows per model (all models by default), in the data's problem order.

    Raises:
        ValueError: a model name CHAMP does not have (the message lists the ones it has).
    """
    models = _check_models(data, models)
    sample_of = {m: {p: j for j, p in enumerate(prompt_styles(data, m))} for m in models}
    rows: dict[str, list[dict]] = {m: [] for m in models}
    for pid, model, prompt, messages in conversations(data):
        if model not in rows:
            continue
        answer = final_answer(messages)
        rows[model].append({"problem_id": pid, "sample": sample_of[model][prompt],
                            "completion": "" if answer is None else answer, "model": model, "prompt": prompt})
    return rows


def _write_jsonl(rows: Iterable[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_generations_files(data: dict, out_dir: str | Path, models: Sequence[str] | None = None) -> dict[str, Path]:
    """Write ``OUT/<model slug>.jsonl`` for each model (all by default); returns ``{model: path}``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    return {m: _write_jsonl(rows, out / f"{model_slug(m)}.jsonl") for m, rows in generation_rows(data, models).items()}
