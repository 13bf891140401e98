"""The three writers read one model: Markdown, standalone HTML, DOCX in the official layout."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from msgspec.structs import replace

from zongjie.document.model import Document, FactSpan, Heading, ListBlock, Meta, Paragraph, Strong, Table, Text
from zongjie.document.numbering import number_headings, parse_patterns
from zongjie.document.sourceref import SourceRef
from zongjie.location import Location
from zongjie.writers import WriteOptions, write


def sample() -> Document:
    fact = FactSpan("429198人", SourceRef(("参保.参保人数",), (Location(Path("/ws/content/甲区/2023/facts.yaml"), 12),)))
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


def test_html_is_standalone_and_carries_no_sources():
    html = write("html", sample(), OPTIONS).decode("utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert not re.search(r'(src|href)=["\']?(https?:)?//', html), "no external resources"
    assert "<link" not in html and "<script" not in html
    assert "参保.参保人数" not in html and "facts.yaml" not in html  # the page to publish: no keys, no paths
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


def test_docx_paragraphs_use_real_heading_styles():
    docx = docx_of(sample())
    styled = [(p.style.name, p.text) for p in docx.paragraphs if p.text]
    assert ("Title", "甲区医疗保障局2023年度工作总结") in styled
    assert ("Heading 1", "年度工作完成情况") in styled  # the number comes from the list, not the text
    assert ("Heading 2", "基金收支情况") in styled
    assert ("Normal", "今年以来，全区参保429198人。") in styled
    assert ("落款", "甲区医疗保障局") in styled


def heading_levels(docx) -> dict[str, tuple[str, str, str]]:
    """style id → (numFmt, lvlText, eastAsia font of the number) of the list bound to it."""
    numbering = docx.part.numbering_part.element
    levels = {}
    for style_id in ("Heading1", "Heading2", "Heading3", "Heading4"):
        style = next(s for s in docx.styles if s.style_id == style_id)
        num_pr = style.element.pPr.find(qn("w:numPr"))
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
        ilvl = num_pr.find(qn("w:ilvl")).get(qn("w:val"))
        num = next(n for n in numbering.findall(qn("w:num")) if n.get(qn("w:numId")) == num_id)
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == abstract_id)
        lvl = next(level for level in abstract.findall(qn("w:lvl")) if level.get(qn("w:ilvl")) == ilvl)
        assert lvl.find(qn("w:pStyle")).get(qn("w:val")) == style_id
        levels[style_id] = (lvl.find(qn("w:numFmt")).get(qn("w:val")), lvl.find(qn("w:lvlText")).get(qn("w:val")),
                            lvl.find(qn("w:rPr")).find(qn("w:rFonts")).get(qn("w:eastAsia")))
    return levels


def test_docx_heading_numbers_are_a_multilevel_list_bound_to_the_heading_styles():
    levels = heading_levels(docx_of(sample()))
    assert levels == {
        "Heading1": ("chineseCounting", "%1、", "黑体"),
        "Heading2": ("chineseCounting", "（%2）", "楷体_GB2312"),
        "Heading3": ("decimal", "%3.", "仿宋_GB2312"),
        "Heading4": ("decimal", "（%4）", "仿宋_GB2312"),
    }


def test_docx_news_style_numbering_is_lettered_and_unnumbered_below():
    document = number_headings(Document(Meta(), (Heading(1, (Text("甲"),)), Heading(2, (Text("乙"),)))),
                               parse_patterns(("{A} ", "")))
    levels = heading_levels(docx_of(document))
    assert levels == {"Heading1": ("upperLetter", "%1 ", "黑体")}


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


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_markdown_and_html_show_the_same_heading_numbers(fmt):
    data = write(fmt, sample(), OPTIONS)
    text = re.sub(r"<[^>]+>", "", data.decode("utf-8"))
    assert "一、年度工作完成情况" in text and "（一）基金收支情况" in text and "二、特色亮点工作" in text




def test_long_title_breaks_into_a_balanced_trapezoid_with_words_whole():
    document = Document(Meta(title=(Text("裕安区2020年健康脱贫综合医疗保障民生工程自评报告"),)), ())
    title = next(p for p in docx_of(document).paragraphs if p.style.name == "Title")
    lines = title.text.split("\n")
    assert len(lines) == 2 and len(title._p.findall(".//" + qn("w:br"))) == 1
    assert lines == ["裕安区2020年健康脱贫", "综合医疗保障民生工程自评报告"]


def test_short_title_stays_on_one_line():
    title = next(p for p in docx_of(sample()).paragraphs if p.style.name == "Title")
    assert title._p.findall(".//" + qn("w:br")) == []


def _closing_boxes(signature: str, date: str) -> dict[str, tuple[float, float]]:
    """(start, end) in points from the left of the text block, of the 落款 paragraphs,
    from their alignment and indents and their characters' widths at 16 pt condensed by
    0.25 pt (Chinese 15.75 pt, Times New Roman digits 7.75 pt), with the 3.44 pt Word and
    LibreOffice put where Chinese meets digits."""
    document = Document(Meta(signature=(Text(signature),), date=(Text(date),)), (Paragraph((Text("正文。"),)),))
    paragraphs = [p for p in docx_of(document).paragraphs if p.style.name == "落款"]
    line = 156 / 25.4 * 72
    boxes = {}
    for name, paragraph in zip(("signature", "date"), paragraphs):
        ppr = paragraph._p.pPr
        text = paragraph.text
        width = sum(15.75 if ord(ch) > 0x2E7F else 7.75 for ch in text)
        width += 3.44 * sum(1 for a, b in zip(text, text[1:]) if (ord(a) > 0x2E7F) != (ord(b) > 0x2E7F))
        ind, jc = ppr.find(qn("w:ind")), ppr.find(qn("w:jc")).get(qn("w:val"))
        if jc == "left":
            start = int(ind.get(qn("w:left"))) / 20
        else:
            start = line - int(ind.get(qn("w:right"))) / 20 - width
        boxes[name] = (start, start + width)
    return boxes


@pytest.mark.parametrize("signature, date", [
    ("甲区医疗保障局", "2023年12月20日"),  # the date is the longer: it keeps two characters
    ("岳阳楼区医疗保障局", "2023年1月5日"),
    ("六安市裕安区医疗保障局", "2020年12月24日"),
    ("某局", "2023年12月20日"),
])
def test_signature_and_date_stand_where_gb_t_9704_puts_them(signature, date):
    boxes = _closing_boxes(signature, date)
    line, char = 156 / 25.4 * 72, 15.75
    signature_right = (line - boxes["signature"][1]) / char
    date_right = (line - boxes["date"][1]) / char
    date_offset = (boxes["date"][0] - boxes["signature"][0]) / char
    assert abs(date_offset - 2) < 0.05
    if boxes["date"][1] - boxes["date"][0] > boxes["signature"][1] - boxes["signature"][0]:
        # the date is the longer: it keeps two characters; the signature moves left
        assert abs(date_right - 2) < 0.05 and signature_right > 2
    else:
        assert abs(signature_right - 2) < 0.05


def test_one_blank_line_between_body_and_signature_kept_together():
    document = Document(Meta(signature=(Text("甲区医疗保障局"),), date=(Text("2023年12月20日"),)),
                        (Paragraph((Text("正文。"),)),))
    paragraphs = docx_of(document).paragraphs
    assert [p.text for p in paragraphs] == ["正文。", "", "甲区医疗保障局", "2023年12月20日"]
    assert all(p.paragraph_format.keep_with_next for p in paragraphs[:3])


def test_attachments_are_listed_after_the_body():
    document = Document(Meta(attachments=((Text("自评得分汇总表"),), (Text("佐证材料目录"),))), (Paragraph((Text("正文。"),)),))
    texts = [p.text for p in docx_of(document).paragraphs if p.style.name == "附件说明"]
    assert texts == ["附件：1. 自评得分汇总表", "　　　2. 佐证材料目录"]


def test_table_columns_fit_the_text_width_and_keep_names_whole():
    from zongjie.writers.docx import TEXT_WIDTH
    table = docx_of(sample()).tables[0]
    widths = [column.width for column in table.columns]
    assert abs(sum(widths) - TEXT_WIDTH) < Mm(1)
    assert widths[0] > Mm(35)  # 统筹基金 needs four characters at 14 pt, with margins


def test_reference_docx_styles_win(tmp_path):
    reference = open_docx()
    reference.styles["Normal"].font.size = Pt(12)
    reference.styles["Heading 1"].font.size = Pt(18)
    path = tmp_path / "reference.docx"
    reference.save(path)
    docx = open_docx(io.BytesIO(write("docx", sample(), WriteOptions(source_root=Path("/ws"), reference_docx=path))))
    assert docx.styles["Normal"].font.size == Pt(12)
    assert docx.styles["Heading 1"].font.size == Pt(18)
    assert heading_levels(docx)["Heading1"][:2] == ("chineseCounting", "%1、")  # numbering still bound


# ---- every node is written or refused --------------------------------------------------------
@dataclass(frozen=True)
class Footnote:
    """A block no writer knows (as a new model node would be before its writers learn it)."""
    content: tuple = ()


@dataclass(frozen=True)
class Superscript:
    text: str = "2"


@pytest.mark.parametrize("format_name", ["md", "html", "docx"])
def test_a_block_the_writer_does_not_know_fails_loudly_instead_of_vanishing(format_name):
    document = Document(Meta(title=(Text("标题"),)), (Paragraph((Text("正文"),)), Footnote((Text("注"),))))
    with pytest.raises(AssertionError, match="Footnote"):
        write(format_name, document, OPTIONS)


@pytest.mark.parametrize("format_name", ["md", "html", "docx"])
def test_an_inline_the_writer_does_not_know_fails_loudly_instead_of_vanishing(format_name):
    document = Document(Meta(), (Paragraph((Text("面积100m"), Superscript())),))
    with pytest.raises(AssertionError, match="Superscript"):
        write(format_name, document, OPTIONS)


def list_document() -> Document:
    bullets = ListBlock(False, ((Paragraph((Text("门诊共济"),)),), (Paragraph((Text("异地就医"),)),)))
    steps = ListBlock(True, ((Paragraph((Text("开展自查"),)),), (Paragraph((Text("集中整改"),)),)), start=3)
    return Document(Meta(title=(Text("清单"),)), (Paragraph((Text("重点工作："),)), bullets, steps))


def test_lists_keep_their_items_order_and_numbers_in_every_format():
    markdown = write("md", list_document(), OPTIONS).decode("utf-8")
    assert "- 门诊共济\n- 异地就医" in markdown
    assert "3. 开展自查\n4. 集中整改" in markdown
    html = write("html", list_document(), OPTIONS).decode("utf-8")
    assert "<ul><li><p" in html and html.index("门诊共济") < html.index("异地就医")
    assert re.search(r'<ol start="3"><li><p[^>]*>开展自查</p></li><li><p[^>]*>集中整改</p></li></ol>', html)
    texts = [p.text for p in docx_of(list_document()).paragraphs]
    body = texts[texts.index("重点工作："):]
    assert body[1:3] == ["●门诊共济", "●异地就医"]  # each item its own paragraph, marked as in HTML
    assert body[3:5] == ["3.开展自查", "4.集中整改"]


def test_every_counter_of_a_template_pattern_becomes_its_word_number_format():
    document = number_headings(Document(Meta(), tuple(Heading(level, (Text(f"第{level}级"),)) for level in (1, 2, 3, 4))),
                               parse_patterns(("第{壹}部分", "{I}.", "（{a}）", "{1}%")))
    docx = docx_of(document)
    levels = heading_levels(docx)
    assert levels["Heading1"][:2] == ("chineseLegalSimplified", "第%1部分")
    assert levels["Heading2"][:2] == ("upperRoman", "%2.")
    assert levels["Heading3"][:2] == ("lowerLetter", "（%3）")
    # Word would read the "%" as a level reference: that level keeps the number as text
    assert "Heading4" not in levels
    assert [p.text for p in docx.paragraphs if p.style.name == "Heading 4"] == ["1%第4级"]
    assert [p.text for p in docx.paragraphs if p.style.name == "Heading 1"] == ["第1级"]  # Word numbers it


def test_a_numbering_pattern_without_exactly_one_placeholder_is_refused_in_chinese():
    from zongjie.errors import TemplateError

    for pattern in ("第一章", "{一}.{1}"):
        with pytest.raises(TemplateError, match="恰好有一个占位符"):
            parse_patterns(("{一}、", pattern))


def test_a_merged_table_without_a_caption_gets_no_empty_caption_line_in_markdown():
    from zongjie.document.model import Merge

    table = Table(((Text("项目"),), (Text("金额"),), (Text(""),)), (((Text("收入"),), (Text("100万元"),), (Text(""),)),),
                  ("", "", ""), merges=(Merge(0, 1, 1, 2),))
    markdown = write("md", Document(Meta(), (table,)), OPTIONS).decode("utf-8")
    assert "表：" not in markdown and "收入" in markdown
    captioned = write("md", Document(Meta(), (replace(table, caption=(Text("基金收支"),)),)), OPTIONS).decode("utf-8")
    assert "表：基金收支" in captioned


def test_html_aligns_and_keeps_a_captioned_or_merged_table_as_the_docx_does():
    """Figures right-aligned where the Markdown did not say, and a short table kept whole when
    printed, whether or not the table has a caption or merged cells."""
    from zongjie.document.model import Merge

    rows = tuple(((Text(f"险种{n}"),), (Text(f"{n}0.5"),), (Text("+1.2%"),)) for n in range(1, 4))
    plain = Table(((Text("险种"),), (Text("收入（万元）"),), (Text("增幅"),)), rows, ("", "", ""))
    for table in (plain, replace(plain, caption=(Text("基金收入"),)), replace(plain, merges=(Merge(1, 0, 2, 1),))):
        html = write("html", Document(Meta(), (table,)), OPTIONS).decode("utf-8")
        assert '<td class="right">20.5</td>' in html and '<td class="right">+1.2%</td>' in html, html
        assert '<div class="table-wrap small">' in html
        assert '收入<span class="unit">（万元）</span>' in html  # a header breaks before its unit, never inside
    long = replace(plain, rows=rows * 3, caption=(Text("基金收入"),))
    assert '<div class="table-wrap">' in write("html", Document(Meta(), (long,)), OPTIONS).decode("utf-8")
