"""Golden tests on the two real reports: every expectation below was derived by reading data/raw/ by eye.

Zhejiang (OCR'd newspaper, simplified): lead paragraph (raw 148-153), three sections of 6, 7 and 6 paragraphs;
section 3's body is printed first (raw 1-141), its heading near the end (375), three captions on one line
(377).
Jiangsu (web page, traditional, half-width punctuation): 3 + 5 + 5 + 5 paragraphs, two captions printed twice,
site furniture around the article.
"""

import hashlib
import re

import opencc
import pytest

from helpers.audit import AuditLog
from helpers.build import build
from helpers.config import CODEBOOK, DATA_DIR, MANIFEST, RAW_DIR
from helpers.corpus import read_report
from helpers.manifest import read_manifest
from helpers.normalize import convert_script, normalize_text, to_simplified
from helpers.outputs import current

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
# sha256 of the seed files the project was started from (data/raw must stay byte-identical to them).
SEED_SHA256 = {
    f"{JS}.txt": "e305a804f542835089432341204983d0f2aa7796b83112693b23390a55c36a98",
    f"{ZJ}.txt": "547949d1595a9350e926ae393a54230dc2ddc440215b3647586d3a7657e4bdb5",
}

EXPECTED = {
    ZJ: {
        "report": {
            "title": "开发区赴杭学习考察两新党建工作",
            "subtitle": "拓视野 启思路 促提升",
            "authors": "郑旭华",
            "published": "",  # the OCR shows no masthead or date
        },
        "headings": ["借鉴先进 筑基提能强本领", "观摩学习 实地取经拓视野", "启迪思路 学思并进助提升"],
        # raw line span of each body paragraph, in repaired reading order (section 3's body moved last)
        "body_spans": [
            "148-153",
            *["157-175", "177-185", "187-213", "215-235", "237-245", "247-259"],
            *["263-275", "277-301", "303-315", "317-331", "333-343", "345-365", "367-373"],
            *["1-19", "21-49", "51-73", "75-97", "99-115", "117-141"],
        ],
        "body_sections": [0] + [1] * 6 + [2] * 7 + [3] * 6,
        "sentences_per_paragraph": [2, 3, 1, 2, 1, 2, 3, 1, 2, 1, 2, 1, 2, 1, 6, 4, 3, 3, 4, 5],
        "first_sentence": "11月11日至13日，经济开发区开设2024年两新党组织书记能力提升专题研讨班。",
        "last_sentence": "陈琳婷说，下一步，开发区将持续开展两新党组织党员的教育培训，"
        "结合实际情况，拓宽教育培训新路径，打造两新党组织教育学习新格局，"
        "充分发挥两新党组织党建引领作用，为园区经济发展贡献力量。",
        "captions": [
            ("参观数字党建体验馆", "377"),
            ("参观老板电器智能物流仓储中心", "377"),
            ("开班仪式", "377"),
        ],
        # whole words and phrases that the OCR broke across lines (显/著, 老板/电器, 老/板电器 …)
        "in_body": [
            "但是成效还不是很显著。”胡仲说",
            "特别是老板电器在廉洁工作方面",
            "有条不紊忙生产——老板电器的智能生产景象",
            "杭州老板电器股份有限公司（以下简称“老板电器”）、青山湖（科技城）党群服务中心，带着",
            "“新时代下党建工作有什么新思路？”……大家在学习中思考",
            "只有AGV小车按路线有序行驶",
            "发挥5G、云计算、AI等技术",
            "采用‘理论学习+现场观摩’相结合",
        ],
    },
    JS: {
        "report": {
            "title": "江苏苏州：互融互促 推动党建与业务同频共振",
            "subtitle": "",
            "authors": "肖聪聪|道日娜",
            "published": "2023-07-30T12:25",
            "source": "人民网-中国共产党新闻网",
        },
        "headings": [
            "释放“红色生产力” 打造党建与业务融合发展新模式",
            "发挥引领优势 党建创新驱动科技创新",
            "激发“红色引擎” 打造党员队伍建设",
        ],
        "body_spans": [
            str(n) for n in (10, 12, 14, 22, 24, 26, 28, 30, 38, 40, 42, 44, 46, 50, 52, 54, 56, 58)
        ],
        "body_sections": [0] * 3 + [1] * 5 + [2] * 5 + [3] * 5,
        "sentences_per_paragraph": [1, 2, 1, 1, 2, 1, 2, 2, 1, 3, 2, 2, 1, 2, 1, 1, 2, 2],
        "first_sentence": "党的二十大报告将推进高水平对外开放作为"
        "“加快构建新发展格局，着力推动高质量发展”的重要内容。",
        "last_sentence": "国务院发展研究中心宏观经济研究部研究员张立群表示。",
        # two photos, each captioned twice (the second time 人民网记者); merged into the first copy
        "captions": [
            ("苏州工业园区机关党群服务中心。人民网道日娜摄", "16,18"),
            ("康美包党建信用文化长廊。索朗旺堆摄", "32,34"),
        ],
        "in_body": [
            "承担着重大而光荣的历史使命",
            "着力推动高质量发展",
            "占全区党组织总数的53%。",
            "马氏体耐热焊丝钢SA335 P91热轧盘条",
            "陶氏化学（张家港基地）党委书记孙晓华表示，",
            "康美包（苏州）有限公司",
            "江汉说，“核心技术上，",
        ],
        # raw line → kind of the page furniture
        "furniture": {1: "boilerplate", 2: "boilerplate", 60: "editor", 61: "boilerplate", 62: "boilerplate"},
    },
}
REPORT_IDS = list(EXPECTED)

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’…—"
HALF_PUNCT_IN_CJK = re.compile(rf"[{CJK}][,:;?!()]|[,:;?!()][{CJK}]")
SPACE_IN_CJK = re.compile(rf"[{CJK}]\s|\s[{CJK}]")
T2S = opencc.OpenCC("t2s")


def raw_lines(report_id: str) -> list[str]:
    return (RAW_DIR / f"{report_id}.txt").read_text(encoding="utf-8").split("\n")


def parse_spans(spans: str) -> list[int]:
    """``"1-19"`` → 1..19, ``"16,18"`` → [16, 18]."""
    numbers = []
    for part in spans.split(","):
        first, _, last = part.partition("-")
        numbers += range(int(first), int(last or first) + 1)
    return numbers


def rows(corpus, table, report_id, **where):
    df = corpus[table]
    df = df[df["report_id"] == report_id]
    for column, value in where.items():
        df = df[df[column] == value]
    return df


# --- reports, structure, reading order ---------------------------------------------------------------


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_report_metadata(corpus, report_id):
    row = rows(corpus, "reports", report_id).iloc[0]
    for field, value in EXPECTED[report_id]["report"].items():
        assert row[field] == value, field
    assert row["n_paragraphs"] == len(EXPECTED[report_id]["body_spans"])
    assert row["n_sentences"] == sum(EXPECTED[report_id]["sentences_per_paragraph"])


def test_source_without_a_page_line_comes_from_the_manifest(corpus):
    manifest_source = next(r.source for r in read_manifest(MANIFEST) if r.report_id == ZJ)
    assert manifest_source
    assert rows(corpus, "reports", ZJ).iloc[0]["source"] == manifest_source


def test_page_date_and_source_take_precedence_over_the_manifest():
    report = next(r for r in read_manifest(MANIFEST) if r.report_id == JS)
    report = type(report)(**{**report.__dict__, "source": "manifest says X", "published": "2000-01-01"})
    row = read_report(report)["reports"].iloc[0]
    assert (row["source"], row["published"]) == ("人民网-中国共产党新闻网", "2023-07-30T12:25")


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_headings_in_order(corpus, report_id):
    headings = rows(corpus, "blocks", report_id, kind="heading")
    assert list(headings["text"]) == EXPECTED[report_id]["headings"]
    assert list(headings["section"]) == [1, 2, 3]


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_body_paragraphs_their_raw_lines_and_sections(corpus, report_id):
    body = rows(corpus, "blocks", report_id, kind="body")
    assert list(body["raw_lines"]) == EXPECTED[report_id]["body_spans"]
    assert list(body["section"]) == EXPECTED[report_id]["body_sections"]


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_every_nonempty_raw_line_is_in_exactly_one_block(corpus, report_id):
    """…except a line of run-together photo captions, which each caption split from it cites."""
    lines = raw_lines(report_id)
    nonempty = {n for n, line in enumerate(lines, start=1) if line.strip()}
    blocks = rows(corpus, "blocks", report_id)
    covered = [
        (n, kind) for s, kind in zip(blocks["raw_lines"], blocks["kind"], strict=True) for n in parse_spans(s)
    ]
    shared = {n for n, _ in covered if [m for m, _ in covered].count(n) > 1}
    split = set(rows(corpus, "normalization_log", report_id, step="caption_split")["before"])
    assert {lines[n - 1].strip() for n in shared} <= split, "a raw line is in two blocks"
    assert all(kind == "caption" for n, kind in covered if n in shared)
    covered = {n for n, _ in covered}
    assert nonempty <= covered, f"raw lines in no block: {sorted(nonempty - covered)}"
    extra = covered - nonempty
    assert all(1 <= n <= len(lines) and not lines[n - 1].strip() for n in extra), "spans beyond blank lines"


def test_zhejiang_front_matter_first_then_section_3_after_its_heading(corpus):
    blocks = rows(corpus, "blocks", ZJ)
    front = blocks.iloc[:3]
    assert sorted(front["kind"][:2]) == ["subtitle", "title"] and front["kind"].iloc[2] == "byline"
    assert list(front["raw_lines"]) == ["145", "147", "143"]  # kicker above the title, as printed
    assert front["text"].iloc[2] == "融媒记者 郑旭华"
    assert blocks["block_id"].tolist() == list(range(len(blocks)))
    kinds = blocks["kind"].tolist()
    heading3 = blocks.index[blocks["text"] == "启迪思路 学思并进助提升"][0]
    after = blocks.loc[heading3:]
    assert after["kind"].tolist() == ["heading"] + ["body"] * 6 + ["caption"] * 3
    assert after["text"].iloc[1].startswith("且行且看，且思且问。")  # raw line 1, printed before the title
    assert kinds.count("body") == 20


def test_jiangsu_blocks_keep_page_order_and_label_furniture(corpus):
    blocks = rows(corpus, "blocks", JS)
    starts = [parse_spans(s)[0] for s in blocks["raw_lines"]]
    assert starts == sorted(starts)
    by_line = dict(zip(starts, blocks["kind"], strict=True))
    for line, kind in EXPECTED[JS]["furniture"].items():
        assert by_line[line] == kind, line
    assert by_line[4] == "title" and by_line[6] == "byline" and by_line[8] == "meta"
    qr = blocks[blocks["text"].str.contains("扫一扫")]
    assert list(qr["kind"]) == ["boilerplate"] and list(qr["raw_lines"]) == ["63,65"]


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_captions(corpus, report_id):
    captions = rows(corpus, "blocks", report_id, kind="caption")
    got = [
        (re.sub(r"\s", "", t), spans)
        for t, spans in zip(captions["text"], captions["raw_lines"], strict=True)
    ]
    assert got == EXPECTED[report_id]["captions"]
    if report_id == ZJ:
        assert set(captions["section"]) == {3}
        assert captions.index[0] == rows(corpus, "blocks", ZJ, kind="body").index[-1] + 1


def test_jiangsu_repeated_captions_are_logged_as_duplicates(corpus):
    log = rows(corpus, "normalization_log", JS, step="drop_duplicate")
    dropped = sorted(log["before"])
    assert len(dropped) == 3  # two captions and the repeated QR-code prompt
    assert any("人民网记者" in d and d.endswith("道日娜摄") for d in dropped)
    assert any(d.startswith("康美包党建信用文化长廊") for d in dropped)
    assert any("扫一扫" in d for d in dropped)


# --- sentences ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_sentences_per_paragraph_and_first_last(corpus, report_id):
    sentences = rows(corpus, "sentences", report_id)
    body = rows(corpus, "blocks", report_id, kind="body")
    counts = sentences.groupby("block_id").size().reindex(body["block_id"], fill_value=0)
    assert counts.tolist() == EXPECTED[report_id]["sentences_per_paragraph"]
    assert sentences["sentence_id"].tolist() == list(range(len(sentences)))
    assert sentences["text"].iloc[0] == EXPECTED[report_id]["first_sentence"]
    assert sentences["text"].iloc[-1] == EXPECTED[report_id]["last_sentence"]
    # sentences are exactly the body paragraphs, cut up, in their sections
    joined = sentences.groupby("block_id")["text"].apply("".join)
    assert joined.tolist() == body["text"].tolist()
    assert (
        sentences.merge(body, on="block_id")["section_x"] == sentences.merge(body, on="block_id")["section_y"]
    ).all()


def test_special_sentences_in_the_real_texts(corpus):
    zj = rows(corpus, "sentences", ZJ)["text"].tolist()
    i = zj.index("“新时代下党建工作有什么新思路？”……")  # the stray …… stays with the question
    assert zj[i + 1] == "大家在学习中思考，在思考中学习，心里越来越亮堂。"
    js = rows(corpus, "sentences", JS)["text"].tolist()
    assert (  # the paragraph that lacks its final 。 is one sentence
        "高科技园区在科技自立自强中承担着重大而光荣的历史使命，作为改革开放的试验田，"
        "苏州工业园区始终根植推进开放创新，走高质量发展之路"
    ) in js


def test_no_furniture_caption_or_byline_text_in_sentences(corpus):
    sentences = corpus["sentences"]
    text = "\n".join(sentences["text"])
    for furniture in (
        "责编",
        "扫一扫",
        "相关专题",
        "党建要参",
        "分享",
        "来源",
        "道日娜摄",
        "索朗旺堆摄",
        "郑旭华",
    ):
        assert furniture not in text, furniture
    captions = set(corpus["blocks"].query("kind == 'caption'")["text"])
    assert not captions & set(sentences["text"])
    kinds = corpus["blocks"].set_index(["report_id", "block_id"])["kind"]
    assert set(kinds.loc[list(zip(sentences["report_id"], sentences["block_id"], strict=True))]) == {"body"}


# --- normalization -----------------------------------------------------------------------------------


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_words_broken_across_lines_or_converted_come_out_whole(corpus, report_id):
    body = "".join(rows(corpus, "blocks", report_id, kind="body")["text"])
    for phrase in EXPECTED[report_id]["in_body"]:
        assert phrase in body, phrase


def test_opencc_phrase_conversion_unit():
    cases = {"承擔著重大": "承担着重大", "著力推動": "着力推动", "成效還不是很顯著": "成效还不是很显著"}
    for traditional, simplified in cases.items():
        assert to_simplified(traditional) == simplified
    # plain t2s gets 著 wrong: the test above fails if someone switches the config back to t2s
    assert [T2S.convert(t) for t in cases] != list(cases.values())
    log = AuditLog()
    assert convert_script(["承擔著重大", "著力推動"], log) == ["承担着重大", "着力推动"]
    frame = log.frame("x").set_index(["step", "before", "after"])["count"]
    assert frame[("script", "著", "着")] == 2 and frame[("script", "擔", "担")] == 1


def test_script_in_the_real_output(corpus):
    js = "".join(rows(corpus, "blocks", JS, kind="body")["text"])
    assert "承担着重大" in js and "着力推动" in js
    assert "承担著" not in js and "著力" not in js
    zj = "".join(rows(corpus, "blocks", ZJ, kind="body")["text"])
    assert "很显著" in zj and "显着" not in zj  # simplified text is not sent through tw2s (显著 → 显着)


def test_no_traditional_characters_left(corpus):
    raw_js = (RAW_DIR / f"{JS}.txt").read_text(encoding="utf-8")
    assert T2S.convert(raw_js) != raw_js  # guard: the check below can see traditional text
    texts = [*corpus["blocks"]["text"], *corpus["sentences"]["text"]]
    texts += [v for c in ("title", "subtitle", "authors", "source") for v in corpus["reports"][c]]
    left = [t for t in texts if T2S.convert(t) != t]
    assert not left


def test_half_width_punctuation_inside_chinese_becomes_full_width(corpus):
    raw = "".join((RAW_DIR / f"{r}.txt").read_text(encoding="utf-8") for r in REPORT_IDS)
    assert HALF_PUNCT_IN_CJK.search(raw)  # guard: the raw texts have it
    bad = [t for t in corpus["blocks"]["text"] if HALF_PUNCT_IN_CJK.search(t)]
    assert not bad
    meta = rows(corpus, "blocks", JS, kind="meta")["text"].iloc[0]
    assert "30日12:25" in meta and "来源：人民网" in meta  # a time keeps its ASCII colon
    log = rows(corpus, "normalization_log", JS, step="punctuation").set_index("before")["count"]
    assert log[","] == raw_js_count(",")  # every comma on the Jiangsu page is between Chinese words
    assert rows(corpus, "normalization_log", ZJ, step="punctuation")[
        ["before", "after", "count"]
    ].values.tolist() == [[",", "，", 1]]


def raw_js_count(char: str) -> int:
    return (RAW_DIR / f"{JS}.txt").read_text(encoding="utf-8").count(char)


def test_normalize_text_unit():
    log = AuditLog()
    text = "苏州(张家港):好,很好;是吗?是!占53%,其中SA335 P91 (AB, CD) 12:25 互融互促 推动⋯⋯"
    expected = "苏州（张家港）：好，很好；是吗？是！占53%，其中SA335 P91 (AB, CD) 12:25互融互促推动……"
    assert normalize_text(text, "body", log) == expected  # Latin, digits, times and % keep ASCII
    assert normalize_text("互融互促 推动", "heading", log) == "互融互促 推动"
    assert {step for step, _, _ in log.counts} == {"punctuation", "whitespace", "ellipsis"}


@pytest.mark.parametrize("report_id", REPORT_IDS)
def test_no_spaces_inside_chinese_body_text(corpus, report_id):
    body = rows(corpus, "blocks", report_id, kind="body")["text"]
    assert not [t for t in body if SPACE_IN_CJK.search(t) or t != t.strip()]
    if report_id == ZJ:
        assert not any(re.search(r"\s", t) for t in body)


def test_normalization_log_has_every_repair(corpus):
    log = corpus["normalization_log"]
    totals = log.groupby("step")["count"].sum()
    for step in (
        "script",
        "punctuation",
        "line_join",
        "reorder",
        "caption_split",
        "drop_duplicate",
        "ellipsis",
    ):
        assert totals.get(step, 0) > 0, step
    zj = rows(corpus, "normalization_log", ZJ)
    assert zj.query("step == 'ellipsis'")[["before", "after"]].values.tolist() == [["⋯⋯", "……"]]
    assert zj.query("step == 'reorder'")["count"].tolist() == [6]
    assert zj.query("step == 'caption_split'")["count"].tolist() == [3]
    assert len(zj.query("step == 'line_join'")) == 20  # every Zhejiang paragraph spans several OCR lines


# --- raw data and determinism --------------------------------------------------------------------------


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_raw_files_unchanged_after_build(processed_dir):
    assert (processed_dir / "blocks.csv").is_file()
    assert {name: sha256(RAW_DIR / name) for name in SEED_SHA256} == SEED_SHA256


def test_data_readme_records_the_raw_hashes():
    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    recorded = dict(re.findall(r"raw/(\S+?\.txt)\W+([0-9a-f]{64})", readme))
    assert recorded == {name: sha256(RAW_DIR / name) for name in SEED_SHA256}


def test_two_builds_are_byte_identical(processed_dir, tmp_path, hash_files):
    again = tmp_path / "processed"
    build(MANIFEST, again, CODEBOOK, force=True)
    first = {k: v for k, v in hash_files(processed_dir).items() if k.endswith((".csv", ".parquet"))}
    second = {k: v for k, v in hash_files(current(again)).items() if k.endswith((".csv", ".parquet"))}
    assert {
        "reports.csv",
        "blocks.csv",
        "sentences.parquet",
        "tokens.parquet",
        "normalization_log.csv",
    } <= set(first)
    assert second == first
