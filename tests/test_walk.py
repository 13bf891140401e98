"""The document model's traversal (walk.py), through what a user sees depend on it: Traditional
output reaches every piece of text (table cells, captions, list items, chart titles) but never
a figure or a draft's placeholder; the document checks see figures wherever they are shown; and
a node type the traversal does not know stops the build instead of being skipped in silence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import check, findings, line_of

from zongjie.document.localize import convert_document
from zongjie.document.model import (
    Chart,
    ChartSeries,
    Document,
    FactSpan,
    Heading,
    ListBlock,
    Meta,
    Paragraph,
    Picture,
    Strong,
    Table,
    Text,
    plain_text,
)
from zongjie.document.sourceref import SourceRef
from zongjie.document.walk import inline_runs, iter_blocks, iter_inlines, map_blocks, map_inlines, walk_inlines
from zongjie.location import Location

NARRATIVE = "content/岳阳楼区/2023/特色亮点.md"
FACTS = "content/岳阳楼区/2023/facts.yaml"
HERE = Location(Path("/ws/content/甲区/2023/facts.yaml"), 12)


def add_to_narrative(workspace: Path, text: str) -> None:
    path = workspace / NARRATIVE
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def built_markdown(workspace: Path) -> str:
    folder = workspace / "build" / "岳阳楼区" / "2023"
    return next(path for path in folder.iterdir() if path.suffix == ".md").read_text(encoding="utf-8")


# ---- Traditional output ------------------------------------------------------------------------
def test_traditional_output_converts_a_table_caption_its_cells_and_bold_text_in_them(workspace, cli):
    (workspace / "config.yaml").write_text(
        (workspace / "config.yaml").read_text(encoding="utf-8").replace("locale: zh_CN", "locale: zh_Hant_TW"),
        encoding="utf-8")
    add_to_narrative(workspace, "表：医疗救助资金\n\n| 项目 | 医疗救助 |\n| --- | --- |\n"
                                "| **参保人数** | {{ 参保.参保人数 }} |\n\n- 列表里的**医疗保障**")
    run = cli("build", "岳阳楼区", cwd=workspace)
    assert run.code == 0, run.out + run.err
    markdown = built_markdown(workspace)
    assert "表：醫療救助資金" in markdown
    assert "| 項目 | 醫療救助 |" in markdown
    assert "| **參保人數** | 429198人 |" in markdown
    assert "- 列表裡的**醫療保障**" in markdown
    assert "医疗" not in markdown


def a_document_with_text_everywhere() -> Document:
    figure = FactSpan("11720.82万元", SourceRef(("基金.收入",), (HERE,), written=("11720.82万元",)))
    placeholder = FactSpan("【待填：参保.参保人数】", SourceRef(("参保.参保人数",), (HERE,), placeholder=True))
    chart = Chart("bar", (Text("医疗保障基金"),), HERE, unit="万元", categories=("职工医疗保险",),
                  series=(ChartSeries("职工收入", (figure,), (11720.82,)),), label="图2")
    table = Table(((Text("险种"),),), (((Strong((Text("职工医疗"),)),),),), ("",), caption=(Text("医疗基金收入"),))
    return Document(
        Meta(title=(Text("医疗保障局"),), attachments=((Text("附件医疗"),),)),
        (Heading(1, (Text("医疗救助"),), number="一、"),
         Paragraph((Text("收入"), figure, Text("；"), placeholder)),
         ListBlock(False, ((table,), (Picture("照片.jpg", (Text("医疗保障现场"),), HERE),))),
         chart),
    )


def test_traditional_conversion_reaches_list_items_tables_captions_and_chart_titles_but_no_figure():
    document = convert_document(a_document_with_text_everywhere(), "zh_Hant_TW")
    texts = [plain_text(run) for run in inline_runs(document)]
    assert texts == ["醫療保障局", "", "", "", "附件醫療", "醫療救助", "收入11720.82萬元；【待填：参保.参保人数】",
                     "醫療基金收入", "險種", "職工醫療", "醫療保障現場", "醫療保障基金"]
    chart = document.blocks[-1]
    assert (chart.unit, chart.categories, chart.series[0].name) == ("萬元", ("職工醫療保險",), "職工收入")
    assert chart.series[0].values[0].text == "11720.82万元"  # a chart's data is not its text
    assert document.blocks[0].number == "一、"


# ---- document checks ---------------------------------------------------------------------------
def test_a_doubled_unit_after_a_figure_in_a_table_cell_is_caught(workspace, cli):
    add_to_narrative(workspace, "| 项目 | 人数 |\n| --- | --- |\n| 参保 | {{ 参保.参保人数 }}人 |")
    warning = findings(check(cli, workspace)[1], code="lint-doubled-unit")[0]
    assert "429198人人" in warning["message"]
    assert warning["line"] == line_of(workspace / FACTS, "  参保人数: 429198人")


def test_a_figure_under_a_table_header_of_another_unit_is_caught_in_a_list_item_too(workspace, cli):
    add_to_narrative(workspace, "- 基金情况如下：\n\n  | 险种 | 收入（元） |\n  | --- | --- |\n"
                                "  | 职工医保 | {{ 基金.险种.职工医保统筹基金.收入 | 数字 }} |")
    code, document = check(cli, workspace)
    assert code == 1
    error = findings(document, code="unit-shown", severity="error")[0]
    assert "11720.82元" in error["message"] and "117208200元" in error["message"]


# ---- the traversal itself ----------------------------------------------------------------------
def test_every_block_and_every_inline_is_visited_in_reading_order():
    document = a_document_with_text_everywhere()
    kinds = [type(block).__name__ for block in iter_blocks(document)]
    assert kinds == ["Heading", "Paragraph", "ListBlock", "Table", "Picture", "Chart"]
    words = [inline.text for inline in iter_inlines(document) if isinstance(inline, (Text, FactSpan))]
    assert words[:2] == ["医疗保障局", "附件医疗"] and "职工医疗" in words and words[-1] == "医疗保障基金"


def test_a_map_that_changes_nothing_gives_the_same_document_and_one_that_does_changes_only_that():
    document = a_document_with_text_everywhere()
    assert map_inlines(lambda inline: inline, document) is document
    assert map_blocks(lambda block: block, document) is document
    upper = map_inlines(lambda inline: Text("职工医保") if inline == Text("职工医疗") else inline, document)
    assert upper.blocks[:2] == document.blocks[:2] and upper.blocks[0] is document.blocks[0]
    assert plain_text(upper.blocks[2].items[0][0].rows[0][0]) == "职工医保"


@dataclass(frozen=True)
class Video:
    """A block type the traversal was not taught."""

    path: str


@dataclass(frozen=True)
class Footnote:
    """An inline type the traversal was not taught."""

    text: str


@pytest.mark.parametrize("walk", [
    lambda document: list(iter_blocks(document)),
    lambda document: list(iter_inlines(document)),
    lambda document: map_inlines(lambda inline: inline, document),
    lambda document: map_blocks(lambda block: block, document),
], ids=["iter_blocks", "iter_inlines", "map_inlines", "map_blocks"])
def test_an_unknown_block_fails_loudly_instead_of_being_skipped(walk):
    document = Document(Meta(), (Paragraph((Text("正文"),)), ListBlock(False, ((Video("现场.mp4"),),))))
    with pytest.raises(AssertionError):
        walk(document)


@pytest.mark.parametrize("walk", [
    lambda document: list(iter_inlines(document)),
    lambda document: map_inlines(lambda inline: inline, document),
    lambda document: plain_text(document.blocks[0].content),
    lambda document: list(walk_inlines(document.blocks[0].content)),
], ids=["iter_inlines", "map_inlines", "plain_text", "walk_inlines"])
def test_an_unknown_inline_fails_loudly_instead_of_being_skipped(walk):
    document = Document(Meta(), (Paragraph((Text("见"), Strong((Footnote("注1"),)))),))
    with pytest.raises(AssertionError):
        walk(document)
