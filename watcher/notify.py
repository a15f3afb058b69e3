"""Delivering the outbox: apprise behind one narrow interface, with retries that survive restarts.

This is the only module that imports apprise. The pipeline writes alerts to the store's outbox in
the same transaction as the change they report; ``deliver_due`` sends what is due, and records the
outcome of every attempt in the store, so the state of every alert (pending, sent, failed, when to
retry) lives in the database and not in this process.

Guarantees (docs/notifications.md has the operator's version):

- **At least once.** A row is marked sent only after apprise said the service took it. A crash
  between the two (a few milliseconds) sends it again after the restart. We chose that over
  at-most-once because a lost privacy alert is worse than a duplicate one.
- **Never twice on purpose.** A row marked sent is never selected again; a row is leased
  (``Store.claim_alerts``) before it is sent, so the daemon and a manual ``watcher check`` never
  send the same row at the same time; when one URL of a group failed and another succeeded, only
  the failed one is retried (``outbox_urls``).
- **Backoff.** A failed row waits ``retry_base`` (1 min), then twice as long each time, capped at
  ``retry_max`` (1 h); after ``max_attempts`` (10) it is marked failed, logged at ERROR, and listed
  by ``watcher outbox``.
- **Secrets.** URLs are resolved (``${VAR}``, ``file:NAME``, ``credential:NAME``) only here, just
  before sending; every log line and error shows the URL as written in the config, masked, and any
  resolved secret that an error message echoes is replaced by ``***``.

``Apprise.notify()`` does not raise: it returns a result that is true only when every service took
the message (apprise 1.x: ``True``/``False``, ``None`` when nothing matched). We check it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import apprise

from watcher.config import WEEKDAYS, Config, Group, mask_url
from watcher.errors import NotifyError
from watcher.message import Format, Item, Message, render_alert, render_digest, sample_payload
from watcher.store import OutboxRow, Store

logger = logging.getLogger(__name__)

__all__ = [
    "Channel",
    "DeliveryReport",
    "GroupTest",
    "deliver_due",
    "digest_time",
    "mask",
    "open_channel",
    "resolve_url",
    "retry_delay",
    "send",
    "send_test",
]

LEASE = timedelta(minutes=10)
"""How long a worker holds a row it is sending; longer than any apprise call may take."""

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CREDENTIAL = re.compile(r"^(file|credential):([A-Za-z0-9_.@-]+)$")


# -- URLs and secrets ------------------------------------------------------------------------------


def mask(url: str) -> str:
    """A URL as written in the config, safe to log: ``${VAR}`` and ``file:NAME`` are names, not
    secrets, and stay; anything else keeps only its scheme and host."""
    if _CREDENTIAL.match(url) or _VAR.fullmatch(url):
        return url
    if _VAR.search(url):
        return _VAR.sub("${\\1}", mask_url(_VAR.sub("VAR", url)))
    return mask_url(url)


def resolve_url(url: str, env: Mapping[str, str] | None = None) -> str:
    """The apprise URL to use for ``url`` as written in the config.

    ``file:NAME`` or ``credential:NAME`` reads ``$CREDENTIALS_DIRECTORY/NAME`` (systemd's
    ``LoadCredential=``; the variable must be set), so secrets never sit in the config file;
    ``${VAR}`` anywhere in the URL is replaced by the environment variable. Errors name the
    variable or file, never the secret.
    """
    env = os.environ if env is None else env
    m = _CREDENTIAL.match(url)
    if m:
        directory = env.get("CREDENTIALS_DIRECTORY")
        if not directory:
            raise NotifyError(f"{url}: $CREDENTIALS_DIRECTORY is not set", cause="secret")
        path = Path(directory) / m.group(2)
        try:
            value = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise NotifyError(
                f"{url}: cannot read {path} ({exc.strerror})", cause="secret"
            ) from None
        if not value:
            raise NotifyError(f"{url}: {path} is empty", cause="secret")
        return resolve_url(value, env) if _VAR.search(value) else value

    def var(match: re.Match[str]) -> str:
        name = match.group(1)
        value = env.get(name)
        if not value:
            raise NotifyError(
                f"{mask(url)}: environment variable {name} is not set", cause="secret"
            )
        return value

    return _VAR.sub(var, url)


def url_key(url: str) -> str:
    """Names one of a group's URLs in the store without storing the URL (it may hold a token)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


# -- channels --------------------------------------------------------------------------------------


@dataclass
class Channel:
    """One apprise service, ready to send, and what it shows well."""

    written: str  # the URL as in the config: what logs show, masked
    secrets: tuple[str, ...]  # pieces of the resolved URL that must never be echoed
    apobj: Any  # apprise.Apprise holding exactly this one service
    format: Format
    body_maxlen: int
    title_maxlen: int

    @property
    def masked(self) -> str:
        return mask(self.written)


def open_channel(written: str, env: Mapping[str, str] | None = None) -> Channel:
    """Resolve ``written`` and load its apprise plugin; NotifyError if apprise does not know it."""
    resolved = resolve_url(written, env)
    with warnings.catch_warnings():
        # apprise loads its plugins on first use, and its e-mail plugin imports imghdr, which
        # Python 3.11+ flags as deprecated: not ours to fix, and not worth a warning per run.
        warnings.filterwarnings("ignore", message=".*imghdr.*", category=DeprecationWarning)
        service = apprise.Apprise.instantiate(resolved, suppress_exceptions=True)
    if service is None:
        raise NotifyError(f"{mask(written)}: apprise cannot use this URL", cause="bad-url")
    apobj = apprise.Apprise()
    apobj.add(service)
    return Channel(
        written=written,
        secrets=_secret_parts(resolved),
        apobj=apobj,
        format=_format_for(service),
        body_maxlen=int(getattr(service, "body_maxlen", 0) or 0) or 32768,
        title_maxlen=int(getattr(service, "title_maxlen", 250)),
    )


def _format_for(service: Any) -> Format:
    """HTML for e-mail, Markdown where the service takes it, plain text otherwise.

    apprise resolves the format from the URL's own ``?format=`` and the plugin's declared formats;
    asking for Markdown gets Markdown where it is one of them, else the plugin's default (HTML
    for e-mail, whose default is HTML; text for the rest).
    """
    markdown = apprise.NotifyFormat.MARKDOWN
    try:
        chosen = service.resolve_format(markdown)
    except AttributeError:  # apprise 1.x: one declared format per plugin
        chosen = service.notify_format
    value = getattr(chosen, "value", chosen)
    return Format(value) if value in {f.value for f in Format} else Format.TEXT


def _secret_parts(resolved: str) -> tuple[str, ...]:
    """Password, user, path and query of a resolved URL: what an error message must not echo."""
    parts: list[str] = []
    m = re.match(r"^[a-z][a-z0-9+.-]*://(?:(?P<auth>[^@/]*)@)?[^/?#]*(?P<rest>.*)$", resolved, re.I)
    if m:
        if m.group("auth"):
            parts += [p for p in re.split(r"[:]", m.group("auth")) if len(p) >= 3]
        parts += [p for p in re.split(r"[/?&=#]", m.group("rest")) if len(p) >= 6]
    return tuple(sorted(set(parts), key=len, reverse=True))


def _scrub(text: str, secrets: Iterable[str]) -> str:
    for s in secrets:
        text = text.replace(s, "***")
    return text


def send(channel: Channel, message: Message, timeout: float = 30.0) -> tuple[bool, str]:
    """Send one message on one channel: (True, "") or (False, why), ``why`` free of secrets."""
    body_format = {
        Format.HTML: apprise.NotifyFormat.HTML,
        Format.MARKDOWN: apprise.NotifyFormat.MARKDOWN,
        Format.TEXT: apprise.NotifyFormat.TEXT,
    }[message.format]
    kwargs: dict[str, Any] = {"body": message.body, "title": message.title}
    try:
        result = channel.apobj.notify(body_format=body_format, timeout=timeout, **kwargs)
    except TypeError:  # apprise 1.x has no timeout argument
        result = channel.apobj.notify(body_format=body_format, **kwargs)
    except Exception as exc:  # apprise promises not to raise; a plugin bug must not stop the queue
        return False, _scrub(f"apprise raised {type(exc).__name__}: {exc}", channel.secrets)
    if result is None or getattr(getattr(result, "status", None), "name", "") == "NOMATCH":
        return False, "apprise matched no service (nothing was sent)"
    if result:
        return True, ""
    return False, _scrub(_why(result), channel.secrets)


def _level(level: Any) -> int:
    if isinstance(level, int):
        return level
    value = logging.getLevelName(str(level).upper())
    return value if isinstance(value, int) else logging.WARNING


def _why(result: Any) -> str:
    """The last warning apprise recorded for a failed call, or its status."""
    status = getattr(getattr(result, "status", None), "name", "FAILURE").lower()
    messages: list[str] = []
    logs = getattr(result, "logs", None)
    if callable(logs):
        try:
            messages = [str(e.message) for e in logs() if _level(e.level) >= logging.WARNING]
        except Exception:  # the logs are a convenience; the status is the fact
            messages = []
    detail = messages[-1] if messages else ""
    return f"{status}: {detail}" if detail else status


# -- schedules -------------------------------------------------------------------------------------


def retry_delay(attempts: int, config: Config) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: base, doubled, capped."""
    base, cap = config.notify.retry_base, config.notify.retry_max
    delay: timedelta = base * (2 ** max(0, min(attempts - 1, 30)))
    return min(delay, cap)


def digest_time(group: Group, created_at: datetime) -> datetime:
    """When a digest group's alert created at ``created_at`` goes out.

    The first ``digest_at`` (daily) or ``digest_day`` + ``digest_at`` (weekly) strictly after the
    alert, in the server's local time. Stateless: it depends only on the stored row, so a restart
    never loses nor repeats a digest.
    """
    local = created_at.astimezone()
    hour, minute = (int(x) for x in group.digest_at.split(":"))
    slot = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if slot <= local:
        slot += timedelta(days=1)
    if group.delivery == "weekly":
        while slot.weekday() != WEEKDAYS.index(group.digest_day):
            slot += timedelta(days=1)
    return slot


# -- the worker ------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one ``deliver_due`` pass did: rows sent, rows that failed an attempt (or gave up), and
    rows still pending afterwards (retries and digests waiting for their time)."""

    sent: int = 0
    failed: int = 0
    pending: int = 0
    gave_up: int = 0
    errors: list[str] = field(default_factory=list)


def deliver_due(
    store: Store,
    config: Config,
    *,
    at: datetime | None = None,
    limit: int = 10_000,
    env: Mapping[str, str] | None = None,
) -> DeliveryReport:
    """Send every outbox row that is due, each to its group's URLs, and record each attempt.

    Immediate groups get one message per row; digest groups get one message per group listing
    every change whose digest time has come. Failure and recovery notices are never held for a
    digest. Never raises for a delivery problem: it is recorded, logged and retried.
    """
    at = at or datetime.now(UTC)
    report = DeliveryReport()
    groups = {g.name: g for g in config.groups}
    # Lanes run in parallel; what is in one lane goes out in order. A lane is one (group, target):
    # a target's failure notice always precedes its recovery notice, whatever the concurrency.
    lanes: dict[tuple[str, str], list[tuple[Group, list[OutboxRow]]]] = {}
    digests: dict[str, list[OutboxRow]] = {}
    for row in store.pending_alerts(at, limit):
        group = groups.get(row.group)
        if group is None:
            msg = f"group {row.group!r} is no longer in the config"
            store.mark_delivery(row.id, ok=False, error=msg, give_up=True)
            logger.error("alert id=%s kind=%s not delivered: %s", row.id, row.kind, msg)
            report.failed += 1
            report.gave_up += 1
            report.errors.append(msg)
            continue
        if row.kind == "change" and group.delivery != "immediate":
            if digest_time(group, row.created_at) <= at:
                digests.setdefault(group.name, []).append(row)
            continue
        lanes.setdefault((group.name, row.target_id or ""), []).append((group, [row]))
    for name, rows in digests.items():
        lanes[(name, "")] = [*lanes.get((name, ""), []), (groups[name], rows)]

    def run(units: list[tuple[Group, list[OutboxRow]]]) -> DeliveryReport:
        part = DeliveryReport()
        channels: dict[str, Channel | NotifyError] = {}  # apprise objects stay in one thread
        for group, rows in units:
            # The lease runs from the claim, not from the start of the pass: a pass slowed by
            # earlier lanes must still hold what it sends now.
            until = max(at, datetime.now(UTC)) + LEASE
            claimed = set(store.claim_alerts([r.id for r in rows], at, until))
            batch = [r for r in rows if r.id in claimed]
            if not batch:
                continue
            try:
                _deliver(store, config, group, batch, channels, env, part)
            except Exception as exc:  # a bug in rendering or a plugin: retry later, keep going
                logger.exception("delivery crashed group=%s ids=%s", group.name, claimed)
                error = f"internal error: {type(exc).__name__}"
                _record_failure(store, config, group, batch, error, part)
        return part

    workers = max(1, min(config.notify.workers, len(lanes)))
    if workers == 1:
        parts = [run(units) for units in lanes.values()]
    else:
        with ThreadPoolExecutor(workers, thread_name_prefix="notify") as pool:
            parts = list(pool.map(run, lanes.values()))
    for part in parts:
        report.sent += part.sent
        report.failed += part.failed
        report.gave_up += part.gave_up
        report.errors += part.errors
    report.pending = len(store.outbox(("pending",)))
    return report


def _channel(
    written: str, channels: dict[str, Channel | NotifyError], env: Mapping[str, str] | None
) -> Channel:
    """One channel per URL per pass: apprise plugins are cheap to reuse, not to rebuild."""
    if written not in channels:
        try:
            channels[written] = open_channel(written, env)
        except NotifyError as exc:
            channels[written] = exc
    got = channels[written]
    if isinstance(got, NotifyError):
        raise got
    return got


def _items(store: Store, rows: Sequence[OutboxRow]) -> list[Item]:
    return [
        Item(
            r.kind,
            r.payload,
            store.change(r.change_id) if r.kind == "change" and r.change_id else None,
            r.created_at,
        )
        for r in rows
    ]


def _deliver(
    store: Store,
    config: Config,
    group: Group,
    rows: list[OutboxRow],
    channels: dict[str, Channel | NotifyError],
    env: Mapping[str, str] | None,
    report: DeliveryReport,
) -> None:
    """Send ``rows`` (one alert, or a digest) to each URL of ``group`` that has not taken them."""
    ids = [r.id for r in rows]
    base_url = config.http.base_url if config.http else ""
    items = _items(store, rows)
    several = len(group.notify) > 1
    done: set[str] = set.intersection(*(store.sent_urls(i) for i in ids)) if several else set()
    errors: list[str] = []
    for written in group.notify:
        key = url_key(written)
        if key in done:
            continue
        try:
            ch = _channel(written, channels, env)
        except NotifyError as exc:
            errors.append(str(exc))
            continue
        body_limit, title_limit = ch.body_maxlen, ch.title_maxlen
        if len(rows) == 1 and not (rows[0].kind == "change" and group.delivery != "immediate"):
            message = render_alert(
                items[0],
                ch.format,
                base_url=base_url,
                body_limit=body_limit,
                title_limit=title_limit,
            )
        else:
            message = render_digest(
                group.name,
                items,
                ch.format,
                base_url=base_url,
                body_limit=body_limit,
                title_limit=title_limit,
            )
        ok, why = send(ch, message, config.notify.timeout)
        if ok:
            if several:
                store.mark_url_sent(ids, key)
        else:
            errors.append(f"{ch.masked}: {why}")
    kinds = ",".join(sorted({r.kind for r in rows}))
    if not errors:
        for r in rows:
            store.mark_delivery(r.id, ok=True)
        report.sent += len(rows)
        logger.info(
            "delivered group=%s kind=%s alerts=%d ids=%s",
            group.name,
            kinds,
            len(rows),
            ",".join(map(str, ids)),
        )
        return
    _record_failure(store, config, group, rows, "; ".join(errors), report)


def _record_failure(
    store: Store,
    config: Config,
    group: Group,
    rows: list[OutboxRow],
    error: str,
    report: DeliveryReport,
) -> None:
    """Record a failed attempt for each row: retry with backoff, or give up after the last."""
    report.errors.append(f"{group.name}: {error}")
    for r in rows:
        attempts = r.attempts + 1
        give_up = attempts >= config.notify.max_attempts
        retry_at = datetime.now(UTC) + retry_delay(attempts, config)
        store.mark_delivery(r.id, ok=False, error=error, retry_at=retry_at, give_up=give_up)
        report.failed += 1
        if give_up:
            report.gave_up += 1
            logger.error(
                "giving up alert id=%s group=%s kind=%s after %d attempts: %s",
                r.id,
                group.name,
                r.kind,
                attempts,
                error,
            )
        else:
            logger.warning(
                "delivery failed id=%s group=%s kind=%s attempt=%d retry_at=%s: %s",
                r.id,
                group.name,
                r.kind,
                attempts,
                retry_at.isoformat(timespec="seconds"),
                error,
            )


# -- watcher notify test ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupTest:
    """The outcome of ``watcher notify test`` for one group: ok, and what failed (masked)."""

    group: str
    ok: bool
    errors: tuple[str, ...]
    urls: int


def send_test(
    config: Config, group_name: str | None = None, env: Mapping[str, str] | None = None
) -> list[GroupTest]:
    """Send a sample alert to every group (or the one named) now, bypassing the outbox."""
    groups = list(config.groups)
    if group_name is not None:
        groups = [g for g in groups if g.name == group_name]
        if not groups:
            from watcher.errors import UsageError

            known = ", ".join(g.name for g in config.groups) or "none"
            raise UsageError(f"unknown group {group_name!r} (configured: {known})")
    base_url = config.http.base_url if config.http else ""
    out: list[GroupTest] = []
    for g in groups:
        errors: list[str] = []
        item = Item("test", sample_payload(g.name), None, datetime.now(UTC))
        for written in g.notify:
            try:
                ch = open_channel(written, env)
            except NotifyError as exc:
                errors.append(str(exc))
                continue
            message = render_alert(
                item,
                ch.format,
                base_url=base_url,
                body_limit=ch.body_maxlen,
                title_limit=ch.title_maxlen,
            )
            ok, why = send(ch, message, config.notify.timeout)
            if not ok:
                errors.append(f"{ch.masked}: {why}")
        for e in errors:
            logger.warning("notify test group=%s failed: %s", g.name, e)
        out.append(GroupTest(g.name, not errors, tuple(errors), len(g.notify)))
    return out
