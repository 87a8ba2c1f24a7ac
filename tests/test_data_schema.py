"""Schema validation: errors name the row, the id and the field; skip_invalid reports what it dropped."""

import json

import pytest

from data import PoolValidationError, load_pool, validate_pool


def _row(i, **kw):
    row = {"id": f"p{i}", "problem": f"What is {i} + {i}?", "answer": str(2 * i)}
    row.update(kw)
    return row


def test_valid_rows_pass():
    report = validate_pool([_row(i) for i in range(3)])
    assert report.n_rows == 3 and report.n_dropped == 0 and report.summary() == "3 rows, all valid"


def test_duplicate_id_names_both_rows():
    rows = [_row(0), _row(1), _row(2, id="p0")]
    with pytest.raises(PoolValidationError, match=r"row 2: field 'id' duplicates row 0 \(both have id 'p0'\)"):
        validate_pool(rows)


def test_missing_answer_names_row_id_and_field():
    rows = [_row(0), _row(1, answer="  ")]
    with pytest.raises(PoolValidationError, match=r"row 1 \(id 'p1'\): field 'answer' is missing or empty"):
        validate_pool(rows)
    with pytest.raises(PoolValidationError, match=r"row 0: field 'id' is missing"):
        validate_pool([_row(0, id=None)])


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("answer", 3, "field 'answer' must be a string"),
        ("level", "hard", "field 'level' must be an integer or null"),
        ("level", True, "field 'level' must be an integer or null"),
        ("skill", 7, "field 'skill' must be a string or null"),
        ("choices", "ABCDE", "field 'choices' must be a list"),
        ("choices", ["1", "2", "3"], "must be a choice letter in A-C"),
    ],
)
def test_wrong_types_are_rejected(field, value, expected):
    with pytest.raises(PoolValidationError, match=expected):
        validate_pool([_row(0, **{field: value})])


def test_multiple_choice_row_is_valid():
    assert validate_pool([_row(0, answer="C", choices=["1", "2", "3", "4", "5"])]).n_dropped == 0


def test_missing_column_is_explained():
    with pytest.raises(PoolValidationError, match=r"no column\(s\) \['answer'\]"):
        validate_pool({"id": ["a"], "problem": ["p"]})


def test_skip_invalid_drops_and_reports(caplog):
    rows = [_row(0), _row(1, answer=""), _row(2, id="p0"), _row(3), _row(4, level="x")]
    with caplog.at_level("WARNING"):
        report = validate_pool(rows, skip_invalid=True)
    assert report.n_dropped == 3
    assert [r["id"] for r in report.pool] == ["p0", "p3"]
    assert report.reasons == {"missing 'answer'": 1, "duplicate 'id'": 1, "wrong type of 'level'": 1}
    assert "2 of 5 rows kept" in report.summary()
    assert "dropped 3" in caplog.text


def test_load_pool_names_the_file_and_row(tmp_path):
    path = tmp_path / "pool.jsonl"
    rows = [_row(0), _row(1), _row(2, id="p1"), _row(3, answer=None)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(PoolValidationError, match=r"pool.jsonl: .*row 2: field 'id' duplicates row 1"):
        load_pool(path)
    pool = load_pool(path, skip_invalid=True)
    assert list(pool["id"]) == ["p0", "p1"]
    assert "dropped 2" in pool.info.description


def test_dataset_input_validates(tmp_path):
    import datasets

    ds = datasets.Dataset.from_list([_row(0), _row(1, id="p0")])
    with pytest.raises(PoolValidationError, match="duplicates row 0"):
        validate_pool(ds)
    kept = validate_pool(ds, skip_invalid=True).pool
    assert isinstance(kept, datasets.Dataset) and len(kept) == 1
