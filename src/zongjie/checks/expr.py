"""The formula language of check rules: tokens, parser and syntax tree.

    relation := sum (("=" | "≈" | "<=" | "≤" | ">=" | "≥" | "<" | ">") sum)?
    sum      := product (("+" | "-") product)*
    product  := unary (("*" | "×" | "/" | "÷") unary)*
    unary    := "-" unary | primary
    primary  := NUMBER [UNIT] | reference | "(" sum ")" | FUNCTION "(" reference ")"
    reference:= NAME ("." (NAME | "*"))*        e.g. 待遇.住院.*.人次, 上年.基金.累计结余

FUNCTION is 求和 (sum over a wildcard reference) or 缺省为零 (a fact that may be absent,
counting as 0 then, e.g. 标准分 + 缺省为零(加分)).

The tree's shape is known in one place, `children`; `nodes` and `map_references` are the
traversal every consumer builds on (after pandoc's Walk: a question or a rewrite over every
reference is one line, not one more recursion). Code that gives each node kind a meaning
(the evaluator, the printer) dispatches with `match` and fails loudly on an unknown kind.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import NoReturn, Union, assert_never

from msgspec import Struct

from zongjie.errors import NumberFormatError
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


class Number(Struct, frozen=True, dict=True):
    quantity: Quantity


class Reference(Struct, frozen=True, dict=True):
    path: str  # may contain "*" segments

    @property
    def is_pattern(self) -> bool:
        return "*" in self.path.split(".")


class Call(Struct, frozen=True, dict=True):
    function: str
    argument: Reference


class Unary(Struct, frozen=True, dict=True):
    operand: "Expr"


class Binary(Struct, frozen=True, dict=True):
    operator: str  # + - * /
    left: "Expr"
    right: "Expr"


class DateLiteral(Struct, frozen=True, dict=True):
    value: datetime.date
    text: str


Expr = Union[Number, DateLiteral, Reference, Call, Unary, Binary]


class Relation(Struct, frozen=True):
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
            shown = text[position:].lstrip()[:6]  # from the character itself, not the space before it
            raise FormulaError(f"公式“{text}”在“{shown}”处无法识别",
                               "公式由事实键、数字和 + - × ÷ = <= >= 组成，如“合计 = 甲 + 乙”。")
        kind = match.lastgroup
        assert kind is not None  # every alternative of _TOKEN is a named group
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

    def peek_value(self) -> str | None:
        token = self.peek()
        return token[1] if token else None

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
        self.side_given("左")
        left = self.sum()
        token = self.peek()
        if token is None:
            raise FormulaError(f"公式“{self.text}”没有等号或比较符", "规则须写成“合计 = 甲 + 乙”或“甲 <= 乙”。")
        kind, operator = self.take()
        if operator not in RELATIONS:
            self.unexpected(operator)
        self.side_given("右", operator)
        right = self.sum()
        leftover = self.peek()
        if leftover is not None and leftover[1] in RELATIONS:
            raise FormulaError(f"公式“{self.text}”在“{leftover[1]}”处多出内容", "每条规则只写一个等式或不等式。")
        if leftover is not None:
            self.unexpected(leftover[1])
        return Relation(left, RELATIONS[operator], right, self.text)

    def side_given(self, side: str, operator: str | None = None) -> None:
        """`= 乙` or `甲 =`: one side of the relation left empty."""
        following = self.peek_value()
        if operator is not None and following in RELATIONS:  # 甲 =< 乙, 甲 <> 乙
            raise FormulaError(f"公式“{self.text}”中“{operator}”后面紧跟着“{following}”",
                               "比较符只写一个：= <= >= < > ≤ ≥。")
        if following is None or following in RELATIONS:
            shown = operator or following or "="
            raise FormulaError(f"公式“{self.text}”中“{shown}”{side}边没有内容", "规则须写成“合计 = 甲 + 乙”或“甲 <= 乙”。")

    def unexpected(self, value: str) -> NoReturn:
        """A token after a complete expression that neither continues nor compares it."""
        if value == ")":
            raise FormulaError(f"公式“{self.text}”中多了一个“)”", "请检查括号是否成对。")
        raise FormulaError(f"公式“{self.text}”在“{value}”之前少了运算符",
                           "键和数字之间要用 + - × ÷ 或比较符连接；数字要和单位连写，如 5万元。")

    def sum(self) -> Expr:
        expr = self.product()
        while self.peek_value() in ("+", "-"):
            operator = self.take()[1]
            expr = Binary(operator, expr, self.product())
        return expr

    def product(self) -> Expr:
        expr = self.unary()
        while self.peek_value() in ("*", "×", "/", "÷"):
            operator = self.take()[1]
            expr = Binary({"×": "*", "÷": "/"}.get(operator, operator), expr, self.unary())
        return expr

    def unary(self) -> Expr:
        if self.peek_value() == "-":
            self.take()
            return Unary(self.unary())
        return self.primary()

    def primary(self) -> Expr:
        kind, value = self.take()
        if kind == "number":
            try:
                return Number(parse_quantity(value))
            except NumberFormatError as error:  # 1,,000元: the number's own message, at the rule's line
                raise FormulaError(f"公式“{self.text}”有误：{error.message}", error.hint) from None
        if kind == "date":
            try:
                date = parse_date(value)
            except ValueError:
                date = None
            if not isinstance(date, datetime.date):  # the token always has a day: a date or an error
                raise FormulaError(f"公式“{self.text}”中的日期“{value}”不存在", "日期写成 2023-12-31 或 2023年12月31日。")
            return DateLiteral(date, value)
        if value == "(":
            if self.peek_value() == ")":
                raise FormulaError(f"公式“{self.text}”中有一对空括号", "括号里要写事实键、数字或算式，或删去这对括号。")
            expr = self.sum()
            self.expect(")")
            return expr
        if kind == "name":
            if value not in FUNCTIONS and self.peek_value() == "(":
                raise FormulaError(f"公式“{self.text}”中有不认识的函数“{value}”",
                                   "可用的函数：求和(分组.*.键)、缺省为零(键)。")
            if value in FUNCTIONS and self.peek_value() == "(":
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
        while self.peek_value() == ".":
            self.take()
            kind, part = self.take()
            if kind not in ("name", "op") or (kind == "op" and part != "*"):
                raise FormulaError(f"公式“{self.text}”中“.”后面应为键名或 *")
            parts.append(part)
        # a rule may name a fact in either script, as facts.yaml may
        return Reference(fold(".".join(parts)))


def parse_relation(text: str) -> Relation:
    try:
        return _Parser(text).relation()
    except RecursionError:  # hundreds of nested brackets or minus signs: deeper than Python's stack
        raise FormulaError(f"公式“{text[:20]}…”嵌套太深", "请减少括号和负号的层数，或拆成几条规则。") from None


def children(expr: Expr) -> tuple[Expr, ...]:
    """The nodes directly below one: a call's argument is a child (a reference like any other)."""
    match expr:
        case Binary():
            return (expr.left, expr.right)
        case Reference() | Number() | DateLiteral():
            return ()
        case Unary():
            return (expr.operand,)
        case Call():
            return (expr.argument,)
        case _:
            assert_never(expr)


def nodes(expr: Expr) -> tuple[Expr, ...]:
    """Every node, depth-first, left to right: the order the formula is written in.

    The nodes below are remembered in the node's __dict__ (trees are immutable; not a field, so
    equality, hashing and replace() ignore it; never the node itself, so no reference cycle):
    a document's checks ask the same rules' keys hundreds of times."""
    below: tuple[Expr, ...] | None = expr.__dict__.get("_below")
    if below is None:
        below = tuple(node for child in children(expr) for node in nodes(child))
        expr.__dict__["_below"] = below
    return (expr, *below)


def map_references(expr: Expr, change: Callable[[Reference], Reference]) -> Expr:
    """The same formula with every reference (call arguments included) replaced by `change`'s."""
    match expr:
        case Binary():
            return Binary(expr.operator, map_references(expr.left, change), map_references(expr.right, change))
        case Reference():
            return change(expr)
        case Number() | DateLiteral():
            return expr
        case Unary():
            return Unary(map_references(expr.operand, change))
        case Call():
            return Call(expr.function, change(expr.argument))
        case _:
            assert_never(expr)


def references(expr: Expr) -> list[Reference]:
    return [node for node in nodes(expr) if isinstance(node, Reference)]


def optional_references(expr: Expr) -> list[Reference]:
    """The arguments of 缺省为零(…): facts that count as 0 when absent."""
    return [node.argument for node in nodes(expr) if isinstance(node, Call) and node.function == "optional"]


def summed_references(expr: Expr) -> list[Reference]:
    """The arguments of 求和(…): the only place a wildcard reference has a meaning (缺省为零
    reads one fact, so 缺省为零(分组.*) would silently take whichever came first)."""
    return [node.argument for node in nodes(expr) if isinstance(node, Call) and node.function == "sum"]


def summands(expr: Expr) -> list[tuple[int, Expr]] | None:
    """The terms of a pure sum/difference with their signs, or None if it is not one."""
    match expr:
        case Binary(operator="+" | "-" as operator, left=left, right=right):
            left_terms, right_terms = summands(left), summands(right)
            if left_terms is None or right_terms is None:
                return None
            sign = 1 if operator == "+" else -1
            return left_terms + [(sign * s, term) for s, term in right_terms]
        case Reference() | Call() | Number():
            return [(1, expr)]
        case Binary() | Unary() | DateLiteral():
            return None
        case _:
            assert_never(expr)


PREVIOUS_YEAR = "上年"  # the prefix of last year's keys in a formula: 上年.参保.参保人数


def path_pattern(path: str) -> re.Pattern:
    """A dotted key pattern: `*` stands for exactly one key."""
    return re.compile("^" + r"\.".join("[^.]+" if part == "*" else re.escape(part) for part in path.split(".")) + "$")
