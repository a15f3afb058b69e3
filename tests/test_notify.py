"""Notifications end to end: the real pipeline, real apprise, real receivers on 127.0.0.1.

Pages come from the ``pages`` fixture, e-mail goes through an aiosmtpd server (``mailto://``) and
webhooks through a local HTTP receiver (``json://``); nothing of apprise is mocked.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import PageServer
from receivers import JsonReceiver, SmtpReceiver
from watcher import config as config_mod
from watcher import notify, pipeline
from watcher.errors import ConfigError, NotifyError
from watcher.models import Outcome

BASE = [
    "We collect your e-mail address to manage your subscription.",
    "We do not store connection timestamps.",
    "We never sell your personal information to anyone.",
    "Contact us at privacy@jetvpn.example with any question.",
]
MATERIAL = [
    p.replace(
        "We do not store connection timestamps.", "We store connection timestamps for 30 days."
    )
    for p in BASE
]
COSMETIC = [p.replace("any question.", "any question!") for p in BASE]


def html(paras: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paras)
    return (
        "<html><head><title>Privacy</title></head><body><main><h1>Privacy Policy</h1>"
        f"{body}</main></body></html>"
    )


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    r = SmtpReceiver()
    yield r
    r.close()


@pytest.fixture
def hook() -> Iterator[JsonReceiver]:
    r = JsonReceiver()
    yield r
    r.close()


class World:
    """A config written with ``write_config``, loaded, and an open pipeline context."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.config = config_mod.load(path)
        self.ctx = pipeline.Context.open(self.config)

    @property
    def store(self) -> Any:
        return self.ctx.store

    def check(self, target: str = "jetvpn/privacy") -> Any:
        return pipeline.check_target(self.ctx, self.config.target(target))

    def deliver(self, at: datetime | None = None, **kw: Any) -> notify.DeliveryReport:
        return notify.deliver_due(self.store, self.config, at=at, **kw)

    def close(self) -> None:
        self.ctx.close()


@pytest.fixture
def world(write_config: Callable[..., Path]) -> Iterator[Callable[..., World]]:
    made: list[World] = []

    def make(targets: list[dict[str, Any]], groups: list[dict[str, Any]], **tables: Any) -> World:
        w = World(write_config(targets, groups=groups, **tables))
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()


def jet(pages: PageServer, paras: list[str] = BASE) -> dict[str, Any]:
    url = pages.set("/jet", html(paras))
    return {
        "id": "jetvpn/privacy",
        "url": url,
        "provider": "Jet VPN",
        "name": "privacy policy",
        "tags": ["vpn"],
    }


def far(days: int = 30) -> datetime:
    """A time after every retry and digest slot of a test."""
    return datetime.now(UTC) + timedelta(days=days)


# -- routing: who hears of a change ----------------------------------------------------------------


class TestRouting:
    def test_material_change_reaches_matching_groups_only(
        self, pages: PageServer, smtp: SmtpReceiver, hook: JsonReceiver, world: Any
    ) -> None:
        """E-mail and JSON groups that follow Jet VPN get one message each; others get none."""
        w = world(
            [jet(pages)],
            [
                {"name": "vpn-mail", "notify": [smtp.url()], "providers": ["Jet VPN"]},
                {"name": "vpn-json", "notify": [hook.url("/vpn")], "tags": ["vpn"]},
                {"name": "cloud", "notify": [hook.url("/cloud")], "providers": ["Other Cloud"]},
                {
                    "name": "sharing-only",
                    "notify": [hook.url("/sharing")],
                    "categories": ["sharing"],
                },
            ],
            http={"base_url": "https://watcher.example.org"},
        )
        assert w.check().outcome is Outcome.NEW
        pages.set("/jet", html(MATERIAL))
        result = w.check()
        assert result.outcome is Outcome.CHANGED
        report = w.deliver()
        assert (report.sent, report.failed, report.pending) == (2, 0, 0)

        assert len(smtp.messages) == 1
        mail = smtp.messages[0]
        assert mail.subject.startswith("[critical] Jet VPN privacy policy: ")
        assert "connection timestamps" in mail.subject
        page = mail.part("html")
        assert "<del>" in page and "<ins>" in page  # the diff, in HTML
        assert "30 days" in page
        assert f"https://watcher.example.org/changes/{result.change_id}" in page
        assert "vpn-logging" in page and "weakens" in page

        bodies = hook.bodies("/vpn")
        assert len(bodies) == 1
        assert bodies[0]["title"].startswith("[critical] Jet VPN privacy policy")
        message = bodies[0]["message"]
        assert "old: We **do not** store connection timestamps" in message
        assert f"<https://watcher.example.org/changes/{result.change_id}>" in message
        assert hook.bodies("/cloud") == [] and hook.bodies("/sharing") == []

    def test_cosmetic_change_reaches_nobody_by_default(
        self, pages: PageServer, smtp: SmtpReceiver, hook: JsonReceiver, world: Any
    ) -> None:
        """Default min_severity is major: a punctuation edit is stored, and sent to no group."""
        w = world(
            [jet(pages)],
            [
                {"name": "vpn-mail", "notify": [smtp.url()]},
                {"name": "vpn-json", "notify": [hook.url("/vpn")]},
            ],
        )
        w.check()
        pages.set("/jet", html(COSMETIC))
        assert w.check().outcome is Outcome.CHANGED
        report = w.deliver()
        assert (report.sent, report.failed, report.pending) == (0, 0, 0)
        assert smtp.messages == [] and hook.posts == []
        assert len(w.store.changes("jetvpn/privacy")) == 1  # kept, just not sent

    def test_group_asking_for_cosmetic_edits_gets_them(
        self, pages: PageServer, hook: JsonReceiver, world: Any
    ) -> None:
        w = world(
            [jet(pages)], [{"name": "all", "notify": [hook.url()], "min_severity": "cosmetic"}]
        )
        w.check()
        pages.set("/jet", html(COSMETIC))
        w.check()
        assert w.deliver().sent == 1
        assert hook.bodies()[0]["title"].startswith("[cosmetic] Jet VPN privacy policy")


# -- the delivery worker -------------------------------------------------------------------------


class TestDelivery:
    def test_receiver_down_then_back_gets_the_alert_exactly_once(
        self, pages: PageServer, hook: JsonReceiver, smtp: SmtpReceiver, world: Any
    ) -> None:
        w = world(
            [jet(pages)],
            [
                {"name": "json", "notify": [hook.url()]},
                {"name": "mail", "notify": [smtp.url()]},
            ],
        )
        w.check()
        hook.down()
        pages.set("/jet", html(MATERIAL))
        w.check()
        first = w.deliver()
        assert (first.sent, first.failed, first.pending) == (1, 1, 1)  # mail went, json waits
        [row] = w.store.outbox(("pending",))
        assert row.attempts == 1 and row.next_attempt > datetime.now(UTC)
        assert "Connection error" in (row.last_error or "")
        assert w.deliver().sent == 0  # not due yet: backoff
        hook.up()
        again = w.deliver(at=far())
        assert (again.sent, again.failed, again.pending) == (1, 0, 0)
        assert w.deliver(at=far(60)).sent == 0
        assert len(hook.bodies()) == 1 and len(smtp.messages) == 1
        assert [d["ok"] for d in w.store.deliveries(row.id)] == [False, True]

    def test_backoff_doubles_then_gives_up_after_max_attempts(
        self, pages: PageServer, hook: JsonReceiver, world: Any
    ) -> None:
        w = world(
            [jet(pages)],
            [{"name": "json", "notify": [hook.url()]}],
            notify={"retry_base": "1m", "retry_max": "3m", "max_attempts": 3},
        )
        w.check()
        hook.status = 500
        pages.set("/jet", html(MATERIAL))
        w.check()
        waits = []
        for i in range(3):
            before = datetime.now(UTC)
            report = w.deliver(at=far(i + 1))
            assert report.failed == 1
            [row] = w.store.outbox(("pending", "failed"))
            waits.append(round((row.next_attempt - before).total_seconds() / 60))
        assert waits[:2] == [1, 2]
        assert row.status == "failed" and row.attempts == 3
        assert w.deliver(at=far(10)).failed == 0  # a failed row is never retried by itself
        assert hook.posts == []

    def test_partial_failure_retries_only_the_url_that_failed(
        self, pages: PageServer, hook: JsonReceiver, world: Any
    ) -> None:
        other = JsonReceiver()
        try:
            w = world([jet(pages)], [{"name": "both", "notify": [hook.url("/a"), other.url("/b")]}])
            w.check()
            other.down()
            pages.set("/jet", html(MATERIAL))
            w.check()
            assert w.deliver().failed == 1
            other.up()
            assert w.deliver(at=far()).sent == 1
            assert len(hook.bodies("/a")) == 1 and len(other.bodies("/b")) == 1
        finally:
            other.close()

    def test_sent_row_is_never_sent_again(
        self, pages: PageServer, hook: JsonReceiver, world: Any
    ) -> None:
        w = world([jet(pages)], [{"name": "json", "notify": [hook.url()]}])
        w.check()
        pages.set("/jet", html(MATERIAL))
        w.check()
        assert w.deliver().sent == 1
        for days in (1, 10, 100):
            assert w.deliver(at=far(days)).sent == 0
        w.check()  # same page again: unchanged, nothing new queued
        assert w.deliver(at=far(200)).sent == 0
        assert len(hook.bodies()) == 1

    def test_two_workers_do_not_send_the_same_row(
        self, pages: PageServer, hook: JsonReceiver, world: Any
    ) -> None:
        """A row leased by one worker is not due for another (daemon + manual check)."""
        w = world([jet(pages)], [{"name": "json", "notify": [hook.url()]}])
        w.check()
        pages.set("/jet", html(MATERIAL))
        w.check()
        [row] = w.store.outbox(("pending",))
        now = datetime.now(UTC)
        assert w.store.claim_alerts([row.id], now, now + notify.LEASE) == [row.id]
        assert w.store.claim_alerts([row.id], now, now + notify.LEASE) == []
        assert w.deliver().sent == 0  # leased: not due
        assert w.deliver(at=now + notify.LEASE + timedelta(seconds=1)).sent == 1  # lease ran out
        assert len(hook.bodies()) == 1

    def test_lease_runs_from_the_claim_not_from_the_start_of_the_pass(
        self, pages: PageServer, hook: JsonReceiver, world: Any, monkeypatch: Any
    ) -> None:
        """A pass that takes longer than the lease (a slow service before this row) still
        holds each row it sends: another worker must not see it as due while it is sent."""
        monkeypatch.setattr(notify, "LEASE", timedelta(seconds=2))
        other = {**jet(pages), "id": "other/privacy", "url": pages.set("/other", html(BASE))}
        w = world(
            [jet(pages), other],
            [{"name": "json", "notify": [hook.url()]}],
            notify={"workers": 1},
        )
        w.check()
        w.check("other/privacy")
        pages.set("/jet", html(MATERIAL))
        pages.set("/other", html(MATERIAL))
        w.check()
        w.check("other/privacy")
        real_send = notify.send
        due_for_another: list[list[int]] = []

        def slow_send(channel: Any, message: Any, timeout: float = 30.0) -> Any:
            due_for_another.append([r.id for r in w.store.pending_alerts(datetime.now(UTC))])
            if len(due_for_another) == 1:
                time.sleep(3)  # a slow service: longer than the lease
            return real_send(channel, message, timeout)

        monkeypatch.setattr(notify, "send", slow_send)
        assert w.deliver().sent == 2
        # when the second row goes out, the first is sent and the second is leased: none is due
        assert len(due_for_another) == 2 and due_for_another[1] == []
        assert len(hook.bodies()) == 2

    def test_group_removed_from_config_is_marked_failed(
        self, pages: PageServer, hook: JsonReceiver, world: Any, write_config: Any
    ) -> None:
        w = world([jet(pages)], [{"name": "json", "notify": [hook.url()]}])
        w.check()
        pages.set("/jet", html(MATERIAL))
        w.check()
        cfg = config_mod.load(write_config([jet(pages, MATERIAL)], groups=[]))
        report = notify.deliver_due(w.store, cfg)
        assert report.gave_up == 1
        [row] = w.store.outbox(("failed",))
        assert "no longer in the config" in (row.last_error or "")


# -- crash safety --------------------------------------------------------------------------------


def test_sigkill_between_storing_and_delivering_delivers_once_after_restart(
    pages: PageServer, hook: JsonReceiver, write_config: Any, watcher_cli: Any, tmp_path: Path
) -> None:
    """A process killed right after commit_check leaves the alert in the outbox; the next
    `watcher check` (page unchanged) delivers it, once."""
    path = write_config([jet(pages)], groups=[{"name": "json", "notify": [hook.url()]}])
    assert watcher_cli("check", "--config", str(path)).returncode == 0  # first version
    pages.set("/jet", html(MATERIAL))
    script = textwrap.dedent(
        f"""
        import os, signal
        from watcher import config, pipeline
        cfg = config.load({str(path)!r})
        ctx = pipeline.Context.open(cfg)
        r = pipeline.check_target(ctx, cfg.targets[0])
        assert r.outcome.value == "changed", r
        os.kill(os.getpid(), signal.SIGKILL)  # before any delivery
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert hook.posts == []
    out = watcher_cli("outbox", "--config", str(path), "--json")
    assert [r["status"] for r in json.loads(out.stdout)["outbox"]] == ["pending"]
    run = watcher_cli("check", "--config", str(path))
    assert run.returncode == 0, run.stderr  # unchanged now; the pending alert went out
    assert len(hook.bodies()) == 1
    assert watcher_cli("check", "--config", str(path)).returncode == 0
    assert len(hook.bodies()) == 1


def test_no_notify_then_check_delivers_once(
    pages: PageServer, smtp: SmtpReceiver, write_config: Any, watcher_cli: Any
) -> None:
    path = write_config([jet(pages)], groups=[{"name": "mail", "notify": [smtp.url()]}])
    watcher_cli("check", "--config", str(path))
    pages.set("/jet", html(MATERIAL))
    assert watcher_cli("check", "--no-notify", "--config", str(path)).returncode == 1
    assert smtp.messages == []
    assert watcher_cli("check", "--config", str(path)).returncode == 0
    assert watcher_cli("check", "--config", str(path)).returncode == 0
    assert len(smtp.messages) == 1
    assert smtp.messages[0].subject.startswith("[critical] Jet VPN privacy policy")


# -- failures as events --------------------------------------------------------------------------


def test_failing_target_alerts_once_with_cause_then_recovers(
    pages: PageServer, hook: JsonReceiver, world: Any
) -> None:
    w = world(
        [jet(pages)],
        [
            {"name": "ops", "notify": [hook.url("/ops")]},
            {"name": "quiet", "notify": [hook.url("/quiet")], "failures": False},
        ],
        watcher={"failure_threshold": 3},
    )
    w.check()
    pages.set("/jet", "down for maintenance", status=503)
    for _ in range(6):
        assert w.check().outcome is Outcome.ERROR
        w.deliver()
    bodies = hook.bodies("/ops")
    assert len(bodies) == 1  # at the third failure, not on every check
    assert bodies[0]["title"].startswith("[failing] Jet VPN privacy policy: 3 checks failed")
    assert "http-status" in bodies[0]["title"]
    pages.set("/jet", html(BASE))
    w.check()
    w.deliver()
    w.check()
    w.deliver()
    bodies = hook.bodies("/ops")
    assert [b["title"].split("]")[0] for b in bodies] == ["[failing", "[recovered"]
    assert hook.bodies("/quiet") == []
    # A second episode is a new event: it alerts again.
    pages.set("/jet", "down again", status=500)
    for _ in range(3):
        w.check()
    w.deliver()
    assert [b["title"].split("]")[0] for b in hook.bodies("/ops")][-1] == "[failing"
    assert len(hook.bodies("/ops")) == 3


def test_threshold_one_alerts_every_episode(
    pages: PageServer, hook: JsonReceiver, world: Any
) -> None:
    w = world(
        [jet(pages)], [{"name": "ops", "notify": [hook.url()]}], watcher={"failure_threshold": 1}
    )
    w.check()
    for _ in range(2):
        pages.set("/jet", "down", status=500)
        w.check()
        w.check()
        pages.set("/jet", html(BASE))
        w.check()
    w.deliver()
    kinds = [b["title"].split("]")[0] for b in hook.bodies()]
    assert kinds == ["[failing", "[recovered", "[failing", "[recovered"]


# -- digests -------------------------------------------------------------------------------------


def test_daily_digest_holds_changes_then_sends_one_message(
    pages: PageServer, hook: JsonReceiver, world: Any
) -> None:
    w = world(
        [jet(pages)],
        [
            {
                "name": "daily",
                "notify": [hook.url("/daily")],
                "delivery": "daily",
                "digest_at": "09:00",
            },
            {"name": "now", "notify": [hook.url("/now")]},
        ],
    )
    w.check()
    pages.set("/jet", html(MATERIAL))
    w.check()
    third = [p.replace("never sell", "may sell") for p in MATERIAL]
    pages.set("/jet", html(third))
    w.check()
    report = w.deliver()
    assert report.sent == 2 and report.pending == 2  # immediate group now; digest waits
    assert hook.bodies("/daily") == []
    rows = w.store.outbox(("pending",))
    due = max(notify.digest_time(w.config.groups[0], r.created_at) for r in rows)
    assert w.deliver(at=due - timedelta(seconds=1)).sent == 0
    report = w.deliver(at=due)
    assert (report.sent, report.pending) == (2, 0)
    [digest] = hook.bodies("/daily")
    assert digest["title"].startswith("[digest, critical] watcher: 2 alerts for daily")
    assert "connection timestamps" in digest["message"] and "sell" in digest["message"]
    assert w.deliver(at=far()).sent == 0


def test_digest_time_daily_and_weekly() -> None:
    daily = config_mod.Group("d", ("json://x",), delivery="daily", digest_at="09:00")
    weekly = config_mod.Group(
        "w", ("json://x",), delivery="weekly", digest_at="09:00", digest_day="fri"
    )
    created = datetime(2026, 11, 18, 10, 0).astimezone()  # a Wednesday, local time
    assert notify.digest_time(daily, created) == created.replace(day=19, hour=9, minute=0)
    early = created.replace(hour=8)
    assert notify.digest_time(daily, early) == created.replace(hour=9)
    assert notify.digest_time(weekly, created) == created.replace(day=20, hour=9, minute=0)


# -- secrets -------------------------------------------------------------------------------------


def test_env_and_credential_urls_resolve_and_never_leak(
    pages: PageServer, hook: JsonReceiver, world: Any, tmp_path: Path, caplog: Any
) -> None:
    creds = tmp_path / "creds"
    creds.mkdir()
    (creds / "hook").write_text(hook.url("/cred") + "?token=S3CRETcred\n")
    env = {"HOOK_URL": hook.url("/env") + "?token=S3CRETenv", "CREDENTIALS_DIRECTORY": str(creds)}
    w = world(
        [jet(pages)],
        [
            {"name": "env", "notify": ["${HOOK_URL}"]},
            {"name": "cred", "notify": ["credential:hook"]},
            {"name": "missing", "notify": ["${NOT_SET_ANYWHERE}"]},
        ],
    )
    w.check()
    pages.set("/jet", html(MATERIAL))
    w.check()
    with caplog.at_level(logging.DEBUG, logger="watcher"):
        report = w.deliver(env=env)
    assert (report.sent, report.failed) == (2, 1)
    assert len(hook.bodies("/env")) == 1 and len(hook.bodies("/cred")) == 1
    assert "NOT_SET_ANYWHERE is not set" in caplog.text
    hook.down()
    pages.set("/jet", html(BASE))
    w.check()
    with caplog.at_level(logging.DEBUG, logger="watcher"):
        w.deliver(env=env)
    assert "S3CRET" not in caplog.text
    assert all("S3CRET" not in (r.last_error or "") for r in w.store.outbox())


def test_resolve_url_reads_credentials_directory(tmp_path: Path) -> None:
    (tmp_path / "slack").write_text("slack://T000/B000/XXXX\n")
    env = {"CREDENTIALS_DIRECTORY": str(tmp_path), "HOST": "127.0.0.1"}
    assert notify.resolve_url("file:slack", env) == "slack://T000/B000/XXXX"
    assert notify.resolve_url("json://${HOST}:8/x", env) == "json://127.0.0.1:8/x"
    with pytest.raises(NotifyError, match="CREDENTIALS_DIRECTORY is not set"):
        notify.resolve_url("credential:slack", {})
    with pytest.raises(NotifyError, match="cannot read"):
        notify.resolve_url("file:nope", env)


def test_mask_keeps_names_and_hides_tokens() -> None:
    assert notify.mask("${SLACK_URL}") == "${SLACK_URL}"
    assert notify.mask("credential:slack") == "credential:slack"
    assert "tok3n" not in notify.mask("json://user:tok3n@hooks.example/path/tok3n")
    assert "hooks.example" in notify.mask("json://user:tok3n@hooks.example/path/tok3n")


# -- the commands --------------------------------------------------------------------------------


def test_notify_test_reports_each_group_and_exits_3_on_failure(
    hook: JsonReceiver, smtp: SmtpReceiver, write_config: Any, watcher_cli: Any, pages: PageServer
) -> None:
    dead = JsonReceiver()
    dead_url = dead.url("/x") + "?token=S3CRETdead"
    dead.down()
    path = write_config(
        [jet(pages)],
        groups=[
            {"name": "mail", "notify": [smtp.url()]},
            {"name": "json", "notify": [hook.url()]},
            {"name": "dead", "notify": [dead_url.replace("json://", "json://u:p4ssw0rd@")]},
        ],
    )
    run = watcher_cli("notify", "test", "--config", str(path))
    assert run.returncode == 3
    assert "mail: OK (1 URL)" in run.stdout and "json: OK (1 URL)" in run.stdout
    assert "dead: failed" in run.stdout
    assert "S3CRET" not in run.stdout + run.stderr and "p4ssw0rd" not in run.stdout + run.stderr
    assert len(smtp.messages) == 1 and smtp.messages[0].subject.startswith("[test]")
    one = watcher_cli("notify", "test", "json", "--config", str(path))
    assert one.returncode == 0 and one.stdout.strip() == "json: OK (1 URL)"
    unknown = watcher_cli("notify", "test", "nobody", "--config", str(path))
    assert unknown.returncode == 2 and "unknown group 'nobody'" in unknown.stderr
    assert len(hook.bodies()) == 2


def test_outbox_lists_pending_and_failed_masked(
    pages: PageServer, write_config: Any, watcher_cli: Any
) -> None:
    dead = JsonReceiver()
    dead.down()
    secret_url = f"json://user:p4ssw0rd@127.0.0.1:{dead.port}/hook?token=S3CRET"
    path = write_config([jet(pages)], groups=[{"name": "json", "notify": [secret_url]}])
    watcher_cli("check", "--config", str(path))
    pages.set("/jet", html(MATERIAL))
    run = watcher_cli("check", "--config", str(path))
    assert run.returncode == 3  # the change was found, its delivery failed: 3 wins
    out = watcher_cli("outbox", "--config", str(path))
    assert out.returncode == 0
    assert "pending" in out.stdout and "json" in out.stdout and "attempts=1" in out.stdout
    data = json.loads(watcher_cli("outbox", "--json", "--config", str(path)).stdout)
    [row] = data["outbox"]
    assert row["status"] == "pending" and row["kind"] == "change" and row["attempts"] == 1
    everything = out.stdout + out.stderr + run.stdout + run.stderr + json.dumps(data)
    assert "S3CRET" not in everything and "p4ssw0rd" not in everything


def test_outbox_empty_says_so(write_config: Any, watcher_cli: Any, pages: PageServer) -> None:
    path = write_config([jet(pages)])
    out = watcher_cli("outbox", "--config", str(path))
    assert out.returncode == 0 and out.stdout == "" and "empty" in out.stderr


def test_notify_table_is_validated(write_config: Any, pages: PageServer) -> None:
    with pytest.raises(ConfigError, match="notify: unknown key"):
        config_mod.load(write_config([jet(pages)], notify={"retries": 3}))
    with pytest.raises(ConfigError, match=r"notify\.max_attempts"):
        config_mod.load(write_config([jet(pages)], notify={"max_attempts": 0}))


def test_environment_is_untouched() -> None:
    """resolve_url reads the environment, never writes it."""
    before = dict(os.environ)
    notify.resolve_url("json://127.0.0.1/x", {})
    assert dict(os.environ) == before
