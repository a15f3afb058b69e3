"""The web front: read-only pages, Atom feeds that carry the diff, ``/metrics`` and ``/healthz``.

``start_server`` runs it in a background thread (``watcher run`` does this when the config has an
``[http]`` table); ``serve_forever`` runs it in the foreground (``watcher serve``). The server is
the standard library's ``ThreadingHTTPServer``: no extra dependency, one thread per request, and
the store is safe to share between threads.

Paths: ``/``, ``/targets/<id>``, ``/targets/<id>/versions/<n>.txt``, ``/changes/<id>``
(``?view=side``), ``/raw/<sha256>``, ``/feeds/``, ``/feeds/changes.atom``,
``/feeds/{targets,providers,groups,severity}/<name>.atom``, ``/metrics``, ``/healthz``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import ThreadingHTTPServer

from watcher.config import Config, HttpSettings
from watcher.errors import UsageError
from watcher.store import Store
from watcher.web.server import make_handler, route
from watcher.web.site import Response, Site

__all__ = ["Response", "ServerHandle", "Site", "route", "serve_forever", "start_server"]

logger = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


@dataclass
class ServerHandle:
    """A running web front: its ``url`` (as bound) and ``stop()``."""

    url: str
    site: Site
    _server: _Server
    _thread: threading.Thread | None = None

    def reload(self, config: Config) -> None:
        """Serve from a new config (after SIGHUP): targets, groups and feeds follow it at once.
        The address stays; ``base_url`` changes take effect too."""
        self.site.config = config
        if config.http is not None and config.http.base_url:
            self.site.base_url = config.http.base_url

    def stop(self) -> None:
        """Stop accepting requests and wait for the serving thread; idempotent."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=10)
            self._thread = None
        self._server.server_close()


def _bind(
    config: Config, store: Store, listen: str | None, is_alive: Callable[[], bool] | None
) -> ServerHandle:
    settings = config.http or HttpSettings()
    address = listen or settings.listen
    host, _, port_text = address.rpartition(":")
    host = host.strip("[]")
    if not host or not port_text.isdigit():
        raise UsageError(f'listen: expected "host:port" like "127.0.0.1:8080", got {address!r}')
    try:
        server = _Server((host, int(port_text)), make_handler(Site(config, store, "")))
    except OSError as exc:
        raise UsageError(f"cannot listen on {address}: {exc.strerror or exc}") from None
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    shown = f"[{bound_host}]" if ":" in bound_host else bound_host
    url = f"http://{shown}:{bound_port}"
    site = Site(config, store, settings.base_url or url, is_alive)
    server.RequestHandlerClass = make_handler(site)
    return ServerHandle(url, site, server)


def start_server(
    config: Config,
    store: Store,
    *,
    listen: str | None = None,
    is_alive: Callable[[], bool] | None = None,
) -> ServerHandle:
    """Serve the web front from a daemon thread. ``listen`` overrides ``[http] listen``;
    ``is_alive`` (the daemon's scheduler) is reported by ``/healthz``."""
    handle = _bind(config, store, listen, is_alive)
    thread = threading.Thread(
        target=handle._server.serve_forever, args=(0.2,), name="watcher-web", daemon=True
    )
    thread.start()
    handle._thread = thread
    logger.info("web listening on %s", handle.url)
    return handle


def serve_forever(
    config: Config,
    store: Store,
    *,
    listen: str | None = None,
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve in the foreground until interrupted (``watcher serve``); ``on_ready`` gets the URL."""
    handle = _bind(config, store, listen, None)
    logger.info("web listening on %s", handle.url)
    if on_ready is not None:
        on_ready(handle.url)
    try:
        handle._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        handle._server.server_close()
