"""The `zongjie` command as a bureau writer uses it: outputs, exit codes and messages."""

from __future__ import annotations

import io
import json

from conftest import line_of, replace_in
from docx import Document as open_docx

TITLE = "岳阳楼区医疗保障局2023年度工作总结"


def outputs(workspace, district="岳阳楼区", year="2023"):
    folder = workspace / "build" / district / year
    return {path.suffix: path for path in folder.iterdir()}


def docx_text(path) -> str:
    document = open_docx(io.BytesIO(path.read_bytes()))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_build_writes_three_files_named_by_the_title(workspace, cli):
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    files = outputs(workspace)
    assert sorted(files) == [".docx", ".html", ".md"]
    assert all(path.stem == TITLE for path in files.values())
    assert "已生成 岳阳楼区 2023" in run.out


def test_markdown_states_the_seed_figures_in_their_sentences(workspace, cli):
    cli("build", "岳阳楼区", "2023", cwd=workspace)
    text = outputs(workspace)[".md"].read_text(encoding="utf-8")
    assert "职工医保参保39310人，参保人数合计429198人，参保率96.19%" in text
    assert "职工医保统筹基金收入11720.82万元" in text
    assert "全年住院结算59975人次，住院总费用42817.93万元，统筹基金支付21469.1万元" in text
    assert "人次人次" not in text


def test_changing_one_part_changes_every_output_and_check_names_the_total(workspace, cli):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts, "城乡居民缴费人数: 389888人", "城乡居民缴费人数: 389988人")
    built = cli("build", "岳阳楼区", "2023", "--allow-errors", cwd=workspace)
    assert built.code == 1  # built, but the checks failed
    files = outputs(workspace)
    for text in (files[".md"].read_text(encoding="utf-8"), files[".html"].read_text(encoding="utf-8"), docx_text(files[".docx"])):
        assert "389988人" in text and "389888人" not in text

    checked = cli("check", "岳阳楼区", "2023", cwd=workspace)
    assert checked.code == 1
    total_line = line_of(facts, "参保人数: 429198人")
    assert f"content/岳阳楼区/2023/facts.yaml:{total_line}:" in checked.err
    assert "参保.参保人数 = 429198人" in checked.err
    assert "相差 100人" in checked.err


def test_build_refuses_to_write_when_checks_fail_and_keeps_previous_files(workspace, cli):
    assert cli("build", "岳阳楼区", "2023", cwd=workspace).code == 0
    before = {suffix: path.read_bytes() for suffix, path in outputs(workspace).items()}
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "职工参保人数: 39310人", "职工参保人数: 39311人")
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 1
    assert "未生成 岳阳楼区 2023" in run.err and "--allow-errors" in run.err
    after = {suffix: path.read_bytes() for suffix, path in outputs(workspace).items()}
    assert after == before


def test_unknown_district_is_unusable_input_with_the_known_ones_listed(workspace, cli):
    run = cli("build", "君山区", cwd=workspace)
    assert run.code == 2
    assert "君山区" in run.err and "岳阳楼区" in run.err
    assert "Traceback" not in run.err


def test_bad_yaml_names_file_and_line_without_a_traceback(workspace, cli):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts, "  职工参保人数: 39310人", "  职工参保人数: 39310人\n 错误缩进: 1人")
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "content/岳阳楼区/2023/facts.yaml:" in run.err
    assert "Traceback" not in run.err
    assert not (workspace / "build/岳阳楼区/2023").exists()


def test_template_error_is_exit_2_naming_the_template_line(workspace, cli):
    partial = workspace / "templates/医保年度工作总结/章节/参保.md"
    replace_in(partial, "{{ 参保.职工参保人数 }}", "{{ 参保.职工参保人数 | 不存在的过滤器 }}")
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "templates/医保年度工作总结/章节/参保.md" in run.err
    assert "Traceback" not in run.err


def test_one_failing_district_does_not_stop_the_others(workspace, cli):
    (workspace / "content/奉化区/2022/facts.yaml").write_text("参保: [\n", encoding="utf-8")
    run = cli("build", cwd=workspace)
    assert run.code == 2
    assert (workspace / "build/岳阳楼区/2023").is_dir()
    assert (workspace / "build/裕安区/2020").is_dir()
    assert "未生成 奉化区 2022" in run.err


def test_check_reports_json_for_tools(workspace, cli):
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "职工参保人数: 39310人", "职工参保人数: 39311人")
    run = cli("check", "岳阳楼区", "--format", "json", cwd=workspace)
    assert run.code == 1
    report = json.loads(run.out)
    findings = report["documents"][0]["findings"]
    error = next(f for f in findings if f["severity"] == "error")
    assert error["check"] == "参保人数合计"
    assert error["file"].endswith("content/岳阳楼区/2023/facts.yaml")
    assert error["found"] == "429198人" and error["expected"] == "429199人"


def test_example_workspace_checks_clean(workspace, cli):
    run = cli("check", cwd=workspace)
    assert run.code == 0, run.err
    assert "错误 0 个" in run.out


def test_format_and_out_options(workspace, cli, tmp_path):
    out = tmp_path / "elsewhere"
    run = cli("build", "裕安区", "2020", "--format", "md,html", "--out", str(out), cwd=workspace)
    assert run.code == 0, run.err
    assert sorted(p.suffix for p in (out / "裕安区/2020").iterdir()) == [".html", ".md"]


def test_building_one_format_keeps_the_documents_built_in_the_others(workspace, cli):
    # the writer makes the DOCX, then just the Markdown for the website: the DOCX stays
    assert cli("build", "岳阳楼区", "2023", cwd=workspace).code == 0
    assert cli("build", "岳阳楼区", "2023", "--format", "md", "--force", cwd=workspace).code == 0
    assert sorted(outputs(workspace)) == [".docx", ".html", ".md"]
    # but the files of an earlier title are removed: they would be published by mistake
    replace_in(workspace / "config.yaml", "  岳阳楼区:\n", "  岳阳楼区:\n    organisation: 岳阳楼区医保局\n")
    from zongjie.batch import _workspace

    _workspace.cache_clear()  # a new `zongjie` process reads config.yaml afresh; this test runs in one
    assert cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace).code == 0
    assert [path.name for path in outputs(workspace).values()] == ["岳阳楼区医保局2023年度工作总结.md"]


def test_init_creates_a_workspace_that_builds(tmp_path, cli):
    target = tmp_path / "新工作区"
    assert cli("init", str(target), cwd=tmp_path).code == 0
    assert (target / "config.yaml").is_file()
    assert (target / "templates/医保年度工作总结/正文.md").is_file()
    run = cli("build", cwd=target)
    assert run.code == 0, run.err
    assert (target / "build/示例区/2023/示例区医疗保障局2023年度工作总结.docx").is_file()


def test_init_never_overwrites_a_file(tmp_path, cli):
    target = tmp_path / "ws"
    target.mkdir()
    (target / "config.yaml").write_text("organisation: 我的单位\n", encoding="utf-8")
    cli("init", str(target), cwd=tmp_path)
    assert (target / "config.yaml").read_text(encoding="utf-8") == "organisation: 我的单位\n"


def test_outside_a_workspace_the_message_says_what_to_do(tmp_path, cli):
    run = cli("build", cwd=tmp_path)
    assert run.code == 2
    assert "config.yaml" in run.err and "zongjie init" in run.err


def test_gbk_facts_build_with_a_hint_to_resave(workspace, cli):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    facts.write_bytes(facts.read_text(encoding="utf-8").encode("gb18030"))
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert "GBK" in run.out and "facts.yaml" in run.out


def test_a_district_name_cannot_reach_outside_content(workspace, cli):
    run = cli("build", "../templates", cwd=workspace)
    assert run.code == 2 and "没有名为" in run.err


def test_a_narrative_linked_to_a_file_outside_content_is_refused(workspace, cli, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("服务器密码：123456\n", encoding="utf-8")
    narrative = workspace / "content/岳阳楼区/2023/特色亮点.md"
    narrative.unlink()
    narrative.symlink_to(secret)
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "content/岳阳楼区/2023/特色亮点.md" in run.err and "链接" in run.err
    assert not (workspace / "build/岳阳楼区/2023").exists()
