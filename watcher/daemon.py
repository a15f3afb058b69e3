"""``watcher run``: the long-running service that checks every target on its own schedule.

APScheduler (3.x, behind this module alone) holds one job per target: an interval with jitter, or a
5-field crontab. Every job has ``coalesce`` (a backlog of missed runs becomes one run),
``max_instances=1`` (a slow target never overlaps itself) and a misfire grace time.

Why the pieces are shaped as they are:

- **A start that does not stampede.** A target's first run is computed from its last stored check:
  a never-checked target runs within ``FIRST_CHECK_WINDOW``; an overdue one is spread over
  ``min(interval, OVERDUE_WINDOW)`` by a stable hash of its id; the others keep their phase
  (last check + interval). So a restart with 1,000 targets does not fire 1,000 requests at once.
- **Politeness per host.** Checks run on a thread pool, but at most ``settings.concurrency`` run at
  once, at most ``settings.per_host`` per host, and two requests to one host start at least
  ``settings.host_delay`` apart. A check first waits for its host's slot (holding no global slot,
  so one slow provider does not starve the others), then for a global slot, then for the host's
  delay. The pool is larger than the global limit so that waiting for a host costs a thread only.
  (The limits themselves are ``watcher.limits``.)
- **Signals in the main thread, outside the scheduler.** The scheduler runs in the background; the
  main thread sleeps on a ``signal.set_wakeup_fd`` socket, so SIGHUP reloads and SIGTERM stops are
  plain code, not work done inside a signal handler while a lock may be held (``watcher.wakeup``).
- **Reload without a restart.** SIGHUP loads and validates the whole new config (crontab
  expressions included) before touching anything; an invalid one is refused with one logged line
  and the running config stays. A valid one adds, removes and reschedules jobs; the check jobs look
  their target up by id at run time, so a changed URL, selector or group takes effect at once.
- **Stopping.** SIGTERM/SIGINT stop scheduling, let in-flight checks finish (each is one store
  transaction) for at most ``stop_timeout`` seconds, and exit 0. A check that outlives that bound
  is abandoned; its transaction was not committed, so the store holds none of it.
- **systemd.** READY=1 once scheduled, STATUS= with a one-line summary, WATCHDOG=1 at half the
  watchdog period from a thread that pings only while the scheduler's own heartbeat job keeps
  running, RELOADING=1/READY=1 around a reload, STOPPING=1.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import signal
import socket
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from watcher import config as config_mod
from watcher import logs, pipeline
from watcher.config import Config
from watcher.errors import ConfigError, StoreError, WatcherError
from watcher.fetch import make_client
from watcher.limits import HostGate, Limiter, host_of
from watcher.models import CheckResult, Outcome, Target
from watcher.sdnotify import Notifier, watchdog_period
from watcher.store import Store
from watcher.wakeup import ignore_signal, read_signals

logger = logging.getLogger(__name__)

STOP_TIMEOUT = 30.0
"""Seconds SIGTERM waits for in-flight checks (systemd's TimeoutStopSec must be longer)."""
FIRST_CHECK_WINDOW = timedelta(seconds=30)
"""A never-checked target is checked within this long after start (or after being added)."""
OVERDUE_WINDOW = timedelta(minutes=15)
"""Overdue targets are spread over at most this long after start."""
MAX_JITTER = 300.0
"""Jitter is 10% of a target's period, at most this many seconds."""
MISFIRE_GRACE = 3600
"""A run late by more than this (a suspended machine) is skipped; coalesce makes the rest one."""
DELIVERY_EVERY = 30.0
"""Seconds between two passes of the notification worker (it also runs after a new alert)."""
STATUS_EVERY = 2.0
"""Seconds between two STATUS= updates, at most."""

DELIVERY_JOB = "watcher:deliver"
HEARTBEAT_JOB = "watcher:heartbeat"

Trigger = Any  # APScheduler 3.x ships no type hints


# -- schedules (also used by `watcher status`, which runs in another process) --------------------


def spread(target_id: str) -> float:
    """A stable number in [0, 1) per target: where in a window its first run falls."""
    digest = hashlib.sha256(target_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _jitter(period: float) -> float:
    return min(period * 0.1, MAX_JITTER)


_CRON_DOW = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _dow_number(token: str) -> int:
    low = token.lower()
    if low in _CRON_DOW:
        return _CRON_DOW.index(low)
    if low.isdigit() and int(low) <= 7:
        return int(low)
    raise ValueError(f"bad day of week {token!r}")


def _crontab_dow(field_text: str) -> str:
    """A crontab day-of-week field in APScheduler 3.x's terms.

    APScheduler 3.x numbers days from Monday = 0 while crontab uses Sunday = 0 (or 7); a "1-5"
    copied from a crontab would silently run Tuesday to Saturday. Every item is expanded into day
    names, which both agree on.
    """
    names: list[str] = []
    for item in field_text.split(","):
        rng, slash, step_text = item.partition("/")
        step = int(step_text) if slash else 1
        if step < 1:
            raise ValueError(f"bad step in {item!r}")
        if rng in ("*", "?"):
            if not slash:
                return "*"
            lo, hi = 0, 6
        elif "-" in rng:
            a, b = rng.split("-", 1)
            lo, hi = _dow_number(a), _dow_number(b)
        else:
            lo = _dow_number(rng)
            hi = 6 if slash else lo
        if hi < lo:
            raise ValueError(f"bad range {item!r}")
        names += [_CRON_DOW[d] for d in range(lo, hi + 1, step)]
    return ",".join(dict.fromkeys(names))


def crontab_trigger(expr: str, jitter: float | None = None) -> Trigger:
    """A trigger that fires as cron(8) would for ``expr`` (5 fields, the machine's time zone).

    Two differences from ``CronTrigger.from_crontab`` are corrected: day-of-week numbering (see
    ``_crontab_dow``), and cron's rule that when both day of month and day of week are restricted
    a day matching *either* fires (APScheduler requires both).
    """
    fields = expr.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields, got {len(fields)}")
    minute, hour, dom, month, dow = fields
    dom = "*" if dom == "?" else dom
    dow = _crontab_dow(dow)
    common = {"minute": minute, "hour": hour, "month": month}
    if dom != "*" and dow != "*":
        return OrTrigger(
            [
                CronTrigger(day=dom, day_of_week="*", **common),
                CronTrigger(day="*", day_of_week=dow, **common),
            ],
            jitter=jitter,
        )
    return CronTrigger(day=dom, day_of_week=dow, jitter=jitter, **common)


def period_of(target: Target, now: datetime) -> timedelta:
    """How long between two runs of ``target`` (for cron: the next gap after ``now``)."""
    if target.cron:
        trig = crontab_trigger(target.cron)
        first = trig.get_next_fire_time(None, now)
        second = trig.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
        if first is None or second is None:
            return timedelta(days=1)
        gap: timedelta = second - first
        return max(timedelta(seconds=60), gap)
    return target.interval or timedelta(hours=6)


def due_after(target: Target, last_check: datetime, now: datetime) -> datetime:
    """When the schedule wants the check that follows one made at ``last_check``."""
    if target.cron:
        nxt = crontab_trigger(target.cron).get_next_fire_time(None, last_check)
        if nxt is None:  # a schedule that never fires again ("31 2 30 2 *"): report far away
            return now + timedelta(days=366)
        return nxt.astimezone(UTC)  # type: ignore[no-any-return]
    return last_check + period_of(target, now)


def first_run(target: Target, last_check: datetime | None, now: datetime) -> datetime:
    """When the daemon should first check ``target`` after starting (or after adding it)."""
    period = period_of(target, now)
    if last_check is None:
        return now + min(period, FIRST_CHECK_WINDOW) * spread(target.id)
    due = due_after(target, last_check, now)
    if due > now:
        return due
    return now + min(period, OVERDUE_WINDOW) * spread(target.id)


def trigger_for(target: Target, start: datetime) -> Trigger:
    """The trigger of ``target``'s job; an interval's phase starts at its first run, ``start``.

    APScheduler adds interval jitter on top of the previous (jittered) run, so the period is
    shortened by half the jitter to keep the average period what the config says.
    """
    if target.cron:
        period = period_of(target, start).total_seconds()
        return crontab_trigger(target.cron, jitter=_jitter(period) or None)
    seconds = period_of(target, start).total_seconds()
    jitter = _jitter(seconds)
    return IntervalTrigger(
        seconds=seconds - jitter / 2, start_date=start, jitter=jitter or None, timezone=UTC
    )


def validate_schedules(config: Config) -> None:
    """Raise ConfigError for a crontab that the config's syntax check let through ("99 * * * *")."""
    for i, t in enumerate(config.targets):
        if t.cron:
            try:
                crontab_trigger(t.cron)
            except ValueError as exc:
                raise ConfigError(f"targets[{i}].cron: {exc} in {t.cron!r}") from None


# -- the daemon ----------------------------------------------------------------------------------


@dataclass
class _Generation:
    """One loaded config with the context its checks use; a reload makes a new one.

    Checks that started under an older generation finish with it; its HTTP client is closed when
    the last of them ends.
    """

    ctx: pipeline.Context
    targets: dict[str, Target]  # by id
    in_flight: int = 0
    retired: bool = False


@dataclass
class Stats:
    """What STATUS= shows: counted since start, seeded from the store."""

    checks: int = 0
    failing: set[str] = field(default_factory=set)
    last_change: tuple[str, datetime] | None = None


class Daemon:
    """Schedules and runs the checks of one config until told to stop. See the module docstring."""

    def __init__(
        self,
        config: Config,
        *,
        log_format: str | None = None,
        notifier: Notifier | None = None,
        watchdog: float | None = None,
        stop_timeout: float = STOP_TIMEOUT,
    ) -> None:
        validate_schedules(config)
        self.config = config
        self.log_format = log_format
        self.notifier = notifier if notifier is not None else Notifier.from_env()
        self.watchdog = watchdog if watchdog is not None else watchdog_period()
        self.stop_timeout = stop_timeout
        self.abandoned: list[str] = []  # targets still checking when the stop bound ran out
        self.stats = Stats()
        s = config.settings
        self._slots = Limiter(s.concurrency)
        self._hosts = HostGate(s.per_host, s.host_delay.total_seconds())
        self._pool_size = max(s.concurrency * 4, 8)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._running: set[str] = set()
        self._stopping = threading.Event()
        self._heartbeat = time.monotonic()
        self._scheduler: Any = None
        self._web: Any = None
        self._store: Store | None = None
        self._gen: _Generation | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def run(self) -> int:
        """Start, serve signals until SIGTERM/SIGINT, stop; returns the exit status (0)."""
        rsock, wsock = socket.socketpair()
        rsock.setblocking(False)
        wsock.setblocking(False)
        old_fd = signal.set_wakeup_fd(wsock.fileno(), warn_on_full_buffer=False)
        sigs = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
        old_handlers = {sig: signal.signal(sig, ignore_signal) for sig in sigs}
        try:
            self.start()
            self.notifier.ready(self.status_line())
            self._serve(rsock)
            return self.stop(rsock)
        finally:
            signal.set_wakeup_fd(old_fd)
            for sig, handler in old_handlers.items():
                signal.signal(sig, handler)
            rsock.close()
            wsock.close()

    def start(self) -> None:
        """Open the store, schedule every target, start the scheduler, web front and watchdog."""
        cfg = self.config
        store = Store.open(cfg.settings.state_dir)
        self._store = store
        self._gen = _Generation(pipeline.Context(cfg, store, make_client(cfg.fetch)), _by_id(cfg))
        last = store.last_checks()
        self.stats.failing = set(store.failure_streaks())
        changes = store.last_changes()
        if changes:
            tid, (at, _) = max(changes.items(), key=lambda kv: kv[1][0])
            self.stats.last_change = (tid, at)

        self._scheduler = BackgroundScheduler(
            executors={
                "default": ThreadPoolExecutor(self._pool_size),
                "delivery": ThreadPoolExecutor(1),
                "heartbeat": ThreadPoolExecutor(1),
            },
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": MISFIRE_GRACE,
            },
            timezone=UTC,
        )
        now = datetime.now(UTC)
        for t in cfg.targets:
            check = last.get(t.id)
            self._add_job(t, check.started_at if check else None, now)
        self._scheduler.add_job(
            self._deliver,
            IntervalTrigger(seconds=DELIVERY_EVERY, timezone=UTC),
            id=DELIVERY_JOB,
            executor="delivery",
            next_run_time=now + timedelta(seconds=1),
        )
        if self.watchdog:
            self._scheduler.add_job(
                self._beat,
                IntervalTrigger(seconds=max(self.watchdog / 4, 0.1), timezone=UTC),
                id=HEARTBEAT_JOB,
                executor="heartbeat",
                misfire_grace_time=None,
                next_run_time=now,
            )
        self._scheduler.start()
        self._start_web(cfg)
        if self.watchdog:
            threading.Thread(target=self._watchdog_loop, name="watchdog", daemon=True).start()
        logger.info(
            "daemon started: %d targets, concurrency=%d per_host=%d host_delay=%gs%s",
            len(cfg.targets),
            cfg.settings.concurrency,
            cfg.settings.per_host,
            cfg.settings.host_delay.total_seconds(),
            f" watchdog={self.watchdog:g}s" if self.watchdog else "",
        )

    def _serve(self, rsock: socket.socket) -> None:
        """The main thread's loop: wait for signals, reload on SIGHUP, refresh STATUS=."""
        last_status = ""
        next_status = 0.0
        while True:
            for sig in read_signals(rsock, STATUS_EVERY):
                if sig in (signal.SIGTERM, signal.SIGINT):
                    logger.info("received %s: stopping", signal.Signals(sig).name)
                    return
                if sig == signal.SIGHUP:
                    logger.info("received SIGHUP: reloading %s", self.config.path)
                    self.reload()
            if time.monotonic() >= next_status:
                line = self.status_line()
                if line != last_status:
                    self.notifier.status(line)
                    last_status = line
                next_status = time.monotonic() + STATUS_EVERY

    def stop(self, rsock: socket.socket | None = None) -> int:
        """Stop scheduling, wait up to ``stop_timeout`` for in-flight checks, release everything.

        A second SIGTERM/SIGINT while waiting gives up the wait. Checks still running when the
        wait ends are listed in ``abandoned`` (the caller must then exit without joining threads).
        """
        self.notifier.stopping("stopping: waiting for in-flight checks")
        self._stopping.set()
        self._slots.wake()
        self._hosts.wake()
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        deadline = time.monotonic() + self.stop_timeout
        with self._idle:
            while self._running and time.monotonic() < deadline:
                self._idle.wait(0.2)
                if rsock is not None and any(
                    s in (signal.SIGTERM, signal.SIGINT) for s in read_signals(rsock, 0)
                ):
                    logger.warning("second stop signal: not waiting for in-flight checks")
                    break
            self.abandoned = sorted(self._running)
        if self.abandoned:
            logger.warning(
                "stopped with %d check(s) still running (abandoned, nothing of them stored): %s",
                len(self.abandoned),
                ", ".join(self.abandoned),
            )
        if self._web is not None:
            self._web.stop()
        if self._gen is not None:
            with contextlib.suppress(Exception):
                if not self.abandoned:
                    self._gen.ctx.client.close()
        if self._store is not None and not self.abandoned:
            self._store.close()
        logger.info("daemon stopped after %d checks", self.stats.checks)
        self.notifier.close()
        return 0

    # -- reload -----------------------------------------------------------------------------

    def reload(self) -> bool:
        """Load the config file again and apply it; an invalid file changes nothing."""
        self.notifier.reloading("reloading the config")
        path = self.config.path
        try:
            if path is None:
                raise ConfigError("the running config was not read from a file")
            new = config_mod.load(path)
            validate_schedules(new)
        except ConfigError as exc:
            logger.error("reload refused, the running config stays: %s", exc)
            self.notifier.ready(self.status_line() + "; reload refused: " + str(exc)[:200])
            return False
        self._apply(new)
        self.notifier.ready(self.status_line())
        return True

    def _apply(self, new: Config) -> None:
        old_cfg = self.config
        old_state = old_cfg.settings.state_dir
        if new.settings.state_dir != old_state:
            logger.warning(
                "state_dir changed to %s: that needs a restart; still using %s",
                new.settings.state_dir,
                old_state,
            )
            new = replace(new, settings=replace(new.settings, state_dir=old_state))
        logs.setup(new.settings.log_level, self.log_format or new.settings.log_format)
        s = new.settings
        if s.concurrency > self._pool_size:
            logger.warning(
                "concurrency=%d exceeds the %d threads started with; restart to use more",
                s.concurrency,
                self._pool_size,
            )
        self._slots.resize(s.concurrency)
        self._hosts.configure(s.per_host, s.host_delay.total_seconds())

        assert self._store is not None and self._gen is not None
        gen = _Generation(
            pipeline.Context(new, self._store, make_client(new.fetch)),
            _by_id(new),
        )
        with self._lock:
            old_gen, self._gen = self._gen, gen
            old_gen.retired = True
            if old_gen.in_flight == 0:
                old_gen.ctx.client.close()
        self.config = new

        old_targets = _by_id(old_cfg)
        removed = [tid for tid in old_targets if tid not in gen.targets]
        added = [t for tid, t in gen.targets.items() if tid not in old_targets]
        moved = [
            t
            for tid, t in gen.targets.items()
            if tid in old_targets
            and (old_targets[tid].interval, old_targets[tid].cron) != (t.interval, t.cron)
        ]
        for tid in removed:
            self._scheduler.remove_job(tid)
        last = self._store.last_checks() if added or moved else {}
        now = datetime.now(UTC)
        for t in added:
            check = last.get(t.id)
            self._add_job(t, check.started_at if check else None, now)
        for t in moved:
            check = last.get(t.id)
            start = first_run(t, check.started_at if check else None, now)
            self._scheduler.modify_job(t.id, trigger=trigger_for(t, start), next_run_time=start)
        with self._lock:
            self.stats.failing &= set(gen.targets)
        if new.http != old_cfg.http:
            if self._web is not None:
                self._web.stop()
                self._web = None
            try:
                self._start_web(new)
            except WatcherError as exc:  # a busy port: the checks go on without the web front
                logger.error("web front not restarted after the reload: %s", exc)
        elif self._web is not None:
            self._web.reload(new)  # new groups and targets for the feeds and pages
        logger.info(
            "config reloaded: %d targets (%d added, %d removed, %d rescheduled), %d groups%s",
            len(new.targets),
            len(added),
            len(removed),
            len(moved),
            len(new.groups),
            "" if new.groups == old_cfg.groups else " (groups changed)",
        )

    # -- jobs -------------------------------------------------------------------------------

    def _add_job(self, target: Target, last_check: datetime | None, now: datetime) -> None:
        start = first_run(target, last_check, now)
        self._scheduler.add_job(
            self._check,
            trigger_for(target, start),
            args=[target.id],
            id=target.id,
            name=target.id,
            next_run_time=start,
        )

    def _check(self, target_id: str) -> None:
        """One scheduled run: wait for the host and a slot, check, count, nudge the notifier."""
        if self._stopping.is_set():
            return
        with self._lock:
            gen = self._gen
            assert gen is not None
            target = gen.targets.get(target_id)
            if target is None:  # removed by a reload after this run was queued
                return
            gen.in_flight += 1
        try:
            result = self._gated(gen, target)
        finally:
            with self._lock:
                gen.in_flight -= 1
                if gen.retired and gen.in_flight == 0:
                    gen.ctx.client.close()
        if result is not None:
            self._record(gen, result)

    def _gated(self, gen: _Generation, target: Target) -> CheckResult | None:
        host = host_of(target.url)
        if not self._hosts.enter(host, self._stopping):
            return None
        try:
            if not self._slots.acquire(self._stopping):
                return None
            try:
                if not self._hosts.pace(host, self._stopping):
                    return None
                with self._idle:
                    self._running.add(target.id)
                try:
                    return pipeline.check_target(gen.ctx, target)
                finally:
                    with self._idle:
                        self._running.discard(target.id)
                        self._idle.notify_all()
            finally:
                self._slots.release()
        finally:
            self._hosts.leave(host)

    def _record(self, gen: _Generation, result: CheckResult) -> None:
        failed = result.outcome in (Outcome.ERROR, Outcome.ANOMALY)
        with self._lock:
            was_failing = result.target_id in self.stats.failing
            self.stats.checks += 1
            if failed:
                self.stats.failing.add(result.target_id)
            else:
                self.stats.failing.discard(result.target_id)
            if result.outcome is Outcome.CHANGED:
                self.stats.last_change = (result.target_id, result.started_at)
        # A change, a failure (the threshold may just have been reached) or a recovery may have
        # queued alerts: deliver now rather than at the next periodic pass.
        may_alert = result.outcome is Outcome.CHANGED or failed or was_failing
        if may_alert and gen.ctx.config.groups and not self._stopping.is_set():
            with contextlib.suppress(Exception):  # the scheduler may be shutting down
                self._scheduler.modify_job(DELIVERY_JOB, next_run_time=datetime.now(UTC))

    def _deliver(self) -> None:
        """The notification worker's pass: send what the outbox holds and is due."""
        from watcher import notify

        gen = self._gen
        if gen is None or self._stopping.is_set():
            return
        with self._idle:
            self._running.add("(notification delivery)")
        try:
            report = notify.deliver_due(gen.ctx.store, gen.ctx.config)
        except StoreError as exc:  # the outbox is intact; the next pass retries
            logger.error("delivery pass stopped: %s", exc)
            return
        finally:
            with self._idle:
                self._running.discard("(notification delivery)")
                self._idle.notify_all()
        if report.sent or report.failed:
            logger.info(
                "delivery sent=%d failed=%d pending=%d", report.sent, report.failed, report.pending
            )

    def alive(self) -> bool:
        """Whether the scheduler is running and not stopping (reported by /healthz)."""
        return (
            self._scheduler is not None and self._scheduler.running and not self._stopping.is_set()
        )

    def _beat(self) -> None:
        self._heartbeat = time.monotonic()

    def _watchdog_loop(self) -> None:
        """Ping WATCHDOG=1 at half the period while the scheduler's heartbeat job keeps running."""
        assert self.watchdog
        warned = False
        while not self._stopping.wait(self.watchdog / 2):
            alive = self._scheduler is not None and self._scheduler.running
            fresh = time.monotonic() - self._heartbeat < self.watchdog
            if alive and fresh:
                self.notifier.watchdog()
                warned = False
            elif not warned:
                logger.error("the scheduler stopped dispatching jobs: no watchdog ping")
                warned = True

    def _start_web(self, cfg: Config) -> None:
        if cfg.http is None or self._store is None:
            return
        from watcher import web

        self._web = web.start_server(cfg, self._store, is_alive=self.alive)
        logger.info("web front listening on %s", cfg.http.listen)

    # -- reporting --------------------------------------------------------------------------

    def status_line(self) -> str:
        """One line for systemd's STATUS=: targets, checks done, failing, last change."""
        with self._lock:
            n = len(self._gen.targets) if self._gen else len(self.config.targets)
            checks, failing = self.stats.checks, len(self.stats.failing)
            last = self.stats.last_change
        change = (
            f"last change {last[0]} at {last[1].astimezone(UTC):%Y-%m-%d %H:%M}Z"
            if last
            else "no change yet"
        )
        return f"{n} targets, {checks} checks done, {failing} failing, {change}"

    def jobs(self) -> dict[str, datetime | None]:
        """The scheduled next run of every target job (for tests and debugging)."""
        return {
            j.id: j.next_run_time
            for j in self._scheduler.get_jobs()
            if j.id not in (DELIVERY_JOB, HEARTBEAT_JOB)
        }


def status_rows(config: Config, store: Store, now: datetime | None = None) -> list[dict[str, Any]]:
    """Per target: last check, outcome, next run, consecutive failures, last change.

    Computed from the schedule and the stored checks, not asked of a running daemon: ``watcher
    status`` is another process, and works whether the daemon runs or not. ``next_run`` leaves out
    jitter; ``overdue`` is true when a check is due and has not happened (the daemon is down, or
    busy). A never-checked target's next run is unknown until a daemon starts (``null``).
    """
    now = now or datetime.now(UTC)
    last = store.last_checks()
    streaks = store.failure_streaks()
    changes = store.last_changes()
    rows: list[dict[str, Any]] = []
    for t in config.targets:
        check = last.get(t.id)
        due = due_after(t, check.started_at, now) if check else None
        change = changes.get(t.id)
        rows.append(
            {
                "target": t.id,
                "schedule": f"cron {t.cron}"
                if t.cron
                else f"every {config_mod.format_duration(period_of(t, now))}",
                "last_check": _iso(check.started_at) if check else None,
                "outcome": check.outcome.value if check else None,
                "cause": check.cause if check else None,
                "next_run": _iso(due) if due else None,
                "overdue": bool(due and due < now),
                "failures": streaks.get(t.id, 0),
                "last_change": _iso(change[0]) if change else None,
                "last_severity": change[1] if change else None,
            }
        )
    return rows


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="seconds")


def _by_id(config: Config) -> dict[str, Target]:
    return {str(t.id): t for t in config.targets}
