"""The hand-labelled real-output corpus (tests/checker/real): well formed, frozen, split as documented.

These tests check the data, not the checker: the checker is measured on the development split by
``python -m eval.bench.checker --cases tests/checker/real/champ_dev.jsonl``, and the held-out split is
scored once, at the end of the work it measures (README in that folder).
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import re
from collections import Counter

import pytest

from data.champ import RESERVED_PROMPTS as RESERVED
from eval.bench.champ_corpus import LABELS

REAL = pathlib.Path(__file__).parent / "real"
FIELDS = {"id", "row", "problem_id", "category", "model", "prompt", "problem", "gold", "response", "label", "note"}


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (REAL / name).read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def splits():
    return {"dev": _rows("champ_dev.jsonl"), "heldout": _rows("champ_heldout.jsonl"),
            "heldout2": _rows("champ_heldout2.jsonl"), "heldout3": _rows("champ_heldout3.jsonl")}


def test_files_match_their_frozen_digests():
    """A changed row changes a digest: relabelling is a deliberate, reviewed edit of FROZEN.json too."""
    frozen = json.loads((REAL / "FROZEN.json").read_text())
    for name, digest in frozen["sha256"].items():
        assert hashlib.sha256((REAL / name).read_bytes()).hexdigest() == digest, name


def test_rows_are_well_formed_and_labelled(splits):
    for part in splits.values():
        for row in part:
            assert set(row) == FIELDS
            assert row["label"] in LABELS and row["gold"].strip() and row["response"].strip()
    ids = [r["id"] for part in splits.values() for r in part]
    assert len(ids) == len(set(ids)) >= 600


def test_reserved_prompt_styles_are_never_used(splits):
    assert not {r["prompt"] for part in splits.values() for r in part} & RESERVED


def test_the_second_held_out_sample_is_new_responses_of_held_out_problems(splits):
    """Drawn after the first held-out split was scored: no response labelled before, no development
    problem, every (model, category) cell alike (README in tests/checker/real)."""
    old = {(r["problem_id"], r["model"], r["prompt"]) for name in ("dev", "heldout") for r in splits[name]}
    new = splits["heldout2"]
    assert not old & {(r["problem_id"], r["model"], r["prompt"]) for r in new}
    assert {r["problem_id"] for r in new} <= {r["problem_id"] for r in splits["heldout"]}
    cells = Counter((r["model"], r["category"]) for r in new)
    assert len(new) == 240 and len(cells) == 20 and set(cells.values()) == {12}


def test_the_third_held_out_sample_is_responses_never_labelled_before(splits):
    """Drawn after the second held-out sample was scored: no response labelled before (any problem),
    every (model, category) cell alike (README in tests/checker/real)."""
    old = {(r["problem_id"], r["model"], r["prompt"]) for name in ("dev", "heldout", "heldout2") for r in splits[name]}
    new = splits["heldout3"]
    assert not old & {(r["problem_id"], r["model"], r["prompt"]) for r in new}
    cells = Counter((r["model"], r["category"]) for r in new)
    assert len(new) == 240 and len(cells) == 20 and set(cells.values()) == {12}


def test_splits_share_no_problem_and_are_large_enough(splits):
    """Whole problems go to one split: no gold answer seen while developing is scored again held out."""
    dev_problems = {r["problem_id"] for r in splits["dev"]}
    assert not dev_problems & {r["problem_id"] for r in splits["heldout"]}
    held = Counter(r["model"] for r in splits["heldout"])
    assert len(splits["heldout"]) >= 200 and len(held) == 4 and min(held.values()) >= 40
    first = [r for name in ("dev", "heldout") for r in splits[name]]
    both = Counter(r["model"] for r in first)
    assert len(both) == 4 and len(set(both.values())) == 1
    cats = Counter(r["category"] for r in first)
    assert len(cats) == 5 and len(set(cats.values())) == 1
    labels = Counter(r["label"] for r in first)
    assert labels["correct"] >= 100 and labels["incorrect"] >= 100  # both kinds well represented
    assert labels["ambiguous"] <= 0.05 * sum(labels.values())


PEERS = pathlib.Path(__file__).parent / "peers"
PEER_FIELDS = {"peer", "gold", "prediction", "expected", "source", "kind", "note", "dispute"}


def test_peer_suites_match_their_frozen_digests_and_are_well_formed():
    """The peers' expectations (tests/checker/peers) are data frozen before the checker work: a changed
    row changes a digest; every row names its peer and source and has a boolean expectation."""
    frozen = json.loads((PEERS / "FROZEN.json").read_text())
    assert set(frozen["sha256"]) == {"peers_dev.jsonl", "peers_heldout.jsonl", "peers_heldout2.jsonl",
                                     "peers_heldout3.jsonl", "peers_heldout4.jsonl",
                                     "peers_heldout5.jsonl", "peers_heldout6.jsonl"}
    seen = set()
    for name, digest in frozen["sha256"].items():
        data = (PEERS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, name
        for line in data.decode("utf-8").splitlines():
            row = json.loads(line)
            assert PEER_FIELDS <= set(row) <= PEER_FIELDS | {"choices"}
            assert isinstance(row["expected"], bool) and re.match(r"^[\w.-]+/[\w.-]+@[0-9a-f]{7}", row["source"])
            key = (row["peer"], row["source"], row["gold"], row["prediction"], row["expected"])
            assert key not in seen  # a row is in one split only, once
            seen.add(key)
    assert len(seen) >= 1400
