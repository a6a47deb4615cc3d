"""``format`` and ``script`` left empty or ``auto``: detected from the file, the reason recorded in
``reports.csv``; a value in the manifest always wins.

Besides the fixtures of the other reader tests and the two seeds, seven pages were composed
for these tests: a county portal's page copied as text (breadcrumb after 当前位置, date/source
line, font-size bar, print/close links, QR-code prompt: a template the seed's outlet does
not use), a news agency's page copied as text (breadcrumb with single >, 【字体】 bar, 【纠错】
button, 【责任编辑：…】 line, related news list), a page with a date-time line in
slashes and a bare editor line, a traditional-script page with a byline carrying its dateline
(記者王小明／台北報導) below the date, a traditional-script plain text, a simplified
plain text whose 著 (显著, 著名) must not make it look traditional, and a page copied with only
its date/source line (too little furniture for ``web_page``: read as plain text, the line is
metadata, not the title). Every expectation below was written down before detection was run
on them.
"""

import re
from pathlib import Path

import pytest
from test_readers_bad_input import HEADER
from test_readers_formats import EXPECTED_HTML, HTML, PLAIN, pdf_dir  # noqa: F401 (pdf_dir: a fixture)
from test_readers_ocr import EXPECTED, FIXTURES, check_report, read_fixture

from helpers.config import RAW_DIR
from helpers.manifest import read_manifest
from helpers.readers import FORMATS
from helpers.readers.detect import detect_script

WEB = Path(__file__).parent / "fixtures" / "web"
NOTHING_SEEN = "no PDF, HTML, news-page or OCR-column signature"

DETECTED = {  # (fixture folder, name, suffix) → (format, reason starts with, script)
    **{(FIXTURES, name, ".txt"): ("ocr_newspaper", "OCR column", "simplified") for name in EXPECTED},
    (PLAIN, "paragraphs", ".txt"): ("plain_text", NOTHING_SEEN, "simplified"),
    (PLAIN, "lines", ".txt"): ("plain_text", NOTHING_SEEN, "simplified"),
    (PLAIN, "traditional", ".txt"): ("plain_text", NOTHING_SEEN, "traditional"),
    (PLAIN, "simplified_zhu", ".txt"): ("plain_text", NOTHING_SEEN, "simplified"),
    (PLAIN, "date_source", ".txt"): ("plain_text", NOTHING_SEEN, "simplified"),
    (HTML, "gov_portal", ".html"): ("html", "extension .html", "simplified"),
    (HTML, "modern_big5", ".html"): ("html", "extension .html", "traditional"),
    (WEB, "county_portal", ".txt"): (
        "web_page",
        "copied news page: breadcrumb, share bar, date/source line, QR-code prompt",
        "simplified",
    ),
    (WEB, "news_agency", ".txt"): (
        "web_page",
        "copied news page: breadcrumb, share bar, date/source line, editor line, related links",
        "simplified",
    ),
    (WEB, "slash_date", ".txt"): (
        "web_page",
        "copied news page: breadcrumb, share bar, date/source line",
        "simplified",
    ),
    (WEB, "traditional_dateline", ".txt"): (
        "web_page",
        "copied news page: breadcrumb, share bar, date/source line",
        "traditional",
    ),
    (RAW_DIR, "jiangsu_suzhou_2023", ".txt"): ("web_page", "copied news page: breadcrumb", "traditional"),
    (RAW_DIR, "zhejiang_yongkang_2024", ".txt"): ("ocr_newspaper", "OCR column", "simplified"),
}


@pytest.mark.parametrize("value", ["", "auto"])
@pytest.mark.parametrize("where", list(DETECTED), ids=lambda w: w[1])
def test_format_and_script_detected(tmp_path, where, value):
    report = read_fixture(tmp_path, where[1], value, where[0], where[2], script=value)["reports"].iloc[0]
    fmt, reason, script = DETECTED[where]
    assert (report["format"], report["script"]) == (fmt, script)
    assert report["format_reason"].startswith(reason)
    assert report["script_reason"].startswith("OpenCC t2s changes")


EXPECTED_DETECTED = {  # the composed pages, read by the detected reader
    (WEB, "county_portal"): {
        "title": "社区“两新”党建联盟签约成立",
        "published": "2024-06-18T10:05",
        "source": "县委社会工作部",
        "authors": "",
        "headings": ["共建共享"],
        "captions": [],
        "paragraphs": 5,
        "first": "6月17日，城西社区“两新”党建联盟签约仪式举行，"
        "辖区12家非公企业和5家社会组织的党组织负责人参加。",
        "last": "下一步，社区将持续完善联盟运行机制，推动党建资源向企业和群众身边延伸。",
        "lines_dropped": 5,
    },
    (WEB, "news_agency"): {
        "title": "非公企业党建指导员制度全面推行",
        "published": "2024-03-21T16:42",
        "source": "新华网",
        "authors": "",
        "headings": [],
        "captions": [],
        "paragraphs": 4,
        "first": "记者从有关部门获悉，全国已有超过20万名党建指导员进驻非公企业，帮助企业建立健全党组织。",
        "last": "记者了解到，下一步有关部门将加强党建指导员培训，完善考核激励机制。",
        "editor": ["【责任编辑：王磊】"],
        "lines_dropped": 6,
    },
    (WEB, "slash_date"): {
        "title": "快递企业党支部开展“服务零距离”活动",
        "published": "2024-05-06T14:30",
        "authors": "",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "5月5日，一家快递企业的党支部组织党员快递员走进社区，开展“服务零距离”活动。",
        "last": "企业党支部书记表示，将把此类活动常态化开展。",
        "editor": ["编辑：刘洋"],
        "lines_dropped": 2,
    },
    (WEB, "traditional_dateline"): {
        "title": "社区志工队成立 青年党员带头服务",
        "published": "2024-05-06T14:30",
        "authors": "王小明",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "社区志工队日前正式成立，首批招募志工三十余人，其中青年党员十二人。",
        "last": "“能为邻里做点事，很有意义。”一位志工说。",
        "lines_dropped": 3,
    },
    (PLAIN, "traditional"): {
        "title": "青年创业园成立联合党支部",
        "authors": "",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "近日，科技园区青年创业园联合党支部正式成立，首批23名党员转入组织关系。",
        "last": "“有了党支部，我们这些小微企业也有了主心骨。”一位创业者说。",
        "lines_dropped": 0,
    },
    (PLAIN, "date_source"): {
        "title": "园区党群服务中心开放“夜间课堂”",
        "subtitle": "",
        "published": "2024-09-02T08:30",
        "source": "开发区融媒体中心",
        "authors": "",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "近日，开发区党群服务中心推出“夜间课堂”，"
        "为园区青年职工提供政策解读、职业技能和心理健康等课程。",
        "last": "“下班后能在家门口充电，很实用。”一位参加课程的职工说。",
        "lines_dropped": 0,
    },
    (PLAIN, "simplified_zhu"): {
        "title": "物业服务企业党建成效显著",
        "authors": "",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "近年来，街道着力推进物业服务企业党建工作，著名的“红色物业”品牌效应显著。",
        "last": "居民代表说，小区面貌发生了显著变化，大家看在眼里、记在心上。",
        "lines_dropped": 0,
    },
}


@pytest.mark.parametrize("where", list(EXPECTED_DETECTED), ids=lambda w: w[1])
def test_composed_pages_read_by_the_detected_reader(tmp_path, where):
    tables = read_fixture(tmp_path, where[1], "auto", where[0], ".txt", script="")
    expected = EXPECTED_DETECTED[where]
    check_report(tables, expected)
    report = tables["reports"].iloc[0]
    assert report["lines_dropped"] == expected["lines_dropped"]
    assert report["source"] == expected.get("source", "")


def test_content_decides_over_a_misleading_extension(tmp_path, pdf_dir):  # noqa: F811
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "page.txt").write_bytes((HTML / "gov_portal.html").read_bytes())
    (tmp_path / "src" / "scan.dat").write_bytes((pdf_dir / "report.pdf").read_bytes())
    page = read_fixture(tmp_path, "page", "", tmp_path / "src", ".txt")["reports"].iloc[0]
    assert (page["format"], page["format_reason"]) == ("html", "HTML tag <html>")
    assert page["title"] == EXPECTED_HTML["gov_portal"]["title"]
    scan = read_fixture(tmp_path, "scan", "auto", tmp_path / "src", ".dat")["reports"].iloc[0]
    assert (scan["format"], scan["format_reason"]) == ("pdf", "PDF magic bytes %PDF-")


def test_a_manifest_value_always_wins(tmp_path):
    tables = read_fixture(tmp_path, "ordinary", "plain_text", FIXTURES, script="traditional")
    report = tables["reports"].iloc[0]
    assert (report["format"], report["format_reason"]) == ("plain_text", "manifest")
    assert (report["script"], report["script_reason"]) == ("traditional", "manifest")


def test_the_readme_has_a_valid_example_row_for_every_format_and_for_detection(tmp_path):
    """The README's section on adding reports: each example row is accepted by the manifest reader, one per
    format, plus one leaving format and script to detection."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"`([^`\s,]+(?:,(?! )[^`\n,]*){8})`", readme)  # not the header `report_id, file, …`
    (tmp_path / "manifest.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    reports = read_manifest(tmp_path / "manifest.csv")
    assert sorted(r.format for r in reports) == sorted([*FORMATS, ""])
    assert [r.script for r in reports if not r.format] == [""]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("乾隆年间建成的古镇，如今成立了商会党委。", "simplified"),  # 乾 is 干 only outside 乾隆/乾坤
        ("乾坤朗朗，著名企业家带头成立党支部。", "simplified"),
        ("古鎮成立了商會黨委。", "traditional"),
    ],
)
def test_script_from_phrase_aware_conversion(text, script):
    assert detect_script(text)[0] == script


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("记者 王小明 北京报道", "王小明"),  # the place before 报道 is not an author
        ("記者王小明／台北報導", "王小明"),
        ("本报记者 周琳 通讯员 李华", "周琳|李华"),
        ("记者 张三报道", "张三"),  # no place: the name stays
        ("（记者 张三 报道）", "张三"),
        ("本报通讯员 李华 王芳", "李华|王芳"),  # any role word may follow 本报, 特约 …
    ],
)
def test_bylines_with_a_dateline_place(tmp_path, byline, authors):
    page = f"楼宇党建工作观察\n{byline}\n近日，楼宇党委召开工作会议。\n会议部署了下一步工作。\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "page.txt").write_text(page, encoding="utf-8")
    report = read_fixture(tmp_path, "page", "", tmp_path / "src", script="")["reports"].iloc[0]
    assert (report["title"], report["authors"]) == ("楼宇党建工作观察", authors)


@pytest.mark.parametrize(
    ("lead", "authors"),
    [
        ("本报讯（记者 王小明 通讯员 李四）近日，楼宇党委召开工作会议。", "王小明|李四"),
        ("新华社北京5月6日电（记者王小明、张三）近日，楼宇党委召开工作会议。", "王小明|张三"),
        ("本報訊（記者王小明／台北報導）近日，樓宇黨委召開工作會議。", "王小明"),
        ("近日（5月6日），记者走访了楼宇党委，看到会议正在召开。", ""),  # no 讯/电 lead: not a byline
        ("本报讯（楼宇党委供稿）近日，楼宇党委召开工作会议。", ""),  # no role word: not a person
        ("本报讯（作者 陈晓）近日，楼宇党委召开工作会议。", "陈晓"),  # the bylines' role words
    ],
)
def test_a_byline_in_the_lead_of_the_first_paragraph_gives_the_authors(tmp_path, lead, authors):
    page = f"楼宇党建工作观察\n{lead}\n会议部署了下一步工作。\n"
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "page.txt").write_text(page, encoding="utf-8")
    report = read_fixture(tmp_path, "page", "", tmp_path / "src", script="")["reports"].iloc[0]
    assert report["authors"] == authors
