"""Traditional → simplified conversion per report convention: OpenCC with a project phrase dictionary.

A manifest's ``script`` names the convention: ``traditional_tw`` (Taiwan forms, OpenCC ``tw2s``),
``traditional_hk`` (Hong Kong forms, ``hk2s``) or ``traditional`` (which of the two is decided per report by
:func:`detect_convention`). No OpenCC configuration resolves every one-to-many character: ``tw2s`` converts
看著→看着 and 著力→着力 but turns authorship 原著/編著 into 原着/编着, while ``t2s``/``hk2s`` keep those
but leave 看著. So each convention runs OpenCC's own configuration with
``data/dictionaries/script_phrases.txt`` layered in front of OpenCC's phrase dictionaries in both steps of
its conversion chain (a custom OpenCC configuration written to the system temp folder, since OpenCC needs
absolute paths to its dictionaries) — never string patches after conversion. Phrases win over OpenCC's
variant and character tables; longest match first.
"""

import hashlib
import json
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np

from .config import DICT_DIR
from .errors import InputError
from .io import write_text
from .textio import read_text

SCRIPT_PHRASES = DICT_DIR / "script_phrases.txt"
BASE_CONFIG = {"traditional_tw": "tw2s", "traditional_hk": "hk2s"}
# Evidence for a convention: its own variants present (X→traditional changes them) and the other's absent
# (traditional→other would change them), counted with OpenCC's variant tables.
DETECT = {"traditional_hk": ("hk2t", "t2tw"), "traditional_tw": ("tw2t", "t2hk")}


def read_phrases(path: Path = SCRIPT_PHRASES) -> dict[str, str]:
    """``traditional → simplified`` phrases (``traditional simplified`` per line, ``#`` comments)."""
    phrases = {}
    for n, line in enumerate(read_text(path).split("\n"), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2 or len(parts[0]) != len(parts[1]):
            raise InputError(
                path,
                f"line {n} is not `traditional simplified` of equal length: {line!r}",
                "write e.g. `原著 原著`",
            )
        phrases[parts[0]] = parts[1]
    return phrases


@cache
def _config_file(convention: str, path: Path = SCRIPT_PHRASES) -> str:
    """Write the custom OpenCC config (and the phrases as an OpenCC text dictionary) once per content.

    The folder is named by a hash of everything written into it, and each file is written atomically and
    only when absent, so parallel build workers never read a half-written dictionary."""
    import opencc

    share = Path(opencc.__file__).parent / "clib" / "share" / "opencc"
    phrases = "".join(f"{t}\t{s}\n" for t, s in sorted(read_phrases(path).items()))
    config = json.loads((share / f"{BASE_CONFIG[convention]}.json").read_text(encoding="utf-8"))
    key = hashlib.sha256((phrases + json.dumps(config) + str(share)).encode()).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"two-new-opencc-{key}"
    project = {"type": "text", "file": str(folder / "phrases.txt")}

    def absolute(d: dict) -> dict:
        if d.get("type") == "group":
            return {**d, "dicts": [absolute(x) for x in d["dicts"]]}
        return {**d, "file": str(share / d["file"])}

    config["normalization"] = [{"dict": absolute(step["dict"])} for step in config.get("normalization", [])]
    config["segmentation"]["dict"] = absolute(config["segmentation"]["dict"])
    config["conversion_chain"] = [
        {"dict": {**(g := absolute(step["dict"])), "dicts": [project, *g["dicts"]]}}
        for step in config["conversion_chain"]
    ]
    target = folder / f"{convention}.json"
    for file, text in ((folder / "phrases.txt", phrases), (target, json.dumps(config, ensure_ascii=False))):
        if not file.is_file():
            write_text(file, text)
    return str(target)


@cache
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, convention: str = "traditional_tw") -> str:
    """``text`` in simplified script, converted with the project configuration of ``convention``."""
    if convention == "traditional":
        convention = detect_convention(text)
    return _converter(_config_file(convention)).convert(text)


def detect_convention(text: str) -> str:
    """``traditional_hk`` when ``text`` shows more Hong Kong variant forms (衞 綫 啓 裏, particle 着 …) than
    Taiwan ones (衛 線 啟 裡, particle 著 …), else ``traditional_tw`` (the default, also for a tie).

    Evidence counted with OpenCC's variant tables: characters ``hk2t`` changes or ``t2tw`` would change
    speak for Hong Kong; characters ``tw2t`` changes or ``t2hk`` would change speak for Taiwan.
    """
    changed = {
        convention: sum(_changed(text, _converter(name).convert(text)) for name in names)
        for convention, names in DETECT.items()
    }
    return "traditional_hk" if changed["traditional_hk"] > changed["traditional_tw"] else "traditional_tw"


def _changed(text: str, converted: str) -> int:
    """Positions (up to the shorter length) where the two texts differ."""
    a, b = (np.frombuffer(t.encode("utf-32-le", "surrogatepass"), dtype=np.uint32) for t in (text, converted))
    n = min(len(a), len(b))
    return int((a[:n] != b[:n]).sum())


def leftover_traditional(text: str) -> Counter:
    """Characters of a converted text that OpenCC ``t2s`` would still change on their own (traditional
    forms left, e.g. kept by a phrase such as 乾隆), with their counts: reported in the audit trail."""
    return Counter({c: text.count(c) for c in sorted(set(text)) if _t2s_changes(c)})


@cache
def _t2s_changes(char: str) -> bool:
    return _converter("t2s").convert(char) != char
