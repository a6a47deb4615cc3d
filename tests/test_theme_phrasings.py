"""The codebook's rules on sentences composed for this test, not taken from the reports.

Each sentence phrases a research theme in words the seed reports do not use, or shares a theme's words without
its meaning (数字 counting members, 融合 of administrative zones, 队伍 of a rescue team). The expected
label of every sentence was written from the theme's definition before the rules were run on it
(``tests/cases/theme_phrasings.csv``: ``theme``, ``expected``, ``text``, ``why``, ``known_miss``: 1 for a
sentence the rules are known to code wrongly, kept to show what they cannot yet do)."""

from pathlib import Path

import pandas as pd
import pytest

from helpers.codebook import REQUIRED_THEMES, load_codebook
from helpers.config import CODEBOOK

CASES = pd.read_csv(Path(__file__).parent / "cases" / "theme_phrasings.csv")
THEMES = {t.id: t for t in load_codebook(CODEBOOK)}


def test_every_research_theme_has_positive_and_look_alike_sentences():
    counts = CASES.groupby(["theme", "expected"]).size()
    for theme in REQUIRED_THEMES:
        assert counts[(theme, 1)] >= 10 and counts[(theme, 0)] >= 8, theme
    assert not CASES.duplicated(["theme", "text"]).any()


def _case(row) -> pytest.param:
    """A known miss is expected to fail (strictly: once the rules code it, the test fails and the row is
    updated)."""
    marks = [pytest.mark.xfail(strict=True, reason="known miss")] if row.known_miss else []
    return pytest.param(
        row.theme, row.expected, row.text, marks=marks, id=f"{row.theme}-{row.expected}-{row.why}"
    )


@pytest.mark.parametrize(("theme", "expected", "text"), [_case(r) for r in CASES.itertuples()])
def test_the_rules_code_composed_phrasings_as_the_definition_does(theme, expected, text):
    terms = THEMES[theme].matched_terms(text)
    assert bool(terms) == bool(expected), terms


def test_known_misses_are_few():
    assert CASES.known_miss.sum() <= 0.05 * len(CASES)
