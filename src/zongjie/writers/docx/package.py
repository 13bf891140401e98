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

# XML from a workspace (reference.docx) may declare entities: never expand or fetch them (a
# SYSTEM entity would read a file outside the workspace into the document).
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
MAX_PART_BYTES = 20 * 1024 * 1024  # one part of a reference document, uncompressed


class PartTooLarge(ValueError):
    pass


def read_part(path, name: str, limit: int = MAX_PART_BYTES) -> etree._Element:
    """One part of a .docx on disk, parsed, reading no more than `limit` bytes of it: a small
    file can hold a part that unpacks to gigabytes."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
        if info.file_size > limit:
            raise PartTooLarge(f"{name} 解压后有 {info.file_size:,} 字节，超过上限 {limit:,}")
        with archive.open(info) as member:
            data = member.read(limit + 1)
        if len(data) > limit:
            raise PartTooLarge(f"{name} 解压后超过上限 {limit:,} 字节")
    return etree.fromstring(data, SAFE_PARSER)


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
            self.parsed[name] = etree.fromstring(self.entries[name], SAFE_PARSER)
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
