"""Fault injection: fetch against a real loopback server that misbehaves on purpose.

Each case checks three things: the outcome (the right ``FetchError.cause``, or a value), that
it comes in bounded time (the settings below are small, so "bounded" means a few seconds), and
for the size cases that memory stays bounded.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator

import httpx
import pytest

from tests.faultserver import (
    Exchange,
    FaultServer,
    conditional,
    endless,
    free_port,
    gzip_bomb,
    gzipped,
    ok,
    raw,
    redirect,
    reset_mid_body,
    send,
    sequence,
    slow_endless,
    slow_headers,
    status,
    trickle,
)
from watcher.errors import FetchError
from watcher.fetch import fetch, make_client
from watcher.models import Fetched, FetchSettings, NotModified, Target, TargetId, Validators

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
# A fetch may take one total_timeout per attempt plus backoff; anything past this is a hang.
BOUND = SETTINGS.total_timeout + SETTINGS.read_timeout + 1.0

PAGE = b"<html><body><h1>Privacy</h1><p>We do not log your traffic.</p></body></html>"


@pytest.fixture(autouse=True)
def _no_proxy_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the environment; a CI proxy must not stand between us and 127.0.0.1."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("all_proxy", raising=False)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with make_client(SETTINGS) as c:
        yield c


def target(url: str) -> Target:
    return Target(id=TargetId("test/privacy"), url=url, provider="Test")


def fetch_error(
    client: httpx.Client, url: str, settings: FetchSettings = SETTINGS
) -> tuple[FetchError, float]:
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(client, target(url), None, settings)
    return info.value, time.monotonic() - started


def fetched(client: httpx.Client, url: str, validators: Validators | None = None) -> Fetched:
    result = fetch(client, target(url), validators, SETTINGS)
    assert isinstance(result, Fetched)
    return result


class TestConnectionFaults:
    def test_refused_connection_is_a_transient_connect_error_after_retries(
        self, client: httpx.Client
    ) -> None:
        url = f"http://127.0.0.1:{free_port()}/privacy"
        error, elapsed = fetch_error(client, url)
        assert error.cause == "connect"
        assert error.transient
        assert url in str(error)
        assert elapsed < BOUND

    def test_reset_mid_body_is_retried_then_reported_as_connect(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/reset", reset_mid_body())
        error, elapsed = fetch_error(client, url)
        assert error.cause == "connect"
        assert error.transient
        assert "body" in str(error)
        assert server.hits["/reset"] == SETTINGS.retries + 1
        assert elapsed < BOUND

    def test_reset_once_then_good_page_succeeds(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/flaky", sequence(reset_mid_body(), ok(PAGE)))
        assert fetched(client, url).body == PAGE
        assert server.hits["/flaky"] == 2

    def test_tls_to_a_plain_http_port_is_a_tls_error_not_retried(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        server.route("/privacy", ok(PAGE))
        error, _ = fetch_error(client, f"https://127.0.0.1:{server.port}/privacy")
        assert error.cause == "tls"
        assert not error.transient
        assert server.hits["/privacy"] == 0

    def test_garbage_instead_of_http_is_a_connect_error(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/garbage", raw(b"SSH-2.0-OpenSSH_9.2\r\n\r\n"))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "connect"
        assert elapsed < BOUND


class TestBoundedTimeAndMemory:
    def test_never_ending_fast_body_stops_at_the_size_cap(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/endless", endless())
        error, elapsed = fetch_error(client, url)
        assert error.cause == "too-large"
        assert not error.transient
        assert elapsed < BOUND

    def test_never_ending_slow_body_stops_at_the_total_deadline(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/slow-endless", slow_endless(pause=0.01))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "timeout"
        assert SETTINGS.total_timeout <= elapsed < BOUND
        assert server.hits["/slow-endless"] == 1  # the whole budget was spent: no retry

    def test_byte_per_interval_trickle_ends_at_the_total_deadline(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/trickle", trickle(interval=0.25))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "timeout"
        assert "total_timeout" in str(error)
        assert SETTINGS.total_timeout <= elapsed < BOUND

    def test_headers_sent_one_byte_at_a_time_end_at_the_total_deadline(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/slow-headers", slow_headers(interval=0.25))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "timeout"
        assert elapsed < BOUND
        assert server.hits["/slow-headers"] == 1  # the whole budget was spent: no retry

    def test_silent_server_is_a_read_timeout_retried(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        settings = FetchSettings(
            connect_timeout=0.5, read_timeout=0.3, total_timeout=2.0, retries=1, backoff=0.01
        )
        url = server.route("/silent", lambda ex: time.sleep(1.0))
        error, elapsed = fetch_error(client, url, settings)
        assert error.cause == "timeout"
        assert error.transient
        assert server.hits["/silent"] == 2
        assert elapsed < 2.0

    def test_gzip_bomb_is_refused_without_inflating_it(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/bomb", gzip_bomb(64 * 1024 * 1024))
        tracemalloc.start()
        try:
            error, elapsed = fetch_error(client, url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert error.cause == "too-large"
        assert "max_bytes" in str(error)
        assert peak < 4 * SETTINGS.max_bytes  # 64 MiB inflated would show here
        assert elapsed < BOUND

    def test_declared_length_over_the_cap_is_refused_before_reading(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        big = b"x" * (SETTINGS.max_bytes + 1)
        url = server.route("/big", ok(big, "text/plain"))
        error, _ = fetch_error(client, url)
        assert error.cause == "too-large"

    def test_body_exactly_at_the_cap_is_accepted(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        body = b"x" * SETTINGS.max_bytes
        url = server.route("/full", gzipped(body, "text/plain"))
        assert len(fetched(client, url).body) == SETTINGS.max_bytes


class TestRedirects:
    def test_redirect_loop_is_reported_as_a_loop(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        server.route("/a", redirect("/b"))
        url = server.route("/b", redirect("/a"))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "redirect"
        assert "loop" in str(error)
        assert not error.transient
        assert elapsed < BOUND

    def test_too_many_redirects_is_a_redirect_error(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        for hop in range(10):
            server.route(f"/hop{hop}", redirect(f"/hop{hop + 1}"))
        error, _ = fetch_error(client, server.url("/hop0"))
        assert error.cause == "redirect"
        assert f"more than {SETTINGS.max_redirects} redirects" in str(error)
        assert server.hits["/hop5"] == 1
        assert server.hits["/hop6"] == 0

    def test_final_url_after_redirects_is_reported(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        server.route("/old", redirect("/new", 301))
        server.route("/new", ok(PAGE))
        result = fetched(client, server.url("/old"))
        assert result.url == server.url("/new")
        assert result.body == PAGE


class TestRetries:
    def test_429_with_retry_after_is_honoured_then_succeeds(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/limited", sequence(status(429, retry_after="1"), ok(PAGE)))
        started = time.monotonic()
        result = fetched(client, url)
        assert result.body == PAGE
        assert time.monotonic() - started >= 1.0  # the server asked for one second
        assert server.hits["/limited"] == 2

    def test_429_asking_for_a_long_pause_gives_up_at_once(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/limited", status(429, retry_after="3600"))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "http-status"
        assert error.status == 429
        assert error.transient
        assert server.hits["/limited"] == 1
        assert elapsed < 1.0

    def test_500_then_200_succeeds_after_a_retry(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/flaky", sequence(status(500), ok(PAGE)))
        assert fetched(client, url).body == PAGE
        assert server.hits["/flaky"] == 2

    def test_persistent_503_gives_up_after_the_configured_retries(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/down", status(503))
        error, elapsed = fetch_error(client, url)
        assert error.cause == "http-status"
        assert error.status == 503
        assert error.transient
        assert str(error).startswith("503 Service Unavailable")
        assert url in str(error)
        assert server.hits["/down"] == SETTINGS.retries + 1
        assert elapsed < BOUND


class TestStatuses:
    def test_404_says_the_page_is_gone_and_is_not_retried(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/gone", status(404))
        error, _ = fetch_error(client, url)
        assert error.cause == "http-status"
        assert error.status == 404
        assert not error.transient
        assert str(error).startswith("404 Not Found: the page is gone")
        assert url in str(error)
        assert server.hits["/gone"] == 1

    def test_403_says_the_site_blocks_us(self, client: httpx.Client, server: FaultServer) -> None:
        url = server.route("/blocked", status(403))
        error, _ = fetch_error(client, url)
        assert error.status == 403
        assert str(error).startswith("403 Forbidden: the site blocks us")
        assert not error.transient

    def test_empty_200_is_fetched_and_left_to_extraction(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/empty", ok(b""))
        result = fetched(client, url)
        assert result.status == 200
        assert result.body == b""

    def test_bot_challenge_served_with_200_is_returned_as_fetched(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        challenge = b"<html><title>Just a moment...</title><p>Checking your browser</p></html>"
        url = server.route("/challenge", ok(challenge))
        assert fetched(client, url).body == challenge


class TestContent:
    def test_unknown_charset_label_is_dropped_and_body_kept(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/bogus", ok(PAGE, "text/html; charset=utf-9000"))
        result = fetched(client, url)
        assert result.charset is None
        assert result.body == PAGE

    def test_wrong_but_real_charset_is_passed_on_with_the_bytes_untouched(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        body = "<p>Données personnelles</p>".encode()
        url = server.route("/latin", ok(body, 'text/html; charset="ISO-8859-1"'))
        result = fetched(client, url)
        assert result.charset == "iso-8859-1"
        assert result.body == body

    def test_invalid_utf8_is_fetched_as_bytes(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        body = b"<p>caf\xe9 \xff\xfe policy</p>"
        url = server.route("/bad-utf8", ok(body))
        result = fetched(client, url)
        assert result.body == body
        assert result.charset == "utf-8"

    def test_image_is_a_bad_content_type(self, client: httpx.Client, server: FaultServer) -> None:
        url = server.route("/logo", ok(b"\x89PNG\r\n\x1a\n", "image/png"))
        error, _ = fetch_error(client, url)
        assert error.cause == "bad-content-type"
        assert "image/png" in str(error)
        assert not error.transient

    def test_binary_octet_stream_is_a_bad_content_type(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/blob", ok(b"\x00\x01\x02\x03" * 100, "application/octet-stream"))
        error, _ = fetch_error(client, url)
        assert error.cause == "bad-content-type"

    def test_octet_stream_with_pdf_magic_is_a_pdf(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/policy.pdf", ok(b"%PDF-1.4\n...", "application/octet-stream"))
        assert fetched(client, url).content_type == "application/pdf"

    def test_octet_stream_with_html_is_html(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/misconfigured", ok(PAGE, "application/octet-stream"))
        assert fetched(client, url).content_type == "text/html"

    def test_gzip_page_is_decompressed(self, client: httpx.Client, server: FaultServer) -> None:
        url = server.route("/gz", gzipped(PAGE))
        result = fetched(client, url)
        assert result.body == PAGE
        assert result.content_type == "text/html"

    def test_corrupt_gzip_is_a_decode_error(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        def corrupt(ex: Exchange) -> None:
            send(ex, 200, b"\x1f\x8b\x08\x00garbage!", {"Content-Encoding": "gzip"})

        url = server.route("/corrupt", corrupt)
        error, _ = fetch_error(client, url)
        assert error.cause == "decode"


class TestConditionalGet:
    def test_etag_round_trip_ends_in_not_modified(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/etag", conditional(PAGE, etag='"v1"'))
        first = fetched(client, url)
        assert first.etag == '"v1"'
        second = fetch(client, target(url), Validators(etag=first.etag), SETTINGS)
        assert isinstance(second, NotModified)
        assert second.url == url
        assert server.headers_of("/etag")[1]["if-none-match"] == '"v1"'

    def test_last_modified_round_trip_ends_in_not_modified(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
        url = server.route("/lm", conditional(PAGE, last_modified=stamp))
        first = fetched(client, url)
        assert first.last_modified == stamp
        second = fetch(client, target(url), Validators(last_modified=stamp), SETTINGS)
        assert isinstance(second, NotModified)
        assert server.headers_of("/lm")[1]["if-modified-since"] == stamp

    def test_changed_page_answers_a_stale_etag_with_the_new_body(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/etag", conditional(PAGE, etag='"v2"'))
        result = fetch(client, target(url), Validators(etag='"v1"'), SETTINGS)
        assert isinstance(result, Fetched)
        assert result.etag == '"v2"'

    def test_not_modified_and_redirects_keep_the_connection_alive(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        server.route("/moved", redirect("/etag"))
        url = server.route("/etag", conditional(PAGE, etag='"v1"'))
        for _ in range(5):
            result = fetch(client, target(server.url("/moved")), Validators(etag='"v1"'), SETTINGS)
            assert isinstance(result, NotModified)
            assert result.url == url
        assert server.hits["/etag"] == 5
        assert server.connections == 1

    def test_first_fetch_sends_no_conditional_headers(
        self, client: httpx.Client, server: FaultServer
    ) -> None:
        url = server.route("/plain", ok(PAGE))
        fetched(client, url)
        sent = server.headers_of("/plain")[0]
        assert "if-none-match" not in sent
        assert "if-modified-since" not in sent
