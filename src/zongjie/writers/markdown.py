"""Document model → normalised Markdown: numbered headings, the title as the one `#`."""

from __future__ import annotations

from typing import assert_never

from zongjie.document.model import Block, Chart, Document, Heading, ListBlock, PageBreak, Paragraph, Picture, Table
from zongjie.writers.markdown_figures import chart_markdown, figure_table, picture_markdown
from zongjie.writers.markdown_inline import cell_markdown, inline_markdown


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
    match block:
        case Heading():
            return "#" * min(block.level + 1, 6) + " " + block.number + inline_markdown(block.content)
        case Paragraph():
            return inline_markdown(block.content)
        case ListBlock():
            return _list(block, depth)
        case Table():
            return _table(block)
        case PageBreak():
            return "---"
        case Picture():
            return picture_markdown(block)
        case Chart():
            return chart_markdown(block)
        case _:
            assert_never(block)


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
        return figure_table(table)
    rule = {"left": ":---", "center": ":---:", "right": "---:"}
    header = "| " + " | ".join(cell_markdown(cell) for cell in table.header) + " |"
    separator = "| " + " | ".join(rule.get(align, "---") for align in table.align) + " |"
    rows = ["| " + " | ".join(cell_markdown(cell) for cell in row) + " |" for row in table.rows]
    return "\n".join([header, separator, *rows])
