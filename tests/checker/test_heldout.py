"""The checker against the held-out corpus (tests/checker/heldout.jsonl), one test per case.

The corpus was written from how real model responses look (MATH, AIME, AMC, GSM8K: chain of thought
ending in ``\\boxed{}``, "The answer is ...", Minerva's "Final Answer: ...", markdown bold, ``#### 72``)
without looking at the checker's own table, so these rows are regression tests for generalization.
Each row's ``expected`` is what a careful human grader says; rows marked ``adversarial`` must never be
correct and must come back within the time limit plus a margin.
"""

import json
import pathlib
import re
import time

import pytest

from eval.checker import verify, verify_batch, warmup

CORPUS = pathlib.Path(__file__).parent / "heldout.jsonl"
ROWS = [json.loads(line) for line in CORPUS.read_text().splitlines() if line.strip()]
TIMEOUT = 2.0
MARGIN = 3.0  # seconds on top of the timeout: process kill, pipe close, a loaded 2-core CI box
MEGABYTE = 1_000_000


@pytest.fixture(scope="module", autouse=True)
def _warm_workers():
    warmup(2)


def _case_id(i: int, row: dict) -> str:
    return f"{i:03d}-" + re.sub(r"[^A-Za-z0-9]+", "_", row["note"]).strip("_")[:40]


def test_corpus_is_large_balanced_and_well_formed():
    """At least 250 rows, at least 40% must-be-False, every row has a note and a boolean expectation."""
    assert len(ROWS) >= 250
    n_false = sum(1 for r in ROWS if r["expected"] is False)
    assert n_false >= 0.4 * len(ROWS)
    for r in ROWS:
        assert isinstance(r["gold"], str) and isinstance(r["prediction"], str) and r["note"]
        assert isinstance(r["expected"], bool)
        assert not r.get("adversarial") or r["expected"] is False
    assert sum(1 for r in ROWS if r.get("choices")) >= 20  # multiple choice is covered
    assert sum(1 for r in ROWS if r.get("adversarial")) >= 20


@pytest.mark.parametrize("row", ROWS, ids=[_case_id(i, r) for i, r in enumerate(ROWS)])
def test_heldout_case(row):
    start = time.monotonic()
    verdict = verify(row["gold"], row["prediction"], choices=row.get("choices"), timeout=TIMEOUT)
    elapsed = time.monotonic() - start
    assert bool(verdict) is row["expected"], (row["note"], verdict)
    if row.get("adversarial"):
        assert elapsed < TIMEOUT + MARGIN, (elapsed, verdict)
    else:
        assert verdict.status != "timeout", verdict


def test_verify_batch_agrees_with_verify_on_the_corpus():
    """The pooled path gives the same judgement as the in-process one on every plain row."""
    rows = [r for r in ROWS if not r.get("adversarial")]
    verdicts = verify_batch(
        [r["gold"] for r in rows], [r["prediction"] for r in rows], choices=[r.get("choices") for r in rows]
    )
    wrong = [(r["note"], v) for r, v in zip(rows, verdicts, strict=True) if bool(v) is not r["expected"]]
    assert wrong == []


def _megabyte_inputs() -> list[tuple[str, str]]:
    """(gold, prediction) pairs of about 1 MB each, none of which answers its gold."""
    prose = "We consider the case where n is even and count again. " * (MEGABYTE // 55)
    return [
        ("5", prose + "The answer is 7."),
        ("5", prose + r"Therefore the answer is $\boxed{" + "9" * MEGABYTE + "}$."),
        ("5", r"\boxed{" + "1+" * (MEGABYTE // 2) + "1}"),
        ("5", r"\boxed{" + r"\frac{1}{" * (MEGABYTE // 9) + "1" + "}" * (MEGABYTE // 9) + "}"),
        ("5", r"\boxed{" + "x^{" * (MEGABYTE // 3) + "2" + "}" * (MEGABYTE // 3) + "}"),
        ("5", "#### " + "1" * MEGABYTE),
        ("5", "$" + "(" * (MEGABYTE // 2) + "5" + ")" * (MEGABYTE // 2 - 1) + "$"),
        ("5", "\\boxed{5" + " \\text{ or } 4" * (MEGABYTE // 14) + "}"),
        ("5", "The answer is " + "\\sqrt{" * (MEGABYTE // 7) + "25" + "}" * (MEGABYTE // 7)),
        ("(1, 2)", "\\boxed{(" + "1, " * (MEGABYTE // 3) + "2)}"),
    ]


@pytest.mark.parametrize(
    ("gold", "prediction"),
    _megabyte_inputs(),
    ids=["prose", "boxed-digits", "long-sum", "deep-frac", "power-tower", "hashes", "parens", "hedge-list",
         "deep-sqrt", "long-tuple"],
)
def test_megabyte_inputs_are_never_correct_and_return_in_time(gold, prediction):
    assert len(prediction) >= MEGABYTE * 0.9
    start = time.monotonic()
    verdict = verify(gold, prediction, timeout=TIMEOUT)
    elapsed = time.monotonic() - start
    assert elapsed < TIMEOUT + MARGIN, (elapsed, verdict)
    assert verdict.status in {"incorrect", "unparseable_pred", "timeout"}, verdict
