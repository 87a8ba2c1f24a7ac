"""Adaptive GRPO with real TRL trainers, the real checker and the real engine on the tiny policy."""

import json
import random
from collections import Counter

import numpy as np
import pytest
from datasets import Dataset
from trl import GRPOConfig

from rl.callbacks import SelectionCallback
from rl.grpo import AdaptiveGRPOTrainer, AdaptiveRepeatSampler, AdaptiveRLOOTrainer
from rl.reporting import Selection
from rl.rewards import correctness_reward, format_reward
from rl.tiny import WarmStartConfig, build_tiny_policy, format_prompt, sample_completions, warm_start
from sai_dpo import SelectionConfig, SelectionEngine

G = 4  # num_generations
B = 2  # unique prompts per round


def _arith_pool(n_per_cell=12, seed=0):
    """Two skills x two levels of short sums/products, in the pool record schema."""
    rng = random.Random(seed)
    rows = []
    for skill, op in (("add", "+"), ("mul", "*")):
        for level in (1, 2):
            for _ in range(n_per_cell):
                a, b = rng.randint(0, 9), rng.randint(0, 9 if level == 1 else 19)
                value = a + b if op == "+" else a * b
                rows.append({"id": f"{skill}-{level}-{len(rows)}", "problem": f"What is {a} {op} {b}?",
                             "answer": str(value), "skill": skill, "level": level, "source": "test",
                             "choices": None})
    return Dataset.from_list(rows)


@pytest.fixture(scope="module")
def pool():
    return _arith_pool()


@pytest.fixture(scope="module")
def policy_dir(pool, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny")
    texts = [f"{p} {a}" for p, a in zip(pool["problem"], pool["answer"], strict=True)]
    build_tiny_policy(texts, out, seed=0)
    examples = [(format_prompt(p), a) for p, a in zip(pool["problem"], pool["answer"], strict=True)]
    warm_start(out, examples, config=WarmStartConfig(steps=150, progress=False))
    return out


def _dataset(pool):
    return pool.map(lambda r: {"prompt": format_prompt(r["problem"]), "problem_id": r["id"]})


def _args(tmp_path, steps, **kw):
    return GRPOConfig(output_dir=str(tmp_path / "trainer"), use_cpu=True, bf16=False, report_to="none",
                      save_strategy="no", max_steps=steps, logging_steps=1, num_generations=G,
                      per_device_train_batch_size=B * G, gradient_accumulation_steps=1,
                      max_completion_length=4, learning_rate=1e-3, disable_tqdm=True, seed=0, **kw)


class SpyEngine(SelectionEngine):
    """The real engine, recording what it is asked to report."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.reports = []

    def report(self, indices, rewards, round, n_tokens=None, n_steps=None):
        self.reports.append((np.asarray(indices).copy(), np.asarray(rewards).copy(), round, n_tokens, n_steps))
        return super().report(indices, rewards, round, n_tokens=n_tokens, n_steps=n_steps)


def test_grpo_run_reports_one_outcome_per_completion(pool, policy_dir, tmp_path):
    """6 steps, B=2 prompts x G=4 generations per round, steps_per_generation=1: 6 rounds scored,
    4*2 = 8 outcomes each, 48 in all; the sampler draws 7 rounds (it reads one batch ahead)."""
    engine = SpyEngine(pool["skill"], pool["level"], SelectionConfig(group_size=G, seed=0))
    selection = Selection.from_engine(engine, pool, group_size=G)
    ids = list(pool["id"])
    callback = SelectionCallback(selection, run_dir=tmp_path / "run", run_info={"policy": "sai_dpo"})
    trainer = AdaptiveGRPOTrainer(model=str(policy_dir), reward_funcs=[correctness_reward(selection), format_reward()],
                                  args=_args(tmp_path, 6), train_dataset=_dataset(pool), callbacks=[callback])
    trainer.train()

    assert trainer.selection is selection  # found through the reward function
    assert isinstance(trainer.adaptive_sampler, AdaptiveRepeatSampler)
    assert len(engine.reports) == 6
    assert sum(len(r[0]) for r in engine.reports) == 6 * B * G == selection.n_reported
    for idx, rewards, round_, n_tokens, n_steps in engine.reports:
        drawn = selection.round_log.ids(round_)
        assert Counter(ids[i] for i in idx) == Counter({pid: G for pid in drawn})
        assert set(np.unique(rewards)) <= {0.0, 1.0}
        assert len(n_tokens) == len(n_steps) == B * G and min(n_steps) >= 0
    assert [r[2] for r in engine.reports] == list(range(6))
    assert selection.round_log.rounds() == list(range(7))

    records = [json.loads(line) for line in (tmp_path / "run" / "rounds.jsonl").read_text().splitlines()]
    assert [r["round"] for r in records] == list(range(6))
    for rec in records:
        assert rec["n_outcomes"] == B * G
        assert abs(sum(rec["draw_share"].values()) - 1) < 1e-9
        assert sum(rec["status_counts"].values()) == B * G
        assert 0 <= rec["informative_share"] <= 1
        assert set(rec["skill_accuracy"]) == {"add", "mul"}
        assert rec["uniform_informative_share"] is None  # no estimate from the run's own biased evidence
    run = json.loads((tmp_path / "run" / "run.json").read_text())
    assert run["n_reported"] == 48 and "end_time" in run
    logged = [h for h in trainer.state.log_history if "selection/acc/add" in h]
    assert logged and "selection/draw_entropy" in logged[-1]


def test_draws_shift_toward_the_skill_that_fails(pool):
    """Report through the real reward function and checker: `add` always answered right, `mul` right
    half the time. Uniform draws would give mul half of the rounds; SAI-DPO should favour it, and the
    mirror run should favour `add`."""
    def mul_share_after(failing):
        engine = SelectionEngine.from_pool(pool, SelectionConfig(group_size=G, seed=1))
        selection = Selection.from_engine(engine, pool, group_size=G)
        reward = correctness_reward(selection)
        ds = _dataset(pool)
        sampler = AdaptiveRepeatSampler(ds, selection.source, mini_repeat_count=G, batch_size=8, repeat_count=1,
                                        rounds=40, round_log=selection.round_log)
        it = iter(sampler)
        shares = []
        for _ in range(40):
            rows = [next(it) for _ in range(8 * G)]
            batch = ds.select(rows)
            completions = [f" {a}" if (s != failing or k % 2) else " -1"
                           for k, (a, s) in enumerate(zip(batch["answer"], batch["skill"], strict=True))]
            reward(prompts=batch["prompt"], completions=completions, problem_id=batch["problem_id"],
                   answer=batch["answer"], choices=batch["choices"])
            shares.append(np.mean([s == "mul" for s in batch["skill"][::G]]))
        return float(np.mean(shares[10:]))

    assert mul_share_after("mul") > 0.65
    assert mul_share_after("add") < 0.35


def test_rloo_trainer_uses_the_adaptive_sampler(pool, policy_dir, tmp_path):
    from trl import RLOOConfig

    engine = SpyEngine(pool["skill"], pool["level"], SelectionConfig(group_size=G, seed=0))
    selection = Selection.from_engine(engine, pool, group_size=G)
    args = RLOOConfig(output_dir=str(tmp_path / "rloo"), use_cpu=True, bf16=False, report_to="none",
                      save_strategy="no", max_steps=2, logging_steps=1, num_generations=G,
                      per_device_train_batch_size=B * G, max_completion_length=4, disable_tqdm=True)
    trainer = AdaptiveRLOOTrainer(model=str(policy_dir), reward_funcs=correctness_reward(selection), args=args,
                                  train_dataset=_dataset(pool), selection=selection)
    trainer.train()
    assert isinstance(trainer.adaptive_sampler, AdaptiveRepeatSampler)
    assert sum(len(r[0]) for r in engine.reports) == 2 * B * G


def test_warm_started_policy_solves_some_easy_problems_not_all(policy_dir):
    """The warm-start must leave GRPO something to learn: a pass rate strictly between 0 and 1 on
    one-digit sums, and below it on the larger products."""
    rng = random.Random(5)
    easy = [(rng.randint(0, 9), rng.randint(0, 9)) for _ in range(24)]
    hard = [(rng.randint(2, 9), rng.randint(10, 19)) for _ in range(24)]

    def pass_rate(pairs, op):
        prompts = [format_prompt(f"What is {a} {op} {b}?") for a, b in pairs]
        outs = sample_completions(policy_dir, prompts, k=4, max_new_tokens=4, seed=0)
        gold = [str(a + b if op == "+" else a * b) for a, b in pairs]
        return np.mean([o.strip() == g for os_, g in zip(outs, gold, strict=True) for o in os_])

    easy_rate, hard_rate = pass_rate(easy, "+"), pass_rate(hard, "*")
    assert 0.0 < easy_rate < 1.0
    assert hard_rate < easy_rate


def test_demo_runs_end_to_end_and_writes_a_report(tmp_path, capsys):
    """`sai-dpo demo` in miniature (in-process engine): 3 steps -> 3 scored rounds, report files."""
    from sai_dpo.cli import main

    out = tmp_path / "demo"
    rc = main(["demo", "--steps", "3", "--pool-size", "60", "--out", str(out), "--warm-start-steps", "5",
               "--backend", "engine", "--no-progress"])
    assert rc == 0
    records = [json.loads(line) for line in (out / "rounds.jsonl").read_text().splitlines()]
    assert [r["round"] for r in records] == [0, 1, 2]
    assert all(r["n_outcomes"] == 32 for r in records)  # 4 prompts x 8 generations
    printed = capsys.readouterr().out
    # The engine was asked for: no note that the service was unavailable.
    assert "backend: engine" in printed and "not available" not in printed and "report:" in printed
    html_path = printed.split("report:")[1].split()[0]
    assert html_path.endswith(".html") and "<html" in open(html_path).read().lower()
    run = json.loads((out / "run.json").read_text())
    assert run["backend"] == "engine" and run["policy"] == "sai_dpo" and run["pool_size"] == 60


def test_demo_config_rejects_bad_values():
    from rl.demo import DemoConfig

    with pytest.raises(ValueError, match="'policy' parameter of DemoConfig"):
        DemoConfig(policy="best")
    with pytest.raises(ValueError, match="'num_generations' parameter of DemoConfig"):
        DemoConfig(num_generations=1)
    with pytest.raises(ValueError, match="'steps' parameter of DemoConfig must be a positive int"):
        DemoConfig(steps=True)
