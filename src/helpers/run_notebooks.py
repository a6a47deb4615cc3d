"""Execute every numbered notebook headless in a fresh project kernel; export HTML; index the figures.

Executed copies go to ``build/notebooks/``, HTML to ``build/html/`` (with ``index.html``), figures to
``figures/`` — one output set, replaced as a whole (:mod:`helpers.outputs`): a run writes a new version
of all three and swaps it in when complete, so the figure index never lists a missing file. The sources in
``notebooks/`` are never written. A notebook is re-run only when it, the processed data or the package
code changed, or when its executed copy, HTML or any figure it wrote is missing or differs from what
the last run recorded in ``provenance.json`` (``force`` re-runs all). The notebooks only read the
processed folder (``data/processed/`` or the one given; never built here), several kernels at a time; the
kernels learn the processed folder and the figures version they write from the environment
(``HELPERS_PROCESSED``, ``HELPERS_FIGURES``, see :mod:`helpers.config` and :mod:`helpers.outputs`).
"""

import hashlib
import html
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

from PIL import Image

from . import memory, provenance
from .config import (
    BUILD_DIR,
    FIGURES_DIR,
    FIGURES_ENV,
    JOBS_ENV,
    KERNEL_NAME,
    NOTEBOOKS_DIR,
    PROCESSED_DIR,
    PROCESSED_ENV,
)
from .errors import NotebookFailed
from .faults import checkpoint
from .io import write_text
from .offline_html import notebook_html
from .outputs import LOCK_TIMEOUT, OutputSet, current
from .processed_folder import BUILD_INFO, build_info, processed_set

TIMEOUT = 900
PARAMETER_TAGS = ("parameters", "injected-parameters")  # papermill's tags
EXPLORER_PAGE = "explorer.html"
EXPLORER_TITLE = "Term explorer: the words each group uses more, or less, than the others"


class Folders(NamedTuple):
    """One version of the runner's outputs."""

    notebooks: Path
    html: Path
    figures: Path


def numbered_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def runner_set(build_dir: Path = BUILD_DIR, figures_dir: Path = FIGURES_DIR) -> OutputSet:
    """Executed notebooks, HTML and figures: one output set whose pointer and lock are in ``build_dir``."""
    return OutputSet(
        build_dir,
        {
            Path(build_dir) / "notebooks": ("*.ipynb", ".*.sha256"),
            Path(build_dir) / "html": ("*.html",),
            Path(figures_dir): ("*.png", "*.svg", "README.md"),
        },
    )


def notebook_inputs(notebook: Path, processed: Path) -> str:
    """Hash of a notebook and of the processed data's record (inputs, code and every table's hash)."""
    record = current(processed) / BUILD_INFO
    data = record.read_bytes() if record.is_file() else b""
    return hashlib.sha256(notebook.read_bytes() + b"\0" + data).hexdigest()


def _outputs(notebook: Path, folders: Folders) -> list[tuple[str, Path]]:
    """(kind, file) of what running ``notebook`` writes: executed copy, HTML and its figures."""
    figures = sorted(folders.figures.glob(f"{notebook.name[:2]}_*.*"))
    return [
        ("notebooks", folders.notebooks / notebook.name),
        ("html", folders.html / f"{notebook.stem}.html"),
        *(("figures", f) for f in figures if f.suffix in (".png", ".svg")),
    ]


def _entry(notebook: Path, inputs: str, folders: Folders, parameters: str) -> dict:
    outputs = {f"{kind}/{f.name}": provenance.sha256(f) for kind, f in _outputs(notebook, folders)}
    return {"inputs": inputs, "parameters": parameters, "outputs": outputs}


def is_fresh(notebook: Path, entry: dict | None, inputs: str, folders: Folders) -> bool:
    """True if ``entry`` (the last run's record of ``notebook``) has these inputs and every output it
    recorded exists unchanged, with no figure of the notebook added since."""
    if not entry or entry.get("inputs") != inputs:
        return False
    found = {f"{kind}/{f.name}" for kind, f in _outputs(notebook, folders)}
    paths = {name: getattr(folders, name.split("/")[0]) / name.split("/")[1] for name in entry["outputs"]}
    return found == set(paths) and all(
        p.is_file() and provenance.sha256(p) == entry["outputs"][n] for n, p in paths.items()
    )


def execute(
    notebook: Path,
    folders: Folders,
    inputs: str = "",
    cwd: Path | None = None,
    processed: Path = PROCESSED_DIR,
    jobs: int | None = None,
) -> tuple[str, float, dict]:
    """Run one notebook on the data in ``processed``, writing its executed copy, HTML and figures into
    ``folders``; return its name, the seconds taken and its record. The kernel starts in ``cwd``
    (default: the notebook's folder, as in JupyterLab); its computations use ``jobs`` workers (default:
    :func:`helpers.parallel.default_jobs`). Raises ``NotebookFailed`` (notebook, cell
    number, last error line; no ANSI codes)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert.filters import strip_ansi

    start = time.perf_counter()
    for _, old in _outputs(notebook, folders):
        old.unlink(missing_ok=True)
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        # no Out[n] (a cell's result is shown, not kept); freed memory handed back after a cell that grew it
        extra_arguments=["--InteractiveShell.cache_size=0", "--ext=helpers.memory"],
        timeout=TIMEOUT,
        resources={"metadata": {"path": str(cwd or notebook.parent)}},
    )
    started: list[int] = []  # the index of each cell as it starts
    client.on_cell_start = lambda cell, cell_index: started.append(cell_index)
    env = os.environ | {
        FIGURES_ENV: str(folders.figures.resolve()),
        PROCESSED_ENV: str(Path(processed).resolve()),
    }
    if jobs:
        env[JOBS_ENV] = str(jobs)
    try:
        client.execute(stderr=subprocess.DEVNULL, env=env)  # the kernel only logs start-up notices there
    except CellExecutionError as err:
        cell = next((i for i, c in enumerate(nb.cells) if _has_error(c)), "?")
        text = strip_ansi(str(err)).strip()
        last = text.splitlines()[-1] if text else type(err).__name__
        raise NotebookFailed(
            notebook, f"cell {cell} failed: {last}", "open it in JupyterLab (make lab) and run that cell"
        ) from None
    except (DeadKernelError, CellTimeoutError) as err:
        cell = started[-1] if started else "?"
        problem = "the kernel died" if isinstance(err, DeadKernelError) else f"ran over {TIMEOUT} s"
        raise NotebookFailed(
            notebook,
            f"cell {cell}: {problem}",
            "open it in JupyterLab (make lab) and run that cell (out of memory? an endless loop?)",
        ) from None
    write_text(folders.notebooks / notebook.name, nbformat.writes(nb))
    write_text(folders.html / f"{notebook.stem}.html", notebook_html(nb))
    tagged = [c.source for c in nb.cells if set(c.metadata.get("tags", [])) & set(PARAMETER_TAGS)]
    parameters = "\n".join(tagged)
    return notebook.name, time.perf_counter() - start, _entry(notebook, inputs, folders, parameters)


def _has_error(cell) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def execute_many(
    notebooks: dict[Path, str], folders: Folders, jobs: int = 2, processed: Path = PROCESSED_DIR
) -> dict[str, dict]:
    """Execute notebooks (→ their input hash) ``jobs`` at a time, reporting each as it finishes; return
    each notebook's record. The work happens in the kernels (one process each, which exits when this
    process dies), so threads suffice here and a killed runner leaves no worker processes behind.

    A failing notebook never stops the others: all run, and one NotebookFailed then names every failure.
    """
    records, failures = {}, []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = [pool.submit(execute, nb, folders, h, None, processed, jobs) for nb, h in notebooks.items()]
        for future in futures:
            try:
                name, seconds, records[name] = future.result()
            except NotebookFailed as err:
                failures.append(err)
                print(f"  {err}", flush=True)
                continue
            print(f"  {name}: executed in {seconds:.0f} s", flush=True)
            memory.release()  # what exporting its outputs freed: glibc would keep it while kernels run
            checkpoint(f"notebook:{Path(name).stem}")
    if len(failures) > 1:
        problems = "; ".join(f"{Path(f.path).name}: {f.problem}" for f in failures)
        raise NotebookFailed(
            Path(failures[0].path).parent, f"{len(failures)} notebooks failed: {problems}", failures[0].fix
        )
    if failures:
        raise failures[0]
    return records


def run_all(
    jobs: int = 2,
    force: bool = False,
    build_dir: Path = BUILD_DIR,
    processed: Path = PROCESSED_DIR,
    figures_dir: Path = FIGURES_DIR,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    lock_timeout: float = LOCK_TIMEOUT,
) -> list[Path]:
    """Execute the stale notebooks on the ``processed`` folder into a new version of the output set (the
    others' outputs carried over), write the figure index, the HTML index and the term explorer
    (``explorer.html``, :mod:`helpers.explorer_html`), swap it in.

    Holds the processed folder's lock while kernels read it (a build waits) and the set's lock (one
    runner per ``build_dir``). Raises InputError when ``processed`` holds no build (the notebooks never
    build it themselves)."""
    build_info(processed)
    notebooks = numbered_notebooks(notebooks_dir)
    if not notebooks:
        print(f"No notebooks in {notebooks_dir} yet: nothing to run.")
        return []
    outputs = runner_set(build_dir, figures_dir)
    with processed_set(processed).locked(lock_timeout), outputs.locked(lock_timeout):
        old = Folders(*(current(root, build_dir) for root in outputs.roots))
        record = provenance.read(old.figures).get("notebooks", {})
        inputs = {nb: notebook_inputs(nb, processed) for nb in notebooks}
        stale = {nb: h for nb, h in inputs.items() if force or not is_fresh(nb, record.get(nb.name), h, old)}
        for nb in notebooks:
            if nb not in stale:
                print(f"  {nb.name}: up to date", flush=True)
        explorer_missing = not (old.html / EXPLORER_PAGE).is_file()
        if stale or explorer_missing or set(record) != {nb.name for nb in notebooks}:
            with outputs.new_version(copy_current=True) as roots:
                new = Folders(*roots.values())
                record = {nb.name: record[nb.name] for nb in notebooks if nb not in stale}
                record |= execute_many(stale, new, jobs, processed)
                figures = write_figure_index(new.figures, notebooks)
                write_html_index(notebooks, figures, new.html, new.figures, processed)
                write_explorer_page(processed, new.html)
                for folder in new:
                    provenance.write(folder, {"made_by": "python -m helpers notebooks", "notebooks": record})
    print(
        f"{len(notebooks)} notebooks → {current(build_dir / 'html', build_dir)}; figures → "
        f"{current(figures_dir, build_dir)}"
    )
    return notebooks


def write_explorer_page(processed: Path, html_dir: Path) -> None:
    """The term explorer ``explorer.html`` in ``html_dir``, from the tables in ``processed``. Pandas loads
    here, once the kernels are done: while they run, the runner holds none of it."""
    from .build import load_corpus
    from .explorer_html import TABLES, write_explorer

    write_explorer(load_corpus(processed, TABLES), html_dir / EXPLORER_PAGE, EXPLORER_TITLE)


def figure_captions(folder: Path) -> dict[str, str]:
    """PNG file name → caption, read from the Description metadata that plots.save_figure stores."""
    captions = {}
    for png in sorted(folder.glob("*.png")):
        with Image.open(png) as im:
            captions[png.name] = im.info.get("Description", "")
    return captions


def write_figure_index(folder: Path, notebooks: list[Path]) -> dict[str, str]:
    """Write ``README.md`` in a figures folder: one line per figure (file, what it shows, which notebook
    made it); return figure name → caption."""
    captions = figure_captions(folder)
    by_number = {nb.name[:2]: nb.name for nb in notebooks}
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
    notebooks: list[Path], figures: dict[str, str], html_dir: Path, figures_dir: Path, processed: Path
) -> None:
    """``index.html`` in ``html_dir``: the reports (id, title, source), every exported notebook by title,
    the term explorer, then every figure with its caption (linked relative to ``html_dir``, so the HTML and
    the figures of one version stay together)."""
    from .explorer_html import EXPLORER_TERMS
    from .store import read_table

    rel = Path(os.path.relpath(figures_dir, html_dir)).as_posix()
    items = "".join(
        f'<li><a href="{nb.stem}.html">{html.escape(notebook_title(nb))}</a></li>' for nb in notebooks
    )
    reports = "".join(
        f"<li>{html.escape(r.report_id)}: <span lang=zh>{html.escape(r.title)}</span> "
        f"({html.escape(r.source)}{', ' + html.escape(r.published) if r.published else ''})</li>"
        for r in read_table(current(processed) / "reports.csv").itertuples()
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
        f'<h2>Interactive</h2><p><a href="{EXPLORER_PAGE}">{html.escape(EXPLORER_TITLE)}</a>: up to the '
        f"{EXPLORER_TERMS:,} most frequent terms of the keyness table, searchable, with their "
        "keyword-in-context lines.</p>"
        f"<h2>Figures</h2>{figs}</body></html>\n"
    )
    write_text(html_dir / "index.html", page)
