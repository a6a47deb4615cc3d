"""Per-report overrides (``overrides.yml`` beside the manifest): title, text to drop, paragraphs to merge;
applied after normalization, each recorded in the normalization log; one that changes nothing is a reader
warning; a faulty file is one clear error. Expectations written before running."""

import importlib

import pandas as pd
import pytest
from test_readers_formats import PLAIN
from test_readers_ocr import check_report, read_fixture

from helpers.build import build
from helpers.errors import InputError
from helpers.outputs import current

build_module = importlib.import_module("helpers.build")  # `helpers.build` the attribute is the function

OVERRIDES = """\
paragraphs:
  title: 新就业群体党建座谈会
  drop:
    - 关爱服务       # a heading that is no heading: the whole block
    - 、充电         # text inside a paragraph
  merge:
    - 座谈会上，大家  # this paragraph continues the one before it
"""
EXPECTED = {
    "title": "新就业群体党建座谈会",
    "headings": [],
    "captions": [],
    "paragraphs": 3,
    "first": "近日，区委社会工作部召开新就业群体党建工作座谈会，"
    "快递、外卖、网约车等行业的企业负责人和骑手代表参加。"
    "座谈会上，大家围绕如何发挥党组织作用、如何维护新就业群体权益等问题展开讨论。",
    "second": "区里已建成“暖心驿站”36个，为骑手提供休息、饮水等服务。",
    "last": "下一步，区委社会工作部将继续推动行业党建与基层治理相结合。",
}


def test_overrides_are_applied_and_logged(tmp_path):
    (tmp_path / "overrides.yml").write_text(OVERRIDES, encoding="utf-8")
    tables = read_fixture(tmp_path, "paragraphs", "plain_text", PLAIN)
    check_report(tables, EXPECTED)
    assert tables["reports"].iloc[0]["reader_warnings"] == ""
    log = tables["normalization_log"]
    overrides = log[log.step == "override"]
    assert overrides.after.tolist() == [
        "新就业群体党建座谈会",
        "boilerplate",
        EXPECTED["second"],
        EXPECTED["first"],
    ]
    assert overrides.before.iloc[0] == "新就业群体党建工作座谈会召开"


def test_an_override_that_finds_nothing_is_a_warning(tmp_path):
    (tmp_path / "overrides.yml").write_text("paragraphs:\n  drop: [没有这句话]\n  merge: [也没有]\n", "utf-8")
    report = read_fixture(tmp_path, "paragraphs", "plain_text", PLAIN)["reports"].iloc[0]
    assert (
        report["reader_warnings"]
        == "override not applied: drop 没有这句话; override not applied: merge 也没有"
    )
    assert report["n_paragraphs"] == 4


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("elsewhere:\n  title: 标题\n", r"report_id 'elsewhere' is not in the manifest"),
        ("paragraphs:\n  heading: 标题\n", r"paragraphs: unknown key 'heading'.*Fix: use title, drop, merge"),
        ("paragraphs:\n  drop: 关爱服务\n", r"`drop` must be a list of texts"),
        ("paragraphs:\n  title: [a\n", r"not valid YAML at line \d+"),
    ],
)
def test_a_faulty_overrides_file_is_one_clear_error(tmp_path, text, problem):
    (tmp_path / "overrides.yml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=problem) as err:
        read_fixture(tmp_path, "paragraphs", "plain_text", PLAIN)
    assert err.value.path == str(tmp_path / "overrides.yml")


def test_editing_the_overrides_rebuilds(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module, "stages", list)
    read_fixture(tmp_path, "paragraphs", "plain_text", PLAIN)  # writes the manifest and the report
    manifest, out = tmp_path / "manifest.csv", tmp_path / "processed"
    assert build(manifest, out) and not build(manifest, out)
    (tmp_path / "overrides.yml").write_text("paragraphs:\n  title: 座谈会\n", encoding="utf-8")
    assert build(manifest, out)
    assert pd.read_csv(current(out) / "reports.csv").title.tolist() == ["座谈会"]
