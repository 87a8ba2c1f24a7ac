"""MoPPS (Qu et al., arXiv 2507.04632, code thu-rllab/MoPPS): per-prompt Beta posteriors, Thompson
sampling toward a target success rate, no screening rollouts. A benchmark peer, not an engine policy.

Our reading of the method, and what we chose where it is silent (also in the README):

* **Posterior.** Each prompt's success rate gamma_i has a Beta(alpha_i, beta_i) posterior, starting
  at the prior Beta(alpha_0, beta_0) = Beta(1, 1) (the paper's default; its code can also start from
  a base model's measured pass rates, which a simulated run does not have).
* **Streaming update with a discount.** After a group of ``G`` rollouts of prompt ``i`` with ``s``
  successes::

      alpha_i <- lam * alpha_i + (1 - lam) * alpha_0 + s
      beta_i  <- lam * beta_i  + (1 - lam) * beta_0  + (G - s)

  i.e. old evidence is pulled toward the prior by the factor ``lam`` (``discount``) before the new
  group is added, because the policy has moved since. As the paper writes it, the update (and so the
  discount) applies to the prompts of the trained batch: evidence on a prompt fades per update of that
  prompt, not per round. ``lam`` is a hyperparameter there; we take 0.9 (our choice, not the paper's
  number, which we did not re-check).
* **Candidates.** The code (``recipe/ours/our_ray_trainer.py``) reads ``ts_ratio * B`` prompts from a
  shuffled dataloader (a fresh permutation each epoch, the last partial batch dropped) and selects
  ``B`` of them; the paper's candidate set is such a uniform sample. We follow the code: candidates
  are the next ``ts_ratio * B`` prompts of an epoch permutation of the pool, ``ts_ratio = 4`` by
  default (our choice; ``ts_ratio`` large enough to cover the pool scores every prompt each round).
* **Selection.** Draw one ``gamma_hat_i ~ Beta(alpha_i, beta_i)`` per candidate and keep the ``B``
  with the smallest ``|gamma_hat_i - target|``, ``target = 0.5`` (the paper's choice for GRPO).
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["MoPPSSelector", "EpochCandidates"]


def _check(cond: bool, name: str, expected: str, got: object, owner: str) -> None:
    if not cond:
        raise ValueError(f"The '{name}' parameter of {owner} must be {expected}. Got {got!r} instead.")


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


class EpochCandidates:
    """The next ``m`` prompts of a shuffled pass over the pool, like a dataloader's batches.

    A new permutation starts when fewer than ``m`` prompts are left (the partial batch is dropped, as
    ``drop_last=True`` does), so the ``m`` candidates of one round are always distinct.
    """

    def __init__(self, n_pool: int, rng: np.random.Generator):
        self.n_pool = n_pool
        self._rng = rng
        self._order = rng.permutation(n_pool)
        self._pos = 0

    def next(self, m: int) -> np.ndarray:
        m = min(m, self.n_pool)
        if self._pos + m > self.n_pool:
            self._order = self._rng.permutation(self.n_pool)
            self._pos = 0
        out = self._order[self._pos:self._pos + m]
        self._pos += m
        return out


class MoPPSSelector:
    """MoPPS: Thompson sampling of per-prompt Beta posteriors toward a target success rate (module doc).

    Args:
        n_pool: pool size.
        seed: seed of the candidate order and the posterior draws.
        discount: ``lam`` in (0, 1], the weight old evidence keeps at each update (1 = no forgetting).
        target: success rate the sampled ``gamma_hat`` should be nearest to, in (0, 1).
        ts_ratio: candidates per round as a multiple of the batch size (integer >= 1).
        prior_alpha: ``alpha_0`` > 0.
        prior_beta: ``beta_0`` > 0.

    Example:
        >>> sel = MoPPSSelector(100, seed=0)
        >>> idx = sel.draw(8, round=0)
        >>> sel.report(idx, np.ones((8, 4)), round=0)
        >>> float(sel.alpha[idx[0]]), float(sel.beta[idx[0]])
        (5.0, 1.0)
    """

    def __init__(self, n_pool: int, seed: int, discount: float = 0.9, target: float = 0.5, ts_ratio: int = 4,
                 prior_alpha: float = 1.0, prior_beta: float = 1.0):
        owner = "MoPPSSelector"
        _check(_number(discount) and 0 < discount <= 1, "discount", "a number in (0, 1]", discount, owner)
        _check(_number(target) and 0 < target < 1, "target", "a number in (0, 1)", target, owner)
        _check(isinstance(ts_ratio, int) and not isinstance(ts_ratio, bool) and ts_ratio >= 1, "ts_ratio",
               "an integer >= 1", ts_ratio, owner)
        for name, value in (("prior_alpha", prior_alpha), ("prior_beta", prior_beta)):
            _check(_number(value) and value > 0, name, "a positive finite number", value, owner)
        self.discount, self.target, self.ts_ratio = float(discount), float(target), ts_ratio
        self.prior = (float(prior_alpha), float(prior_beta))
        self.alpha = np.full(n_pool, self.prior[0])
        self.beta = np.full(n_pool, self.prior[1])
        self._rng = np.random.default_rng([seed, 5501])
        self._candidates = EpochCandidates(n_pool, np.random.default_rng([seed, 5502]))

    def draw(self, n: int, round: int) -> np.ndarray:
        """``n`` distinct prompts: of ``ts_ratio * n`` candidates, those whose posterior sample is nearest the target."""
        cand = self._candidates.next(self.ts_ratio * n)
        sample = self._rng.beta(self.alpha[cand], self.beta[cand])
        order = np.argsort(np.abs(sample - self.target), kind="stable")  # ties: candidate order (random)
        return cand[order[:n]].astype(np.int64)

    def report(self, indices: np.ndarray, rewards: np.ndarray, round: int) -> None:
        """Discounted Bayes update of each reported prompt from its group (rows of ``rewards``, 0/1)."""
        idx = np.asarray(indices, dtype=np.int64)
        rewards = np.asarray(rewards, dtype=np.float64).reshape(idx.size, -1)
        succ = rewards.sum(axis=1)
        fail = rewards.shape[1] - succ
        lam, (a0, b0) = self.discount, self.prior
        # A round's prompts are distinct; a repeated index (not produced by draw) is updated once per group.
        for rows in _unique_batches(idx):
            i = idx[rows]
            self.alpha[i] = lam * self.alpha[i] + (1.0 - lam) * a0 + succ[rows]
            self.beta[i] = lam * self.beta[i] + (1.0 - lam) * b0 + fail[rows]


def _unique_batches(idx: np.ndarray):
    """Row sets in which every index appears once (one set when the indices are distinct)."""
    if np.unique(idx).size == idx.size:
        yield np.arange(idx.size)
        return
    seen: dict[int, int] = {}
    layer = np.empty(idx.size, dtype=np.int64)
    for j, i in enumerate(idx.tolist()):
        layer[j] = seen.get(i, 0)
        seen[i] = layer[j] + 1
    for k in range(int(layer.max()) + 1):
        yield np.flatnonzero(layer == k)
