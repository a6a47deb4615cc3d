"""Paragraph correspondence between the two reports; the known pairs were chosen by reading both texts."""

import numpy as np
import pytest

from helpers import align

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


def test_shape_covers_every_body_paragraph_pair_both_ways(corpus):
    blocks, table = corpus["blocks"], corpus["alignment"]
    n = blocks[blocks.kind == "body"].groupby("report_id").size()
    assert len(table) == 2 * n[ZJ] * n[JS]
    matrix = align.similarity_matrix(table, JS, ZJ)
    assert matrix.shape == (n[JS], n[ZJ])
    assert list(matrix.index) == sorted(matrix.index) and list(matrix.columns) == sorted(matrix.columns)
    back = align.similarity_matrix(table, ZJ, JS)
    np.testing.assert_allclose(matrix.to_numpy(), back.T.to_numpy())
    assert table.similarity.between(0, 1).all()


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
    pairs = align.best_pairs(corpus["alignment"], corpus["blocks"], JS, ZJ)
    assert (
        pairs.block_a.is_unique
        and len(pairs) == (corpus["blocks"].query("kind == 'body'").report_id == JS).sum()
    )
    row = pairs[pairs.block_a == 24].iloc[0]
    assert "保税港务" in row.text_a and "老板电器" in row.text_b and "融合" in row.shared_terms.split("|")
