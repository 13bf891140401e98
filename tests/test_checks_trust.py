"""Checks a supervisor can trust: pinned exceptions, messages in the writer's terms, rate and
compound units, approximate figures as bounds, nothing skipped in silence, coverage."""

from __future__ import annotations

import json

from conftest import line_of, replace_in

FACTS = "content/岳阳楼区/2023/facts.yaml"
RULES = "content/岳阳楼区/checks.yaml"


def check(cli, workspace, district="岳阳楼区", year="2023"):
    run = cli("check", district, year, "--format", "json", cwd=workspace)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)["documents"][0]


def findings(document, code=None, severity=None):
    return [f for f in document["findings"]
            if (code is None or f["code"] == code) and (severity is None or f["severity"] == severity)]


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
