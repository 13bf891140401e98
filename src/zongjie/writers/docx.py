"""Document model → DOCX in the official layout (GB/T 9704-2012).

A4, margins 37/26/35/28 mm (版心 156 × 225 mm), body 3号 仿宋_GB2312 at a fixed 28.95 pt
(22 lines a page) with 28 characters a line, headings 黑体 / 楷体 / 仿宋 bold / 仿宋, title 2号
方正小标宋简体, page numbers "— 1 —" in 4号 at the outer edge. The styles are real Word
styles (Heading 1 … shows as 标题 1), so the document navigates and restyles in Word/WPS;
heading numbers are a multilevel list bound to them.

Every document starts from one styled prototype (docx_prototype.py builds it with python-docx,
once, and it is kept on disk); the body is then written with lxml alone (docx_xml.py).
"""

from __future__ import annotations

import copy
import hashlib
from functools import lru_cache
from pathlib import Path

from zongjie.model import (
    Block,
    Document,
    Emphasis,
    FactSpan,
    Heading,
    Inline,
    LineBreak,
    ListBlock,
    PageBreak,
    Paragraph,
    Strong,
    Table,
    Text,
    plain_text,
)
from zongjie.writers import docx_xml as xml
from zongjie.writers.docx_package import CORE, DOCUMENT, NUMBERING, STYLES, DocxPackage
from zongjie.writers.docx_styles import (
    EMU_PER_PT,
    HEADING_STYLES,
    KAITI,
    LATIN,
    SPECS,
    TABLE_FONT_SIZE,
    TEXT_WIDTH_EMU,
)
from zongjie.writers.layout import closing_indents, display_width, title_lines

TEXT_WIDTH = TEXT_WIDTH_EMU
_HERE = Path(__file__).resolve().parent
# The prototype is rebuilt whenever the code that shapes it changes.
_PROTOTYPE_KEY = hashlib.blake2b(
    b"".join((_HERE / name).read_bytes() for name in ("docx_prototype.py", "docx_styles.py", "docx_xml.py")),
    digest_size=8,
).hexdigest()


def write(document: Document, options) -> bytes:
    package = _prototype(options.cache_dir).copy()
    if options.reference_docx is not None:
        _apply_reference_styles(package.part(STYLES), options.reference_docx)
    numbered_levels = _number_headings(package, document.numbering)
    body = package.part(DOCUMENT).find(xml.qn("w:body"))
    comments = None
    if getattr(options, "review", None) is not None:  # a review copy: a comment on every figure
        from zongjie.writers.docx_comments import CommentWriter

        comments = CommentWriter(options.review)
    _DocxWriter(body, numbered_levels, comments).write(document)
    if comments is not None:
        comments.finish(package)
    _set_core_properties(package.part(CORE), plain_text(document.meta.title),
                         plain_text(document.meta.signature) or "zongjie")
    return package.to_bytes()


# ---- the prototype -------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _prototype(cache_dir: Path | None = None) -> DocxPackage:
    """The styled, empty document, with the parts every document changes already parsed.
    Kept on disk in `cache_dir` so that a later run need not import python-docx at all."""
    cached = cache_dir / f"prototype-{_PROTOTYPE_KEY}.docx" if cache_dir is not None else None
    data = None
    if cached is not None and cached.is_file():
        data = cached.read_bytes()
    if data is None:
        from zongjie.writers.docx_prototype import build_prototype

        data = build_prototype()
        if cached is not None:
            _save_quietly(cached, data)
    package = DocxPackage.from_bytes(data)
    for name in (DOCUMENT, STYLES, NUMBERING, CORE):
        package.part(name)
    return package


def _save_quietly(path: Path, data: bytes) -> None:
    from zongjie.errors import OutputError
    from zongjie.output import write_files

    try:
        write_files({path: data})
    except OutputError:  # a cache that cannot be written only makes the next run slower
        pass


@lru_cache(maxsize=8)
def _reference_styles(path: Path, mtime: float):
    """The styles part of a workspace's reference.docx, read once."""
    from zongjie.errors import Location, OutputError

    import zipfile

    try:
        return DocxPackage.from_bytes(path.read_bytes()).part(STYLES)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, xml.etree.XMLSyntaxError) as error:  # not a .docx
        raise OutputError(f"无法读取参考文档 {path.name}（{error}）", Location(path),
                          "请用 Word 或 WPS 另存为 .docx 格式后再试。") from None


def _apply_reference_styles(ours, path: Path) -> None:
    """Styles of the reference document win over ours, as pandoc's --reference-doc: each style
    it defines replaces ours of the same id, and its document defaults replace ours."""
    reference = _reference_styles(path, path.stat().st_mtime)
    by_id = {style.get(xml.qn("w:styleId")): style for style in ours.findall(xml.qn("w:style"))}
    for style in reference.findall(xml.qn("w:style")):
        replacement = copy.deepcopy(style)
        existing = by_id.get(style.get(xml.qn("w:styleId")))
        if existing is not None:
            existing.addprevious(replacement)
            ours.remove(existing)
        else:
            ours.append(replacement)
    defaults = reference.find(xml.qn("w:docDefaults"))
    if defaults is not None:
        ours.remove(ours.find(xml.qn("w:docDefaults")))
        ours.insert(0, copy.deepcopy(defaults))


def _set_core_properties(core, title: str, author: str) -> None:
    for tag, value in (("dc:title", title), ("dc:creator", author)):
        element = core.find(xml.qn(tag))
        if element is None:
            element = xml.etree.SubElement(core, xml.qn(tag))
        element.text = value


def _number_headings(package: DocxPackage, patterns: tuple[str, ...]) -> set[int]:
    """Real multilevel numbering for the heading levels whose pattern Word can express
    (一、 （一） 1. （1） A …); returns those levels. Other levels keep text numbers."""
    from zongjie.numbering import split_pattern

    levels, numbered = [], set()
    for level, style_id in HEADING_STYLES.items():
        pattern = patterns[level - 1] if level <= len(patterns) else ""
        parts = split_pattern(pattern) if pattern else None
        spec = SPECS[style_id]
        entry = {"style": style_id, "east_asia": spec.east_asia, "latin": spec.latin, "bold": spec.bold,
                 "format": "none", "text": ""}
        if parts is not None and "%" not in pattern:
            before, kind, after = parts
            entry.update(format=xml.WORD_NUMBER_FORMATS[kind], text=f"{before}%{level}{after}")
            numbered.add(level)
        levels.append(entry)
    if not numbered:
        return numbered
    num_id = xml.set_heading_numbering(package.part(NUMBERING), levels)
    styles = {style.get(xml.qn("w:styleId")): style for style in package.part(STYLES).findall(xml.qn("w:style"))}
    for level in numbered:
        style = styles.get(HEADING_STYLES[level])
        if style is not None:
            xml.bind_style_to_numbering(style, num_id, level - 1)
    return numbered


# ---- blocks --------------------------------------------------------------------------------
class _DocxWriter:
    def __init__(self, body, numbered_levels: set[int] = frozenset(), comments=None):
        self.body = body
        self.comments = comments  # a CommentWriter in a review copy
        self.numbered_levels = numbered_levels  # heading levels Word numbers itself

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
            self.blank_line()
            self.blank_line()
            indents = closing_indents(plain_text(meta.signature), plain_text(meta.date))
            for part, right_chars in zip((meta.signature, meta.date), indents):
                if part:
                    paragraph = self.paragraph(part, "Signature")
                    xml.set_char_indent(xml.paragraph_properties(paragraph), 0, 0, round(right_chars * 100))

    def title(self, inlines: tuple[Inline, ...]) -> None:
        """The title centred, a long one broken into balanced lines (GB/T 9704: a trapezoid,
        words kept whole)."""
        lines = title_lines(plain_text(inlines))
        if len(lines) == 1:
            self.paragraph(inlines, "Title")
            return
        self.paragraph((Text("\n".join(lines)),), "Title")

    def block(self, block: Block, list_prefix: str = "") -> None:
        if isinstance(block, Heading):
            style = HEADING_STYLES.get(block.level, "Heading4")
            text_number = block.number and block.level not in self.numbered_levels
            self.paragraph((Text(block.number),) + block.content if text_number else block.content, style)
        elif isinstance(block, Paragraph):
            content = ((Text(list_prefix),) if list_prefix else ()) + block.content
            self.paragraph(content, "Normal")
        elif isinstance(block, ListBlock):
            for offset, item in enumerate(block.items):
                prefix = f"{block.start + offset}." if block.ordered else ""
                for index, child in enumerate(item):
                    self.block(child, prefix if index == 0 else "")
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, PageBreak):
            xml.add_page_break(xml.add_paragraph(self.body, None))

    def paragraph(self, inlines: tuple[Inline, ...], style_id: str):
        """A body paragraph (returned as its w:p element)."""
        paragraph = xml.add_paragraph(self.body, None if style_id == "Normal" else style_id)
        self.inlines(paragraph, inlines)
        return paragraph

    def blank_line(self) -> None:
        xml.add_paragraph(self.body, None)

    def inlines(self, paragraph, inlines: tuple[Inline, ...]) -> None:
        """One run per stretch of equally formatted text: a paragraph of figures and words is
        a single run, not one per figure (fewer elements: faster to build and to open)."""
        if self.comments is not None:
            self.comments.inlines(paragraph, inlines)
            return
        for text, bold, emphasis in _runs(inlines):
            xml.add_run(paragraph, text, bold, KAITI if emphasis else None, LATIN)

    def table(self, table: Table) -> None:
        """A table as OOXML directly (python-docx recomputes its cell grid on every cell
        access): Table Grid style, centred, the text width shared out by `_column_widths`,
        fixed layout, header row repeated on every page, rows kept whole."""
        columns = max(len(table.header), *(len(row) for row in table.rows)) if table.rows else len(table.header)
        widths = [round(width / EMU_PER_PT * 20) for width in _column_widths(table, columns)]  # twips
        aligns = list(table.align) + [""] * (columns - len(table.align))
        rows = [("TableHeading", [cell for cell in table.header], ["center"] * columns, True)]
        for row in table.rows:
            rows.append(("TableText", list(row), [aligns[i] or _guess_alignment(cell) for i, cell in enumerate(row)], False))
        element = xml.add_table(self.body, widths, round(TEXT_WIDTH / EMU_PER_PT * 20))
        for style_id, cells, cell_aligns, is_header in rows:
            cells = cells + [()] * (columns - len(cells))
            paragraphs = xml.add_table_row(element, widths, [style_id] * columns, cell_aligns, is_header)
            for paragraph, inlines in zip(paragraphs, cells):
                self.inlines(paragraph, inlines)


def _runs(inlines: tuple[Inline, ...], bold: bool = False, emphasis: bool = False) -> list[tuple[str, bool, bool]]:
    """(text, bold, emphasis) stretches, adjacent ones of the same format merged; a line
    break is the text "\n"."""
    runs: list[tuple[str, bool, bool]] = []
    for inline in inlines:
        if isinstance(inline, (Text, FactSpan)):
            pieces = [(inline.text, bold, emphasis)]
        elif isinstance(inline, Strong):
            pieces = _runs(inline.children, True, emphasis)
        elif isinstance(inline, Emphasis):
            pieces = _runs(inline.children, bold, True)
        elif isinstance(inline, LineBreak):
            pieces = [("\n", bold, emphasis)]
        else:
            pieces = []
        for piece in pieces:
            if runs and runs[-1][1:] == piece[1:]:
                runs[-1] = (runs[-1][0] + piece[0], *piece[1:])
            else:
                runs.append(piece)
    return runs


def _column_widths(table: Table, columns: int) -> list[int]:
    """Column widths (EMU) that keep every body cell on one line and the header on one line
    if the text width allows (else on two), sharing out what is left in proportion."""
    available = TEXT_WIDTH / (TABLE_FONT_SIZE * EMU_PER_PT)  # characters of the table's font per line
    body = [1.0] * columns
    header = [1.0] * columns
    for index, cell in enumerate(table.header[:columns]):
        header[index] = display_width(plain_text(cell))
    for row in table.rows:
        for index, cell in enumerate(row[:columns]):
            body[index] = max(body[index], display_width(plain_text(cell)))
    padding = 1.2  # cell margins, in characters
    for header_lines in (1, 2, 3):
        need = [max(b, h / header_lines) + padding for b, h in zip(body, header)]
        if sum(need) <= available:
            break
    total = sum(need)
    return [int(TEXT_WIDTH * share / total) for share in need]


def _guess_alignment(inlines) -> str:
    """Figures right-aligned, words left-aligned, when the Markdown did not say."""
    text = plain_text(inlines).strip()
    return "right" if text[:1].isdigit() or text[:1] in "+-−" else "left"


