"""Shared test fixtures: real local parts, no mocks.

- ``pages``: a real HTTP server on 127.0.0.1 whose pages a test edits between checks;
- ``write_config``: a TOML config in a temp dir, with state in that temp dir;
- ``watcher_cli``: runs the installed ``watcher`` command as a user would, in a subprocess.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class Page:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


class PageServer:
    """A threaded HTTP server on 127.0.0.1 serving ``pages[path]``; counts the requests."""

    def __init__(self) -> None:
        self.pages: dict[str, Page] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                page = server.pages.get(self.path.split("?")[0])
                if page is None:
                    page = Page(b"<html><body><h1>Not Found</h1></body></html>", status=404)
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                self.send_header("Content-Length", str(len(page.body)))
                for k, v in page.headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(page.body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def set(self, path: str, body: str | bytes, **kw: Any) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Page(data, **kw)
        return self.url(path)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def pages() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def to_toml(data: dict[str, Any]) -> str:
    """Enough TOML writing for test configs: tables of scalars and arrays of such tables."""
    out: list[str] = []
    for key, value in data.items():
        if isinstance(value, dict):
            out.append(f"[{key}]")
            out += [f"{k} = {toml_value(v)}" for k, v in value.items()]
        elif isinstance(value, list):
            for item in value:
                out.append(f"[[{key}]]")
                out += [f"{k} = {toml_value(v)}" for k, v in item.items()]
        out.append("")
    return "\n".join(out)


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a config with state under tmp_path; returns its path."""

    def write(targets: list[dict[str, Any]], **tables: Any) -> Path:
        data: dict[str, Any] = {
            "watcher": {"state_dir": str(tmp_path / "state"), **tables.pop("watcher", {})},
            "fetch": {"retries": 0, "total_timeout": 10.0, **tables.pop("fetch", {})},
            "targets": targets,
            **tables,
        }
        path = tmp_path / "config.toml"
        path.write_text(to_toml(data), encoding="utf-8")
        return path

    return write


def watcher_exe() -> list[str]:
    exe = shutil.which("watcher", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "watcher"]


@pytest.fixture
def watcher_cli(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``watcher`` command; returns the completed process (text mode)."""

    def run(*args: str, timeout: float = 60, **kw: Any) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NO_COLOR": "1", **kw.pop("env", {})}
        env.pop("WATCHER_CONFIG", None)
        return subprocess.run(
            [*watcher_exe(), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=kw.pop("cwd", tmp_path),
            env=env,
            **kw,
        )

    return run
