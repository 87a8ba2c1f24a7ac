"""Assemble a pool of generated problems: pick (skill, level) cells, render a style, de-duplicate."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Iterable, Sequence

from data.generator._registry import KIND_SKILLS, KNOWLEDGE_POINTS, LEVELS

logger = logging.getLogger(__name__)

KINDS = ("mixed", "math-style", "aime-style", "amc-style", "arith", "digits")
_MIXED_STYLES = ("math-style",) * 3 + ("aime-style", "amc-style")
_CELL_PATIENCE = 40  # consecutive failed draws before a (skill, level) cell counts as exhausted
_LETTERS = "ABCDE"
# Answer-format sentences of math-style stems that an AIME-style integer instruction replaces.
_FORMAT_SENTENCE = re.compile(
    r"\s*(?:Give your answer as [^.]*\.|Express your answer in interval notation\.|"
    r"Write the solution set in interval notation\.)"
)


def _math_style(stem: str, answer, rng: random.Random):
    return stem, answer.tex(), None


def _aime_style(stem: str, answer, rng: random.Random):
    form = answer.aime()
    if form is None:
        return None
    extra, value = form
    if extra:
        stem = _FORMAT_SENTENCE.sub("", stem)
    return stem + extra, str(value), None


def _amc_style(stem: str, answer, rng: random.Random):
    correct = answer.tex()
    options = [correct]
    for _ in range(60):
        if len(options) == 5:
            break
        wrong = answer.perturb(rng).tex()
        if wrong not in options:
            options.append(wrong)
    if len(options) < 5:
        return None
    rng.shuffle(options)
    letter = _LETTERS[options.index(correct)]
    listed = " \\qquad ".join(f"\\textbf{{({c})}}\\ {o}" for c, o in zip(_LETTERS, options, strict=True))
    return f"{stem}\n\n${listed}$", letter, options


_STYLES: dict[str, Callable] = {
    "math-style": _math_style,
    "aime-style": _aime_style,
    "amc-style": _amc_style,
    "arith": _math_style,
    "digits": _math_style,
}


def _check_args(n: int, kind: str, levels: Sequence[int], skills: Sequence[str] | None) -> dict:
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"The 'n' parameter of build_pool must be a non-negative int. Got {n!r} instead.")
    if kind not in KINDS:
        raise ValueError(f"The 'kind' parameter of build_pool must be one of {list(KINDS)}. Got {kind!r} instead.")
    table = KIND_SKILLS.get(kind, KNOWLEDGE_POINTS)
    bad_levels = [lv for lv in levels if lv not in LEVELS]
    if not levels or bad_levels:
        raise ValueError(f"The 'levels' parameter of build_pool must be a non-empty subset of {LEVELS}. Got {levels!r} instead.")
    if skills is None:
        return table
    unknown = [s for s in skills if s not in table]
    if not skills or unknown:
        raise ValueError(
            f"The 'skills' parameter of build_pool must be a non-empty list of skills of kind {kind!r} "
            f"({sorted(table)}). Got unknown {unknown or skills!r} instead."
        )
    return {s: table[s] for s in skills}


def generate_records(
    n: int,
    seed: int = 0,
    kind: str = "mixed",
    levels: Sequence[int] = LEVELS,
    skills: Sequence[str] | None = None,
    exclude: Iterable[str] = (),
    per_cell: int | None = None,
) -> dict[str, list]:
    """Generate ``n`` distinct problems as a dict of pool columns (see :func:`build_pool`).

    ``exclude``: problem texts never to emit. ``per_cell``: stop drawing a (skill, level) cell once it
    has this many problems (a stratified set; ``n`` must then be at most cells * per_cell).
    """
    table = _check_args(n, kind, tuple(levels), skills)
    if per_cell is not None and (isinstance(per_cell, bool) or not isinstance(per_cell, int) or per_cell < 1):
        raise ValueError(f"The 'per_cell' parameter of build_pool must be a positive int or None. Got {per_cell!r} instead.")
    rng = random.Random(f"sai-dpo/{kind}/{seed}")
    cells = [(s, lv) for s in table for lv in levels]
    failures = dict.fromkeys(cells, 0)
    filled = dict.fromkeys(cells, 0)
    seen: set[str] = set()
    excluded = set(exclude)
    cols: dict[str, list] = {c: [] for c in ("id", "problem", "answer", "skill", "level", "source", "choices")}
    while len(cols["id"]) < n:
        if not cells:
            raise ValueError(
                f"Could not draw {n} distinct problems of kind {kind!r}: every (skill, level) cell ran out "
                f"after {len(cols['id'])}. Ask for fewer problems or allow more levels/skills."
            )
        cell = rng.choice(cells)
        style = rng.choice(_MIXED_STYLES) if kind == "mixed" else kind
        stem, answer = table[cell[0]](rng, cell[1])
        rendered = None if stem in seen or stem in excluded else _STYLES[style](stem, answer, rng)
        if rendered is not None and rendered[0] in excluded:  # styles may add to the stem: check the text too
            rendered = None
        if rendered is None:
            failures[cell] += 1
            if failures[cell] >= _CELL_PATIENCE:
                cells.remove(cell)
                logger.debug("cell %s exhausted after %d problems", cell, len(cols["id"]))
            continue
        failures[cell] = 0
        seen.add(stem)
        filled[cell] += 1
        if per_cell is not None and filled[cell] >= per_cell:
            cells.remove(cell)
        problem, gold, choices = rendered
        cols["id"].append(f"{kind}-{seed}-{len(cols['id'])}")
        cols["problem"].append(problem)
        cols["answer"].append(gold)
        cols["skill"].append(cell[0])
        cols["level"].append(cell[1])
        cols["source"].append(f"builtin:{style}")
        cols["choices"].append(choices)
    return cols


def build_pool(
    n: int,
    seed: int = 0,
    kind: str = "mixed",
    levels: Sequence[int] = LEVELS,
    skills: Sequence[str] | None = None,
    exclude: Iterable[str] = (),
    per_cell: int | None = None,
):
    """Build a deterministic pool of ``n`` distinct generated problems as a ``datasets.Dataset``.

    Args:
        n: number of problems.
        seed: the same (n, seed, kind) always gives the same pool; a smaller n gives a prefix.
        kind: ``"mixed"`` (math-, AIME- and AMC-style), ``"math-style"``, ``"aime-style"`` (integer answers
            0-999), ``"amc-style"`` (five choices, the gold is the letter), ``"arith"`` (short arithmetic)
            or ``"digits"`` (questions on a list of digits that a tiny model learns by rule).
        levels: difficulty levels to draw from (1-5).
        skills: restrict to these knowledge points (default: all of the kind).
        exclude: problem texts never to include (e.g. another pool's, to keep two sets disjoint).
        per_cell: at most this many problems per (skill, level) cell.

    Returns:
        A pool in the record schema; ``id`` is ``f"{kind}-{seed}-{i}"``.

    Raises:
        ValueError: on bad arguments, or when the cells cannot yield ``n`` distinct problems.

    Example:
        >>> pool = build_pool(100, seed=0, kind="aime-style")
        >>> all(0 <= int(a) <= 999 for a in pool["answer"])
        True
    """
    import datasets

    from data.schema import features, validate_pool

    cols = generate_records(n, seed=seed, kind=kind, levels=levels, skills=skills, exclude=exclude,
                            per_cell=per_cell)
    validate_pool(cols)
    return datasets.Dataset.from_dict(cols, features=features())


def heldout_pool(pool, per_cell: int, seed: int, kind: str | None = None):
    """A held-out set for ``pool``: ``per_cell`` problems per (skill, level) cell, none with a pool text.

    Cells are the pool's own (skill, level) pairs; the kind is read from the pool's ids
    (``kind-seed-i``) unless given. Ids are ``heldout-<kind>-<seed>-<i>``, so they never collide
    with a pool built by :func:`build_pool`.

    Raises:
        ValueError: the kind cannot be told from the ids, or a cell cannot yield ``per_cell`` new problems.

    Example:
        >>> train = build_pool(200, seed=0, kind="digits")
        >>> test = heldout_pool(train, per_cell=2, seed=1)
        >>> len(test), bool(set(test["problem"]) & set(train["problem"]))
        (40, False)
    """
    import datasets

    from data.schema import features, validate_pool

    if isinstance(per_cell, bool) or not isinstance(per_cell, int) or per_cell < 1:
        raise ValueError(f"The 'per_cell' parameter of heldout_pool must be a positive int. Got {per_cell!r} instead.")
    if kind is None:
        ids = [str(i) for i in pool["id"]]
        kinds = {i.rsplit("-", 2)[0] for i in ids if i.count("-") >= 2}
        kind = kinds.pop() if len(kinds) == 1 and len(ids) == sum(i.count("-") >= 2 for i in ids) else None
        if kind not in KINDS:
            raise ValueError("heldout_pool could not tell the pool's generator kind from its ids (built-in pools "
                             f"have ids 'KIND-SEED-N'; this one has e.g. {ids[:3]}); pass kind=... explicitly, "
                             f"one of {list(KINDS)}.")
    cells = {(str(s), int(lv)) for s, lv in zip(pool["skill"], pool["level"], strict=True) if lv is not None}
    skills = sorted({s for s, _ in cells})
    levels = sorted({lv for _, lv in cells})
    # Draw every (skill, level) pair of those skills and levels, then keep the pool's own cells.
    try:
        full = generate_records(per_cell * len(skills) * len(levels), seed=seed, kind=kind, levels=levels,
                                skills=skills, exclude=set(pool["problem"]), per_cell=per_cell)
    except ValueError as exc:
        raise ValueError(
            f"heldout_pool could not find {per_cell} new {kind} problems for every (skill, level) cell outside "
            f"the pool's {len(pool)} texts: some cells have few distinct problems and the pool already holds "
            "them. Use a smaller per_cell, or build the pool with per_cell= so that each cell keeps room."
        ) from exc
    keep = [i for i, cell in enumerate(zip(full["skill"], full["level"], strict=True)) if cell in cells]
    cols = {name: [values[i] for i in keep] for name, values in full.items()}
    cols["id"] = [f"heldout-{kind}-{seed}-{j}" for j in range(len(keep))]
    validate_pool(cols)
    return datasets.Dataset.from_dict(cols, features=features())
