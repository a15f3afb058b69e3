"""The pages in a real headless Chromium (Debian's, driven by Playwright): what a person sees.

Skipped when /usr/bin/chromium or the playwright package is missing. Screenshots go to tmp_path
(desktop and phone widths).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import PageServer
from tests.test_web_support import World, open_world


@pytest.fixture
def web_world(pages: PageServer, tmp_path: Path) -> Iterator[World]:
    yield from open_world(pages, tmp_path)


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is not installed"
)
if not Path(CHROMIUM).exists():
    pytest.skip(
        "no Chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, java_script_enabled=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("dialog", lambda d: errors.append("dialog: " + d.message))
    pg.errors = errors
    yield pg
    context.close()


def test_targets_page(web_world: World, page: Any, tmp_path: Path) -> None:
    page.goto(web_world.server.url + "/")
    assert page.title() == "Targets · watcher"
    rows = page.locator("table.list tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text()
    assert "Acme Cloud" in first and "error" in first  # the failing target first
    assert "critical" in rows.nth(1).inner_text()
    badge = page.locator(".badge.severity-critical").first
    assert badge.is_visible()
    # The stylesheet applied (CSP allowed it by hash): the critical badge is dark red.
    assert badge.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(139, 0, 0)"
    page.screenshot(path=str(tmp_path / "targets.png"), full_page=True)
    assert not page.errors, page.errors


def test_change_page_shows_headline_words_and_severity(
    web_world: World, page: Any, tmp_path: Path
) -> None:
    page.goto(f"{web_world.server.url}/changes/{web_world.change_id}")
    h1 = page.locator("h1").inner_text()
    assert h1.startswith("VPN logging:") and "do not store" in h1
    deleted = page.locator("del", has_text="do not")
    assert deleted.first.is_visible()
    assert deleted.first.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    inserted = page.locator("ins").first
    assert inserted.is_visible()
    assert inserted.evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    assert page.locator(".badge.severity-critical").first.is_visible()
    assert page.locator(".badge.direction-weakens").first.is_visible()
    # The hostile paragraph is visible as text, and no script ran (no dialog opened).
    assert page.get_by_text("<script>alert(1)</script>", exact=False).first.is_visible()
    assert page.locator("script").count() == 0
    assert page.locator("text=Evidence").first.is_visible()
    page.screenshot(path=str(tmp_path / "change.png"), full_page=True)

    page.goto(f"{web_world.server.url}/changes/{web_world.change_id}?view=side")
    sides = page.locator(".side").first.locator(":scope > div")
    assert sides.count() == 2
    left, right = sides.nth(0).bounding_box(), sides.nth(1).bounding_box()
    assert left["x"] + left["width"] <= right["x"] + 1  # side by side on a wide screen
    page.screenshot(path=str(tmp_path / "change-side.png"), full_page=True)
    assert not page.errors, page.errors


def test_history_page(web_world: World, page: Any, tmp_path: Path) -> None:
    page.goto(web_world.server.url + "/targets/jetvpn/privacy")
    assert page.locator("h1").inner_text() == "Jet VPN privacy policy"
    items = page.locator("ol.timeline > li")
    assert items.count() == 2
    assert "version 2" in items.nth(0).inner_text() and "critical" in items.nth(0).inner_text()
    assert "first version" in items.nth(1).inner_text()
    page.screenshot(path=str(tmp_path / "history.png"), full_page=True)
    page.goto(web_world.server.url + "/targets/acme/terms")
    assert "2 checks" in page.locator("ol.timeline > li").first.inner_text()


def test_usable_on_a_phone(web_world: World, browser: Any, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    try:
        page = context.new_page()
        for path in ["/", f"/changes/{web_world.change_id}?view=side", "/targets/acme/terms"]:
            page.goto(web_world.server.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, (path, width)  # no sideways scrolling
        page.goto(web_world.server.url + "/")
        page.screenshot(path=str(tmp_path / "targets-phone.png"), full_page=True)
    finally:
        context.close()


def test_raw_body_downloads_instead_of_rendering(web_world: World, page: Any) -> None:
    import hashlib

    digest = hashlib.sha256(web_world.pages.pages["/jet"].body).hexdigest()
    page.goto(f"{web_world.server.url}/changes/{web_world.change_id}")
    with page.expect_download() as info:
        page.locator(f'a[href="/raw/{digest}"]').click()
    assert info.value.suggested_filename == f"{digest}.raw"
