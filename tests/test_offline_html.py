"""The offline HTML export: a code cell's source comes out escaped (no bleach pass over it), and the exporter
kept per thread carries nothing from one notebook into the next."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from helpers import offline_html
from helpers.offline_html import notebook_html


def notebook(code: str, note: str):
    return new_notebook(
        cells=[new_markdown_cell(note), new_code_cell(code)],
        metadata={"language_info": {"name": "python", "pygments_lexer": "ipython3"}},
    )


def test_code_in_a_cell_is_shown_as_text_never_run_as_markup():
    page = notebook('bad = "<script>alert(1)</script><img src=x onerror=alert(2)>"', "# Note")
    html = notebook_html(page)
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert" in html and "&lt;img" in html


def test_each_page_holds_its_own_notebook_only():
    first = notebook("first_cell_value = 1", "# 第一份")
    second = notebook("second_cell_value = 2", "# 第二份")
    offline_html._local.__dict__.clear()  # a fresh exporter
    fresh = notebook_html(second)
    notebook_html(first)
    html = notebook_html(nbformat.from_dict(second))
    assert "second_cell_value" in html and "第二份" in html
    assert "first_cell_value" not in html and "第一份" not in html
    assert html == fresh
