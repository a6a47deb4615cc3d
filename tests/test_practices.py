"""Named practices and slogans on the real texts; the expected lists were made by reading the reports."""

import pytest

from helpers import practices

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
NUMBERED, QUOTED, PLUS = "numbered formula", "quoted", "党建+"

EXPECTED = {
    ZJ: {
        "党建强、发展强": QUOTED,
        "理论学习+现场观摩": QUOTED,  # ‘…’ inside 陈琳婷's quote
        "七化一体": NUMBERED,
        "10分钟党群超市圈": NUMBERED,
        "山湖+": QUOTED,
        "连心桥": QUOTED,
        "大党群": QUOTED,
        "大服务": QUOTED,
        "三抓三重": NUMBERED,
        "被动服务": QUOTED,
        "主动服务": QUOTED,
        "分散服务": QUOTED,
        "集成服务": QUOTED,
    },
    JS: {
        "加快构建新发展格局，着力推动高质量发展": QUOTED,
        "党员示范岗": QUOTED,
        "亮身份": QUOTED,
        "亮职责": QUOTED,
        "本土化": QUOTED,
        "双亮": QUOTED,
        "党建+信用": PLUS,
        "党建惠企": QUOTED,
        "两个覆盖": NUMBERED,
        "两个作用": NUMBERED,
        "两支队伍": NUMBERED,
        "尚研": QUOTED,
        "尚医": QUOTED,
        "尚创": QUOTED,
        "三尚工作法": NUMBERED,
        "一线设立、一线攻坚、一线聚能": NUMBERED,
        "一支部一项目、一班组一课题": NUMBERED,
        "红色引擎": QUOTED,
        "黄华劳模创新工作室": QUOTED,
        "导师带徒制": QUOTED,
        "围绕经营抓党建、抓好党建促经营": QUOTED,
        "小白特训营、新锐成长营、先锋创享营": QUOTED,
        "党建+人才": PLUS,
    },
}


@pytest.fixture(scope="module")
def table(corpus):
    return corpus["practices"]


@pytest.mark.parametrize("report", [ZJ, JS])
def test_practices_found_match_reading(table, report):
    rows = table[table.report_id == report]
    found = dict(zip(rows.practice, rows.pattern, strict=True))
    assert found == EXPECTED[report], (set(EXPECTED[report]) - set(found), set(found) - set(EXPECTED[report]))


def test_repeated_mentions_are_rows_with_context(table):
    rows = table[(table.report_id == ZJ) & (table.practice == "10分钟党群超市圈")]
    assert list(rows.sentence_id) == [21, 41]
    assert all("10分钟党群超市圈" in c for c in rows.context)


def test_aliases_speech_and_figures_of_speech_are_not_practices(table):
    for term in ("老板电器", "永卓控股", "保税港务", "他山之石", "两新", "浙", "兴奋点"):
        assert term not in set(table.practice)
    assert not table.practice.str.endswith("。").any()


def test_unquoted_numbered_formula_and_dangjian_plus():
    text = "该村探索“四议两公开”和五步工作法，推行党建+物业模式，一村一品。"
    found = {(p["practice"], p["pattern"]) for p in practices.find_practices(text, frozenset())}
    assert found == {
        ("四议两公开", NUMBERED),
        ("五步工作法", NUMBERED),
        ("党建+物业", PLUS),
        ("一村一品", NUMBERED),
    }
