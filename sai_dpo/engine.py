"""``SelectionEngine``: the public face of the selection method (DESIGN.md section 5)."""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence

import numpy as np

from sai_dpo import _rasch
from sai_dpo import _validate as V
from sai_dpo._codes import encode_levels, encode_skills, pool_columns
from sai_dpo._draw import gumbel_top_k, keyed_rng
from sai_dpo._estimates import cell_estimates, length_rank
from sai_dpo._posterior import calibration_terms
from sai_dpo._predictive import PredictivePrior, check_features
from sai_dpo._scratch import Scratch
from sai_dpo._text_features import pool_text_features
from sai_dpo._tracker import NEVER, Tracker
from sai_dpo.config import SelectionConfig
from sai_dpo.errors import InvalidInputError
from sai_dpo.policies import POLICIES

__all__ = ["SelectionEngine"]

logger = logging.getLogger(__name__)
_STATE_VERSION = 1
# Skill coverage promotes a skill's pick only if its policy weight (above the epsilon floor) is at
# least this share of the heaviest problem's: with the peak factor at sharpness 32 that is an
# expected learnability of at least ~0.65x the best, so a skill the model always fails (or always
# solves) does not take a slot.
COVER_MIN_RATIO = 1e-6


class SelectionEngine:
    """Tracks the model's accuracy per problem and per (skill, level) and draws the next problems.

    Args:
        skills: one knowledge point per problem (str or int; None = no skill).
        levels: one prior difficulty per problem (int or None).
        config: a :class:`SelectionConfig`; the default runs the ``sai_dpo`` policy.
        features: optional float32-convertible array (n_problems, d) of what is known about each
            problem before it is drawn (e.g. :func:`sai_dpo.problem_features` of its text), for
            ``config.prior = "predictive"``; kept by reference when already float32 and contiguous
            (4 * d bytes per problem).

    Not thread-safe (scratch buffers are reused between calls); the service serialises calls.

    Example:
        >>> engine = SelectionEngine(["alg", "geo", "alg"], [1, 2, 3], SelectionConfig(seed=0))
        >>> idx = engine.draw(2, round=0)
        >>> engine.report(np.repeat(idx, 4), [1, 0, 0, 1, 1, 1, 1, 1], round=0)
        >>> sorted(idx.tolist()) == sorted(engine.draw(2, round=0).tolist())  # same key, same draw
        True
    """

    def __init__(self, skills: Sequence, levels: Sequence, config: SelectionConfig | None = None,
                 features=None):
        self.config = config if config is not None else SelectionConfig()
        if not isinstance(self.config, SelectionConfig):
            raise InvalidInputError(f"config must be a SelectionConfig. Got {type(self.config).__name__} instead.")
        skill_codes, self.skills_ = encode_skills(skills)
        level_codes, self.levels_ = encode_levels(levels)
        if len(skill_codes) != len(level_codes):
            raise InvalidInputError(
                f"skills and levels must have one entry per problem. Got {len(skill_codes)} skills and "
                f"{len(level_codes)} levels instead."
            )
        if len(skill_codes) == 0:
            raise InvalidInputError("The pool is empty: pass at least one problem (skills and levels of length >= 1).")
        level_values = np.array([np.nan if lv is None else float(lv) for lv in self.levels_])
        cell_of = skill_codes.astype(np.int32) * len(self.levels_) + level_codes.astype(np.int32)
        self.tracker_ = Tracker(cell_of, len(self.skills_), level_values, self.config.gamma, self.config.cell_gamma,
                                self.config.base_accuracy)
        self.policy_ = POLICIES[self.config.policy](self.config)
        self.features_ = None if features is None else check_features(features, len(skill_codes))
        self.predictor_ = self._predictor()
        self._last_draw: tuple[tuple, np.ndarray] | None = None
        self._last_weights: tuple[tuple, np.ndarray] | None = None
        self._skill_of: np.ndarray | None = None  # int32 skill code per problem, for skill coverage
        self._scratch = Scratch()

    def _predictor(self) -> PredictivePrior | None:
        """The predictive prior's model when the config asks for it and the policy reads it."""
        cfg = self.config
        if cfg.prior != "predictive" or cfg.policy != "sai_dpo":
            return None
        if self.features_ is None:
            raise InvalidInputError(
                "config.prior='predictive' needs features: pass features=problem_features(texts) (one row per "
                "problem), build with SelectionEngine.from_pool on a pool with a 'problem' column, or use prior='cell'."
            )
        return PredictivePrior(self.features_, cfg.gamma)

    @classmethod
    def from_pool(cls, pool, config: SelectionConfig | None = None, features=None) -> SelectionEngine:
        """Build from a pool with the record schema (reads its ``skill`` and ``level`` columns, and with
        ``prior="predictive"`` and no ``features``, :func:`sai_dpo.problem_features` of ``problem``).

        ``pool`` is a ``datasets.Dataset``, a dict of columns, or anything indexable by column name.
        """
        skills, levels = pool_columns(pool)
        if features is None and config is not None and config.prior == "predictive":
            features = pool_text_features(pool)
        return cls(skills, levels, config, features=features)

    def check_pool(self, pool) -> None:
        """Raise InvalidInputError unless ``pool`` is the pool this engine was built on: as many problems,
        and each with the same skill and level (what ``from_pool`` reads), row for row. A draw is a row
        index into the pool, so another pool's rows would get this pool's outcomes."""
        try:
            skills, levels = pool_columns(pool)
        except InvalidInputError:  # only ids (the engine was built from its own columns): their count
            skills = levels = None
        n = len(pool["id"]) if skills is None else len(skills)
        if n != self.n_problems:
            raise InvalidInputError(
                f"The pool has {n} problems and the engine was built on {self.n_problems}: pass the pool the "
                "engine was built on (SelectionEngine.from_pool(pool)), so draws index the right rows.")
        if skills is None:
            return
        skill_codes, skill_vocab = encode_skills(skills)
        level_codes, level_vocab = encode_levels(levels)
        cell = skill_codes.astype(np.int32) * len(level_vocab) + level_codes.astype(np.int32)
        same = skill_vocab == self.skills_ and level_vocab == self.levels_
        rows = np.flatnonzero(cell != self.tracker_.cell_of) if same else np.array([0])
        if len(rows):
            raise InvalidInputError(
                f"The pool's skills and levels differ from those the engine was built on (first at row {rows[0]}): "
                "pass the pool the engine was built on (SelectionEngine.from_pool(pool)), in the same order.")

    @property
    def n_problems(self) -> int:
        """Pool size N."""
        return self.tracker_.n

    # ------------------------------------------------------------------ drawing
    def weights(self, round: int, key: object = None) -> np.ndarray:
        """The draw distribution for ``round`` (float64, sums to 1): policy scores mixed with uniform.

        With Thompson exploration the weights depend on the random stream keyed by
        ``(seed, key or round)``; the same state and key give the same weights. With skill coverage
        (``sai_dpo`` and ``coverage=True``) a draw also puts one problem of each skill with something
        worth practising first, so a small skill's share of the draws can exceed its share here.
        """
        w = self._weights32(V.check_round(round), V.check_key(key))
        w = w.astype(np.float64)
        return w / w.sum()

    def difficulty(self, round: int | None = None) -> np.ndarray:
        """Self-aware difficulty per problem: ``D_i = (1 - p_i) + lambda * rho_i`` (float64).

        ``p_i`` is the estimated pass rate at ``round`` (default: the newest reported round): with
        the ``rasch`` estimator the sigmoid of the problem's logit mean (which does not move with
        ``round``: only its variance grows), otherwise the posterior mean
        (the problem's decayed record shrunk toward its cell, DESIGN.md section 4 step 4); ``rho_i``
        the mean of the step and token ranks in [0, 1]: pass rate first, then steps and length.
        """
        t = self.tracker_
        r = max(t.newest_round, 0) if round is None else V.check_round(round)
        cfg = self.config
        if self.policy_.rasch:
            p = _rasch.pass_rates(t, r, cfg.ability_drift)
        else:
            est = cell_estimates(t, r, cfg.prior_strength, cfg.base_accuracy)
            a, s = t.decayed(r)
            prior = est.cell.ravel()[t.cell_of]
            if self.predictor_ is not None and self.predictor_.active:
                prior = 1.0 / (1.0 + np.exp(-(np.log(prior) - np.log1p(-prior) + self.predictor_.offsets())))
            p = (s + cfg.posterior_strength * prior) / (a + cfg.posterior_strength)
        return (1.0 - p) + cfg.difficulty_weight * length_rank(t).astype(np.float64)

    def _weights32(self, r: int, key: object) -> np.ndarray:
        cache_key = (r, key, self.tracker_.version)
        if self._last_weights is not None and self._last_weights[0] == cache_key:
            return self._last_weights[1]
        self._last_weights = None  # the policy may reuse the buffer it lives in
        rng = keyed_rng(self.config.seed, r if key is None else key, "thompson")
        if self.predictor_ is not None:
            self.policy_.prior_offset = self.predictor_.offsets() if self.predictor_.active else None
        w = np.asarray(self.policy_.scores(self.tracker_, r, rng), dtype=np.float32)
        if w.shape != (self.n_problems,) or float(w.min()) < 0:
            raise ValueError(f"Policy {self.config.policy!r} returned invalid scores (shape {w.shape}, min {w.min()}).")
        top = float(w.max()) if w.size else 0.0
        if 0 < top < 1e-30:  # rescale tiny scores in float64 first: 1 / total would overflow float32
            w = (w.astype(np.float64) / top).astype(np.float32)
        total = float(w.sum())
        eps, n = self.config.epsilon, self.n_problems
        if not math.isfinite(total) or total <= 0:
            logger.warning("policy %r gave scores summing to %s at round %d; drawing uniformly", self.config.policy, total, r)
            w.fill(1.0 / n)
        else:
            w *= np.float32((1 - eps) / total)
            w += np.float32(eps / n)
        self._last_weights = (cache_key, w)
        return w

    def draw(self, n: int, round: int, key: object = None) -> np.ndarray:
        """``n`` distinct pool indices for ``round``, deterministic for ``(seed, key or round)``.

        Asking again for the same ``(n, round, key)`` returns the same indices even if outcomes
        were reported in between (ranks of one job may ask at different times); with no report in
        between, a smaller ``n`` returns a prefix of a larger one (indices come in order of
        preference). ``key`` defaults to ``round``; pass e.g. ``"epoch2/round5"`` to separate
        streams that share round numbers.

        Determinism: the same state, seed and key give the same indices in any process on the same
        numpy build and CPU family (float32 SIMD math may differ in the last bit across CPUs); ranks
        on heterogeneous machines should share one engine through the service, which caches draws.
        """
        r = V.check_round(round)
        n = V.check_n(n, self.n_problems)
        key = V.check_key(key)
        draw_key = (n, r, key)
        if self._last_draw is not None and self._last_draw[0] == draw_key:
            return self._last_draw[1].copy()
        w = self._weights32(r, key)
        rng = keyed_rng(self.config.seed, r if key is None else key, "draw")
        idx = gumbel_top_k(w, n, rng, keys=self._scratch.get("keys", self.n_problems), groups=self._skill_groups(w))
        self.tracker_.mark_drawn(idx, r)
        self._last_draw = (draw_key, idx)
        return idx.copy()

    def _skill_groups(self, w: np.ndarray) -> tuple[np.ndarray, int, float] | None:
        """(skill code per problem, number of skills, minimum weight of a skill's pick) when the
        policy covers skills, else None."""
        t = self.tracker_
        if not self.policy_.covers_skills or t.n_skills < 2:
            return None
        if self._skill_of is None:  # fixed by the pool: computed on the first covered draw
            self._skill_of = t.cell_of // np.int32(t.n_levels)
        codes = self._skill_of
        floor = self.config.epsilon / t.n  # every problem's share of the uniform mix
        return codes, t.n_skills, floor + COVER_MIN_RATIO * (float(w.max()) - floor)

    # ------------------------------------------------------------------ reporting
    def report(self, indices, rewards, round: int, n_tokens=None, n_steps=None) -> None:
        """Record outcomes: one entry per rollout (an index repeats for a group of G rollouts).

        Args:
            indices: pool indices the rollouts were for.
            rewards: in [0, 1], 1 = correct. Do not report ``unparseable_gold``/``timeout`` verdicts.
            round: the round the rollouts were drawn for; late and out-of-order reports are fine
                (evidence from round t always weighs ``gamma ** (newest - t)``).
            n_tokens, n_steps: optional response length and reasoning steps per rollout.

        Raises:
            InvalidInputError: bad input; the engine's state is left unchanged.
        """
        r = V.check_round(round)
        idx, rew, tok, steps = V.check_report(indices, rewards, n_tokens, n_steps, self.n_problems)
        if len(idx) == 0:
            return
        cfg, t = self.config, self.tracker_
        grouped = prior = None
        calibrate, rasch = cfg.calibrate and self.policy_.calibrated, self.policy_.rasch
        if calibrate or rasch or self.predictor_ is not None:
            uniq, inv = grouped = t.group(idx)
            cnt = np.bincount(inv, minlength=len(uniq)).astype(np.float64)
            succ = np.bincount(inv, weights=rew, minlength=len(uniq))
        if self.predictor_ is not None:  # both priors score the outcomes before anything learns from them
            est = cell_estimates(t, r, cfg.prior_strength, cfg.base_accuracy)
            prior = self.predictor_.observe(t, uniq, cnt, succ, r, est.cell, cfg.posterior_strength)
        if calibrate:  # score repeats against their estimates before adding the evidence
            if rasch:
                terms = _rasch.calibration_terms(t, uniq, cnt, succ, r, cfg.ability_drift)
            else:
                if self.predictor_ is None:
                    est = cell_estimates(t, r, cfg.prior_strength, cfg.base_accuracy)
                terms = calibration_terms(t, uniq, cnt, succ, r, est, cfg.posterior_strength, prior)
            t.add_calibration(*terms, r)
        if rasch:
            _rasch.update(t, uniq, cnt, succ, r, cfg.ability_drift, cfg.offset_sd, practice=calibrate)
        t.report(idx, rew, r, tok, steps, cfg.success_threshold, grouped=grouped)

    # ------------------------------------------------------------------ reading
    def _estimates(self):
        t = self.tracker_
        return cell_estimates(t, t.newest_round, self.config.prior_strength, self.config.base_accuracy)

    def table(self) -> list[dict]:
        """One dict per (skill, level) cell that holds problems, in skill then level order.

        Keys: ``skill``, ``level``, ``n_problems``, ``attempts`` (decayed, as of the newest reported
        round), ``accuracy`` (decayed successes / attempts; None before any attempt), ``estimate``
        (shrunk accuracy the engine uses, see :func:`cell_estimates`), ``draws`` (problems drawn from
        the cell so far), ``draw_share`` (draws / all draws; 0.0 before any draw).
        """
        est = self._estimates()
        t = self.tracker_
        total_draws = int(t.c_draws.sum())
        rows = []
        for cell in np.flatnonzero(t.cell_problems):
            s, lv = divmod(int(cell), t.n_levels)
            att, succ = float(est.attempts[s, lv]), float(est.successes[s, lv])
            rows.append({
                "skill": self.skills_[s],
                "level": self.levels_[lv],
                "n_problems": int(t.cell_problems[cell]),
                "attempts": att,
                "accuracy": succ / att if att > 0 else None,
                "estimate": float(est.cell[s, lv]),
                "draws": int(t.c_draws[cell]),
                "draw_share": int(t.c_draws[cell]) / total_draws if total_draws else 0.0,
            })
        return rows

    def summary(self) -> dict:
        """Headline numbers for logs: JSON-serialisable.

        Keys: ``skill_accuracy`` {skill: shrunk decayed accuracy; with the Rasch estimator, its
        per-skill accuracy}, ``skill_attempts``, ``draw_entropy``
        (nats, of the weights of the last draw, or of round ``newest`` if nothing was drawn),
        ``draw_entropy_ratio`` (entropy / log N; 1 = uniform), ``draw_share`` ({"<skill>|<level>":
        share of the most recent draw}, the run-log format), ``informative_share`` (share of the
        (problem, round) groups reported for the newest round with both a success and a failure;
        None before any report), ``informative_round``, ``n_outcomes``, ``global_accuracy``;
        ``sharpness_used`` (``sai_dpo`` without Thompson, once it has scored: the peak factor's sharpness,
        below ``sharpness`` where ``min_spread`` lowered it).
        """
        est = self._estimates()
        # The Rasch model's per-skill accuracy is not pulled toward 0.5 by what was drawn.
        skill_acc = _rasch.skill_accuracy(self.tracker_) if self.policy_.rasch else est.skill
        t = self.tracker_
        w = self._summary_weights().astype(np.float64)
        w = w[w > 0] / w.sum()
        entropy = float(-(w * np.log(w)).sum())
        return {
            "skill_accuracy": {str(k): float(v) for k, v in zip(self.skills_, skill_acc, strict=True)},
            "skill_attempts": {str(k): float(v) for k, v in zip(self.skills_, est.attempts.sum(1), strict=True)},
            "global_accuracy": est.glob,
            "draw_entropy": entropy,
            "draw_entropy_ratio": entropy / math.log(self.n_problems) if self.n_problems > 1 else 1.0,
            "draw_share": self._last_draw_share(),
            "informative_share": t.mixed_groups / t.groups if t.groups else None,
            "informative_round": int(t.flag_round) if t.groups else None,
            "n_outcomes": int(t.n_outcomes),
            **({"prior": self.predictor_.summary()} if self.predictor_ is not None else {}),
            # the peak factor's sharpness at the last scoring (lower than the config's where min_spread asked)
            **({"sharpness_used": self.policy_.sharpness_used}
               if getattr(self.policy_, "sharpness_used", None) is not None else {}),
        }

    def _last_draw_share(self) -> dict[str, float]:
        """Share of the most recent draw per ``"<skill>|<level>"`` cell (run-log format)."""
        if self._last_draw is None or len(self._last_draw[1]) == 0:
            return {}
        t = self.tracker_
        counts = np.bincount(t.cell_of[self._last_draw[1]], minlength=t.n_cells)
        total = counts.sum()
        out = {}
        for cell in np.flatnonzero(counts):
            s, lv = divmod(int(cell), t.n_levels)
            out[f"{self.skills_[s]}|{self.levels_[lv]}"] = float(counts[cell] / total)
        return out

    def _summary_weights(self) -> np.ndarray:
        if self._last_weights is not None:
            return self._last_weights[1]
        if self._last_draw is not None:
            return self._weights32(self._last_draw[0][1], self._last_draw[0][2])
        return self._weights32(max(self.tracker_.newest_round, 0), None)

    # ------------------------------------------------------------------ state
    def state_dict(self) -> dict[str, np.ndarray]:
        """The whole state as a flat dict of numpy arrays (``np.savez(path, **sd)`` stores it).

        ``meta`` is a 0-d string array holding JSON (format version, pool shape, config, the last
        draw's key) so that ``dict(np.load(path))`` loads back with :meth:`load_state_dict`.
        """
        sd = self.tracker_.state_arrays()
        sd["cell_of"] = self.tracker_.cell_of.copy()
        last = None
        if self._last_draw is not None:
            last = list(self._last_draw[0])
            sd["last_draw"] = self._last_draw[1].copy()
        meta = {
            "version": _STATE_VERSION, "n": self.n_problems, "skills": [str(s) for s in self.skills_],
            "levels": self.levels_, "config": self.config.to_dict(), "last_draw_key": last,
        }
        sd["meta"] = np.array(json.dumps(meta))
        if self.predictor_ is not None:
            sd.update(self.predictor_.state_arrays())
        return sd

    def _warm_start_rasch(self, saved: str | None) -> None:
        """Fit fresh Rasch estimates to the loaded per-problem evidence (one report of each seen
        problem's decayed attempts and successes at the newest round), for a state saved before the
        Rasch estimator existed or by an engine that used the Beta estimator."""
        t = self.tracker_
        t._fresh_rasch()
        r = int(t.newest_round)
        seen = np.flatnonzero(t.attempts > 0)
        if len(seen) and r != NEVER:
            a, s = t.decayed(r)
            _rasch.update(t, seen, a[seen].astype(np.float64), s[seen].astype(np.float64), r,
                          self.config.ability_drift, self.config.offset_sd, practice=False)
        logger.warning("state was saved with estimator %r: Rasch estimates refitted from %d problems' "
                       "evidence", saved or "beta (before Rasch)", len(seen))

    def load_state_dict(self, state: dict) -> None:
        """Restore a :meth:`state_dict` taken from an engine over the same pool.

        Raises:
            InvalidInputError: the state is from another pool or malformed; nothing is changed.
        """
        from sai_dpo._codes import check_state

        meta = check_state(state, self)
        self.restored_config_ = meta.get("config")  # the settings the state was taken under
        has_model = self.predictor_ is not None and self.predictor_.check_arrays(state)
        self.tracker_.load_arrays(state)
        if has_model:
            self.predictor_.load_arrays(state)
        elif self.predictor_ is not None:  # a state saved without a model starts a fresh one
            self.predictor_.reset()
        saved = meta.get("config", {}).get("estimator")
        if self.policy_.rasch and saved != "rasch":  # its Rasch arrays are absent or were never fed
            self._warm_start_rasch(saved)
        last = meta.get("last_draw_key")
        self._last_draw = None if last is None else (tuple(last), np.array(state["last_draw"], np.int64))
        self._last_weights = None

