"""`python -m helpers label export|import|freeze` end to end (real CLI subprocesses on a sheet the test
fills in), and the sampling, hashing and sheet-reading pieces against hand-worked examples."""

import subprocess
import sys

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import labelling, validation
from helpers.codebook import load_codebook
from helpers.config import CODEBOOK, PROJ_ROOT

THEMES = load_codebook(CODEBOOK)
THEME_IDS = [t.id for t in THEMES]


def cli(*args, cwd=PROJ_ROOT):
    return subprocess.run(
        [sys.executable, "-m", "helpers", "label", *map(str, args)], capture_output=True, text=True, cwd=cwd
    )


# --- pieces -------------------------------------------------------------------------------------------


def test_allocation_gives_equal_shares_capped_at_the_stratum_size():
    sizes = pd.Series({"a": 2, "b": 50, "c": 10})
    # 12 → 4 each, a can take only 2; the 2 left go one each to b and c
    assert labelling.allocate(sizes, 12).to_dict() == {"a": 2, "b": 5, "c": 5}
    assert labelling.allocate(sizes, 2).to_dict() == {"a": 0, "b": 1, "c": 1}  # most room first
    assert labelling.allocate(sizes, 500).to_dict() == sizes.to_dict()  # a census


def test_rules_hash_ignores_comments_and_definitions_but_not_patterns(tmp_path):
    text = CODEBOOK.read_text(encoding="utf-8")
    commented = tmp_path / "commented.yml"
    assert "      - 培养\n" in text  # the edits below change something
    commented.write_text("# a new comment\n" + text.replace("      - 培养\n", "      - 培养   # cultivate\n"))
    assert labelling.rules_hash(load_codebook(commented)) == labelling.rules_hash(THEMES)
    reworded = tmp_path / "reworded.yml"
    reworded.write_text(text.replace("Developing people:", "Developing people and teams:"), encoding="utf-8")
    assert labelling.rules_hash(load_codebook(reworded)) == labelling.rules_hash(THEMES)
    assert labelling.codebook_version(load_codebook(reworded)) != labelling.codebook_version(THEMES)
    edited = tmp_path / "edited.yml"
    edited.write_text(text.replace("      - 培养\n", "      - 培养人\n"), encoding="utf-8")
    assert labelling.rules_hash(load_codebook(edited)) != labelling.rules_hash(THEMES)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_csv_sheet_reads_the_same_in_every_encoding_excel_saves(tmp_path, encoding):
    path = tmp_path / "sheet.csv"
    text = '"# 说明, with a comma",,\nsentence_key,coder,text\nr:s0123456789,张三,党建引领发展。\n\n'
    path.write_bytes(text.encode(encoding))
    table = labelling.read_sheet(path)
    assert table.to_dict("records") == [
        {"sentence_key": "r:s0123456789", "coder": "张三", "text": "党建引领发展。", "line": 3}
    ]


# --- end to end ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def exported(tmp_path_factory, processed_dir):
    """One real export of 30 sentences from the built seed corpus, into an empty validation folder."""
    root = tmp_path_factory.mktemp("labelling")
    vdir = root / "validation"
    args = ["--n", 30, "--seed", 7, "--processed", processed_dir, "--validation-dir", vdir]
    first = cli("export", "--out", root / "sheet.csv", *args)
    assert first.returncode == 0, first.stderr
    again = cli("export", "--out", root / "again.csv", *args)
    assert again.returncode == 0, again.stderr
    return root, vdir


def test_export_writes_a_blind_stratified_sheet_with_weights(exported, corpus):
    root, vdir = exported
    assert (root / "sheet.csv").read_bytes() == (root / "again.csv").read_bytes()  # seeded
    samples = pd.read_csv(vdir / "samples.csv", keep_default_na=False)
    assert len(samples) == 30 and samples.sentence_key.is_unique  # the same draw is recorded once
    # weights N_h / n_h re-weight the sample to the population: they sum to the sentences of the corpus
    assert samples.weight.sum() == pytest.approx(len(corpus["sentences"]))
    assert {"none", "integration", "digitization", "talent"} <= set(samples.stratum)
    table = labelling.read_sheet(root / "sheet.csv")
    assert list(table.columns) == [*labelling.SHEET_ID_COLUMNS, *THEME_IDS, "line"]
    assert (table[THEME_IDS] == "").all().all()  # blind: no rule output
    notes = (root / "sheet.csv").read_text(encoding="utf-8-sig").splitlines()[:2]
    assert all(line.startswith('"# ') for line in notes) and "themes.yml" in notes[0]
    book = load_workbook(root / "sheet.xlsx")
    assert book.sheetnames == ["labels", "instructions"] and book["labels"].max_row == 31


def _fill(table: pd.DataFrame, coder: str, flip: int = 0) -> pd.DataFrame:
    """The sheet as a coder returns it: the seed labels' answers for every sentence, the first ``flip``
    sentences' talent label reversed."""
    truth = validation.read_labels(THEME_IDS).set_index("sentence_key")
    out = table.drop(columns="line").assign(coder=coder)
    for theme in THEME_IDS:
        out[theme] = out.sentence_key.map(truth[theme]).astype(int).astype(str)
    out.loc[: flip - 1, "talent"] = out.talent[:flip].map({"1": "0", "0": "1"})
    return out


def _write_xlsx(frame: pd.DataFrame, path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        book.active.append([int(v) if v in ("0", "1") else v for v in row])  # numbers, as Excel stores them
    book.save(path)


def test_freeze_then_import_two_coders_keeps_both_and_holds_them_out(exported, corpus):
    root, vdir = exported
    table = labelling.read_sheet(root / "sheet.csv")
    _write_xlsx(_fill(table, "alice"), root / "alice.xlsx")
    bob = _fill(table, "bob", flip=3)
    (root / "bob.csv").write_bytes(bob.to_csv(index=False).encode("gb18030"))  # Chinese-locale Excel

    frozen = cli("freeze", "--validation-dir", vdir)
    assert frozen.returncode == 0, frozen.stderr
    digest = labelling.rules_hash(THEMES)
    assert digest in frozen.stdout
    for sheet in ("alice.xlsx", "bob.csv"):
        done = cli("import", root / sheet, "--validation-dir", vdir)
        assert done.returncode == 0, done.stderr
        assert "imported 30 labelled row(s) as held-out labels" in done.stdout
    labels = validation.read_labels(THEME_IDS, vdir / "theme_labels.csv")
    assert len(labels) == 60 and set(labels.coder) == {"alice", "bob"}
    assert (labels.held_out_for == digest).all()
    samples = pd.read_csv(vdir / "samples.csv").set_index("sentence_key")
    assert (labels.weight.to_numpy() == labels.sentence_key.map(samples.weight).to_numpy()).all()
    disagree = labels.pivot(index="sentence_key", columns="coder", values="talent")
    assert (disagree.alice != disagree.bob).sum() == 3

    again = cli("import", root / "alice.xlsx", "--validation-dir", vdir)
    assert again.returncode == 0 and "imported 0 labelled row(s)" in again.stdout  # idempotent

    # what the build and notebook 03 then show: held-out scores only, and the two coders' agreement
    frames = {k: corpus[k] for k in ("sentences", "sentence_themes")}
    built = validation.validation_stage(
        frames, {"codebook": CODEBOOK, "inputs": {"labels": vdir / "theme_labels.csv"}}
    )
    scores = built["theme_validation"].set_index("theme")
    assert set(scores.set) == {"held-out"} and scores.interval.str.startswith("bootstrap over").all()
    assert scores.at["talent", "n_labelled"] == 27 and scores.at["integration", "n_labelled"] == 30  # 3 ties
    agree = built["theme_agreement"].set_index("theme")
    assert agree.at["talent", "n_units"] == 30 and agree.at["talent", "n_coders"] == 2
    assert (
        agree.at["talent", "percent_agreement"] == pytest.approx(27 / 30) and agree.at["talent", "alpha"] < 1
    )


def test_a_bad_sheet_gets_one_line_per_problem_and_changes_nothing(exported, hash_files):
    root, vdir = exported
    bad = _fill(labelling.read_sheet(root / "sheet.csv"), "carol")
    bad.loc[0, "integration"] = "yes"
    bad.loc[1, "sentence_key"] = "zhejiang_yongkang_2024:s0000000000"
    bad.loc[2, "coder"] = ""
    bad = pd.concat([bad, bad.iloc[[3]]])  # carol labels one sentence twice
    bad.to_csv(root / "bad.csv", index=False, encoding="utf-8-sig")
    before = hash_files(vdir)
    result = cli("import", root / "bad.csv", "--validation-dir", vdir)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 4 and all(line.startswith(f"error: {root / 'bad.csv'}: ") for line in lines)
    assert "line 2, column integration: 'yes' is not 1, 0 or blank" in lines[0]
    assert "line 3: unknown sentence key 'zhejiang_yongkang_2024:s0000000000'" in lines[1]
    assert "line 4: labels without a coder" in lines[2]
    assert "line 32: coder 'carol' labels" in lines[3] and "a second time" in lines[3]
    assert "Traceback" not in result.stderr and "\x1b" not in result.stderr
    assert hash_files(vdir) == before


def test_a_sheet_from_another_codebook_version_is_refused(exported, tmp_path):
    root, vdir = exported
    reworded = tmp_path / "themes.yml"
    reworded.write_text(
        CODEBOOK.read_text(encoding="utf-8").replace("Developing people:", "Developing staff:"),
        encoding="utf-8",
    )
    _fill(labelling.read_sheet(root / "sheet.csv"), "dave").to_csv(root / "dave.csv", index=False)
    result = cli("import", root / "dave.csv", "--validation-dir", vdir, "--codebook", reworded)
    assert result.returncode == 2
    assert "sheet made for codebook" in result.stderr and len(result.stderr.splitlines()) == 1


def test_labels_imported_after_the_rules_changed_are_development_labels(exported, tmp_path):
    root, vdir = exported
    edited = tmp_path / "themes.yml"
    edited.write_text(
        CODEBOOK.read_text(encoding="utf-8").replace("      - 培养\n", "      - 培养人\n"), encoding="utf-8"
    )
    _fill(labelling.read_sheet(root / "sheet.csv"), "erin").to_csv(root / "erin.csv", index=False)
    result = cli("import", root / "erin.csv", "--validation-dir", vdir, "--codebook", edited)
    assert result.returncode == 0, result.stderr
    assert "development labels: the rules changed since the freeze" in result.stdout
    labels = validation.read_labels(THEME_IDS, vdir / "theme_labels.csv")
    assert (labels[labels.coder == "erin"].held_out_for == "").all()


def test_the_label_files_live_beside_the_hand_labels_the_corpus_uses(tmp_path):
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    (corpus_dir / "manifest.csv").write_text("report_id,region,file\n", encoding="utf-8")
    (corpus_dir / "theme_labels.csv").write_text(",".join(validation.LABEL_COLUMNS) + "\n", encoding="utf-8")
    result = cli("freeze", "--manifest", corpus_dir / "manifest.csv")
    assert result.returncode == 0, result.stderr
    assert (corpus_dir / "frozen_rules.json").is_file()  # the corpus folder's own labels: its folder
