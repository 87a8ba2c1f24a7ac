"""Encoding skills/levels into compact codes, reading pool columns, checking loaded states."""

from __future__ import annotations

import json
import numbers

import numpy as np

from sai_dpo.errors import InvalidInputError


def _as_list(values, name: str):
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise InvalidInputError(f"{name} must be a sequence with one entry per problem. Got {type(values).__name__} instead.")
    if _is_arrow(values) or isinstance(values, (list, np.ndarray)):
        return values
    return list(values)


def _is_arrow(values) -> bool:
    """A pyarrow Array/ChunkedArray (duck-typed: sai_dpo never imports pyarrow)."""
    return hasattr(values, "dictionary_encode") and hasattr(values, "to_pylist")


_SKILL_TYPES = (str, numbers.Integral)
_LEVEL_TYPES = (int, float, np.integer, np.floating)


def _types_within(values, allowed: tuple) -> bool:
    """Whether every element is None or an instance of ``allowed`` (bools never are).

    ``set(map(type, values))`` runs at C speed, so a million-element list costs ~20 ms here instead
    of an ``isinstance`` call per element.
    """
    kinds = set(map(type, values))
    kinds.discard(type(None))
    return all(issubclass(t, allowed) and not issubclass(t, (bool, np.bool_)) for t in kinds)


def _sort_key(v):
    return (2, 0, "") if v is None else (0, v, "") if isinstance(v, int) else (1, 0, v)


def _canonical(codes: np.ndarray, vocab: list) -> tuple[np.ndarray, list]:
    """Reorder the vocabulary canonically (ints, then strings, then None) and remap the codes, so
    that the same pool gives the same codes whether passed as a list, numpy or Arrow."""
    order = sorted(range(len(vocab)), key=lambda j: _sort_key(vocab[j]))
    remap = np.empty(len(vocab), np.int32)
    remap[order] = np.arange(len(vocab), dtype=np.int32)
    return remap[codes] if len(vocab) else codes, [vocab[j] for j in order]


def _check_skill(i, s):
    if s is not None and not isinstance(s, (str, numbers.Integral)) or isinstance(s, bool):
        raise InvalidInputError(f"skills[{i}] must be a str, an int or None. Got {s!r} instead.")
    return int(s) if isinstance(s, numbers.Integral) else s


def encode_skills(skills) -> tuple[np.ndarray, list]:
    """Skill codes (int32) and the vocabulary (ints, then strings, sorted; None last = no skill)."""
    values = _as_list(skills, "skills")
    if _is_arrow(values):
        arr = values.combine_chunks() if hasattr(values, "combine_chunks") else values
        enc = arr.dictionary_encode()
        vocab = [_check_skill(j, s) for j, s in enumerate(enc.dictionary.to_pylist())]
        codes = np.asarray(enc.indices.fill_null(len(vocab)).to_numpy(zero_copy_only=False), np.int32)
        if enc.indices.null_count:
            vocab.append(None)
        return _canonical(codes, vocab)
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        vocab, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int32).ravel(), [int(v) for v in vocab]
    if isinstance(values, np.ndarray) and values.dtype.kind == "U":
        vocab, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int32).ravel(), [str(v) for v in vocab]
    if _types_within(values, _SKILL_TYPES):
        # C-speed passes (no Python bytecode per element): distinct values, then one lookup each.
        # Every element's type is allowed, so the distinct values need no further check.
        index = {k: j for j, k in enumerate(dict.fromkeys(values))}
        codes = np.fromiter(map(index.__getitem__, values), np.int32, len(values))
        return _canonical(codes, [int(k) if isinstance(k, numbers.Integral) else k for k in index])
    for i, s in enumerate(values):  # some element has a wrong type: name the first one
        _check_skill(i, s)
    raise AssertionError("unreachable: _types_within rejected only allowed types")  # pragma: no cover


def encode_levels(levels) -> tuple[np.ndarray, list]:
    """Level codes (int32) and the sorted level values, with None (no level) last."""
    values = _as_list(levels, "levels")
    if _is_arrow(values) and getattr(values, "null_count", 1) < len(values):
        values = np.asarray(values.to_numpy(zero_copy_only=False))
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.integer):
        vocab, codes = np.unique(values, return_inverse=True)
        return codes.astype(np.int32).ravel(), [int(v) for v in vocab]
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.floating):
        return _encode_float_levels(values)
    if _is_arrow(values):
        values = values.to_pylist()
    if _types_within(values, _LEVEL_TYPES):
        # Fast path: one C-level conversion; None -> NaN; integrality is checked vectorized.
        as_float = np.asarray(values, dtype=np.float64).ravel()
        if not np.nanmax(np.abs(as_float), initial=0.0) >= 2.0**53:  # exact in float64 (NaN-safe)
            return _encode_float_levels(as_float)
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


def _encode_float_levels(values: np.ndarray) -> tuple[np.ndarray, list]:
    """Float levels (NaN = no level, as Arrow gives an int column with nulls); must be integers."""
    missing = np.isnan(values)
    bad = ~missing & (~np.isfinite(values) | (values != np.round(values)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InvalidInputError(f"levels[{i}] must be an int or None. Got {float(values[i])!r} instead.")
    known, inv = np.unique(values[~missing], return_inverse=True)
    codes = np.full(len(values), len(known), np.int32)
    codes[~missing] = inv.ravel()
    return codes, [int(v) for v in known] + ([None] if missing.any() else [])


def pool_columns(pool) -> tuple:
    """The ``skill`` and ``level`` columns of a pool (Dataset, dict of columns, DataFrame-like).

    A ``datasets.Dataset`` is read through its Arrow columns (``with_format("arrow")``, which honours
    a ``select``/``shuffle`` view), so a million-row pool costs no Python objects per row.
    """
    cols = getattr(pool, "column_names", None)
    if cols is None and hasattr(pool, "keys"):
        cols = list(pool.keys())
    if cols is None or "skill" not in cols or "level" not in cols:
        raise InvalidInputError(
            f"pool must have 'skill' and 'level' columns (DESIGN.md section 3). Got columns {cols!r} instead; "
            "cluster problems into skills first (data.load_pool) or add the columns."
        )
    if hasattr(pool, "with_format"):
        arrow = pool.with_format("arrow")
        return arrow["skill"], arrow["level"]
    return pool["skill"], pool["level"]


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
    from sai_dpo._tracker import OPTIONAL_ARRAYS

    for name, shape in t.expected_shapes().items():
        introduced_with = OPTIONAL_ARRAYS.get(name)
        if name not in state and introduced_with is not None and introduced_with not in meta.get("config", {}):
            continue  # a state saved before this array existed
        if name not in state or np.shape(state[name]) != shape:
            raise InvalidInputError(f"state['{name}'] must have shape {shape}. Got {np.shape(state.get(name))} instead.")
    for name in ("ability", "hardness"):
        if name in state:
            arr = np.asarray(state[name], np.float64)
            if not np.isfinite(arr).all() or (arr[:, 1] <= 0).any():
                raise InvalidInputError(f"state['{name}'] must hold finite means and positive variances.")
    for name in ("offset", "offset_prec"):
        if name in state and not np.isfinite(np.asarray(state[name], np.float64)).all():
            raise InvalidInputError(f"state['{name}'] must be finite.")
    if meta.get("last_draw_key") is not None and "last_draw" not in state:
        raise InvalidInputError("state names a last draw but has no 'last_draw' array.")
    return meta
