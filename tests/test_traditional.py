"""Traditional output (zh_Hant_TW / zh_Hant_HK) as a Taiwan or Hong Kong writer uses it, and a
workspace written in either script."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from conftest import line_of, replace_in

LOCALES = ("zh_Hant_TW", "zh_Hant_HK")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def set_locale(workspace, locale: str) -> None:
    replace_in(workspace / "config.yaml", "locale: zh_CN", f"locale: {locale}")


def built(workspace, suffix: str, district: str = "岳阳楼区", year: str = "2023"):
    folder = workspace / "build" / district / year
    return next(path for path in folder.iterdir() if path.suffix == suffix)


def docx_part(path, name: str) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def add_to_narrative(workspace, text: str) -> None:
    path = workspace / "content/岳阳楼区/2023/特色亮点.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


# ---- every example, both locales ---------------------------------------------------------------
@pytest.mark.parametrize("locale", LOCALES)
def test_every_example_checks_and_builds_in_traditional(workspace, cli, locale):
    set_locale(workspace, locale)
    checked = cli("check", cwd=workspace)
    assert checked.code == 0, checked.out + checked.err
    run = cli("build", "--force", cwd=workspace)
    assert run.code == 0, run.out + run.err
    for district in ("岳阳楼区", "裕安区", "奉化区"):
        year = next((workspace / "build" / district).iterdir()).name
        markdown = built(workspace, ".md", district, year).read_text(encoding="utf-8")
        assert "醫療保障局" in markdown and "医疗保障局" not in markdown
        assert built(workspace, ".docx", district, year).stat().st_size > 0


def test_required_sections_written_in_traditional_match_the_simplified_headings(workspace, cli):
    replace_in(workspace / "templates/医保年度工作总结/template.yaml",
               "required_sections: [年度工作完成情况]", "required_sections: [年度工作完成情況]")
    assert cli("check", "岳阳楼区", cwd=workspace).code == 0
    # and a section that really is missing is still an error
    replace_in(workspace / "templates/医保年度工作总结/template.yaml",
               "required_sections: [年度工作完成情況]", "required_sections: [年度工作完成情況, 國際合作]")
    run = cli("check", "岳阳楼区", cwd=workspace)
    assert run.code == 1 and "國際合作" in run.err


# ---- fact keys in either script ------------------------------------------------------------------
def test_traditional_fact_keys_work_against_the_simplified_template(workspace, cli):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    before = cli("check", "岳阳楼区", cwd=workspace).out
    replace_in(facts, "\n医疗救助:", "\n醫療救助:")
    replace_in(facts, "核工业救助: {人次: 8人次", "核工業救助: {人次: 8人次")
    replace_in(facts, "  完成人次: 18631人次", "  完成人次: 18631人次")
    after = cli("check", "岳阳楼区", cwd=workspace)
    assert after.code == 0, after.err
    relations = re.search(r"校验 (\d+) 条关系", before).group(1)
    assert f"校验 {relations} 条关系" in after.out  # the 医疗救助 rules still ran
    run = cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace)
    assert run.code == 0, run.err
    text = built(workspace, ".md").read_text(encoding="utf-8")
    assert "医疗救助" in text and "核工业医疗救助8人次" in text and "18631人次" in text


def test_two_keys_equal_after_conversion_are_an_error_naming_both_lines(workspace, cli):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    # a Simplified and a Traditional spelling of one key in one group
    replace_in(facts, "  资助参保人数: 12446人", "  资助参保人数: 12446人\n  資助參保人數: 12000人")
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    first, second = line_of(facts, "资助参保人数"), line_of(facts, "資助參保人數")
    assert f"facts.yaml:{second}" in run.err and f"第 {first} 行" in run.err
    assert "资助参保人数" in run.err and "資助參保人數" in run.err
    assert not (workspace / "build" / "岳阳楼区").exists()


def test_a_traditional_template_reads_simplified_facts(workspace, cli):
    set_locale(workspace, "zh_Hant_TW")
    add_to_narrative(workspace, "救助資金{{ 醫療救助.資助參保資金 }}，地區為{{ 地區 }}；"
                                "合計{{ 合計(醫療救助.門診救助.資金, 醫療救助.再救助.金額) | 萬元 }}，"
                                "{{ 醫療救助.兜底保障.人數 | 中文數字 }}，{{ 醫療救助.資助參保資金 | 萬元(小數=1) }}，"
                                "{{ 醫療救助[\"再救助\"].人數 }}。")
    run = cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace)
    assert run.code == 0, run.err
    text = built(workspace, ".md").read_text(encoding="utf-8")
    assert "救助資金278.75萬元，地區為岳陽樓區；合計65.19萬元，六，278.8萬元，4人。" in text
    assert cli("check", "岳阳楼区", cwd=workspace).code == 0


# ---- words ----------------------------------------------------------------------------------------
def test_the_example_phrase_list_keeps_a_place_name_in_its_proper_form(workspace, cli):
    assert "腾冲: 騰沖" in (workspace / "config.yaml").read_text(encoding="utf-8")
    set_locale(workspace, "zh_Hant_TW")
    add_to_narrative(workspace, "赴腾冲市学习异地就医直接结算经验。")
    run = cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace)
    assert run.code == 0, run.err
    text = built(workspace, ".md").read_text(encoding="utf-8")
    assert "赴騰沖市學習異地就醫直接結算經驗" in text and "騰衝" not in text


def test_without_the_phrase_opencc_would_have_written_it_wrongly():
    from zongjie.script import text_converter

    assert text_converter("zh_Hant_TW")("腾冲") == "騰衝"
    assert text_converter("zh_Hant_TW", (("腾冲", "騰沖"),))("腾冲市医院") == "騰沖市醫院"


def test_a_phrase_key_written_in_traditional_still_matches(workspace, cli):
    set_locale(workspace, "zh_Hant_HK")
    replace_in(workspace / "config.yaml", "  腾冲: 騰沖", "  騰沖: 騰沖")
    add_to_narrative(workspace, "赴腾冲市学习。")
    assert cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace).code == 0
    assert "赴騰沖市學習" in built(workspace, ".md").read_text(encoding="utf-8")


@pytest.mark.parametrize("locale, two", [("zh_CN", "两"), ("zh_Hant_TW", "兩"), ("zh_Hant_HK", "兩")])
def test_two_counting_a_measure_word_is_liang_and_a_digit_stays_er(workspace, cli, locale, two):
    if locale != "zh_CN":
        set_locale(workspace, locale)
    add_to_narrative(
        workspace,
        "新增住院定点{{ 待遇.协议管理.新增.住院业务 | 中文数字 }}家，"
        "特殊病种{{ 待遇.协议管理.新增.特殊病种门诊 | 中文数字 }}家；"
        "措施之{{ 待遇.协议管理.新增.住院业务 | 中文数字 }}：{{ 待遇.协议管理.新增.住院业务 | 列举 }}加强协议管理。",
    )
    run = cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace)
    assert run.code == 0, run.err
    text = built(workspace, ".md").read_text(encoding="utf-8")
    assert f"新增住院定點{two}家" in text or f"新增住院定点{two}家" in text
    assert "八家" in text
    assert "之二：二是" in text


def test_taiwan_writes_the_daxie_three_as_can():
    from decimal import Decimal

    from zongjie.numbers.chinese import daxie
    from zongjie.script import text_converter

    amount = daxie(Decimal("3333.30"))
    assert text_converter("zh_Hant_TW")(amount) == "參仟參佰參拾參元參角"
    assert text_converter("zh_Hant_HK")(amount) == "叁仟叁佰叁拾叁元叁角"


def test_traditional_quotes_are_corner_brackets(workspace, cli):
    set_locale(workspace, "zh_Hant_TW")
    add_to_narrative(workspace, "打造“医保十五分钟服务圈”。")
    assert cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace).code == 0
    assert "打造「醫保十五分鐘服務圈」" in built(workspace, ".md").read_text(encoding="utf-8")


# ---- DOCX and HTML --------------------------------------------------------------------------------
@pytest.mark.parametrize("locale, lang, body_font", [
    ("zh_CN", "zh-CN", "仿宋_GB2312"), ("zh_Hant_TW", "zh-TW", "標楷體"), ("zh_Hant_HK", "zh-HK", "新細明體"),
])
def test_docx_language_and_fonts_follow_the_locale(workspace, cli, locale, lang, body_font):
    if locale != "zh_CN":
        set_locale(workspace, locale)
    assert cli("build", "岳阳楼区", "2023", "--format", "docx", cwd=workspace).code == 0
    path = built(workspace, ".docx")
    from docx import Document as open_docx

    document = open_docx(io.BytesIO(path.read_bytes()))
    normal = document.styles["Normal"].element.rPr.rFonts
    assert normal.get(f"{W}eastAsia") == body_font
    defaults = document.styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(f"{W}rPr")
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == lang
    assert re.search(rf'<w:themeFontLang [^>]*w:eastAsia="{lang}"', docx_part(path, "word/settings.xml"))
    table = docx_part(path, "word/fontTable.xml")  # how Word/WPS substitutes a missing font
    charset = "86" if locale == "zh_CN" else "88"  # GB2312 / Big5
    assert re.search(rf'<w:font w:name="{body_font}"><w:altName w:val="[^"]+"/><w:charset w:val="{charset}"/>', table)
    styles = docx_part(path, "word/styles.xml") + docx_part(path, "word/numbering.xml")
    if locale != "zh_CN":
        for official in ("仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"):
            assert f'"{official}"' not in styles  # no font that lacks the Traditional characters
        assert "微軟正黑體" in styles


def test_configured_fonts_win_over_the_locale_defaults(workspace, cli):
    set_locale(workspace, "zh_Hant_HK")
    replace_in(workspace / "config.yaml", "# fonts:\n#   正文: 標楷體", "fonts:\n  正文: 細明體_HKSCS\n  一級標題: 華康黑體")
    assert cli("build", "岳阳楼区", "2023", "--format", "docx,html", cwd=workspace).code == 0
    styles = docx_part(built(workspace, ".docx"), "word/styles.xml")
    assert "細明體_HKSCS" in styles and "華康黑體" in styles and "新細明體" in styles  # 页码 keeps its default
    html = built(workspace, ".html").read_text(encoding="utf-8")
    assert re.search(r'--fangsong: "細明體_HKSCS"', html) and re.search(r'--heiti: "華康黑體"', html)


def test_an_unknown_font_role_names_its_line(workspace, cli):
    replace_in(workspace / "config.yaml", "# fonts:\n#   正文: 標楷體", "fonts:\n  正文字体: 標楷體")
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert f"config.yaml:{line_of(workspace / 'config.yaml', '正文字体')}" in run.err and "一级标题" in run.err


def test_html_uses_a_traditional_font_stack(workspace, cli):
    set_locale(workspace, "zh_Hant_TW")
    assert cli("build", "岳阳楼区", "2023", "--format", "html", cwd=workspace).code == 0
    html = built(workspace, ".html").read_text(encoding="utf-8")
    assert '<html lang="zh-TW">' in html
    assert re.search(r'--fangsong: "標楷體", "DFKai-SB"[^;]*"Noto Serif CJK TC"', html)
    assert re.search(r'--heiti: "微軟正黑體", "Microsoft JhengHei"', html)


# ---- messages -------------------------------------------------------------------------------------
def test_messages_are_traditional_in_a_traditional_workspace(workspace, cli):
    set_locale(workspace, "zh_Hant_TW")
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts, "  任务人次: 13500人次", "  任务人次: 13500")
    run = cli("check", "岳阳楼区", cwd=workspace)
    messages = run.out + run.err
    assert "請" in messages and "请" not in messages
    assert "content/岳阳楼区/2023/facts.yaml" in messages  # the folder as it is spelled on disk
    missing = cli("build", "某县", cwd=workspace)
    assert missing.code == 2 and "沒有名為「某县」的地區" in missing.err


def test_a_district_typed_in_traditional_is_the_simplified_folder(workspace, cli):
    run = cli("build", "岳陽樓區", "2023", "--format", "md", cwd=workspace)
    assert run.code == 0, run.err
    assert built(workspace, ".md").is_file()


def test_messages_stay_simplified_in_a_simplified_workspace(workspace, cli):
    missing = cli("build", "某县", cwd=workspace)
    assert missing.code == 2 and "没有名为“某县”的地区" in missing.err


# ---- what a Taiwan reader sees ----------------------------------------------------------------
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdffonts")),
                    reason="需要 LibreOffice（soffice）和 poppler-utils（pdffonts）来渲染 DOCX")
def test_rendered_taiwan_docx_uses_traditional_fonts(workspace, cli, tmp_path):
    from pathlib import Path

    set_locale(workspace, "zh_Hant_TW")
    assert cli("build", "岳阳楼区", "2023", "--format", "docx", cwd=workspace).code == 0
    docx = tmp_path / "tw.docx"
    shutil.copy(built(workspace, ".docx"), docx)
    fonts_conf = Path(__file__).resolve().parent.parent / "tools" / "fonts.conf"
    env = {"FONTCONFIG_FILE": str(fonts_conf), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=240, env=env)
    fonts = subprocess.run(["pdffonts", str(tmp_path / "tw.pdf")], check=True, capture_output=True,
                           text=True).stdout
    if "UKai" not in fonts and "Noto" not in fonts:
        pytest.skip("此机器上没有免费的繁体字体（fonts-arphic-ukai / fonts-noto-cjk）")
    assert "UKaiTW" in fonts  # 標楷體 → AR PL UKai TW: body and title in a Traditional Kai font
    assert "UKaiCN" not in fonts and "UMingCN" not in fonts  # no Simplified stand-in left


def test_a_name_in_corner_brackets_is_not_linted_as_a_typed_figure(workspace, cli):
    add_to_narrative(workspace, "打造「醫保15分鐘服務圈」，覆蓋12個社區。")
    run = cli("check", "岳阳楼区", cwd=workspace)
    lines = [line for line in run.out.splitlines() if "无法追溯来源" in line]
    assert any("“12個社區”" in line for line in lines)  # a figure typed into prose is still found
    assert not any("15" in line for line in lines)


@pytest.mark.parametrize("written", ["phrases: [腾冲, 騰沖]", "phrases:\n  腾冲:"])
def test_a_malformed_phrase_list_names_its_line(workspace, cli, written):
    replace_in(workspace / "config.yaml", "phrases:\n  腾冲: 騰沖", written)
    run = cli("build", "岳阳楼区", "2023", cwd=workspace)
    assert run.code == 2
    assert "config.yaml:" in run.err and "phrases" in run.err and "腾冲: 騰沖" in run.err


def test_a_workspace_written_wholly_in_traditional_builds_the_same_document(workspace, cli, tmp_path):
    import opencc

    set_locale(workspace, "zh_Hant_TW")
    assert cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace).code == 0
    from_simplified = built(workspace, ".md").read_text(encoding="utf-8")
    to_traditional = opencc.OpenCC("s2tw").convert
    for path in (workspace / "content").rglob("*"):  # facts, narrative and rules files, not folder names
        if path.suffix in (".yaml", ".md"):
            path.write_text(to_traditional(path.read_text(encoding="utf-8")), encoding="utf-8")
    for picture in list((workspace / "content").rglob("*.jpg")):  # a photo named as the narrative now names it
        folder = workspace / "content/岳阳楼区/2023"
        renamed = folder / to_traditional(str(picture.relative_to(folder)))
        renamed.parent.mkdir(parents=True, exist_ok=True)
        picture.rename(renamed)
    assert "規則:" in (workspace / "content/岳阳楼区/checks.yaml").read_text(encoding="utf-8")
    checked = cli("check", "岳阳楼区", cwd=workspace)
    assert checked.code == 0, checked.out + checked.err  # the district's 例外 still replaces the template's rule
    assert cli("build", "岳阳楼区", "2023", "--format", "md", "--force", cwd=workspace).code == 0
    # the one difference: the Markdown names the photo by its path, which is now Traditional too
    expected = from_simplified.replace("图片/义诊活动.jpg", to_traditional("图片/义诊活动.jpg"))
    assert built(workspace, ".md").read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("locale", LOCALES)
def test_the_preview_of_a_traditional_workspace_is_checked_clean_and_shown_in_traditional(workspace, locale):
    from zongjie.preview.server import PreviewState

    set_locale(workspace, locale)
    state = PreviewState(workspace, "岳阳楼区", "2023")
    state.rebuild()
    preview = state.previews["岳阳楼区 2023"]
    assert preview.status == "ok", [finding.message for finding in preview.findings]
    assert preview.title.startswith("岳陽樓區醫療保障局")


def test_json_reports_are_not_converted(workspace, cli):
    import json

    set_locale(workspace, "zh_Hant_TW")
    run = cli("check", "岳阳楼区", "--format", "json", cwd=workspace)
    assert run.code == 0
    findings = json.loads(run.out)["documents"][0]["findings"]
    messages = " ".join(finding["message"] for finding in findings)
    assert "新增定点机构" in messages and "新增定點機構" not in messages  # for tools: as zongjie writes it


def test_narrative_already_in_traditional_is_not_converted_twice(workspace, cli):
    set_locale(workspace, "zh_Hant_TW")
    add_to_narrative(workspace, "岳陽樓區赴騰沖市學習。")  # OpenCC's s2tw alone makes 岳陽 嶽陽, 騰沖 騰衝
    assert cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace).code == 0
    assert "岳陽樓區赴騰沖市學習。" in built(workspace, ".md").read_text(encoding="utf-8")


def test_messages_name_built_files_as_they_are_on_disk(workspace, cli):
    set_locale(workspace, "zh_Hant_TW")
    run = cli("build", "岳阳楼区", "2023", "--format", "md", cwd=workspace)
    assert run.code == 0
    shown = next(line.strip() for line in run.out.splitlines() if line.strip().endswith(".md"))
    assert (workspace / shown.split("ws/", 1)[-1]).is_file() or (workspace.parent / shown).is_file()


def test_a_fact_nothing_reads_is_a_warning_naming_its_line(workspace, cli):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    replace_in(facts, "\n医疗救助:", "\n医疗求助:")  # a key the template does not know: its section drops
    run = cli("check", "岳阳楼区", cwd=workspace)
    assert run.code == 0
    line = line_of(facts, "医疗求助:")
    assert f"facts.yaml:{line}: 警告：事实“医疗求助”没有被任何模板、叙述文件或校验规则用到" in run.out
    assert "没有被任何模板" not in cli("check", "裕安区", cwd=workspace).out  # every example fact is read


def test_a_file_name_quoted_in_a_message_stays_as_on_disk(workspace):
    from zongjie.inputs.workspace import Workspace
    from zongjie.messages import localized, use_simplified, use_workspace_locale

    set_locale(workspace, "zh_Hant_TW")
    use_workspace_locale(Workspace.open(workspace))
    try:
        text = localized("警告：岳陽樓區醫療保障局2023年度工作總結.pdf 中没有公文字体；金额请统一用元/万元。")
    finally:
        use_simplified()
    assert text == "警告：岳陽樓區醫療保障局2023年度工作總結.pdf 中沒有公文字體；金額請統一用元/萬元。"


def test_diff_speaks_traditional_in_a_traditional_workspace(workspace, cli):
    # A Taiwan writer runs the review loop: every message of `diff` in Traditional, like check's
    set_locale(workspace, "zh_Hant_TW")
    assert cli("build", "岳阳楼区", "2023", "--format", "docx", cwd=workspace).code == 0
    same = cli("diff", "岳阳楼区", "2023", str(built(workspace, ".docx")), cwd=workspace)
    assert same.code == 0, same.err
    assert "當前" in same.out and "当前" not in same.out
    (workspace / "記錄.docx").write_text("不是 Word 文檔", encoding="utf-8")
    broken = cli("diff", "岳阳楼区", "2023", "記錄.docx", cwd=workspace)
    assert broken.code == 2
    assert "請確認" in broken.err and "请确认" not in broken.err
    assert "記錄.docx" in broken.err  # the file name as on disk


def test_apply_writes_a_simplified_narrative_back_in_simplified(workspace, cli):
    # A Taiwan reviewer adds a sentence in Word; the narrative file is written in Simplified and
    # stays so: one script per file, and the rebuilt document reads the same.
    import docx

    set_locale(workspace, "zh_Hant_TW")
    assert cli("build", "岳阳楼区", "2023", "--format", "docx", cwd=workspace).code == 0
    document = docx.Document(str(built(workspace, ".docx")))
    paragraph = next(p for p in document.paragraphs if p.text.startswith("督促定點醫療機構"))
    paragraph.runs[-1].text += "醫療機構協同推進。"
    edited = workspace / "審閱後.docx"
    document.save(str(edited))
    done = cli("diff", "岳阳楼区", "2023", str(edited), "--apply", "--yes", cwd=workspace)
    assert done.code == 0, done.err
    plan = (workspace / "content/岳阳楼区/2023/工作打算.md").read_text(encoding="utf-8")
    assert "督促定点医疗机构把好住院指征、规范诊疗和收费，自查自纠中发现的问题限期整改到位，确保基金安全。医疗机构协同推进。" in plan
    assert "醫療" not in plan
    assert cli("build", "岳阳楼区", "2023", "--format", "docx", cwd=workspace).code == 0
    again = cli("diff", "岳阳楼区", "2023", str(edited), cwd=workspace)
    assert again.code == 0 and "文字改動 0 處" in again.out


def test_the_preview_speaks_traditional_with_paths_as_on_disk(workspace):
    # a Taiwan writer's preview says 錯誤 and 下載 like the command line, the file named as on disk
    from zongjie.build import write_options
    from zongjie.messages import use_simplified
    from zongjie.preview.pages import document_page, index_page
    from zongjie.preview.server import PreviewState

    set_locale(workspace, "zh_Hant_TW")
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "  参保人数: 429198人", "  参保人数: 429199人")
    try:
        state = PreviewState(workspace, "岳阳楼区", "2023")
        state.rebuild()
        preview = state.previews["岳阳楼区 2023"]
        page = document_page(preview, write_options(state.workspace, preview.district_year))
        index = index_page([preview])
    finally:
        use_simplified()
    panel = page[page.index('id="zj-panel"'):]
    assert "錯誤" in panel and "错误" not in panel and "不等於" in panel
    assert "content/岳阳楼区/2023/facts.yaml:12" in panel
    assert "下載 DOCX" in page and "校驗結果" in page
    assert "地區年度" in index and "錯誤 1" in index


def test_a_traditional_review_copy_speaks_traditional(workspace, cli):
    # the Taiwan director reads the review copy: header, comments and banner in Traditional
    set_locale(workspace, "zh_Hant_TW")
    run = cli("build", "岳阳楼区", "2023", "--review", cwd=workspace)
    assert run.code == 0, run.err
    folder = workspace / "build/岳阳楼区/2023"
    review_docx = next(folder.glob("*審閱稿*.docx"))
    header = docx_part(review_docx, "word/header-review.xml")
    assert "審閱稿" in header and "請勿發佈" in header
    comments = re.sub(r"<[^>]+>", "", docx_part(review_docx, "word/comments.xml"))
    assert "來源" in comments and "来源" not in comments and "校驗" in comments
    assert "content/岳阳楼区/2023/facts.yaml" in comments  # the file as on disk
    page = next(folder.glob("*審閱稿*.html")).read_text(encoding="utf-8")
    assert "請勿發佈" in page and "來源" in page and "来源" not in page
