"""The pages in a real headless Chromium (Debian ``chromium`` + ``fonts-noto-cjk``) through Playwright.

The app runs under waitress on a free loopback port. Every page is checked for console errors and
saved as a screenshot under the test's temporary folder (look at them: Chinese must render as glyphs).
Waits are generous and only waits; nothing here asserts on time.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.fixtures.searcher import SubstringSearcher
from web import state
from web.app import create_app
from web.commands.serve import start_background

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT = 30_000  # ms; a generous ceiling for a slow CI machine, never an assertion
HAIZHI_DEPARTMENTS = {"国际部", "组人部", "学会部", "省院士专家服务中心"}


@pytest.fixture(scope="module")
def server(built_home):
    state.reset()
    srv, url = start_background(create_app())
    yield url.rstrip("/")
    srv.close()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium fonts-noto-cjk fontconfig (make test does this)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


class Page:
    """A browser page that records console errors and uncaught exceptions, and takes screenshots."""

    def __init__(self, browser, base: str, shots: Path, **context):
        self.context = browser.new_context(locale="zh-CN", **context)
        self.page = self.context.new_page()
        self.page.set_default_timeout(WAIT)
        self.base, self.shots = base, shots
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def goto(self, path: str):
        response = self.page.goto(self.base + path, wait_until="load")
        return response

    def shot(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def page(browser, server, tmp_path):
    p = Page(browser, server, tmp_path, viewport={"width": 1280, "height": 900})
    yield p
    p.close()
    assert not p.errors, f"console errors: {p.errors}"
    assert not p.dialogs, f"dialogs opened: {p.dialogs}"


def fonts_render_cjk(page) -> bool:
    """Chinese renders as glyphs: with the page's own font, two different characters draw different
    pixels (missing glyphs would draw the same empty box twice)."""
    return page.evaluate(
        """() => {
            const font = getComputedStyle(document.body).fontFamily;
            const draw = (ch) => {
                const c = document.createElement('canvas');
                c.width = c.height = 48;
                const g = c.getContext('2d');
                g.font = `40px ${font}`;
                g.fillText(ch, 4, 40);
                return Array.from(g.getImageData(0, 0, 48, 48).data).join(',');
            };
            const a = draw('海'), b = draw('智'), c = draw('部');
            return a !== b && b !== c && /[1-9]/.test(a);
        }"""
    )


def test_ask_a_question_and_open_a_task(page):
    page.goto("/")
    p = page.page
    assert p.title().endswith("policykg")
    assert fonts_render_cjk(p)
    page.shot("home")
    p.fill("#q", "海智计划涉及哪些部门")
    p.press("#q", "Enter")
    p.wait_for_selector("#answer")
    chips = {t.strip() for t in p.locator(".answer-departments .chip").all_inner_texts()}
    assert chips == HAIZHI_DEPARTMENTS
    assert p.locator("#answer .count").get_attribute("data-count") == "4"
    assert p.locator("#answer .evidence mark").count() >= 2  # 海智计划 highlighted in its sentences
    page.shot("home-answer")
    # open a task page from a result
    link = p.locator(".answer-tasks a").first
    title = link.inner_text()
    link.click()
    p.wait_for_url(re.compile(r"/tasks/"))
    assert "4.7.1" in title and "4.7.1" in p.locator(".unit .tid").inner_text()
    assert "原文位置：字符" in p.locator(".unit .where").inner_text()
    lead = p.locator(".chip.dept.lead")
    assert lead.count() == 1 and "牵头" in lead.inner_text() and "国际部" in lead.inner_text()
    assert p.locator("#h-ent + .entity-groups a", has_text="海智计划").count() == 1
    assert p.locator(".related li").count() >= 1
    page.shot("task")


def test_search_results_are_highlighted_filtered_and_open_a_task(page, plan_graph):
    state.install(SubstringSearcher(plan_graph))  # the same result records as the engine, without the model
    p = page.page
    try:
        page.goto("/?q=" + quote("科技工作者"))
        p.wait_for_selector(".hit")
        assert p.locator(".hit mark").count() >= 1
        assert "科技工作者" in p.locator(".hit mark").first.inner_text()
        page.shot("search")
        p.select_option("select[name=kind]", "task")  # filters submit on change
        p.wait_for_url(re.compile(r"kind=task"))
        assert p.locator(".hit[data-kind=passage]").count() == 0 and p.locator(".hit[data-kind=task]").count() > 0
        if p.locator(".pager a[rel=next]").count():
            p.click(".pager a[rel=next]")
            p.wait_for_url(re.compile(r"page=2"))
        p.locator(".hit .hit-title").first.click()
        p.wait_for_url(re.compile(r"/tasks/"))
        assert p.locator(".unit h1").count() == 1
    finally:
        state.reset()


def test_entity_page_traces_a_programme_to_its_departments(page):
    page.goto("/entities/" + quote("programme:海智计划"))
    p = page.page
    assert p.locator("h1").inner_text() == "海智计划"
    rows = {t.strip() for t in p.locator(".trace-table tbody th").all_inner_texts()}
    assert rows == HAIZHI_DEPARTMENTS
    assert p.locator(".mentions li").count() >= 2
    page.shot("entity-programme")
    page.goto("/entities/" + quote("department:组人部"))
    assert p.locator(".dept-tasks li").count() == 9
    page.shot("entity-department")


def test_matrix_shows_33_tasks_sorts_and_downloads(page):
    page.goto("/matrix")
    p = page.page
    assert p.locator("#matrix tbody tr[data-task]").count() == 33
    assert p.locator("#matrix td.cell.lead").count() == 33  # one lead per task
    page.shot("matrix")
    column = p.locator("#matrix thead th", has_text="组人部")
    column.locator("button").click()
    assert column.get_attribute("aria-sort") == "descending"
    index = [h.strip() for h in p.locator("#matrix thead th").all_inner_texts()].index("组人部")
    values = p.eval_on_selector_all(
        "#matrix tbody tr", f"rows => rows.map(r => Number(r.cells[{index}].dataset.value))"
    )
    assert values == sorted(values, reverse=True) and values[:9] == [2] * 8 + [1]
    with p.expect_download() as download:
        p.click("text=下载 CSV")
    path = download.value.path()
    data = Path(path).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "组人部".encode() in data


def test_graph_explorer_draws_finds_and_paths(page):
    page.goto("/graph")
    p = page.page
    p.wait_for_selector("#network[data-drawn='1'] canvas")
    p.wait_for_function("() => document.querySelector('#status').textContent.includes('个节点')")
    assert int(p.get_attribute("#network", "data-nodes")) > 50
    painted = p.evaluate(
        """() => {
            const c = document.querySelector('#network canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240)) n++;
            return n;
        }"""
    )
    assert painted > 1000  # nodes and edges were drawn, not an empty canvas
    page.shot("graph")
    # search a node
    p.fill("#find-name", "海智计划")
    p.click("#find button")
    p.wait_for_function("() => document.querySelector('#status').textContent.startsWith('已定位')")
    assert p.evaluate("() => window.policykgExplorer.network.getSelectedNodes()") == ["programme:海智计划"]
    # the path between two entities
    p.fill("#path-from", "海智计划")
    p.fill("#path-to", "科普部")
    p.click("#path button")
    p.wait_for_selector("#path-result ol li")
    assert "海智计划" in p.locator("#path-result").inner_text()
    page.shot("graph-path")
    # filter by type: departments only
    for box in p.locator("input[name='types']").all():
        if box.is_checked() and box.get_attribute("value") != "Department":
            box.uncheck()
    p.wait_for_function("() => document.querySelector('#network').dataset.nodes === '8'")
    # click a node to open its page
    p.wait_for_timeout(300)
    p.evaluate("() => window.policykgExplorer.network.fit()")
    p.wait_for_timeout(300)
    x, y = p.evaluate(
        """() => {
            const n = window.policykgExplorer.network;
            const pos = n.canvasToDOM(n.getPositions(['department:组人部'])['department:组人部']);
            const box = document.querySelector('#network canvas').getBoundingClientRect();
            return [box.left + pos.x, box.top + pos.y];
        }"""
    )
    p.mouse.click(x, y)
    p.wait_for_url(re.compile(r"/entities/department"))
    assert p.locator("h1").inner_text() == "组人部"


def test_phone_width_and_escaping(browser, server, tmp_path):
    phone = Page(browser, server, tmp_path, viewport={"width": 375, "height": 780}, is_mobile=True, has_touch=True)
    try:
        phone.goto("/?q=" + quote("海智计划涉及哪些部门"))
        p = phone.page
        assert p.evaluate("() => document.documentElement.scrollWidth") <= 375 + 1  # no sideways scrolling
        assert {t.strip() for t in p.locator(".answer-departments .chip").all_inner_texts()} == HAIZHI_DEPARTMENTS
        phone.shot("phone-answer")
        phone.goto("/matrix")
        assert p.locator("#matrix tbody tr[data-task]").count() == 33
        assert p.evaluate("() => document.documentElement.scrollWidth") <= 375 + 1  # the table scrolls inside
        phone.shot("phone-matrix")
        # a script in the query is shown, never run
        xss = "<script>alert(1)</script>"
        phone.goto("/?q=" + quote(xss))
        assert p.input_value("#q") == xss
        assert p.locator("script:not([src])").count() == 0
        phone.shot("phone-xss")
        response = phone.goto("/no/such/page")
        assert response.status == 404 and "页面不存在" in p.locator("h1").inner_text()
        phone.shot("phone-404")
        # Chromium reports the 404 document itself as a console error; that one is expected.
        phone.errors = [e for e in phone.errors if "status of 404" not in e]
    finally:
        phone.close()
    assert not phone.errors, phone.errors
    assert not phone.dialogs, phone.dialogs


def test_documents_page_follows_a_citation_to_the_cited_document(browser, citing_home, tmp_path):
    srv, url = start_background(create_app())
    docs = Page(browser, url.rstrip("/"), tmp_path, viewport={"width": 1280, "height": 900})
    try:
        docs.goto("/documents")
        p = docs.page
        assert p.locator("#documents tbody tr[data-doc]").count() == 4
        assert fonts_render_cjk(p)
        docs.shot("documents")
        p.click("tr[data-doc='notice'] .citations a")
        p.wait_for_url(re.compile(r"/documents/law-2023$"))
        assert p.locator("h1").inner_text() == "中华人民共和国示范促进法"
        assert "根据修订后的《示范促进法》" in p.locator("#h-cited-by + ul").inner_text()
        docs.shot("document")
        p.click("#h-cited-by + ul a[href='/documents/plan']")
        p.wait_for_url(re.compile(r"/documents/plan$"))
        p.click(".outline a[href='/tasks/plan/1.1']")
        p.wait_for_url(re.compile(r"/tasks/plan/1\.1$"))
        # the explorer's citation view: the four documents and the three citations between them
        docs.goto("/documents")
        p.click("text=文件引用网络")
        p.wait_for_selector("#network[data-drawn='1'] canvas")
        p.wait_for_function("() => document.querySelector('#network').dataset.edges === '3'")
        assert p.get_attribute("#network", "data-nodes") == "4"
        docs.shot("citation-network")
    finally:
        docs.close()
        srv.close()
    assert not docs.errors, docs.errors
