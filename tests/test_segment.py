"""Segmentation: user dictionary keeps domain terms and names whole, stopword decisions, tokens.csv."""

import json
import tempfile
from pathlib import Path

import jieba
import pandas as pd
import pytest

from helpers import load_corpus, segment
from helpers.config import PROJ_ROOT, USER_DICT
from helpers.errors import InputError

# Terms the issue names, which plain jieba splits (数字/党建, 同频/共振, 老板/电器, 道/日娜).
SPLIT_WITHOUT_DICT = ["数字党建", "同频共振", "老板电器", "道日娜"]
NAMED_TERMS = [
    *SPLIT_WITHOUT_DICT,
    "两新党建",
    "党建引领",
    "非公企业",
    "党群服务中心",
    "互融互促",
    "红色引擎",
    "红色生产力",
    "战斗堡垒",
    "未来工厂",
    "肖聪聪",
    "张立群",
]


@pytest.fixture(scope="module")
def corpus(processed_dir):
    return load_corpus(processed_dir)


@pytest.fixture(scope="module")
def block_texts(corpus):
    """Every block of both reports (titles, bylines and captions too: names appear there)."""
    return corpus["blocks"]["text"].tolist()


def _containing(texts, term):
    hits = [t for t in texts if term in t]
    assert hits, f"{term} does not occur in the corpus"
    return hits


@pytest.mark.parametrize("term", NAMED_TERMS)
def test_named_terms_come_out_whole(block_texts, term):
    """Every occurrence is a token of its own, or inside a longer user-dictionary entry (长江两新党建学院)."""
    entries = {w for w, _, _ in segment.read_user_dict()}
    for text in _containing(block_texts, term):
        tokens = segment.tokenizer().lcut(text)
        whole = sum(t.count(term) for t in tokens if t == term or t in entries)
        assert whole == text.count(term), text


@pytest.mark.parametrize("term", SPLIT_WITHOUT_DICT)
def test_plain_jieba_splits_them(block_texts, term):
    plain = jieba.Tokenizer()
    plain.tmp_dir = tempfile.gettempdir()
    assert all(term not in plain.lcut(text) for text in _containing(block_texts, term))


def test_every_user_dict_entry_is_used_whole_in_the_corpus(block_texts):
    tokens = {w for text in block_texts for w in segment.tokenizer().lcut(text)}
    missing = [w for w, _, _ in segment.read_user_dict() if w not in tokens]
    assert not missing


def test_user_dict_tags_reach_pos_tokens():
    pairs = dict(segment.pos_tokens("肖聪聪和道日娜走进老板电器，推动党建与业务同频共振。"))
    assert pairs["肖聪聪"] == pairs["道日娜"] == "nr"
    assert pairs["老板电器"] == "nt"
    assert pairs["同频共振"] == "l"


def test_pos_tokens_and_tokens_table_segment_alike(corpus):
    text = corpus["sentences"]["text"].iloc[0]
    assert [w for w, _ in segment.pos_tokens(text)] == [w for w, _, _ in segment.tokenize(text)]


def test_malformed_user_dict_line_is_an_input_error(tmp_path):
    bad = tmp_path / "userdict.txt"
    bad.write_text("# comment\n数字党建 2000 nz\n同频共振 nz\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 3"):
        segment.read_user_dict(bad)


def test_comment_lines_are_not_words():
    words = [w for w, _, _ in segment.read_user_dict(USER_DICT)]
    assert not any(w.startswith("#") for w in words) and len(words) == len(set(words))


def test_jieba_cache_stays_out_of_the_repository():
    tok = segment.tokenizer()
    assert Path(tok.tmp_dir) == Path(tempfile.gettempdir())
    assert not list(PROJ_ROOT.glob("**/jieba*.cache"))


def test_meaningful_single_characters_are_content():
    stop = segment.stopwords()
    assert not {"党", "企", "强", "新"} & stop
    flags = {w: s for w, _, s in segment.tokenize("党的二十大报告强调，党建强、发展强。")}
    assert flags["党"] is False and flags["强"] is False


def test_punctuation_numbers_and_stopwords_are_not_content():
    text = "截至2022年底，园区共有党组织2481个，占全区党组织总数的53%。"
    flags = {w: s for w, _, s in segment.tokenize(text)}
    assert flags["，"] and flags["2022"] and flags["2481"] and flags["53%"] and flags["的"]
    assert segment.tokenize("十五") == [("十五", "m", True)]
    assert not flags["党组织"] and not flags["园区"]
    assert segment.content_tokens("李云表示，发挥5G技术作用") == ["李云", "发挥", "5G", "技术", "作用"]


def test_domain_stopwords_apply():
    assert {"表示", "有限公司", "近年来"} <= segment.stopwords()


def test_tokens_csv_columns_and_consistency(corpus):
    tokens, sentences = corpus["tokens"], corpus["sentences"]
    assert list(tokens.columns) == ["report_id", "sentence_id", "token_id", "token", "pos", "is_stopword"]
    for _, group in tokens.groupby("report_id"):
        assert group["token_id"].tolist() == list(range(len(group)))
    joined = tokens.astype({"token": str}).groupby(["report_id", "sentence_id"])["token"].agg("".join)
    expected = sentences.set_index(["report_id", "sentence_id"])["text"].str.replace(r"\s", "", regex=True)
    pd.testing.assert_series_equal(joined.sort_index(), expected.sort_index(), check_names=False)


def test_tokens_table_is_deterministic(corpus):
    first = segment.tokens_table(corpus["sentences"])
    second = segment.tokens_table(corpus["sentences"])
    pd.testing.assert_frame_equal(first, second)
    as_text = {"report_id": str, "token": str, "pos": str}  # load_corpus reads them as categoricals
    pd.testing.assert_frame_equal(first.astype(as_text), corpus["tokens"].astype(as_text), check_dtype=False)


# Composed Chinese text (not from the seeds): domain terms, names jieba's HMM must find, numbers, quotes,
# traditional characters and mixed punctuation.
ENGINE_FIXTURES = [
    "在两新党建工作中，某县非公企业党委书记王晓明表示：“要让党建引领发展，做到同频共振。”",
    "截至去年年底，全市共建成党群服务中心312个，覆盖率达到97.5%，比上年提高了十二个百分点。",
    "社會組織黨建工作座談會在會議中心舉行，與會代表圍繞「紅色引擎」交流經驗。",
    "数字党建平台上线后，企业员工可以通过手机学习，未来工厂里的党员先锋岗成为一道风景线。",
    "他说，5G技术和人工智能正在改变生产方式；老板电器、道日娜等名称应当整体切分。",
]


@pytest.fixture(scope="module")
def engine_texts(block_texts):
    return [*block_texts, *ENGINE_FIXTURES]


def _cut_with(engine, texts):
    segment.use(engine)
    try:
        return [segment.cut(t) for t in texts]
    finally:
        segment.use(segment.DEFAULT_ENGINE)


def test_both_engines_give_the_same_tokens_on_chinese_text(engine_texts):
    assert _cut_with("rjieba", engine_texts) == _cut_with("jieba", engine_texts)


# Characters the two engines would treat differently without care: a user-dictionary entry written with
# punctuation (jieba-rs cuts at the dot), unknown names in Extension A/B/G and compatibility ideographs
# (jieba-rs's HMM finds words only in U+4E00–U+9FD5; the project's jieba takes every CJK ideograph).
DOTTED_ENTRY = "社区·红帆驿 2000 nz"
WIDE_FIXTURES = [
    "街道推出社区·红帆驿服务点，党员轮流值守。",
    "社区·红帆驿和党员·先锋岗都设在一楼。",  # one entry and one unknown dotted name
    "党支部书记㐱㐲说，要把支部建在产业链上。",  # unknown Extension A name
    "技术员𠀾𠁀和𰀀𰀁一起加班。",  # unknown Extension B and G names
    "嚴格執行豈﨎制度。",  # compatibility ideographs
    "罗伯特·清水在会上发言。",  # a dotted foreign name the dictionary does not have
]


def test_both_engines_give_the_same_tokens_with_dotted_entries_and_rare_characters(tmp_path):
    user_dict = tmp_path / "userdict.txt"
    user_dict.write_text(USER_DICT.read_text(encoding="utf-8") + DOTTED_ENTRY + "\n", encoding="utf-8")
    segment.use_dictionaries(user_dict)
    try:
        rust, pure = _cut_with("rjieba", WIDE_FIXTURES), _cut_with("jieba", WIDE_FIXTURES)
    finally:
        segment.use_dictionaries()
    assert "社区·红帆驿" in rust[0] and "社区·红帆驿" in rust[1]
    assert rust == pure


def test_engines_differ_only_on_hyphenated_ascii_runs():
    """The documented difference: jieba-rs keeps letters/digits joined by hyphens whole."""
    text = "会议于2024-11-11召开，编号ABC-123。"
    rust, pure = _cut_with("rjieba", [text])[0], _cut_with("jieba", [text])[0]
    assert "2024-11-11" in rust and "ABC-123" in rust
    assert pure[pure.index("2024") : pure.index("2024") + 5] == ["2024", "-", "11", "-", "11"]


def test_tokens_table_is_the_same_with_either_engine(corpus):
    segment.use("jieba")
    try:
        pure = segment.tokens_table(corpus["sentences"])
    finally:
        segment.use(segment.DEFAULT_ENGINE)
    pd.testing.assert_frame_equal(segment.tokens_table(corpus["sentences"]), pure)


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown segmenter"):
        segment.use("thulac")


def test_build_records_its_segmenter(processed_dir):
    assert json.loads((processed_dir / "build.json").read_text())["segmenter"] == "rjieba"
