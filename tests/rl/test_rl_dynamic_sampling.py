"""DAPO dynamic sampling and rollout counting on TRL's GRPOTrainer (rl.dynamic_sampling).

The trainers run for real on the tiny policy with the real engine, selection and checker. To know in
advance which groups are mixed, a scripted reward function (weight 1) decides each group: a mixed group
gets rewards [1, 0, 0, 0], an all-same group [0, 0, 0, 0]; the correctness reward runs beside it with
weight 0, so it reports every completion to the selection without moving the advantages.
"""

import pytest
import torch
from transformers import AutoTokenizer
from trl import GRPOConfig

from data import build_pool
from rl.demo import grpo_dataset
from rl.dynamic_sampling import CountingGRPOTrainer, DynamicSamplingGRPOTrainer, _concat, _select_groups
from rl.reporting import Selection
from rl.rewards import correctness_reward
from rl.tiny import build_tiny_policy
from sai_dpo import SelectionConfig, SelectionEngine
from sai_dpo.errors import InvalidInputError

G = 4  # num_generations
B = 2  # groups kept per step
OVERSAMPLE = 3
PAD = 0


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def pool():
    return build_pool(48, seed=0, kind="digits", levels=[1, 2])


@pytest.fixture(scope="module")
def policy_dir(pool, tmp_path_factory):
    out = tmp_path_factory.mktemp("tiny-ds")
    build_tiny_policy([f"{p} {a}" for p, a in zip(pool["problem"], pool["answer"], strict=True)], out, seed=0)
    return out


class ScriptedReward:
    """Reward call k (one call per generated chunk) makes group j mixed iff ``script[k][j]``."""

    __name__ = "scripted"

    def __init__(self, script):
        self.script = [list(s) for s in script]
        self.calls = []  # problem ids of each call, in order

    def __call__(self, prompts=None, completions=(), problem_id=None, **kwargs):
        ids = [str(i) for i in problem_id]
        assert len(ids) % G == 0
        groups = [ids[i:i + G] for i in range(0, len(ids), G)]
        assert all(len(set(gr)) == 1 for gr in groups)  # a group is G completions of one prompt
        pattern = self.script[len(self.calls)]
        assert len(pattern) == len(groups)
        self.calls.append([gr[0] for gr in groups])
        return [float(mixed and k == 0) for mixed in pattern for k in range(G)]


def _selection(pool):
    engine = SelectionEngine.from_pool(pool, SelectionConfig(policy="uniform", group_size=G, seed=0))
    return Selection.from_engine(engine, pool, group_size=G)


def _args(tmp_path, steps, batch):
    return GRPOConfig(output_dir=str(tmp_path / "trainer"), use_cpu=True, bf16=False, report_to="none",
                      save_strategy="no", max_steps=steps, logging_steps=1, num_generations=G,
                      per_device_train_batch_size=batch, gradient_accumulation_steps=1, max_completion_length=3,
                      learning_rate=1e-3, disable_tqdm=True, seed=0, reward_weights=[0.0, 1.0])


def _spy(cls):
    """``cls`` that records each chunk generated (``_generate_counted``) and each training batch returned."""

    class Spy(cls):
        def __init__(self, *a, **kw):
            self.chunks, self.batches = [], []
            super().__init__(*a, **kw)

        def _generate_counted(self, inputs):
            out, mixed = super()._generate_counted(inputs)
            self.chunks.append((out, mixed.clone()))
            return out, mixed

        def _generate_and_score_completions(self, inputs):
            out = super()._generate_and_score_completions(inputs)
            if self.model.training:
                self.batches.append(out)
            return out

    return Spy


def _trainer(cls, pool, policy_dir, tmp_path, script, steps, batch, **extra):
    selection = _selection(pool)
    scripted = ScriptedReward(script)
    trainer = _spy(cls)(model=str(policy_dir), reward_funcs=[correctness_reward(selection, workers=1), scripted],
                        args=_args(tmp_path, steps, batch), train_dataset=grpo_dataset(pool),
                        processing_class=AutoTokenizer.from_pretrained(policy_dir), selection=selection, **extra)
    return trainer, selection, scripted


def _completions(out, rows):
    """Completion token lists (without padding) of the given rows of a generation output."""
    return [out["completion_ids"][r][out["completion_mask"][r].bool()].tolist() for r in rows]


def _group_prompt_ids(trainer, out, pool):
    """Problem id of each group of a generation output, read back from its (left-padded) prompt tokens."""
    by_prompt = {p: i for p, i in zip(grpo_dataset(pool)["prompt"], pool["id"], strict=True)}
    texts = trainer.processing_class.batch_decode(out["prompt_ids"], skip_special_tokens=True)
    per_row = [by_prompt[t] for t in texts]
    groups = [per_row[i:i + G] for i in range(0, len(per_row), G)]
    assert all(len(set(gr)) == 1 for gr in groups)
    return [gr[0] for gr in groups]


# -- real trainer runs ----------------------------------------------------------------------------
def test_counting_trainer_counts_every_rollout(pool, policy_dir, tmp_path):
    """3 steps x B=2 prompts x G=4: 24 rollouts, 6 groups of which the script makes 3 mixed; nothing is
    dropped and the training batch is exactly what was generated."""
    script = [[True, False], [False, False], [True, True]]
    trainer, selection, scripted = _trainer(CountingGRPOTrainer, pool, policy_dir, tmp_path, script, 3, B * G)
    trainer.train()

    stats = trainer.rollout_stats
    assert len(scripted.calls) == 3
    assert stats["rollouts"] == 3 * B * G == sum(G * len(c) for c in scripted.calls)
    assert stats["groups"] == 3 * B and stats["mixed_groups"] == 3
    assert stats["dropped_groups"] == 0 and stats["steps"] == 3
    assert stats["reward_sum"] == pytest.approx(3.0)  # one reward of 1 per mixed group (weight-0 checker)
    assert selection.n_reported == stats["rollouts"]  # every completion also went to the tracker
    assert [selection.round_log.ids(r) for r in range(3)] == scripted.calls
    for (chunk, mixed), batch, pattern in zip(trainer.chunks, trainer.batches, script, strict=True):
        assert mixed.tolist() == pattern
        assert torch.equal(batch["completion_ids"], chunk["completion_ids"])
        assert int(batch["num_items_in_batch"]) == int(batch["completion_mask"].sum())


# Per step: how many of the chunk's B groups are mixed, chunk by chunk, and what the trainer must do.
DAPO_SCRIPT = [
    [[True, True]],                                 # step 1: one chunk is enough
    [[False, True], [False, False], [True, False]],  # step 2: exactly B mixed after the last chunk
    [[False, False], [False, False], [False, True]],  # step 3: only 1 mixed: topped up with an all-same group
    [[True, False], [True, True]],                  # step 4: 3 mixed after 2 chunks: one mixed group dropped
]


def test_dapo_stops_as_soon_as_enough_groups_are_mixed(pool, policy_dir, tmp_path):
    """Generation batch = 3 * B prompts, generated B at a time; rollouts 8 + 24 + 24 + 16 = 72.
    Dropped: step 2 keeps 2 of 6 groups (4), step 3 trains on 1 mixed of 6 (5), step 4 keeps 2 of 4 (2): 11."""
    script = [chunk for step in DAPO_SCRIPT for chunk in step]
    trainer, selection, scripted = _trainer(DynamicSamplingGRPOTrainer, pool, policy_dir, tmp_path, script,
                                            len(DAPO_SCRIPT), OVERSAMPLE * B * G, keep_groups=B)
    trainer.train()

    steps = len(DAPO_SCRIPT)
    stats = trainer.rollout_stats
    assert len(scripted.calls) == len(script) == 9
    assert stats["rollouts"] == 72 == sum(G * len(c) for c in scripted.calls)
    assert stats["rollouts"] % (B * G) == 0
    assert steps * B * G <= stats["rollouts"] <= steps * OVERSAMPLE * B * G
    assert stats["steps"] == steps and stats["groups"] == 18
    mixed_by_hand = sum(sum(chunk) for chunk in script)
    all_same = sum(len(chunk) - sum(chunk) for chunk in script)
    assert stats["mixed_groups"] == mixed_by_hand == 8 and stats["groups"] == stats["mixed_groups"] + all_same
    assert stats["dropped_groups"] == 11 and stats["dropped_groups"] <= stats["groups"]
    assert stats["groups"] - stats["dropped_groups"] == 2 + 2 + 1 + 2  # mixed groups trained on
    assert stats["reward_sum"] == pytest.approx(8.0)
    assert selection.n_reported == stats["rollouts"]  # dropped rollouts are reported too

    # The chunks are the round's prompts B at a time, in the order drawn; later chunks are never generated.
    call = 0
    for r, step in enumerate(DAPO_SCRIPT):
        drawn = selection.round_log.ids(r)
        assert len(drawn) == OVERSAMPLE * B
        for k in range(len(step)):
            assert scripted.calls[call] == drawn[k * B:(k + 1) * B]
            call += 1

    # The training batch: B groups, mixed ones first (in generation order), topped up with all-same ones,
    # each group with the very completions generated for it.
    assert len(trainer.batches) == steps
    first = 0
    for step, batch in zip(DAPO_SCRIPT, trainer.batches, strict=True):
        chunks = trainer.chunks[first:first + len(step)]
        ids = scripted.calls[first:first + len(step)]
        first += len(step)
        for (_, mixed), pattern in zip(chunks, step, strict=True):
            assert mixed.tolist() == pattern
        candidates = [(ids[c][j], chunks[c][0], j) for c in range(len(step)) for j in range(B) if step[c][j]]
        candidates += [(ids[c][j], chunks[c][0], j) for c in range(len(step)) for j in range(B) if not step[c][j]]
        expected = candidates[:B]
        assert batch["advantages"].shape == (B * G,)
        assert _group_prompt_ids(trainer, batch, pool) == [pid for pid, _, _ in expected]
        for k, (_, out, j) in enumerate(expected):
            assert _completions(batch, range(k * G, (k + 1) * G)) == _completions(out, range(j * G, (j + 1) * G))
            assert torch.allclose(batch["advantages"][k * G:(k + 1) * G], out["advantages"][j * G:(j + 1) * G])
        n_mixed = min(B, sum(sum(c) for c in step))
        adv = batch["advantages"].reshape(B, G).abs().amax(dim=1)
        assert (adv > 0).tolist() == [True] * n_mixed + [False] * (B - n_mixed)
        assert int(batch["num_items_in_batch"]) == int(batch["completion_mask"].sum())


def test_dapo_with_the_checker_alone_stays_within_budget(pool, policy_dir, tmp_path):
    """Untrained policy, correctness reward only: whatever the outcomes, every step spends 1 to 3 chunks
    of B * G rollouts and the counts are consistent."""
    selection = _selection(pool)
    args = _args(tmp_path, 3, OVERSAMPLE * B * G)
    args.reward_weights = None
    trainer = DynamicSamplingGRPOTrainer(model=str(policy_dir), reward_funcs=[correctness_reward(selection, workers=1)],
                                         args=args, train_dataset=grpo_dataset(pool), selection=selection,
                                         keep_groups=B)
    trainer.train()
    stats = trainer.rollout_stats
    assert stats["steps"] == 3
    assert stats["rollouts"] % (B * G) == 0 and 3 * B * G <= stats["rollouts"] <= 3 * OVERSAMPLE * B * G
    assert stats["groups"] * G == stats["rollouts"] == selection.n_reported
    assert 0 <= stats["mixed_groups"] <= stats["groups"] and 0 <= stats["dropped_groups"] <= stats["groups"]
    assert stats["groups"] - stats["dropped_groups"] <= 3 * B
    assert stats["groups"] - stats["dropped_groups"] <= stats["mixed_groups"]


def test_generation_batch_not_a_multiple_of_the_chunk_raises(pool, policy_dir, tmp_path):
    """keep_groups * G = 8, but the generation batch has 12 rows (3 groups)."""
    trainer, _, _ = _trainer(DynamicSamplingGRPOTrainer, pool, policy_dir, tmp_path, [[True] * 3], 1, 3 * G,
                             keep_groups=B)
    with pytest.raises(InvalidInputError, match="not a multiple of keep_groups"):
        trainer.train()


@pytest.mark.parametrize("keep", [0, -1, None, True, 1.5])
def test_filter_groups_needs_a_positive_keep_groups(keep, pool, policy_dir, tmp_path):
    with pytest.raises(InvalidInputError, match="'keep_groups' parameter"):
        DynamicSamplingGRPOTrainer(model=str(policy_dir), reward_funcs=[correctness_reward(None)],
                                   args=_args(tmp_path, 1, B * G), train_dataset=grpo_dataset(pool), keep_groups=keep)
    with pytest.raises(InvalidInputError, match="'keep_groups' parameter"):
        CountingGRPOTrainer(model=str(policy_dir), reward_funcs=[correctness_reward(None)],
                            args=_args(tmp_path, 1, B * G), train_dataset=grpo_dataset(pool), keep_groups=keep,
                            filter_groups=True)


# -- the private helpers on hand-made generation outputs -------------------------------------------
def _output(prompts, completions, g=2, advantages=None):
    """A generation output: prompts left-padded with PAD, completions right-padded; one row per list."""
    pw = max(len(p) for p in prompts)
    cw = max(len(c) for c in completions)
    prompt_ids = torch.tensor([[PAD] * (pw - len(p)) + p for p in prompts])
    prompt_mask = torch.tensor([[0] * (pw - len(p)) + [1] * len(p) for p in prompts])
    completion_ids = torch.tensor([c + [PAD] * (cw - len(c)) for c in completions])
    completion_mask = torch.tensor([[1] * len(c) + [0] * (cw - len(c)) for c in completions])
    n = len(prompts)
    adv = torch.arange(n, dtype=torch.float32) if advantages is None else torch.tensor(advantages)
    return {"prompt_ids": prompt_ids, "prompt_mask": prompt_mask, "completion_ids": completion_ids,
            "completion_mask": completion_mask, "advantages": adv, "old_per_token_logps": None,
            "num_items_in_batch": torch.tensor(999)}


def _unpad(out):
    rows = []
    for i in range(out["advantages"].shape[0]):
        p = out["prompt_ids"][i][out["prompt_mask"][i].bool()].tolist()
        c = out["completion_ids"][i][out["completion_mask"][i].bool()].tolist()
        rows.append((p, c, float(out["advantages"][i])))
    return rows


def test_select_groups_takes_whole_groups_in_the_order_asked():
    out = _output([[5], [5], [6, 7], [6, 7], [8, 9, 10], [8, 9, 10]],
                  [[1, 2], [1], [3], [3, 4, 5], [6], [7, 8]], g=2)
    picked = _select_groups(out, torch.tensor([2, 0]), 2)
    assert _unpad(picked) == [([8, 9, 10], [6], 4.0), ([8, 9, 10], [7, 8], 5.0), ([5], [1, 2], 0.0), ([5], [1], 1.0)]
    assert picked["prompt_ids"].shape == (4, 3)  # widths are kept as they were
    assert int(picked["num_items_in_batch"]) == 1 + 2 + 2 + 1  # recomputed from the completion mask
    assert picked["old_per_token_logps"] is None
    empty = _select_groups(out, torch.tensor([], dtype=torch.long), 2)
    assert empty["advantages"].shape == (0,) and int(empty["num_items_in_batch"]) == 0


def test_select_groups_counts_tool_tokens_only_where_the_tool_mask_allows():
    out = _output([[5], [5]], [[1, 2, 3], [4, 5]], g=2)
    out["tool_mask"] = torch.tensor([[1, 0, 1], [0, 1, 1]])
    assert int(_select_groups(out, torch.tensor([0]), 2)["num_items_in_batch"]) == 2 + 1


def test_select_groups_refuses_fields_it_cannot_split():
    out = _output([[5], [5]], [[1], [2]], g=2)
    out["num_images"] = [1, 1]
    with pytest.raises(InvalidInputError, match="num_images"):
        _select_groups(out, torch.tensor([0]), 2)


def test_concat_pads_prompts_left_and_completions_right():
    a = _output([[11, 12], [11, 12]], [[1, 2, 3], [4]], g=2, advantages=[1.0, -1.0])
    b = _output([[21, 22, 23, 24], [21, 22, 23, 24]], [[5], [6]], g=2, advantages=[0.0, 0.0])
    empty = _select_groups(_output([[9] * 7, [9] * 7], [[9] * 6, [9]], g=2), torch.tensor([], dtype=torch.long), 2)
    merged = _concat([empty, a, b], pad_id=PAD)
    # The empty part is ignored: its wider tensors must not widen the result.
    assert merged["prompt_ids"].tolist() == [[PAD, PAD, 11, 12], [PAD, PAD, 11, 12],
                                             [21, 22, 23, 24], [21, 22, 23, 24]]
    assert merged["prompt_mask"].tolist() == [[0, 0, 1, 1], [0, 0, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]]
    assert merged["completion_mask"].tolist() == [[1, 1, 1], [1, 0, 0], [1, 0, 0], [1, 0, 0]]
    assert merged["completion_ids"][:, 0].tolist() == [1, 4, 5, 6]
    assert merged["completion_ids"][0].tolist() == [1, 2, 3]
    assert merged["advantages"].tolist() == [1.0, -1.0, 0.0, 0.0]
    assert int(merged["num_items_in_batch"]) == int(merged["completion_mask"].sum()) == 6
    assert "old_per_token_logps" not in merged or merged["old_per_token_logps"] is None
    assert _unpad(merged) == _unpad(a) + _unpad(b)


def test_concat_pads_the_prompt_with_the_pad_id_given():
    a = _output([[11], [11]], [[1], [2]], g=2)
    b = _output([[21, 22, 23], [21, 22, 23]], [[3, 4], [5]], g=2)
    merged = _concat([a, b], pad_id=77)
    assert merged["prompt_ids"][:2].tolist() == [[77, 77, 11], [77, 77, 11]]
    assert merged["completion_mask"][:2].tolist() == [[1, 0], [1, 0]]
