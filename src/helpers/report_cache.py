"""Per-report results kept between builds, so adding one report to many recomputes only that one.

Every table up to the cross-report statistics is computed from one report alone (:mod:`helpers.pipeline`).
A report's **key** (:func:`report_keys`) is the sha256 of everything that computation reads: the report's
file (its name and bytes, not its folder: a corpus moved elsewhere keeps its keys), its manifest row (with
its entry in ``overrides.yml``), the user dictionary, the stopwords, the codebook, the project's
dictionaries, the package's code, the installed packages' versions and the segmenter's name. Change any of
them and the key changes; nothing else can change the report's tables.

The cache is the folder ``cache/`` inside the processed folder (``data/processed/cache/``, or
``OUT/processed/cache/`` for a corpus elsewhere; ``make clean`` deletes it with the folder). It holds one
file per report, ``<key>.pkl.zst``: a zstd-compressed pickle of byte strings, the report's tables in their
stored form (:func:`helpers.store.encode`: UTF-8 CSV as written, the Parquet tables' Arrow tables as Arrow IPC
streams) and, as Arrow IPC streams with their pandas types, the other tables the cross-report stages read
(the reports' and blocks' rows). Loading one costs no pandas object: a build turns the Arrow tables of many
reports into pandas at once. A build saves each report
it computes into its new version folder (``staging``) and moves those entries into the cache once its
tables are written (:meth:`ReportCache.commit`): a build that fails leaves the cache as it was. Once the new
version is current it deletes every entry it did not use (:meth:`ReportCache.prune`): the cache holds the
current version's reports only (about the size of its tables). Reports no reader could read are never
cached (they are read again, and warned about, every time). Only the build, holding the processed folder's
lock, touches the cache.
"""

import hashlib
import os
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .config import DICT_DIR
from .inputs import sha256
from .io import write_atomic
from .manifest import Report
from .provenance import package_versions
from .store import PARQUET_SCHEMAS, arrow_parts, encode_parts

CACHE_DIR = "cache"  # inside the processed folder
SUFFIX = ".pkl.zst"
# What the cross-report stages read of the per-report tables, when those are written as they are produced:
CROSS_REPORT_INPUTS = {"reports", "blocks", "sentences", "sentence_themes", "tokens", "excluded"}


@dataclass
class Entry:
    """One report's results in their stored form, byte strings only (cheap to pickle, send and cache):
    ``csv`` (name → a CSV table's rows, :func:`helpers.store.encode`), ``arrow`` (name → a Parquet table's
    rows as an Arrow IPC stream) and ``kept`` (name → an Arrow IPC stream with pandas metadata: what the
    cross-report stages read of the tables stored as CSV, and ``excluded``)."""

    csv: dict[str, bytes]
    arrow: dict[str, bytes]
    kept: dict[str, bytes]

    def tables(self) -> dict[str, bytes | pa.Table]:
        """Table name → rows in :func:`helpers.store.encode` form (what :class:`helpers.store.TableAppender`
        takes); ``excluded`` is not among them."""
        return self.csv | {name: _table(data) for name, data in self.arrow.items()}

    def kept_tables(self) -> dict[str, pa.Table]:
        """``kept`` as Arrow tables (``to_pandas`` gives the pandas types back)."""
        return {name: _table(data) for name, data in self.kept.items()}


def encode_entries(parts: list[dict[str, pd.DataFrame]]) -> list[Entry]:
    """Each report's tables (``parts``, one dict of DataFrames per report) as an :class:`Entry`, each table
    encoded for all ``parts`` at once (:func:`helpers.store.encode_parts`: the bytes of one by one)."""
    entries = [Entry({}, {}, {}) for _ in parts]
    for name in dict.fromkeys(name for part in parts for name in part):
        which = [i for i, part in enumerate(parts) if name in part]
        frames = [parts[i][name] for i in which]
        if name != "excluded":
            for i, rows in zip(which, encode_parts(name, frames), strict=True):
                if isinstance(rows, bytes):
                    entries[i].csv[name] = rows
                else:
                    entries[i].arrow[name] = _stream(rows)
        if name in CROSS_REPORT_INPUTS and name not in PARQUET_SCHEMAS:
            for i, table in zip(which, arrow_parts(frames), strict=True):
                entries[i].kept[name] = _stream(table)
    return entries


def project_files() -> list[Path]:
    """The project's dictionaries and the package's code, sorted: what every build reads."""
    return sorted(DICT_DIR.glob("*")) + sorted(Path(__file__).parent.rglob("*.py"))


def files_digest(files: list[Path], *names: str) -> "hashlib._Hash":
    """A sha256 over ``names`` and every file's name and bytes (a missing file counts as empty)."""
    digest = hashlib.sha256("\0".join(names).encode() + b"\0")
    for f in files:
        digest.update(str(f.name).encode() + b"\0" + (f.read_bytes() if f.is_file() else b"") + b"\0")
    return digest


def report_keys(reports: list[Report], inputs: dict[str, Path], segmenter: str) -> list[str]:
    """Each report's key (hex sha256), in the order given; ``inputs`` as
    :func:`helpers.inputs.corpus_inputs` returns them."""
    files = [inputs["userdict"], inputs["stopwords"], inputs["codebook"], *project_files()]
    versions = sorted(f"{name}=={version}" for name, version in package_versions().items())
    shared = files_digest(files, segmenter, *versions).hexdigest()
    keys = []
    for report in reports:
        row = replace(report, path=Path(report.path.name))  # the file by its name, not its folder
        keys.append(hashlib.sha256(f"{shared}\0{row!r}\0{sha256(report.path)}".encode()).hexdigest())
    return keys


class ReportCache:
    """The entries in ``folder``, new ones saved to ``staging`` until :meth:`commit`; with ``read=False``
    (``--force``) none is found but new ones are saved."""

    def __init__(self, folder: Path, staging: Path, read: bool = True):
        self.folder, self.staging, self.read, self.used = Path(folder), Path(staging), read, set()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"

    def __contains__(self, key: str) -> bool:
        return self.read and self._path(key).is_file()

    def load(self, key: str) -> Entry:
        self.used.add(key)
        with pa.input_stream(self._path(key), compression="zstd") as f:
            return Entry(*pickle.loads(f.read()))

    def save(self, key: str, entry: Entry) -> None:
        self.used.add(key)

        def write(tmp: Path) -> None:
            payload = (entry.csv, entry.arrow, entry.kept)
            with pa.output_stream(tmp, compression="zstd") as f:
                f.write(pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL))

        write_atomic(self.staging / self._path(key).name, write)

    def commit(self) -> None:
        """Move the entries saved so far from ``staging`` into the cache."""
        if self.staging.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True)
            for path in self.staging.iterdir():
                os.replace(path, self.folder / path.name)
            self.staging.rmdir()

    def prune(self) -> None:
        """Delete every entry not loaded or saved by this build, and leftovers of killed writes."""
        for path in self.folder.glob("*") if self.folder.is_dir() else []:
            if path.name.removesuffix(SUFFIX) not in self.used:
                path.unlink(missing_ok=True)


def _stream(table: pa.Table) -> bytes:
    """``table`` as an Arrow IPC stream (a slice writes only its own rows)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _table(data: bytes) -> pa.Table:
    return pa.ipc.open_stream(data).read_all()
