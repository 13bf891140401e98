"""Shared fixtures: a copy of the example workspace, and the CLI run as a user runs it."""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A private copy of the repository's example workspace (config, templates, content)."""
    target = tmp_path / "ws"
    target.mkdir()
    shutil.copy(REPO / "config.yaml", target / "config.yaml")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(REPO / "content", target / "content")
    return target


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """Run `zongjie …` in-process through its real entry point; returns exit code and output."""
    from zongjie.cli import main

    def run(*args: str, cwd: Path | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "argv", ["zongjie", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


@pytest.fixture(autouse=True, scope="session")
def _private_cache_of_the_test_run(tmp_path_factory):
    """Compiled templates of the many test workspaces go to a cache of this run, not the user's."""
    import os

    os.environ["ZONGJIE_CACHE_DIR"] = str(tmp_path_factory.mktemp("zongjie-cache"))
    yield


# ---- zongjie check --format json, as the check tests read it -------------------------------------
def check(cli, workspace, district="岳阳楼区", year="2023"):
    run = cli("check", district, year, "--format", "json", cwd=workspace)
    assert run.code in (0, 1), run.err
    return run.code, json.loads(run.out)["documents"][0]


def findings(document, code=None, severity=None):
    return [f for f in document["findings"]
            if (code is None or f["code"] == code) and (severity is None or f["severity"] == severity)]
