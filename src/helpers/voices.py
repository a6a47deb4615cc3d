"""Voices: quoted and reported speech with its speaker, and a typology of who speaks.

Build output (stage :func:`voices_stage`), ``quotes.csv`` — one row per stretch of speech, in reading order:

- ``report_id``
- ``quote_id`` — 0.. per report, in reading order.
- ``sentence_ids`` — the sentences holding the speech, ``|``-joined (a direct quote can span several).
- ``speaker`` — the person's name as written ("" when the text names nobody).
- ``role`` — the position(s) written before the name, e.g. ``党支部书记`` or ``副部长、市委党建办主任``;
  when the speech names only the person (李棠说), taken from the first mention of that name with a position.
- ``organisation`` — what is written before the role, e.g. ``超人科技股份有限公司`` (same fallback as
  ``role``).
- ``speech_verb`` — 说 / 表示 / 介绍 / 强调 / 深有感触 …
- ``direct`` — True for text inside “…”, False for reported speech after the verb (孙晓华表示，开展……).
- ``text`` — the quoted words (direct) or the rest of the sentence after the verb (indirect).
- ``themes`` — themes of the speech sentences from ``sentence_themes`` (``|``-joined, first appearance order);
  empty when the theme stage has not run.
- ``speaker_type`` — :func:`speaker_type`: official / enterprise / expert / other / unattributed.

Rules. A “…” span is *speech* when it ends in sentence-final punctuation (。！？…) or a speaker+verb is
written right after it; shorter, unpunctuated quotes (“双亮”, “党建+信用”) are terms (see ``practices``).
The speaker of a direct quote is found (1) after the closing mark, in the next clause(s) of the same paragraph
(“……。”超人科技股份有限公司党支部书记李棠说。 / “……。”11月11日，……，陈琳婷强调…), or (2) before the opening
mark in the same sentence (江汉说，“……”). Reported speech is a sentence with ``<name><verb>`` followed by
words that are not a quote; it covers the rest of that one sentence. Names are jieba ``nr`` tokens (the user
dictionary lists the reports' people) or, failing that, the two or three characters after a position word.
"""

import re
from functools import cache

import pandas as pd

from .chars import HAN
from .segment import pos_tokens

Frames = dict[str, pd.DataFrame]
COLUMNS = [
    "report_id",
    "quote_id",
    "sentence_ids",
    "speaker",
    "role",
    "organisation",
    "speech_verb",
    "direct",
    "text",
    "themes",
    "speaker_type",
]

QUOTE = re.compile(r"“([^“”]*)”")
SPEECH_END = tuple("。！？…!?")
VERB = r"(?:也|还|则|又)?(?P<verb>深有感触|表示|介绍|强调|认为|指出|谈到|坦言|感慨|说)"
# Position words: the role starts at the first of these in an attribution phrase (org = what precedes).
ROLE_START = re.compile(
    r"“?两新”?工委|党支部|党总支|党委|党工委|工委|副|院长|研究员|教授|主任|部长|局长|书记|委员|主席|总监|总裁"
    r"|经理|董事|组织员|负责人|专家|学者|老师|讲师"
)
OFFICIAL = r"工委|组织部|市委|区委|县委|局|政府|管委会|开发区|园区|保税区|高新区|街道"
CLAUSE_END = "，。：；！？"
MAX_PHRASE = 45  # longest org + role + name before a verb


def is_speech(inner: str, attributed_after: bool) -> bool:
    """Is the quoted ``inner`` text speech (vs a quoted term)? See the module rules."""
    return inner.endswith(SPEECH_END) or (attributed_after and len(inner) >= 8)


@cache
def _names_in(phrase: str) -> list[str]:
    return [w for w, flag in pos_tokens(phrase) if flag == "nr" and len(w) >= 2]


def split_attribution(phrase: str) -> tuple[str, str, str] | None:
    """``(organisation, role, name)`` of a phrase written before a speech verb, or None if no name ends it.

    >>> split_attribution("超人科技股份有限公司党支部书记李棠")
    ('超人科技股份有限公司', '党支部书记', '李棠')
    """
    phrase = phrase.strip()
    names = _names_in(phrase)
    if names and phrase.endswith(names[-1]):
        name = names[-1]
    else:
        roles = list(ROLE_START.finditer(phrase))
        tail = phrase[roles[-1].end() :] if roles else ""
        if not re.fullmatch(rf"[{HAN}]{{2,3}}", tail):
            return None
        name = tail
    head = phrase[: len(phrase) - len(name)]
    if len(head) > MAX_PHRASE or any(c in head for c in "，。"):
        return None
    start = ROLE_START.search(head)
    cut = start.start() if start else len(head)
    return head[:cut], head[cut:], name


def _clause_before(text: str, end: int) -> str:
    """The clause of ``text`` that ends at ``end`` (back to the previous clause mark)."""
    start = max(text.rfind(c, 0, end) for c in CLAUSE_END) + 1
    return text[start:end].lstrip("”")


def attribution_after(text: str) -> tuple[str, str, str, str] | None:
    """``(org, role, name, verb)`` when ``text`` (what follows a quote) names a speaker in its first sentence.

    The speaker may come after introductory clauses (a date, 在……上) but within the first sentence.
    """
    sentence = re.split(r"(?<=[。！？])", text, maxsplit=1)[0]
    for m in re.finditer(VERB, sentence):
        parts = split_attribution(_clause_before(sentence, m.start()))
        if parts:
            return (*parts, m["verb"])
    return None


def attribution_before(text: str) -> tuple[str, str, str, str] | None:
    """``(org, role, name, verb)`` when ``text`` (what precedes a quote) ends with ``<speaker><verb>，``."""
    m = re.search(VERB + r"[，：:]?$", text)
    if not m:
        return None
    parts = split_attribution(_clause_before(text, m.start()))
    return (*parts, m["verb"]) if parts else None


def _profiles(text: str, names: set[str]) -> dict[str, tuple[str, str]]:
    """First ``(organisation, role)`` written before each name anywhere in the report."""
    found = {}
    for name in names:
        for m in re.finditer(re.escape(name), text):
            parts = split_attribution(_clause_before(text, m.start()) + name)
            if parts and parts[1]:
                found[name] = parts[:2]
                break
    return found


def speaker_type(speaker: str, role: str, organisation: str) -> str:
    """official / enterprise / expert / other / unattributed, from the role and organisation words.

    expert: researcher, professor, expert, teacher; enterprise: a company (公司 集团 控股 企业) or a
    business/Party post inside one (党委书记 of 陶氏化学, 运营总监); official: a Party/government organ or a
    park/zone administration (组织部, 工委, 人事局, 开发区, 园区 …).
    """
    if not speaker:
        return "unattributed"
    if re.search(r"研究员|教授|专家|学者|老师|讲师", role):
        return "expert"
    if re.search(r"公司|集团|控股|企业|厂", organisation):
        return "enterprise"
    if re.search(OFFICIAL, organisation + role):
        return "official"
    if re.search(r"书记|经理|总裁|总监|董事|主任|负责人", role):
        return "enterprise"
    return "other"


def _paragraphs(sentences: pd.DataFrame) -> dict[str, list[tuple[str, list[int]]]]:
    """Per report (in order of appearance), its paragraphs in block order: the text and, per character,
    its sentence_id (sentences in sentence_id order)."""
    blocks: dict[str, dict[int, list[tuple[int, str]]]] = {}
    columns = (sentences[c].tolist() for c in ("report_id", "block_id", "sentence_id", "text"))
    for report, block, sid, text in zip(*columns, strict=True):
        blocks.setdefault(report, {}).setdefault(block, []).append((sid, text))
    return {
        report: [_sentence_of(sorted(parts[b])) for b in sorted(parts)] for report, parts in blocks.items()
    }


def _sentence_of(sentences: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """A paragraph's text and, per character, its sentence_id, from its (sentence_id, text) pairs."""
    text, owner = "", []
    for sid, s in sentences:
        text += s
        owner += [sid] * len(s)
    return text, owner


def _ids(owner: list[int], start: int, end: int) -> str:
    return "|".join(str(i) for i in dict.fromkeys(owner[start:end]))


def paragraph_speech(text: str, owner: list[int]) -> list[dict]:
    """Direct and reported speech in one paragraph (no profile fallback, no themes)."""
    rows, quoted = [], []
    for m in QUOTE.finditer(text):
        after = attribution_after(text[m.end() :].lstrip("，"))
        before = attribution_before(_sentence_before(text, m.start()))
        if not is_speech(m[1], after is not None or before is not None):
            continue
        org, role, name, verb = before or after or ("", "", "", "")
        rows.append(_row(owner, m.start(1), m.end(1), name, role, org, verb, True, m[1]))
        quoted.append(m.span())
    for m in re.finditer(VERB, text):
        if any(s <= m.start() < e for s, e in quoted):
            continue
        parts = split_attribution(_clause_before(text, m.start()))
        end = _sentence_end(text, m.end())
        said = text[m.end() : end].lstrip("，：: ")
        if parts and said.strip("。！？") and not said.startswith("“"):
            org, role, name = parts
            rows.append(_row(owner, m.end(), end, name, role, org, m["verb"], False, said))
    return sorted(rows, key=lambda r: (r["_start"], not r["direct"]))


def _sentence_before(text: str, end: int) -> str:
    """The part of the sentence that precedes position ``end``."""
    start = max(text.rfind(c, 0, end) for c in "。！？") + 1
    return text[start:end]


def _sentence_end(text: str, start: int) -> int:
    ends = [i + 1 for i in (text.find(c, start) for c in "。！？") if i >= 0]
    return min(ends, default=len(text))


def _row(owner, start, end, name, role, org, verb, direct, said) -> dict:
    return {
        "_start": start,
        "sentence_ids": _ids(owner, start, end),
        "speaker": name,
        "role": role,
        "organisation": org,
        "speech_verb": verb,
        "direct": direct,
        "text": said,
    }


def extract_quotes(sentences: pd.DataFrame, themes: pd.DataFrame | None = None) -> pd.DataFrame:
    """All speech of every report (see the module docstring for columns and rules)."""
    themes_of = _themes_by_sentence(themes)
    rows = []
    for report, paragraphs in _paragraphs(sentences).items():
        found = [r for text, owner in paragraphs for r in paragraph_speech(text, owner)]
        profiles = _profiles("".join(t for t, _ in paragraphs), {r["speaker"] for r in found if r["speaker"]})
        for i, r in enumerate(found):
            if r["speaker"] and not r["role"] and r["speaker"] in profiles:
                r["organisation"], r["role"] = profiles[r["speaker"]]
            ids = sorted({int(x) for x in r["sentence_ids"].split("|")})
            themes_here = [t for sid in ids for t in themes_of.get((report, sid), [])]
            r |= {"report_id": report, "quote_id": i, "themes": "|".join(dict.fromkeys(themes_here))}
            r["speaker_type"] = speaker_type(r["speaker"], r["role"], r["organisation"])
            rows.append(r)
    return pd.DataFrame(rows, columns=COLUMNS)


def _themes_by_sentence(themes: pd.DataFrame | None) -> dict[tuple[str, int], list[str]]:
    """(report_id, sentence_id) → the themes coded there, in ``sentence_themes`` order."""
    found: dict[tuple[str, int], list[str]] = {}
    if themes is not None:
        columns = (themes[c].tolist() for c in ("report_id", "sentence_id", "theme"))
        for report, sid, theme in zip(*columns, strict=True):
            found.setdefault((report, sid), []).append(theme)
    return found


def voices_stage(frames: Frames, options: dict) -> Frames:
    """Build stage: ``quotes.csv`` from ``sentences`` (and ``sentence_themes`` when present)."""
    return {"quotes": extract_quotes(frames["sentences"], frames.get("sentence_themes"))}


TYPE_LABELS = {
    "official": "Officials",
    "enterprise": "Enterprise Party secretaries / managers",
    "expert": "Experts / teachers",
    "other": "Other named speakers",
    "unattributed": "Unattributed",
}


def voices_by_type(quotes: pd.DataFrame, groups: pd.Series) -> pd.DataFrame:
    """Speech items and distinct speakers per group × speaker type; columns ``group``, ``speaker_type``,
    ``items``, ``speakers``. ``groups`` maps report_id → group (:func:`helpers.groups.report_groups`);
    groups in its order, types in ``TYPE_LABELS`` order."""
    q = quotes[["report_id", "quote_id", "speaker", "speaker_type"]]  # not the quoted text
    q = q.assign(group=q.report_id.map(groups))
    out = (
        q.groupby(["group", "speaker_type"])
        .agg(items=("quote_id", "size"), speakers=("speaker", lambda s: s[s != ""].nunique()))
        .reset_index()
    )
    order = list(dict.fromkeys(groups))
    out["_g"], out["_t"] = out.group.map(order.index), out.speaker_type.map(list(TYPE_LABELS).index)
    return out.sort_values(["_g", "_t"]).drop(columns=["_g", "_t"]).reset_index(drop=True)


def voice_themes(quotes: pd.DataFrame, groups: pd.Series, theme_ids: list[str]) -> pd.DataFrame:
    """Speech items per group × theme (an item counts once for each theme it carries); columns ``group``,
    ``theme``, ``items``; groups in the order of ``groups`` (report_id → group), themes in ``theme_ids``
    order."""
    q = quotes[["report_id", "themes"]]  # exploded: not the quoted text with each theme
    q = q.assign(group=q.report_id.map(groups))
    long = q.assign(theme=q.themes.str.split("|")).explode("theme")
    long = long[long.theme.isin(theme_ids)]
    counts = long.groupby(["group", "theme"]).size().rename("items").reset_index()
    order = list(dict.fromkeys(groups))
    counts["_g"], counts["_t"] = counts.group.map(order.index), counts.theme.map(theme_ids.index)
    return counts.sort_values(["_g", "_t"]).drop(columns=["_g", "_t"]).reset_index(drop=True)
