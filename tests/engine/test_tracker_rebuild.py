"""The tracker's bookkeeping against a rebuild from the raw evidence.

A random stream of reports (rounds out of order, late reports, repeated problems in a batch, tokens
and steps), draws and calibration scores goes into a ``Tracker``; the same stream is kept raw, and
every array the tracker holds is recomputed from it by the definitions in ``sai_dpo/_tracker.py``'s
docstring: evidence from round ``r`` weighs ``gamma ** (ref - r)``, with ``ref`` the newest round a
problem (or, for the cell table, any problem) was reported for; reading at round ``q`` multiplies by
``gamma ** max(q - ref, 0)``; means of tokens and steps weigh each outcome like its attempt; the
histograms count the bins of the measured problems' means; the flags describe the newest round.
"""

from __future__ import annotations

import numpy as np
import pytest

from sai_dpo._tracker import N_BINS, NEVER, Tracker, step_code, token_code

GAMMA, CELL_GAMMA = 0.9, 0.8
N_SKILLS, N_LEVELS, N = 3, 2, 40


class Raw:
    """Every outcome, draw and calibration score, as given."""

    def __init__(self, cell_of):
        self.cell_of = cell_of
        self.outcomes = []  # (problem, reward, round, tokens, steps, report number)
        self.draws = []  # (problem, round)
        self.calib = []  # (score, info, round)
        self.reports = 0

    def problem_ref(self, i):
        rounds = [o[2] for o in self.outcomes if o[0] == i]
        return max(rounds) if rounds else None

    def decayed(self, q):
        att, succ = np.zeros(N), np.zeros(N)
        for i in range(N):
            ref = self.problem_ref(i)
            if ref is None:
                continue
            read = GAMMA ** max(q - ref, 0)
            for p, reward, r, *_ in self.outcomes:
                if p == i:
                    att[i] += GAMMA ** (ref - r) * read
                    succ[i] += reward * GAMMA ** (ref - r) * read
        return att, succ

    def means(self, column):
        out = np.full(N, np.nan)
        for i in range(N):
            ref = self.problem_ref(i)
            rows = [(GAMMA ** (ref - o[2]), o[column]) for o in self.outcomes if o[0] == i]
            if rows:
                w = np.array([a for a, _ in rows])
                out[i] = float(np.sum(w * np.array([v for _, v in rows])) / np.sum(w))
        return out

    def cell_round(self):
        return max(o[2] for o in self.outcomes)

    def cells(self, column=None):
        """Decayed per-cell sums as of the newest round: attempts, successes or a value column."""
        at = self.cell_round()
        out = np.zeros(N_SKILLS * N_LEVELS)
        for p, reward, r, tok, steps, _ in self.outcomes:
            value = {None: 1.0, "succ": reward, "tok": tok, "steps": steps}[column]
            out[self.cell_of[p]] += value * CELL_GAMMA ** (at - r)
        return out

    def flags(self):
        newest = self.cell_round()
        flags = np.zeros(N, np.uint8)
        for p, reward, r, *_ in self.outcomes:
            if r == newest:
                flags[p] |= 1 if reward >= 0.5 else 2
        return newest, flags

    def calibration(self):
        at = max(r for *_, r in self.calib)
        score = sum(s * CELL_GAMMA ** (at - r) for s, _, r in self.calib)
        info = sum(i * CELL_GAMMA ** (at - r) for _, i, r in self.calib)
        return score, info, at


def _stream(seed):
    rng = np.random.default_rng(seed)
    cell_of = rng.integers(0, N_SKILLS * N_LEVELS, N)
    tracker = Tracker(cell_of, N_SKILLS, np.arange(N_LEVELS, dtype=float), GAMMA, CELL_GAMMA)
    raw = Raw(cell_of)
    for k in range(14):
        # mostly forward, with late reports for older rounds among them
        r = int(rng.integers(0, 6)) + (k // 2)
        size = int(rng.integers(1, 12))
        idx = rng.integers(0, N // 2 if k < 6 else N, size)  # repeats in a batch; some problems late
        rewards = rng.integers(0, 2, size).astype(float)
        tokens = rng.uniform(1, 900, size)
        steps = rng.uniform(0, 30, size)
        tracker.report(idx, rewards, r, tokens=tokens, steps=steps)
        raw.reports += 1
        raw.outcomes += [(int(i), float(w), r, float(t), float(s), k)
                         for i, w, t, s in zip(idx, rewards, tokens, steps, strict=True)]
        drawn = rng.integers(0, N, 3)
        draw_round = int(rng.integers(0, 10))
        tracker.mark_drawn(drawn, draw_round)
        raw.draws += [(int(i), draw_round) for i in drawn]
        score, info, cal_round = float(rng.normal()), float(rng.uniform(0.1, 2)), int(rng.integers(0, 10))
        tracker.add_calibration(score, info, cal_round)
        raw.calib.append((score, info, cal_round))
    return tracker, raw


SEEDS = [0, 1, 2, 3]


@pytest.mark.parametrize("seed", SEEDS)
def test_problem_counts_at_past_present_and_future_rounds(seed):
    tracker, raw = _stream(seed)
    newest = raw.cell_round()
    for q in (0, 3, newest - 1, newest, newest + 1, newest + 5):
        att, succ = tracker.decayed(q)
        want_att, want_succ = raw.decayed(q)
        np.testing.assert_allclose(att, want_att, rtol=2e-5, atol=1e-6, err_msg=f"attempts at round {q}")
        np.testing.assert_allclose(succ, want_succ, rtol=2e-5, atol=1e-6, err_msg=f"successes at round {q}")
    refs = [raw.problem_ref(i) for i in range(N)]
    assert tracker.ref.tolist() == [NEVER if r is None else r for r in refs]


@pytest.mark.parametrize("seed", SEEDS)
def test_means_codes_and_histograms(seed):
    tracker, raw = _stream(seed)
    for column, arr, codes, hist, code_of in ((3, tracker.tokens, tracker.token_code, tracker.token_hist, token_code),
                                              (4, tracker.steps, tracker.step_code, tracker.step_hist, step_code)):
        want = raw.means(column)
        np.testing.assert_allclose(arr, want, rtol=2e-5, equal_nan=True)
        seen = ~np.isnan(want)
        want_codes = np.where(seen, code_of(np.nan_to_num(want)), N_BINS + raw.cell_of)
        assert codes.tolist() == want_codes.tolist()
        assert hist.tolist() == np.bincount(want_codes[seen], minlength=N_BINS).tolist()
        assert hist.sum() == seen.sum()


@pytest.mark.parametrize("seed", SEEDS)
def test_every_cell_array(seed):
    tracker, raw = _stream(seed)
    newest = raw.cell_round()
    assert tracker.cell_round == newest == tracker.newest_round
    for name, column in (("c_att", None), ("c_succ", "succ"), ("c_tok", "tok"), ("c_tok_w", None),
                         ("c_steps", "steps"), ("c_steps_w", None)):
        np.testing.assert_allclose(getattr(tracker, name), raw.cells(column), rtol=1e-9, err_msg=name)
    # draws per cell are counts, never decayed
    want_draws = np.bincount([raw.cell_of[i] for i, _ in raw.draws], minlength=N_SKILLS * N_LEVELS)
    assert tracker.c_draws.tolist() == want_draws.tolist()
    # reading the cells: at or before the newest round as stored; later rounds decay
    for q in (None, newest - 2, newest):
        att, succ = tracker.cell_counts(q)
        np.testing.assert_allclose(att, raw.cells(None), rtol=1e-9)
        np.testing.assert_allclose(succ, raw.cells("succ"), rtol=1e-9)
    att, succ = tracker.cell_counts(newest + 3)
    np.testing.assert_allclose(att, raw.cells(None) * CELL_GAMMA ** 3, rtol=1e-9)
    np.testing.assert_allclose(succ, raw.cells("succ") * CELL_GAMMA ** 3, rtol=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_flags_groups_draws_and_counters(seed):
    tracker, raw = _stream(seed)
    newest, flags = raw.flags()
    assert tracker.flag_round == newest
    assert tracker.flags.tolist() == flags.tolist()
    assert tracker.groups == int(np.count_nonzero(flags))
    assert tracker.mixed_groups == int(np.count_nonzero(flags == 3))
    want_drawn = np.full(N, NEVER)
    for i, r in raw.draws:
        want_drawn[i] = max(want_drawn[i], r)
    assert tracker.drawn.tolist() == want_drawn.tolist()
    assert tracker.n_outcomes == len(raw.outcomes)
    assert tracker.version == raw.reports


@pytest.mark.parametrize("seed", SEEDS)
def test_calibration_decays_like_the_cell_table(seed):
    tracker, raw = _stream(seed)
    score, info, at = raw.calibration()
    np.testing.assert_allclose(tracker.calib, [score, info, at], rtol=1e-9)


def test_a_state_round_trip_rebuilds_codes_and_histograms():
    tracker, raw = _stream(5)
    copy = Tracker(raw.cell_of, N_SKILLS, np.arange(N_LEVELS, dtype=float), GAMMA, CELL_GAMMA)
    copy.load_arrays(tracker.state_arrays())
    for name in ("token_code", "step_code", "token_hist", "step_hist", "calib", "c_draws", "flags"):
        assert getattr(copy, name).tolist() == getattr(tracker, name).tolist(), name
    assert (copy.cell_round, copy.newest_round, copy.flag_round, copy.groups, copy.mixed_groups,
            copy.n_outcomes, copy.version) == (tracker.cell_round, tracker.newest_round, tracker.flag_round,
                                               tracker.groups, tracker.mixed_groups, tracker.n_outcomes,
                                               tracker.version)
    for q in (2, 20):
        np.testing.assert_array_equal(copy.decayed(q), tracker.decayed(q))


def test_a_second_report_moves_each_histogram_entry_instead_of_adding_one():
    """Dropping the histogram's removal of the old bin double-counts a problem after its second report."""
    t = Tracker(np.zeros(2, np.int64), 1, np.array([0.0]), GAMMA, CELL_GAMMA)
    t.report(np.array([0]), np.array([1.0]), 0, tokens=np.array([100.0]), steps=np.array([4.0]))
    t.report(np.array([0]), np.array([1.0]), 1, tokens=np.array([300.0]), steps=np.array([8.0]))
    assert t.token_hist.sum() == 1 and t.step_hist.sum() == 1
    mean_steps = (4.0 * GAMMA + 8.0) / (GAMMA + 1)
    assert t.step_hist[step_code(np.array([mean_steps]))[0]] == 1
    assert t.step_code[1] == N_BINS + 0  # the unmeasured problem ranks by its cell


def test_codes_by_hand():
    assert step_code(np.array([0.0, 0.12, 0.13, 2.5, 255.75, 1e9])).tolist() == [0, 0, 1, 10, 1023, 1023]
    # 1/32 octave of (1 + tokens): 0 tokens -> 0, 1 token -> 32, 3 tokens -> 64, 7 -> 96
    assert token_code(np.array([0.0, 1.0, 3.0, 7.0, 2.0**40])).tolist() == [0, 32, 64, 96, 1023]
