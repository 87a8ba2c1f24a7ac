"""Thompson frontier scores, fast for pools that are mostly unseen.

The SAI-DPO score with Thompson exploration is ``f(p~) * (p~ q~ / max p~ q~) ** sharpness`` with
``p~ ~ Beta(alpha_i, beta_i)``, ``q~ = 1 - p~`` and ``f(p) = 1 - p^G - q^G``. A problem without
evidence (zero attempts) has exactly its cell's prior Beta(k pi_c, k (1 - pi_c)) as posterior (the
repeat calibration shifts only problems with evidence), and at 1M problems most are unseen. So:

* unseen problems: per cell, the ``Q = 64`` quantiles ``F^-1((j + 0.5) / Q)`` of the prior are
  interpolated from the shared quantile table (bilinear in logit mean and log concentration); each
  unseen problem takes the atom ``j ~ U{0..Q-1}``, i.e. its draw follows the prior discretised at
  the midpoints of 64 equal-mass bins. One integer per problem and one ``np.take`` over a
  (cells x Q) score table replace the two-axis interpolated lookup and the per-problem arithmetic;
* seen problems keep the dithered table lookup of :mod:`sai_dpo._beta` (of ``f`` itself when
  sharpness is 0, as :func:`~sai_dpo._beta.frontier_draws`) and the arithmetic (for
  every problem when at least 55% are seen: then the gathers would cost more than the table saves).

The relative peak normalisation divides by the largest ``p~ q~`` over all problems. For unseen
problems the bound used is the largest atom of any cell that has unseen problems (an upper bound:
a constant factor, which does not change the draw distribution); if that made every score tiny
(< 1e-20, where float32 underflow could drop problems) the exact maximum is taken instead.
"""

from __future__ import annotations

import numpy as np

from sai_dpo._beta import _Q, _float32_table, _frontier_table, _lookup, prior_quantiles

Q = _Q
_TINY = 1e-20  # below this best score, renormalise with the exact max p~ q~ (underflow guard)
_DENSE = 0.55  # from this fraction of seen problems the atom table saves less than the gathers cost


def is_dense(attempts: np.ndarray) -> bool:
    """Whether so many problems have evidence (``_DENSE``) that every problem should take the lookup."""
    return np.count_nonzero(attempts) >= _DENSE * len(attempts)


class _Prefix:
    """Workspace whose buffers are the first ``m`` entries of ``ws``'s length-``n`` buffers (so the
    seen-problem buffers are not reallocated when the number of seen problems changes)."""

    def __init__(self, ws, n: int, m: int):
        self._ws, self._n, self._m = ws, n, m

    def get(self, name, shape, dtype=np.float32):
        return self._ws.get(name, self._n, dtype)[: self._m]


def thompson_scores(alpha, beta, seen, seen_cells, prior, cells, g: int, sharpness: float, rng,
                    ws) -> np.ndarray:
    """Thompson frontier score per problem (ws buffer ``f``, float32, shape (N,)).

    ``alpha``, ``beta``: float32 posterior parameters (N,); ``seen``: intp indices of the problems
    with evidence (None: treat every problem as seen, see :func:`is_dense`) and ``seen_cells`` their
    cells; ``prior``: (alpha_c, beta_c) float64 per cell;
    ``cells``: (cell_base, cell_sizes), intp ``cell_of * Q`` (N,) and problems per cell (C,). Consumes two float32 uniforms per seen problem, then
    one uint8 per problem, from ``rng``.
    """
    n = len(alpha)
    if seen is None:  # mostly seen: the lookup for every problem (no gathers, no atom table)
        if sharpness == 0:  # f(p) looked up directly: no float32 cancellation in 1 - p^G near p = 1
            return _lookup(_frontier_table(g), alpha, beta, rng, ws)
        p = _lookup(_float32_table(), alpha, beta, rng, ws)
        top = _seen_pq_max(p, ws) if sharpness > 0 else 0.0
        return _seen_scores(p, g, sharpness, top, ws)
    m = len(seen)
    pre = _Prefix(ws, n, m)
    a_s = np.take(alpha, seen, out=pre.get("th_a", m), mode="clip")
    b_s = np.take(beta, seen, out=pre.get("th_b", m), mode="clip")
    seen_table = _frontier_table(g) if sharpness == 0 else _float32_table()  # f itself, or p~
    p_s = _lookup(seen_table, a_s, b_s, rng, pre) if m else a_s  # buffer beta_lo
    atoms = prior_quantiles(*prior)  # (C, Q) float64
    cell_base, cell_sizes = cells
    idx = ws.get("th_idx", n, np.intp)
    np.add(cell_base, rng.integers(0, Q, n, dtype=np.uint8), out=idx)
    pq_atoms = atoms * (1 - atoms)
    f_atoms = np.maximum(1 - atoms**g - (1 - atoms) ** g, 0)
    top = 0.0
    if sharpness > 0:
        unseen_in = np.bincount(seen_cells, minlength=len(atoms)) < cell_sizes
        top = max(float(pq_atoms[unseen_in].max()) if unseen_in.any() else 0.0,
                  _seen_pq_max(p_s, pre))
    f = _assemble(ws.get("f", n), idx, seen, p_s, f_atoms, pq_atoms, g, sharpness, top, pre)
    if sharpness > 0 and m < n and float(f.max()) < _TINY:
        pq_all = np.take(pq_atoms.ravel(), idx)
        pq_all[seen] = 0
        exact = max(float(pq_all.max()), _seen_pq_max(p_s, pre))
        f = _assemble(f, idx, seen, p_s, f_atoms, pq_atoms, g, sharpness, exact, pre)
    return f


def _seen_pq_max(p, pre) -> float:
    if not len(p):
        return 0.0
    pq = np.subtract(np.float32(1), p, out=pre.get("beta_q", len(p)))
    pq *= p
    return float(pq.max())


def _assemble(f, idx, seen, p, f_atoms, pq_atoms, g, sharpness, top, pre) -> np.ndarray:
    """Unseen scores from the atom table, then the seen problems' scores scattered over them."""
    table = f_atoms
    if sharpness > 0 and top > 0:
        table = f_atoms * np.minimum(pq_atoms / top, 1.0) ** sharpness  # atoms above top: not drawn
    np.take(table.astype(np.float32).ravel(), idx, out=f, mode="clip")
    if len(seen):  # with sharpness 0, ``p`` already holds the scores f(p~)
        f[seen] = p if sharpness == 0 else _seen_scores(p, g, sharpness, top, pre)
    return f


def _seen_scores(p, g: int, sharpness: float, top: float, pre) -> np.ndarray:
    """f(p) * (p q / top) ** sharpness for the draws ``p`` (buffer ``th_f`` of workspace ``pre``)."""
    q, fs = pre.get("beta_q", len(p)), pre.get("th_f", len(p))
    frontier_into(p, g, q, fs, pre.get("beta_hi", len(p)), pre.get("beta_m", len(p)))
    if sharpness > 0:
        q *= p
        if top > 0:
            q *= np.float32(1.0 / top)
        fs *= power(q, sharpness, pre.get("beta_hi", len(p)), pre.get("beta_m", len(p)))
    return fs


def frontier_into(p: np.ndarray, g: int, q: np.ndarray, out: np.ndarray, tmp: np.ndarray,
                  tmp2: np.ndarray) -> np.ndarray:
    """f(p) = 1 - p^G - (1 - p)^G into ``out``, leaving 1 - p in ``q`` (``tmp``, ``tmp2``: scratch; all of
    them distinct from ``p`` and from each other)."""
    np.subtract(np.float32(1), p, out=q)
    np.subtract(np.float32(1), int_power(p, g, out, tmp), out=out)
    out -= int_power(q, g, tmp, tmp2)
    np.maximum(out, 0, out=out)
    return out


def power(x: np.ndarray, e: float, out: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """x ** e into ``out`` (which may be ``x``): repeated squaring for integer e <= 1024 (~5x faster than
    float32 pow)."""
    if float(e).is_integer() and 0 < e <= 1024:
        return int_power(x, int(e), out, tmp)
    return np.power(x, np.float32(e), out=out)


def int_power(x: np.ndarray, g: int, out: np.ndarray, tmp: np.ndarray | None = None) -> np.ndarray:
    """x ** g by repeated squaring (a float32 ``pow`` pass costs ~4 multiplications); ``out`` may be ``x``.

    A power of two squares in ``out`` (log2 g passes); other exponents keep the running square in
    ``tmp`` (allocated if None) and start ``out`` at the first set bit. Same products, in the same
    order, as multiplying up from 1.
    """
    if g == 0:
        out.fill(1.0)
        return out
    if g & (g - 1) == 0:
        if g == 1:
            out[...] = x
            return out
        np.multiply(x, x, out=out)
        g >>= 2
        while g:
            out *= out
            g >>= 1
        return out
    tmp = np.empty_like(x) if tmp is None else tmp
    tmp[...] = x
    started = False
    while g:
        if g & 1:
            if started:
                out *= tmp
            else:
                out[...] = tmp
                started = True
        g >>= 1
        if g:
            tmp *= tmp
    return out
