"""The labelling workflow behind ``python -m helpers label export|import|freeze``.

Files, all in the validation folder: the folder of the hand labels the corpus uses (``data/validation/``, or
the corpus folder when it has its own ``theme_labels.csv``, :mod:`helpers.inputs`) unless ``--validation-dir``
says otherwise:

``samples.csv`` — every sentence ever drawn into a coding sheet: ``sample`` (the sheet's id),
``sentence_key``, ``report_id``, ``stratum`` (the themes the rules coded it with, among the stratifying
themes, ``+``-joined, or ``none``), ``stratum_size`` (N_h, sentences of the stratum in the chosen
reports), ``stratum_drawn`` (n_h), ``weight`` = N_h / n_h (the inverse inclusion probability, for estimates
re-weighted to the population), ``codebook`` (the codebook version the sheet was made for) and ``text``.

``frozen_rules.json`` — written by ``label freeze``: the hash of the compiled rules (see :func:`rules_hash`).
Labels imported while the rules still have that hash are *held out* (``held_out_for`` = the hash); labels
imported otherwise are development labels.

``theme_labels.csv`` — the labels (format in :mod:`helpers.validation`); ``label import`` appends to it.

Sampling (:func:`draw_sample`) is stratified on the rules' output so that both precision (rule positives) and
recall (rule negatives, where the misses are) can be estimated: every stratum gets an equal share of the
sheet (capped at its size; what a small stratum cannot use goes to the others), drawn without replacement with
``numpy.random.default_rng(seed)``; the sheet lists the drawn sentences in random order.
"""

import csv
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .codebook import REQUIRED_THEMES, Theme, load_codebook
from .errors import InputError
from .inputs import corpus_inputs
from .io import write_atomic, write_csv, write_text
from .themes import code_sentences
from .validation import LABEL_COLUMNS, read_labels, rules_hash

SAMPLES, FROZEN, LABELS = "samples.csv", "frozen_rules.json", "theme_labels.csv"
SAMPLE_COLUMNS = [
    "sample", "sentence_key", "report_id", "stratum", "stratum_size", "stratum_drawn", "weight", "codebook",
    "text",
]  # fmt: skip
SHEET_ID_COLUMNS = ["sentence_key", "sample", "codebook", "coder", "text"]


def codebook_version(themes: list[Theme]) -> str:
    """The version of what a human coder applies: ``cb`` + 10 hex digits of the SHA-256 of the theme ids and
    definitions (a sheet is only valid for the definitions it was coded from)."""
    text = json.dumps([[t.id, t.definition] for t in themes], ensure_ascii=False)
    return "cb" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def frozen_hash(validation_dir: Path) -> str:
    """The rules hash recorded by ``label freeze`` ("" if the rules were never frozen)."""
    path = Path(validation_dir) / FROZEN
    return json.loads(path.read_text(encoding="utf-8"))["rules_hash"] if path.is_file() else ""


def freeze(themes: list[Theme], validation_dir: Path) -> str:
    """Record the hash of the current rules; labels imported from now on are held out. Returns the hash."""
    digest = rules_hash(themes)
    write_text(Path(validation_dir) / FROZEN, json.dumps({"rules_hash": digest}, indent=1) + "\n")
    return digest


# --- export ---------------------------------------------------------------------------------------------


def strata(sentences: pd.DataFrame, coded: pd.DataFrame, strata_themes: list[str]) -> pd.Series:
    """Per sentence (indexed like ``sentences``): the stratifying themes the rules coded, ``+``-joined, or
    ``none``."""
    hits = coded[coded.theme.isin(strata_themes)]
    order = {t: i for i, t in enumerate(strata_themes)}
    joined = hits.groupby("sentence_key").theme.agg(lambda x: "+".join(sorted(x, key=order.get)))
    return sentences.sentence_key.map(joined).fillna("none").rename("stratum")


def allocate(sizes: pd.Series, n: int) -> pd.Series:
    """Sentences to draw per stratum: equal shares capped at each stratum's size, repeated over the strata
    with room left; when fewer remain than strata, the strata with most room get one each. The total is
    min(n, sizes.sum())."""
    drawn = pd.Series(0, index=sizes.index)
    left = min(n, int(sizes.sum()))
    while left > 0:
        room = sizes - drawn
        open_ = room[room > 0]
        share = max(1, left // len(open_))
        step = np.minimum(open_, share)
        if step.sum() > left:  # fewer than one each: the largest strata first
            step = pd.Series(0, index=open_.index)
            step[open_.sort_values(ascending=False, kind="stable").index[:left]] = 1
        drawn[step.index] += step
        left -= int(step.sum())
    return drawn


def draw_sample(
    sentences: pd.DataFrame, coded: pd.DataFrame, themes: list[Theme], n: int, seed: int, strata_themes=None
) -> pd.DataFrame:
    """A stratified random sample of ``n`` sentences (columns ``SAMPLE_COLUMNS``, in random sheet order)."""
    strata_themes = list(strata_themes or REQUIRED_THEMES)
    stratum = strata(sentences, coded, strata_themes)
    sizes = stratum.value_counts().sort_index()
    drawn = allocate(sizes, n)
    rng = np.random.default_rng(seed)
    picked = []
    for name in sizes.index:
        rows = np.flatnonzero((stratum == name).to_numpy())
        picked += list(rng.choice(rows, size=int(drawn[name]), replace=False))
    sample = sentences.iloc[rng.permutation(picked)].assign(stratum=stratum)
    sample["stratum_size"] = sample.stratum.map(sizes)
    sample["stratum_drawn"] = sample.stratum.map(drawn)
    sample["weight"] = sample.stratum_size / sample.stratum_drawn
    sample["codebook"] = codebook_version(themes)
    keys = "\n".join(sorted(sample.sentence_key))
    sample["sample"] = "sample-" + hashlib.sha256(f"{seed}\n{keys}".encode()).hexdigest()[:8]
    return sample[SAMPLE_COLUMNS].reset_index(drop=True)


def sheet(sample: pd.DataFrame, themes: list[Theme], coder: str = "") -> pd.DataFrame:
    """The blind coding sheet of a sample: ``SHEET_ID_COLUMNS`` and one empty column per theme (no rule
    output, no stratum, no weight)."""
    out = sample[["sentence_key", "sample", "codebook"]].assign(coder=coder, text=sample.text)
    return out.assign(**{t.id: "" for t in themes})


def instructions(themes: list[Theme], codebook_path: Path) -> list[str]:
    """The sheet's instruction lines (each starts with ``#``; ``label import`` skips them)."""
    lines = [
        f"# Code each sentence from the theme definitions of {codebook_path.name} (one line per theme "
        "below), one sentence at a time: 1 = the sentence says what the definition covers, 0 = it does not, "
        "blank = not read. Write your name in `coder`. Do not edit sentence_key, sample, codebook or text.",
    ]
    lines += [f"# {t.id} — {t.label_en} · {t.label_zh}: {t.definition}" for t in themes]
    return lines


def write_sheet(table: pd.DataFrame, notes: list[str], out: Path) -> list[Path]:
    """Write ``out`` as CSV (UTF-8 with BOM so spreadsheet programs detect it; instruction lines first) and
    the same sheet as XLSX beside it (sheet ``labels`` with the table, sheet ``instructions``)."""
    from openpyxl import Workbook

    out = Path(out).with_suffix(".csv")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows([[line] for line in notes])
    table.to_csv(buffer, index=False, lineterminator="\n")
    write_atomic(out, lambda tmp: tmp.write_text(buffer.getvalue(), encoding="utf-8-sig", newline="\n"))

    def save(tmp: Path) -> None:
        book = Workbook()
        labels = book.active
        labels.title = "labels"
        labels.append(list(table.columns))
        for row in table.itertuples(index=False):
            labels.append(list(row))
        info = book.create_sheet("instructions")
        for line in notes:
            info.append([line.lstrip("# ")])
        book.save(tmp)

    return [out, write_atomic(out.with_suffix(".xlsx"), save)]


def record_sample(sample: pd.DataFrame, validation_dir: Path) -> None:
    """Append the sample to ``samples.csv`` (a sample drawn before is not recorded twice)."""
    path = Path(validation_dir) / SAMPLES
    old = _read_csv(path, SAMPLE_COLUMNS) if path.is_file() else pd.DataFrame(columns=SAMPLE_COLUMNS)
    new = sample[~sample["sample"].isin(set(old["sample"]))]
    write_csv(pd.concat([old, new.astype(str)], ignore_index=True), path)


# --- import ---------------------------------------------------------------------------------------------


class SheetProblems(Exception):
    """Everything wrong with a returned sheet, one line per problem (the CLI prints them all)."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


def read_sheet(path: Path) -> pd.DataFrame:
    """A returned sheet as text cells: XLSX (first sheet), or CSV in UTF-8 (with or without BOM) or GB18030
    (Chinese-locale Excel). Instruction lines (first cell starting with ``#``) and empty rows are skipped;
    the ``line`` column keeps the row's line number in the file."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "sheet not found", "pass the path of the returned coding sheet")
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            rows = list(load_workbook(path, read_only=True, data_only=True).worksheets[0].values)
        except Exception:
            raise InputError(path, "is not a readable XLSX workbook", "save it again as .xlsx") from None
        rows = [["" if v is None else _cell(v) for v in row] for row in rows]
    else:
        data = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InputError(path, "is neither UTF-8 nor GB18030 text", "save it as CSV UTF-8 or as XLSX")
        rows = list(csv.reader(io.StringIO(text)))
    numbered = [
        (i, row) for i, row in enumerate(rows, 1) if any(str(c).strip() for c in row) and not _is_note(row)
    ]
    if not numbered:
        raise InputError(path, "has no header row", "return the sheet that `label export` wrote")
    (_, header), body = numbered[0], numbered[1:]
    header = [str(c).strip() for c in header]
    table = pd.DataFrame([(list(r) + [""] * len(header))[: len(header)] for _, r in body], columns=header)
    return table.astype(str).assign(line=[i for i, _ in body])


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_note(row) -> bool:
    return str(row[0]).lstrip().startswith("#") if row else False


def validate_sheet(table: pd.DataFrame, path: Path, samples: pd.DataFrame, themes: list[Theme]) -> list[str]:
    """Every problem of a returned sheet, one line each (an empty list when it can be imported)."""
    theme_ids = [t.id for t in themes]
    missing = [c for c in [*SHEET_ID_COLUMNS, *theme_ids] if c not in table.columns]
    if missing:
        return [f"{path}: column(s) {', '.join(missing)} missing. Fix: return the sheet with its header row"]
    problems = []
    version = codebook_version(themes)
    for v in sorted(set(table.codebook.str.strip()) - {version}):
        problems.append(
            f"{path}: sheet made for codebook {v}, but the codebook is now {version}. Fix: code a new sheet "
            "from `label export`, or restore the codebook definitions the sheet was made from"
        )
    known = set(zip(samples["sample"], samples.sentence_key, strict=True))
    for row in table.itertuples():
        where = f"{path}: line {row.line}"
        if (row.sample.strip(), row.sentence_key.strip()) not in known:
            problems.append(
                f"{where}: unknown sentence key {row.sentence_key!r} in sample {row.sample!r}. "
                "Fix: do not edit sentence_key or sample; import only sheets from `label export`"
            )
        values = {t: getattr(row, t).strip() for t in theme_ids}
        for theme, value in values.items():
            if value not in ("1", "0", ""):
                problems.append(
                    f"{where}, column {theme}: {value!r} is not 1, 0 or blank. Fix: write 1, 0 or nothing"
                )
        if any(values.values()) and not row.coder.strip():
            problems.append(f"{where}: labels without a coder. Fix: write the coder's name in `coder`")
    labelled = table[table[theme_ids].apply(lambda c: c.str.strip()).ne("").any(axis=1)]
    twice = labelled[labelled.duplicated(["sentence_key", "coder"], keep="first")]
    problems += [
        f"{path}: line {r.line}: coder {r.coder!r} labels {r.sentence_key} a second time. Fix: keep one row"
        for r in twice.itertuples()
    ]
    return problems


def import_sheet(path: Path, themes: list[Theme], validation_dir: Path) -> tuple[int, str]:
    """Validate a returned sheet and merge its labels into ``theme_labels.csv`` (keeping every coder's labels;
    a row already imported with the same values is skipped). Returns (rows added, held_out_for).
    Raises ``SheetProblems`` (nothing written) when anything is wrong."""
    validation_dir = Path(validation_dir)
    theme_ids = [t.id for t in themes]
    samples_path = validation_dir / SAMPLES
    if not samples_path.is_file():
        raise InputError(samples_path, "no sample recorded", "export a sheet with `label export` first")
    samples = _read_csv(samples_path, SAMPLE_COLUMNS)
    table = read_sheet(path)
    problems = validate_sheet(table, Path(path), samples, themes)
    labels_path = validation_dir / LABELS
    old = read_labels(theme_ids, labels_path)
    rows = table.assign(**{c: table[c].str.strip() for c in ["sentence_key", "sample", "coder", *theme_ids]})
    rows = rows[rows[theme_ids].ne("").any(axis=1)]
    if not problems:
        merged = rows.merge(old, on=["sentence_key", "coder"], how="inner", suffixes=("", "_old"))
        for r in merged.itertuples():
            same = all(getattr(r, t) == _text(getattr(r, f"{t}_old")) for t in theme_ids)
            if not same:
                problems.append(
                    f"{path}: line {r.line}: coder {r.coder!r} already has different labels for "
                    f"{r.sentence_key} in {labels_path.name}. Fix: use another coder name, or edit "
                    f"{labels_path.name} by hand to replace the old labels"
                )
        rows = rows[~rows.set_index(["sentence_key", "coder"]).index.isin(merged.set_index(
            ["sentence_key", "coder"]).index)]  # fmt: skip
    if problems:
        raise SheetProblems(problems)
    held_out = frozen_hash(validation_dir)
    if held_out and held_out != rules_hash(themes):
        held_out = ""
    info = samples.set_index(["sample", "sentence_key"])
    at = pd.MultiIndex.from_frame(rows[["sample", "sentence_key"]])
    new = pd.DataFrame(
        {
            "sentence_key": rows.sentence_key.to_numpy(),
            "report_id": info.report_id.reindex(at).to_numpy(),
            "coder": rows.coder.to_numpy(),
            "sample": rows["sample"].to_numpy(),
            "weight": info.weight.reindex(at).to_numpy(),
            "held_out_for": held_out,
            "text": info.text.reindex(at).to_numpy(),
            **{t: rows[t].to_numpy() for t in theme_ids},
        }
    )
    old_text = old.astype({t: "object" for t in theme_ids}).assign(
        **{t: old[t].map(_text) for t in theme_ids}
    )
    extra = [c for c in _read_header(labels_path) if c not in [*LABEL_COLUMNS, *theme_ids]]
    out = pd.concat([old_text, new], ignore_index=True)[[*LABEL_COLUMNS, *theme_ids]]
    if extra:  # columns of themes no longer in the codebook are kept as they were
        out = pd.concat([out, pd.read_csv(labels_path, dtype=str, keep_default_na=False)[extra]], axis=1)
    write_csv(out, labels_path)
    return len(new), held_out


def _text(value) -> str:
    return "" if pd.isna(value) else str(int(value))


def _read_header(path: Path) -> list[str]:
    return list(pd.read_csv(path, nrows=0).columns) if Path(path).is_file() else []


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            path, f"column(s) {', '.join(missing)} missing", "restore the file from version control"
        )
    return frame.astype({"weight": float}) if "weight" in columns else frame


# --- command line ---------------------------------------------------------------------------------------


def run(args) -> int:
    """Carry out a ``label`` action; problems with a returned sheet are printed one per line (exit code 2).
    The codebook and the labels are the corpus' (:func:`helpers.inputs.corpus_inputs` of ``--manifest``)."""
    inputs = corpus_inputs(args.manifest, args.codebook)
    themes = load_codebook(inputs["codebook"])
    args.validation_dir = args.validation_dir or inputs["labels"].parent
    if args.action == "freeze":
        print(
            f"rules frozen: {freeze(themes, args.validation_dir)}; labels imported from now on are held out"
        )
    elif args.action == "export":
        from .build import build
        from .outputs import current
        from .store import read_table, table_path

        build(args.manifest, args.processed, args.codebook)
        sentences = read_table(table_path(current(Path(args.processed)), "sentences"))
        chosen = [r for r in args.reports.split(",") if r]
        unknown = sorted(set(chosen) - set(sentences.report_id))
        if unknown:
            raise InputError(
                args.manifest, f"no report {', '.join(unknown)}", "use report ids from the manifest"
            )
        if chosen:
            sentences = sentences[sentences.report_id.isin(chosen)].reset_index(drop=True)
        coded = code_sentences(sentences, themes)
        strata_themes = [t for t in args.strata.split(",") if t]
        unknown = sorted(set(strata_themes) - {t.id for t in themes})
        if unknown:
            raise InputError(
                inputs["codebook"], f"no theme {', '.join(unknown)}", "pass codebook theme ids to --strata"
            )
        sample = draw_sample(sentences, coded, themes, args.n, args.seed, strata_themes)
        notes = instructions(themes, inputs["codebook"])
        paths = write_sheet(sheet(sample, themes, args.coder), notes, args.out)
        record_sample(sample, args.validation_dir)
        print(f"sample {sample['sample'].iloc[0]}: {len(sample)} sentences -> {', '.join(map(str, paths))}")
    else:
        try:
            added, held_out = import_sheet(args.sheet, themes, args.validation_dir)
        except SheetProblems as err:
            print("\n".join(f"error: {line}" for line in err.lines), file=sys.stderr)
            return 2
        frozen = frozen_hash(args.validation_dir)
        if held_out:
            kind = f"held-out labels (rules frozen as {held_out})"
        elif frozen:
            kind = (
                f"development labels: the rules changed since the freeze ({frozen}); run `label freeze` again"
            )
        else:
            kind = "development labels (the rules are not frozen)"
        print(f"imported {added} labelled row(s) as {kind}")
    return 0
