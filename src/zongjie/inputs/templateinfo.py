"""A template folder and its `template.yaml`: entry file, heading numbering, required sections.

    description: 区县医疗保障局年度工作总结
    entry: 正文.md
    numbering: ["{一}、", "（{一}）", "{1}.", "（{1}）"]
    required_sections: [年度工作完成情况, 特色亮点工作]

Rules every district using the template must satisfy live beside it in `checks.yaml`; the
skeleton `zongjie new` starts a first year from is `facts.yaml` in the same folder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from msgspec import Struct

from zongjie.document.model import LevelNumbering
from zongjie.document.numbering import OFFICIAL_NUMBERING, parse_patterns
from zongjie.errors import TemplateError
from zongjie.inputs.containment import ensure_inside
from zongjie.inputs.yamlio import YMap, YScalar, YSeq, load_yaml
from zongjie.location import Location

MANIFEST = "template.yaml"
_KEYS = {"description", "entry", "numbering", "required_sections", "captions"}
_TRUE, _FALSE = {"true", "yes", "on", "是", "编号"}, {"false", "no", "off", "否", "不编号"}


class TemplateInfo(Struct, frozen=True):
    name: str
    folder: Path
    entry: str = "正文.md"
    numbering: tuple[LevelNumbering | None, ...] = OFFICIAL_NUMBERING  # parsed from the patterns
    description: str = ""
    required_sections: tuple[str, ...] = ()
    captions: bool = False  # number captions 图1、表1 (pictures and charts below, tables above)

    @property
    def rules_path(self) -> Path | None:
        return self._own_file("checks.yaml", "校验规则文件")

    @property
    def skeleton_path(self) -> Path | None:
        return self._own_file("facts.yaml", "事实骨架")

    def _own_file(self, name: str, what: str) -> Path | None:
        """A file of the template, which (like its .md files) may not link out of its folder."""
        path = self.folder / name
        if not path.is_file():
            return None
        return ensure_inside(path, self.folder, what)


def load_template_info(templates_dir: Path, name: str) -> TemplateInfo:
    if not name or name.startswith(".") or any(ch in name for ch in "/\\:") or Path(name).is_absolute():
        raise TemplateError(
            f"模板名“{name}”不是 templates/ 下的一个文件夹名",
            Location(templates_dir),
            "模板名只能是 templates/ 下的文件夹名（如 医保年度工作总结），不能写路径。",
        )
    manifest = templates_dir / name / MANIFEST
    stat = manifest.stat() if manifest.is_file() else None
    return _load_template_info(templates_dir, name, stat.st_mtime_ns if stat else 0)


@lru_cache(maxsize=64)
def _load_template_info(templates_dir: Path, name: str, manifest_mtime_ns: int) -> TemplateInfo:
    folder = templates_dir / name
    if not folder.is_dir():
        available = sorted(p.name for p in templates_dir.iterdir() if p.is_dir()) if templates_dir.is_dir() else []
        raise TemplateError(
            f"没有名为“{name}”的模板",
            Location(templates_dir),
            f"已有的模板：{'、'.join(available) or '（无）'}。请检查 config.yaml 中的 template。",
        )
    manifest = folder / MANIFEST
    info = TemplateInfo(name, folder)
    if not manifest.is_file():
        return info
    root = load_yaml(manifest).root
    if root is None:
        return info
    if not isinstance(root, YMap):
        raise TemplateError("template.yaml 的最外层必须是“键: 值”", root.location)
    for key, (key_node, _value) in root.entries.items():
        if key not in _KEYS:
            raise TemplateError(f"template.yaml 中不认识的键“{key}”", key_node.location, f"可用的键：{'、'.join(sorted(_KEYS))}。")
    description, entry = _text(root, "description"), _text(root, "entry")
    numbering, required_sections = _texts(root, "numbering"), _texts(root, "required_sections")
    captions = _flag(root, "captions")
    levels = parse_patterns(*numbering) if numbering is not None else None  # validated and parsed once
    info = TemplateInfo(
        name, folder,
        entry=info.entry if entry is None else entry,
        numbering=info.numbering if levels is None else levels,
        description=info.description if description is None else description,
        required_sections=info.required_sections if required_sections is None else required_sections[0],
        captions=info.captions if captions is None else captions,
    )
    if not (folder / info.entry).is_file():
        raise TemplateError(f"模板“{name}”缺少入口文件 {info.entry}", Location(manifest), "请检查 template.yaml 中的 entry。")
    return info


def _text(root: YMap, key: str) -> str | None:
    node = root.get(key)
    return node.text.strip() if isinstance(node, YScalar) and not node.is_null else None


def _texts(root: YMap, key: str) -> tuple[tuple[str, ...], Location] | None:
    """A list of texts and where it is written."""
    node = root.get(key)
    if node is None:
        return None
    scalars = [item for item in node.items if isinstance(item, YScalar)] if isinstance(node, YSeq) else []
    if not isinstance(node, YSeq) or len(scalars) != len(node.items):
        raise TemplateError(f"template.yaml 中 {key} 应当是列表", node.location)
    return tuple(item.text for item in scalars), node.location


def _flag(root: YMap, key: str) -> bool | None:
    node = root.get(key)
    if not isinstance(node, YScalar) or node.is_null:
        return None
    flag = node.text.strip().lower()
    if flag not in _TRUE | _FALSE:
        raise TemplateError(f"template.yaml 中 {key} 应当是 true 或 false，而不是“{node.text}”", node.location)
    return flag in _TRUE
