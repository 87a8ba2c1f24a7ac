"""Decayed evidence per problem and per (skill, level) cell, in compact numpy arrays.

Per problem (24 bytes + 1 flag byte + 4 bytes of cell code + 8 bytes of Rasch estimates):

    attempts, successes   float32  decayed counts, valid as of round ``ref[i]``
    tokens, steps         float32  decayed running means (NaN until first reported)
    ref                   int32    round the counts are expressed at (lazy decay)
    drawn                 int32    last round the problem was drawn (cooldown)
    flags                 uint8    success/failure seen in the newest reported round
    offset, offset_prec   float32  Rasch offset and its evidence precision (``sai_dpo._rasch``)
    step_code, token_code uint16   histogram bin of the mean steps / tokens, or 1024 + cell for a
                                   problem never measured (it then ranks by its cell's mean)

Lazy decay and late reports. Evidence from round ``t`` weighs ``gamma ** (now - t)``. A problem's
counts are stored as of round ``ref[i]``; a report for round ``r`` first brings them to
``max(ref[i], r)``, then adds the new evidence with weight ``gamma ** (max(ref[i], r) - r)``. A late
report (for a round older than the problem's newest evidence) is therefore discounted exactly as if it
had arrived on time, and reports may arrive in any order. Reading the counts at round ``q`` multiplies
by ``gamma ** max(q - ref, 0)``: evidence is never inflated when one asks about an older round.

The cell table (few cells) is decayed eagerly to the newest round seen, with its own half-life.
"""

from __future__ import annotations

import numpy as np

NEVER = np.int32(-(2**30))  # "never reported / never drawn": far enough back to decay to zero
N_BINS = 1024  # histogram bins of the step and token codes


def step_code(v: np.ndarray) -> np.ndarray:
    """Histogram bin of a mean step count: quarter steps, 0..1023."""
    return np.clip(np.rint(np.asarray(v, np.float64) * 4), 0, N_BINS - 1).astype(np.int64)


def token_code(v: np.ndarray) -> np.ndarray:
    """Histogram bin of a mean token count: 1/32 octave of (1 + tokens), 0..1023."""
    return np.clip(np.rint(np.log2(1.0 + np.asarray(v, np.float64)) * 32), 0, N_BINS - 1).astype(np.int64)


_PROBLEM_ARRAYS = ("attempts", "successes", "tokens", "steps", "ref", "drawn", "flags")
_CELL_ARRAYS = ("c_att", "c_succ", "c_tok", "c_tok_w", "c_steps", "c_steps_w", "c_draws")
# Arrays added after format version 1 shipped -> the config field that came with them: a state whose
# saved config lacks that field predates the array and loads without it; any other state must have it.
_RASCH_ARRAYS = ("offset", "offset_prec", "ability", "hardness", "rasch_round")
OPTIONAL_ARRAYS = {"calib": "calibrate", **dict.fromkeys(_RASCH_ARRAYS, "estimator")}
ABILITY_PRIOR_VAR = 1.0  # prior variance (logits^2) of a skill's ability and of a level's hardness


class Tracker:
    """Decayed outcome evidence for a pool of ``n`` problems grouped into (skill, level) cells."""

    def __init__(self, cell_of: np.ndarray, n_skills: int, level_values: np.ndarray, gamma: float,
                 cell_gamma: float, base_accuracy: float = 0.5):
        n = len(cell_of)
        self.cell_of = np.ascontiguousarray(cell_of, dtype=np.int32)
        self.level_values = np.asarray(level_values, dtype=np.float64)  # per level code; NaN = no level
        self.n_skills, self.n_levels = n_skills, len(self.level_values)
        self.n_cells = n_skills * self.n_levels
        self.gamma, self.cell_gamma = gamma, cell_gamma
        self.log_gamma = np.float32(np.log(gamma))
        self.attempts = np.zeros(n, np.float32)
        self.successes = np.zeros(n, np.float32)
        self.tokens = np.full(n, np.nan, np.float32)
        self.steps = np.full(n, np.nan, np.float32)
        self.ref = np.full(n, NEVER, np.int32)
        self.drawn = np.full(n, NEVER, np.int32)
        self.flags = np.zeros(n, np.uint8)
        code_dtype = np.uint16 if N_BINS + self.n_cells <= 65535 else np.int32
        self.step_code = (N_BINS + self.cell_of).astype(code_dtype)
        self.token_code = self.step_code.copy()
        self.step_hist = np.zeros(N_BINS, np.int64)
        self.token_hist = np.zeros(N_BINS, np.int64)
        c = self.n_cells
        self.c_att, self.c_succ = np.zeros(c), np.zeros(c)
        self.c_tok, self.c_tok_w = np.zeros(c), np.zeros(c)
        self.c_steps, self.c_steps_w = np.zeros(c), np.zeros(c)
        self.c_draws = np.zeros(c, np.int64)
        self.cell_problems = np.bincount(self.cell_of, minlength=c)
        self.calib = np.array([0.0, 0.0, NEVER])  # repeat calibration: decayed score, information, round
        self.cell_round = int(NEVER)  # round the cell table is expressed at
        self.newest_round = int(NEVER)  # newest round any report was for
        self.flag_round = int(NEVER)  # round ``flags`` describe
        self.groups = 0  # (problem, round) groups reported for flag_round
        self.mixed_groups = 0  # ... of which had both a success and a failure
        self.n_outcomes = 0
        self.version = 0  # bumped by every report; caches key on it
        self._base_logit = float(np.log(base_accuracy) - np.log1p(-base_accuracy))
        self._fresh_rasch()
        self._pos: np.ndarray | None = None  # scratch of _group

    def _fresh_rasch(self) -> None:
        """Rasch estimates without evidence (``sai_dpo._rasch``): offset and evidence precision per
        problem, (mean, variance) of each skill's ability and each level's hardness, and the round the
        ability variances are expressed at."""
        self.offset = np.zeros(self.n, np.float32)
        self.offset_prec = np.zeros(self.n, np.float32)
        self.ability = np.tile([self._base_logit, ABILITY_PRIOR_VAR], (self.n_skills, 1))
        self.hardness = np.tile([0.0, ABILITY_PRIOR_VAR], (self.n_levels, 1))
        self.rasch_round = np.array([NEVER], np.int64)

    @property
    def n(self) -> int:
        return len(self.cell_of)

    def nbytes_per_problem(self) -> float:
        """Bytes of per-problem state (tracker arrays plus the cell code)."""
        per_problem = _PROBLEM_ARRAYS + _RASCH_ARRAYS[:2] + ("cell_of", "step_code", "token_code")
        total = sum(getattr(self, a).nbytes for a in per_problem)
        return total / self.n

    # ------------------------------------------------------------------ reading
    def decayed(self, round_: int) -> tuple[np.ndarray, np.ndarray]:
        """Per-problem (attempts, successes) decayed to ``round_`` (float32)."""
        dt = np.float32(round_) - self.ref.astype(np.float32)
        np.maximum(dt, 0, out=dt)
        dt *= self.log_gamma
        factor = np.exp(dt, out=dt)
        return self.attempts * factor, self.successes * factor

    def cell_counts(self, round_: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Cell (attempts, successes) decayed to ``round_`` (default: newest round seen)."""
        if round_ is None or self.cell_round == NEVER or round_ <= self.cell_round:
            return self.c_att.copy(), self.c_succ.copy()
        f = self.cell_gamma ** (round_ - self.cell_round)
        return self.c_att * f, self.c_succ * f

    # ------------------------------------------------------------------ writing
    def report(self, idx, rewards, round_: int, tokens=None, steps=None, threshold: float = 0.5,
               grouped: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        """Add one batch of validated outcomes (indices may repeat) reported for ``round_``
        (``grouped``: what :meth:`group` returned for ``idx``, if the caller has it)."""
        uniq, inv = self.group(idx) if grouped is None else grouped
        cnt = np.bincount(inv, minlength=len(uniq)).astype(np.float64)
        succ = np.bincount(inv, weights=rewards, minlength=len(uniq))
        self._update_problems(uniq, inv, cnt, succ, round_, tokens, steps)
        self._update_cells(uniq, inv, cnt, succ, round_, tokens, steps)
        self._update_flags(uniq, inv, rewards, round_, threshold)
        self.newest_round = max(self.newest_round, round_)
        self.n_outcomes += len(idx)
        self.version += 1

    def add_calibration(self, score: float, info: float, round_: int) -> None:
        """Add one report's repeat-calibration (score, information) for ``round_``, decayed like
        the cell table (a late report is discounted as if it had arrived on time)."""
        at = int(self.calib[2])
        if at == NEVER or round_ > at:
            if at != NEVER:
                self.calib[:2] *= self.cell_gamma ** (round_ - at)
            self.calib[2] = at = round_
        self.calib[:2] += np.array([score, info]) * self.cell_gamma ** (at - round_)

    def group(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Like ``np.unique(idx, return_inverse=True)`` without the sort (order: last occurrence).

        A pool-sized int32 scratch remembers, for each index, the last batch position that named it;
        positions that remember themselves are the distinct indices. O(batch), no O(N) pass.
        """
        if self._pos is None:
            self._pos = np.empty(self.n, np.int32)
        at = np.arange(len(idx), dtype=np.int32)
        self._pos[idx] = at
        rep = self._pos[idx]  # representative position of each entry's index
        is_rep = rep == at
        compact = np.cumsum(is_rep, dtype=np.int64) - 1
        return idx[is_rep], compact[rep]

    def _update_problems(self, uniq, inv, cnt, succ, r, tokens, steps) -> None:
        ref = self.ref[uniq]
        new_ref = np.maximum(ref, np.int32(r))
        g = np.float64(self.gamma)
        old_f = g ** (new_ref - ref).astype(np.float64)  # NEVER -> 0
        new_f = g ** (new_ref - r).astype(np.float64)
        a_old = self.attempts[uniq] * old_f
        a_add = cnt * new_f
        self.attempts[uniq] = a_old + a_add
        self.successes[uniq] = self.successes[uniq] * old_f + succ * new_f
        self.ref[uniq] = new_ref
        for vals, arr, codes, hist, code_of in (
            (tokens, self.tokens, self.token_code, self.token_hist, token_code),
            (steps, self.steps, self.step_code, self.step_hist, step_code),
        ):
            if vals is None:
                continue
            mean_new = np.bincount(inv, weights=vals, minlength=len(uniq)) / cnt
            old = arr[uniq].astype(np.float64)
            w_old = np.where(np.isnan(old), 0.0, a_old)
            old = np.nan_to_num(old)
            mean = (old * w_old + mean_new * a_add) / np.maximum(w_old + a_add, 1e-30)
            arr[uniq] = mean
            # Keep the histogram of codes over measured problems in step with the means.
            old_codes = codes[uniq].astype(np.int64)
            hist -= np.bincount(old_codes[old_codes < N_BINS], minlength=N_BINS)
            new_codes = code_of(arr[uniq])
            hist += np.bincount(new_codes, minlength=N_BINS)
            codes[uniq] = new_codes

    def _update_cells(self, uniq, inv, cnt, succ, r, tokens, steps) -> None:
        if r > self.cell_round:
            if self.cell_round != NEVER:
                f = self.cell_gamma ** (r - self.cell_round)
                for name in _CELL_ARRAYS[:-1]:
                    getattr(self, name)[:] *= f
            self.cell_round = r
        w = self.cell_gamma ** (self.cell_round - r)
        cells = self.cell_of[uniq]
        nc = self.n_cells
        self.c_att += np.bincount(cells, weights=cnt, minlength=nc) * w
        self.c_succ += np.bincount(cells, weights=succ, minlength=nc) * w
        for vals, s, sw in ((tokens, self.c_tok, self.c_tok_w), (steps, self.c_steps, self.c_steps_w)):
            if vals is not None:
                per = np.bincount(inv, weights=vals, minlength=len(uniq))
                s += np.bincount(cells, weights=per, minlength=nc) * w
                sw += np.bincount(cells, weights=cnt, minlength=nc) * w

    def _update_flags(self, uniq, inv, rewards, r, threshold) -> None:
        if r < self.flag_round:
            return  # a late report does not change the newest round's informative share
        if r > self.flag_round:
            self.flags[:] = 0
            self.flag_round, self.groups, self.mixed_groups = r, 0, 0
        ok = rewards >= threshold
        n_ok = np.bincount(inv, weights=ok, minlength=len(uniq))
        n_all = np.bincount(inv, minlength=len(uniq))
        bits = (n_ok > 0).astype(np.uint8) | ((n_ok < n_all).astype(np.uint8) << 1)
        old = self.flags[uniq]
        new = old | bits
        self.flags[uniq] = new
        self.groups += int(np.count_nonzero(old == 0))
        self.mixed_groups += int(np.count_nonzero((new == 3) & (old != 3)))

    def mark_drawn(self, idx: np.ndarray, round_: int) -> None:
        """Remember the round ``idx`` were drawn (cooldown) and count draws per cell."""
        self.drawn[idx] = np.maximum(self.drawn[idx], np.int32(round_))
        self.c_draws += np.bincount(self.cell_of[idx], minlength=self.n_cells)

    # ------------------------------------------------------------------ state
    def state_arrays(self) -> dict[str, np.ndarray]:
        """Every array and scalar of the state (copies), keyed by name."""
        out = {name: getattr(self, name).copy() for name in _PROBLEM_ARRAYS + _CELL_ARRAYS + _RASCH_ARRAYS}
        out["calib"] = self.calib.copy()
        out["scalars"] = np.array(
            [self.cell_round, self.newest_round, self.flag_round, self.groups, self.mixed_groups,
             self.n_outcomes, self.version], dtype=np.int64)
        return out

    def load_arrays(self, arrays: dict[str, np.ndarray]) -> None:
        """Restore what :meth:`state_arrays` returned (shapes already validated)."""
        for name in _PROBLEM_ARRAYS + _CELL_ARRAYS:
            cur = getattr(self, name)
            setattr(self, name, np.array(arrays[name], dtype=cur.dtype, copy=True))
        calib = arrays["calib"] if "calib" in arrays else [0.0, 0.0, NEVER]
        self.calib = np.array(calib, dtype=np.float64, copy=True)
        self._fresh_rasch()  # a state saved before the Rasch estimates existed starts them afresh
        for name in _RASCH_ARRAYS:
            if name in arrays:
                setattr(self, name, np.array(arrays[name], dtype=getattr(self, name).dtype, copy=True))
        (self.cell_round, self.newest_round, self.flag_round, self.groups, self.mixed_groups,
         self.n_outcomes, self.version) = (int(x) for x in arrays["scalars"])
        self._rebuild_codes()

    def _rebuild_codes(self) -> None:
        """Recompute step/token codes and histograms from the means (after loading a state)."""
        for arr, codes, hist, code_of in (
            (self.tokens, self.token_code, self.token_hist, token_code),
            (self.steps, self.step_code, self.step_hist, step_code),
        ):
            seen = ~np.isnan(arr)
            codes[:] = N_BINS + self.cell_of
            codes[seen] = code_of(arr[seen])
            hist[:] = np.bincount(codes[seen].astype(np.int64), minlength=N_BINS)

    def expected_shapes(self) -> dict[str, tuple]:
        """Shape of each state array, for validating a loaded state."""
        shapes = {name: (self.n,) for name in _PROBLEM_ARRAYS}
        shapes.update({name: (self.n_cells,) for name in _CELL_ARRAYS})
        shapes["scalars"] = (7,)
        shapes["calib"] = (3,)
        shapes.update(offset=(self.n,), offset_prec=(self.n,), ability=(self.n_skills, 2),
                      hardness=(self.n_levels, 2), rasch_round=(1,))
        return shapes
