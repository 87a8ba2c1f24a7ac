"""The imperfect warm-start teacher, the torch thread setting and the warm start's new options (rl.tiny)."""

import json
from collections import Counter

import pytest
import torch

import rl.tiny as tiny
from data import build_pool
from data.generator.digits import slip_answer
from rl.tiny import (
    DIGITS_SLIP_OFFSETS,
    TinyPolicyConfig,
    cpu_threads,
    format_prompt,
    imperfect_teacher,
    warm_policy_from_pool,
)


def _rows(n, level, skill, seed=0):
    return build_pool(n, seed=seed, kind="digits", levels=[level], skills=[skill]).to_list()


def _slip_share(teach, rows):
    """Share of rows taught the slip; every answer must be either the gold or the slip."""
    slips = 0
    for row in rows:
        taught = teach(row)
        slip = slip_answer(row["skill"], row["problem"])
        assert taught in (row["answer"], slip)
        slips += taught == slip
    return slips / len(rows)


def test_rate_zero_always_teaches_the_gold():
    """(level - offset) / width <= 0: level 2 with offset 2, and level 1 with offset 3."""
    teach = imperfect_teacher(offsets={"digits/max": 2, "digits/first": 3}, width=4.0, seed=0)
    rows = _rows(150, 2, "digits/max") + _rows(150, 1, "digits/first")
    assert [teach(r) for r in rows] == [r["answer"] for r in rows]


def test_rate_one_always_teaches_the_slip():
    """(level - offset) / width >= 1: level 5 with offset 1 and width 4 (exactly 1), level 4 with offset 0, width 2."""
    teach = imperfect_teacher(offsets={"digits/min": 1, "digits/last": 0}, width=4.0, seed=0)
    rows = _rows(150, 5, "digits/min")
    assert _slip_share(teach, rows) == 1.0
    teach = imperfect_teacher(offsets={"digits/last": 0}, width=2, seed=0)
    assert _slip_share(teach, _rows(150, 4, "digits/last")) == 1.0


@pytest.mark.parametrize(("level", "offset", "width", "rate"), [(3, 1, 4.0, 0.5), (4, 3, 4.0, 0.25), (3, 0, 4, 0.75)])
def test_intermediate_rate_is_the_slip_frequency(level, offset, width, rate):
    """Over 1000 rows the slip share is within 0.07 (about 4.5 binomial sd) of the rate."""
    teach = imperfect_teacher(offsets={"digits/max": offset}, width=width, seed=3)
    share = _slip_share(teach, _rows(1000, level, "digits/max"))
    assert abs(share - rate) < 0.07


def test_default_offsets():
    """Defaults {'first': 3, 'last': 2, 'max': 1, 'min': 0} with width 4: first at level 3 never slips,
    min at level 4 always does, max at level 3 slips about half the time."""
    assert DIGITS_SLIP_OFFSETS == {"digits/first": 3, "digits/last": 2, "digits/max": 1, "digits/min": 0}
    teach = imperfect_teacher(seed=1)
    assert _slip_share(teach, _rows(200, 3, "digits/first")) == 0.0
    assert _slip_share(teach, _rows(200, 4, "digits/min")) == 1.0
    assert abs(_slip_share(teach, _rows(800, 3, "digits/max")) - 0.5) < 0.08


def test_other_rows_are_taught_the_gold():
    # Even when the offsets name a non-digits skill: it has no slip, so it is taught right.
    teach = imperfect_teacher(offsets={"digits/max": 0, "arith/add": 0, "arith/max": 0}, width=1.0)
    arith = build_pool(50, seed=0, kind="arith").to_list()
    assert {"arith/add", "arith/max"} <= {r["skill"] for r in arith}
    assert [teach(r) for r in arith] == [r["answer"] for r in arith]
    # A digits skill without an offset, and a row without a level, are taught right too.
    rows = _rows(50, 5, "digits/first")
    assert [teach(r) for r in rows] == [r["answer"] for r in rows]
    row = dict(_rows(1, 5, "digits/max")[0], level=None)
    assert teach(row) == row["answer"]


def test_teacher_is_deterministic_by_seed():
    rows = _rows(300, 3, "digits/max")
    runs = [[imperfect_teacher(offsets={"digits/max": 1}, seed=s)(r) for r in rows] for s in (7, 7, 8)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


@pytest.mark.parametrize("width", [0, -1.0, float("nan"), "4", None])
def test_bad_width_raises(width):
    with pytest.raises(ValueError, match="'width' parameter of imperfect_teacher"):
        imperfect_teacher(width=width)


# -- cpu_threads ----------------------------------------------------------------------------------
@pytest.fixture
def restore_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def test_cpu_threads_sets_torch(restore_threads, monkeypatch):
    monkeypatch.delenv("SAI_DPO_TORCH_THREADS", raising=False)
    assert cpu_threads(2) == 2 and torch.get_num_threads() == 2
    assert cpu_threads() == 1 and torch.get_num_threads() == 1  # default without the variable
    monkeypatch.setenv("SAI_DPO_TORCH_THREADS", "2")
    assert cpu_threads() == 2 and torch.get_num_threads() == 2
    assert cpu_threads(1) == 1 and torch.get_num_threads() == 1  # an explicit n wins over the variable


@pytest.mark.parametrize("n", [0, -1, True, 1.5, "2"])
def test_cpu_threads_rejects_bad_n(restore_threads, n):
    torch.set_num_threads(1)
    with pytest.raises(ValueError, match="'n' parameter of cpu_threads"):
        cpu_threads(n)
    assert torch.get_num_threads() == 1


@pytest.mark.parametrize("raw", ["0", "-1", "two", "", "1.5"])
def test_cpu_threads_rejects_bad_env(restore_threads, monkeypatch, raw):
    torch.set_num_threads(1)
    monkeypatch.setenv("SAI_DPO_TORCH_THREADS", raw)
    with pytest.raises(ValueError, match="SAI_DPO_TORCH_THREADS"):
        cpu_threads()
    assert torch.get_num_threads() == 1


# -- warm_policy_from_pool ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def digits_pool():
    return build_pool(60, seed=0, kind="digits")


def test_warm_start_examples_come_from_the_teacher(digits_pool, tmp_path, monkeypatch):
    """The teacher is asked once per row with level <= max_level, with that pool row, and what it
    returns is the taught answer; the prompt is the row's problem in the tiny layout."""
    asked = []

    def teacher(row):
        asked.append(row)
        return f"T{row['id']}"

    captured = {}

    def fake_warm_start(model_dir, examples, config=None, **kw):
        captured.update(model_dir=model_dir, examples=examples, config=config)
        return {"steps": config.steps}

    monkeypatch.setattr(tiny, "warm_start", fake_warm_start)
    stats = warm_policy_from_pool(digits_pool, tmp_path / "p", steps=7, max_level=2, teacher=teacher, seed=3)
    easy = [r for r in digits_pool.to_list() if r["level"] <= 2]
    assert stats == {"steps": 7} and captured["config"].seed == 3
    assert [r["id"] for r in asked] == [r["id"] for r in easy] and asked[0] == easy[0]
    assert captured["examples"] == [(format_prompt(r["problem"]), f"T{r['id']}") for r in easy]

    # Without a teacher the gold answers are taught; with steps=0 nothing is taught at all.
    warm_policy_from_pool(digits_pool, tmp_path / "q", steps=7, max_level=None)
    assert captured["examples"] == [(format_prompt(r["problem"]), r["answer"]) for r in digits_pool.to_list()]
    asked.clear()
    assert warm_policy_from_pool(digits_pool, tmp_path / "r", steps=0, teacher=teacher) == {}
    assert asked == []


def test_tiny_warm_run_uses_the_policy_config(digits_pool, tmp_path, restore_threads):
    """Two real steps with the imperfect teacher on a 32-wide, 3-layer policy."""
    torch.set_num_threads(1)
    cfg = TinyPolicyConfig(hidden_size=32, intermediate_size=48, num_hidden_layers=3)
    out = tmp_path / "warm"
    stats = warm_policy_from_pool(digits_pool, out, steps=2, max_level=None, teacher=imperfect_teacher(seed=0),
                                  policy_config=cfg)
    assert stats["steps"] == 2 and stats["first_loss"] > 0 and stats["last_loss"] > 0
    config = json.loads((out / "config.json").read_text())
    assert (config["hidden_size"], config["intermediate_size"], config["num_hidden_layers"]) == (32, 48, 3)
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(out)
    assert model.get_input_embeddings().weight.shape[1] == 32
    assert Counter(type(m).__name__ for m in model.modules())["LlamaDecoderLayer"] == 3
