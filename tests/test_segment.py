"""Segmentation: user dictionary keeps domain terms and names whole, stopword decisions, tokens.csv."""

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
    on_disk = corpus["tokens"].astype({"token": str})
    pd.testing.assert_frame_equal(first.astype({"token": str}), on_disk, check_dtype=False)
