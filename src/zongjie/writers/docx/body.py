"""The document's blocks and inlines → word/document.xml's body, with lxml alone (oxml.py).

Title, headings, paragraphs, lists, tables (column widths planned so every figure and header
stays whole), the closing (落款 and 成文日期) and, through figures.py, pictures and charts.
Each paragraph's text is a few runs: one per stretch of equally formatted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import assert_never

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
    plain_text,
)
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.figures import FigureWriter, apply_merges, without_spanning_text
from zongjie.writers.docx.styles import (
    EMU_PER_PT,
    HEADING_STYLES,
    KAITI,
    LATIN,
    SPECS,
    TABLE_FONT_SIZE,
    TEXT_WIDTH_EMU,
)
from zongjie.writers.layout import closing_positions, display_width, title_lines

TEXT_WIDTH = TEXT_WIDTH_EMU


# ---- blocks --------------------------------------------------------------------------------
class DocxWriter:
    def __init__(self, body, numbered_levels: set[int] = frozenset(), comments=None):
        self.body = body
        self.comments = comments  # a CommentWriter in a review copy
        self.numbered_levels = numbered_levels  # heading levels Word numbers itself
        self.package = None
        self.font_replacements: dict[str, str] = {}  # official font → this document's (Traditional)
        self._figures = None

    @property
    def figures(self):
        if self._figures is None:
            self._figures = FigureWriter(self.package, self.body, self.inlines, self.comments)
            self._figures.font_replacements = self.font_replacements
        return self._figures

    def write(self, model: Document) -> None:
        meta = model.meta
        if meta.title:
            self.title(meta.title)
            self.blank_line()  # one blank line between title and body (GB/T 9704 practice)
        if meta.subtitle:
            self.paragraph(meta.subtitle, "Subtitle")
        for block in model.blocks:
            self.block(block)
        if meta.attachments:
            self.blank_line()
            for number, item in enumerate(meta.attachments, 1):
                label = "附件：" if number == 1 else "　　　"
                self.paragraph((Text(f"{label}{number}. "),) + item, "Attachment")
        if meta.signature or meta.date:
            last = self._last_content()
            self.blank_line()  # 正文下空一行 (GB/T 9704-2012 §7.3.5.2)
            for paragraph in (last, self._last_content()):  # never a page holding the signature alone
                if paragraph is not None and paragraph.tag == xml.qn("w:p"):
                    xml.child(xml.paragraph_properties(paragraph), "w:keepNext")
            self.closing(meta.signature, meta.date)

    def closing(self, signature: tuple[Inline, ...], date: tuple[Inline, ...]) -> None:
        """The signature and the date, each anchored by an indent computed from the widths of
        its own characters and of the space Word and LibreOffice put between Chinese and
        digits (see layout.closing_positions)."""
        spec = SPECS["Signature"]
        spacing = spec.character_spacing / 20
        positions = closing_positions(plain_text(signature), plain_text(date), TEXT_WIDTH / EMU_PER_PT,
                                      spec.size + spacing, spec.size, spacing)
        for name, part in (("signature", signature), ("date", date)):
            if not part:
                continue
            paragraph = self.paragraph(part, "Signature")
            properties = xml.paragraph_properties(paragraph)
            side, indent = positions[name]
            if name == "signature":
                xml.child(properties, "w:keepNext")
            xml.child(properties, "w:ind").attrib.update({xml.qn(f"w:{side}"): str(round(indent * 20))})
            xml.child(properties, "w:jc").set(xml.qn("w:val"), side)

    def _last_content(self):
        """The body's last paragraph or table (the section properties come after it)."""
        content = [element for element in self.body if element.tag != xml.qn("w:sectPr")]
        return content[-1] if content else None

    def title(self, inlines: tuple[Inline, ...]) -> None:
        """The title centred, a long one broken into balanced lines (GB/T 9704: a trapezoid,
        words kept whole)."""
        lines = title_lines(plain_text(inlines))
        if len(lines) == 1:
            self.paragraph(inlines, "Title")
            return
        self.paragraph((Text("\n".join(lines)),), "Title")

    def block(self, block: Block, list_prefix: str = "") -> None:
        match block:
            case Heading():
                style = HEADING_STYLES.get(block.level, "Heading4")
                text_number = block.number and block.level not in self.numbered_levels
                self.paragraph((Text(block.number),) + block.content if text_number else block.content, style)
            case Paragraph():
                content = ((Text(list_prefix),) if list_prefix else ()) + block.content
                self.paragraph(content, "Normal")
            case ListBlock():
                for offset, item in enumerate(block.items):
                    prefix = f"{block.start + offset}." if block.ordered else ""
                    for index, child in enumerate(item):
                        self.block(child, prefix if index == 0 else "")
            case Table():
                self.table(block)
            case PageBreak():
                xml.add_page_break(xml.add_paragraph(self.body, None))
            case Picture():
                self.figures.picture(block)
            case Chart():
                self.figures.chart(block)
            case _:
                assert_never(block)

    def paragraph(self, inlines: tuple[Inline, ...], style_id: str):
        """A body paragraph (returned as its w:p element)."""
        paragraph = xml.add_paragraph(self.body, None if style_id == "Normal" else style_id)
        self.inlines(paragraph, inlines, style_id)
        return paragraph

    def blank_line(self) -> None:
        xml.add_paragraph(self.body, None)

    def inlines(self, paragraph, inlines: tuple[Inline, ...], style_id: str = "Normal") -> None:
        """One run per stretch of equally formatted text: a paragraph of figures and words is
        a single run, not one per figure (fewer elements: faster to build and to open).

        Quotation marks, dashes and ellipses are shared by Chinese and Latin text; next to a
        digit Word and LibreOffice set them in the Latin font (a narrow “ in `“351”`). Each
        stretch of them is its own run whose fonts are all the paragraph's Chinese font."""
        if self.comments is not None:
            self.comments.inlines(paragraph, inlines)
            return
        style = SPECS.get(style_id, SPECS["Normal"])
        for text, bold, emphasis, highlight in _runs(inlines):
            east_asia = KAITI if emphasis else None
            for piece, shared in _split_shared_punctuation(text):
                if shared:
                    font = east_asia or style.east_asia
                    xml.add_run(paragraph, piece, bold, font, font, hint="eastAsia", highlight=highlight)
                else:
                    xml.add_run(paragraph, piece, bold, east_asia, LATIN, highlight=highlight)

    def table(self, table: Table) -> None:
        """A table as OOXML directly (python-docx recomputes its cell grid on every cell
        access): Table Grid style, centred, the text width shared out by `_column_widths`,
        fixed layout, header row repeated on every page, rows kept whole."""
        columns = max(len(table.header), *(len(row) for row in table.rows)) if table.rows else len(table.header)
        measured = table
        if table.merges:  # text spanning columns does not widen the first of them
            measured = without_spanning_text(table)
        plan = _plan_columns(measured, columns)
        widths = [round(width / EMU_PER_PT * 20) for width in plan.widths]  # twips
        aligns = list(table.align) + [""] * (columns - len(table.align))
        header = [_broken_header(cell) if broken else cell for cell, broken in zip(table.header, plan.break_header)]
        rows = [("TableHeading", header, ["center"] * columns, True)]
        for index, row in enumerate(table.rows):
            if index < table.header_rows - 1:  # a second header row (cells merged into the first)
                rows.append(("TableHeading", list(row), ["center"] * columns, True))
                continue
            rows.append(("TableText", list(row), [aligns[i] or _guess_alignment(cell) for i, cell in enumerate(row)], False))
        if table.caption or table.label:
            self.figures.caption(table.label, table.caption, keep_with_next=True)
        element = xml.add_table(self.body, widths, round(TEXT_WIDTH / EMU_PER_PT * 20))
        # A short table stays whole (on the next page if need be); a long one keeps its
        # header with its first rows: keep-with-next on the paragraphs of those rows.
        kept = len(rows) - 1 if len(table.rows) <= _SMALL_TABLE_ROWS else 1 + _KEPT_FIRST_ROWS
        for number, (style_id, cells, cell_aligns, is_header) in enumerate(rows):
            cells = cells + [()] * (columns - len(cells))
            paragraphs = xml.add_table_row(element, widths, [style_id] * columns, cell_aligns, is_header)
            for paragraph, inlines in zip(paragraphs, cells):
                self.inlines(paragraph, inlines, style_id)
                if number < kept:
                    xml.child(xml.paragraph_properties(paragraph), "w:keepNext")
        if table.merges:
            apply_merges(element, table.merges, widths)


_SHARED_PUNCTUATION = re.compile("([“”‘’—…·–]+)")


def _split_shared_punctuation(text: str) -> list[tuple[str, bool]]:
    """(piece, is shared punctuation) in order; text without such marks stays one piece."""
    if not _SHARED_PUNCTUATION.search(text):
        return [(text, False)]
    return [(piece, index % 2 == 1) for index, piece in enumerate(_SHARED_PUNCTUATION.split(text)) if piece]


def styled_pieces(inlines: tuple[Inline, ...], bold: bool = False, emphasis: bool = False):
    """(text, bold, emphasis, figure or None): plain stretches merged, each figure alone; a line
    break is the text "\n". The body's runs and the review copy's comment anchors both read it."""
    pieces: list[tuple[str, bool, bool, FactSpan | None]] = []
    for inline in inlines:
        match inline:
            case FactSpan():
                found = [(inline.text, bold, emphasis, inline)]
            case Text():
                found = [(inline.text, bold, emphasis, None)]
            case Strong():
                found = styled_pieces(inline.children, True, emphasis)
            case Emphasis():
                found = styled_pieces(inline.children, bold, True)
            case LineBreak():
                found = [("\n", bold, emphasis, None)]
            case _:
                assert_never(inline)
        for piece in found:
            last = pieces[-1] if pieces else None
            if last is not None and last[3] is None and piece[3] is None and last[1:3] == piece[1:3]:
                pieces[-1] = (last[0] + piece[0], *piece[1:])
            else:
                pieces.append(piece)
    return pieces


def _runs(inlines: tuple[Inline, ...]) -> list[tuple[str, bool, bool, bool]]:
    """(text, bold, emphasis, highlighted) stretches, adjacent ones of the same format merged.
    A draft's placeholders are highlighted."""
    runs: list[tuple[str, bool, bool, bool]] = []
    for text, bold, emphasis, span in styled_pieces(inlines):
        piece = (text, bold, emphasis, bool(span is not None and span.placeholder))
        if runs and runs[-1][1:] == piece[1:]:
            runs[-1] = (runs[-1][0] + text, *piece[1:])
        else:
            runs.append(piece)
    return runs


_CELL_PADDING = 1.2  # cell margins, in characters of the table's font
_SMALL_TABLE_ROWS = 8  # a table this short is kept on one page when it fits on the next
_KEPT_FIRST_ROWS = 2  # a longer one keeps its header with this many rows


@dataclass(frozen=True)
class ColumnPlan:
    widths: list[int]  # EMU
    break_header: list[bool]  # the header goes on two lines, broken before its unit （万元）


def _column_widths(table: Table, columns: int) -> list[int]:
    return _plan_columns(table, columns).widths


def _plan_columns(table: Table, columns: int) -> ColumnPlan:
    """Column widths (EMU) in which every figure and every header stays whole.

    A header that does not fit on one line is broken before its unit（万元）, never inside
    it; a column of words (the label column) wraps before any figure would; what width is
    left goes first to the label column, then to headers that can then stay on one line."""
    available = TEXT_WIDTH / (TABLE_FONT_SIZE * EMU_PER_PT)  # characters of the table's font per line
    texts = [[plain_text(row[i]) if i < len(row) else "" for row in table.rows] for i in range(columns)]
    headers = [plain_text(table.header[i]) if i < len(table.header) else "" for i in range(columns)]
    numeric = [bool(column) and all(not text or _guess_alignment((Text(text),)) == "right" for text in column)
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


def _broken_header(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """A header cell on two lines, broken before its unit (plain-text headers only)."""
    parts = _split_unit(plain_text(inlines))
    if len(parts) < 2 or any(not isinstance(inline, (Text, FactSpan)) for inline in inlines):
        return inlines
    return (Text(parts[0]), LineBreak(), Text(parts[1]))


def _guess_alignment(inlines) -> str:
    """Figures right-aligned, words left-aligned, when the Markdown did not say."""
    text = plain_text(inlines).strip()
    return "right" if text[:1].isdigit() or text[:1] in "+-−" else "left"


