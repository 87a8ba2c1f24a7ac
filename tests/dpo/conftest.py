"""Shared fixtures of the DPO tests: a small arithmetic pool file and one warm-started tiny policy."""

import pytest

#: Tiny sizes: 4 samples per problem, 8 probed and 8 selected problems, answers of a few tokens.
SMALL = dict(k=4, probe_size=8, train_size=8, pairs_per_problem=2, max_new_tokens=6, gen_batch_size=64,
             train_batch_size=4, learning_rate=1e-3)


@pytest.fixture(scope="session")
def dpo_pool_file(tmp_path_factory):
    from data import build_pool, save_pool

    path = tmp_path_factory.mktemp("dpo_pool") / "pool.jsonl"
    save_pool(build_pool(160, seed=0, kind="arith", levels=(1, 2, 3)), path)
    return str(path)


@pytest.fixture(scope="session")
def dpo_policy(tmp_path_factory, dpo_pool_file):
    """The loop's own initial-policy path (rl.dpo.build_initial_policy), built once: tiny Llama warm-started on levels 1-2."""
    from data import load_pool
    from rl.dpo import build_initial_policy
    from rl.dpo_config import DPOLoopConfig

    cfg = DPOLoopConfig(pool=dpo_pool_file, warm_start_steps=150, warm_start_max_level=2)
    return str(build_initial_policy(load_pool(dpo_pool_file), tmp_path_factory.mktemp("dpo_policy") / "m", cfg))
