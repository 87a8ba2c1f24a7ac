"""A small eval set and generations file whose metrics are derived by hand in test_runner.py."""

from __future__ import annotations

import json
from pathlib import Path

CHOICES = ["10", "12", "14", "16", "18"]

EVAL_SET = [
    {"id": "p1", "problem": "Half of one?", "answer": "1/2", "skill": "A", "level": 1, "source": "t", "choices": None},
    {"id": "p2", "problem": "3 + 4?", "answer": "7", "skill": "A", "level": 2, "source": "t", "choices": None},
    {"id": "p3", "problem": "Which is 12?", "answer": "B", "skill": "B", "level": 1, "source": "t", "choices": CHOICES},
    {"id": "p4", "problem": "5 + 5?", "answer": "10", "skill": "B", "level": 2, "source": "t", "choices": None},
    {"id": "p5", "problem": "1 + 1?", "answer": "2", "skill": "B", "level": 2, "source": "t", "choices": None},
]

# p1: correct, correct, wrong (3), unparseable        -> C C I U
# p2: 7, 8, 8, 7.0                                     -> C I I C   (maj@4: 2-2 tie -> 1/2)
# p3: B, 12 (= choice B), C, D                         -> C C I I
# p4: 9, 9, 11, 12                                     -> I I I I
# p5: no generations (missing); "zzz" unknown id; p1 sample 0 given twice (duplicate)
COMPLETIONS = {
    "p1": ["so \\boxed{0.5}", "we get \\boxed{\\frac{1}{2}}", "\\boxed{3}", "no answer here"],
    "p2": ["\\boxed{7}", "\\boxed{8}", "the answer is \\boxed{8}", "\\boxed{7.0}"],
    "p3": ["\\boxed{B}", "\\boxed{12}", "\\boxed{C}", "\\boxed{D}"],
    "p4": ["\\boxed{9}", "\\boxed{9}", "\\boxed{11}", "\\boxed{12}"],
}


def write_eval_set(path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in EVAL_SET), encoding="utf-8")
    return path


def generation_rows() -> list[dict]:
    rows = [
        {"problem_id": pid, "sample": j, "completion": text}
        for pid, texts in COMPLETIONS.items()
        for j, text in enumerate(texts)
    ]
    rows.append({"problem_id": "p1", "sample": 0, "completion": "\\boxed{99}"})  # duplicate (p1, 0)
    rows.append({"problem_id": "zzz", "sample": 0, "completion": "\\boxed{1}"})  # unknown id
    return rows


def write_generations(path: Path) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in generation_rows()), encoding="utf-8")
    return path
