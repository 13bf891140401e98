"""Document model → DOCX in the official layout (GB/T 9704-2012).

A4, margins 37/26/35/28 mm (版心 156 × 225 mm), body 3号 仿宋_GB2312 at a fixed 28.95 pt
(22 lines a page) with 28 characters a line, headings 黑体 / 楷体 / 仿宋 bold / 仿宋, title 2号
方正小标宋简体, page numbers "— 1 —" in 4号 at the outer edge. The styles are real Word
styles (Heading 1 … shows as 标题 1), so the document navigates and restyles in Word/WPS;
heading numbers are a multilevel list bound to them.

The layers, as python-docx's: oxml.py makes and changes elements; package.py holds the zip's
parts and adds new ones; the modules between write the document into them:

    prototype.py   the styled, empty document (checked-in parts in data/)
    reference.py   a workspace's reference.docx styles over ours
    headings.py    heading numbers as a Word multilevel list
    body.py        blocks and inlines → the body; tables.py lays tables out; figures.py,
                   drawing.py, chart.py and workbook.py for pictures and charts;
                   comments.py for a review copy
    properties.py  title, author, dates, language; locale.py a Traditional document's fonts
"""

from __future__ import annotations

from zongjie.document.model import Document, plain_text
from zongjie.fonts import replacements
from zongjie.page import TEXT_WIDTH_EMU
from zongjie.writers.docx import oxml as xml
from zongjie.writers.docx.body import DocxWriter
from zongjie.writers.docx.comments import CommentWriter
from zongjie.writers.docx.headings import number_headings
from zongjie.writers.docx.locale import localize_package
from zongjie.writers.docx.package import CORE, DOCUMENT, NUMBERING, STYLES, DocxPackage
from zongjie.writers.docx.properties import APP, SETTINGS, build_time, set_document_properties, set_language
from zongjie.writers.docx.prototype import prototype
from zongjie.writers.docx.reference import apply_reference_styles

__all__ = ["TEXT_WIDTH", "write"]

TEXT_WIDTH = TEXT_WIDTH_EMU


def write(document: Document, options) -> bytes:
    package = _prototype().copy()
    if options.reference_docx is not None:
        apply_reference_styles(package.part(STYLES), options.reference_docx)
    numbered_levels = number_headings(package, document.numbering)
    body = package.part(DOCUMENT).find(xml.qn("w:body"))
    comments = None
    if options.review is not None:  # a review copy: a comment on every figure
        comments = CommentWriter(options.review)
    writer = DocxWriter(package, body, numbered_levels, comments)
    if options.fonts:  # a chart part is written whole: its labels get the locale's font now
        writer.font_replacements = replacements(dict(options.fonts))
    writer.write(document)
    if comments is not None:
        comments.finish(package)
    organisation = options.organisation or plain_text(document.meta.signature)
    set_document_properties(package.part(CORE), package.part(APP), plain_text(document.meta.title).replace("\n", ""),
                            organisation, build_time())
    set_language(package.part(SETTINGS), package.part(STYLES), options.lang or "zh-CN")
    _localize(package, options)
    return package.to_bytes()


def _localize(package: DocxPackage, options) -> None:
    fonts = dict(options.fonts)
    localize_package(package, options.lang, replacements(fonts), tuple(fonts.values()))


def _prototype() -> DocxPackage:
    """The styled, empty document (package data), with the parts every document changes parsed."""
    return prototype((DOCUMENT, STYLES, NUMBERING, CORE, APP, SETTINGS))
