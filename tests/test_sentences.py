"""Sentence splitting rules (helpers.sentences.split_sentences), on short texts shaped like the reports'."""

import pytest

from helpers.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("且行且看，且思且问。学为重，行为要。", ["且行且看，且思且问。", "学为重，行为要。"]),
        ("这是问题吗？当然！好。", ["这是问题吗？", "当然！", "好。"]),
        # …… ends a sentence; a following 。 and closing quote stay with it (……。” keeps its ”)
        ("他说：“还有很多……。”大家笑了。", ["他说：“还有很多……。”", "大家笑了。"]),
        ("等等……下一句。", ["等等……", "下一句。"]),
        # closing quotes and brackets stay with the sentence they close
        ("“激发党建工作生命力。”戴晓恋表示。", ["“激发党建工作生命力。”", "戴晓恋表示。"]),
        ("（见附件。）下文。", ["（见附件。）", "下文。"]),
        ("设置‘三抓三重’制度。’他说。", ["设置‘三抓三重’制度。’", "他说。"]),
    ],
)
def test_sentence_ends_at_terminal_punctuation_with_closers(text, expected):
    assert split_sentences(text) == expected


def test_stray_ellipsis_after_a_quoted_question_joins_that_question():
    text = "“怎样去更好激活党建队伍力量？”“新时代下党建工作有什么新思路？”……大家在学习中思考。"
    assert split_sentences(text) == [
        "“怎样去更好激活党建队伍力量？”",
        "“新时代下党建工作有什么新思路？”……",
        "大家在学习中思考。",
    ]


def test_text_without_terminal_punctuation_is_still_a_sentence():
    assert split_sentences("苏州工业园区始终根植推进开放创新，走高质量发展之路") == [
        "苏州工业园区始终根植推进开放创新，走高质量发展之路"
    ]
    assert split_sentences("前一句。后面没有句号") == ["前一句。", "后面没有句号"]


def test_numbers_and_latin_do_not_end_sentences():
    text = "占全区党组织总数的53%。马氏体耐热焊丝钢SA335 P91热轧盘条等5G、AI技术。"
    assert split_sentences(text) == [
        "占全区党组织总数的53%。",
        "马氏体耐热焊丝钢SA335 P91热轧盘条等5G、AI技术。",
    ]


def test_empty_and_whitespace_give_no_sentences():
    assert split_sentences("") == []
    assert split_sentences("  ") == []


def test_sentences_reassemble_the_paragraph():
    text = "“学习下来收获很多。我们公司已经连续6年。”胡仲说，回去后将仔细梳理。这种模式？很值得……"
    assert "".join(split_sentences(text)) == text
