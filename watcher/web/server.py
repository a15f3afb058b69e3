"""The HTTP side: a standard-library threading server, a router, and the security headers.

Read-only by design: GET and HEAD are answered, every other method gets 405. Every answer
carries a strict Content-Security-Policy (no script, no frames, the one stylesheet by hash),
``nosniff`` and ``no-referrer``. Raw bodies are only ever sent as attachments.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from watcher.errors import WatcherError
from watcher.web import feeds, metrics, pages
from watcher.web.markup import CSP
from watcher.web.site import NotFound, Response, Site

logger = logging.getLogger(__name__)

ATOM = "application/atom+xml; charset=utf-8"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_VERSION_TXT = re.compile(r"^(?P<target>.+)/versions/(?P<seq>[0-9]{1,9})\.txt$")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
}


def route(site: Site, target: str) -> Response:
    """The answer to a GET of ``target`` (path and query). Raises NotFound."""
    parts = urlsplit(target)
    path = unquote(parts.path)
    query = parse_qs(parts.query)
    if path == "/":
        return Response.html(pages.targets_page(site))
    if path.startswith("/changes/") and path[9:].isdigit():
        side = query.get("view", [""])[0] == "side"
        return Response.html(pages.change_page(site, int(path[9:]), side=side))
    if path.startswith("/targets/"):
        rest = path[len("/targets/") :].rstrip("/")
        m = _VERSION_TXT.match(rest)
        if m:
            return _version_text(site, m["target"], int(m["seq"]))
        return Response.html(pages.target_page(site, rest))
    if path.startswith("/raw/"):
        return _raw(site, path[5:])
    if path in ("/feeds", "/feeds/"):
        return Response.html(pages.feeds_page(site))
    if path.startswith("/feeds/") and path.endswith(".atom"):
        return Response(200, ATOM, _feed(site, path[len("/feeds/") : -len(".atom")]))
    if path == "/metrics":
        return Response(
            200, "text/plain; version=0.0.4; charset=utf-8", metrics.metrics_text(site).encode()
        )
    if path == "/healthz":
        ok, report = metrics.health(site)
        return Response(
            200 if ok else 503,
            "application/json",
            metrics.health_json(report).encode(),
            {"Cache-Control": "no-store"},
        )
    raise NotFound(f"No page at {path}.")


def _feed(site: Site, name: str) -> bytes:
    if name == "changes":
        return feeds.all_changes(site)
    kind, _, key = name.partition("/")
    if key:
        if kind == "targets":
            return feeds.target_feed(site, key)
        if kind == "providers":
            return feeds.provider_feed(site, key)
        if kind == "groups":
            return feeds.group_feed(site, key)
        if kind == "severity":
            return feeds.severity_feed(site, key)
    raise NotFound(f"No feed {name!r}: see /feeds/.")


def _raw(site: Site, digest: str) -> Response:
    if not _SHA256.match(digest):
        raise NotFound("A raw body is named by its sha256, in lowercase hex.")
    body = site.store.raw_body(digest)
    if body is None:
        raise NotFound(f"No raw body {digest}.")
    return Response(
        200,
        "application/octet-stream",
        body,
        {
            "Content-Disposition": f'attachment; filename="{digest}.raw"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "public, max-age=86400, immutable",
        },
    )


def _version_text(site: Site, target_id: str, seq: int) -> Response:
    text = site.store.version_text(target_id, seq)
    if text is None:
        raise NotFound(f"No version {seq} of {target_id!r}.")
    name = f"{target_id.replace('/', '_')}-v{seq}.txt"
    return Response(
        200,
        "text/plain; charset=utf-8",
        (text + "\n").encode("utf-8", "replace"),
        {"Content-Disposition": f'inline; filename="{name}"'},
    )


def make_handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "watcher"
        sys_version = ""
        timeout = 30  # seconds a client may take to send its request
        disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
        wbufsize = 64 * 1024  # ... and usually one segment anyway

        def do_GET(self) -> None:
            self._answer(head=False)

        def do_HEAD(self) -> None:
            self._answer(head=True)

        def __getattr__(self, name: str) -> Callable[[], None]:
            # Every other method (POST, PUT, DELETE, OPTIONS, anything): 405, not 501.
            if name.startswith("do_"):
                return self._not_allowed
            raise AttributeError(name)

        def _not_allowed(self) -> None:
            self.close_connection = True  # we will not read the request body
            self._send(
                Response.html(pages.not_found_page("Read-only: only GET and HEAD."), 405),
                head=False,
                extra={"Allow": "GET, HEAD", "Connection": "close"},
            )

        def _answer(self, *, head: bool) -> None:
            try:
                response = route(site, self.path)
            except NotFound as exc:
                response = Response.html(pages.not_found_page(exc.message), 404)
            except WatcherError as exc:
                logger.error("web %s %s: %s", self.command, self.path, exc)
                response = Response.html(pages.not_found_page("The store is unavailable."), 503)
            except Exception:
                logger.exception("web %s %s crashed", self.command, self.path)
                response = Response.html(pages.not_found_page("Internal error."), 500)
            self._send(response, head=head)

        def _send(
            self, response: Response, *, head: bool, extra: dict[str, str] | None = None
        ) -> None:
            headers = {**SECURITY_HEADERS, **response.headers, **(extra or {})}
            body = response.body
            status = response.status
            if status == 200 and "Cache-Control" not in headers:
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                headers["ETag"] = etag
                headers["Cache-Control"] = "no-cache"
                if etag in self.headers.get("If-None-Match", ""):
                    status, body = 304, b""
            self.send_response(status)
            if status != 304:
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(body)))
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if not head and status != 304:
                self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            logger.debug("web %s %s", self.address_string(), format % args)

    return Handler
