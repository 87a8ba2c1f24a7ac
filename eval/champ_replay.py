"""Replay a CHAMP model's real outcomes through the selection engine: where would it send that model next?

    >>> from data.champ import read_champ
    >>> outcomes = champ_outcomes(read_champ(), "GPT-4")  # doctest: +SKIP
    >>> result = replay(outcomes, ReplayConfig(seed=0))  # doctest: +SKIP
    >>> result.per_skill["Polynomial"]["next_share"]  # doctest: +SKIP

Each of the model's CHAMP conversations is one rollout: its final answer is checked against the
problem's gold (the same checker call as ``sai-dpo eval``), ``correct`` is reward 1, ``incorrect`` and
``unparseable_pred`` (no answer could be read) reward 0, and ``unparseable_gold`` / ``timeout`` verdicts
are not the model's fault, so they are counted and left out (DESIGN.md section 3). A problem's
rollouts are its non-reserved prompt styles (15 per model), so the engine's group size G is 15.

The problems are fed in a seeded random order, ``per_round`` problems a round, each with all its
rollouts and their lengths (whole model response: words and reasoning steps); then the engine is asked
for the next round's draw. The layout, for 270 problems at 30 a round::

    round   0        1               8         9 (asked, not fed)
    fed     30 ids   30 ids   ...    30 ids    -> weights(9), draw(next_n, round=9)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from data.champ import conversations, final_answer
from eval.champ import champ_eval_set, model_names
from sai_dpo.errors import param_error

__all__ = ["NEAR_HALF", "ChampOutcomes", "ReplayConfig", "ReplayResult", "champ_outcomes", "is_near_half",
           "near_half_range", "replay"]

_NOT_THE_MODELS_FAULT = ("unparseable_gold", "timeout")
# "Near half": a problem whose share of right rollouts is within 0.15 of 1/2 (6 to 9 of 15). The
# engine's peak factor (4 p (1 - p)) ** 32 is 0.27 at p = 0.4 and 0.004 at p = 0.3, so nearly all of
# a round's draw weight sits on such problems; counting them per category explains the draw.
NEAR_HALF = 0.15


def is_near_half(right: int, rollouts: int) -> bool:
    """Whether ``right`` of ``rollouts`` is within :data:`NEAR_HALF` of one half."""
    return rollouts > 0 and abs(right / rollouts - 0.5) <= NEAR_HALF + 1e-12


def near_half_range(rollouts: int) -> tuple[int, int]:
    """The fewest and most right rollouts of ``rollouts`` that count as near half: (6, 9) for 15."""
    ks = [k for k in range(rollouts + 1) if is_near_half(k, rollouts)]
    return (ks[0], ks[-1]) if ks else (0, rollouts)


@dataclass(frozen=True)
class ReplayConfig:
    """How outcomes are fed to the engine and what is asked of it.

    Args:
        seed: seed of the order the problems are fed in, and of the engine's draws.
        per_round: problems fed per round (each with all its rollouts).
        next_n: problems in the draw asked for after the last round.
        orders: how many seeded orders (``seed``, ``seed + 1``, ...) are replayed to show how much the
            next draw depends on the order; the first is the one reported in full.
    """

    seed: int = 0
    per_round: int = 30
    next_n: int = 30
    orders: int = 5

    def __post_init__(self):
        for name, low in (("seed", 0), ("per_round", 1), ("next_n", 1), ("orders", 1)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise param_error(name, "ReplayConfig", f"an int >= {low}", value)


@dataclass
class ChampOutcomes:
    """One model's checked CHAMP conversations: per problem, one entry per prompt style."""

    model: str
    pool: list[dict]  # eval-set records, in data order
    statuses: list[list[str]]  # checker status per rollout, per problem
    prompts: list[list[str]]
    n_tokens: list[list[int]]  # words of the whole model response
    n_steps: list[list[int]]


def _response(messages: list[dict]) -> str:
    return "\n\n".join(m.get("text") or "" for m in messages if str(m.get("role", "")).startswith("Model"))


def champ_outcomes(data: dict, model: str, scoring=None) -> ChampOutcomes:
    """Check every non-reserved conversation of ``model`` (the eval's checker call) into outcomes.

    Raises:
        ValueError: ``model`` is not one of CHAMP's models (the message lists them).
    """
    from eval._generations_io import MatchedProblem
    from eval.features import count_steps, count_tokens
    from eval.runner import score

    known = model_names(data)
    if model not in known:
        raise ValueError(f"--model {model!r} is not a CHAMP model; CHAMP has conversations of {', '.join(map(repr, known))} "
                         "(quote names with spaces: --model 'GPT-4 Turbo').")
    pool = champ_eval_set(data)
    row_of = {r["id"]: i for i, r in enumerate(pool)}
    texts: list[list[str]] = [[] for _ in pool]
    prompts: list[list[str]] = [[] for _ in pool]
    tokens: list[list[int]] = [[] for _ in pool]
    steps: list[list[int]] = [[] for _ in pool]
    for pid, m, prompt, messages in conversations(data):
        if m != model or pid not in row_of:
            continue
        i, answer = row_of[pid], final_answer(messages)
        texts[i].append("" if answer is None else answer)  # no answer: unreadable, as in the eval
        prompts[i].append(prompt)
        response = _response(messages)
        tokens[i].append(count_tokens(response))
        steps[i].append(count_steps(response))
    matched = [MatchedProblem(r["id"], str(r["answer"]), r["skill"], None, None, tuple(t))
               for r, t in zip(pool, texts, strict=True)]
    scored, _ = score(matched, scoring=scoring)
    return ChampOutcomes(model, pool, [list(p.statuses) for p in scored], prompts, tokens, steps)


@dataclass
class ReplayResult:
    """What the engine holds after the replay and the draw it would make next."""

    model: str
    config: ReplayConfig
    group_size: int
    rounds: list[list[str]]  # problem ids fed per round
    table: list[dict]  # engine.table() after the next draw
    per_skill: dict[str, dict]
    next_draw: list[dict]  # the next draw's problems, in order of preference
    excluded: dict[str, int]  # rollouts not reported (not the model's fault), by status
    orders: dict[str, list[float]] = field(default_factory=dict)  # next-draw weight share per skill per order
    selection: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        out = asdict(self)
        out["config"] = asdict(self.config)
        return out


def _feed(outcomes: ChampOutcomes, seed: int, config: ReplayConfig, group_size: int):
    """A fresh engine fed every problem in the order of ``seed``; returns (engine, rounds, next round)."""
    from sai_dpo import SelectionConfig, SelectionEngine

    pool = outcomes.pool
    engine = SelectionEngine.from_pool({"skill": [r["skill"] for r in pool], "level": [r["level"] for r in pool]},
                                       SelectionConfig(group_size=group_size, seed=seed))
    order = np.random.default_rng(seed).permutation(len(pool))
    rounds = [order[i : i + config.per_round] for i in range(0, len(order), config.per_round)]
    for r, chunk in enumerate(rounds):
        idx, rew, tok, stp = [], [], [], []
        for i in chunk:
            for status, n_tok, n_stp in zip(outcomes.statuses[i], outcomes.n_tokens[i], outcomes.n_steps[i],
                                            strict=True):
                if status in _NOT_THE_MODELS_FAULT:
                    continue
                idx.append(i)
                rew.append(1.0 if status == "correct" else 0.0)
                tok.append(n_tok)
                stp.append(n_stp)
        engine.report(np.asarray(idx, dtype=np.int64), np.asarray(rew), round=r, n_tokens=np.asarray(tok),
                      n_steps=np.asarray(stp))
    return engine, rounds, len(rounds)


def _weight_share(engine, skills: Sequence[str], next_round: int) -> dict[str, float]:
    w = engine.weights(next_round)
    out: dict[str, float] = {}
    for s, wi in zip(skills, w, strict=True):
        out[s] = out.get(s, 0.0) + float(wi)
    return out


def _per_skill(outcomes: ChampOutcomes, engine, weight_share: dict, drawn: np.ndarray) -> dict[str, dict]:
    """Per category: pool share, accuracy (raw and the tracker's), problems solved by all/some/no style,
    and the next draw's share (expected from the weights, and the drawn problems)."""
    skills = [r["skill"] for r in outcomes.pool]
    tracker_acc = engine.summary()["skill_accuracy"]
    tau = engine.config.tau  # the knowledge tilt exp((1 - accuracy) / tau), relative to the weakest skill's
    top = max(np.exp((1.0 - a) / tau) for a in tracker_acc.values()) if np.isfinite(tau) else 1.0
    drawn_count = Counter(skills[i] for i in drawn)
    out: dict[str, dict] = {}
    for s in dict.fromkeys(skills):
        rows = [i for i, sk in enumerate(skills) if sk == s]
        right = [sum(st == "correct" for st in outcomes.statuses[i]) for i in rows]
        counted = [sum(st not in _NOT_THE_MODELS_FAULT for st in outcomes.statuses[i]) for i in rows]
        out[s] = {
            "n_problems": len(rows),
            "pool_share": len(rows) / len(skills),
            "accuracy": sum(right) / max(sum(counted), 1),
            "tracker_accuracy": tracker_acc[s],
            "tilt": float(np.exp((1.0 - tracker_acc[s]) / tau) / top) if np.isfinite(tau) else 1.0,
            "all_right": sum(1 for k, n in zip(right, counted, strict=True) if n and k == n),
            "mixed": sum(1 for k, n in zip(right, counted, strict=True) if 0 < k < n),
            "near_half": sum(1 for k, n in zip(right, counted, strict=True) if is_near_half(k, n)),
            "all_wrong": sum(1 for k in right if k == 0),
            "next_share": weight_share[s],
            "next_drawn": drawn_count.get(s, 0),
        }
    return out


def replay(outcomes: ChampOutcomes, config: ReplayConfig | None = None) -> ReplayResult:
    """Feed ``outcomes`` to a fresh :class:`~sai_dpo.SelectionEngine` round by round; ask for the next draw."""
    config = config or ReplayConfig()
    group_size = max(len(s) for s in outcomes.statuses)
    skills = [r["skill"] for r in outcomes.pool]
    orders = {}
    for j in range(config.orders):  # the first order is the one reported in full
        engine_j, rounds_j, next_j = _feed(outcomes, config.seed + j, config, group_size)
        orders[str(config.seed + j)] = _weight_share(engine_j, skills, next_j)
        if j == 0:
            engine, rounds, next_round = engine_j, rounds_j, next_j
    weights = engine.weights(next_round)
    drawn = engine.draw(min(config.next_n, len(skills)), round=next_round)
    per_skill = _per_skill(outcomes, engine, orders[str(config.seed)], drawn)
    next_draw = [{"id": outcomes.pool[i]["id"], "skill": skills[i],
                  "correct": sum(st == "correct" for st in outcomes.statuses[i]),
                  "rollouts": sum(st not in _NOT_THE_MODELS_FAULT for st in outcomes.statuses[i]),
                  "weight": float(weights[i])} for i in drawn]
    excluded = Counter(st for row in outcomes.statuses for st in row if st in _NOT_THE_MODELS_FAULT)
    return ReplayResult(
        model=outcomes.model, config=config, group_size=group_size,
        rounds=[[outcomes.pool[i]["id"] for i in chunk] for chunk in rounds],
        table=engine.table(), per_skill=per_skill, next_draw=next_draw, excluded=dict(excluded),
        orders={s: [orders[k][s] for k in orders] for s in per_skill},
        selection=asdict(engine.config),
    )
