"""The mutation runner's own bookkeeping (``eval/mutation.py``): reading mutmut's output, scoring,
excusing survivors, and refusing bad input. The mutation run itself is ``make mutation``."""

from __future__ import annotations

import json

import pytest

from eval import mutation
from eval.mutation import Module, mutant_diffs, score

MUTATED = '''
def x_half__mutmut_orig(x):
    if x > 0:
        return x / 2
    return 0

def x_half__mutmut_1(x):
    if x >= 0:
        return x / 2
    return 0

def x_half__mutmut_2(x):
    if x > 0:
        return x * 2
    return 0

def x_half__mutmut_3(x):
    if x > 1:
        return x / 2
    return 0

def x_half__mutmut_4(x):
    if x > 0:
        return x / 2
    return 0

def xǁBoxǁget__mutmut_orig(self):
    return self.v

def xǁBoxǁget__mutmut_1(self):
    return None
'''


@pytest.fixture
def work(tmp_path):
    (tmp_path / "mutants" / "pkg").mkdir(parents=True)
    (tmp_path / "mutants" / "pkg" / "mod.py").write_text(MUTATED)
    codes = {"pkg.mod.x_half__mutmut_1": 0, "pkg.mod.x_half__mutmut_2": 1, "pkg.mod.x_half__mutmut_3": 0,
             "pkg.mod.xǁBoxǁget__mutmut_1": 33, "pkg.mod.x_half__mutmut_4": 0}
    (tmp_path / "mutants" / "pkg" / "mod.py.meta").write_text(
        json.dumps({"exit_code_by_key": codes, "hash_by_function_name": {}}))
    return tmp_path


def test_diffs_name_the_function_and_the_changed_lines(work):
    diffs = mutant_diffs(work / "mutants" / "pkg" / "mod.py")
    assert diffs["x_half__mutmut_1"] == ("x_half", ["-if x > 0:", "+if x >= 0:"])
    assert diffs["x_half__mutmut_2"] == ("x_half", ["-return x / 2", "+return x * 2"])
    assert diffs["x_half__mutmut_4"] == ("x_half", [])  # the same source
    assert diffs["xǁBoxǁget__mutmut_1"] == ("xǁBoxǁget", ["-return self.v", "+return None"])
    assert "x_half__mutmut_orig" not in diffs


def test_score_counts_survivors_and_no_tests_against_the_module(work):
    r = score(Module("m", "pkg/mod.py", ()), work, [])
    assert (r["mutants"], r["killed"], r["survived"], r["no_tests"], r["equivalent"], r["identical"]) == (5, 1, 2, 1, 0, 1)
    assert r["score"] == pytest.approx(1 / 4)
    assert {s["function"] for s in r["survivors"]} == {"half", "Box.get"}
    assert r["unused_excuses"] == []


def test_an_excuse_must_match_function_and_change_exactly(work):
    excuses = [
        {"function": "half", "change": ["-if x > 0:", "+if x >= 0:"], "reason": "x = 0 returns 0 either way"},
        {"function": "half", "change": ["-if x > 0:", "+if x > 2:"], "reason": "matches nothing"},
    ]
    r = score(Module("m", "pkg/mod.py", ()), work, excuses)
    assert (r["equivalent"], r["survived"]) == (1, 1)
    assert r["score"] == pytest.approx(1 / 3)  # equivalent mutants leave the denominator
    assert r["unused_excuses"] == ["half: ('-if x > 0:', '+if x > 2:')"]


def test_an_excuse_for_a_killed_mutant_is_reported_wrong_and_a_timeout_can_be_excused(work):
    meta = work / "mutants" / "pkg" / "mod.py.meta"
    data = json.loads(meta.read_text())
    data["exit_code_by_key"]["pkg.mod.x_half__mutmut_1"] = -24  # stopped for time
    meta.write_text(json.dumps(data))
    excuses = [
        {"function": "half", "change": ["-if x > 0:", "+if x >= 0:"], "reason": "x = 0 returns 0 either way"},
        {"function": "half", "change": ["-return x / 2", "+return x * 2"], "reason": "wrong"},
    ]
    r = score(Module("m", "pkg/mod.py", ()), work, excuses)
    assert (r["equivalent"], r["timeout"], r["killed"]) == (1, 0, 1)
    assert r["contradicted_excuses"] == ["half: ['-return x / 2', '+return x * 2']"]
    r = score(Module("m", "pkg/mod.py", ()), work, [])
    assert r["timeout"] == 1 and r["timeouts"][0]["change"] == ["-if x > 0:", "+if x >= 0:"]


def test_malformed_excuse_files_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(mutation, "EQUIVALENT_DIR", tmp_path)
    (tmp_path / "numbers.json").write_text(json.dumps([{"function": "f", "change": "-a", "reason": "x"}]))
    with pytest.raises(SystemExit, match="needs a function, a list of changed lines and a reason"):
        mutation.load_equivalent(mutation.MODULES["numbers"])
    (tmp_path / "numbers.json").write_text(json.dumps([{"function": "f", "change": ["-a"], "reason": " "}]))
    with pytest.raises(SystemExit, match="reason"):
        mutation.load_equivalent(mutation.MODULES["numbers"])


def test_bad_arguments_exit_2_before_any_work(capsys):
    with pytest.raises(SystemExit) as exc:
        mutation.main(["nosuchmodule"])
    assert exc.value.code == 2
    assert "unknown module(s) nosuchmodule" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        mutation.main(["numbers", "--jobs", "0"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        mutation.main(["numbers", "--target", "90"])
    assert exc.value.code == 2


def test_a_second_run_of_one_module_is_refused(tmp_path, monkeypatch):
    from data._locks import try_lock

    monkeypatch.setattr(mutation, "SCRATCH", tmp_path)
    held = try_lock(tmp_path / "numbers.lock")
    assert isinstance(held, int)
    try:
        with pytest.raises(SystemExit, match="a mutation run of numbers is already going"):
            mutation.run_module(mutation.MODULES["numbers"], tmp_path / "python", 1)
    finally:
        import os

        os.close(held)


def test_every_listed_module_and_test_path_exists():
    for m in mutation.MODULES.values():
        assert (mutation.ROOT / m.path).is_file(), m.path
        for t in m.tests:
            assert (mutation.ROOT / t).exists(), t


def test_checked_in_excuses_are_well_formed():
    for m in mutation.MODULES.values():
        for e in mutation.load_equivalent(m):
            assert e["change"] and all(line[:1] in "+-" for line in e["change"]), e
