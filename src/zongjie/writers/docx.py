"""Document model → DOCX in the official layout (GB/T 9704-2012).

A4, margins 37/26/35/28 mm (版心 156 × 225 mm), body 3号 仿宋_GB2312 at a fixed 28.95 pt
(22 lines a page) on a 28-character grid, headings 黑体 / 楷体 / 仿宋 bold / 仿宋, title 2号
方正小标宋简体, page numbers "— 1 —" in 4号 at the outer edge. The styles are real Word
styles (Heading 1 … shows as 标题 1), so the document navigates and restyles in Word/WPS.

The styled prototype is built once per process and copied for every document.
"""

from __future__ import annotations

import copy
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from docx import Document as open_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Emu, Mm, Pt

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
from zongjie.writers.layout import closing_indents, display_width, title_lines

LINE_PITCH = Pt(28.95)  # 225 mm ÷ 22 lines
# 28 characters in the 156 mm (442.2 pt) line: a 16 pt character condensed by 0.25 pt takes
# 15.75 pt, and 28 × 15.75 = 441 pt. In twentieths of a point:
BODY_CHARACTER_SPACING = -5
TABLE_FONT_SIZE = 14  # 4号
TEXT_WIDTH = Mm(156)
LATIN = "Times New Roman"
FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"


@dataclass(frozen=True)
class StyleSpec:
    style_id: str
    name: str
    east_asia: str
    size: float
    latin: str = LATIN
    bold: bool = False
    align: int | None = WD_ALIGN_PARAGRAPH.JUSTIFY
    first_line_chars: int = 200
    right_chars: int = 0
    line: Pt | None = LINE_PITCH
    keep_with_next: bool = False
    outline_level: int | None = None
    custom: bool = False
    character_spacing: int = BODY_CHARACTER_SPACING


STYLES = (
    StyleSpec("Normal", "Normal", FANGSONG, 16),
    StyleSpec("Title", "Title", XIAOBIAOSONG, 22, latin=XIAOBIAOSONG, align=WD_ALIGN_PARAGRAPH.CENTER,
              first_line_chars=0, line=Pt(36), keep_with_next=True, character_spacing=0),
    StyleSpec("Subtitle", "Subtitle", KAITI, 16, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_chars=0),
    StyleSpec("Heading1", "Heading 1", HEITI, 16, keep_with_next=True, outline_level=0),
    StyleSpec("Heading2", "Heading 2", KAITI, 16, keep_with_next=True, outline_level=1),
    StyleSpec("Heading3", "Heading 3", FANGSONG, 16, bold=True, keep_with_next=True, outline_level=2),
    StyleSpec("Heading4", "Heading 4", FANGSONG, 16, keep_with_next=True, outline_level=3),
    StyleSpec("Signature", "落款", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.RIGHT, first_line_chars=0,
              right_chars=400, custom=True),
    StyleSpec("Attachment", "附件说明", FANGSONG, 16, align=WD_ALIGN_PARAGRAPH.LEFT, custom=True),
    StyleSpec("TableText", "表格文字", FANGSONG, TABLE_FONT_SIZE, align=None, first_line_chars=0, line=None, custom=True,
              character_spacing=0),
    StyleSpec("TableHeading", "表格标题行", HEITI, TABLE_FONT_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, first_line_chars=0,
              line=None, custom=True, character_spacing=0),
    StyleSpec("Footer", "Footer", SONGTI, 14, align=None, first_line_chars=0, line=None, character_spacing=0),
)
HEADING_STYLES = {1: "Heading1", 2: "Heading2", 3: "Heading3", 4: "Heading4"}


def write(document: Document, options) -> bytes:
    docx_document = _new_document(options.cache_dir)
    if options.reference_docx is not None:
        _apply_reference_styles(docx_document, options.reference_docx)
    numbered_levels = _number_headings(docx_document, document.numbering)
    _DocxWriter(docx_document, numbered_levels).write(document)
    docx_document.core_properties.title = plain_text(document.meta.title)
    docx_document.core_properties.author = plain_text(document.meta.signature) or "zongjie"
    buffer = io.BytesIO()
    docx_document.save(buffer)
    return buffer.getvalue()


_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header",
                "Footer", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Heading4"}


def _drop_unused_styles(styles) -> None:
    """python-docx's template defines ~160 styles; keeping only ours makes every save
    smaller and leaves Word's style list uncluttered."""
    root = styles.element
    for style in list(root.findall(xml.qn("w:style"))):
        if style.get(xml.qn("w:styleId")) not in _KEPT_STYLES:
            root.remove(style)
    latent = root.find(xml.qn("w:latentStyles"))
    if latent is not None:
        root.remove(latent)


# ---- the prototype -------------------------------------------------------------------------
@lru_cache(maxsize=2)
def _prototype(cache_dir: Path | None = None):
    """The styled, empty document every DOCX starts from. Building it means parsing
    python-docx's large default template; the result is kept on disk (keyed by this module's
    source, so a new zongjie rebuilds it) for the next run to load in a few milliseconds."""
    cached = cache_dir / f"prototype-{_SOURCE_KEY}.docx" if cache_dir is not None else None
    if cached is not None and cached.is_file():
        try:
            return open_docx(io.BytesIO(cached.read_bytes()))
        except (OSError, ValueError, KeyError):  # damaged: build it again
            pass
    document = _build_prototype()
    if cached is not None:
        buffer = io.BytesIO()
        document.save(buffer)
        from zongjie.errors import OutputError
        from zongjie.output import write_files

        try:
            write_files({cached: buffer.getvalue()})
        except OutputError:  # a cache that cannot be written only makes the next run slower
            pass
    return document


_SOURCE_KEY = hashlib.blake2b(Path(__file__).read_bytes(), digest_size=8).hexdigest()


def _build_prototype():
    document = open_docx()
    _set_up_styles(document)
    _set_up_page(document.sections[0])
    _set_up_page_numbers(document)
    _drop_unneeded_parts(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(xml.qn("w:p"))):
        body.remove(paragraph)
    return document


def _drop_unneeded_parts(document) -> None:
    """python-docx's template carries parts an official document does not need and every save
    would compress again: Word 2010 style effects (430 KB), web settings, custom XML and
    a thumbnail image of an empty page."""
    unneeded = ("stylesWithEffects", "webSettings", "customXml")
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.rsplit("/", 1)[-1] in unneeded:
            document.part.drop_rel(rel_id)
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del package_rels[rel_id]


def _new_document(cache_dir: Path | None = None):
    return copy.deepcopy(_prototype(cache_dir))


@lru_cache(maxsize=8)
def _reference_styles(path: Path, mtime: float):
    """The style definitions and defaults of a workspace's reference.docx, read once."""
    from zongjie.errors import Location, OutputError

    try:
        reference = open_docx(str(path))
    except (OSError, ValueError, KeyError) as error:  # not a .docx, or damaged
        raise OutputError(f"无法读取参考文档 {path.name}（{error}）", Location(path),
                          "请用 Word 或 WPS 另存为 .docx 格式后再试。") from None
    return reference.styles.element


def _apply_reference_styles(docx_document, path: Path) -> None:
    """Styles of the reference document win over ours, as pandoc's --reference-doc: each style
    it defines replaces ours of the same id, and its document defaults replace ours."""
    reference = _reference_styles(path, path.stat().st_mtime)
    ours = docx_document.styles.element
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


def _set_up_styles(document) -> None:
    styles = document.styles
    _drop_unused_styles(styles)
    defaults = styles.element.find(xml.qn("w:docDefaults"))
    defaults_rpr = defaults.find(xml.qn("w:rPrDefault")).find(xml.qn("w:rPr"))
    xml.set_fonts(defaults_rpr, FANGSONG, LATIN)
    xml.set_language(defaults_rpr)
    # Word measures the character grid against the default font size: 三号 (16 pt).
    for tag in ("w:sz", "w:szCs"):
        xml.child(defaults_rpr, tag).set(xml.qn("w:val"), "32")
    paragraph_defaults = defaults.find(xml.qn("w:pPrDefault"))
    if paragraph_defaults is not None:
        defaults.remove(paragraph_defaults)
    for spec in STYLES:
        if spec.custom:
            style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            style.style_id = spec.style_id
            style.base_style = styles["Normal"]
            style.quick_style = True
        else:
            style = styles[spec.name]
        _apply(style, spec)


def _apply(style, spec: StyleSpec) -> None:
    # Start from nothing: python-docx's template styles carry borders, theme colours,
    # letter spacing and keep-lines settings that an official document must not have.
    for tag in ("w:pPr", "w:rPr", "w:link"):
        for element in style.element.findall(xml.qn(tag)):
            style.element.remove(element)
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = False
    font.color.rgb = None
    rpr = style.element.get_or_add_rPr()
    xml.set_fonts(rpr, spec.east_asia, spec.latin)
    if spec.character_spacing:
        xml.set_character_spacing(rpr, spec.character_spacing)
    paragraph = style.paragraph_format
    paragraph.space_before = Pt(0)
    paragraph.space_after = Pt(0)
    paragraph.alignment = spec.align
    paragraph.keep_with_next = spec.keep_with_next
    if spec.line is not None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.line_spacing = spec.line
    else:
        paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = style.element.get_or_add_pPr()
    xml.set_char_indent(ppr, spec.first_line_chars, 0, spec.right_chars, spec.size)
    if spec.outline_level is not None:
        ppr.get_or_add_outlineLvl().val = spec.outline_level


def _set_up_page(section) -> None:
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    section.footer_distance = Mm(25)  # puts the number's top about 7 mm below the text block
    # 22 lines: a line grid at the fixed line pitch. The 28 characters per line come from
    # the body style's condensed character spacing, not from a character grid: LibreOffice
    # gives a full-width glyph two cells of a grid narrower than the font.
    xml.set_document_grid(section, round(LINE_PITCH.twips))


def _set_up_page_numbers(document) -> None:
    """— 1 — in 4号, odd pages at the right, even pages at the left, one character in."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align, indent in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT, "right"),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT, "left"),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        xml.set_style_id(paragraph._p, "Footer")
        paragraph.alignment = align
        ppr = paragraph._p.get_or_add_pPr()
        xml.set_char_indent(ppr, 0, 100 if indent == "left" else 0, 100 if indent == "right" else 0, 14)
        paragraph.add_run("— ")
        xml.add_field(paragraph, "PAGE")
        paragraph.add_run(" —")


def _number_headings(docx_document, patterns: tuple[str, ...]) -> set[int]:
    """Real multilevel numbering for the heading levels whose pattern Word can express
    (一、 （一） 1. （1） A …); returns those levels. Other levels keep text numbers."""
    from zongjie.numbering import split_pattern

    levels, numbered = [], set()
    for level, style_id in HEADING_STYLES.items():
        pattern = patterns[level - 1] if level <= len(patterns) else ""
        parts = split_pattern(pattern) if pattern else None
        spec = next(spec for spec in STYLES if spec.style_id == style_id)
        entry = {"style": style_id, "east_asia": spec.east_asia, "latin": spec.latin, "bold": spec.bold,
                 "format": "none", "text": ""}
        if parts is not None and "%" not in pattern:
            before, kind, after = parts
            entry.update(format=xml.WORD_NUMBER_FORMATS[kind], text=f"{before}%{level}{after}")
            numbered.add(level)
        levels.append(entry)
    if not numbered:
        return numbered
    num_id = xml.set_heading_numbering(docx_document, levels)
    for level in numbered:
        xml.bind_style_to_numbering(docx_document.styles[HEADING_STYLES[level].replace("Heading", "Heading ")], num_id, level - 1)
    return numbered


# ---- blocks --------------------------------------------------------------------------------
class _DocxWriter:
    def __init__(self, document, numbered_levels: set[int] = frozenset()):
        self.document = document
        self.body = document.element.body
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
                    xml.set_char_indent(paragraph.get_or_add_pPr(), 0, 0, round(right_chars * 100))

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
        for text, bold, emphasis in _runs(inlines):
            xml.add_run(paragraph, text, bold, KAITI if emphasis else None, LATIN)

    def table(self, table: Table) -> None:
        """A table as OOXML directly (python-docx recomputes its cell grid on every cell
        access): Table Grid style, centred, the text width shared out by `_column_widths`,
        fixed layout, header row repeated on every page, rows kept whole."""
        columns = max(len(table.header), *(len(row) for row in table.rows)) if table.rows else len(table.header)
        widths = [round(Emu(width).twips) for width in _column_widths(table, columns)]
        aligns = list(table.align) + [""] * (columns - len(table.align))
        rows = [("TableHeading", [cell for cell in table.header], ["center"] * columns, True)]
        for row in table.rows:
            rows.append(("TableText", list(row), [aligns[i] or _guess_alignment(cell) for i, cell in enumerate(row)], False))
        element = xml.add_table(self.body, widths, round(TEXT_WIDTH.twips))
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
    available = TEXT_WIDTH / Pt(TABLE_FONT_SIZE)  # characters of the table's font per line
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


