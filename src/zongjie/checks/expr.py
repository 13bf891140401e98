"""The formula language of check rules: tokens, parser and syntax tree.

    relation := sum (("=" | "≈" | "<=" | "≤" | ">=" | "≥" | "<" | ">") sum)?
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "×" | "/" | "÷") unary)*
    unary    := "-" unary | primary
    primary  := NUMBER [UNIT] | reference | "(" sum ")" | FUNCTION "(" reference ")"
    reference:= NAME ("." (NAME | "*"))*        e.g. 待遇.住院.*.人次, 上年.基金.累计结余

FUNCTION is 求和 (sum over a wildcard reference) or 缺省为零 (a fact that may be absent,
counting as 0 then, e.g. 标准分 + 缺省为零(加分)).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Union

from zongjie.numbers.parse import parse_date, parse_quantity
from zongjie.numbers.quantity import Quantity
from zongjie.script import fold


class FormulaError(ValueError):
    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


RELATIONS = {"=": "=", "==": "=", "≈": "=", "<=": "<=", "≤": "<=", ">=": ">=", "≥": ">=", "<": "<", ">": ">"}
FUNCTIONS = {"求和": "sum", "合计": "sum", "sum": "sum", "缺省为零": "optional", "optional": "optional"}


@dataclass(frozen=True)
class Number:
    quantity: Quantity


@dataclass(frozen=True)
class Reference:
    path: str  # may contain "*" segments

    @property
    def is_pattern(self) -> bool:
        return "*" in self.path.split(".")


@dataclass(frozen=True)
class Call:
    function: str
    argument: Reference


@dataclass(frozen=True)
class Unary:
    operand: "Expr"


@dataclass(frozen=True)
class Binary:
    operator: str  # + - * /
    left: "Expr"
    right: "Expr"


@dataclass(frozen=True)
class DateLiteral:
    value: datetime.date
    text: str


Expr = Union[Number, DateLiteral, Reference, Call, Unary, Binary]


@dataclass(frozen=True)
class Relation:
    left: Expr
    operator: str  # = <= >= < >
    right: Expr
    text: str


_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<date>\d{4}(?:-\d{1,2}-\d{1,2}|年\d{1,2}月\d{1,2}日))|"  # a date constant: 2023-12-31
    # a rate constant keeps its "/": 5万元/人次, 600元/人 (a unit, then / and a unit that ends the
    # token; `甲 / 乙.丙` and `100人/知晓率.有效电话` stay divisions by a key)
    r"(?P<number>\d[\d,]*(?:\.\d+)?(?:%|‰|[\u4e00-\u9fff]{1,5}(?:/[\u4e00-\u9fff]{1,4}(?![.\w]))?)?)"
    r"|(?P<op><=|>=|==|[=≈≤≥<>+\-*/×÷().（）])"
    r"|(?P<name>[^\W\d][\w]*)"
    r")"
)


# Operators as typed with a Chinese IME or copied from Word: full-width signs, the
# typographic minus and dashes, ≦/≧.
_HALF_WIDTH_OPERATORS = str.maketrans({
    "＋": "+", "－": "-", "−": "-", "–": "-", "—": "-", "＝": "=", "＜": "<", "＞": ">", "≦": "≤", "≧": "≥",
    "＊": "*", "／": "/", "．": ".", "％": "%", "，": ",", **{chr(0xFF10 + d): str(d) for d in range(10)},
})


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.strip().translate(_HALF_WIDTH_OPERATORS)
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise FormulaError(f"公式“{text}”在“{text[position:position + 6]}”处无法识别",
                               "公式由事实键、数字和 + - × ÷ = <= >= 组成，如“合计 = 甲 + 乙”。")
        kind = match.lastgroup
        value = match.group(kind)
        value = {"（": "(", "）": ")"}.get(value, value)
        tokens.append((kind, value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise FormulaError(f"公式“{self.text}”不完整", "请检查等号两边是否都写了内容、括号是否成对。")
        self.position += 1
        return token

    def expect(self, value: str) -> None:
        kind, found = self.take()
        if found != value:
            raise FormulaError(f"公式“{self.text}”中此处应为“{value}”，却是“{found}”")

    def relation(self) -> Relation:
        left = self.sum()
        token = self.peek()
        if token is None:
            raise FormulaError(f"公式“{self.text}”没有等号或比较符", "规则须写成“合计 = 甲 + 乙”或“甲 <= 乙”。")
        kind, operator = self.take()
        if operator not in RELATIONS:
            raise FormulaError(f"公式“{self.text}”中“{operator}”不是比较符")
        right = self.sum()
        if self.peek() is not None:
            raise FormulaError(f"公式“{self.text}”在“{self.peek()[1]}”处多出内容", "每条规则只写一个等式或不等式。")
        return Relation(left, RELATIONS[operator], right, self.text)

    def sum(self) -> Expr:
        expr = self.product()
        while self.peek() and self.peek()[1] in ("+", "-"):
            operator = self.take()[1]
            expr = Binary(operator, expr, self.product())
        return expr

    def product(self) -> Expr:
        expr = self.unary()
        while self.peek() and self.peek()[1] in ("*", "×", "/", "÷"):
            operator = self.take()[1]
            expr = Binary({"×": "*", "÷": "/"}.get(operator, operator), expr, self.unary())
        return expr

    def unary(self) -> Expr:
        if self.peek() and self.peek()[1] == "-":
            self.take()
            return Unary(self.unary())
        return self.primary()

    def primary(self) -> Expr:
        kind, value = self.take()
        if kind == "number":
            return Number(parse_quantity(value))
        if kind == "date":
            try:
                return DateLiteral(parse_date(value), value)
            except ValueError:
                raise FormulaError(f"公式“{self.text}”中的日期“{value}”不存在", "日期写成 2023-12-31 或 2023年12月31日。") from None
        if value == "(":
            expr = self.sum()
            self.expect(")")
            return expr
        if kind == "name":
            if value not in FUNCTIONS and self.peek() and self.peek()[1] == "(":
                raise FormulaError(f"公式“{self.text}”中有不认识的函数“{value}”",
                                   "可用的函数：求和(分组.*.键)、缺省为零(键)。")
            if value in FUNCTIONS and self.peek() and self.peek()[1] == "(":
                self.take()
                argument = self.reference(self.take())
                self.expect(")")
                return Call(FUNCTIONS[value], argument)
            return self.reference((kind, value))
        raise FormulaError(f"公式“{self.text}”中“{value}”的位置不对")

    def reference(self, first: tuple[str, str]) -> Reference:
        kind, value = first
        if kind != "name":
            raise FormulaError(f"公式“{self.text}”中“{value}”处应为事实键")
        parts = [value]
        while self.peek() and self.peek()[1] == ".":
            self.take()
            kind, part = self.take()
            if kind not in ("name", "op") or (kind == "op" and part != "*"):
                raise FormulaError(f"公式“{self.text}”中“.”后面应为键名或 *")
            parts.append(part)
        # a rule may name a fact in either script, as facts.yaml may
        return Reference(fold(".".join(parts)))


def parse_relation(text: str) -> Relation:
    return _Parser(text).relation()


def references(expr: Expr) -> list[Reference]:
    if isinstance(expr, Reference):
        return [expr]
    if isinstance(expr, Call):
        return [expr.argument]
    if isinstance(expr, Unary):
        return references(expr.operand)
    if isinstance(expr, Binary):
        return references(expr.left) + references(expr.right)
    return []


def summands(expr: Expr) -> list[tuple[int, Expr]] | None:
    """The terms of a pure sum/difference with their signs, or None if it is not one."""
    if isinstance(expr, Binary) and expr.operator in "+-":
        left = summands(expr.left)
        right = summands(expr.right)
        if left is None or right is None:
            return None
        sign = 1 if expr.operator == "+" else -1
        return left + [(sign * s, term) for s, term in right]
    if isinstance(expr, (Reference, Call, Number)):
        return [(1, expr)]
    return None
