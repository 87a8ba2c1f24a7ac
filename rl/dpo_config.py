"""Configuration of the iterative DPO loop: one dataclass, validated before any work starts.

The YAML file and the CLI flags map onto the same :class:`DPOLoopConfig`; every field is documented
once, here. Bad values raise :class:`~sai_dpo.errors.InvalidInputError` (a ``ValueError``) with the
house wording "The 'x' parameter of DPOLoopConfig must be Z. Got W instead.".

Example:
    >>> cfg = DPOLoopConfig(run_dir="runs/dpo", iterations=2, k=4)
    >>> cfg.k
    4
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sai_dpo.errors import InvalidInputError, param_error

__all__ = ["DPOLoopConfig", "load_config", "CHOSEN_RULES", "BACKENDS", "PROBE_POLICIES"]

#: How the chosen (correct) sample of a pair is picked; see ``rl.pairs``.
CHOSEN_RULES = ("fewest_steps", "shortest")
#: Rollout backends (``rl.backends``).
BACKENDS = ("transformers",)
#: "uniform": the probe set is a uniform draw (unbiased accuracy by skill, and the uniform baseline of
#: the informative share); "same": the probe set is drawn by the training-selection engine.
PROBE_POLICIES = ("uniform", "same")
_POOL_SUFFIXES = (".jsonl", ".json", ".parquet", ".csv")
_OWNER = "DPOLoopConfig"


@dataclass
class DPOLoopConfig:
    """Every setting of ``sai-dpo train dpo``.

    Attributes:
        run_dir: folder of the run: ``run.json``, ``rounds.jsonl``, ``iter_000/``, ... Rerunning with
            the same folder resumes after the last finished iteration.
        pool: problem pool: a file (jsonl/json/parquet/csv), ``builtin:NAME`` or a hub id.
        preset: column preset of the pool file (``data.load_pool``'s ``preset``; None: generic names).
        pool_size: keep only the first ``pool_size`` rows of the pool (None keeps all).
        model: folder of the initial policy (model + tokenizer). None builds the tiny offline policy
            from the pool text and warm-starts it (``rl.tiny``), which is what tests and demos use.
        warm_start_steps: supervised steps of that warm start (tiny policy only).
        warm_start_max_level: warm-start on problems up to this level only (None: all), so that the
            policy solves the easy tiers sometimes and the harder ones rarely: mixed groups to learn from.
        iterations: T, number of probe -> select -> pair -> train iterations (at least 1).
        k: samples generated per problem (the paper's K, for P@K and for pairs).
        probe_size: problems probed per iteration.
        train_size: problems selected for training per iteration.
        pairs_per_problem: P, at most this many preference pairs per mixed problem.
        policy: selection policy of the engine (sai_dpo, uniform, curriculum, learnability, prioritized).
        probe_policy: how the probe set is drawn, see :data:`PROBE_POLICIES`.
        chosen_rule: which correct sample becomes "chosen", see :data:`CHOSEN_RULES`.
        prompt_template: user message built from a problem; must contain ``{problem}``.
        max_new_tokens / temperature / gen_batch_size: rollout generation settings.
        backend: rollout backend name, see :data:`BACKENDS`.
        beta / learning_rate / train_batch_size / max_length / loss_type: ``trl.DPOConfig`` settings
            of the one-pass training of each iteration.
        seed: seed of draws, generation and training (each iteration derives its own).
        selection: extra ``SelectionConfig`` fields (``group_size`` is set to ``k``, ``seed`` to ``seed``).
    """

    run_dir: str = "runs/dpo"
    pool: str = "builtin:arith"
    preset: str | None = None
    pool_size: int | None = None
    model: str | None = None
    warm_start_steps: int = 300
    warm_start_max_level: int | None = 2
    iterations: int = 3
    k: int = 8
    probe_size: int = 32
    train_size: int = 32
    pairs_per_problem: int = 2
    policy: str = "sai_dpo"
    probe_policy: str = "uniform"
    chosen_rule: str = "fewest_steps"
    prompt_template: str = "{problem}"
    max_new_tokens: int = 32
    temperature: float = 1.0
    gen_batch_size: int = 64
    backend: str = "transformers"
    beta: float = 0.1
    learning_rate: float = 5e-4
    train_batch_size: int = 8
    max_length: int = 256
    loss_type: list[str] = field(default_factory=lambda: ["sigmoid"])
    seed: int = 0
    selection: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        self._check_ints()
        self._check_floats()
        self._check_choices()
        self._check_paths()
        self.selection_config()  # unknown policy or bad selection fields fail here, before any work

    # --- validation -----------------------------------------------------------------------------
    def _check_ints(self):
        positive = ("k", "probe_size", "train_size", "pairs_per_problem", "max_new_tokens",
                    "gen_batch_size", "train_batch_size", "max_length")
        for name in positive:
            _require_int(name, getattr(self, name), minimum=1)
        _require_int("iterations", self.iterations, minimum=1)
        _require_int("warm_start_steps", self.warm_start_steps, minimum=0)
        _require_int("seed", self.seed, minimum=0)
        if self.k < 2:
            raise param_error("k", _OWNER, "an int >= 2 (a pair needs a correct and an incorrect sample)",
                              self.k)
        if self.warm_start_max_level is not None:
            _require_int("warm_start_max_level", self.warm_start_max_level, minimum=1)
        if self.pool_size is not None:
            _require_int("pool_size", self.pool_size, minimum=1)

    def _check_floats(self):
        for name, allow_zero in (("temperature", False), ("beta", False), ("learning_rate", False)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
                    or value < 0 or (value == 0 and not allow_zero):
                raise param_error(name, _OWNER, "a positive finite number", value)

    def _check_choices(self):
        for name, allowed in (("chosen_rule", CHOSEN_RULES), ("backend", BACKENDS),
                              ("probe_policy", PROBE_POLICIES)):
            if getattr(self, name) not in allowed:
                raise param_error(name, _OWNER, f"one of {list(allowed)}", getattr(self, name))
        if not isinstance(self.policy, str) or not self.policy:
            raise param_error("policy", _OWNER, "a selection policy name such as 'sai_dpo' or 'uniform'",
                              self.policy)
        from eval.runner import check_prompt_template

        try:
            check_prompt_template(self.prompt_template if isinstance(self.prompt_template, str) else "")
        except ValueError:
            raise param_error("prompt_template", _OWNER, "a string containing '{problem}' and no other field "
                              "('{{' and '}}' for literal braces)", self.prompt_template) from None
        if isinstance(self.loss_type, str):
            self.loss_type = [self.loss_type]
        if not isinstance(self.loss_type, list) or not self.loss_type \
                or not all(isinstance(x, str) for x in self.loss_type):
            raise param_error("loss_type", _OWNER, "a non-empty list of TRL DPO loss names", self.loss_type)
        if not isinstance(self.selection, dict):
            raise param_error("selection", _OWNER, "a mapping of SelectionConfig fields", self.selection)

    def _check_paths(self):
        if not isinstance(self.run_dir, str) or not self.run_dir:
            raise param_error("run_dir", _OWNER, "a non-empty folder path", self.run_dir)
        if not isinstance(self.pool, str) or not self.pool:
            raise param_error("pool", _OWNER, "a pool file, 'builtin:NAME' or a hub id", self.pool)
        if not self.pool.startswith("builtin:") and Path(self.pool).suffix in _POOL_SUFFIXES \
                and not Path(self.pool).is_file():
            raise param_error("pool", _OWNER, "an existing pool file (or 'builtin:arith')", self.pool)
        if self.preset is not None:
            from data.presets import get_preset

            get_preset(self.preset)  # an unknown preset names the known ones, before any work
        if self.model is not None and not (Path(self.model) / "config.json").is_file():
            raise param_error("model", _OWNER,
                              "a folder holding a saved model (config.json) and its tokenizer, or None "
                              "to build the tiny policy", self.model)

    # --- derived ---------------------------------------------------------------------------------
    def selection_config(self):
        """The engine's ``SelectionConfig`` for this loop (group size K, the loop's seed and policy)."""
        from sai_dpo import SelectionConfig

        extra = dict(self.selection)
        for reserved in ("policy", "group_size", "seed"):
            if reserved in extra:
                raise param_error("selection", _OWNER,
                                  f"free of '{reserved}' (set it with the loop's own field)", self.selection)
        known = {f.name for f in dataclasses.fields(SelectionConfig)}
        unknown = sorted(set(extra) - known)
        if unknown:
            raise param_error("selection", _OWNER, f"a mapping of SelectionConfig fields ({', '.join(sorted(known))}); "
                              f"unknown: {', '.join(unknown)}", self.selection)
        return SelectionConfig(policy=self.policy, group_size=self.k, seed=self.seed, **extra)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data copy, for ``run.json``."""
        return dataclasses.asdict(self)

    @classmethod
    def field_names(cls) -> list[str]:
        """Names accepted in a YAML file and as ``--flag`` overrides."""
        return [f.name for f in dataclasses.fields(cls)]


def _require_int(name: str, value: object, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        expected = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise param_error(name, _OWNER, expected, value)


def load_config(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> DPOLoopConfig:
    """Read a YAML file (``yaml.safe_load``), apply ``overrides`` (None values ignored), validate.

    Raises:
        FileNotFoundError: the YAML file does not exist.
        InvalidInputError: the file is not a mapping, names an unknown field, or a value is bad.
    """
    from data.loaders import read_yaml

    values: dict[str, Any] = {}
    if path is not None:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"DPO config file {str(path)!r} does not exist; pass an existing YAML file.")
        loaded = read_yaml(path, InvalidInputError) or {}
        if not isinstance(loaded, dict):
            raise InvalidInputError(
                f"The DPO config file {str(path)!r} must hold a mapping of field: value. "
                f"Got {type(loaded).__name__} instead.")
        values.update(loaded)
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    unknown = sorted(set(values) - set(DPOLoopConfig.field_names()))
    if unknown:
        raise InvalidInputError(
            f"Unknown DPO config field(s) {unknown}. Valid fields: {DPOLoopConfig.field_names()}.")
    return DPOLoopConfig(**values)
