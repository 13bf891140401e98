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
