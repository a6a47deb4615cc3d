"""The corpus data model: grouping columns (docvars), the explicit ``(missing)`` group, the focus pair, the
processed folder's record of what it was built from, a corpus folder's own input files, and notebooks that
read the processed folder without ever rebuilding it."""

import importlib
import json
import shutil
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers import groups
from helpers.config import CODEBOOK, MANIFEST, NOTEBOOKS_DIR, PROJ_ROOT, USER_DICT
from helpers.errors import InputError
from helpers.manifest import MISSING, GroupWarning, read_manifest
from helpers.outputs import current
from helpers.segment import tokenize, tokens_stage, use_dictionaries
from helpers.store import read_table, table_path

build = importlib.import_module("helpers.build")  # the module (``helpers.build`` is also a function)
SEED_NAMES = ("浙江", "江苏", "永康", "苏州", "Zhejiang", "Jiangsu")


@pytest.fixture
def corpus_folder(tmp_path, monkeypatch):
    """A corpus outside the project: the two seed texts under new ids, plus a third report (a copy of the
    first) with an empty region, with extra grouping columns; only the corpus and token stages run."""
    seeds = read_manifest(MANIFEST)
    folder = tmp_path / "my corpus"
    folder.mkdir()
    rows = ["report_id,file,region,region_zh,format,script,source,published,url,year,level"]
    for new_id, seed, region, year, level in (
        ("r1", seeds[0], "North", "2024", "city"),
        ("r2", seeds[1], "South", "2023", ""),
        ("r3", seeds[0], "", "2024", "city"),
    ):
        (folder / f"{new_id}.txt").write_bytes(seed.path.read_bytes())
        rows.append(f"{new_id},{new_id}.txt,{region},,{seed.format},{seed.script},,,,{year},{level}")
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.setattr(build, "stages", lambda: [tokens_stage])
    yield folder / "manifest.csv"
    use_dictionaries()  # back to the project's dictionaries for the rest of the session


def test_extra_columns_are_text_docvars_and_empty_values_form_the_missing_group(corpus_folder, tmp_path):
    out = tmp_path / "processed"
    with pytest.warns(GroupWarning) as caught:
        build.build(corpus_folder, out)
    messages = " ".join(str(w.message) for w in caught)
    assert "`region` in row(s) 4" in messages and "`level` in row(s) 3" in messages
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GroupWarning)
        reports = build.load_corpus(out)["reports"]
    assert list(reports.report_id) == ["r1", "r2", "r3"]  # no report dropped
    assert list(reports.columns[-2:]) == ["year", "level"]
    assert list(reports.year) == ["2024", "2023", "2024"]  # text, not numbers
    by_region = groups.report_groups(reports, "region")
    assert list(by_region) == ["North", "South", MISSING]
    by_year = groups.report_groups(reports, "year")
    assert groups.group_order(by_year) == ["2024", "2023"]  # order of first appearance, not sorted
    with pytest.raises(ValueError, match=r"no column 'province'.*year"):
        groups.report_groups(reports, "province")


def test_group_column_gives_each_row_its_group_as_a_categorical_in_group_order():
    by_report = pd.Series({"r1": "South", "r2": "North", "r3": "South"}, name="region")
    rows = pd.Series(["r2", "r3", "elsewhere", "r1", None], index=[10, 11, 12, 13, 14])
    for report_id in (rows, rows.astype("category")):  # text or categorical, as load_corpus reads it
        column = groups.group_column(report_id, by_report)
        assert list(column.cat.categories) == ["South", "North"]  # order of the groups, not sorted
        assert column.index.tolist() == [10, 11, 12, 13, 14]
        assert column.astype(object).tolist() == ["North", "South", np.nan, "South", np.nan]


def test_focus_pair_defaults_to_the_first_two_groups_and_is_none_for_one_group():
    order = ["C", "A", "B"]
    assert groups.focus_pair(order) == ("C", "A")
    assert groups.focus_pair(order, ["B", "C"]) == ("B", "C")
    assert groups.focus_pair(["only"]) is None
    for bad in (["A", "A"], ["A", "Z"], ["A"]):
        with pytest.raises(ValueError, match="focus must name two different groups of: C, A, B"):
            groups.focus_pair(order, bad)


def test_build_records_its_manifest_and_the_corpus_folders_own_input_files(corpus_folder, tmp_path):
    """A userdict.txt and a themes.yml beside the manifest replace the project's; stopwords and labels,
    absent there, come from the project. The new dictionary word must appear as one token."""
    sentence = "这是一个完全虚构的词组測試。"
    word = "完全虚构的词组"
    assert word not in [t for t, _, _ in tokenize(sentence)]  # the project dictionary splits it
    (corpus_folder.parent / "userdict.txt").write_text(
        USER_DICT.read_text(encoding="utf-8") + f"\n{word} 100000 nz\n", encoding="utf-8"
    )
    shutil.copy(CODEBOOK, corpus_folder.parent / "themes.yml")
    report = corpus_folder.parent / "r1.txt"
    report.write_bytes(report.read_bytes().replace("。".encode(), f"。{sentence}".encode(), 1))
    out = tmp_path / "processed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GroupWarning)
        build.build(corpus_folder, out)
    info = json.loads((current(out) / "build.json").read_text(encoding="utf-8"))
    assert info["manifest"]["path"] == str(corpus_folder.resolve())
    assert len(info["manifest"]["sha256"]) == 64
    used = {name: (entry["from"], entry["path"]) for name, entry in info["inputs"].items()}
    assert used["userdict"] == ("corpus folder", str((corpus_folder.parent / "userdict.txt").resolve()))
    assert used["codebook"] == ("corpus folder", str((corpus_folder.parent / "themes.yml").resolve()))
    assert used["stopwords"][0] == used["labels"][0] == "project"
    assert info["group_columns"] == ["region", "year", "level"]
    assert word in set(read_table(table_path(current(out), "tokens")).token)


def test_notebooks_read_the_processed_folder_and_never_rebuild_it(corpus_folder, tmp_path, hash_files):
    with pytest.raises(InputError, match="no processed data here"):
        build.load_corpus(tmp_path / "nothing")
    out = tmp_path / "processed"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GroupWarning)
        build.build(corpus_folder, out)
    before = hash_files(out)
    corpus_folder.write_text(corpus_folder.read_text(encoding="utf-8").replace("North", "Nord"), "utf-8")
    with pytest.warns(UserWarning, match="has changed or gone since"):
        reports = build.load_corpus(out)["reports"]
    assert reports.region.iloc[0] == "North"  # the tables as built, not rebuilt from the changed manifest
    assert hash_files(out) == before
    cells = [
        c
        for nb in sorted(NOTEBOOKS_DIR.glob("*.ipynb"))
        for c in nb.read_text(encoding="utf-8").split('"cell_type"')
    ]
    assert not [c for c in cells if "helpers.config import MANIFEST" in c or "import build\n" in c]


def test_notebooks_command_without_a_build_says_so_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "helpers", "notebooks", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "no processed data here" in result.stderr
    assert "python -m helpers build" in result.stderr


def test_no_seed_place_name_in_the_package_or_the_notebooks():
    """Names come from the data: neither the code nor a notebook (code or prose) names a seed's region or
    city, in English or Chinese."""
    files = [*PROJ_ROOT.joinpath("src", "helpers").rglob("*.py"), *NOTEBOOKS_DIR.glob("*.ipynb")]
    found = [
        f"{f.relative_to(PROJ_ROOT)}: {name}"
        for f in files
        for name in SEED_NAMES
        if name.lower() in f.read_text(encoding="utf-8").lower()
    ]
    assert len(files) > 25 and any(f.suffix == ".ipynb" for f in files)
    assert found == []


def test_every_make_option_is_an_option_of_python_m_helpers():
    """`make data|figures|lab MANIFEST=… OUT=… STRICT=1` run exactly the `python -m helpers` commands that
    `python -m helpers --help` gives as their equivalents (for users without make)."""
    build = '-m helpers build --manifest "/c/m.csv" --out "/o/processed" --strict'
    expected = {
        "data": [build],
        "figures": [build, '-m helpers notebooks --out "/o"'],
        "lab": ['-m helpers lab --out "/o"'],
    }
    for target, commands in expected.items():
        dry = subprocess.run(
            ["make", "-n", target, "MANIFEST=/c/m.csv", "OUT=/o", "STRICT=1"],
            cwd=PROJ_ROOT,
            capture_output=True,
            text=True,
        ).stdout
        assert [
            line.split(" ", 1)[1].strip() for line in dry.splitlines() if " -m helpers " in line
        ] == commands
    helps = subprocess.run([sys.executable, "-m", "helpers", "--help"], capture_output=True, text=True).stdout
    helps = " ".join(helps.split())
    assert (
        "make data MANIFEST=M OUT=O STRICT=1`` is ``build --manifest M --out O/processed --strict``" in helps
    )
    assert "make figures MANIFEST=M OUT=O STRICT=1`` is ``notebooks --manifest M --out O --strict``" in helps
    assert "make lab OUT=O`` is ``lab --out O``" in helps


def test_lab_out_points_the_kernels_at_that_output_folder(tmp_path, monkeypatch):
    """`make lab OUT=O` / `python -m helpers lab --out O`: JupyterLab on the project's notebooks, its kernels
    reading O/processed and saving into O/figures (the folders `notebooks --out O` wrote)."""
    from helpers import __main__ as cli
    from helpers.config import FIGURES_ENV, PROCESSED_ENV, processed_dir
    from helpers.outputs import figures_dir

    launched = []
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd, env: launched.append((cmd, env)) or 0)
    assert cli.main(["lab", "--out", str(tmp_path / "out")]) == 0
    [(cmd, env)] = launched
    assert cmd[1:4] == ["-m", "jupyter", "lab"] and cmd[4] == f"--notebook-dir={PROJ_ROOT}"
    for name, value in ((PROCESSED_ENV, env[PROCESSED_ENV]), (FIGURES_ENV, env[FIGURES_ENV])):
        monkeypatch.setenv(name, value)  # as a kernel started by that JupyterLab sees them
    assert processed_dir() == (tmp_path / "out" / "processed").resolve()
    assert figures_dir() == (tmp_path / "out" / "figures").resolve()
