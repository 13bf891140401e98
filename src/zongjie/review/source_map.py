"""The document zongjie builds now, paragraph by paragraph as Word shows it, with the source
of every figure and of every narrative paragraph.

The DOCX writer itself writes the expected document (with a comment on each figure that
holds the figure's number in a table here), and the same reader that reads the edited file
reads it back: both sides of the comparison are paragraphs of one reader, so heading
numbers, title lines, tables and lists agree by construction.
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from zongjie.assemble import assemble
from zongjie.build import write_options
from zongjie.document.localize import convert_document
from zongjie.document.model import Document, FactSpan, Heading, Meta, Paragraph, plain_text
from zongjie.document.reader import read_document
from zongjie.document.walk import iter_blocks
from zongjie.inputs.textio import read_source
from zongjie.review.docx_read import ReadParagraph, read_docx
from zongjie.writers import write

TEMPLATE_SYNTAX = re.compile(r"\{\{|\{%|\{#")  # text a narrative paragraph cannot be written back over
_WHITESPACE = re.compile(r"\s+")


class NarrativeParagraph(Struct, frozen=True):
    """One paragraph of a narrative Markdown file, as written and as the document shows it."""

    name: str  # the narrative's name (特色亮点, 说明/政策覆盖情况)
    path: Path
    number: int  # paragraph number in the file, from 1 (0: not known)
    start: int  # its first and last line in the file
    end: int
    source: str  # as written, lines joined with "\n"
    text: str  # as shown in the document
    heading: bool = False

    @property
    def has_template(self) -> bool:
        return bool(TEMPLATE_SYNTAX.search(self.source))

    @property
    def applicable(self) -> bool:
        """Can an edit of it be written back into the file as it is?"""
        return self.number > 0 and not self.has_template


class ExpectedParagraph(Struct):
    text: str
    style: str
    figures: list[tuple[int, int, FactSpan]] = field(default_factory=list)  # ranges in `text`
    origin: NarrativeParagraph | None = None
    section: str = ""  # the heading it stands under ("" before the first)
    in_table: bool = False


class Expected(Struct):
    paragraphs: list[ExpectedParagraph]


class _FigureTracer:
    """Stands in for ReviewNotes: each figure's comment is its number in `spans`."""

    findings: list = []

    def __init__(self):
        self.spans: list[FactSpan] = []

    def note(self, span: FactSpan) -> str:
        self.spans.append(span)
        return str(len(self.spans) - 1)

    def findings_for(self, span):
        return []

    def fails(self, span) -> bool:
        return False


def expected_document(workspace, loaded) -> Expected:
    rendered: list = []
    document = assemble(workspace, loaded, rendered)
    tracer = _FigureTracer()
    options = replace(write_options(workspace, loaded.district_year), review=tracer)
    read = read_docx(write("docx", document, options))
    narratives = narrative_paragraphs(rendered[0], loaded.district_year.settings.locale)
    paragraphs = [_expected(paragraph, tracer) for paragraph in read.paragraphs if paragraph.text.strip()]
    _assign_sections(paragraphs)
    _assign_origins(paragraphs, narratives)
    return Expected(paragraphs)


def _expected(paragraph: ReadParagraph, tracer: _FigureTracer) -> ExpectedParagraph:
    figures = [(c.start, c.end, tracer.spans[int(c.text)]) for c in paragraph.comments if c.text.isdigit()]
    return ExpectedParagraph(paragraph.text, paragraph.style, sorted(figures, key=lambda f: f[0]),
                             in_table=paragraph.in_table)


def is_heading(style: str) -> bool:
    return style.startswith("heading") or style.startswith("标题")


def _assign_sections(paragraphs: list[ExpectedParagraph]) -> None:
    section = ""
    for paragraph in paragraphs:
        if is_heading(paragraph.style):
            section = paragraph.text
        paragraph.section = section


def normalised(text: str) -> str:
    return _WHITESPACE.sub("", text)


def _assign_origins(paragraphs: list[ExpectedParagraph], narratives: list[NarrativeParagraph]) -> None:
    """Narrative paragraphs are found in the document in order, by their text (a heading or
    list item may carry a number in front)."""
    remaining = list(narratives)
    for paragraph in paragraphs:
        text = normalised(paragraph.text)
        for index, candidate in enumerate(remaining):
            shown = normalised(candidate.text)
            if shown and (text == shown or (text.endswith(shown) and len(text) - len(shown) <= 8)):
                paragraph.origin = candidate
                del remaining[index]
                break


# ---- narrative files ---------------------------------------------------------------------------
def narrative_paragraphs(rendered, locale: str) -> list[NarrativeParagraph]:
    found = []
    for name, (path, markdown) in rendered.narratives.items():
        source = read_source(path).text
        pieces = source_paragraphs(source)
        by_line = not re.search(r"\{%|\{#", source)  # no tags: rendered lines are the file's lines
        blocks = read_document(markdown, rendered.sources).blocks
        blocks = convert_document(Document(Meta(), tuple(blocks)), locale).blocks
        for block in _text_blocks(blocks):
            text = plain_text(block.content)
            piece = _piece_for(block, text, pieces, by_line)
            if piece is None:
                found.append(NarrativeParagraph(name, path, 0, 0, 0, "{{ }}", text, isinstance(block, Heading)))
            else:
                number, start, end, written = piece
                found.append(NarrativeParagraph(name, path, number, start, end, written, text, isinstance(block, Heading)))
    return found


def _text_blocks(blocks) -> list[Paragraph | Heading]:
    """The paragraphs and headings, those in list items too, in reading order."""
    return [block for block in iter_blocks(blocks) if isinstance(block, (Paragraph, Heading))]


def source_paragraphs(text: str) -> list[tuple[int, int, int, str]]:
    """(number, first line, last line, text) of each blank-line separated paragraph."""
    pieces: list[tuple[int, int, int, str]] = []
    current: list[str] = []
    start = 0
    lines = text.split("\n")
    for number, line in enumerate(lines + [""], 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            pieces.append((len(pieces) + 1, start, number - 1, "\n".join(current)))
            current = []
    return pieces


def _piece_for(block, text: str, pieces, by_line: bool):
    if by_line and block.line is not None:
        for piece in pieces:
            if piece[1] <= block.line <= piece[2]:
                return piece if _one_block(piece[3]) else None
        return None
    for piece in pieces:  # tags moved the lines: only a paragraph without template syntax matches
        if not TEMPLATE_SYNTAX.search(piece[3]) and normalised(_shown(piece[3])) == normalised(text):
            return piece
    return None


def _one_block(source: str) -> bool:
    """A paragraph of the file that is one paragraph or heading of the document (not a list
    or table, whose items cannot be written back one by one)."""
    first = source.lstrip()
    return not re.match(r"([-*+]|\d+[.)]|\|)\s", first)


def _shown(source: str) -> str:
    blocks = list(_text_blocks(read_document(source).blocks))
    return "".join(plain_text(block.content) for block in blocks)
