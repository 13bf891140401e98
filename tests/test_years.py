"""`历年[年度]` (also `years[…]`): a template reads any year of its own district's facts, each
figure traced to that year's facts.yaml; a year the district does not have is an error at the
template line, never another district's year. (Years that are paths, `历年['../x']`, are
refused in test_security.py.)"""

from __future__ import annotations

from pathlib import Path

from conftest import line_of

DISTRICT = "content/岳阳楼区"
NARRATIVE = f"{DISTRICT}/2023/特色亮点.md"


def add_year_2021(workspace: Path) -> None:
    (workspace / DISTRICT / "2021").mkdir()
    (workspace / DISTRICT / "2021/facts.yaml").write_text("# 2021年\n参保:\n  参保人数: 400000人\n", encoding="utf-8")


def append_to_narrative(workspace: Path, text: str) -> None:
    path = workspace / NARRATIVE
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def build(cli, workspace: Path, *options: str):
    return cli("build", "岳阳楼区", "2023", "--force", "-w", str(workspace), *options)


def written(workspace: Path, suffix: str) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in (workspace / "build").rglob(f"*{suffix}"))


def test_a_template_reads_an_earlier_years_figure_by_year_number_or_text(workspace, cli):
    add_year_2021(workspace)
    append_to_narrative(workspace, "2021年参保{{ 历年[2021].参保.参保人数 }}，即{{ years['2021'].参保.参保人数 }}。")
    run = build(cli, workspace, "-f", "md")
    assert run.code == 0, run.err
    assert "2021年参保400000人，即400000人。" in written(workspace, ".md")


def test_an_earlier_years_figure_is_traced_to_that_years_facts_file(workspace, cli):
    add_year_2021(workspace)
    append_to_narrative(workspace, "2021年参保{{ 历年[2021].参保.参保人数 }}。")
    run = build(cli, workspace, "-f", "html", "--review")
    assert run.code == 0, run.err
    review = written(workspace, ".html")
    figure = review[review.index("2021年参保"):]
    assert figure.index("来源：content/岳阳楼区/2021/facts.yaml 第 3 行") < figure.index("</p>")


def test_the_years_a_template_can_list_are_the_folders_with_facts(workspace, cli):
    add_year_2021(workspace)
    (workspace / DISTRICT / "2022").mkdir()  # a year begun, no facts.yaml yet
    (workspace / DISTRICT / "备份").mkdir()
    (workspace / DISTRICT / "备份/facts.yaml").write_text("参保:\n  参保人数: 1人\n", encoding="utf-8")
    append_to_narrative(workspace, "有数据的年度：{% for 年 in 历年 %}{{ 年 }}、{% endfor %}共{{ 历年 | length }}个。")
    run = build(cli, workspace, "-f", "md")
    assert run.code == 0, run.err
    assert "有数据的年度：2021、2023、共2个。" in written(workspace, ".md")


def test_a_year_the_district_does_not_have_is_an_error_at_the_template_line(workspace, cli):
    append_to_narrative(workspace, "2019年参保{{ 历年[2019].参保.参保人数 }}。")
    run = build(cli, workspace, "-f", "md")
    assert run.code == 1, run.err
    line = line_of(workspace / NARRATIVE, "历年[2019]")
    assert f"{NARRATIVE}:{line}: 错误：模板用到的“历年[2019].参保.参保人数”：本地区没有“2019”年度的事实" in run.err, run.err
    assert "历年[2022]" in run.err  # says what may be written instead
    assert "Traceback" not in run.err
    assert written(workspace, ".md") == ""  # nothing half-right is written


def test_a_year_of_another_district_is_not_read(workspace, cli):
    # 裕安区 has 2020; 岳阳楼区 does not
    append_to_narrative(workspace, "{{ 历年[2020].自评.自评得分 }}")
    run = build(cli, workspace, "-f", "md")
    assert run.code == 1, run.err
    assert f"{NARRATIVE}:" in run.err and "本地区没有“2020”年度的事实" in run.err, run.err
    assert "101.85" not in run.err + run.out + written(workspace, ".md")


def test_a_draft_marks_a_missing_year_as_a_year_not_as_this_years_fact(workspace, cli):
    append_to_narrative(workspace, "2019年参保{{ 历年[2019].参保.参保人数 }}。")
    run = build(cli, workspace, "-f", "md", "--draft")
    assert run.code == 0, run.err
    assert "2019年参保【待填：历年\\[2019\\].参保.参保人数】。" in written(workspace, ".md")
