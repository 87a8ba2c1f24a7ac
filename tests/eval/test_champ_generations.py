"""CHAMP conversations -> eval generations files, scored by the eval (tests/fixtures/champ_gen, package layout).

The fixture holds 7 real CHAMP problems, one per row below, and for GPT-4 and GPT-3.5 four non-reserved
prompt styles each (final answers verbatim, long messages cut). The reserved styles (0-Shot, 5-Shot,
No C w/o H) are fabricated there, on the first two problems, with answers that start "RESERVED" and
state the gold, so reading them would show up in every count. Checked by reading each answer:

    problem              gold  GPT-4 right  GPT-3.5 right
    P_Combinatorics_4    76    4 of 4       1 of 4
    P_Combinatorics_5    144   4 of 4       2 of 4
    P_Sequence_10        3     2 of 4       2 of 4
    P_Sequence_20        89    2 of 4       2 of 4
    P_Polynomial_9       5     2 of 4       1 of 4
    P_Number-Theory_11   7125  0 of 4 (one  0 of 4 (one says "there is no smallest")
                                length error: no answer)
    P_Inequality_4       2     3 of 4       2 of 4
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.champ import RESERVED_PROMPTS, read_champ
from eval.champ import (
    champ_eval_set,
    generation_rows,
    model_names,
    model_slug,
    prompt_styles,
    write_generations_files,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "champ_gen" / "v0.json"


@pytest.fixture(scope="module")
def data():
    return read_champ(FIXTURE)


def test_fixture_is_small_and_licensed():
    assert FIXTURE.stat().st_size < 50_000
    assert "Permission is hereby granted" in (FIXTURE.parent / "LICENSE-CHAMP").read_text()


def test_reserved_prompt_styles_never_become_generations(data):
    keys = [k for p in data["problems"].values() for k in p["conversations"]]
    assert {k.split("|")[1] for k in keys} & RESERVED_PROMPTS  # the fixture does hold reserved conversations
    rows = [r for rs in generation_rows(data).values() for r in rs]
    assert len(rows) == 7 * 2 * 4
    assert not {r["prompt"] for r in rows} & RESERVED_PROMPTS
    assert not [r for r in rows if "RESERVED" in r["completion"]]


def test_each_prompt_style_is_one_sample_number_on_every_problem(data):
    assert model_names(data) == ["GPT-4", "GPT-3.5"]
    styles = prompt_styles(data, "GPT-4")
    assert styles == ["1/3 Soln", "Direct C w/ H", "Name C w/o H", "No C w/ H"]
    rows = generation_rows(data, ["GPT-4"])["GPT-4"]
    assert {r["model"] for r in rows} == {"GPT-4"}
    assert all(styles[r["sample"]] == r["prompt"] for r in rows)
    per_problem = {}
    for r in rows:
        per_problem.setdefault(r["problem_id"], set()).add(r["sample"])
    assert per_problem == {p["id"]: {0, 1, 2, 3} for p in champ_eval_set(data)}


def test_a_conversation_without_a_final_answer_is_an_empty_completion_not_a_dropped_row(data):
    rows = generation_rows(data, ["GPT-4"])["GPT-4"]
    row = next(r for r in rows if r["problem_id"] == "P_Number-Theory_11" and r["prompt"] == "No C w/ H")
    assert row["completion"] == ""  # the model hit its length limit: no answer, which the checker cannot read


def test_unknown_model_names_the_models_there_are(data):
    with pytest.raises(ValueError, match=r"'GPT-5' is not a CHAMP model.*'GPT-4', 'GPT-3.5'"):
        generation_rows(data, ["GPT-5"])


def test_eval_set_is_the_champ_pool(data):
    from data import load_pool

    rows = champ_eval_set(data)
    assert rows == load_pool(str(FIXTURE), preset="champ").to_list()
    assert [r["id"] for r in rows][:2] == ["P_Combinatorics_4", "P_Combinatorics_5"]
    first = rows[0]
    assert (first["answer"], first["skill"], first["level"]) == ("76", "Combinatorics", None)
    assert first["problem"].startswith("A one-to-one mapping")


def test_files_are_one_per_model_and_the_eval_scores_them_with_their_metadata(data, tmp_path):
    """GPT-4: 17 of 28 right (4+4+2+2+2+0+3), 6 of 7 problems with a right answer (pass@4), and 1 of 28
    answers unreadable (the length error); by category Combinatorics 8/8, Number-Theory 0/4."""
    from eval.metrics import MetricsConfig
    from eval.runner import ScoringConfig, evaluate

    paths = write_generations_files(data, tmp_path, ["GPT-4", "GPT-3.5"])
    assert {p.name for p in paths.values()} == {"gpt-4.jsonl", "gpt-3.5.jsonl"}
    assert model_slug("PaLM 2 Medium") == "palm-2-medium"
    first = json.loads(paths["GPT-4"].read_text().splitlines()[0])
    assert set(first) == {"problem_id", "sample", "completion", "model", "prompt"}
    result = evaluate(paths["GPT-4"], str(FIXTURE), preset="champ", metrics_config=MetricsConfig(ks=(1, 4)),
                      scoring=ScoringConfig(workers=1, progress=False))
    m = result.metrics
    assert (m["n_problems"], m["n_samples"], m["n_correct"]) == (7, 28, 17)
    assert m["pass_at_k"]["4"] == pytest.approx(6 / 7)
    assert m["reading"]["unread_share"] == pytest.approx(1 / 28)
    assert m["per_skill"]["Combinatorics"]["accuracy"] == 1.0
    assert m["per_skill"]["Number-Theory"]["accuracy"] == 0.0
    assert result.issues.total() == 0  # model and prompt are metadata the reader accepts
