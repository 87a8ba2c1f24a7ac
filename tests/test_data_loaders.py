"""Loaders: every preset reads its fixture (a few rows in that set's real column layout)."""

import json
import os
import pathlib
import time

import pytest

from data import PoolLoadError, PoolValidationError, build_pool, last_boxed, load_pool, save_pool
from data.presets import get_preset, parse_level

FIX = pathlib.Path(__file__).parent / "fixtures"


def _rows(pool):
    return pool.to_list()


def test_math_preset_boxed_type_and_level():
    """Hendrycks MATH: answer = last \\boxed{} with nested braces, type -> skill, "Level 3" -> 3."""
    rows = _rows(load_pool(FIX / "math.jsonl", preset="MATH"))
    assert [r["answer"] for r in rows] == ["\\frac{5}{2}", "6", "5\\sqrt{2}", "\\left(-2, 2\\right)"]
    assert [r["skill"] for r in rows] == ["Algebra", "Counting & Probability", "Prealgebra", "Intermediate Algebra"]
    assert [r["level"] for r in rows] == [1, 2, 3, None]  # "Level ?" has no level
    assert all(r["id"] and r["source"].endswith("math.jsonl") for r in rows)


def test_math500_preset_keeps_unique_id_and_subject():
    rows = _rows(load_pool(FIX / "math500.jsonl", preset="math-500"))
    assert rows[0]["id"] == "test/precalculus/807.json"
    assert rows[0]["answer"] == "\\left( 3, \\frac{\\pi}{2} \\right)"
    assert [r["skill"] for r in rows] == ["Precalculus", "Number Theory", "Counting & Probability"]
    assert [r["level"] for r in rows] == [2, 3, 1]


def test_gsm8k_preset_takes_the_number_after_hashes():
    rows = _rows(load_pool(FIX / "gsm8k.jsonl", preset="gsm8k"))
    assert [r["answer"] for r in rows] == ["72", "2234", "10"]  # thousands separator removed
    assert rows[0]["problem"].startswith("Natalia sold clips")
    assert rows[0]["skill"] is None and rows[0]["level"] is None


def test_aime_presets_read_2024_and_2025_layouts():
    a24 = _rows(load_pool(FIX / "aime2024.jsonl", preset="aime2024"))
    assert [r["id"] for r in a24] == ["2024-I-1", "2024-I-2", "2024-II-4"]
    assert [r["answer"] for r in a24] == ["204", "25", "33"]
    a25 = _rows(load_pool(FIX / "aime2025.csv", preset="aime2025"))
    assert [r["answer"] for r in a25] == ["70", "588", "16"]
    assert a25[1]["problem"].startswith("On $\\triangle ABC$")


def test_amc_preset_turns_float_answers_into_integers():
    rows = _rows(load_pool(FIX / "amc2023.json", preset="amc2023"))
    assert [r["answer"] for r in rows] == ["27", "36", "45"]
    assert [r["id"] for r in rows] == ["0", "1", "2"]


def test_numina_preset_boxed_answer_and_origin():
    rows = _rows(load_pool(FIX / "numinamath_cot.jsonl", preset="NuminaMath-CoT"))
    assert [r["answer"] for r in rows] == ["2", "\\{2, 3\\}", "\\dfrac{3}{4}"]
    assert rows[1]["source"] == "NuminaMath-CoT/olympiads"


def test_deepscaler_preset():
    rows = _rows(load_pool(FIX / "deepscaler.json", preset="deepscaler"))
    assert [r["answer"] for r in rows] == ["35", "9\\pi", "[-2, 2]"]


def test_dapo_preset_strips_the_instruction_wrapper():
    rows = _rows(load_pool(FIX / "dapo_math_17k.parquet", preset="DAPO-Math-17k"))
    assert rows[0]["problem"].startswith("In triangle $ABC$")
    assert rows[0]["problem"].endswith("Find $k+m$.")
    assert "Answer:" not in rows[2]["problem"]
    assert [r["answer"] for r in rows] == ["34", "0", "4"]
    assert rows[0]["id"] == "9a9b6eb4-a1cb-49d1-8c1e-62eaf2f74079"


def test_explicit_column_mapping_with_nested_field():
    cols = {"id": "qid", "problem": "question_text", "answer": "meta.final", "skill": "topic", "level": "difficulty"}
    rows = _rows(load_pool(FIX / "custom.jsonl", columns=cols))
    assert rows[0] == {
        "id": "q-1", "problem": "What is 7 * 8?", "answer": "56", "skill": "arithmetic", "level": 1,
        "source": str(FIX / "custom.jsonl"), "choices": None,
    }
    assert rows[1]["level"] == 2


def test_generated_ids_are_stable_and_unique(tmp_path):
    p = tmp_path / "noid.jsonl"
    p.write_text("".join(json.dumps({"problem": f"What is {i} + 1?", "answer": str(i + 1)}) + "\n" for i in range(5)))
    a, b = load_pool(p)["id"], load_pool(p)["id"]
    assert list(a) == list(b) and len(set(a)) == 5


def test_unknown_preset_and_bad_columns_are_explained():
    with pytest.raises(ValueError, match="'preset' parameter of load_pool"):
        load_pool(FIX / "math.jsonl", preset="nope")
    with pytest.raises(ValueError, match="'columns' parameter"):
        load_pool(FIX / "math.jsonl", columns={"question": "problem"})


def test_last_boxed_and_parse_level():
    assert last_boxed("a \\boxed{1} b \\boxed{\\frac{1}{\\sqrt{2}}}") == "\\frac{1}{\\sqrt{2}}"
    assert last_boxed("so \\boxed 5$") == "5"
    assert last_boxed("no box") is None and last_boxed("\\boxed{unclosed") is None
    assert [parse_level(v) for v in ("Level 4", 3, 2.0, "Level ?", None)] == [4, 3, 2, None, None]
    assert get_preset("AIME_2025") is get_preset("aime")


@pytest.mark.parametrize("suffix", ["parquet", "jsonl", "json", "csv"])
def test_round_trip_through_every_file_format(tmp_path, suffix):
    pool = build_pool(60, seed=5, kind="mixed")
    path = save_pool(pool, tmp_path / f"pool.{suffix}")
    assert load_pool(path).to_list() == pool.to_list()


def test_missing_file_and_bad_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_pool(tmp_path / "nope.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "problem": "p", "answer": "1"}\n{not json\n')
    with pytest.raises(PoolLoadError, match="line 2 is not valid JSON"):
        load_pool(bad)
    bad.write_text('{"id": "a", "problem": "cut\there", "answer": "1"}\n')  # a control character in a string
    with pytest.raises(PoolLoadError, match=r"line 1 is not valid JSON \(Invalid control character at column 28\)"):
        load_pool(bad)


def test_hub_id_fails_fast_and_clearly_when_offline():
    assert os.environ.get("HF_HUB_OFFLINE") == "1"  # set by tests/conftest.py
    t0 = time.perf_counter()
    with pytest.raises(PoolLoadError, match="HF_HUB_OFFLINE"):
        load_pool("someone/some-math-set", preset="math")
    assert time.perf_counter() - t0 < 5


def test_builtin_sources():
    pool = load_pool("builtin:aime-style")
    assert len(pool) == 1000 and all(0 <= int(a) <= 999 for a in pool["answer"])
    assert pool.to_list()[:5] == build_pool(5, seed=0, kind="aime-style").to_list()
    with pytest.raises(PoolValidationError, match="Unknown built-in pool"):
        load_pool("builtin:nope")


def test_flat_column_names_with_dots_and_missing_mapped_columns(tmp_path):
    """A CSV column literally named 'meta.final' maps as is; a mapping to a column no row has is
    reported as a mapping error that lists the available columns, not as row 0's missing answer."""
    path = tmp_path / "my.csv"
    path.write_text('q,meta.final\n"1+1?",2\n"2+3?",5\n')
    pool = load_pool(str(path), columns={"problem": "q", "answer": "meta.final"})
    assert pool["answer"] == ["2", "5"] and pool["problem"] == ["1+1?", "2+3?"]
    with pytest.raises(PoolLoadError, match=r"maps 'answer' to 'nope'.*Available columns: \['meta.final', 'q'\]"):
        load_pool(str(path), columns={"problem": "q", "answer": "nope"})


def test_an_unreadable_level_stops_the_load_as_the_readme_says(tmp_path):
    """Issue 16: a row with "level": "hard" silently became a row without a level."""
    from data import load_pool
    from data.schema import PoolValidationError

    path = tmp_path / "pool.jsonl"
    path.write_text('{"id": "a", "problem": "1+1?", "answer": "2", "level": "hard"}\n'
                    '{"id": "b", "problem": "2+2?", "answer": "4", "level": "Level 3"}\n')
    with pytest.raises(PoolValidationError, match="field 'level' must be an integer or null.*'hard'.*--skip-invalid"):
        load_pool(str(path))
    kept = load_pool(str(path), skip_invalid=True)
    assert kept["id"] == ["b"] and kept["level"] == [3]  # "Level 3" is read as 3


def test_gsm8k_layout_without_its_preset_is_refused(tmp_path):
    """Issue 16: GSM8K files loaded without a preset made each whole rationale the gold answer."""
    from data import load_pool
    from data.schema import PoolValidationError

    path = tmp_path / "gsm.jsonl"
    path.write_text('{"question": "Natalia sold 48 clips. How many?", "answer": "48/2 = 24.\\n#### 72"}\n'
                    '{"question": "2+2?", "answer": "2+2=4\\n#### 4"}\n')
    with pytest.raises(PoolValidationError, match="GSM8K's layout.*--preset gsm8k"):
        load_pool(str(path))
    assert load_pool(str(path), preset="gsm8k")["answer"] == ["72", "4"]
