"""`对每个:` in checks.yaml: one rule written once holds inside every matching group, its keys
read inside each group; a broken group is named, at its own figure's line."""

from __future__ import annotations

from conftest import check, findings, line_of

CHECKS = "content/岳阳楼区/checks.yaml"
FACTS = "content/岳阳楼区/2023/facts.yaml"


def add_rule(workspace, text: str) -> None:
    path = workspace / CHECKS
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_rule_for_every_group_names_the_one_group_that_breaks_it(workspace, cli):
    # 累计结余 ≤ 收入 × 10 holds for four 险种; 城乡居民医保 has 24957.66 > 566.93 × 10
    add_rule(workspace, "  - 名称: 结余不超过收入的十倍\n    对每个: 基金.险种.*\n    关系: 累计结余 <= 收入 * 10\n")
    code, document = check(cli, workspace)
    broken = [f for f in findings(document, severity="error") if f["check"].startswith("结余不超过收入的十倍")]
    assert code == 1
    assert [f["check"] for f in broken] == ["结余不超过收入的十倍（基金.险种.城乡居民医保）"]
    assert broken[0]["location"].startswith(f"{FACTS}:{line_of(workspace / FACTS, '24957.66万元')}")
    assert {figure["key"] for figure in broken[0]["figures"]} == {
        "基金.险种.城乡居民医保.累计结余", "基金.险种.城乡居民医保.收入"}


def test_a_rule_for_every_group_that_holds_everywhere_adds_no_finding(workspace, cli):
    add_rule(workspace, "  - 名称: 结余不超过收入的五十倍\n    对每个: 基金.险种.*\n    关系: 累计结余 <= 收入 * 50\n")
    code, document = check(cli, workspace)
    assert not [f for f in document["findings"] if f["check"].startswith("结余不超过收入的五十倍")]
    assert code == 0
