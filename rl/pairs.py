"""Preference pairs from K scored samples per problem (the pair-building step of iterative DPO).

Only *mixed* problems give pairs: at least one ``correct`` sample and at least one rejectable one.
The rules, chosen to make each pair teach one thing (get the answer right, and say it cleanly):

* **chosen** = a correct sample. Correct samples are ranked best first, by
  ``fewest_steps`` (reasoning steps from ``eval.features.count_steps``, then token count, then text)
  or ``shortest`` (token count, then steps, then text); pair j takes the j-th best, cycling when
  there are fewer correct samples than pairs. Shorter correct reasoning is preferred, as in the paper's
  self-aware difficulty (steps, then length).
* **rejected** = an incorrect sample. Malformed answers (``unparseable_pred``: no answer could be
  extracted) come first, then wrong answers (``incorrect``); inside each class the order is random
  (seeded). Each distinct rejected text is used once.
* ``timeout`` and ``unparseable_gold`` samples are never used: they are not the model's fault.
* Up to ``pairs_per_problem`` pairs per problem, so a problem gives ``min(P, distinct rejected)`` pairs.

Example:
    >>> s = [ScoredSample(" 5", "correct", 1, 2), ScoredSample(" 7", "incorrect", 1, 2)]
    >>> [(c.text, r.text) for c, r in pair_samples(s, pairs_per_problem=2)]
    [(' 5', ' 7')]
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from sai_dpo.errors import param_error

__all__ = ["ScoredSample", "pair_samples", "is_mixed", "build_pairs", "pair_features", "pairs_dataset",
           "load_pairs", "CHOSEN_STATUS", "REJECTED_STATUSES"]

CHOSEN_STATUS = "correct"
#: Rejectable statuses, most preferred first (malformed answers before wrong ones).
REJECTED_STATUSES = ("unparseable_pred", "incorrect")
_RULE_KEYS = {
    "fewest_steps": lambda s: (s.n_steps, s.n_tokens, s.text),
    "shortest": lambda s: (s.n_tokens, s.n_steps, s.text),
}


@dataclass(frozen=True)
class ScoredSample:
    """One generated sample with the checker's verdict and its size."""

    text: str
    status: str
    n_steps: int
    n_tokens: int


def is_mixed(samples: Sequence[ScoredSample]) -> bool:
    """True when the samples hold a correct one and a rejectable (incorrect or malformed) one."""
    statuses = {s.status for s in samples}
    return CHOSEN_STATUS in statuses and any(st in statuses for st in REJECTED_STATUSES)


def _distinct(samples):
    seen, out = set(), []
    for s in samples:
        if s.text not in seen:
            seen.add(s.text)
            out.append(s)
    return out


def pair_samples(samples: Sequence[ScoredSample], pairs_per_problem: int = 2, chosen_rule: str = "fewest_steps",
                 rng: random.Random | None = None) -> list[tuple[ScoredSample, ScoredSample]]:
    """Return up to ``pairs_per_problem`` (chosen, rejected) pairs from one problem's samples.

    Returns an empty list for a problem that is not mixed.
    """
    if chosen_rule not in _RULE_KEYS:
        raise param_error("chosen_rule", "pair_samples", f"one of {sorted(_RULE_KEYS)}", chosen_rule)
    if isinstance(pairs_per_problem, bool) or not isinstance(pairs_per_problem, int) or pairs_per_problem < 1:
        raise param_error("pairs_per_problem", "pair_samples", "a positive int", pairs_per_problem)
    if not is_mixed(samples):
        return []
    rng = rng or random.Random(0)
    chosen = _distinct(sorted((s for s in samples if s.status == CHOSEN_STATUS), key=_RULE_KEYS[chosen_rule]))
    rejected = []
    for status in REJECTED_STATUSES:
        group = _distinct(s for s in samples if s.status == status)
        rng.shuffle(group)
        rejected.extend(group)
    rejected = _distinct(rejected)[:pairs_per_problem]
    return [(chosen[j % len(chosen)], r) for j, r in enumerate(rejected)]


def build_pairs(problems: Sequence[dict], samples: Sequence[Sequence[ScoredSample]], *, prompts: Sequence[str],
                pairs_per_problem: int = 2, chosen_rule: str = "fewest_steps", seed: int = 0,
                iteration: int = 0) -> list[dict]:
    """Pair rows (TRL's standard preference format plus provenance) for a batch of problems.

    Args:
        problems: pool records (``id``, ``answer``, ``skill``, ``level``), one per problem.
        samples: the scored samples of each problem, aligned with ``problems``.
        prompts: the rendered prompt string each sample continues, aligned with ``problems``.
        seed: seeds the random order of rejected samples (one stream for the whole batch).
    Returns:
        rows with ``prompt``, ``chosen``, ``rejected``, ``problem_id``, ``answer``, ``skill``, ``level``,
        ``chosen_status``, ``rejected_status``, ``iteration``.
    """
    if not (len(problems) == len(samples) == len(prompts)):
        raise param_error("samples", "build_pairs", f"aligned with problems and prompts ({len(problems)} each)",
                          f"{len(problems)} problems, {len(samples)} sample lists, {len(prompts)} prompts")
    rng = random.Random(seed)
    rows = []
    for rec, group, prompt in zip(problems, samples, prompts, strict=True):
        for chosen, rejected in pair_samples(group, pairs_per_problem, chosen_rule, rng):
            rows.append({
                "prompt": prompt, "chosen": chosen.text, "rejected": rejected.text,
                "problem_id": str(rec["id"]), "answer": str(rec["answer"]),
                "skill": None if rec.get("skill") is None else str(rec["skill"]),
                "level": rec.get("level"), "chosen_status": chosen.status,
                "rejected_status": rejected.status, "iteration": iteration,
            })
    return rows


def pair_features():
    """``datasets.Features`` of the pair rows (explicit, so that an empty iteration still saves)."""
    import datasets

    text = datasets.Value("string")
    return datasets.Features({
        "prompt": text, "chosen": text, "rejected": text, "problem_id": text, "answer": text,
        "skill": text, "level": datasets.Value("int64"), "chosen_status": text,
        "rejected_status": text, "iteration": datasets.Value("int64"),
    })


def pairs_dataset(rows: Sequence[dict]):
    """The pair rows as a ``datasets.Dataset`` with :func:`pair_features` (also when there are none)."""
    from datasets import Dataset

    features = pair_features()
    if not rows:
        return Dataset.from_dict({k: [] for k in features}, features=features)
    return Dataset.from_list(list(rows), features=features)


def load_pairs(path):
    """Reload a pairs file written by the DPO loop (``iter_XXX/pairs.parquet``) as a ``datasets.Dataset``.

    Read through pyarrow: ``Dataset.from_parquet`` (datasets 5.2) refuses a file with zero rows, which an
    iteration without a mixed problem writes.
    """
    import pyarrow.parquet as pq
    from datasets import Dataset

    return Dataset(pq.read_table(str(path)))
