"""Organisations, places and people on the real texts; counts made by reading the body sentences."""

import pandas as pd
import pytest

from helpers import entities

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"


@pytest.fixture(scope="module")
def table(corpus):
    return corpus["entities"]


@pytest.mark.parametrize(
    ("report", "entity", "kind", "count"),
    [
        (ZJ, "老板电器", "organisation", 8),  # full name, 以下简称“老板电器”, and six later mentions
        (ZJ, "陈琳婷", "person", 3),
        (ZJ, "李棠", "person", 3),
        (ZJ, "吴思红", "person", 2),  # 吴思红教授 … “吴教授的讲解”
        (ZJ, "杭州", "place", 4),  # not counted inside 中共杭州市委党校 or 杭州数字党建研习院
        (JS, "苏州工业园区", "place", 5),
        (JS, "陶氏化学", "organisation", 3),
        (JS, "国务院发展研究中心", "organisation", 1),
        (JS, "张立群", "person", 1),
    ],
)
def test_entity_counts(table, report, entity, kind, count):
    row = table[(table.report_id == report) & (table.entity == entity)]
    assert len(row) == 1, entity
    assert (row.iloc[0]["type"], row.iloc[0]["count"]) == (kind, count)


def test_generic_words_and_mis_tags_are_not_entities(table):
    for word in ("党组织", "党工委", "新格局", "高水平", "智慧", "深度", "中国"):
        assert word not in set(table.entity)
    assert set(table.type) <= {"organisation", "place", "person"}


def test_every_curated_alias_maps_to_one_entity():
    curated = entities.read_entity_list()
    aliases = [a for row in curated.itertuples() for a in row.aliases.split("|")]
    assert len(aliases) == len(set(aliases))


def test_speakers_become_people_without_the_dictionary():
    sentences = pd.DataFrame(
        {"report_id": ["r"], "sentence_id": [0], "text": ["区委书记赵小明表示，要抓实。"]}
    )
    assert "赵小明" not in set(entities.entities_table(sentences).entity)  # unknown to the dictionary
    speakers = pd.DataFrame({"report_id": ["r"], "speaker": ["赵小明"]})
    out = entities.entities_table(sentences, speakers)
    rows = set(out.itertuples(index=False, name=None))
    assert ("r", "赵小明", "person", 1, "speaker") in rows
