"""eval.generation on a tiny random Llama and a locally trained byte-level BPE tokenizer."""

from __future__ import annotations

import pytest
import torch

from eval._eval_errors import EvalInputError
from eval.generation import generate, render_prompts
from tests.evalreport._tiny import build_model, build_tokenizer

PROMPTS = ["What is 3 + 4?", "Find x if 2x = 10.", "Compute 12 - 5."]


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    tok = build_tokenizer()
    model = build_model(tok)
    path = tmp_path_factory.mktemp("tiny")
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path, model, tok


def test_shape_and_seed_determinism(saved_model):
    """3 prompts x k=3 -> 3 lists of 3 strings; same seed repeats, another seed differs.

    A random 300-token model sampled at temperature 1 draws 8 near-uniform tokens per sample, so two
    seeds giving the same 9 samples has negligible probability.
    """
    path, model, tok = saved_model
    a = generate(str(path), None, PROMPTS, k=3, max_new_tokens=8, batch_size=6, seed=1)  # loads from disk
    b = generate(model, tok, PROMPTS, k=3, max_new_tokens=8, batch_size=6, seed=1)
    c = generate(model, tok, PROMPTS, k=3, max_new_tokens=8, batch_size=6, seed=2)
    assert [len(x) for x in a] == [3, 3, 3]
    assert all(isinstance(s, str) for x in a for s in x)
    assert a == b
    assert a != c
    assert len({s for x in a for s in x}) > 1  # samples differ from one another


def test_global_rng_untouched_and_greedy_agrees(saved_model):
    """Greedy (temperature 0) gives k identical samples; caller's RNG and train mode are kept."""
    _, model, tok = saved_model
    model.train()
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    outs = generate(model, tok, PROMPTS[:2], k=3, max_new_tokens=6, temperature=0.0)
    assert torch.rand(1) == expected
    assert all(len(set(x)) == 1 for x in outs)
    assert model.training is True  # generation ran in eval mode, then the caller's mode came back


def test_batching_matches_per_prompt_greedy(saved_model):
    """Left padding: a greedy batch of mixed-length prompts equals generating each prompt alone."""
    _, model, tok = saved_model
    together = generate(model, tok, PROMPTS, k=1, max_new_tokens=6, temperature=0.0, batch_size=8)
    alone = [generate(model, tok, [p], k=1, max_new_tokens=6, temperature=0.0)[0] for p in PROMPTS]
    assert together == alone


def test_chat_template_applied_when_present():
    with_template = build_tokenizer(chat_template=True)
    without = build_tokenizer(chat_template=False)
    assert render_prompts(with_template, ["hi"]) == ["<|user|>hi\n<|assistant|>"]
    assert render_prompts(without, ["hi"]) == ["hi"]


def test_bad_arguments_raise_clear_errors(saved_model, tmp_path):
    _, model, tok = saved_model
    with pytest.raises(EvalInputError, match="'k' parameter of generate"):
        generate(model, tok, PROMPTS, k=0)
    with pytest.raises(EvalInputError, match="list of strings"):
        generate(model, tok, "one prompt", k=1)
    with pytest.raises(EvalInputError, match="does not exist"):
        generate(str(tmp_path / "nope"), None, PROMPTS, k=1)
