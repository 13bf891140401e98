"""A plain `pip install .` (what CI and users run) ships every sub-package: the package list in
pyproject.toml is explicit, and a new folder missing from it installs without its code."""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_every_subpackage_of_zongjie_is_in_the_installed_package_list():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    source = REPO / "src"
    found = {".".join(init.parent.relative_to(source).parts) for init in source.rglob("__init__.py")}
    assert found - listed == set(), "pyproject.toml [tool.setuptools] packages 缺少这些子包"


def _package_data_files(config: dict) -> set[Path]:
    """The files pyproject's package-data patterns select, matched as setuptools matches them
    (glob, recursive "**", hidden files only where a pattern names them)."""
    import glob

    selected = set()
    for package, patterns in config["tool"]["setuptools"]["package-data"].items():
        if package != "zongjie" and not package.startswith("zongjie."):
            continue
        folder = REPO / "src" / Path(*package.split("."))
        for pattern in patterns:
            selected |= {folder / match for match in glob.glob(pattern, root_dir=folder, recursive=True)
                         if (folder / match).is_file()}
    return selected


def test_every_data_file_of_zongjie_is_shipped_by_a_plain_install():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    data = {path for path in (REPO / "src" / "zongjie").rglob("*")
            if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts}
    assert REPO / "src/zongjie/writers/docx/data/_rels/.rels" in data  # the prototype's parts, a hidden one too
    missing = sorted(str(path.relative_to(REPO)) for path in data - _package_data_files(config))
    assert missing == [], "pyproject.toml [tool.setuptools.package-data] 未包含这些文件"
