"""KWIC on real terms: whole-token matches, windows, side-by-side layout."""

import re

import pandas as pd
import pytest

from helpers import kwic, load_corpus
from helpers.kwic import first_sentences, kwic_by_group


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


def test_kwic_by_group_lists_every_group_with_its_hit_count(corpus):
    """Two groups of the seeds (by region) and a third with no report hitting the term: still listed."""
    groups = pd.Series(["North", "South"], index=["zhejiang_yongkang_2024", "jiangsu_suzhou_2023"])
    table = kwic_by_group("同频共振", groups, corpus["tokens"], window=6, rows=1)
    assert table.group.tolist() == ["North", "South"]
    assert table.hits.tolist() == [0, 2]  # 同频共振 only in the Suzhou report, twice; one row shown
    assert table.line.iloc[0] == "" and table.line.iloc[1].count("【同频共振】") == 1
    assert table.sentence_id.iloc[1] == 10


def test_first_sentences_come_from_the_tokens_table_in_the_order_asked():
    """Report b's first sentence is its sentence 0, report a's its sentence 2 (no earlier token); content
    tokens bold, stopwords and punctuation plain; rows in the order of the ids asked, a report without
    tokens left out."""
    tokens = pd.DataFrame(
        [("b", 0, "党建", False), ("b", 0, "，", True), ("b", 0, "引领", False), ("b", 1, "发展", False),
         ("a", 2, "数字", False), ("a", 2, "的", True), ("a", 3, "人才", False)],
        columns=["report_id", "sentence_id", "token", "is_stopword"],
    )  # fmt: skip
    table = first_sentences(tokens, ["a", "missing", "b"])
    assert table.to_dict("records") == [
        {"report_id": "a", "sentence_id": 2, "segmented": "**数字**·的"},
        {"report_id": "b", "sentence_id": 0, "segmented": "**党建**·，·**引领**"},
    ]
