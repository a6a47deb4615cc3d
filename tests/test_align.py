"""Paragraph correspondence between the two reports; the known pairs were chosen by reading both texts."""

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

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


def _null(docs: list[list[str]], group: np.ndarray, **options) -> np.ndarray:
    codes, _ = pd.factorize(np.array([w for d in docs for w in d], dtype=object), sort=True)
    lengths = np.array([len(d) for d in docs])
    return align.null_similarities(codes, lengths, group, sorted(set(group)), **options)


def test_null_keeps_lengths_and_is_seeded():
    docs = [["甲", "乙", "丙"], ["丁", "戊"], ["甲", "丁", "己", "庚"], ["乙"]]
    group = np.array(["A", "A", "B", "B"])
    a = _null(docs, group, n_perm=5, seed=1)
    np.testing.assert_array_equal(a, _null(docs, group, n_perm=5, seed=1))
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
    assert len(_null(docs, group, n_perm=3, seed=1)) == 3 * 12
    monkeypatch.setattr(align, "NULL_SOURCES", 4)
    a = _null(docs, group, n_perm=3, seed=1)
    np.testing.assert_array_equal(a, _null(docs, group, n_perm=3, seed=1))
    assert len(a) == 3 * 4
    # beyond NULL_PARAGRAPHS, the tokens of a seeded sample of 6 paragraphs are shuffled among them alone
    monkeypatch.setattr(align, "NULL_PARAGRAPHS", 6)
    b = _null(docs, group, n_perm=3, seed=1)
    np.testing.assert_array_equal(b, _null(docs, group, n_perm=3, seed=1))
    assert len(b) == 3 * 4 and not np.array_equal(a, b)


def test_candidate_matches_are_the_exact_ones_when_nothing_is_cut(corpus, monkeypatch):
    """Scoring only candidate pairs gives the all-pairs table when every paragraph's terms are looked up
    and every term's postings kept — less its rows of similarity 0 (the all-pairs ranking fills a
    paragraph's k matches with paragraphs sharing no word when fewer share one; those are no candidates)."""
    exact = align.alignment_table(corpus)
    shared = exact[0][exact[0].similarity > 0].reset_index(drop=True)
    assert 0 < len(shared) < len(exact[0])
    monkeypatch.setattr(align, "EXACT_PAIRS", 0)
    monkeypatch.setattr(align, "TOP_TERMS", 10**6)
    monkeypatch.setattr(align, "POSTINGS", 10**6)
    pd.testing.assert_frame_equal(align.alignment_table(corpus)[0], shared)


def test_candidate_matches_found_a_chunk_of_paragraphs_at_a_time_are_the_same(corpus, monkeypatch):
    """Candidate pairs are found and ranked ``CHUNK_SOURCES`` paragraphs at a time (memory): chunks of one
    and of three paragraphs give the table of one chunk of all, which has candidate rows."""
    monkeypatch.setattr(align, "EXACT_PAIRS", 0)
    whole = align.alignment_table(corpus)[0]
    assert len(whole)
    for size in (1, 3):
        monkeypatch.setattr(align, "CHUNK_SOURCES", size)
        pd.testing.assert_frame_equal(align.alignment_table(corpus)[0], whole)


@pytest.mark.parametrize("exact", [True, False])
def test_threads_give_the_tables_of_one(corpus, monkeypatch, exact):
    """``jobs`` threads score the chunks (small here, so there are many) and the null's permutations: the
    same tables, in the same order, as one thread."""
    monkeypatch.setattr(align, "EXACT_PAIRS", align.EXACT_PAIRS if exact else 0)
    monkeypatch.setattr(align, "CHUNK_SOURCES", 3)
    monkeypatch.setattr(align, "CHUNK_CELLS", 50)
    one = align.alignment_table(corpus, jobs=1)
    assert len(one[0]) and len(one[1])
    for table, threaded in zip(one, align.alignment_table(corpus, jobs=3), strict=True):
        pd.testing.assert_frame_equal(threaded, table)


def test_no_source_no_match():
    x, group, none = sparse.csr_matrix(np.eye(3)), np.array(["A", "B", "B"]), np.zeros(0, int)
    for exact in (True, False):
        assert [len(column) for column in align._matches(x, group, ["A", "B"], 1, none, exact)] == [0] * 5


def test_candidates_follow_each_paragraphs_heaviest_terms(monkeypatch):
    """Written down before running: with TOP_TERMS = POSTINGS = 1, paragraph 0 (A: 甲 乙 乙 丙) looks up
    only its heaviest term, 乙 (tf 2), and finds the one paragraph of B in which 乙 weighs most: 3 (乙 丁),
    not 4 (乙 戊 己), where 乙 is one word of three. Paragraph 1 (A: 丁) finds 3 through 丁. Paragraph 2
    (A: 庚) uses no word of B: no candidate, so no row."""
    docs = [["甲", "乙", "乙", "丙"], ["丁"], ["庚"], ["乙", "丁"], ["乙", "戊", "己"]]
    codes, _ = pd.factorize(np.array([w for d in docs for w in d], dtype=object), sort=True)
    monkeypatch.setattr(align, "MAX_DF", 1.0)
    x, _ = align._fit(codes, np.array([len(d) for d in docs]))
    monkeypatch.setattr(align, "TOP_TERMS", 1)
    monkeypatch.setattr(align, "POSTINGS", 1)
    a, b = align.candidates(x, np.array([0, 0, 0, 1, 1]), np.arange(3))
    assert list(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 3), (1, 3)]


def test_candidate_ties_go_to_the_earlier_paragraph(monkeypatch):
    """Paragraphs 1 and 2 are the same text, so they match paragraph 0 equally well: both rankings put 1
    first, then 2 (3 shares no word with 0)."""
    docs = [["甲", "乙"], ["甲", "丙"], ["甲", "丙"], ["丙", "丁"]]
    codes, _ = pd.factorize(np.array([w for d in docs for w in d], dtype=object), sort=True)
    monkeypatch.setattr(align, "MAX_DF", 1.0)
    x, _ = align._fit(codes, np.array([len(d) for d in docs]))
    group = np.array(["A", "B", "B", "B"])
    exact = align._matches(x, group, ["A", "B"], 2, np.array([0]), exact=True)
    approx = align._matches(x, group, ["A", "B"], 2, np.array([0]), exact=False)
    assert exact[3].tolist() == [1, 2] and exact[4][0] == exact[4][1] > 0
    for mine, theirs in zip(approx, exact, strict=True):
        np.testing.assert_array_equal(mine, theirs)


def test_rows_of_the_fitted_matrix_are_made_alone_and_equal_exactly():
    """The notebook's pair view weights two reports' paragraphs alone (``_weighted``), given the corpus's
    document frequencies: they must be the very rows of the matrix fitted on every paragraph — the same idf,
    the same terms dropped by MAX_DF, empty ones too."""
    rng = np.random.default_rng(7)
    lengths = rng.integers(0, 12, 60)
    codes = (rng.zipf(1.6, lengths.sum()) - 1) % 40  # a few terms in most paragraphs, dropped by MAX_DF
    x, kept = align._fit(codes, lengths)
    assert 0 < len(kept) < codes.max() + 1
    counts = align._counts(codes, lengths, codes.max() + 1)
    df = np.diff((counts > 0).tocsc().indptr)  # paragraphs containing each term
    rows = np.array([5, 0, 59, 17, int(np.flatnonzero(lengths == 0)[0])])
    alone = align._weighted(counts[rows], df, len(lengths))
    assert alone.shape == (len(rows), len(kept))
    assert (alone != x[rows]).nnz == 0
