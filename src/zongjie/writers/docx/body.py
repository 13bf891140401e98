"""The document's blocks and inlines → word/document.xml's body, with lxml alone (oxml.py).

Title, headings, paragraphs, lists, tables (laid out by tables.py), the closing (落款 and
成文日期) and, through figures.py, pictures and charts. Each paragraph's text is a few runs: one per stretch of equally formatted text.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from typing import assert_never

from zongjie.document.model import (
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
from zongjie.page import EMU_PER_PT, TEXT_WIDTH_EMU
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.figures import FigureWriter, apply_merges, without_spanning_text
from zongjie.writers.docx.package import DocxPackage
from zongjie.writers.docx.styles import HEADING_STYLES, KAITI, LATIN, SPECS
from zongjie.writers.docx.tables import KEPT_FIRST_ROWS, broken_header, plan_columns
from zongjie.writers.layout import SMALL_TABLE_ROWS, closing_positions, guess_alignment, title_lines

TEXT_WIDTH = TEXT_WIDTH_EMU
BULLET = "●"  # an unordered list item's mark, set in the body's Chinese font (see _SHARED_PUNCTUATION)


# ---- blocks --------------------------------------------------------------------------------
class DocxWriter:
    def __init__(self, package: DocxPackage, body, numbered_levels: AbstractSet[int] = frozenset(), comments=None):
        self.package = package  # pictures and charts add parts to it
        self.body = body
        self.comments = comments  # a CommentWriter in a review copy
        self.numbered_levels = numbered_levels  # heading levels Word numbers itself
        self.font_replacements: dict[str, str] = {}  # official font → this document's (Traditional)
        self._figures: FigureWriter | None = None

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
                    # each item its own paragraph, marked as in the HTML and Markdown: 3. / ●
                    prefix = f"{block.start + offset}." if block.ordered else BULLET
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
        plan = plan_columns(measured, columns)
        widths = [round(width / EMU_PER_PT * 20) for width in plan.widths]  # twips
        aligns = list(table.align) + [""] * (columns - len(table.align))
        header = [broken_header(cell) if broken else cell for cell, broken in zip(table.header, plan.break_header)]
        rows = [("TableHeading", header, ["center"] * columns, True)]
        for index, row in enumerate(table.rows):
            if index < table.header_rows - 1:  # a second header row (cells merged into the first)
                rows.append(("TableHeading", list(row), ["center"] * columns, True))
                continue
            rows.append(("TableText", list(row), [aligns[i] or guess_alignment(cell) for i, cell in enumerate(row)], False))
        if table.caption or table.label:
            self.figures.caption(table.label, table.caption, keep_with_next=True)
        element = xml.add_table(self.body, widths, round(TEXT_WIDTH / EMU_PER_PT * 20))
        # A short table stays whole (on the next page if need be); a long one keeps its
        # header with its first rows: keep-with-next on the paragraphs of those rows.
        kept = len(rows) - 1 if len(table.rows) <= SMALL_TABLE_ROWS else 1 + KEPT_FIRST_ROWS
        for number, (style_id, cells, cell_aligns, is_header) in enumerate(rows):
            cells = cells + [()] * (columns - len(cells))
            paragraphs = xml.add_table_row(element, widths, [style_id] * columns, cell_aligns, is_header)
            for paragraph, inlines in zip(paragraphs, cells):
                self.inlines(paragraph, inlines, style_id)
                if number < kept:
                    xml.child(xml.paragraph_properties(paragraph), "w:keepNext")
        if table.merges:
            apply_merges(element, table.merges, widths)


_SHARED_PUNCTUATION = re.compile("([“”‘’—…·–●]+)")


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
        found: list[tuple[str, bool, bool, FactSpan | None]]
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
