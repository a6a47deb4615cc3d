"""The explorer's logic on a hand-made corpus of 4 reports in 3 groups (one with no group value).

Expected values are worked out by hand from the tables below. Content tokens: r1 4 (党建 引领 发展 党建),
r2 2, r3 2, r4 1 ("，" is a stopword).
"""

import pandas as pd
import pytest
import regex

from helpers.codebook import Theme
from helpers.explore import Explorer, page
from helpers.explore_widgets import TermExplorer, ThemeBrowser, frame_html
from helpers.manifest import MISSING as MISSING_GROUP

SENTENCES = [  # report, sentence, tokens
    ("r1", 0, ["党建", "引领", "发展"]),
    ("r1", 1, ["党建", "，"]),
    ("r2", 0, ["数字", "党建"]),
    ("r3", 0, ["人才", "培养"]),
    ("r4", 0, ["党建"]),
]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    tokens = pd.DataFrame(
        [(r, s, t, t == "，") for r, s, toks in SENTENCES for t in toks],
        columns=["report_id", "sentence_id", "token", "is_stopword"],
    )
    sentences = pd.DataFrame(
        [(r, s, "".join(toks)) for r, s, toks in SENTENCES], columns=["report_id", "sentence_id", "text"]
    ).assign(block_id=0, section=0)
    hits = pd.DataFrame(
        [
            ("r1", 0, "integration", "党建引领", 1),
            ("r2", 0, "digitization", "数字", 1),
            ("r3", 0, "talent", "人才", 1),
        ],
        columns=["report_id", "sentence_id", "theme", "matched_terms", "n_hits"],
    )
    reports = pd.DataFrame({"report_id": ["r1", "r2", "r3", "r4"], "region": ["A", "A", "B", ""]})
    return {"reports": reports, "tokens": tokens, "sentences": sentences, "sentence_themes": hits}


@pytest.fixture(scope="module")
def explorer(tables) -> Explorer:
    labels = pd.DataFrame({"report_id": ["r1"], "sentence_id": [0], "integration": [1], "talent": [0]})
    return Explorer(tables, labels=labels)


def test_term_frequency_per_group_and_report(explorer):
    by_group = explorer.term_by_group("党建")
    assert by_group.group.tolist() == ["A", "B", MISSING_GROUP]
    assert by_group["count"].tolist() == [3, 0, 1]
    assert by_group.reports.tolist() == [2, 1, 1]
    assert by_group.reports_using.tolist() == [2, 0, 1]
    assert by_group.content_tokens.tolist() == [6, 2, 1]
    assert by_group.per_10k.tolist() == [5000.0, 0.0, 10000.0]
    by_report = explorer.term_by_report(" 党建 ")  # surrounding spaces typed in a box are ignored
    assert by_report["count"].tolist() == [2, 1, 0, 1]


def test_kwic_stays_inside_its_report_and_caps_lines_per_group(explorer):
    lines = explorer.kwic_lines("党建", per_group=5, window=15)
    assert lines[["report_id", "sentence_id"]].values.tolist() == [["r1", 0], ["r1", 1], ["r2", 0], ["r4", 0]]
    assert lines.left.tolist() == ["", "党建引领发展", "数字", ""]
    assert lines.right.tolist() == ["引领发展党建，", "，", "", ""]
    wide = explorer.kwic_side_by_side("党建", per_group=1)
    assert wide.columns.tolist() == ["A", "B", MISSING_GROUP]
    assert wide.iloc[0].tolist() == ["【党建】引领发展党建，", "", "【党建】"]
    assert len(wide) == 1


def test_term_positions_are_shares_of_the_body_text(explorer):
    where = explorer.term_positions("党建")
    assert where.position.round(3).tolist() == [0.0, 0.667, 0.0, 0.0]  # r1's 2nd sentence starts at 6 of 9


def test_theme_sentences_with_human_labels_and_filters(explorer):
    integration = explorer.theme_sentences("integration")
    assert integration[["report_id", "sentence_id"]].values.tolist() == [["r1", 0]]
    assert integration.human_label.tolist() == [1]
    digitization = explorer.theme_sentences("digitization")
    assert digitization.human_label.isna().all()  # r2 was never hand-labelled
    assert explorer.theme_sentences("talent", group="B").report_id.tolist() == ["r3"]
    assert explorer.theme_sentences("talent", group="A").empty
    assert explorer.theme_sentences("integration", report_id="r2").empty


def test_page_clips_to_existing_pages():
    frame = pd.DataFrame({"x": range(23)})
    assert page(frame, 0, 10)[0].x.tolist() == list(range(10))
    rows, pages = page(frame, 5, 10)
    assert pages == 3 and rows.x.tolist() == [20, 21, 22]
    assert page(frame, -1, 10)[0].x.iloc[0] == 0
    assert page(frame.iloc[:0], 0, 10)[1] == 1


def test_group_by_must_name_a_reports_column(tables):
    with pytest.raises(ValueError):
        Explorer(tables, group_by="province")


def test_widget_callbacks_update_their_tables(explorer):
    term = TermExplorer(explorer, "党建")
    term.term.value = "人才"
    assert term.tables["by_group"]["count"].tolist() == [0, 1, 0]
    assert "人才" in term._repr_mimebundle_()["text/html"]
    themes = [
        Theme("integration", "Integration", "融合", "", (regex.compile("党建引领"),), (), ()),
        Theme("talent", "Talent", "人才", "", (regex.compile("人才"),), (), ()),
    ]
    browser = ThemeBrowser(explorer, themes, "integration", page_size=1)
    assert browser.tables["page"].report_id.tolist() == ["r1"]
    assert "<mark>党建引领</mark>" in browser.html
    browser.theme.value = "talent"
    assert browser.tables["page"].report_id.tolist() == ["r3"]
    browser.group.value = "A"
    assert browser.tables["sentences"].empty and browser.page_label.value.startswith("page 1 of 1")


def test_report_text_is_escaped_in_widget_html():
    html = frame_html(pd.DataFrame({"text": ["<script>alert(1)</script>"], "n": [1]}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_kwic_table_takes_lines_in_turn_from_each_group(explorer):
    lines = explorer.kwic_table(["党建", "人才", "不在语料里"], per_term=2)
    assert lines.term.tolist() == [
        "人才",
        "党建",
        "党建",
    ]  # A first, then (missing)
    assert lines[["group", "report_id", "sentence_id"]].values.tolist() == [
        ["B", "r3", 0],
        ["A", "r1", 0],
        [MISSING_GROUP, "r4", 0],
    ]
    assert lines.right.tolist() == ["培养", "引领发展党建，", ""]
    assert lines.match.tolist() == ["人才", "党建", "党建"]
