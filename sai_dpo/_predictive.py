"""Predictive prior: one logistic model, shared by all problems, of a problem's pass rate from what is
known before it is drawn, used as the prior mean of its Beta posterior while it predicts better
than the (skill, level) cell (``SelectionConfig.prior = "predictive"``).

Model (z_i: problem i's features standardised over the pool, once)::

    logit pi_i = logit pi_cell(i) + b + w . z_i

The cell's shrunk accuracy enters as an offset: it is the skill and level one-hots' logistic model
already, decayed with ``cell_half_life`` so it follows the model as it trains; a refit one-hot
term would lag it. What is left to learn is how the features move a problem within its cell
(``w``) and any bias of the cell table on the problems drawn (``b``).

Fit. Each report adds one row per distinct problem drawn for the first time (its rollouts,
successes, and the cell logit used at that time) to a ring buffer of the newest ``BUFFER_ROWS``
rows. After ``REFIT_MIN_ROWS`` rows, then after as many new rows as the buffer held at the last fit
(512, 1024, 2048, ... then once per buffer), ``NEWTON_STEPS`` ridge-penalised Newton step on the
buffer (warm-started; ``RIDGE`` on ``w``, none on ``b``). Only first draws train it: a problem
drawn again was chosen for what its own outcomes showed (winner's curse), so its next outcomes
say less about problems like it than about itself, and the model would learn that bias (``b``)
and pass it on to problems never seen; the posterior already holds a repeat's own evidence. The
per-problem offsets ``b + w . z_i`` (one float32 per problem) are recomputed from the features
(one N x d product) only when the prior is used and the coefficients changed since. Products are
numpy loops (``einsum``), not BLAS: see :func:`_rowdot`.

Gate (prequential, so every outcome is held out from both models when scored). Before a report
is added, each of its rows is scored by both priors: the posterior mean the engine would use,
``(s_i + k pi) / (a_i + k)`` (the prior itself for a problem never seen), with pi the cell's and
the model's. Decayed (``half_life``) sums of the two log-losses and of their difference per row
``d``: the predictive prior is used while ``sum d > GATE_Z * sqrt(sum d^2)`` (a one-sided test that
it is better, z > 2) and ``sum d > MIN_GAIN * outcomes`` (better by a margin worth having), else
the cell prior. With features that carry nothing the model's
out-of-sample loss is slightly worse and the gate stays shut; before any fit both priors are equal.
"""

from __future__ import annotations

import math

import numpy as np

from sai_dpo.errors import InvalidInputError

BUFFER_ROWS = 16384  # newest (problem, report) rows the model is fit on
REFIT_MIN_ROWS = 512  # first fit after this many rows; then after as many new rows as were held
# (2048 left the model unfit in a 3,000-problem pool drawn 32 a round; the gate covers the early fits)
NEWTON_STEPS = 1  # per refit, warm-started: refits come every few thousand rows
RIDGE = 10.0  # penalty on w (standardised features; ~5 rows' information per feature); b is free
GATE_Z = 2.0
MIN_GAIN = 1e-4  # ... and its log-loss lower by at least this much per outcome (nats)
FRESH = 0.5  # decayed attempts below which a reported problem counts as drawn for the first time
_EPS = 1e-4  # probabilities clipped to [_EPS, 1 - _EPS] in the log-losses
# stats: decayed [loss_cell, loss_pred, outcomes, sum d, sum d^2 (weights squared), round], then
# totals [loss_cell, loss_pred, outcomes] since the engine was built.
_AT, _N_STATS = 5, 9


def check_features(features, n_problems: int) -> np.ndarray:
    """Validated features: float32, C-contiguous, shape (n_problems, d), finite (a new array unless
    the input already is one)."""
    owner = "SelectionEngine"
    try:
        arr = np.asarray(features)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError(f"The 'features' parameter of {owner} must be a numeric array. Got {exc}.") from exc
    if arr.ndim != 2 or arr.shape[0] != n_problems or arr.shape[1] < 1:
        raise InvalidInputError(
            f"The 'features' parameter of {owner} must have shape (n_problems, d) = ({n_problems}, d >= 1). "
            f"Got shape {arr.shape} instead."
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_) or np.iscomplexobj(arr):
        raise InvalidInputError(f"The 'features' parameter of {owner} must hold real numbers. Got dtype {arr.dtype} instead.")
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    if not np.isfinite(arr).all():
        row = int(np.flatnonzero(~np.isfinite(arr).all(1))[0])
        raise InvalidInputError(f"The 'features' parameter of {owner} must be finite. Got NaN or inf in row {row} instead.")
    return arr


def _rowdot(x: np.ndarray, v: np.ndarray, out: np.ndarray | None = None, chunk: int = 1 << 16) -> np.ndarray:
    """``x @ v`` for float32 rows ``x`` without BLAS (float32 result): matrix-vector products are
    cheap here, and a multithreaded BLAS on a busy machine (a Ray actor beside rollout workers)
    was seen to take 50-100x longer than one thread; numpy's own loops stay predictable."""
    out = np.empty(len(x), np.float32) if out is None else out
    v = np.asarray(v, np.float32)
    for a in range(0, len(x), chunk):
        np.einsum("nd,d->n", x[a:a + chunk], v, out=out[a:a + chunk])
    return out


def _column_moments(x: np.ndarray, chunk: int = 1 << 16) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations (float64), in chunks: no N x d float64 copy."""
    total, total_sq = np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for a in range(0, len(x), chunk):
        block = x[a:a + chunk].astype(np.float64)
        total += block.sum(0)
        total_sq += np.einsum("nd,nd->d", block, block)
    mean = total / len(x)
    return mean, np.sqrt(np.maximum(total_sq / len(x) - mean**2, 0.0))


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def _logit(p):
    p = np.clip(p, _EPS, 1 - _EPS)
    return np.log(p) - np.log1p(-p)


def _log_loss(p, cnt, succ):
    p = np.clip(p, _EPS, 1 - _EPS)
    return -(succ * np.log(p) + (cnt - succ) * np.log1p(-p))


class PredictivePrior:
    """The shared model, its training buffer and its running log-losses against the cell prior.

    Args:
        features: validated float32 (N, d) (see :func:`check_features`); kept by reference.
        gamma: per-round decay of the log-loss sums that drive the gate.
    """

    def __init__(self, features: np.ndarray, gamma: float):
        self.features = features
        self.gamma = float(gamma)
        mean, sd = _column_moments(features)
        self.mean_, self.scale_ = mean, np.where(sd > 1e-12, sd, 1.0)
        self._mean32, self._inv_scale32 = mean.astype(np.float32), (1 / self.scale_).astype(np.float32)
        self.reset()

    @property
    def d(self) -> int:
        return self.features.shape[1]

    def reset(self) -> None:
        """No fit, no scores: the prior equals the cell's."""
        self.coef_ = np.zeros(self.d + 1)  # [b, w] on standardised features
        self.stats_ = np.zeros(_N_STATS)
        self.stats_[_AT] = np.nan  # no round yet
        self.buf_idx = np.zeros(BUFFER_ROWS, np.int32)
        self.buf_val = np.zeros((BUFFER_ROWS, 3), np.float32)  # rollouts, successes, cell logit
        self.buf_meta = np.zeros(4, np.int64)  # rows held, next slot, rows since the last fit, rows held then
        self.buf_z = np.zeros((BUFFER_ROWS, self.d), np.float32)  # standardised features of each row
        self._offsets: np.ndarray | None = None
        self._offsets_coef: np.ndarray | None = None

    # ------------------------------------------------------------------ reading
    @property
    def active(self) -> bool:
        """Whether the model's prior is used: its prequential log-loss is lower, z > GATE_Z."""
        outcomes, diff, diff_sq = (float(v) for v in self.stats_[2:5])
        return diff > MIN_GAIN * outcomes and diff > GATE_Z * math.sqrt(diff_sq)

    def _folded(self) -> tuple[np.ndarray, float]:
        """(v, c) with ``b + w . z_i = x_i . v + c`` on the raw features."""
        v = self.coef_[1:] / self.scale_
        return v, float(self.coef_[0] - self.mean_ @ v)

    def standardised(self, idx: np.ndarray) -> np.ndarray:
        """z_i for the problems ``idx`` (float32 rows)."""
        z = self.features[idx]
        z -= self._mean32
        z *= self._inv_scale32
        return z

    def linear(self, idx: np.ndarray, z: np.ndarray | None = None) -> np.ndarray:
        """``b + w . z_i`` for the problems ``idx`` (float64; ``z``: their standardised rows if known)."""
        z = self.standardised(idx) if z is None else z
        return _rowdot(z, self.coef_[1:]).astype(np.float64) + self.coef_[0]

    def offsets(self) -> np.ndarray:
        """``b + w . z_i`` for every problem (float32, cached until the next fit)."""
        if self._offsets is None or not np.array_equal(self._offsets_coef, self.coef_):
            v, c = self._folded()
            if self._offsets is None:
                self._offsets = np.empty(len(self.features), np.float32)
            _rowdot(self.features, v, out=self._offsets)
            self._offsets += np.float32(c)
            self._offsets_coef = self.coef_.copy()
        return self._offsets

    def summary(self) -> dict:
        """The gate and both priors' online log-loss (per outcome): since the start and decayed."""
        s = self.stats_
        per = lambda loss, n: float(loss / n) if n > 0 else None  # noqa: E731
        return {
            "used": "predictive" if self.active else "cell",
            "logloss_cell": per(s[6], s[8]), "logloss_predictive": per(s[7], s[8]),
            "recent_logloss_cell": per(s[0], s[2]), "recent_logloss_predictive": per(s[1], s[2]),
            "gate_z": float(s[3] / np.sqrt(s[4])) if s[4] > 0 else 0.0,
            "outcomes_scored": float(s[8]), "rows_held": int(self.buf_meta[0]),
        }

    # ------------------------------------------------------------------ writing
    def observe(self, tracker, uniq, cnt, succ, round_: int, cell: np.ndarray, k: float) -> np.ndarray | None:
        """Score one report (before the tracker adds it) and learn from it; returns the prior mean of
        each of ``uniq`` that was in use before it (None: the cell's). ``cell``: shrunk cell table."""
        used = self.active
        cell_p = cell.ravel()[tracker.cell_of[uniq]]
        fac = np.exp(np.maximum(round_ - tracker.ref[uniq].astype(np.float64), 0) * float(tracker.log_gamma))
        pred_p = self.score_and_add(uniq, cnt, succ, cell_p, tracker.attempts[uniq] * fac,
                                    tracker.successes[uniq] * fac, k, round_)
        return pred_p if used else None

    def score_and_add(self, uniq, cnt, succ, cell_p, a, s, k: float, round_: int) -> np.ndarray:
        """Score one report (distinct problems ``uniq`` with ``cnt`` rollouts and ``succ`` successes,
        their cell prior ``cell_p`` and decayed evidence ``a``, ``s`` before the report) under both
        priors, add it to the gate's sums and the training buffer, and refit when due; returns the
        model's prior mean of each of ``uniq`` before the refit."""
        z = self.standardised(uniq)
        cell_z = _logit(np.asarray(cell_p, np.float64))
        pred_p = _sigmoid(cell_z + self.linear(uniq, z)) if self.coef_.any() else cell_p  # no fit: the same
        loss_c = _log_loss((s + k * cell_p) / (a + k), cnt, succ)
        loss_p = _log_loss((s + k * pred_p) / (a + k), cnt, succ)
        diff = loss_c - loss_p
        self._add_stats(np.array([loss_c.sum(), loss_p.sum(), cnt.sum(), diff.sum()]), float(diff @ diff), round_)
        fresh = a < FRESH  # trained on first draws only (see the module docstring)
        self._append(uniq[fresh], cnt[fresh], succ[fresh], cell_z[fresh], z[fresh])
        since, at_fit = self.buf_meta[2:]
        if since >= max(REFIT_MIN_ROWS, at_fit):
            self.fit()
        return pred_p

    def _add_stats(self, sums: np.ndarray, diff_sq: float, round_: int) -> None:
        s = self.stats_
        at = s[_AT]
        if np.isnan(at) or round_ > at:
            if not np.isnan(at):
                f = self.gamma ** (round_ - at)
                s[:4] *= f
                s[4] *= f * f
            s[_AT] = at = round_
        w = self.gamma ** (at - round_)  # a late report weighs as if it had come on time
        s[:4] += sums * w
        s[4] += diff_sq * w * w
        s[6:9] += sums[:3]

    def _append(self, uniq, cnt, succ, cell_z, z) -> None:
        m = len(uniq)
        if m > BUFFER_ROWS:  # keep the newest
            uniq, cnt, succ, cell_z, z = (v[-BUFFER_ROWS:] for v in (uniq, cnt, succ, cell_z, z))
            m = BUFFER_ROWS
        held, pos, since, at_fit = (int(x) for x in self.buf_meta)
        slots = (pos + np.arange(m)) % BUFFER_ROWS
        self.buf_idx[slots] = uniq
        self.buf_val[slots] = np.column_stack([cnt, succ, cell_z])
        self.buf_z[slots] = z
        self.buf_meta[:] = (min(held + m, BUFFER_ROWS), (pos + m) % BUFFER_ROWS, since + m, at_fit)

    def fit(self) -> None:
        """``NEWTON_STEPS`` ridge Newton steps on the buffer (warm start); a failed step is dropped."""
        held = int(self.buf_meta[0])
        self.buf_meta[2:] = (0, held)
        if held == 0:
            return
        z = self.buf_z[:held]
        cnt, succ, off = (self.buf_val[:held, j].astype(np.float64) for j in range(3))
        pen = np.full(self.d + 1, RIDGE)
        pen[0] = 1e-6
        c = self.coef_.copy()
        hess = np.empty((self.d + 1, self.d + 1))
        for _ in range(NEWTON_STEPS):
            p = _sigmoid(off + _rowdot(z, c[1:]) + c[0])
            r, wt = succ - cnt * p, cnt * p * (1 - p)
            grad = np.concatenate([[r.sum()], np.einsum("n,nd->d", r.astype(np.float32), z)]) - pen * c
            wt32 = wt.astype(np.float32)
            zw = z * wt32[:, None]
            # [[sum w, sum w z], [sum w z, Z' W Z]]: float32 products (33 x 33 from a few 10k rows)
            hess[0, 0], hess[0, 1:] = wt.sum(), np.einsum("n,nd->d", wt32, z)
            hess[1:, 0], hess[1:, 1:] = hess[0, 1:], np.einsum("ni,nj->ij", zw, z)
            hess += np.diag(pen)
            try:
                step = np.linalg.solve(hess, grad)
            except np.linalg.LinAlgError:
                return
            if not np.isfinite(step).all():
                return
            c = c + np.clip(step, -5.0, 5.0)  # damped: no runaway from a nearly separable buffer
        self.coef_ = c

    # ------------------------------------------------------------------ state
    def state_arrays(self) -> dict[str, np.ndarray]:
        return {"pred_coef": self.coef_.copy(), "pred_stats": self.stats_.copy(), "pred_buf_idx": self.buf_idx.copy(),
                "pred_buf_val": self.buf_val.copy(), "pred_buf_meta": self.buf_meta.copy(),
                "pred_scale": np.stack([self.mean_, self.scale_])}

    def check_arrays(self, state) -> bool:
        """Whether ``state`` holds a model (False: saved without one); raises if it holds a bad one."""
        if "pred_coef" not in state:
            return False
        shapes = {"pred_coef": (self.d + 1,), "pred_stats": (_N_STATS,), "pred_buf_idx": (BUFFER_ROWS,),
                  "pred_buf_val": (BUFFER_ROWS, 3), "pred_buf_meta": (4,), "pred_scale": (2, self.d)}
        for name, shape in shapes.items():
            if name not in state or np.shape(state[name]) != shape:
                raise InvalidInputError(
                    f"state['{name}'] must have shape {shape} (a predictive prior over {self.d} features). "
                    f"Got {np.shape(state.get(name))} instead; pass the features the state was saved with."
                )
        if not np.allclose(state["pred_scale"], np.stack([self.mean_, self.scale_]), rtol=1e-4, atol=1e-6):
            raise InvalidInputError("state was saved with other features (their column means and spreads differ): "
                                    "pass the features the state was saved with.")
        idx = np.asarray(state["pred_buf_idx"])
        if not np.isfinite(np.asarray(state["pred_coef"], np.float64)).all() or idx.min() < 0 or idx.max() >= len(self.features):
            raise InvalidInputError("state['pred_coef'] must be finite and state['pred_buf_idx'] hold pool indices.")
        return True

    def load_arrays(self, state) -> None:
        """Restore what :meth:`state_arrays` returned (checked by :meth:`check_arrays`)."""
        self.reset()
        self.coef_ = np.array(state["pred_coef"], np.float64)
        self.stats_ = np.array(state["pred_stats"], np.float64)
        self.buf_idx = np.array(state["pred_buf_idx"], np.int32)
        self.buf_val = np.array(state["pred_buf_val"], np.float32)
        self.buf_meta = np.array(state["pred_buf_meta"], np.int64)
        held = int(self.buf_meta[0])
        self.buf_z[:held] = self.standardised(self.buf_idx[:held])  # derived: not saved


def prior_means(logit_cell: np.ndarray, cell_index: np.ndarray, offsets: np.ndarray, out: np.ndarray) -> np.ndarray:
    """``sigmoid(logit pi_cell(i) + offsets_i)`` per problem into ``out`` (float32)."""
    np.take(logit_cell.astype(np.float32), cell_index, out=out, mode="clip")
    out += offsets
    np.clip(out, np.float32(-30), np.float32(30), out=out)
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += np.float32(1)
    np.reciprocal(out, out=out)
    return out
