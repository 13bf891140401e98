"""What a bureau notices in the DOCX beyond the page grid: its properties, fonts and language,
punctuation set in the Chinese font, tables whose headers and figures stay whole, and the
HTML printout that mirrors it."""

from __future__ import annotations

import io
import re
import zipfile

from zongjie.document.model import Document, Heading, Meta, Paragraph, Table, Text
from zongjie.writers import WriteOptions, write

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _document(**meta) -> Document:
    return Document(
        Meta(title=(Text("甲区医疗保障局2023年度工作总结"),), signature=(Text("甲区医疗保障局"),),
             date=(Text("2023年12月20日"),), **meta),
        (Heading(1, (Text("8.“双通道”药品"),)), Paragraph((Text("落实“351”“180”政策，惠及2万人。"),))),
    )


def _parts(document: Document, **options) -> dict[str, str]:
    data = write("docx", document, WriteOptions(**options))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist() if name.endswith(".xml")}


def test_properties_name_the_document_and_its_organisation_not_python_docx(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1703030400")  # 2023-12-20 00:00 UTC
    parts = _parts(_document(), organisation="甲区医疗保障局")
    core, app = parts["docProps/core.xml"], parts["docProps/app.xml"]
    assert "<dc:title>甲区医疗保障局2023年度工作总结</dc:title>" in core
    assert "<dc:creator>甲区医疗保障局</dc:creator>" in core
    assert "2023-12-20T00:00:00Z" in core and "2013-12-23" not in core
    assert "python-docx" not in core
    assert "<Company>甲区医疗保障局</Company>" in app
    assert "Macintosh" not in app and "<Pages>" not in app


def test_created_is_the_build_time_without_source_date_epoch(monkeypatch):
    from datetime import datetime, timezone

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    core = _parts(_document())["docProps/core.xml"]
    created = re.search(r"<dcterms:created[^>]*>([^<]+)<", core).group(1)
    built = datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((datetime.now(timezone.utc) - built).total_seconds()) < 120


def test_font_table_lists_the_official_fonts_and_no_japanese_ones():
    parts = _parts(_document())
    fonts = set(re.findall(r'<w:font w:name="([^"]+)"', parts["word/fontTable.xml"]))
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "Times New Roman"} <= fonts
    assert not any("明朝" in font or "ゴシック" in font for font in fonts)
    assert "Jpan" not in parts["word/theme/theme1.xml"]


def test_east_asian_language_is_chinese_and_follows_the_locale():
    parts = _parts(_document())
    assert 'w:eastAsia="zh-CN"' in re.search(r"<w:themeFontLang[^>]*>", parts["word/settings.xml"]).group(0)
    assert "ja-JP" not in parts["word/settings.xml"] + parts["word/styles.xml"]
    traditional = _parts(_document(), lang="zh-TW")
    assert 'w:eastAsia="zh-TW"' in re.search(r"<w:themeFontLang[^>]*>", traditional["word/settings.xml"]).group(0)


def test_no_style_links_to_a_style_that_is_not_there():
    styles = _parts(_document())["word/styles.xml"]
    ids = set(re.findall(r'w:styleId="([^"]+)"', styles))
    assert set(re.findall(r'<w:link w:val="([^"]+)"', styles)) <= ids


def test_quotes_next_to_digits_are_set_in_the_chinese_font_in_body_and_headings():
    from lxml import etree

    document = etree.fromstring(_parts(_document())["word/document.xml"].encode())
    for run in document.iter(f"{W}r"):
        text = "".join(run.itertext())
        if any(mark in text for mark in "“”"):
            fonts = run.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None and fonts.get(f"{W}hint") == "eastAsia", text
            assert fonts.get(f"{W}ascii") == fonts.get(f"{W}eastAsia") != "Times New Roman", text
            assert set(text) <= set("“”‘’—…·–"), text  # only the marks: digits keep Times New Roman


def test_paragraphs_have_widow_control_and_no_hanging_punctuation_and_the_title_its_own_spacing():
    styles = _parts(_document())["word/styles.xml"]
    defaults = re.search(r"<w:pPrDefault>.*?</w:pPrDefault>", styles, re.S).group(0)
    assert "<w:widowControl/>" in defaults and 'w:overflowPunct w:val="0"' in defaults
    title = re.search(r'<w:style [^>]*w:styleId="Title".*?</w:style>', styles, re.S).group(0)
    assert 'w:snapToGrid w:val="0"' in title


def _table(header, rows) -> list:
    """The header texts as written (line breaks as "/") and the column widths in twips."""
    document = Document(Meta(), (Table(tuple((Text(h),) for h in header),
                                       tuple(tuple((Text(c),) for c in row) for row in rows), ()),))
    xml = _parts(document)["word/document.xml"]
    first_row = re.search(r"<w:tr>.*?</w:tr>", xml, re.S).group(0)
    cells = re.findall(r"<w:tc>.*?</w:tc>", first_row, re.S)
    texts = ["/".join("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", part)) for part in cell.split("<w:br/>"))
             for cell in cells]
    widths = [int(w) for w in re.findall(r'<w:gridCol w:w="(\d+)"', xml)]
    return texts, widths, xml


def test_table_headers_break_only_before_their_unit_and_figures_fit():
    header = ["项目", "收入（万元）", "支出（万元）", "累计结余（万元）"]
    rows = [["职工医保统筹基金", "11720.82", "6627.96", "25149.59"], ["公务员医疗补助", "580.76", "563.22", "246.43"]]
    texts, widths, _ = _table(header, rows)
    for text, original in zip(texts, header):
        assert text.replace("/", "") == original
        assert text.count("/") == 0 or text.split("/")[1].startswith("（")  # 收入/（万元）, never 收入（万/元）
    char = 14 * 20  # twips of a 14 pt character
    margins = 2 * 108  # Word's default cell margins (0.19 cm each side)
    for text, width in zip(texts, widths):  # each line of a header fits its column: no break inside a unit
        assert width - margins >= max(len(line) for line in text.split("/")) * char, (text, width)
    for width in widths[1:]:
        assert width - margins >= 4 * char  # "25149.59": 8 half-width digits
    assert abs(sum(widths) - 156 / 25.4 * 1440) < 30


def test_a_table_that_fits_keeps_every_header_on_one_line():
    texts, _, _ = _table(["项目", "收入（万元）"], [["统筹基金", "11720.82"]])
    assert texts == ["项目", "收入（万元）"]


def test_a_short_table_is_kept_on_one_page_and_a_long_one_keeps_its_header_with_rows():
    _, _, short = _table(["项目", "数"], [["甲", "1"]] * 5)
    rows = re.findall(r"<w:tr>.*?</w:tr>", short, re.S)
    assert all("<w:keepNext/>" in row for row in rows[:-1]) and "<w:keepNext/>" not in rows[-1]
    _, _, long = _table(["项目", "数"], [["甲", "1"]] * 30)
    rows = re.findall(r"<w:tr>.*?</w:tr>", long, re.S)
    assert all("<w:keepNext/>" in row for row in rows[:3]) and not any("<w:keepNext/>" in row for row in rows[3:])


def test_html_print_sets_28_characters_digits_in_times_and_keeps_the_table_border():
    html = write("html", Document(Meta(signature=(Text("甲区医疗保障局"),)),
                                  (Table(((Text("项目"),), (Text("收入（万元）"),)), (((Text("基金"),), (Text("1.5"),)),), ()),)),
                 WriteOptions()).decode("utf-8")
    print_css = html[html.index("@media print"):]
    assert "letter-spacing: -0.25pt" in print_css  # 28 × 15.75 pt within the 156 mm line
    assert ".table-wrap { overflow: visible; }" in print_css
    assert "break-before: avoid" in print_css  # the signature block stays with the last paragraph
    assert re.search(r'--fangsong: "zongjie-latin"', html) and 'local("Times New Roman")' in html
    assert re.search(r"unicode-range: U\+0020-007E, U\+00A0-00FF;", html)  # “” are not in the Latin range
    assert '收入<span class="unit">（万元）</span>' in html
    assert '<td class="right">1.5</td>' in html


def test_html_closing_gives_no_width_to_the_shorter_of_signature_and_date():
    def closing(signature: str, date: str) -> str:
        html = write("html", Document(Meta(signature=(Text(signature),), date=(Text(date),)), ()),
                     WriteOptions()).decode("utf-8")
        return re.search(r'<div class="closing">.*?</div></div>', html).group(0)

    assert '<p class="signature">岳阳楼区医疗保障局</p><p class="date free">' in closing("岳阳楼区医疗保障局", "2023年12月20日")
    assert '<p class="signature free">某局</p><p class="date">' in closing("某局", "2023年12月20日")


def test_html_print_keeps_short_paragraphs_and_small_tables_whole():
    """Chromium ignores `widows` when printing: three lines or fewer are never broken, a
    table of up to 8 rows moves whole to the next page, as in the DOCX."""
    long_text = "医疗保障工作坚持以人民健康为中心。" * 6
    document = Document(Meta(), (Paragraph((Text("短段落。"),)), Paragraph((Text(long_text),)),
                                 Table(((Text("项目"),),), tuple(((Text("甲"),),) for _ in range(5)), ()),
                                 Table(((Text("项目"),),), tuple(((Text("乙"),),) for _ in range(20)), ())))
    html = write("html", document, WriteOptions()).decode("utf-8")
    assert '<p class="short">短段落。</p>' in html and f"<p>{long_text}</p>" in html
    assert html.count('<div class="table-wrap small">') == 1 and html.count('<div class="table-wrap">') == 1
    assert "p.short { break-inside: avoid; }" in html and ".table-wrap.small { break-inside: avoid; }" in html
