"""The year after: a half-filled year builds as a marked draft, a final build names every
missing fact at once, optional clauses drop out, and the earlier year's figures are compared."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from conftest import line_of, replace_in

from zongjie.templating.clauses import drop_clauses
from zongjie.templating.placeholders import DROP
from zongjie.templating.provenance import SourceTable

FACTS_2025 = "content/岳阳楼区/2025/facts.yaml"


def fill(facts: Path, key: str, value: str, indent: int = 2) -> None:
    """Type a figure after `key:` as a writer does, keeping the earlier year's comment."""
    replace_in(facts, f"{' ' * indent}{key}:  # 2023年：", f"{' ' * indent}{key}: {value}  # 2023年：")


def outputs(workspace: Path) -> dict[str, Path]:
    folder = workspace / "build/岳阳楼区/2025"
    return {path.suffix: path for path in folder.glob("*")} if folder.is_dir() else {}


def docx_text_and_highlights(path: Path) -> tuple[str, list[str]]:
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r>(.*?)</w:r>", xml, re.S)
    highlighted = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", run)) for run in runs if "w:highlight" in run]
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml)), highlighted


@pytest.fixture
def year_2025(workspace, cli) -> Path:
    run = cli("new", "岳阳楼区", "2025", "--from", "2023", cwd=workspace)
    assert run.code == 0, run.err
    assert "没有 2024 年度" in run.out  # the skipped year is named
    facts = workspace / FACTS_2025
    fill(facts, "统计截至", "2025-03-31")  # 参保.统计截至, the first one in the file
    fill(facts, "城乡居民缴费人数", "401236人")
    fill(facts, "人次", "61234人次", indent=4)  # 待遇.住院.人次
    return facts


def test_a_half_filled_year_drafts_then_refuses_then_builds_with_last_figures_compared(workspace, cli, year_2025):
    facts = year_2025
    # --draft: all three formats, every placeholder listed with its facts.yaml line
    draft = cli("build", "岳阳楼区", "2025", "--draft", cwd=workspace)
    assert draft.code == 0, draft.err
    files = outputs(workspace)
    assert set(files) == {".docx", ".html", ".md"} and all("（草稿）" in p.name for p in files.values())
    for key in ("参保.职工参保人数", "待遇.住院.总费用"):
        assert f"{FACTS_2025}:{line_of(facts, key.split('.')[-1] + ':')}: {key}（待填）" in draft.out
    assert "参保.参保率（可选" in draft.out
    markdown = files[".md"].read_text(encoding="utf-8")
    assert "职工医保参保【待填：参保.职工参保人数】" in markdown
    assert "住院总费用【待填：待遇.住院.总费用】" in markdown
    todo = markdown.partition("草稿待填事项")[2]  # the draft ends with its to-do list, for who only opens the file
    assert f"facts.yaml 第{line_of(facts, '职工参保人数:')}行：【待填：参保.职工参保人数】" in todo
    assert "【待填：参保.参保率】（可选）" in todo
    html = files[".html"].read_text(encoding="utf-8")
    assert re.search(r'<mark class="placeholder"[^>]*title="[^"]*facts.yaml:\d+[^"]*">【待填：参保.职工参保人数】</mark>', html)
    text, highlighted = docx_text_and_highlights(files[".docx"])
    assert "【待填：待遇.住院.总费用】" in highlighted and "【待填：" not in "".join(
        run for run in re.findall(r"【待填：[^】]*】", text) if run not in highlighted)
    assert "住院人次合计（待填：待遇.住院.职工.人次、待遇.住院.居民.人次）" in draft.out  # a rule waits, no error

    # a final build refuses, naming every missing required fact at once, and writes nothing
    final = cli("build", "岳阳楼区", "2025", cwd=workspace)
    assert final.code == 1
    for key in ("参保.职工参保人数", "待遇.住院.总费用"):
        assert f"{FACTS_2025}:{line_of(facts, key.split('.')[-1] + ':')}: 错误：事实“{key}”还没有填写" in final.err
    assert "参保.参保率" not in final.err  # optional: not an error
    assert not any("（草稿）" not in p.name for p in outputs(workspace).values())

    # the essentials filled: it builds, optional clauses left out, compared with 2023
    fill(facts, "职工参保人数", "40125人")
    fill(facts, "总费用", "44012.5万元", indent=4)
    final = cli("build", "岳阳楼区", "2025", cwd=workspace)
    assert final.code == 0, final.err
    markdown = outputs(workspace)[".md"].read_text(encoding="utf-8")
    assert "【待填" not in markdown and "参保率" not in markdown and "统筹基金支付" not in markdown
    assert "参保人数合计441361人（比2023年增加12163人），2025年度基本医疗保险参保缴费任务全面完成。" in markdown
    assert "全年住院结算61234人次，比2023年增长2.1%，住院总费用44012.5万元（比2023年增长2.8%）。" in markdown
    assert "同比" not in markdown and "上年" not in markdown  # 2024 is missing: never call 2023 last year
    docx_text, highlighted = docx_text_and_highlights(outputs(workspace)[".docx"])
    assert "比2023年增长2.1%" in docx_text and not highlighted


def test_check_prints_fill_progress_and_names_missing_facts(workspace, cli, year_2025):
    run = cli("check", "岳阳楼区", "2025", cwd=workspace)
    assert run.code == 1
    progress = re.search(r"填写进度：文档用到的事实 (\d+) 项，已填 (\d+) 项，待填 (\d+) 项（必填 (\d+) 项", run.out)
    assert progress, run.out
    total, filled, pending, required = map(int, progress.groups())
    assert total == filled + pending and required >= 2 and filled >= 3
    assert "一项都还没填的分组" in run.out and "医疗救助" in run.out
    assert "事实“待遇.住院.总费用”还没有填写" in run.err


def test_a_comparison_counted_to_another_date_is_left_out(workspace, cli, year_2025):
    facts = year_2025
    replace_in(facts, "统计截至: 2025-03-31", "统计截至: 2025-12-31")  # 2023 counted to 31 March
    fill(facts, "职工参保人数", "40125人")
    fill(facts, "总费用", "44012.5万元", indent=4)
    assert cli("build", "岳阳楼区", "2025", "-f", "md", cwd=workspace).code == 0
    markdown = outputs(workspace)[".md"].read_text(encoding="utf-8")
    assert "参保人数合计441361人，2025年度" in markdown  # no 增减 against a different date
    assert "比2023年增长2.1%" in markdown  # hospital figures have no 统计截至 on either side


def test_a_required_comparison_without_last_years_figure_fails_only_the_final_build(workspace, cli):
    partial = workspace / "templates/医保年度工作总结/章节/参保.md"
    replace_in(partial, '增减(上年.参保.参保人数, 前缀="比上年")', '增减(上年.参保.参保率X, 前缀="比上年", 必需=true)')
    final = cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace)
    assert final.code == 2 and "上年.参保.参保率X" in final.err  # 2022 absent: 上年 is not there
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "--draft", cwd=workspace).code == 0


def test_a_draft_never_replaces_the_final_document(workspace, cli):
    assert cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).code == 0
    final = next((workspace / "build/岳阳楼区/2023").glob("*.md"))
    before = final.read_bytes()
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "--draft", cwd=workspace).code == 0
    assert final.read_bytes() == before
    assert len(list((workspace / "build/岳阳楼区/2023").glob("*（草稿）.md"))) == 1


def test_a_long_titles_draft_and_review_copy_keep_their_marks_and_their_own_names(workspace, cli):
    """File names are cut to fit every file system; the cut takes the title, never the mark,
    or a draft of a long title would take (and replace) the final document's name."""
    long_title = "岳阳楼区医疗保障局关于" + "深化医疗保障制度改革推进" * 12 + "的年度工作总结"
    replace_in(workspace / "templates/医保年度工作总结/正文.md",
               "{% block 标题 %}{{ 单位名称 }}{{ 年度 }}年度工作总结{% endblock +%}",
               "{% block 标题 %}" + long_title + "{% endblock +%}")
    for flags in ([], ["--draft"], ["--review"]):
        assert cli("build", "岳阳楼区", "2023", "-f", "html", *flags, cwd=workspace).code == 0
    names = sorted(path.name for path in (workspace / "build/岳阳楼区/2023").glob("*.html"))
    assert len(names) == 3 and all(len(name.encode("utf-8")) <= 255 - 20 for name in names)
    assert [name for name in names if name.endswith("（草稿）.html")] and [n for n in names if n.endswith("（审阅稿）.html")]
    final = next(name for name in names if not name.endswith(("稿）.html",)))
    assert final.startswith("岳阳楼区医疗保障局关于深化")


def test_a_deleted_optional_line_is_dropped_even_from_the_draft(workspace, cli, year_2025):
    facts = year_2025
    text = facts.read_text(encoding="utf-8")
    facts.write_text(re.sub(r"\n  参保率:[^\n]*", "", text, count=1), encoding="utf-8")
    run = cli("build", "岳阳楼区", "2025", "-f", "md", "--draft", cwd=workspace)
    assert run.code == 0, run.err
    assert "参保率" not in outputs(workspace)[".md"].read_text(encoding="utf-8")
    assert "参保.参保率" not in run.out


# ---- the clause rule of | 可选 ------------------------------------------------------------------
def marked(text: str, table: SourceTable) -> str:
    """`<429198人>` written as a figure from a fact (as templates write facts), `~` as DROP."""
    from zongjie.inputs.facts import Fact
    from zongjie.location import Location
    from zongjie.numbers.parse import parse_value

    def figure(match: re.Match) -> str:
        written = match.group(1)
        return table.mark(written, (Fact("甲.乙", parse_value(written), written, Location(Path("f"), 1)),))

    return re.sub(r"<([^>]*)>", figure, text).replace("~", DROP)


@pytest.mark.parametrize(("written", "reads"), [
    ("参保人数合计<429198人>（比上年~），参保率~（~），\n<2025>年度任务全面完成。",
     "参保人数合计429198人，\n2025年度任务全面完成。"),
    ("组建~日常监管小组，对全区<505家>定点医药机构开展检查。", "对全区505家定点医药机构开展检查。"),
    ("全区基金监管覆盖率达到~。下一句<1个>。", "下一句1个。"),
    ("其中医院~、药店<365家>、诊所~，并完成评估。", "其中药店365家，并完成评估。"),
    ("签订服务协议（含南湖新区~），其中医院<46家>。", "签订服务协议，其中医院46家。"),
    ("全年完成<18631人次>，为任务（<13500人次>）的~。", "全年完成18631人次。"),
    ("对~首批机构开展检查，发现~问题，全部拒付。下一句<1个>。", "下一句1个。"),  # no figure left: no lead-in left
    ("~", ""),
])
def test_a_missing_optional_figure_takes_its_clause_and_no_more(written, reads):
    from zongjie.templating.provenance import strip_markers

    table = SourceTable()
    assert strip_markers(drop_clauses(marked(written, table), table)) == reads


def test_a_sentence_left_with_only_a_date_goes_too():
    table = SourceTable()
    from zongjie.inputs.facts import Fact
    from zongjie.location import Location
    from zongjie.numbers.parse import parse_value

    date = table.mark("截至11月底", (Fact("救助.统计截至", parse_value("2023-11-30"), "2023-11-30", Location(Path("f"), 1)),))
    figure = table.mark("12446人", (Fact("救助.资助参保人数", parse_value("12446人"), "12446人", Location(Path("f"), 2)),))
    assert drop_clauses(f"{date}，资助参保{DROP}，资助资金{DROP}。下一句。", table) == "下一句。"
    kept = drop_clauses(f"{date}，资助参保{figure}，资助资金{DROP}。", table)
    assert kept == f"{date}，资助参保{figure}。"


def test_headings_tables_and_front_matter_only_lose_the_marker():
    markdown = f"---\n标题: 甲{DROP}\n---\n\n# 标题{DROP}\n\n| 项目 | 金额 |\n|---|---|\n| 甲 | {DROP} |\n"
    assert drop_clauses(markdown, SourceTable()) == markdown  # strip_markers removes it when read


def _keys_marked(skeleton: Path, mark: str) -> set[str]:
    """Dotted keys of the template's facts skeleton whose comment carries `mark`."""
    keys, stack = set(), []
    for line in skeleton.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^( *)([^\s#:][^:]*):", line)
        if not match:
            continue
        indent = len(match.group(1))
        stack = [(depth, key) for depth, key in stack if depth < indent] + [(indent, match.group(2))]
        if mark in line.partition("#")[2]:
            keys.add(".".join(key for _, key in stack))
    return keys


def test_the_skeleton_says_truly_which_figures_the_standard_template_needs(workspace, cli):
    """Fill exactly the figures the skeleton marks 必填 (from 2023): the final build succeeds,
    with every optional clause left out and no placeholder; leave one out and it is named."""
    skeleton = workspace / "templates/医保年度工作总结/facts.yaml"
    required = _keys_marked(skeleton, "（必填")
    assert {"参保.城乡居民缴费人数", "待遇.住院.人次", "医疗救助.资助参保人数"} <= required
    assert "参保.参保率" in _keys_marked(skeleton, "（可选）")
    assert cli("new", "岳阳楼区", "2024", cwd=workspace).code == 0
    facts = workspace / "content/岳阳楼区/2024/facts.yaml"
    lines, stack = [], []
    for line in facts.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^( *)([^\s#:][^:]*):  # 2023年：([^；]*)", line)
        if match:
            indent = len(match.group(1))
            stack = [(depth, key) for depth, key in stack if depth < indent]
            if ".".join([key for _, key in stack] + [match.group(2)]) in required:
                line = f"{match.group(1)}{match.group(2)}: {match.group(3)}"
        header = re.match(r"^( *)([^\s#:][^:]*):", line)
        if header:
            indent = len(header.group(1))
            stack = [(depth, key) for depth, key in stack if depth < indent] + [(indent, header.group(2))]
        lines.append(line)
    facts.write_text("\n".join(lines), encoding="utf-8")
    run = cli("build", "岳阳楼区", "2024", "-f", "md", cwd=workspace)
    assert run.code == 0, run.err
    markdown = next((workspace / "build/岳阳楼区/2024").glob("*.md")).read_text(encoding="utf-8")
    assert "【待填" not in markdown and "参保率" not in markdown and "（）" not in markdown
    assert "资助特殊人员参保12446人，同比" not in markdown  # no comparison with itself missing a side
    replace_in(facts, "  职工参保人数: 39310人", "  职工参保人数:")
    run = cli("build", "岳阳楼区", "2024", "-f", "md", cwd=workspace)
    assert run.code == 1 and "事实“参保.职工参保人数”还没有填写" in run.err


def test_a_comparison_with_a_count_date_on_one_side_only_is_left_out(workspace, cli, year_2025):
    facts = year_2025
    replace_in(facts, "统计截至: 2025-03-31", "统计截至:")  # 2023 says 31 March; 2025 says nothing
    fill(facts, "职工参保人数", "40125人")
    fill(facts, "总费用", "44012.5万元", indent=4)
    assert cli("build", "岳阳楼区", "2025", "-f", "md", cwd=workspace).code == 0
    markdown = outputs(workspace)[".md"].read_text(encoding="utf-8")
    assert "全区城乡居民医保缴费401236人" in markdown and "参保人数合计441361人，" in markdown


def test_the_live_preview_shows_a_half_filled_year_with_placeholders(workspace, year_2025):
    from zongjie.document.model import FactSpan
    from zongjie.document.walk import iter_inlines
    from zongjie.inputs.workspace import Workspace
    from zongjie.preview.documents import rebuild

    ws = Workspace.open(workspace)
    preview = rebuild(ws, ws.district_year("岳阳楼区", "2025"))
    assert not preview.error, preview.error
    spans = [inline for inline in iter_inlines(preview.document.blocks)
             if isinstance(inline, FactSpan) and inline.placeholder]
    assert "【待填：参保.职工参保人数】" in {span.text for span in spans}
    assert any(finding.code == "fill-progress" for finding in preview.findings)


def test_a_loop_over_a_group_with_nothing_filled_is_listed_not_a_crash(workspace, cli, year_2025):
    opening = workspace / "templates/医保年度工作总结/章节/开头.md"
    opening.write_text(opening.read_text(encoding="utf-8") + "\n{% for 键, 项 in 计划.items() %}{{ 项 }}{% endfor %}\n",
                       encoding="utf-8")
    draft = cli("build", "岳阳楼区", "2025", "-f", "md", "--draft", cwd=workspace)
    assert draft.code == 0, draft.err
    assert f"{FACTS_2025}:{line_of(year_2025, '计划:')}: 计划（待填）" in draft.out
    final = cli("build", "岳阳楼区", "2025", "-f", "md", cwd=workspace)
    assert final.code == 1 and "事实“计划”还没有填写" in final.err


def test_new_year_empties_lists_and_names_the_year_of_every_comment(workspace, cli):
    facts_2023 = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts_2023, "成文日期: 2023-12-20", "成文日期: 2023-12-20\n附件:\n  - 2023年医保基金收支表\n  - 参保明细")
    run = cli("new", "岳阳楼区", "2025", cwd=workspace)  # --from left out: the latest earlier year, 2023
    assert run.code == 0, run.err
    assert "没有 2024 年度" in run.out and "比2023年" in run.out
    text = (workspace / FACTS_2025).read_text(encoding="utf-8")
    assert "附件:  # 2023年（列表，见下面的注释）：\n  # - 2023年医保基金收支表\n  # - 参保明细" in text
    assert "  参保率:  # 2023年：96.19%" in text and "上年：" not in text
    fill(workspace / FACTS_2025, "城乡居民缴费人数", "401236人")
    draft = cli("build", "岳阳楼区", "2025", "-f", "md", "--draft", cwd=workspace)
    assert draft.code == 0, draft.err  # still valid YAML; last year's attachments are not this year's
    assert "2023年医保基金收支表" not in next((workspace / "build/岳阳楼区/2025").glob("*.md")).read_text(encoding="utf-8")
