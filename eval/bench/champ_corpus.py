"""Build the hand-labelled real-output corpus of the checker from CHAMP conversations.

Two steps, both reproducible:

    python -m eval.bench.champ_corpus sample --out DIR          # needs `pip install champ-dataset`
    python -m eval.bench.champ_corpus freeze --rows DIR/all.jsonl --labels L0.jsonl ... --out tests/checker/real

``sample`` draws (gold, final answer message) pairs, 32 per (model, category) cell, each from a
distinct problem where the cell allows, and writes them in 4 batches for labelling. The prompt styles
``0-Shot``, ``5-Shot`` and ``No C w/o H`` (a copy of ``0-Shot``) are never read: they are reserved for
an independent check. Labels are decided by reading each pair (no checker decides one) and written as
``{"row", "label", "note"}`` lines. ``freeze`` joins rows and labels and splits them by problem (no
problem, hence no gold, is in both) into a development split and a held-out split that is scored
once, at the end of the work that the corpus measures.
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from pathlib import Path

LABELS = ("correct", "incorrect", "ambiguous")
_SEED = "sai-dpo/champ-label/v1"
PER_CELL = 32
BATCHES = 4
HELDOUT_ROWS = 220
SECOND_PER_CELL = 12


def _champ() -> dict:
    from data.champ import ChampUnavailableError, read_champ

    try:
        return read_champ()
    except ChampUnavailableError as exc:  # the corpus itself is committed; only rebuilding it needs the package
        raise SystemExit(f"champ_corpus sample needs the CHAMP data: {exc}") from None


def candidates(data: dict) -> list[dict]:
    """Every final answer message of a non-reserved prompt style, with its problem and gold."""
    from data.champ import conversations, final_answer

    rows = []
    for pid, model, prompt, messages in conversations(data):
        response = final_answer(messages)
        if response is None:
            continue
        problem = data["problems"][pid]
        rows.append({"problem_id": pid, "category": problem["category"], "model": model, "prompt": prompt,
                     "problem": problem["_text"], "gold": problem["_answer"], "response": response})
    return rows


def sample(rows: list[dict], per_cell: int = PER_CELL, seed: str = _SEED) -> list[dict]:
    """``per_cell`` rows per (model, category), distinct problems first; shuffled; numbered ``row``."""
    rng = random.Random(seed)
    cells: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        cells.setdefault((row["model"], row["category"]), []).append(row)
    chosen = []
    for key in sorted(cells):
        pool = cells[key][:]
        rng.shuffle(pool)
        seen: set[str] = set()
        first = [r for r in pool if not (r["problem_id"] in seen or seen.add(r["problem_id"]))]
        picked = first[:per_cell]
        picked += [r for r in pool if r not in picked][: per_cell - len(picked)]
        chosen += picked
    rng.shuffle(chosen)
    return [{"row": i, **row} for i, row in enumerate(chosen)]


def join_labels(rows: list[dict], labels: list[dict]) -> list[dict]:
    """Rows with their labels (every row labelled exactly once, with a known label), each given its id."""
    by_row = {}
    for lab in labels:
        if lab["row"] in by_row:
            raise ValueError(f"row {lab['row']} is labelled twice")
        if lab["label"] not in LABELS:
            raise ValueError(f"row {lab['row']}: label {lab['label']!r} is not one of {LABELS}")
        by_row[lab["row"]] = lab
    missing = [r["row"] for r in rows if r["row"] not in by_row]
    if missing:
        raise ValueError(f"{len(missing)} rows have no label, e.g. {missing[:5]}")
    return [{"id": f"champ:{r['problem_id']}:{r['model']}|{r['prompt']}", **r,
             "label": by_row[r["row"]]["label"], "note": by_row[r["row"]].get("note", "")} for r in rows]


def freeze(rows: list[dict], labels: list[dict], heldout_rows: int = HELDOUT_ROWS) -> tuple[list[dict], list[dict]]:
    """Join labels to rows (every row labelled once) and split by problem into (dev, held-out).

    Whole problems go to the held-out split in a seeded order until it has ``heldout_rows`` rows: a gold
    seen while developing never reappears in the held-out figure.
    """
    merged = join_labels(rows, labels)
    problems = sorted({r["problem_id"] for r in merged})
    random.Random(_SEED + "/split").shuffle(problems)
    count = Counter(r["problem_id"] for r in merged)
    held_problems, n = set(), 0
    for pid in problems:
        if n >= heldout_rows:
            break
        held_problems.add(pid)
        n += count[pid]
    dev = [r for r in merged if r["problem_id"] not in held_problems]
    held = [r for r in merged if r["problem_id"] in held_problems]
    return dev, held


def second_heldout(rows: list[dict], corpus: list[dict], per_cell: int = SECOND_PER_CELL) -> list[dict]:
    """A second held-out sample, drawn after the first held-out split was scored (and its errors read):
    responses never labelled or read before, of the first held-out split's problems only. No response
    in it and no development problem was seen while the checker was tuned; its golds were seen once,
    when the first held-out split's errors were read."""
    held_problems = {r["problem_id"] for r in corpus if r["split"] == "heldout"}
    return sample(_unread(rows, corpus, held_problems), per_cell=per_cell, seed=_SEED + "/heldout2")


def third_heldout(rows: list[dict], corpus: list[dict], per_cell: int = SECOND_PER_CELL) -> list[dict]:
    """A third held-out sample, drawn after the second was scored and its errors read: responses never
    labelled or read before, of any problem. Its golds were all seen while the checker was tuned (every
    problem is in an earlier split); its responses were not, so it measures how the checker reads answers
    it has never seen, not golds it has never seen."""
    return sample(_unread(rows, corpus), per_cell=per_cell, seed=_SEED + "/heldout3")


def _unread(rows: list[dict], corpus: list[dict], problems: set | None = None) -> list[dict]:
    """Candidate rows whose conversation (problem, model, prompt style) no corpus row holds, of
    ``problems`` only when given."""
    seen = {(r["problem_id"], r["model"], r["prompt"]) for r in corpus}
    return [r for r in rows if (problems is None or r["problem_id"] in problems)
            and (r["problem_id"], r["model"], r["prompt"]) not in seen]


def _read(path: str) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def _write(path: Path, rows: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample", help="draw pairs for labelling")
    s.add_argument("--out", required=True)
    s2 = sub.add_parser("sample-heldout2", help="draw a second held-out sample (first held-out's problems, "
                                                 "responses never labelled)")
    s2.add_argument("--corpus", default="tests/checker/real", help="folder of the frozen corpus")
    s2.add_argument("--out", required=True)
    s3 = sub.add_parser("sample-heldout3", help="draw a third held-out sample (any problem, responses never "
                                                 "labelled)")
    s3.add_argument("--corpus", default="tests/checker/real", help="folder of the frozen corpus")
    s3.add_argument("--out", required=True)
    for n in ("2", "3"):
        f2 = sub.add_parser(f"freeze-heldout{n}", help=f"join labels of held-out sample {n}")
        f2.add_argument("--rows", required=True)
        f2.add_argument("--labels", nargs="+", required=True)
        f2.add_argument("--out", required=True)
    f = sub.add_parser("freeze", help="join labels and split into dev / held-out")
    f.add_argument("--rows", required=True)
    f.add_argument("--labels", nargs="+", required=True)
    f.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.cmd in ("sample", "sample-heldout2", "sample-heldout3"):
        if args.cmd == "sample":
            rows = sample(candidates(_champ()))
        elif args.cmd == "sample-heldout2":
            corpus = [{**r, "split": split} for split in ("dev", "heldout")
                      for r in _read(f"{args.corpus}/champ_{split}.jsonl")]
            rows = second_heldout(candidates(_champ()), corpus)
        else:
            corpus = [r for split in ("dev", "heldout", "heldout2") for r in _read(f"{args.corpus}/champ_{split}.jsonl")]
            rows = third_heldout(candidates(_champ()), corpus)
        _write(out / "all.jsonl", rows)
        for k in range(BATCHES):
            _write(out / f"batch_{k}.jsonl", [{x: r[x] for x in ("row", "problem", "gold", "response")}
                                              for r in rows[k::BATCHES]])
        print(f"{len(rows)} pairs: {dict(Counter(r['model'] for r in rows))}")
    elif args.cmd.startswith("freeze-heldout"):
        n = args.cmd[-1]
        held = join_labels(_read(args.rows), [lab for path in args.labels for lab in _read(path)])
        _write(out / f"champ_heldout{n}.jsonl", held)
        print(f"held-out sample {n}: {len(held)} rows, {dict(Counter(r['label'] for r in held))}")
    else:
        dev, held = freeze(_read(args.rows), [lab for path in args.labels for lab in _read(path)])
        _write(out / "champ_dev.jsonl", dev)
        _write(out / "champ_heldout.jsonl", held)
        for name, part in (("dev", dev), ("held-out", held)):
            print(f"{name}: {len(part)} rows, {dict(Counter(r['label'] for r in part))}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
