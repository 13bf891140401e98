"""A diff as the writer reads it (Chinese text) or as tools read it (JSON)."""

from __future__ import annotations

import json
from pathlib import Path

from zongjie.review.diffing import DiffResult
from zongjie.review.notes import key_words

_STRUCTURE = {"split": "段落被拆分", "merged": "段落被合并"}
_PROSE = {"narrative": "叙述改动", "template": "模板文字改动", "added": "新增文字", "deleted": "删去文字"}


def origin_text(origin, root: Path) -> str:
    if origin is None:
        return ""
    path = _shown(origin.path, root)
    if origin.number:
        lines = f"{origin.start}" if origin.start == origin.end else f"{origin.start}–{origin.end}"
        return f"{path} 第 {origin.number} 段（第 {lines} 行）"
    return f"{path}（含模板语句的段落）"


def style_words(name: str) -> str:
    """A style as Word/WPS shows it in Chinese: heading3 → 标题 3, normal → 正文."""
    import re

    match = re.fullmatch(r"heading(\d)", name)
    if match:
        return f"标题 {match.group(1)}"
    return {"normal": "正文", "title": "标题", "subtitle": "副标题"}.get(name, name)


def _shown(path: Path, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).name


def text_report(result: DiffResult, root: Path, label: str) -> str:
    lines: list[str] = []
    if result.pending:
        lines.append(f"提示：文档中还有 {result.pending} 处未接受的修订，已按“全部接受”后的文字比较。")
    if result.figures:
        lines.append(f"数字改动 {len(result.figures)} 处（数字只能在 facts.yaml 中改，--apply 不会改数字）：")
        for figure in result.figures:
            where = "；".join(figure.places)
            edited = figure.edited or "（删去）"
            lines.append(f"  [{figure.section or '开头'}] {'、'.join(key_words(k) for k in figure.keys)}：{figure.built} → {edited}")
            lines.append(f"      事实位置：{where}")
            if figure.breaks is None:
                lines.append(f"      校验：{'；'.join(figure.checks) or '未能校验'}")
            else:
                verdict = "改后会违反校验规则" if figure.breaks else "改后校验仍然通过"
                lines.append(f"      校验：{verdict}（{'；'.join(figure.checks)}）")
    for prose in result.prose:
        head = f"{_PROSE[prose.kind]} [{prose.section or '开头'}]"
        if prose.origin is not None:
            where = "在 {} 之后" if prose.kind == "added" else "来自 {}"
            head += " " + where.format(origin_text(prose.origin, root))
        lines.append(head + "：")
        lines.append(f"      {prose.diff}")
        lines.append("      可用 --apply 写回叙述文件" if prose.applicable else f"      {prose.reason}")
    for regrouped in result.structure:
        origin = f" 来自 {origin_text(regrouped.origin, root)}" if regrouped.origin else ""
        lines.append(f"{_STRUCTURE[regrouped.kind]} [{regrouped.section or '开头'}]{origin}：{len(regrouped.old)} 段 → {len(regrouped.new)} 段，文字未变")
        lines.extend(f"      ¶ {text}" for text in regrouped.new)
    for style in result.styles:
        lines.append(f"样式改动 [{style.section or '开头'}] “{style.text}”：{style_words(style.built)} → {style_words(style.edited)}")
    for comment in result.comments:
        lines.append(f"批注 [{comment.section or '开头'}] {comment.author or '（无作者）'} 在“{comment.anchor}”处：{comment.text}")
    if not lines or (len(lines) == 1 and result.pending):
        lines.append("编辑后的文档与当前生成的文档一致。")
    summary = (f"{label}：数字改动 {len(result.figures)} 处，文字改动 {len(result.prose)} 处，"
               f"分段改动 {len(result.structure)} 处，样式改动 {len(result.styles)} 处，批注 {len(result.comments)} 条。")
    return "\n".join(lines + [summary])


def json_report(result: DiffResult, root: Path) -> str:
    def origin(value):
        if value is None:
            return None
        return {"file": _shown(value.path, root), "paragraph": value.number or None,
                "lines": [value.start, value.end] if value.number else None, "has_template": value.has_template}

    data = {
        "figures_differ": bool(result.figures),
        "pending_tracked_changes": result.pending,
        "figures": [{"keys": list(c.keys), "sources": list(c.places), "built": c.built, "edited": c.edited,
                     "section": c.section, "breaks_rule": c.breaks, "checks": c.checks} for c in result.figures],
        "paragraphs": [{"kind": c.kind, "section": c.section, "origin": origin(c.origin), "old": c.old, "new": c.new,
                        "diff": c.diff, "applicable": c.applicable, "reason": c.reason} for c in result.prose],
        "structure": [{"kind": c.kind, "section": c.section, "old": c.old, "new": c.new, "origin": origin(c.origin)}
                      for c in result.structure],
        "styles": [{"section": c.section, "text": c.text, "built": c.built, "edited": c.edited} for c in result.styles],
        "comments": [{"author": c.author, "text": c.text, "anchor": c.anchor, "section": c.section} for c in result.comments],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
