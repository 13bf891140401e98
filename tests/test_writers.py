"""The three writers read one model: Markdown, standalone HTML, DOCX in the official layout."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from zongjie.errors import Location
from zongjie.model import Document, FactSpan, Heading, Meta, Paragraph, Strong, Table, Text
from zongjie.numbering import number_headings
from zongjie.writers import WriteOptions, write

from pathlib import Path


def sample() -> Document:
    fact = FactSpan("429198人", ("参保.参保人数",), (Location(Path("/ws/content/甲区/2023/facts.yaml"), 12),))
    document = Document(
        Meta(title=(Text("甲区医疗保障局2023年度工作总结"),), signature=(Text("甲区医疗保障局"),),
             date=(Text("2023年12月20日"),)),
        (
            Paragraph((Text("今年以来，全区参保"), fact, Text("。"))),
            Heading(1, (Text("年度工作完成情况"),)),
            Heading(2, (Text("基金收支情况"),)),
            Paragraph((Strong((Text("一是高位推动。"),)), Text("成立领导小组。"))),
            Table(((Text("项目"),), (Text("收入（万元）"),)), (((Text("统筹基金"),), (Text("11720.82"),)),), ("left", "right")),
            Heading(1, (Text("特色亮点工作"),)),
        ),
    )
    return number_headings(document)


OPTIONS = WriteOptions(source_root=Path("/ws"))


def test_markdown_output_is_numbered_and_keeps_figures():
    text = write("md", sample(), OPTIONS).decode("utf-8")
    assert text.startswith("# 甲区医疗保障局2023年度工作总结\n")
    assert "## 一、年度工作完成情况" in text
    assert "### （一）基金收支情况" in text
    assert "## 二、特色亮点工作" in text
    assert "今年以来，全区参保429198人。" in text
    assert "| 统筹基金 | 11720.82 |" in text


def test_html_is_standalone_and_figures_carry_their_source():
    html = write("html", sample(), OPTIONS).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert not re.search(r'(src|href)=["\']?(https?:)?//', html), "no external resources"
    assert "<link" not in html and "<script" not in html
    assert 'data-fact="参保.参保人数"' in html
    assert "content/甲区/2023/facts.yaml:12" in html
    assert '<h2><span class="number">一、</span>年度工作完成情况</h2>' in html
    assert "@media print" in html and "size: A4" in html


def docx_of(document: Document):
    return open_docx(io.BytesIO(write("docx", document, OPTIONS)))


def test_docx_opens_with_official_page_setup():
    docx = docx_of(sample())
    section = docx.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.1) and abs(section.page_height - Mm(297)) < Mm(0.1)
    assert abs(section.top_margin - Mm(37)) < Mm(0.1)
    assert abs(section.left_margin - Mm(28)) < Mm(0.1)
    assert abs((section.page_width - section.left_margin - section.right_margin) - Mm(156)) < Mm(0.1)
    assert abs((section.page_height - section.top_margin - section.bottom_margin) - Mm(225)) < Mm(0.1)


def test_docx_paragraphs_use_real_heading_styles_with_numbers():
    docx = docx_of(sample())
    styled = [(p.style.name, p.text) for p in docx.paragraphs if p.text]
    assert ("Title", "甲区医疗保障局2023年度工作总结") in styled
    assert ("Heading 1", "一、年度工作完成情况") in styled
    assert ("Heading 2", "（一）基金收支情况") in styled
    assert ("Normal", "今年以来，全区参保429198人。") in styled
    assert ("落款", "甲区医疗保障局") in styled


def east_asia_font(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_docx_styles_set_chinese_fonts_through_east_asia():
    styles = docx_of(sample()).styles
    assert east_asia_font(styles["Normal"]) == "仿宋_GB2312"
    assert styles["Normal"].font.size == Pt(16)
    assert east_asia_font(styles["Title"]) == "方正小标宋简体"
    assert styles["Title"].font.size == Pt(22)
    assert east_asia_font(styles["Heading 1"]) == "黑体"
    assert east_asia_font(styles["Heading 2"]) == "楷体_GB2312"
    assert east_asia_font(styles["Heading 3"]) == "仿宋_GB2312" and styles["Heading 3"].font.bold


def test_docx_body_is_fixed_28_95_pt_with_two_character_indent():
    normal = docx_of(sample()).styles["Normal"]
    assert normal.paragraph_format.line_spacing == Pt(28.95)
    indent = normal.element.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"


def test_docx_footer_has_page_number_field_odd_right_even_left():
    docx = docx_of(sample())
    assert docx.settings.odd_and_even_pages_header_footer
    section = docx.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert "PAGE" in "".join(t.text for t in footer._p.iter(qn("w:instrText")))
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT


def test_docx_table_repeats_its_header_and_right_aligns_figures():
    table = docx_of(sample()).tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.cell(1, 1).paragraphs[0].alignment == 2  # RIGHT
    assert table.cell(1, 1).text == "11720.82"


def test_bold_lead_phrase_is_a_bold_run():
    paragraph = next(p for p in docx_of(sample()).paragraphs if p.text.startswith("一是"))
    assert paragraph.runs[0].bold and paragraph.runs[0].text == "一是高位推动。"
    assert not paragraph.runs[1].bold


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_every_writer_shows_the_same_heading_numbers(fmt):
    data = write(fmt, sample(), OPTIONS)
    text = docx_text(data) if fmt == "docx" else re.sub(r"<[^>]+>", "", data.decode("utf-8"))
    assert "一、年度工作完成情况" in text and "（一）基金收支情况" in text and "二、特色亮点工作" in text


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in open_docx(io.BytesIO(data)).paragraphs)
