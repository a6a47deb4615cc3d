"""The build works for one, two or three reports: comparisons are empty with one report, and with three every
report is compared with the rest (keyness), the first (themes) and the other regions (alignment)."""

import importlib
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers import align, keyness
from helpers.codebook import load_codebook
from helpers.config import CODEBOOK
from helpers.outputs import current

build = importlib.import_module("helpers.build")  # the module (``helpers.build`` is also a function)
ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


def quiet_build(manifest):
    """``build_frames`` with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return build.build_frames(manifest, CODEBOOK)


@pytest.fixture(scope="module")
def one(tmp_path_factory, write_manifest):
    return quiet_build(write_manifest(tmp_path_factory.mktemp("one"), [(JS, JS, "Jiangsu")]))


@pytest.fixture(scope="module")
def three(tmp_path_factory, write_manifest):
    rows = [(ZJ, ZJ, "Zhejiang"), (JS, JS, "Jiangsu"), ("shanghai_copy", JS, "Shanghai")]
    return quiet_build(write_manifest(tmp_path_factory.mktemp("three"), rows))


def test_one_report_builds_quietly_with_empty_comparisons(one, tmp_path, capsys, write_manifest):
    assert list(one["reports"].report_id) == [JS]
    assert one["keyness"].empty and list(one["keyness"].columns) == keyness.KEYNESS_COLUMNS
    assert one["alignment"].empty and list(one["alignment"].columns) == align.COLUMNS
    summary = one["theme_summary"]
    assert list(summary.theme) == [t.id for t in load_codebook(CODEBOOK)]
    assert not summary.isna().any().any() and list(one["theme_rates"].group) == list(summary.region)
    assert not one["frequencies"].empty and not one["tokens"].empty
    build.build(write_manifest(tmp_path, [(JS, JS, "Jiangsu")]), tmp_path / "out", CODEBOOK)
    assert capsys.readouterr().err == ""  # no progress bar, no warning
    assert (current(tmp_path / "out") / "keyness.csv").read_text(encoding="utf-8-sig").strip() == ",".join(
        keyness.KEYNESS_COLUMNS
    )


def test_three_reports_each_described_and_the_copy_counted_once(three):
    ids = [ZJ, JS, "shanghai_copy"]
    summary = three["theme_summary"]
    n_themes = summary.theme.nunique()
    assert list(summary.report_id) == [r for r in ids for _ in range(n_themes)]
    # the Shanghai report is a republication of the Jiangsu one: listed, and left out of the inference
    dup = three["near_duplicates"]
    assert dup.report_id.tolist() == ["shanghai_copy"] and dup.duplicate_of.tolist() == [JS]
    assert list(dict.fromkeys(three["keyness"].group)) == ["Zhejiang", "Jiangsu"]
    assert list(dict.fromkeys(three["theme_rates"].group)) == ["Zhejiang", "Jiangsu"]


def test_keyness_of_each_group_is_against_the_pooled_rest(three):
    tokens, sentences = three["tokens"], three["sentences"]
    table = three["keyness"]
    region = three["reports"].set_index("report_id").region.drop("shanghai_copy")  # a near-duplicate
    for target in dict.fromkeys(region):
        two = pd.Series(np.where(region == target, target, "rest"), index=region.index)
        expected = keyness.keyness_table(tokens, sentences, two)
        expected = expected[expected.group == target].reset_index(drop=True)
        got = table[table.group == target].reset_index(drop=True)
        cols = ["term", "count_target", "count_reference", "g2", "p_value", "log_ratio", "paragraphs_target"]
        pd.testing.assert_frame_equal(got[cols], expected[cols])


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


def test_progress_bars_only_for_many_reports(tmp_path, monkeypatch, capsys, write_manifest):
    manifest = write_manifest(tmp_path, [(ZJ, ZJ, "Zhejiang"), (JS, JS, "Jiangsu")])
    build.build_frames(manifest, CODEBOOK)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(build, "PROGRESS_MIN_REPORTS", 2)
    build.build_frames(manifest, CODEBOOK)
    err = capsys.readouterr().err
    assert "per-report stages" in err and "cross-report stages" in err
