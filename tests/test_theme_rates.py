"""Group theme rates: cluster and block bootstrap on cases with a known answer; Wilson and Newcombe
against published values."""

import numpy as np
import pandas as pd
import pytest

from helpers import inference, theme_rates

THEMES = ["t"]


def _corpus(reports: dict[str, list[list[int]]]) -> pd.DataFrame:
    """Paragraph counts of reports given as paragraphs of 0/1 sentence codes (10 characters a sentence)."""
    rows = []
    for report, paragraphs in reports.items():
        for block, codes in enumerate(paragraphs):
            rows.append((report, block, len(codes), 10 * len(codes), sum(codes), sum(codes)))
    return pd.DataFrame(
        rows, columns=["report_id", "block_id", "n_sentences", "n_chars", "coded:t", "hits:t"]
    )


def _groups(mapping: dict[str, str]) -> pd.Series:
    return pd.Series(mapping)


MIXED = [[1, 0, 0], [0, 1, 0, 0], [1, 1, 0], [0, 0, 0, 1], [1, 0]]  # 6 of 16 sentences


def test_identical_reports_give_a_difference_interval_around_zero():
    par = _corpus({f"r{i}": MIXED for i in range(6)})
    groups = _groups({"r0": "A", "r1": "A", "r2": "A", "r3": "B", "r4": "B", "r5": "B"})
    diff = theme_rates.group_difference(par, groups, "A", "B", THEMES, n_boot=2000).iloc[0]
    # every report is the same text: any resample of reports gives the same share
    assert (
        diff.share_diff == 0
        and diff.share_diff_lo == pytest.approx(0)
        and diff.share_diff_hi == pytest.approx(0)
    )
    assert diff.unit == inference.REPORTS


def test_one_report_much_higher_excludes_zero_and_single_reports_resample_paragraphs():
    high = [[1, 1, 1], [1, 1, 0, 1], [1, 1, 1], [1, 0, 1, 1], [1, 1]]
    par = _corpus({"a": high, "b": MIXED})
    groups = _groups({"a": "A", "b": "B"})
    diff = theme_rates.group_difference(par, groups, "A", "B", THEMES, n_boot=2000).iloc[0]
    assert diff.share_diff == pytest.approx(14 / 16 - 6 / 16)
    assert diff.share_diff_lo > 0 and diff.unit == inference.PARAGRAPHS
    rates = theme_rates.group_rates(par, groups, THEMES, n_boot=2000)
    assert list(rates.group) == ["A", "B"] and set(rates.unit) == {inference.PARAGRAPHS}


def test_cluster_bootstrap_is_wider_than_pretending_sentences_are_independent():
    # three reports with very different shares: the report-level interval must reflect that spread
    par = _corpus({"a": [[1] * 20], "b": [[0] * 20], "c": [[1] * 10 + [0] * 10]})
    rates = theme_rates.group_rates(par, _groups({"a": "G", "b": "G", "c": "G"}), THEMES, n_boot=4000).iloc[0]
    assert rates.share == 0.5 and rates.unit == inference.REPORTS and rates.n_reports == 3
    lo, hi = inference.wilson_interval(30, 60)  # the naive interval over 60 sentences
    assert rates.share_hi - rates.share_lo > 1.5 * (hi - lo)
    # resampling three reports of shares 1, 0, .5: the possible means are k/6, so the 2.5% quantile is ≤ 1/6
    assert rates.share_lo <= 1 / 6 + 1e-9 and rates.share_hi >= 5 / 6 - 1e-9


def test_group_order_is_manifest_order_and_no_nan():
    par = _corpus({"x": MIXED, "y": [[0, 0]], "z": MIXED})
    rates = theme_rates.group_rates(par, _groups({"x": "second", "y": "first", "z": "second"}), THEMES, 500)
    assert list(rates.group) == ["second", "first"]
    empty = rates.set_index("group").loc["first"]
    assert empty.share == 0 and empty.method == "Wilson" and not rates.isna().any().any()


def test_wilson_interval_published_values():
    # Newcombe (1998), Table I: 81/263 → 0.2553 to 0.3662; 0/10 → 0 to 0.2775 (Wilson score, no correction)
    lo, hi = inference.wilson_interval([81, 0], [263, 10])
    np.testing.assert_allclose(lo, [0.2553, 0.0], atol=5e-5)
    np.testing.assert_allclose(hi, [0.3662, 0.2775], atol=5e-5)


def test_newcombe_hybrid_score_published_values():
    # Newcombe (1998), Table II, method 10: 56/70 − 48/80 → 0.0524 to 0.3339; 9/10 − 3/10 → 0.1705 to 0.8090
    lo, hi = inference.newcombe_interval([56, 9], [70, 10], [48, 3], [80, 10])
    np.testing.assert_allclose(lo, [0.0524, 0.1705], atol=5e-5)
    np.testing.assert_allclose(hi, [0.3339, 0.8090], atol=5e-5)


def test_difference_with_a_zero_share_uses_newcombe():
    par = _corpus({"a": MIXED, "b": [[0, 0, 0], [0, 0]]})
    diff = theme_rates.group_difference(par, _groups({"a": "A", "b": "B"}), "A", "B", THEMES, 500).iloc[0]
    lo, hi = inference.newcombe_interval([6], [16], [0], [5])
    assert diff.method == "Newcombe" and diff.share_diff_lo == pytest.approx(lo[0], abs=1e-6)
    assert diff.share_diff_hi == pytest.approx(hi[0], abs=1e-6)


def test_hits_are_capped_per_sentence():
    sentences = pd.DataFrame(
        {"report_id": "r", "sentence_id": [0, 1], "block_id": [0, 0], "text": ["甲" * 10, "乙" * 10]}
    )
    coded = pd.DataFrame({"report_id": "r", "sentence_id": [0, 1], "theme": "t", "n_hits": [9, 1]})
    par = theme_rates.paragraph_counts(sentences, coded, THEMES)
    assert par["hits:t"].tolist() == [theme_rates.HITS_CAP + 1] and par["coded:t"].tolist() == [2]


def test_bootstrap_in_blocks_gives_the_same_replicates(monkeypatch):
    x = np.arange(40).reshape(20, 2) % 3
    whole = inference.ratio_replicates(x, np.full(20, 3), "k", n_boot=300)
    monkeypatch.setattr(inference, "MAX_DRAWS", 97)  # a few replicates per block, ragged last block
    np.testing.assert_array_equal(inference.ratio_replicates(x, np.full(20, 3), "k", n_boot=300), whole)


def test_paragraph_counts_follow_the_sentences_and_ignore_unknown_rows():
    """Paragraphs in order of first appearance (a report's blocks need not be sorted, reports interleave as
    given); a coded row whose sentence or theme is unknown counts nowhere; whitespace is not a character."""
    sentences = pd.DataFrame(
        {
            "report_id": ["r2", "r2", "r2", "r1"],
            "sentence_id": [0, 1, 2, 0],
            "block_id": [1, 1, 0, 0],
            "text": ["甲甲", "乙 乙", "丙丙丙", "丁"],
        }
    )
    coded = pd.DataFrame(
        {
            "report_id": ["r2", "r2", "r1", "r1", "r2"],
            "sentence_id": [0, 2, 0, 9, 1],
            "theme": ["t", "t", "t", "t", "unknown"],
            "n_hits": [2, 5, 1, 1, 1],
        }
    )
    par = theme_rates.paragraph_counts(sentences, coded, THEMES)
    assert par.to_dict("list") == {
        "report_id": ["r2", "r2", "r1"],
        "block_id": [1, 0, 0],
        "n_sentences": [2, 1, 1],
        "n_chars": [4, 3, 1],
        "coded:t": [1, 1, 1],
        "hits:t": [2, 3, 1],
    }
