"""`sai-dpo pool ...`: build, cluster (prints the ARI), show, validate; exit code 2 on bad files."""

import json

from sai_dpo.cli import main


def test_build_then_cluster_prints_ari(tmp_path, capsys):
    out = tmp_path / "pool.parquet"
    assert main(["pool", "build", "--pool-size", "1500", "--seed", "0", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "built 1500 mixed problems" in text and " s;" in text
    clustered = tmp_path / "clustered.jsonl"
    assert main(["pool", "cluster", "--pool", str(out), "--out", str(clustered)]) == 0
    text = capsys.readouterr().out
    assert "ARI vs true skills: 0." in text or "ARI vs true skills: 1." in text
    ari = float(text.split("ARI vs true skills: ")[1].split()[0])
    assert ari > 0.4
    row = json.loads(clustered.read_text().splitlines()[0])
    assert row["skill"].startswith("c") and "true_skill" in row


def test_show_counts_skill_by_level(tmp_path, capsys):
    out = tmp_path / "arith.jsonl"
    assert main(["pool", "build", "--pool-size", "400", "--kind", "arith", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["pool", "show", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "400 problems, 4 skills"
    assert lines[1].split() == ["skill", "L1", "L2", "L3", "L4", "L5", "total"]
    totals = [int(line.split()[-1]) for line in lines[2:]]
    assert sum(totals) == 400 and len(totals) == 4


def test_validate_reports_and_fails_with_exit_code_2(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    rows = [{"id": "a", "problem": "1+1?", "answer": "2"}, {"id": "a", "problem": "2+2?", "answer": "4"},
            {"id": "b", "problem": "3+3?"}]
    bad.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["pool", "validate", str(bad)]) == 2
    assert "row 1: field 'id' duplicates row 0" in capsys.readouterr().err
    assert main(["pool", "validate", str(bad), "--skip-invalid"]) == 0
    assert "1 of 3 rows kept; dropped 2 (1 duplicate 'id', 1 missing 'answer')" in capsys.readouterr().out
    assert main(["pool", "show", str(tmp_path / "missing.parquet")]) == 2
    assert "does not exist" in capsys.readouterr().err
    garbage = tmp_path / "g.parquet"
    garbage.write_text("not parquet")
    assert main(["pool", "validate", str(garbage)]) == 2
    assert "not a readable parquet file" in capsys.readouterr().err
    assert main(["pool", "build", "--n", "5", "--out", str(tmp_path / "p.txt")]) == 2
