"""Score generations (from a file or a model folder) against an eval set and compute the metrics.

    >>> result = evaluate("gens.jsonl", "builtin:math-style")  # doctest: +SKIP
    >>> result.metrics["accuracy"], result.metrics["pass_at_k"]["8"]  # doctest: +SKIP

Scoring calls :func:`eval.checker.verify_batch` in chunks (its workers verify in parallel) under a
tqdm progress bar; the extracted answers feed maj@k's equivalence classes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from eval._eval_errors import EvalInputError
from eval._generations_io import DataIssues, MatchedProblem, load_generations, match_generations
from eval.metrics import Equivalence, MetricsConfig, ProblemSamples, checker_equivalence, compute_metrics

__all__ = [
    "BUILTIN_SETS",
    "EvalResult",
    "ScoringConfig",
    "evaluate",
    "format_prompt",
    "generations_from_model",
    "resolve_eval_set",
    "score",
    "tokenizer_counter",
    "write_generations",
]

log = logging.getLogger(__name__)

BUILTIN_SETS = ("aime-style", "amc-style", "math-style", "arith", "digits", "mixed")
WHITESPACE_UNIT = "whitespace-separated words"


@dataclass(frozen=True)
class ScoringConfig:
    """How samples are checked.

    Args:
        workers: checker worker processes (None: the checker's default).
        timeout: wall-clock seconds per verification before it counts as ``timeout``.
        chunk_size: samples per ``verify_batch`` call; the progress bar advances per chunk.
        progress: show the tqdm bar.
    """

    workers: int | None = None
    timeout: float = 2.0
    chunk_size: int = 2000
    progress: bool = True

    def __post_init__(self):
        if self.workers is not None and (not isinstance(self.workers, int) or self.workers < 1):
            raise EvalInputError(
                f"The 'workers' parameter of ScoringConfig must be None or an integer >= 1. Got {self.workers!r} instead."
            )
        if not isinstance(self.timeout, int | float) or self.timeout <= 0:
            raise EvalInputError(
                f"The 'timeout' parameter of ScoringConfig must be a number > 0. Got {self.timeout!r} instead."
            )
        if not isinstance(self.chunk_size, int) or self.chunk_size < 1:
            raise EvalInputError(
                f"The 'chunk_size' parameter of ScoringConfig must be an integer >= 1. Got {self.chunk_size!r} instead."
            )


@dataclass
class EvalResult:
    """Metrics (JSON-ready), one row per scored sample, the scored problems and the data issues."""

    metrics: dict
    samples: list[dict]
    problems: list[ProblemSamples]
    issues: DataIssues = field(default_factory=DataIssues)


def resolve_eval_set(name_or_file, preset: str | None = None, skip_invalid: bool = False):
    """Load an eval set: a Dataset / list as is, a builtin name (``math-style`` or
    ``builtin:math-style``), or any pool file or hub id through :func:`data.load_pool` (``skip_invalid``:
    drop invalid rows and report them instead of refusing the file). A name close to a builtin one
    ("math_style") is refused with a suggestion rather than looked up on the hub.

    Returns ``(rows, name)``.
    """
    if not isinstance(name_or_file, str | Path):
        return name_or_file, "in-memory"
    source = str(name_or_file)
    if source in BUILTIN_SETS and not Path(source).exists():
        source = f"builtin:{source}"
    elif not Path(source).exists() and ":" not in source and "/" not in source:
        import difflib

        close = difflib.get_close_matches(source.replace("_", "-").lower(), BUILTIN_SETS, n=1, cutoff=0.7)
        if close:  # a typo of a builtin name would otherwise be looked up on the Hugging Face hub
            raise ValueError(f"--set {source!r} is neither a file nor a builtin set; did you mean {close[0]!r}? "
                             f"(builtin sets: {', '.join(BUILTIN_SETS)})")
    from data import load_pool

    return load_pool(source, preset=preset, skip_invalid=skip_invalid), source


def _verify_chunks(golds, texts, choices, scoring: ScoringConfig):
    from tqdm.auto import tqdm

    from eval.checker import verify_batch

    verdicts = []
    with tqdm(total=len(texts), desc="verify", unit="sample", disable=not scoring.progress) as bar:
        for start in range(0, len(texts), scoring.chunk_size):
            end = start + scoring.chunk_size
            verdicts.extend(
                verify_batch(
                    golds[start:end],
                    texts[start:end],
                    choices=choices[start:end],
                    timeout=scoring.timeout,
                    workers=scoring.workers,
                )
            )
            bar.update(min(end, len(texts)) - start)
    return verdicts


_TAIL = 240  # characters of each completion kept with its verdict: where the answer usually is
_EXAMPLES = 3  # examples per status in the report's "what the checker read"


def reading(samples: Sequence[dict]) -> dict:
    """How well the checker could read the completions: the share per status, and a few examples of each
    status that is not ``correct`` (gold, what was read, the completion's end), so that a user sees at once
    when a reward built on the checker cannot read the model. ``unread_share`` counts the completions whose
    answer it could not read; one whose gold it could not read is a data issue (``unreadable_golds``)."""
    n = len(samples)
    counts = Counter(s["status"] for s in samples)
    judged = counts["correct"] + counts["incorrect"] + counts["unparseable_gold"]  # a gold it cannot read: a data issue
    examples: dict[str, list[dict]] = {}
    for row in samples:
        if row["status"] != "correct" and len(examples.setdefault(row["status"], [])) < _EXAMPLES:
            examples[row["status"]].append({k: row.get(k) for k in ("problem_id", "gold", "answer",
                                                                     "completion_tail")})
    return {"n_samples": n, "unread_share": (n - judged) / n if n else 0.0,
            "share": {status: c / n for status, c in counts.items()} if n else {}, "examples": examples}


def _answer(text: str, choices: tuple[str, ...] | None, extract, gold=None) -> str | None:
    """The extracted answer (the gold is a hint of its type: a yes/no gold gives the response's
    stance); on multiple-choice problems a choice's value becomes its letter, so ``12`` and ``B``
    (when choice B is 12) fall in one maj@k class (string match after trimming)."""
    answer = extract(text, choices=list(choices) if choices else None, gold=gold)
    if answer is not None and choices:
        values = [c.strip() for c in choices]
        if answer.strip() in values:
            return chr(65 + values.index(answer.strip()))
    return answer


def score(
    matched: Sequence[MatchedProblem],
    *,
    scoring: ScoringConfig | None = None,
    token_counter: Callable[[str], int] | None = None,
    step_counter: Callable[[str], int] | None = None,
) -> tuple[list[ProblemSamples], list[dict]]:
    """Check every completion; return the scored problems and one row per sample.

    Tokens are counted with ``token_counter`` (default: :func:`eval.features.count_tokens`, i.e.
    whitespace-separated words) and reasoning steps with ``step_counter`` (default:
    :func:`eval.features.count_steps`), the same rules rewards and DPO pairs use.
    """
    from eval.checker import extract
    from eval.features import count_steps, count_tokens

    scoring = scoring or ScoringConfig()
    token_counter = token_counter or count_tokens
    step_counter = step_counter or count_steps
    golds, texts, choices = [], [], []
    for m in matched:
        golds.extend([m.gold] * len(m.completions))
        texts.extend(m.completions)
        choices.extend([list(m.choices) if m.choices else None] * len(m.completions))
    verdicts = _verify_chunks(golds, texts, choices, scoring)
    problems, samples, pos = [], [], 0
    for m in matched:
        n = len(m.completions)
        vs = verdicts[pos : pos + n]
        answers = tuple(_answer(t, m.choices, extract, m.gold) for t in m.completions)
        tokens = tuple(token_counter(t) for t in m.completions)
        steps = tuple(step_counter(t) for t in m.completions)
        statuses = tuple(v.status for v in vs)
        problems.append(ProblemSamples(m.problem_id, m.skill, m.level, statuses, answers, tokens, steps))
        for j in range(n):
            samples.append(
                {
                    "problem_id": m.problem_id,
                    "sample": j,
                    "skill": m.skill,
                    "level": m.level,
                    "status": statuses[j],
                    "answer": answers[j],
                    "gold": m.gold,
                    "reason": getattr(vs[j], "reason", ""),
                    "completion_tail": m.completions[j][-_TAIL:],
                    "n_tokens": tokens[j],
                    "n_steps": steps[j],
                }
            )
        pos += n
    return problems, samples


def evaluate(
    generations,
    eval_set,
    *,
    preset: str | None = None,
    equivalent: Equivalence | None = None,
    metrics_config: MetricsConfig | None = None,
    scoring: ScoringConfig | None = None,
    token_counter: Callable[[str], int] | None = None,
    token_unit: str = WHITESPACE_UNIT,
    step_counter: Callable[[str], int] | None = None,
    set_name: str | None = None,
) -> EvalResult:
    """Score ``generations`` (a file path or a list of row dicts) against ``eval_set``.

    Args:
        generations: path to a JSONL / parquet generations file, or its rows as dicts.
        eval_set: a builtin name, a pool file / hub id (through ``data.load_pool``), a
            ``datasets.Dataset`` or a list of pool-record dicts.
        preset: loader preset passed to ``data.load_pool``.
        equivalent: answer equivalence for maj@k (default: the real checker).
        metrics_config: :class:`eval.metrics.MetricsConfig`.
        scoring: :class:`ScoringConfig` for the checker.
        token_counter: counts tokens of a completion (default: whitespace words).
        token_unit: how tokens were counted, written into the metrics.
        step_counter: counts reasoning steps (default: :func:`eval.features.count_steps`).
        set_name: name written into the metrics (default: the source string, or "in-memory").

    Raises:
        EvalInputError: when no generation matches the eval set (the message lists why).
    """
    scoring = scoring or ScoringConfig()
    rows = load_generations(generations) if isinstance(generations, str | Path) else list(generations)
    pool, resolved_name = resolve_eval_set(eval_set, preset)
    set_name = set_name or resolved_name
    matched, issues = match_generations(rows, pool)
    if not matched:
        nulls = len(issues.null_completions)
        hint = ("the rows' completions are null or empty: check the generation step" if nulls and not issues.unknown_ids
                else "check --set")
        raise EvalInputError(
            f"No generation matched a problem of eval set {set_name!r} ({len(issues.unknown_ids)} completions "
            f"had unknown problem ids, {nulls} rows had null or empty completions, {len(issues.missing_problems)} "
            f"problems had none); {hint}."
        )
    problems, samples = score(matched, scoring=scoring, token_counter=token_counter, step_counter=step_counter)
    # A gold the checker cannot read fails every completion of its problem: a fault of the eval set, not the model.
    issues.unreadable_golds.extend(dict.fromkeys(str(s["problem_id"]) for s in samples if s["status"] == "unparseable_gold"))
    equivalent = equivalent or checker_equivalence(timeout=scoring.timeout, workers=scoring.workers)
    metrics = compute_metrics(problems, equivalent=equivalent, config=metrics_config)
    metrics["set"] = set_name
    metrics["generations"] = str(generations) if isinstance(generations, str | Path) else "in-memory"
    metrics["token_unit"] = token_unit
    metrics["data_issues"] = issues.to_dict()
    metrics["reading"] = reading(samples)
    if issues.total():
        log.warning(
            "data issues: %s",
            ", ".join(f"{k}={v['count']}" for k, v in metrics["data_issues"].items() if v["count"]),
        )
    return EvalResult(metrics=metrics, samples=samples, problems=problems, issues=issues)


def check_prompt_template(template: str) -> str:
    """``template`` if it fills in the problem text as ``{problem}``; a clear error otherwise.

    Raises:
        ValueError: no ``{problem}`` field (every prompt would be the same text), another field
            (``{question}``), or braces that are not a format field (write ``{{`` for a literal one).
    """
    import string

    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ValueError(f"--prompt-template {template!r} is not a valid template ({exc}); write {{{{ and }}}} "
                         "for literal braces.") from None
    other = sorted({f for f in fields if f != "problem"})
    if other:
        raise ValueError(f"--prompt-template {template!r} uses {', '.join('{' + f + '}' for f in other)}; "
                         "only {problem} is filled in (write {{ and }} for literal braces).")
    if "problem" not in fields:
        raise ValueError(f"--prompt-template {template!r} has no {{problem}} field, so every prompt would be the "
                         "same text; put {problem} where the problem goes, e.g. 'Solve: {problem}'.")
    return template


def format_prompt(row: dict, template: str = "{problem}") -> str:
    """The prompt for one eval-set row: ``template`` filled with ``problem`` (and ``choices``
    lines ``(A) ...`` appended for multiple-choice rows whose text does not list them yet)."""
    text = template.format(problem=row["problem"])
    choices = row.get("choices")
    if choices and "(A)" not in text:
        text += "\n" + " ".join(f"({chr(65 + i)}) {c}" for i, c in enumerate(choices))
    return text


def generations_from_model(
    model_dir: str | Path,
    eval_set,
    *,
    k: int = 8,
    max_new_tokens: int = 64,
    temperature: float = 1.0,
    batch_size: int = 32,
    seed: int = 0,
    preset: str | None = None,
    prompt_template: str = "{problem}",
    progress: bool = True,
) -> tuple[list[dict], Callable[[str], int]]:
    """Sample ``k`` completions per eval-set problem from a model folder.

    Returns the generation rows (``problem_id``, ``sample``, ``completion``; the same layout as a
    generations file) and a token counter that uses the model's tokenizer.
    """
    from eval.generation import generate, load_model_and_tokenizer

    check_prompt_template(prompt_template)
    pool, _ = resolve_eval_set(eval_set, preset)
    records = pool.to_list() if hasattr(pool, "to_list") else list(pool)
    model, tokenizer = load_model_and_tokenizer(model_dir)
    prompts = [format_prompt(r, prompt_template) for r in records]
    outs = generate(model, tokenizer, prompts, k=k, max_new_tokens=max_new_tokens, progress=progress,
                    temperature=temperature, batch_size=batch_size, seed=seed)
    rows = [
        {"problem_id": str(r["id"]), "sample": j, "completion": text}
        for r, texts in zip(records, outs, strict=True)
        for j, text in enumerate(texts)
    ]

    return rows, tokenizer_counter(tokenizer)


def tokenizer_counter(tokenizer) -> Callable[[str], int]:
    """Count tokens of a (decoded) completion by re-encoding it with ``tokenizer``.

    ``tokenizer`` may be a loaded tokenizer or a folder to load one from.
    """
    if isinstance(tokenizer, str | Path):
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(str(tokenizer))

    from eval.features import count_tokens

    def _count(text: str) -> int:
        return count_tokens(text, tokenizer)

    return _count


def write_generations(rows: Sequence[dict], path: str | Path) -> Path:
    """Write generation rows as JSONL (the format :func:`evaluate` reads back)."""
    import json

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    return path
