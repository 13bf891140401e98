"""Many districts and years: new years from last year's, year over year, incremental and
parallel batch builds, and a city summed from its districts."""

from __future__ import annotations

import json
import shutil

from conftest import line_of, replace_in

from zongjie.inputs.facts import load_facts
from zongjie.inputs.yamlio import YMap, load_yaml


def all_keys(node, prefix=""):
    """Every key of a facts file, filled or empty, as dotted paths."""
    keys = []
    for name, (_key, value) in node.entries.items():
        path = f"{prefix}.{name}" if prefix else name
        keys.append(path)
        if isinstance(value, YMap):
            keys.extend(all_keys(value, path))
    return keys


def test_new_year_from_last_year_keeps_keys_order_and_comments(workspace, cli):
    run = cli("new", "岳阳楼区", "2024", cwd=workspace)
    assert run.code == 0, run.err
    new = workspace / "content/岳阳楼区/2024/facts.yaml"
    old = workspace / "content/岳阳楼区/2023/facts.yaml"
    assert all_keys(load_yaml(new).root) == all_keys(load_yaml(old).root)
    text = new.read_text(encoding="utf-8")
    assert "  参保人数:  # 2023年：429198人；= 城乡居民缴费人数 + 职工参保人数" in text
    assert "# 来源：岳阳楼区医疗保障局公开发布的《2023年度工作总结》。" in text  # comments kept
    assert "    职工异地生育住院:\n      人次:  # 2023年：38人次\n      基金支付:  # 2023年：12.13万元" in text
    assert load_facts(new).index == {}  # nothing filled in yet
    narrative = (workspace / "content/岳阳楼区/2024/特色亮点.md").read_text(encoding="utf-8")
    assert narrative.startswith("{# 草稿：由2023年度复制")


def test_new_never_overwrites(workspace, cli):
    assert cli("new", "岳阳楼区", "2024", cwd=workspace).code == 0
    facts = workspace / "content/岳阳楼区/2024/facts.yaml"
    facts.write_text("参保:\n  参保人数: 1人\n", encoding="utf-8")
    run = cli("new", "岳阳楼区", "2024", cwd=workspace)
    assert run.code == 2 and "不会覆盖" in run.err
    assert facts.read_text(encoding="utf-8") == "参保:\n  参保人数: 1人\n"


def test_a_new_year_builds_with_what_is_filled_and_leaves_drafts_out(workspace, cli):
    cli("new", "岳阳楼区", "2024", cwd=workspace)
    facts = workspace / "content/岳阳楼区/2024/facts.yaml"
    for key, value in (("统计截至", "2024-03-31"), ("城乡居民缴费人数", "390000人"),
                       ("职工参保人数", "40000人"), ("参保率", "96.5%")):  # typed before the 上年 comment
        replace_in(facts, f"  {key}:  # 2023年：", f"  {key}: {value}  # 2023年：")
    run = cli("build", "岳阳楼区", "2024", "-f", "md", cwd=workspace)
    assert run.code == 0, run.err
    text = next((workspace / "build/岳阳楼区/2024").glob("*.md")).read_text(encoding="utf-8")
    assert "参保人数合计430000人（比上年增加802人）" in text  # derived total, compared with 2023
    assert "特色亮点" not in text and "群英断是非" not in text  # last year's narrative is a draft: left out
    drafts = [f for f in json.loads(cli("check", "岳阳楼区", "2024", "--format", "json", cwd=workspace).out)
              ["documents"][0]["findings"] if f["code"] == "narrative-draft"]
    assert len(drafts) == 2 and "不会写入文档" in drafts[0]["message"]


def test_a_partly_filled_section_names_the_line_to_fill(workspace, cli):
    cli("new", "岳阳楼区", "2024", cwd=workspace)
    facts = workspace / "content/岳阳楼区/2024/facts.yaml"
    replace_in(facts, "  城乡居民缴费人数:  # 2023年：", "  城乡居民缴费人数: 390000人  # 2023年：")
    run = cli("build", "岳阳楼区", "2024", cwd=workspace)
    assert run.code == 1  # a check failure: the facts are usable, only not complete
    line = line_of(facts, "  职工参保人数:")
    assert f"content/岳阳楼区/2024/facts.yaml:{line}: 错误：事实“参保.职工参保人数”还没有填写" in run.err


def test_first_year_starts_from_the_documented_skeleton(workspace, cli):
    run = cli("new", "君山区", "2023", cwd=workspace)
    assert run.code == 0, run.err
    skeleton = (workspace / "content/君山区/2023/facts.yaml").read_text(encoding="utf-8")
    assert "城乡居民缴费人数:  # 城乡居民医保缴费人数（单位：人）" in skeleton


def test_the_skeleton_documents_every_fact_the_example_uses(workspace):
    skeleton = all_keys(load_yaml(workspace / "templates/医保年度工作总结/facts.yaml").root)
    example = all_keys(load_yaml(workspace / "content/岳阳楼区/2023/facts.yaml").root)
    assert skeleton == example
    for line in (workspace / "templates/医保年度工作总结/facts.yaml").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and line.rstrip().endswith(":") is False:
            assert "#" in line, f"undocumented: {line}"


def test_last_years_facts_give_year_over_year_phrases(workspace, cli):
    previous = workspace / "content/岳阳楼区/2022/facts.yaml"
    previous.parent.mkdir()
    previous.write_text("参保:\n  统计截至: 2022-03-31\n  参保人数: 427948人\n待遇:\n  住院:\n    人次: 58000人次\n", encoding="utf-8")
    assert cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).code == 0
    text = next((workspace / "build/岳阳楼区/2023").glob("*.md")).read_text(encoding="utf-8")
    assert "参保人数合计429198人（比上年增加1250人）" in text
    assert "全年住院结算59975人次，同比增长3.4%" in text


def test_unchanged_documents_are_not_rebuilt_and_a_change_rebuilds_only_its_own(workspace, cli):
    assert cli("build", cwd=workspace).code == 0
    docx = next((workspace / "build/裕安区/2020").glob("*.docx"))
    before = docx.stat().st_mtime_ns
    again = cli("build", cwd=workspace)
    assert "生成 0，未变 3" in again.out
    assert docx.stat().st_mtime_ns == before
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "示范站点: 2个", "示范站点: 3个")
    changed = cli("build", cwd=workspace)
    assert "生成 1，未变 2" in changed.out
    text = next((workspace / "build/岳阳楼区/2023").glob("*.md")).read_text(encoding="utf-8")
    assert "创建3个省级医保经办服务示范站点" in text
    assert "生成 3，未变 0" in cli("build", "--force", cwd=workspace).out


def test_a_template_change_rebuilds_every_document_using_templates(workspace, cli):
    cli("build", cwd=workspace)
    partial = workspace / "templates/医保年度工作总结/章节/开头.md"
    partial.write_text(partial.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "生成 3，未变 0" in cli("build", cwd=workspace).out


def test_a_renamed_title_replaces_the_old_files(workspace, cli):
    cli("build", "岳阳楼区", "2023", cwd=workspace)
    replace_in(workspace / "templates/医保年度工作总结/正文.md", "年度工作总结{% endblock +%}", "年度工作总结报告{% endblock +%}")
    cli("build", "岳阳楼区", "2023", cwd=workspace)
    names = sorted(path.name for path in (workspace / "build/岳阳楼区/2023").iterdir())
    assert names == [f"岳阳楼区医疗保障局2023年度工作总结报告.{ext}" for ext in ("docx", "html", "md")]


def test_parallel_build_with_one_failure(workspace, cli):
    (workspace / "content/奉化区/2022/facts.yaml").write_text("参保: [\n", encoding="utf-8")
    run = cli("build", "--jobs", "2", cwd=workspace)
    assert run.code == 2
    assert "生成 2，未变 0，校验未通过 0，失败 1" in run.out
    assert "未生成 奉化区 2022" in run.err


def city_workspace(workspace, stated: str = ""):
    """Two districts made from the sample district, and a city of both."""
    sample = workspace / "templates/医保年度工作总结/示例"
    for district, people in (("甲区", "186420人"), ("乙区", "100000人")):
        folder = workspace / "content" / district / "2023"
        shutil.copytree(sample, folder)
        replace_in(folder / "facts.yaml", "城乡居民缴费人数: 186420人", f"城乡居民缴费人数: {people}")
        replace_in(folder / "facts.yaml", "  参保人数: 221600人\n", "")  # derived per district
    config = workspace / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\ncities:\n  某市:\n    members: [甲区, 乙区]\n", encoding="utf-8")
    city = workspace / "content/某市/2023"
    city.mkdir(parents=True)
    (city / "facts.yaml").write_text("成文日期: 2023-12-28\n" + stated, encoding="utf-8")


def test_city_summary_adds_up_its_districts(workspace, cli):
    city_workspace(workspace)
    run = cli("build", "某市", "2023", "-f", "md", cwd=workspace)
    assert run.code == 0, run.err
    text = (workspace / "build/某市/2023/某市医疗保障局2023年度工作总结.md").read_text(encoding="utf-8")
    # 186420 + 100000 居民 + 35180 × 2 职工 = 356780
    assert "全区城乡居民医保缴费286420人，职工医保参保70360人，参保人数合计356780人" in text
    assert "全年住院结算60240人次" in text


def test_city_figure_that_is_not_the_sum_of_its_districts(workspace, cli):
    city_workspace(workspace, stated="待遇:\n  住院:\n    人次: 60000人次\n")
    run = cli("check", "某市", "2023", "--format", "json", cwd=workspace)
    assert run.code == 1
    error = next(f for f in json.loads(run.out)["documents"][0]["findings"] if f["code"] == "rollup-mismatch")
    assert error["severity"] == "error" and error["line"] == 4 and "60240人次" in error["message"]
    members = [f["location"] for f in error["figures"][1:]]
    assert any(m.startswith("content/甲区/2023/facts.yaml:") for m in members)
    assert any(m.startswith("content/乙区/2023/facts.yaml:") for m in members)
