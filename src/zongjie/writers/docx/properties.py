"""The DOCX parts around the text: document properties and language.

The prototype (data/, made by tools/make_docx_prototype.py) carries neutral ones;
`set_document_properties` and `set_language` fill in each document's own.

Created and modified are the build time (or SOURCE_DATE_EPOCH, for reproducible builds), not
the 成文日期: the file's properties are what tells a supervisor which build of the figures
they hold when facts were corrected after the document was dated; the 成文日期 is printed in
the document itself.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from lxml import etree

APP, SETTINGS = "docProps/app.xml", "word/settings.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_EXTENDED = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def build_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def set_document_properties(core, app, title: str, organisation: str, when: datetime) -> None:
    """Title, author and company, created and modified; no foreign description."""
    values = {"dc:title": title, "dc:creator": organisation, "cp:lastModifiedBy": organisation,
              "dc:description": "", "dcterms:created": _w3cdtf(when), "dcterms:modified": _w3cdtf(when)}
    for tag, value in values.items():
        prefix, name = tag.split(":")
        element = core.find(f"{{{_CORE[prefix]}}}{name}")
        if element is None:
            element = etree.SubElement(core, f"{{{_CORE[prefix]}}}{name}")
            if prefix == "dcterms":
                element.set(f"{{{_CORE['xsi']}}}type", "dcterms:W3CDTF")
        element.text = value
    company = app.find(f"{{{_EXTENDED}}}Company")
    if company is not None:
        company.text = organisation


def set_language(settings, styles, east_asia: str) -> None:
    """The East Asian language of the theme and of the default text (zh-CN, zh-TW, zh-HK):
    what Word's proofing and font fallback go by. The one place a Traditional build sets it."""
    theme_lang = settings.find(_w("themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(_w("eastAsia"), east_asia)
    defaults = styles.find(_w("docDefaults"))
    if defaults is not None:
        for lang in defaults.iter(_w("lang")):
            lang.set(_w("eastAsia"), east_asia)


def _w3cdtf(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
