"""Chinese text renders with the packaged CJK font: no tofu in matplotlib or wordcloud."""

import logging
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from fontTools.ttLib import TTFont
from wordcloud import WordCloud

from helpers.plots import style

SAMPLE = "两新党建 数字化 同频共振 “红色引擎” 人才培养 53%"


def _render_warnings(caplog) -> list[str]:
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title(SAMPLE)
        ax.text(0.1, 0.5, "党建引领 · 战斗堡垒 · 老板电器")
        fig.canvas.draw()
        plt.close(fig)
    return [str(w.message) for w in caught] + [r.getMessage() for r in caplog.records]


def _glyph_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if "missing from font" in m or "Glyph" in m]


def test_font_comes_from_the_mplfonts_package():
    assert "mplfonts" in style.cjk_font_path().parts
    assert "CJK" in style.cjk_font_name()


def test_matplotlib_renders_chinese_without_glyph_warnings(caplog):
    style.use_style()
    assert not _glyph_problems(_render_warnings(caplog))


def test_the_check_catches_tofu_without_the_cjk_font(caplog):
    """Guard for the test above: with a Latin-only font the same text must warn."""
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "font.sans-serif": ["DejaVu Sans"]}):
        assert _glyph_problems(_render_warnings(caplog))


def test_wordcloud_font_covers_every_character():
    words = {"两新党建": 5, "数字化": 4, "同频共振": 3, "战斗堡垒": 2, "老板电器": 1}
    cloud = WordCloud(font_path=str(style.cjk_font_path()), width=400, height=200, random_state=1)
    image = cloud.generate_from_frequencies(words).to_array()
    assert image.std() > 0
    cmap = TTFont(style.cjk_font_path(), fontNumber=0).getBestCmap()
    missing = {c for w in words for c in w if ord(c) not in cmap}
    assert not missing
