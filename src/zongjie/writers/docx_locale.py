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
_FONT_ATTRIBUTES = tuple(xml.qn(f"w:{name}") for name in ("ascii", "hAnsi", "eastAsia", "cs"))


def localize_package(package, lang: str, fonts: dict[str, str]) -> None:
    """`fonts`: official font name → the one to write instead (zongjie.fonts.replacements)."""
    if fonts:
        for name in (STYLES, NUMBERING, DOCUMENT):
            if name in package.entries:
                _replace_fonts(package.part(name), fonts)
    _set_language(package, lang)


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
