"""AdaptiveRepeatSampler keeps TRL's RepeatSampler layout, agrees across ranks, and resumes."""

import itertools

import numpy as np
import pytest
import torch
from datasets import Dataset
from trl.trainer.utils import RepeatSampler

from rl.grpo import AdaptiveRepeatSampler
from rl.reporting import RoundLog
from rl.sources import EngineSource, UniformSource
from sai_dpo.errors import InvalidInputError

PARAMS = [  # (n_rows, G, B, R)
    (7, 2, 3, 4),
    (12, 3, 4, 2),
    (10, 2, 5, 1),
    (9, 4, 1, 3),
    (16, 8, 2, 2),
]


class PermutationSource:
    """Replays one fixed permutation chunk by chunk: round k -> perm[k*n:(k+1)*n]."""

    def __init__(self, perm):
        self.perm = list(perm)

    def draw_round(self, round, n):
        return np.array(self.perm[round * n:(round + 1) * n])


class CountingEngine:
    """A stand-in engine whose draws depend on how many draws it has served (state moves on)."""

    def __init__(self, n):
        self.n, self.calls = n, 0

    def draw(self, n, round):
        self.calls += 1
        rng = np.random.default_rng([round, self.calls])
        return rng.choice(self.n, size=n, replace=False)


def _structure(seq, g, b, r):
    """Split a flat sequence into rounds of unique chunks, checking the repeat pattern on the way."""
    per_round = b * g * r
    assert len(seq) % per_round == 0
    chunks = []
    for start in range(0, len(seq), per_round):
        block = seq[start:start + per_round]
        first = block[: b * g]
        assert block == first * r  # the chunk repeats R times
        unique = first[::g]
        assert first == [i for i in unique for _ in range(g)]  # each index G times in a row
        assert len(set(unique)) == b  # B distinct prompts per round
        chunks.append(unique)
    return chunks


@pytest.mark.parametrize("n_rows,g,b,r", PARAMS)
def test_same_structure_and_sequence_as_trl_repeat_sampler(n_rows, g, b, r):
    data = list(range(n_rows))
    stock = RepeatSampler(data, mini_repeat_count=g, batch_size=b, repeat_count=r, shuffle=True, seed=3)
    perm = torch.randperm(n_rows, generator=torch.Generator().manual_seed(3)).tolist()
    ours = AdaptiveRepeatSampler(data, PermutationSource(perm), mini_repeat_count=g, batch_size=b, repeat_count=r)
    expected, got = list(stock), list(ours)
    assert len(ours) == len(stock) == len(expected)
    assert got == expected  # with the same permutation the whole sequence is identical
    _structure(got, g, b, r)


@pytest.mark.parametrize("n_rows,g,b,r", PARAMS)
def test_uniform_source_structure(n_rows, g, b, r):
    sampler = AdaptiveRepeatSampler(list(range(n_rows)), UniformSource(n_rows, seed=1),
                                    mini_repeat_count=g, batch_size=b, repeat_count=r, rounds=5)
    seq = list(sampler)
    assert len(seq) == len(sampler) == 5 * b * g * r
    chunks = _structure(seq, g, b, r)
    assert all(0 <= i < n_rows for c in chunks for i in c)


def test_two_ranks_get_identical_indices_from_a_shared_engine_source():
    """Two ranks ask the same source independently, interleaved; the engine's state moves between
    calls, so only the per-round cache makes them agree."""
    engine = CountingEngine(20)
    source = EngineSource(engine)
    ranks = [AdaptiveRepeatSampler(list(range(20)), source, mini_repeat_count=2, batch_size=4,
                                   repeat_count=2, rounds=6) for _ in range(2)]
    a, b = iter(ranks[0]), iter(ranks[1])
    seq_a, seq_b = [], []
    for _ in range(len(ranks[0])):
        seq_a.append(next(a))
        seq_b.append(next(b))
    assert seq_a == seq_b
    assert engine.calls == 6  # one engine draw per round, shared


def test_two_ranks_with_separate_uniform_sources_agree():
    ranks = [AdaptiveRepeatSampler(list(range(30)), UniformSource(30, seed=7), mini_repeat_count=3,
                                   batch_size=5, repeat_count=2) for _ in range(2)]
    assert list(ranks[0]) == list(ranks[1])


def make_epoch1(sampler):
    sampler.set_epoch(1)
    return sampler


@pytest.mark.parametrize("stop", [0, 1, 7, 16, 17, 40])
def test_resume_continues_the_sequence(stop):
    def make():
        return AdaptiveRepeatSampler(list(range(12)), UniformSource(12, seed=0), mini_repeat_count=2,
                                     batch_size=4, repeat_count=2, rounds=3)

    full = list(make()) + list(make_epoch1(make()))
    first = make()
    it = iter(first)
    head = list(itertools.islice(it, stop))
    state = first.state_dict()
    resumed = make()
    resumed.load_state_dict(state)
    tail = list(resumed)
    assert head + tail == full[: len(make())]
    assert list(resumed) == full[len(make()):]  # the next epoch follows with new round keys


def test_epochs_use_new_round_keys_and_set_epoch_restarts():
    log = RoundLog()
    sampler = AdaptiveRepeatSampler(list(range(12)), UniformSource(12), mini_repeat_count=2, batch_size=4,
                                    repeat_count=1, round_log=log, start_round=10)
    assert sampler.rounds == 3
    epoch0 = list(sampler)
    epoch1 = list(sampler)  # without set_epoch the next iteration is the next epoch
    assert log.rounds() == [10, 11, 12, 13, 14, 15]
    sampler.set_epoch(0)
    assert list(sampler) == epoch0
    assert epoch0 != epoch1


def test_round_log_maps_rows_to_problem_ids():
    ds = Dataset.from_dict({"prompt": [f"p{i}" for i in range(6)], "problem_id": [f"id{i}" for i in range(6)]})
    log = RoundLog()
    sampler = AdaptiveRepeatSampler(ds, PermutationSource([5, 3, 1, 0, 2, 4]), mini_repeat_count=2,
                                    batch_size=3, repeat_count=1, round_log=log)
    list(sampler)
    assert log.ids(0) == ["id5", "id3", "id1"]
    assert log.ids(1) == ["id0", "id2", "id4"]
    assert log.round_for(["id3", "id5"]) == 0
    assert log.round_for(["id4"]) == 1


def test_engine_source_maps_engine_indices_through_problem_id():
    """Engine pool order differs from the dataset order; draws come back as dataset rows."""

    class FixedEngine:
        def draw(self, n, round):
            return np.arange(n)  # engine indices 0..n-1

    ds = Dataset.from_dict({"problem_id": ["c", "a", "b"]})
    source = EngineSource(FixedEngine(), pool_ids=["a", "b", "c"])
    source.bind(ds)
    assert source.draw_round(0, 3).tolist() == [1, 2, 0]


def test_bad_source_and_parameters_raise_clear_errors():
    with pytest.raises(InvalidInputError, match="expected 2 rows"):
        list(AdaptiveRepeatSampler(list(range(5)), PermutationSource([0, 9]), mini_repeat_count=2,
                                   batch_size=2))
    with pytest.raises(ValueError, match="'mini_repeat_count' parameter"):
        AdaptiveRepeatSampler(list(range(5)), UniformSource(5), mini_repeat_count=0)
    with pytest.raises(ValueError, match="'batch_size' parameter"):
        AdaptiveRepeatSampler(list(range(5)), UniformSource(5), mini_repeat_count=2, batch_size=6)
    ds = Dataset.from_dict({"prompt": ["x"]})
    with pytest.raises(InvalidInputError, match="no 'problem_id' column"):
        EngineSource(object(), pool_ids=["a"]).bind(ds)


def _arith(n, seed=0, kind="arith"):
    from data import build_pool

    return build_pool(n, seed=seed, kind=kind)


@pytest.mark.parametrize(("other", "match"), [
    (lambda: _arith(100, seed=1, kind="digits"), "The pool has 100 problems and the engine was built on 200"),
    (lambda: _arith(200, seed=1, kind="digits"), "skills and levels differ from those the engine was built on"),
    (lambda: _arith(200).select(list(range(199, -1, -1))), r"skills and levels differ .*\(first at row \d+\)"),
])
def test_selection_from_engine_refuses_a_pool_other_than_the_engines(other, match):
    """A draw is a row index: another pool's rows would get this pool's outcomes (or an IndexError)."""
    from rl.reporting import Selection
    from sai_dpo import SelectionEngine

    engine = SelectionEngine.from_pool(_arith(200))
    with pytest.raises(InvalidInputError, match=match):
        Selection.from_engine(engine, other())
    assert Selection.from_engine(engine, _arith(200)).tracker is engine  # the same pool, rebuilt: accepted


@pytest.mark.parametrize("g", [0, -2, 2.5, True, 4])
def test_selection_group_size_is_checked_and_must_match_the_engines(g):
    from rl.reporting import Selection
    from sai_dpo import SelectionConfig, SelectionEngine

    pool = _arith(50)
    engine = SelectionEngine.from_pool(pool, SelectionConfig(group_size=8))
    with pytest.raises(InvalidInputError, match="group_size"):
        Selection.from_engine(engine, pool, group_size=g)
    assert Selection.from_engine(engine, pool, group_size=8).group_size == 8
