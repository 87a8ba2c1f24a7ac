"""Encoding skills/levels into compact codes, reading pool columns, checking loaded states."""

from __future__ import annotations

import json
import numbers

import numpy as np

from sai_dpo.errors import InvalidInputError


def _as_list(values, name: str) -> list:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InvalidInputError(f"{name} must be a sequence with one entry per problem. Got {type(values).__name__} instead.")
    return values if isinstance(values, (list, np.ndarray)) else list(values)


def encode_skills(skills) -> tuple[np.ndarray, list]:
    """Skill codes (int32) and the vocabulary in order of first appearance; None is its own skill."""
    values = _as_list(skills, "skills")
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        vocab, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int32), [int(v) for v in vocab]
    vocab: dict = {}
    codes = np.empty(len(values), np.int32)
    for i, s in enumerate(values):
        if s is not None and not isinstance(s, (str, numbers.Integral)) or isinstance(s, bool):
            raise InvalidInputError(f"skills[{i}] must be a str, an int or None. Got {s!r} instead.")
        s = int(s) if isinstance(s, numbers.Integral) else s
        codes[i] = vocab.setdefault(s, len(vocab))
    return codes, list(vocab)


def encode_levels(levels) -> tuple[np.ndarray, list]:
    """Level codes (int32) and the sorted level values, with None (no level) last."""
    values = _as_list(levels, "levels")
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        vocab, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int32), [int(v) for v in vocab]
    clean = []
    for i, lv in enumerate(values):
        if lv is None or (isinstance(lv, float) and np.isnan(lv)):
            clean.append(None)
        elif isinstance(lv, numbers.Integral) and not isinstance(lv, bool):
            clean.append(int(lv))
        elif isinstance(lv, numbers.Real) and float(lv).is_integer():
            clean.append(int(lv))
        else:
            raise InvalidInputError(f"levels[{i}] must be an int or None. Got {lv!r} instead.")
    known = sorted({lv for lv in clean if lv is not None})
    vocab = known + ([None] if any(lv is None for lv in clean) else [])
    pos = {lv: j for j, lv in enumerate(vocab)}
    return np.fromiter((pos[lv] for lv in clean), np.int32, len(clean)), vocab


def pool_columns(pool) -> tuple[list, list]:
    """The ``skill`` and ``level`` columns of a pool (Dataset, dict of columns, DataFrame-like)."""
    cols = getattr(pool, "column_names", None)
    if cols is None and hasattr(pool, "keys"):
        cols = list(pool.keys())
    if cols is None or "skill" not in cols or "level" not in cols:
        raise InvalidInputError(
            f"pool must have 'skill' and 'level' columns (DESIGN.md section 3). Got columns {cols!r} instead; "
            "cluster problems into skills first (data.load_pool) or add the columns."
        )
    return list(pool["skill"]), list(pool["level"])


def check_state(state, engine) -> dict:
    """Validate a state dict against ``engine``; returns its parsed meta."""
    if not isinstance(state, dict) and not hasattr(state, "keys"):
        raise InvalidInputError(f"state must be a dict from state_dict(). Got {type(state).__name__} instead.")
    if "meta" not in state:
        raise InvalidInputError("state has no 'meta' entry: pass what SelectionEngine.state_dict() returned.")
    meta = json.loads(str(np.asarray(state["meta"])))
    if meta.get("version") != 1:
        raise InvalidInputError(f"state format version must be 1. Got {meta.get('version')!r} instead.")
    t = engine.tracker_
    if meta.get("n") != t.n or meta.get("skills") != [str(s) for s in engine.skills_] or meta.get("levels") != engine.levels_:
        raise InvalidInputError(
            f"state is from another pool: it has {meta.get('n')} problems, skills {meta.get('skills')} and levels "
            f"{meta.get('levels')}; this engine has {t.n}, {engine.skills_} and {engine.levels_}."
        )
    if not np.array_equal(np.asarray(state.get("cell_of")), t.cell_of):
        raise InvalidInputError("state is from another pool: the (skill, level) of some problems differ.")
    for name, shape in t.expected_shapes().items():
        if name not in state or np.shape(state[name]) != shape:
            raise InvalidInputError(f"state['{name}'] must have shape {shape}. Got {np.shape(state.get(name))} instead.")
    if meta.get("last_draw_key") is not None and "last_draw" not in state:
        raise InvalidInputError("state names a last draw but has no 'last_draw' array.")
    return meta
