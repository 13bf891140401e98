"""Consistency checks on planted errors: each is caught at the right file:line with a useful hint.

Each test plants one mistake of the kind published summaries carry into a copy of the
example workspace and reads `zongjie check --format json` as a tool would.
"""

from __future__ import annotations

import pytest
from conftest import check, findings, line_of, replace_in

FACTS = "content/岳阳楼区/2023/facts.yaml"


def only_error(document):
    """The error of the rule the planted slip breaks first. (A slip may break several rules:
    a part in 元 among 万元 also exceeds its 总费用; every error must then share the figure.)"""
    errors = findings(document, severity="error")
    assert errors, document["findings"]
    if len(errors) > 1:
        shared = set.intersection(*({figure["key"] for figure in error["figures"]} for error in errors))
        assert shared, errors
    return errors[0]


@pytest.mark.parametrize("district, year", [("岳阳楼区", "2023"), ("裕安区", "2020"), ("奉化区", "2022")])
def test_the_untouched_examples_have_no_errors_or_warnings(workspace, cli, district, year):
    code, document = check(cli, workspace, district, year)
    assert code == 0
    assert findings(document, severity="error") == [] and findings(document, severity="warning") == []


def test_part_written_in_yuan_among_wan_yuan_is_diagnosed(workspace, cli):
    replace_in(workspace / FACTS, "统筹支付: 4635.68万元", "统筹支付: 46356800万元")
    code, document = check(cli, workspace)
    error = only_error(document)
    assert code == 1
    assert error["check"] == "住院统筹支付合计"
    assert error["line"] == line_of(workspace / FACTS, "统筹支付: 21469.1万元")
    assert "元与万元" in error["hint"] and "待遇.住院.职工.统筹支付" in error["hint"]
    parts = {figure["key"]: figure["location"] for figure in error["figures"]}
    assert parts["待遇.住院.职工.统筹支付"].endswith(f"facts.yaml:{line_of(workspace / FACTS, '46356800万元')}")


def test_misplaced_decimal_point_is_diagnosed(workspace, cli):
    replace_in(workspace / FACTS, "总费用: 7408.55万元", "总费用: 740.855万元")
    error = only_error(check(cli, workspace)[1])
    assert "小数点错位一位" in error["hint"] and "待遇.住院.职工.总费用" in error["hint"]


def test_transposed_digits_are_diagnosed_with_the_likely_figure(workspace, cli):
    replace_in(workspace / FACTS, "人次: 8577人次", "人次: 8757人次")
    error = only_error(check(cli, workspace)[1])
    assert error["difference"] == "180人次"
    assert "颠倒" in error["hint"] and "8577人次" in error["hint"]


def test_part_counted_twice_in_the_total_is_diagnosed(workspace, cli):
    replace_in(workspace / FACTS, "人次: 59975人次", "人次: 68552人次")  # 59975 + 8577
    error = only_error(check(cli, workspace)[1])
    assert "算了两次" in error["hint"] and "待遇.住院.职工.人次" in error["hint"]


def test_part_missing_from_the_total_is_diagnosed(workspace, cli):
    replace_in(workspace / FACTS, "人次: 5463人次", "人次: 3335人次")  # 省内 only, 跨省 left out
    error = only_error(check(cli, workspace)[1])
    assert error["check"] == "异地备案合计"
    assert "漏加" in error["hint"] and "待遇.异地备案.跨省" in error["hint"]


def test_rate_that_does_not_match_numerator_and_denominator(workspace, cli):
    replace_in(workspace / FACTS, "完成率: 138%", "完成率: 128%")
    error = only_error(check(cli, workspace)[1])
    assert error["check"] == "医疗救助完成率"
    assert error["found"] == "128%" and error["expected"] == "138.01%"


def test_rounded_rate_is_accepted_where_a_float_epsilon_would_reject_it(workspace, cli):
    # 18631 ÷ 13500 = 1.380074…; the report writes 138%, which stands for [137.5%, 138.5%].
    facts = (workspace / FACTS).read_text(encoding="utf-8")
    assert "完成人次: 18631人次" in facts and "完成率: 138%" in facts
    assert abs(18631 / 13500 - 1.38) > 1e-9  # what an epsilon check would compare
    code, document = check(cli, workspace)
    assert not [f for f in document["findings"] if f["check"] == "医疗救助完成率"]


def test_total_written_with_fewer_decimals_than_its_parts(workspace, cli):
    facts = workspace / FACTS
    replace_in(facts, "统筹支付: 4635.68万元", "统筹支付: 4635.684万元")
    replace_in(facts, "统筹支付: 16833.42万元", "统筹支付: 16833.424万元")
    # 4635.684 + 16833.424 = 21469.108, and 21469.1 stands for [21469.05, 21469.15]
    assert findings(check(cli, workspace)[1], severity="error") == []
    replace_in(facts, "统筹支付: 21469.1万元", "统筹支付: 21469.2万元")
    assert only_error(check(cli, workspace)[1])["check"] == "住院统筹支付合计"


def test_people_are_not_person_times(workspace, cli):
    replace_in(workspace / FACTS, "人次: 8577人次", "人次: 8577人")
    error = only_error(check(cli, workspace)[1])
    assert error["code"] == "unit"
    assert "人次" in error["message"] and "人" in error["message"]
    assert "人与人次" in error["hint"]


def test_bare_wan_among_amounts_in_wan_yuan_is_flagged(workspace, cli):
    replace_in(workspace / FACTS, "拨付基金: 2310.9万元", "拨付基金: 2310.9万")
    warning = findings(check(cli, workspace)[1], code="unit-missing-yuan")[0]
    assert warning["line"] == line_of(workspace / FACTS, "拨付基金: 2310.9万}")
    assert "2310.9万元" in warning["hint"]


def test_a_total_left_out_is_derived_and_used_in_the_document(workspace, cli):
    replace_in(workspace / FACTS, "参保人数: 429198人            # = 城乡居民缴费人数 + 职工参保人数", "")
    code, document = check(cli, workspace)
    assert code == 0
    assert {"key": "参保.参保人数", "value": "429198人"}.items() <= document["derived"][0].items()
    assert cli("build", "岳阳楼区", "2023", "-f", "html", cwd=workspace).code == 0
    html = next((workspace / "build/岳阳楼区/2023").glob("*.html")).read_text(encoding="utf-8")
    assert "参保人数合计429198人" in html  # the clean copy: the figure, no provenance
    assert cli("build", "岳阳楼区", "2023", "-f", "html", "--review", cwd=workspace).code == 0
    html = next((workspace / "build/岳阳楼区/2023").glob("*审阅稿*.html")).read_text(encoding="utf-8")
    assert "参保人数合计<span" in html and "429198人<span class=\"note\"" in html and "推算" in html


def test_comparison_rule(workspace, cli):
    replace_in(workspace / FACTS, "已退回: 467108元", "已退回: 500000元")
    error = only_error(check(cli, workspace)[1])
    assert error["check"] == "已退回不超过违规资金" and "大于" in error["message"]


def test_documented_exception_is_reported_but_not_an_error(workspace, cli):
    code, document = check(cli, workspace)
    note = findings(document, code="known-exception")[0]
    assert code == 0 and note["severity"] == "info" and "59" in note["hint"]
    replace_in(workspace / FACTS, "新增定点机构: 57家", "新增定点机构: 59家")
    stale = findings(check(cli, workspace)[1], code="exception-unneeded")[0]
    assert stale["rule_location"].startswith("content/岳阳楼区/checks.yaml:")


def test_year_over_year_balance_uses_last_years_facts(workspace, cli):
    previous = workspace / "content/岳阳楼区/2022/facts.yaml"
    previous.parent.mkdir()
    previous.write_text("基金:\n  险种:\n    大病互助:\n      累计结余: 601.45万元\n", encoding="utf-8")
    (workspace / "content/岳阳楼区/checks.yaml").write_text(
        (workspace / "content/岳阳楼区/checks.yaml").read_text(encoding="utf-8")
        + "  - 名称: 大病互助结余衔接\n"
        "    关系: 基金.险种.大病互助.累计结余 = 上年.基金.险种.大病互助.累计结余 + 基金.险种.大病互助.收入 - 基金.险种.大病互助.支出\n",
        encoding="utf-8",
    )
    assert findings(check(cli, workspace)[1], severity="error") == []
    replace_in(previous, "601.45万元", "610.45万元")
    error = only_error(check(cli, workspace)[1])
    assert error["check"] == "大病互助结余衔接"
    assert any(f["location"].startswith("content/岳阳楼区/2022/facts.yaml:4") for f in error["figures"])


def test_score_subtotal_of_the_self_assessment(workspace, cli):
    facts = workspace / "content/裕安区/2020/facts.yaml"
    replace_in(facts, "政策知晓率: {标准分: 3分, 自评得分: 2.85分}", "政策知晓率: {标准分: 3分, 自评得分: 2.95分}")
    code, document = check(cli, workspace, "裕安区", "2020")
    checks = sorted(f["check"] for f in findings(document, severity="error"))
    assert checks == ["二级指标得分之和等于一级指标得分（自评.一级指标.工作推动）", "政策知晓率得分"]
    subtotal = next(f for f in findings(document, severity="error") if f["check"].startswith("二级"))
    assert subtotal["line"] == line_of(facts, "自评得分: 11.85分")


def test_doubled_unit_after_a_fact_is_caught_in_the_rendered_text(workspace, cli):
    template = workspace / "templates/医保年度工作总结/章节/待遇享受.md"
    replace_in(template, "{{ 生育.职工生育津贴.人次 | 可选 }}、", "{{ 生育.职工生育津贴.人次 | 可选 }}人次、")
    warning = findings(check(cli, workspace)[1], code="lint-doubled-unit")[0]
    assert "266人次人次" in warning["message"]
    assert warning["line"] == line_of(workspace / FACTS, "职工生育津贴: {人次: 266人次")


def test_typed_figure_in_narrative_is_untraceable(workspace, cli):
    narrative = workspace / "content/岳阳楼区/2023/特色亮点.md"
    replace_in(narrative, "{{ 亮点.帮代办业务 }}", "23000余次")
    replace_in(narrative, "开辟巩固拓展", "开辟了3条巩固拓展")
    found = findings(check(cli, workspace)[1], code="lint-untraceable-figure")
    by_message = {f["message"]: f for f in found}
    matched = next(f for m, f in by_message.items() if "23000余次" in m)
    assert matched["line"] == line_of(narrative, "23000余次") and "亮点.帮代办业务" in matched["hint"]
    unmatched = next(f for m, f in by_message.items() if "3条" in m)
    assert "facts.yaml" in unmatched["hint"]


def test_punctuation_lint_in_narrative(workspace, cli):
    narrative = workspace / "content/岳阳楼区/2023/工作打算.md"
    replace_in(narrative, "确保基金安全。", "确保基金安全；。")
    replace_in(narrative, "推广线上办理渠道，", "推广线上办理渠道,")
    codes = {(f["code"], f["line"]) for f in findings(check(cli, workspace)[1])}
    assert ("lint-doubled-punctuation", line_of(narrative, "；。")) in codes
    assert ("lint-half-width-punctuation", line_of(narrative, "渠道,")) in codes


def test_required_section_left_empty_blocks_the_build(workspace, cli):
    override = workspace / "content/岳阳楼区/templates/正文.md"
    override.parent.mkdir(parents=True)
    override.write_text('{% extends "医保年度工作总结/正文.md" %}\n{% block 完成情况 %}{% endblock %}\n', encoding="utf-8")
    error = only_error(check(cli, workspace)[1])
    assert error["code"] == "section-empty" and "年度工作完成情况" in error["message"]
    assert cli("build", "岳阳楼区", "2023", cwd=workspace).code == 1


def test_plans_of_the_wrong_year_are_flagged(workspace, cli):
    override = workspace / "content/岳阳楼区/templates/正文.md"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "医保年度工作总结/正文.md" %}\n'
        "{% block 工作打算 %}\n# {{ 年度 }}年工作打算\n\n{{ 叙述.工作打算 }}\n{% endblock %}\n", encoding="utf-8")
    warning = findings(check(cli, workspace)[1], code="plans-year")[0]
    assert "2023年" in warning["message"] and "2024" in warning["hint"]


def test_figure_shown_without_unit_and_followed_by_another_unit(workspace, cli):
    template = workspace / "templates/医保年度工作总结/章节/基金收支.md"
    replace_in(template, "职工医保统筹基金收入{{ 统筹.收入 }}", "职工医保统筹基金收入{{ 统筹.收入 | 数字 }}元")
    error = only_error(check(cli, workspace)[1])
    assert error["code"] == "unit-shown" and "117208200元" in error["message"]


def test_the_unit_after_a_bare_figure_is_read_from_one_list_of_units(workspace, cli):
    """个月 after a figure in 个月 is its unit (not 个 + 月); 户 after a figure in 人 is not."""
    facts = workspace / FACTS
    facts.write_text(facts.read_text(encoding="utf-8") + "测试:\n  可支付月数: 45.5个月\n  救助人数: 120人\n",
                     encoding="utf-8")
    template = workspace / "templates/医保年度工作总结/章节/基金收支.md"
    replace_in(template, "职工医保统筹基金收入{{ 统筹.收入 }}",
               "可支付{{ 测试.可支付月数 | 数字 }}个月，救助{{ 测试.救助人数 | 数字 }}户。职工医保统筹基金收入{{ 统筹.收入 }}")
    shown = findings(check(cli, workspace)[1], code="unit-shown")
    assert [f["message"] for f in shown] == ["事实 测试.救助人数（120人）显示为“120”，后面写的单位却是“户”"]


def test_rounded_parts_that_no_longer_add_up_as_shown(workspace, cli):
    facts = workspace / FACTS
    replace_in(facts, "自查退回: 370891元", "自查退回: 370850元")
    replace_in(facts, "专项检查查处: 96217元", "专项检查查处: 96250元")
    replace_in(facts, "违规资金: 467108元", "违规资金: 467100元")
    replace_in(facts, "已退回: 467108元", "已退回: 467100元")
    template = workspace / "templates/医保年度工作总结/章节/基金监管.md"
    shown = "（其中自查{{ 监管.自查退回 | 万元(2) }}、查处{{ 监管.专项检查查处 | 万元(2) }}，合计{{ 监管.违规资金 | 万元(2) }}）"
    replace_in(template, "已全部退回。", "已全部退回" + shown + "。")
    code, document = check(cli, workspace)
    assert code == 0  # the stored figures agree
    warning = findings(document, code="shown-sum")[0]
    assert "46.72万元" in warning["message"] and "46.71万元" in warning["message"]
    assert "舍位平衡" in warning["hint"]
    balanced = "{% set 平衡 = 舍位平衡(监管.违规资金, [监管.自查退回, 监管.专项检查查处], \"万元\", 2) %}"
    replace_in(template, shown, balanced + "（其中自查{{ 平衡[0] }}、查处{{ 平衡[1] }}，合计{{ 监管.违规资金 | 万元(2) }}）")
    assert findings(check(cli, workspace)[1], code="shown-sum") == []
    cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace)
    text = next((workspace / "build/岳阳楼区/2023").glob("*.md")).read_text(encoding="utf-8")
    assert "其中自查37.08万元、查处9.63万元，合计46.71万元" in text
