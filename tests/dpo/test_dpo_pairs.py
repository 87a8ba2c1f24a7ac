"""Pair building: which samples become chosen/rejected, on hand-made verdicts and on the real checker."""

import random

import pytest

from rl.pairs import ScoredSample, build_pairs, is_mixed, pair_samples


def S(text, status, steps=1, tokens=None):
    return ScoredSample(text, status, steps, len(text) if tokens is None else tokens)


def test_not_mixed_gives_no_pairs():
    all_right = [S("5", "correct"), S("5.", "correct")]
    all_wrong = [S("4", "incorrect"), S("", "unparseable_pred")]
    assert pair_samples(all_right) == [] and pair_samples(all_wrong) == []
    # timeouts and unparseable golds are not the model's fault: they never make a problem mixed
    assert not is_mixed([S("5", "correct"), S("x", "timeout"), S("y", "unparseable_gold")])
    assert pair_samples([S("5", "correct"), S("x", "timeout")]) == []


def test_fewest_steps_chosen_then_cycles_through_correct_samples():
    """Correct samples ranked by (steps, tokens): c_short(1 step, 3 tok) < c_one(1, 9) < c_long(3, 2).

    Three distinct rejected texts and P=3 give 3 pairs taking the correct samples in that order.
    """
    samples = [S("c_long", "correct", steps=3, tokens=2), S("c_one", "correct", steps=1, tokens=9),
               S("c_short", "correct", steps=1, tokens=3),
               S("w1", "incorrect"), S("w2", "incorrect"), S("w3", "incorrect")]
    pairs = pair_samples(samples, pairs_per_problem=3, chosen_rule="fewest_steps")
    assert [c.text for c, _ in pairs] == ["c_short", "c_one", "c_long"]
    assert sorted(r.text for _, r in pairs) == ["w1", "w2", "w3"]
    shortest = pair_samples(samples, pairs_per_problem=1, chosen_rule="shortest")
    assert shortest[0][0].text == "c_long"  # 2 tokens beats fewer steps under "shortest"


def test_malformed_answers_are_rejected_first_and_pair_count_is_capped():
    samples = [S("5", "correct"), S("7", "incorrect"), S("8", "incorrect"), S("??", "unparseable_pred"),
               S("", "unparseable_pred")]
    for seed in range(5):
        pairs = pair_samples(samples, pairs_per_problem=2, rng=random.Random(seed))
        assert len(pairs) == 2
        assert {r.status for _, r in pairs} == {"unparseable_pred"}
    pairs = pair_samples(samples, pairs_per_problem=3, rng=random.Random(0))
    assert [r.status for _, r in pairs] == ["unparseable_pred", "unparseable_pred", "incorrect"]
    # min(P, distinct rejected texts): duplicated wrong texts are used once
    dup = [S("5", "correct"), S("7", "incorrect"), S("7", "incorrect")]
    assert len(pair_samples(dup, pairs_per_problem=4)) == 1


def test_random_incorrect_order_depends_on_seed_only():
    samples = [S("5", "correct")] + [S(str(w), "incorrect") for w in range(10, 20)]
    a = [r.text for _, r in pair_samples(samples, 1, rng=random.Random(3))]
    b = [r.text for _, r in pair_samples(samples, 1, rng=random.Random(3))]
    picks = {pair_samples(samples, 1, rng=random.Random(s))[0][1].text for s in range(20)}
    assert a == b and len(picks) > 1


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="'chosen_rule' parameter of pair_samples"):
        pair_samples([S("5", "correct")], chosen_rule="longest")
    with pytest.raises(ValueError, match="'pairs_per_problem' parameter"):
        pair_samples([S("5", "correct")], pairs_per_problem=0)
    with pytest.raises(ValueError, match="aligned"):
        build_pairs([{"id": "a", "answer": "1"}], [], prompts=["p"])


def test_pairs_from_real_checker_verdicts():
    """Verdicts from eval.checker: the chosen text checks correct and the rejected one does not."""
    from eval.checker import verify, verify_batch
    from eval.features import count_steps

    problems = [{"id": "p1", "answer": "12", "skill": "add", "level": 1},
                {"id": "p2", "answer": "3", "skill": "sub", "level": 2},
                {"id": "p3", "answer": "4", "skill": "sub", "level": 2}]
    texts = [[" 12", "It is 12.", " 13", "no idea"], [" 3", " 3", " 3", " 3"], [" 5", " 6", " 5", " 7"]]
    groups = []
    for rec, group in zip(problems, texts, strict=True):
        verdicts = verify_batch([rec["answer"]] * len(group), group)
        groups.append([ScoredSample(t, v.status, count_steps(t), len(t)) for t, v in zip(group, verdicts, strict=True)])
    rows = build_pairs(problems, groups, prompts=["Q1", "Q2", "Q3"], pairs_per_problem=2, seed=0, iteration=4)
    assert {r["problem_id"] for r in rows} == {"p1"}  # p2 all right, p3 all wrong
    assert len(rows) == 2 and all(r["iteration"] == 4 and r["prompt"] == "Q1" for r in rows)
    for r in rows:
        assert verify(r["answer"], r["chosen"]).status == "correct"
        assert verify(r["answer"], r["rejected"]).status in ("incorrect", "unparseable_pred")
    assert rows[0]["chosen"] == " 12"  # 1 step, 3 tokens: the shortest correct sample


def test_pairs_file_round_trips_also_when_empty(tmp_path):
    from rl.pairs import load_pairs, pair_features, pairs_dataset

    row = {"prompt": "Q: 1+1\nA:", "chosen": " 2", "rejected": " 3", "problem_id": "a", "answer": "2",
           "skill": None, "level": None, "chosen_status": "correct", "rejected_status": "incorrect",
           "iteration": 0}
    for name, rows in (("empty", []), ("one", [row])):
        pairs_dataset(rows).to_parquet(str(tmp_path / f"{name}.parquet"))
        back = load_pairs(tmp_path / f"{name}.parquet")
        assert back.features == pair_features() and list(back) == rows
