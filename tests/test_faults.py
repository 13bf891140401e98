"""Faults and bad luck: nothing already written is lost, and the next build recovers."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import replace_in

NARRATIVE = "content/岳阳楼区/2023/特色亮点.md"


def outputs(workspace: Path, suffix: str) -> list[Path]:
    return sorted((workspace / "build").rglob(f"*{suffix}"))


# ---- file modes ----------------------------------------------------------------------------
def test_outputs_follow_the_umask_and_keep_an_existing_mode(workspace, cli):
    old = os.umask(0o022)
    try:
        assert cli("build", "岳阳楼区", "2023", "-f", "html,md", "-w", str(workspace)).code == 0
        (html,) = outputs(workspace, ".html")
        assert html.stat().st_mode & 0o777 == 0o644  # a web server can read what is published
        html.chmod(0o640)
        assert cli("build", "岳阳楼区", "2023", "-f", "html,md", "--force", "-w", str(workspace)).code == 0
        assert html.stat().st_mode & 0o777 == 0o640
        assert not list((workspace / "build").rglob(".zongjie-*"))
    finally:
        os.umask(old)


# ---- fingerprints ----------------------------------------------------------------------------
def _status(run) -> str:
    return run.out.splitlines()[-1]


def test_a_year_read_through_years_is_part_of_the_fingerprint(workspace, cli):
    district = workspace / "content/岳阳楼区"
    (district / "2021").mkdir()
    (district / "2021/facts.yaml").write_text("参保:\n  参保人数: 400000人\n", encoding="utf-8")
    (workspace / NARRATIVE).write_text("2021年参保{{ 历年[2021].参保.参保人数 }}。\n", encoding="utf-8")
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
    replace_in(district / "2021/facts.yaml", "400000人", "400001人")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert "生成 1" in _status(run), run.out
    assert "400001人" in outputs(workspace, ".md")[0].read_text(encoding="utf-8")


def test_a_template_folder_linked_from_outside_is_part_of_the_fingerprint(workspace, cli, tmp_path):
    shared = tmp_path / "shared-templates" / "医保年度工作总结"
    shutil.move(str(workspace / "templates/医保年度工作总结"), str(shared))
    (workspace / "templates/医保年度工作总结").symlink_to(shared, target_is_directory=True)
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
    (part,) = [p for p in shared.rglob("*.md") if "基金收支" in p.name]
    part.write_text(part.read_text(encoding="utf-8") + "\n共享模板改过了。\n", encoding="utf-8")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert "生成 1" in _status(run), run.out
    assert "共享模板改过了" in outputs(workspace, ".md")[0].read_text(encoding="utf-8")


# ---- zongjie new interrupted ---------------------------------------------------------------
def test_an_interrupted_new_leaves_no_half_year_and_can_be_run_again(workspace, cli, monkeypatch):
    from zongjie import newyear
    from zongjie.inputs.workspace import Workspace

    calls = {"n": 0}
    real = newyear._create_file

    def dies_midway(path, text, staged=False):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the writer closed the window
        real(path, text, staged)

    monkeypatch.setattr(newyear, "_create_file", dies_midway)
    with pytest.raises(KeyboardInterrupt):
        newyear.new_district_year(Workspace.open(workspace), "岳阳楼区", "2024")
    district = workspace / "content/岳阳楼区"
    assert not (district / "2024").exists()
    monkeypatch.setattr(newyear, "_create_file", real)
    run = cli("new", "岳阳楼区", "2024", "-w", str(workspace))
    assert run.code == 0, run.err
    assert (district / "2024/facts.yaml").is_file() and (district / "2024/特色亮点.md").is_file()
    assert [p.name for p in district.iterdir() if p.name.startswith(".")] == []


def test_a_leftover_of_a_killed_new_is_cleaned_up(workspace, cli):
    leftover = workspace / "content/岳阳楼区/.zongjie-new-2024-abc123"
    leftover.mkdir()
    (leftover / "facts.yaml").write_text("参保:\n", encoding="utf-8")
    run = cli("new", "岳阳楼区", "2024", "-w", str(workspace))
    assert run.code == 0, run.err
    assert not leftover.exists()


# ---- damaged state and a full disk --------------------------------------------------------
def test_a_damaged_manifest_is_rebuilt(workspace, cli):
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
    for manifest in (workspace / "build/.zongjie/manifest").iterdir():
        manifest.write_bytes(b"\x00\xff{not json")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 0 and "生成 1" in _status(run), run.err + run.out
    assert "生成记录已损坏" in run.err
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert "未变 1" in _status(run) and "损坏" not in run.err


def test_a_full_disk_loses_nothing_and_keeps_what_finished(workspace, cli, monkeypatch):
    from zongjie import output

    assert cli("build", "-f", "md", "-j", "1", "-w", str(workspace)).code == 0
    before = {path: path.read_bytes() for path in outputs(workspace, ".md")}
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "职工参保人数: 39310人", "职工参保人数: 39311人")
    replace_in(workspace / "content/岳阳楼区/2023/facts.yaml", "参保人数: 429198人", "参保人数: 429199人")
    replace_in(workspace / "content/裕安区/2020/开头.md", "", "磁盘满之前的改动。\n")
    real_fdopen = os.fdopen

    class FullDisk:
        def __init__(self, stream):
            self.stream = stream

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.stream.close()

        def write(self, data):
            self.stream.write(data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

    def fdopen(descriptor, *args, **kwargs):
        stream = real_fdopen(descriptor, *args, **kwargs)
        name = os.readlink(f"/proc/self/fd/{descriptor}") if os.path.exists("/proc/self/fd") else ""
        return FullDisk(stream) if "裕安区" in name else stream

    monkeypatch.setattr(output.os, "fdopen", fdopen)
    run = cli("build", "-f", "md", "-j", "1", "-w", str(workspace))
    assert run.code == 2 and "磁盘已满" in run.err, run.err
    assert not list((workspace / "build").rglob(".zongjie-*")), "temporary files left behind"
    for path, data in before.items():
        if "裕安区" in str(path):
            assert path.read_bytes() == data  # the old document is whole
    monkeypatch.setattr(output.os, "fdopen", real_fdopen)
    run = cli("build", "-f", "md", "-j", "1", "-w", str(workspace))
    assert "生成 1" in _status(run), run.out  # 岳阳楼区 was recorded as finished: only 裕安区 again


# ---- workers of a killed parent ----------------------------------------------------------------
@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX only: Windows workers see the pipe close")
def test_a_worker_ends_when_its_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, sys, time\n"
        "from zongjie.batch import _end_with_parent\n"
        "parent = os.getpid()\n"  # taken before the fork, as the pool does: no race with the kill
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    _end_with_parent(parent)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(pid, flush=True)\n"
        "time.sleep(60)\n",
        encoding="utf-8",
    )
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.1)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return "State:\tZ" not in status


# ---- keys and names ------------------------------------------------------------------------------
@pytest.mark.parametrize("first, second", [("GDP", "ＧＤＰ"), ("参保人数2", "参保人数２"), ("豈", "\uf900")])
def test_keys_that_differ_only_by_unicode_form_are_an_error(workspace, cli, first, second):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8") + f"\n{first}: 1\n{second}: 2\n", encoding="utf-8")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2, run.err
    lines = facts.read_text(encoding="utf-8").splitlines()
    assert f"facts.yaml:{len(lines)}" in run.err and f"第 {len(lines) - 1} 行" in run.err
    assert first in run.err and second in run.err


def test_a_control_character_in_a_narrative_is_a_clear_message(workspace, cli):
    (workspace / NARRATIVE).write_text("第一段\x0b第二行。\n", encoding="utf-8")
    run = cli("build", "岳阳楼区", "2023", "-w", str(workspace))
    assert run.code == 2 and "特色亮点.md:1" in run.err and "U+000B" in run.err, run.err


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_a_district_folder_name_in_another_encoding_is_a_clear_message(workspace, cli):
    os.mkdir(os.fsencode(workspace / "content") + b"/\xd4\xc0\xd1\xf4\xc2\xa5\xc7\xf8")  # 岳阳楼区 in GBK
    run = cli("build", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "编码" in run.err, run.err
    assert "内部错误" not in run.err


def test_check_writes_nothing_at_all(workspace, cli):
    before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
    assert cli("check", "-w", str(workspace)).code in (0, 1)
    assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before


# ---- messages ----------------------------------------------------------------------------------
@pytest.mark.parametrize("args, expected", [
    (["build", "--bogus"], "没有选项“--bogus”"),
    (["new"], "缺少参数“district”"),
    (["build", "-j", "abc"], "“--jobs”的值“abc”不是整数"),
    (["frobnicate"], "没有命令“frobnicate”"),
    (["build", "a", "b", "c"], "多出了参数“c”"),
    (["build", "-o"], "选项“-o”后面要写一个值"),
])
def test_usage_errors_are_in_chinese(workspace, cli, args, expected):
    run = cli(*args, cwd=workspace)
    assert run.code == 2
    assert expected in run.err and "用法错误" in run.err and "--help" in run.err, run.err
    assert "Error" not in run.err and "Usage" not in run.err


@pytest.mark.parametrize("quote", ['"', "'"])
def test_an_unclosed_quote_is_reported_where_it_opens(workspace, cli, quote):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    lines = facts.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if "统计截至: 2023-03-31" in line)
    lines[number] = lines[number].replace("2023-03-31", quote + "2023-03-31")
    facts.write_text("\n".join(lines), encoding="utf-8")
    run = cli("check", "岳阳楼区", "2023", "-w", str(workspace))
    assert run.code == 2
    assert f"facts.yaml:{number + 1}:" in run.err and "没有闭合" in run.err, run.err
    assert ("单引号" if quote == "'" else "双引号") in run.err


def test_a_failed_replace_does_not_claim_nothing_changed(tmp_path, monkeypatch):
    from zongjie import output
    from zongjie.errors import OutputError

    first, second = tmp_path / "a.md", tmp_path / "b.html"
    first.write_text("old", encoding="utf-8")
    second.write_text("old", encoding="utf-8")
    real = os.replace

    def locked(source, target):
        if str(target).endswith(".html"):
            raise PermissionError(errno.EACCES, "in use")
        real(source, target)

    monkeypatch.setattr(output.os, "replace", locked)
    with pytest.raises(OutputError) as raised:
        output.write_files({first: b"new", second: b"new"})
    assert first.read_text(encoding="utf-8") == "new"
    assert "a.md 已是新的" in raised.value.hint
    assert not list(tmp_path.glob(".zongjie-*"))


def test_a_damaged_compiled_template_cache_is_rebuilt(workspace, cli, tmp_path, monkeypatch):
    from zongjie import privatecache
    from zongjie.templating import environment, render

    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(tmp_path / "cache"))
    privatecache.private_dir.cache_clear()
    environment.environment.cache_clear()
    try:
        assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
        cached = list((tmp_path / "cache").rglob("*.cache"))
        assert cached, "compiled templates are cached in the private folder"
        for path in cached:
            path.write_bytes(path.read_bytes()[:40])  # truncated, as by a crash mid-write
        environment.environment.cache_clear()
        render._compiled.cache_clear()
        run = cli("build", "岳阳楼区", "2023", "-f", "md", "--force", "-w", str(workspace))
        assert run.code == 0, run.err
        assert "429198人" in outputs(workspace, ".md")[0].read_text(encoding="utf-8")
    finally:
        privatecache.private_dir.cache_clear()
        environment.environment.cache_clear()


def test_ctrl_c_during_a_build_says_so_and_leaves_no_half_written_file(workspace, cli, monkeypatch):
    import zongjie.build as build

    assert cli("build", "岳阳楼区", "2023", "-f", "md", cwd=workspace).code == 0
    written = next((workspace / "build/岳阳楼区/2023").glob("*.md"))
    before = written.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build, "render_outputs", interrupted)  # while the document is being written
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "--force", cwd=workspace)
    assert run.code == 130 and "已中断（Ctrl-C）" in run.err and "Traceback" not in run.err
    assert written.read_bytes() == before
    assert not [p for p in written.parent.iterdir() if p.name.startswith(".zongjie-")]  # no temporary file left
