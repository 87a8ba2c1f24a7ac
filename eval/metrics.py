"""Eval metrics over scored samples: accuracy, pass@k, maj@k, per skill / level, with 95% CIs.

Input is one :class:`ProblemSamples` per problem (the checker's verdict status and the extracted
answer of each sample). :func:`compute_metrics` returns a JSON-ready dict; the report modules
render it.

Conventions (also written into the output under ``"methods"``):

- **accuracy** is the mean over all samples; its CI is the Wilson interval at the effective number
  of independent samples (:func:`eval._stats.effective_samples`): samples of one problem are
  correlated, so with many samples per problem the interval is close to one over problems, not
  over samples (``accuracy_n_eff`` gives that number).
- **pass@k** uses the unbiased estimator per problem (:func:`eval._stats.pass_at_k`) averaged over
  problems; **maj@k** is the majority vote over *answer equivalence classes* (answers the checker
  judges equal fall in one class, so ``1/2``, ``0.5`` and ``\\frac{1}{2}`` vote together). For
  ``k < n`` maj@k is the mean over all ``k``-subsets of the ``n`` samples when there are at most
  ``max_subsets`` of them, else over ``max_subsets`` random subsets (seeded). A tie between ``t``
  top classes scores ``1/t`` if the correct class is among them (the expected score of a random
  tie-break); unparseable answers do not vote. Both get percentile-bootstrap CIs over problems.
- ``ks`` defaults to the powers of two up to the smallest sample count ``n_min`` over problems,
  plus ``n_min`` itself, so every problem contributes to every k.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from eval._eval_errors import EvalInputError
from eval._stats import (
    bootstrap_mean_ci,
    clustered_wilson_interval,
    effective_samples,
    pass_at_k,
    wilson_interval,
)

__all__ = [
    "STATUSES",
    "Equivalence",
    "MetricsConfig",
    "ProblemSamples",
    "answer_classes",
    "checker_equivalence",
    "compute_metrics",
    "default_ks",
    "maj_at_k",
    "pairwise",
    "pass_at_k",
    "wilson_interval",
]

STATUSES = ("correct", "incorrect", "unparseable_pred", "unparseable_gold", "timeout")
UNKNOWN = "unknown"

#: Decides, for a batch of ``(answer_a, answer_b)`` pairs, which pairs are equivalent answers.
Equivalence = Callable[[Sequence[tuple[str, str]]], list[bool]]


@dataclass(frozen=True)
class ProblemSamples:
    """The scored samples of one problem: a verdict status and an extracted answer per sample."""

    problem_id: str
    skill: str | None
    level: int | None
    statuses: tuple[str, ...]
    answers: tuple[str | None, ...]
    n_tokens: tuple[int, ...] = ()
    n_steps: tuple[int, ...] = ()

    def __post_init__(self):
        if len(self.statuses) == 0:
            raise EvalInputError(f"Problem {self.problem_id!r} has no samples; give at least one.")
        if len(self.answers) != len(self.statuses):
            raise EvalInputError(
                f"Problem {self.problem_id!r} has {len(self.statuses)} statuses but "
                f"{len(self.answers)} answers; give one answer (or None) per sample."
            )
        bad = sorted(set(self.statuses) - set(STATUSES))
        if bad:
            raise EvalInputError(f"Problem {self.problem_id!r} has unknown statuses {bad}; use {STATUSES}.")

    @property
    def n(self) -> int:
        return len(self.statuses)

    @property
    def n_correct(self) -> int:
        return sum(s == "correct" for s in self.statuses)


@dataclass(frozen=True)
class MetricsConfig:
    """Options of :func:`compute_metrics`.

    Args:
        ks: the k values for pass@k and maj@k; None picks :func:`default_ks`. Values above the
            smallest per-problem sample count are dropped (and listed under ``"dropped_ks"``).
        n_boot: bootstrap resamples for the pass@k / maj@k CIs.
        seed: seeds the bootstrap and the maj@k subset sampling.
        max_subsets: maj@k enumerates all k-subsets up to this many, else samples this many.
        max_pairwise_answers: distinct wrong answers per problem compared pairwise by the checker;
            any beyond this are grouped by their string only (bounds the checker calls).
    """

    ks: tuple[int, ...] | None = None
    n_boot: int = 1000
    seed: int = 0
    max_subsets: int = 64
    max_pairwise_answers: int = 32

    def __post_init__(self):
        if self.ks is not None and (
            not self.ks or any(not isinstance(k, int) or k < 1 for k in self.ks)
        ):
            raise EvalInputError(
                f"The 'ks' parameter of MetricsConfig must be None or a non-empty tuple of integers >= 1. "
                f"Got {self.ks!r} instead."
            )
        for name in ("n_boot", "max_subsets", "max_pairwise_answers"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise EvalInputError(
                    f"The '{name}' parameter of MetricsConfig must be an integer >= 1. Got {value!r} instead."
                )


def default_ks(n_min: int) -> tuple[int, ...]:
    """Powers of two up to ``n_min``, plus ``n_min``: ``default_ks(6) == (1, 2, 4, 6)``."""
    ks = [2**i for i in range(int(math.log2(n_min)) + 1)] if n_min >= 1 else []
    if n_min >= 1 and ks[-1] != n_min:
        ks.append(n_min)
    return tuple(ks)


def pairwise(fn: Callable[[str, str], bool]) -> Equivalence:
    """Turn a scalar ``fn(a, b) -> bool`` into an :data:`Equivalence` over a batch of pairs."""

    def _batch(pairs: Sequence[tuple[str, str]]) -> list[bool]:
        return [bool(fn(a, b)) for a, b in pairs]

    return _batch


def checker_equivalence(timeout: float = 2.0, workers: int | None = None) -> Equivalence:
    """The default :data:`Equivalence`: answers ``a`` and ``b`` are equal iff the checker says so."""

    def _batch(pairs: Sequence[tuple[str, str]]) -> list[bool]:
        if not pairs:
            return []
        from eval.checker import verify_batch

        golds = [a for a, _ in pairs]
        preds = [b for _, b in pairs]
        verdicts = verify_batch(golds, preds, timeout=timeout, workers=workers)
        return [v.status == "correct" for v in verdicts]

    return _batch


def _norm_key(answer: str) -> str:
    return re.sub(r"\s+", "", answer)


def answer_classes(
    problems: Sequence[ProblemSamples], equivalent: Equivalence | None = None, max_pairwise_answers: int = 32
) -> list[list[int | None]]:
    """Assign each sample of each problem an answer-class id (None: no answer, does not vote).

    Class 0 is the correct class: every sample the checker graded ``correct`` (each equals the gold,
    so they equal one another). The other answers are first grouped by their whitespace-free
    string, then groups are merged when ``equivalent`` says two of them are equal (union-find, so
    the classes are the transitive closure). All pairs of all problems go to ``equivalent`` in ONE
    batch, so the checker can verify them in parallel.
    """
    equivalent = equivalent or checker_equivalence()
    keys_per_problem: list[list[str]] = []
    pairs: list[tuple[str, str]] = []
    owners: list[tuple[int, int, int]] = []  # (problem index, key index a, key index b)
    for p_idx, prob in enumerate(problems):
        keys: list[str] = []
        for status, ans in zip(prob.statuses, prob.answers, strict=True):
            if _votes(status, ans) and status != "correct" and _norm_key(ans) not in keys:
                keys.append(_norm_key(ans))
        keys_per_problem.append(keys)
        checked = keys[:max_pairwise_answers]
        for i, j in itertools.combinations(range(len(checked)), 2):
            pairs.append((checked[i], checked[j]))
            owners.append((p_idx, i, j))
    same = equivalent(pairs) if pairs else []
    if len(same) != len(pairs):
        raise EvalInputError(f"The equivalence function returned {len(same)} results for {len(pairs)} pairs.")
    parents = [list(range(len(keys))) for keys in keys_per_problem]
    for (p_idx, i, j), eq in zip(owners, same, strict=True):
        if eq:
            _union(parents[p_idx], i, j)
    return [_class_ids(prob, keys, par) for prob, keys, par in zip(problems, keys_per_problem, parents, strict=True)]


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: list[int], i: int, j: int) -> None:
    ri, rj = _find(parent, i), _find(parent, j)
    if ri != rj:
        parent[max(ri, rj)] = min(ri, rj)


def _votes(status: str, answer: str | None) -> bool:
    """Whether a sample votes in maj@k: an answer was read (what the checker could not read, status
    ``unparseable_pred``, is no answer even when some text was extracted, e.g. ``'x +'``)."""
    return answer is not None and status not in ("unparseable_pred", "unparseable_gold")


def _class_ids(prob: ProblemSamples, keys: list[str], parent: list[int]) -> list[int | None]:
    root_to_class: dict[int, int] = {}
    out: list[int | None] = []
    for status, ans in zip(prob.statuses, prob.answers, strict=True):
        if status == "correct":
            out.append(0)
        elif not _votes(status, ans):
            out.append(None)
        else:
            root = _find(parent, keys.index(_norm_key(ans)))
            out.append(root_to_class.setdefault(root, len(root_to_class) + 1))
    return out


def maj_at_k(class_ids: Sequence[int | None], k: int, max_subsets: int = 64, seed: int = 0) -> float:
    """maj@k of one problem from its samples' class ids (0 = correct class, None = no vote).

    Averages the majority-vote credit over every k-subset of the samples when there are at most
    ``max_subsets`` of them, else over ``max_subsets`` seeded random subsets. Ties between ``t`` top
    classes give ``1/t`` if the correct class is among them.

    Example (hand-computed): classes ``[0, 0, 1]`` with k=2: subsets {0,0} -> 1, {0,1} -> tie -> 1/2,
    {0,1} -> 1/2, mean 2/3.
        >>> round(maj_at_k([0, 0, 1], 2), 4)
        0.6667
    """
    n = len(class_ids)
    if not 1 <= k <= n:
        raise EvalInputError(f"The 'k' parameter of maj_at_k must be in [1, {n}]. Got {k!r} instead.")
    codes = np.array([-1 if c is None else c for c in class_ids], dtype=np.int64)
    n_classes = int(codes.max()) + 1 if codes.max() >= 0 else 1
    onehot = np.zeros((n, n_classes), dtype=np.int64)
    voters = codes >= 0
    onehot[np.nonzero(voters)[0], codes[voters]] = 1
    if math.comb(n, k) <= max_subsets:
        subsets = np.array(list(itertools.combinations(range(n), k)), dtype=np.int64)
    else:
        rng = np.random.default_rng(seed)
        subsets = np.argsort(rng.random((max_subsets, n)), axis=1)[:, :k]
    counts = onehot[subsets].sum(axis=1)  # (n_subsets, n_classes)
    top = counts.max(axis=1, keepdims=True)
    tied = (counts == top) & (top > 0)
    n_tied = np.maximum(tied.sum(axis=1), 1)
    return float(np.mean(tied[:, 0] / n_tied))


@dataclass
class _PerProblem:
    """Per-problem values computed once and aggregated over any subset of problems."""

    pass_vals: np.ndarray  # (n_problems, n_ks)
    maj_vals: np.ndarray  # (n_problems, n_ks)
    ks: tuple[int, ...]
    dropped_ks: list[int] = field(default_factory=list)


def _per_problem(problems: Sequence[ProblemSamples], classes, config: MetricsConfig) -> _PerProblem:
    n_min = min(p.n for p in problems)
    wanted = config.ks or default_ks(n_min)
    ks = tuple(sorted({k for k in wanted if k <= n_min}))
    dropped = sorted({k for k in wanted if k > n_min})
    if not ks:
        raise ValueError(f"ks {tuple(wanted)}: every value is above {n_min}, the fewest samples any problem has; "
                         f"pass@k and maj@k need k samples per problem (--ks with values up to {n_min}).")
    pass_vals = np.array([[pass_at_k(p.n, p.n_correct, k) for k in ks] for p in problems])
    maj_vals = np.array(
        [
            [maj_at_k(cls, k, config.max_subsets, seed=config.seed + 7919 * i) for k in ks]
            for i, cls in enumerate(classes)
        ]
    )
    return _PerProblem(pass_vals.reshape(len(problems), len(ks)), maj_vals.reshape(len(problems), len(ks)), ks, dropped)


def _block(problems: Sequence[ProblemSamples], idx: np.ndarray, pp: _PerProblem, config: MetricsConfig) -> dict:
    """Accuracy, pass@k, maj@k with CIs and status counts over the problems ``idx``."""
    subset = [problems[i] for i in idx]
    correct, samples = [p.n_correct for p in subset], [p.n for p in subset]
    n_samples, n_correct = sum(samples), sum(correct)
    n_eff = effective_samples(correct, samples)
    statuses = Counter(s for p in subset for s in p.statuses)
    vals = np.concatenate([pp.pass_vals[idx], pp.maj_vals[idx]], axis=1)
    cis = bootstrap_mean_ci(vals, n_boot=config.n_boot, seed=config.seed)
    nk = len(pp.ks)
    means = vals.mean(axis=0) if len(idx) else np.zeros(2 * nk)
    return {
        "n_problems": len(subset),
        "n_samples": n_samples,
        "n_correct": n_correct,
        "accuracy": n_correct / n_samples if n_samples else 0.0,
        "accuracy_ci": list(clustered_wilson_interval(correct, samples, n_eff=n_eff)),
        "accuracy_n_eff": n_eff,
        "pass_at_k": {str(k): float(means[j]) for j, k in enumerate(pp.ks)},
        "pass_at_k_ci": {str(k): [float(x) for x in cis[j]] for j, k in enumerate(pp.ks)},
        "maj_at_k": {str(k): float(means[nk + j]) for j, k in enumerate(pp.ks)},
        "maj_at_k_ci": {str(k): [float(x) for x in cis[nk + j]] for j, k in enumerate(pp.ks)},
        "status_counts": {s: int(statuses.get(s, 0)) for s in STATUSES},
    }


def _group_key(value) -> str:
    return UNKNOWN if value is None else str(value)


def _sort_keys(keys) -> list[str]:
    """Numeric-looking keys in numeric order, then the rest alphabetically, ``unknown`` last."""
    def order(key: str):
        return (key == UNKNOWN, not key.lstrip("-").isdigit(), int(key) if key.lstrip("-").isdigit() else 0, key)

    return sorted(keys, key=order)


def _groups(problems: Sequence[ProblemSamples], attr: str) -> dict[str, np.ndarray]:
    members: dict[str, list[int]] = {}
    for i, p in enumerate(problems):
        members.setdefault(_group_key(getattr(p, attr)), []).append(i)
    return {key: np.array(members[key], dtype=np.int64) for key in _sort_keys(members)}


def _cells(problems: Sequence[ProblemSamples]) -> dict[str, dict[str, dict]]:
    """Accuracy per (skill, level) cell with its Wilson CI, for the heatmap."""
    tally: dict[tuple[str, str], list[list[int]]] = {}
    for p in problems:
        t = tally.setdefault((_group_key(p.skill), _group_key(p.level)), [[], []])
        t[0].append(p.n_correct)
        t[1].append(p.n)
    out: dict[str, dict[str, dict]] = {}
    for skill in _sort_keys({s for s, _ in tally}):
        row = {}
        for level in _sort_keys({lv for s, lv in tally if s == skill}):
            cs, ns = tally[(skill, level)]
            c, n = sum(cs), sum(ns)
            row[level] = {"accuracy": c / n, "accuracy_ci": list(clustered_wilson_interval(cs, ns)), "n_samples": n,
                          "n_correct": c}
        out[skill] = row
    return out


def compute_metrics(
    problems: Sequence[ProblemSamples],
    *,
    equivalent: Equivalence | None = None,
    config: MetricsConfig | None = None,
) -> dict:
    """Every eval metric over ``problems``, overall, per skill, per level and per (skill, level).

    Args:
        problems: one entry per scored problem.
        equivalent: decides answer equivalence for maj@k; default: the real checker.
        config: :class:`MetricsConfig` options.

    Returns a JSON-ready dict with ``accuracy``, ``pass_at_k`` / ``maj_at_k`` as ``{k: value}`` (and
    ``*_ci``), ``status_counts``, ``per_skill``, ``per_level``, ``per_cell``, ``lengths``, ``ks``
    and ``methods``.
    """
    from eval._lengths import length_stats

    config = config or MetricsConfig()
    if not problems:
        raise EvalInputError("compute_metrics got no scored problems; check that the generations match the eval set.")
    classes = answer_classes(problems, equivalent, config.max_pairwise_answers)
    pp = _per_problem(problems, classes, config)
    out = _block(problems, np.arange(len(problems)), pp, config)
    out["ks"] = list(pp.ks)
    out["dropped_ks"] = pp.dropped_ks
    out["per_skill"] = {k: _block(problems, idx, pp, config) for k, idx in _groups(problems, "skill").items()}
    out["per_level"] = {k: _block(problems, idx, pp, config) for k, idx in _groups(problems, "level").items()}
    out["per_cell"] = _cells(problems)
    out["lengths"] = length_stats(problems)
    out["config"] = asdict(config)
    out["methods"] = {
        "accuracy_ci": "Wilson score interval (95%) at the effective number of independent samples "
                       "(samples of one problem are correlated; see accuracy_n_eff)",
        "pass_at_k": "unbiased estimator 1 - C(n-c,k)/C(n,k) per problem (product form), mean over problems",
        "maj_at_k": (
            "majority over checker-equivalence classes of extracted answers; mean over all k-subsets "
            f"(or {config.max_subsets} seeded random ones); ties of t classes score 1/t if correct is tied; "
            "unparseable answers do not vote"
        ),
        "pass_maj_ci": f"percentile bootstrap (95%) over problems, {config.n_boot} resamples, seed {config.seed}",
    }
    return out
