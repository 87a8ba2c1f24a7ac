"""Answer formats written apart from the checker (tests/checker/formats_apart.jsonl): 120 final answers
in the styles models write (reasoning tags, display maths, intervals, choices, other languages, plain
text), labelled by a reader who had not seen the checker's code. Development material since it was first
run (13 disagreements then, 6 now): no wrong answer may be accepted, and agreement must not fall."""

import json
import pathlib

from eval.checker import verify_batch

ROWS = [json.loads(line) for line in (pathlib.Path(__file__).parent / "formats_apart.jsonl").read_text().splitlines()]


def test_no_wrong_answer_is_accepted_and_agreement_holds():
    verdicts = verify_batch([r["gold"] for r in ROWS], [r["prediction"] for r in ROWS])
    accepted_wrong = [r["prediction"][-80:] for r, v in zip(ROWS, verdicts, strict=True) if v and not r["expected"]]
    assert accepted_wrong == []
    agree = sum(bool(v) == r["expected"] for r, v in zip(ROWS, verdicts, strict=True))
    assert len(ROWS) == 120 and agree >= 114, f"{agree}/120 agree"


SECOND = pathlib.Path(__file__).parent / "formats_apart2.jsonl"


def test_the_second_formats_sample_is_frozen():
    """formats_apart2.jsonl: 160 answers in the formats models write (reasoning tags, GSM8K, markdown,
    display maths, choices, eight other languages' labels, chat-template debris, hedges and truncation;
    72 must-be-False, most of them near misses), written and labelled by a reader who had not seen the
    checker's code, frozen before it was scored. Scored once at commit 972a12b (the checker of cee6d2d):
    0.944 (151/160), no false positive, 9 false negatives; Math-Verify 0.769 with 8. Development
    material since."""
    import hashlib

    assert hashlib.sha256(SECOND.read_bytes()).hexdigest() == (
        "71be4a97f7890209c4c61bc289fd256395083fc2bff7dbdebe7432403a6d7a5d")
    rows = [json.loads(line) for line in SECOND.read_text().splitlines()]
    assert len(rows) == 160 and sum(not r["expected"] for r in rows) == 72


THIRD = pathlib.Path(__file__).parent / "formats_apart3.jsonl"


def test_the_third_formats_sample_is_frozen():
    """formats_apart3.jsonl: 200 whole responses in 21 kinds (reasoning tags, long solutions, multi-part,
    intervals, choices, AIME leading zeros, six other languages, retractions, hedges, truncation; 90
    must-be-False, most of them near misses), written and labelled by a reader who had not seen the
    checker's code or its tests, frozen before it was scored (scored once: see the README)."""
    import hashlib

    assert hashlib.sha256(THIRD.read_bytes()).hexdigest() == (
        "33638fa363f2022b5e5005e7875e12c18e0a77cf53f8bf9114bfc5335d8b9915")
    rows = [json.loads(line) for line in THIRD.read_text().splitlines()]
    assert len(rows) == 200 and sum(not r["expected"] for r in rows) == 90


FOURTH = pathlib.Path(__file__).parent / "formats_apart4.jsonl"


def test_the_fourth_formats_sample_is_frozen():
    """formats_apart4.jsonl: 200 whole responses in 32 kinds, in the styles of today's models (R1 and QwQ
    thinking, Qwen-Math boxes, Llama and Minerva final lines, GPT-4o markdown, program-of-thought output,
    seven other languages, chat-template debris, truncation, changes of mind, hedges; 100 must-be-False,
    most of them near misses), written and labelled by a reader who had not seen the checker's code, its
    tests or the earlier sets, frozen before it was scored (scored once: see the README)."""
    import hashlib

    assert hashlib.sha256(FOURTH.read_bytes()).hexdigest() == (
        "23a85dd7ca28a5cfe70a42cb2c38c4082c3f9e59c37eff84ae873ed3d4f547c7")
    rows = [json.loads(line) for line in FOURTH.read_text().splitlines()]
    assert len(rows) == 200 and sum(not r["expected"] for r in rows) == 100
