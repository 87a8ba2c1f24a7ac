"""The tracker's memory layout and its edge rules, each pinned directly.

The layout is a promise (issue 18's budget: at most 64 bytes per problem; ``sai_dpo/_tracker.py``'s
docstring lists 41): every array's dtype, the bytes per problem, state round trips that copy, and
the few boundary rules of a report (a reward of exactly the threshold, steps without tokens, a late
first measurement).
"""

from __future__ import annotations

import numpy as np
import pytest

from sai_dpo._tracker import N_BINS, NEVER, Tracker, token_code

DTYPES = {
    "cell_of": np.int32, "attempts": np.float32, "successes": np.float32, "tokens": np.float32,
    "steps": np.float32, "ref": np.int32, "drawn": np.int32, "flags": np.uint8, "step_code": np.uint16,
    "token_code": np.uint16, "step_hist": np.int64, "token_hist": np.int64, "c_att": np.float64,
    "c_succ": np.float64, "c_draws": np.int64, "calib": np.float64, "offset": np.float32,
    "offset_prec": np.float32, "ability": np.float64, "hardness": np.float64, "rasch_round": np.int64,
    "level_values": np.float64, "cell_problems": np.int64,
}


def _tracker(n=6, n_skills=2, levels=(1, 2, 3), **kw):
    cell_of = [i % (n_skills * len(levels)) for i in range(n)]
    return Tracker(cell_of, n_skills, levels, 0.9, 0.8, **kw)


def _assert_layout(t):
    for name, dtype in DTYPES.items():
        assert getattr(t, name).dtype == dtype, name


def test_dtypes_and_bytes_per_problem_of_a_new_tracker():
    t = _tracker(levels=[1, 2, 3])  # integer levels and a list of cells are converted
    _assert_layout(t)
    # 4+4+4+4 (counts, means) + 4+4 (ref, drawn) + 1 (flags) + 4+4 (Rasch) + 4 (cell) + 2+2 (codes)
    assert t.nbytes_per_problem() == 41
    assert np.isnan(t.tokens).all() and np.isnan(t.steps).all()
    assert (t.ref == NEVER).all() and (t.drawn == NEVER).all()
    assert (t.groups, t.mixed_groups, t.n_outcomes, t.version) == (0, 0, 0, 0)
    assert t.calib.tolist() == [0.0, 0.0, NEVER]


def test_the_default_base_accuracy_is_one_half():
    t = _tracker()
    assert t.ability[:, 0].tolist() == [0.0, 0.0]  # logit(0.5)
    assert _tracker(base_accuracy=0.8).ability[0, 0] == pytest.approx(np.log(4.0))


def test_cell_problems_counts_empty_trailing_cells():
    t = Tracker([0, 0, 1], 3, [1.0], 0.9, 0.8)  # skills 1 and 2 have cells but skill 2 has no problem
    assert t.cell_problems.tolist() == [2, 1, 0]


@pytest.mark.parametrize("n_skills,dtype", [(64511, np.uint16), (64512, np.int32), (70000, np.int32)])
def test_codes_widen_when_the_cells_no_longer_fit_16_bits(n_skills, dtype):
    """Codes are histogram bins (< 1024) or 1024 + cell: they fit uint16 while 1024 + cells <= 65535."""
    t = Tracker([0, n_skills - 1], n_skills, [1.0], 0.9, 0.8)
    assert t.step_code.dtype == dtype and t.token_code.dtype == dtype
    assert t.step_code.tolist() == [N_BINS, N_BINS + n_skills - 1]


def test_reads_are_float32_and_the_cell_reads_copy():
    t = _tracker()
    t.report(np.array([0, 1]), np.array([1.0, 0.0]), 3)
    a, s = t.decayed(5)
    assert a.dtype == np.float32 and s.dtype == np.float32
    att, _ = t.cell_counts(3)
    att[:] = 99.0
    assert t.c_att.max() < 99.0  # a read never hands out the stored table


def test_a_state_round_trip_copies_and_restores_the_dtypes():
    t = _tracker()
    t.report(np.array([0, 2, 2]), np.array([1.0, 0.0, 1.0]), 4, tokens=np.array([10.0, 20.0, 30.0]))
    t.add_calibration(0.5, 1.0, 4)
    state = {k: np.asarray(v).tolist() for k, v in t.state_arrays().items()}  # lists: Python floats and ints
    state = {k: np.array(v) for k, v in state.items()}  # int64 / float64, as an older file may hold
    u = _tracker()
    u.load_arrays(state)
    _assert_layout(u)
    for name in ("attempts", "ref", "flags", "calib", "offset", "ability"):
        np.asarray(state[name])[...] = 0  # the caller's arrays stay the caller's
        assert getattr(u, name).tolist() == getattr(t, name).tolist(), name
    assert t.state_arrays()["scalars"].dtype == np.int64
    same = t.state_arrays()  # the tracker's own dtypes: nothing to convert, so a copy must be asked for
    v = _tracker()
    v.load_arrays(same)
    for name in ("attempts", "ref", "flags", "calib", "offset", "ability", "c_att"):
        same[name][...] = 0
        assert getattr(v, name).tolist() == getattr(t, name).tolist(), name


def test_a_state_without_calibration_starts_it_at_zero():
    t = _tracker()
    t.add_calibration(2.0, 3.0, 1)
    state = t.state_arrays()
    del state["calib"]
    u = _tracker()
    u.load_arrays(state)
    assert u.calib.tolist() == [0.0, 0.0, NEVER]


def test_expected_shapes_lists_every_array():
    t = _tracker(n=7)
    assert t.expected_shapes() == {
        "attempts": (7,), "successes": (7,), "tokens": (7,), "steps": (7,), "ref": (7,), "drawn": (7,),
        "flags": (7,), "c_att": (6,), "c_succ": (6,), "c_tok": (6,), "c_tok_w": (6,), "c_steps": (6,),
        "c_steps_w": (6,), "c_draws": (6,), "scalars": (7,), "calib": (3,), "offset": (7,),
        "offset_prec": (7,), "ability": (2, 2), "hardness": (3, 2), "rasch_round": (1,),
    }


def test_a_reward_at_the_threshold_is_a_success_for_the_flags():
    t = _tracker()
    t.report(np.array([0, 1, 1]), np.array([0.5, 0.5, 0.49]), 2, threshold=0.5)
    assert t.flags[:2].tolist() == [1, 3]
    assert (t.groups, t.mixed_groups) == (2, 1)


def test_a_mixed_problem_reported_again_in_its_round_counts_once():
    t = _tracker()
    t.report(np.array([0, 0]), np.array([1.0, 0.0]), 2)
    t.report(np.array([0, 0]), np.array([1.0, 0.0]), 2)
    t.report(np.array([1]), np.array([1.0]), 2)
    t.report(np.array([1]), np.array([0.0]), 2)
    assert (t.groups, t.mixed_groups) == (2, 2)


def test_steps_without_tokens_are_recorded():
    t = _tracker()
    t.report(np.array([0]), np.array([1.0]), 0, steps=np.array([6.0]))
    assert t.steps[0] == 6.0 and np.isnan(t.tokens[0])
    assert t.step_hist.sum() == 1 and t.token_hist.sum() == 0


def test_a_first_measurement_is_its_own_mean_whatever_its_weight():
    """A problem first reported without lengths, then with them in a late report (tiny weight): its
    mean is the reported mean, not diluted by the earlier attempts or by the weight."""
    t = Tracker([0, 0], 1, [1.0], 0.5, 0.8)
    t.report(np.array([0, 0, 0]), np.array([1.0, 0.0, 1.0]), 10)
    t.report(np.array([0, 1]), np.array([1.0, 1.0]), 0, tokens=np.array([100.0, 40.0]), steps=np.array([3.0, 2.0]))
    assert t.tokens.tolist() == [100.0, 40.0] and t.steps.tolist() == [3.0, 2.0]


def test_token_codes_are_computed_in_float64():
    """float32 means: the bin is taken from their exact value (float32 arithmetic moves some bins)."""
    v = np.array([2864.1103515625, 2514.927734375, 4714.27197265625], np.float32)
    assert token_code(v).tolist() == [367, 361, 391]
