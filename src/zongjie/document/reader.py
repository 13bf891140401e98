"""Rendered Markdown → document model, one small function per markdown-it token type.

Only the Markdown an official document needs is enabled: headings, paragraphs, lists,
tables, emphasis and a thematic break (`---`) as a page break; pictures (`![图注](照片.jpg)`,
a paragraph of their own) and chart blocks (a fenced block "图表", see figures.py). Indented
code is off, because writers indent paragraphs with spaces; raw HTML and links are off,
because neither has a place in a printed summary and HTML must not pass through to the web page.

A line break inside Chinese text joins without a space (CommonMark would insert one); the
CJK-friendly plugin makes emphasis work next to full-width punctuation (`**一是……。**今年`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from zongjie.document import figures
from zongjie.document.model import (
    Block,
    Document,
    Emphasis,
    FactSpan,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    Meta,
    PageBreak,
    Paragraph,
    Strong,
    Text,
    plain_text,
)
from zongjie.templating.provenance import SourceTable

_DISABLED_RULES = [
    "code", "blockquote", "html_block", "reference", "lheading",
    "html_inline", "link", "autolink", "backticks", "entity", "strikethrough",
    "linkify",
]
# Characters before/after a soft line break that make it join without a space: CJK
# characters and the punctuation Chinese text uses (“”‘’—…· are outside the CJK blocks).
# Compared by code point: the same set as a regex character class took ~8 ms to compile at
# every start (re builds a bitmap of its ~30,000 characters), a fortieth of a cold build.
_JOINING_PUNCTUATION = frozenset("“”‘’—…·")


def _joins_without_space(char: str) -> bool:
    code = ord(char)
    return (0x2E80 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0xFF00 <= code <= 0xFFEF
            or 0x20000 <= code <= 0x2FFFF or char in _JOINING_PUNCTUATION)
_LEADING_SPACE = re.compile(r"^[ \t\u3000\u00a0]+")
_META_LINE = re.compile(r"^\s*([^:：\s]+)\s*[:：]\s*(.*?)\s*$")
META_KEYS = {"标题": "title", "副标题": "subtitle", "落款": "signature", "成文日期": "date", "日期": "date", "附件": "attachments"}


# markdown-it's own `text` rule (markdown_it/rules_inline/text.py) scans character by character
# for these; a compiled pattern finds the next one at C speed (same result, ~2 ms less a page).
_TERMINATOR = re.compile(r"[\n!#$%&*+\-:<=>@\[\\\]^_`{}~]")


def _fast_text(state, silent: bool) -> bool:
    match = _TERMINATOR.search(state.src, state.pos, state.posMax)
    end = match.start() if match else state.posMax
    if end == state.pos:
        return False
    if not silent:
        state.pending += state.src[state.pos:end]
    state.pos = end
    return True


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt
    from mdit_py_cjk_friendly import cjk_friendly

    parser = MarkdownIt("js-default").use(cjk_friendly).disable(_DISABLED_RULES, ignoreInvalid=True)
    parser.inline.ruler.at("text", _fast_text)
    return parser


def read_document(markdown: str, sources: SourceTable | None = None) -> Document:
    """Parse rendered Markdown (with an optional front matter of 标题/落款/… lines)."""
    sources = sources or SourceTable()
    meta_lines, body = split_front_matter(markdown)
    meta = _meta(meta_lines, sources)
    tokens = _parser().parse(body)
    blocks, _ = _blocks(tokens, 0, len(tokens), sources)
    return Document(meta, tuple(blocks))


def split_front_matter(markdown: str) -> tuple[list[str], str]:
    """`---` lines at the very top enclose `键: 值` lines. Their lines are blanked, not
    removed, so that line numbers in the body stay those of the rendered text."""
    lines = markdown.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start >= len(lines) or lines[start].strip() != "---":
        return [], markdown
    for end in range(start + 1, len(lines)):
        if lines[end].strip() == "---":
            meta = lines[start + 1 : end]
            return meta, "\n" * (end + 1) + "\n".join(lines[end + 1 :])
    return [], markdown


def _meta(lines: list[str], sources: SourceTable) -> Meta:
    values: dict[str, tuple[Inline, ...]] = {}  # a key written twice: the later line wins
    attachments: list[tuple[Inline, ...]] = []
    for line in lines:
        match = _META_LINE.match(line)
        field = META_KEYS.get(match.group(1)) if match else None
        if match is None or field is None or not match.group(2):
            continue
        inlines = _inline_text(match.group(2), sources)
        if field == "attachments":
            attachments.append(inlines)
        else:
            values[field] = inlines
    return Meta(title=values.get("title", ()), subtitle=values.get("subtitle", ()),
                signature=values.get("signature", ()), date=values.get("date", ()), attachments=tuple(attachments))


def _inline_text(text: str, sources: SourceTable) -> tuple[Inline, ...]:
    tokens = _parser().parseInline(text)
    return _inlines(tokens[0].children or [], sources) if tokens else ()


# ---- blocks --------------------------------------------------------------------------------
def _blocks(tokens, start: int, stop: int, sources: SourceTable) -> tuple[list[Block], int]:
    """Blocks from tokens[start:stop]; returns them and the index after the last one read."""
    blocks: list[Block] = []
    index = start
    while index < stop:
        token = tokens[index]
        handler = _BLOCK_HANDLERS.get(token.type)
        if handler is None:
            index += 1  # closing tokens of containers are consumed by their handler
            continue
        block, index = handler(tokens, index, sources)
        if isinstance(block, list):  # a paragraph of pictures
            blocks.extend(block)
        elif block is not None:
            blocks.append(block)
    return figures.attach_table_captions(blocks), index


def _heading(tokens, index, sources):
    level = int(tokens[index].tag[1])
    content = _inlines(tokens[index + 1].children or [], sources)
    line = tokens[index].map[0] + 1 if tokens[index].map else None
    return Heading(level, content, line=line), index + 3


def _paragraph(tokens, index, sources):
    children = tokens[index + 1].children or []
    if any(child.type == "image" for child in children):
        line = tokens[index].map[0] + 1 if tokens[index].map else None
        return figures.pictures_of(children, line, lambda inline: _inlines(inline, sources)), index + 3
    content = _strip_leading_space(_inlines(tokens[index + 1].children or [], sources))
    line = tokens[index].map[0] + 1 if tokens[index].map else None
    return (Paragraph(content, line) if content else None), index + 3


def _fence(tokens, index, sources):
    token = tokens[index]
    if token.info.split()[:1] and token.info.split()[0] in figures.CHART_INFOS:
        return figures.chart_block(token.info, token.content, lambda text: _marked_text(text, sources)), index + 1
    # any other fenced block is read as the text it holds, as before fences were recognised
    text = f"{token.markup}{token.info}\n{token.content}{token.markup}"
    return Paragraph(_merge_text(tuple(_marked_text(text, sources)))), index + 1


def _hr(tokens, index, sources):
    return PageBreak(), index + 1


def _list(tokens, index, sources):
    open_token = tokens[index]
    ordered = open_token.type == "ordered_list_open"
    start = int(open_token.attrs.get("start", 1)) if ordered else 1
    close = _matching_close(tokens, index)
    items = []
    position = index + 1
    while position < close:
        if tokens[position].type == "list_item_open":
            item_close = _matching_close(tokens, position)
            blocks, _ = _blocks(tokens, position + 1, item_close, sources)
            items.append(tuple(blocks))
            position = item_close + 1
        else:
            position += 1
    return ListBlock(ordered, tuple(items), start), close + 1


def _table(tokens, index, sources):
    close = _matching_close(tokens, index)
    header: list[tuple[Inline, ...]] = []
    rows: list[list[tuple[Inline, ...]]] = []
    align: list[str] = []
    in_head = False
    for position in range(index + 1, close):
        token = tokens[position]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open" and not in_head:
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            cell = _inlines(tokens[position + 1].children or [], sources)
            if in_head:
                header.append(cell)
                align.append(_alignment(token))
            else:
                rows[-1].append(cell)
    return figures.merged_table(tuple(header), tuple(tuple(row) for row in rows), tuple(align)), close + 1


def _alignment(token) -> str:
    style = str(token.attrs.get("style", ""))
    match = re.search(r"text-align:\s*(left|center|right)", style)
    return match.group(1) if match else ""


def _matching_close(tokens, index: int) -> int:
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    return len(tokens) - 1


_BLOCK_HANDLERS = {
    "heading_open": _heading,
    "paragraph_open": _paragraph,
    "hr": _hr,
    "bullet_list_open": _list,
    "ordered_list_open": _list,
    "table_open": _table,
    "fence": _fence,
}


# ---- inlines -------------------------------------------------------------------------------
class _SoftBreak:
    """Placeholder until both neighbours are known."""


def _inlines(children, sources: SourceTable) -> tuple[Inline, ...]:
    stack: list[tuple[type, list]] = [(tuple, [])]
    pending_text: list[str] = []

    def flush() -> None:
        if pending_text:
            stack[-1][1].extend(_marked_text("".join(pending_text), sources))
            pending_text.clear()

    for token in children:
        if token.type == "text":
            pending_text.append(token.content)
            continue
        flush()
        if token.type in ("strong_open", "em_open"):
            stack.append((Strong if token.type == "strong_open" else Emphasis, []))
        elif token.type in ("strong_close", "em_close") and len(stack) > 1:
            kind, children_of = stack.pop()
            stack[-1][1].append(kind(_resolve_breaks(children_of)))
        elif token.type == "softbreak":
            stack[-1][1].append(_SoftBreak())
        elif token.type == "hardbreak":
            stack[-1][1].append(LineBreak())
        elif token.type == "image":  # in a heading or a table cell: would vanish silently
            raise figures.misplaced_picture(token)
    flush()
    while len(stack) > 1:  # unbalanced emphasis: keep the text
        _, children_of = stack.pop()
        stack[-1][1].extend(children_of)
    return _merge_text(_resolve_breaks(stack[0][1]))


def _marked_text(text: str, sources: SourceTable) -> list[Inline]:
    return [
        FactSpan(piece, source) if source else Text(piece)
        for piece, source in sources.split(text)
    ]


def _resolve_breaks(inlines: list) -> tuple[Inline, ...]:
    resolved: list[Inline] = []
    for position, inline in enumerate(inlines):
        if not isinstance(inline, _SoftBreak):
            resolved.append(inline)
            continue
        before = _edge_char(inlines[:position], last=True)
        after = _edge_char(inlines[position + 1 :], last=False)
        if not (_joins_without_space(before) or _joins_without_space(after)):
            resolved.append(Text(" "))
    return tuple(resolved)


def _edge_char(inlines, last: bool) -> str:
    sequence = reversed(inlines) if last else inlines
    for inline in sequence:
        if isinstance(inline, _SoftBreak):
            continue
        text = plain_text((inline,), line_break="")  # a hard break is no character to join by
        if text:
            return text[-1] if last else text[0]
    return " "


def _merge_text(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    merged: list[Inline] = []
    for inline in inlines:
        if isinstance(inline, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + inline.text)
        else:
            merged.append(inline)
    return tuple(merged)


def _strip_leading_space(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """Writers indent paragraphs with full-width spaces; the layout indents them instead."""
    if inlines and isinstance(inlines[0], Text):
        stripped = _LEADING_SPACE.sub("", inlines[0].text)
        return ((Text(stripped),) if stripped else ()) + inlines[1:]
    return inlines
