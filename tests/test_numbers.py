"""Quantitative claims on the real texts; expectations written by reading the two reports."""

import pytest

from helpers import numbers

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


@pytest.fixture(scope="module")
def table(corpus):
    return corpus["numbers"]


def _rows(table, report, value, kind, sentence=None):
    rows = table[(table.report_id == report) & (table.value == value) & (table.type == kind)]
    return rows if sentence is None else rows[rows.sentence_id == sentence]


@pytest.mark.parametrize(
    ("report", "sentence", "value", "unit", "measure"),
    [
        (JS, 14, 2481, "个", "党组织"),  # 园区共有党组织2481个
        (JS, 14, 1295, "个", "两新党组织"),  # 其中两新党组织1295个
        (JS, 6, 3, "名", "党员"),  # 从最初的3名党员
        (JS, 19, 3, "个", "行动支部"),
        (ZJ, 1, 30, "余名", "两新党组织书记"),  # 30余名两新党组织书记、委员、党务工作者
        (ZJ, 21, 10, "余个", "功能区"),
    ],
)
def test_counts_with_their_measure(table, report, sentence, value, unit, measure):
    rows = _rows(table, report, value, "count", sentence)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row.unit, row.measure) == (unit, measure)


def test_percent_share_of_what(table):
    row = _rows(table, JS, 53, "percent").iloc[0]
    assert (row.unit, row.measure, row.sentence_id) == ("%", "全区党组织总数", 14)


def test_dates_are_typed_not_counted(table):
    dates = table[table.type == "date"]
    assert {"2022年底", "2022年"} <= set(dates[dates.report_id == JS].text)
    assert {"2024年", "11月11日至13日", "11月11日"} <= set(dates[dates.report_id == ZJ].text)
    counts = table[table.type == "count"]
    assert not counts.value.isin([2022, 2024]).any()


def test_durations(table):
    durations = table[(table.report_id == ZJ) & (table.type == "duration")]
    assert {"3天", "6年", "10分钟"} <= set(durations.text)


def test_codes_are_not_numbers(table):
    # 5G (technology), SA335 P91 (a steel grade) are names, not quantities
    assert not table.text.str.contains("5G|335|91").any()
    assert not table.value.isin([5, 335, 91]).any()


def test_parse_helper_on_a_made_up_sentence():
    found = numbers.find_numbers("全市共有企业120家，占比12.5%。")
    assert [(n["value"], n["unit"], n["type"]) for n in found] == [
        (120, "家", "count"),
        (12.5, "%", "percent"),
    ]
    assert found[0]["measure"] == "企业"
