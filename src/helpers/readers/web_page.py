"""A news web page saved as text: one paragraph per line, with the site's furniture around it.

Lines are classified by the metadata patterns of Chinese news pages (matched on a simplified view, so
traditional and simplified pages read alike): breadcrumb navigation (``>>``, ``当前位置：``, or three parts
separated by ``>``), share/print/close buttons and the font-size bar, the date/source line, the author line
(2–4 character names under the title, or a byline as on a newspaper page: ``记者 NAME``,
``記者NAME／台北報導``), the editor line (``(责编:…)``, ``【责任编辑：…】``, or as on a newspaper page
``责任编辑：…``, ``编辑：…``), related-topics lists, QR-code prompts, photo captions (ending in the
photographer's credit ``…摄``). The first line that is none of these is the title; bare lines (no clause
punctuation) in the body are headings.
"""

import re

from ..audit import AuditLog
from ..normalize import to_simplified
from .common import (
    PUBLISHED,
    Block,
    ends_sentence,
    is_bare,
    is_editor,
    is_name_list,
    line_role,
    numbered_lines,
)

_NAVIGATION = re.compile(
    r">>|»|›|^首页|^(?:上一篇|下一篇)\s*[:：]|^(?:当前|您的|您现在的|所在)位置\s*[:：]"
    r"|^[^，。！？>]+(?:>[^，。！？>]+){2,}$"  # three or more parts separated by single >
)
_BUTTON = r"[【\[]?(?:分享|打印|收藏|纠错|关闭|返回顶部)(?:本页|此页|窗口)?[】\]]?"
_SHARE = re.compile(rf"^(?:{_BUTTON}\s*)+$|^分享到.*|^【?字号.*|^【?字体\s*[:：].*")
_QR = re.compile(r"扫一扫|二维码|扫码")
_RELATED = re.compile(r"^(?:相关专题|相关新闻|相关阅读|相关链接|延伸阅读|推荐阅读)$")
_LIST_ITEM = re.compile(r"^[·•]")
_EDITOR = re.compile(r"^[（(【\[]\s*(?:责编|责任编辑)\s*[:：].*[)）】\]]$")  # bare ones: common.is_editor
_META = re.compile(rf"来源\s*[:：]|{PUBLISHED}")
_CAPTION = re.compile(r"摄\s*$|摄影\s*[:：]|图片来源|供图\s*$")
MAX_HEADING = 40


def read(text: str, log: AuditLog) -> list[Block]:
    """Blocks of a web page in page order, with sections; page furniture is labelled and logged."""
    blocks: list[Block] = []
    section, in_related, title_seen = 0, False, False
    for n, line in numbered_lines(text):
        view = to_simplified(line)
        in_related = in_related or bool(_RELATED.match(view))
        kind = _furniture(view, in_related)
        if kind is None:
            if not title_seen:
                kind, title_seen = "title", True
            elif _is_byline(view, blocks[-1].kind):
                kind = "byline"
            elif _META.search(view):
                kind = "meta"
            elif _CAPTION.search(view):
                kind = "caption"
            elif is_bare(view) and not ends_sentence(view) and len(view) <= MAX_HEADING:
                kind = "heading"
            else:
                kind = "body"
        else:
            log.add("label", line, kind)
        section += kind == "heading"
        blocks.append(Block(kind, line, [n], section))
    return blocks


SIGNALS = {
    "breadcrumb": _NAVIGATION,
    "share bar": _SHARE,
    "date/source line": _META,
    "editor line": _EDITOR,
    "QR-code prompt": _QR,
    "related links": _RELATED,
}


def signature(lines: list[str]) -> list[str]:
    """The kinds of news-page furniture present in ``lines`` (names from :data:`SIGNALS`)."""
    views = [to_simplified(line.strip()) for line in lines]
    return [name for name, pattern in SIGNALS.items() if any(pattern.search(v) for v in views)]


def is_meta(line: str) -> bool:
    """A date/source line (``来源：…``, ``发布时间：…``, or a date with a time), in either script."""
    return bool(_META.search(to_simplified(line)))


def _is_byline(view: str, previous: str) -> bool:
    """A byline: names right under the title (or another byline), or a newspaper-style byline anywhere."""
    return line_role(view) == "byline" or (previous in ("title", "byline") and is_name_list(view))


def _furniture(view: str, in_related: bool) -> str | None:
    if _EDITOR.match(view) or is_editor(view):
        return "editor"
    if in_related or _NAVIGATION.search(view) or _SHARE.match(view) or _QR.search(view):
        return "boilerplate"
    if _LIST_ITEM.match(view):
        return "boilerplate"
    return None
