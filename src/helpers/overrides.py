"""Per-report overrides, for the rare page no reader rule reads right: ``overrides.yml`` beside the manifest.

One entry per report (its ``report_id``), each key optional::

    cx2024:
      title: 社区“两新”党建联盟签约成立   # the report's title: replaces the one found, or adds one
      drop:                              # text that is not part of the report
        - 扫码关注我们
      merge:                             # paragraphs to join onto the body paragraph before them
        - 座谈中，大家畅所欲言

Texts are written as ``blocks.csv`` shows them (normalized, simplified script); spaces are ignored when
matching. ``drop``: a block whose whole text it is becomes ``boilerplate``; text inside a block is cut out.
``merge``: the body paragraph that starts with it is joined onto the body paragraph before it.

Overrides are applied after normalization, each recorded in the normalization log (step ``override``:
before, after); one that finds nothing to change is a reader warning (``override not applied: …``). A
``report_id`` that is not in the manifest, an unknown key, a value of the wrong shape or bad YAML is an
InputError naming the file. The seeds and the test fixtures need none.
"""

from itertools import pairwise
from pathlib import Path

import yaml

from .audit import AuditLog
from .errors import InputError
from .readers.common import Block
from .textio import read_text

OVERRIDES = "overrides.yml"  # beside the manifest
KEYS = {"title": str, "drop": list, "merge": list}


def load_overrides(path: Path, report_ids: list[str]) -> dict[str, dict]:
    """report_id → its overrides, from the YAML file at ``path`` ({} when there is no such file)."""
    path = Path(path)
    if not path.is_file():
        return {}
    fix = f"see the format in the README's section on adding reports, or delete {path.name}"
    try:
        data = yaml.safe_load(read_text(path)) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise InputError(path, f"not valid YAML{where}", fix) from None
    if not isinstance(data, dict):
        raise InputError(path, "not a mapping of report_id → overrides", fix)
    for report_id, entry in data.items():
        if str(report_id) not in report_ids:
            raise InputError(path, f"report_id {report_id!r} is not in the manifest", "correct or remove it")
        if not isinstance(entry, dict):
            raise InputError(path, f"{report_id}: not a mapping of overrides", fix)
        for key, value in entry.items():
            if key not in KEYS:
                raise InputError(path, f"{report_id}: unknown key {key!r}", f"use {', '.join(KEYS)}")
            texts = [value] if key == "title" else value
            if not isinstance(value, KEYS[key]) or not all(isinstance(v, str) for v in texts):
                shape = "a text" if key == "title" else "a list of texts"
                raise InputError(path, f"{report_id}: `{key}` must be {shape}", fix)
    return {str(k): v for k, v in data.items()}


def apply_overrides(blocks: list[Block], overrides: dict, log: AuditLog) -> list[Block]:
    """``blocks`` with ``overrides`` (one report's entry of :func:`load_overrides`) applied, logged."""
    blocks = list(blocks)
    if "title" in overrides:
        _set_title(blocks, overrides["title"].strip(), log)
    for text in overrides.get("drop", []):
        if not _drop(blocks, _squash(text), log):
            log.add("warning", f"override not applied: drop {text}", "")
    for start in overrides.get("merge", []):
        if not _merge(blocks, _squash(start), log):
            log.add("warning", f"override not applied: merge {start}", "")
    return blocks


def _squash(text: str) -> str:
    return "".join(text.split())


def _set_title(blocks: list[Block], title: str, log: AuditLog) -> None:
    old = next((b for b in blocks if b.kind == "title"), None)
    log.add("override", old.text if old else "", title)
    if old:
        old.text = title
    else:
        blocks.insert(0, Block("title", title, []))


def _drop(blocks: list[Block], text: str, log: AuditLog) -> bool:
    for block in blocks:
        if block.kind == "boilerplate" or text not in _squash(block.text):
            continue
        if _squash(block.text) == text:
            log.add("override", block.text, "boilerplate")
            block.kind = "boilerplate"
        else:
            cut = _cut(block.text, text)
            log.add("override", block.text, cut)
            block.text = cut
        return True
    return False


def _cut(text: str, squashed: str) -> str:
    """``text`` without the first occurrence of ``squashed`` (matched ignoring spaces)."""
    keep = [i for i, c in enumerate(text) if not c.isspace()]
    start = _squash(text).index(squashed)
    return (text[: keep[start]] + text[keep[start + len(squashed) - 1] + 1 :]).strip()


def _merge(blocks: list[Block], start: str, log: AuditLog) -> bool:
    body = [i for i, b in enumerate(blocks) if b.kind == "body"]
    for before, i in pairwise(body):
        if _squash(blocks[i].text).startswith(start):
            joined = blocks[before].text + blocks[i].text
            log.add("override", blocks[i].text, joined)
            blocks[before].text = joined
            blocks[before].lines += blocks[i].lines
            del blocks[i]
            return True
    return False
