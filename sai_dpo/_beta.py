"""Fast vectorized Thompson draws for a million problems, from precomputed Beta quantile tables.

``numpy.random.Generator.beta`` costs ~60 ns a draw (~60 ms for 1M problems), more than the whole
draw budget. Thompson exploration only needs draws that follow the posterior closely, so we invert a
precomputed quantile table instead::

    table[m, v, j] = F^-1((j + 0.5) / Q ; Beta(alpha, beta))
        m: logit of the mean alpha / (alpha + beta), 193 points over [-10, 10] (0.104 apart)
        v: concentration alpha + beta, 48 log-spaced points over [0.05, 1e5] (x1.36 apart)
        j: Q = 64 quantile levels, linear interpolation between neighbours
        (m and v are dithered: each neighbouring grid point is picked with its interpolation weight)

Mean points are uniform in logit space so that nearly-always-solved problems (mean 0.999) are not
rounded to 0.99: the frontier score ``1 - p**G - (1 - p)**G`` is steep there. The table is built
once per process by integrating the density in logit space (smooth even when alpha or beta < 1).
:func:`frontier_draws` looks up ``f(p)`` of the quantiles directly (a table per group size G), which
saves computing the frontier score per problem.
"""

from __future__ import annotations

import functools

import numpy as np

_M_BINS, _M_LO, _M_HI = 193, -10.0, 10.0
_V_BINS, _V_LO, _V_HI = 48, float(np.log(0.05)), float(np.log(1e5))
_Q = 64
_T = np.linspace(-25.0, 25.0, 1025)
_DT = float(_T[1] - _T[0])
_M_STEP = (_M_HI - _M_LO) / (_M_BINS - 1)
_V_STEP = (_V_HI - _V_LO) / (_V_BINS - 1)


@functools.lru_cache(maxsize=1)
def quantile_table() -> np.ndarray:
    """Quantiles of shape (_M_BINS * _V_BINS * _Q,), float64, flattened in (m, v, j) order."""
    mean = 1.0 / (1.0 + np.exp(-(_M_LO + _M_STEP * np.arange(_M_BINS))))
    conc = np.exp(_V_LO + _V_STEP * np.arange(_V_BINS))
    alpha = (mean[:, None] * conc[None, :]).reshape(1, -1)
    beta = ((1.0 - mean[:, None]) * conc[None, :]).reshape(1, -1)
    x = 1.0 / (1.0 + np.exp(-_T))
    # Density of t = logit(x) is proportional to x**alpha * (1 - x)**beta: e^(alpha t) far left,
    # e^(-beta t) far right, so the mass beyond the grid is pdf(end) / alpha (resp. / beta); it is
    # large when alpha or beta << 1 and must land on the ends, not be spread over the grid.
    # Layout (grid point, row) so that the reductions run along the first axis (vectorized).
    logpdf = np.log(x)[:, None] * alpha + np.log1p(-x)[:, None] * beta
    logpdf -= logpdf.max(axis=0)
    pdf = np.exp(logpdf, out=logpdf)
    tail_lo, tail_hi = pdf[:1] / alpha, pdf[-1:] / beta
    cdf = np.empty_like(pdf)
    cdf[0] = tail_lo
    np.cumsum((pdf[1:] + pdf[:-1]) * (_DT / 2), axis=0, out=cdf[1:])
    cdf[1:] += tail_lo
    cdf /= cdf[-1:] + tail_hi
    cdf = np.ascontiguousarray(cdf.T)
    levels = (np.arange(_Q) + 0.5) / _Q
    # Invert all rows in one searchsorted: offset row r by 2r so the flattened CDFs stay sorted.
    rows, width = len(cdf), cdf.shape[1]
    offset = 2.0 * np.arange(rows)[:, None]
    flat = (cdf + offset).ravel()
    pos = np.searchsorted(flat, (levels[None, :] + offset).ravel()).reshape(rows, _Q)
    col = np.clip(pos - np.arange(rows)[:, None] * width, 1, width - 1)
    c_lo = np.take_along_axis(cdf, col - 1, axis=1)
    c_hi = np.take_along_axis(cdf, col, axis=1)
    frac = np.clip((levels[None, :] - c_lo) / np.maximum(c_hi - c_lo, 1e-300), 0, 1)
    out = x[col - 1] + frac * (x[col] - x[col - 1])
    return out.ravel()


@functools.lru_cache(maxsize=8)
def _frontier_table(group_size: int) -> np.ndarray:
    p = quantile_table()
    return (1.0 - p**group_size - (1.0 - p) ** group_size).astype(np.float32)


class _Fresh:
    """Stand-in workspace that allocates (small inputs, one-off calls)."""

    def get(self, name, shape, dtype=np.float32):
        return np.empty(shape, dtype)


def _lookup(table, alpha, beta, rng, ws) -> np.ndarray:
    """Interpolated ``table`` value at one random quantile per entry; buffers come from ``ws``.

    Consumes two float32 uniforms per entry from ``rng`` (grid dithering, then the quantile).
    """
    n = alpha.shape
    m, v, q = ws.get("beta_m", n), ws.get("beta_v", n), ws.get("beta_q", n)
    # np.take converts int32 indices to intp internally (an 8 MB temporary per call at 1M): keep intp.
    base, j = ws.get("beta_base", n, np.intp), ws.get("beta_j", n, np.int32)
    lo, hi = ws.get("beta_lo", n), ws.get("beta_hi", n)
    # Grid coordinates, dithered: truncating coordinate + U(0, 1) picks each neighbouring grid point
    # with probability equal to its interpolation weight, so the draw follows the mixture of the two
    # neighbouring Betas (no rounding bias, no extra table lookups). One uniform u serves both axes:
    # u for the mean axis, frac(4096 u) (its low 12 bits) for the concentration axis.
    dither = ws.get("beta_d", n)
    rng.random(out=dither, dtype=np.float32)
    np.log(alpha, out=m)
    np.log(beta, out=v)
    m -= v
    m -= np.float32(_M_LO)
    m *= np.float32(1 / _M_STEP)
    m += dither
    np.clip(m, 0, _M_BINS - 1, out=m)
    dither *= np.float32(4096)
    j[...] = dither  # integer part (np.modf costs 10x more)
    q[...] = j
    dither -= q
    np.add(alpha, beta, out=v)
    np.log(v, out=v)
    v -= np.float32(_V_LO)
    v *= np.float32(1 / _V_STEP)
    v += dither
    np.clip(v, 0, _V_BINS - 1, out=v)
    base[...] = m
    base *= _V_BINS
    j[...] = v
    base += j
    base *= _Q
    rng.random(out=q, dtype=np.float32)
    q *= _Q
    q -= np.float32(0.5)
    np.clip(q, 0, np.float32(_Q - 1.001), out=q)
    j[...] = q
    m[...] = j  # m is free again: the integer part as float
    q -= m
    base += j
    np.take(table, base, out=lo, mode="clip")
    base += 1
    np.take(table, base, out=hi, mode="clip")
    hi -= lo
    hi *= q
    lo += hi
    return lo


def beta_draws(alpha: np.ndarray, beta: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One approximate draw from Beta(alpha[i], beta[i]) per entry, as float32 (one uniform each)."""
    alpha = np.asarray(alpha, dtype=np.float32)
    beta = np.asarray(beta, dtype=np.float32)
    return _lookup(_float32_table(), alpha, beta, rng, _Fresh()).copy()


@functools.lru_cache(maxsize=1)
def _float32_table() -> np.ndarray:
    return quantile_table().astype(np.float32)


def frontier_draws(alpha, beta, group_size: int, rng: np.random.Generator, ws=None) -> np.ndarray:
    """``f(p~) = 1 - p~^G - (1 - p~)^G`` for one Thompson draw ``p~ ~ Beta(alpha, beta)`` per entry.

    Same random stream and quantile as :func:`beta_draws` (``f`` is interpolated between the
    quantiles' scores rather than evaluated at the interpolated quantile). ``ws`` (a
    :class:`~sai_dpo._scratch.Scratch`) supplies reusable buffers; the result lives in one of them.
    """
    alpha = np.asarray(alpha, dtype=np.float32)
    beta = np.asarray(beta, dtype=np.float32)
    out = _lookup(_frontier_table(int(group_size)), alpha, beta, rng, ws or _Fresh())
    return out if ws is not None else out.copy()


def prior_quantiles(alpha, beta) -> np.ndarray:
    """The ``_Q`` quantiles ``F^-1((j + 0.5) / _Q)`` of Beta(alpha[c], beta[c]) per row, float64 (C, _Q).

    Bilinear in (logit mean, log concentration) between the quantile table's grid rows: a quantile
    function interpolated between neighbouring Betas (few rows: cell priors, not problems).
    """
    alpha = np.maximum(np.asarray(alpha, dtype=np.float64), 1e-6)
    beta = np.maximum(np.asarray(beta, dtype=np.float64), 1e-6)
    m = np.clip((np.log(alpha) - np.log(beta) - _M_LO) / _M_STEP, 0, _M_BINS - 1)
    v = np.clip((np.log(alpha + beta) - _V_LO) / _V_STEP, 0, _V_BINS - 1)
    m0 = np.minimum(m.astype(np.intp), _M_BINS - 2)
    v0 = np.minimum(v.astype(np.intp), _V_BINS - 2)
    fm, fv = (m - m0)[:, None], (v - v0)[:, None]
    t = quantile_table().reshape(_M_BINS, _V_BINS, _Q)
    return ((1 - fm) * ((1 - fv) * t[m0, v0] + fv * t[m0, v0 + 1])
            + fm * ((1 - fv) * t[m0 + 1, v0] + fv * t[m0 + 1, v0 + 1]))
