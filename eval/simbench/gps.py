"""GPS (Qu et al., arXiv 2602.01970): one small predictive model shared across prompts, fit on the
optimization history, predicts the success rate of any prompt (never-evaluated ones included); a batch
favours intermediate difficulty plus history-anchored diversity. A benchmark peer, not an engine policy.

Our reading, and what we chose where the paper is silent or its model is out of scale (also in the README):

* **Predictor.** The paper trains a small latent-variable generative model by an ELBO on the shared
  history. We use the lightest model with the same role: a Bayesian logistic regression of a group's
  successes (binomial, ``k`` of ``G``) on what is known of a prompt before it is drawn: an intercept,
  one-hots of its shown skill label and of its level, and its observable features (standardised;
  ``learner.features`` in the simulator, absent = one-hots only). It is refit every round by a few
  Newton steps (warm-started) on the groups of the last ``window`` rounds, each weighted
  ``2 ** (-age / half_life)`` so the fit follows the moving policy, with an L2 prior ``l2`` (a
  Gaussian N(0, 1/l2) on every weight). No per-prompt term: a prompt's prediction comes only from
  what it shares with others, which is the point GPS makes against MoPPS.
* **Bayesian prediction.** With ``thompson`` (default) one weight vector is drawn per round from the
  Laplace posterior N(w_hat, H^-1) and every candidate is predicted with it (the analogue of the
  paper's Monte Carlo predictive and of MoPPS's posterior sampling); otherwise the posterior mean.
* **Candidates.** As in MoPPS's code, which GPS extends: the next ``ts_ratio * B`` prompts of an epoch
  permutation of the pool (``ts_ratio = 4``, our choice).
* **Batch acquisition.** Greedy: each pick maximises ``-|p_hat_i - target| - diversity * max(0,
  max_j cos(phi_i, phi_j))`` over the candidates not yet picked, where ``j`` runs over the prompts of the
  last ``history_rounds`` batches (the history anchor) and those already picked this round, and
  ``phi`` is the prompt's unit-normalised [skill one-hot, level one-hot, features / sqrt(d)]. ``target
  = 0.5``; ``diversity = 0.1`` and ``history_rounds = 4`` are our choices (the paper's weights were not
  re-checked).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from eval.simbench.mopps import EpochCandidates, _check, _number

__all__ = ["GPSSelector"]


def _one_hot(values) -> np.ndarray:
    """(n, distinct values) 0/1 matrix; values compared as strings (None is its own category)."""
    _, codes = np.unique(np.asarray([str(v) for v in values]), return_inverse=True)
    out = np.zeros((codes.size, int(codes.max()) + 1 if codes.size else 0))
    out[np.arange(codes.size), codes] = 1.0
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))


class GPSSelector:
    """GPS: a shared online predictor of success rates plus a diverse, intermediate-difficulty batch.

    Args:
        skills: shown skill label per prompt.
        levels: level per prompt (None allowed).
        features: optional (n, d) observable features per prompt.
        seed: seed of the candidate order and the posterior draws.
        target: success rate to aim for, in (0, 1).
        ts_ratio: candidates per round as a multiple of the batch size (integer >= 1).
        diversity: weight of the similarity penalty (>= 0; 0 = intermediate difficulty only).
        history_rounds: recent batches the diversity term is anchored on (integer >= 0).
        half_life: rounds after which a group's weight in the fit halves (> 0).
        window: rounds of history the fit reads (integer >= 1).
        l2: precision of the Gaussian prior on every weight (> 0).
        thompson: draw the weights from the posterior each round (else use its mean).

    Example:
        >>> sel = GPSSelector(["a", "b"] * 50, [1, 2, 3, 4, 5] * 20, seed=0)
        >>> idx = sel.draw(8, round=0)
        >>> sel.report(idx, np.ones((8, 4)), round=0)
        >>> sel.predict(idx).shape
        (8,)
    """

    def __init__(self, skills, levels, features=None, seed: int = 0, target: float = 0.5, ts_ratio: int = 4,
                 diversity: float = 0.1, history_rounds: int = 4, half_life: float = 10.0, window: int = 50,
                 l2: float = 1.0, thompson: bool = True):
        owner = "GPSSelector"
        _check(_number(target) and 0 < target < 1, "target", "a number in (0, 1)", target, owner)
        for name, value, low in (("ts_ratio", ts_ratio, 1), ("history_rounds", history_rounds, 0), ("window", window, 1)):
            _check(isinstance(value, int) and not isinstance(value, bool) and value >= low, name,
                   f"an integer >= {low}", value, owner)
        _check(_number(diversity) and diversity >= 0, "diversity", "a finite number >= 0", diversity, owner)
        for name, value in (("half_life", half_life), ("l2", l2)):
            _check(_number(value) and value > 0, name, "a positive finite number", value, owner)
        _check(isinstance(thompson, bool), "thompson", "true or false", thompson, owner)
        n = len(skills)
        _check(len(levels) == n, "levels", f"one level per prompt ({n})", len(levels), owner)
        blocks = [_one_hot(skills), _one_hot(levels)]
        if features is not None:
            feats = np.asarray(features, dtype=np.float64)
            _check(feats.ndim == 2 and feats.shape[0] == n, "features", f"an ({n}, d) matrix", feats.shape, owner)
            sd = feats.std(axis=0)
            blocks.append((feats - feats.mean(axis=0)) / np.where(sd > 0, sd, 1.0))
        self.target, self.ts_ratio, self.diversity = float(target), ts_ratio, float(diversity)
        self.half_life, self.window, self.l2, self.thompson = float(half_life), window, float(l2), thompson
        self.design = np.concatenate([np.ones((n, 1)), *blocks], axis=1)  # (n, D) regression inputs
        phi = np.concatenate(blocks[:2] + ([blocks[2] / np.sqrt(blocks[2].shape[1])] if len(blocks) > 2 else []),
                             axis=1)
        self.embedding = phi / np.maximum(np.linalg.norm(phi, axis=1, keepdims=True), 1e-12)
        dim = self.design.shape[1]
        self.coef_ = np.zeros(dim)
        self.hess_ = self.l2 * np.eye(dim)
        self._history: deque = deque()  # (round, indices, successes, group size)
        self._stale = False
        self._recent: deque = deque(maxlen=history_rounds)  # the last batches drawn (history anchor)
        self._rng = np.random.default_rng([seed, 6601])
        self._candidates = EpochCandidates(n, np.random.default_rng([seed, 6602]))

    # -- the predictor -------------------------------------------------------------------------------
    def fit(self, now: int, steps: int = 3) -> None:
        """Refit the weights on the history of the last ``window`` rounds (Newton, warm-started)."""
        while self._history and self._history[0][0] <= now - self.window:
            self._history.popleft()
        if not self._history:
            return
        rnd = np.concatenate([np.full(h[1].size, h[0], dtype=np.float64) for h in self._history])
        rows = np.concatenate([h[1] for h in self._history])
        k = np.concatenate([h[2] for h in self._history])
        g = np.concatenate([h[3] for h in self._history])
        wt = 0.5 ** ((now - rnd) / self.half_life)
        x = self.design[rows]
        w = self.coef_.copy()
        for _ in range(steps + 1):
            p = _sigmoid(x @ w)
            hess = (x * (wt * g * p * (1.0 - p))[:, None]).T @ x + self.l2 * np.eye(w.size)
            if _ == steps:
                break
            grad = x.T @ (wt * (k - g * p)) - self.l2 * w
            w = w + np.linalg.solve(hess, grad)
        self.coef_, self.hess_ = w, hess
        self._stale = False

    def predict(self, indices=None, coef: np.ndarray | None = None) -> np.ndarray:
        """Predicted success rate of prompts ``indices`` (all when None) under ``coef`` (the fit's mean)."""
        x = self.design if indices is None else self.design[np.asarray(indices, dtype=np.int64)]
        return _sigmoid(x @ (self.coef_ if coef is None else coef))

    def _weights_draw(self) -> np.ndarray:
        if not self.thompson:
            return self.coef_
        chol = np.linalg.cholesky(self.hess_)
        return self.coef_ + np.linalg.solve(chol.T, self._rng.standard_normal(self.coef_.size))

    # -- the selector contract -----------------------------------------------------------------------
    def draw(self, n: int, round: int) -> np.ndarray:
        """``n`` distinct prompts, greedily: near the target, unlike recent batches and each other."""
        if self._stale:
            self.fit(round)
        cand = self._candidates.next(self.ts_ratio * n)
        relevance = -np.abs(self.predict(cand, self._weights_draw()) - self.target)
        emb = self.embedding[cand]
        anchor = np.concatenate(list(self._recent)) if self._recent else np.zeros(0, dtype=np.int64)
        near = (emb @ self.embedding[anchor].T).max(axis=1) if anchor.size else np.full(cand.size, -np.inf)
        free = np.ones(cand.size, dtype=bool)
        picks = []
        for _ in range(min(n, cand.size)):
            score = relevance - self.diversity * np.maximum(near, 0.0)
            j = int(np.argmax(np.where(free, score, -np.inf)))
            picks.append(j)
            free[j] = False
            near = np.maximum(near, emb @ emb[j])
        out = cand[np.asarray(picks, dtype=np.int64)].astype(np.int64)
        if self._recent.maxlen:
            self._recent.append(out)
        return out

    def report(self, indices: np.ndarray, rewards: np.ndarray, round: int) -> None:
        """Add each group's successes to the history; the predictor is refit before the next draw."""
        idx = np.asarray(indices, dtype=np.int64)
        rewards = np.asarray(rewards, dtype=np.float64).reshape(idx.size, -1)
        self._history.append((int(round), idx.copy(), rewards.sum(axis=1), np.full(idx.size, float(rewards.shape[1]))))
        self._stale = True
