"""``benchmarks/run.py`` rewrites only the measured part of ``results.md``; sections written by hand stay."""

import importlib.util

import pytest

from helpers.config import PROJ_ROOT

BENCHMARKS = PROJ_ROOT / "benchmarks"
HAND_WRITTEN = "\n\n## Where the time goes (profiled)\n\nWritten by hand: 47 % in `save_figure`.\n"


def _load_run(monkeypatch):
    """benchmarks/run.py as a module (it imports its sibling modules from its folder)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location("bench_run", BENCHMARKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def run(monkeypatch, tmp_path):
    """benchmarks/run.py writing its results into ``tmp_path``."""
    module = _load_run(monkeypatch)
    monkeypatch.setattr(module, "HERE", tmp_path)
    return module


def _results(ratio: float) -> dict:
    machine = {"cpus": 2, "load_average_1min": 3.5}
    return {
        "machine": machine,
        "notebooks": {"notebooks": 7, "real_s": 90 * ratio, "floor_s": 90, "ratio": ratio},
    }


def test_a_run_replaces_the_measured_table_and_keeps_the_hand_written_sections(run, tmp_path):
    run._save(_results(1.70))
    path = tmp_path / "results.md"
    path.write_text(path.read_text(encoding="utf-8") + HAND_WRITTEN, encoding="utf-8")
    run._save(_results(1.42))
    text = path.read_text(encoding="utf-8")
    assert "| 1.42× (127.8 s vs 90.0 s) |" in text and "1.70×" not in text
    assert text.endswith(run.END + HAND_WRITTEN)
    assert text.count("# Benchmark results") == 1 and text.count(run.BEGIN) == 1


def test_a_file_without_the_markers_is_kept_below_the_measured_part(run, tmp_path):
    old = "# Notes written before the markers existed\n\nkept word for word\n"
    (tmp_path / "results.md").write_text(old, encoding="utf-8")
    run._save(_results(1.5))
    text = (tmp_path / "results.md").read_text(encoding="utf-8")
    assert text.startswith("# Benchmark results\n\n" + run.BEGIN) and text.endswith(run.END + "\n" + old)


def test_the_committed_results_have_both_markers_in_order(monkeypatch):
    run = _load_run(monkeypatch)
    text = (BENCHMARKS / "results.md").read_text(encoding="utf-8")
    assert 0 < text.index(run.BEGIN) < text.index(run.END) < text.index("## Notebooks")
