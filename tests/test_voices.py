"""Quoted and reported speech on the real texts, against a list of attributed quotes made by reading them.

The expectations below were written from reading data/raw/*.txt and sentences.csv, before the extractor ran.
Each entry: (report, first sentence_id of the speech, speaker, direct?). Unattributed direct quotes (the three
questions the Zhejiang participants ask themselves) have speaker "".
"""

import pandas as pd
import pytest

from helpers import voices

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"

HAND = [
    # Zhejiang: direct quotes (speaker in a following sentence, or earlier in the same paragraph)
    (ZJ, 6, "陈琳婷", True),  # “此次研讨班……” — 11月11日，……陈琳婷强调要…
    (ZJ, 9, "李棠", True),  # “吴教授的讲解……” 超人科技股份有限公司党支部书记李棠说。
    (ZJ, 11, "胡仲", True),  # two sentences, … 千喜集团有限公司党支部书记胡仲也深有感触。
    (ZJ, 25, "", True),  # the three questions (unattributed)
    (ZJ, 26, "", True),
    (ZJ, 27, "", True),
    (ZJ, 32, "李棠", True),
    (ZJ, 34, "胡仲", True),
    (ZJ, 37, "孔祥斌", True),
    (ZJ, 40, "王芳", True),  # three sentences
    (ZJ, 46, "陈琳婷", True),
    # Zhejiang: reported speech after the attribution verb
    (ZJ, 7, "陈琳婷", False),  # 陈琳婷强调要以此次培训为契机…
    (ZJ, 33, "李棠", False),
    (ZJ, 36, "胡仲", False),
    (ZJ, 39, "孔祥斌", False),
    (ZJ, 48, "陈琳婷", False),
    # Jiangsu
    (JS, 7, "孙晓华", False),  # 孙晓华表示，开展党建活动就是要…
    (JS, 10, "戴晓恋", True),
    (JS, 11, "戴晓恋", False),
    (JS, 13, "钟宁", False),
    (JS, 17, "江汉", True),  # 江汉说，“核心技术上……” (speaker before the quote)
    (JS, 20, "余加军", False),
    (JS, 24, "李云", False),
    (JS, 25, "陈楠", True),
    (JS, 26, "陈楠", False),
    (JS, 27, "张立群", True),
]

# Orgs/roles that a reader gets from the text, including from an earlier mention of the same person.
PROFILES = {
    (ZJ, "李棠"): ("超人科技股份有限公司", "党支部书记", "enterprise"),
    (ZJ, "陈琳婷"): ("开发区", "党工委委员、组织员", "official"),
    (ZJ, "王芳"): ("浙江神洲模具有限公司", "党支部书记", "enterprise"),
    (JS, "陈楠"): ("张家港市委组织部", "副部长、市委党建办主任", "official"),
    (JS, "张立群"): ("国务院发展研究中心宏观经济研究部", "研究员", "expert"),
    (JS, "余加军"): ("永卓控股", "党委副书记、副总裁", "enterprise"),
    (JS, "李云"): ("张家港保税区组织人事局", "副局长、保税区非公党工委书记、总工会主席", "official"),
}


@pytest.fixture(scope="module")
def quotes(corpus):
    return corpus["quotes"]


# Booleans may come back from CSV as "True"/"False" text (helpers.build.read_table); compare as text.
def _found(quotes: pd.DataFrame) -> set[tuple]:
    first = quotes["sentence_ids"].astype(str).str.split("|").str[0].astype(int)
    return set(zip(quotes.report_id, first, quotes.speaker, quotes.direct.astype(str) == "True", strict=True))


def test_speaker_recall_and_precision(quotes):
    hand, found = set(HAND), _found(quotes)
    attributed_hand = {h for h in hand if h[2]}
    attributed_found = {f for f in found if f[2]}
    recall = len(attributed_hand & attributed_found) / len(attributed_hand)
    precision = len(attributed_hand & attributed_found) / len(attributed_found)
    assert recall >= 0.95, sorted(attributed_hand - attributed_found)
    assert precision >= 0.95, sorted(attributed_found - attributed_hand)
    assert found == hand, (sorted(hand - found), sorted(found - hand))


def test_short_quoted_terms_are_not_speech(quotes):
    texts = set(quotes.text)
    for term in (
        "双亮",
        "党建+信用",
        "老板电器",
        "10分钟党群超市圈",
        "加快构建新发展格局，着力推动高质量发展",
    ):
        assert term not in texts


def test_multi_sentence_quote_keeps_all_sentences(quotes):
    row = quotes[(quotes.report_id == ZJ) & (quotes.speaker == "王芳")].iloc[0]
    assert row.sentence_ids == "40|41|42"
    assert row.text.startswith("这次学习行程很满") and row.text.endswith("这种模式很值得学习借鉴。")
    assert row.speech_verb == "说"


def test_profiles_from_attribution_or_earlier_mention(quotes):
    for (report, speaker), (org, role, kind) in PROFILES.items():
        rows = quotes[(quotes.report_id == report) & (quotes.speaker == speaker)]
        assert set(rows.organisation) == {org}, speaker
        assert set(rows.role) == {role}, speaker
        assert {voices.speaker_type(r.speaker, r.role, r.organisation) for r in rows.itertuples()} == {kind}


def test_themes_come_from_sentence_themes(corpus, quotes):
    coded = corpus["sentence_themes"]
    row = quotes[(quotes.report_id == JS) & (quotes.speaker == "张立群")].iloc[0]
    expected = coded[(coded.report_id == JS) & (coded.sentence_id == 27)].theme
    assert row.themes.split("|") == list(expected)
    assert "talent" in row.themes.split("|")  # 人才的培养 … 人才队伍


def test_unattributed_type_and_missing_themes_table(corpus):
    frames = {k: corpus[k] for k in ("reports", "blocks", "sentences")}
    out = voices.voices_stage(frames, {})["quotes"]
    assert (out.themes == "").all()
    assert voices.speaker_type("", "", "") == "unattributed"
