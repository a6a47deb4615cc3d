"""Sortable, searchable tables in notebooks and in the HTML export, through itables in offline mode.

:func:`init_offline` puts itables' bundled DataTables JavaScript and CSS into the notebook once (no network);
:func:`interactive_table` then shows a DataFrame as an interactive table. itables' default down-sampling
of large tables is switched off (``maxBytes=0``): a table shows every row up to ``TABLE_CAP`` rows; a longer
one shows its first ``TABLE_CAP`` rows and its caption says so (the full table is the CSV it came from).
"""

import pandas as pd

TABLE_CAP = 5_000  # rows shown per interactive table


def init_offline() -> None:
    """Load itables' bundled JavaScript into the notebook (offline mode); call once, before any table."""
    import itables

    itables.init_notebook_mode(all_interactive=False, connected=False)


def caption(frame: pd.DataFrame, title: str, cap: int = TABLE_CAP) -> str:
    """``title`` with how many rows are shown: all of them, or the first ``cap`` of the total."""
    if len(frame) <= cap:
        return f"{title} — all {len(frame):,} rows"
    return f"{title} — first {cap:,} of {len(frame):,} rows (TABLE_CAP; the full table is in the CSV)"


def interactive_table(frame: pd.DataFrame, title: str, cap: int = TABLE_CAP, page_length: int = 10):
    """An IPython HTML object: ``frame`` (first ``cap`` rows) as a sortable, searchable table, captioned."""
    import itables
    from IPython.display import HTML

    html = itables.to_html_datatable(
        frame.head(cap),
        caption=caption(frame, title, cap),
        connected=False,
        maxBytes=0,
        showIndex=False,
        pageLength=page_length,
        classes="display compact",
    )
    return HTML(html)
