"""OCR newspaper pages in layouts other than the seed's, composed for these tests (tests/fixtures/ocr/).

Every expectation below was written down from the page text before the reader was run on it. The pages:
ordinary order (title → subtitle → lead → numbered headings → byline and editor at the end); the seed's
scrambled order (a section's body printed before the byline and title, its heading orphaned at the end,
run-together captions); no subtitle with the byline under the title; a caption between paragraphs and one
printed inside a paragraph; a kicker line above the headline with bracketed headings; a paragraph running
from a narrow column into a wider one, under a dated page header.
"""

import pytest

from helpers.corpus import read_report
from helpers.manifest import read_manifest

FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures" / "ocr"

EXPECTED = {
    "ordinary": {
        "title": "高新区“红色链条”串起百余家企业党组织",
        "subtitle": "——两新组织党建工作观察",
        "authors": "王晓东|刘敏",
        "headings": ["一、织密组织网络", "二、建强骨干队伍"],
        "captions": [],
        "paragraphs": 6,
        "first": "本报讯今年以来，高新区把非公企业和社会组织党建作为基层党建的重点，"
        "推动党的组织和工作有效覆盖，以高质量党建引领园区高质量发展。",
        "last": "下一步，高新区将继续探索党建工作与企业生产经营深度融合的有效路径，"
        "让党建真正成为企业发展的“红色引擎”。",
        "editor": ["责任编辑：陈洁"],
        "sections_reordered": 0,
    },
    "scrambled": {
        "title": "社会组织党建工作交流会在城东召开",
        "subtitle": "聚合力 强服务 促发展",
        "authors": "钱立群",
        "headings": ["凝聚共识 党建引领明方向", "创新方法 服务发展见实效"],
        "captions": ["交流会现场", "参观社区党群服务站"],
        "paragraphs": 5,
        "first": "3月12日，城东区社会组织党建工作交流会召开，全区40余家社会组织的党组织书记和党建指导员"
        "参加会议，交流经验、查找不足、谋划思路。",
        "last": "“以前总觉得党建是额外的负担，现在明白了党建做实"
        "了就是生产力。”一家行业协会的党支部书记感慨地说。",
        "body_sections": [0, 1, 1, 2, 2],
        "editor": [],
        "sections_reordered": 1,
    },
    "no_subtitle": {
        "title": "街道党工委走进楼宇企业听取意见",
        "subtitle": "",
        "authors": "孙立新",
        "headings": [],
        "captions": [],
        "paragraphs": 4,
        "first": "连日来，城南街道党工委班子成员分头走进辖区商务"
        "楼宇，与楼宇内的企业负责人和党员职工面对面交流。",
        "last": "街道党工委书记表示，将把收集到的意见建议逐条梳"
        "理，列入楼宇党建年度工作清单，做到件件有回音。",
        "second": "“企业党组织能为职工做些什么？”“楼宇党群服务中"
        "心还能增加哪些服务？”……座谈中，大家畅所欲言。",
        "editor": [],
        "sections_reordered": 0,
    },
    "caption_middle": {
        "title": "党员先锋岗亮在生产一线",
        "subtitle": "——非公企业党建工作巡礼",
        "authors": "赵敏",
        "headings": [],
        "captions": ["图为企业党员在车间开展技术攻关。记者 赵敏 摄", "▲企业党员在生产一线开展技术攻关"],
        "paragraphs": 4,
        "first": "走进一家智能装备制造企业的车间，一块块“党员先锋岗”的牌子格外醒目。"
        "该企业党委把党员安排在技术攻关最难的岗位上。",
        "last": "下一步，企业党委将继续完善党员积分管理办法，让党员在急难险重任务中亮身份、作表率。",
        "third": "企业党委书记介绍，公司坚持把骨干培养成党员、把"
        "党员培养成骨干，目前管理层中党员占比已超过六成。",
        "editor": [],
        "sections_reordered": 0,
    },
    "kicker": {
        "title": "商会党委搭建平台助力会员企业走出去",
        "subtitle": "党建引领 共建共享",
        "authors": "周鹏|吴静",
        "headings": ["【搭平台】", "【强服务】"],
        "captions": [],
        "paragraphs": 4,
        "first": "近日，市工商联直属商会党委组织20余家会员企业赴外"
        "地考察，对接合作项目11个，意向投资额超过5亿元。",
        "last": "商会党委还设立了法律、金融、人才三个服务小组，为企业提供政策解读和咨询服务。",
        "editor": ["编辑：郑蕾 校对：何平"],
        "sections_reordered": 0,
    },
    "two_columns": {
        "title": "民营企业“双强”工程推进有力",
        "subtitle": "——全市非公企业党建工作综述",
        "authors": "",
        "published": "2025-03-08",  # from the dated page header
        "headings": ["三个机制 让党建有抓手"],
        "captions": [],
        "paragraphs": 5,
        "first": "今年以来，全市以“党建强、发展强”为目标，在规模以上民营企业中全面推行“双强”工程，"
        "党组织覆盖率和工作覆盖率稳步提升。",
        "last": "“星级评定让我们知道差距在哪里。”一家纺织企业的"
        "党支部书记说，今年企业党支部的目标是晋升为五星级。",
        "third": "在装备制造企业集中的片区，组织部门推动龙头企业党组织与配套企业党组织结对，"
        "共享党建阵地和培训资源，带动配套企业规范党建工作。",
        "editor": ["本版编辑：许静"],
        "sections_reordered": 0,
    },
}


def read_fixture(
    tmp_path, name: str, fmt: str = "ocr_newspaper", folder=FIXTURES, suffix=".txt", script="simplified"
):
    """One fixture through the manifest and the real report pipeline (reader + normalization)."""
    manifest = tmp_path / "manifest.csv"
    (tmp_path / f"{name}{suffix}").write_bytes((folder / f"{name}{suffix}").read_bytes())
    manifest.write_text(
        "report_id,file,region,region_zh,format,script,source,published,url\n"
        f"{name},{name}{suffix},Somewhere,某地,{fmt},{script},,,\n",
        encoding="utf-8",
    )
    return read_report(read_manifest(manifest)[0])


def check_report(tables, expected: dict) -> None:
    """The expectations every fixture shares: front matter, headings, captions, paragraphs."""
    report = tables["reports"].iloc[0]
    blocks = tables["blocks"]
    body = blocks[blocks["kind"] == "body"]["text"].tolist()
    for field in ("title", "subtitle", "authors", "published"):
        if field in expected:
            assert report[field] == expected[field], field
    assert blocks[blocks["kind"] == "heading"]["text"].tolist() == expected["headings"]
    assert blocks[blocks["kind"] == "caption"]["text"].tolist() == expected["captions"]
    assert (len(body), body[0], body[-1]) == (expected["paragraphs"], expected["first"], expected["last"])
    assert report["n_paragraphs"] == expected["paragraphs"]
    for key, index in (("second", 1), ("third", 2)):
        if key in expected:
            assert body[index] == expected[key], key
    if "body_sections" in expected:
        assert blocks[blocks["kind"] == "body"]["section"].tolist() == expected["body_sections"]
    if "editor" in expected:
        assert blocks[blocks["kind"] == "editor"]["text"].tolist() == expected["editor"]


@pytest.mark.parametrize("name", list(EXPECTED))
def test_ocr_layouts(tmp_path, name):
    tables = read_fixture(tmp_path, name)
    check_report(tables, EXPECTED[name])
    report = tables["reports"].iloc[0]
    assert report["sections_reordered"] == EXPECTED[name]["sections_reordered"]
    assert report["reader_warnings"] == ""
    # no byline, editor or caption text inside a paragraph
    body = "".join(tables["blocks"].query("kind == 'body'")["text"])
    assert not any(word in body for word in ("责任编辑", "记者", "摄", "▲", "本版编辑"))


def test_page_without_a_title_block_warns(tmp_path):
    page = "两新组织党建工作取得新进展，全区非公企业党组织覆盖率达到九成。\n各级党组织要继续努力。\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "untitled.txt").write_text(page, encoding="utf-8")
    report = read_fixture(tmp_path, "untitled", folder=tmp_path / "src")["reports"].iloc[0]
    assert report["title"] == ""
    assert report["reader_warnings"] == "title not found"
    assert report["n_paragraphs"] == 2


def test_reader_diagnostics_count_what_the_reader_did(tmp_path):
    report = read_fixture(tmp_path, "scrambled")["reports"].iloc[0]
    # 3+3 section-2 lines, 2 lead lines, 3+3 section-1 lines are joined; 2 captions; 2 headings
    assert report["lines_joined"] == 3 + 3 + 2 + 3 + 3
    assert (report["n_headings"], report["n_captions"]) == (2, 2)
    two_columns = read_fixture(tmp_path, "two_columns")["reports"].iloc[0]
    assert two_columns["lines_dropped"] == 0  # the dated page header is kept as meta
