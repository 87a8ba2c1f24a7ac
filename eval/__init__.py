"""Evaluation: the answer checker (`eval.checker`), response features, pass@k / maj@k metrics, the
eval runner and reports, batched generation, the selection benchmark (`eval.simbench`) and the
benchmark scripts (`eval.bench`). Submodules are imported where used: the checker never pulls torch.
"""

__all__ = ["checker", "features", "metrics", "runner", "report", "compare", "run_report", "generation",
           "simbench", "bench"]
