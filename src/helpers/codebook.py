"""The theme codebook (``data/codebook/themes.yml``): loading, validation and matching one sentence.

A theme codes a sentence when one of its ``include`` patterns matches and the match is not vetoed, i.e.
does not overlap a match of one of its ``exclude`` patterns (so 学习 inside 学习领会 is vetoed, 学习
elsewhere in the same sentence still counts). Patterns are regular expressions in Python's syntax,
case-insensitive, matched by the ``regex`` package with a time limit: a pattern that backtracks
catastrophically (nested quantifiers such as ``(a|aa)+$``) stops the build with one line naming its theme
instead of hanging it. A sentence is first screened with one search for all of a theme's include patterns
as an alternation: most sentences match none, and then no pattern is run on its own (nor any exclude).
"""

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import regex
import yaml

from .errors import InputError
from .textio import read_text

MATCH_TIMEOUT = 1.0  # seconds one pattern may take on one sentence

REQUIRED_THEMES = ("integration", "digitization", "talent")
FIELDS = ("id", "label_en", "label_zh", "definition", "include", "exclude", "examples")
_TEXT_FIELDS = ("label_en", "label_zh", "definition")
_ID = re.compile(r"[a-z][a-z0-9_]*")
_FLAGS = regex.IGNORECASE | regex.V0
# What may mean something else inside an alternation of patterns: a backreference (\1, \g<name>), group
# recursion or a conditional ((?1), (?&name), (?P>name), (?(1)…)), an inline flag applying to the whole
# pattern ((?x)). Conservative: a pattern that only looks like one is not screened either.
_SCREEN_UNSAFE = re.compile(r"\\[1-9gk]|\(\?(?![:=!#>]|<[=!]|P?<[A-Za-z_])")


@dataclass(frozen=True)
class Theme:
    id: str
    label_en: str
    label_zh: str
    definition: str
    include: tuple[regex.Pattern, ...]
    exclude: tuple[regex.Pattern, ...]
    examples: tuple[str, ...]
    codebook: str = "codebook"  # the file it came from, for messages

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Character spans of the include matches that no exclude match overlaps, in order; overlapping
        matches of different patterns (能力 and 能力素质) are merged into one span, i.e. one hit."""
        if not self._may_match(text):
            return []
        found = sorted((s, e) for s, e in self._spans_of(self.include, text) if e > s)
        if found and self.exclude:
            vetoes = self._spans_of(self.exclude, text)
            found = [(s, e) for s, e in found if not any(s < ve and vs < e for vs, ve in vetoes)]
        merged: list[tuple[int, int]] = []
        for start, end in found:
            if merged and start < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    @cached_property
    def _screen(self) -> regex.Pattern | None:
        """All include patterns as one alternation: no match of it anywhere in a sentence means no include
        pattern matches there. None when a pattern could change meaning inside it (a backreference, group
        recursion, a global inline flag: see ``_SCREEN_UNSAFE``)."""
        if any(_SCREEN_UNSAFE.search(p.pattern) for p in self.include):
            return None
        try:
            return regex.compile("|".join(f"(?:{p.pattern})" for p in self.include), _FLAGS)
        except regex.error:
            return None

    def _may_match(self, text: str) -> bool:
        """False only when no include pattern matches ``text`` (one search instead of one per pattern); a
        screen that times out says True, and the pattern-by-pattern matching then names the culprit."""
        if self._screen is None:
            return True
        try:
            return self._screen.search(text, timeout=MATCH_TIMEOUT) is not None
        except TimeoutError:
            return True

    def _spans_of(self, patterns: tuple[regex.Pattern, ...], text: str) -> list[tuple[int, int]]:
        """The spans of every match of each pattern in ``text``, pattern by pattern."""
        spans: list[tuple[int, int]] = []
        try:
            for pattern in patterns:
                spans += [m.span() for m in pattern.finditer(text, timeout=MATCH_TIMEOUT)]
            return spans
        except TimeoutError:
            raise InputError(
                self.codebook,
                f"theme {self.id!r}: pattern {pattern.pattern!r} took over {MATCH_TIMEOUT:g} s on one "
                f"sentence (catastrophic backtracking: {text[:30]!r}…)",
                "rewrite it without a repeated group whose alternatives overlap, e.g. (a|aa)+ → a+",
            ) from None

    def matched_terms(self, text: str, spans: list[tuple[int, int]] | None = None) -> list[str]:
        """The distinct matched strings, in order of first appearance (``spans``: its spans, if known)."""
        return list(dict.fromkeys(text[s:e] for s, e in (self.spans(text) if spans is None else spans)))


def load_codebook(path: Path) -> list[Theme]:
    """Read and validate the codebook; any problem raises one ``InputError`` naming the theme and field."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            path, "codebook not found", "pass --codebook PATH or restore data/codebook/themes.yml"
        )
    try:
        data = yaml.safe_load(read_text(path))
    except yaml.YAMLError as err:
        where = getattr(err, "problem_mark", None)
        line = f" at line {where.line + 1}" if where else ""
        raise InputError(path, f"is not valid YAML{line}", "check indentation and quoting there") from None
    entries = data.get("themes") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError(
            path, "has no `themes:` list", "start the file with `themes:` and one `- id: …` per theme"
        )
    themes: list[Theme] = []
    for number, entry in enumerate(entries, 1):
        theme = _theme(path, number, entry)
        if any(t.id == theme.id for t in themes):
            raise InputError(
                path, f"theme {theme.id!r}: field `id` is duplicated", "give every theme its own id"
            )
        themes.append(theme)
    missing = [t for t in REQUIRED_THEMES if t not in {x.id for x in themes}]
    if missing:
        raise InputError(
            path, f"required theme(s) {', '.join(missing)} missing (field `id`)", "restore these themes"
        )
    return themes


def _theme(path: Path, number: int, entry) -> Theme:
    name = f"theme #{number}"
    if not isinstance(entry, dict):
        raise InputError(path, f"{name} is not a mapping of fields", "write `- id: …` then the other fields")
    raw_id = entry.get("id")
    if not isinstance(raw_id, str) or not _ID.fullmatch(raw_id):
        raise InputError(
            path, f"{name}: field `id` is missing or not snake_case ({raw_id!r})", "use e.g. `id: talent`"
        )
    name = f"theme {raw_id!r}"

    def fail(field: str, problem: str, fix: str):
        raise InputError(path, f"{name}: field `{field}` {problem}", fix)

    unknown = sorted(set(entry) - set(FIELDS))
    if unknown:
        fail(unknown[0], "is not a codebook field", f"use only {', '.join(FIELDS)}")
    for field in _TEXT_FIELDS:
        if not isinstance(entry.get(field), str) or not entry[field].strip():
            fail(field, "is missing or empty", "write it as one line of text")
    lists = {}
    for field in ("include", "exclude", "examples"):
        value = entry.get(field, [])
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            fail(
                field, "must be a list of non-empty strings", f"write `{field}:` with one `- …` line per item"
            )
        lists[field] = value
    if not lists["include"]:
        fail("include", "is empty", "list at least one term or pattern")
    return Theme(
        id=raw_id,
        label_en=entry["label_en"].strip(),
        label_zh=entry["label_zh"].strip(),
        definition=" ".join(entry["definition"].split()),
        include=tuple(_compile(p, "include", fail) for p in lists["include"]),
        exclude=tuple(_compile(p, "exclude", fail) for p in lists["exclude"]),
        examples=tuple(lists["examples"]),
        codebook=str(path),
    )


def _compile(pattern: str, field: str, fail) -> regex.Pattern:
    try:
        return regex.compile(pattern, _FLAGS)
    except regex.error as err:
        fail(field, f"has an invalid regular expression {pattern!r} ({err})", "fix or quote the pattern")
