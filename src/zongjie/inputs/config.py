"""config.yaml: workspace settings, each key validated with a message naming it.

Keys are English (like mkdocs' config), documented in Chinese in the README and in the
config.yaml that `zongjie init` writes. Settings under `districts:` override the defaults for
one district; anything not set there falls back to the top level.
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct, field
from msgspec.structs import replace

from zongjie.errors import ConfigError
from zongjie.fonts import font_role
from zongjie.inputs.yamlio import YMap, YNode, YScalar, YSeq, load_yaml
from zongjie.location import Location
from zongjie.script import fold

CONFIG_FILE = "config.yaml"
FORMATS = ("docx", "html", "md")
OPT_IN_FORMATS = ("pdf",)  # chosen by name only: needs LibreOffice
LOCALES = ("zh_CN", "zh_Hant_TW", "zh_Hant_HK")


class DocumentSettings(Struct, frozen=True):
    """Everything that decides how one district's documents are made."""

    organisation: str = "{地区}医疗保障局"
    template: str = "医保年度工作总结"
    formats: tuple[str, ...] = FORMATS
    locale: str = "zh_CN"
    reference_docx: str = ""  # a .docx whose styles win over zongjie's (like pandoc's --reference-doc)
    # (Simplified, as the Traditional locale writes it): proper names OpenCC would get wrong
    phrases: tuple[tuple[str, str], ...] = ()
    # (role, font family): East Asian fonts chosen over the locale's defaults (see fonts.py)
    fonts: tuple[tuple[str, str], ...] = ()

    def organisation_for(self, district: str) -> str:
        return self.organisation.replace("{地区}", district)


class City(Struct, frozen=True):
    """A city (or province) whose summary rolls up its member districts."""

    name: str
    members: tuple[str, ...]
    location: Location
    settings: DocumentSettings = DocumentSettings()


class Config(Struct, frozen=True):
    root: Path
    path: Path | None
    defaults: DocumentSettings = DocumentSettings()
    districts: dict[str, DocumentSettings] = field(default_factory=dict)
    cities: dict[str, City] = field(default_factory=dict)
    output: str = "build"

    def settings_for(self, district: str) -> DocumentSettings:
        return self.districts.get(district, self.defaults)


def load_config(root: Path) -> Config:
    path = root / CONFIG_FILE
    if not path.is_file():
        raise ConfigError(
            f"在 {root} 中找不到 {CONFIG_FILE}，这里不是 zongjie 工作区",
            Location(path),
            "请进入工作区文件夹再运行，或用 --workspace 指定；新建工作区可运行 zongjie init 文件夹名。",
        )
    document = load_yaml(path)
    root_node = document.root
    if root_node is None:
        return Config(root, path)
    if not isinstance(root_node, YMap):
        raise ConfigError("config.yaml 的最外层必须是“键: 值”", root_node.location)
    _reject_unknown(root_node, {"organisation", "template", "formats", "locale", "reference_docx", "output",
                                "districts", "cities", *_LOCALE_KEYS})
    defaults = _settings(root_node, DocumentSettings())
    districts = {}
    districts_node = root_node.get("districts")
    if districts_node is not None:
        for name, (_key, node) in _mapping(districts_node, "districts").entries.items():
            if isinstance(node, YScalar) and node.is_null:
                districts[name] = defaults
                continue
            district_map = _mapping(node, f"districts.{name}")
            _reject_unknown(district_map, {"organisation", "template", "formats", "locale", "reference_docx",
                                           *_LOCALE_KEYS})
            districts[name] = _settings(district_map, defaults)
    output = _text(root_node.get("output"), "output") or "build"
    return Config(root, path, defaults, districts, _cities(root_node.get("cities"), defaults), output)


def _settings(node: YMap, base: DocumentSettings) -> DocumentSettings:
    settings = base
    organisation_node = node.get("organisation")
    organisation = _text(organisation_node, "organisation")
    if organisation_node is not None and organisation:
        stray = re.search(r"\{(?!地区\})[^}]*\}?", organisation)
        if stray:
            raise ConfigError(
                f"organisation 中的“{stray.group()}”不认识",
                organisation_node.location,
                "单位名称里只能用 {地区} 代表地区名，如“{地区}医疗保障局”。",
            )
        settings = replace(settings, organisation=organisation)
    template = _text(node.get("template"), "template")
    if template:
        settings = replace(settings, template=template)
    reference = _text(node.get("reference_docx"), "reference_docx")
    if reference:
        settings = replace(settings, reference_docx=reference)
    formats_node = node.get("formats")
    if formats_node is not None:
        settings = replace(settings, formats=parse_formats(_texts(formats_node, "formats"), formats_node.location))
    locale_node = node.get("locale")
    locale = _text(locale_node, "locale")
    if locale_node is not None and locale:
        if locale not in LOCALES:
            raise ConfigError(
                f"locale 的值“{locale}”不支持",
                locale_node.location,
                f"可选：{'、'.join(LOCALES)}（简体 / 台湾繁体 / 香港繁体）。",
            )
        settings = replace(settings, locale=locale)
    return _locale_settings(node, settings)


_LOCALE_KEYS = ("phrases", "fonts")


def _locale_settings(node: YMap, settings: DocumentSettings) -> DocumentSettings:
    """`phrases:` (专名对照) and `fonts:` (字体): each a mapping of texts, validated here."""
    phrases_node = node.get("phrases")
    if phrases_node is not None:
        pairs = _text_pairs(phrases_node, "phrases", "写成“简体: 繁体”，如 腾冲: 騰沖。")
        # the key is matched against the Simplified document: 騰沖 and 腾冲 both mean 腾冲
        merged = dict(settings.phrases)  # a district's phrases add to (or correct) the workspace's
        merged.update((fold(simplified), written) for simplified, written, _ in pairs)
        settings = replace(settings, phrases=tuple(merged.items()))
    fonts_node = node.get("fonts")
    if fonts_node is not None:
        chosen = dict(settings.fonts)
        for role, family, location in _text_pairs(fonts_node, "fonts", "写成“用途: 字体名”，如 正文: 標楷體。"):
            chosen[font_role(role, location)] = family
        settings = replace(settings, fonts=tuple(chosen.items()))
    return settings


def _text_pairs(node: YNode, key: str, how: str) -> list[tuple[str, str, Location]]:
    if isinstance(node, YScalar) and node.is_null:
        return []
    if not isinstance(node, YMap):
        raise ConfigError(f"{key} 应当是“键: 值”的分组", node.location, "请在下一行缩进后逐项" + how)
    pairs = []
    for name, (key_node, value) in node.entries.items():
        text = _text(value, f"{key}.{name}")
        if not name.strip() or not text:
            raise ConfigError(f"{key} 中“{name}”的值是空的", key_node.location, how)
        pairs.append((name.strip(), text, key_node.location))
    return pairs


def parse_formats(names: list[str], location: Location | None = None) -> tuple[str, ...]:
    formats = []
    for name in names:
        name = name.strip().lower().lstrip(".")
        if name == "markdown":
            name = "md"
        if name not in FORMATS + OPT_IN_FORMATS:
            raise ConfigError(f"不认识的输出格式“{name}”", location, "可选：docx、html、md、pdf（pdf 需要安装 LibreOffice）。")
        if name not in formats:
            formats.append(name)
    if not formats:
        raise ConfigError("至少要选一种输出格式", location, "可选：docx、html、md。")
    return tuple(formats)


def _cities(node: YNode | None, defaults: DocumentSettings) -> dict[str, City]:
    if node is None:
        return {}
    cities = {}
    for name, (key, city_node) in _mapping(node, "cities").entries.items():
        city_map = _mapping(city_node, f"cities.{name}")
        _reject_unknown(city_map, {"members", "organisation", "template", "formats", "locale", "reference_docx",
                                   *_LOCALE_KEYS})
        members_node = city_map.get("members")
        if members_node is None:
            raise ConfigError(f"cities.{name} 缺少 members（下辖区县列表）", city_map.location)
        members = tuple(_texts(members_node, f"cities.{name}.members"))
        if not members or name in members:
            raise ConfigError(
                f"cities.{name}.members 应列出下辖的地区（不能为空，也不能包含市本身）",
                members_node.location,
                "写成 members: [某区, 某县]；市本级的数字写在 content/<市>/<年度>/facts.yaml。",
            )
        cities[name] = City(name, members, key.location, _settings(city_map, defaults))
    return cities


def _mapping(node: YNode, key: str) -> YMap:
    if not isinstance(node, YMap):
        raise ConfigError(f"{key} 应当是“键: 值”的分组", node.location, "请在下一行缩进后逐项写出。")
    return node


def _text(node: YNode | None, key: str) -> str | None:
    if node is None or (isinstance(node, YScalar) and node.is_null):
        return None
    if not isinstance(node, YScalar):
        raise ConfigError(f"{key} 应当是一段文字", node.location)
    return node.text.strip()


def _texts(node: YNode, key: str) -> list[str]:
    if isinstance(node, YScalar):
        return [part for part in node.text.replace("，", ",").split(",") if part.strip()]
    if isinstance(node, YSeq):
        scalars = [item for item in node.items if isinstance(item, YScalar)]
        if len(scalars) == len(node.items):
            return [item.text.strip() for item in scalars]
    raise ConfigError(f"{key} 应当是一个列表", node.location, "写成 [a, b] 或逐行“- a”。")


def _reject_unknown(node: YMap, known: set[str]) -> None:
    for name, (key, _value) in node.entries.items():
        if name not in known:
            raise ConfigError(
                f"不认识的配置项“{name}”",
                key.location,
                f"这一层可用的配置项：{'、'.join(sorted(known))}。请检查拼写。",
            )
