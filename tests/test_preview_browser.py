"""`zongjie serve` in a real browser (Debian's chromium driven by Playwright): the page reloads
by itself after a save, shows a planted error at its figure, shows a broken file's message,
and recovers when the file is fixed."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys

import pytest
from conftest import replace_in

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright 未安装：pip install playwright")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="没有安装 Chromium（Debian：apt-get install chromium），跳过浏览器测试")


@pytest.fixture
def served(workspace):
    child = subprocess.Popen([sys.executable, "-m", "zongjie", "serve", "-w", str(workspace), "--port", "0"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    try:
        for line in child.stdout:
            if "预览地址" in line:
                break
        base = line.split("：", 1)[1].split()[0]
        yield base, workspace
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def test_the_page_follows_every_save_in_a_real_browser(served, browser, tmp_path):
    base, workspace = served
    facts = workspace / "content/岳阳楼区/2023/facts.yaml"
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(base)
    assert page.locator("table").inner_text().count("通过") == 3
    page.click("text=岳阳楼区 2023")
    page.wait_for_selector("#zj-panel")
    assert "校验通过" in page.inner_text("#zj-panel")
    page.wait_for_timeout(300)  # the page's event stream is open

    replace_in(facts, "城乡居民缴费人数: 389888人", "城乡居民缴费人数: 389988人")
    page.wait_for_selector("span.fact.zj-error", timeout=15000)  # reloaded by itself
    assert "389988人" in page.inner_text("main")
    marked = {span.get_attribute("data-fact") for span in page.locator("span.fact.zj-error").all()}
    assert "参保.参保人数" in marked  # the total and its parts
    assert page.locator("span.fact:not(.zj-error)").count() > 10  # the other figures are not
    assert "facts.yaml:12" in page.inner_text("#zj-panel")
    page.locator("span.fact.zj-error").first.click()  # a tap shows the source and the finding
    assert "参保.参保人数" in page.inner_text("#zj-tip")

    good = facts.read_text(encoding="utf-8")
    facts.write_text(good.replace("参保率: ", "参保率: [", 1), encoding="utf-8")
    page.wait_for_selector("#zj-error", timeout=15000)
    assert "facts.yaml" in page.inner_text("#zj-error")

    facts.write_text(good.replace("389988人", "389888人"), encoding="utf-8")
    page.wait_for_selector("#zj-panel", timeout=15000)
    assert "校验通过" in page.inner_text("#zj-panel")
    assert page.locator("span.fact.zj-error").count() == 0

    for width, name in ((1000, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(tmp_path / f"document-{name}.png"), full_page=False)
        page.goto(base)
        page.screenshot(path=str(tmp_path / f"index-{name}.png"))
        page.go_back()
    assert (tmp_path / "index-phone.png").stat().st_size > 0
