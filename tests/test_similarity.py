"""Report similarity counted from the report × term table equals the TF-IDF cosine of the reports' own
content tokens, computed here with scikit-learn's TfidfVectorizer on token lists."""

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from helpers import keyness, similarity

REPORTS = {  # report → its sentences as tokens; 的 is a stopword
    "a": [["党建", "引领", "发展"], ["党建", "的", "人才"]],
    "b": [["数字化", "发展"], ["人才", "培养", "人才", "的"]],
    "c": [["党建", "数字化"], ["引领"]],
    "d": [["园区", "的", "服务"]],
}


def _frequencies(copies: dict[str, str]) -> pd.DataFrame:
    """The frequency table of reports named by ``copies``'s keys, each the copy of a report of REPORTS."""
    rows = [
        (name, s, token, token == "的")
        for name, report in copies.items()
        for s, sentence in enumerate(REPORTS[report])
        for token in sentence
    ]
    tokens = pd.DataFrame(rows, columns=["report_id", "sentence_id", "token", "is_stopword"])
    sentences = tokens[["report_id", "sentence_id"]].drop_duplicates()
    sentences["block_id"] = sentences["sentence_id"]  # one sentence per paragraph
    return keyness.frequency_table(tokens, sentences)


@pytest.fixture(scope="module")
def frequencies() -> pd.DataFrame:
    return _frequencies({report: report for report in REPORTS})


def _reference(units: dict[str, list[str]]) -> np.ndarray:
    """Cosine of sublinear-tf, smoothed-idf, L2-normalised vectors of each unit's content tokens."""
    docs = [
        [t for report in reports for sentence in REPORTS[report] for t in sentence if t != "的"]
        for reports in units.values()
    ]
    x = TfidfVectorizer(analyzer=lambda doc: doc, sublinear_tf=True).fit_transform(docs)
    return (x @ x.T).toarray()


def test_report_similarity_is_the_tfidf_cosine_of_the_reports_tokens(frequencies):
    units = pd.Series(["b", "a", "c", "d"], index=["b", "a", "c", "d"])
    matrix = similarity.similarity_matrix(frequencies, units)
    assert list(matrix.index) == list(matrix.columns) == ["b", "a", "c", "d"]  # order of ``units``
    expected = _reference({u: [u] for u in units})
    np.testing.assert_allclose(matrix.to_numpy(), expected, atol=1e-6)
    assert matrix.loc["a", "d"] == 0  # no content term in common
    assert 0 < matrix.loc["a", "c"] < 1


def test_a_group_pools_its_reports_counts_and_reports_not_listed_are_left_out(frequencies):
    groups = pd.Series(["x", "y", "x"], index=["a", "b", "c"])  # d is in no group
    matrix = similarity.similarity_matrix(frequencies, groups)
    assert list(matrix.index) == ["x", "y"]
    np.testing.assert_allclose(matrix.to_numpy(), _reference({"x": ["a", "c"], "y": ["b"]}), atol=1e-6)


def test_groups_of_many_reports_pool_their_counts_alike():
    """Three copies of each report: two groups of 2 × 8 (group, term) cells over 33 report × term rows, the
    counts summed cell by cell rather than as one sparse entry per row; same cosine as pooled tokens."""
    copies = {f"{report}{i}": report for i in range(3) for report in REPORTS}
    groups = pd.Series({name: "xy"[report == "b"] for name, report in copies.items() if report != "d"})
    frequencies = _frequencies(copies)
    assert len(frequencies[frequencies.report_id.isin(groups.index)]) > 2 * frequencies.term.nunique()
    matrix = similarity.similarity_matrix(frequencies, groups)
    expected = _reference({"x": ["a", "c"] * 3, "y": ["b"] * 3})
    np.testing.assert_allclose(matrix.to_numpy(), expected, atol=1e-6)
