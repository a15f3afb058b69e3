"""Targets with ``render = "browser"``: the policy text that only JavaScript builds is fetched.

The rendering tests need the system Chromium and the playwright package; where either is missing
they are skipped with the reason (CI installs both: see the fetch stage's report). The error
cases for a missing browser run everywhere.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.faultserver import FaultServer, ok, status
from watcher import browser
from watcher.errors import FetchError
from watcher.fetch import fetch
from watcher.models import Fetched, FetchSettings, Target, TargetId

SETTINGS = FetchSettings(
    user_agent="watcher/0.1", contact="ops@example.org", browser_timeout=20.0, total_timeout=5.0
)

_missing = [
    reason
    for reason, absent in (
        (
            f"Chromium is not installed at {browser.CHROMIUM}",
            not os.access(browser.CHROMIUM, os.X_OK),
        ),
        ("the playwright package is not installed", importlib.util.find_spec("playwright") is None),
    )
    if absent
]
needs_browser = pytest.mark.skipif(bool(_missing), reason="; ".join(_missing) or "ok")

SHELL = b"""<!doctype html>
<html><head><title>Privacy</title></head>
<body>
<main id="policy"><p>Loading...</p></main>
<script>
  // The policy arrives in two steps, as single-page apps do: inline, then from an API.
  const main = document.getElementById("policy");
  main.innerHTML = "<h1>" + ["Privacy", "Policy"].join(" ") + "</h1>";
  fetch("/api/policy.json")
    .then((r) => r.json())
    .then((data) => {
      for (const sentence of data.sentences) {
        const p = document.createElement("p");
        p.textContent = sentence;
        main.appendChild(p);
      }
    });
</script>
</body></html>
"""
API = b'{"sentences": ["We do not store connection timestamps.", "We never sell your data."]}'


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    # Never used for browser targets; a closed transport would show if it were.
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(500))) as c:
        yield c


def target(url: str) -> Target:
    return Target(id=TargetId("test/spa"), url=url, provider="Test", render="browser")


@needs_browser
@pytest.mark.browser
class TestRendering:
    def test_text_built_by_javascript_is_in_the_fetched_page(
        self, server: FaultServer, client: httpx.Client
    ) -> None:
        url = server.route("/privacy", ok(SHELL))
        server.route("/api/policy.json", ok(API, "application/json"))
        result = fetch(client, target(url), None, SETTINGS)
        assert isinstance(result, Fetched)
        page = result.body.decode("utf-8")
        assert "<h1>Privacy Policy</h1>" in page
        assert "We do not store connection timestamps." in page
        assert "Loading..." not in page
        assert result.content_type == "text/html"
        assert result.charset == "utf-8"
        assert result.url == url

    def test_rendering_works_from_a_worker_thread_as_in_the_daemon(
        self, server: FaultServer, client: httpx.Client
    ) -> None:
        url = server.route("/privacy", ok(SHELL))
        server.route("/api/policy.json", ok(API, "application/json"))
        with ThreadPoolExecutor(max_workers=1) as pool:
            result = pool.submit(fetch, client, target(url), None, SETTINGS).result()
        assert isinstance(result, Fetched)
        assert b"We never sell your data." in result.body

    def test_the_browser_sends_our_user_agent(
        self, server: FaultServer, client: httpx.Client
    ) -> None:
        url = server.route("/privacy", ok(b"<p>static</p>"))
        fetch(client, target(url), None, SETTINGS)
        assert server.headers_of("/privacy")[0]["user-agent"] == (
            "watcher/0.1 (+mailto:ops@example.org)"
        )

    def test_error_status_in_the_browser_is_an_http_status_error(
        self, server: FaultServer, client: httpx.Client
    ) -> None:
        url = server.route("/gone", status(404))
        with pytest.raises(FetchError) as info:
            fetch(client, target(url), None, SETTINGS)
        assert info.value.cause == "http-status"
        assert info.value.status == 404


class TestMissingBrowser:
    def test_missing_chromium_is_a_browser_error_that_says_what_to_install(self) -> None:
        with pytest.raises(FetchError) as info:
            browser.render(
                target("http://127.0.0.1:9/privacy"), SETTINGS, executable="/nonexistent/chromium"
            )
        assert info.value.cause == "browser"
        assert "apt-get install chromium" in str(info.value)

    def test_missing_playwright_is_a_browser_error_that_says_what_to_install(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # import now fails
        with pytest.raises(FetchError) as info:
            browser.render(
                target("http://127.0.0.1:9/privacy"), SETTINGS, executable=sys.executable
            )
        assert info.value.cause == "browser"
        assert "pip install playwright" in str(info.value)
