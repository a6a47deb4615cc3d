"""The theme codebook (``data/codebook/themes.yml``): loading, validation and matching one sentence.

A theme codes a sentence when one of its ``include`` patterns matches and the match is not vetoed, i.e.
does not overlap a match of one of its ``exclude`` patterns (so 学习 inside 学习领会 is vetoed, 学习
elsewhere in the same sentence still counts). Patterns are regular expressions in Python's syntax,
case-insensitive, matched by the ``regex`` package with a time limit: a pattern that backtracks
catastrophically (nested quantifiers such as ``(a|aa)+$``) stops the build with one line naming its theme
instead of hanging it. A sentence is first screened with one search for all of a theme's include patterns
as an alternation: most sentences match none, and then no pattern is run on its own (nor any exclude).
Many sentences (a report's) are matched at once by :meth:`Theme.spans_in`, one search per pattern over
all of them, when that is sure to find what matching them one by one finds.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate
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
# What matches differently in a sentence alone and inside several joined (see ``Theme.spans_in``): anchors
# and word boundaries (^ $ \A \b \B \G \K \m \M \z \Z), inline flags, conditionals; lookarounds ((?= (?!
# (?<= (?<!) only when what they look for could match the ``JOIN`` between sentences (see ``_MAY_CROSS``).
# ``\\.`` and ``[^`` are read first so that an escaped character or a negated class is not taken for these.
_POSITIONAL = re.compile(r"\\[AbBGKmMzZ]|\\.|\[\^|[\^$]|\(\?(?:[:>#]|<?[=!]|P?<[A-Za-z_])?")
# What may match a line break inside a lookaround: a negated class, an escape other than \d and \w, a dot
# (under an inline flag), a nested group with options. Conservative.
_MAY_CROSS = re.compile(r"\[\^|\\[^dw]|\.|\(\?")
JOIN = "\n"  # between the sentences matched at once
JOINED_TEXTS = 1_000  # sentences matched at once, at most


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
        found = self._spans_of(self.include, text)
        return _resolved(found, self._spans_of(self.exclude, text) if any(e > s for s, e in found) else [])

    def spans_in(self, texts: list[str]) -> list[list[tuple[int, int]]]:
        """``[self.spans(text) for text in texts]``, faster: up to ``JOINED_TEXTS`` texts are joined with
        ``JOIN`` and each pattern searched once over them. That finds in each text what matching it alone
        finds when no pattern looks at what surrounds a match (no anchor, word boundary or inline flag, no
        lookaround that could see a ``JOIN``) and no match crosses from one text into the next or is empty;
        otherwise (or on a timeout) those texts are matched one by one."""
        out: list[list[tuple[int, int]]] = []
        for i in range(0, len(texts), JOINED_TEXTS):
            part = texts[i : i + JOINED_TEXTS]
            joined = self._joined_spans(part) if self._position_free else None
            out += [self.spans(text) for text in part] if joined is None else joined
        return out

    @cached_property
    def _position_free(self) -> bool:
        """Whether no pattern looks at what surrounds a match (see ``_POSITIONAL``)."""
        return all(_position_free(p.pattern) for p in self.include + self.exclude)

    def _joined_spans(self, texts: list[str]) -> list[list[tuple[int, int]]] | None:
        """:meth:`spans_in` of ``texts`` from searches over them joined (the screen over all, each pattern
        over those the screen finds), or None when a match crosses a text's end, is empty or times out."""
        try:
            if self._screen is None:
                screened = range(len(texts))
            else:
                found = _located((self._screen,), texts, empty=True)
                if found is None:
                    return None
                screened = sorted(found)
            part = [texts[i] for i in screened]
            found = _located(self.include, part)
            vetoes = _located(self.exclude, part) if found else {}
        except TimeoutError:
            return None
        if found is None or vetoes is None:
            return None
        spans: list[list[tuple[int, int]]] = [[] for _ in texts]
        for j, i in enumerate(screened):
            if j in found:
                spans[i] = _resolved(found[j], vetoes.get(j, []))
        return spans

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


def _position_free(pattern: str) -> bool:
    """Whether ``pattern`` matches a text alone as it matches it between others joined with ``JOIN``, as
    long as no match crosses the ``JOIN`` (see ``_POSITIONAL``)."""
    for m in _POSITIONAL.finditer(pattern):
        t = m.group()
        if t in ("^", "$", "(?") or (t[0] == "\\" and t[1] in "AbBGKmMzZ"):
            return False
        if t[-1] in "=!" and _MAY_CROSS.search(_group_body(pattern, m.end())):
            return False
    return True


def _group_body(pattern: str, start: int) -> str:
    """The text of the group that opens just before ``start``, up to its closing parenthesis."""
    depth, i = 1, start
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 1
        elif c == "[":  # to the class's end: a ] first in it is literal, \] is escaped
            i += 2 if pattern.startswith("[^", i) else 1
            i += pattern.startswith("]", i)
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif c in "()":
            depth += 1 if c == "(" else -1
            if depth == 0:
                return pattern[start:i]
        i += 1
    return pattern[start:]


def _resolved(found: list[tuple[int, int]], vetoes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The non-empty include spans ``found`` that no veto overlaps, in order, overlapping ones merged."""
    kept = sorted((s, e) for s, e in found if e > s and not any(s < ve and vs < e for vs, ve in vetoes))
    merged: list[tuple[int, int]] = []
    for start, end in kept:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _located(
    patterns: tuple[regex.Pattern, ...], texts: list[str], empty: bool = False
) -> dict[int, list[tuple[int, int]]] | None:
    """Every match of each pattern in ``texts`` joined with ``JOIN``, as text number → spans within it, or
    None when one does not lie within one text or (unless ``empty``) is empty."""
    starts = [0, *accumulate(len(text) + len(JOIN) for text in texts[:-1])]
    joined = JOIN.join(texts)
    found: dict[int, list[tuple[int, int]]] = {}
    for pattern in patterns:
        for m in pattern.finditer(joined, timeout=MATCH_TIMEOUT):
            s, e = m.span()
            i = bisect_right(starts, s) - 1
            if (e == s and not empty) or e > starts[i] + len(texts[i]):
                return None
            found.setdefault(i, []).append((s - starts[i], e - starts[i]))
    return found


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
