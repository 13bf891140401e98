"""Checks a supervisor can trust: pinned exceptions, messages in the writer's terms, rate and
compound units, approximate figures as bounds, nothing skipped in silence, coverage."""

from __future__ import annotations

import json

from conftest import check, findings, line_of, replace_in

FACTS = "content/岳阳楼区/2023/facts.yaml"
RULES = "content/岳阳楼区/checks.yaml"


def add_rules(workspace, text, path=RULES):
    target = workspace / path
    target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")


def add_facts(workspace, text, path=FACTS):
    target = workspace / path
    target.write_text(target.read_text(encoding="utf-8") + text, encoding="utf-8")


# --- exceptions pinned to the known discrepancy -------------------------------------------

def test_pinned_exception_excuses_only_its_own_discrepancy(workspace, cli):
    code, document = check(cli, workspace)
    assert code == 0 and findings(document, code="known-exception")[0]["severity"] == "info"
    replace_in(workspace / FACTS, "新增定点机构: 57家", "新增定点机构: 570家")
    code, document = check(cli, workspace)
    error = findings(document, severity="error")[0]
    assert code == 1 and error["code"] == "exception-mismatch"
    assert "例外" in error["hint"] and "2家" in error["hint"] and "511家" in error["message"]


def test_new_slip_in_a_part_of_an_excepted_rule_is_an_error(workspace, cli):
    replace_in(workspace / FACTS, "职工医保定点: 38家", "职工医保定点: 83家")
    code, document = check(cli, workspace)
    error = findings(document, severity="error")[0]
    assert code == 1 and error["check"] == "新增定点机构合计"
    assert "待遇.协议管理.新增.职工医保定点" in error["hint"] and "38家" in error["hint"]


def test_exception_without_its_discrepancy_is_a_warning_saying_what_to_pin(workspace, cli):
    replace_in(workspace / RULES, "    例外差额: 2家", "")
    code, document = check(cli, workspace)
    warning = findings(document, code="exception-unpinned")[0]
    assert code == 0 and warning["severity"] == "warning" and "例外差额: 2家" in warning["hint"]


# --- nothing skipped in silence ----------------------------------------------------------

def test_rules_not_evaluated_are_listed_with_the_reason(workspace, cli):
    add_facts(workspace, "待核:\n  总数: 待统计\n  甲: 3家\n")
    add_rules(workspace, "  - 名称: 待核总数\n    关系: 待核.总数 = 待核.甲 + 缺省为零(待核.乙)\n",
              "templates/医保年度工作总结/checks.yaml")
    add_rules(workspace, "  - 名称: 模板的规则\n    关系: 待遇.特需.人次 <= 待遇.住院.人次\n",
              "templates/医保年度工作总结/checks.yaml")
    code, document = check(cli, workspace)
    reasons = {item["rule"]: item["reason"] for item in document["unchecked"]}
    assert "不是数字" in reasons["待核总数"] and "待统计" in reasons["待核总数"]
    assert reasons["模板的规则"] == "事实中没有 待遇.特需.人次"
    text = cli("check", "岳阳楼区", "2023", cwd=workspace)
    assert "未校验的规则 2 条" in text.out and "模板的规则：事实中没有 待遇.特需.人次" in text.out
    assert "另有 2 条规则未校验" in text.out


def test_summary_does_not_say_zero_errors_for_a_document_that_could_not_be_read(workspace, cli):
    (workspace / FACTS).write_text("参保: [\n", encoding="utf-8")
    run = cli("check", cwd=workspace)
    assert run.code == 2
    assert "1 份文档无法校验" in run.out and "共校验 2 份文档" in run.out


# --- approximate figures as bounds -------------------------------------------------------

def test_approximate_figures_take_part_as_bounds(workspace, cli):
    add_facts(workspace, "约数:\n  满意率: 97%以上\n  调查人数: 20余人\n  满意人数: 20人\n  拨款: 约300万元\n"
                         "  分项甲: 180万元\n  分项乙: 131万元\n")
    add_rules(workspace, "  - 关系: 约数.满意率 = 约数.满意人数 / 约数.调查人数\n"
                         "  - 关系: 约数.拨款 = 约数.分项甲 + 约数.分项乙\n")
    code, document = check(cli, workspace)
    assert code == 0, findings(document, severity="error")
    assert not [u for u in document["unchecked"] if "约数" in u["rule"]]
    # 16 of "20余" (more than 20) people is at most 80%: not "97%以上"
    replace_in(workspace / FACTS, "满意人数: 20人", "满意人数: 16人")
    replace_in(workspace / FACTS, "分项乙: 131万元", "分项乙: 160万元")  # 340万元 is not 约300万元 (±5%)
    code, document = check(cli, workspace)
    failed = {f["check"] for f in findings(document, severity="error")}
    assert failed == {"约数.满意率 = 约数.满意人数 / 约数.调查人数", "约数.拨款 = 约数.分项甲 + 约数.分项乙"}
    replace_in(workspace / RULES, "  - 关系: 约数.拨款 = 约数.分项甲 + 约数.分项乙\n",
               "  - 关系: 约数.拨款 = 约数.分项甲 + 约数.分项乙\n    约数误差: 15%\n")
    failed = {f["check"] for f in findings(check(cli, workspace)[1], severity="error")}
    assert failed == {"约数.满意率 = 约数.满意人数 / 约数.调查人数"}


# --- rates, compound units, 百分点 ---------------------------------------------------------

def test_percentage_points_and_compound_units_are_checked_dimensionally(workspace, cli):
    add_facts(workspace, "比率:\n  今年参保率: 96.49%\n  上年参保率: 96.19%\n  提高: 0.3个百分点\n"
                         "  结余: 25149.59万元\n  月支出: 552.33万元/月\n  可支付月数: 45.5个月\n"
                         "  救助人数: 1200人\n  人均标准: 600元/人\n  救助资金: 72万元\n")
    add_rules(workspace, "  - 关系: 比率.今年参保率 = 比率.上年参保率 + 比率.提高\n"
                         "  - 关系: 比率.可支付月数 = 比率.结余 ÷ 比率.月支出\n"
                         "  - 名称: 救助资金\n    关系: 比率.救助资金 = 比率.救助人数 × 比率.人均标准\n    精确: 比率.人均标准\n")
    code, document = check(cli, workspace)
    assert code == 0, findings(document, severity="error")
    replace_in(workspace / FACTS, "提高: 0.3个百分点", "提高: 0.5个百分点")
    replace_in(workspace / FACTS, "可支付月数: 45.5个月", "可支付月数: 54.5个月")
    replace_in(workspace / FACTS, "救助资金: 72万元", "救助资金: 27万元")
    code, document = check(cli, workspace)
    errors = {f["check"]: f for f in findings(document, severity="error")}
    assert len(errors) == 3
    rate = errors["比率.今年参保率 = 比率.上年参保率 + 比率.提高"]
    assert rate["difference"] == "0.20个百分点"
    months = errors["比率.可支付月数 = 比率.结余 ÷ 比率.月支出"]
    assert "÷" in months["message"] and months["expected"] == "45.5个月" and "颠倒" in months["hint"]
    money = errors["救助资金"]
    assert money["expected"] == "72万元" and "×" in money["message"] and "颠倒" in money["hint"]
    add_rules(workspace, "  - 名称: 量纲不符\n    关系: 比率.结余 = 比率.月支出\n")
    unit = next(f for f in check(cli, workspace)[1]["findings"] if f["check"] == "量纲不符")
    assert unit["code"] == "unit" and "元 与 元/月 不能比较" in unit["message"]


def test_a_difference_of_percentages_written_in_percent_is_an_error(workspace, cli):
    """提高0.3% says "rose by 0.3 per cent of 96.19%" — 0.29个百分点 — though the number agrees."""
    add_facts(workspace, "比率:\n  今年参保率: 96.49%\n  上年参保率: 96.19%\n  提高: 0.3%\n  差距: 0.3个百分点\n"
                         "  支出占比: 61.5%\n  结余占比: 38.5%\n  报销比例: 80%\n  实际比例: 65.2%\n  比例差距: 14.8%\n")
    add_rules(workspace, "  - 关系: 比率.提高 = 比率.今年参保率 - 比率.上年参保率\n"
                         "  - 关系: 比率.差距 = 比率.今年参保率 - 比率.上年参保率\n"
                         "  - 关系: 比率.今年参保率 = 比率.上年参保率 + 比率.差距\n"
                         "  - 关系: 比率.结余占比 = 100% - 比率.支出占比\n"
                         "  - 关系: 比率.支出占比 + 比率.结余占比 = 100%\n"
                         "  - 名称: 报销差距\n    关系: 比率.报销比例 - 比率.实际比例 = 比率.比例差距\n"
                         "  - 关系: 比率.新增 = 比率.今年参保率 - 比率.上年参保率\n")
    code, document = check(cli, workspace)
    errors = findings(document, severity="error")
    assert code == 1 and {error["code"] for error in errors} == {"percentage-points"}, errors
    by_check = {error["check"]: error for error in errors}
    assert set(by_check) == {"比率.提高 = 比率.今年参保率 - 比率.上年参保率", "报销差距"}
    raised = by_check["比率.提高 = 比率.今年参保率 - 比率.上年参保率"]
    assert "比率.提高 写作“0.3%”" in raised["message"] and "0.3个百分点" in raised["hint"]
    assert raised["location"].endswith(f"{line_of(workspace / FACTS, '提高: 0.3%')}")
    assert "比率.比例差距 写作“14.8%”" in by_check["报销差距"]["message"]
    derived = {fact["key"]: fact["value"] for fact in document["derived"]}
    assert derived["比率.新增"] == "0.30个百分点"  # a difference left out is filled in 个百分点
    replace_in(workspace / FACTS, "提高: 0.3%", "提高: 0.3个百分点")
    replace_in(workspace / FACTS, "比例差距: 14.8%", "比例差距: 14.8个百分点")
    code, document = check(cli, workspace)
    assert code == 0, findings(document, severity="error")


def test_a_number_written_against_a_key_is_not_taken_for_a_unit(workspace, cli):
    """Any Chinese after a number is its unit (50分, 600元/人); when that "unit" is a fact's
    name, the writer meant × or ÷, and the rule would silently check something else."""
    add_facts(workspace, "甲: 10人\n乙: 2人\n人数: 5人\n丙: 500人\n")
    add_rules(workspace, "  - 甲 = 5乙\n  - 名称: 人均\n    关系: 丙 ÷ 100人/人数 = 1\n"
                         "  - 甲 = 5 × 乙\n  - 名称: 每百人\n    关系: 丙 ÷ 100 ÷ 人数 = 1\n"
                         "  - 名称: 人均（繁体）\n    关系: 丙 ÷ 100人/人數 = 1\n")
    code, document = check(cli, workspace)
    errors = {error["check"]: error for error in findings(document, severity="error")}
    assert code == 1 and set(errors) == {"甲 = 5乙", "人均", "人均（繁体）"}
    assert errors["甲 = 5乙"]["code"] == "number-next-to-key" and "5 × 乙" in errors["甲 = 5乙"]["hint"]
    assert "100人 ÷ 人数" in errors["人均"]["hint"] and errors["人均"]["location"].startswith(RULES)


# --- dates and operators as typed ----------------------------------------------------------

def test_dates_in_rules_and_full_width_operators(workspace, cli):
    add_rules(workspace, "  - 名称: 统计截至不晚于成文日期\n    关系: 参保.统计截至 ≦ 成文日期\n"
                         "  - 名称: 基金统计至成文相隔\n    关系: 成文日期 － 基金.统计截至 ＜ ６０天\n"
                         "  - 名称: 差额\n    关系: 待遇.异地备案.省内 − 待遇.异地备案.跨省 ＝ １２０７人次\n"
                         "  - 名称: 年内\n    关系: 参保.统计截至 <= 2023年12月31日\n"
                         "  - 名称: 相隔月数\n    关系: (成文日期 - 基金.统计截至) ÷ 30天/月 < 2个月\n")
    code, document = check(cli, workspace)
    assert code == 0 and not document["unchecked"], findings(document, severity="error")
    replace_in(workspace / FACTS, "统计截至: 2023-03-31", "统计截至: 2024-03-31")
    replace_in(workspace / FACTS, "统计截至: 2023-11-30", "统计截至: 2023-01-30")
    code, document = check(cli, workspace)
    errors = {f["check"]: f for f in findings(document, severity="error")}
    assert set(errors) == {"统计截至不晚于成文日期", "基金统计至成文相隔", "年内", "相隔月数"}
    assert "2023年12月31日" in errors["年内"]["message"] and "个月" in errors["相隔月数"]["message"]
    assert "2024-03-31" in errors["统计截至不晚于成文日期"]["message"]
    assert "2023-12-20" in errors["统计截至不晚于成文日期"]["message"]
    assert errors["基金统计至成文相隔"]["found"] == "324天"


# --- coverage and plausibility -------------------------------------------------------------

def test_every_example_has_most_figures_covered(workspace, cli):
    run = cli("check", "--coverage", "--format", "json", cwd=workspace)
    documents = json.loads(run.out)["documents"]
    assert len(documents) == 3
    for document in documents:
        assert document["coverage"]["share"] >= 0.8, (document["document"], document["coverage"])
    text = cli("check", "奉化区", "--coverage", cwd=workspace).out
    assert "天一甬宁保.专班成员单位 = 23个" in text and "← content/奉化区/2022/facts.yaml:" in text


def test_a_figure_in_no_rule_is_listed_until_a_rule_covers_it(workspace, cli):
    add_facts(workspace, "新项:\n  城乡居民医保支出: 24403.76万元\n")
    text = cli("check", "岳阳楼区", "--coverage", cwd=workspace).out
    assert "新项.城乡居民医保支出 = 24403.76万元" in text
    add_rules(workspace, "  - 新项.城乡居民医保支出 = 基金.险种.城乡居民医保.支出\n")
    assert "新项.城乡居民医保支出" not in cli("check", "岳阳楼区", "--coverage", cwd=workspace).out


def test_a_slip_that_breaks_no_sum_is_caught_by_a_plausibility_range(workspace, cli):
    replace_in(workspace / FACTS, "居民: {人次: 339701人次, 总费用: 3380.1万元", "居民: {人次: 339701人次, 总费用: 338010万元")
    code, document = check(cli, workspace)
    caught = [f for f in document["findings"] if f["severity"] in ("error", "warning")]
    assert caught and all("待遇.普通门诊.居民" in f["check"] for f in caught)
    assert any("元/人次" in f["message"] for f in caught)


def test_implausible_change_from_last_year_names_both_lines(workspace, cli):
    last_year = workspace / "content/岳阳楼区/2022"
    last_year.mkdir()
    text = (workspace / FACTS).read_text(encoding="utf-8")
    (last_year / "facts.yaml").write_text(text.replace("收入: 566.93万元", "收入: 5669.3万元"), encoding="utf-8")
    code, document = check(cli, workspace)
    warning = findings(document, code="implausible-change")[0]
    assert warning["severity"] == "warning" and "基金.险种.城乡居民医保.收入" in warning["message"]
    locations = [figure["location"] for figure in warning["figures"]]
    assert locations[0].startswith("content/岳阳楼区/2023/facts.yaml:")
    assert locations[1].startswith("content/岳阳楼区/2022/facts.yaml:")
    assert "小数点错位一位" in warning["hint"] and "5669.3万元" in warning["hint"]
    # with last year present, a figure no rule touches is still covered by the comparison
    coverage = json.loads(cli("check", "岳阳楼区", "2023", "--coverage", "--format", "json", cwd=workspace).out)
    uncovered = {item["key"] for item in coverage["documents"][0]["coverage"]["uncovered"]}
    assert "基金监管.宣传.横幅" not in uncovered


# --- prose lint ------------------------------------------------------------------------------

def test_doubled_unit_for_any_unit_in_the_rendered_text(workspace, cli):
    template = workspace / "templates/医保年度工作总结/章节/待遇享受.md"
    replace_in(template, "住院总费用{{ 住院.总费用 }}（", "住院总费用{{ 住院.总费用 }}元（")
    replace_in(workspace / "content/岳阳楼区/2023/特色亮点.md", "{{ 亮点.网厅服务单位 }}机关", "{{ 亮点.网厅服务单位 }}家机关")
    messages = [f["message"] for f in findings(check(cli, workspace)[1], code="lint-doubled-unit")]
    assert any("42817.93万元元" in m for m in messages) and any("1285家家" in m for m in messages)


def test_doubled_unit_and_dates_typed_in_prose(workspace, cli):
    narrative = workspace / "content/岳阳楼区/2023/工作打算.md"
    text = narrative.read_text(encoding="utf-8")
    narrative.write_text(text + "\n全年拨付300万元元，服务20人人。年年如此，种种困难，年年有余。"
                                "截至2023年12月20日，另于2023年3月底完成。\n", encoding="utf-8")
    document = check(cli, workspace)[1]
    doubled = [f["message"] for f in findings(document, code="lint-doubled-unit")]
    assert sorted(doubled) == ["单位重复：“20人人”", "单位重复：“300万元元”"]
    dates = findings(document, code="lint-untraceable-date")
    assert [f["message"] for f in dates] == ["日期“2023年12月20日”直接写在文字里，无法追溯来源",
                                             "日期“2023年3月底”直接写在文字里，无法追溯来源"]
    assert "成文日期" in dates[0]["hint"] and "参保.统计截至" in dates[1]["hint"]
    figures = " ".join(f["message"] for f in findings(document, code="lint-untraceable-figure"))
    assert "“20”" not in figures and "12月" not in figures and "“2023年" not in figures


def test_rule_keys_of_this_issue_read_in_traditional_script(workspace, cli):
    replace_in(workspace / RULES, "    例外差额: 2家", "    例外差額: 2家")
    replace_in(workspace / "content/裕安区/checks.yaml", "    精确: 知晓率.达标线、知晓率.扣分标准", "    精確: 知晓率.达标线、知晓率.扣分标准")
    code, document = check(cli, workspace)
    assert code == 0 and findings(document, code="known-exception")
    assert check(cli, workspace, "裕安区", "2020")[0] == 0
    replace_in(workspace / FACTS, "新增定点机构: 57家", "新增定点机构: 570家")
    assert findings(check(cli, workspace)[1], code="exception-mismatch")
