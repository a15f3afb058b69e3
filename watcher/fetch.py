"""The fetch stage: one target's URL in, one body (or "not modified") out.

This is the only module that imports httpx, so every network failure is turned into a
:class:`~watcher.errors.FetchError` here, with a ``cause`` slug the pipeline can count on and a
message a person can act on.

Why it does more than ``client.get(url)``: the daemon runs unattended against sites that may be
slow, broken or hostile, so every fetch must end in bounded time and bounded memory whatever the
server does. Concretely:

* the body is streamed *raw* and decompressed with an output limit (:mod:`watcher.decompress`),
  so a gzip bomb is stopped at ``max_bytes`` of output instead of inflating in memory first
  (httpx's own decoders inflate a whole network chunk at once);
* a wall-clock deadline (``total_timeout``) is checked between chunks and caps each socket read, so
  a byte-per-second trickle or a never-ending body ends even though no single read times out;
* redirects are followed here, one hop at a time, so a loop is reported as a loop and every hop
  shares the same deadline;
* transient failures (connection errors, timeouts, 429, 5xx) are retried with exponential backoff
  and jitter, honouring ``Retry-After`` when the server asks for a pause we can afford.

Pages that need JavaScript (``render = "browser"``) go through :mod:`watcher.browser`, imported
only for those targets so that the daemon never loads Playwright unless the config asks for it.
"""

from __future__ import annotations

import codecs
import contextlib
import email.utils
import http
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from watcher.decompress import Decoder, brotli_module
from watcher.errors import FetchError
from watcher.models import Fetched, FetchSettings, NotModified, Target, Validators

logger = logging.getLogger(__name__)

__all__ = ["ALLOWED_CONTENT_TYPES", "fetch", "make_client", "user_agent"]

ALLOWED_CONTENT_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "text/plain", "application/pdf"}
)
"""Media types a policy can come as; anything else is refused before its body is read."""

_SNIFFED_CONTENT_TYPES = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/download",
        "application/x-download",
        "application/force-download",
    }
)
"""Types that say nothing about the content: servers send them for PDFs and for misconfigured
pages alike, so the body decides (``%PDF-`` magic, HTML markup, or readable text)."""

MAX_RETRY_AFTER = 60.0
"""Never sleep longer than this inside one fetch on a server's ``Retry-After``; the scheduler's
next check is the better place to wait longer."""

_sleep = time.sleep  # the backoff's one sleep, a seam for tests that check the delays
_SNIFF_BYTES = 4096
_DRAIN_BYTES = 16 * 1024

_STATUS_EXPLANATIONS = {
    401: "the page needs a login",
    403: "the site blocks us (bot protection, or an IP or country block)",
    404: "the page is gone (check the target's url)",
    408: "the server gave up waiting for us",
    410: "the page was removed for good (check the target's url)",
    429: "the site rate-limits us",
    451: "the page is withheld for legal reasons in our location",
    500: "the site failed while serving the page",
    502: "a proxy in front of the site got no answer from it",
    503: "the site is down or overloaded",
    504: "a proxy in front of the site timed out waiting for it",
}

_TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def user_agent(settings: FetchSettings) -> str:
    """``user_agent`` plus the operator's contact, so a site owner who sees us can reach us."""
    contact = settings.contact.strip()
    if not contact:
        return settings.user_agent
    if "@" in contact and ":" not in contact:
        contact = f"mailto:{contact}"
    return f"{settings.user_agent} (+{contact})"


def make_client(settings: FetchSettings) -> httpx.Client:
    """Build the one HTTP client the daemon shares between its worker threads.

    ``trust_env`` stays on so that ``HTTPS_PROXY``/``NO_PROXY`` and ``SSL_CERT_FILE`` work under
    systemd without config; an explicit ``settings.proxy`` wins over the environment.
    """
    encodings = "gzip, deflate, br" if brotli_module() is not None else "gzip, deflate"
    headers = {
        "User-Agent": user_agent(settings),
        "Accept": (
            "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,application/pdf;q=0.8,*/*;q=0.1"
        ),
        "Accept-Language": "en-US,en;q=0.9,*;q=0.5",
        "Accept-Encoding": encodings,
    }
    return httpx.Client(
        headers=headers,
        timeout=httpx.Timeout(
            connect=settings.connect_timeout,
            read=settings.read_timeout,
            write=settings.read_timeout,
            pool=settings.connect_timeout,
        ),
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        proxy=settings.proxy,
        trust_env=True,
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
    )


def fetch(
    client: httpx.Client,
    target: Target,
    validators: Validators | None,
    settings: FetchSettings,
) -> Fetched | NotModified:
    """Fetch ``target``; a conditional GET when ``validators`` come from the last 200.

    Returns :class:`Fetched` for any 2xx body (even an empty page or a bot challenge: deciding
    what the body *means* is the extract stage's job) and :class:`NotModified` for a 304.
    Raises :class:`FetchError` otherwise, after up to ``settings.retries`` extra attempts for
    transient failures.
    """
    if target.render == "browser":
        from watcher import browser  # lazily: Playwright is optional and heavy

        return browser.render(target, settings)

    started = time.monotonic()
    headers = _conditional_headers(validators)
    attempt = 0
    while True:
        try:
            result = _attempt(client, target.url, headers, settings)
        except FetchError as exc:
            delay = _retry_delay(exc, attempt, settings)
            if delay is None:
                raise
            attempt += 1
            logger.info(
                "fetch retry target=%s attempt=%d delay=%.2fs cause=%s: %s",
                target.id,
                attempt,
                delay,
                exc.cause,
                exc,
            )
            _sleep(delay)
            continue
        elapsed = time.monotonic() - started
        if isinstance(result, NotModified):
            return NotModified(url=result.url, fetched_at=result.fetched_at, elapsed=elapsed)
        return _with_elapsed(result, elapsed)


class _RetryableError(FetchError):
    """A transient failure another attempt may fix; ``retry_after`` comes from a 429 or 503."""

    def __init__(
        self,
        message: str,
        *,
        cause: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, cause=cause, transient=True, status=status)
        self.retry_after = retry_after


def _retry_delay(exc: FetchError, attempt: int, settings: FetchSettings) -> float | None:
    """Seconds to wait before the next attempt, or None when we should give up now.

    Exponential backoff with "full jitter" in its upper half, so that the daemon's workers that
    failed together do not all come back together. A ``Retry-After`` the server sent replaces the
    backoff when it fits in our budget; a longer one ends the fetch (the next scheduled check
    will come later anyway).
    """
    if not isinstance(exc, _RetryableError) or attempt >= settings.retries:
        return None
    if exc.retry_after is not None:
        if exc.retry_after > min(MAX_RETRY_AFTER, max(settings.total_timeout, settings.backoff)):
            return None
        return exc.retry_after
    base = settings.backoff * (2**attempt)
    return random.uniform(base / 2, base)


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is None:
        return headers
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _with_elapsed(fetched: Fetched, elapsed: float) -> Fetched:
    return Fetched(
        url=fetched.url,
        status=fetched.status,
        content_type=fetched.content_type,
        body=fetched.body,
        fetched_at=fetched.fetched_at,
        charset=fetched.charset,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        elapsed=elapsed,
    )


class _Deadline:
    """The wall-clock budget of one attempt, shared by every redirect hop and every read."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def timeout(self, settings: FetchSettings) -> dict[str, float | None]:
        """A per-request httpx timeout that no single socket operation can outlast."""
        left = max(self.remaining(), 0.001)
        return httpx.Timeout(
            connect=min(settings.connect_timeout, left),
            read=min(settings.read_timeout, left),
            write=min(settings.read_timeout, left),
            pool=min(settings.connect_timeout, left),
        ).as_dict()


def _attempt(
    client: httpx.Client, url: str, headers: dict[str, str], settings: FetchSettings
) -> Fetched | NotModified:
    """One attempt: follow redirects by hand, then read the final body under the deadline."""
    deadline = _Deadline(settings.total_timeout)
    try:
        request = client.build_request("GET", url, headers=headers)
    except httpx.InvalidURL as exc:
        raise FetchError(f"{url} is not a valid URL: {exc}", cause="connect") from exc
    seen = {str(request.url)}
    hops = 0
    while True:
        request.extensions = {**request.extensions, "timeout": deadline.timeout(settings)}
        response = _send(client, request, url, hops, deadline, settings)
        try:
            next_request = response.next_request
            if next_request is None:
                return _read_response(response, deadline, settings)
            _drain(response)
            hops += 1
            next_url = str(next_request.url)
            if next_url in seen:
                raise FetchError(
                    f"{url}: redirect loop: {response.url} sends us back to {next_url}",
                    cause="redirect",
                    status=response.status_code,
                )
            if hops > settings.max_redirects:
                raise FetchError(
                    f"{url}: more than {settings.max_redirects} redirects (last to {next_url})",
                    cause="redirect",
                    status=response.status_code,
                )
            if deadline.remaining() <= 0:
                raise _RetryableError(
                    f"{url}: no answer within {settings.total_timeout:g} s (following redirects)",
                    cause="timeout",
                )
            seen.add(next_url)
            request = next_request
        finally:
            response.close()


class _HeaderWatchdog:
    """Ends a request whose response headers have not all arrived by the deadline.

    httpx's timeouts apply to each socket read, so a server that sends its status line and
    headers one byte at a time never trips them. httpcore's trace hook hands us the socket of a
    connection it opens for this request; a timer shuts that socket down at the deadline, which
    makes the pending read fail at once. (A pooled connection reused from an earlier request is
    not seen here; its reads stay bounded by the read timeout alone.)
    """

    _EVENTS = ("connection.connect_tcp.complete", "connection.start_tls.complete")

    def __init__(self, seconds: float) -> None:
        self.sock: socket.socket | None = None
        self.fired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True

    def trace(self, event: str, info: dict[str, Any]) -> None:
        if event in self._EVENTS:
            stream = info.get("return_value")
            sock = stream.get_extra_info("socket") if stream is not None else None
            if isinstance(sock, socket.socket):
                self.sock = sock

    def _fire(self) -> None:
        sock = self.sock
        if sock is not None:
            self.fired = True
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _HeaderWatchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _send(
    client: httpx.Client,
    request: httpx.Request,
    url: str,
    hops: int,
    deadline: _Deadline,
    settings: FetchSettings,
) -> httpx.Response:
    """Send one request; turn httpx's transport errors into FetchError with a cause slug."""
    where = url if hops == 0 else f"{url} (redirected to {request.url})"
    watchdog = _HeaderWatchdog(deadline.remaining())
    request.extensions = {**request.extensions, "trace": watchdog.trace}
    try:
        with watchdog:
            return client.send(request, stream=True, follow_redirects=False)
    except httpx.TransportError as exc:
        if watchdog.fired:
            raise FetchError(
                f"{where}: the response headers did not arrive within total_timeout "
                f"({settings.total_timeout:g} s): the server is too slow or stalling",
                cause="timeout",
            ) from exc
        raise _transport_error(exc, where, hops) from exc


def _transport_error(exc: httpx.TransportError, where: str, hops: int) -> FetchError:
    """The FetchError for one of httpx's transport errors, with a cause slug."""
    if isinstance(exc, httpx.TimeoutException):
        return _RetryableError(f"{where}: timed out ({_kind(exc)})", cause="timeout")
    if isinstance(exc, httpx.ProxyError):
        return _RetryableError(f"{where}: the proxy failed: {exc}", cause="connect")
    if isinstance(exc, httpx.UnsupportedProtocol):
        cause = "redirect" if hops else "connect"
        return FetchError(f"{where}: not an http(s) URL", cause=cause)
    if isinstance(exc, httpx.ConnectError):
        return _connect_error(exc, where)
    # ReadError, WriteError, RemoteProtocolError: the connection broke before a response.
    return _RetryableError(
        f"{where}: the connection broke before a response ({exc or type(exc).__name__})",
        cause="connect",
    )


def _kind(exc: httpx.TimeoutException) -> str:
    return {
        httpx.ConnectTimeout: "connecting",
        httpx.ReadTimeout: "waiting for data",
        httpx.WriteTimeout: "sending the request",
        httpx.PoolTimeout: "waiting for a free connection",
    }.get(type(exc), "network")


def _exception_chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _connect_error(exc: httpx.ConnectError, where: str) -> FetchError:
    """Tell DNS and TLS failures apart from a plain refused connection: the fixes differ."""
    text = str(exc)
    for link in _exception_chain(exc):
        if isinstance(link, socket.gaierror) or "Name or service not known" in text:
            # Not retried now: a name that does not resolve rarely resolves a second later.
            return FetchError(
                f"{where}: the host name does not resolve (DNS): {text}",
                cause="dns",
                transient=True,
            )
        if isinstance(link, ssl.SSLError):
            return FetchError(f"{where}: TLS failed (certificate or protocol): {link}", cause="tls")
    return _RetryableError(f"{where}: could not connect: {text}", cause="connect")


def _read_response(
    response: httpx.Response, deadline: _Deadline, settings: FetchSettings
) -> Fetched | NotModified:
    """Turn the final response into a value, or raise for a status or content we cannot use."""
    final_url = str(response.url)
    now = datetime.now(UTC)
    status = response.status_code
    if status == 304:
        _drain(response)
        return NotModified(url=final_url, fetched_at=now)
    if not 200 <= status < 300:
        raise _status_error(response, final_url)

    media_type, charset = _parse_content_type(response.headers.get("content-type", ""))
    if media_type not in ALLOWED_CONTENT_TYPES and media_type not in _SNIFFED_CONTENT_TYPES:
        raise FetchError(
            f"{final_url}: served {media_type}, which is not a policy page "
            "(expected HTML, plain text or PDF)",
            cause="bad-content-type",
            status=status,
        )
    body = _read_body(response, final_url, deadline, settings)
    media_type = _sniff(media_type, body, final_url, status)
    return Fetched(
        url=final_url,
        status=status,
        content_type=media_type,
        body=body,
        fetched_at=now,
        charset=charset,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def _drain(response: httpx.Response) -> None:
    """Read a small bodiless answer (304, redirect) to its end so its connection is reused.

    Closing a streamed response that was not read to the end drops its keep-alive connection;
    a 304 pass over many pages would then pay a TCP (and TLS) handshake per page. Only bodies
    that say they are small are read; anything else is left for ``close()`` to cut off.
    """
    length = response.headers.get("content-length", "")
    if response.status_code != 304 and not (length.isdigit() and int(length) <= _DRAIN_BYTES):
        return
    try:
        for _ in response.iter_raw():
            pass
    except httpx.HTTPError:
        pass  # the connection is not reusable after all; close() discards it


def _status_error(response: httpx.Response, url: str) -> FetchError:
    status = response.status_code
    try:
        phrase = response.reason_phrase or http.HTTPStatus(status).phrase
    except ValueError:
        phrase = "Unknown Status"
    if status in _STATUS_EXPLANATIONS:
        why = _STATUS_EXPLANATIONS[status]
    elif 300 <= status < 400:
        why = "a redirect we cannot follow (no usable Location)"
    elif status >= 500:
        why = "the site failed while serving the page"
    else:
        why = "the site refused the request"
    message = f"{status} {phrase}: {why}: {url}"
    if status in _TRANSIENT_STATUSES:
        return _RetryableError(
            message,
            cause="http-status",
            status=status,
            retry_after=_parse_retry_after(response.headers.get("retry-after")),
        )
    return FetchError(message, cause="http-status", status=status)


def _parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` is either seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _parse_content_type(header: str) -> tuple[str, str | None]:
    """The bare media type, lowercased, and the charset if it names a codec Python knows.

    An unknown charset (``charset=utf8mb4``, a typo) is dropped rather than passed on, so the
    extract stage falls back to sniffing the body instead of failing on a bad label.
    """
    media_type, _, params = header.partition(";")
    charset: str | None = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            label = value.strip().strip("\"'").lower()
            charset = label if _known_codec(label) else None
    return media_type.strip().lower(), charset


def _known_codec(label: str) -> bool:
    try:
        codecs.lookup(label)
    except LookupError:
        return False
    return bool(label)


def _sniff(media_type: str, body: bytes, url: str, status: int) -> str:
    """The media type the body really has, where the header is vague or the body says PDF."""
    if body.startswith(b"%PDF-"):
        return "application/pdf"
    if media_type not in _SNIFFED_CONTENT_TYPES:
        return media_type
    head = body[:_SNIFF_BYTES]
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in lowered:
        return "text/html"
    if not head or b"\x00" not in head:
        return "text/plain"
    label = media_type or "no content type"
    raise FetchError(
        f"{url}: served {label} with binary content, which is not a policy page "
        "(expected HTML, plain text or PDF)",
        cause="bad-content-type",
        status=status,
    )


def _read_body(
    response: httpx.Response, url: str, deadline: _Deadline, settings: FetchSettings
) -> bytes:
    """Stream the body, decompressing with an output cap and checking the deadline per chunk."""
    limit = settings.max_bytes
    length = response.headers.get("content-length", "")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity") and length.isdigit() and int(length) > limit:
        raise _too_large(url, limit, response.status_code)
    decoder = Decoder.for_encoding(encoding, url)
    body = bytearray()
    try:
        for chunk in response.iter_raw():
            for piece in decoder.feed(chunk, limit + 1 - len(body)):
                body += piece
            if len(body) > limit:
                raise _too_large(url, limit, response.status_code)
            if deadline.remaining() <= 0:
                raise _trickle_timeout(url, settings, len(body))
        for piece in decoder.flush(limit + 1 - len(body)):
            body += piece
    except httpx.TimeoutException as exc:
        if deadline.remaining() <= 0:
            raise _trickle_timeout(url, settings, len(body)) from exc
        raise _RetryableError(
            f"{url}: timed out reading the body ({_kind(exc)})", cause="timeout"
        ) from exc
    except httpx.TransportError as exc:
        raise _RetryableError(
            f"{url}: the connection broke after {len(body)} bytes of the body "
            f"({exc or type(exc).__name__})",
            cause="connect",
        ) from exc
    if len(body) > limit:
        raise _too_large(url, limit, response.status_code)
    return bytes(body)


def _too_large(url: str, limit: int, status: int) -> FetchError:
    return FetchError(
        f"{url}: the page is larger than the {limit:,}-byte cap (fetch.max_bytes)",
        cause="too-large",
        status=status,
    )


def _trickle_timeout(url: str, settings: FetchSettings, received: int) -> FetchError:
    # Not retried: the server used the whole budget, and would again.
    return FetchError(
        f"{url}: the page did not finish within {settings.total_timeout:g} s "
        f"(fetch.total_timeout; {received:,} bytes received)",
        cause="timeout",
        transient=True,
    )
