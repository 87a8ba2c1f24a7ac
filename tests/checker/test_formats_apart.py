"""Answer formats written apart from the checker (tests/checker/formats_apart.jsonl): 120 final answers
in the styles models write (reasoning tags, display maths, intervals, choices, other languages, plain
text), labelled by a reader who had not seen the checker's code. Development material since it was first
run (13 disagreements then, 6 now): no wrong answer may be accepted, and agreement must not fall."""

import json
import pathlib

import pytest

from eval.checker import verify_batch

ROWS = [json.loads(line) for line in (pathlib.Path(__file__).parent / "formats_apart.jsonl").read_text().splitlines()]


def test_no_wrong_answer_is_accepted_and_agreement_holds():
    verdicts = verify_batch([r["gold"] for r in ROWS], [r["prediction"] for r in ROWS])
    accepted_wrong = [r["prediction"][-80:] for r, v in zip(ROWS, verdicts, strict=True) if v and not r["expected"]]
    assert accepted_wrong == []
    agree = sum(bool(v) == r["expected"] for r, v in zip(ROWS, verdicts, strict=True))
    assert len(ROWS) == 120 and agree >= 114, f"{agree}/120 agree"


# The later samples, each written and labelled by a reader who had not seen the checker's code, frozen
# (SHA-256 pinned here) before it was scored, and development material since:
# - formats_apart2.jsonl: 160 answers in the formats models write (reasoning tags, GSM8K, markdown, display
#   maths, choices, eight other languages' labels, chat-template debris, hedges and truncation; 72
#   must-be-False, most of them near misses). Scored once at commit 972a12b (the checker of cee6d2d):
#   0.944 (151/160), no false positive, 9 false negatives; Math-Verify 0.769 with 8.
# - formats_apart3.jsonl: 200 whole responses in 21 kinds (reasoning tags, long solutions, multi-part,
#   intervals, choices, AIME leading zeros, six other languages, retractions, hedges, truncation; 90
#   must-be-False), by a reader who had not seen the tests either (scored once: see the README).
# - formats_apart4.jsonl: 200 whole responses in 32 kinds, in the styles of today's models (R1 and QwQ
#   thinking, Qwen-Math boxes, Llama and Minerva final lines, GPT-4o markdown, program-of-thought output,
#   seven other languages, chat-template debris, truncation, changes of mind, hedges; 100 must-be-False),
#   by a reader who had not seen the tests or the earlier sets either (scored once: see the README).
# - formats_apart5.jsonl: 200 whole responses in 21 kinds, as policy models write them during RL training
#   (GSM8K hashes, AIME integers, AMC letters and values, empty or broken boxes, repetition loops, chat-
#   template leftovers, code and printed output, unicode maths, mixed languages, several boxes, answers
#   that go on and change; 100 must-be-False, most of them near misses), by a reader who had seen neither
#   the checker's code, its tests nor the earlier sets (scored once: see the README).
FROZEN = [
    ("formats_apart2.jsonl", "71be4a97f7890209c4c61bc289fd256395083fc2bff7dbdebe7432403a6d7a5d", 160, 72),
    ("formats_apart3.jsonl", "33638fa363f2022b5e5005e7875e12c18e0a77cf53f8bf9114bfc5335d8b9915", 200, 90),
    ("formats_apart4.jsonl", "23a85dd7ca28a5cfe70a42cb2c38c4082c3f9e59c37eff84ae873ed3d4f547c7", 200, 100),
    ("formats_apart5.jsonl", "80ee2bd7f75463418c9ef72ce24d866e551e77ae9d7d87dd9eec50e4e3093b5e", 200, 100),
]


@pytest.mark.parametrize("name,sha256,n_rows,must_be_false", FROZEN, ids=[f[0] for f in FROZEN])
def test_a_later_formats_sample_is_frozen(name, sha256, n_rows, must_be_false):
    import hashlib

    path = pathlib.Path(__file__).parent / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == n_rows and sum(not r["expected"] for r in rows) == must_be_false
