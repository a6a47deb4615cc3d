"""Chinese text renders with the packaged CJK font: no tofu in matplotlib or wordcloud."""

import logging
import warnings
from pathlib import Path

import matplotlib
import pandas as pd

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from fontTools.ttLib import TTFont
from wordcloud import WordCloud

from helpers.plots import style, vocabulary

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


def test_matplotlib_draws_with_the_packaged_files_even_beside_a_system_font_of_that_name():
    from matplotlib import font_manager

    style.use_style()
    used = [Path(f) for f in font_manager.fontManager._find_fonts_by_props(font_manager.FontProperties())]
    assert used == list(style.font_chain())


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


# --- Characters beyond the basic block: fallback font, then one warning listing what no font draws ----------
# Expected before running: 𠮷 (U+20BB7) is in Noto Sans CJK SC; 𠀤 (U+20024) only in the fallback Source Han
# Mono SC; 𪚥 (U+2A6A5) in no packaged font, so it alone is listed.
DRAWN_BY_FALLBACK = "𠀤"
NO_FONT = "𪚥"


def test_fallback_font_draws_what_the_main_font_lacks(caplog):
    main = TTFont(style.cjk_font_path(), fontNumber=0).getBestCmap()
    assert ord(DRAWN_BY_FALLBACK) not in main  # the case is real: Noto Sans CJK SC has no glyph for it
    style.use_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title(f"王{DRAWN_BY_FALLBACK}发言")
        fig.canvas.draw()
        plt.close(fig)
    assert not _glyph_problems([str(w.message) for w in caught])
    assert style.undrawable([f"王𠮷{DRAWN_BY_FALLBACK}"]) == []


def test_saving_a_figure_lists_the_characters_no_font_draws(tmp_path):
    style.use_style()
    fig, ax = plt.subplots()
    ax.set_title(f"{NO_FONT}达科技党支部书记王𠮷")
    ax.bar([f"{NO_FONT}达", "王𠮷"], [2, 1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        style.save_figure(fig, "99_rare", "A test figure.", folder=tmp_path)
    plt.close(fig)
    messages = [str(w.message) for w in caught]
    listed = [m for w, m in zip(caught, messages, strict=True) if w.category is style.MissingGlyphsWarning]
    assert len(listed) == 1 and "figure 99_rare" in listed[0]
    assert f"{NO_FONT} (U+2A6A5)" in listed[0] and "𠮷" not in listed[0] and "1 character" in listed[0]
    assert not _glyph_problems(messages)  # matplotlib's warning per glyph is replaced by the one line
    assert (tmp_path / "99_rare.png").is_file()


def test_word_cloud_lists_the_characters_its_font_lacks():
    group_freq = pd.DataFrame(
        {
            "group": ["Anhui", "Anhui", "Fujian", "Fujian"],
            "term": [f"{NO_FONT}达科技", "党建", f"王{DRAWN_BY_FALLBACK}", "企业"],
            "count": [5, 3, 4, 2],
        }
    )
    keyness = pd.DataFrame({"group": ["Anhui"], "term": ["党建"], "log_odds_z": [2.0]})
    colors = style.group_colors(["Anhui", "Fujian"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plt.close(vocabulary.comparison_clouds(group_freq, keyness, ("Anhui", "Fujian"), colors))
    listed = sorted(str(w.message) for w in caught if w.category is style.MissingGlyphsWarning)
    assert len(listed) == 2
    assert listed[0].startswith("word cloud of Anhui") and NO_FONT in listed[0]
    assert (
        listed[1].startswith("word cloud of Fujian") and DRAWN_BY_FALLBACK in listed[1]
    )  # one font per cloud
