"""Versioned output folders where the platform gets in the way, simulated on any OS: directories that
cannot be renamed (network drives, Windows with a file open inside), a pointer file a reader holds open
for a moment (Windows refuses to replace it), a version folder that cannot be deleted yet (a table open in
Excel). Readers always find one complete version; leftovers go at the next run that holds the lock."""

import os
from pathlib import Path

import pytest

from helpers import outputs
from helpers.outputs import LOCK, POINTER, OutputSet, current


def write_version(outset: OutputSet, text: str) -> None:
    with outset.locked(timeout=5), outset.new_version() as folders:
        for folder in folders.values():
            (folder / "table.csv").write_text(text, encoding="utf-8")


def visible(root: Path) -> str:
    return (current(root) / "table.csv").read_text(encoding="utf-8")


@pytest.fixture
def outset(tmp_path) -> OutputSet:
    root = tmp_path / "processed"
    outset = OutputSet(root, {root: ("*.csv",)})
    write_version(outset, "first")
    return outset


@pytest.fixture
def no_directory_renames(monkeypatch):
    """Every rename of a directory fails, as on a network drive or on Windows with a file open inside."""
    real_replace, real_rename = os.replace, os.rename

    def refuse(real):
        def move(src, dst, *args, **kwargs):
            if os.path.isdir(src):
                raise PermissionError(13, "directory cannot be renamed", str(src))
            return real(src, dst, *args, **kwargs)

        return move

    monkeypatch.setattr(os, "replace", refuse(real_replace))
    monkeypatch.setattr(os, "rename", refuse(real_rename))


def test_new_versions_never_rename_a_directory(outset, no_directory_renames):
    root = outset.roots[0]
    write_version(outset, "second")
    assert visible(root) == "second"
    assert sorted(p.name for p in root.iterdir()) == sorted([POINTER, LOCK, "v2"])


def test_a_pointer_held_open_for_a_moment_is_replaced_after_retries(outset, monkeypatch):
    real, refused = outputs.write_text, []

    def held_open(path, text):
        if Path(path).name == POINTER and len(refused) < 3:
            refused.append(path)
            raise PermissionError(13, "the process cannot access the file", str(path))
        return real(path, text)

    monkeypatch.setattr(outputs, "write_text", held_open)
    write_version(outset, "second")
    assert len(refused) == 3 and visible(outset.roots[0]) == "second"


def test_a_pointer_held_open_for_good_fails_and_leaves_the_previous_version(outset, monkeypatch):
    def held_open(path, text):
        raise PermissionError(13, "the process cannot access the file", str(path))

    monkeypatch.setattr(outputs, "write_text", held_open)
    monkeypatch.setattr(outputs, "_REPLACE_RETRIES", 3)
    root = outset.roots[0]
    with pytest.raises(PermissionError):
        write_version(outset, "second")
    assert visible(root) == "first"
    assert sorted(p.name for p in root.iterdir()) == sorted([POINTER, LOCK, "v1"])  # v2 removed


def test_a_version_that_cannot_be_deleted_yet_goes_at_the_next_run(outset, monkeypatch):
    root = outset.roots[0]
    real = outputs._remove
    monkeypatch.setattr(outputs, "_remove", lambda path: None)  # every deletion refused (files held open)
    write_version(outset, "second")
    assert visible(root) == "second"
    assert (root / "v1").is_dir()  # still there, and not in the way
    monkeypatch.setattr(outputs, "_remove", real)
    write_version(outset, "third")
    assert visible(root) == "third"
    assert sorted(p.name for p in root.iterdir()) == sorted([POINTER, LOCK, "v3"])
