"""The web front over real HTTP: pages, evidence downloads, headers, methods, health, escaping.

The store is filled by real checks of pages served on 127.0.0.1 (see ``test_web_support``).
"""

from __future__ import annotations

import base64
import hashlib
import html as html_mod
import re
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import PageServer
from tests.test_web_support import (
    HOSTILE,
    PARAS,
    World,
    open_world,
    policy_html,
)
from watcher import web
from watcher.models import Outcome, TargetId
from watcher.store import CheckRecord, OutboxItem, sha256


@pytest.fixture
def web_world(pages: PageServer, tmp_path: Path) -> Iterator[World]:
    yield from open_world(pages, tmp_path)


PAGES = ["/", "/targets/jetvpn/privacy", "/targets/acme/terms", "/feeds/"]


def change_pages(w: World) -> list[str]:
    return [f"/changes/{w.change_id}", f"/changes/{w.change_id}?view=side"]


class TestTargetsPage:
    def test_lists_targets_with_last_check_and_last_change(self, web_world: World) -> None:
        """The targets page names each provider and document, its last check and last change."""
        html = web_world.get("/").text
        assert "Jet VPN" in html and "privacy policy" in html
        assert "Acme Cloud" in html and "terms" in html
        assert 'class="badge severity-critical">critical<' in html
        assert 'class="badge outcome-error">error<' in html
        assert 'class="badge outcome-changed">changed<' in html
        assert f'href="/changes/{web_world.change_id}"' in html
        assert 'href="/targets/jetvpn/privacy"' in html

    def test_failing_targets_come_first(self, web_world: World) -> None:
        """Acme fails, so it is listed before Jet VPN although J sorts after A anyway: check
        with a failing target that sorts last."""
        html = web_world.get("/").text
        assert html.index("acme/terms") < html.index("jetvpn/privacy")
        assert "2 failing checks in a row" in html
        web_world.pages.set("/acme", policy_html(PARAS[:3]))
        web_world.pages.set("/jet", "<html><body>down</body></html>", status=503)
        assert web_world.check("acme/terms").outcome is Outcome.NEW
        assert web_world.check("jetvpn/privacy").outcome is Outcome.ERROR
        html = web_world.get("/").text
        assert html.index("jetvpn/privacy") < html.index("acme/terms")

    def test_links_to_feeds(self, web_world: World) -> None:
        html = web_world.get("/").text
        assert '<link rel="alternate" type="application/atom+xml"' in html
        assert 'href="/feeds/changes.atom"' in html and 'href="/feeds/"' in html


class TestTargetPage:
    def test_timeline_shows_versions_change_and_folded_errors(self, web_world: World) -> None:
        html = web_world.get("/targets/jetvpn/privacy").text
        assert "version 1</strong>" in html and "first version" in html
        assert "version 2</strong>" in html
        assert f'<a href="/changes/{web_world.change_id}">change #{web_world.change_id}</a>' in html
        assert 'href="/feeds/targets/jetvpn/privacy.atom"' in html
        acme = web_world.get("/targets/acme/terms").text
        assert 'class="ev-error"' in acme
        assert "2 checks," in acme and "HTTP 500" in acme  # two errors folded into one event
        assert "failing: 2 checks in a row" in acme

    def test_flip_back_is_shown_as_such(self, web_world: World) -> None:
        web_world.pages.set("/jet", policy_html(PARAS))
        r = web_world.check("jetvpn/privacy")
        assert r.version_seq == 3
        html = web_world.get("/targets/jetvpn/privacy").text
        assert 'class="ev-flip"' in html and "flip-back" in html
        assert "went back to version 1" in html

    def test_anomaly_is_shown_as_such(self, web_world: World) -> None:
        web_world.pages.set("/jet", "<html><body><main><h1>Privacy</h1></main></body></html>")
        assert web_world.check("jetvpn/privacy").outcome is Outcome.ANOMALY
        html = web_world.get("/targets/jetvpn/privacy").text
        assert 'class="ev-anomaly"' in html and "outcome-anomaly" in html

    def test_target_id_may_be_percent_encoded(self, web_world: World) -> None:
        assert web_world.get("/targets/jetvpn%2Fprivacy").status_code == 200

    def test_version_text_is_plain_text(self, web_world: World) -> None:
        r = web_world.get("/targets/jetvpn/privacy/versions/2.txt")
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/plain; charset=utf-8"
        assert r.headers["x-content-type-options"] == "nosniff"
        version = web_world.ctx.store.version("jetvpn/privacy", 2)
        assert version is not None and r.text == version.text + "\n"
        assert HOSTILE in r.text  # as text, verbatim: text/plain is never rendered as HTML
        assert web_world.get("/targets/jetvpn/privacy/versions/9.txt").status_code == 404


class TestChangePage:
    def test_headline_verdict_reasons_and_words(self, web_world: World) -> None:
        html = web_world.get(f"/changes/{web_world.change_id}").text
        sc = web_world.ctx.store.change(web_world.change_id)
        assert sc is not None
        assert re.search(r"<h1>VPN logging: .*do not store.*</h1>", html)
        assert 'class="badge severity-critical">critical<' in html
        assert 'class="badge direction-weakens">weakens<' in html
        assert "vpn-logging" in html
        for reason in sc.verdict.findings[1].reasons:
            assert f"<li>{html_mod.escape(reason)}</li>" in html
        assert "<del>do not </del>" in html
        assert 'href="/feeds/targets/jetvpn/privacy.atom"' in html

    def test_side_by_side(self, web_world: World) -> None:
        inline = web_world.get(f"/changes/{web_world.change_id}").text
        side = web_world.get(f"/changes/{web_world.change_id}", params={"view": "side"}).text
        assert 'class="side"' in side and 'class="side"' not in inline
        assert ">before<" in side and ">after<" in side
        assert "aria-current=page>side by side" in side

    def test_evidence_with_downloads(self, web_world: World) -> None:
        html = web_world.get(f"/changes/{web_world.change_id}").text
        served = web_world.pages.pages["/jet"].body
        digest = hashlib.sha256(served).hexdigest()
        assert f"sha256 <code>{digest}</code>" in html
        assert "<dt>HTTP status</dt><dd>200</dd>" in html
        assert "<dt>fetched</dt><dd><time datetime=" in html
        assert f'href="/raw/{digest}"' in html
        assert 'href="/targets/jetvpn/privacy/versions/1.txt"' in html
        raw = web_world.get(f"/raw/{digest}")
        assert raw.status_code == 200 and raw.content == served
        assert raw.headers["content-type"] == "application/octet-stream"
        assert raw.headers["content-disposition"] == f'attachment; filename="{digest}.raw"'
        assert "sandbox" in raw.headers["content-security-policy"]
        text = web_world.get("/targets/jetvpn/privacy/versions/2.txt").text
        assert f"sha256 <code>{sha256(text[:-1])}</code>" in html

    def test_raw_needs_a_sha256(self, web_world: World) -> None:
        assert web_world.get("/raw/../../etc/passwd").status_code == 404
        assert web_world.get("/raw/" + "0" * 64).status_code == 404
        assert web_world.get("/raw/" + "A" * 64).status_code == 404

    def test_unknown_change(self, web_world: World) -> None:
        r = web_world.get("/changes/999")
        assert r.status_code == 404 and "No change #999" in r.text


class TestUntrustedText:
    def test_hostile_text_is_inert_everywhere(self, web_world: World) -> None:
        """A policy containing <script>, <b> and ]]> shows as text on every page."""
        escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
        for path in [*PAGES, *change_pages(web_world)]:
            html = web_world.get(path).text
            assert "<script" not in html.lower(), path
            assert "<b>" not in html, path
        change = web_world.get(f"/changes/{web_world.change_id}").text
        assert escaped in change and "]]&gt;" in change
        assert "&lt;b&gt;privacy&lt;/b&gt;@example.com &amp;amp; more." in change

    def test_hostile_target_id_in_the_url_is_escaped(self, web_world: World) -> None:
        r = web_world.get("/targets/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        assert r.status_code == 404
        assert "<script" not in r.text and "&lt;script&gt;" in r.text

    def test_strict_security_headers_on_every_answer(self, web_world: World) -> None:
        paths = [*PAGES, *change_pages(web_world), "/feeds/changes.atom", "/metrics", "/nope"]
        for path in paths:
            r = web_world.get(path)
            csp = r.headers["content-security-policy"]
            assert "default-src 'none'" in csp, path
            assert "frame-ancestors 'none'" in csp
            assert "script-src" not in csp and "unsafe-inline" not in csp
            assert r.headers["x-content-type-options"] == "nosniff"

    def test_the_inline_stylesheet_is_allowed_by_its_hash(self, web_world: World) -> None:
        r = web_world.get("/")
        style = re.search(r"<style>(.*?)</style>", r.text, re.S)
        assert style is not None
        digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
        assert f"style-src 'sha256-{digest}'" in r.headers["content-security-policy"]
        assert r.text.count("<style>") == 1 and " style=" not in r.text


class TestHttp:
    def test_head_has_headers_and_no_body(self, web_world: World) -> None:
        get = web_world.get("/")
        head = web_world.client.head("/")
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-length"] == str(len(get.content))

    @pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"])
    def test_other_methods_are_refused(self, web_world: World, method: str) -> None:
        r = web_world.client.request(method, "/", content=b"x=1")
        assert r.status_code == 405
        assert r.headers["allow"] == "GET, HEAD"
        assert web_world.get("/").status_code == 200  # and the server is still fine

    def test_conditional_get(self, web_world: World) -> None:
        first = web_world.get("/feeds/changes.atom")
        again = web_world.get(
            "/feeds/changes.atom", headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304 and again.content == b""

    def test_unknown_paths_are_404(self, web_world: World) -> None:
        for path in ["/nope", "/targets/nobody/here", "/feeds/nope.atom", "/changes/x"]:
            assert web_world.get(path).status_code == 404, path

    def test_stop_closes_the_port(self, web_world: World) -> None:
        url = web_world.server.url
        web_world.server.stop()
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/healthz", timeout=2)
        web_world.server.stop()  # idempotent


class TestHealthz:
    def test_healthy(self, web_world: World) -> None:
        r = web_world.get("/healthz")
        assert r.status_code == 200
        body = r.json()
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"store_read", "store_write", "outbox"}

    def test_scheduler_dead_is_503(self, web_world: World) -> None:
        alive = {"now": True}
        handle = web.start_server(
            web_world.config,
            web_world.ctx.store,
            listen="127.0.0.1:0",
            is_alive=lambda: alive["now"],
        )
        try:
            assert httpx.get(handle.url + "/healthz").json()["checks"]["scheduler"]["ok"]
            alive["now"] = False
            r = httpx.get(handle.url + "/healthz")
            assert r.status_code == 503 and r.json()["status"] == "fail"
        finally:
            handle.stop()

    def test_stuck_outbox_is_503(self, web_world: World) -> None:
        old = datetime.now(UTC) - timedelta(hours=3)
        web_world.ctx.store.commit_check(
            CheckRecord(
                TargetId("acme/terms"),
                old,
                0.1,
                Outcome.ERROR,
                alerts=(OutboxItem("ngo", "failure", "stuck-test", {}),),
            )
        )
        r = web_world.get("/healthz")
        assert r.status_code == 503
        assert r.json()["checks"]["outbox"] == {
            "ok": False,
            "overdue": 1,
            "oldest_due": old.isoformat(timespec="microseconds"),
        }

    def test_unreadable_store_is_503(self, web_world: World) -> None:
        web_world.ctx.store.close()
        r = web_world.get("/healthz")
        assert r.status_code == 503
        checks = r.json()["checks"]
        assert not checks["store_read"]["ok"] and not checks["store_write"]["ok"]
        assert web_world.get("/").status_code == 503  # pages say so too, without a traceback


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TestServeCommand:
    def test_watcher_serve(
        self,
        web_world: World,
        write_config: Callable[..., Path],
        watcher_cli: Callable[..., Any],
        tmp_path: Path,
    ) -> None:
        """`watcher serve --listen` serves the same store as the daemon writes."""
        port = free_port()
        cfg = write_config(
            [{"id": "jetvpn/privacy", "url": web_world.pages.url("/jet"), "provider": "Jet VPN"}],
            watcher={"state_dir": str(web_world.config.settings.state_dir)},
            http={"listen": "127.0.0.1:1", "base_url": "http://watcher.example"},
        )
        from tests.test_web_support import watcher_exe

        proc = subprocess.Popen(
            [*watcher_exe(), "serve", "--config", str(cfg), "--listen", f"127.0.0.1:{port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    r = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                    break
                except httpx.TransportError:
                    assert proc.poll() is None, proc.communicate()
                    assert time.monotonic() < deadline, "watcher serve did not start"
                    time.sleep(0.1)
            assert r.status_code == 200
            page = httpx.get(f"http://127.0.0.1:{port}/changes/{web_world.change_id}")
            assert "<del>do not </del>" in page.text
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=10)
        assert f"serving on http://127.0.0.1:{port}/" in err

    def test_serve_reports_a_busy_port(
        self, web_world: World, write_config: Callable[..., Path], watcher_cli: Callable[..., Any]
    ) -> None:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            cfg = write_config(
                [{"id": "jetvpn/privacy", "url": "http://127.0.0.1:9/", "provider": "Jet VPN"}],
                http={"listen": f"127.0.0.1:{port}"},
            )
            r = watcher_cli("serve", "--config", str(cfg), timeout=20)
        assert r.returncode == 2
        assert f"cannot listen on 127.0.0.1:{port}" in r.stderr


def test_reload_serves_the_new_config(web_world: World) -> None:
    """After a reload (SIGHUP in the daemon), a new target and base_url show at once."""
    from dataclasses import replace

    from watcher.config import HttpSettings
    from watcher.models import Target

    new = replace(
        web_world.config,
        targets=(*web_world.config.targets, Target(TargetId("zed/terms"), "http://x/", "Zed")),
        http=HttpSettings(base_url="https://public.example"),
    )
    web_world.server.reload(new)
    assert "zed/terms" in web_world.get("/").text
    feed = web_world.get("/feeds/changes.atom").text
    assert "<id>https://public.example/feeds/changes.atom</id>" in feed
