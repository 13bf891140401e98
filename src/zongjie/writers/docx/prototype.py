"""The styled, empty document every DOCX starts from, built with python-docx.

This is the only code that imports python-docx at run time, and it runs once: the result is
saved (as DOCX bytes) beside the compiled templates and reused by later runs. Changing this
file (or styles.py) makes a new prototype.
"""

from __future__ import annotations

import io

from docx import Document as open_docx
from docx.enum.section import WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.shared import Mm, Pt

from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.styles import FANGSONG, LATIN, LINE_PITCH_PT, STYLES, StyleSpec

_ALIGNMENTS = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
               "right": WD_ALIGN_PARAGRAPH.RIGHT, "left": WD_ALIGN_PARAGRAPH.LEFT, None: None}
_KEPT_STYLES = {"Normal", "DefaultParagraphFont", "TableNormal", "NoList", "TableGrid", "Header",
                "Footer", "Title", "Subtitle", "Heading1", "Heading2", "Heading3", "Heading4"}


def build_prototype() -> bytes:
    document = open_docx()
    _set_up_styles(document)
    _set_up_page(document.sections[0])
    _set_up_page_numbers(document)
    _drop_unneeded_parts(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(xml.qn("w:p"))):
        body.remove(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return _without_template_leftovers(buffer.getvalue())


def _without_template_leftovers(data: bytes) -> bytes:
    """Font table, extended properties and theme of our own (see properties.py)."""
    from zongjie.writers.docx.package import DocxPackage
    from zongjie.writers.docx.properties import clean_prototype

    package = DocxPackage.from_bytes(data)
    entries = dict(package.entries)
    clean_prototype(entries)
    return DocxPackage(entries).to_bytes()


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
    kept = {style.get(xml.qn("w:styleId")) for style in root.findall(xml.qn("w:style"))}
    for link in root.iter(xml.qn("w:link")):  # e.g. Header → HeaderChar, a style we dropped
        if link.get(xml.qn("w:val")) not in kept:
            link.getparent().remove(link)


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
    xml.child(defaults_rpr, "w:rFonts").set(xml.qn("w:hint"), "eastAsia")  # “” — … in the Chinese font (Word)
    paragraph_defaults = defaults.find(xml.qn("w:pPrDefault"))
    if paragraph_defaults is not None:
        defaults.remove(paragraph_defaults)
    defaults.append(_paragraph_defaults())
    for spec in STYLES:
        if spec.custom:
            style = styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
            style.style_id = spec.style_id
            style.base_style = styles["Normal"]
            style.quick_style = True
        else:
            style = styles[spec.name]
        _apply(style, spec)


def _paragraph_defaults():
    """Every paragraph: no single line of it alone at a page's head or foot (widow/orphan
    control), and no punctuation hanging past the right margin into the 版心's edge
    (overflowPunct off: the line is compressed or broken earlier instead)."""
    defaults = xml.OxmlElement("w:pPrDefault")
    ppr = xml.child(defaults, "w:pPr")
    xml.child(ppr, "w:widowControl")
    xml.child(ppr, "w:overflowPunct").set(xml.qn("w:val"), "0")
    return defaults


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
    paragraph.alignment = _ALIGNMENTS[spec.align]
    paragraph.keep_with_next = spec.keep_with_next
    if spec.line_pt is not None:
        paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.line_spacing = Pt(spec.line_pt)
    else:
        paragraph.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = style.element.get_or_add_pPr()
    xml.child(ppr, "w:overflowPunct").set(xml.qn("w:val"), "0")  # LibreOffice reads it from styles only
    xml.set_char_indent(ppr, spec.first_line_chars, 0, spec.right_chars, spec.size)
    if spec.outline_level is not None:
        ppr.get_or_add_outlineLvl().val = spec.outline_level
    if spec.line_pt is not None and spec.line_pt != LINE_PITCH_PT:
        # its own line spacing: snapped to the body's grid a 2-line title would be 2 × 28.95 pt apart
        xml.child(ppr, "w:snapToGrid").set(xml.qn("w:val"), "0")


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
    set_document_grid(section, round(Pt(LINE_PITCH_PT).twips))


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
        add_field(paragraph, "PAGE")
        paragraph.add_run(" —")


def add_field(paragraph, instruction: str, placeholder: str = "1") -> None:
    """A complex field (e.g. PAGE) whose result Word and WPS recompute on opening."""
    from zongjie.writers.docx.oxml import OxmlElement, qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run._r.append(begin)
    run = paragraph.add_run()
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    run._r.append(text)
    run = paragraph.add_run()
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(separate)
    paragraph.add_run(placeholder)
    run = paragraph.add_run()
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run._r.append(end)


def set_document_grid(section, line_pitch_twips: int) -> None:
    """Word's 文档网格 with lines only (指定行网格)."""
    grid = xml.child(section._sectPr, "w:docGrid")
    grid.set(xml.qn("w:type"), "lines")
    grid.set(xml.qn("w:linePitch"), str(line_pitch_twips))
    grid.attrib.pop(xml.qn("w:charSpace"), None)
