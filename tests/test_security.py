"""Attacks on the workspace, tried as a hostile template, narrative or build folder would.

Each attack must be refused with a Chinese message naming the file, exit code 2, and must
neither read a file outside the workspace into the document nor write or delete one.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

NARRATIVE = "content/岳阳楼区/2023/特色亮点.md"
SECRET = "绝密内容-7f3a"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the workspace: a secret to steal and a file to delete."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SECRET, encoding="utf-8")
    (folder / "victim.txt").write_text("keep me", encoding="utf-8")
    return folder


def build_md(cli, workspace: Path):
    return cli("build", "岳阳楼区", "2023", "-f", "md", "--force", "-w", str(workspace))


def written_text(workspace: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in (workspace / "build").rglob("*.md"))


def assert_refused(run, workspace: Path, outside: Path, where: str = "特色亮点.md") -> None:
    # refused as a template error (2), or, for a name that is simply not there (a group's
    # "member" location, a year that is a path), as a fact not found (1); never built
    assert run.code in (1, 2), run.err + run.out
    assert ("模板错误" in run.err or "没有" in run.err) and where in run.err, run.err
    assert "Traceback" not in run.err
    assert SECRET not in run.err + run.out + written_text(workspace)
    assert sorted(path.name for path in outside.iterdir()) == ["secret.txt", "victim.txt"]
    assert (outside / "victim.txt").read_text(encoding="utf-8") == "keep me"


ESCAPES = [
    # the path object behind a fact's source
    "{{ 成文日期.location.file.parents[-1].joinpath('{secret}').read_text() }}",
    "{{ 成文日期.location.file.write_text('x') }}",
    "{{ 成文日期['location'] }}",
    "{{ (成文日期|attr('location')).file }}",
    "{{ [成文日期]|map(attribute='location.file')|first }}",
    "{{ [成文日期]|map(attribute='location')|list }}",
    "{% for f in [成文日期]|sort(attribute='location.file') %}{{ f }}{% endfor %}",
    # the classic Python object walks
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ 成文日期.__class__.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__['os'].popen('id').read() }}",
    "{{ self._TemplateReference__context }}",
    "{{ self.__dict__ }}",
    "{{ 合计.__globals__ }}",
    "{{ range.__self__ }}",
    "{{ 叙述.特色亮点.path.read_text() }}",
    "{{ 历年.folder.parent }}",
    "{{ 年度.facts[0].location.file }}",
    "{{ (参保.参保人数|万元).facts[0].location }}",
    "{{ 成文日期.value.__class__ }}",
    "{{ 成文日期.value.replace(year=1) }}",
    "{{ '%s'.format_map }}",
    # string formatting that looks attributes up itself
    "{{ '{0.location.file}'.format(成文日期) }}",
    "{{ '{0.__class__}'.format(成文日期) }}",
    "{{ '{0.location}'.format(成文日期) }}",
    "{{ ('%s' % 成文日期.location) }}",
    "{{ 成文日期|attr('__class__') }}",
    "{{ ''.encode('utf-8') }}",
    "{{ 参保.__class__ }}",
    "{{ 参保.location.file }}",
    "{{ 参保.members }}",
]


@pytest.mark.parametrize("attack", ESCAPES)
def test_sandbox_escapes_are_refused(workspace, outside, cli, attack):
    narrative = workspace / NARRATIVE
    attack = attack.replace("{secret}", str((outside / "secret.txt").relative_to("/")))
    narrative.write_text("第一段。\n\n" + attack + "\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)
    assert "特色亮点.md:3" in run.err  # the line of the attack


def test_macros_imported_from_a_template_file_still_work(workspace, cli):
    (workspace / "templates/医保年度工作总结/宏.md").write_text(
        "{% macro 人数(x) %}共{{ x }}{% endmacro %}\n", encoding="utf-8")
    (workspace / NARRATIVE).write_text(
        '{% import "宏.md" as 宏 %}{{ 宏.人数(参保.参保人数) }}；{% from "宏.md" import 人数 %}{{ 人数(1) }}\n',
        encoding="utf-8")
    run = build_md(cli, workspace)
    assert run.code == 0, run.err
    assert "共429198人；共1" in written_text(workspace)


def test_refusal_names_what_was_refused_in_chinese(workspace, outside, cli):
    (workspace / NARRATIVE).write_text("{{ 成文日期.location.file }}\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)
    assert "不能使用" in run.err and "location" in run.err


def test_what_templates_legitimately_use_still_works(workspace, cli):
    (workspace / NARRATIVE).write_text(
        "{{ 参保.参保人数.值 }}|{{ 参保.参保人数.单位 }}|{{ 参保.参保人数.原文 }}|{{ 成文日期.值.year }}|"
        "{% for k, v in 参保.items() %}{% if loop.first %}{{ k }}{% endif %}{% endfor %}|"
        "{{ '甲乙'.startswith('甲') }}|{{ 'a,b'.split(',')|join('+') }}|{{ '{}年'.format(2023) }}|"
        "{{ '%d户' % 5 }}|{{ '%s' | format('丙') }}|{{ 历年[2023].参保.参保人数 }}|"
        "{% set ns = namespace(n=1) %}{% set ns.n = ns.n + 1 %}{{ ns.n }}|{{ 'x' ~ 'y' }}\n",
        encoding="utf-8",
    )
    run = build_md(cli, workspace)
    assert run.code == 0, run.err
    text = written_text(workspace)
    assert "429198|人|429198人|2023|统计截至|True|a+b|2023年|5户|丙|429198人|2|xy" in text.replace("\\|", "|")


@pytest.mark.parametrize("name", ["/etc/passwd", "../../../outside/secret.txt", "../../content/裕安区/2020/facts.yaml",
                                  "..\\..\\secret.txt", "/../../outside/secret.txt"])
@pytest.mark.parametrize("tag", ["include", "import", "extends", "from"])
def test_include_of_paths_outside_the_template_folders_is_refused(workspace, outside, cli, name, tag):
    statement = {"include": f'{{% include "{name}" %}}', "import": f'{{% import "{name}" as m %}}',
                 "extends": f'{{% extends "{name}" %}}', "from": f'{{% from "{name}" import x %}}'}[tag]
    (workspace / NARRATIVE).write_text(statement + "\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)


def test_template_symlinked_out_of_its_folder_is_refused(workspace, outside, cli):
    link = workspace / "templates/医保年度工作总结/偷看.md"
    link.symlink_to(outside / "secret.txt")
    (workspace / NARRATIVE).write_text('{% include "偷看.md" %}\n', encoding="utf-8")
    run = build_md(cli, workspace)
    assert run.code == 2 and SECRET not in written_text(workspace) + run.err


# ---- resource exhaustion ------------------------------------------------------------------
EXHAUSTION = [
    "{{ '%050000000d'|format(1) }}",
    "{{ '%050000000d' % 1 }}",
    "{{ '%*d' % (50000000, 1) }}",
    "{{ '{:>100000000}'.format(1) }}",
    "{{ '{:{}}'.format(1, 100000000) }}",
    "{{ 'x'.center(100000000) }}",
    "{{ 'x'|center(100000000) }}",
    "{{ 'x'.ljust(100000000) }}",
    "{{ 'x'.zfill(100000000) }}",
    "{{ ('x' * 100000).replace('x', 'x' * 100000) }}",
    "{{ ('x' * 100000)|replace('x', 'x' * 100000) }}",
    "{{ ('x\n' * 50000)|indent(100000) }}",
    "{{ ('x' * 100000)|wordwrap(1, wrapstring='y' * 1000) }}",
    "{{ [1]|batch(1000000000, 0)|list }}",
    "{{ [1]|slice(1000000000)|list }}",
    "{{ 9 ** 60 ** 60 }}",
    "{{ 10 ** 64 ** 64 ** 64 }}",
    "{{ 2 ** 100000000 }}",
    "{% set ns = namespace(n=7) %}{% for i in range(40) %}{% set ns.n = ns.n * ns.n %}{% endfor %}{{ ns.n }}",
    "{% set ns = namespace(s='xy') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{% set ns = namespace(s='xy') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{% for i in 'x' * 100000 %}{% for j in 'x' * 100000 %}{% endfor %}{% endfor %}",
    "{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}",
    "{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}",
    "{% set big = [[1] * 100000] * 100000 %}{{ big|string|length }}",
    "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}",
    "{{ range(100000)|join('x' * 100000) }}",
    "{{ ','.join(['y'] * 100000 ) | replace('y', 'z' * 100000) }}",
    "{% set b = 'x' * 1000000 %}{% set s %}{% for i in range(100000) %}{{ b }}{% endfor %}{% endset %}{{ s|length }}",
    "{% set b = 'x' * 1000000 %}{% macro m() %}{% for i in range(100000) %}{{ b }}{% endfor %}{% endmacro %}{{ m()|length }}",
    "{% for i in range(100000) %}{% set x = 'x' * 999999 %}{% endfor %}",
    "{{ '%r' % 成文日期 }}",
    "{{ '{0!r}'.format(成文日期) }}",
]


@pytest.mark.parametrize("attack", EXHAUSTION)
def test_resource_exhaustion_is_bounded(workspace, outside, cli, attack):
    (workspace / NARRATIVE).write_text("第一段。\n\n" + attack + "\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)


def test_macro_recursion_is_not_called_an_include_loop(workspace, cli, outside):
    (workspace / NARRATIVE).write_text("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}\n{{ m(0) }}\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)
    assert "宏" in run.err and "include" not in run.err.split("→")[0]


def test_rendering_time_is_bounded(workspace, cli, outside, monkeypatch):
    import zongjie.templating.bounds

    monkeypatch.setattr(zongjie.templating.bounds, "MAX_RENDER_SECONDS", 1.5)
    # loops that, with the item budget lifted, would run for hours: only the clock stops them
    (workspace / NARRATIVE).write_text(
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}{% endfor %}\n", encoding="utf-8")
    monkeypatch.setattr(zongjie.templating.bounds, "MAX_LOOP_ITEMS", 10**12)
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)
    assert "运行时间" in run.err


# ---- a build folder cannot run code --------------------------------------------------------
def test_nothing_in_the_build_folder_is_loaded_as_code(workspace, cli, tmp_path):
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
    state = workspace / "build" / ".zongjie"
    planted = tmp_path / "planted"
    payload = f"import pathlib; pathlib.Path({str(planted)!r}).write_text('ran')"
    # what Jinja's bytecode cache and a pickle would have loaded
    import marshal
    import pickle

    code = marshal.dumps(compile(payload, "x", "exec"))
    (state / "jinja").mkdir(exist_ok=True)
    for name in ["__jinja2_" + "0" * 40 + ".cache"]:
        (state / "jinja" / name).write_bytes(b"j2/" + code)

    class Boom:
        def __reduce__(self):
            return (exec, (payload,))

    for path in list(state.rglob("*")):
        if path.is_file():
            path.write_bytes(pickle.dumps(Boom()))
    run = cli("build", "岳阳楼区", "2023", "-f", "docx,md", "-w", str(workspace))
    assert run.code == 0, run.err
    assert not planted.exists()


def test_no_compiled_template_cache_is_written_into_the_workspace(workspace, cli):
    assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
    assert not (workspace / "build" / ".zongjie" / "jinja").exists()
    assert not [path for path in workspace.rglob("*") if path.suffix in (".pyc", ".cache", ".pickle")]


# ---- the private cache ---------------------------------------------------------------------
def test_a_cache_folder_others_can_write_is_not_used(tmp_path, monkeypatch):
    from zongjie import privatecache

    shared = tmp_path / "shared-cache"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(shared))
    privatecache.private_dir.cache_clear()
    try:
        assert privatecache.private_dir("jinja-test") is None
        shared.chmod(0o700)
        privatecache.private_dir.cache_clear()
        folder = privatecache.private_dir("jinja-test")
        assert folder is not None and not folder.stat().st_mode & 0o077
        planted = folder / "x.cache"
        planted.write_bytes(b"code")
        planted.chmod(0o666)
        assert privatecache.read_private(planted) is None  # writable by others: not loaded
        link = folder / "link.cache"
        link.symlink_to(planted)
        assert privatecache.read_private(link) is None  # a link is never followed
    finally:
        privatecache.private_dir.cache_clear()


# ---- reference.docx ------------------------------------------------------------------------
def _reference_docx(path: Path, styles: bytes) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", styles)


def _use_reference(workspace: Path, name: str) -> None:
    config = workspace / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nreference_docx: {name}\n", encoding="utf-8")


def test_a_reference_docx_bomb_is_refused_without_unpacking_it(workspace, cli):
    import zipfile

    resource = pytest.importorskip("resource")
    with zipfile.ZipFile(workspace / "ref.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/styles.xml", "w", force_zip64=True) as part:  # 200 MB, written in pieces
            part.write(b"<w:styles>")
            for _ in range(200):
                part.write(b" " * 1_000_000)
            part.write(b"</w:styles>")
    assert (workspace / "ref.docx").stat().st_size < 2_000_000
    _use_reference(workspace, "ref.docx")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run = cli("build", "岳阳楼区", "2023", "-f", "docx", "-w", str(workspace))
    assert run.code == 2 and "参考文档" in run.err and "超过上限" in run.err, run.err
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100_000  # KiB: not 300 MB


def test_a_reference_docx_cannot_pull_in_a_file_by_an_xml_entity(workspace, outside, cli):
    import zipfile

    styles = (f'<!DOCTYPE x [<!ENTITY s SYSTEM "file://{outside}/secret.txt">]>'
              '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
              '<w:style w:styleId="Normal"><w:name w:val="&s;"/></w:style></w:styles>').encode()
    _reference_docx(workspace / "ref.docx", styles)
    _use_reference(workspace, "ref.docx")
    run = cli("build", "岳阳楼区", "2023", "-f", "docx", "-w", str(workspace))
    for built in (workspace / "build").rglob("*.docx"):
        with zipfile.ZipFile(built) as archive:
            assert all(SECRET.encode() not in archive.read(name) for name in archive.namelist())
    assert SECRET not in run.err + run.out


def test_a_reference_docx_outside_the_workspace_is_refused(workspace, outside, cli):
    _reference_docx(outside / "ref.docx", b"<w:styles/>")
    _use_reference(workspace, str(outside / "ref.docx"))
    run = cli("build", "岳阳楼区", "2023", "-f", "docx", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err


# ---- links out of the workspace ------------------------------------------------------------
@pytest.mark.parametrize("name", ["特色亮点.md", "facts.yaml", "checks.yaml", "新增.md"])
def test_inputs_linked_out_of_the_workspace_are_refused(workspace, outside, cli, name):
    stolen = outside / "stolen.txt"
    stolen.write_text(f"参保:\n  参保人数: 1人\n# {SECRET}\n{SECRET}\n", encoding="utf-8")
    link = workspace / "content/岳阳楼区/2023" / name
    if link.exists():
        link.unlink()
    link.symlink_to(stolen)
    for command in ("build", "check"):
        run = cli(command, "岳阳楼区", "2023", "-w", str(workspace))
        assert run.code == 2, run.err + run.out
        assert "工作区之外" in run.err and name in run.err
        assert SECRET not in run.err + run.out + written_text(workspace)


def test_district_rules_linked_out_of_the_workspace_are_refused(workspace, outside, cli):
    rules = workspace / "content/岳阳楼区/checks.yaml"
    (outside / "checks.yaml").write_bytes(rules.read_bytes())
    rules.unlink()
    rules.symlink_to(outside / "checks.yaml")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err


def test_a_year_folder_linked_out_of_the_workspace_is_refused(workspace, outside, cli):
    import shutil

    year = workspace / "content/岳阳楼区/2023"
    shutil.move(str(year), str(outside / "2023"))
    year.symlink_to(outside / "2023", target_is_directory=True)
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err


def test_new_never_writes_through_a_dangling_link(workspace, outside, cli):
    year = workspace / "content/岳阳楼区/2024"
    year.mkdir()
    (year / "特色亮点.md").symlink_to(outside / "planted.md")  # dangling: its target does not exist
    run = cli("new", "岳阳楼区", "2024", "-w", str(workspace))
    assert run.code == 0, run.err
    assert not (outside / "planted.md").exists()
    assert (year / "facts.yaml").is_file() and not (year / "facts.yaml").is_symlink()


def test_new_does_not_write_into_a_year_linked_elsewhere(workspace, outside, cli):
    (workspace / "content/岳阳楼区/2024").symlink_to(outside / "2024", target_is_directory=True)
    run = cli("new", "岳阳楼区", "2024", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err
    assert not (outside / "2024").exists()


def test_new_does_not_copy_a_narrative_linked_out_of_the_workspace(workspace, outside, cli):
    (workspace / "content/岳阳楼区/2023/偷.md").symlink_to(outside / "secret.txt")
    run = cli("new", "岳阳楼区", "2024", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err
    assert not (workspace / "content/岳阳楼区/2024").exists()


# ---- years are years -----------------------------------------------------------------------
@pytest.mark.parametrize("key", ["'../裕安区/2020'", "'../../content/裕安区/2020'", "'2023/../../裕安区/2020'",
                                 "'/etc'", "'..'"])
def test_years_take_a_year_only(workspace, outside, cli, key):
    (workspace / NARRATIVE).write_text(f"{{{{ 历年[{key}].基本情况 }}}}{{{{ years[{key}] }}}}\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert_refused(run, workspace, outside)
    assert "裕安区" not in written_text(workspace)


def test_a_full_width_year_is_the_year(workspace, cli):
    (workspace / NARRATIVE).write_text("{{ 历年['２０２３'].参保.参保人数 }}\n", encoding="utf-8")
    assert build_md(cli, workspace).code == 0
    assert "429198人" in written_text(workspace)
    run = cli("build", "岳阳楼区", "２０２３", "-f", "md", "-w", str(workspace))
    assert run.code == 0, run.err


@pytest.mark.parametrize("source", ["../裕安区/2020", "../../裕安区/2020", "/tmp", "2023/../../裕安区/2020"])
def test_new_from_takes_a_year_only(workspace, cli, source):
    run = cli("new", "岳阳楼区", "2024", "--from", source, "-w", str(workspace))
    assert run.code == 2 and "--from" in run.err, run.err
    assert not (workspace / "content/岳阳楼区/2024").exists()


def test_new_with_a_full_width_year_makes_that_year(workspace, cli):
    run = cli("new", "岳阳楼区", "２０２４", "--from", "２０２３", "-w", str(workspace))
    assert run.code == 0, run.err
    assert (workspace / "content/岳阳楼区/2024/facts.yaml").is_file()
    years = sorted(p.name for p in (workspace / "content/岳阳楼区").iterdir() if p.is_dir())
    assert years == ["2023", "2024"]


def test_a_district_template_folder_linked_out_of_the_workspace_is_refused(workspace, outside, cli):
    (outside / "templates").mkdir()
    (outside / "templates" / "正文.md").write_text(SECRET + "\n", encoding="utf-8")
    (workspace / "content/岳阳楼区/templates").symlink_to(outside / "templates", target_is_directory=True)
    run = build_md(cli, workspace)
    assert run.code == 2 and "工作区之外" in run.err, run.err
    assert SECRET not in written_text(workspace)


# ---- outputs stay in the output folder -------------------------------------------------------
def test_config_cannot_send_outputs_out_of_the_workspace(workspace, outside, cli):
    config = workspace / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("output: build", f"output: {outside}"),
                      encoding="utf-8")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt", "victim.txt"]
    explicit = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace), "-o", str(outside / "out"))
    assert explicit.code == 0, explicit.err  # typed by the user: allowed


def test_an_output_folder_linked_elsewhere_is_not_written(workspace, outside, cli):
    folder = workspace / "build" / "岳阳楼区"
    folder.mkdir(parents=True)
    (folder / "2023").symlink_to(outside, target_is_directory=True)
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "链接" in run.err, run.err
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt", "victim.txt"]


def test_check_does_not_even_write_the_private_cache(workspace, cli, tmp_path, monkeypatch):
    from zongjie import privatecache

    cache = tmp_path / "fresh-cache"
    monkeypatch.setenv("ZONGJIE_CACHE_DIR", str(cache))
    privatecache.private_dir.cache_clear()
    try:
        before = sorted(p.relative_to(workspace) for p in workspace.rglob("*"))
        assert cli("check", "-w", str(workspace)).code in (0, 1)
        assert not cache.exists() or not any(cache.rglob("*.cache"))
        assert sorted(p.relative_to(workspace) for p in workspace.rglob("*")) == before
    finally:
        privatecache.private_dir.cache_clear()


def test_init_never_writes_through_a_dangling_link(tmp_path, outside, cli):
    folder = tmp_path / "新工作区"
    folder.mkdir()
    (folder / "config.yaml").symlink_to(outside / "planted.yaml")
    (folder / "templates").symlink_to(outside, target_is_directory=True)
    run = cli("init", str(folder))
    assert not (outside / "planted.yaml").exists()
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt", "victim.txt"]
    assert run.code == 2 and "链接" in run.err, run.err


@pytest.mark.parametrize("name", ["../content/裕安区", "/tmp", "..", "医保年度工作总结/../../content"])
def test_a_template_name_is_a_folder_name_not_a_path(workspace, cli, name):
    config = workspace / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("template: 医保年度工作总结", f"template: '{name}'"),
                      encoding="utf-8")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "不是 templates/ 下的一个文件夹名" in run.err, run.err
    run = cli("new", "新区", "2024", "-t", name, "-w", str(workspace))
    assert run.code == 2 and not (workspace / "content/新区/2024").exists()


def test_a_template_rules_file_linked_out_of_its_folder_is_refused(workspace, outside, cli):
    rules = workspace / "templates/医保年度工作总结/checks.yaml"
    (outside / "checks.yaml").write_bytes(rules.read_bytes())
    rules.unlink()
    rules.symlink_to(outside / "checks.yaml")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 2 and "工作区之外" in run.err, run.err


def test_a_file_that_includes_itself_is_called_an_include_loop(workspace, cli, outside):
    (workspace / "templates/医保年度工作总结/自己.md").write_text('{% include "自己.md" %}\n', encoding="utf-8")
    (workspace / NARRATIVE).write_text('{% include "自己.md" %}\n', encoding="utf-8")
    run = build_md(cli, workspace)
    assert run.code == 2 and "include" in run.err and "宏" not in run.err.split("→")[0], run.err


def test_an_endless_input_file_is_refused(workspace, cli):
    narrative = workspace / NARRATIVE
    narrative.unlink()
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    narrative.symlink_to("/dev/zero")  # outside the workspace too, but size is checked on any read
    run = build_md(cli, workspace)
    assert run.code == 2, run.err
    big = workspace / "content/岳阳楼区/2023/大.md"
    with open(big, "wb") as file:
        file.truncate(30 * 1024 * 1024)
    narrative.unlink()
    run = build_md(cli, workspace)
    assert run.code == 2 and "过大" in run.err, run.err


def test_a_poisoned_build_record_removes_nothing_but_our_own_outputs(workspace, cli):
    import json

    assert cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace)).code == 0
    folder = workspace / "build/岳阳楼区/2023"
    (folder / "我的笔记.txt").write_text("keep", encoding="utf-8")
    (folder / "子文件夹.md").mkdir()
    manifest = workspace / "build/.zongjie/manifest/岳阳楼区.json"
    record = json.loads(manifest.read_text(encoding="utf-8"))
    record["2023"]["outputs"] += ["我的笔记.txt", "..", "子文件夹.md", "../../../config.yaml", 7]
    record["2023"]["fingerprint"] = "changed"
    manifest.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    run = cli("build", "岳阳楼区", "2023", "-f", "md", "-w", str(workspace))
    assert run.code == 0, run.err
    assert (folder / "我的笔记.txt").exists() and (folder / "子文件夹.md").is_dir()
    assert (workspace / "config.yaml").exists()


@pytest.mark.parametrize("attack", ["{{ lipsum.__globals__['os'].popen('id').read() }}", "{{ lipsum(1000000000) }}"])
def test_lipsum_is_not_there(workspace, outside, cli, attack):
    (workspace / NARRATIVE).write_text(attack + "\n", encoding="utf-8")
    run = build_md(cli, workspace)
    assert run.code in (1, 2) and "lipsum" in run.err, run.err  # an unknown name, like any other
    assert SECRET not in written_text(workspace)
