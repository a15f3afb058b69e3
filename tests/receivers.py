"""Real notification receivers on 127.0.0.1, for tests and the benchmark (no mocks of apprise).

- ``SmtpReceiver``: an aiosmtpd SMTP server (plain, no TLS, no auth) that keeps every message;
  apprise reaches it with ``mailto://127.0.0.1:PORT?from=...&to=...``.
- ``JsonReceiver``: an HTTP server that keeps every JSON body POSTed to it; apprise reaches it
  with ``json://127.0.0.1:PORT/PATH``. It can be taken down (connection refused) and brought back
  on the same port, or made to answer 500, to test retries.
"""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        """The text of the ``text/<subtype>`` part ("" when there is none)."""
        for p in self.message.walk():
            if p.get_content_type() == f"text/{subtype}":
                return str(p.get_content())
        return ""


class _Handler:
    def __init__(self, sink: list[Mail]) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.sink.append(Mail(envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


class SmtpReceiver:
    def __init__(self) -> None:
        self.messages: list[Mail] = []
        self.port = free_port()
        self.controller = Controller(_Handler(self.messages), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def url(self, to: str = "ngo@example.org", sender: str = "watcher@example.org") -> str:
        return f"mailto://127.0.0.1:{self.port}?from={sender}&to={to}&mode=insecure"

    def close(self) -> None:
        self.controller.stop()


class JsonReceiver:
    """Keeps ``(path, json)`` of every POST; ``status`` is what it answers (200 unless set)."""

    def __init__(self, port: int | None = None) -> None:
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.status = 200
        self.port = port or free_port()
        self._lock = threading.Lock()
        self.httpd: ThreadingHTTPServer | None = None
        self.up()

    def up(self) -> None:
        """Listen (again) on the same port."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                status = receiver.status
                if status == 200:
                    with receiver._lock:
                        receiver.posts.append((self.path, json.loads(raw or b"{}")))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        for _ in range(50):  # the port may linger for a moment after down()
            try:
                self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"cannot listen on 127.0.0.1:{self.port} again")
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def down(self) -> None:
        """Stop listening: senders get 'connection refused'."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.httpd = None

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.port}{path}"

    def bodies(self, path: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [b for p, b in self.posts if path is None or p == path]

    def close(self) -> None:
        self.down()
