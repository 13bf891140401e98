"""Document model → normalised Markdown: numbered headings, the title as the one `#`."""

from __future__ import annotations

from zongjie.mdsyntax import escape_inline
from zongjie.model import (
    Block,
    Chart,
    Document,
    Emphasis,
    FactSpan,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Picture,
    Strong,
    Table,
    Text,
)


def write(document: Document, options=None) -> bytes:
    return render(document).encode("utf-8")


def render(document: Document) -> str:
    parts: list[str] = []
    meta = document.meta
    if meta.title:
        parts.append("# " + inline_markdown(meta.title))
    if meta.subtitle:
        parts.append(inline_markdown(meta.subtitle))
    parts.extend(_block(block) for block in document.blocks)
    if meta.attachments:
        lines = [f"{'附件：' if number == 1 else '　　　'}{number}. {inline_markdown(item)}"
                 for number, item in enumerate(meta.attachments, 1)]
        parts.append("\\\n".join(lines))
    closing = [inline_markdown(part) for part in (meta.signature, meta.date) if part]
    if closing:
        parts.append("\\\n".join(closing))
    return "\n\n".join(part for part in parts if part) + "\n"


def _block(block: Block, depth: int = 0) -> str:
    if isinstance(block, Heading):
        return "#" * min(block.level + 1, 6) + " " + block.number + inline_markdown(block.content)
    if isinstance(block, Paragraph):
        return inline_markdown(block.content)
    if isinstance(block, ListBlock):
        return _list(block, depth)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, PageBreak):
        return "---"
    if isinstance(block, (Picture, Chart)):
        from zongjie.writers.markdown_figures import chart_markdown, picture_markdown

        return picture_markdown(block) if isinstance(block, Picture) else chart_markdown(block)
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _list(block: ListBlock, depth: int) -> str:
    lines = []
    indent = "   " * depth
    for offset, item in enumerate(block.items):
        marker = f"{block.start + offset}." if block.ordered else "-"
        inner = [_block(child, depth + 1) for child in item]
        first, *rest = inner or [""]
        lines.append(f"{indent}{marker} {first}")
        lines.extend(f"{indent}{' ' * (len(marker) + 1)}{text}" for text in rest)
    return "\n".join(lines)


def _table(table: Table) -> str:
    if table.merges or table.caption or table.label:
        from zongjie.writers.markdown_figures import figure_table

        return figure_table(table)
    rule = {"left": ":---", "center": ":---:", "right": "---:"}
    header = "| " + " | ".join(_cell(cell) for cell in table.header) + " |"
    separator = "| " + " | ".join(rule.get(align, "---") for align in table.align) + " |"
    rows = ["| " + " | ".join(_cell(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join([header, separator, *rows])


def _cell(inlines: tuple[Inline, ...]) -> str:
    return inline_markdown(inlines).replace("\\\n", " ")


def inline_markdown(inlines: tuple[Inline, ...]) -> str:
    parts = []
    for inline in inlines:
        if isinstance(inline, (Text, FactSpan)):
            parts.append(escape_inline(inline.text))
        elif isinstance(inline, Strong):
            parts.append("**" + inline_markdown(inline.children) + "**")
        elif isinstance(inline, Emphasis):
            parts.append("*" + inline_markdown(inline.children) + "*")
        elif isinstance(inline, LineBreak):
            parts.append("\\\n")
    return "".join(parts)
