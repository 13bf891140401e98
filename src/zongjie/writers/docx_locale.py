"""The DOCX in the locale's language and fonts: a pass over the written package.

The prototype and styles are written for the official Simplified layout (zh-CN, GB2312 fonts);
a Traditional document says it is zh-TW / zh-HK (Word's proofing and font fallback go by
`w:lang`, its theme fonts by `w:themeFontLang`) and names the locale's fonts instead, wherever
the official ones are named: styles, heading numbering and the runs of the body.
"""

from __future__ import annotations

from zongjie.writers import docx_xml as xml
from zongjie.writers.docx_package import DOCUMENT, NUMBERING, STYLES

SETTINGS = "word/settings.xml"
FONT_TABLE_PART = "word/fontTable.xml"
_FONT_ATTRIBUTES = tuple(xml.qn(f"w:{name}") for name in ("ascii", "hAnsi", "eastAsia", "cs"))


def localize_package(package, lang: str, fonts: dict[str, str], used: tuple[str, ...] = ()) -> None:
    """`fonts`: official font name → the one to write instead (zongjie.fonts.replacements);
    `used`: every East Asian font of the document, described in the font table."""
    if fonts:
        for name in (STYLES, NUMBERING, DOCUMENT):
            if name in package.entries:
                _replace_fonts(package.part(name), fonts)
    _set_language(package, lang)
    if used and FONT_TABLE_PART in package.entries:
        _describe_fonts(package.part(FONT_TABLE_PART), used, lang)


def _describe_fonts(table, families: tuple[str, ...], lang: str) -> None:
    """Each East Asian font in word/fontTable.xml with its other name and character set, so
    that Word or WPS without it substitutes one of the same kind (DFKai-SB for 標楷體), not a
    Japanese or Latin font."""
    from zongjie.fonts import font_table_entry

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


def _replace_fonts(root, fonts: dict[str, str]) -> None:
    for element in root.iter(xml.qn("w:rFonts")):
        for attribute in _FONT_ATTRIBUTES:
            replacement = fonts.get(element.get(attribute))
            if replacement is not None:
                element.set(attribute, replacement)


def _set_language(package, lang: str) -> None:
    if lang != "zh-CN":  # the prototype's styles say zh-CN already
        for name in (STYLES, DOCUMENT):
            for element in package.part(name).iter(xml.qn("w:lang")):
                if element.get(xml.qn("w:eastAsia")) is not None:
                    element.set(xml.qn("w:eastAsia"), lang)
    # python-docx's template says ja-JP here, which would make Word pick Japanese theme fonts
    if SETTINGS in package.entries:
        settings = package.part(SETTINGS)
        theme_lang = settings.find(xml.qn("w:themeFontLang"))
        if theme_lang is None:
            theme_lang = xml.child(settings, "w:themeFontLang")
        theme_lang.set(xml.qn("w:eastAsia"), lang)
