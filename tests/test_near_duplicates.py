"""Near-duplicate reports: a republished article is found and counted once; separate reports are not."""

import pandas as pd
import pytest

from helpers import near_duplicates

# Expected, written before running: the republication (one paragraph of four dropped, a source line
# added) has Jaccard above the threshold with the original and joins its cluster; the report on the same
# event written separately shares words but few 5-character runs and stays out.
ORIGINAL = [
    "区委组织部近日召开非公企业党建工作推进会，部署今年重点任务。",
    "会议要求各园区党组织把党建工作融入企业生产经营，推动党建与发展同频共振。",
    "会上，三家企业党组织负责人交流了建立党员先锋岗、开展技能比武的做法。",
    "下一步，全区将选派党建指导员驻企服务，帮助企业解决用工和融资难题。",
]
REPUBLISHED = [*ORIGINAL[:3], "（来源：区融媒体中心）"]
SEPARATE = [
    "非公企业党建推进会召开后，记者走访了园区多家企业。",
    "企业负责人表示，党员先锋岗让生产线上的骨干更有干劲，党建和经营结合得更紧。",
]


def _blocks(reports: dict[str, list[str]]) -> pd.DataFrame:
    rows = [(r, i, "body", t) for r, paras in reports.items() for i, t in enumerate(paras)]
    return pd.DataFrame(rows, columns=["report_id", "block_id", "kind", "text"])


def test_republished_article_is_a_near_duplicate_and_a_separate_report_is_not():
    blocks = _blocks({"a": ORIGINAL, "b": SEPARATE, "c": REPUBLISHED, "d": ORIGINAL})
    table = near_duplicates.near_duplicates(blocks)
    assert list(table.columns) == near_duplicates.COLUMNS
    assert table.report_id.tolist() == ["c", "d"] and table.duplicate_of.tolist() == ["a", "a"]
    assert table.set_index("report_id").jaccard["d"] == 1.0
    assert near_duplicates.THRESHOLD <= table.set_index("report_id").jaccard["c"] < 1.0
    reports = pd.DataFrame({"report_id": list("abcd")})
    assert near_duplicates.representatives(reports, table).report_id.tolist() == ["a", "b"]


def test_threshold_is_the_documented_jaccard():
    x = near_duplicates.shingles(["".join(ORIGINAL), "".join(REPUBLISHED)])
    a, b = (set(x[i].indices) for i in range(2))
    jaccard = len(a & b) / len(a | b)
    blocks = _blocks({"a": ORIGINAL, "c": REPUBLISHED})
    assert len(near_duplicates.near_duplicates(blocks, threshold=jaccard)) == 1
    assert near_duplicates.near_duplicates(blocks, threshold=jaccard + 1e-6).empty


@pytest.mark.parametrize("n", [1, 2])
def test_no_duplicates_gives_an_empty_table(n):
    blocks = _blocks({"a": ORIGINAL, "b": SEPARATE}).query(f"report_id in {list('ab')[:n]}")
    assert near_duplicates.near_duplicates(blocks).empty


def test_shingles_stay_within_a_report():
    """Written before running: 4 characters give no 5-shingle, 6 give 2; the same run of 5 characters has
    the same id in every report; whitespace is removed first."""
    x = near_duplicates.shingles(["甲乙丙丁", "甲乙丙丁戊己", "甲乙 丙丁\n戊"])
    assert x.getnnz(axis=1).tolist() == [0, 2, 1]
    assert set(x[2].indices) < set(x[1].indices)


def test_beyond_exact_reports_sketches_find_the_same_clusters(monkeypatch):
    """The sketch candidates give the all-pairs answer on the fixture, and on 40 republications of one
    article (each with its own first line) among 40 unrelated texts: every republication joins the first,
    through at most 2 candidate checks per report rather than the 780 pairs among the copies."""
    blocks = _blocks({"a": ORIGINAL, "b": SEPARATE, "c": REPUBLISHED, "d": ORIGINAL})
    exact = near_duplicates.near_duplicates(blocks)
    monkeypatch.setattr(near_duplicates, "EXACT_REPORTS", 0)
    pd.testing.assert_frame_equal(near_duplicates.near_duplicates(blocks), exact)
    many = {f"copy{i:02d}": [f"第{i}稿", *ORIGINAL[:3]] for i in range(40)}
    many |= {
        f"other{i:02d}": ["".join(chr(0x4E00 + (i * 977 + j * 31) % 20000) for j in range(80))]
        for i in range(40)
    }
    table = near_duplicates.near_duplicates(_blocks(many))
    assert table.report_id.tolist() == [f"copy{i:02d}" for i in range(1, 40)]
    assert (table.duplicate_of == "copy00").all()
    x = near_duplicates.shingles(["".join(p) for p in many.values()])
    assert len(near_duplicates.sketch_pairs(x)[0]) <= 80
