"""The selection engine replayed on CHAMP outcomes: fixture (tests/fixtures/champ_gen) and hand-built outcomes.

GPT-4 on the fixture (see test_champ_generations.py), 4 rollouts per problem (G = 4): Combinatorics
4/4 and 4/4, Sequence 2/4 and 2/4, Polynomial 2/4, Inequality 3/4, Number-Theory 0/4. The peak factor
(4 p (1 - p)) ** 32 is 1 at p = 1/2 and (4 * 0.72 * 0.28) ** 32 ~ 0.001 at Inequality's shrunk
estimate (3 + 2 * 0.67) / (4 + 2) ~ 0.72, and ~0 for problems always solved or always failed. So the
three problems at 2 of 4 (Sequence 2, Polynomial 1) take nearly all the weight: Sequence about 2/3,
Polynomial 1/3; the rest only their share of the 1% uniform floor.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data.champ import read_champ
from eval.champ import generation_rows
from eval.champ_replay import ChampOutcomes, ReplayConfig, champ_outcomes, near_half_range, replay

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "champ_gen" / "v0.json"


@pytest.fixture(scope="module")
def gpt4():
    from eval.runner import ScoringConfig

    return champ_outcomes(read_champ(FIXTURE), "GPT-4", ScoringConfig(workers=1, progress=False))


def test_outcomes_are_the_checker_verdicts_of_each_prompt_style(gpt4):
    right = {r["id"]: sum(s == "correct" for s in st) for r, st in zip(gpt4.pool, gpt4.statuses, strict=True)}
    assert right == {"P_Combinatorics_4": 4, "P_Combinatorics_5": 4, "P_Sequence_10": 2, "P_Sequence_20": 2,
                     "P_Polynomial_9": 2, "P_Number-Theory_11": 0, "P_Inequality_4": 3}
    assert all(len(p) == 4 for p in gpt4.prompts)
    assert "unparseable_pred" in gpt4.statuses[5]  # the length error: no answer, reward 0
    # Lengths are of the whole response (solution and final answer), not of the one-sentence answer alone.
    answers = {(r["problem_id"], r["prompt"]): len(r["completion"].split())
               for r in generation_rows(read_champ(FIXTURE), ["GPT-4"])["GPT-4"]}
    for p, prompts, tokens in zip(gpt4.pool, gpt4.prompts, gpt4.n_tokens, strict=True):
        assert all(t > answers[p["id"], q] for q, t in zip(prompts, tokens, strict=True))


def test_next_draw_goes_to_the_problems_near_half(gpt4):
    result = replay(gpt4, ReplayConfig(per_round=2, next_n=3))
    ps = result.per_skill
    assert result.group_size == 4
    assert (ps["Sequence"]["near_half"], ps["Polynomial"]["near_half"], ps["Inequality"]["near_half"]) == (2, 1, 0)
    assert ps["Sequence"]["next_share"] == pytest.approx(2 / 3, abs=0.02)
    assert ps["Polynomial"]["next_share"] == pytest.approx(1 / 3, abs=0.02)
    assert ps["Combinatorics"]["next_share"] < 0.01 and ps["Number-Theory"]["next_share"] < 0.01
    drawn = {d["skill"] for d in result.next_draw}
    assert {"Sequence", "Polynomial"} <= drawn
    assert not drawn & {"Combinatorics", "Number-Theory"}  # always solved / always failed: nothing to learn
    assert sum(v["next_drawn"] for v in ps.values()) == 3


def test_every_problem_is_fed_once_in_a_seeded_order(gpt4):
    a = replay(gpt4, ReplayConfig(seed=3, per_round=3, orders=2))
    b = replay(gpt4, ReplayConfig(seed=3, per_round=3, orders=2))
    assert [len(r) for r in a.rounds] == [3, 3, 1]
    assert sorted(i for r in a.rounds for i in r) == sorted(p["id"] for p in gpt4.pool)
    assert a.rounds == b.rounds and a.next_draw == b.next_draw
    assert a.rounds != replay(gpt4, ReplayConfig(seed=4, per_round=3, orders=1)).rounds
    assert list(a.orders["Sequence"]) == pytest.approx([a.per_skill["Sequence"]["next_share"], a.orders["Sequence"][1]])


def test_table_has_one_cell_per_category_with_no_level(gpt4):
    result = replay(gpt4, ReplayConfig(per_round=7, next_n=2, orders=1))
    cells = {r["skill"]: r for r in result.table}
    assert sorted((r["skill"], r["level"], r["n_problems"]) for r in result.table) == [
        ("Combinatorics", None, 2), ("Inequality", None, 1), ("Number-Theory", None, 1), ("Polynomial", None, 1),
        ("Sequence", None, 2)]
    assert sum(r["draws"] for r in result.table) == 2
    assert cells["Combinatorics"]["accuracy"] == 1.0 and cells["Number-Theory"]["accuracy"] == 0.0


def test_verdicts_that_are_not_the_models_fault_are_left_out():
    """Problem a: 2 right, 1 wrong, 1 unreadable gold -> 3 rollouts reported, 2 of 3 right."""
    outcomes = ChampOutcomes(
        model="M", pool=[{"id": "a", "skill": "X", "level": None}, {"id": "b", "skill": "Y", "level": None}],
        statuses=[["correct", "correct", "incorrect", "unparseable_gold"], ["incorrect", "timeout", "correct", "correct"]],
        prompts=[["p"] * 4] * 2, n_tokens=[[10] * 4] * 2, n_steps=[[1] * 4] * 2)
    result = replay(outcomes, ReplayConfig(per_round=1, next_n=2, orders=1))
    assert result.excluded == {"unparseable_gold": 1, "timeout": 1}
    assert {d["id"]: (d["correct"], d["rollouts"]) for d in result.next_draw} == {"a": (2, 3), "b": (2, 3)}
    assert result.per_skill["X"]["accuracy"] == pytest.approx(2 / 3)


def test_bad_parameters_and_models_are_refused_with_the_house_wording():
    with pytest.raises(ValueError, match=r"The 'per_round' parameter of ReplayConfig must be an int >= 1. Got 0"):
        ReplayConfig(per_round=0)
    with pytest.raises(ValueError, match=r"'Claude' is not a CHAMP model.*'GPT-4'"):
        champ_outcomes(read_champ(FIXTURE), "Claude")
    assert near_half_range(15) == (6, 9) and near_half_range(4) == (2, 2)


def test_report_explains_the_draw_in_html_markdown_and_json(gpt4, tmp_path):
    from eval._champ_report import verdict, write_replay_report

    result = replay(gpt4, ReplayConfig(per_round=2, next_n=3, orders=2))
    text = verdict(result)
    assert text.startswith("Next, the tracker would send GPT-4 most to Sequence")
    assert "least to Combinatorics" in text or "least to Number-Theory" in text
    paths = write_replay_report(result, tmp_path)
    page = paths["html"].read_text()
    assert page.count("data:image/png;base64,") == 1 and "src=\"http" not in page
    assert "none (CHAMP grades no difficulty)" in page and "P_Polynomial_9" in page
    markdown = paths["markdown"].read_text()
    assert "## Skill x level table" in markdown
    assert "Fed in 2 seeded orders, a category's expected share of the next draw moves by at most" in markdown
    saved = json.loads(paths["json"].read_text())
    assert saved["per_skill"]["Sequence"]["near_half"] == 2 and saved["config"]["next_n"] == 3
