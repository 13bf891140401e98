"""Loading facts.yaml: typed values that keep their written text and file:line."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import REPO, line_of

from zongjie.errors import FactError, InputEncodingError, YamlError
from zongjie.inputs.facts import load_facts
from zongjie.numbers.quantity import Quantity


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "facts.yaml"
    path.write_bytes(text.encode(encoding))
    return path


def test_every_fact_knows_its_file_and_line():
    path = REPO / "content/岳阳楼区/2023/facts.yaml"
    facts = load_facts(path)
    fact = facts.get("参保.参保人数")
    assert fact.location.file == path
    assert fact.location.line == line_of(path, "参保人数: 429198人")
    assert fact.written == "429198人"


def test_figures_keep_their_written_precision_as_decimals():
    facts = load_facts(REPO / "content/岳阳楼区/2023/facts.yaml")
    assert facts.get("待遇.住院.统筹支付").value == Quantity(Decimal("21469.1"), "万元")
    assert str(facts.get("待遇.住院.统筹支付").value.value) == "21469.1"
    assert str(facts.get("基金.险种.大病互助.支出").value.value) == "443.60"  # trailing zero kept
    assert facts.get("参保.参保率").value == Quantity(Decimal("96.19"), "%")


def test_writers_may_type_grouping_commas_and_full_width_digits(tmp_path):
    facts = load_facts(write(tmp_path, "人数: 429,198人\n金额: １２３．５万元\n"))
    assert facts.get("人数").value == Quantity(Decimal("429198"), "人")
    assert facts.get("人数").written == "429,198人"
    assert facts.get("金额").value == Quantity(Decimal("123.5"), "万元")


def test_dates_and_text_are_typed(tmp_path):
    facts = load_facts(write(tmp_path, "截至: 2023-03-31\n月底: 2023年11月底\n说明: 一站式结算\n"))
    assert facts.get("截至").value == datetime.date(2023, 3, 31)
    assert facts.get("月底").value == datetime.date(2023, 11, 30)
    assert facts.get("说明").value == "一站式结算"


def test_yaml_1_1_and_1_2_surprises_do_not_change_values(tmp_path):
    facts = load_facts(write(tmp_path, "编号: 0108\n月份: 2024.10\n开关: no\n"))
    assert facts.get("编号").written == "0108"
    assert str(facts.get("月份").value.value) == "2024.10"  # not 2024.1
    assert facts.get("开关").value == "no"


def test_a_mistyped_figure_is_an_error_naming_its_line(tmp_path):
    path = write(tmp_path, "参保:\n  参保人数: 4291,98人\n")
    with pytest.raises(FactError) as raised:
        load_facts(path)
    assert raised.value.location.line == 2
    assert "千分位" in raised.value.message
    assert "参保.参保人数" in raised.value.message


def test_duplicate_keys_name_both_lines(tmp_path):
    path = write(tmp_path, "参保:\n  人数: 1人\n  人数: 2人\n")
    with pytest.raises(YamlError) as raised:
        load_facts(path)
    assert raised.value.location.line == 3
    assert "第 2 行" in raised.value.message


def test_full_width_colon_gets_a_hint(tmp_path):
    path = write(tmp_path, "参保:\n  人数: 1人\n  金额：2万元\n  比率: 3%\n")
    with pytest.raises(YamlError) as raised:
        load_facts(path)
    assert "半角冒号" in raised.value.hint


def test_full_width_space_in_indentation_names_the_line(tmp_path):
    path = write(tmp_path, "参保:\n\u3000\u3000人数: 1人\n")
    with pytest.raises(YamlError) as raised:
        load_facts(path)
    assert raised.value.location.line == 2
    assert "全角空格" in raised.value.message


def test_gbk_file_is_read(tmp_path):
    facts = load_facts(write(tmp_path, "参保人数: 429198人\n", encoding="gbk"))
    assert facts.encoding == "gb18030"
    assert facts.get("参保人数").value.value == 429198


def test_undecodable_file_names_line_and_how_to_resave(tmp_path):
    path = tmp_path / "facts.yaml"
    path.write_bytes("甲: 1\n乙: 2\n".encode("utf-8") + b"\xff\xfe\xfa\n")
    with pytest.raises(InputEncodingError) as raised:
        load_facts(path)
    assert raised.value.location.line == 3
    assert "UTF-8" in raised.value.hint


def test_control_character_pasted_from_word_is_located(tmp_path):
    path = write(tmp_path, "甲: 1\n说明: 第一段\x0b第二段\n")
    with pytest.raises(InputEncodingError) as raised:
        load_facts(path)
    assert raised.value.location.line == 2
    assert "U+000B" in raised.value.message


def test_utf8_bom_is_accepted(tmp_path):
    facts = load_facts(write(tmp_path, "\ufeff参保人数: 1人\n"))
    assert facts.get("参保人数").value.value == 1


def test_empty_value_is_absent_but_remembered(tmp_path):
    facts = load_facts(write(tmp_path, "参保:\n  参保人数:\n  参保率: 96%\n"))
    assert facts.get("参保.参保人数") is None
    assert facts.empty_location("参保.参保人数").line == 2


def test_keys_must_be_names_templates_can_write(tmp_path):
    with pytest.raises(FactError) as raised:
        load_facts(write(tmp_path, "待遇:\n  “双通道”待遇: 1人次\n"))
    assert raised.value.location.line == 2


def test_anchors_and_aliases_are_refused(tmp_path):
    with pytest.raises(YamlError):
        load_facts(write(tmp_path, "甲: &a 1人\n乙: *a\n"))


def test_reserved_top_level_names_are_refused(tmp_path):
    with pytest.raises(FactError) as raised:
        load_facts(write(tmp_path, "年度: 2023\n"))
    assert "保留" in raised.value.message


def test_missing_facts_file_says_how_to_create_one(tmp_path):
    with pytest.raises(FactError) as raised:
        load_facts(tmp_path / "facts.yaml")
    assert "zongjie new" in raised.value.hint
