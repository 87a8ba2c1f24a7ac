"""Hashed n-gram features of problem text: a fixed-size float32 vector per problem, numpy only.

``problem_features(texts, dim)`` is the signed hashing trick (Weinberger et al., 2009) over three
kinds of n-grams of the lower-cased UTF-8 bytes:

    word unigrams   runs of letters/digits (bytes >= 128 count as letters), and every other
                    non-space byte alone (``^``, ``+``, ``\\``, ``$``: math notation carries signal)
    word bigrams    consecutive tokens of one text
    char 3-grams    every 3 consecutive bytes of one text

Each n-gram adds +-1 to bucket ``h % dim`` (sign and bucket from a 64-bit hash), each kind's vector
is L2-normalised (so the many char 3-grams do not drown the words), the three are summed and the
sum is L2-normalised. No vocabulary and no fit: the same text gives the same vector in any process
and any pool. With ``dim`` small this is a random projection of the n-gram counts: near texts get
near vectors.

The hashes are vectorised: with the prefix sums ``Q[i] = sum_{j<i} c_j P^-j (mod 2^64)`` (P odd, so
invertible modulo 2^64) the polynomial hash of bytes ``[s, e)`` is ``(Q[e] - Q[s]) P^(e-1)``, one
subtraction and one multiplication per n-gram whatever its length; uint64 arithmetic wraps.
"""

from __future__ import annotations

import numbers

import numpy as np

from sai_dpo.errors import param_error

__all__ = ["problem_features", "pool_text_features"]

_P = 0x100000001B3  # FNV-1 64-bit prime (odd)
_PINV = pow(_P, -1, 2**64)
_SALT = {"word": 0x9E3779B97F4A7C15, "bigram": 0xC2B2AE3D27D4EB4F, "char": 0x165667B19E3779F9}
_CHUNK_BYTES = 1 << 22  # text hashed per pass: bounds the temporaries (~10 uint64 arrays of this size)
_U64 = np.uint64


def problem_features(texts, dim: int = 32) -> np.ndarray:
    """Hashed word/char n-gram features, one L2-normalised float32 row of ``dim`` per text.

    Args:
        texts: a sequence of str (None counts as empty), e.g. a pool's ``problem`` column.
        dim: features per problem (4 * dim bytes each).

    Returns:
        float32 array (len(texts), dim); an empty text gives a zero row.

    Example:
        >>> f = problem_features(["Find x if 2x + 3 = 7.", "Find y if 2y + 3 = 9."], dim=16)
        >>> f.shape, round(float(f[0] @ f[0]), 3)
        ((2, 16), 1.0)
    """
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or not 1 <= dim <= 4096:
        raise param_error("dim", "problem_features", "an int in [1, 4096]", dim)
    if hasattr(texts, "to_pylist"):  # pyarrow (Array / ChunkedArray): sai_dpo never imports pyarrow
        texts = texts.to_pylist()
    if isinstance(texts, (str, bytes)) or not hasattr(texts, "__len__"):
        raise param_error("texts", "problem_features", "a sequence of str (one per problem)", type(texts).__name__)
    out = np.zeros((len(texts), int(dim)), np.float32)
    start, size = 0, 0
    for i, t in enumerate(texts):
        if t is not None and not isinstance(t, str):
            raise param_error("texts", "problem_features", "a sequence of str or None", f"texts[{i}] = {t!r:.60}")
        size += len(t or "") + 1
        if size >= _CHUNK_BYTES:
            out[start:i + 1] = _hash_chunk(texts[start:i + 1], int(dim))
            start, size = i + 1, 0
    if start < len(texts):
        out[start:] = _hash_chunk(texts[start:], int(dim))
    return out


def pool_text_features(pool, dim: int = 32) -> np.ndarray:
    """:func:`problem_features` of a pool's ``problem`` column (a Dataset's read through Arrow)."""
    from sai_dpo.errors import InvalidInputError

    cols = getattr(pool, "column_names", None)
    if cols is None and hasattr(pool, "keys"):
        cols = list(pool.keys())
    if cols is None or "problem" not in cols:
        raise InvalidInputError(
            f"prior='predictive' needs features: the pool has no 'problem' column to compute them from (columns "
            f"{cols!r}). Pass features= (one row per problem) or use prior='cell'."
        )
    texts = pool.with_format("arrow")["problem"] if hasattr(pool, "with_format") else pool["problem"]
    return problem_features(texts, dim)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (in place): spreads every input bit over the output bits."""
    h ^= h >> _U64(30)
    h *= _U64(0xBF58476D1CE4E5B9)
    h ^= h >> _U64(27)
    h *= _U64(0x94D049BB133111EB)
    h ^= h >> _U64(31)
    return h


def _fmix32(h: np.ndarray) -> np.ndarray:
    """murmur3's 32-bit finaliser of ``h`` (uint32, in place) after a salt."""
    with np.errstate(over="ignore"):
        h ^= np.uint32(_SALT["char"] & 0xFFFFFFFF)
        h ^= h >> np.uint32(16)
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> np.uint32(13)
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> np.uint32(16)
    return h


def _add_kind(total: np.ndarray, doc: np.ndarray, h: np.ndarray, dim: int) -> np.ndarray:
    """Add one kind of n-gram (text of each, 32-bit hash of each) to ``total``, L2-normalised per text:
    ``h mod 2 dim`` gives the bucket (``// 2``) and the sign (lowest bit)."""
    n_docs = len(total)
    # Unweighted counts of (text, bucket, sign) are faster than a weighted bincount.
    slot = h % np.uint32(2 * dim) if dim & (dim - 1) else h & np.uint32(2 * dim - 1)
    c = np.bincount(doc * (2 * dim) + slot, minlength=n_docs * 2 * dim).reshape(n_docs, dim, 2)
    v = (c[:, :, 0] - c[:, :, 1]).astype(np.float64)
    total += v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
    return total


def _hash_chunk(texts, dim: int) -> np.ndarray:
    """Features of a few thousand texts (see the module docstring)."""
    joined = "\x00".join((t or "").replace("\x00", " ").lower() for t in texts) + "\x00"
    b = np.frombuffer(joined.encode("utf-8", "replace"), np.uint8)
    n_docs, n = len(texts), len(b)
    sep = b == 0
    doc = np.cumsum(sep) - sep  # text of each byte (a separator belongs to the text it ends)
    with np.errstate(over="ignore"):
        pw = np.full(n, _P, _U64)
        pw[0] = 1
        np.cumprod(pw, out=pw)  # P^i
        ipw = np.full(n, _PINV, _U64)
        ipw[0] = 1
        np.cumprod(ipw, out=ipw)  # P^-i
        q = np.zeros(n + 1, _U64)
        np.cumsum((b.astype(_U64) + _U64(1)) * ipw, out=q[1:])

        def span_hash(s, e):
            return (q[e] - q[s]) * pw[e - 1]

        # Char 3-grams [i, i + 3) inside one text: the 24-bit key itself, hashed in 32 bits.
        ok = ~(sep[:-2] | sep[1:-1] | sep[2:])
        key = (b[:-2].astype(np.uint32) << np.uint32(16)) | (b[1:-1].astype(np.uint32) << np.uint32(8)) | b[2:]
        total = _add_kind(np.zeros((n_docs, dim)), doc[:-2][ok], _fmix32(key[ok]), dim)
        kinds = []
        # Tokens: runs of word bytes, and every other non-space byte alone.
        word = ((b >= 97) & (b <= 122)) | ((b >= 48) & (b <= 57)) | (b >= 128)
        other = ~word & ~sep & (b != 32) & (b != 9) & (b != 10) & (b != 13)
        prev_word = np.concatenate([[False], word[:-1]])
        next_word = np.concatenate([word[1:], [False]])
        starts = np.flatnonzero((word & ~prev_word) | other)
        ends = np.flatnonzero((word & ~next_word) | other) + 1
        tok_doc = doc[starts]
        tok = _mix(span_hash(starts, ends))
        kinds.append((tok_doc, tok ^ _U64(_SALT["word"])))
        same = tok_doc[:-1] == tok_doc[1:]
        big = tok[:-1][same] * _U64(_P) + tok[1:][same]
        kinds.append((tok_doc[:-1][same], big ^ _U64(_SALT["bigram"])))
        for d, h in kinds:
            _add_kind(total, d, (_mix(h) >> _U64(32)).astype(np.uint32), dim)
    total /= np.maximum(np.linalg.norm(total, axis=1, keepdims=True), 1e-12)
    return total.astype(np.float32)
