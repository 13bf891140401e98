"""Word comments (批注) on the figures of a review copy.

Each figure gets its own run, wrapped in `w:commentRangeStart`/`w:commentRangeEnd` and followed
by a `w:commentReference` run; the comments themselves go in a new part, word/comments.xml,
with its relationship and content type, as Word writes them. Findings of the checks become
further comments on the first figure they concern; findings that concern no figure of the
document are put on the title.
"""

from __future__ import annotations

from datetime import datetime, timezone

from lxml import etree

from zongjie.document.model import Inline
from zongjie.messages import localized
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.body import styled_pieces
from zongjie.writers.docx.package import DOCUMENT, DocxPackage
from zongjie.writers.docx.styles import KAITI, LATIN

COMMENTS_PART = "word/comments.xml"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
COMMENTS_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
AUTHOR, INITIALS = "zongjie", "ZJ"


class CommentWriter:
    """Writes a paragraph's inlines with comments on its figures and collects the comments."""

    def __init__(self, review):
        self.review = review
        self.comments: list[str] = []
        self._placed: set[int] = set()  # findings already placed on a figure
        self.first_paragraph = None

    def inlines(self, paragraph, inlines: tuple[Inline, ...]) -> None:
        if self.first_paragraph is None:
            self.first_paragraph = paragraph
        for text, bold, emphasis, span in styled_pieces(inlines):
            if span is None:
                xml.add_run(paragraph, text, bold, KAITI if emphasis else None, LATIN)
                continue
            notes = [self.review.note(span)]
            for finding in self.review.findings_for(span):
                if finding.number not in self._placed:
                    self._placed.add(finding.number)
                    notes.append(finding.text)
            ids = [self._comment(note) for note in notes]
            for number in ids:
                paragraph.append(_marker("w:commentRangeStart", number))
            xml.add_run(paragraph, text, bold, KAITI if emphasis else None, LATIN)
            if self.review.fails(span):
                _highlight(paragraph[-1])
            for number in ids:
                paragraph.append(_marker("w:commentRangeEnd", number))
                paragraph.append(_reference_run(number))

    def comment_paragraph(self, paragraph, text: str) -> None:
        """A comment on a whole paragraph (a chart's caption: the sources of its figures)."""
        number = self._comment(text)
        paragraph.insert(_first_run_index(paragraph), _marker("w:commentRangeStart", number))
        paragraph.append(_marker("w:commentRangeEnd", number))
        paragraph.append(_reference_run(number))

    def finish(self, package) -> None:
        """Findings not placed at a figure go on the first paragraph (the title); then the
        comments part is added to the package."""
        rest = [finding.text for finding in self.review.findings if finding.number not in self._placed]
        if rest and self.first_paragraph is not None:
            self.comment_paragraph(self.first_paragraph, "审阅稿：以下校验结果不针对正文中的某个数字。\n\n" + "\n\n".join(rest))
        if self.comments:
            add_comments_part(package, self.comments)
        add_review_header(package)

    def _comment(self, text: str) -> int:
        self.comments.append(localized(text))  # a Taiwan reviewer reads 來源, paths as on disk
        return len(self.comments) - 1


def _highlight(run) -> None:
    """A figure a rule finds wrong is highlighted, as a reviewer would mark it."""
    properties = run.find(xml.qn("w:rPr"))
    if properties is None:
        properties = xml.OxmlElement("w:rPr")
        run.insert(0, properties)
    xml.child(properties, "w:highlight").set(xml.qn("w:val"), "yellow")


def _marker(tag: str, number: int):
    element = xml.OxmlElement(tag)
    element.set(xml.qn("w:id"), str(number))
    return element


def _reference_run(number: int):
    run = xml.OxmlElement("w:r")
    run.append(_marker("w:commentReference", number))
    return run


def _first_run_index(paragraph) -> int:
    properties = paragraph.find(xml.qn("w:pPr"))
    return 1 if properties is not None else 0


def add_comments_part(package: DocxPackage, comments: list[str]) -> None:
    """word/comments.xml, its relationship from the document and its content type."""
    written = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # Word and WPS show it with the comment
    root = etree.Element(xml.qn("w:comments"), nsmap={"w": xml.NAMESPACES["w"]})
    for number, text in enumerate(comments):
        comment = etree.SubElement(root, xml.qn("w:comment"))
        comment.set(xml.qn("w:id"), str(number))
        comment.set(xml.qn("w:author"), AUTHOR)
        comment.set(xml.qn("w:initials"), INITIALS)
        comment.set(xml.qn("w:date"), written)
        for line in text.split("\n"):
            paragraph = etree.SubElement(comment, xml.qn("w:p"))
            if line:
                run = etree.SubElement(paragraph, xml.qn("w:r"))
                t = etree.SubElement(run, xml.qn("w:t"))
                t.text = line
                t.set(xml.qn("xml:space"), "preserve")
    package.add_part(COMMENTS_PART, root, COMMENTS_TYPE)
    package.relate(DOCUMENT, COMMENTS_RELATIONSHIP, COMMENTS_PART)


HEADER_PART = "word/header-review.xml"
HEADER_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
HEADER_RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
REVIEW_HEADER_TEXT = "审阅稿　请勿发布"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def add_review_header(package: DocxPackage) -> None:
    """“审阅稿 请勿发布” in red in the page header of every page (odd, even and first), so a
    printed or forwarded review copy cannot pass for the document to publish. The header sits in
    the top margin: the body's layout is that of the clean copy."""
    root = etree.Element(xml.qn("w:hdr"), nsmap={"w": xml.NAMESPACES["w"]})
    paragraph = etree.SubElement(root, xml.qn("w:p"))
    etree.SubElement(etree.SubElement(paragraph, xml.qn("w:pPr")), xml.qn("w:jc")).set(xml.qn("w:val"), "right")
    run = etree.SubElement(paragraph, xml.qn("w:r"))
    properties = etree.SubElement(run, xml.qn("w:rPr"))
    etree.SubElement(properties, xml.qn("w:rFonts")).set(xml.qn("w:eastAsia"), "黑体")
    etree.SubElement(properties, xml.qn("w:color")).set(xml.qn("w:val"), "C00000")
    etree.SubElement(properties, xml.qn("w:sz")).set(xml.qn("w:val"), "28")
    etree.SubElement(run, xml.qn("w:t")).text = localized(REVIEW_HEADER_TEXT)
    package.add_part(HEADER_PART, root, HEADER_TYPE)
    relationship = package.relate(DOCUMENT, HEADER_RELATIONSHIP, HEADER_PART)
    for section in package.part(DOCUMENT).iter(xml.qn("w:sectPr")):
        kinds = ["default", "even"] + (["first"] if section.find(xml.qn("w:titlePg")) is not None else [])
        for existing in section.findall(xml.qn("w:headerReference")):
            section.remove(existing)
        for kind in reversed(kinds):  # header references come first in w:sectPr
            reference = etree.Element(xml.qn("w:headerReference"))
            reference.set(xml.qn("w:type"), kind)
            reference.set(f"{{{_R}}}id", relationship)
            section.insert(0, reference)
