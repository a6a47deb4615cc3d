"""KWIC on real terms: whole-token matches, windows, side-by-side layout."""

import re

import pytest

from helpers import kwic, load_corpus
from helpers.kwic import kwic_side_by_side


@pytest.fixture(scope="module")
def corpus(processed_dir):
    return load_corpus(processed_dir)


def test_kwic_finds_both_tongpin_gongzhen_lines(corpus):
    """同频共振 occurs twice in the Suzhou body text (sentences 10 and 23), never in Yongkang's."""
    hits = kwic("同频共振", corpus["tokens"], window=8)
    assert list(hits.columns) == ["report_id", "sentence_id", "left", "match", "right"]
    assert hits["report_id"].tolist() == ["jiangsu_suzhou_2023"] * 2
    assert hits["sentence_id"].tolist() == [10, 23]
    body = "".join(corpus["sentences"].query("report_id == 'jiangsu_suzhou_2023'")["text"])
    body = re.sub(r"\s", "", body)
    for row in hits.itertuples():
        assert len(row.left) <= 8 and len(row.right) <= 8
        assert row.left + row.match + row.right in body
    assert hits["left"].iloc[0] == "现党建与企业发展"  # 8 characters before the first hit


def test_kwic_matches_whole_tokens_only(corpus):
    """党 as a word (党的二十届…) is found, but not inside 党建 or 党组织."""
    hits = kwic("党", corpus["tokens"], window=5)
    tokens = corpus["tokens"]
    assert len(hits) == (tokens["token"].astype(str) == "党").sum() > 0
    assert (hits["match"] == "党").all()


def test_side_by_side_has_a_column_per_region(corpus):
    table = kwic_side_by_side("党建", corpus["reports"], corpus["tokens"], window=6)
    assert list(table.columns) == ["Zhejiang", "Jiangsu"]
    hits = kwic("党建", corpus["tokens"], window=6)["report_id"].value_counts()
    assert (table["Zhejiang"] != "").sum() == hits["zhejiang_yongkang_2024"]
    assert (table["Jiangsu"] != "").sum() == hits["jiangsu_suzhou_2023"]
    assert table["Jiangsu"].iloc[0].count("【党建】") == 1
