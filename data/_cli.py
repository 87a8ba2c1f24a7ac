"""`sai-dpo pool ...` subcommands: build, cluster, show, validate."""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from data._cli_args import MAX_POOL_SIZE, as_flags, int_at_least, int_between, output_file


def register(sub) -> None:
    """Add ``pool`` and its subcommands to the top-level parser."""
    p = sub.add_parser("pool", help="build, load, inspect and cluster problem pools")
    p.set_defaults(func=lambda args: p.print_help() or 2)
    ps = p.add_subparsers(dest="pool_command", metavar="POOL_COMMAND")

    b = ps.add_parser("build", help="generate a built-in pool and save it")
    b.add_argument("--pool-size", dest="n", type=int_between(1, MAX_POOL_SIZE), default=20000,
                   help=f"number of problems, at most {MAX_POOL_SIZE:,} (default 20000)")
    b.add_argument("--n", dest="n", type=int_between(1, MAX_POOL_SIZE), help=argparse.SUPPRESS)  # old --pool-size
    b.add_argument("--seed", type=int_between(0, 2**32 - 1), default=0, help="generator seed (default 0)")
    b.add_argument("--kind", default="mixed", choices=_kinds(), help="problem family (default mixed)")
    b.add_argument("--out", required=True, help="output file (.parquet, .jsonl, .json or .csv)")
    b.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    b.set_defaults(func=_build)

    c = ps.add_parser("cluster", help="assign skills by K-Means clustering of the problem text")
    c.add_argument("--pool", required=True, help="pool file, hub id or builtin:NAME")
    c.add_argument("--preset", default=None, help="column preset of the pool file")
    _hub_args(c)
    c.add_argument("--clusters", dest="k", type=int_at_least(2), default=None,
                   help="number of clusters (default: number of true skills, or sqrt(n/2))")
    c.add_argument("--k", dest="k", type=int_at_least(2), help=argparse.SUPPRESS)  # old name of --clusters
    c.add_argument("--method", default="tfidf", choices=["tfidf", "embed"],
                   help="text features: TF-IDF, or MiniLM embeddings with the 'embed' extra (default tfidf)")
    c.add_argument("--seed", type=int_between(0, 2**32 - 1), default=0, help="K-Means seed (default 0)")
    c.add_argument("--with-solution", action="store_true",
                   help="cluster each problem's text followed by its reference solution (CHAMP pools only)")
    c.add_argument("--out", default=None, help="write the clustered pool here")
    c.add_argument("--no-progress", action="store_true", help="hide the progress bars")
    c.set_defaults(func=_cluster)

    s = ps.add_parser("show", help="print counts by skill and level")
    s.add_argument("file", nargs="?", help="pool file, hub id or builtin:NAME (or --pool)")
    s.add_argument("--pool", dest="pool_flag", metavar="POOL", help="the same, as a flag (like pool cluster's)")
    s.add_argument("--preset", default=None, help="column preset of the pool file")
    _hub_args(s)
    s.set_defaults(func=_show)

    v = ps.add_parser("validate", help="check a pool file against the record schema")
    v.add_argument("file", nargs="?", help="pool file, hub id or builtin:NAME (or --pool)")
    v.add_argument("--pool", dest="pool_flag", metavar="POOL", help="the same, as a flag (like pool cluster's)")
    v.add_argument("--preset", default=None, help="column preset of the pool file")
    _hub_args(v)
    v.add_argument("--skip-invalid", action="store_true", help="drop invalid rows and report them")
    v.set_defaults(func=_validate)


def _kinds() -> list[str]:
    from data.generator import KINDS

    return sorted(KINDS)


def _hub_args(parser) -> None:
    parser.add_argument("--split", default="train", help="split, for hub ids (default train)")
    parser.add_argument("--config", default=None, help="config name, for hub ids")


def _load(args, source: str, skip_invalid: bool = False):
    from data.loaders import load_pool

    return load_pool(source, preset=args.preset, skip_invalid=skip_invalid, split=args.split, config=args.config)


def _build(args) -> int:
    from data.generator import build_pool
    from data.loaders import save_pool

    _pool_file(args.out)
    t0 = time.perf_counter()
    pool = build_pool(args.n, seed=args.seed, kind=args.kind)
    t1 = time.perf_counter()
    path = save_pool(pool, args.out)
    t2 = time.perf_counter()
    n_skills = len(set(pool["skill"]))
    print(
        f"built {len(pool)} {args.kind} problems ({n_skills} skills, seed {args.seed}) in {t1 - t0:.2f} s; "
        f"wrote {path} in {t2 - t1:.2f} s"
    )
    return 0


def _cluster(args) -> int:
    from data.cluster import cluster_pool, is_available
    from data.loaders import save_pool

    if args.method == "embed" and not is_available():
        print("error: --method embed needs the 'embed' extra (pip install 'sai-dpo[embed]').", file=sys.stderr)
        return 2
    if args.out:
        _pool_file(args.out)
        if Path(args.out).expanduser().resolve() == Path(args.pool).expanduser().resolve():
            raise ValueError(f"--out {args.out} is the input pool: clustering would replace its skills for good; "
                             "write the clustered pool to another file.")
    pool = _load(args, args.pool)
    champ = _champ_data(args, pool)
    texts = None
    if args.with_solution:
        if champ is None:
            print("error: --with-solution needs reference solutions, which only CHAMP pools carry "
                  "(--pool champ, or a CHAMP v0.json with --preset champ).", file=sys.stderr)
            return 2
        from data.champ import solutions

        sols = solutions(champ)
        texts = [f"{p}\n{sols.get(i, '')}" for i, p in zip(pool["id"], pool["problem"], strict=True)]
    t0 = time.perf_counter()
    try:
        new, result, ari = cluster_pool(pool, k=args.k, method=args.method, seed=args.seed, texts=texts)
    except ValueError as exc:  # "--clusters 100" on 60 problems named cluster_texts' 'k'
        raise as_flags(exc, {"k": "--clusters"}, "cluster_texts") from None
    elapsed = time.perf_counter() - t0
    counts = {}
    for label in result.labels:
        counts[label] = counts.get(label, 0) + 1
    what = "problem + solution texts" if texts is not None else "problems"
    print(f"clustered {len(pool)} {what} into {len(result.names)} clusters with {args.method} in {elapsed:.1f} s")
    for i, name in enumerate(result.names):
        print(f"  {name:<50} {counts.get(i, 0):>7}")
    earlier = ari is not None and all(_CLUSTER_NAME.match(str(x)) for x in pool["skill"])
    _print_scores(new, result, ari, champ, "the pool's skills (cluster labels of an earlier `pool cluster`, "
                  "not true skills)" if earlier else "true skills")
    if args.out:
        print(f"wrote {save_pool(new, args.out)}")
    return 0


# The skill names `pool cluster` writes: "c3:digit|sum|prime".
_CLUSTER_NAME = re.compile(r"^c\d+:")
_SAVE_SUFFIXES = (".parquet", ".jsonl", ".ndjson", ".json", ".csv")  # what save_pool writes


def _pool_file(path: str) -> None:
    """An output pool path: a known pool suffix and a writable place, checked before any work."""
    if Path(path).suffix.lower() not in _SAVE_SUFFIXES:
        raise ValueError(f"--out {path}: a pool is saved as one of {', '.join(_SAVE_SUFFIXES)}; "
                         f"got {Path(path).suffix or 'no suffix'}")
    output_file(path)


def _champ_data(args, pool) -> dict | None:
    """The CHAMP data behind a CHAMP pool (for its concepts and solutions), else None.

    ``--pool champ`` and ``--preset champ`` name the file; a saved pool whose every row has source
    ``champ`` is matched by id against the installed package, when there is one.
    """
    from pathlib import Path

    from data.champ import ChampUnavailableError, read_champ
    from data.loaders import _champ_file

    file = _champ_file(args.pool, Path(args.pool).expanduser(), args.preset)
    if file is False:
        if not len(pool) or set(pool["source"]) != {"champ"}:
            return None
        file = None
    try:
        return read_champ(file)
    except ChampUnavailableError as exc:
        print(f"note: no CHAMP concepts for this pool ({exc})", file=sys.stderr)
        return None


def _print_scores(new, result, ari, champ: dict | None, against: str = "true skills") -> None:
    from data.cluster import normalized_mutual_info, tag_sharing

    if ari is None:
        print("ARI: n/a (the pool has no true skills)")
    else:
        print(f"ARI vs {against}: {ari:.3f}")
        print(f"NMI vs {against}: {normalized_mutual_info(new['true_skill'], result.labels):.3f}")
    if champ is None:
        return
    from data.champ import concepts

    by_id = concepts(champ)
    tags = [by_id.get(i, []) for i in new["id"]]
    if not any(tags):
        print("concept co-membership: n/a (no problem of the pool has a CHAMP concept)")
        return
    s = tag_sharing(result.labels, tags)
    line = f"concept co-membership (pairs in one cluster sharing a concept): clusters {s.rate:.3f}"
    if ari is not None:
        line += f", true skills {tag_sharing(new['true_skill'], tags).rate:.3f}"
    print(f"{line}, random clusters of the same sizes {s.baseline:.3f}")


def _source(args) -> str:
    if (args.file is None) == (args.pool_flag is None):
        raise ValueError("name one pool: `sai-dpo pool show FILE` or `--pool FILE`")
    return args.pool_flag or args.file


def _show(args) -> int:
    pool = _load(args, _source(args))
    table: dict[str, dict] = {}
    levels: set = set()
    for skill, level in zip(pool["skill"], pool["level"], strict=True):
        row = table.setdefault("(no skill)" if skill is None else str(skill), {})
        row[level] = row.get(level, 0) + 1
        levels.add(level)
    cols = sorted(levels, key=lambda v: (v is None, v if v is not None else 0))
    width = max([len("skill")] + [len(s) for s in table])
    print(f"{len(pool)} problems, {len(table)} skills")
    if set(table) == {"(no skill)"}:
        print("no problem has a skill: the selection tracks one cell per level "
              "(`sai-dpo pool cluster` assigns skills from the text)")
    if levels == {None}:
        print("no problem has a level: the selection tracks one cell per skill")
    names = [("no level" if c is None else f"L{c}") for c in cols]
    print(f"{'skill':<{width}} " + " ".join(f"{n:>8}" for n in names) + f" {'total':>7}")
    for skill in sorted(table):
        row = table[skill]
        print(f"{skill:<{width}} " + " ".join(f"{row.get(c, 0):>8}" for c in cols) + f" {sum(row.values()):>7}")
    return 0


def _validate(args) -> int:
    source = _source(args)
    pool = _load(args, source, skip_invalid=args.skip_invalid)
    summary = pool.info.description or f"{len(pool)} rows, all valid"
    print(f"{source}: {summary}")
    return 0
