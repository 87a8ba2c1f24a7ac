"""The run folder of the iterative DPO loop: atomic iteration folders, resume point, run log.

Layout::

    RUN_DIR/
      run.json            config, policy, pool size, start/end time
      rounds.jsonl        one record per finished iteration (rebuilt from the iterations on resume)
      init_model/         the initial policy when the loop built it
      iter_000/           model/, pairs.parquet, samples.jsonl, engine_state.npz,
                          probe_engine_state.npz, summary.json, DONE
      .iter_001.tmp/      the iteration in progress (renamed to iter_001/ once complete)

An iteration is written into ``.iter_XXX.tmp`` and renamed when complete, and ``DONE`` is written
last inside it before the rename, so ``iter_XXX/DONE`` exists only for whole iterations. A killed run
leaves at most a stale ``.tmp`` folder, which the next run deletes and redoes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

from sai_dpo.errors import InvalidInputError

DONE = "DONE"
# Fields that may change between a run and its resumption (more iterations, a new folder name).
_RESUMABLE_CHANGES = {"iterations", "run_dir"}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class RunDir:
    """Reads and writes one run folder."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def iter_dir(self, t: int) -> Path:
        return self.root / f"iter_{t:03d}"

    def model_dir(self, t: int) -> Path:
        return self.iter_dir(t) / "model"

    @property
    def init_model_dir(self) -> Path:
        return self.root / "init_model"

    # --- run.json -------------------------------------------------------------------------------
    def start(self, config: dict[str, Any], extra: dict[str, Any]) -> None:
        """Create the folder and ``run.json``; on a resume, check the config is the same run's."""
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / "run.json"
        if path.is_file():
            old = json.loads(path.read_text())
            changed = sorted(k for k in set(old.get("config", {})) | set(config)
                             if k not in _RESUMABLE_CHANGES and old.get("config", {}).get(k) != config.get(k))
            if changed:
                if "k" not in old.get("config", {}):
                    raise InvalidInputError(
                        f"Run folder {str(self.root)!r} holds a run.json that is not an iterative DPO run's (another "
                        "command wrote it); pass a new or empty --out.")
                shown = "; ".join(f"{k}: run has {old.get('config', {}).get(k)!r}, now {config.get(k)!r}"
                                  for k in changed[:6]) + (f"; and {len(changed) - 6} more" if len(changed) > 6 else "")
                raise InvalidInputError(
                    f"Run folder {str(self.root)!r} holds a run with a different config ({shown}); pass the same "
                    "settings to resume it, or choose a new --out.")
            old["config"] = config
            old.setdefault("resumed_at", []).append(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
            old["end_time"] = None
            _write_atomic(path, json.dumps(old, indent=2))
            return
        record = {"config": config, **extra,
                  "start_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "end_time": None}
        _write_atomic(path, json.dumps(record, indent=2))

    def finish(self, **fields: Any) -> None:
        path = self.root / "run.json"
        record = json.loads(path.read_text())
        record.update(fields, end_time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        _write_atomic(path, json.dumps(record, indent=2))

    # --- iterations -----------------------------------------------------------------------------
    def finished(self) -> list[int]:
        """Indices of the whole iterations on disk, 0..n-1 without gaps (a gap ends the run's history)."""
        done, t = [], 0
        while (self.iter_dir(t) / DONE).is_file():
            done.append(t)
            t += 1
        return done

    def begin(self, t: int) -> Path:
        """A fresh temporary folder for iteration ``t`` (a stale one from a killed run is removed)."""
        final = self.iter_dir(t)
        if final.exists():  # a folder without DONE (should not happen: rename is the last step)
            shutil.rmtree(final)
        tmp = self.root / f".iter_{t:03d}.tmp"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        return tmp

    def commit(self, t: int, tmp: Path, summary: dict[str, Any]) -> Path:
        """Write the summary and the DONE marker, then rename the folder into place."""
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2))
        (tmp / DONE).write_text(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) + "\n")
        final = self.iter_dir(t)
        os.replace(tmp, final)
        self.append_round(summary["round_record"])
        return final

    def summary(self, t: int) -> dict[str, Any]:
        return json.loads((self.iter_dir(t) / "summary.json").read_text())

    # --- rounds.jsonl ---------------------------------------------------------------------------
    def append_round(self, record: dict[str, Any]) -> None:
        with open(self.root / "rounds.jsonl", "a") as fh:
            fh.write(json.dumps(record) + "\n")

    def rebuild_rounds(self) -> None:
        """Rewrite ``rounds.jsonl`` from the finished iterations (no lost or repeated record)."""
        lines = [json.dumps(self.summary(t)["round_record"]) + "\n" for t in self.finished()]
        _write_atomic(self.root / "rounds.jsonl", "".join(lines))

    # --- engine state ---------------------------------------------------------------------------
    @staticmethod
    def save_state(path: Path, state: dict) -> None:
        """Save an engine ``state_dict()`` (a flat dict of numpy arrays) as ``.npz``."""
        import numpy as np

        with open(path, "wb") as fh:  # an open file: np.savez would append .npz to a str path
            np.savez(fh, **state)

    @staticmethod
    def load_state(path: Path) -> dict:
        """The ``state_dict`` saved by :meth:`save_state` (for ``engine.load_state_dict``)."""
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            return dict(data)
