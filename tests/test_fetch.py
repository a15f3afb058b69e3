"""The fetch stage's contract: the client it builds, retry timing, errors by cause, and PDFs.

The misbehaving-server cases live in test_fetch_faults.py; here are the cases that are clearer
with ``httpx.MockTransport`` (exact retry delays, DNS failures we cannot cause on loopback) or
that check what we send (headers, proxies).
"""

from __future__ import annotations

import email.utils
import importlib.util
import socket
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from tests.faultserver import FaultServer, free_port, ok
from watcher.errors import FetchError
from watcher.fetch import fetch, make_client
from watcher.models import Fetched, FetchSettings, NotModified, Target, TargetId, Validators
from watcher.pdf import pdf_text

SETTINGS = FetchSettings(
    user_agent="watcher/0.1",
    contact="ops@example.org",
    connect_timeout=1.0,
    read_timeout=1.0,
    total_timeout=2.0,
    max_bytes=1024 * 1024,
    max_redirects=5,
    retries=2,
    backoff=0.05,
)
PAGE = b"<html><body><p>We do not log your traffic.</p></body></html>"
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*PROXY_VARS, "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Record fetch's backoff sleeps instead of sleeping (MockTransport tests only)."""
    recorded: list[float] = []
    monkeypatch.setattr("watcher.fetch._sleep", recorded.append)
    return recorded


def target(url: str = "http://policy.test/privacy", render: str = "http") -> Target:
    return Target(id=TargetId("test/privacy"), url=url, provider="Test", render=render)


def mock_client(
    *responses: httpx.Response | Callable[[httpx.Request], httpx.Response],
) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose network answers with ``responses`` in turn (the last one repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen), len(responses)) - 1]
        if callable(answer):
            return answer(request)
        # A fresh Response each time (one can be streamed only once) over the same raw bytes.
        return httpx.Response(answer.status_code, headers=answer.headers, stream=answer.stream)

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def html(status: int = 200, **headers: str) -> httpx.Response:
    """``retry_after="1"`` -> ``Retry-After: 1``."""
    extra = {name.replace("_", "-"): value for name, value in headers.items()}
    return httpx.Response(status, headers={"Content-Type": "text/html", **extra}, content=PAGE)


class TestMakeClient:
    def test_user_agent_carries_the_operators_contact(self, server: FaultServer) -> None:
        url = server.route("/p", ok(PAGE))
        with make_client(SETTINGS) as client:
            fetch(client, target(url), None, SETTINGS)
        sent = server.headers_of("/p")[0]
        assert sent["user-agent"] == "watcher/0.1 (+mailto:ops@example.org)"

    def test_user_agent_without_contact_is_left_alone(self) -> None:
        settings = FetchSettings(user_agent="watcher/0.1")
        with make_client(settings) as client:
            assert client.headers["User-Agent"] == "watcher/0.1"

    def test_accepts_policy_types_and_only_encodings_it_can_decode(
        self, server: FaultServer
    ) -> None:
        url = server.route("/p", ok(PAGE))
        with make_client(SETTINGS) as client:
            fetch(client, target(url), None, SETTINGS)
        sent = server.headers_of("/p")[0]
        expected = "gzip, deflate, br" if importlib.util.find_spec("brotli") else "gzip, deflate"
        assert sent["accept-encoding"] == expected
        assert "text/html" in sent["accept"]
        assert "application/pdf" in sent["accept"]
        assert sent["accept-language"].startswith("en")

    def test_timeouts_and_redirect_limit_come_from_settings(self) -> None:
        with make_client(SETTINGS) as client:
            assert client.timeout.connect == SETTINGS.connect_timeout
            assert client.timeout.read == SETTINGS.read_timeout
            assert client.max_redirects == SETTINGS.max_redirects
            assert client.follow_redirects

    def test_proxy_from_settings_carries_the_request(self, server: FaultServer) -> None:
        # The fault server plays the proxy: it receives the absolute URL as the request path.
        server.route("http://policy.test/privacy", ok(PAGE))
        settings = FetchSettings(proxy=server.url(""), total_timeout=2.0, retries=0)
        with make_client(settings) as client:
            result = fetch(client, target(), None, settings)
        assert isinstance(result, Fetched)
        assert result.body == PAGE
        assert server.hits["http://policy.test/privacy"] == 1

    def test_proxy_from_the_environment_is_used_when_settings_have_none(
        self, server: FaultServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        server.route("http://policy.test/privacy", ok(PAGE))
        monkeypatch.setenv("HTTP_PROXY", server.url(""))
        settings = FetchSettings(total_timeout=2.0, retries=0)
        with make_client(settings) as client:
            result = fetch(client, target(), None, settings)
        assert isinstance(result, Fetched)
        assert server.hits["http://policy.test/privacy"] == 1

    def test_proxy_from_settings_wins_over_the_environment(
        self, server: FaultServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        server.route("http://policy.test/privacy", ok(PAGE))
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{free_port()}")
        settings = FetchSettings(proxy=server.url(""), total_timeout=2.0, retries=0)
        with make_client(settings) as client:
            assert isinstance(fetch(client, target(), None, settings), Fetched)


class TestRetryTiming:
    def test_backoff_doubles_with_jitter_between_attempts(self, sleeps: list[float]) -> None:
        client, seen = mock_client(html(500), html(502), html(200))
        with client:
            result = fetch(client, target(), None, SETTINGS)
        assert isinstance(result, Fetched)
        assert len(seen) == 3
        first, second = sleeps
        assert SETTINGS.backoff / 2 <= first <= SETTINGS.backoff
        assert SETTINGS.backoff <= second <= 2 * SETTINGS.backoff

    def test_no_retry_when_retries_is_zero(self, sleeps: list[float]) -> None:
        client, seen = mock_client(html(503))
        settings = FetchSettings(retries=0)
        with client, pytest.raises(FetchError) as info:
            fetch(client, target(), None, settings)
        assert info.value.status == 503
        assert len(seen) == 1
        assert sleeps == []

    def test_retry_after_as_an_http_date_is_honoured(self, sleeps: list[float]) -> None:
        when = datetime.now(UTC) + timedelta(seconds=30)
        client, _ = mock_client(
            html(503, retry_after=email.utils.format_datetime(when, usegmt=True)), html(200)
        )
        settings = FetchSettings(total_timeout=60.0, backoff=0.01)
        with client:
            assert isinstance(fetch(client, target(), None, settings), Fetched)
        assert sleeps and 27.0 <= sleeps[0] <= 30.0

    def test_unreadable_retry_after_falls_back_to_backoff(self, sleeps: list[float]) -> None:
        client, _ = mock_client(html(429, retry_after="soon"), html(200))
        with client:
            assert isinstance(fetch(client, target(), None, SETTINGS), Fetched)
        assert sleeps and sleeps[0] <= SETTINGS.backoff


class TestErrorCauses:
    def test_unresolvable_host_is_a_dns_error_not_retried(self, sleeps: list[float]) -> None:
        def no_such_host(request: httpx.Request) -> httpx.Response:
            try:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            except socket.gaierror as exc:
                raise httpx.ConnectError(str(exc), request=request) from exc

        client, seen = mock_client(no_such_host)
        with client, pytest.raises(FetchError) as info:
            fetch(client, target(), None, SETTINGS)
        assert info.value.cause == "dns"
        assert info.value.transient
        assert "policy.test" in str(info.value)
        assert len(seen) == 1

    def test_connect_timeout_is_a_transient_timeout_retried(self, sleeps: list[float]) -> None:
        def too_slow(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectTimeout("timed out", request=request)

        client, seen = mock_client(too_slow)
        with client, pytest.raises(FetchError) as info:
            fetch(client, target(), None, SETTINGS)
        assert info.value.cause == "timeout"
        assert info.value.transient
        assert len(seen) == SETTINGS.retries + 1

    def test_redirect_to_a_non_http_scheme_is_a_redirect_error(self) -> None:
        client, _ = mock_client(httpx.Response(302, headers={"Location": "ftp://policy.test/x"}))
        with client, pytest.raises(FetchError) as info:
            fetch(client, target(), None, SETTINGS)
        assert info.value.cause == "redirect"

    def test_unsupported_content_encoding_is_a_decode_error(self) -> None:
        client, _ = mock_client(html(200, content_encoding="zstd"))
        with client, pytest.raises(FetchError) as info:
            fetch(client, target(), None, SETTINGS)
        assert info.value.cause == "decode"
        assert "zstd" in str(info.value)

    def test_raw_deflate_without_zlib_header_is_decoded(self) -> None:
        import zlib

        packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = packer.compress(PAGE) + packer.flush()
        client, _ = mock_client(
            httpx.Response(
                200,
                headers={"Content-Type": "text/html", "Content-Encoding": "deflate"},
                content=body,
            )
        )
        with client:
            result = fetch(client, target(), None, SETTINGS)
        assert isinstance(result, Fetched)
        assert result.body == PAGE

    def test_not_modified_carries_the_final_url_and_elapsed_time(self) -> None:
        client, seen = mock_client(httpx.Response(304))
        with client:
            result = fetch(client, target(), Validators(etag='"a"'), SETTINGS)
        assert isinstance(result, NotModified)
        assert result.url == "http://policy.test/privacy"
        assert result.elapsed >= 0
        assert seen[0].headers["If-None-Match"] == '"a"'


def make_pdf(text: str) -> bytes:
    """A one-page PDF whose page shows ``text`` in Helvetica, with a correct xref table."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class TestPdf:
    def test_pdf_policy_is_fetched_as_bytes_for_the_extract_stage(
        self, server: FaultServer
    ) -> None:
        document = make_pdf("Logs are kept for 30 days.")
        url = server.route("/privacy.pdf", ok(document, "application/pdf"))
        with make_client(SETTINGS) as client:
            result = fetch(client, target(url), None, SETTINGS)
        assert isinstance(result, Fetched)
        assert result.content_type == "application/pdf"
        assert result.body == document
        assert "30 days" in pdf_text(result.body)


class TestBrowserDispatch:
    def test_browser_targets_do_not_touch_the_http_client(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from watcher import browser

        calls: list[str] = []

        def fake_render(target: Target, settings: FetchSettings) -> Fetched:
            calls.append(target.url)
            return Fetched(
                url=target.url,
                status=200,
                content_type="text/html",
                body=PAGE,
                fetched_at=datetime.now(UTC),
            )

        monkeypatch.setattr(browser, "render", fake_render)
        client, seen = mock_client(html(500))
        started = time.monotonic()
        with client:
            result = fetch(client, target(render="browser"), None, SETTINGS)
        assert isinstance(result, Fetched)
        assert calls == ["http://policy.test/privacy"]
        assert seen == []
        assert time.monotonic() - started < 1.0
