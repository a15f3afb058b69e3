"""Shared pieces of the web tests (no tests here): a store filled by real checks, and a server.

``web_world`` serves policies from the ``pages`` fixture, runs ``pipeline.check_target`` on them
(with edits in between, a hostile page, a failing page and a flip-back), and starts the web front
on 127.0.0.1, port 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from conftest import PageServer
from watcher import config as config_mod
from watcher import pipeline, web
from watcher.config import Config
from watcher.models import CheckResult, Outcome, Target

PARAS = [
    "We do not store connection timestamps or session durations.",
    "We collect your e-mail address to manage your subscription.",
    "Payments are processed by our payment processor; we never see card numbers.",
    "We never sell your personal information to anyone.",
    "If a government agency asks for data, we notify the affected user unless a court forbids it.",
    "You can ask us to delete your account and all data tied to it at any time.",
]

HOSTILE = "Contact <script>alert(1)</script> us ]]> at <b>privacy</b>@example.com &amp; more."
"""Text of a watched page that must stay text everywhere (written HTML-escaped in the page)."""


def policy_html(paras: list[str], extra: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        "<html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1>"
        f"{extra}{body}</main></body></html>"
    )


def hostile_paragraph() -> str:
    """HOSTILE as a page would carry it: escaped, so the extracted text is HOSTILE itself."""
    import html

    return "<p>" + html.escape(HOSTILE, quote=False) + "</p>"


@dataclass
class World:
    config: Config
    ctx: pipeline.Context
    pages: PageServer
    server: web.ServerHandle
    client: httpx.Client
    results: dict[str, list[CheckResult]] = field(default_factory=dict)

    def check(self, target_id: str) -> CheckResult:
        r = pipeline.check_target(self.ctx, self.config.target(target_id))
        self.results.setdefault(target_id, []).append(r)
        return r

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.client.get(path, **kw)

    def target(self, target_id: str) -> Target:
        return self.config.target(target_id)

    @property
    def change_id(self) -> int:
        """The id of the material change of jetvpn/privacy."""
        for r in self.results["jetvpn/privacy"]:
            if r.outcome is Outcome.CHANGED and r.change_id is not None:
                return r.change_id
        raise AssertionError("no change was stored")


def make_config(pages: PageServer, state: Path, **http: str) -> Config:
    data: dict[str, Any] = {
        "watcher": {"state_dir": str(state), "failure_threshold": 2},
        "fetch": {"retries": 0, "total_timeout": 10.0},
        "targets": [
            {
                "id": "jetvpn/privacy",
                "url": pages.url("/jet"),
                "provider": "Jet VPN",
                "name": "privacy policy",
                "tags": ["vpn"],
            },
            {
                "id": "acme/terms",
                "url": pages.url("/acme"),
                "provider": "Acme Cloud",
                "name": "terms",
            },
        ],
        "groups": [
            {"name": "ngo", "notify": ["json://127.0.0.1:9/hook"], "min_severity": "minor"},
            {
                "name": "press",
                "notify": ["json://127.0.0.1:9/hook"],
                "min_severity": "minor",
                "providers": ["Acme Cloud"],
            },
        ],
        "http": {"base_url": "http://watcher.example", **http},
    }
    return config_mod.parse(data)


def fill(w: World) -> None:
    """Real checks: jetvpn gets a first version, a material change with hostile text, and a
    flip-back; acme fails twice."""
    w.pages.set("/jet", policy_html(PARAS))
    w.pages.set("/acme", "<html><body><h1>Oops</h1></body></html>", status=500)
    assert w.check("jetvpn/privacy").outcome is Outcome.NEW
    changed = [PARAS[0].replace("do not store", "store"), *PARAS[1:]]
    w.pages.set("/jet", policy_html(changed, hostile_paragraph()))
    assert w.check("jetvpn/privacy").outcome is Outcome.CHANGED
    assert w.check("acme/terms").outcome is Outcome.ERROR
    assert w.check("acme/terms").outcome is Outcome.ERROR


def open_world(pages: PageServer, tmp_path: Path) -> Iterator[World]:
    """The body of each test module's ``web_world`` fixture: ``yield from open_world(...)``."""
    cfg = make_config(pages, tmp_path / "state")
    ctx = pipeline.Context.open(cfg)
    server = web.start_server(cfg, ctx.store, listen="127.0.0.1:0")
    client = httpx.Client(base_url=server.url, timeout=10)
    w = World(cfg, ctx, pages, server, client)
    fill(w)
    try:
        yield w
    finally:
        client.close()
        server.stop()
        ctx.close()


def watcher_exe() -> list[str]:
    from conftest import watcher_exe as exe

    return exe()
