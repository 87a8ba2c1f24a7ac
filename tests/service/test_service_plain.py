"""SelectionService as a plain class (no Ray): keyed draws, reports by id, snapshots, bad input."""

import logging
import tempfile
from pathlib import Path

import numpy as np
import pytest
from conftest import engine_state as _engine_state
from conftest import make_service as _svc
from conftest import same_state as _same_state
from conftest import tiny_pool

from sai_dpo import _snapshot as snap
from sai_dpo._selection_service import SelectionService
from sai_dpo.errors import InvalidInputError, PoolValidationError


def test_draw_is_cached_by_key_and_keys_take_successive_rounds():
    svc = _svc()
    ids_a, idx_a = svc.draw("a", 5)
    svc.draw("b", 5)
    again_ids, again_idx = svc.draw("a", 5)
    assert again_ids == ids_a and np.array_equal(again_idx, idx_a)
    assert len(set(idx_a.tolist())) == 5
    assert ids_a == [f"p{i}" for i in idx_a]  # ids are the pool's id column at those indices
    assert (svc.round_of("a"), svc.round_of("b")) == (0, 1)
    svc.draw(7, 3, round=2)  # an explicit round (up to the clock's next) moves the counter past it
    svc.draw("c", 3)
    assert svc.round_of("c") == 3


def test_same_key_with_another_n_is_an_error():
    svc = _svc()
    svc.draw("k", 4)
    with pytest.raises(InvalidInputError, match="already used with n=4"):
        svc.draw("k", 5)


def test_key_cache_is_a_bounded_lru():
    svc = _svc(key_cache_size=2)
    svc.draw("a", 2)
    svc.draw("b", 2)
    svc.draw("a", 2)  # touch a: b is now the least recently used
    svc.draw("c", 2)
    assert svc.round_of("b") is None and svc.round_of("a") == 0 and svc.round_of("c") == 2
    assert svc.stats()["n_keys_cached"] == 2


def test_report_counts_statuses_and_keeps_checker_failures_out_of_the_engine():
    """6 rows: 2 correct, 1 incorrect, 1 unparseable_pred, 1 timeout, 1 unparseable_gold.

    The engine sees 4 (timeout and unparseable_gold are not the model's fault); stats count all 6.
    A second batch of 3 rows without statuses adds 3 'unlabelled'.
    """
    svc = _svc()
    ids = ["p0", "p0", "p1", "p1", "p2", "p3"]
    st = ["correct", "correct", "incorrect", "unparseable_pred", "timeout", "unparseable_gold"]
    out = svc.report("b1", ids, [1, 1, 0, 0, 0, 0], n_tokens=[5, 6, 7, 8, 9, 10], statuses=st)
    assert out == {"applied": True, "duplicate": False, "n": 6}
    svc.report("b2", ["p4", "p4", "p5"], [1.0, 0.0, 0.5])
    s = svc.stats()
    assert s["n_reports"] == 2 and s["n_outcomes"] == 9
    assert s["status_counts"] == {"correct": 2, "incorrect": 1, "unparseable_pred": 1, "timeout": 1,
                                  "unparseable_gold": 1, "unlabelled": 3}
    assert svc.summary()["n_outcomes"] == 4 + 3


def test_a_batch_id_is_applied_once():
    svc = _svc()
    svc.report("same", ["p1", "p2"], [1, 0])
    before = _engine_state(svc)
    assert svc.report("same", ["p1", "p2"], [1, 0]) == {"applied": False, "duplicate": True, "n": 2}
    assert _same_state(before, _engine_state(svc))
    s = svc.stats()
    assert (s["n_reports"], s["n_outcomes"], s["duplicates_ignored"]) == (1, 2, 1)


def test_applied_batch_ids_are_bounded():
    svc = _svc(max_batch_ids=2)
    for b in ("b1", "b2", "b3"):
        svc.report(b, ["p1"], [1])
    assert svc.report("b1", ["p1"], [1])["applied"]  # forgotten: the oldest of 3 with room for 2
    assert not svc.report("b3", ["p1"], [1])["applied"]


BAD_REPORTS = [
    ("unknown id", dict(problem_ids=["p1", "nope"], rewards=[1, 0]), "not in the pool"),
    ("length mismatch", dict(problem_ids=["p1", "p2"], rewards=[1]), "one entry per problem id"),
    ("reward above 1", dict(problem_ids=["p1"], rewards=[1.5]), r"must be in \[0, 1\]"),
    ("negative reward", dict(problem_ids=["p1"], rewards=[-0.1]), r"must be in \[0, 1\]"),
    ("NaN reward", dict(problem_ids=["p1"], rewards=[float("nan")]), r"must be in \[0, 1\]"),
    ("None reward", dict(problem_ids=["p1", "p2"], rewards=[1.0, None]), r"rewards\[1\] is None"),
    ("negative tokens", dict(problem_ids=["p1"], rewards=[1], n_tokens=[-3]), r"must be a count in \[0, 1e\+09\]"),
    ("absurd tokens", dict(problem_ids=["p1"], rewards=[1], n_tokens=[1e300]), r"n_tokens\[0\] must be a count in"),
    ("NUL in a status", dict(problem_ids=["p1"], rewards=[1], statuses=["correct\x00"]), r"statuses\[0\] must be one of"),
    ("a status that is no string", dict(problem_ids=["p1"], rewards=[1], statuses=[1]), r"statuses\[0\] must be one of"),
    ("inf steps", dict(problem_ids=["p1"], rewards=[1], n_steps=[float("inf")]), r"n_steps\[0\] must be a count in"),
    ("int id", dict(problem_ids=[1], rewards=[1]), "must be a string"),
    ("bad status", dict(problem_ids=["p1"], rewards=[1], statuses=["right"]), "must be one of"),
    ("negative round", dict(problem_ids=["p1"], rewards=[1], round=-1), "round must be"),
    ("ids not a list", dict(problem_ids="p1", rewards=[1]), "list of problem id strings"),
]


@pytest.mark.parametrize("case,kwargs,match", BAD_REPORTS, ids=[c[0] for c in BAD_REPORTS])
def test_bad_reports_are_rejected_and_change_nothing(tmp_path, case, kwargs, match):
    svc = _svc(tmp_path, snapshot_every=1)
    svc.report("ok", ["p0"], [1])
    before, stats = _engine_state(svc), svc.stats()
    with pytest.raises(InvalidInputError, match=match):
        svc.report("bad", **kwargs)
    assert _same_state(before, _engine_state(svc))
    assert svc.stats() == stats
    assert svc.report("bad", ["p2"], [0])["applied"]  # the rejected batch id was not burned


def test_bad_batch_id_and_bad_draw_arguments():
    svc = _svc()
    with pytest.raises(InvalidInputError, match="batch_id"):
        svc.report("", ["p1"], [1])
    for key, n in (("k", 0), ("k", 61), (1.5, 3), (None, 3)):
        with pytest.raises(InvalidInputError):
            svc.draw(key, n)
    for key in ("", "a\x00b"):  # "" and a NUL are typos or hostile, never a key (ids are refused alike)
        with pytest.raises(InvalidInputError, match="non-empty string without NUL characters"):
            svc.draw(key, 3)


def test_snapshots_every_m_reports_and_restore(tmp_path):
    """Without the journal, snapshot_every=2 and 5 reports of 2 rows: snapshots after reports 2
    and 4, so a restart restores 4 reports (8 outcomes); report 5 was never snapshotted and is lost.
    (The journal's version of this test, where nothing is lost, is in test_service_journal.py.)"""
    svc = _svc(tmp_path, snapshot_every=2, journal=False)
    ids, _ = svc.draw("r0", 6)
    for k in range(5):
        svc.report(f"b{k}", ids[:2], [1, 0])
    assert [snap.snapshot_seq(p) for p in snap.list_snapshots(tmp_path)] == [2, 1]
    state_at_4 = snap.read_snapshot(snap.list_snapshots(tmp_path)[0])["engine"]

    back = _svc(tmp_path, snapshot_every=2, journal=False)
    s = back.stats()
    assert (s["n_reports"], s["n_outcomes"], s["restored_from"]) == (4, 8, str(tmp_path / "snapshot-000000000002.npz"))
    assert _same_state(state_at_4, _engine_state(back))
    assert back.draw("r0", 6)[0] == ids  # the key cache survives a restart
    assert not back.report("b3", ids[:2], [1, 0])["applied"]  # so do applied batch ids
    assert back.report("b4", ids[:2], [1, 0])["applied"]  # the unsnapshotted one can be re-sent
    assert back.draw("r1", 2) and back.round_of("r1") == 1  # the round counter too


def _inside_largest_array(data: bytes) -> int:
    """Offset of a byte in the middle of the largest stored member's data (not in a zip header,
    whose local copy of the CRC nobody reads)."""
    import io
    import zipfile

    info = max(zipfile.ZipFile(io.BytesIO(data)).infolist(), key=lambda i: i.compress_size)
    off = info.header_offset  # local header: 30 fixed bytes, then the name and the extra field
    name_len = int.from_bytes(data[off + 26:off + 28], "little")
    extra_len = int.from_bytes(data[off + 28:off + 30], "little")
    return off + 30 + name_len + extra_len + info.compress_size // 2


def test_damaged_snapshots_are_skipped_with_a_warning(tmp_path, caplog):
    svc = _svc(tmp_path, snapshot_every=0)
    svc.report("b1", ["p1", "p2"], [1, 1])
    good = svc.snapshot()
    data = open(good, "rb").read()
    (tmp_path / "snapshot-000000000002.npz").write_bytes(data[: len(data) // 2])  # cut short
    flipped = bytearray(data)
    flipped[_inside_largest_array(data)] ^= 0xFF  # one flipped byte inside an array: the zip CRC catches it
    (tmp_path / "snapshot-000000000003.npz").write_bytes(bytes(flipped))
    (tmp_path / "snapshot-000000000004.npz").write_bytes(b"not a snapshot")
    with caplog.at_level(logging.WARNING):
        back = _svc(tmp_path)
    assert back.stats()["restored_from"] == good and back.stats()["n_outcomes"] == 2
    assert sum("Skipping snapshot" in r.message for r in caplog.records) == 3
    assert back.snapshot().endswith("snapshot-000000000005.npz")  # never below a damaged number


def test_snapshot_write_is_atomic(tmp_path, monkeypatch):
    svc = _svc(tmp_path)
    svc.report("b1", ["p1"], [1])
    first = svc.snapshot()
    svc.report("b2", ["p2"], [1])

    def crash(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(snap.np, "savez", crash)
    with pytest.raises(OSError):
        svc.snapshot()
    monkeypatch.undo()
    # No temp file left. The failed snapshot 2 had already opened journal segment 2 (it is empty).
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != ".lock") == [
        "journal-000000000001.log", "journal-000000000002.log", "snapshot-000000000001.npz"]
    back = _svc(tmp_path).stats()
    assert back["restored_from"] == first
    assert back["n_reports"] == 2  # b2, after the last good snapshot, comes back from the journal


def test_a_snapshot_of_another_pool_is_refused(tmp_path):
    _svc(tmp_path).snapshot()
    with pytest.raises(InvalidInputError, match="different pool"):
        _svc(tmp_path, pool=tiny_pool(60, prefix="q"))


def test_invalid_pools_are_rejected():
    dup = tiny_pool(5).to_dict()
    dup["id"][3] = "p1"
    import datasets

    with pytest.raises(PoolValidationError):
        SelectionService(datasets.Dataset.from_dict(dup))
    with pytest.raises(PoolValidationError, match="lacks column"):
        SelectionService(tiny_pool(5).remove_columns("skill"))
    empty_answer = tiny_pool(5).to_dict()
    empty_answer["answer"][2] = ""
    with pytest.raises(PoolValidationError, match="does not validate"):
        SelectionService(datasets.Dataset.from_dict(empty_answer))
    with pytest.raises(InvalidInputError, match="snapshot_every"):
        SelectionService(tiny_pool(5), snapshot_every=-1)
    for bad in (-1, float("nan"), True, "5"):
        with pytest.raises(InvalidInputError, match="snapshot_min_interval"):
            SelectionService(tiny_pool(5), snapshot_min_interval=bad)


@pytest.mark.parametrize("journal,snapshots", [(True, 1), (False, 3)])
def test_periodic_snapshots_are_spaced_in_time_only_while_the_journal_holds_the_rest(tmp_path, journal, snapshots):
    """snapshot_every=1 with a one-hour floor: 3 reports write one periodic snapshot with the journal on
    (the journal holds the other two; a restart loses nothing), and all three without it (snapshots are
    then the only record)."""

    svc = _svc(tmp_path, snapshot_every=1, snapshot_min_interval=3600, journal=journal)
    for k in range(3):
        svc.report(f"b{k}", ["p1", "p2"], [1.0, 0.0])
    assert len(snap.list_snapshots(tmp_path)) == snapshots
    back = _svc(tmp_path, snapshot_every=1, snapshot_min_interval=3600, journal=journal)
    assert back.stats()["n_reports"] == 3 and back.stats()["n_outcomes"] == 6


def test_a_report_waits_for_running_draws_before_it_starts(monkeypatch):
    """Reports yield to draws: a report that arrives while a draw runs does not start its work (here:
    validating its rows) until the draw is done, so the two do not take turns at the interpreter lock."""
    import threading

    import sai_dpo._selection_service as module

    monkeypatch.setattr(module, "_YIELD_S", 30.0)
    svc = _svc()
    inside, release, validated = threading.Event(), threading.Event(), threading.Event()
    real_draw, real_validate = svc.engine.draw, module.validate_outcomes

    def slow_draw(*a, **k):
        inside.set()
        release.wait(30)
        return real_draw(*a, **k)

    def watched_validate(*a, **k):
        validated.set()
        return real_validate(*a, **k)

    monkeypatch.setattr(svc.engine, "draw", slow_draw)
    monkeypatch.setattr(module, "validate_outcomes", watched_validate)
    drawer = threading.Thread(target=svc.draw, args=("k", 2))
    drawer.start()
    assert inside.wait(30)
    reporter = threading.Thread(target=svc.report, args=("b0", ["p1"], [1.0]))
    reporter.start()
    assert not validated.wait(0.5)  # still waiting for the draw
    release.set()
    drawer.join(30)
    reporter.join(30)
    assert validated.is_set() and svc.stats()["n_reports"] == 1


def test_parquet_pool_path_is_read_column_wise(tmp_path):
    path = tmp_path / "pool.parquet"
    tiny_pool(20).to_parquet(str(path))
    svc = SelectionService(path, validate=False)
    assert svc.pool_size == 20 and svc.pool_ids()[7] == b"p7" and svc.draw("k", 3)[0][0].startswith("p")


def test_snapshot_format_round_trips_nested_state(tmp_path):
    state = {"a": np.arange(5, dtype=np.int32), "meta": np.array('{"x": 1}'), "t": (1, "two", None),
             "nested": {"f": np.float64(0.25), "l": [np.zeros((2, 2)), True]}, 3: "int key",
             "obj": np.array(["x", None], dtype=object)}
    back = snap.read_snapshot(snap.write_snapshot(tmp_path, 1, state))
    assert back["a"].dtype == np.int32 and back["a"].tolist() == [0, 1, 2, 3, 4]
    assert back["meta"].shape == () and str(back["meta"]) == '{"x": 1}'
    assert back["t"] == (1, "two", None) and back[3] == "int key" and back["obj"].tolist() == ["x", None]
    assert back["nested"]["f"] == 0.25 and back["nested"]["l"][1] is True


def test_id_lookup_handles_longer_and_prefix_ids():
    """Pool ids p0..p59 (width 3). 'p1' and 'p10' both exist; 'p100' is longer than any pool id
    and 'p5x' is not there: neither may match a truncated prefix."""
    svc = _svc()
    assert svc._pool.lookup(["p1", "p10", "p59"]).tolist() == [1, 10, 59]
    for bad in ("p100", "p5x", "p", ""):
        with pytest.raises(InvalidInputError, match="not in the pool"):
            svc.report("b", ["p1", bad], [1, 1])


def test_unicode_ids_and_ids_of_different_lengths_round_trip():
    import datasets

    rows = tiny_pool(4).to_dict()
    rows["id"] = ["é-1", "x", "長い-id-3", "b"]
    svc = SelectionService(datasets.Dataset.from_dict(rows))
    ids, idx = svc.draw("k", 4)
    assert sorted(ids) == sorted(rows["id"]) and [rows["id"][i] for i in idx] == ids
    assert svc._pool.lookup(["長い-id-3", "x"]).tolist() == [2, 1]
    dup = dict(rows, id=["a", "bb", "a", "c"])
    with pytest.raises(PoolValidationError, match="row 2.*'a'"):
        SelectionService(datasets.Dataset.from_dict(dup))
    path = str(Path(tempfile.mkdtemp()) / "dup.parquet")
    datasets.Dataset.from_dict(dup).to_parquet(path)
    with pytest.raises(PoolValidationError, match="row 2 repeats id 'a' .first in row 0"):
        SelectionService(path, validate=False)  # the service's own id check, without data's


def test_a_failing_periodic_snapshot_does_not_fail_the_report(tmp_path, monkeypatch, caplog):
    svc = _svc(tmp_path, snapshot_every=1)

    def crash(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(snap.np, "savez", crash)
    with caplog.at_level(logging.ERROR):
        assert svc.report("b1", ["p1"], [1])["applied"]
    assert "Periodic snapshot failed" in caplog.text and svc.stats()["last_snapshot"] is None
    monkeypatch.undo()
    svc.report("b2", ["p2"], [1])
    assert svc.stats()["last_snapshot"]["n_reports"] == 2



def test_a_snapshot_whose_engine_loads_but_rest_does_not_is_rolled_back(tmp_path, caplog):
    """The only snapshot has a valid engine state but its service state lacks 'batch_ids'. Restoring
    must not keep its engine state with empty counters (a retried batch would then count twice):
    the service starts fresh, engine included."""
    svc = _svc(tmp_path, snapshot_every=1)
    svc.report("b1", ["p1", "p1", "p2"], [1.0, 1.0, 0.0])
    only = snap.list_snapshots(tmp_path)[0]
    st = snap.read_snapshot(only)
    del st["batch_ids"]
    only.unlink()
    snap.write_snapshot(tmp_path, snap.snapshot_seq(only), st)
    with caplog.at_level(logging.WARNING):
        back = _svc(tmp_path, snapshot_every=1)
    assert any("does not load" in r.message for r in caplog.records)
    assert back.stats()["n_reports"] == 0 and back.stats()["restored_from"] is None
    fresh, state = _engine_state(_svc()), _engine_state(back)
    assert state.keys() == fresh.keys()
    assert all(np.array_equal(state[k], fresh[k], equal_nan=state[k].dtype.kind == "f") for k in fresh)


def test_a_round_ahead_of_the_service_clock_is_filed_on_the_clock_and_journaled_so(tmp_path):
    """Issue 15, item 1: one hostile round must not break the clock or age every estimate for everyone.
    A round ahead of the clock is filed at the clock's next round (a call moves the clock by at most
    one round, as any new draw key does), and the journal holds the round it was filed at."""
    svc = _svc(tmp_path)
    svc.draw("a", 4)  # round 0
    svc.report("b0", ["p1", "p2"], [1.0, 0.0], round=0)
    svc.draw("evil", 4, round=2**30 - 1)
    assert svc.round_of("evil") == 1  # not 2**30 - 1: the evidence of round 0 aged by one round only
    svc.report("b1", ["p1"], [1.0], round=5000)  # a valid outcome, counted at the clock's next round
    svc.draw("evil-2", 2, round=10**6)
    assert svc.round_of("evil-2") == 2
    ids, _ = svc.draw("next", 4)  # every later caller still draws on the service's own clock
    assert svc.round_of("next") == 3 and len(ids) == 4
    assert svc.stats()["rounds_filed_at_clock"] == 3 and svc.stats()["n_outcomes"] == 3
    svc.draw("past", 2, round=1)  # a round behind the clock (another trainer's) is kept as given
    assert svc.round_of("past") == 1
    back = _svc(tmp_path)  # replayed from the journal at the rounds they were filed at
    assert [back.round_of(k) for k in ("evil", "evil-2", "next", "past")] == [1, 2, 3, 1]
    assert _same_state(_engine_state(back), _engine_state(svc))
    svc.snapshot()  # the count is kept across a restart, as the duplicates count is
    assert _svc(tmp_path).stats()["rounds_filed_at_clock"] == 3


def test_an_id_with_a_nul_character_is_refused_not_counted_under_the_real_id():
    """Issue 15, item 5: "p1\\x00" used to count as "p1" (fixed-width bytes drop trailing NULs)."""
    svc = _svc()
    with pytest.raises(InvalidInputError, match="NUL"):
        svc.report("b0", ["p1\x00"], [1.0])
    assert svc.stats()["n_outcomes"] == 0


def test_a_restart_that_cannot_read_its_folder_comes_up_degraded_and_recovers_when_fixed(tmp_path):
    """Issue 15, item 3: a restore that failed used to kill the actor for good (Ray does not retry a
    constructor). Now it comes up, says what is wrong, refuses what it cannot do safely, and restores
    itself once the folder is fixed, with nothing acknowledged lost."""
    import shutil

    from sai_dpo import _journal
    from sai_dpo.errors import ServiceDegradedError

    first = _svc(tmp_path, snapshot_every=0)
    first.draw("k0", 4)
    first.report("b0", ["p1", "p2"], [1.0, 0.0])
    first.report("b1", ["p3"], [1.0])
    (_n, segment), = _journal.list_segments(tmp_path)
    del first
    aside = tmp_path.parent / (tmp_path.name + "-aside.log")
    shutil.move(segment, aside)
    segment.mkdir()  # a journal segment that cannot be read as a file

    svc = _svc(tmp_path, snapshot_every=0)  # comes up instead of raising
    assert "could not restore" in svc.stats()["degraded"]
    for call in (lambda: svc.report("b2", ["p4"], [1.0]), lambda: svc.draw("k1", 3), svc.snapshot):
        with pytest.raises(ServiceDegradedError, match="degraded"):
            call()
    assert isinstance(ServiceDegradedError("x"), OSError)  # buffered clients keep such reports and retry

    segment.rmdir()
    shutil.move(aside, segment)  # the folder is fixed
    svc._next_restore_try = 0.0  # (the service retries at most every 2 s)
    svc.report("b2", ["p4"], [1.0])
    stats = svc.stats()
    assert stats["degraded"] is None and stats["n_outcomes"] == 4 and stats["n_reports"] == 3
    assert svc.round_of("k0") == 0


@pytest.mark.parametrize("rewards", [["1"], [True], np.array(["1"])])
def test_rewards_must_be_numbers_in_python_as_over_http(rewards):
    """An outside test found the Python client counting rewards ["1"] and [True] that HTTP refuses."""
    svc = _svc()
    with pytest.raises(InvalidInputError, match="numbers"):
        svc.report("b0", ["p1"], rewards)
    assert svc.stats()["n_outcomes"] == 0


def test_a_second_service_process_on_one_checkpoint_folder_is_refused(tmp_path):
    """A newcomer started two `serve` processes on one --checkpoint-dir: the second deleted the first's
    journal and a report acknowledged as applied was lost. The folder is locked while a service lives
    (another process is refused, naming the holder) and free again when that process ends."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import sys, time
        from data import build_pool
        from sai_dpo import SelectionConfig
        from sai_dpo._selection_service import SelectionService
        from sai_dpo.errors import CheckpointInUseError
        try:
            svc = SelectionService(build_pool(30, seed=0, kind="arith"), SelectionConfig(seed=0),
                                   checkpoint_dir={str(tmp_path)!r})
        except CheckpointInUseError as exc:
            print("REFUSED", exc); sys.exit(3)
        print("UP", flush=True)
        if sys.argv[1] == "hold":
            time.sleep(60)
    """)
    holder = subprocess.Popen([sys.executable, "-c", code, "hold"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "UP"
        second = subprocess.run([sys.executable, "-c", code, "once"], capture_output=True, text=True, timeout=120)
        assert second.returncode == 3 and "is in use by a running selection service (pid" in second.stdout
        assert f"pid {holder.pid}" in second.stdout
    finally:
        holder.kill()
        holder.wait()
    third = subprocess.run([sys.executable, "-c", code, "once"], capture_output=True, text=True, timeout=120)
    assert third.returncode == 0 and "UP" in third.stdout  # the holder died: the folder is free again


def test_a_service_with_the_predictive_prior_builds_features_from_its_pool_text(tmp_path):
    """prior='predictive' needs features; the service builds them from the pool's problem text (a
    Dataset or a parquet file read column-wise) and draws the same either way."""
    from data import build_pool
    from sai_dpo import SelectionConfig, problem_features

    pool = build_pool(120, seed=0, kind="arith")
    pool.to_parquet(str(tmp_path / "p.parquet"))
    a = SelectionService(pool, SelectionConfig(prior="predictive", seed=0))
    b = SelectionService(str(tmp_path / "p.parquet"), SelectionConfig(prior="predictive", seed=0))
    assert np.array_equal(a.engine.features_, problem_features(list(pool["problem"])))
    assert a.draw("k", 6)[0] == b.draw("k", 6)[0]


def test_joining_a_cluster_by_address_uses_this_machine_s_ray_token(monkeypatch):
    """The `status --address ...` line that `serve` prints failed with InvalidAuthToken against the
    embedded cluster serve had started (that cluster turned token auth on from the machine's token; a
    client given an address did not). Joining by address now does what a local ray.init() does."""
    from ray._private.authentication import authentication_token_setup as setup

    from sai_dpo import service

    calls = []
    monkeypatch.setattr(setup, "maybe_enable_token_auth_if_token_available",
                        lambda warn_if_disabled=True: calls.append(warn_if_disabled) or True)
    monkeypatch.delenv("RAY_AUTH_MODE", raising=False)
    service._use_local_token()
    assert calls == [False]  # asked, without Ray's "disabled" warning
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    service._use_local_token()
    assert calls == [False]  # an explicit choice is left alone


def test_a_service_resumed_with_other_settings_says_which(tmp_path):
    """A service resumed with --policy uniform on a folder saved under sai_dpo switched without a word."""
    from data import build_pool
    from sai_dpo import SelectionConfig

    pool = build_pool(60, seed=0, kind="arith")
    first = SelectionService(pool, SelectionConfig(seed=0), checkpoint_dir=tmp_path)
    first.report("b1", list(pool["id"][:2]), [1.0, 0.0])
    first.snapshot()
    first.release_folder()
    same = SelectionService(pool, SelectionConfig(seed=0), checkpoint_dir=tmp_path)
    assert same.stats()["config_changed_on_restore"] is None
    same.release_folder()
    other = SelectionService(pool, SelectionConfig(seed=0, policy="uniform", tau=2.0), checkpoint_dir=tmp_path)
    assert other.stats()["config_changed_on_restore"] == "policy: 'sai_dpo' -> 'uniform'; tau: 1.0 -> 2.0"
    assert other.stats()["config"]["tau"] == 2.0 and other.stats()["config"]["policy"] == "uniform"  # what it runs with
    # A state saved before a field existed: resuming now uses that field, and says so.
    older = {k: v for k, v in other.engine.restored_config_.items() if k != "min_spread"}
    other.engine.restored_config_ = older
    assert other._changed_config().endswith("min_spread: (not in the snapshot, which predates it) -> 64.0")


def test_a_batch_id_reused_with_other_outcomes_is_refused_not_dropped_as_a_retry(tmp_path):
    """A worker that restarts its batch counter sends new outcomes under old ids: they were answered
    `duplicate` and lost without a word. A true retry (same outcomes) is still a duplicate; the check holds
    after a restart that replays the journal."""
    svc = _svc(tmp_path)
    svc.report("w3-0001", ["p1", "p2"], [1.0, 0.0], n_tokens=[10, 20])
    assert svc.report("w3-0001", ["p1", "p2"], [1.0, 0.0], n_tokens=[10, 20])["duplicate"] is True
    before = _engine_state(svc)
    for other in (dict(problem_ids=["p1", "p3"], rewards=[1.0, 0.0]), dict(problem_ids=["p1", "p2"], rewards=[1.0, 1.0])):
        with pytest.raises(InvalidInputError, match="'w3-0001' was already applied with other outcomes"):
            svc.report("w3-0001", **other)
    assert _same_state(before, _engine_state(svc)) and svc.stats()["n_outcomes"] == 2
    back = _svc(tmp_path)  # from the journal: the digest is the same as the live one
    assert back.report("w3-0001", ["p1", "p2"], [1.0, 0.0], n_tokens=[10, 20])["duplicate"] is True
    with pytest.raises(InvalidInputError, match="already applied with other outcomes"):
        back.report("w3-0001", ["p9"], [1.0])
    back.snapshot()  # and after a restart from a snapshot
    again = _svc(tmp_path)
    assert again.stats()["restored_from"] is not None
    with pytest.raises(InvalidInputError, match="already applied with other outcomes"):
        again.report("w3-0001", ["p9"], [1.0])
    assert again.report("w3-0001", ["p1", "p2"], [1.0, 0.0], n_tokens=[10, 20])["duplicate"] is True


def test_a_batch_with_nothing_to_apply_is_not_journaled_or_counted(tmp_path):
    """An empty batch (or one whose every id is unknown and skipped) counted as a report, was journaled,
    moved the snapshot cadence and took its id; now it changes nothing and says so."""
    svc = _svc(tmp_path)
    assert svc.report("b0", [], []) == {"applied": False, "duplicate": False, "n": 0}
    skipped = svc.report("b1", ["nope"], [1.0], on_unknown="skip")
    assert (skipped["applied"], skipped["n"], skipped["unknown_ids"]) == (False, 0, ["nope"])
    assert (svc.stats()["n_reports"], svc.stats()["n_outcomes"]) == (0, 0)
    assert svc.report("b0", ["p1"], [1.0])["applied"] is True  # the id stayed free
    with pytest.raises(InvalidInputError, match="'b0' was already applied with other outcomes"):
        svc.report("b0", [], [])  # an applied id sent again with nothing is not a retry of it
    back = _svc(tmp_path)  # the journal holds the one real batch only
    assert (back.stats()["n_reports"], back.stats()["n_outcomes"]) == (1, 1)


def test_id_index_agrees_with_a_dict_on_random_pools_and_hostile_ids():
    """The hash index against the obvious dict, on 150 random pools (short ids from a small alphabet,
    so prefixes, hash-slot neighbours and probe chains are common), queried with pool ids and ids
    that must miss: a prefix or extension, a trailing or inner NUL, an empty id, a lone surrogate,
    one longer than any pool id. A repeated id is reported with its first and later row."""
    from sai_dpo._service_pool import IdIndex

    rng = np.random.default_rng(7)
    alphabet = list("ab長é-0z")
    for _ in range(150):
        want = int(rng.integers(1, 2500))
        pool = list(dict.fromkeys("".join(rng.choice(alphabet, int(rng.integers(1, 10)))) for _ in range(want)))
        if rng.random() < 0.3:  # one long id: the pool is wide, the queries short
            pool.append("L" * int(rng.integers(20, 300)))
        where = {p: k for k, p in enumerate(pool)}
        index = IdIndex(np.array([p.encode() for p in pool]))
        assert index.duplicate is None and len(index) == len(pool)
        picks = [pool[k] for k in rng.integers(0, len(pool), 40)]
        hostile = [pool[0] + "\x00", "\x00" + pool[-1], pool[0][:-1], pool[-1] + "a", "", "\ud800",
                   "a\x00b", "z" * 12, pool[0] + "\x00" + pool[0]]
        queries = picks + hostile
        assert index.lookup(queries).tolist() == [where.get(q, -1) for q in queries]
        assert index.lookup(hostile).tolist() == [where.get(q, -1) for q in hostile]  # the per-id path alone
        strided = np.array([p.encode() for p in pool for _ in (0, 1)])[::2]
        assert not strided.flags.c_contiguous
        assert IdIndex(strided).lookup(picks).tolist() == [where[q] for q in picks]
        twin = int(rng.integers(0, len(pool)))
        repeated = IdIndex(np.array([p.encode() for p in pool + [pool[twin]]]))
        assert repeated.duplicate == (twin, len(pool))


def test_id_index_never_matches_what_is_not_a_string():
    """The lookup is exact: 5, None, b"p1" or True are in no pool, even one whose ids spell them."""
    from sai_dpo._service_pool import IdIndex

    class Shown(str):
        def __str__(self):
            return "p1"

    index = IdIndex(np.array([b"5", b"None", b"b'p1'", b"True", b"p1", b"zz"]))
    assert index.lookup([5, None, b"p1", True]).tolist() == [-1, -1, -1, -1]
    assert index.lookup([Shown("zz"), "a\x00"]).tolist() == [5, -1]  # a str subclass is its own text


def test_report_with_hostile_ids_is_refused_by_name_and_changes_nothing():
    svc = _svc()
    before = svc.stats()["n_outcomes"]
    for bad in ("p1\x00", "\ud800", "p1" * 40):
        with pytest.raises(InvalidInputError):
            svc.report("b-hostile", ["p2", bad], [1, 0])
    assert svc.stats()["n_outcomes"] == before
    assert svc.report("b-ok", ["p2", "p1"], [1, 0])["applied"]


def test_report_rows_counts_as_the_same_report_by_id():
    """Outcomes named by pool row change the service as the same outcomes named by id; a batch sent
    one way and retried the other is a duplicate, counted once."""
    by_rows, by_ids = _svc(), _svc()
    ids = ["p3", "p7", "p3", "p59"]
    rows = by_ids._pool.lookup(ids)
    fp = by_rows.info()["pool_fingerprint"]
    assert by_rows.report_rows("b1", rows, [1.0, 0.0, 1.0, 1.0], n_tokens=[5, 6, 7, 8], pool_fingerprint=fp)["applied"]
    assert by_ids.report("b1", ids, [1.0, 0.0, 1.0, 1.0], n_tokens=[5, 6, 7, 8])["applied"]
    assert _same_state(_engine_state(by_rows), _engine_state(by_ids))
    again = by_rows.report("b1", ids, [1.0, 0.0, 1.0, 1.0], n_tokens=[5, 6, 7, 8])
    assert again["duplicate"] and by_rows.stats()["n_outcomes"] == 4


@pytest.mark.parametrize("rows, why", [
    (np.array([0, 60]), "rows.1. = 60 is not a row of the pool"),
    (np.array([-1, 2]), "rows.0. = -1"),
    (np.array([0.0, 1.0]), "1-D numpy array of pool rows"),
    ([0, 1], "1-D numpy array of pool rows"),
    (np.array([[0, 1]]), "1-D numpy array of pool rows"),
])
def test_bad_rows_or_another_pool_change_nothing(rows, why):
    from sai_dpo.errors import PoolChangedError

    svc = _svc()
    fp = svc.info()["pool_fingerprint"]
    before = _engine_state(svc)
    with pytest.raises(InvalidInputError, match=why):
        svc.report_rows("b", rows, [1.0, 0.0], pool_fingerprint=fp)
    with pytest.raises(PoolChangedError, match="Report by problem id"):
        svc.report_rows("b", np.array([0, 1]), [1.0, 0.0], pool_fingerprint="another")
    assert _same_state(_engine_state(svc), before) and svc.stats()["n_reports"] == 0
    assert svc.report_rows("b", np.array([0, 1]), [1.0, 0.0], pool_fingerprint=fp)["applied"]


@pytest.mark.parametrize("damage", ["truncated", "shuffled"])
def test_a_damaged_or_replaced_stored_pool_is_written_again_from_the_pool_given(tmp_path, caplog, damage):
    """The checkpoint folder's copy of the pool was cut short, or replaced by the same ids in another
    order: serving again with the right pool used to crash the actor (a long traceback); the copy is
    now checked against the pool given and written again, and every outcome restores."""
    from sai_dpo.service import _write_pool

    pool = tiny_pool(20)
    stored = _write_pool(pool, tmp_path)
    svc = SelectionService(str(stored), checkpoint_dir=tmp_path)
    svc.report("b1", ["p1", "p2", "p3"], [1.0, 0.0, 1.0])
    del svc
    if damage == "truncated":
        stored.write_bytes(stored.read_bytes()[:200])
    else:
        pool.select(range(len(pool) - 1, -1, -1)).to_parquet(str(stored))
    with caplog.at_level(logging.WARNING, logger="sai_dpo.service"):
        assert _write_pool(pool, tmp_path) == stored
    assert "is not the pool its snapshots and journal were made over" in caplog.text
    again = SelectionService(str(stored), checkpoint_dir=tmp_path)
    assert again.stats()["n_outcomes"] == 3 and again.pool_ids()[5] == b"p5"


def test_int_draw_keys_must_fit_in_64_bits():
    from sai_dpo._outcomes import validate_key

    assert validate_key(2**63 - 1) == 2**63 - 1 and validate_key(-(2**63)) == -(2**63)
    for key in (2**63, -(2**63) - 1, 10**5000):
        with pytest.raises(InvalidInputError, match="must fit in 64 bits"):
            validate_key(key)
    svc = _svc()
    with pytest.raises(InvalidInputError, match="must fit in 64 bits"):
        svc.draw(10**5000, 3)


def test_complex_rewards_are_refused_not_cut_to_their_real_part():
    from sai_dpo._outcomes import validate_outcomes

    for rewards in (np.array([0.5 + 2j]), np.array([1 + 0j])):
        with pytest.raises(InvalidInputError, match="rewards must be real numbers"):
            validate_outcomes(["p1"], rewards)
    with pytest.raises(InvalidInputError, match="n_tokens must be real numbers"):
        validate_outcomes(["p1"], [1.0], n_tokens=np.array([3 + 1j]))
