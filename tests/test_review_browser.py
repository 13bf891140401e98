"""The review copy's HTML in a real browser (the system's Chromium driven by Playwright): a
figure's note opens on tap at phone width, inside the screen, and a failing figure is marked."""

from __future__ import annotations

import shutil

import pytest

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright 未安装：pip install playwright")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="没有安装 Chromium（Debian：apt-get install chromium），跳过浏览器测试")


def test_a_tap_on_a_figure_shows_its_source_on_a_phone(cli, workspace, tmp_path):
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    facts.write_text(facts.read_text(encoding="utf-8").replace("职工参保人数: 39310人", "职工参保人数: 39311人"),
                     encoding="utf-8")
    out = workspace / "build"
    assert cli("build", "岳阳楼区", "2023", "--review", "-f", "html", "--out", str(out), cwd=workspace).code == 1
    page_file = next((out / "岳阳楼区/2023").glob("*（审阅稿）.html"))
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 800}, has_touch=True, is_mobile=True)
            page.goto(page_file.as_uri())
            failing = page.locator("span.fact.fails", has_text="39311人").first
            note = failing.locator(".note")
            assert not note.is_visible()
            failing.tap()
            assert note.is_visible()
            assert "facts.yaml 第" in note.inner_text() and "参保人数合计" in note.inner_text()
            box = note.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # inside a phone's screen
            page.screenshot(path=str(tmp_path / "review-phone.png"))
            page.locator("h1").tap()  # a tap elsewhere closes it
            assert not note.is_visible()
        finally:
            browser.close()
