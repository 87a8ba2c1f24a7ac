"""The transformers rollout backend: K completions per prompt, reproducible for a seed."""

import pytest


def test_transformers_backend_shapes_and_seed(dpo_policy):
    from rl.backends import RolloutBackend, TransformersBackend

    prompts = ["What is 1 + 1?", "Which is largest: 3, 5?", "What is 4 - 2?"]
    a = TransformersBackend(dpo_policy, max_new_tokens=6, batch_size=4, seed=3)
    b = TransformersBackend(dpo_policy, max_new_tokens=6, batch_size=4, seed=3)
    assert isinstance(a, RolloutBackend)
    out = a.generate(prompts, 4)
    assert len(out) == 3 and all(len(group) == 4 and all(isinstance(s, str) for s in group) for group in out)
    assert b.generate(prompts, 4) == out  # same seed, same call order: same samples
    assert a.generate([], 4) == []
    with pytest.raises(ValueError, match="'k' parameter of TransformersBackend.generate"):
        a.generate(prompts, 0)
    with pytest.raises(ValueError, match="'model_dir' parameter of TransformersBackend"):
        TransformersBackend("/no/such/model")
