"""The daemon's schedules, limits and reloads, in process (the subprocess tests are in
test_daemon_run.py)."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from watcher import config as config_mod
from watcher.daemon import (
    FIRST_CHECK_WINDOW,
    OVERDUE_WINDOW,
    Daemon,
    HostGate,
    Limiter,
    crontab_trigger,
    due_after,
    first_run,
    trigger_for,
    validate_schedules,
)
from watcher.errors import ConfigError
from watcher.models import Target, TargetId
from watcher.sdnotify import Notifier

NOW = datetime(2025, 3, 2, 12, 0, tzinfo=UTC)  # a Sunday


def target(tid: str = "acme/privacy", **kw: Any) -> Target:
    if "cron" not in kw:
        kw.setdefault("interval", timedelta(hours=1))
    return Target(TargetId(tid), "http://127.0.0.1:9/p", tid.split("/")[0], **kw)


def fires(expr: str, start: datetime, n: int) -> list[datetime]:
    trig = crontab_trigger(expr)
    out: list[datetime] = []
    prev = None
    now = start
    for _ in range(n):
        nxt = trig.get_next_fire_time(prev, now)
        out.append(nxt)
        prev, now = nxt, nxt + timedelta(seconds=1)
    return out


class TestCrontab:
    def test_weekday_numbers_follow_crontab_not_apscheduler(self) -> None:
        """'1-5' is Monday to Friday, as in crontab(5); APScheduler alone would say Tue-Sat."""
        days = {d.strftime("%a") for d in fires("0 9 * * 1-5", NOW, 10)}
        assert days == {"Mon", "Tue", "Wed", "Thu", "Fri"}

    @pytest.mark.parametrize("dow", ["0", "7", "sun", "SUN"])
    def test_sunday_is_0_or_7_or_its_name(self, dow: str) -> None:
        assert {d.strftime("%a") for d in fires(f"0 9 * * {dow}", NOW, 3)} == {"Sun"}

    def test_stepped_weekdays_start_on_sunday(self) -> None:
        days = {d.strftime("%a") for d in fires("0 9 * * */3", NOW, 9)}
        assert days == {"Sun", "Wed", "Sat"}

    def test_day_of_month_or_day_of_week_when_both_are_set(self) -> None:
        """cron(8): with both restricted, a day matching either one fires."""
        start = datetime(2025, 3, 1, 12).astimezone()  # noon on Saturday the 1st, local time
        got = [d.astimezone() for d in fires("0 0 1 * 1", start, 6)]
        assert [(d.month, d.day) for d in got] == [
            (3, 3),
            (3, 10),
            (3, 17),
            (3, 24),
            (3, 31),
            (4, 1),
        ]

    def test_an_impossible_field_is_a_config_error_naming_the_target(self) -> None:
        cfg = config_mod.parse(
            {"targets": [{"id": "a/b", "url": "http://127.0.0.1/", "cron": "99 * * * *"}]}
        )
        with pytest.raises(ConfigError, match=r"targets\[0\]\.cron"):
            validate_schedules(cfg)


class TestFirstRun:
    def test_never_checked_target_runs_soon(self) -> None:
        t = target(interval=timedelta(days=1))
        assert NOW <= first_run(t, None, NOW) <= NOW + FIRST_CHECK_WINDOW

    def test_never_checked_short_interval_runs_within_one_interval(self) -> None:
        t = target(interval=timedelta(seconds=2))
        assert first_run(t, None, NOW) <= NOW + timedelta(seconds=2)

    def test_recently_checked_target_keeps_its_phase(self) -> None:
        t = target(interval=timedelta(hours=6))
        last = NOW - timedelta(hours=1)
        assert first_run(t, last, NOW) == last + timedelta(hours=6)

    def test_overdue_targets_are_spread_not_fired_together(self) -> None:
        """1,000 overdue targets start over min(interval, 15 min), no minute much busier."""
        last = NOW - timedelta(days=2)
        starts = [first_run(target(f"p{i}/privacy"), last, NOW) for i in range(1000)]
        offsets = [(s - NOW).total_seconds() for s in starts]
        assert min(offsets) >= 0 and max(offsets) <= OVERDUE_WINDOW.total_seconds()
        per_minute = Counter(int(o // 60) for o in offsets)
        assert len(per_minute) == 15
        assert max(per_minute.values()) < 2 * 1000 / 15

    def test_the_spread_is_stable_across_restarts(self) -> None:
        last = NOW - timedelta(days=2)
        assert first_run(target(), last, NOW) == first_run(target(), last, NOW)

    def test_missed_cron_run_is_made_up_soon(self) -> None:
        t = target(cron="0 3 * * *")
        last = NOW - timedelta(days=1, hours=10)  # missed today's 03:00
        assert first_run(t, last, NOW) <= NOW + OVERDUE_WINDOW

    def test_cron_next_run_follows_the_last_check(self) -> None:
        t = target(cron="30 14 * * *")
        due = due_after(t, NOW, NOW)
        assert due.astimezone().hour == 14 and due.minute == 30 and due > NOW


def test_interval_jitter_keeps_the_average_period() -> None:
    """APScheduler adds jitter after each jittered run; the trigger compensates for the drift."""
    t = target(interval=timedelta(seconds=100))
    trig = trigger_for(t, NOW)
    runs = [NOW]
    for _ in range(400):
        runs.append(trig.get_next_fire_time(runs[-1], runs[-1]))
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(runs)]
    assert min(gaps) >= 95 - 1e-6 and max(gaps) <= 105 + 1e-6
    assert statistics.mean(gaps) == pytest.approx(100, abs=1.0)
    assert statistics.pstdev(gaps) > 1  # the jitter is there


class TestHostGate:
    def _run(self, gate: HostGate, hosts: list[str], hold: float) -> list[tuple[str, float, float]]:
        stop = threading.Event()
        spans: list[tuple[str, float, float]] = []
        lock = threading.Lock()

        def work(host: str) -> None:
            assert gate.enter(host, stop) and gate.pace(host, stop)
            t0 = time.monotonic()
            time.sleep(hold)
            with lock:
                spans.append((host, t0, time.monotonic()))
            gate.leave(host)

        threads = [threading.Thread(target=work, args=(h,)) for h in hosts]
        for th in threads:
            th.start()
        for th in threads:
            th.join(10)
        return spans

    def test_one_host_is_checked_one_at_a_time(self) -> None:
        spans = sorted(self._run(HostGate(1, 0.0), ["a"] * 4, 0.05), key=lambda s: s[1])
        for (_, _, end), (_, start, _) in itertools.pairwise(spans):
            assert start >= end - 1e-3

    def test_different_hosts_overlap(self) -> None:
        spans = self._run(HostGate(1, 0.0), ["a", "b", "c"], 0.3)
        assert max(s[1] for s in spans) < min(s[2] for s in spans)

    def test_requests_to_one_host_start_host_delay_apart(self) -> None:
        spans = sorted(self._run(HostGate(3, 0.2), ["a"] * 3, 0.0), key=lambda s: s[1])
        starts = [s[1] for s in spans]
        assert all(b - a >= 0.19 for a, b in itertools.pairwise(starts))

    def test_a_stop_releases_waiters(self) -> None:
        gate, stop = HostGate(1, 0.0), threading.Event()
        assert gate.enter("a", stop)
        got: list[bool] = []
        th = threading.Thread(target=lambda: got.append(gate.enter("a", stop)))
        th.start()
        stop.set()
        gate.wake()
        th.join(3)
        assert got == [False]


def test_limiter_grows_on_resize_and_gives_up_on_stop() -> None:
    lim, stop = Limiter(1), threading.Event()
    assert lim.acquire(stop)
    got: list[bool] = []
    th = threading.Thread(target=lambda: got.append(lim.acquire(stop)))
    th.start()
    time.sleep(0.1)
    assert got == []
    lim.resize(2)
    th.join(3)
    assert got == [True]
    stop.set()
    assert lim.acquire(stop) is False


def test_reload_adds_removes_reschedules_and_swaps_groups(
    pages: Any, write_config: Callable[..., Path]
) -> None:
    url = pages.set("/p", "<html><body><main><p>policy</p></main></body></html>")

    def t(tid: str, interval: str) -> dict[str, str]:
        return {"id": tid, "url": url, "interval": interval}

    path = write_config([t("a/p", "1h"), t("b/p", "1h"), t("c/p", "1h")])
    d = Daemon(config_mod.load(path), notifier=Notifier(None), watchdog=0.0)
    d.start()
    try:
        assert set(d.jobs()) == {"a/p", "b/p", "c/p"}
        group = {"name": "team", "notify": ["json://127.0.0.1:9/"]}
        write_config([t("a/p", "1h"), t("b/p", "2h"), t("d/p", "1h")], groups=[group])
        assert d.reload()
        jobs = d._scheduler.get_jobs()
        by_id = {j.id: j for j in jobs}
        assert set(d.jobs()) == {"a/p", "b/p", "d/p"}
        assert by_id["b/p"].trigger.interval.total_seconds() > 1.5 * 3600
        assert by_id["a/p"].trigger.interval.total_seconds() < 1.5 * 3600
        assert [g.name for g in d.config.groups] == ["team"]

        path.write_text("[[targets]\nbroken", encoding="utf-8")
        assert d.reload() is False
        assert set(d.jobs()) == {"a/p", "b/p", "d/p"}
    finally:
        d.stop()


def test_reload_onto_a_busy_listen_address_keeps_the_daemon_running(
    pages: Any, write_config: Callable[..., Path]
) -> None:
    """SIGHUP with [http] listen moved to a port in use: logged, the checks go on (no crash)."""
    import socket

    url = pages.set("/p", "<html><body><main><p>policy</p></main></body></html>")
    targets = [{"id": "a/p", "url": url, "interval": "1h"}]
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    free_port = free.getsockname()[1]
    free.close()
    path = write_config(targets, http={"listen": f"127.0.0.1:{free_port}"})
    d = Daemon(config_mod.load(path), notifier=Notifier(None), watchdog=0.0)
    d.start()
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = busy.getsockname()[1]
        write_config(targets, http={"listen": f"127.0.0.1:{port}"})
        assert d.reload() is True  # the config is valid: applied, the web front is not
        assert d.alive() and set(d.jobs()) == {"a/p"}
    finally:
        busy.close()
        d.stop()
