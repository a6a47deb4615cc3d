"""Keyness statistics against reference values; keyness.csv and frequencies.csv on the real texts."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency, fisher_exact
from statsmodels.stats.multitest import multipletests

from helpers import keyness, load_corpus
from helpers.groups import counted_groups, report_groups

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
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


def _tokens(counts: dict[str, dict[str, int]], paragraphs: dict[str, int] | None = None):
    """A tokens and a sentences table from per-report term counts; fillers (each used once, so never
    tested) bring every report to 100 content tokens; a report's tokens are spread over ``paragraphs``."""
    rows, filler = [], 0
    for report, terms in counts.items():
        words = [t for t, k in terms.items() for _ in range(k)]
        words += [f"f{filler + i}" for i in range(100 - len(words))]
        filler += 100
        rows += [(report, i, w) for i, w in enumerate(words)]
    tokens = pd.DataFrame(rows, columns=["report_id", "sentence_id", "token"]).assign(is_stopword=False)
    n_par = paragraphs or {}
    sentences = tokens[["report_id", "sentence_id"]].assign(
        block_id=lambda d: d.sentence_id % d.report_id.map(lambda r: n_par.get(r, 1))
    )
    return tokens, sentences


THREE = {"r1": {"x": 4, "y": 10}, "r2": {"x": 2, "y": 10}, "r3": {"x": 1, "y": 30}, "r4": {"y": 10}}
GROUPS = pd.Series({"r1": "G1", "r2": "G1", "r3": "G2", "r4": "G3"})


def test_three_groups_pool_reports_and_compare_with_the_other_groups():
    tokens, sentences = _tokens(THREE, {"r1": 3, "r2": 3})
    table = keyness.keyness_table(tokens, sentences, GROUPS).set_index(["group", "term"])
    assert list(table.columns) == keyness.KEYNESS_COLUMNS[2:]
    assert list(dict.fromkeys(table.index.get_level_values(0))) == ["G1", "G2", "G3"]
    x = table.loc[("G1", "x")]
    # G1 = r1 + r2: 6 of 200 tokens; reference = G2 + G3 (r2, a sister report, is not in it): 1 of 200
    assert (x.count_target, x.count_reference, x.total_target, x.total_reference) == (6, 1, 200, 200)
    assert x.expected_target == pytest.approx(7 * 200 / 400)  # 3.5 < 5: Fisher's exact test
    assert x.test == "fisher" and x.p_value == pytest.approx(fisher_exact([[6, 194], [1, 199]]).pvalue)
    assert x.log_ratio == pytest.approx(np.log2((6 / 200) / (1 / 200)))
    y = table.loc[("G2", "y")]  # 30 of 100 against 30 of 300: every expected count ≥ 5 → G²
    assert y.test == "G2" and y.g2 == pytest.approx(
        chi2_contingency([[30, 70], [30, 270]], correction=False, lambda_="log-likelihood")[0]
    )
    assert ("G3", "x") not in table.index  # long and sparse: no row for a term a group never uses


def test_bh_runs_over_one_family_including_unwritten_cells():
    tokens, sentences = _tokens(THREE)
    table = keyness.keyness_table(tokens, sentences, GROUPS)
    # every tested term (x: 7, y: 60 ≥ MIN_COUNT) in every group is a test, G3 × x included
    p = {}
    totals = {"G1": 200, "G2": 100, "G3": 100}
    group_counts = {"G1": {"x": 6, "y": 20}, "G2": {"x": 1, "y": 30}, "G3": {"x": 0, "y": 10}}
    for g, n_t in totals.items():
        for term, pooled in (("x", 7), ("y", 60)):
            a, n_r = group_counts[g][term], 400 - n_t
            c = pooled - a
            cells = [[a, n_t - a], [c, n_r - c]]
            expected = np.outer([n_t, n_r], [pooled, 400 - pooled]) / 400
            if expected.min() < keyness.MIN_EXPECTED:
                p[g, term] = fisher_exact(cells).pvalue
            else:
                p[g, term] = chi2_contingency(cells, correction=False, lambda_="log-likelihood")[1]
    keys = list(p)
    q = dict(zip(keys, multipletests([p[k] for k in keys], method="fdr_bh")[1], strict=True))
    assert len(table) == 5  # six tests, five written
    for row in table.itertuples():
        assert row.q_value == pytest.approx(q[row.group, row.term])


def test_dispersion_gries_dp_and_the_paragraph_requirement():
    # r1 spreads 60 tokens over paragraph 0 and 40 over paragraph 1 (sentence_id % 2 on 100 tokens gives
    # 50/50, so build the table by hand): term z 3 times in paragraph 0, once in paragraph 1
    tokens = pd.DataFrame(
        {"report_id": "r1", "sentence_id": range(100), "token": ["z"] * 4 + [f"f{i}" for i in range(96)]}
    ).assign(is_stopword=False)
    block = np.where(np.arange(100) < 60, 0, 1)
    block[3], block[60] = 1, 0  # the fourth z sits in paragraph 1 (a filler moves over: still 60/40)
    sentences = tokens[["report_id", "sentence_id"]].assign(block_id=block)
    # v = (3/4, 1/4), s = (60/100, 40/100): DP = ½ (|.75 − .6| + |.25 − .4|) = 0.15
    spread = keyness.dispersion(tokens, sentences, pd.Series({"r1": "G"})).set_index("term").loc["z"]
    assert spread.paragraphs_target == 2 and spread.dp_target == pytest.approx(0.15)
    # a report outside the groups (a near-duplicate left out) changes nothing, though it uses z too
    other = tokens.assign(report_id="r2")
    both = (
        keyness.dispersion(
            pd.concat([tokens, other]),
            pd.concat([sentences, sentences.assign(report_id="r2", block_id=0)]),
            pd.Series({"r1": "G"}),
        )
        .set_index("term")
        .loc["z"]
    )
    assert both.paragraphs_target == 2 and both.dp_target == pytest.approx(0.15)


def test_a_term_in_one_paragraph_is_never_distinctive():
    counts = {"a": {"w": 12}, "b": {"v": 1}}
    tokens, sentences = _tokens(counts)  # every report is one paragraph
    table = keyness.keyness_table(tokens, sentences, pd.Series({"a": "A", "b": "B"})).set_index("term")
    assert table.loc["w", "q_value"] < 0.05 and not table.loc["w", "distinctive"]
    tokens, sentences = _tokens(counts, {"a": 4})
    table = keyness.keyness_table(tokens, sentences, pd.Series({"a": "A", "b": "B"})).set_index("term")
    assert table.loc["w", "distinctive"] and table.loc["w", "paragraphs_target"] == 4


def test_one_group_has_no_keyness():
    tokens, sentences = _tokens(THREE)
    assert keyness.keyness_table(tokens, sentences, pd.Series("all", index=list(THREE))).empty


@pytest.fixture(scope="module")
def corpus(processed_dir):
    return load_corpus(processed_dir)


def test_keyness_csv_sorted_and_consistent_with_tokens(corpus):
    table, tokens = corpus["keyness"], corpus["tokens"]
    assert list(table.columns) == keyness.KEYNESS_COLUMNS
    groups = report_groups(corpus["reports"])
    content = (
        tokens[~tokens["is_stopword"]].astype({"token": str}).assign(group=lambda d: d.report_id.map(groups))
    )
    totals = content.groupby("group").size()
    per_group = content.groupby(["group", "token"]).size()
    assert list(dict.fromkeys(table["group"])) == list(dict.fromkeys(groups))
    for target, group in table.groupby("group", sort=False):
        expected = group.sort_values(["g2", "term"], ascending=[False, True])
        assert group.index.tolist() == expected.index.tolist()
        assert (group["total_target"] == totals[target]).all()
        assert (group["total_reference"] == totals.drop(target).sum()).all()
        assert group["count_target"].tolist() == [per_group[(target, t)] for t in group["term"]]
        assert (group["count_target"] + group["count_reference"] >= keyness.MIN_COUNT).all()
    assert np.isfinite(table.select_dtypes("number")).all().all()


def test_keyness_csv_read_back_is_the_table_the_notebooks_would_compute(corpus):
    """Notebooks 05 and 07 read keyness.csv instead of computing the region test again: exactly equal."""
    counted = counted_groups(corpus["reports"], corpus["near_duplicates"], "region")
    computed = keyness.keyness_table(corpus["tokens"], corpus["sentences"], counted)
    text = dict.fromkeys(["group", "term", "test"], str)
    pd.testing.assert_frame_equal(corpus["keyness"].astype(text), computed.astype(text), check_exact=True)
    assert keyness.is_build_test("region") and keyness.is_build_test("region", keyness.MIN_COUNT)
    assert not keyness.is_build_test("year") and not keyness.is_build_test("region", keyness.MIN_COUNT + 1)


def test_terms_found_by_reading_the_texts(corpus):
    """外企 (foreign enterprise) runs through the Suzhou report only, in 4 of its paragraphs; Yongkang
    reports a study trip (学习, 21 times in 10 paragraphs). Counted with an exact test and a dispersion
    requirement, these two are the only distinctive terms of the two seeds."""
    table = corpus["keyness"]
    region = corpus["reports"].set_index("report_id").region
    distinctive = table[table.distinctive].set_index(["group", "term"])
    assert set(distinctive.index) == {(region[JS], "外企"), (region[ZJ], "学习")}
    foreign = distinctive.loc[(region[JS], "外企")]
    assert foreign["count_target"] == 8 and foreign["count_reference"] == 0 and foreign["test"] == "fisher"


def test_frequency_table(corpus):
    freq = corpus["frequencies"].astype({"term": str})
    assert list(freq.columns) == ["report_id", "term", "count", "rate_per_10k", "paragraphs"]
    totals = freq.groupby("report_id")["count"].transform("sum")
    assert np.allclose(freq["rate_per_10k"], (freq["count"] / totals * 10_000).round(2))
    assert (freq["paragraphs"] <= freq["count"]).all()
    digital = freq.set_index(["report_id", "term"]).loc[(ZJ, "数字党建")]
    # Sentences 14 (paragraph 12), 15 and 16 (both paragraph 13) of the Yongkang report.
    assert digital["count"] == 8 and digital["paragraphs"] == 2
    grouped = keyness.group_frequencies(freq, report_groups(corpus["reports"]))
    assert grouped["count"].sum() == freq["count"].sum() and (grouped.reports == 1).all()


def test_frequency_table_holds_its_text_as_sorted_categoricals():
    """Written expectation first: report "b" (listed first) uses 党建 twice in paragraph 1 and 数字 once in
    paragraph 2; report "a" uses 数字 once. Rows by report in corpus order, then count, then term; the text
    columns are categoricals with sorted categories (one string per value) that write the same CSV as text."""
    tokens = pd.DataFrame(
        {
            "report_id": ["b", "b", "b", "b", "a"],
            "sentence_id": [0, 0, 1, 1, 0],
            "token": ["党建", "党建", "数字", "的", "数字"],
            "is_stopword": [False, False, False, True, False],
        }
    )
    sentences = pd.DataFrame({"report_id": ["b", "b", "a"], "sentence_id": [0, 1, 0], "block_id": [1, 2, 1]})
    freq = keyness.frequency_table(tokens, sentences)
    assert freq[["report_id", "term", "count", "paragraphs"]].values.tolist() == [
        ["b", "党建", 2, 1],
        ["b", "数字", 1, 1],
        ["a", "数字", 1, 1],
    ]
    for column in ("report_id", "term"):
        assert isinstance(freq[column].dtype, pd.CategoricalDtype)
        assert list(freq[column].cat.categories) == sorted(freq[column].cat.categories)
    as_text = freq.astype({"report_id": str, "term": str})
    assert freq.to_csv(index=False) == as_text.to_csv(index=False)
