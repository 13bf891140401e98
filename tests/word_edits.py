"""Editing a DOCX the way Word does, for the review-loop tests: tracked insertions and
deletions (w:ins/w:del with author and date), comments (word/comments.xml with its
relationship and content type), split paragraphs and changed styles."""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DATE = "2026-11-20T09:30:00Z"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


class WordEdit:
    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.entries = {name: archive.read(name) for name in archive.namelist()}
        self.document = etree.fromstring(self.entries["word/document.xml"])
        self.next_id = 900

    # ---- finding text ------------------------------------------------------------------------
    def paragraph(self, containing: str):
        for paragraph in self.document.iter(w("p")):
            if containing in _text(paragraph):
                return paragraph
        raise AssertionError(f"no paragraph contains {containing!r}")

    def _rebuild(self, paragraph, pieces):
        """Replace the paragraph's runs by `pieces`: (kind, text) with kind "", "ins", "del"."""
        first_run = paragraph.find(w("r"))
        properties = first_run.find(w("rPr")) if first_run is not None else None
        for node in list(paragraph):
            if node.tag != w("pPr"):
                paragraph.remove(node)
        for kind, text in pieces:
            if not text:
                continue
            run = etree.SubElement(paragraph, w("r"))
            if properties is not None:
                run.append(copy.deepcopy(properties))
            t = etree.SubElement(run, w("delText") if kind == "del" else w("t"))
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            if kind:
                wrapper = etree.Element(w(kind))
                wrapper.set(w("id"), str(self._id()))
                wrapper.set(w("author"), "办公室")
                wrapper.set(w("date"), DATE)
                run.addprevious(wrapper)
                wrapper.append(run)

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    # ---- edits ---------------------------------------------------------------------------------
    def tracked_replace(self, old: str, new: str, context: str = "") -> None:
        """Track-changes edit: old deleted (w:del), new inserted (w:ins) in its place."""
        paragraph = self.paragraph(context or old)
        text = _text(paragraph)
        at = text.index(old, text.index(context) if context else 0)
        self._rebuild(paragraph, [("", text[:at]), ("del", old), ("ins", new), ("", text[at + len(old):])])

    def accepted_replace(self, old: str, new: str) -> None:
        """An edit with change tracking off (or accepted)."""
        paragraph = self.paragraph(old)
        text = _text(paragraph)
        self._rebuild(paragraph, [("", text.replace(old, new, 1))])

    def split(self, before: str) -> None:
        """Enter pressed just before `before`: the paragraph becomes two."""
        paragraph = self.paragraph(before)
        text = _text(paragraph)
        at = text.index(before)
        second = copy.deepcopy(paragraph)
        self._rebuild(paragraph, [("", text[:at])])
        self._rebuild(second, [("", text[at:])])
        paragraph.addnext(second)

    def insert_after(self, containing: str, text: str) -> None:
        """A new paragraph typed after another, with change tracking on (its mark inserted)."""
        paragraph = self.paragraph(containing)
        new = copy.deepcopy(paragraph)
        self._rebuild(new, [("ins", text)])
        properties = new.find(w("pPr"))
        if properties is None:
            properties = etree.Element(w("pPr"))
            new.insert(0, properties)
        mark = etree.SubElement(properties, w("rPr"))
        inserted = etree.SubElement(mark, w("ins"))
        inserted.set(w("id"), str(self._id()))
        inserted.set(w("author"), "办公室")
        paragraph.addnext(new)

    def restyle(self, containing: str, style_id: str) -> None:
        paragraph = self.paragraph(containing)
        properties = paragraph.find(w("pPr"))
        if properties is None:
            properties = etree.Element(w("pPr"))
            paragraph.insert(0, properties)
        style = properties.find(w("pStyle"))
        if style is None:
            style = etree.Element(w("pStyle"))
            properties.insert(0, style)
        style.set(w("val"), style_id)

    def comment(self, anchor: str, text: str, author: str = "张局长") -> None:
        paragraph = self.paragraph(anchor)
        full = _text(paragraph)
        at = full.index(anchor)
        number = str(self._id())
        self._rebuild(paragraph, [("", full[:at])])
        start = etree.SubElement(paragraph, w("commentRangeStart"))
        start.set(w("id"), number)
        self._append_text(paragraph, anchor)
        end = etree.SubElement(paragraph, w("commentRangeEnd"))
        end.set(w("id"), number)
        reference = etree.SubElement(etree.SubElement(paragraph, w("r")), w("commentReference"))
        reference.set(w("id"), number)
        self._append_text(paragraph, full[at + len(anchor):])
        self._add_comment(number, text, author)

    def _append_text(self, paragraph, text: str) -> None:
        run = etree.SubElement(paragraph, w("r"))
        t = etree.SubElement(run, w("t"))
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

    def _add_comment(self, number: str, text: str, author: str) -> None:
        name = "word/comments.xml"
        if name in self.entries:
            root = etree.fromstring(self.entries[name])
        else:
            root = etree.Element(w("comments"), nsmap={"w": W})
            rels = self.entries["word/_rels/document.xml.rels"].decode()
            rels = rels.replace("</Relationships>", '<Relationship Id="rId900" Type="http://schemas.openxmlformats.org/'
                                "officeDocument/2006/relationships/comments\" Target=\"comments.xml\"/></Relationships>")
            self.entries["word/_rels/document.xml.rels"] = rels.encode()
            types = self.entries["[Content_Types].xml"].decode()
            types = types.replace("</Types>", '<Override PartName="/word/comments.xml" ContentType="application/'
                                  'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
            self.entries["[Content_Types].xml"] = types.encode()
        comment = etree.SubElement(root, w("comment"))
        comment.set(w("id"), number)
        comment.set(w("author"), author)
        comment.set(w("date"), DATE)
        t = etree.SubElement(etree.SubElement(etree.SubElement(comment, w("p")), w("r")), w("t"))
        t.text = text
        self.entries[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    def to_bytes(self) -> bytes:
        self.entries["word/document.xml"] = etree.tostring(self.document, xml_declaration=True, encoding="UTF-8",
                                                           standalone=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.entries.items():
                archive.writestr(name, data)
        return buffer.getvalue()


def _text(paragraph) -> str:
    return "".join(t.text or "" for t in paragraph.iter(w("t")))
