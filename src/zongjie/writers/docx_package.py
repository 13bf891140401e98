"""A .docx as a zip of parts: the few we change are parsed with lxml, the rest copied as bytes.

Enough of the Open Packaging Conventions for a writer that starts every document from the
same prototype: the parts and their relationships never change, only the XML inside
word/document.xml, word/styles.xml, word/numbering.xml and docProps/core.xml.
"""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

DOCUMENT, STYLES, NUMBERING, CORE = "word/document.xml", "word/styles.xml", "word/numbering.xml", "docProps/core.xml"


class DocxPackage:
    def __init__(self, entries: dict[str, bytes], parsed: dict[str, etree._Element] | None = None):
        self.entries = entries  # name → bytes, in the zip's order
        self.parsed = parsed or {}

    @classmethod
    def from_bytes(cls, data: bytes) -> "DocxPackage":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return cls({name: archive.read(name) for name in archive.namelist()})

    def part(self, name: str) -> etree._Element:
        if name not in self.parsed:
            self.parsed[name] = etree.fromstring(self.entries[name])
        return self.parsed[name]

    def copy(self) -> "DocxPackage":
        """A copy to write one document into: parsed parts deep-copied, bytes shared."""
        return DocxPackage(self.entries, {name: copy.deepcopy(element) for name, element in self.parsed.items()})

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.entries.items():
                if name in self.parsed:
                    data = etree.tostring(self.parsed[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                # photos are compressed already: deflating them again costs time and saves nothing
                archive.writestr(name, data, zipfile.ZIP_STORED if name.startswith("word/media/") else None)
        return buffer.getvalue()
