"""The service's journal against SQLite in WAL mode, for the same records. Prints its figures.

Run from the repository root::

    python -m eval.bench.journal_vs_sqlite              # 2,000 report records of 1,000 rows each
    python -m eval.bench.journal_vs_sqlite --records 500 --rows 10000

Both write the same encoded report records (``_journal.encode_report``) durably, one at a time, as
the service does before it acknowledges a report: the journal appends a framed record and fsyncs;
SQLite inserts the record as a BLOB in its own transaction with ``journal_mode=WAL`` and
``synchronous=FULL`` (durable at commit). Measured: records/s and outcomes/s of the appends, the
file size, and the time to read every record back in order (what a restart replays). A second pass
writes without fsync (``synchronous=NORMAL`` / flushed, not synced) for the non-durable setting.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np

from sai_dpo import _journal


def _records(n: int, rows: int) -> list[bytes]:
    rng = np.random.default_rng(0)
    out = []
    for k in range(n):
        idx = rng.integers(0, 100_000, rows).astype(np.int64)
        out.append(_journal.encode_report(f"b{k}", k, idx, rng.integers(0, 2, rows).astype(float),
                                          rng.integers(10, 900, rows).astype(float), None, None))
    return out


def _journal_run(directory: Path, records: list[bytes], sync: bool) -> tuple[float, int, float]:
    path = _journal.segment_path(directory, 0)
    writer = _journal.JournalWriter(path, _journal.make_header(0, "bench"))
    start = time.perf_counter()
    for rec in records:
        writer.append(rec, sync=sync)
    elapsed = time.perf_counter() - start
    writer.close()
    start = time.perf_counter()
    seg = _journal.read_segment(0, path)
    assert len(seg.records) == len(records) and seg.damage is None
    return elapsed, path.stat().st_size, time.perf_counter() - start


def _sqlite_run(directory: Path, records: list[bytes], sync: bool) -> tuple[float, int, float]:
    path = directory / "journal.sqlite"
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute(f"PRAGMA synchronous={'FULL' if sync else 'NORMAL'}")
    con.execute("CREATE TABLE records (seq INTEGER PRIMARY KEY, payload BLOB NOT NULL)")
    start = time.perf_counter()
    for rec in records:
        con.execute("BEGIN")
        con.execute("INSERT INTO records (payload) VALUES (?)", (rec,))
        con.execute("COMMIT")
    elapsed = time.perf_counter() - start
    con.close()
    size = sum(p.stat().st_size for p in directory.glob("journal.sqlite*"))
    start = time.perf_counter()
    con = sqlite3.connect(path)
    got = sum(1 for _ in con.execute("SELECT payload FROM records ORDER BY seq"))
    con.close()
    assert got == len(records)
    return elapsed, size, time.perf_counter() - start


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=2000, help="report records")
    ap.add_argument("--rows", type=int, default=1000, help="outcomes per record")
    args = ap.parse_args(argv)
    records = _records(args.records, args.rows)
    mb = sum(map(len, records)) / 1e6
    print(f"{args.records:,} records of {args.rows:,} outcomes ({mb:.1f} MB of payload)")
    for sync in (True, False):
        label = "durable (fsync / synchronous=FULL)" if sync else "not synced (flushed / synchronous=NORMAL)"
        for name, run in (("journal", _journal_run), ("sqlite WAL", _sqlite_run)):
            with tempfile.TemporaryDirectory(prefix="jvs") as tmp:
                elapsed, size, read = run(Path(tmp), records, sync)
            print(f"{label:<42} {name:<11} {args.records / elapsed:9.0f} records/s "
                  f"{args.records * args.rows / elapsed / 1e6:7.2f} M outcomes/s  file {size / 1e6:7.1f} MB  "
                  f"read back {read:6.3f} s")


if __name__ == "__main__":
    main()
