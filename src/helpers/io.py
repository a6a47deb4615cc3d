"""Atomic, deterministic writes: a temp file in the target folder, then a rename."""

from __future__ import annotations

import codecs
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from .faults import check_write

if TYPE_CHECKING:  # loaded by the CSV writers only: text writes (the notebook runner's) need no pandas
    import numpy as np
    import pandas as pd
    import pyarrow as pa


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result onto ``path`` only if it succeeded."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        check_write(path)
        write(Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def write_text(path: Path, text: str) -> Path:
    """Write UTF-8 text with LF line endings, atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"))


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write a CSV with a stable format (no index, LF endings), atomically, in UTF-8 with a byte-order mark:
    the BOM makes Excel in a Chinese (or any) locale read it as UTF-8 instead of the ANSI code page."""

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as f:
            f.write(codecs.BOM_UTF8)
            f.writelines(csv_chunks(df))

    return write_atomic(path, write)


CSV_CHUNK_ROWS = 500_000
# From how many rows formatting each distinct value once pays (it costs a few milliseconds per column).
CSV_DISTINCT_ROWS = 10_000


def csv_chunks(
    frame: pd.DataFrame, rows: int = CSV_CHUNK_ROWS, distinct_from: int = CSV_DISTINCT_ROWS
) -> Iterator[bytes]:
    """``frame.to_csv(index=False, lineterminator="\\n")`` as UTF-8, the header line and then ``rows`` rows
    at a time. The same bytes faster for a table of ``distinct_from`` rows or more: each column's distinct
    values are formatted once, by pandas, in a row among other cells (so each is written as it is in the
    table), and the rows are joined from them by Arrow (``pyarrow.compute.binary_join_element_wise``);
    pandas writes the table itself when a formatted value holds a line break or a value cannot be hashed,
    and a table of one column (where the csv module quotes an empty row) or none."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = _distinct_cells(frame) if len(frame) >= distinct_from else None
    if cells is None:
        yield frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
        return
    yield frame.iloc[:0].to_csv(index=False, lineterminator="\n").encode("utf-8")
    comma, newline, empty = (pa.scalar(text, pa.large_string()) for text in (",", "\n", ""))
    for start in range(0, len(frame), rows):
        parts = [values.take(codes[start : start + rows]) for values, codes in cells]
        lines = pc.binary_join_element_wise(pc.binary_join_element_wise(*parts, comma), empty, newline)
        offsets = np.frombuffer(lines.buffers()[1], np.int64)[lines.offset : lines.offset + len(lines) + 1]
        yield lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def _distinct_cells(frame: pd.DataFrame) -> list[tuple[pa.Array, np.ndarray]] | None:
    """Per column, its distinct values as CSV cells (an Arrow array) and each row's index into them; None
    when pandas must write the table (see :func:`csv_chunks`)."""
    import pandas as pd
    import pyarrow as pa

    if frame.shape[1] < 2:
        return None
    out = []
    for _, column in frame.items():
        try:
            codes, uniques = pd.factorize(column, use_na_sentinel=False)
        except TypeError:  # unhashable values
            return None
        text = pd.DataFrame({"_": 0, "v": uniques}).to_csv(index=False, header=False, lineterminator="\n")
        lines = text.split("\n")[:-1]
        if len(lines) != len(uniques):
            return None
        out.append((pa.array([line[2:] for line in lines], pa.large_string()), codes))
    return out
