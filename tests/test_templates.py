"""Templates: strict, sandboxed, overridable; every figure traceable to its fact."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import line_of, replace_in

from zongjie.assemble import assemble
from zongjie.document.model import FactSpan, plain_text
from zongjie.document.walk import inline_runs, iter_inlines
from zongjie.errors import TemplateError
from zongjie.inputs.loading import load
from zongjie.inputs.workspace import Workspace


def build_model(workspace: Path, district: str = "岳阳楼区", year: str = "2023"):
    ws = Workspace.open(workspace)
    return assemble(ws, load(ws, ws.district_year(district, year)))


def all_text(document) -> str:
    return "\n".join(plain_text(inlines) for inlines in inline_runs(document.blocks))


def fact_spans(document) -> list[FactSpan]:
    return [inline for inline in iter_inlines(document.blocks) if isinstance(inline, FactSpan)]


def test_figures_in_the_document_point_back_to_their_fact_line(workspace):
    document = build_model(workspace)
    spans = {span.text: span for span in fact_spans(document)}
    span = spans["429198人"]
    assert span.keys == ("参保.参保人数",)
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    assert span.locations[0].line == line_of(facts, "参保人数: 429198人")


def test_undefined_fact_names_the_fact_and_the_template_line(workspace):
    partial = workspace / "templates/医保年度工作总结/章节/参保.md"
    replace_in(partial, "{{ 参保.职工参保人数 }}", "{{ 参保.职工参保人 }}")
    with pytest.raises(TemplateError) as raised:
        build_model(workspace)
    assert "参保.职工参保人" in raised.value.message
    assert raised.value.location.file.name == "参保.md"
    assert raised.value.location.line == line_of(partial, "参保.职工参保人 }}")


def test_a_fact_left_empty_names_the_facts_line_to_fill(workspace):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts, "职工参保人数: 39310人", "职工参保人数:")
    replace_in(facts, "参保人数: 429198人            # = 城乡居民缴费人数 + 职工参保人数", "参保人数: 429198人")
    # the rule would derive nothing (the total is present), so rendering meets the empty part
    with pytest.raises(TemplateError) as raised:
        build_model(workspace)
    assert "没有填写" in raised.value.message
    assert f"facts.yaml:{line_of(facts, '职工参保人数:')}" in raised.value.message


def test_sandbox_refuses_python_internals(workspace):
    partial = workspace / "templates/医保年度工作总结/章节/开头.md"
    partial.write_text("{{ 参保.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(TemplateError):
        build_model(workspace)


def test_sandbox_bounds_string_repetition(workspace):
    partial = workspace / "templates/医保年度工作总结/章节/开头.md"
    partial.write_text("{{ '医保' * 100000000 }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        build_model(workspace)
    assert "不允许" in raised.value.message


def test_syntax_error_is_reported_at_its_line(workspace):
    partial = workspace / "templates/医保年度工作总结/章节/开头.md"
    partial.write_text("第一行\n{% if 参保 is defined %}\n未闭合\n", encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        build_model(workspace)
    assert raised.value.location.file.name == "开头.md"
    assert "语法" in raised.value.message


def test_district_overrides_one_partial_by_a_file_of_the_same_name(workspace):
    override = workspace / "content/岳阳楼区/templates/章节/开头.md"
    override.parent.mkdir(parents=True)
    override.write_text("{{ 年度 }}年，岳阳楼区医保工作稳中有进。\n", encoding="utf-8")
    text = all_text(build_model(workspace))
    assert "2023年，岳阳楼区医保工作稳中有进。" in text
    assert "基金收支情况" in text  # the rest of the shared template is still there


def test_district_overrides_one_block_by_extending_the_shared_template(workspace):
    override = workspace / "content/岳阳楼区/templates/正文.md"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "医保年度工作总结/正文.md" %}\n'
        "{% block 存在问题 %}\n# 存在的困难和问题\n\n基层经办力量仍然不足。\n{% endblock %}\n",
        encoding="utf-8",
    )
    document = build_model(workspace)
    headings = [(b.number, plain_text(b.content)) for b in document.blocks if b.__class__.__name__ == "Heading" and b.level == 1]
    assert headings == [("一、", "2023年度工作完成情况"), ("二、", "特色亮点工作"),
                        ("三、", "存在的困难和问题"), ("四、", "2024年工作打算")]


def test_fact_text_with_markdown_syntax_is_not_markup(workspace):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts, "示范站点: 2个", "示范站点: 2个\n  说明: 甲|乙 *丙*")
    plans = workspace / "content/岳阳楼区/2023/工作打算.md"
    plans.write_text(plans.read_text(encoding="utf-8") + "\n{{ 计划.说明 }}\n", encoding="utf-8")
    assert "甲|乙 *丙*" in all_text(build_model(workspace))


def test_sections_without_facts_are_left_out_without_gaps(workspace):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    text = facts.read_text(encoding="utf-8")
    start, end = text.index("\n集采:"), text.index("\n医疗救助:")
    facts.write_text(text[:start] + text[end:], encoding="utf-8")
    document = build_model(workspace)
    level2 = [(b.number, plain_text(b.content)) for b in document.blocks
              if b.__class__.__name__ == "Heading" and b.level == 2][:4]
    assert level2 == [("（一）", "基金收支情况"), ("（二）", "待遇享受情况"), ("（三）", "医疗救助"), ("（四）", "基金监管")]


def test_traditional_chinese_locale_converts_text_but_not_figures(workspace):
    replace_in(workspace / "config.yaml", "locale: zh_CN", "locale: zh_Hant_TW")
    document = build_model(workspace)
    text = all_text(document)
    assert "醫療" in text and "医疗" not in text
    assert "11720.82萬元" in text and "429198人" in text and "96.19%" in text
