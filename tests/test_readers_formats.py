"""Saved web pages (html), plain text and PDF, each read through the manifest and the real pipeline.

The HTML pages (tests/fixtures/html/) were composed for these tests in four site templates — a news
portal (GBK, breadcrumb, share bar, photo caption, editor line, related news, footer), a government
portal (UTF-8, table navigation, 【打印】【关闭】 bar, previous/next links, footer), an HTML5 site (Big5,
traditional script, <nav>, share buttons, <aside> further reading, <footer>) and a public-account
(WeChat) article (paragraphs in <section>s, account name and time above, source and editor lines,
tool bar, QR prompt). Every expectation below was written down from the page, not from a reader's output
(the WeChat page was tried once before: its paragraphs were lost, which its expectations now catch).
"""

from pathlib import Path

import pytest
from test_readers_ocr import check_report, read_fixture

HTML = Path(__file__).parent / "fixtures" / "html"

EXPECTED_HTML = {
    "portal_gbk": {
        "script": "simplified",
        "title": "园区党建联盟让小微企业党员有了“家”",
        "authors": "林晓燕",
        "published": "2024-05-20T09:30",  # corrected after the first run: the page's date line has a time
        "headings": ["联合活动解难题", "服务下沉到车间"],
        "captions": ["联盟成员企业党员参加主题党日活动。林晓燕 摄"],
        "paragraphs": 6,
        "first": "走进科技园区党群服务中心，墙上一张“党建联盟地图”标注着园区内86家企业的位置。",
        "last": "截至目前，联盟已覆盖园区所有规模以上企业，吸纳党员412名。",
    },
    "gov_portal": {
        "script": "simplified",
        "title": "社区社会组织党建工作现场推进会召开",
        "authors": "",
        "published": "2024-06-03T15:20",  # corrected after the first run: as above
        "headings": [],
        "captions": [],
        "paragraphs": 4,
        "first": "6月3日，全区社区社会组织党建工作现场推进会召开。"
        "与会人员实地观摩了三个社区的社会组织党建阵地。",
        "last": "会上，两个社区作了交流发言。",
    },
    "modern_big5": {
        "script": "traditional",
        "title": "青年志愿服务队走进园区企业",
        "authors": "陈家豪",
        "published": "2023-09-14",
        "headings": ["需求清单精准对接", "党员带头常态服务"],
        "captions": [],
        "paragraphs": 4,
        "first": "由园区党委组建的青年志愿服务队，日前走进十余家非公企业，为职工提供法律咨询和心理疏导服务。",
        "last": "服务队现有队员56名，其中党员23名，今后将每月固定开展一次服务活动。",
    },
    "wechat_article": {  # a public-account article: paragraphs in <section>s, tool bar and QR prompt after
        "script": "",
        "title": "“红色物业”让小区治理更有温度",
        "authors": "",
        "published": "2024-07-15",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "近年来，街道党工委推动物业服务企业成立党支部，"
        "把物业服务纳入社区治理体系，让居民在家门口感受到党组织的温暖。",
        "last": "下一步，街道将总结推广“红色物业”经验，推动更多物业服务企业建立党组织。",
        "editor": ["编辑：王芳"],
    },
}
NAVIGATION = ("首页", "分享", "相关新闻", "延伸阅读", "版权所有", "上一篇", "备案号", "打印", "责编", "来源")


@pytest.mark.parametrize("name", list(EXPECTED_HTML))
def test_html_templates(tmp_path, name):
    expected = EXPECTED_HTML[name]
    tables = read_fixture(tmp_path, name, "html", HTML, ".html", script=expected["script"])
    check_report(tables, expected)
    body = "".join(tables["blocks"].query("kind == 'body'")["text"])
    assert not [word for word in NAVIGATION if word in body]


# --- PDF, generated here with fpdf2 and the packaged Noto Sans CJK font (embedded with a ToUnicode map) ---

PDF_PARAGRAPHS = [
    "本报讯 今年以来，全市在规模以上非公企业中全面推行党建指导员制度，从机关、街道和国有企业选派党建指导员，"
    "帮助企业建立健全党组织。",
    "一、选派到位",
    "各区按照“一企一员”的要求，为尚未建立党组织的企业逐一配备党建指导员，明确指导员每月到企业不少于两次。",
    "党建指导员上岗前都要参加集中培训，学习党章党规和非公企业党建工作的基本要求，熟悉企业生产经营情况。",
    "二、服务到位",
    "指导员既抓党建，也帮企业解决实际困难。截至目前，指导员已协助企业解决用工、融资、政策咨询等问题三百余个。",
    "市委组织部有关负责人表示，下一步将把指导员工作成效纳入年度考核，推动非公企业党建工作提质增效。",
]
EXPECTED_PDF = {
    "title": "非公企业党建指导员制度全面推开",
    "authors": "",
    "headings": ["一、选派到位", "二、服务到位"],
    "captions": [],
    "paragraphs": 5,
    "first": "本报讯今年以来，全市在规模以上非公企业中全面推行党建指导员制度，"
    "从机关、街道和国有企业选派党建指导员，帮助企业建立健全党组织。",
    "last": "市委组织部有关负责人表示，下一步将把指导员工作成效纳入年度考核，推动非公企业党建工作提质增效。",
}


def make_pdf(path: Path, paragraphs=PDF_PARAGRAPHS, encrypt: bool = False, text: bool = True) -> Path:
    """A small A6 newspaper-style PDF: a recurring header, page numbers in the footer, a title, numbered
    headings and indented paragraphs (one runs over a page break)."""
    import mplfonts
    from fpdf import FPDF

    class Page(FPDF):
        def header(self):
            if not text:  # a scan: a picture of a page, no text at all
                return
            self.set_font("noto", size=7)
            self.cell(0, 5, "城东日报 2025年3月8日 第3版", align="C")
            self.ln(8)

        def footer(self):
            if not text:
                return
            self.set_y(-10)
            self.set_font("noto", size=7)
            self.cell(0, 5, f"- {self.page_no()} -", align="C")

    pdf = Page(format=(105, 148))  # A6, mm
    pdf.add_font("noto", fname=str(Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"))
    pdf.set_auto_page_break(True, margin=14)
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    if text:
        pdf.set_font("noto", size=12)
        pdf.multi_cell(0, 7, EXPECTED_PDF["title"], align="C")
        pdf.ln(3)
        for paragraph in paragraphs:
            heading = len(paragraph) < 10
            pdf.set_font("noto", size=9 if heading else 8)
            text = paragraph.replace(" ", "\u00a0")  # fpdf2 wraps at spaces; a typesetter would not here
            pdf.multi_cell(0, 5, text if heading else "\u3000\u3000" + text)
            pdf.ln(3)
    else:
        pdf.rect(10, 20, 80, 100, style="F")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pdf")
    make_pdf(folder / "report.pdf")
    return folder


def test_pdf_with_a_text_layer(tmp_path, pdf_dir):
    tables = read_fixture(tmp_path, "report", "pdf", pdf_dir, ".pdf")
    check_report(tables, EXPECTED_PDF)
    boilerplate = tables["blocks"].query("kind == 'boilerplate'")["text"].tolist()
    assert sorted(boilerplate) == ["- 1 -", "- 2 -", "城东日报 2025年3月8日 第3版"]  # the repeat merged
    assert tables["reports"].iloc[0]["lines_dropped"] == 4
    body = "".join(tables["blocks"].query("kind == 'body'")["text"])
    assert "城东日报" not in body and "- 2 -" not in body


# --- plain text (tests/fixtures/plain/): blank-line paragraphs with a hard-wrapped one; one per line ---

PLAIN = Path(__file__).parent / "fixtures" / "plain"
EXPECTED_PLAIN = {
    "paragraphs": {
        "title": "新就业群体党建工作座谈会召开",
        "authors": "",
        "headings": ["关爱服务"],
        "captions": [],
        "paragraphs": 4,
        "first": "近日，区委社会工作部召开新就业群体党建工作座谈会，"
        "快递、外卖、网约车等行业的企业负责人和骑手代表参加。",
        "second": "座谈会上，大家围绕如何发挥党组织作用、如何维护新就业群体权益等问题展开讨论。",
        "last": "下一步，区委社会工作部将继续推动行业党建与基层治理相结合。",
    },
    "lines": {
        "title": "楼宇党建让白领有了“红色家园”",
        "authors": "周琳",
        "headings": [],
        "captions": [],
        "paragraphs": 3,
        "first": "在中心城区的一幢商务楼里，楼宇党委把闲置的会议室改造成了党群服务站。",
        "last": "服务站每周开放六天，由楼内企业的党员轮流值班。",
    },
}


@pytest.mark.parametrize("name", list(EXPECTED_PLAIN))
def test_plain_text(tmp_path, name):
    check_report(read_fixture(tmp_path, name, "plain_text", PLAIN), EXPECTED_PLAIN[name])
