"""Execute every numbered notebook headless in a fresh project kernel; export HTML; index the figures.

Executed copies go to ``build/notebooks/``, HTML to ``build/html/`` (with ``index.html``); the sources in
``notebooks/`` are never written. A notebook is re-run only when it, the processed data or the package
code changed (content-hash stamps), unless ``force``. The notebooks only read the processed folder
(``data/processed/`` or the one given), so they are independent and run in parallel processes; the kernels
learn the processed and figures folders from the environment (``HELPERS_PROCESSED``, ``HELPERS_FIGURES``,
see :mod:`helpers.config`).
"""

import hashlib
import html
import os
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

from .build import STAMP, read_table
from .config import (
    BUILD_DIR,
    FIGURES_DIR,
    FIGURES_ENV,
    KERNEL_NAME,
    NOTEBOOKS_DIR,
    PROCESSED_DIR,
    PROCESSED_ENV,
)
from .io import write_text
from .offline_html import notebook_html

TIMEOUT = 900


class NotebookFailed(Exception):
    """A notebook raised: the message names the notebook, the cell and the error."""


def numbered_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def _stamp(notebook: Path, processed: Path, figures: Path) -> str:
    digest = hashlib.sha256(notebook.read_bytes())
    data_stamp = processed / STAMP  # covers raw data, dictionaries, codebook and helpers code
    digest.update(data_stamp.read_bytes() if data_stamp.is_file() else b"")
    digest.update(str(figures.resolve()).encode())
    return digest.hexdigest()


def execute(
    notebook: Path,
    force: bool = False,
    build_dir: Path = BUILD_DIR,
    cwd: Path | None = None,
    processed: Path = PROCESSED_DIR,
    figures: Path = FIGURES_DIR,
) -> tuple[str, float]:
    """Run one notebook into ``build_dir`` (skipped if up to date); return its name and the seconds taken.

    The kernel starts in ``cwd`` (default: the notebook's folder, as in JupyterLab), reads ``processed``
    and saves its figures to ``figures``.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    from nbconvert.filters import strip_ansi

    start = time.perf_counter()
    stamp_file = build_dir / "notebooks" / f".{notebook.stem}.sha256"
    stamp = _stamp(notebook, Path(processed), Path(figures))
    if not force and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return notebook.name, 0.0
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(cwd or notebook.parent)}},
    )
    try:
        env = os.environ | {
            PROCESSED_ENV: str(Path(processed).resolve()),
            FIGURES_ENV: str(Path(figures).resolve()),
        }
        client.execute(stderr=subprocess.DEVNULL, env=env)  # the kernel only logs start-up notices there
    except CellExecutionError as err:
        cell = next((i for i, c in enumerate(nb.cells) if _has_error(c)), "?")
        text = strip_ansi(str(err)).strip()  # the kernel colours its traceback; logs and CI want plain text
        last = text.splitlines()[-1] if text else type(err).__name__
        raise NotebookFailed(f"{notebook.name}: cell {cell} failed: {last}") from None
    write_text(build_dir / "notebooks" / notebook.name, nbformat.writes(nb))
    write_text(build_dir / "html" / f"{notebook.stem}.html", notebook_html(nb))
    write_text(stamp_file, stamp)
    return notebook.name, time.perf_counter() - start


def _has_error(cell) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def execute_many(
    notebooks: list[Path],
    jobs: int = 2,
    force: bool = False,
    build_dir: Path = BUILD_DIR,
    processed: Path = PROCESSED_DIR,
    figures: Path = FIGURES_DIR,
) -> None:
    """Execute notebooks ``jobs`` at a time in separate processes, reporting each as it finishes.

    A failing notebook never stops the others: all run, and one NotebookFailed then names every failure.
    """
    failures = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(execute, nb, force, build_dir, None, processed, figures) for nb in notebooks]
        for future in futures:
            try:
                name, seconds = future.result()
            except NotebookFailed as err:
                failures.append(str(err))
                print(f"  {err}", flush=True)
                continue
            print(f"  {name}: {'up to date' if seconds == 0 else f'executed in {seconds:.0f} s'}", flush=True)
    if failures:
        raise NotebookFailed(f"{len(failures)} notebook(s) failed: " + "; ".join(failures))


def run_all(
    jobs: int = 2,
    force: bool = False,
    build_dir: Path = BUILD_DIR,
    processed: Path = PROCESSED_DIR,
    figures: Path = FIGURES_DIR,
) -> list[Path]:
    """Execute all notebooks on the ``processed`` folder, then write the figure index and the HTML index.

    Raises InputError when ``processed`` holds no build (the notebooks never build it themselves).
    """
    from .build import build_info

    build_info(processed)
    notebooks = numbered_notebooks()
    if not notebooks:
        print(f"No notebooks in {NOTEBOOKS_DIR} yet: nothing to run.")
        return []
    execute_many(notebooks, jobs, force, build_dir, processed, figures)
    captions = write_figure_index(figures)
    write_html_index(notebooks, captions, build_dir / "html", figures, processed)
    print(f"{len(notebooks)} notebooks → {build_dir / 'html'}; {len(captions)} figures → {figures}")
    return notebooks


def figure_captions(folder: Path = FIGURES_DIR) -> dict[str, str]:
    """PNG file name → caption, read from the Description metadata that plots.save_figure stores."""
    captions = {}
    for png in sorted(folder.glob("*.png")):
        with Image.open(png) as im:
            captions[png.name] = im.info.get("Description", "")
    return captions


def write_figure_index(folder: Path = FIGURES_DIR) -> dict[str, str]:
    """Write ``figures/README.md``: one line per figure (file, what it shows, which notebook made it)."""
    captions = figure_captions(folder)
    by_number = {nb.name[:2]: nb.name for nb in numbered_notebooks()}
    lines = [
        "# Figures",
        "",
        "Written by `make figures` (do not edit). Each figure exists as PNG and SVG.",
        "",
        "| figure | what it shows | notebook |",
        "|---|---|---|",
    ]
    for name, caption in captions.items():
        svg = Path(name).with_suffix(".svg").name
        notebook = by_number.get(name[:2], "?")
        lines.append(f"| [{name}]({name}) ([svg]({svg})) | {caption} | `notebooks/{notebook}` |")
    write_text(folder / "README.md", "\n".join(lines) + "\n")
    return captions


def notebook_title(notebook: Path) -> str:
    """The notebook's first markdown heading (its question), else its file name."""
    import nbformat

    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "markdown" and cell.source.startswith("#"):
            return cell.source.splitlines()[0].lstrip("# ").strip()
    return notebook.stem


def write_html_index(
    notebooks: list[Path],
    figures: dict[str, str],
    html_dir: Path,
    figures_dir: Path = FIGURES_DIR,
    processed: Path = PROCESSED_DIR,
) -> None:
    """``build/html/index.html``: the reports (id, title, source), every exported notebook by title, then
    every figure with its caption."""
    rel = Path(os.path.relpath(figures_dir, html_dir)).as_posix()
    items = "".join(
        f'<li><a href="{nb.stem}.html">{html.escape(notebook_title(nb))}</a></li>' for nb in notebooks
    )
    reports = "".join(
        f"<li>{html.escape(r.report_id)}: <span lang=zh>{html.escape(r.title)}</span> "
        f"({html.escape(r.source)}{', ' + html.escape(r.published) if r.published else ''})</li>"
        for r in read_table(Path(processed) / "reports.csv").itertuples()
    )
    figs = "".join(
        f'<figure><a href="{rel}/{n}"><img src="{rel}/{n}" alt="{html.escape(n)}"></a>'
        f"<figcaption><b>{html.escape(n)}</b> — {html.escape(c)}</figcaption></figure>"
        for n, c in figures.items()
    )
    style = (
        "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "figure{display:inline-block;width:340px;margin:0 1em 1.5em 0;vertical-align:top}"
        "img{width:100%;border:1px solid #ddd}figcaption{font-size:0.85em}"
    )
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><title>Two-new Party-building: comparing '
        f'reports</title><style>{style}</style></head><body><h1>Party-building in the "two new" sector: '
        f"comparing reports</h1><h2>Reports</h2><ul>{reports}</ul><h2>Notebooks</h2><ol>{items}</ol>"
        f"<h2>Figures</h2>{figs}</body></html>\n"
    )
    write_text(html_dir / "index.html", page)
