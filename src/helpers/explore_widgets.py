"""The ipywidgets of notebook 06: a term explorer and a theme browser over :class:`helpers.explore.Explorer`.

Each widget keeps the DataFrames of its current view in ``.tables`` (what its callbacks computed) and shows
them as HTML, text escaped. Displayed, a widget also carries that view as ``text/html``, so a headless run or
the HTML export (which has no widget manager) shows a static first view.
"""

from html import escape

import ipywidgets as w
import pandas as pd

from .codebook import Theme
from .explore import PAGE_SIZE, Explorer, page
from .themes import highlight

ALL = "(all)"


def frame_html(frame: pd.DataFrame, title: str = "", html_columns: tuple[str, ...] = ()) -> str:
    """``frame`` as an HTML table, every cell escaped except ``html_columns`` (already safe HTML)."""
    safe = frame.astype(object).where(frame.notna(), "")
    for column in safe.columns:
        if column not in html_columns:
            safe[column] = safe[column].map(lambda v: escape(str(v)))
    table = safe.to_html(escape=False, index=False, border=0)
    return (f"<h4>{escape(title)}</h4>" if title else "") + table


class _StaticView(w.VBox):
    """A VBox whose view is an HTML widget (``view``), and whose display also carries that view as
    ``text/html`` (for exports). Not an Output widget: a headless runner (nbclient) mimics a front end for
    Output widgets by sending comm messages to the kernel while a cell runs, and ipykernel 7 can then miss a
    request and hang (seen running notebook 06 under nbclient)."""

    html = ""

    def _show(self, html: str) -> None:
        self.html = html
        self.view.value = html

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        return {**bundle, "text/html": f'<div class="static-view">{self.html}</div>'}


class TermExplorer(_StaticView):
    """Type or pick a term: its frequency per group and per report, KWIC side by side, where it occurs.

    ``tables``: ``by_group``, ``by_report``, ``kwic`` (one column per group), ``positions``.
    """

    def __init__(self, explorer: Explorer, term: str, suggestions: list[str] = (), per_group: int = 10):
        self.explorer, self.per_group = explorer, per_group
        self.term = w.Combobox(value=term, options=list(suggestions), description="term", ensure_option=False)
        self.view = w.HTML()
        super().__init__([self.term, self.view])
        self.term.observe(lambda change: self.update(change["new"]), names="value")
        self.update(term)

    def update(self, term: str) -> None:
        e = self.explorer
        self.tables = {
            "by_group": e.term_by_group(term),
            "by_report": e.term_by_report(term),
            "kwic": e.kwic_side_by_side(term, self.per_group),
            "positions": e.term_positions(term),
        }
        where = (
            self.tables["positions"]
            .assign(position=lambda d: (100 * d.position).round().astype("Int64").astype(str) + "%")
            .groupby(["group", "report_id"], sort=False)
            .position.agg(", ".join)
            .reindex(pd.MultiIndex.from_frame(e.reports[["group", "report_id"]]), fill_value="—")
            .reset_index(name="where (share of the body text before the sentence)")
        )
        html = "".join(
            [
                frame_html(self.tables["by_group"], f"{term}: frequency per group"),
                frame_html(self.tables["by_report"], "per report"),
                frame_html(self.tables["kwic"], f"keyword in context (first {self.per_group} per group)"),
                frame_html(where, "where in each report"),
            ]
        )
        self._show(html)


class ThemeBrowser(_StaticView):
    """Pick a theme and a group or report: its coded sentences, matches marked, with the hand label, paged.

    ``tables``: ``sentences`` (every match of the current filter) and ``page`` (the rows shown).
    """

    def __init__(self, explorer: Explorer, codebook: list[Theme], theme: str, page_size: int = PAGE_SIZE):
        self.explorer, self.page_size = explorer, page_size
        self.codebook = {t.id: t for t in codebook}
        self.theme = w.Dropdown(
            options=[(f"{t.label_en} · {t.label_zh}", t.id) for t in codebook], value=theme
        )
        self.group = w.Dropdown(options=[ALL, *explorer.groups], description="group")
        self.report = w.Dropdown(options=[ALL], description="report")
        self.previous, self.next = w.Button(description="◀ previous"), w.Button(description="next ▶")
        self.page_label = w.Label()
        self.view = w.HTML()
        self.page_number = 0
        super().__init__(
            [
                w.HBox([self.theme, self.group, self.report]),
                w.HBox([self.previous, self.page_label, self.next]),
                self.view,
            ]
        )
        self.theme.observe(lambda _: self.update(0), names="value")
        self.group.observe(lambda _: self._group_changed(), names="value")
        self.report.observe(lambda _: self.update(0), names="value")
        self.previous.on_click(lambda _: self.update(self.page_number - 1))
        self.next.on_click(lambda _: self.update(self.page_number + 1))
        self._group_changed()

    def _group_changed(self) -> None:
        reports = self.explorer.reports
        if self.group.value != ALL:
            reports = reports[reports.group == self.group.value]
        self.report.options = [ALL, *reports.report_id]
        self.report.value = ALL
        self.update(0)

    def update(self, number: int) -> None:
        group = None if self.group.value == ALL else self.group.value
        report = None if self.report.value == ALL else self.report.value
        found = self.explorer.theme_sentences(self.theme.value, group, report)
        shown, pages = page(found, number, self.page_size)
        self.page_number = min(max(number, 0), pages - 1)
        self.tables = {"sentences": found, "page": shown}
        self.page_label.value = f"page {self.page_number + 1} of {pages} ({len(found)} sentences)"
        theme = self.codebook[self.theme.value]
        marked = shown.assign(text=shown.text.map(lambda s: highlight(s, theme)))
        html = frame_html(marked, f"{theme.label_en}: {self.page_label.value}", html_columns=("text",))
        self._show(html)
