"""The formula language of checks.yaml, case by case from tests/fixtures/formulas.txt: what a
formula is read as (its tree, printed with every operation bracketed), or the Chinese error a
writer gets for it, at the formula's line."""

from __future__ import annotations

from pathlib import Path
from typing import assert_never

import pytest

from zongjie.checks.expr import Binary, Call, DateLiteral, Expr, Number, Reference, Relation, Unary
from zongjie.checks.rules import load_rules
from zongjie.errors import RuleError

FIXTURES = Path(__file__).parent / "fixtures"


def read_fixture_file(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, title, input, expected) of every `title / . / input / . / expected / .` block;
    any other line is commentary."""
    lines = path.read_text(encoding="utf-8").splitlines()
    cases, index = [], 0
    while index < len(lines) - 1:
        if lines[index].strip() and lines[index] != "." and lines[index + 1] == ".":
            title, start = lines[index], index + 1
            given, index = _block(lines, index + 2)
            expected, index = _block(lines, index)
            cases.append((start, title, given, expected))
        index += 1
    return cases


def _block(lines: list[str], index: int) -> tuple[str, int]:
    end = lines.index(".", index)
    return "\n".join(lines[index:end]), end + 1


def printed(relation: Relation) -> str:
    return f"({relation.operator} {_printed(relation.left)} {_printed(relation.right)})"


def _printed(expr: Expr) -> str:
    match expr:
        case Number(quantity=quantity):
            return str(quantity)
        case DateLiteral(value=value):
            return f"日期:{value.isoformat()}"
        case Reference(path=path):
            return path
        case Call(function=function, argument=argument):
            return f"({function} {argument.path})"
        case Unary(operand=operand):
            return f"(- {_printed(operand)})"
        case Binary(operator=operator, left=left, right=right):
            return f"({operator} {_printed(left)} {_printed(right)})"
        case _:
            assert_never(expr)


def read_as_a_writer_wrote_it(tmp_path: Path, formula: str) -> str:
    """The rule read from a checks.yaml (the formula on line 4), printed; or its error."""
    quoted = "'" + formula.replace("'", "''") + "'" if formula else ""
    path = tmp_path / "checks.yaml"
    path.write_text(f"规则:\n  - 名称: 样例\n    关系: 甲 = 乙\n  - 关系: {quoted}\n    名称: 样例二\n", encoding="utf-8")
    try:
        rules = load_rules(path)
    except RuleError as error:
        assert error.location is not None and error.location.line == 4, error.location
        return f"错误：{error.message}" + (f"\n提示：{error.hint}" if error.hint else "")
    return printed(rules[1].relation)


CASES = read_fixture_file(FIXTURES / "formulas.txt")


def test_the_table_has_cases_of_both_kinds():
    assert len(CASES) > 50
    assert any(expected.startswith("错误：") for *_, expected in CASES)
    assert any(expected.startswith("(") for *_, expected in CASES)


@pytest.mark.parametrize(("line", "title", "formula", "expected"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_a_formula_reads_as_the_table_says(tmp_path, line, title, formula, expected):
    assert read_as_a_writer_wrote_it(tmp_path, formula) == expected


@pytest.mark.parametrize("formula", ["甲 = " + "(" * 2000 + "乙" + ")" * 2000, "甲 = " + "-" * 5000 + "乙"])
def test_a_formula_nested_too_deeply_is_a_rule_error_not_a_crash(tmp_path, formula):
    assert read_as_a_writer_wrote_it(tmp_path, formula) == (
        "错误：公式“甲 = " + formula[4:20] + "…”嵌套太深\n提示：请减少括号和负号的层数，或拆成几条规则。")
