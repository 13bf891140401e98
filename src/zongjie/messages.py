"""The language of what the command line says: Simplified, unless the workspace's locale is
Traditional; then every message is converted as the documents are (OpenCC after the
workspace's phrases), so a Taiwan writer reads 錯誤 and 請.

The names of the workspace's own folders and files (地区, 模板, 叙述文件) are kept as they are
spelled on disk: a message must name a file the writer can find.
"""

from __future__ import annotations

from pathlib import Path

_convert = None


def use_workspace_locale(workspace, typed: tuple[str | None, ...] = ()) -> None:
    """Messages from here on in the workspace's (default) locale; names on disk and names the
    user typed on the command line (`typed`) stay as they are."""
    global _convert
    from zongjie.script import is_traditional, text_converter

    settings = workspace.config.defaults
    if not is_traditional(settings.locale):
        _convert = None
        return
    plain = text_converter(settings.locale, settings.phrases)
    names = _names_on_disk(workspace) | {name for name in typed if name}
    kept = tuple((name, name) for name in names if plain(name) != name)
    _convert = text_converter(settings.locale, settings.phrases + kept)


def use_simplified() -> None:
    global _convert
    _convert = None


def localized(text: str) -> str:
    return _convert(text) if _convert is not None and text else text


def _names_on_disk(workspace) -> set[str]:
    """Folder and file names (and file stems) a message may quote."""
    names = {workspace.root.resolve().name, *workspace.districts, *workspace.config.cities}
    for folder in (workspace.templates_dir, workspace.content_dir):  # narrative names repeat across districts
        if not folder.is_dir():
            continue
        for path in _walk(folder, limit=5000):
            names.add(path.name)
            names.add(path.stem)
    return {name for name in names if name and not name.isascii()}


def _walk(folder: Path, limit: int):
    for count, path in enumerate(folder.rglob("*")):
        if count >= limit:
            return
        yield path
