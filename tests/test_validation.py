"""Stable sentence keys, hand labels on any subset of the corpus, and the rules' scores against them."""

import re

import numpy as np
import pandas as pd
import pytest

from helpers import themes, validation
from helpers.codebook import REQUIRED_THEMES, load_codebook
from helpers.config import CODEBOOK, THEME_LABELS
from helpers.errors import InputError
from helpers.sentence_keys import sentence_keys

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
THEME_IDS = [t.id for t in load_codebook(CODEBOOK)]


# --- sentence keys -----------------------------------------------------------------------------------


def test_key_ignores_width_spacing_and_invisible_characters_and_numbers_repeats():
    texts = ["党建引领发展, 成效ＡＢ。", "党建引领发展，成效AB。", "另一句。"]
    texts.append("党建引领\u200b发展，成效 AB。")
    keys = sentence_keys("r1", texts)
    assert re.fullmatch(r"r1:s[0-9a-f]{10}", keys[0])
    assert keys[1] == keys[0] + "-1" and keys[3] == keys[0] + "-2"  # the same normalized text, repeated
    assert keys[2] != keys[0] and re.fullmatch(r"r1:s[0-9a-f]{10}", keys[2])


def test_key_survives_a_sentence_inserted_before_it_and_is_never_a_number():
    before = sentence_keys("2024", ["甲。", "乙。"])
    after = sentence_keys("2024", ["新插入的一句。", "甲。", "乙。"])
    assert after[1:] == before
    for key in after:
        with pytest.raises(ValueError):
            float(key.replace(":", "."))  # a spreadsheet sees text, not a number or a time


def test_sentences_and_sentence_themes_carry_the_key(corpus):
    sentences, coded = corpus["sentences"], corpus["sentence_themes"]
    assert sentences.sentence_key.is_unique
    assert (sentences.sentence_key.str.split(":").str[0] == sentences.report_id).all()
    ids = coded.merge(sentences, on=["report_id", "sentence_id"], suffixes=("", "_s"))
    assert len(ids) == len(coded) and (ids.sentence_key == ids.sentence_key_s).all()


# --- labels on any subset ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_labels():
    return validation.read_labels(THEME_IDS)


def test_seed_labels_match_every_sentence_and_are_development_labels(corpus, seed_labels):
    matched, orphans = validation.match_labels(seed_labels, corpus["sentences"])
    assert orphans.empty and len(matched) == len(corpus["sentences"])
    assert (seed_labels.held_out_for == "").all() and set(seed_labels.coder) == {"seed_author"}
    cover = validation.coverage(corpus["sentences"], matched)
    assert list(cover.status) == ["validated", "validated"]


def _write_labels(tmp_path, frame: pd.DataFrame):
    path = tmp_path / "theme_labels.csv"
    frame.to_csv(path, index=False)
    return path


def test_a_subset_of_labels_validates_what_is_labelled_and_reports_the_rest(tmp_path, corpus, seed_labels):
    sentences = corpus["sentences"]
    subset = seed_labels[seed_labels.report_id == JS].head(10).astype({t: "object" for t in THEME_IDS})
    subset.iloc[0, subset.columns.get_loc("text")] = "一句已经不存在的句子。"
    subset.iloc[0, subset.columns.get_loc("sentence_key")] = f"{JS}:s0123456789"
    gone = subset.iloc[[1]].assign(sentence_key="other_report:s0123456789", report_id="other_report")
    labels = validation.read_labels(THEME_IDS, _write_labels(tmp_path, pd.concat([subset, gone])))
    matched, orphans = validation.match_labels(labels, sentences)
    assert len(matched) == 9
    assert list(orphans.reason) == ["sentence changed or removed", "report not in this corpus"]
    cover = validation.coverage(sentences, matched).set_index("report_id")
    assert cover.at[ZJ, "status"] == "not validated" and cover.at[ZJ, "n_labelled"] == 0
    assert cover.at[JS, "status"] == "partly validated" and cover.at[JS, "n_labelled"] == 9
    reference = validation.reference_labels(matched, THEME_IDS)
    wide = themes.coded_matrix(sentences, corpus["sentence_themes"], THEME_IDS)
    table = validation.scores(reference, wide, THEME_IDS)
    assert (table.n_labelled == 9).all() and set(table.set) == {"development"}
    assert (table.interval == "Wilson (one report, unweighted)").all()


def test_no_labels_at_all_still_gives_the_notebook_tables(tmp_path, corpus):
    sentences = corpus["sentences"]
    labels = validation.read_labels(THEME_IDS, tmp_path / "absent.csv")
    matched, orphans = validation.match_labels(labels, sentences)
    assert matched.empty and orphans.empty
    assert set(validation.coverage(sentences, matched).status) == {"not validated"}
    reference = validation.reference_labels(matched, THEME_IDS)
    wide = themes.coded_matrix(sentences, corpus["sentence_themes"], THEME_IDS)
    assert validation.scores(reference, wide, THEME_IDS).empty
    assert validation.agreement(matched, THEME_IDS).n_units.eq(0).all()
    assert validation.disagreements(reference, wide, corpus["sentence_themes"], THEME_IDS).empty


def test_blank_cells_are_unlabelled_and_a_missing_theme_column_is_blank(tmp_path, seed_labels):
    frame = seed_labels.head(3).drop(columns="opening").astype({"talent": "object"})
    frame["talent"] = ["1", "", "0"]
    labels = validation.read_labels(THEME_IDS, _write_labels(tmp_path, frame))
    assert labels.talent.tolist() == [1, pd.NA, 0] and labels.opening.isna().all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda f: f.assign(talent=["1", "yes", "0"]), r"line 3, column talent: 'yes' is not 1, 0 or blank"),
        (lambda f: pd.concat([f, f.iloc[[0]]]), r"line 5: coder 'seed_author' labels \S+ twice"),
        (lambda f: f.drop(columns="coder"), r"column\(s\) coder missing"),
    ],
    ids=["bad-value", "coder-twice", "no-coder-column"],
)
def test_bad_labels_file_is_one_input_error(tmp_path, seed_labels, change, message):
    path = _write_labels(tmp_path, change(seed_labels.head(3).astype({"talent": "object"})))
    with pytest.raises(InputError, match=message):
        validation.read_labels(THEME_IDS, path)


def test_reference_label_is_the_coders_majority_and_a_tie_is_unlabelled():
    matched = pd.DataFrame(
        {
            "sentence_key": ["a", "a", "a", "b", "b"],
            "report_id": "r",
            "sentence_id": [0, 0, 0, 1, 1],
            "coder": ["x", "y", "z", "x", "y"],
            "weight": 1.0,
            "held_out_for": ["h", "h", "h", "", "h"],
            "text": "t",
            "t": pd.array([1, 1, 0, 1, 0], dtype="Int8"),
        }
    )
    ref = validation.reference_labels(matched, ["t"], current_rules="h").set_index("sentence_key")
    assert ref.at["a", "t"] == 1 and pd.isna(ref.at["b", "t"])
    assert ref.at["a", "held_out"] and not ref.at["b", "held_out"]
    unfrozen = validation.reference_labels(matched, ["t"]).set_index("sentence_key")
    assert not unfrozen.held_out.any()  # without the current rules' hash nothing is held out


def test_scores_are_weighted_and_use_wilson_for_one_report():
    reference = pd.DataFrame(
        {
            "report_id": "r",
            "sentence_key": list("abcdefg"),
            "weight": [1.0, 3, 2, 1, 1, 1, 5],
            "held_out": False,
            "t": pd.array([1, 1, 0, 0, 1, 0, None], dtype="Int8"),  # g is unlabelled: not counted
        }
    )
    coded = pd.DataFrame({"sentence_key": list("abcdefg"), "t": [1, 0, 1, 0, 1, 0, 1]})
    row = validation.scores(reference, coded, ["t"]).iloc[0]
    assert (row.n_labelled, row.tp, row.fp, row.fn) == (6, 2, 1, 1)  # unweighted counts
    # weighted: TP = 1 + 1, FP = 2 (c), FN = 3 (b)
    assert row.precision == pytest.approx(2 / 4) and row.recall == pytest.approx(2 / 5)
    assert row.f1 == pytest.approx(4 / 9)
    # Wilson (1927) for the unweighted 2 of 3 coded: (p + z²/2n ± z·sqrt(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    z, p, n = 1.959964, 2 / 3, 3
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    centre, scale = p + z**2 / (2 * n), 1 + z**2 / n
    assert row.precision_lo == pytest.approx((centre - half) / scale, abs=1e-5)
    assert row.precision_hi == pytest.approx((centre + half) / scale, abs=1e-5)
    assert np.isnan(row.f1_lo) and row.interval.startswith("Wilson")


def test_scores_split_development_and_held_out_and_bootstrap_over_reports(corpus, seed_labels):
    matched, _ = validation.match_labels(seed_labels, corpus["sentences"])
    matched.loc[matched.report_id == JS, "held_out_for"] = "h1"  # pretend JS was labelled after a freeze
    wide = themes.coded_matrix(corpus["sentences"], corpus["sentence_themes"], THEME_IDS)
    held = validation.reference_labels(matched, THEME_IDS, "h1")
    assert set(held[held.held_out].report_id) == {JS} and set(held[~held.held_out].report_id) == {ZJ}
    table = validation.scores(held, wide, THEME_IDS)
    assert set(table.set) == {"development", "held-out"}
    # the rules changed since the freeze: every label is a development label again
    stale = validation.scores(validation.reference_labels(matched, THEME_IDS, "h2"), wide, THEME_IDS)
    assert set(stale.set) == {"development"} and (stale.interval == "bootstrap over 2 reports").all()
    for stat in ("precision", "recall", "f1"):
        x = stale.dropna(subset=[stat])
        assert ((x[f"{stat}_lo"] <= x[stat] + 1e-9) & (x[stat] <= x[f"{stat}_hi"] + 1e-9)).all()
    again = validation.scores(validation.reference_labels(matched, THEME_IDS, "h2"), wide, THEME_IDS)
    pd.testing.assert_frame_equal(stale, again)  # seeded


@pytest.mark.parametrize("theme", REQUIRED_THEMES)
def test_required_themes_reach_f1_08_against_the_seed_labels(corpus, theme):
    table = corpus["theme_validation"].set_index(["set", "theme"])
    row = table.loc[("development", theme)]
    assert row.n_positive > 0 and row.n_labelled == len(corpus["sentences"])
    assert row.f1 >= 0.8, row


# --- intercoder agreement ----------------------------------------------------------------------------


def _matched(coders: dict[str, list]) -> pd.DataFrame:
    """Labels of coders (one list of values per coder, None = not labelled) in the labels-file shape."""
    rows = [
        {"sentence_key": f"u{i}", "coder": coder, "t": v}
        for coder, values in coders.items()
        for i, v in enumerate(values)
        if v is not None
    ]
    return pd.DataFrame(rows).astype({"t": "Int8"})


def test_alpha_matches_krippendorffs_published_nominal_example():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 coders, 12 units, values
    # 1-5 with missing data; nominal alpha = 0.743.
    data = {
        "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
        "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
        "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
        "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
    }
    row = validation.agreement(_matched(data), ["t"]).iloc[0]
    assert row.alpha == pytest.approx(0.743, abs=5e-4)
    assert row.n_units == 11 and row.n_coders == 4  # unit 12 has one value: not pairable
    # all coders agree on units 1, 3, 4, 5, 7, 9, 10, 11 (2, 6 and 8 have a dissenting value)
    assert row.percent_agreement == pytest.approx(8 / 11)


def test_alpha_of_two_binary_coders_matches_the_hand_computation():
    # 10 units, 2 disagreements: n = 20 values, 8 ones and 12 zeros; D_o = 4/20, D_e = 2·8·12/(20·19);
    # alpha = 1 − D_o/D_e = 29/48.
    data = {"x": [1, 1, 1, 1, 0, 0, 0, 0, 0, 0], "y": [1, 1, 1, 0, 0, 0, 0, 0, 0, 1]}
    row = validation.agreement(_matched(data), ["t"]).iloc[0]
    assert row.alpha == pytest.approx(29 / 48) and row.percent_agreement == pytest.approx(0.8)
    same = validation.agreement(_matched({"x": [0, 0, 0], "y": [0, 0, 0]}), ["t"]).iloc[0]
    assert np.isnan(same.alpha) and same.percent_agreement == 1  # no variation: alpha undefined


def test_the_labels_file_is_keyed_by_sentence_key():
    header = THEME_LABELS.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[: len(validation.LABEL_COLUMNS)] == validation.LABEL_COLUMNS


# --- uncoded sentences -------------------------------------------------------------------------------


def test_uncoded_sentences_and_their_terms_against_a_hand_example():
    sentences = pd.DataFrame(
        {
            "report_id": ["r", "r", "r", "q"],
            "sentence_id": [0, 1, 2, 0],
            "sentence_key": ["r:a", "r:b", "r:c", "q:a"],
            "text": ["甲乙乙。", "乙丙。", "丁。", "乙丁。"],
        }
    )
    coded = pd.DataFrame({"report_id": ["r"], "sentence_id": [2], "theme": ["t"]})  # r:c is coded
    uncoded = validation.uncoded_sentences(sentences, coded)
    assert list(uncoded.sentence_key) == ["r:a", "r:b", "q:a"]
    tokens = pd.DataFrame(
        {
            "report_id": ["r", "r", "r", "r", "r", "r", "q", "q"],
            "sentence_id": [0, 0, 0, 1, 1, 2, 0, 0],
            "token": ["甲", "乙", "乙", "乙", "丙", "丁", "乙", "丁"],
            "is_stopword": [False, False, False, False, True, False, False, False],
        }
    )
    terms = validation.uncoded_terms(uncoded, tokens)
    # 乙 in 3 uncoded sentences (4 times); 丁 and 甲 in one each (丁 of r:c is coded); 丙 is a stopword
    expected = [["乙", 3, 4], ["丁", 1, 1], ["甲", 1, 1]]
    assert terms[["term", "n_sentences", "count"]].values.tolist() == expected
    assert terms.example.iloc[0] == "甲乙乙。"
    assert len(validation.uncoded_terms(uncoded, tokens, top_n=1)) == 1
