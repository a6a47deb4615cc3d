"""Table storage: Parquet for the large tables in a layout fixed by their rows alone, CSV for the rest."""

import codecs
import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import io, store


def _tokens(report: str, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "report_id": [report] * n,
            "sentence_id": [i // 3 for i in range(n)],
            "token_id": range(n),
            "token": [f"词{i}" for i in range(n)],
            "pos": ["n"] * n,
            "is_stopword": [i % 2 == 0 for i in range(n)],
        }
    )


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def parts():
    """30 rows in parts of uneven sizes, one empty."""
    return [_tokens("a", 5), _tokens("b", 0), _tokens("c", 16), _tokens("d", 9)]


@pytest.mark.parametrize("name", ["tokens", "reports"])
def test_parts_appended_equal_the_whole_table_written_at_once(parts, tmp_path, monkeypatch, name):
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 7)
    whole = pd.concat([p for p in parts if len(p)], ignore_index=True)  # as the build stacks them
    at_once = store.write_table(whole, tmp_path / "once", name)
    with store.TableAppender(tmp_path / "parts") as appender:
        (tmp_path / "parts").mkdir()
        for part in parts:
            appender.append(name, part)
    appended = store.table_path(tmp_path / "parts", name)
    assert appended.suffix == (".parquet" if name == "tokens" else ".csv")
    assert _digest(appended) == _digest(at_once)


def test_csv_parts_of_other_types_are_written_as_each_part_alone(tmp_path):
    # a column of integers in one report and of decimals in the next: 2, not 2.0, whatever the batching
    parts = [pd.DataFrame({"n": [1, 2]}), pd.DataFrame({"n": [0.5]}), pd.DataFrame({"n": [3]})]
    with store.TableAppender(tmp_path) as appender:
        for part in parts:
            appender.append("numbers", part)
    assert (tmp_path / "numbers.csv").read_text(encoding="utf-8-sig") == "n\n1\n2\n0.5\n3\n"


def test_row_groups_follow_the_rows_not_the_parts(parts, tmp_path, monkeypatch):
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 7)
    with store.TableAppender(tmp_path) as appender:
        for part in parts:
            appender.append("tokens", part)
    meta = pq.ParquetFile(tmp_path / "tokens.parquet").metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [7, 7, 7, 7, 2]
    assert meta.metadata is None or b"pandas" not in meta.metadata  # no pandas version inside


def test_tables_read_back_by_column_with_their_types(parts, tmp_path):
    path = store.write_table(pd.concat(parts, ignore_index=True), tmp_path, "tokens")
    frame = store.read_table(path, columns=["token", "is_stopword"])
    assert list(frame.columns) == ["token", "is_stopword"] and len(frame) == 30
    assert frame.is_stopword.dtype == bool and frame.token.iloc[3] == "词3"


def test_tables_read_column_by_column_equal_pandas_reading_them_whole(parts, tmp_path, monkeypatch):
    """Several row groups (each with its own dictionary of words), columns in another order than the file's,
    and every column: the frame pandas gives for the whole file, categories sorted."""
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 7)
    path = store.write_table(pd.concat(parts[::-1], ignore_index=True), tmp_path, "tokens")
    for columns in (["is_stopword", "token", "report_id"], None):
        whole = pd.read_parquet(path, columns=columns)
        sort = {
            c: pd.CategoricalDtype(sorted(set(whole[c]))) for c in store.CATEGORICAL["tokens"] if c in whole
        }
        pd.testing.assert_frame_equal(store.read_table(path, columns=columns), whole.astype(sort))


FILTERS = {  # rows 0-8 are report d, 9-24 c, 25-29 a; row groups of 7 rows: 0-6, 7-13, 14-20, 21-27, 28-29
    "one report": ([("report_id", "==", "a")], [3, 4]),
    "content words of two reports": (
        [("is_stopword", "==", False), ("report_id", "in", ["d", "a"])],
        [0, 1, 3, 4],
    ),
    "every row group": ([("is_stopword", "==", False)], [0, 1, 2, 3, 4]),
    "no row": ([("report_id", "==", "z")], []),
    "one of two": (
        [[("report_id", "==", "a")], [("report_id", "==", "d"), ("is_stopword", "==", True)]],
        [0, 1, 3, 4],
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_a_filtered_read_decodes_only_the_row_groups_holding_its_rows(parts, tmp_path, monkeypatch, name):
    """The rows that pass, in order, as pandas filters the whole file; the columns outside the filter are
    decoded from the row groups holding such rows alone; categories sorted and holding every value read."""
    filters, holding = FILTERS[name]
    monkeypatch.setattr(store, "ROW_GROUP_ROWS", 7)
    path = store.write_table(pd.concat(parts[::-1], ignore_index=True), tmp_path, "tokens")
    whole = pd.read_parquet(path)
    expected = whole[_passes(whole, filters)]
    decoded, read_row_group = [], pq.ParquetFile.read_row_group

    def spy(file, group, columns):
        decoded.append((group, *columns))
        return read_row_group(file, group, columns)

    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spy)
    read = store.read_table(path, filters=filters)
    assert sorted(group for group, *columns in decoded if "token" in columns) == holding
    for column in store.CATEGORICAL["tokens"]:
        categories = list(read[column].cat.categories)
        assert categories == sorted(categories) and set(read[column]) <= set(categories)
    as_text = dict.fromkeys(store.CATEGORICAL["tokens"], str)
    pd.testing.assert_frame_equal(read.astype(as_text), expected.reset_index(drop=True).astype(as_text))


def test_a_filter_on_a_missing_column_is_a_plain_error(parts, tmp_path):
    path = store.write_table(pd.concat(parts, ignore_index=True), tmp_path, "tokens")
    with pytest.raises(
        ValueError, match=r"^tokens\.parquet: no column sentence to filter on; its columns: \['report_id'"
    ):
        store.read_table(path, filters=[("sentence", "==", 1)])


def _passes(frame: pd.DataFrame, filters: list) -> np.ndarray:
    """Which rows of ``frame`` pass pyarrow-form ``filters``: all conditions of a list, or one such list."""
    if isinstance(filters[0], list):
        return np.logical_or.reduce([_passes(frame, conditions) for conditions in filters])
    return np.logical_and.reduce([frame[c].isin(v) if op == "in" else frame[c] == v for c, op, v in filters])


def test_a_table_with_other_columns_is_refused(tmp_path):
    with pytest.raises(ValueError, match="expected"):
        store.write_table(_tokens("a", 3).drop(columns="pos"), tmp_path, "tokens")
    with pytest.raises(ValueError, match="expected"):
        store.write_table(_tokens("a", 3).assign(extra=1), tmp_path, "tokens")


def test_every_table_is_found_by_its_name(tmp_path):
    store.write_table(_tokens("a", 2), tmp_path, "tokens")
    store.write_table(pd.DataFrame({"report_id": ["a"]}), tmp_path, "reports")
    assert [p.name for p in store.table_files(tmp_path)] == ["reports.csv", "tokens.parquet"]


def test_parts_encoded_at_once_equal_each_part_encoded_alone(parts):
    """One ``to_csv`` or Arrow conversion for many parts, cut per part: the same bytes as each part alone,
    also when a quoted value holds a line break (no line per row) or the types change between parts."""
    mixed = [
        pd.DataFrame({"n": [1, 2], "text": ["a", "b"]}),
        pd.DataFrame({"n": [3], "text": ["两行\n文字"]}),  # quoted over two lines
        pd.DataFrame({"n": [0.5], "text": ['"引号"']}),
        pd.DataFrame({"n": pd.Series([], dtype=float), "text": pd.Series([], dtype=object)}),
        pd.DataFrame({"n": [4.25, 5.0], "text": ["c", ""]}),
    ]
    for name, frames in [("numbers", mixed), ("numbers", parts), ("tokens", parts)]:
        alone = [
            frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
            if name == "numbers"
            else pa.Table.from_pandas(frame, store.PARQUET_SCHEMAS[name], preserve_index=False)
            for frame in frames
        ]
        together = store.encode_parts(name, frames)
        assert len(together) == len(frames)
        for one, part in zip(alone, together, strict=True):
            assert part == one if isinstance(one, bytes) else part.equals(one.replace_schema_metadata())
    assert (
        store.encode_parts("numbers", mixed)[1]
        == b'n,text\n3,"\xe4\xb8\xa4\xe8\xa1\x8c\n\xe6\x96\x87\xe5\xad\x97"\n'
    )


def _awkward_frames() -> dict[str, pd.DataFrame]:
    """Values whose CSV form depends on quoting, missing values, number formats or the whole column."""
    text = ["a,b", 'say "hi"', "", None, " 两新 ", "a,b", "plain"]
    return {
        "text": pd.DataFrame({"text": text, "n": range(7)}),
        "categorical": pd.DataFrame(
            {
                "term": pd.Categorical(
                    ["乙", None, "甲", "乙", "x,y", "甲", "乙"], categories=["乙", "甲", "x,y", "unused"]
                )
            }
        ),
        "numbers": pd.DataFrame(
            {
                "float": [0.1, 1.0, float("nan"), 1e-20, -0.0, float("inf"), 0.1],
                "int": [3, -1, 0, 3, 2**40, 7, 3],
                "nullable": pd.array([1, None, 2, 1, None, 5, 1], dtype="Int64"),
                "flag": [True, False, True, True, False, False, True],
            }
        ),
        "dates": pd.DataFrame(
            {
                "day": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-29"] * 4),
                "moment": pd.to_datetime(["2024-01-01 00:00"] * 6 + ["2024-01-01 08:30"]),
            }
        ),
        "line break": pd.DataFrame({"text": ["one\ntwo", "three"], "n": [1, 2]}),
        "one column": pd.DataFrame({"text": ["a", "", None, "a,b"]}),
        "lists": pd.DataFrame({"list": [[1, 2], [3]], "n": [1, 2]}),
        "no rows": pd.DataFrame({"a": pd.Series([], dtype=float), "b b": pd.Series([], dtype=str)}),
        "no columns": pd.DataFrame(index=range(3)),
    }


@pytest.mark.parametrize("rows", [2, 1000])
@pytest.mark.parametrize("name", list(_awkward_frames()))
def test_csv_is_what_pandas_writes(name, rows, tmp_path):
    frame = _awkward_frames()[name]
    expected = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    assert b"".join(io.csv_chunks(frame, rows, distinct_from=0)) == expected
    io.write_csv(frame, tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_bytes() == codecs.BOM_UTF8 + expected


def test_every_table_of_a_build_is_written_as_pandas_writes_it(corpus):
    for name, frame in corpus.items():
        expected = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        assert b"".join(io.csv_chunks(frame, 50, distinct_from=0)) == expected, name
