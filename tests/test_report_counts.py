"""The build works for one, two or three reports: comparisons are empty with one report, and with three every
report is compared with the rest (keyness), the first (themes) and the other regions (alignment)."""

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import binomtest

from helpers import align, keyness, themes
from helpers.codebook import load_codebook
from helpers.config import CODEBOOK, MANIFEST
from helpers.manifest import COLUMNS, read_manifest

build = importlib.import_module("helpers.build")  # the module (``helpers.build`` is also a function)
ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


def write_manifest(folder, rows: list[tuple[str, str, str]]):
    """A manifest in ``folder`` listing (report_id, source report_id, region); files copied beside it."""
    source = {r.report_id: r for r in read_manifest(MANIFEST)}
    lines = [",".join(COLUMNS)]
    for report_id, original, region in rows:
        report = source[original]
        (folder / report.path.name).write_bytes(report.path.read_bytes())
        fields = {**report.__dict__, "report_id": report_id, "file": report.path.name, "region": region}
        lines.append(",".join(str(fields[c]) for c in COLUMNS))
    path = folder / "manifest.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def quiet_build(manifest):
    """``build_frames`` with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return build.build_frames(manifest, CODEBOOK)


@pytest.fixture(scope="module")
def one(tmp_path_factory):
    return quiet_build(write_manifest(tmp_path_factory.mktemp("one"), [(JS, JS, "Jiangsu")]))


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    rows = [(ZJ, ZJ, "Zhejiang"), (JS, JS, "Jiangsu"), ("shanghai_copy", JS, "Shanghai")]
    return quiet_build(write_manifest(tmp_path_factory.mktemp("three"), rows))


def test_one_report_builds_quietly_with_empty_comparisons(one, tmp_path, capsys):
    assert list(one["reports"].report_id) == [JS]
    assert one["keyness"].empty and list(one["keyness"].columns) == keyness.KEYNESS_COLUMNS
    assert one["alignment"].empty and list(one["alignment"].columns) == align.COLUMNS
    summary = one["theme_summary"]
    assert list(summary.theme) == [t.id for t in load_codebook(CODEBOOK)]
    assert summary.filter(like="_diff").isna().all().all()
    assert not one["frequencies"].empty and not one["tokens"].empty
    build.build(write_manifest(tmp_path, [(JS, JS, "Jiangsu")]), tmp_path / "out", CODEBOOK)
    assert capsys.readouterr().err == ""  # no progress bar, no warning
    assert (tmp_path / "out" / "keyness.csv").read_text(encoding="utf-8").strip() == ",".join(
        keyness.KEYNESS_COLUMNS
    )


def test_three_reports_each_compared(three):
    ids = [ZJ, JS, "shanghai_copy"]
    assert list(dict.fromkeys(three["keyness"].target_report)) == ids
    summary = three["theme_summary"]
    n_themes = summary.theme.nunique()
    assert list(summary.report_id) == [r for r in ids for _ in range(n_themes)]
    assert summary[summary.report_id != ZJ].share_diff.notna().all()


def test_keyness_of_each_report_is_against_the_pooled_rest(three):
    tokens = three["tokens"]
    table = three["keyness"]
    for target in three["reports"].report_id:
        pooled = tokens.assign(report_id=np.where(tokens.report_id == target, target, "rest"))
        expected = keyness.keyness_table(pooled)
        expected = expected[expected.target_report == target].reset_index(drop=True)
        got = table[table.target_report == target].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)


def test_alignment_matches_only_other_regions(three):
    table, reports = three["alignment"], three["reports"]
    region = reports.set_index("report_id").region
    assert (table.report_a.map(region) != table.region_b).all()
    assert (table.report_b.map(region) == table.region_b).all()
    per = table.groupby(["report_a", "block_a", "region_b"]).size()
    assert (per == align.TOP_K).all()
    assert set(per.reset_index().groupby(["report_a", "block_a"]).size()) == {2}  # two other regions each
    # The Shanghai copy's paragraphs find their identical twins first in Jiangsu.
    twin = table[(table.report_a == "shanghai_copy") & (table.region_b == "Jiangsu") & (table["rank"] == 1)]
    assert (twin.report_b == JS).all()
    assert (twin.block_b == twin.block_a).all() and np.allclose(twin.similarity, 1)


def test_progress_bars_only_for_many_reports(tmp_path, monkeypatch, capsys):
    manifest = write_manifest(tmp_path, [(ZJ, ZJ, "Zhejiang"), (JS, JS, "Jiangsu")])
    build.build_frames(manifest, CODEBOOK)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(build, "PROGRESS_MIN_REPORTS", 2)
    build.build_frames(manifest, CODEBOOK)
    err = capsys.readouterr().err
    assert "reading reports" in err and "stages" in err


@pytest.mark.parametrize(("k", "n"), [(0, 29), (1, 29), (12, 29), (29, 29), (3, 7), (150, 400)])
def test_exact_interval_matches_scipy_binomtest(k, n):
    lo, hi = themes.exact_interval([k], [n])
    expected = binomtest(k, n).proportion_ci(themes.CONFIDENCE, method="exact")
    assert lo[0] == pytest.approx(expected.low, abs=1e-9) and hi[0] == pytest.approx(expected.high, abs=1e-9)


def test_bootstrap_in_blocks_gives_the_same_replicates(three, monkeypatch):
    args = (three["reports"], three["sentences"], three["sentence_themes"], ["integration", "talent"])
    whole = themes.summarize(*args, n_boot=500)
    monkeypatch.setattr(themes, "MAX_DRAWS", 97)  # a few replicates per block, ragged last block
    pd.testing.assert_frame_equal(themes.summarize(*args, n_boot=500), whole)
