"""The worker pool: hard per-task limits, replacement of stuck workers, clean shutdown."""

import threading
import time

import pytest

from eval.checker._pool import TaskTimeout, WorkerPool

FN = "tests.checker._slow_task:run"


@pytest.fixture()
def pool():
    p = WorkerPool(FN, size=1)
    p.warm()
    yield p
    p.shutdown()


def test_task_result_comes_back(pool):
    assert pool.run((0.0, "hello"), timeout=5.0) == "hello"


def test_stuck_worker_is_killed_and_replaced(pool):
    (first,) = pool._idle
    start = time.monotonic()
    with pytest.raises(TaskTimeout):
        pool.run((60.0, "never"), timeout=0.5)
    assert time.monotonic() - start < 0.5 + 3.0
    first.proc.wait(timeout=5)
    assert first.proc.returncode is not None  # killed
    assert pool.run((0.0, "again"), timeout=30.0) == "again"
    (second,) = pool._idle
    assert second.proc.pid != first.proc.pid


def test_concurrent_callers_share_the_pool(pool):
    results = []

    def call(i):
        results.append(pool.run((0.05, i), timeout=30.0))

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == [0, 1, 2, 3]


def test_shutdown_stops_workers():
    p = WorkerPool(FN, size=1)
    p.warm()
    (worker,) = p._idle
    p.shutdown()
    worker.proc.wait(timeout=5)
    assert worker.proc.returncode is not None
    with pytest.raises(RuntimeError, match="shut down"):
        p.run((0.0, 1), timeout=1.0)


def test_workers_exit_when_their_parent_dies():
    """A parent killed mid-task leaves no orphan worker burning CPU (the worker watches its parent)."""
    import os
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parents[2]
    code = (
        "import os, threading, time\n"
        "from eval.checker._pool import WorkerPool\n"
        f"p = WorkerPool({FN!r}, size=1)\n"
        "p.warm()\n"
        "print(p._idle[0].proc.pid, flush=True)\n"
        "threading.Thread(target=lambda: p.run((60.0, 1), timeout=120.0), daemon=True).start()\n"
        "time.sleep(0.5)\n"
        "os._exit(0)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env, timeout=60)
    pid = int(out.stdout.split()[0])
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    raise AssertionError(f"worker {pid} outlived its parent")


def test_warm_with_a_task_runs_it_once_on_every_worker_then_serves(tmp_path):
    p = WorkerPool(FN, size=2)
    try:
        p.warm(task=("touch", str(tmp_path / "pids")))
        pids = sorted(int(x) for x in (tmp_path / "pids").read_text().split())
        assert pids == sorted(w.proc.pid for w in p._idle) and len(set(pids)) == 2
        assert p.run((0.0, "after"), timeout=30.0) == "after"
    finally:
        p.shutdown()


def test_the_checkers_warm_task_compares_without_error():
    from eval.checker._verify import _WARM, _worker_task

    assert _worker_task(_WARM) is None  # every warm-up pair parses and compares in-process too


def test_the_warm_task_pays_sympys_lazy_imports_up_front():
    import subprocess
    import sys

    code = ("import sys; from eval.checker._verify import _WARM, _worker_task; _worker_task(_WARM); "
            "print('sympy.physics.units' in sys.modules)")  # simplify's first call imports it: ~0.4 s
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "True"


def test_the_warm_up_forms_all_parse_and_none_is_taken_from_a_benchmark_set():
    import pathlib

    from eval.checker._symbolic import _parse
    from eval.checker._verify import _WARM_FORMS, _WARM_PAIRS

    for text in _WARM_FORMS:
        _parse(text, "gold")  # a refused form would warm nothing
    texts = [t for pair in _WARM_PAIRS for t in pair] + list(_WARM_FORMS)
    sets = pathlib.Path(__file__).parent
    corpus = "\n".join(f.read_text(encoding="utf-8") for f in sets.rglob("*") if f.suffix in (".jsonl", ".py")
                       and f.name.startswith(("cases", "heldout", "strict", "champ", "peers", "formats")))
    corpus += "\n" + corpus.replace("\\\\", "\\")  # as written in JSON and Python, and as read
    assert len(corpus) > 100_000
    assert [t for t in texts if t in corpus] == []  # warming on a set's own answers would flatter its cold figure


def test_a_warm_task_that_times_out_never_answers_a_later_task():
    p = WorkerPool(FN, size=1)
    try:
        p.warm()
        (first,) = p._idle
        p.warm(timeout=0.3, task=(2.0, "WARM-REPLY"))  # no answer in time: that worker is replaced
        first.proc.wait(timeout=5)
        assert first.proc.returncode is not None
        assert p.run((0.0, "mine"), timeout=30.0) == "mine"  # not the warm task's late answer
        assert p.run((0.0, "next"), timeout=30.0) == "next"
    finally:
        p.shutdown()


def test_shutdown_while_warming_stops_the_workers():
    p = WorkerPool(FN, size=2)
    p.warm()
    workers = list(p._idle)
    t = threading.Thread(target=p.warm, kwargs={"task": (1.0, "w")})
    t.start()
    time.sleep(0.3)
    p.shutdown()
    t.join(timeout=30)
    for w in workers:
        w.proc.wait(timeout=5)
        assert w.proc.returncode is not None


def test_an_error_while_waiting_replaces_the_worker_and_the_pool_still_answers(pool, monkeypatch):
    """A newcomer's trial: an interrupt (Ctrl-C) or an OS error while a task waited leaked its worker, and
    with every worker leaked the next caller waited for a free one forever."""
    (first,) = pool._idle
    monkeypatch.setattr(type(first.conn), "poll", lambda self, timeout=0.0: (_ for _ in ()).throw(KeyboardInterrupt))
    with pytest.raises(KeyboardInterrupt):
        pool.run((0.0, "x"), timeout=5.0)
    monkeypatch.undo()
    done = []
    t = threading.Thread(target=lambda: done.append(pool.run((0.0, "after"), timeout=30.0)), daemon=True)
    t.start()
    t.join(60)
    assert done == ["after"]
    (second,) = pool._idle
    assert second.proc.pid != first.proc.pid
