"""``make bench``: the pipeline's costs as ratios measured side by side in one run.

1. warm ``make figures`` (every notebook, headless, 2 processes) ÷ the floor: as many notebooks that only
   import what the real ones import, executed the same way (target ≤ 1.5×);
2. tokenization throughput of the helpers pipeline ÷ raw ``jieba.lcut`` at 10×/100×/400× (target ≥ 0.8×);
3. cached rebuild ÷ cold build of ``data/processed`` (target ≤ 0.2×);
4. peak memory (max RSS) of a cold build with the corpus replicated 400× (every report copied 400 times).

Writes ``benchmarks/results.json`` and ``benchmarks/results.md`` with the machine description.
"""

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import tokenize_bench

from helpers.build import build
from helpers.config import MANIFEST
from helpers.io import write_text
from helpers.manifest import COLUMNS, read_manifest
from helpers.run_notebooks import Folders, execute_many, numbered_notebooks

HERE = Path(__file__).parent
REPLICAS = 400


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def floor_notebook(source: Path, folder: Path) -> Path:
    """A notebook holding only the import lines of ``source``, on the same kernel."""
    nb = nbformat.read(source, as_version=4)
    imports = [
        line
        for cell in nb.cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if re.match(r"(import|from)\s", line)
    ]
    floor = nbformat.v4.new_notebook(
        metadata=nb.metadata, cells=[nbformat.v4.new_code_cell("\n".join(imports))]
    )
    path = folder / source.name
    nbformat.write(floor, path)
    return path


def notebooks_vs_floor() -> dict:
    notebooks = numbered_notebooks()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "floor").mkdir()
        floors = [floor_notebook(nb, tmp / "floor") for nb in notebooks]

        def run(nbs, name):
            execute_many(dict.fromkeys(nbs, ""), Folders(*(tmp / name / k for k in Folders._fields)))

        run(notebooks, "warmup")  # warm caches, fonts, data
        real = _timed(lambda: run(notebooks, "real"))
        floor = _timed(lambda: run(floors, "floor_out"))
    return {
        "notebooks": len(notebooks),
        "real_s": real,
        "floor_s": floor,
        "ratio": real / floor,
        "target": "<= 1.5",
    }


def cached_vs_cold() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "processed"
        cold = _timed(lambda: build(out=out, force=True))
        cached = _timed(lambda: build(out=out))
    return {"cold_s": cold, "cached_s": cached, "ratio": cached / cold, "target": "<= 0.2"}


def replicated_manifest(folder: Path, copies: int) -> Path:
    """A manifest listing every report ``copies`` times (files copied beside it)."""
    rows = [",".join(COLUMNS)]
    for report in read_manifest(MANIFEST):
        (folder / report.path.name).write_bytes(report.path.read_bytes())
        for i in range(copies):
            fields = {**report.__dict__, "report_id": f"{report.report_id}_{i:03d}", "file": report.path.name}
            rows.append(",".join(str(fields[c]) for c in COLUMNS))
    path = folder / "manifest.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def peak_memory(copies: int = REPLICAS) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        manifest = replicated_manifest(Path(tmp), copies)
        code = (
            "import resource, sys, time; from helpers.build import build; t = time.perf_counter(); "
            f"build({str(manifest)!r}, {str(Path(tmp) / 'out')!r}, force=True); "
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        seconds, rss_kb = subprocess.run(
            [sys.executable, "-c", code], check=True, capture_output=True, text=True
        ).stdout.split()
    return {
        "replicas": copies,
        "reports": copies * len(read_manifest(MANIFEST)),
        "seconds": float(seconds),
        "peak_rss_mb": int(rss_kb) / 1024,
    }


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def to_markdown(results: dict) -> str:
    nb, tok, cache, mem = (results[k] for k in ("notebooks", "tokenize", "cache", "memory"))
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {results['machine']}",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| warm notebooks ÷ import-only floor ({nb['notebooks']} notebooks) | {nb['ratio']:.2f}× "
        f"({nb['real_s']:.1f} s vs {nb['floor_s']:.1f} s) | ≤ 1.5× |",
    ]
    for row in tok:
        lines.append(
            f"| tokenization, corpus ×{row['factor']}: helpers ÷ raw jieba | {row['ratio']:.2f}× "
            f"({row['helpers_chars_per_s']:,.0f} vs {row['jieba_chars_per_s']:,.0f} chars/s) | ≥ 0.8× |"
        )
    lines += [
        f"| cached rebuild ÷ cold build | {cache['ratio']:.3f}× "
        f"({cache['cached_s']:.3f} s vs {cache['cold_s']:.1f} s) | ≤ 0.2× |",
        f"| peak memory, cold build ×{mem['replicas']} ({mem['reports']} reports) | "
        f"{mem['peak_rss_mb']:.0f} MB in {mem['seconds']:.0f} s | — |",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    results = {"machine": machine()}
    print("1/4 notebooks vs import-only floor…", flush=True)
    results["notebooks"] = notebooks_vs_floor()
    print("2/4 tokenization throughput…", flush=True)
    results["tokenize"] = tokenize_bench.run()
    print("3/4 cached vs cold build…", flush=True)
    results["cache"] = cached_vs_cold()
    print(f"4/4 peak memory at {REPLICAS}×…", flush=True)
    results["memory"] = peak_memory()
    write_text(HERE / "results.json", json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    markdown = to_markdown(results)
    write_text(HERE / "results.md", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
