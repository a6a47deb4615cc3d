"""The HTML report in a real browser: headless Debian Chromium opens every page from file:// with no network.

Screenshots go to build/screenshots/ (look at them after a change to the HTML).
"""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from helpers.config import BUILD_DIR
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


def check_page(browser, path: Path, name: str):
    page, problems = open_offline(browser, path)
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
    assert {f"{nb.stem}.html" for nb in numbered_notebooks()} <= set(links)
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
