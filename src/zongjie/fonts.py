"""East Asian fonts per locale: what stands in for the official GB2312 fonts in Traditional.

GB/T 9704 names 仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体 and 宋体; those fonts lack about
a third of the characters of a Traditional report (醫, 療, 險 …), so a Taiwan or Hong Kong
document uses the fonts its readers' Word has: 標楷體 (Taiwan official documents are set in
it), 新細明體, 微軟正黑體. Each font has a *role* (正文, 标题, 一级标题, 二级标题, 页码) that
`fonts:` in config.yaml may set, for any locale.

tools/fonts.conf maps these names to free fonts (AR PL UKai/UMing, Noto CJK TC/HK), so the
LibreOffice render check shows the right kind of glyphs on Linux.
"""

from __future__ import annotations

import re

from zongjie.errors import ConfigError
from zongjie.location import Location
from zongjie.script import fold

# role → the official font it stands for (the names the DOCX styles are written with)
OFFICIAL = {
    "正文": "仿宋_GB2312",  # body, 3rd/4th level headings, signature, tables
    "标题": "方正小标宋简体",  # the document title
    "一级标题": "黑体",  # 一、 headings and table header rows
    "二级标题": "楷体_GB2312",  # （一） headings, the subtitle and emphasis
    "页码": "宋体",  # page numbers
}
ROLES = tuple(OFFICIAL)

LOCALE_DEFAULTS = {
    "zh_CN": {},
    "zh_Hant_TW": {"正文": "標楷體", "标题": "標楷體", "一级标题": "微軟正黑體", "二级标题": "標楷體", "页码": "新細明體"},
    "zh_Hant_HK": {"正文": "新細明體", "标题": "標楷體", "一级标题": "微軟正黑體", "二级标题": "標楷體", "页码": "新細明體"},
}

# CSS fallbacks after a font's own name: its Latin name on Windows/macOS, then free fonts.
_CSS_FALLBACKS = {
    "仿宋_GB2312": ["FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "AR PL UMing CN", "Noto Serif CJK SC", "serif"],
    "方正小标宋简体": ["FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "华文中宋", "STZhongsong", "Noto Serif CJK SC", "serif"],
    "黑体": ["SimHei", "STHeiti", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "sans-serif"],
    "楷体_GB2312": ["KaiTi_GB2312", "楷体", "KaiTi", "STKaiti", "AR PL UKai CN", "Noto Serif CJK SC", "serif"],
    "宋体": ["SimSun", "Noto Serif CJK SC", "serif"],
    "標楷體": ["DFKai-SB", "BiauKai", "AR PL UKai TW", "Noto Serif CJK TC", "serif"],
    "新細明體": ["PMingLiU", "細明體", "MingLiU", "AR PL UMing TW", "Noto Serif CJK TC", "serif"],
    "細明體_HKSCS": ["MingLiU_HKSCS", "新細明體", "PMingLiU", "AR PL UMing HK", "Noto Serif CJK HK", "serif"],
    "微軟正黑體": ["Microsoft JhengHei", "PingFang TC", "Noto Sans CJK TC", "sans-serif"],
}
# CSS custom properties of the HTML writer, by role
_CSS_VARIABLES = {"正文": "--fangsong", "标题": "--xiaobiaosong", "一级标题": "--heiti", "二级标题": "--kaiti"}


# How Word and WPS find a stand-in when a font is missing (word/fontTable.xml): its other name,
# character set (86 GB2312, 88 Big5) and kind.
FONT_TABLE = {
    "仿宋_GB2312": ("FangSong_GB2312", "86", "modern", "fixed"),
    "黑体": ("SimHei", "86", "modern", "fixed"),
    "楷体_GB2312": ("KaiTi_GB2312", "86", "modern", "fixed"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "86", "auto", "variable"),
    "宋体": ("SimSun", "86", "auto", "variable"),
    "標楷體": ("DFKai-SB", "88", "script", "fixed"),
    "新細明體": ("PMingLiU", "88", "roman", "variable"),
    "細明體": ("MingLiU", "88", "modern", "fixed"),
    "細明體_HKSCS": ("MingLiU_HKSCS", "88", "modern", "fixed"),
    "微軟正黑體": ("Microsoft JhengHei", "88", "swiss", "variable"),
}


def font_table_entry(family: str, locale: str) -> tuple[str, str, str, str]:
    """(other name, charset, family kind, pitch) for word/fontTable.xml; a font zongjie does
    not know gets the locale's character set only."""
    return FONT_TABLE.get(family) or ("", "88" if locale.startswith("zh_Hant") else "86", "auto", "variable")


def font_role(name: str, location: Location | None = None) -> str:
    """A role as config.yaml names it, in either script (標題 is 标题)."""
    role = fold(name.strip())
    if role not in OFFICIAL:
        raise ConfigError(
            f"fonts 中的“{name}”不是可设置的字体用途",
            location,
            f"可设置：{'、'.join(ROLES)}，如“正文: 標楷體”。",
        )
    return role


def document_fonts(locale: str, configured: tuple[tuple[str, str], ...] = ()) -> dict[str, str]:
    """role → East Asian font of this document: the locale's defaults, then config.yaml's."""
    fonts = dict(OFFICIAL)
    fonts.update(LOCALE_DEFAULTS.get(locale, {}))
    fonts.update(configured)
    return fonts


def replacements(fonts: dict[str, str]) -> dict[str, str]:
    """official font name → the font to write instead, for the roles that differ."""
    return {OFFICIAL[role]: family for role, family in fonts.items() if OFFICIAL.get(role) not in (None, family)}


def css_overrides(fonts: dict[str, str], locale: str) -> str:
    """CSS that sets the HTML writer's font variables to this document's fonts ('' if official)."""
    changed = replacements(fonts)
    if not changed:
        return ""
    lines = []
    for role, variable in _CSS_VARIABLES.items():
        family = fonts[role]
        if OFFICIAL[role] == family:
            continue
        usual = LOCALE_DEFAULTS.get(locale, {}).get(role, OFFICIAL[role])
        fallbacks = _CSS_FALLBACKS.get(family) or [usual, *_CSS_FALLBACKS.get(usual, ["serif"])]
        stack = [family, *fallbacks]
        lines.append(f"  {variable}: " + ", ".join(_css_family(name) for name in stack) + ";")
    return ":root {\n" + "\n".join(lines) + "\n}\n"


def _css_family(name: str) -> str:
    if name in ("serif", "sans-serif"):
        return name
    return '"' + re.sub(r'["\\<>{};]', "", name) + '"'
