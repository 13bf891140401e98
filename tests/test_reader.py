"""Rendered Markdown → document model: what a Chinese writer's Markdown means."""

from __future__ import annotations

from zongjie.document.model import Emphasis, Heading, ListBlock, PageBreak, Paragraph, Strong, Table, Text, plain_text
from zongjie.document.numbering import number_headings, parse_patterns
from zongjie.document.reader import read_document


def paragraphs(markdown: str) -> list[str]:
    return [plain_text(block.content) for block in read_document(markdown).blocks if isinstance(block, Paragraph)]


def test_line_break_inside_chinese_text_adds_no_space():
    assert paragraphs("全区参保人数\n合计429198人，\n参保率96.19%。\n") == ["全区参保人数合计429198人，参保率96.19%。"]


def test_line_break_between_latin_words_stays_a_space():
    assert paragraphs("DRG and\nDIP reform\n") == ["DRG and DIP reform"]


def test_line_break_next_to_chinese_quotes_adds_no_space():
    assert paragraphs("居民\n“双通道”待遇\n") == ["居民“双通道”待遇"]


def test_bold_lead_phrase_ending_in_full_width_stop_is_bold():
    document = read_document("**一是高位推动。**今年以来成立专项整治领导小组。\n")
    paragraph = document.blocks[0]
    assert paragraph.content[0] == Strong((Text("一是高位推动。"),))
    assert plain_text(paragraph.content) == "一是高位推动。今年以来成立专项整治领导小组。"


def test_indented_paragraph_is_text_not_code():
    assert paragraphs("    今年以来，我区医疗保障工作稳步推进。\n") == ["今年以来，我区医疗保障工作稳步推进。"]
    assert paragraphs("\u3000\u3000今年以来，稳步推进。\n") == ["今年以来，稳步推进。"]


def test_raw_html_is_text_not_markup():
    assert paragraphs("<script>alert(1)</script>\n") == ["<script>alert(1)</script>"]


def test_front_matter_gives_title_signature_and_date():
    document = read_document("---\n标题: 某区2023年度工作总结\n落款: 某区医疗保障局\n成文日期: 2023年12月20日\n---\n正文。\n")
    assert plain_text(document.meta.title) == "某区2023年度工作总结"
    assert plain_text(document.meta.signature) == "某区医疗保障局"
    assert plain_text(document.meta.date) == "2023年12月20日"
    assert paragraphs("---\n标题: 甲\n---\n正文。\n") == ["正文。"]


def test_tables_keep_alignment_and_cells():
    document = read_document("| 项目 | 金额 |\n|:---|---:|\n| 收入 | 11720.82 |\n")
    table = document.blocks[0]
    assert isinstance(table, Table)
    assert table.align == ("left", "right")
    assert plain_text(table.rows[0][1]) == "11720.82"


def test_thematic_break_is_a_page_break_and_lists_are_lists():
    document = read_document("甲\n\n---\n\n1. 一\n2. 二\n")
    assert isinstance(document.blocks[1], PageBreak)
    assert isinstance(document.blocks[2], ListBlock) and document.blocks[2].ordered


def test_headings_are_numbered_in_the_official_hierarchy():
    document = number_headings(read_document("# 甲\n## 乙\n### 丙\n#### 丁\n## 戊\n# 己\n## 庚\n"))
    numbers = [block.number for block in document.blocks if isinstance(block, Heading)]
    assert numbers == ["一、", "（一）", "1.", "（1）", "（二）", "二、", "（一）"]


def test_numbering_is_configurable_for_news_style():
    document = number_headings(read_document("# 甲\n# 乙\n# 丙\n"), parse_patterns(("{A} ",)))
    assert [block.number for block in document.blocks] == ["A ", "B ", "C "]


def test_a_left_out_section_leaves_no_gap():
    with_all = number_headings(read_document("# 完成情况\n# 特色亮点\n# 存在问题\n# 工作打算\n"))
    without_problems = number_headings(read_document("# 完成情况\n# 特色亮点\n# 工作打算\n"))
    assert [b.number for b in with_all.blocks] == ["一、", "二、", "三、", "四、"]
    assert [(b.number, plain_text(b.content)) for b in without_problems.blocks][-1] == ("三、", "工作打算")


def test_emphasis_is_kept_as_emphasis():
    assert isinstance(read_document("这是*强调*。\n").blocks[0].content[1], Emphasis)


def test_fast_text_rule_stops_where_markdown_it_does():
    """reader.py replaces markdown-it's `text` rule with a regex; it must stop at exactly the
    characters markdown-it stops at, or emphasis and escapes would change meaning."""
    from markdown_it.rules_inline.text import _TerminatorChars

    from zongjie.document.reader import _TERMINATOR

    stops = {chr(code) for code in range(0x3000) if _TERMINATOR.match(chr(code))}
    assert stops == set(_TerminatorChars)
