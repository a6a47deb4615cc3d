"""How each processed table is stored: the large tables as Parquet, the ones a person opens in a spreadsheet
as CSV (``data/README.md`` says which is which).

Parquet tables (``PARQUET_SCHEMAS``: one row per sentence, token or sentence-theme hit, the tables that grow
with every character of the corpus) are written with pyarrow in a fixed layout: the columns and Arrow types of
their schema, no pandas metadata, zstd compression, row groups of ``ROW_GROUP_ROWS`` rows (the last one
shorter). The layout follows from the table's rows alone — not from ``--jobs``, the engine, or the parts the
rows arrived in — so the files are byte-identical across builds. Read them by column
(``read_table(path, columns=[...])``) or by row group (``pyarrow.parquet.ParquetFile(path).iter_batches()``).
CSV tables are UTF-8 with a byte-order mark (:func:`helpers.io.write_csv`). A table is named by its stem
(``tokens``, ``reports``) whatever its format; :func:`table_path` finds its file. :func:`encode` turns rows
into their stored form (UTF-8 CSV, or an Arrow table of the schema), which :class:`TableAppender` also takes;
:func:`encode_parts` does so for many parts at once.
"""

import codecs
from collections.abc import Iterator
from itertools import groupby, pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .faults import check_write
from .io import csv_chunks, write_atomic, write_csv

_ID = {"report_id": pa.string(), "sentence_id": pa.int64()}
PARQUET_SCHEMAS = {
    "sentences": pa.schema(
        {
            **_ID,
            "sentence_key": pa.string(),
            "block_id": pa.int64(),
            "section": pa.int64(),
            "text": pa.string(),
        }
    ),
    "tokens": pa.schema(
        {**_ID, "token_id": pa.int64(), "token": pa.string(), "pos": pa.string(), "is_stopword": pa.bool_()}
    ),
    "sentence_themes": pa.schema(
        {
            **_ID,
            "sentence_key": pa.string(),
            "theme": pa.string(),
            "matched_terms": pa.string(),
            "n_hits": pa.int64(),
        }
    ),
}
# Text columns read as categoricals (one string per distinct value, small integer codes per row): the ids and
# words repeated on every row of the tables that grow with the corpus.
CATEGORICAL = {
    "tokens": ["report_id", "token", "pos"],
    "sentences": ["report_id"],
    "sentence_themes": ["report_id", "theme"],
    "frequencies": ["report_id", "term"],
}
ROW_GROUP_ROWS = 100_000
PARQUET_OPTIONS = {"compression": "zstd", "compression_level": 3}


def table_path(folder: Path, name: str) -> Path:
    """Where table ``name`` lives in ``folder``: ``name.parquet`` or ``name.csv``."""
    return Path(folder) / f"{name}.{'parquet' if name in PARQUET_SCHEMAS else 'csv'}"


def table_files(folder: Path) -> list[Path]:
    """Every table file in ``folder``, sorted by table name."""
    return sorted([*Path(folder).glob("*.csv"), *Path(folder).glob("*.parquet")], key=lambda p: p.stem)


def read_table(
    path: Path, text_columns=(), columns: list[str] | None = None, filters: list[tuple] | None = None
) -> pd.DataFrame:
    """A processed table (``columns``: only these). Parquet: the schema's types; ``filters``: only the rows
    that pass them, in pyarrow's form (a list of ``(column, op, value)`` conditions that must all hold,
    ``[("is_stopword", "==", False)]``, or a list of such lists of which one must; ValueError for a CSV
    table or a column the table lacks); only the row groups holding such rows are decoded. CSV: empty cells
    are NaN in numeric columns, "" in text columns (no other NA strings); ``text_columns`` stay text even
    when they look numeric (grouping values such as a year). The table's ``CATEGORICAL`` columns are
    categoricals whose categories are sorted, so they sort and group as the text would (the categories hold
    every value read; unfiltered, they are the whole column's)."""
    path = Path(path)
    categorical = [c for c in CATEGORICAL.get(path.stem, ()) if columns is None or c in columns]
    if path.suffix == ".parquet":
        return _read_parquet(path, columns, categorical, filters)
    if filters:
        raise ValueError(f"{path.name}: rows are filtered in Parquet tables only")
    frame = pd.read_csv(
        path,
        keep_default_na=False,
        na_values=[""],
        dtype=dict.fromkeys(text_columns, str) | dict.fromkeys(categorical, "category"),
        usecols=columns,
    )
    text = frame.select_dtypes(exclude=["number", "bool", "category"]).columns
    frame = frame.astype({c: str for c in text}).fillna({c: "" for c in text})
    return frame.assign(**{c: _sorted_categories(frame[c]) for c in categorical})


def _read_parquet(
    path: Path, columns: list[str] | None, categorical: list[str], filters: list | None
) -> pd.DataFrame:
    """:func:`read_table` of a Parquet file, closed when the read ends, by an error too, rather than whenever
    the reader is collected (Windows cannot replace an open file)."""
    with pq.ParquetFile(path, read_dictionary=categorical) as file:
        rows = (
            _passing_rows(file, filters, path.name) if filters else dict.fromkeys(range(file.num_row_groups))
        )
        names = columns or file.schema_arrow.names
        return pd.DataFrame({c: _parquet_column(file, c, rows, c in categorical) for c in names}, copy=False)


def _passing_rows(file: pq.ParquetFile, filters: list, name: str) -> dict[int, pa.BooleanArray]:
    """For each row group of ``file`` holding a row that passes ``filters``, which of its rows do; read from
    the filters' columns alone, one row group at a time. The rows of a few reports lie in a few row groups,
    but every row group's ``report_id`` range spans most reports (the manifest interleaves groups), so
    Parquet's statistics skip none of them: reading the two reports notebook 04 aligns decoded the whole
    token table (10,000 reports: 0.23 GB transient, 2.6 s; its row groups alone: 0.04 GB, 0.8 s)."""
    conditions = [c for part in filters for c in (part if isinstance(part, list) else [part])]
    test, keys = pq.filters_to_expression(filters), sorted({column for column, _, _ in conditions})
    if unknown := [key for key in keys if key not in file.schema_arrow.names]:
        raise ValueError(
            f"{name}: no column {', '.join(unknown)} to filter on; its columns: {file.schema_arrow.names}"
        )
    rows = {}
    for group in range(file.num_row_groups):
        values = file.read_row_group(group, columns=keys)
        numbered = values.append_column("__row", pa.array(np.arange(values.num_rows)))
        passing = numbered.filter(test).column("__row").to_numpy()
        if len(passing):
            mask = np.zeros(values.num_rows, bool)
            mask[passing] = True
            rows[group] = pa.array(mask)
    return rows


def _parquet_column(
    file: pq.ParquetFile, column: str, rows: dict[int, pa.BooleanArray | None], categorical: bool
) -> pd.Series:
    """One column of a Parquet table, its ``rows`` alone (row group → which of its rows; None: all), decoded
    on its own: Arrow's buffers for it are handed back before the next column is read (read together, every
    column's Arrow copy and pandas copy were held at once; on the tokens of 10,000 reports the peak was
    0.76 GB for a 0.18 GB table, column by column 0.44 GB)."""
    read = (file.read_row_group(group, columns=[column]) for group in rows)  # one row group held at a time
    parts = [
        part if mask is None else part.filter(mask) for part, mask in zip(read, rows.values(), strict=True)
    ]
    table = pa.concat_tables(parts) if parts else pa.schema([file.schema_arrow.field(column)]).empty_table()
    values = table.column(0).to_pandas()
    del parts, table
    pa.default_memory_pool().release_unused()  # freed, but kept by Arrow's allocator
    return _sorted_categories(values) if categorical else values


def _sorted_categories(column: pd.Series) -> pd.Series:
    """``column`` with its categories in sorted order, an empty CSV cell as the category ""."""
    if column.hasnans:
        column = column.cat.add_categories("").fillna("")
    return column.cat.reorder_categories(column.cat.categories.sort_values())


def write_table(frame: pd.DataFrame, folder: Path, name: str) -> Path:
    """Write ``frame`` as table ``name`` into ``folder`` atomically, in its format (:func:`table_path`)."""
    path = table_path(folder, name)
    if path.suffix == ".csv":
        return write_csv(frame, path)

    def write(tmp: Path) -> None:
        parts = _ParquetParts(tmp, PARQUET_SCHEMAS[name])
        parts.append(encode(name, frame))
        parts.close()

    return write_atomic(path, write)


def encode(name: str, frame: pd.DataFrame) -> bytes | pa.Table:
    """``frame``'s rows as table ``name`` stores them: UTF-8 CSV with its header line (LF line endings, no
    byte-order mark), or for a Parquet table an Arrow table of its schema without pandas metadata. Raises
    ValueError when a Parquet table's columns are not its schema's."""
    return encode_parts(name, [frame])[0]


def encode_parts(name: str, frames: list[pd.DataFrame]) -> list[bytes | pa.Table]:
    """:func:`encode` of each of ``frames``, computed for each run of frames with the same columns and types
    at once (one CSV encoding, :func:`helpers.io.csv_chunks`, or one Arrow conversion per run, then cut into
    the frames' rows), so every value is written as its own frame alone would write it."""
    schema = PARQUET_SCHEMAS.get(name)
    if schema is None:
        return [rows for run in _runs(frames) for rows in _csv_parts(run)]
    for frame in frames:
        if set(schema.names) - set(frame.columns) or len(frame.columns) != len(schema.names):
            raise ValueError(f"{name}: columns {list(frame.columns)}, expected {schema.names}")
    return arrow_parts([frame[schema.names] for frame in frames], schema)


def arrow_parts(frames: list[pd.DataFrame], schema: pa.Schema | None = None) -> list[pa.Table]:
    """Each of ``frames`` as an Arrow table: of ``schema`` without pandas metadata, or without a schema with
    its pandas types (``to_pandas`` gives them back); converted once per run of same-typed frames."""
    tables = []
    for run in _runs(frames):
        whole = pa.Table.from_pandas(_concat(run), schema=schema, preserve_index=False)
        if schema is not None:
            whole = whole.replace_schema_metadata()
        bounds = np.cumsum([0, *map(len, run)])
        tables += [whole.slice(start, end - start) for start, end in pairwise(bounds)]
    return tables


def _runs(frames: list[pd.DataFrame]) -> Iterator[list[pd.DataFrame]]:
    """``frames`` in runs of the same columns and types."""
    for _, run in groupby(frames, key=lambda f: list(f.dtypes.items())):
        yield list(run)


def _concat(run: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(run, ignore_index=True) if len(run) > 1 else run[0]


def _csv_parts(run: list[pd.DataFrame]) -> list[bytes]:
    """Each frame of ``run`` as CSV: their rows written once and cut at the line ends, unless a quoted
    value holds a line break (then every frame is written alone)."""
    whole = _concat(run)
    text = b"".join(csv_chunks(whole))
    ends = np.flatnonzero(np.frombuffer(text, np.uint8) == ord("\n")) + 1
    if len(ends) != len(whole) + 1:
        return [b"".join(csv_chunks(frame)) for frame in run]
    header, cuts = text[: ends[0]], ends[np.cumsum([0, *map(len, run)])]
    return [header + text[start:end] for start, end in pairwise(cuts)]


class TableAppender:
    """Writes tables into ``folder`` part by part: ``append(name, rows)`` adds ``rows`` (a DataFrame or its
    :func:`encode` form) to table ``name``; the file is byte-identical to :func:`write_table` of the parts
    concatenated. Use as a context manager (the files are complete when it closes). Not atomic by itself:
    write into a folder that becomes visible only when complete. ``tables``: the names written so far."""

    def __init__(self, folder: Path):
        self.folder, self.tables, self._parts = Path(folder), set(), {}

    def __enter__(self) -> "TableAppender":
        return self

    def __exit__(self, *exc) -> None:
        for parts in self._parts.values():
            parts.close(complete=exc[0] is None)

    def append(self, name: str, rows: pd.DataFrame | bytes | pa.Table) -> None:
        parts = self._parts.get(name)
        if parts is None:
            path, schema = table_path(self.folder, name), PARQUET_SCHEMAS.get(name)
            check_write(path)
            parts = self._parts[name] = _CsvParts(path) if schema is None else _ParquetParts(path, schema)
            self.tables.add(name)
        parts.append(encode(name, rows) if isinstance(rows, pd.DataFrame) else rows)


class _CsvParts:
    """One CSV file written from parts (:func:`encode` forms): the byte-order mark and the first part's
    header, then every part's rows."""

    def __init__(self, path: Path):
        self.path, self.file = path, None

    def append(self, rows: bytes) -> None:
        if self.file is None:
            self.file = open(self.path, "wb")  # noqa: SIM115 (closed by close())
            self.file.write(codecs.BOM_UTF8 + rows)
        else:
            self.file.write(memoryview(rows)[rows.index(b"\n") + 1 :])

    def close(self, complete: bool = True) -> None:
        if self.file is not None:
            self.file.close()


class _ParquetParts:
    """One Parquet file written from parts: rows are buffered and written in row groups of exactly
    ``ROW_GROUP_ROWS`` rows, so the layout does not depend on the parts' sizes."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path, self.schema = path, schema
        self.pending: list[pa.Table] = []
        self.rows = 0
        self.writer: pq.ParquetWriter | None = None

    def append(self, table: pa.Table) -> None:
        """Add the rows of ``table`` (an :func:`encode` result)."""
        self.pending.append(table)
        self.rows += len(table)
        while self.rows >= ROW_GROUP_ROWS:
            self._write(ROW_GROUP_ROWS)

    def _write(self, rows: int) -> None:
        table = pa.concat_tables(self.pending) if self.pending else self.schema.empty_table()
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, self.schema, **PARQUET_OPTIONS)
        if rows:
            self.writer.write_table(table.slice(0, rows), row_group_size=rows)
        rest = table.slice(rows)
        self.pending, self.rows = [rest], len(rest)

    def close(self, complete: bool = True) -> None:
        """Write the last, shorter row group (when ``complete``) and close the file."""
        if complete and (self.rows or self.writer is None):
            self._write(self.rows)
        if self.writer is not None:
            self.writer.close()
