"""Column presets that map the layouts of the usual math sets onto the pool record schema.

A preset turns one raw row (a dict) into a partial record: ``problem``, ``answer`` and, where the set
has them, ``id``, ``skill``, ``level`` and ``choices``. The loader fills in what is missing (a stable id,
the source) and validates the result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

_LEVEL_RE = re.compile(r"(\d+)")
_DAPO_PREFIX = re.compile(r"^\s*Solve the following math problem step by step\..*?\n\n", re.S)
_DAPO_SUFFIX = re.compile(r"\n\n\s*Remember to put your answer on its own line after \"Answer:\"\.?\s*$")


def last_boxed(text: str | None) -> str | None:
    """Content of the last ``\\boxed{...}`` (or ``\\fbox{...}``) in ``text``, nested braces included.

    Example:
        >>> last_boxed(r"so $\\boxed{\\frac{1}{2}}$ and finally \\boxed{3}")
        '3'
    """
    if not text:
        return None
    start = max(text.rfind("\\boxed"), text.rfind("\\fbox"))
    if start < 0:
        return None
    i = start + (6 if text.startswith("\\boxed", start) else 5)
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text):
        return None
    if text[i] != "{":  # "\boxed 5" form: up to the next space or dollar sign
        m = re.match(r"[^\s$]+", text[i:])
        return m.group(0) if m else None
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "{":
            depth += 1
        elif text[j] == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1 : j].strip() or None
    return None


def parse_level(value) -> int | None:
    """``"Level 3"`` -> 3, ``3.0`` -> 3, ``"Level ?"``/None -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and value.is_integer() else None
    m = _LEVEL_RE.search(str(value))
    return int(m.group(1)) if m else None


def _level_or_raw(value):
    parsed = parse_level(value)
    return parsed if parsed is not None or value is None else value


def answer_text(value) -> str | None:
    """A gold answer as a string: ``27.0`` -> ``"27"``, lists joined with ", ", None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value) if value else None
    return str(value).strip()


def _first(row: Mapping, *names: str):
    for name in names:
        if name in row and row[name] is not None:
            return row[name]
    return None


def _generic(row: Mapping) -> dict:
    problem = _first(row, "problem", "question", "Problem", "Question", "prompt", "input")
    answer = _first(row, "answer", "Answer", "final_answer", "gold", "target", "ground_truth")
    if answer is None:
        answer = last_boxed(_first(row, "solution", "Solution"))
    return {
        "id": _first(row, "id", "ID", "unique_id", "uid", "problem_id"),
        "problem": problem,
        "answer": answer_text(answer),
        "skill": _first(row, "skill", "type", "subject", "topic", "category"),
        # An unreadable level ("hard") stays as it is, so validation names the row (no silent None).
        "level": _level_or_raw(_first(row, "level", "Level", "difficulty")),
        "choices": _first(row, "choices", "options"),
        "source": _first(row, "source"),
    }


def _math(row: Mapping) -> dict:
    # hendrycks MATH: problem, level ("Level 3"), type ("Algebra"), solution (answer in last \boxed{}).
    return {
        "problem": row.get("problem"),
        "answer": last_boxed(row.get("solution")),
        "skill": row.get("type"),
        "level": parse_level(row.get("level")),
    }


def _math500(row: Mapping) -> dict:
    # HuggingFaceH4/MATH-500: problem, solution, answer, subject, level (int), unique_id.
    return {
        "id": row.get("unique_id"),
        "problem": row.get("problem"),
        "answer": answer_text(row.get("answer")) or last_boxed(row.get("solution")),
        "skill": row.get("subject"),
        "level": parse_level(row.get("level")),
    }


def _gsm8k(row: Mapping) -> dict:
    # openai/gsm8k: question, answer ("... reasoning ...\n#### 42").
    raw = row.get("answer")
    answer = None
    if isinstance(raw, str) and "####" in raw:
        answer = raw.rsplit("####", 1)[1].strip().replace(",", "")
    return {"problem": row.get("question"), "answer": answer}


def _aime(row: Mapping) -> dict:
    # AIME 2024/2025 sets: (id|ID), (problem|Problem|question), (answer|Answer), sometimes solution, year.
    answer = _first(row, "answer", "Answer")
    if answer is None:
        answer = last_boxed(_first(row, "solution", "Solution"))
    return {
        "id": _first(row, "id", "ID"),
        "problem": _first(row, "problem", "Problem", "question"),
        "answer": answer_text(answer),
    }


def _amc(row: Mapping) -> dict:
    # AMC 2023 sets (e.g. AI-MO/aimo-validation-amc): id, problem, answer (a number, often a float), url.
    return {
        "id": _first(row, "id", "ID"),
        "problem": _first(row, "problem", "question"),
        "answer": answer_text(row.get("answer")),
    }


def _numina(row: Mapping) -> dict:
    # AI-MO/NuminaMath-CoT: source (e.g. "olympiads"), problem, solution (boxed answer), messages.
    origin = row.get("source")
    return {
        "problem": row.get("problem"),
        "answer": last_boxed(row.get("solution")),
        "source": f"NuminaMath-CoT/{origin}" if origin else None,
    }


def _deepscaler(row: Mapping) -> dict:
    # agentica-org/DeepScaleR-Preview-Dataset: problem, answer, solution.
    return {
        "problem": row.get("problem"),
        "answer": answer_text(row.get("answer")) or last_boxed(row.get("solution")),
    }


def _dapo(row: Mapping) -> dict:
    # BytedTsinghua-SIA/DAPO-Math-17k: data_source, prompt [{"role","content"}] wrapping the problem in an
    # instruction, ability, reward_model {"ground_truth","style"}, extra_info {"index"}.
    prompt = row.get("prompt")
    content = None
    if isinstance(prompt, list) and prompt and isinstance(prompt[0], Mapping):
        content = next((m.get("content") for m in prompt if m.get("role") == "user"), prompt[0].get("content"))
    elif isinstance(prompt, str):
        content = prompt
    if content:
        content = _DAPO_SUFFIX.sub("", _DAPO_PREFIX.sub("", content, count=1)).strip()
    reward = row.get("reward_model") or {}
    extra = row.get("extra_info") or {}
    return {
        "id": extra.get("index") if isinstance(extra, Mapping) else None,
        "problem": content,
        "answer": answer_text(reward.get("ground_truth") if isinstance(reward, Mapping) else None),
    }


def _champ(row: Mapping) -> dict:
    # CHAMP (champ-dataset package; data.champ reads the file): one problem object of its "problems"
    # mapping. No level: CHAMP has no difficulty label, and one made from the models' accuracy on it
    # would leak the eval into the selection.
    return {
        "id": row.get("identifier"),
        "problem": row.get("_text"),
        "answer": answer_text(row.get("_answer")),
        "skill": row.get("category"),
        "level": None,
        "source": "champ",
    }


#: Preset name -> row mapper. Names are matched case-insensitively, ignoring "-", "_" and spaces.
PRESETS: dict[str, Callable[[Mapping], dict]] = {
    "generic": _generic,
    "math": _math,
    "math500": _math500,
    "gsm8k": _gsm8k,
    "aime": _aime,
    "amc": _amc,
    "numinamathcot": _numina,
    "deepscaler": _deepscaler,
    "dapomath17k": _dapo,
    "champ": _champ,
}

_ALIASES = {
    "hendrycksmath": "math",
    "competitionmath": "math",
    "aime2024": "aime",
    "aime2025": "aime",
    "amc2023": "amc",
    "numina": "numinamathcot",
    "numinamath": "numinamathcot",
    "dapo": "dapomath17k",
    "dapomath": "dapomath17k",
    "deepscalerpreview": "deepscaler",
}


def get_preset(name: str) -> Callable[[Mapping], dict]:
    """The row mapper for a preset name (``"MATH-500"``, ``"gsm8k"``, ``"dapo-math-17k"``, ...)."""
    key = re.sub(r"[\s_\-]", "", str(name)).lower()
    key = _ALIASES.get(key, key)
    if key not in PRESETS:
        raise ValueError(
            f"The 'preset' parameter of load_pool must be one of {sorted(PRESETS)} (or an alias such as "
            f"'aime2025', 'MATH-500'). Got {name!r} instead."
        )
    return PRESETS[key]
