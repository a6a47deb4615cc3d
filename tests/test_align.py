"""Paragraph correspondence between the two reports; the known pairs were chosen by reading both texts."""

import numpy as np
import pytest

from helpers import align

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


def test_each_paragraph_has_its_top_k_in_the_other_region(corpus):
    blocks, table = corpus["blocks"], corpus["alignment"]
    n = blocks[blocks.kind == "body"].groupby("report_id").size()
    assert len(table) == align.TOP_K * (n[ZJ] + n[JS])
    per_paragraph = table.groupby(["report_a", "block_a"])["rank"].agg(list)
    assert len(per_paragraph) == n[ZJ] + n[JS]
    assert all(ranks == list(range(1, align.TOP_K + 1)) for ranks in per_paragraph)
    assert (table.report_a != table.report_b).all()
    assert set(zip(table.report_b, table.region_b, strict=True)) == {(ZJ, "Zhejiang"), (JS, "Jiangsu")}


def test_kept_rows_are_the_largest_of_the_full_matrix(corpus):
    blocks, table = corpus["blocks"], corpus["alignment"]
    matrix = align.similarity(corpus, JS, ZJ)
    n = blocks[blocks.kind == "body"].groupby("report_id").size()
    assert matrix.shape == (n[JS], n[ZJ])
    assert list(matrix.index) == sorted(matrix.index) and list(matrix.columns) == sorted(matrix.columns)
    np.testing.assert_allclose(matrix.to_numpy(), align.similarity(corpus, ZJ, JS).T.to_numpy())
    assert ((matrix.to_numpy() >= 0) & (matrix.to_numpy() <= 1)).all()
    for block_a, rows in table[table.report_a == JS].groupby("block_a"):
        expected = matrix.loc[block_a].sort_values(ascending=False, kind="stable").head(align.TOP_K)
        assert list(rows.block_b) == list(expected.index)
        np.testing.assert_allclose(rows.similarity, expected.to_numpy(), atol=1e-6)


def test_top_k_breaks_ties_by_column_order():
    sim = np.array([[0.5, 0.9, 0.5, 0.5], [0.0, 0.0, 0.0, 0.0], [0.1, 0.2, 0.3, 0.4]])
    rows, cols = align.top_k(sim, 3)
    assert rows.tolist() == [0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert cols.tolist() == [1, 0, 2, 0, 1, 2, 3, 2, 1]


@pytest.mark.parametrize(
    ("js_block", "zj_block", "counterpart"),
    [
        # 保税港务: 党建与业务深度融合 ↔ 李棠 on 老板电器: 党建和企业经营融合, 党建与业务… (above chance)
        (24, 21, "True"),
        # 张立群: ‘党建+人才’ training of Party cadres ↔ 陈琳婷: the 研讨班 training (党性, 素质, 能力):
        # the best match, but its generic training words reach that similarity in shuffled text too
        (27, 7, "False"),
    ],
)
def test_known_good_pairs_are_best_matches(corpus, js_block, zj_block, counterpart):
    table = corpus["alignment"]
    row = table[(table.report_a == JS) & (table.block_a == js_block) & (table["rank"] == 1)].iloc[0]
    assert row.block_b == zj_block and str(row.counterpart) == counterpart


def test_threshold_is_calibrated_by_the_permutation_null(corpus):
    cal = corpus["alignment_calibration"].iloc[0]
    assert list(corpus["alignment_calibration"].columns) == align.CALIBRATION_COLUMNS
    assert cal.chance_rate == pytest.approx(1 - align.NULL_QUANTILE, abs=0.01)
    best = corpus["alignment"].query("rank == 1")
    assert (
        cal.n_best_matches == len(best)
        and cal.n_counterparts == (best.counterpart.astype(str) == "True").sum()
    )
    assert cal.expected_by_chance == pytest.approx(cal.chance_rate * len(best), abs=0.01)
    # the seeds' paragraphs match each other at about the chance rate: the honest reading
    assert cal.observed_rate < 3 * cal.chance_rate


def test_null_keeps_lengths_and_is_seeded():
    docs = [["甲", "乙", "丙"], ["丁", "戊"], ["甲", "丁", "己", "庚"], ["乙"]]
    group = np.array(["A", "A", "B", "B"])
    a = align.null_similarities(docs, group, ["A", "B"], n_perm=5, seed=1)
    np.testing.assert_array_equal(a, align.null_similarities(docs, group, ["A", "B"], n_perm=5, seed=1))
    assert len(a) == 5 * 4 and ((a >= 0) & (a <= 1 + 1e-9)).all()


def test_reporters_scene_setting_has_no_counterpart(corpus):
    table = corpus["alignment"]
    # 记者走进…陶氏…办公区，“党员示范岗”标识牌… — a site visit with no analogue in the Yongkang trip report
    best = table[(table.report_a == JS) & (table.block_a == 10) & (table["rank"] == 1)].iloc[0]
    assert str(best.counterpart) == "False"


def test_best_pairs_side_by_side(corpus):
    pairs = align.best_pairs(corpus["alignment"], corpus["blocks"], JS, "Zhejiang")
    assert (
        pairs.block_a.is_unique
        and len(pairs) == (corpus["blocks"].query("kind == 'body'").report_id == JS).sum()
    )
    row = pairs[pairs.block_a == 24].iloc[0]
    assert "保税港务" in row.text_a and "老板电器" in row.text_b and "融合" in row.shared_terms.split("|")
    assert (pairs.report_b == ZJ).all()


def test_null_of_a_large_corpus_samples_its_paragraphs(monkeypatch):
    """Beyond NULL_SOURCES paragraphs each permutation finds the best matches of a seeded sample of that
    many (here 4 of 12 paragraphs: 4 draws per permutation instead of 12)."""
    docs = [[f"w{i}", f"w{i + 1}", f"u{i}"] for i in range(12)]
    group = np.array(["A", "B"] * 6)
    assert len(align.null_similarities(docs, group, ["A", "B"], n_perm=3, seed=1)) == 3 * 12
    monkeypatch.setattr(align, "NULL_SOURCES", 4)
    a = align.null_similarities(docs, group, ["A", "B"], n_perm=3, seed=1)
    np.testing.assert_array_equal(a, align.null_similarities(docs, group, ["A", "B"], n_perm=3, seed=1))
    assert len(a) == 3 * 4
