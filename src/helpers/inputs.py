"""The files a corpus is built with: its own beside the manifest, else the project's defaults.

A corpus folder (the folder of its ``manifest.csv``) may carry its own copies of the project's editable
inputs, under the same file names: ``userdict.txt`` (jieba user dictionary), ``stopwords_domain.txt``,
``themes.yml`` (the theme codebook) and ``theme_labels.csv`` (hand labels). Each one present replaces the
project's file of that name (``data/dictionaries/``, ``data/codebook/``, ``data/validation/``); each one
absent comes from the project. The build records the file it used for each, with its sha256, in
``build.json`` in the processed folder (:func:`record`), and notebooks read them from there
(:func:`helpers.processed_folder.input_file`).
"""

import hashlib
from pathlib import Path

from .config import CODEBOOK, DOMAIN_STOPWORDS, THEME_LABELS, USER_DICT

DEFAULTS = {
    "userdict": USER_DICT,
    "stopwords": DOMAIN_STOPWORDS,
    "codebook": CODEBOOK,
    "labels": THEME_LABELS,
}


def corpus_inputs(manifest: Path, codebook: Path | None = None) -> dict[str, Path]:
    """Input name → file: beside ``manifest`` if there, else the project default; an explicit
    ``codebook`` (``--codebook``) wins over both."""
    folder = Path(manifest).resolve().parent
    found = {name: folder / d.name if (folder / d.name).is_file() else d for name, d in DEFAULTS.items()}
    if codebook is not None:
        found["codebook"] = Path(codebook)
    return found


def sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks ("" if it does not exist)."""
    if not Path(path).is_file():
        return ""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record(manifest: Path, inputs: dict[str, Path]) -> dict:
    """What ``build.json`` stores about the inputs: the manifest and every input file (absolute path,
    sha256, and whether it came from the corpus folder, the project's defaults or an option)."""

    def origin(name: str, path: Path) -> str:
        if path.resolve() == DEFAULTS[name].resolve():
            return "project"
        return "corpus folder" if path.resolve().parent == Path(manifest).resolve().parent else "option"

    return {
        "manifest": {"path": str(Path(manifest).resolve()), "sha256": sha256(manifest)},
        "inputs": {
            name: {"path": str(path.resolve()), "sha256": sha256(path), "from": origin(name, path)}
            for name, path in inputs.items()
        },
    }
