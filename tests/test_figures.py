"""Pictures, charts, captions and merged table cells, as a writer uses them: built through the
CLI on the example workspace, and opened in every output format."""

from __future__ import annotations

import io
import os
import re
import zipfile

import pytest
from conftest import line_of, replace_in
from docx import Document as open_docx
from lxml import etree
from PIL import Image

TITLE = "岳阳楼区医疗保障局2023年度工作总结"
HIGHLIGHTS = "content/岳阳楼区/2023/特色亮点.md"
FUND = "templates/医保年度工作总结/章节/基金收支.md"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def build(cli, workspace, *extra):
    return cli("build", "岳阳楼区", "2023", *extra, cwd=workspace)


def output(workspace, suffix: str, district="岳阳楼区", year="2023") -> bytes:
    folder = workspace / "build" / district / year
    return next(path for path in folder.iterdir() if path.suffix == suffix).read_bytes()


def without_fact_spans(html: str) -> str:
    return re.sub(r"</?span[^>]*>", "", html)


def append(path, text: str) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(text)


def save_photo(path, size=(400, 300), colour=(200, 30, 30), kind="JPEG", **options) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, kind, **options)


# ---- pictures ------------------------------------------------------------------------------
def test_example_photo_is_in_every_format_with_its_caption(workspace, cli):
    run = build(cli, workspace)
    assert run.code == 0, run.err
    caption = "2023年医保政策宣传进社区活动现场"

    with zipfile.ZipFile(io.BytesIO(output(workspace, ".docx"))) as archive:
        media = [name for name in archive.namelist() if name.startswith("word/media/")]
        assert len(media) == 1 and media[0].endswith(".jpeg")
        assert 'Extension="jpeg"' in archive.read("[Content_Types].xml").decode()
        assert media[0].removeprefix("word/") in archive.read("word/_rels/document.xml.rels").decode()
    document = open_docx(io.BytesIO(output(workspace, ".docx")))
    assert len(document.inline_shapes) == 2  # the photo and the fund chart
    photo = next(shape for shape in document.inline_shapes if shape._inline.xpath(".//pic:pic"))
    assert photo.width.mm == pytest.approx(156, abs=0.5)  # the text width
    assert photo.height / photo.width == pytest.approx(800 / 1200, rel=0.01)  # aspect kept
    texts = [p.text for p in document.paragraphs]
    position = texts.index(caption)
    assert document.paragraphs[position].style.name == "图表题注"
    assert document.paragraphs[position].paragraph_format.alignment is None  # centred by the style
    assert document.styles["图表题注"].paragraph_format.alignment == 1  # CENTER

    html = output(workspace, ".html").decode()
    assert re.search(r'<img src="data:image/jpeg;base64,[A-Za-z0-9+/=]+"', html)
    assert f"<figcaption>{caption}</figcaption>" in without_fact_spans(html)
    assert not re.search(r'(src|href)=["\']?(https?:|file:)?//', html)

    markdown = output(workspace, ".md").decode()
    assert "](<图片/义诊活动.jpg>)" in markdown  # as written beside the narrative: no workspace path
    assert f"\n{caption}\n" in markdown


def test_a_large_photo_is_downscaled_to_print_resolution(workspace, cli):
    save_photo(workspace / "content/岳阳楼区/2023/图片/义诊活动.jpg", size=(5000, 2500), quality=95)
    assert build(cli, workspace).code == 0
    with zipfile.ZipFile(io.BytesIO(output(workspace, ".docx"))) as archive:
        data = archive.read(next(n for n in archive.namelist() if n.startswith("word/media/")))
    image = Image.open(io.BytesIO(data))
    assert image.width == round(156 / 25.4 * 200)  # 200 dpi at the text width
    assert image.height == round(image.width / 2)


def test_width_attribute_and_numbered_captions(workspace, cli):
    replace_in(workspace / HIGHLIGHTS, "(图片/义诊活动.jpg)", "(图片/义诊活动.jpg){宽度=50%}")
    append(workspace / "templates/医保年度工作总结/template.yaml", "captions: true\n")
    assert build(cli, workspace).code == 0
    document = open_docx(io.BytesIO(output(workspace, ".docx")))
    photo = next(shape for shape in document.inline_shapes if shape._inline.xpath(".//pic:pic"))
    assert photo.width.mm == pytest.approx(78, abs=0.5)
    texts = [p.text for p in document.paragraphs]
    assert "图1　各险种基金收入、支出和累计结余" in texts  # the chart comes first
    assert "图2　2023年医保政策宣传进社区活动现场" in texts
    assert "表1　各险种基金收支情况" in texts
    table_caption = texts.index("表1　各险种基金收支情况")
    caption_element = document.paragraphs[table_caption]._p
    assert caption_element.getnext().tag.endswith("}tbl")  # above its table
    html = without_fact_spans(output(workspace, ".html").decode())
    assert "<caption>表1　各险种基金收支情况</caption>" in html
    assert "<figcaption>图2　2023年医保政策宣传进社区活动现场</figcaption>" in html


def test_changed_photo_rebuilds_the_document(workspace, cli):
    assert build(cli, workspace).code == 0
    first = output(workspace, ".docx")
    assert "未变 1" in build(cli, workspace).out  # nothing changed: nothing rebuilt
    photo = workspace / "content/岳阳楼区/2023/图片/义诊活动.jpg"
    save_photo(photo, size=(300, 300), colour=(0, 90, 0))
    stat = photo.stat()
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    run = build(cli, workspace)
    assert "已生成 岳阳楼区 2023" in run.out
    assert output(workspace, ".docx") != first


@pytest.mark.parametrize("path, message", [
    ("图片/没有这张.jpg", "找不到图片“图片/没有这张.jpg”"),
    ("../../裕安区/2020/照片.jpg", "指向文件夹之外"),
    ("/etc/passwd", "指向文件夹之外"),
    ("图片/不是图片.jpg", "不是 JPEG 或 PNG 图片"),
])
def test_bad_picture_is_unusable_input_naming_the_line(workspace, cli, path, message):
    (workspace / "content/岳阳楼区/2023/图片/不是图片.jpg").write_text("这是文字", encoding="utf-8")
    replace_in(workspace / HIGHLIGHTS, "(图片/义诊活动.jpg)", f"({path})")
    run = build(cli, workspace)
    assert run.code == 2
    line = line_of(workspace / HIGHLIGHTS, path)
    assert f"content/岳阳楼区/2023/特色亮点.md:{line}" in run.err
    assert message in run.err
    assert "Traceback" not in run.err
    assert not (workspace / "build/岳阳楼区/2023").exists()  # nothing half-written


def test_a_link_leading_out_of_the_folder_is_refused(workspace, cli, tmp_path):
    outside = tmp_path / "别处.jpg"
    save_photo(outside)
    link = workspace / "content/岳阳楼区/2023/图片/链接.jpg"
    link.symlink_to(outside)
    replace_in(workspace / HIGHLIGHTS, "(图片/义诊活动.jpg)", "(图片/链接.jpg)")
    run = build(cli, workspace)
    assert run.code == 2 and "指向文件夹之外的链接" in run.err


def test_corrupt_and_oversized_pictures(workspace, cli, monkeypatch):
    photo = workspace / "content/岳阳楼区/2023/图片/义诊活动.jpg"
    photo.write_bytes(photo.read_bytes()[:400])  # a JPEG cut short
    run = build(cli, workspace)
    assert run.code == 2 and "已损坏或无法解码" in run.err
    import zongjie.document.pictures as pictures

    save_photo(photo)
    monkeypatch.setattr(pictures, "MAX_BYTES", 100)
    run = build(cli, workspace, "--force")
    assert run.code == 2 and "太大" in run.err and "特色亮点.md" in run.err


def test_png_is_kept_as_png(workspace, cli):
    save_photo(workspace / "content/岳阳楼区/2023/图片/示意图.png", size=(300, 200), kind="PNG")
    replace_in(workspace / HIGHLIGHTS, "(图片/义诊活动.jpg)", "(图片/示意图.png)")
    assert build(cli, workspace).code == 0
    assert "data:image/png;base64," in output(workspace, ".html").decode()


def test_a_picture_inside_a_sentence_is_an_error(workspace, cli):
    append(workspace / HIGHLIGHTS, "\n见下图![现场](图片/义诊活动.jpg)。\n")
    run = build(cli, workspace)
    assert run.code == 2 and "图片要单独成段" in run.err and "特色亮点.md:" in run.err


# ---- charts --------------------------------------------------------------------------------
def chart_part(workspace) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(output(workspace, ".docx"))) as archive:
        names = [n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
        assert len(names) == 1
        assert "drawingml.chart+xml" in archive.read("[Content_Types].xml").decode()
        return etree.fromstring(archive.read(names[0]))


def test_fund_chart_is_a_native_docx_chart_with_cached_figures(workspace, cli):
    assert build(cli, workspace).code == 0
    chart = chart_part(workspace)
    bar = chart.find(f".//{C}barChart")
    assert bar.find(f"{C}grouping").get("val") == "clustered"
    series = bar.findall(f"{C}ser")
    assert [s.findtext(f"{C}tx//{C}v") for s in series] == ["收入", "支出", "累计结余"]
    categories = [v.text for v in series[0].findall(f"{C}cat//{C}pt/{C}v")]
    assert categories == ["职工医保统筹基金", "职工个人账户", "公务员医疗补助", "大病互助", "城乡居民医保"]
    income = [v.text for v in series[0].findall(f"{C}val//{C}pt/{C}v")]
    assert income == ["11720.82", "2019.69", "580.76", "719.16", "566.93"]
    assert chart.find(f".//{C}valAx/{C}title").xpath("string()") == "单位：万元"
    fonts = chart.xpath("//a:ea/@typeface", namespaces={"a": "http://schemas.openxmlformats.org/drawingml/2006/main"})
    assert fonts and set(fonts) == {"仿宋_GB2312"}


def test_fund_chart_embeds_a_workbook_for_editing_its_data(workspace, cli):
    assert build(cli, workspace).code == 0
    with zipfile.ZipFile(io.BytesIO(output(workspace, ".docx"))) as archive:
        chart_name = next(n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n))
        rels = etree.fromstring(archive.read(chart_name.replace("charts/", "charts/_rels/") + ".rels"))
        target = rels[0].get("Target")
        assert rels[0].get("Type").endswith("/package")
        assert etree.fromstring(archive.read(chart_name)).find(f"{C}externalData").get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") == rels[0].get("Id")
        workbook = archive.read("word/" + target.removeprefix("../"))
        assert 'Extension="xlsx"' in archive.read("[Content_Types].xml").decode()
    with zipfile.ZipFile(io.BytesIO(workbook)) as book:
        sheet = etree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cells = {c.get("r"): c.xpath("string(.)") for c in sheet.iter(f"{main}c")}
    assert cells["B1"] == "收入" and cells["D1"] == "累计结余"
    assert cells["A2"] == "职工医保统筹基金" and cells["B2"] == "11720.82" and cells["D6"] == "24957.66"


def test_fund_chart_in_html_is_svg_with_sources_and_in_markdown_a_table(workspace, cli):
    assert build(cli, workspace).code == 0
    html = output(workspace, ".html").decode()
    svg = re.search(r"<svg class=\"chart-svg\".*?</svg>", html, re.S).group()
    assert svg.count("<rect") >= 15
    assert "<title>职工医保统筹基金 收入：11720.82万元</title>" in svg  # the copy to publish names no file
    assert "facts.yaml" not in html and "<script" not in html
    run = cli("build", "岳阳楼区", "2023", "--review", cwd=workspace)
    assert run.code in (0, 1), run.err
    review = next(p for p in (workspace / "build/岳阳楼区/2023").iterdir() if "审阅稿" in p.name and p.suffix == ".html")
    reviewed_svg = re.search(r"<svg class=\"chart-svg\".*?</svg>", review.read_text(encoding="utf-8"), re.S).group()
    line = line_of(workspace / "content/岳阳楼区/2023/facts.yaml", "收入: 11720.82万元")
    # the figure is imported from the example's spreadsheet (zongjie import): its cell comes first
    assert (f"11720.82万元（基金.险种.职工医保统筹基金.收入 ← 基金收支.xlsx 基金收支!C3"
            f"（content/岳阳楼区/2023/facts.yaml:{line}））") in reviewed_svg
    markdown = output(workspace, ".md").decode()
    assert "| 项目 | 收入（万元） | 支出（万元） | 累计结余（万元） |" in markdown
    assert "| 城乡居民医保 | 566.93 | 24403.76 | 24957.66 |" in markdown
    assert "\n各险种基金收入、支出和累计结余\n" in markdown


def test_chart_figures_are_converted_to_its_unit(workspace, cli):
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "收入: 719.16万元", "收入: 7191600元")
    assert build(cli, workspace).code == 0
    chart = chart_part(workspace)
    income = [v.text for v in chart.find(f".//{C}ser").findall(f"{C}val//{C}pt/{C}v")]
    assert income[3] == "719.16"


def test_chart_over_facts_a_rule_marks_wrong_is_not_drawn(workspace, cli):
    append(workspace / "content/岳阳楼区/checks.yaml",
           "  - 名称: 大病互助结余\n    关系: 基金.险种.大病互助.累计结余 <= 基金.险种.大病互助.收入\n")
    assert build(cli, workspace).code == 1  # refused: the checks failed
    run = build(cli, workspace, "--allow-errors")
    assert run.code == 1
    with zipfile.ZipFile(io.BytesIO(output(workspace, ".docx"))) as archive:
        assert not [n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)]
    html = output(workspace, ".html").decode()
    assert "<svg" not in html
    assert re.search(r"图表所用的数据未通过校验（[^）]*基金\.险种\.大病互助\.累计结余", html)
    assert "本图暂不绘制" in output(workspace, ".md").decode()


def write_chart(workspace, spec: str) -> int:
    """Replace the fund chart's spec; returns the line of its fence."""
    path = workspace / FUND
    text = path.read_text(encoding="utf-8")
    start = text.index("```图表\n") + len("```图表\n")
    end = text.index("```", start)
    path.write_text(text[:start] + spec + text[end:], encoding="utf-8")
    return line_of(path, "```图表")


@pytest.mark.parametrize("kind, element, grouping", [("折线图", "lineChart", "standard"), ("堆积柱形图", "barChart", "stacked")])
def test_line_and_stacked_charts(workspace, cli, kind, element, grouping):
    write_chart(workspace, f"类型: {kind}\n标题: 统筹基金\n分类: [收入, 支出]\n系列:\n"
                           "  统筹: [基金.险种.职工医保统筹基金.收入, 基金.险种.职工医保统筹基金.支出]\n"
                           "  居民: ['{{ 基金.险种.城乡居民医保.收入 }}', 基金.险种.城乡居民医保.支出]\n")
    assert build(cli, workspace).code == 0, "chart should build"
    chart = chart_part(workspace)
    group = chart.find(f".//{C}{element}")
    assert group.find(f"{C}grouping").get("val") == grouping
    assert [v.text for v in group.findall(f"{C}ser")[1].findall(f"{C}val//{C}pt/{C}v")] == ["566.93", "24403.76"]
    html = output(workspace, ".html").decode()
    assert "<svg" in html and ("<polyline" in html) == (kind == "折线图")


@pytest.mark.parametrize("spec, message, line_offset", [
    ("类型: 雷达图\n系列: [收入]\n数据: 基金.险种\n", "不认识的图表类型“雷达图”", 1),
    ("类型: 柱形图\n数据: 基金.没有\n系列: [收入]\n", "没有事实分组“基金.没有”", 2),
    ("类型: 柱形图\n分类: [甲]\n系列:\n  收入: [基金.险种.不存在.收入]\n", "图表中的“基金.险种.不存在.收入”不是一个事实", 4),
    ("类型: 柱形图\n分类: [甲, 乙]\n系列:\n  收入: [基金.险种.大病互助.收入]\n", "应当是 2 个事实的列表", 4),
    ("类型: 饼图\n数据: 基金.险种\n系列: [收入, 支出]\n", "饼图只能有一个系列", 0),
    ("类型: 柱形图\n分类: [甲]\n系列:\n  日期: [基金.统计截至]\n", "不是数字", 4),
    ("类型: 柱形图\n数据: 基金\n系列: [职工医保统筹基金]\n", "“基金.险种.职工医保统筹基金”是一组事实", 2),
    ("类型: 柱形图\n分类: [甲, 乙]\n系列:\n  混合: [基金.险种.大病互助.收入, 参保.参保人数]\n", "单位与图表的单位“万元”不一致", 0),
    ("类型: 柱形图\n  标题: [\n", "图表的写法有误", None),
    ("颜色: 红\n", "不认识的键“颜色”", 1),
])
def test_chart_mistakes_are_unusable_input_naming_the_line(workspace, cli, spec, message, line_offset):
    fence = write_chart(workspace, spec)
    run = build(cli, workspace)
    assert run.code == 2, run.err
    assert message in run.err
    if line_offset is not None:
        assert f"{FUND}:{fence + line_offset}" in run.err
    else:
        assert FUND in run.err
    assert "Traceback" not in run.err


def test_chart_in_a_narrative_and_pie_in_the_news_template(workspace, cli):
    append(workspace / HIGHLIGHTS, "\n```图表\n类型: 饼图\n标题: 异地就医备案\n分类: [省内, 跨省]\n"
                                   "系列:\n  人次: [待遇.异地备案.省内, 待遇.异地备案.跨省]\n```\n")
    assert build(cli, workspace).code == 0
    with zipfile.ZipFile(io.BytesIO(output(workspace, ".docx"))) as archive:
        assert len([n for n in archive.namelist() if re.fullmatch(r"word/charts/chart\d+\.xml", n)]) == 2
    assert cli("build", "奉化区", "2022", cwd=workspace).code == 0
    news = without_fact_spans(output(workspace, ".html", "奉化区", "2022").decode())
    assert "2022年末定点医药机构构成" in news and "<path d=" in news


# ---- tables --------------------------------------------------------------------------------
MERGED = """
表：两年基金收支对比

| 险种 | 2023年 | < | 2022年 | < |
|:---|---:|---:|---:|---:|
| ^ | 收入 | 支出 | 收入 | 支出 |
| 职工医保 | 11720.82 | 6627.96 | 10000.00 | 6000.00 |
| 居民医保 | 566.93 | 24403.76 | 500.00 | 23000.00 |
| 合计 | 12287.75 | < | 10500.00 | < |
"""


def test_merged_cells_in_all_three_formats(workspace, cli):
    append(workspace / HIGHLIGHTS, MERGED)
    assert build(cli, workspace).code == 0
    document = open_docx(io.BytesIO(output(workspace, ".docx")))
    table = document.tables[-1]
    rows = table._tbl.findall("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tr")
    assert len(rows) == 5
    head = rows[0].xpath("./w:tc")
    assert [len(head), head[1].xpath("string(.//w:gridSpan/@w:val)")] == [3, "2"]
    assert head[0].xpath("string(.//w:vMerge/@w:val)") == "restart"
    assert rows[1].xpath("./w:tc")[0].xpath(".//w:vMerge") and rows[1].xpath(".//w:tblHeader")  # second header row
    assert table.cell(0, 1).text == "2023年" and table.cell(0, 2).text == "2023年"  # one merged cell
    assert table.cell(4, 1).text == "12287.75"

    html = output(workspace, ".html").decode()
    merged = html[html.index("两年基金收支对比"):]
    assert '<th rowspan="2">险种</th><th colspan="2">2023年</th>' in merged
    assert '<td class="right" colspan="2">12287.75</td>' in merged
    assert merged.index("</thead>") > merged.index("<th>支出</th>")

    markdown = output(workspace, ".md").decode()
    assert "表：两年基金收支对比\n\n| 险种 | 2023年 | < | 2022年 | < |" in markdown
    assert "| ^ | 收入 | 支出 | 收入 | 支出 |" in markdown
    assert "| 合计 | 12287.75 | < | 10500.00 | < |" in markdown


def test_marks_that_cannot_merge_stay_text(workspace, cli):
    append(workspace / HIGHLIGHTS, "\n| < | 甲 |\n|---|---|\n| 乙 | ^ |\n| 丙 | < |\n")
    assert build(cli, workspace).code == 0
    document = open_docx(io.BytesIO(output(workspace, ".docx")))
    table = document.tables[-1]
    assert table.cell(0, 0).text == "<"  # nothing on its left to join


def test_traditional_output_converts_captions_and_chart_labels(workspace, cli):
    replace_in(workspace / "config.yaml", "  岳阳楼区:\n", "  岳阳楼区:\n    locale: zh_Hant_TW\n")
    # --allow-errors: the required-section check does not yet know Traditional headings (not ours)
    assert build(cli, workspace, "--allow-errors").code in (0, 1)
    html = without_fact_spans(output(workspace, ".html").decode())
    assert "<figcaption>各險種基金收入、支出和累計結餘</figcaption>" in html
    assert "醫保政策宣傳進社區活動現場" in html
    assert "11720.82" in html


def test_a_picture_in_a_table_cell_is_an_error_not_lost(workspace, cli):
    append(workspace / HIGHLIGHTS, "\n| 现场 |\n|---|\n| ![现场](图片/义诊活动.jpg) |\n")
    run = build(cli, workspace)
    assert run.code == 2 and "图片不能写在标题或表格里" in run.err


def test_a_forged_origin_cannot_reach_another_district(workspace, cli):
    other = workspace / "content/裕安区/2020/照片.jpg"
    save_photo(other)
    forged = (workspace / "content/裕安区/2020/开头.md").resolve()
    tag = "zj:" + str(forged).encode("utf-8").hex() + ":1"
    append(workspace / HIGHLIGHTS, f"\n![别人的照片](照片.jpg '{tag}')\n")
    run = build(cli, workspace)
    assert run.code == 2 and "不在本文档的文件夹中" in run.err


def test_half_filled_group_leaves_out_empty_categories_and_an_empty_chart(tmp_path):
    from zongjie.document.charts import resolve_chart
    from zongjie.document.model import Chart, Text
    from zongjie.inputs.facts import load_facts
    from zongjie.location import Location

    facts_path = tmp_path / "facts.yaml"
    facts_path.write_text("基金:\n  甲:\n    收入: 10万元\n    支出: 8万元\n  乙:\n    收入:\n    支出:\n"
                          "  丙:\n    收入: 5万元\n    支出:\n", encoding="utf-8")
    facts = load_facts(facts_path)
    where = Location(tmp_path / "正文.md", 3)

    def leaf(text):
        return ((Text(text),), where)

    spec = {"类型": (leaf("柱形图"), where), "数据": (leaf("基金"), where), "系列": ([leaf("收入"), leaf("支出")], where)}
    chart = resolve_chart(Chart("", (), where, spec=spec), facts)
    assert chart.categories == ("甲", "丙")  # 乙 has no figure at all
    assert chart.series[1].numbers == (8.0, None)  # a missing figure is a gap, not a zero
    empty = tmp_path / "empty.yaml"
    empty.write_text("基金:\n  乙:\n    收入:\n  说明: 今年未填\n", encoding="utf-8")
    assert resolve_chart(Chart("", (), where, spec=spec), load_facts(empty)) is None


def test_a_phone_photo_stored_on_its_side_is_turned_upright(workspace, cli):
    photo = workspace / "content/岳阳楼区/2023/图片/义诊活动.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view", as phones write it
    save_photo(photo, size=(600, 400), exif=exif.tobytes())
    assert build(cli, workspace).code == 0
    html = output(workspace, ".html").decode()
    assert re.search(r'<img src="data:image/jpeg;base64,[^"]+" alt="[^"]*" width="400" height="600"', html)
    document = open_docx(io.BytesIO(output(workspace, ".docx")))
    photo_shape = next(shape for shape in document.inline_shapes if shape._inline.xpath(".//pic:pic"))
    assert photo_shape.height > photo_shape.width  # portrait, as taken
    assert photo_shape.height.mm <= 150.01  # and it fits on a page with its caption


def test_palette_png_is_resampled(workspace, cli):
    path = workspace / "content/岳阳楼区/2023/图片/示意图.png"
    Image.new("RGB", (3000, 1000), (10, 120, 200)).convert("P").save(path, "PNG")
    replace_in(workspace / HIGHLIGHTS, "(图片/义诊活动.jpg)", "(图片/示意图.png)")
    assert build(cli, workspace).code == 0
    assert 'width="1228" height="409"' in output(workspace, ".html").decode()


def test_review_copy_comments_the_chart_with_its_figures_sources(workspace, cli):
    assert cli("build", "岳阳楼区", "2023", "--review", cwd=workspace).code in (0, 1)
    review = next(p for p in (workspace / "build/岳阳楼区/2023").iterdir() if "审阅稿" in p.name and p.suffix == ".docx")
    with zipfile.ZipFile(review) as archive:
        comments = archive.read("word/comments.xml").decode()
    line = line_of(workspace / "content/岳阳楼区/2023/facts.yaml", "收入: 566.93万元")
    assert "图中数字的来源：" in comments
    assert "城乡居民医保 收入：566.93万元" in comments and f"facts.yaml 第 {line} 行" in comments


def test_a_picture_in_a_template_is_relative_to_the_template(workspace, cli):
    save_photo(workspace / "templates/医保年度工作总结/章节/图片/标志.png", size=(200, 100), kind="PNG")
    append(workspace / FUND, "\n![{{ 地区 }}医保标志](图片/标志.png){宽度=3厘米}\n")
    assert build(cli, workspace).code == 0
    html = without_fact_spans(output(workspace, ".html").decode())
    assert 'style="width:30mm"' in html and "<figcaption>岳阳楼区医保标志</figcaption>" in html


@pytest.mark.parametrize("mode, kind, options, expected", [
    ("RGB", "JPEG", {}, (321, 123)),
    ("L", "JPEG", {}, (321, 123)),
    ("RGB", "JPEG", {"progressive": True}, (321, 123)),
    ("CMYK", "JPEG", {}, None),  # converted by Pillow
    ("RGB", "PNG", {}, (321, 123)),
    ("P", "PNG", {}, (321, 123)),
])
def test_header_reader_agrees_with_pillow_or_leaves_it_to_pillow(mode, kind, options, expected):
    from zongjie.document.image_header import plain_size

    buffer = io.BytesIO()
    Image.new(mode, (321, 123)).save(buffer, kind, **options)
    assert plain_size(buffer.getvalue(), f"image/{kind.lower()}") == expected


def test_header_reader_leaves_a_turned_photo_to_pillow():
    from zongjie.document.image_header import plain_size

    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.new("RGB", (321, 123)).save(buffer, "JPEG", exif=exif.tobytes())
    assert plain_size(buffer.getvalue(), "image/jpeg") is None


def test_a_print_ready_photo_needs_no_imaging_library(workspace):
    import subprocess
    import sys

    script = ("import sys; from zongjie.cli import main; sys.argv = ['zongjie', 'build', '岳阳楼区', '2023', '-j', '1'];\n"
              "try:\n    main()\nexcept SystemExit:\n    pass\nprint('PIL' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script], cwd=workspace, capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().endswith("False"), result.stdout + result.stderr


def test_chart_labels_follow_the_reference_documents_body_font(workspace, cli):
    from docx.oxml.ns import qn

    reference = open_docx()
    fonts = reference.styles["Normal"].element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), "方正仿宋_GBK")
    reference.save(workspace / "reference.docx")
    append(workspace / "config.yaml", "reference_docx: reference.docx\n")
    assert build(cli, workspace).code == 0
    chart = chart_part(workspace)
    fonts = chart.xpath("//a:ea/@typeface", namespaces={"a": "http://schemas.openxmlformats.org/drawingml/2006/main"})
    assert set(fonts) == {"方正仿宋_GBK"}


def test_traditional_document_charts_use_its_fonts(workspace, cli):
    replace_in(workspace / "config.yaml", "  岳阳楼区:\n", "  岳阳楼区:\n    locale: zh_Hant_TW\n")
    assert build(cli, workspace, "--allow-errors", "-f", "docx").code in (0, 1)
    document = open_docx(io.BytesIO(output(workspace, ".docx")))
    body_font = document.styles["Normal"].element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
    fonts = chart_part(workspace).xpath("//a:ea/@typeface",
                                        namespaces={"a": "http://schemas.openxmlformats.org/drawingml/2006/main"})
    assert body_font != "仿宋_GB2312" and set(fonts) == {body_font}


def test_every_part_of_a_review_copy_with_pictures_and_charts_is_typed_and_related(workspace, cli):
    """Word refuses a package with a relationship to a missing part or a part without a
    content type: pictures, charts, their workbooks, comments and the review header all add
    parts, and each must come with both."""
    import posixpath

    assert cli("build", "岳阳楼区", "2023", "--review", cwd=workspace).code in (0, 1)
    review = next(p for p in (workspace / "build/岳阳楼区/2023").iterdir() if "审阅稿" in p.name and p.suffix == ".docx")
    with zipfile.ZipFile(review) as archive:
        names = set(archive.namelist())
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        by_extension = {d.get("Extension").lower() for d in types if d.tag.endswith("Default")}
        by_name = {o.get("PartName").lstrip("/") for o in types if o.tag.endswith("Override")}
        untyped = [n for n in names if n not in by_name and n.rsplit(".", 1)[-1].lower() not in by_extension]
        assert untyped == []
        added = {"word/comments.xml", "word/header-review.xml"}
        assert added <= names and any(n.startswith("word/media/") for n in names)
        assert any(n.startswith("word/charts/chart") for n in names) and any(n.endswith(".xlsx") for n in names)
        targets = set()
        for rels_name in (n for n in names if n.endswith(".rels")):
            rels = etree.fromstring(archive.read(rels_name))
            ids = [r.get("Id") for r in rels]
            assert len(ids) == len(set(ids)), rels_name
            source_folder = posixpath.dirname(posixpath.dirname(rels_name))
            for r in rels:
                if r.get("TargetMode") != "External":
                    targets.add(posixpath.normpath(posixpath.join(source_folder, r.get("Target"))))
        assert targets - names == set()  # nothing related that is not there
        assert added | {n for n in names if "/media/" in n or "/charts/chart" in n or n.endswith(".xlsx")} <= targets
