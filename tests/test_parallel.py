"""The parallel build: byte-identical outputs whatever ``--jobs`` is (fork and spawn), the usable cores, the
workers of a notebook's computations, and the first failing report stopping the build with the serial build's
one line."""

import contextlib
import importlib
import multiprocessing
import operator
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from pathlib import Path

import psutil
import pytest
from cli import cli_build

from helpers import parallel, pipeline
from helpers.build import build, build_frames
from helpers.config import JOBS_ENV
from helpers.outputs import current
from helpers.store import write_table

ZJ, JS = "zhejiang_yongkang_2024", "jiangsu_suzhou_2023"
build_module = importlib.import_module("helpers.build")  # `helpers.build` the attribute is the function
COPIES = 3  # six reports: more than one chunk per worker, several per region


@pytest.fixture(scope="module")
def six(tmp_path_factory, write_manifest):
    folder = tmp_path_factory.mktemp("six")
    seeds = [(ZJ, "Zhejiang"), (JS, "Jiangsu")]
    return write_manifest(
        folder, [(f"{seed}_{i}", seed, region) for i in range(COPIES) for seed, region in seeds]
    )


@pytest.fixture(scope="module")
def serial_out(six, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial") / "processed"
    build(six, out, force=True, jobs=1)
    return out


@pytest.fixture(scope="module")
def serial(serial_out, hash_files):
    return hash_files(serial_out)


def test_two_jobs_give_byte_identical_outputs(six, serial, tmp_path, hash_files):
    build(six, tmp_path / "out", force=True, jobs=2)
    assert hash_files(tmp_path / "out") == serial


def test_spawned_workers_give_byte_identical_outputs(six, serial, tmp_path, hash_files, monkeypatch):
    """The start method of macOS and Windows: workers import everything afresh (no inherited state)."""
    spawn = multiprocessing.get_context("spawn")
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", partial(ProcessPoolExecutor, mp_context=spawn))
    build(six, tmp_path / "out", force=True, jobs=2)
    assert hash_files(tmp_path / "out") == serial


@pytest.mark.parametrize("jobs", [1, 2])
def test_chunks_and_batches_of_reports_give_byte_identical_outputs(
    six, serial, tmp_path, hash_files, monkeypatch, jobs
):
    """Reports are computed and encoded a chunk at a time (in the workers) and turned into pandas a batch at
    a time: chunks and batches of four (then two) give the same tables and cache entries as the serial
    build's chunks of one and batch of six."""
    monkeypatch.setattr(build_module, "BATCH_REPORTS", 4)
    monkeypatch.setattr(pipeline, "chunk_size", lambda n_reports, jobs: 4)
    build(six, tmp_path / "out", force=True, jobs=jobs)
    assert hash_files(tmp_path / "out") == serial


class _Executor:
    """A pool that computes nothing (a chunk's result is its reports) and counts the chunks submitted."""

    def __init__(self, workers, **kwargs):
        self.submitted = _Executor.submitted = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def submit(self, function, chunk, encoded):
        self.submitted.append(chunk)
        future = Future()
        future.set_result(chunk)
        return future

    def shutdown(self, cancel_futures=False):
        pass


def test_the_pool_works_a_bounded_number_of_chunks_ahead(monkeypatch):
    """Results wait in memory only ``AHEAD`` chunks per worker ahead of the one consumed, however slow the
    consumer: a corpus of 100 chunks has 1 + 2 × AHEAD chunks submitted when the first report arrives."""
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", _Executor)
    reports = list(range(100 * pipeline.CHUNK_REPORTS))
    results = pipeline.map_reports(reports, {}, jobs=2)
    assert next(results) == 0
    assert len(_Executor.submitted) == 1 + 2 * pipeline.AHEAD
    assert list(results) == reports[1:]


def test_one_chunk_goes_to_a_worker_when_jobs_exceed_one(monkeypatch):
    """Adding one report to a large corpus computes one chunk: in a worker, so this process never loads the
    segmenter (hundreds of MB it would keep through the cross-report statistics)."""
    monkeypatch.setattr(pipeline, "ProcessPoolExecutor", _Executor)
    assert list(pipeline.map_reports(["the one report"], {}, jobs=2)) == ["the one report"]
    assert _Executor.submitted == [["the one report"]]


def test_usable_cores_follow_the_affinity_mask():
    cores = parallel.usable_cores()
    assert 1 <= cores <= (len(os.sched_getaffinity(0)) if sys.platform == "linux" else cores)


def test_notebook_jobs_come_from_the_runner_else_the_cores(monkeypatch):
    monkeypatch.setenv(JOBS_ENV, "3")
    assert parallel.default_jobs() == 3
    monkeypatch.delenv(JOBS_ENV)
    assert parallel.default_jobs() == parallel.usable_cores()


def test_in_processes_keeps_the_order_computes_in_workers_and_raises_their_error():
    assert parallel.in_processes(partial(pow, 2), [5, 3, 1, 4], jobs=2) == [32, 8, 2, 16]
    pids = parallel.in_processes(operator.call, [os.getpid] * 4, jobs=2)
    assert os.getpid() not in pids and len(set(pids)) <= 2
    assert parallel.in_processes(operator.call, [os.getpid] * 2, jobs=1) == [os.getpid()] * 2
    with pytest.raises(ValueError, match="invalid literal"):
        parallel.in_processes(int, ["1", "x", "3"], jobs=2)


def test_first_failing_report_stops_the_pool_with_the_serial_line(six, serial_out, tmp_path, hash_files):
    """A binary file as the fourth of six reports under ``--strict``: the same single line and exit code with
    --jobs 1 and 2 (the CLI as a subprocess), previous outputs untouched."""
    lines = six.read_text(encoding="utf-8").splitlines()
    fields = lines[4].split(",")
    fields[1] = "broken.txt"
    lines[4] = ",".join(fields)
    manifest = six.parent / "manifest_broken.csv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (six.parent / "broken.txt").write_bytes(bytes(range(256)) * 40)
    out = shutil.copytree(serial_out, tmp_path / "processed")
    before = hash_files(out)
    runs = [cli_build(manifest, out, "--strict", "--jobs", jobs, timeout=300) for jobs in ("1", "2")]
    assert runs[0].returncode == runs[1].returncode == 2
    assert runs[0].stderr == runs[1].stderr
    assert runs[1].stderr.count("\n") == 1 and "broken.txt" in runs[1].stderr and "binary" in runs[1].stderr
    assert hash_files(out) == before


def test_tables_written_report_by_report_equal_the_tables_in_memory(six, serial_out, hash_files):
    """The build writes each report's tables as the report finishes and keeps only what the cross-report
    statistics read: every file is byte-identical to the whole table computed in memory, written at once."""
    frames = build_frames(six, jobs=1)
    with tempfile.TemporaryDirectory() as tmp:
        for name, frame in frames.items():
            write_table(frame, Path(tmp), name)
        in_memory = hash_files(Path(tmp))
    written = hash_files(current(serial_out))
    written = {name: digest for name, digest in written.items() if name.endswith((".csv", ".parquet"))}
    assert written == in_memory


def test_workers_exit_when_the_build_is_killed(six, tmp_path):
    """A build killed outright (out of memory, ``kill -9`` of the main process alone) leaves no worker behind:
    each worker exits when its parent is gone."""
    first = six.read_text(encoding="utf-8").splitlines()[1].split(",")[0]
    command = [sys.executable, "-m", "helpers", "build", "--manifest", str(six), "--out", str(tmp_path / "o")]
    env = {**os.environ, "HELPERS_KILL_AT": f"report:{first}"}
    proc = subprocess.Popen([*command, "--jobs", "2"], env=env, stderr=subprocess.DEVNULL)
    workers: set[psutil.Process] = set()
    while proc.poll() is None:
        with contextlib.suppress(psutil.NoSuchProcess):
            workers |= set(psutil.Process(proc.pid).children(recursive=True))
        time.sleep(0.05)
    assert proc.returncode == -9 and workers
    _, alive = psutil.wait_procs(workers, timeout=20)
    for worker in alive:
        worker.kill()
    assert not alive


def test_dask_bag_gives_byte_identical_outputs(six, serial, tmp_path, hash_files):
    """``--engine dask`` with Dask's local ``processes`` scheduler: the same tables, written by the same
    writer."""
    build(six, tmp_path / "out", force=True, jobs=2, engine="dask")
    assert hash_files(tmp_path / "out") == serial
