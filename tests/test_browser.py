"""The HTML report in a real browser: headless Debian Chromium opens every page from file:// with no network.

Screenshots go to build/screenshots/ (look at them after a change to the HTML).
"""

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from helpers.config import BUILD_DIR
from helpers.explore import KWIC_WINDOW
from helpers.explorer_html import KWIC_PER_TERM, explorer_page, term_points
from helpers.run_notebooks import numbered_notebooks

pytestmark = pytest.mark.slow
SCREENSHOTS = BUILD_DIR / "screenshots"
# The first text node holding two different Han characters: the rectangles of those two characters.
CJK_RECTS = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent, chars = [];
    for (let i = 0; i < text.length && chars.length < 2; i++) {
      if (/[\\u4e00-\\u9fff]/.test(text[i]) && !chars.some((c) => text[c] === text[i])) chars.push(i);
    }
    if (chars.length < 2 || !node.parentElement.checkVisibility()) continue;
    node.parentElement.scrollIntoView();
    return chars.map((i) => {
      const range = document.createRange();
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const r = range.getBoundingClientRect();
      return {x: r.x, y: r.y, width: r.width, height: r.height, char: text[i]};
    });
  }
  return null;
}"""

BROKEN_IMAGES = "() => [...document.images].filter((i) => !(i.complete && i.naturalWidth)).map((i) => i.src)"


def open_offline(browser, path: Path):
    """Open ``path`` from file:// in a fresh page; any request that leaves the machine is refused and
    counted. Returns the page and the list of problems (console errors, page errors, failed requests)."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url}"))
    page.route(lambda url: not url.startswith(("file:", "data:", "blob:")), lambda route: route.abort())
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.wait_for_timeout(300)  # let module scripts (itables) run
    return page, problems


def glyph(page, rect) -> np.ndarray:
    png = page.screenshot(clip={k: rect[k] for k in ("x", "y", "width", "height")})
    return np.asarray(Image.open(io.BytesIO(png)).convert("L"), dtype=float)


def check_page(browser, path: Path, name: str, act=None):
    """Open ``path`` offline, do ``act(page)`` if given, screenshot it; then no errors or failed requests,
    every image loaded, Chinese characters drawn as glyphs."""
    page, problems = open_offline(browser, path)
    if act:
        act(page)
    broken = page.evaluate(BROKEN_IMAGES)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
    rects = page.evaluate(CJK_RECTS)
    assert not problems, f"{path.name}: {problems[:5]}"
    assert not broken, f"{path.name}: images not loaded: {broken[:5]}"
    assert rects, f"{path.name}: no Chinese text found"
    first, second = (glyph(page, r) for r in rects)
    assert first.var() > 0 and second.var() > 0, f"{path.name}: Chinese characters render blank"
    h, w = min(first.shape[0], second.shape[0]), min(first.shape[1], second.shape[1])
    # Missing-glyph boxes (tofu) look the same for every character; glyphs of different characters differ.
    assert not np.array_equal(first[:h, :w], second[:h, :w]), (
        f"{path.name}: {rects} render as identical boxes"
    )
    page.close()


def test_index_opens_offline(browser, outputs):
    index = outputs.html / "index.html"
    check_page(browser, index, "index")
    page, _ = open_offline(browser, index)
    links = page.eval_on_selector_all("a[href$='.html']", "els => els.map((a) => a.getAttribute('href'))")
    assert {f"{nb.stem}.html" for nb in numbered_notebooks()} | {"explorer.html"} <= set(links)
    page.close()


@pytest.mark.parametrize("source", numbered_notebooks(), ids=lambda p: p.stem)
def test_notebook_html_opens_offline(browser, outputs, source):
    check_page(browser, outputs.html / f"{source.stem}.html", source.stem)


def column_values(page, table, column: int) -> list[str]:
    return table.locator(f"tbody tr td:nth-child({column + 1})").all_inner_texts()


def test_interactive_tables_sort_on_header_click(browser, outputs):
    page, problems = open_offline(browser, outputs.html / "06_explore.html")
    table = page.locator("table.dataTable", has=page.locator("caption", has_text="Keyness")).first
    headers = table.locator("thead th").all_inner_texts()
    column = [h.strip() for h in headers].index("count_target")
    before = [float(v) for v in column_values(page, table, column)]
    sort = table.locator("thead th").nth(column).locator(".dt-column-order")  # itables: sort by the icon
    header = table.locator("thead th").nth(column)
    sort.click()
    page.wait_for_function("h => h.getAttribute('aria-sort') === 'ascending'", arg=header.element_handle())
    ascending = [float(v) for v in column_values(page, table, column)]
    sort.click()
    page.wait_for_function("h => h.getAttribute('aria-sort') === 'descending'", arg=header.element_handle())
    descending = [float(v) for v in column_values(page, table, column)]
    page.screenshot(path=SCREENSHOTS / "06_explore_sorted.png")
    assert not problems
    assert ascending != before and ascending == sorted(ascending)
    assert descending == sorted(descending, reverse=True) and descending[0] > ascending[0]
    assert "all" in table.locator("caption").inner_text()  # the whole table, not a down-sample
    page.close()


KWIC_ROWS = """() => [...document.querySelectorAll('#kwic tbody tr')].map(
  (row) => [...row.cells].map((cell) => cell.textContent))"""
POINTS = "#chart path[role=graphics-symbol]"
# The centre of the first point not covered by another: clicking there clicks that point.
FREE_POINT = """(selector) => {
  for (const point of document.querySelectorAll(selector)) {
    const r = point.getBoundingClientRect(), x = r.x + r.width / 2, y = r.y + r.height / 2;
    const label = point.getAttribute('aria-label');
    if (r.width && document.elementFromPoint(x, y) === point) return {x, y, label};
  }
  return null;
}"""


def search(page, text: str) -> None:
    page.fill("#controls input[type=search]", text)
    page.wait_for_timeout(300)


def kwic_heading(page) -> str:
    return page.inner_text("#kwic-title")


@pytest.fixture(scope="module")
def frequent_term(corpus) -> str:
    """The corpus' most frequent term of keyness.csv (shown on the page, with KWIC lines)."""
    keyness = corpus["keyness"]
    return (
        keyness.assign(n=keyness.count_target + keyness.count_reference)
        .sort_values(["n", "term"], ascending=[False, True])
        .term.iloc[0]
    )


def test_explorer_opens_offline_and_search_shows_kwic(browser, outputs, corpus, frequent_term):
    path = outputs.html / "explorer.html"
    check_page(browser, path, "explorer_search", act=lambda page: search(page, frequent_term))
    page, problems = open_offline(browser, path)
    assert page.locator(POINTS).count() > 0
    assert page.locator("#chart g.role-mark text").count() == 0  # no label before a search
    search(page, frequent_term)
    labels = page.locator("#chart g.role-mark text").evaluate_all("els => els.map((e) => e.textContent)")
    assert frequent_term in labels and all(frequent_term in label for label in labels)
    assert kwic_heading(page).startswith(f"Keyword in context: {frequent_term} (")
    rows = page.evaluate(KWIC_ROWS)
    occurrences = (corpus["tokens"].token == frequent_term).sum()
    assert len(rows) == min(KWIC_PER_TERM, occurrences) > 0
    text = corpus["tokens"].groupby("report_id", sort=False).token.agg("".join)
    for _group, report, left, match, right in rows:
        assert match == frequent_term and len(left) <= KWIC_WINDOW and len(right) <= KWIC_WINDOW
        assert left + match + right in text[report]  # the line is the report's own text
    assert not problems
    page.close()


def test_explorer_click_on_a_point_shows_its_kwic(browser, outputs):
    page, problems = open_offline(browser, outputs.html / "explorer.html")
    point = page.evaluate(FREE_POINT, POINTS)
    term = point["label"].split("term: ")[1].split(";")[0]
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(300)
    assert kwic_heading(page).startswith(f"Keyword in context: {term} (")
    assert {row[3] for row in page.evaluate(KWIC_ROWS)} == {term}
    page.screenshot(path=SCREENSHOTS / "explorer_click.png", full_page=True)
    assert not problems
    page.close()


ATTACK = '<img src=x onerror="window.attacked=1">'
TOOLTIP = "#vg-tooltip-element"
CLOSER = "</script><script>window.attacked=2</script>"


def test_explorer_shows_report_markup_as_text(browser, tmp_path):
    """A term and report text that are markup: searched, hovered and clicked, nothing runs or loads."""
    rows = [("甲组", ATTACK, 9, 3), ("乙组", ATTACK, 3, 9), ("甲组", CLOSER, 2, 1), ("乙组", CLOSER, 1, 2)]
    keyness = pd.DataFrame(rows, columns=["group", "term", "count_target", "count_reference"]).assign(
        total_target=1000,
        total_reference=1000,
        test="G2",
        g2=1.0,
        q_value=0.5,
        log_ratio=1.0,
        distinctive=False,
    )
    kwic = pd.DataFrame(
        [(ATTACK, "甲组", CLOSER, 0, "党建<b>引领</b>", ATTACK, "<script>window.attacked=3</script>")],
        columns=["term", "group", "report_id", "sentence_id", "left", "match", "right"],
    )
    path = tmp_path / "explorer.html"
    path.write_text(explorer_page(term_points(keyness), kwic, f"Explorer {ATTACK}"), encoding="utf-8")
    page, problems = open_offline(browser, path)
    search(page, "onerror")
    point = page.evaluate(FREE_POINT, POINTS + "[aria-label*=onerror]")
    page.mouse.move(point["x"], point["y"])  # the tooltip, once it has shown the term
    page.wait_for_function(f"() => document.querySelector({TOOLTIP!r})?.innerText.includes('onerror')")
    tooltip = page.inner_text(TOOLTIP)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_timeout(300)
    page.screenshot(path=SCREENSHOTS / "explorer_markup.png", full_page=True)
    assert page.evaluate("() => window.attacked") is None
    assert page.evaluate("() => document.querySelectorAll('img, b, #kwic script').length") == 0
    assert page.evaluate(KWIC_ROWS) == [
        ["甲组", CLOSER, "党建<b>引领</b>", ATTACK, "<script>window.attacked=3</script>"]
    ]
    assert ATTACK in tooltip  # the tooltip shows the term as text
    assert page.title() == f"Explorer {ATTACK}"
    assert not problems, problems
    page.close()
