"""``watcher demo``: the whole pipeline on a sample VPN policy served from 127.0.0.1.

It needs no internet and no config: it serves a policy page from a local HTTP server, checks it
through the real pipeline into a real store (``state/demo`` by default), and between checks edits
the page the way real sites do: first only noise (a rotated CSRF token, a new cookie banner, a
visitor counter, the footer year), then a real weakening of a no-logs promise, then a date-only
edit. Each step prints what ``watcher check`` and ``watcher diff`` would show, and the alert
that a subscribed group receives through apprise (a json:// webhook on the same local server).
"""

from __future__ import annotations

import contextlib
import html
import json
import shutil
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import click

from watcher import config as config_mod
from watcher import notify, pipeline, render

POLICY_V1 = [
    ("h1", "Example VPN Privacy Policy"),
    ("p", "Last updated: March 3, 2026"),
    ("h2", "1. What we do not log"),
    (
        "p",
        "We do not log your browsing activity, traffic destinations, DNS queries or the content "
        "of your connections.",
    ),
    (
        "p",
        "We do not store connection timestamps, session durations, your source IP address or the "
        "VPN IP address assigned to you.",
    ),
    ("h2", "2. What we collect"),
    (
        "p",
        "To run your account we collect your e-mail address and payment confirmation from our "
        "payment processor. We never sell your personal information.",
    ),
    ("h2", "3. Law enforcement"),
    (
        "p",
        "If we receive a request from a government authority, we will notify the affected user "
        "unless a court order forbids it.",
    ),
]

STEPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("first check of the page", {}),
    (
        "the site rotates its CSRF token, cookie banner, visitor counter and footer year",
        {"noise": 2},
    ),
    (
        "the provider edits its no-logs promise",
        {
            "noise": 3,
            "replace": (
                "We do not store connection timestamps, session durations, your source IP "
                "address or the VPN IP address assigned to you.",
                "We store connection timestamps and session durations for 30 days. We do not "
                "store your source IP address or the VPN IP address assigned to you.",
            ),
        },
    ),
    ("only the 'Last updated' date changes", {"noise": 4, "date": "April 9, 2026"}),
)
# Each step after the edit keeps it: the page moves forward like a real site's.
STEPS = (*STEPS[:3], (STEPS[3][0], {**STEPS[2][1], **STEPS[3][1]}))


def page(step: dict[str, Any]) -> bytes:
    """The sample page at one step: the policy inside realistic, changing noise."""
    n = int(step.get("noise", 1))
    body = []
    for tag, text in POLICY_V1:
        if "replace" in step and text == step["replace"][0]:
            text = step["replace"][1]
        if "date" in step and text.startswith("Last updated"):
            text = f"Last updated: {step['date']}"
        body.append(f"<{tag}>{html.escape(text)}</{tag}>")
    doc = f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Privacy Policy | Example VPN</title>
<meta name="csrf-token" content="tok{n * 7919:x}">
<script nonce="n{n}">window.__build = "{n * 31337}";</script></head>
<body class="page v{n}">
<nav><a href="/">Home</a> <a href="/pricing">Pricing</a> <a href="/blog">Blog {n}</a></nav>
<div id="cookie-banner" class="cookie-consent">We use cookies{"!" * n} Accept all?
<button>Accept</button></div>
<main class="c{n * 13:x}">{"".join(body)}</main>
<footer><p>Visitors today: {1000 + n * 17}</p><p>&copy; {2025 + n} Example VPN Ltd.</p>
<p>Share On Facebook</p></footer>
</body></html>"""
    return doc.encode()


def run_demo(state_dir: str | None, rounds: int = len(STEPS)) -> int:
    state = Path(state_dir) if state_dir else Path("state") / "demo"
    if state.exists():
        shutil.rmtree(state)
    current: dict[str, Any] = {"page": page(STEPS[0][1]), "alerts": []}
    server = _serve(current)
    base = f"127.0.0.1:{server.server_address[1]}"
    url = f"http://{base}/privacy"
    cfg = config_mod.parse(
        {
            "watcher": {"state_dir": str(state.resolve()), "flip_back_window": 5},
            "fetch": {"retries": 0, "total_timeout": 10.0},
            "targets": [
                {
                    "id": "examplevpn/privacy",
                    "url": url,
                    "provider": "Example VPN",
                    "name": "privacy policy",
                    "tags": ["vpn"],
                }
            ],
            "groups": [
                {
                    "name": "vpn-watchdogs",
                    "notify": [f"json://{base}/hook"],
                    "min_severity": "major",
                    "tags": ["vpn"],
                }
            ],
        }
    )
    target = cfg.targets[0]
    click.echo(f"watcher demo: serving a sample VPN privacy policy at {url}")
    click.echo(f"state: {state} (SQLite, raw bodies, versions, changes)\n")
    ctx = pipeline.Context.open(cfg)
    try:
        for i, (what, step) in enumerate(STEPS[:rounds], 1):
            current["page"] = page(step)
            click.echo(click.style(f"== check {i}: {what}", bold=True))
            result = pipeline.check_target(ctx, target)
            line = f"{target.id}: {result.outcome.value}"
            if result.version_seq:
                line += f" (version {result.version_seq})"
            if result.message and result.outcome.value != "changed":
                line += f" - {result.message}"
            click.echo(line)
            if result.change_id is not None:
                stored = ctx.store.change(result.change_id)
                assert stored is not None
                click.echo(render.change_text(stored.change, stored.verdict, color=False))
            notify.deliver_due(ctx.store, cfg)
            for alert in current["alerts"]:
                click.echo("alert to vpn-watchdogs (json:// webhook):")
                click.echo(f"  title: {alert.get('title', '')}")
                for line in str(alert.get("message", "")).splitlines()[:12]:
                    click.echo(f"  | {line}")
            if result.change_id is not None and not current["alerts"]:
                click.echo("no alert: below the group's min_severity (major)")
            current["alerts"] = []
            click.echo("")
        click.echo("history:")
        for v in reversed(ctx.store.versions(target.id)):
            c = ctx.store.change_for(target.id, v.seq)
            what = f"[{c.verdict.severity.value}] {c.verdict.summary}" if c else "first version"
            click.echo(f"  v{v.seq} {v.captured_at:%H:%M:%S} {len(v.text)} chars  {what}")
    finally:
        ctx.close()
        server.shutdown()
        server.server_close()
    click.echo(
        "\nNext: cp config.example.toml config.toml, edit the targets, then `watcher check` "
        "or `watcher run`."
    )
    return 0


def _serve(current: dict[str, Any]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = current["page"]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            with contextlib.suppress(ValueError):
                current["alerts"].append(json.loads(self.rfile.read(length) or b"{}"))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
