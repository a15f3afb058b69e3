"""`watcher run` as systemd runs it: a subprocess, a real NOTIFY_SOCKET, real signals, pages
served on 127.0.0.1 with 2-second intervals."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PageServer, watcher_exe
from watcher import config as config_mod
from watcher import pipeline
from watcher.store import Store

POLICY = (
    "<html><body><main><h1>Privacy policy</h1>"
    "<p>We collect your e-mail address to send you service updates.</p>"
    "<p>We keep connection logs for {days} days and then delete them.</p>"
    "<p>We never sell personal data to anyone.</p></main></body></html>"
)


class Daemon:
    """A `watcher run` subprocess, its notify socket and its stderr."""

    def __init__(self, config: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.dir = tempfile.mkdtemp(prefix="wrun", dir="/tmp")  # AF_UNIX paths are short
        self.sock_path = os.path.join(self.dir, "notify")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.messages: list[dict[str, str]] = []
        self.lines: list[str] = []
        full_env = {**os.environ, "NOTIFY_SOCKET": self.sock_path, **(env or {})}
        full_env.pop("WATCHER_CONFIG", None)
        full_env.pop("JOURNAL_STREAM", None)
        self.proc = subprocess.Popen(
            [*watcher_exe(), "run", "--config", str(config), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=full_env,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def expect(self, key: str, value: str | None = None, timeout: float = 10) -> dict[str, str]:
        """The next notify message carrying ``key`` (with ``value``), skipping others."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(
                    f"no {key}={value or '*'} within {timeout}s; got {self.messages[-5:]};"
                    f" stderr: {self.lines[-10:]}"
                )
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096).decode()
            except TimeoutError:
                continue
            fields = dict(line.split("=", 1) for line in data.split("\n") if "=" in line)
            self.messages.append(fields)
            if key in fields and (value is None or fields[key] == value):
                return fields

    def wait_log(self, text: str, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if text in line:
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no log line with {text!r}; stderr: {self.lines[-10:]}")

    def send(self, sig: signal.Signals) -> None:
        self.proc.send_signal(sig)

    def finish(self, timeout: float = 40) -> int:
        rc = self.proc.wait(timeout)
        self._reader.join(5)
        return rc

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(5)
        if self.proc.stderr is not None:
            self.proc.stderr.close()
        self.sock.close()
        os.unlink(self.sock_path)
        os.rmdir(self.dir)


@pytest.fixture
def start() -> Iterator[Callable[..., Daemon]]:
    started: list[Daemon] = []

    def run(config: Path, *args: str, **kw: Any) -> Daemon:
        d = Daemon(config, *args, **kw)
        started.append(d)
        return d

    yield run
    for d in started:
        d.close()


def wait_for(predicate: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def versions(state: Path, target: str) -> int:
    with Store.open(state) as store:
        latest = store.latest_version(target)
        return latest.seq if latest else 0


def checks(state: Path, target: str) -> int:
    with Store.open(state) as store:
        return len(store.checks(target, limit=1000))


def fast(tid: str, url: str, interval: str = "2s") -> dict[str, str]:
    return {"id": tid, "url": url, "interval": interval}


FAST = {"host_delay": "0s"}


def test_ready_watchdog_page_edit_and_sigterm(
    pages: PageServer, write_config: Callable[..., Path], tmp_path: Path, start: Any
) -> None:
    """The whole life: READY=1, watchdog pings, an edit stored as version 2, a clean stop."""
    url = pages.set("/privacy", POLICY.format(days=7))
    config = write_config([fast("acme/privacy", url)], watcher=FAST)
    d = start(config, "--log-format", "json", env={"WATCHDOG_USEC": "1000000"})

    ready = d.expect("READY", "1")
    assert "1 targets" in ready["STATUS"]
    d.expect("WATCHDOG", "1", timeout=3)
    d.expect("WATCHDOG", "1", timeout=3)

    state = tmp_path / "state"
    wait_for(lambda: versions(state, "acme/privacy") == 1, 10, "the first version")
    pages.set("/privacy", POLICY.format(days=90))
    wait_for(lambda: versions(state, "acme/privacy") == 2, 10, "the edited version")
    status = d.expect("STATUS", timeout=5)
    while "last change acme/privacy" not in status["STATUS"]:
        status = d.expect("STATUS", timeout=5)
    assert "checks done" in status["STATUS"]

    d.send(signal.SIGTERM)
    d.expect("STOPPING", "1")
    assert d.finish(timeout=35) == 0
    records = [json.loads(line) for line in d.lines]  # every line is JSON
    checks_logged = [r for r in records if r["message"].startswith("check target=acme/privacy")]
    assert any("outcome=changed" in r["message"] for r in checks_logged)
    assert not [r for r in records if r["logger"].startswith(("httpx", "httpcore"))]


def test_sighup_with_a_new_target_schedules_it(
    pages: PageServer, write_config: Callable[..., Path], tmp_path: Path, start: Any
) -> None:
    a = pages.set("/a", POLICY.format(days=7))
    b = pages.set("/b", POLICY.format(days=30))
    config = write_config([fast("acme/a", a)], watcher=FAST)
    d = start(config)
    d.expect("READY", "1")

    write_config([fast("acme/a", a), fast("acme/b", b)], watcher=FAST)
    d.send(signal.SIGHUP)
    reloading = d.expect("RELOADING", "1")
    assert int(reloading["MONOTONIC_USEC"]) > 0
    assert "2 targets" in d.expect("READY", "1")["STATUS"]
    wait_for(lambda: checks(tmp_path / "state", "acme/b"), 10, "a check of the new target")
    d.wait_log("config reloaded: 2 targets (1 added, 0 removed, 0 rescheduled)")

    d.send(signal.SIGINT)
    assert d.finish() == 0


def test_sighup_with_a_broken_config_keeps_the_old_one_running(
    pages: PageServer, write_config: Callable[..., Path], tmp_path: Path, start: Any
) -> None:
    a = pages.set("/a", POLICY.format(days=7))
    config = write_config([fast("acme/a", a)], watcher=FAST)
    d = start(config)
    d.expect("READY", "1")
    state = tmp_path / "state"
    wait_for(lambda: checks(state, "acme/a"), 10, "a first check")

    config.write_text('[[targets]]\nid = "acme/a"\nurl = "ftp://nope"\n', encoding="utf-8")
    d.send(signal.SIGHUP)
    d.expect("RELOADING", "1")
    assert "reload refused" in d.expect("READY", "1")["STATUS"]
    line = d.wait_log("reload refused, the running config stays")
    assert "targets[0].url" in line
    before = checks(state, "acme/a")
    wait_for(lambda: checks(state, "acme/a") >= before + 2, 10, "checks under the old config")

    d.send(signal.SIGTERM)
    assert d.finish() == 0


class SlowServer:
    """Answers every GET after ``delay`` seconds; records when a request arrived."""

    def __init__(self, delay: float) -> None:
        self.arrived = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.arrived.set()
                time.sleep(delay)
                body = POLICY.format(days=7).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/slow"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_sigterm_lets_the_check_in_flight_finish_and_store(
    write_config: Callable[..., Path], tmp_path: Path, start: Any
) -> None:
    server = SlowServer(delay=2.0)
    try:
        config = write_config([fast("slow/p", server.url)], watcher=FAST)
        d = start(config)
        d.expect("READY", "1")
        assert server.arrived.wait(35)
        t0 = time.monotonic()
        d.send(signal.SIGTERM)
        assert d.finish() == 0
        assert time.monotonic() - t0 >= 1.0  # it waited for the response
        assert versions(tmp_path / "state", "slow/p") == 1  # and stored the check
    finally:
        server.close()


def test_sigterm_abandons_a_check_that_outlives_the_stop_bound(
    write_config: Callable[..., Path], tmp_path: Path, start: Any
) -> None:
    server = SlowServer(delay=30.0)
    try:
        config = write_config(
            [fast("hung/p", server.url)], watcher=FAST, fetch={"total_timeout": 60.0}
        )
        d = start(config, "--stop-timeout", "1")
        d.expect("READY", "1")
        assert server.arrived.wait(35)
        t0 = time.monotonic()
        d.send(signal.SIGTERM)
        assert d.finish(timeout=10) == 0
        assert time.monotonic() - t0 < 5
        assert "hung/p" in d.wait_log("abandoned")
        assert checks(tmp_path / "state", "hung/p") == 0  # nothing half-stored
    finally:
        server.close()


def test_status_shows_next_run_failures_and_last_change(
    pages: PageServer, write_config: Callable[..., Path], watcher_cli: Callable[..., Any]
) -> None:
    ok = pages.set("/ok", POLICY.format(days=7))
    gone = pages.url("/gone")  # 404
    config = write_config(
        [
            fast("acme/ok", ok, "6h"),
            fast("acme/gone", gone, "6h"),
            {"id": "acme/cron", "url": ok, "cron": "0 4 * * *"},
            fast("acme/never", ok, "1d"),
        ],
    )
    cfg = config_mod.load(config)
    ctx = pipeline.Context.open(cfg)
    try:
        for _ in range(2):
            for tid in ("acme/ok", "acme/gone", "acme/cron"):
                pipeline.check_target(ctx, cfg.target(tid))
        pages.set("/ok", POLICY.format(days=90))
        pipeline.check_target(ctx, cfg.target("acme/ok"))
    finally:
        ctx.close()

    proc = watcher_cli("status", "--json", "--config", str(config))
    assert proc.returncode == 0, proc.stderr
    rows = {r["target"]: r for r in json.loads(proc.stdout)["targets"]}

    okr = rows["acme/ok"]
    assert okr["outcome"] == "changed" and okr["failures"] == 0 and okr["last_change"]
    last = datetime.fromisoformat(okr["last_check"])
    assert datetime.fromisoformat(okr["next_run"]) - last == timedelta(hours=6)
    assert okr["overdue"] is False
    assert rows["acme/gone"]["outcome"] == "error" and rows["acme/gone"]["failures"] == 2
    cron_next = datetime.fromisoformat(rows["acme/cron"]["next_run"]).astimezone()
    assert (cron_next.hour, cron_next.minute) == (4, 0)
    assert rows["acme/never"]["last_check"] is None and rows["acme/never"]["next_run"] is None

    text = watcher_cli("status", "--config", str(config)).stdout
    assert "acme/gone" in text and "when started" in text


def test_run_serves_the_web_front_and_reports_the_scheduler_alive(
    pages: PageServer, write_config: Callable[..., Path], start: Any
) -> None:
    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = pages.set("/privacy", POLICY.format(days=7))
    config = write_config(
        [fast("acme/privacy", url)], watcher=FAST, http={"listen": f"127.0.0.1:{port}"}
    )
    d = start(config)
    d.expect("READY", "1")
    health = wait_for(lambda: _get(httpx, f"http://127.0.0.1:{port}/healthz"), 10, "the web front")
    assert health.status_code == 200
    assert "acme/privacy" in httpx.get(f"http://127.0.0.1:{port}/").text
    d.send(signal.SIGTERM)
    assert d.finish(timeout=35) == 0


def _get(httpx: Any, url: str) -> Any:
    try:
        return httpx.get(url, timeout=2)
    except httpx.HTTPError:
        return None
