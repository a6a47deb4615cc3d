"""``make bench``: the pipeline's costs as ratios measured side by side in one run.

1. warm ``make figures`` (every notebook, headless, 2 processes) ÷ the floor: as many notebooks that only
   import what the real ones import, executed the same way (target ≤ 1.5×);
2. tokenization throughput of the helpers pipeline ÷ raw pure-Python ``jieba.lcut`` at 10×/100×/400×, with
   each segmentation engine (target ≥ 10× with jieba-rs);
3. cached rebuild ÷ cold build of ``data/processed`` (target ≤ 0.01×);
4. the scale corpus (:mod:`scale_corpus`: every seed replicated, each copy with its own Zipf sample of new
   terms): cold build ``--jobs 2`` ÷ ``--jobs 1`` at 800 reports; a cold build at ``SCALE_REPORTS`` reports
   with wall time and the peak proportional set size (PSS) of the whole process tree (workers included),
   and its cross-report stages alone on its tables (:mod:`cross_report`: CPU seconds per stage);
   that build ÷ bare pure-Python ``jieba.lcut`` of the same texts with the same number of processes;
   every notebook run headless on that build's output (time, peak PSS with the kernels); adding one
   report ÷ the cold build (an incremental build: the other reports come from the report cache,
   :mod:`helpers.report_cache`; only the cross-report stages see them all again);
5. the same added report on its own at ``INCREMENTAL_REPORTS`` reports: a cold build, then one report added.

Every build runs as ``python -m helpers build`` in a subprocess sampled with psutil. A build that exceeds
``MEMORY_CAP_MB`` or ``TIME_CAP_S`` is stopped (the machine is shared) and reported as not finished, with
the time and memory it reached. ``python benchmarks/run.py --quick`` runs only the 800-report rows;
``--reports N`` runs the scale rows at N reports (and the ``--jobs`` and ``incremental`` rows at no more
than N): a smaller run for trying on a shared machine; ``--only notebooks,tokenize,cache,jobs,incremental,
scale`` runs only those rows.
Writes ``benchmarks/results.json``, and the machine description and the table of measures into
``benchmarks/results.md`` between its markers (``BEGIN``, ``END``), keeping the sections written by hand.
"""

import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil
import scale_corpus
import tokenize_bench

from helpers.build import build
from helpers.io import write_text
from helpers.manifest import read_manifest
from helpers.parallel import usable_cores
from helpers.run_notebooks import Folders, execute_many, numbered_notebooks

HERE = Path(__file__).parent
JOBS_REPORTS = 800  # the --jobs 2 ÷ --jobs 1 comparison
INCREMENTAL_REPORTS = 1_000  # adding one report, apart from the scale row
SCALE_REPORTS = 10_000
MEMORY_CAP_MB = 8_000
TIME_CAP_S = 900
# results.md: run.py writes only what is between these markers; the rest of the file is written by hand
BEGIN = "<!-- measured: written by benchmarks/run.py on every run, up to the end marker -->"
END = "<!-- end of the measured part; what follows is written by hand and kept -->"
BARE_JIEBA = """
import sys, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
import jieba

def cut(path):
    return len(jieba.lcut(Path(path).read_text(encoding="utf-8")))

if __name__ == "__main__":
    paths = Path(sys.argv[1]).read_text(encoding="utf-8").split()
    with ProcessPoolExecutor(int(sys.argv[2]), initializer=jieba.initialize) as pool:
        print(sum(pool.map(cut, paths, chunksize=8)))
"""


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
    return {"cold_s": cold, "cached_s": cached, "ratio": cached / cold, "target": "<= 0.01"}


def measured(command: list[str]) -> dict:
    """Run ``command``; its wall time and the peak PSS of its whole process tree, sampled every 0.2 s.
    Stopped (``finished`` False) past ``MEMORY_CAP_MB`` or ``TIME_CAP_S``. Its stderr goes to a file: a
    pipe nobody reads while it runs fills up with progress bars and blocks it."""
    with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
        cpu_before = _children_cpu()
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True)
        root, peak = psutil.Process(proc.pid), 0
        while proc.poll() is None:
            pss = 0
            for p in [root, *root.children(recursive=True)]:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    pss += p.memory_full_info().pss
            peak = max(peak, pss)
            if peak > MEMORY_CAP_MB * 2**20 or time.perf_counter() - start > TIME_CAP_S:
                for p in [*root.children(recursive=True), root]:
                    p.kill()
                break
            time.sleep(0.2)
        proc.wait()
        seconds = time.perf_counter() - start
        cpu = _children_cpu() - cpu_before if cpu_before is not None else None
        log.seek(0)
        err = log.read()[-2000:]
    finished = proc.returncode == 0
    if not finished and peak <= MEMORY_CAP_MB * 2**20 and seconds <= TIME_CAP_S:
        raise RuntimeError(f"{' '.join(command)} failed: {err}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # the machine's load as it ended
    return {"seconds": seconds, "cpu_s": cpu, "peak_pss_mb": peak / 2**20, "finished": finished, "load": load}


def _children_cpu() -> float | None:
    """CPU seconds (user + system) of this process's finished children and their waited-for descendants
    (a build's pool workers included): what a run cost whatever the machine's load. None off POSIX."""
    try:
        import resource
    except ImportError:
        return None
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_build(manifest: Path, out: Path, jobs: int) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "helpers", "build", "--manifest", str(manifest), "--out", str(out)]
    return measured([*command, "--jobs", str(jobs), "--force"])


def bare_jieba(manifest: Path, jobs: int) -> dict:
    """Pure-Python ``jieba.lcut`` of every report's file, ``jobs`` processes (the segmentation floor)."""
    folder = manifest.parent
    (folder / "paths.txt").write_text("\n".join(str(r.path) for r in read_manifest(manifest)))
    (folder / "bare_jieba.py").write_text(BARE_JIEBA)
    return measured([sys.executable, str(folder / "bare_jieba.py"), str(folder / "paths.txt"), str(jobs)])


def jobs_speedup(folder: Path, reports: int = JOBS_REPORTS) -> dict:
    manifest = scale_corpus.write(folder / "jobs", reports // 2)
    one = cold_build(manifest, folder / "jobs_out", 1)
    two = cold_build(manifest, folder / "jobs_out", 2)
    return {"reports": reports, "jobs1": one, "jobs2": two, "speedup": one["seconds"] / two["seconds"]}


def scale_build(folder: Path, reports: int = SCALE_REPORTS) -> dict:
    """Cold build, bare jieba with the same processes, every notebook on the build's output, then one report
    added (an incremental build, not ``--force``)."""
    manifest = scale_corpus.write(folder / "scale", reports // 2)
    jobs = usable_cores()
    run = folder / "scale_run"  # the build's out is run/processed, where `notebooks --out run` looks
    cold = cold_build(manifest, run / "processed", jobs)
    result = {"reports": reports, "jobs": jobs, "cold": cold, "bare_jieba": bare_jieba(manifest, jobs)}
    result["build_vs_jieba"] = cold["seconds"] / result["bare_jieba"]["seconds"]
    if cold["finished"]:
        result["cross_report"] = cross_report(run / "processed", folder / "cross_report.json")
        command = [
            sys.executable,
            "-m",
            "helpers",
            "notebooks",
            "--manifest",
            str(manifest),
            "--out",
            str(run),
        ]
        result["notebooks"] = measured([*command, "--jobs", str(jobs)])
        result |= add_one(manifest, run / "processed", jobs, cold)
    return result


def cross_report(processed: Path, seconds: Path) -> dict:
    """The cross-report stages alone on a build's tables (:mod:`cross_report`): wall time and peak PSS of
    the whole run (reading the tables included) and each stage's CPU seconds."""
    run = measured([sys.executable, str(HERE / "cross_report.py"), str(processed), str(seconds)])
    return run | {"stages": json.loads(seconds.read_text(encoding="utf-8"))}


def add_one(manifest: Path, out: Path, jobs: int, cold: dict) -> dict:
    """One report added to ``manifest`` (its first report's file under a new id) and the build of ``out``
    run again, incrementally (not ``--force``): its measures and its time ÷ the ``cold`` build's."""
    lines = manifest.read_text(encoding="utf-8").splitlines()
    extra = lines[1].replace(lines[1].split(",")[0], "added_report", 1)
    manifest.write_text("\n".join([*lines, extra]) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "helpers", "build", "--manifest", str(manifest)]
    added = measured([*command, "--out", str(out), "--jobs", str(jobs)])
    return {"add_one": added, "add_one_ratio": added["seconds"] / cold["seconds"]}


def incremental(folder: Path, reports: int = INCREMENTAL_REPORTS) -> dict:
    """A cold build of the scale corpus at ``reports`` reports, then one report added."""
    manifest = scale_corpus.write(folder / "incremental", reports // 2)
    jobs = usable_cores()
    cold = cold_build(manifest, folder / "incremental_out", jobs)
    result = {"reports": reports, "jobs": jobs, "cold": cold}
    return result | (add_one(manifest, folder / "incremental_out", jobs, cold) if cold["finished"] else {})


def machine() -> dict:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "usable_cores": usable_cores(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "load_average_1min": os.getloadavg()[0],
    }


def _build_cell(run: dict) -> str:
    done = "" if run["finished"] else " — **stopped, not finished**"
    cpu = f" ({run['cpu_s']:.0f} s CPU)" if run.get("cpu_s") is not None else ""
    load = f", load {run['load']:.1f}" if run.get("load") is not None else ""
    return f"{run['seconds']:.0f} s{cpu}, peak PSS {run['peak_pss_mb']:,.0f} MB{load}{done}"


def to_markdown(results: dict) -> str:
    """The measured part of ``results.md``: the machine and one table row per measure."""
    lines = [
        f"Machine: {results['machine']}. Each build row gives the load average as it ended (other jobs on",
        "the machine raise it): absolute times are noisy, ratios measured side by side in one run less so.",
        "",
        "| measure | value | target |",
        "|---|---|---|",
    ]
    if nb := results.get("notebooks"):
        lines.append(
            f"| warm notebooks ÷ import-only floor ({nb['notebooks']} notebooks) | {nb['ratio']:.2f}× "
            f"({nb['real_s']:.1f} s vs {nb['floor_s']:.1f} s) | ≤ 1.5× |"
        )
    for row in results.get("tokenize", []):
        lines.append(
            f"| tokenization ({row['engine']}), corpus ×{row['factor']}: helpers ÷ raw pure jieba "
            f"| {row['ratio']:.2f}× ({row['helpers_chars_per_s']:,.0f} vs {row['jieba_chars_per_s']:,.0f} "
            "chars/s) | ≥ 10× (jieba-rs) |"
        )
    if cache := results.get("cache"):
        lines.append(
            f"| cached rebuild ÷ cold build (seeds) | {cache['ratio']:.4f}× "
            f"({cache['cached_s']:.3f} s vs {cache['cold_s']:.1f} s) | ≤ 0.01× |"
        )
    if jobs := results.get("jobs"):
        lines.append(
            f"| cold build `--jobs 2` vs `--jobs 1`, {jobs['reports']} reports "
            f"| {jobs['speedup']:.2f}× faster "
            f"({_build_cell(jobs['jobs2'])} vs {_build_cell(jobs['jobs1'])}) | ≥ 1.8× |"
        )
    if scale := results.get("scale"):
        lines += [
            f"| cold build, {scale['reports']:,} reports, `--jobs {scale['jobs']}` "
            f"| {_build_cell(scale['cold'])} "
            "| ≤ 3 min, ≤ 2 GB |",
            f"| that build ÷ bare pure-jieba `lcut`, {scale['jobs']} processes "
            f"| {scale['build_vs_jieba']:.2f}× "
            f"({_build_cell(scale['bare_jieba'])}) | ≤ 1.5× |",
        ]
        if cross := scale.get("cross_report"):
            stages = ", ".join(f"{name} {cpu:.1f}" for name, cpu in cross["stages"].items())
            total = sum(cross["stages"].values())
            lines.append(
                f"| cross-report stages alone on that build's tables | {total:.1f} s CPU ({stages}); "
                f"the run, reading the tables included: {_build_cell(cross)} | ≤ 10 s |"
            )
        if "notebooks" in scale:
            lines.append(
                "| every notebook on that build's output (kernels included) "
                f"| {_build_cell(scale['notebooks'])} | runs to the end, ≤ 2 GB |"
            )
    for row in (results.get("incremental"), scale):
        if row and "add_one" in row:
            lines.append(
                f"| add one report to {row['reports']:,} ÷ cold build | {row['add_one_ratio']:.3f}× "
                f"({_build_cell(row['add_one'])} vs {_build_cell(row['cold'])}) | ≤ 0.05× |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    quick = "--quick" in argv
    reports = int(argv[argv.index("--reports") + 1]) if "--reports" in argv else SCALE_REPORTS
    jobs_reports = min(JOBS_REPORTS, reports)
    with tempfile.TemporaryDirectory() as tmp:
        rows = {
            "notebooks": ("notebooks vs import-only floor", notebooks_vs_floor),
            "tokenize": ("tokenization throughput", tokenize_bench.run),
            "cache": ("cached vs cold build", cached_vs_cold),
            "jobs": (
                f"--jobs 2 vs 1 at {jobs_reports} reports",
                lambda: jobs_speedup(Path(tmp), jobs_reports),
            ),
            "incremental": (
                f"one report added to {min(INCREMENTAL_REPORTS, reports)}",
                lambda: incremental(Path(tmp), min(INCREMENTAL_REPORTS, reports)),
            ),
            "scale": (f"cold build at {reports} reports", lambda: scale_build(Path(tmp), reports)),
        }
        chosen = argv[argv.index("--only") + 1].split(",") if "--only" in argv else list(rows)
        if quick:
            chosen = ["jobs"]
        results = {"machine": machine()}
        for key in chosen:
            label, run = rows[key]
            print(f"{label}…", flush=True)
            results[key] = run()
            _save(results)  # after every row: a long run stopped half-way keeps what it measured
    print(to_markdown(results))


def updated(document: str, measured: str) -> str:
    """``document`` (``results.md``) with the part between ``BEGIN`` and ``END`` replaced by ``measured``;
    everything else — the sections written by hand (profiles, what was measured by hand) — kept as it is.
    A document without the markers is kept whole below a title and the measured part."""
    head, begin, rest = document.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not (begin and end):
        head, tail = "# Benchmark results\n\n", document and f"\n{document}"
    return f"{head}{BEGIN}\n{measured}\n{END}{tail}"


def _save(results: dict) -> None:
    write_text(HERE / "results.json", json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    path = HERE / "results.md"
    write_text(
        path, updated(path.read_text(encoding="utf-8") if path.is_file() else "", to_markdown(results))
    )


if __name__ == "__main__":
    main(sys.argv[1:])
