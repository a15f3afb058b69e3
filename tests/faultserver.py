"""A real HTTP server on 127.0.0.1 that misbehaves on demand, for the fetch stage's tests.

``httpx.MockTransport`` cannot show how fetch copes with a socket that resets mid-body, a body
that trickles in a byte at a time or never ends, or a gzip bomb: those live below the transport.
So this is a threaded ``http.server`` on loopback whose routes are plain functions that write
whatever bytes (or silences) a test needs.

Usage::

    with FaultServer() as server:
        server.route("/privacy", ok(b"<p>policy</p>"))
        fetch(client, Target(..., url=server.url("/privacy")), None, settings)
        assert server.hits["/privacy"] == 1

Every handler loop checks ``server.stopping`` so that ``stop()`` ends endless responses promptly.
"""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Self

Handler = Callable[["Exchange"], None]
"""A route: writes the whole response (status line, headers, body) for one request."""


class Exchange(BaseHTTPRequestHandler):
    """One request on the fault server; handlers write to it with the helpers below."""

    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do (the benchmark relies on it)
    # Headers and body go out in separate writes; without TCP_NODELAY, Nagle's algorithm and
    # the client's delayed ACK add ~40 ms to every response, which would swamp the benchmark.
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.owner.lock:
            self.server.owner.connections += 1

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        owner = self.server.owner
        with owner.lock:
            owner.hits[path] += 1
            owner.requests.append((path, dict(self.headers.items())))
            handler = owner.routes.get(path)
        if handler is None:
            send(self, 404, b"no such route", {"Content-Type": "text/plain"})
            return
        handler(self)

    def log_message(self, format: str, *args: object) -> None:
        """Silence: the tests assert on behaviour, not on the server's access log."""

    @property
    def stopping(self) -> threading.Event:
        return self.server.owner.stopping


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: FaultServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up on a misbehaving route is the point of the test, not an error."""


class FaultServer:
    """Start on a free port of 127.0.0.1; ``route()`` paths; ``url()`` addresses them."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.hits: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.connections = 0  # TCP connections accepted: shows whether keep-alive works
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), Exchange)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler) -> str:
        """Serve ``path`` with ``handler``; returns the full URL for convenience."""
        with self.lock:
            self.routes[path] = handler
        return self.url(path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The request headers of every request to ``path``, in order (lowercased names)."""
        with self.lock:
            return [{k.lower(): v for k, v in h.items()} for p, h in self.requests if p == path]

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (for the refused-connection case)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def send(
    ex: Exchange,
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> None:
    """A well-formed response with a Content-Length (unless the headers set their own)."""
    ex.send_response(status)
    all_headers = {"Content-Length": str(len(body)), **(headers or {})}
    for name, value in all_headers.items():
        ex.send_header(name, value)
    ex.end_headers()
    if body and ex.command != "HEAD":
        ex.wfile.write(body)


# Route factories -------------------------------------------------------------------------------


def ok(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Handler:
    """200 with ``body``; extra headers by keyword (``etag="x"`` -> ``Etag: x``)."""
    extra = {k.replace("_", "-").title(): v for k, v in headers.items()}

    def handler(ex: Exchange) -> None:
        send(ex, 200, body, {"Content-Type": content_type, **extra})

    return handler


def status(code: int, body: bytes = b"error", **headers: str) -> Handler:
    """Any status with a small text body (``retry_after="1"`` -> ``Retry-After: 1``)."""
    extra = {k.replace("_", "-").title(): v for k, v in headers.items()}

    def handler(ex: Exchange) -> None:
        send(ex, code, body, {"Content-Type": "text/html", **extra})

    return handler


def redirect(location: str, code: int = 302) -> Handler:
    def handler(ex: Exchange) -> None:
        send(ex, code, b"", {"Location": location})

    return handler


def sequence(*handlers: Handler) -> Handler:
    """The first request gets the first handler, and so on; the last one repeats."""
    count = 0
    lock = threading.Lock()

    def handler(ex: Exchange) -> None:
        nonlocal count
        with lock:
            index = min(count, len(handlers) - 1)
            count += 1
        handlers[index](ex)

    return handler


def conditional(
    body: bytes, *, etag: str | None = None, last_modified: str | None = None
) -> Handler:
    """A page that honours If-None-Match / If-Modified-Since with 304, as a careful site does."""

    def handler(ex: Exchange) -> None:
        validators: dict[str, str] = {}
        if etag is not None:
            validators["ETag"] = etag
        if last_modified is not None:
            validators["Last-Modified"] = last_modified
        if (etag is not None and ex.headers.get("If-None-Match") == etag) or (
            last_modified is not None and ex.headers.get("If-Modified-Since") == last_modified
        ):
            send(ex, 304, b"", validators)
            return
        send(ex, 200, body, {"Content-Type": "text/html; charset=utf-8", **validators})

    return handler


def reset_mid_body(sent: bytes = b"<html><body><p>half a pol") -> Handler:
    """Promise 10,000 bytes, send a few, then reset the connection (RST, not a clean close)."""

    def handler(ex: Exchange) -> None:
        ex.send_response(200)
        ex.send_header("Content-Type", "text/html")
        ex.send_header("Content-Length", "10000")
        ex.end_headers()
        ex.wfile.write(sent)
        ex.wfile.flush()
        time.sleep(0.05)
        # SO_LINGER with a zero timeout makes close() send RST: a crashed or killed peer.
        ex.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        ex.connection.close()
        ex.close_connection = True

    return handler


def _chunked_forever(ex: Exchange, piece: bytes, pause: float, limit_seconds: float) -> None:
    """Write chunked-encoding chunks of ``piece`` until the client leaves or time runs out."""
    ex.send_response(200)
    ex.send_header("Content-Type", "text/html")
    ex.send_header("Transfer-Encoding", "chunked")
    ex.end_headers()
    frame = b"%x\r\n%s\r\n" % (len(piece), piece)
    end = time.monotonic() + limit_seconds
    try:
        while not ex.stopping.is_set() and time.monotonic() < end:
            ex.wfile.write(frame)
            ex.wfile.flush()
            if pause:
                time.sleep(pause)
    except OSError:
        pass  # the client hung up: that is what the test wants to see
    ex.close_connection = True


def endless(piece: bytes = b"<p>" + b"x" * 8189 + b"</p>", limit_seconds: float = 30.0) -> Handler:
    """A body that never ends, as fast as the socket takes it (until the client hangs up)."""

    def handler(ex: Exchange) -> None:
        _chunked_forever(ex, piece, 0.0, limit_seconds)

    return handler


def slow_endless(pause: float = 0.01, limit_seconds: float = 30.0) -> Handler:
    """A body that never ends but stays small: 1 KB every ``pause``; only a deadline stops it."""

    def handler(ex: Exchange) -> None:
        _chunked_forever(ex, b"y" * 1024, pause, limit_seconds)

    return handler


def trickle(interval: float = 0.25, limit_seconds: float = 30.0) -> Handler:
    """One byte every ``interval``: each read succeeds, so no per-read timeout ever fires."""

    def handler(ex: Exchange) -> None:
        _chunked_forever(ex, b".", interval, limit_seconds)

    return handler


def slow_headers(interval: float = 0.25, limit_seconds: float = 30.0) -> Handler:
    """The status line and headers one byte every ``interval``: no response ever starts, yet no
    single read waits long enough to time out (a slowloris aimed at the client)."""

    def handler(ex: Exchange) -> None:
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Pad: " + b"a" * 500
        end = time.monotonic() + limit_seconds
        for byte in head:
            if ex.stopping.is_set() or time.monotonic() > end:
                break
            try:
                ex.wfile.write(bytes([byte]))
                ex.wfile.flush()
            except OSError:
                break
            time.sleep(interval)
        ex.close_connection = True

    return handler


def gzip_bomb(decompressed_size: int = 64 * 1024 * 1024) -> Handler:
    """A small gzip body (``decompressed_size`` zero bytes) that is dangerous only if inflated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(decompressed_size // len(block))]
    parts.append(compressor.flush())
    bomb = b"".join(parts)

    def handler(ex: Exchange) -> None:
        send(ex, 200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"})

    return handler


def gzipped(body: bytes, content_type: str = "text/html; charset=utf-8") -> Handler:
    """A page sent gzip-compressed, as most real sites do."""
    packed = gzip.compress(body)

    def handler(ex: Exchange) -> None:
        send(ex, 200, packed, {"Content-Type": content_type, "Content-Encoding": "gzip"})

    return handler


def raw(data: bytes) -> Handler:
    """Write ``data`` verbatim (status line and headers included), then close."""

    def handler(ex: Exchange) -> None:
        ex.wfile.write(data)
        ex.wfile.flush()
        ex.close_connection = True

    return handler


def each(handlers: Iterable[tuple[str, Handler]], server: FaultServer) -> None:
    """Register several routes at once."""
    for path, handler in handlers:
        server.route(path, handler)
