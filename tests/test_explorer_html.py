"""The explorer page's data (caps, rates), its size bound and its guarantee that report text never becomes
markup (the page in a browser: tests/test_browser.py)."""

import json

import numpy as np
import pandas as pd
import pytest

from helpers.explore import KWIC_WINDOW
from helpers.explorer_html import (
    EXPLORER_POINTS,
    EXPLORER_TERMS,
    KWIC_PER_TERM,
    MAX_PAGE_BYTES,
    POINT_COLUMNS,
    explorer_page,
    font_characters,
    term_points,
    terms_shown,
)

ATTACK = '<img src=x onerror="window.attacked=1">'
CLOSER = "</script><script>window.attacked=2</script>"


def keyness_rows() -> pd.DataFrame:
    """Three terms in groups A (1,000 content tokens) and B (500): 甲 9+3, 乙 2+8, 丙 1+1."""
    rows = [
        ("A", "甲", 9, 3), ("B", "甲", 3, 9),
        ("A", "乙", 2, 8), ("B", "乙", 8, 2),
        ("A", "丙", 1, 1),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=["group", "term", "count_target", "count_reference"])
    return frame.assign(
        total_target=frame.group.map({"A": 1000, "B": 500}),
        total_reference=frame.group.map({"A": 500, "B": 1000}),
        test="G2",
        g2=1.0,
        q_value=0.5,
        log_ratio=0.0,
        distinctive=False,
    )


def test_term_points_keep_the_most_frequent_terms_with_rates():
    points = term_points(keyness_rows(), n_terms=2)
    assert points.columns.tolist() == POINT_COLUMNS
    assert points[["group", "term"]].values.tolist() == [["A", "乙"], ["A", "甲"], ["B", "乙"], ["B", "甲"]]
    a = points[(points.group == "A") & (points.term == "甲")].iloc[0]
    assert (a.per_10k_target, a.per_10k_reference) == (90.0, 60.0)  # 10,000·9/1,000 and 10,000·3/500


@pytest.fixture(scope="module")
def hostile_page() -> str:
    points = term_points(keyness_rows())
    kwic = pd.DataFrame(
        [("甲", "A", "r1", 0, ATTACK, "甲", CLOSER)],
        columns=["term", "group", "report_id", "sentence_id", "left", "match", "right"],
    )
    return explorer_page(points, kwic, "Explorer <b>test</b>")


def test_report_text_stays_data(hostile_page):
    data = hostile_page.split('<script type="application/json" id="kwic-data">')[1].split("</script>")[0]
    assert "<" not in data  # the report text cannot close the script element it sits in
    assert json.loads(data)["甲"][0] == ["A", "r1", ATTACK, "甲", CLOSER]
    assert "<b>test" not in hostile_page and "&lt;b&gt;test" in hostile_page  # the title is escaped


def test_many_groups_show_fewer_terms():
    assert terms_shown(2) == EXPLORER_TERMS
    assert terms_shown(50) == EXPLORER_POINTS // 50 < EXPLORER_TERMS


def test_font_keeps_the_most_frequent_characters():
    assert font_characters("乙甲甲丙丙丙丁", limit=2) == "丙甲"  # 丙 3, 甲 2; in code-point order
    assert (
        font_characters("乙甲", limit=2) == "乙甲" == font_characters("甲乙", limit=2)
    )  # ties by code point


def worst_case(n_groups: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every cap filled with long names and text: each KWIC line holds distinct rarely-repeated characters,
    so the font subset reaches FONT_CHARS."""
    rng = np.random.default_rng(0)
    han = np.array([chr(c) for c in range(0x4E00, 0x9FA6)])
    n_terms = terms_shown(n_groups)
    terms = ["".join(rng.choice(han, 6)) for _ in range(n_terms)]
    groups = [f"某某省某某市某某区第{i}组报告" for i in range(n_groups)]
    keyness = pd.DataFrame(
        [(g, t, 123_456, 654_321) for g in groups for t in terms],
        columns=["group", "term", "count_target", "count_reference"],
    ).assign(total_target=9_876_543, total_reference=98_765_432, test="Fisher", g2=1234.567891,
             q_value=0.000123456, log_ratio=-12.3456789, distinctive=True)  # fmt: skip
    lines = [
        (t, groups[i % n_groups], f"report_{i:05d}_某某日报_2024年12月31日", 0,
         "".join(rng.choice(han, KWIC_WINDOW)), t, "".join(rng.choice(han, KWIC_WINDOW)))
        for t in terms for i in range(KWIC_PER_TERM)
    ]  # fmt: skip
    kwic = pd.DataFrame(
        lines, columns=["term", "group", "report_id", "sentence_id", "left", "match", "right"]
    )
    return term_points(keyness), kwic


@pytest.mark.slow
def test_page_size_stays_under_the_cap_at_the_caps():
    points, kwic = worst_case(n_groups=40)
    assert len(points) == EXPLORER_POINTS and kwic.term.nunique() == EXPLORER_POINTS // 40
    page = explorer_page(points, kwic, "Worst case")
    size = len(page.encode("utf-8"))
    print(f"{size:,} bytes")
    assert size <= MAX_PAGE_BYTES, f"{size:,} bytes"
