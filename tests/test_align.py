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
    ("js_block", "zj_block"),
    [
        # 保税港务: 党建与业务深度融合 ↔ 李棠 on 老板电器: 党建和企业经营融合, 党建与业务…
        (24, 21),
        # 张立群: ‘党建+人才’ training of Party cadres ↔ 陈琳婷: the 研讨班 training (党性, 素质, 能力)
        (27, 7),
    ],
)
def test_known_good_pairs_are_best_and_counterparts(corpus, js_block, zj_block):
    table = corpus["alignment"]
    row = table[(table.report_a == JS) & (table.block_a == js_block) & (table["rank"] == 1)].iloc[0]
    assert row.block_b == zj_block and str(row.counterpart) == "True"


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
