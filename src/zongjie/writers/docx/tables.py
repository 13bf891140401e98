"""A table's layout in the official document: column widths in which every figure and every
header stays whole, where a header may break (before its unit), and which way a cell aligns.
The widths are shared out of the text block (版心) in characters of the table's 4号 font."""

from __future__ import annotations

from msgspec import Struct

from zongjie.document.model import FactSpan, Inline, LineBreak, Table, Text, plain_text
from zongjie.page import EMU_PER_PT, TEXT_WIDTH_EMU
from zongjie.writers.docx.styles import TABLE_FONT_SIZE
from zongjie.writers.layout import display_width, guess_alignment

TEXT_WIDTH = TEXT_WIDTH_EMU

_CELL_PADDING = 1.2  # cell margins, in characters of the table's font
KEPT_FIRST_ROWS = 2  # a longer one keeps its header with this many rows


class ColumnPlan(Struct, frozen=True):
    widths: list[int]  # EMU
    break_header: list[bool]  # the header goes on two lines, broken before its unit （万元）


def plan_columns(table: Table, columns: int) -> ColumnPlan:
    """Column widths (EMU) in which every figure and every header stays whole.

    A header that does not fit on one line is broken before its unit（万元）, never inside
    it; a column of words (the label column) wraps before any figure would; what width is
    left goes first to the label column, then to headers that can then stay on one line."""
    available = TEXT_WIDTH / (TABLE_FONT_SIZE * EMU_PER_PT)  # characters of the table's font per line
    texts = [[plain_text(row[i]) if i < len(row) else "" for row in table.rows] for i in range(columns)]
    headers = [plain_text(table.header[i]) if i < len(table.header) else "" for i in range(columns)]
    numeric = [bool(column) and all(not text or guess_alignment((Text(text),)) == "right" for text in column)
               for column in texts]
    body = [max([display_width(text) for text in column] + [1.0]) for column in texts]
    header_whole = [display_width(header) for header in headers]
    header_split = [max([display_width(part) for part in _split_unit(header)] + [1.0]) for header in headers]
    pad = _CELL_PADDING
    whole = [max(b, h) + pad for b, h in zip(body, header_whole)]
    if sum(whole) <= available:
        need = whole
    else:
        need = [max(b, h) + pad for b, h in zip(body, header_split)]
        over = sum(need) - available
        for index in (i for i in range(columns) if not numeric[i]):  # words wrap, figures do not
            if over <= 0:
                break
            floor = max(header_split[index], min(body[index], 4.0)) + pad
            cut = min(over, need[index] - floor)
            if cut > 0:
                need[index] -= cut
                over -= cut
        spare = available - sum(need)
        for wanted in ([(i, max(body[i], header_split[i]) + pad) for i in range(columns) if not numeric[i]],
                       [(i, whole[i]) for i in range(columns)]):
            for index, width in wanted:
                grow = min(max(spare, 0), width - need[index])
                if grow > 0:
                    need[index] += grow
                    spare -= grow
    total = sum(need)
    widths = [int(TEXT_WIDTH * share / total) for share in need]
    scale = available / total  # < 1 only when even the least widths do not fit
    break_header = [header_whole[i] + pad > need[i] * scale + 0.01 and len(_split_unit(headers[i])) > 1
                    for i in range(columns)]
    return ColumnPlan(widths, break_header)


def _split_unit(header: str) -> list[str]:
    """"收入（万元）" → ["收入", "（万元）"]: the places a header may break."""
    at = max(header.find("（"), header.find("("))
    return [header[:at], header[at:]] if at > 0 else [header]


def broken_header(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A header cell on two lines, broken before its unit (plain-text headers only)."""
    parts = _split_unit(plain_text(inlines))
    if len(parts) < 2 or any(not isinstance(inline, (Text, FactSpan)) for inline in inlines):
        return inlines
    return (Text(parts[0]), LineBreak(), Text(parts[1]))
