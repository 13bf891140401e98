"""The review loop in Word: clean copies carry no internal keys or paths; the review copy
carries a comment on every figure; `zongjie diff` finds what people changed in Word."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import replace_in
from word_edits import WordEdit

REPORT = "岳阳楼区医疗保障局2023年度工作总结"


def build(cli, workspace: Path, *extra: str) -> Path:
    out = workspace / "build"
    run = cli("build", "--out", str(out), "--force", *extra, cwd=workspace)
    assert run.code == 0, run.err
    return out


def all_text(path: Path) -> str:
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return path.read_text(encoding="utf-8")


def fact_keys(workspace: Path) -> set[str]:
    from zongjie.inputs.facts import load_facts

    keys = set()
    for facts in (workspace / "content").glob("*/*/facts.yaml"):
        keys |= {key for key in load_facts(facts).index if "." in key}  # dotted keys cannot be ordinary words
    return keys


# ---- clean copy ---------------------------------------------------------------------------------
def test_published_outputs_carry_no_keys_paths_or_lines(cli, workspace):
    out = build(cli, workspace)
    outputs = [p for p in out.rglob("*") if p.suffix in (".docx", ".html", ".md") and ".zongjie" not in p.parts]
    assert len(outputs) == 9
    keys = fact_keys(workspace)
    for path in outputs:
        text = all_text(path)
        assert "facts.yaml" not in text, path
        assert "content/" not in text, path
        assert "data-fact" not in text and "title=" not in text, path
        leaked = [key for key in keys if key in text]
        assert not leaked, (path, leaked[:5])


# ---- review copy --------------------------------------------------------------------------------
def test_review_copy_has_a_comment_on_every_figure(cli, workspace):
    import docx

    out = build(cli, workspace, "岳阳楼区", "2023", "--review")
    folder = out / "岳阳楼区/2023"
    assert sorted(p.name for p in folder.iterdir()) == [f"{REPORT}（审阅稿）.docx", f"{REPORT}（审阅稿）.html"]
    document = docx.Document(str(folder / f"{REPORT}（审阅稿）.docx"))
    comments = [comment.text for comment in document.comments]
    total = next(text for text in comments if "参保 › 参保人数\n" in text)
    facts = (workspace / "content/岳阳楼区/2023/facts.yaml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(facts, 1) if text.strip().startswith("参保人数:"))
    assert f"content/岳阳楼区/2023/facts.yaml 第 {line} 行" in total
    assert "“参保人数合计”相符" in total
    # every figure of the body is commented: the paragraph with the insured totals has its four
    body = next(p for p in document.paragraphs if "参保人数合计" in p.text)
    ranges = body._p.findall(".//{http://schemas.openxmlformats.org/wordprocessingml/2006/main}commentRangeStart")
    assert len(ranges) >= 4
    # every page says it is not for publishing (odd and even pages have their own headers)
    section = document.sections[0]
    assert section.header.paragraphs[0].text.startswith("审阅稿")
    assert section.even_page_header.paragraphs[0].text.startswith("审阅稿")


def test_review_copy_puts_failed_checks_at_their_figures(cli, workspace):
    import docx

    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("职工参保人数: 39310人", "职工参保人数: 39311人"),
                     encoding="utf-8")
    out = workspace / "build"
    run = cli("build", "岳阳楼区", "2023", "--review", "--out", str(out), cwd=workspace)
    assert run.code == 1  # the checks failed, the review copy is written anyway
    folder = out / "岳阳楼区/2023"
    comments = [c.text for c in docx.Document(str(folder / f"{REPORT}（审阅稿）.docx")).comments]
    assert any(text.startswith("校验错误") and "参保人数" in text for text in comments)
    assert any("“参保人数合计”错误" in text for text in comments)
    document = docx.Document(str(folder / f"{REPORT}（审阅稿）.docx"))
    highlighted = [run.text for p in document.paragraphs for run in p.runs if run.font.highlight_color is not None]
    assert "39311人" in highlighted and "389888人" in highlighted and "96.19%" not in highlighted
    html = (folder / f"{REPORT}（审阅稿）.html").read_text(encoding="utf-8")
    failing = re.findall(r'<span class="fact fails" tabindex="0">([^<]*)<', html)
    assert "39311人" in failing and "429198人" in failing
    assert "审阅稿，请勿发布" in html and "<script>" in html  # notes open on tap, not only on hover


# ---- diff ---------------------------------------------------------------------------------------
def edited_like_word(clean_docx: Path) -> bytes:
    edit = WordEdit(clean_docx.read_bytes())
    edit.tracked_replace("429198", "429200", context="参保人数合计")
    edit.accepted_replace("确保基金安全", "守住基金安全底线")
    edit.comment("推广线上办理渠道", "线上渠道请写具体些")
    edit.split("把定点医疗机构作为宣传阵地")
    edit.restyle("推动二级及以上定点医疗机构", "Heading3")
    return edit.to_bytes()


def diff_json(cli, workspace: Path, edited: Path):
    run = cli("diff", "岳阳楼区", "2023", str(edited), "--format", "json", cwd=workspace)
    return run.code, json.loads(run.out)


def assert_finds_exactly_the_edits(code: int, report: dict, workspace: Path) -> None:
    assert code == 1
    facts = (workspace / "content/岳阳楼区/2023/facts.yaml").read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(facts, 1) if text.strip().startswith("参保人数:"))
    [figure] = report["figures"]
    assert figure["keys"] == ["参保.参保人数"]
    assert figure["built"] == "429198人" and figure["edited"] == "429200人"
    assert figure["sources"] == [f"content/岳阳楼区/2023/facts.yaml 第 {line} 行"]
    assert figure["breaks_rule"] is True and any("参保人数合计" in text for text in figure["checks"])
    [prose] = report["paragraphs"]
    assert prose["kind"] == "narrative" and prose["applicable"]
    assert prose["origin"]["file"] == "content/岳阳楼区/2023/工作打算.md" and prose["origin"]["lines"] == [9, 9]
    assert "[-确保-]" in prose["diff"] and "{+守住+}" in prose["diff"]
    [split] = report["structure"]
    assert split["kind"] == "split" and len(split["new"]) == 2 and split["new"][1].startswith("把定点医疗机构")
    [style] = report["styles"]
    assert style["text"].startswith("推动二级及以上") and style["built"] != style["edited"]
    [comment] = report["comments"]
    assert comment["author"] == "张局长" and comment["text"] == "线上渠道请写具体些"
    assert comment["anchor"] == "推广线上办理渠道"


@pytest.mark.parametrize("copy", ["正式稿", "审阅稿"])
def test_diff_finds_exactly_the_word_edits(cli, workspace, copy):
    review = copy == "审阅稿"
    out = build(cli, workspace, "岳阳楼区", "2023", *(["--review"] if review else []))
    edited = workspace / "编辑后.docx"
    edited.write_bytes(edited_like_word(out / f"岳阳楼区/2023/{REPORT}{'（审阅稿）' if review else ''}.docx"))
    code, report = diff_json(cli, workspace, edited)
    assert_finds_exactly_the_edits(code, report, workspace)
    assert report["pending_tracked_changes"] > 0


def test_diff_of_an_unedited_copy_is_clean(cli, workspace):
    out = build(cli, workspace, "岳阳楼区", "2023")
    for name in (f"{REPORT}.docx",):
        run = cli("diff", "岳阳楼区", "2023", str(out / "岳阳楼区/2023" / name), cwd=workspace)
        assert run.code == 0, run.out
        assert "一致" in run.out
    build(cli, workspace, "岳阳楼区", "2023", "--review")
    run = cli("diff", "岳阳楼区", "2023", str(out / f"岳阳楼区/2023/{REPORT}（审阅稿）.docx"), cwd=workspace)
    assert run.code == 0 and "一致" in run.out  # zongjie's own comments are not reviewers' comments


def test_diff_of_a_merged_paragraph_pending_in_word(cli, workspace):
    """A deleted paragraph mark (two paragraphs joined with change tracking on)."""
    from lxml import etree

    out = build(cli, workspace, "岳阳楼区", "2023")
    edit = WordEdit((out / f"岳阳楼区/2023/{REPORT}.docx").read_bytes())
    first = edit.paragraph("推广线上办理渠道")
    properties = first.find(f"{{{edit.document.nsmap['w']}}}pPr")
    if properties is None:
        properties = etree.SubElement(first, "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}pPr")
        first.insert(0, properties)
    mark = etree.SubElement(properties, "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}rPr")
    deleted = etree.SubElement(mark, "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}del")
    deleted.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}id", "1")
    deleted.set("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}author", "办公室")
    edited = workspace / "合并.docx"
    edited.write_bytes(edit.to_bytes())
    code, report = diff_json(cli, workspace, edited)
    assert code == 0
    [merged] = report["structure"]
    assert merged["kind"] == "merged" and len(merged["old"]) == 2 and len(merged["new"]) == 1


def test_diff_names_the_section_of_text_added_in_a_template_part(cli, workspace):
    out = build(cli, workspace, "岳阳楼区", "2023")
    edit = WordEdit((out / f"岳阳楼区/2023/{REPORT}.docx").read_bytes())
    edit.insert_after("参保缴费任务全面完成", "全区参保工作获市政府通报表扬。")
    edited = workspace / "新增.docx"
    edited.write_bytes(edit.to_bytes())
    code, report = diff_json(cli, workspace, edited)
    assert code == 0 and report["figures"] == []
    [added] = report["paragraphs"]
    assert added["kind"] == "added" and added["new"] == ["全区参保工作获市政府通报表扬。"]
    assert added["section"] == "2023年度工作完成情况" and not added["applicable"]
    text = cli("diff", "岳阳楼区", "2023", str(edited), cwd=workspace).out
    assert "新增文字 [2023年度工作完成情况]" in text


def test_apply_writes_prose_back_and_never_figures(cli, workspace):
    out = build(cli, workspace, "岳阳楼区", "2023")
    edited = workspace / "编辑后.docx"
    edited.write_bytes(edited_like_word(out / f"岳阳楼区/2023/{REPORT}.docx"))
    plan = workspace / "content/岳阳楼区/2023/工作打算.md"
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    before_plan, before_facts = plan.read_bytes(), facts.read_bytes()
    shown = cli("diff", "岳阳楼区", "2023", str(edited), "--apply", cwd=workspace)
    assert "守住基金安全底线" in shown.out and "未写入" in shown.out  # shows first, writes nothing unasked
    assert plan.read_bytes() == before_plan
    done = cli("diff", "岳阳楼区", "2023", str(edited), "--apply", "--yes", cwd=workspace)
    assert done.code == 1  # the figure still differs
    text = plan.read_text(encoding="utf-8")
    assert "自查自纠中发现的问题限期整改到位，守住基金安全底线。" in text
    restored = text.replace("守住基金安全底线", "确保基金安全").replace("宣传点，\n\n把", "宣传点，把")
    assert restored.encode("utf-8") == before_plan  # nothing else changed
    assert facts.read_bytes() == before_facts
    # the split paragraph was written back too: it was a narrative paragraph without template syntax
    assert "设立宣传点，\n\n把定点医疗机构作为宣传阵地" in text
    again = cli("diff", "岳阳楼区", "2023", str(edited), "--format", "json", cwd=workspace)
    report = json.loads(again.out)
    assert report["paragraphs"] == [] and report["structure"] == [] and len(report["figures"]) == 1


def test_apply_keeps_a_windows_narratives_bom_and_line_endings(cli, workspace):
    plan = workspace / "content/岳阳楼区/2023/工作打算.md"
    windows = b"\xef\xbb\xbf" + plan.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8")
    plan.write_bytes(windows)
    out = build(cli, workspace, "岳阳楼区", "2023")
    edited = workspace / "编辑后.docx"
    edit = WordEdit((out / f"岳阳楼区/2023/{REPORT}.docx").read_bytes())
    edit.accepted_replace("确保基金安全", "守住基金安全底线")
    edited.write_bytes(edit.to_bytes())
    cli("diff", "岳阳楼区", "2023", str(edited), "--apply", "--yes", cwd=workspace)
    data = plan.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\n") == data.count(b"\r\n")
    assert data.replace("守住基金安全底线".encode(), "确保基金安全".encode()) == windows  # only the edit


def test_review_notes_name_a_spreadsheet_cell(tmp_path):
    from zongjie.location import Location
    from zongjie.review.notes import source_place

    (tmp_path / "数据").mkdir()
    assert source_place(Location(tmp_path / "数据/基金.xlsx", 7, 3), tmp_path) == "表格 数据/基金.xlsx 单元格 C7"
    assert source_place(Location(tmp_path / "facts.yaml", 12), tmp_path) == "facts.yaml 第 12 行"
    assert source_place(Location(tmp_path / "数据"), tmp_path) == "文件夹名 数据"


def test_diff_refuses_what_is_not_a_docx(cli, workspace):
    fake = workspace / "编辑后.docx"
    fake.write_text("这不是 Word 文档", encoding="utf-8")
    run = cli("diff", "岳阳楼区", "2023", str(fake), cwd=workspace)
    assert run.code == 2 and "另存为" in run.err and "Traceback" not in run.err
    run = cli("diff", "岳阳楼区", "2023", str(workspace / "没有这个.docx"), cwd=workspace)
    assert run.code == 2 and "找不到" in run.err


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装：跳过经 LibreOffice 另存的往返测试")
def test_diff_after_saving_through_libreoffice(cli, workspace, tmp_path):
    out = build(cli, workspace, "岳阳楼区", "2023")
    source = tmp_path / "lo" / "编辑后.docx"
    source.parent.mkdir()
    source.write_bytes(edited_like_word(out / f"岳阳楼区/2023/{REPORT}.docx"))
    saved = tmp_path / "saved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "docx", "--outdir", str(saved), str(source)],
                   check=True, capture_output=True, timeout=240)
    code, report = diff_json(cli, workspace, saved / "编辑后.docx")
    assert_finds_exactly_the_edits(code, report, workspace)


def test_review_copy_asked_as_pdf_says_which_formats_it_has(cli, workspace):
    run = cli("build", "岳阳楼区", "2023", "--review", "--format", "pdf", cwd=workspace)
    assert run.code == 0, run.err
    assert "审阅稿只有 DOCX 和 HTML，不生成 pdf" in run.err
    assert not list((workspace / "build/岳阳楼区/2023").glob("*.pdf"))


def test_review_notes_tell_last_years_figure_from_this_years(workspace):
    """A figure from 上年 or 历年 carries the verdict of the rules about *that* figure, never
    this year's verdict about the figure of the same name."""
    from zongjie.checks.run import check
    from zongjie.document.model import FactSpan
    from zongjie.document.sourceref import SourceRef
    from zongjie.inputs.facts import load_facts
    from zongjie.inputs.loading import load
    from zongjie.inputs.workspace import Workspace
    from zongjie.review.notes import ReviewNotes

    district = workspace / "content/岳阳楼区"
    for year in ("2021", "2022"):  # earlier years, as written: consistent
        (district / year).mkdir()
        shutil.copy(district / "2023/facts.yaml", district / year / "facts.yaml")
    replace_in(district / "2023/facts.yaml", "城乡居民缴费人数: 389888人", "城乡居民缴费人数: 389988人")  # 2023's sum fails
    ws = Workspace.open(workspace)
    loaded = load(ws, ws.district_year("岳阳楼区", "2023"))
    notes = ReviewNotes(loaded.facts, loaded.rules, check(loaded), ws.root, loaded.previous)

    def span(fact):
        return FactSpan(fact.written, SourceRef.of((fact,)))

    key = "参保.城乡居民缴费人数"
    this_year, last_year = loaded.facts.get(key), loaded.previous.get(key)
    earlier = load_facts(district / "2021/facts.yaml").get(key)
    assert notes.fails(span(this_year)) and notes.findings_for(span(this_year))
    assert not notes.fails(span(last_year)) and not notes.findings_for(span(last_year))
    assert "错误" in notes.note(span(this_year))
    assert "错误" not in notes.note(span(last_year)) and "2022/facts.yaml" in notes.note(span(last_year))
    assert not notes.fails(span(earlier))
    assert "这是 2021 年度的数字" in notes.note(span(earlier)) and "错误" not in notes.note(span(earlier))


def test_diff_checks_an_edited_figure_against_the_rules_of_its_own_year(workspace):
    """Editing last year's (or an earlier year's) figure in Word never stands in for this
    year's figure of the same name when diff re-runs the rules."""
    from zongjie.document.model import FactSpan
    from zongjie.document.sourceref import SourceRef
    from zongjie.inputs.facts import load_facts
    from zongjie.inputs.loading import load
    from zongjie.inputs.workspace import Workspace
    from zongjie.review.figure_check import FigureChecker

    district = workspace / "content/岳阳楼区"
    for year in ("2021", "2022"):
        (district / year).mkdir()
        shutil.copy(district / "2023/facts.yaml", district / year / "facts.yaml")
    replace_in(district / "2023/facts.yaml", "城乡居民缴费人数: 389888人", "城乡居民缴费人数: 389988人")
    ws = Workspace.open(workspace)
    loaded = load(ws, ws.district_year("岳阳楼区", "2023"))
    checker = FigureChecker(ws, loaded)
    key = "参保.城乡居民缴费人数"

    def span(fact):
        return FactSpan(fact.written, SourceRef.of((fact,)))

    mended, messages = checker(span(loaded.facts.get(key)), "389888人")  # this year's, set right
    assert mended is False and any("仍然相符" in m for m in messages), messages
    _, messages = checker(span(loaded.previous.get(key)), "389888人")  # last year's: this year's sum untouched
    assert not any("仍然相符" in m or "会违反" in m for m in messages if "上年" not in m), messages
    _, messages = checker(span(load_facts(district / "2021/facts.yaml").get(key)), "1人")
    assert messages and "这是 2021 年度的数字" in messages[0] and "2021/facts.yaml" in messages[0]
