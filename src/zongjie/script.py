"""Text in Simplified and Traditional: converting a text (the document is converted by
localize.py), and one script-independent form of any text, for comparing names written in
either script. A leaf: config, messages and fact keys use it, so it knows no document.

OpenCC does the conversion (s2tw for Taiwan, s2hk for Hong Kong: character standards, not
vocabulary, since names of offices and programmes must not be rewritten). Digits, percent
signs and decimal points pass through unchanged, so every figure stays as it was computed.
The workspace's own phrase list (`phrases:` in config.yaml, e.g. 腾冲 → 騰沖, a place name
OpenCC would write 騰衝) is applied first: its phrases are kept out of OpenCC's way.

Everything structural (required sections, fact keys, lint) works on the Simplified document
before conversion, or compares `fold`ed text, so a workspace may be written in either script.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CONFIGS = {"zh_Hant_TW": "s2tw", "zh_Hant_HK": "s2hk"}
TRADITIONAL_LOCALES = tuple(_CONFIGS)
# Character forms a locale writes differently from what OpenCC gives: Taiwan writes the 大写
# three as 參 (OpenCC's s2tw gives the variant 叄).
# Both write quotation marks as 「」 and 『』, which OpenCC leaves as “” and ‘’.
_QUOTES = {"“": "「", "”": "」", "‘": "『", "’": "』"}
_LOCALE_FIXES = {"zh_Hant_TW": str.maketrans({**_QUOTES, "叄": "參"}), "zh_Hant_HK": str.maketrans(_QUOTES)}


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def is_traditional(locale: str) -> bool:
    return locale in _CONFIGS


def text_converter(locale: str, phrases: tuple[tuple[str, str], ...] = ()):
    """A function Simplified text → the locale's text; the identity for zh_CN. `phrases` are
    (Simplified, as the locale writes it) pairs that win over OpenCC's conversion."""
    config = _CONFIGS.get(locale)
    if config is None:
        return lambda text: text
    return _PhraseConverter(_converter(config).convert, phrases, _LOCALE_FIXES.get(locale))


class _PhraseConverter:
    def __init__(self, convert, phrases: tuple[tuple[str, str], ...], fixes: dict | None):
        self.opencc = convert
        self.phrases = dict(phrases)
        self.fixes = fixes
        # longest first, so 腾冲市 wins over 腾冲
        self.pattern = (re.compile("|".join(re.escape(p) for p in sorted(self.phrases, key=len, reverse=True)))
                        if self.phrases else None)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        # Text already in Traditional (a narrative, a name) is first made Simplified: OpenCC's
        # s2tw is not idempotent (岳陽 would become 嶽陽), and the phrases are Simplified.
        text = simplified(text)
        if self.pattern is None:
            return self._opencc(text)
        parts, start = [], 0
        for match in self.pattern.finditer(text):
            parts.append(self._opencc(text[start:match.start()]))
            parts.append(self.phrases[match.group()])
            start = match.end()
        parts.append(self._opencc(text[start:]))
        return "".join(parts)

    def _opencc(self, text: str) -> str:
        converted = self.opencc(text) if text else text
        return converted.translate(self.fixes) if self.fixes else converted


# ---- script-independent comparison -----------------------------------------------------------
def _is_gb2312(text: str) -> bool:
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def simplified(text: str) -> str:
    """Text in either script, in Simplified. Text GB2312 can encode is taken as Simplified
    already (nearly every Traditional form lies outside it): no OpenCC for it."""
    if _is_gb2312(text):
        return text
    return _converter("t2s").convert(text)


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """The Simplified form of a name written in either script, to compare names by:
    醫療救助 → 医疗救助. A Simplified workspace never loads OpenCC for this."""
    return simplified(text)


def traditional_forms(text: str) -> set[str]:
    """The ways a Simplified name is written in Traditional (Taiwan, Hong Kong, OpenCC's
    standard), for looking up a name a Traditional template writes."""
    if text.isascii():
        return set()
    return {_converter(config).convert(text) for config in ("s2t", "s2tw", "s2hk")} - {text}
