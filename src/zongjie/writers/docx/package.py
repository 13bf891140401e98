"""A .docx as a zip of parts: the ones we change are parsed with lxml, the rest copied as bytes.

Enough of the Open Packaging Conventions (ECMA-376 Part 2) for a writer that starts every
document from the same prototype and adds to it: a new part (a picture, a chart, its
workbook, the comments, a header) needs its bytes in the zip, its content type (by extension,
`Default`, or by part name, `Override`) and a relationship from the part that refers to it
(the r:id in that part's XML). `DocxPackage.add_part` and `relate` are the one way to do that.

Every part is parsed with one configured parser, ours and a workspace's reference.docx alike.
"""

from __future__ import annotations

import copy
import io
import posixpath
import zipfile
from html import escape

from lxml import etree

DOCUMENT, STYLES, NUMBERING, CORE = "word/document.xml", "word/styles.xml", "word/numbering.xml", "docProps/core.xml"
CONTENT_TYPES = "[Content_Types].xml"

# XML from a workspace (reference.docx) may declare entities: never expand or fetch them (a
# SYSTEM entity would read a file outside the workspace into the document), never load a DTD,
# and keep lxml's limits on depth and text size (huge_tree off).
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)

PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_RELATIONSHIPS_HEADER = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
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


def relationships_part(source: str) -> str:
    """"word/document.xml" → "word/_rels/document.xml.rels"."""
    folder, name = posixpath.split(source)
    return posixpath.join(folder, "_rels", name + ".rels")


class DocxPackage:
    def __init__(self, entries: dict[str, bytes], parsed: dict[str, etree._Element] | None = None):
        self.entries = entries  # name → bytes, in the zip's order (b"" for a part that is only parsed)
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
        """A copy to write one document into: parsed parts deep-copied, the bytes of the others
        shared (never changed in place: a part is replaced or added, in the copy's own dict)."""
        return DocxPackage(dict(self.entries), {name: copy.deepcopy(element) for name, element in self.parsed.items()})

    # ---- adding parts ------------------------------------------------------------------------
    def add_part(self, name: str, data: bytes | etree._Element, content_type: str, by_extension: bool = False) -> None:
        """The part `name` (e.g. "word/media/image1.png"), bytes or an element serialised at
        the end, with its content type: by its extension (one `Default` for all pictures of a
        kind) or by its name (`Override`)."""
        if isinstance(data, bytes):
            self.entries[name] = data
        else:
            self.entries[name] = b""
            self.parsed[name] = data
        types = self.part(CONTENT_TYPES)
        if by_extension:
            extension = name.rsplit(".", 1)[-1]
            if any(d.get("Extension", "").lower() == extension for d in types.findall(f"{{{_CONTENT_TYPES_NS}}}Default")):
                return
            types.insert(0, etree.Element(f"{{{_CONTENT_TYPES_NS}}}Default", Extension=extension, ContentType=content_type))
        elif not any(o.get("PartName") == "/" + name for o in types.findall(f"{{{_CONTENT_TYPES_NS}}}Override")):
            types.append(etree.Element(f"{{{_CONTENT_TYPES_NS}}}Override", PartName="/" + name, ContentType=content_type))

    def relate(self, source: str, rel_type: str, target: str) -> str:
        """A relationship of `rel_type` from the part `source` to the part `target` (both
        names in the package); returns its id, the r:id `source` refers to it by. A source
        without relationships yet gets its .rels part."""
        rels_name = relationships_part(source)
        relative = posixpath.relpath(target, posixpath.dirname(source))
        if rels_name not in self.entries:
            self.entries[rels_name] = (f'{_RELATIONSHIPS_HEADER}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
                                       f'<Relationship Id="rId1" Type="{escape(rel_type)}" Target="{escape(relative)}"/>'
                                       "</Relationships>").encode("utf-8")
            return "rId1"
        rels = self.part(rels_name)
        taken = {r.get("Id") for r in rels}
        number = len(taken) + 1
        while f"rId{number}" in taken:
            number += 1
        rel_id = f"rId{number}"
        rels.append(etree.Element(f"{{{PACKAGE_RELATIONSHIPS}}}Relationship", Id=rel_id, Type=rel_type, Target=relative))
        return rel_id

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.entries.items():
                if name in self.parsed:
                    data = etree.tostring(self.parsed[name], xml_declaration=True, encoding="UTF-8", standalone=True)
                # photos are compressed already: deflating them again costs time and saves nothing
                archive.writestr(name, data, zipfile.ZIP_STORED if name.startswith("word/media/") else None)
        return buffer.getvalue()
