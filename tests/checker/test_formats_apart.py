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
