"""The DOCX in the locale's fonts: a pass over the written package.

The prototype and styles are written for the official Simplified layout (GB2312 fonts); a
Traditional document (or one whose config.yaml sets `fonts:`) names its own fonts instead,
wherever the official ones are named: styles, heading numbering, the runs of the body and the
theme's East Asian fonts; and the font table describes them (other name, Big5 or GB2312), so
that Word or WPS without them substitutes a font of the same kind. The document's language
(zh-TW / zh-HK) is set by properties.set_language.
"""

from __future__ import annotations

from zongjie.fonts import font_table_entry
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.package import DOCUMENT, NUMBERING, STYLES

FONT_TABLE_PART, THEME_PART = "word/fontTable.xml", "word/theme/theme1.xml"
_FONT_ATTRIBUTES = tuple(xml.qn(f"w:{name}") for name in ("ascii", "hAnsi", "eastAsia", "cs"))
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"


def localize_package(package, lang: str, fonts: dict[str, str], used: tuple[str, ...] = ()) -> None:
    """`fonts`: official font name → the one to write instead (zongjie.fonts.replacements);
    `used`: every East Asian font of the document, described in the font table."""
    if fonts:
        for name in (STYLES, NUMBERING, DOCUMENT):
            if name in package.entries:
                _replace_fonts(package.part(name), fonts)
        if THEME_PART in package.entries:
            _replace_theme_fonts(package.part(THEME_PART), fonts)
    if used and FONT_TABLE_PART in package.entries:
        _describe_fonts(package.part(FONT_TABLE_PART), used, lang)


def _replace_fonts(root, fonts: dict[str, str]) -> None:
    for element in root.iter(xml.qn("w:rFonts")):
        for attribute in _FONT_ATTRIBUTES:
            replacement = fonts.get(element.get(attribute))
            if replacement is not None:
                element.set(attribute, replacement)


def _replace_theme_fonts(theme, fonts: dict[str, str]) -> None:
    for tag in ("ea", "font"):
        for element in theme.iter(f"{{{_DRAWING}}}{tag}"):
            replacement = fonts.get(element.get("typeface"))
            if replacement is not None:
                element.set("typeface", replacement)


def _describe_fonts(table, families: tuple[str, ...], lang: str) -> None:
    """Each East Asian font in word/fontTable.xml with its other name and character set, so
    that Word or WPS without it substitutes one of the same kind (DFKai-SB for 標楷體), not a
    Japanese or Latin font."""
    locale = {"zh-TW": "zh_Hant_TW", "zh-HK": "zh_Hant_HK"}.get(lang, "zh_CN")
    present = {font.get(xml.qn("w:name")) for font in table.findall(xml.qn("w:font"))}
    for family in dict.fromkeys(families):
        if family in present:
            continue
        other, charset, kind, pitch = font_table_entry(family, locale)
        font = xml.etree.SubElement(table, xml.qn("w:font"))
        font.set(xml.qn("w:name"), family)
        if other:
            xml.etree.SubElement(font, xml.qn("w:altName")).set(xml.qn("w:val"), other)
        xml.etree.SubElement(font, xml.qn("w:charset")).set(xml.qn("w:val"), charset)
        xml.etree.SubElement(font, xml.qn("w:family")).set(xml.qn("w:val"), kind)
        xml.etree.SubElement(font, xml.qn("w:pitch")).set(xml.qn("w:val"), pitch)
