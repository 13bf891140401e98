"""Adding parts to a DOCX package: a picture (word/media/…) or a chart (word/charts/…).

A new part needs three things (Open Packaging Conventions): its bytes in the zip, a
relationship from word/document.xml to it (the r:id the body refers to), and its content
type, by extension (`Default`) or by part name (`Override`).
"""

from __future__ import annotations

from lxml import etree

from zongjie.writers.docx.package import DocxPackage

RELS = "word/_rels/document.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_REL_BASE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
IMAGE_REL, CHART_REL = _REL_BASE + "image", _REL_BASE + "chart"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PACKAGE_REL = _REL_BASE + "package"
_EXTENSIONS = {"image/jpeg": "jpeg", "image/png": "png"}


def add_part(package: DocxPackage, name: str, data: bytes | etree._Element, rel_type: str | None,
             content_type: str, by_extension: bool = False) -> str:
    """Add the part `name` (e.g. "word/media/image1.png"); returns its relationship id from
    the document (none when `rel_type` is None: a part another part refers to)."""
    if not getattr(package, "_owns_entries", False):  # DocxPackage.copy() shares the prototype's entries
        package.entries = dict(package.entries)
        package._owns_entries = True  # type: ignore[attr-defined]
    if isinstance(data, bytes):
        package.entries[name] = data
    else:
        package.entries[name] = b""
        package.parsed[name] = data
    _add_content_type(package.part(CONTENT_TYPES), name, content_type, by_extension)
    if rel_type is None:
        return ""
    return _add_relationship(package.part(RELS), rel_type, name.removeprefix("word/"))


def _add_content_type(types, name: str, content_type: str, by_extension: bool) -> None:
    if by_extension:
        extension = name.rsplit(".", 1)[-1]
        if any(d.get("Extension", "").lower() == extension for d in types.findall(f"{{{_TYPES}}}Default")):
            return
        element = etree.Element(f"{{{_TYPES}}}Default", Extension=extension, ContentType=content_type)
        types.insert(0, element)
    else:
        types.append(etree.Element(f"{{{_TYPES}}}Override", PartName="/" + name, ContentType=content_type))


def _add_relationship(rels, rel_type: str, target: str) -> str:
    taken = {r.get("Id") for r in rels}
    number = len(taken) + 1
    while f"rId{number}" in taken:
        number += 1
    rel_id = f"rId{number}"
    rels.append(etree.Element(f"{{{_PKG_RELS}}}Relationship", Id=rel_id, Type=rel_type, Target=target))
    return rel_id


def add_image(package: DocxPackage, data: bytes, mime: str, number: int) -> str:
    extension = _EXTENSIONS[mime]
    return add_part(package, f"word/media/zj_image{number}.{extension}", data, IMAGE_REL, mime, by_extension=True)


def add_chart(package: DocxPackage, chart, number: int, font_replacements: dict[str, str] | None = None) -> str:
    """The chart part, its embedded workbook, and the relationship between them."""
    from zongjie.writers.docx.chart import chart_space
    from zongjie.writers.docx.workbook import workbook

    workbook_name = f"word/embeddings/zj_chart_data{number}.xlsx"
    add_part(package, workbook_name, workbook(chart), None, XLSX_TYPE, by_extension=True)
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{PACKAGE_REL}" Target="../embeddings/zj_chart_data{number}.xlsx"/>'
            "</Relationships>")
    package.entries[f"word/charts/_rels/chart{number}.xml.rels"] = rels.encode("utf-8")
    font = body_east_asian_font(package)
    chart_xml = chart_space(chart, "rId1", (font_replacements or {}).get(font, font))
    return add_part(package, f"word/charts/chart{number}.xml", chart_xml, CHART_REL, CHART_TYPE)


def body_east_asian_font(package: DocxPackage) -> str:
    """The East Asian font of the document's body text (its Normal style, else the document
    defaults), so a chart's labels follow a reference document or a Traditional font choice."""
    from zongjie.writers.docx.package import STYLES
    from zongjie.writers.docx.styles import FANGSONG
    from zongjie.writers.docx.oxml import qn

    styles = package.part(STYLES)
    candidates = [style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}") for style in styles.findall(qn("w:style"))
                  if style.get(qn("w:styleId")) == "Normal"]
    candidates.append(styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"))
    for fonts in candidates:
        if fonts is not None and fonts.get(qn("w:eastAsia")):
            return fonts.get(qn("w:eastAsia"))
    return FANGSONG
