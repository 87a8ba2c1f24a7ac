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


def write_run(run_dir: Path) -> None:
    """Three rounds; skill add 0.2 -> 0.5 -> 0.8, mul 0.1 -> 0.1 -> 0.3; cells add|1, add|2, mul|1."""
    rounds = [
        {"round": 0, "n_outcomes": 16, "skill_accuracy": {"add": 0.2, "mul": 0.1},
         "draw_share": {"add|1": 0.5, "mul|1": 0.5}, "informative_share": 0.25,
         "uniform_informative_share": 0.2, "status_counts": {"correct": 3, "incorrect": 13}},
        {"round": 1, "n_outcomes": 16, "skill_accuracy": {"add": 0.5, "mul": 0.1},
         "draw_share": {"add|1": 0.25, "add|2": 0.25, "mul|1": 0.5}, "informative_share": 0.5,
         "uniform_informative_share": 0.25, "status_counts": {"correct": 6, "incorrect": 9, "timeout": 1}},
        {"round": 2, "n_outcomes": 16, "skill_accuracy": {"add": 0.8, "mul": 0.3},
         "draw_share": {"add|2": 0.5, "mul|1": 0.5}, "informative_share": 0.75,
         "uniform_informative_share": None, "status_counts": {"correct": 10, "incorrect": 6}},
    ]
    run_dir.mkdir(parents=True, exist_ok=True)
    # Written out of order: the report sorts by round.
    (run_dir / "rounds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in [rounds[2], rounds[0], rounds[1]]))
    (run_dir / "run.json").write_text(json.dumps({"policy": "sai_dpo", "pool_size": 100}))


def write_grpo_run(run_dir: Path, n_rounds: int = 40, trainer_log: bool = True) -> None:
    """A GRPO-style run: skill "add" drawn at accuracy 0.25 in even rounds and 0.75 in odd ones, the
    tracker's estimate starting at its prior 0.5; informative share alternating 0 and 1; a trainer log
    with an entry every 10 steps (reward 0.5 + step/100, loss 0.01)."""
    rounds = [{"round": t, "n_outcomes": 8, "skill_accuracy": {"add": 0.5 if t == 0 else 0.6},
               "round_skill_accuracy": {"add": 0.25 if t % 2 == 0 else 0.75},
               "draw_share": {"add|1": 0.5, "add|2": 0.5} if t < n_rounds // 2 else {"add|2": 1.0},
               "informative_share": float(t % 2), "uniform_informative_share": None,
               "status_counts": {"correct": 4, "incorrect": 4}} for t in range(n_rounds)]
    run_dir.mkdir(parents=True, exist_ok=True)
    (run_dir / "rounds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rounds))
    (run_dir / "run.json").write_text(json.dumps({"policy": "sai_dpo", "heldout_before": {"greedy": 0.5, "pass1": 0.4,
                                                                                        "n_problems": 20},
                                                  "heldout_after": {"greedy": 0.7, "pass1": 0.6, "n_problems": 20}}))
    if trainer_log:
        entries = [{"step": s, "reward": 0.5 + s / 100, "loss": 0.01, "reward_std": 0.4} for s in (10, 20, 30, 40)]
        entries.append({"step": 40, "train_runtime": 3.0, "train_loss": 0.01})  # the end-of-training summary
        (run_dir / "trainer_log.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))


def write_dpo_run(run_dir: Path, n_iterations: int = 3) -> None:
    """A DPO run folder as rl/_dpo_run.py lays it out: iteration t has 4 + 2t pairs of 64 samples
    (yield (4 + 2t) / 64), DPO loss 0.69 - 0.01t, reward margin 0.1t, probe accuracy of "add" 0.1t."""
    run_dir.mkdir(parents=True, exist_ok=True)
    records = []
    for t in range(n_iterations):
        record = {"round": t, "n_outcomes": 64, "skill_accuracy": {"add": 0.2 + 0.1 * t},
                  "draw_share": {"add|1": 0.5, "add|2": 0.5}, "informative_share": 0.5,
                  "uniform_informative_share": 0.25, "status_counts": {"correct": 20, "incorrect": 44}}
        summary = {"iteration": t, "n_pairs": 4 + 2 * t, "pair_yield": (4 + 2 * t) / 64, "n_problems_paired": 2 + t,
                   "probe_accuracy_by_skill": {"add": {"accuracy": 0.1 * t, "n": 32}},
                   "selected_accuracy_by_skill": {"add": {"accuracy": 0.5, "n": 32}},
                   "train": {"steps": 1 + t, "train_loss": 0.69 - 0.01 * t, "reward_margin": 0.1 * t,
                             "reward_accuracy": 0.5}, "round_record": record}
        it = run_dir / f"iter_{t:03d}"
        it.mkdir()
        (it / "summary.json").write_text(json.dumps(summary))
        (it / "DONE").write_text("done\n")
        records.append(record)
    (run_dir / "rounds.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (run_dir / "run.json").write_text(json.dumps({"config": {"loss_type": ["sigmoid"], "k": 8}, "policy": "sai_dpo"}))


def problems_from_spec(spec: dict[str, list[int]], n: int = 8, tokens=None) -> list:
    """Scored problems: spec is skill -> correct count per problem; correct samples answer "1", wrong
    ones 9, 10, ... (all different); levels 1-3 in turn; ``tokens`` per sample (default 10, 15, ...)."""
    from eval.metrics import ProblemSamples

    lengths = tuple(tokens) if tokens is not None else tuple(10 + 5 * j for j in range(n))
    out = []
    for skill, counts in spec.items():
        for i, c in enumerate(counts):
            statuses = ("correct",) * c + ("incorrect",) * (n - c)
            answers = ("1",) * c + tuple(f"{9 + j}" for j in range(n - c))
            out.append(ProblemSamples(f"{skill}{i}", skill, 1 + i % 3, statuses, answers, lengths, (2,) * n))
    return out
