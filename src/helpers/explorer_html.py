"""``build/html/explorer.html``: the interactive term explorer of the HTML report, one self-contained page.

A scattertext-style chart (:func:`helpers.plots.explorer.term_chart`: each term at its rate in the group
picked against the rest, coloured by keyness, tooltip with counts and scores, a search box) and, below it,
the keyword-in-context lines of the term clicked or typed. Offline: Vega, Vega-Lite and vega-embed are
inlined (vl-convert's bundle), and so is the packaged CJK font, cut down to the characters on the page
(at most ``FONT_CHARS``, the most frequent: a rarer character is drawn by the reader's own sans-serif font).

Size is bounded whatever the corpus (``MAX_PAGE_BYTES``, 10 MB, tested at the caps' worst case): the most
frequent tested terms of ``keyness.csv`` — at most ``EXPLORER_TERMS`` of them and at most ``EXPLORER_POINTS``
points (one point per term and group, so a corpus of many groups shows fewer terms) — and ``KWIC_PER_TERM``
lines per term, taken in turn from each group (:meth:`helpers.explore.Explorer.kwic_table`), each
``KWIC_WINDOW`` characters either side. The page says how many terms it shows and why.

Report text is data, never markup: it reaches the page only inside JSON (every ``<`` written as ``\\u003c``,
so no text can end a script element) and is shown as SVG text by Vega or set with ``textContent``.
"""

import base64
import html
import json
from collections import Counter
from pathlib import Path
from string import Template

import pandas as pd

from .explore import KWIC_WINDOW, Explorer

# What it reads of the processed folder (``load_corpus(processed, TABLES)``):
TABLES = {"reports": None, "keyness": None, "tokens": ["report_id", "sentence_id", "token", "is_stopword"]}
EXPLORER_TERMS = 1_000  # the most frequent tested terms of the corpus …
EXPLORER_POINTS = 20_000  # … but no more points (terms × groups) than this
# Glyphs inlined: 3,500 characters, the size of the 1988 List of Frequently Used Characters of Modern Chinese
# (现代汉语常用字表), whose characters cover 99.48 % of text.
FONT_CHARS = 3_500
MAX_PAGE_BYTES = 10_000_000  # what the caps guarantee (tests/test_explorer_html.py builds the worst case)
KWIC_PER_TERM = 8  # KWIC lines per term
POINT_COLUMNS = [
    "group", "term", "count_target", "count_reference", "per_10k_target", "per_10k_reference",
    "log_ratio", "test", "g2", "q_value", "distinctive",
]  # fmt: skip
PAGE = Template(
    (Path(__file__).parent / "templates" / "explorer" / "explorer.html").read_text(encoding="utf-8")
)


def terms_shown(n_groups: int) -> int:
    """How many terms the page shows for ``n_groups`` groups: ``EXPLORER_TERMS``, fewer when
    terms × groups would pass ``EXPLORER_POINTS``."""
    return min(EXPLORER_TERMS, EXPLORER_POINTS // max(1, n_groups))


def term_points(keyness: pd.DataFrame, n_terms: int | None = None) -> pd.DataFrame:
    """The rows of ``keyness.csv`` (one per group and term) for its ``n_terms`` (default
    :func:`terms_shown`) most frequent terms (corpus count, ties by term), with ``per_10k_target`` /
    ``per_10k_reference`` = 10,000 · count / content tokens of the group / of the other groups;
    columns ``POINT_COLUMNS``, sorted by group order then term; no rows when there is a single group
    (nothing to compare, so an empty keyness table)."""
    if keyness.empty:
        return pd.DataFrame(columns=POINT_COLUMNS)
    if n_terms is None:
        n_terms = terms_shown(keyness.group.nunique())
    corpus_count = (keyness.count_target + keyness.count_reference).groupby(keyness.term).max()
    top = corpus_count.reset_index(name="n").sort_values(["n", "term"], ascending=[False, True]).head(n_terms)
    points = keyness[keyness.term.isin(top.term)].assign(
        per_10k_target=lambda d: (10_000 * d.count_target / d.total_target).round(2),
        per_10k_reference=lambda d: (10_000 * d.count_reference / d.total_reference).round(2),
        log_ratio=lambda d: d.log_ratio.round(3),
        g2=lambda d: d.g2.round(2),
        q_value=lambda d: d.q_value.round(4),
    )
    order = {g: i for i, g in enumerate(dict.fromkeys(keyness.group))}
    points = points.sort_values(["group", "term"], key=lambda c: c.map(order) if c.name == "group" else c)
    return points[POINT_COLUMNS].reset_index(drop=True)


def font_characters(text: str, limit: int = FONT_CHARS) -> str:
    """The ``limit`` most frequent characters of ``text`` (ties by code point), in code-point order."""
    counts = sorted(Counter(text).items(), key=lambda item: (-item[1], item[0]))
    return "".join(sorted(char for char, _ in counts[:limit]))


def _json(value) -> str:
    """JSON safe inside an HTML script element: no ``<`` survives, so no text can close the element."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")


def explorer_page(points: pd.DataFrame, kwic: pd.DataFrame, title: str) -> str:
    """The HTML page: chart of ``points`` (:func:`term_points`), KWIC lines of ``kwic``
    (:meth:`Explorer.kwic_table` columns), inline scripts and font."""
    import altair as alt
    import vl_convert

    from .plots.explorer import FONT_FAMILY, term_chart
    from .plots.style import cjk_font_subset

    groups = list(dict.fromkeys(points.group)) or ["(one group: nothing to compare)"]
    lines = {
        term: rows[["group", "report_id", "left", "match", "right"]].values.tolist()
        for term, rows in kwic.groupby("term", sort=True)
    }
    text = "".join([title, *groups, *points.term, *kwic.report_id, *kwic.left, *kwic.right])
    return PAGE.substitute(
        title=html.escape(title),
        font_family=FONT_FAMILY,
        font=base64.b64encode(cjk_font_subset(font_characters(text))).decode("ascii"),
        vega=vl_convert.javascript_bundle(vl_version=alt.SCHEMA_VERSION.rsplit(".", 1)[0]),  # Altair's
        n_terms=f"{points.term.nunique():,}",
        cap_terms=f"{EXPLORER_TERMS:,}",
        cap_points=f"{EXPLORER_POINTS:,}",
        cap_kwic=KWIC_PER_TERM,
        window=KWIC_WINDOW,
        spec=_json(term_chart(points, groups)),
        kwic=_json(lines),
    )


def write_explorer(tables: dict[str, pd.DataFrame], path: Path, title: str) -> Path:
    """Write the explorer page of the processed ``tables`` (``TABLES``) to ``path``, atomically; the groups
    are keyness.csv's (``region`` values)."""
    from .io import write_text

    points = term_points(tables["keyness"])
    kwic = Explorer(tables).kwic_table(sorted(set(points.term)), KWIC_PER_TERM)
    write_text(path, explorer_page(points, kwic, title))
    return path
