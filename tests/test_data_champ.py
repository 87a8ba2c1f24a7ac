"""CHAMP as a pool: the reader, the ``champ`` source and preset, concepts, cluster scoring, the engine.

Every test reads the tiny fixture ``tests/fixtures/champ/v0.json`` (10 problems, 2 per category, in
the package's layout; see ``make_fixture.py`` beside it). None reads the installed package: an autouse
fixture hides it, and the tests that need "the package" install a fake one that holds the fixture.

The fixture's concepts, by problem (hand-copied from the file; used for the expected numbers below):

    P_Combinatorics_1   C_comb_sum                 P_Number-Theory_13  C_sq_diff, C_mod2
    P_Combinatorics_28  C_comb_mul, C_comb_sum     P_Number-Theory_6   (none)
    P_Inequality_13     C_sumdiff_sq, C_sq_gt_0    P_Polynomial_14     C_sumdiff_sq, C_sq_diff
    P_Inequality_23     C_AMGM2                    P_Polynomial_7      C_poly_div_remainder
    P_Sequence_36       C_AMGM2                    P_Sequence_20       C_comb_sum

Pairs sharing a concept: C1-C28, C1-S20, C28-S20 (comb_sum), I13-P14 (sumdiff_sq), NT13-P14 (sq_diff),
I23-S36 (AMGM2): 6 of the 45 pairs, so random clusters score 6/45 = 0.133. Of the 5 same-category
pairs only C1-C28 shares one: the categories score 1/5 = 0.2.
"""

import json
import shutil
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from data import load_pool
from data.champ import (
    RESERVED_PROMPTS,
    ChampUnavailableError,
    concepts,
    conversations,
    load_champ,
    read_champ,
    solutions,
)
from data.cluster import cluster_pool, normalized_mutual_info, tag_sharing
from data.loaders import PoolLoadError, save_pool
from sai_dpo import SelectionConfig, SelectionEngine
from sai_dpo.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "champ" / "v0.json"
IDS = ["P_Combinatorics_1", "P_Combinatorics_28", "P_Inequality_13", "P_Inequality_23", "P_Number-Theory_13",
       "P_Number-Theory_6", "P_Polynomial_14", "P_Polynomial_7", "P_Sequence_36", "P_Sequence_20"]


@pytest.fixture(autouse=True)
def no_package(monkeypatch):
    """The real package is installed here but not in CI: no test may read it."""
    monkeypatch.setitem(sys.modules, "champ_dataset", None)  # `import champ_dataset` raises ImportError


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    """A stand-in ``champ_dataset`` module whose data file is the fixture."""
    root = tmp_path / "champ_dataset"
    (root / "dataset_files").mkdir(parents=True)
    shutil.copy(FIXTURE, root / "dataset_files" / "v0.json")
    module = types.ModuleType("champ_dataset")
    module.__file__ = str(root / "__init__.py")
    monkeypatch.setitem(sys.modules, "champ_dataset", module)
    return root


def test_fixture_is_small_and_licensed():
    assert FIXTURE.stat().st_size < 100_000
    assert "Yujun Mao, Yoon Kim, Yilun Zhou" in (FIXTURE.parent / "LICENSE").read_text()
    data = read_champ(FIXTURE)
    assert list(data["problems"]) == IDS and set(data) == {"problems", "concepts", "hints"}


def test_pool_records_follow_the_file():
    pool = load_champ(FIXTURE)
    raw = json.loads(FIXTURE.read_text(encoding="utf-8"))["problems"]
    assert pool["id"] == IDS
    for row in pool:
        p = raw[row["id"]]
        assert row["problem"] == p["_text"] and "@@" not in row["problem"]  # the text, not the marked-up one
        assert row["answer"] == p["_answer"] and row["skill"] == p["category"]
        assert row["level"] is None and row["source"] == "champ" and row["choices"] is None
    assert sorted(set(pool["skill"])) == ["Combinatorics", "Inequality", "Number-Theory", "Polynomial", "Sequence"]


def test_load_pool_champ_preset_and_source_name(fake_package):
    by_path = load_pool(str(FIXTURE), preset="CHAMP")  # preset names are matched loosely, as for the others
    by_name = load_pool("champ")  # the installed package (here the fake one)
    assert by_path.to_list() == by_name.to_list() == load_champ().to_list()
    assert len(by_name) == 10


def test_a_local_path_named_champ_comes_first(tmp_path, monkeypatch, fake_package):
    from data import build_pool

    monkeypatch.chdir(tmp_path)
    build_pool(5, seed=0, kind="arith").save_to_disk("champ")
    assert load_pool("champ")["source"][0] != "champ" and len(load_pool("champ")) == 5


def test_without_the_package_one_line_names_the_extra(capsys):
    with pytest.raises(ChampUnavailableError, match=r"pip install 'sai-dpo\[real\]'") as info:
        load_pool("champ")
    assert "\n" not in str(info.value)
    assert main(["pool", "show", "champ"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "sai-dpo[real]" in err


def test_builtin_champ_is_refused_naming_the_source():
    with pytest.raises(PoolLoadError, match="load it as 'champ'"):
        load_pool("builtin:champ")


def test_a_missing_explicit_file_names_the_file(tmp_path):
    with pytest.raises(ChampUnavailableError, match="v0.json is missing; pass the path"):
        load_champ(tmp_path / "v0.json")


def test_concepts_are_the_c_entries_of_ch_list():
    tags = concepts(read_champ(FIXTURE))
    assert list(tags) == IDS
    assert tags["P_Polynomial_14"] == ["C_sumdiff_sq", "C_sq_diff"]
    assert tags["P_Number-Theory_6"] == []
    assert all(c.startswith("C_") for cs in tags.values() for c in cs)  # the H_ hints are left out


def test_solutions_join_the_steps():
    data = read_champ(FIXTURE)
    text = solutions(data)["P_Combinatorics_1"]
    steps = data["problems"]["P_Combinatorics_1"]["solution"]["steps"]
    assert text.startswith(steps[0]["_text"] + " ") and text.endswith(steps[-1]["_text"])


def test_conversations_skip_the_reserved_prompts():
    seen = list(conversations(read_champ(FIXTURE)))
    assert len(seen) == 10 * 4  # 7 kept per problem in the fixture, 3 of them reserved
    assert {prompt for _, _, prompt, _ in seen} == {"1/3 Soln", "Direct C w/ H"}
    assert not {prompt for _, _, prompt, _ in seen} & RESERVED_PROMPTS


@pytest.mark.parametrize("policy", ["sai_dpo", "uniform", "curriculum", "learnability", "prioritized"])
def test_engine_copes_with_no_level_anywhere(policy):
    pool = load_champ(FIXTURE)
    engine = SelectionEngine.from_pool(pool, SelectionConfig(policy=policy, group_size=4, seed=0))
    idx = engine.draw(4, round=0)
    assert len(set(idx.tolist())) == 4
    rewards = np.array([1.0, 0.0, 1.0, 1.0] * 4)
    engine.report(np.repeat(idx, 4), rewards, round=0)
    assert len(set(engine.draw(4, round=1).tolist())) == 4
    table = engine.table()
    assert {row["level"] for row in table} == {None}  # one cell per skill
    assert sorted(row["skill"] for row in table) == sorted(set(pool["skill"]))
    assert sum(row["attempts"] for row in table) == pytest.approx(16)


def test_tag_sharing_matches_the_hand_count():
    data = read_champ(FIXTURE)
    pool = load_champ(FIXTURE)
    tags = [concepts(data)[i] for i in pool["id"]]
    by_category = tag_sharing(pool["skill"], tags)
    assert by_category.rate == pytest.approx(1 / 5) and by_category.within_pairs == 5
    assert by_category.baseline == pytest.approx(6 / 45)


def test_tag_sharing_baseline_is_the_mean_over_random_clusters_of_the_same_sizes():
    rng = np.random.default_rng(0)
    labels = np.repeat([0, 1, 2], [6, 4, 2])
    tags = [[str(t) for t in rng.choice(5, size=rng.integers(0, 3), replace=False)] for _ in labels]
    baseline = tag_sharing(labels, tags).baseline
    rates = [tag_sharing(rng.permutation(labels), tags).rate for _ in range(4000)]
    assert np.mean(rates) == pytest.approx(baseline, abs=0.01)
    with pytest.raises(ValueError, match="one entry per label"):
        tag_sharing(labels, tags[:-1])


def test_nmi_ignores_label_names():
    assert normalized_mutual_info(["a", "a", "b", "b"], [1, 1, 0, 0]) == pytest.approx(1.0)
    assert normalized_mutual_info(["a", "a", "b", "b"], [0, 1, 0, 1]) == pytest.approx(0.0)


def test_cluster_pool_clusters_the_texts_given():
    pool = load_champ(FIXTURE)
    # Texts that say the category outright: TF-IDF must find the categories exactly.
    words = {"Combinatorics": "count ways strings", "Inequality": "smallest bound positive",
             "Number-Theory": "prime divisor mod", "Polynomial": "polynomial root coefficient",
             "Sequence": "sequence term limit"}
    texts = [f"{words[s]} {words[s]}" for s in pool["skill"]]
    new, result, ari = cluster_pool(pool, texts=texts)
    assert ari == pytest.approx(1.0) and new["problem"] == pool["problem"]
    with pytest.raises(ValueError, match="one text per problem"):
        cluster_pool(pool, texts=texts[:-1])


def _cluster_cli(capsys, *extra):
    assert main(["pool", "cluster", "--pool", str(FIXTURE), "--preset", "champ", "--clusters", "2", *extra]) == 0
    return capsys.readouterr().out


def test_cli_cluster_reports_ari_nmi_and_concept_co_membership(capsys):
    out = _cluster_cli(capsys)
    assert "clustered 10 problems into 2 clusters" in out
    assert "ARI vs true skills: " in out and "NMI vs true skills: " in out
    line = next(x for x in out.splitlines() if x.startswith("concept co-membership"))
    assert "true skills 0.200" in line and "random clusters of the same sizes 0.133" in line


def test_cli_cluster_with_solution(capsys):
    out = _cluster_cli(capsys, "--with-solution")
    assert "clustered 10 problem + solution texts into 2 clusters" in out
    assert "concept co-membership" in out


def test_cli_with_solution_needs_a_champ_pool(tmp_path, capsys):
    pool = load_champ(FIXTURE)
    other = tmp_path / "other.jsonl"
    save_pool(pool.map(lambda r: {"source": "mine"}), other)
    assert main(["pool", "cluster", "--pool", str(other), "--with-solution"]) == 2
    assert "only CHAMP pools" in capsys.readouterr().err


def test_cli_saved_champ_pool_finds_its_concepts_in_the_package(tmp_path, capsys, fake_package):
    saved = save_pool(load_champ(FIXTURE), tmp_path / "champ.parquet")
    assert main(["pool", "cluster", "--pool", str(saved), "--clusters", "2"]) == 0
    assert "random clusters of the same sizes 0.133" in capsys.readouterr().out


def test_cli_saved_champ_pool_without_the_package_says_so(tmp_path, capsys):
    saved = save_pool(load_champ(FIXTURE), tmp_path / "champ.parquet")
    assert main(["pool", "cluster", "--pool", str(saved), "--clusters", "2"]) == 0
    captured = capsys.readouterr()
    assert "concept co-membership" not in captured.out and "no CHAMP concepts" in captured.err


def test_cli_embed_on_champ_text(capsys):
    out = _cluster_cli(capsys, "--method", "embed", "--with-solution")
    assert "with embed" in out and "concept co-membership" in out
