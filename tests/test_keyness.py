"""Keyness statistics against reference values; keyness.csv and frequencies.csv on the real texts."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from statsmodels.stats.multitest import multipletests

from helpers import keyness, load_corpus

YI = [12, 2, 30, 0, 50]
YJ = [2, 10, 28, 5, 60]


def test_g2_reference_values():
    stat, _ = keyness.g2(10, 0, 3, 31764)
    assert stat == pytest.approx(167.23, abs=0.005)
    stat, p = keyness.g2(3, 7, 7, 2)
    assert stat == pytest.approx(4.5349, abs=5e-5) and p == pytest.approx(0.0332, abs=5e-5)


def test_reference_table_orientation_matches_scipy():
    table = [[3, 7], [7, 2]]
    assert chi2_contingency(table, correction=False)[0] == pytest.approx(4.3372, abs=5e-5)
    assert chi2_contingency(table, correction=True)[0] == pytest.approx(2.6324, abs=5e-5)
    rng = np.random.default_rng(0)
    for a, b, c, d in rng.integers(0, 60, size=(20, 4)) + 1:
        expected = chi2_contingency([[a, b], [c, d]], correction=False, lambda_="log-likelihood")
        assert keyness.g2(a, b, c, d)[0] == pytest.approx(expected[0])


def test_log_odds_z_reference_full_variance():
    z = keyness.log_odds_z(YI, YJ, np.full(5, 0.01))
    np.testing.assert_allclose(z, [2.596, -2.000, 0.812, -0.615, -0.560], atol=5e-4)
    # Not Monroe's two-term approximation (which gives 2.645 and -0.835 for the first and last words).
    assert abs(z[0] - 2.645) > 0.01 and abs(z[4] + 0.835) > 0.1


def test_log_ratio_and_zero_adjustment():
    assert keyness.log_ratio(10, 10, 1000, 1000) == pytest.approx(0.0)
    assert keyness.log_ratio(20, 10, 1000, 1000) == pytest.approx(1.0)
    assert keyness.log_ratio(8, 0, 1030, 568) == pytest.approx(np.log2((8 / 1030) / (0.5 / 568)))
    assert keyness.log_ratio(0, 8, 1030, 568) == pytest.approx(-np.log2((8 / 568) / (0.5 / 1030)))


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def test_keyness_csv_sorted_and_consistent_with_tokens(corpus):
    table, tokens = corpus["keyness"], corpus["tokens"]
    assert list(table.columns) == keyness.KEYNESS_COLUMNS
    content = tokens[~tokens["is_stopword"]].astype({"token": str})
    totals = content.groupby("report_id").size()
    per_report = content.groupby(["report_id", "token"]).size()
    assert list(dict.fromkeys(table["target_report"])) == corpus["reports"]["report_id"].tolist()
    for target, group in table.groupby("target_report", sort=False):
        expected = group.sort_values(["g2", "term"], ascending=[False, True])
        assert group.index.tolist() == expected.index.tolist()
        assert (group["total_target"] == totals[target]).all()
        assert (group["total_reference"] == totals.drop(target).sum()).all()
        counts = [per_report.get((target, term), 0) for term in group["term"]]
        assert group["count_target"].tolist() == counts
        assert (group["count_target"] + group["count_reference"] >= keyness.MIN_COUNT).all()
        assert np.allclose(group["q_value"], multipletests(group["p_value"], method="fdr_bh")[1])


def test_two_report_keyness_is_mirrored(corpus):
    a, b = (g.set_index("term").sort_index() for _, g in corpus["keyness"].groupby("target_report"))
    assert np.allclose(a["g2"], b["g2"]) and np.allclose(a["log_ratio"], -b["log_ratio"])
    assert np.allclose(a["log_odds_z"], -b["log_odds_z"])


def test_terms_found_by_reading_the_texts(corpus):
    """外企 (foreign enterprise) runs through the Suzhou report only; Yongkang reports a study trip (学习)."""
    table = corpus["keyness"].set_index(["target_report", "term"])
    foreign = table.loc[("jiangsu_suzhou_2023", "外企")]
    assert foreign["count_target"] == 8 and foreign["count_reference"] == 0 and foreign["log_ratio"] > 0
    study = table.loc[("zhejiang_yongkang_2024", "学习")]
    assert study["count_reference"] == 0 and study["q_value"] < 0.05 and study["log_odds_z"] > 0
    assert table.loc["zhejiang_yongkang_2024"]["g2"].idxmax() == "学习"


def test_frequency_table(corpus):
    freq = corpus["frequencies"].astype({"term": str})
    assert list(freq.columns) == ["report_id", "term", "count", "rate_per_10k", "paragraphs"]
    totals = freq.groupby("report_id")["count"].transform("sum")
    assert np.allclose(freq["rate_per_10k"], (freq["count"] / totals * 10_000).round(2))
    assert (freq["paragraphs"] <= freq["count"]).all()
    digital = freq.set_index(["report_id", "term"]).loc[("zhejiang_yongkang_2024", "数字党建")]
    # Sentences 14 (paragraph 12), 15 and 16 (both paragraph 13) of the Yongkang report.
    assert digital["count"] == 8 and digital["paragraphs"] == 2
    sums = freq.groupby("report_id")["count"].sum()
    pd.testing.assert_series_equal(
        sums, corpus["keyness"].groupby("target_report")["total_target"].first(), check_names=False
    )
