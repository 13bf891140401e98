"""OOXML elements, made and changed with lxml alone.

East-Asian fonts (`w:rFonts/@w:eastAsia`, with theme fonts removed so they cannot override),
character-based indents, runs, paragraphs and tables. Nothing here imports python-docx
(a build never does); the functions work as well on python-docx's element objects, which are
lxml elements too: tools/make_docx_prototype.py uses them on the styles it builds.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "xml": "http://www.w3.org/XML/1998/namespace",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
}


@lru_cache(maxsize=None)  # a few dozen tags, asked for hundreds of times per document
def qn(tag: str) -> str:
    """"w:p" → "{http://…/main}p"."""
    prefix, name = tag.split(":")
    return f"{{{NAMESPACES[prefix]}}}{name}"


def OxmlElement(tag: str):  # noqa: N802 - named as python-docx's, which it replaces here
    """A new element; once inserted in a document it takes the document's `w:` prefix."""
    return etree.Element(qn(tag))

_THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


# Child order of the property elements we add to (ECMA-376 §17; python-docx keeps these
# sequences private). Word refuses files whose property elements are out of order.
_CHILD_ORDER = {
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps", "w:strike",
              "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint", "w:noProof", "w:snapToGrid",
              "w:vanish", "w:webHidden", "w:color", "w:spacing", "w:w", "w:kern", "w:position", "w:sz",
              "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign",
              "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr", "w:widowControl",
              "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs", "w:suppressAutoHyphens",
              "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN",
              "w:bidi", "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
              "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
    "w:sectPr": ("w:footnotePr", "w:endnotePr", "w:type", "w:pgSz", "w:pgMar", "w:paperSrc", "w:pgBorders",
                 "w:lnNumType", "w:pgNumType", "w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg",
                 "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange"),
    "w:style": ("w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine", "w:hidden",
                "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat", "w:locked", "w:personal",
                "w:personalCompose", "w:personalReply", "w:rsid", "w:pPr", "w:rPr", "w:tblPr", "w:trPr",
                "w:tcPr", "w:tblStylePr"),
    "w:numPr": ("w:ilvl", "w:numId", "w:numberingChange", "w:ins"),
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize",
                "w:tblStyleColBandSize", "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders",
                "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription",
                "w:tblPrChange"),
}
_PREFIXED = {qn(parent): parent for parent in _CHILD_ORDER}


def child(parent, tag: str):
    """The parent's child `tag`, created in schema order if it is missing."""
    existing = parent.find(qn(tag))
    if existing is not None:
        return existing
    element = OxmlElement(tag)
    later = _later_siblings(parent.tag, tag)
    successor = next((node for node in parent if node.tag in later), None)
    if successor is not None:
        successor.addprevious(element)
    else:
        parent.append(element)
    return element


@lru_cache(maxsize=None)
def _later_siblings(parent_tag: str, tag: str) -> frozenset:
    """Clark names of the children that must come after `tag` in `parent_tag`."""
    order = _CHILD_ORDER.get(_PREFIXED.get(parent_tag, ""), ())
    return frozenset(qn(name) for name in order[order.index(tag) + 1:]) if tag in order else frozenset()


def set_fonts(rpr, east_asia: str, latin: str) -> None:
    """Chinese text uses `east_asia`, digits and Latin letters `latin`."""
    fonts = child(rpr, "w:rFonts")
    for attribute in _THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def set_language(rpr, east_asia: str = "zh-CN") -> None:
    lang = child(rpr, "w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), east_asia)
    lang.set(qn("w:bidi"), "ar-SA")


def set_char_indent(ppr, first_line_chars: int = 0, left_chars: int = 0, right_chars: int = 0,
                    font_size_pt: float = 16) -> None:
    """Indents counted in characters (hundredths), as Word's 首行缩进 2 字符. The twip values
    are written as well for readers that ignore the *Chars attributes."""
    ind = child(ppr, "w:ind")
    char_twips = font_size_pt * 20
    for name, chars in (("firstLine", first_line_chars), ("left", left_chars), ("right", right_chars)):
        ind.set(qn(f"w:{name}Chars"), str(chars))
        ind.set(qn(f"w:{name}"), str(round(chars / 100 * char_twips)))


def add_run(paragraph_element, text: str, bold: bool = False, east_asia: str | None = None,
            latin: str = "Times New Roman", hint: str | None = None, highlight: bool = False) -> None:
    """Append a run with `text` (newlines become line breaks), built directly: python-docx's
    add_run resolves child order by XPath for every element, which dominates build time."""
    run = make_element("w:r")
    if bold or east_asia or highlight:
        rpr = make_element("w:rPr")
        if east_asia:
            fonts = w_element("w:rFonts", ascii=latin, hAnsi=latin, eastAsia=east_asia, cs=latin)
            if hint:
                fonts.set(qn("w:hint"), hint)
            rpr.append(fonts)
        if bold:
            rpr.append(make_element("w:b"))
        if highlight:  # a draft's 【待填：…】: Word's and WPS's own yellow marker
            rpr.append(w_element("w:highlight", val="yellow"))
        run.append(rpr)
    for index, line in enumerate(text.split("\n")):
        if index:
            run.append(make_element("w:br"))
        if line:
            t = make_element("w:t")
            t.text = line
            if line != line.strip():
                t.set(qn("xml:space"), "preserve")
            run.append(t)
    paragraph_element.append(run)


def add_paragraph(body, style_id: str | None):
    """A new paragraph at the end of the body (before its section properties), built directly
    for the same reason as add_run."""
    paragraph = make_element("w:p")
    if style_id:
        ppr = make_element("w:pPr")
        ppr.append(w_element("w:pStyle", val=style_id))
        paragraph.append(ppr)
    return _append_to_body(body, paragraph)


def _append_to_body(body, element):
    """Body content goes before the body's final section properties."""
    section = body.find(qn("w:sectPr"))
    if section is not None:
        section.addprevious(element)
    else:
        body.append(element)
    return element


def add_page_break(paragraph_element) -> None:
    run = make_element("w:r")
    run.append(w_element("w:br", type="page"))
    paragraph_element.append(run)


def paragraph_properties(paragraph_element):
    """A paragraph's w:pPr, which must be its first child."""
    properties = paragraph_element.find(qn("w:pPr"))
    if properties is None:
        properties = OxmlElement("w:pPr")
        paragraph_element.insert(0, properties)
    return properties


def set_style_id(paragraph_element, style_id: str) -> None:
    """Set a paragraph's style by id (python-docx resolves names by scanning every style)."""
    child(paragraph_properties(paragraph_element), "w:pStyle").set(qn("w:val"), style_id)


def add_table(body, widths_twips: list[int], total_twips: int):
    """An empty table at the end of the body: Table Grid style, centred, fixed layout."""
    table = make_element("w:tbl")
    properties = make_element("w:tblPr")
    for element in (w_element("w:tblStyle", val="TableGrid"), w_element("w:tblW", w=total_twips, type="dxa"),
                    w_element("w:jc", val="center"), w_element("w:tblLayout", type="fixed"),
                    w_element("w:tblLook", val="04A0", firstRow=1, lastRow=0, firstColumn=1, lastColumn=0,
                             noHBand=0, noVBand=1)):
        properties.append(element)
    table.append(properties)
    grid = make_element("w:tblGrid")
    for width in widths_twips:
        grid.append(w_element("w:gridCol", w=width))  # the grid, which LibreOffice and WPS follow
    table.append(grid)
    return _append_to_body(body, table)


def add_table_row(table, widths_twips: list[int], styles: list[str], aligns: list[str], header: bool) -> list:
    """A row whose cells are vertically centred, each with one paragraph; returns the
    paragraphs. A header row repeats on every page; no row breaks across pages."""
    row = make_element("w:tr")
    properties = make_element("w:trPr")
    properties.append(w_element("w:cantSplit", val="true"))
    if header:
        properties.append(w_element("w:tblHeader", val="true"))
    row.append(properties)
    paragraphs = []
    for width, style_id, align in zip(widths_twips, styles, aligns):
        cell = make_element("w:tc")
        cell_properties = make_element("w:tcPr")
        cell_properties.append(w_element("w:tcW", w=width, type="dxa"))  # the cell width, which Word follows
        cell_properties.append(w_element("w:vAlign", val="center"))
        cell.append(cell_properties)
        paragraph = make_element("w:p")
        paragraph_properties = make_element("w:pPr")
        paragraph_properties.append(w_element("w:pStyle", val=style_id))
        paragraph_properties.append(w_element("w:jc", val={"right": "right", "center": "center"}.get(align, "left")))
        paragraph.append(paragraph_properties)
        cell.append(paragraph)
        row.append(cell)
        paragraphs.append(paragraph)
    table.append(row)
    return paragraphs


def set_character_spacing(rpr, twentieths_of_a_point: int) -> None:
    """Condense (negative) or expand the space after every character (Word: 字符间距)."""
    child(rpr, "w:spacing").set(qn("w:val"), str(twentieths_of_a_point))


def w_element(tag: str, **attributes) -> etree._Element:
    """A new element with w: attributes: w_element("w:jc", val="center")."""
    return make_element(tag, {qn(f"w:{name}"): str(value) for name, value in attributes.items()})


def make_element(tag: str, attributes: dict | None = None) -> etree._Element:
    return etree.Element(qn(tag), attributes or {})
