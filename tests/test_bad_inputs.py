"""A writer's mistakes, each answered with a message (file:line, what to do) and the right exit
code: never a traceback, never an internal error, never a silently wrong document."""

from __future__ import annotations

import json
import os

import pytest
from conftest import line_of, replace_in

FACTS = "content/岳阳楼区/2023/facts.yaml"


def build(cli, workspace, *args):
    return cli("build", "岳阳楼区", "2023", *args, cwd=workspace)


def assert_input_error(run, *words):
    assert run.code == 2, (run.code, run.out, run.err)
    assert "Traceback" not in run.err and "内部错误" not in run.err
    for word in words:
        assert word in run.err, run.err


@pytest.mark.parametrize("written, word", [
    ("99999999999999999999999999999人", "位数太多"),
    ("1e400人", "不是可识别的数字"),
    ("0x10人", "不是可识别的数字"),
])
def test_impossible_figures_are_refused_at_their_line(workspace, cli, written, word):
    replace_in(workspace / FACTS, "职工参保人数: 39310人", f"职工参保人数: {written}")
    assert_input_error(build(cli, workspace), word, f"facts.yaml:{line_of(workspace / FACTS, written)}")


def test_chinese_numeral_with_a_unit_is_a_figure(workspace, cli):
    replace_in(workspace / FACTS, "职工参保人数: 39310人", "职工参保人数: 三万九千三百一十人")
    assert build(cli, workspace, "-f", "md").code == 0


def test_deeply_nested_brackets(workspace, cli):
    (workspace / FACTS).write_text((workspace / FACTS).read_text(encoding="utf-8")
                                   + "深: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    assert_input_error(build(cli, workspace), "facts.yaml")


def test_invisible_zero_width_character_is_located(workspace, cli):
    replace_in(workspace / FACTS, "职工参保人数: 39310人", "职工参保人数: 39310\u200b人")
    assert_input_error(build(cli, workspace), "U+200B", f"facts.yaml:{line_of(workspace / FACTS, '职工参保人数')}")


def test_facts_file_that_is_a_link_to_itself(workspace, cli):
    facts = workspace / FACTS
    facts.unlink()
    os.symlink("facts.yaml", facts)
    assert build(cli, workspace).code == 2


def test_config_that_is_a_folder(workspace, cli):
    (workspace / "config.yaml").unlink()
    (workspace / "config.yaml").mkdir()
    assert_input_error(build(cli, workspace), "config.yaml")


def test_reference_docx_that_is_not_a_docx(workspace, cli):
    with (workspace / "config.yaml").open("a", encoding="utf-8") as config:
        config.write("reference_docx: config.yaml\n")
    assert_input_error(build(cli, workspace), "参考文档")


def test_organisation_with_a_mistyped_placeholder(workspace, cli):
    replace_in(workspace / "config.yaml", 'organisation: "{地区}医疗保障局"', 'organisation: "{区}医疗保障局"')
    assert_input_error(build(cli, workspace), "{区}", "config.yaml:")


def test_city_without_members_or_with_an_unknown_member(workspace, cli):
    config = workspace / "config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original + "cities:\n  岳阳市:\n    members: []\n", encoding="utf-8")
    assert_input_error(cli("build", "岳阳市", "2023", cwd=workspace), "members")
    config.write_text(original + "cities:\n  岳阳市:\n    members: [岳阳楼区, 君山区]\n", encoding="utf-8")
    assert_input_error(cli("build", "岳阳市", "2023", cwd=workspace), "君山区", "config.yaml:")


def findings(cli, workspace, code):
    run = cli("check", "岳阳楼区", "2023", "--format", "json", cwd=workspace)
    return [f for f in json.loads(run.out)["documents"][0]["findings"] if f["code"] == code]


def test_a_mistyped_key_in_a_districts_own_rule_is_reported(workspace, cli):
    with (workspace / "content/岳阳楼区/checks.yaml").open("a", encoding="utf-8") as rules:
        rules.write("  - 参保.参保人数 = 参保.参保人书\n")
    warning = findings(cli, workspace, "rule-unused")[0]
    assert "参保.参保人书" in warning["message"]


def test_a_text_where_a_rule_needs_a_figure_is_reported(workspace, cli):
    replace_in(workspace / FACTS, "职工参保人数: 39310人", "职工参保人数: 待统计")
    warning = findings(cli, workspace, "not-a-number")[0]
    assert "待统计" in warning["message"] and warning["line"] == line_of(workspace / FACTS, "待统计")


def test_an_unknown_function_in_a_rule(workspace, cli):
    with (workspace / "content/岳阳楼区/checks.yaml").open("a", encoding="utf-8") as rules:
        rules.write("  - 参保.参保人数 = max(参保.职工参保人数)\n")
    assert_input_error(cli("check", "岳阳楼区", "2023", cwd=workspace), "max", "求和")


def narrative(workspace, text):
    path = workspace / "content/岳阳楼区/2023/特色亮点.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_fact_named_like_a_python_method_is_the_fact(workspace, cli):
    replace_in(workspace / FACTS, "计划:\n", "计划:\n  items: 5个\n")
    narrative(workspace, "### 示例\n\n共{{ 计划.items }}。\n")
    assert build(cli, workspace, "-f", "md").code == 0
    text = next((workspace / "build/岳阳楼区/2023").glob("*.md")).read_text(encoding="utf-8")
    assert "共5个。" in text


@pytest.mark.parametrize("expression, word", [
    ("{{ 叙述 }}", "不是一个值"),
    ("{{ 亮点.座谈会人数 | 保留(-3) }}", "小数位数"),
    ("{{ 参保.参保人数 | 中文年份 }}", "不是年份"),
    ("{{ 月份区间(13, 0) }}", "月份"),
    ("{{ 参保.统计截至 | 截至(带年=\"否\") }}", "true 或 false"),
    ("{{ 参保.参保人数 | 不存在 }}", "没有名为“不存在”的过滤器"),
    ("{{ 参保.参保人数 / 2 }}", "不能直接做运算"),
    ("{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}", "循环次数过多"),
])
def test_template_misuse_is_explained_at_its_line(workspace, cli, expression, word):
    path = narrative(workspace, "### 示例\n\n" + expression + "\n")
    assert_input_error(build(cli, workspace), word, f"特色亮点.md:{line_of(path, expression[:6])}")


def test_a_template_that_includes_itself(workspace, cli):
    partial = workspace / "templates/医保年度工作总结/章节/开头.md"
    partial.write_text('{% include "章节/开头.md" %}\n', encoding="utf-8")
    assert_input_error(build(cli, workspace), "循环", "开头.md")


def test_unclosed_raw_in_narrative_names_the_file(workspace, cli):
    narrative(workspace, "### 示例\n\n{% raw %}未闭合\n")
    assert_input_error(build(cli, workspace), "特色亮点.md")


def test_a_top_level_fact_may_not_hide_a_function(workspace, cli):
    (workspace / FACTS).write_text((workspace / FACTS).read_text(encoding="utf-8") + "合计: 5人\n", encoding="utf-8")
    assert_input_error(build(cli, workspace), "保留名称")


def test_an_empty_narrative_leaves_an_empty_section_that_check_reports(workspace, cli):
    (workspace / "content/岳阳楼区/2023/工作打算.md").write_text("", encoding="utf-8")
    warning = findings(cli, workspace, "section-empty")[0]
    assert "工作打算" in warning["message"]


def test_a_year_folder_named_otherwise_is_mentioned(workspace, cli):
    (workspace / "content/岳阳楼区/2024年").mkdir()
    run = cli("build", cwd=workspace)
    assert "2024年" in run.err and "四位数字" in run.err


def test_an_empty_workspace_is_not_a_success(workspace, cli):
    for district in ("岳阳楼区", "裕安区", "奉化区"):
        for year in (workspace / "content" / district).iterdir():
            if year.is_dir() and year.name.isdigit():
                import shutil
                shutil.rmtree(year)
    assert_input_error(cli("build", cwd=workspace), "还没有")


def test_a_folder_in_place_of_an_output_changes_no_document(workspace, cli):
    assert build(cli, workspace).code == 0
    folder = workspace / "build/岳阳楼区/2023"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    md = next(folder.glob("*.md"))
    md.unlink()
    md.mkdir()
    replace_in(workspace / FACTS, "示范站点: 2个", "示范站点: 3个")
    assert_input_error(build(cli, workspace), "不是文件")
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    assert after == {name: data for name, data in before.items() if not name.endswith(".md")}


@pytest.mark.parametrize("out", ["content", "templates", "."])
def test_output_into_the_inputs_is_refused(workspace, cli, out):
    assert_input_error(build(cli, workspace, "--out", out), "输出文件夹")


def test_jobs_must_be_positive(workspace, cli):
    assert_input_error(build(cli, workspace, "--jobs", "0"), "--jobs")


def test_new_refuses_a_district_name_that_leaves_content(workspace, cli):
    assert_input_error(cli("new", "../外面", "2024", cwd=workspace), "不能用作地区名")
    assert not (workspace / "外面").exists()


def test_new_refuses_an_unknown_template(workspace, cli):
    assert_input_error(cli("new", "岳阳楼区", "2024", "--template", "不存在", cwd=workspace), "不存在")


def test_new_year_from_multi_line_text_is_valid_yaml(workspace, cli):
    replace_in(workspace / FACTS, "计划:\n", "计划:\n  说明: |\n    第一行\n    第二行\n")
    assert cli("new", "岳阳楼区", "2024", cwd=workspace).code == 0
    text = (workspace / "content/岳阳楼区/2024/facts.yaml").read_text(encoding="utf-8")
    assert "  说明:  # 2023年（多行文字" in text and "    # 第一行" in text
    assert cli("check", "岳阳楼区", "2024", cwd=workspace).code in (0, 1)


def test_check_finds_a_syntax_error_in_a_template_no_document_uses(workspace, cli):
    unused = workspace / "templates/医保年度工作总结/章节/备用.md"
    unused.write_text("第一行\n{% if 参保 is defined %}\n未闭合\n", encoding="utf-8")
    assert_input_error(cli("check", "岳阳楼区", "2023", cwd=workspace), "备用.md")
