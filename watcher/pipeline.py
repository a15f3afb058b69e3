"""One check of one target, from fetch to stored change and queued alerts.

This is the only module that knows the order of the stages. Each stage is a typed function; this
module decides what their results mean for the store:

- a page that did not change (304, or the same normalized text) is ``unchanged``;
- a text equal to one of the last few distinct versions is a *flip-back*: kept in history, not
  alerted (``unchanged`` with cause ``flip-back``);
- blocks that keep appearing and disappearing across recent versions are *unstable*: their
  comings and goings are left out of the change;
- a page that is not the policy (bot wall, error page, a selector that matched nothing, a text that
  lost more than half of its length) is an ``anomaly``: held back, and for a shrunk text confirmed
  as a change only when the next check sees the same text again;
- a new watcher or new selectors never alert by themselves: the previous side is re-extracted from
  its stored raw body with the current rules before diffing.

Everything one check produces is written by one ``Store.commit_check`` call: one transaction.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from watcher import alert
from watcher.classify import classify
from watcher.config import Config
from watcher.diff import diff
from watcher.errors import (
    AnomalyError,
    ConflictError,
    FetchError,
    StoreError,
    UsageError,
    WatcherError,
)
from watcher.extract import extract
from watcher.fetch import fetch, make_client
from watcher.models import (
    Change,
    CheckResult,
    Document,
    Fetched,
    Hunk,
    HunkKind,
    NotModified,
    Outcome,
    Target,
    TargetId,
    Validators,
    Verdict,
    Version,
)
from watcher.normalize import normalize
from watcher.store import (
    CheckRecord,
    NewChange,
    NewVersion,
    OutboxItem,
    PendingAnomaly,
    Store,
    sha256,
)

if TYPE_CHECKING:  # the client's type only: httpx itself is imported by watcher.fetch alone
    import httpx

logger = logging.getLogger(__name__)


@dataclass
class Context:
    """What a check needs from the outside world, injected so tests can use real local parts."""

    config: Config
    store: Store
    client: httpx.Client
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))

    @classmethod
    def open(cls, config: Config) -> Context:
        return cls(config, Store.open(config.settings.state_dir), make_client(config.fetch))

    def close(self) -> None:
        self.client.close()
        self.store.close()


def rules_extractor(doc: Document, target: Target) -> str:
    """The label stored with a version: extractor + normalizer versions and the target's rules.

    When any part of it differs from the previous version's, the previous raw body is
    re-extracted before diffing, so a rules upgrade alone never looks like a policy change.
    """
    rules = hashlib.sha256(target.rules.fingerprint.encode()).hexdigest()[:8]
    return f"{doc.extractor}@{rules}"


def document_of(fetched: Fetched, target: Target) -> Document:
    """extract -> normalize: the policy text of one fetched body, under the target's rules."""
    return normalize(extract(fetched, target.rules))


def compare(old: Document, new: Document) -> tuple[Change, Verdict]:
    """diff -> classify, with nothing stored: used by checks and by ``watcher diff``."""
    change = diff(old, new)
    return change, classify(change)


def check_target(ctx: Context, target: Target) -> CheckResult:
    """Run one check of ``target`` and store what it found. Never raises for a bad page.

    If another process stored a version of the target while this check ran, nothing of this
    one is stored and it runs once more, against that new version (see ``ConflictError``).
    """
    try:
        return _check_target(ctx, target)
    except ConflictError as exc:
        logger.info("check target=%s raced another check (%s): checking again", target.id, exc)
    try:
        return _check_target(ctx, target)
    except ConflictError as exc:
        return CheckResult(
            target.id, Outcome.ERROR, ctx.now(), 0.0, cause=exc.cause, message=str(exc)
        )


def _check_target(ctx: Context, target: Target) -> CheckResult:
    started = ctx.now()
    t0 = time.monotonic()
    try:
        record, verdict = _check(ctx, target, started, t0)
        if record.outcome is not Outcome.ANOMALY:
            record = replace(record, alerts=record.alerts + _recovery(ctx, target))
    except WatcherError as exc:
        record, verdict = _failure(ctx, target, started, t0, exc), None
    except Exception as exc:  # a bug: record it as an error, keep the daemon alive
        logger.exception("check target=%s crashed", target.id)
        err = WatcherError(f"internal error: {type(exc).__name__}: {exc}", cause="internal")
        record, verdict = _failure(ctx, target, started, t0, err), None
    try:
        seq, change_id = ctx.store.commit_check(record)
    except ConflictError:
        raise
    except StoreError as exc:
        logger.error("check target=%s not stored: %s", target.id, exc)
        return CheckResult(
            target.id,
            Outcome.ERROR,
            started,
            time.monotonic() - t0,
            status=record.status,
            cause="store",
            message=str(exc),
        )
    result = CheckResult(
        target_id=target.id,
        outcome=record.outcome,
        started_at=started,
        elapsed=record.elapsed,
        status=record.status,
        version_seq=seq,
        change_id=change_id,
        verdict=verdict,
        cause=record.cause,
        message=record.message,
    )
    logger.info(
        "check target=%s outcome=%s status=%s version=%s severity=%s cause=%s elapsed_ms=%d",
        target.id,
        result.outcome,
        result.status,
        result.version_seq,
        verdict.severity if verdict else "-",
        result.cause or "-",
        result.elapsed * 1000,
    )
    return result


def _check(
    ctx: Context, target: Target, started: datetime, t0: float
) -> tuple[CheckRecord, Verdict | None]:
    store = ctx.store
    latest = store.latest_version(target.id)
    validators = store.validators(target.id) if latest else None
    fetched = fetch(ctx.client, target, validators, ctx.config.fetch)
    base = CheckRecord(
        target.id,
        started,
        0.0,
        Outcome.UNCHANGED,
        status=fetched.status,
        base_seq=latest.seq if latest else 0,
    )

    if isinstance(fetched, NotModified):
        return _done(base, t0, clear_anomaly=True, message="not modified (304)"), None

    raw = {"raw": fetched.body, "content_type": fetched.content_type}
    try:
        doc = document_of(fetched, target)
    except AnomalyError as exc:
        return _anomaly(ctx, target, base, t0, exc.cause, str(exc), None, raw), None

    text = doc.text
    extractor = rules_extractor(doc, target)
    validators = Validators(fetched.etag, fetched.last_modified)
    new_version = NewVersion(text, extractor, url=fetched.url)

    if latest is None:
        return _done(
            base,
            t0,
            outcome=Outcome.NEW,
            version=new_version,
            validators=validators,
            clear_anomaly=True,
            message=f"first version: {len(doc.blocks)} blocks, {len(text)} characters",
            **raw,
        ), None

    text_sha = sha256(text)
    if text_sha == latest.text_sha256:
        return _done(base, t0, validators=validators, clear_anomaly=True, **raw), None

    rederived = _previous_document(ctx, target, latest, extractor)
    old_doc = latest.document if rederived is None else rederived
    if old_doc.text == text:
        # Only the extraction rules changed: keep the text under the new rules, silently.
        rebased = replace(new_version, note="re-extracted")
        return _done(
            base,
            t0,
            version=rebased,
            validators=validators,
            clear_anomaly=True,
            message="extraction rules changed; the policy text did not",
            **raw,
        ), None

    note = ""
    pending = store.pending_anomaly(target.id)
    shrink = ctx.config.settings.anomaly_shrink
    if len(text) < (1 - shrink) * len(old_doc.text):
        lost = 1 - len(text) / max(1, len(old_doc.text))
        if not (pending and pending.cause == "shrunk" and pending.text_sha256 == text_sha):
            msg = (
                f"the policy text shrank by {lost:.0%} ({len(old_doc.text)} -> {len(text)} "
                "characters); held back until the next check confirms it"
            )
            return _anomaly(ctx, target, base, t0, "shrunk", msg, text_sha, raw), None
        note = f"confirmed after an anomaly: the text shrank by {lost:.0%} and stayed so"

    if rederived is None:
        # The rules changed and the old side cannot be re-derived under them (no raw body, or
        # the new rules find nothing in it): the two texts are not comparable, so the new one
        # becomes the baseline. The difference is kept for the record, never alerted.
        change = diff(old_doc, doc)
        return _done(
            base,
            t0,
            version=replace(new_version, note="re-based"),
            change=NewChange(change, classify(change), note="extraction rules changed"),
            validators=validators,
            clear_anomaly=True,
            cause="rules-changed",
            message="extraction rules changed and the previous version cannot be re-extracted "
            "under them; the new text is the baseline, not alerted",
            **raw,
        ), None

    window = ctx.config.settings.flip_back_window
    recent = store.versions(target.id, limit=window + 1) if window else []
    earlier = next((v for v in recent[1:] if v.text_sha256 == text_sha), None)

    change = diff(old_doc, doc)
    change = _without_unstable(change, recent, doc, ctx)
    verdict = classify(change)

    if earlier is not None:
        flip = replace(new_version, flip_of=earlier.seq, note="flip-back")
        return _done(
            base,
            t0,
            version=flip,
            change=NewChange(change, verdict, note="flip-back"),
            validators=validators,
            clear_anomaly=True,
            cause="flip-back",
            message=f"the text is back to version {earlier.seq}; not alerted",
            **raw,
        ), verdict

    if not change.changed:
        # Only unstable blocks came or went: record the text, alert nobody.
        quiet = replace(new_version, note="unstable blocks only")
        return _done(
            base,
            t0,
            version=quiet,
            validators=validators,
            clear_anomaly=True,
            cause="unstable",
            message="only blocks known to come and go changed; not alerted",
            **raw,
        ), None

    payload = _change_payload(target, verdict, change, fetched.url)
    alerts = alert.route_change(ctx.config.groups, target, verdict, payload)
    return _done(
        base,
        t0,
        outcome=Outcome.CHANGED,
        version=new_version,
        change=NewChange(change, verdict, note=note),
        validators=validators,
        clear_anomaly=True,
        alerts=alerts,
        message=verdict.summary,
        **raw,
    ), verdict


def _done(base: CheckRecord, t0: float, **fields: Any) -> CheckRecord:
    return replace(base, elapsed=time.monotonic() - t0, **fields)


def _recovery(ctx: Context, target: Target) -> tuple[OutboxItem, ...]:
    """A recovery notice when a target that had alerted as failing works again."""
    streak = ctx.store.failure_streak(target.id)
    if streak < ctx.config.settings.failure_threshold:
        return ()
    last = ctx.store.last_check(target.id)
    payload = {
        "target": target.id,
        "title": target.title,
        "url": target.url,
        "failed_checks": streak,
        "cause": last.cause if last else None,
    }
    episode = _episode_key(ctx, target)
    return alert.route_failure(ctx.config.groups, target, episode, payload, "recovery")


def _episode_key(ctx: Context, target: Target) -> str:
    """Names one failure episode by the last check that worked before it.

    Known before the episode's first failing check is stored, and the same until the target
    works again, so the failure notice and the recovery notice of one episode share it.
    """
    return f"after-{ctx.store.last_success_id(target.id)}"


def _anomaly(
    ctx: Context,
    target: Target,
    base: CheckRecord,
    t0: float,
    cause: str,
    message: str,
    text_sha: str | None,
    raw: dict[str, Any],
) -> CheckRecord:
    pending = ctx.store.pending_anomaly(target.id)
    if pending and pending.cause == cause and pending.text_sha256 == text_sha:
        anomaly = replace(pending, count=pending.count + 1)
    else:
        anomaly = PendingAnomaly(cause, text_sha, base.started_at, 1)
    record = replace(
        base,
        elapsed=time.monotonic() - t0,
        outcome=Outcome.ANOMALY,
        cause=cause,
        message=message,
        anomaly=anomaly,
        **raw,
    )
    return replace(record, alerts=_failure_alerts(ctx, target, cause, message))


def _failure(
    ctx: Context, target: Target, started: datetime, t0: float, exc: WatcherError
) -> CheckRecord:
    status = exc.status if isinstance(exc, FetchError) else None
    return CheckRecord(
        target.id,
        started,
        time.monotonic() - t0,
        Outcome.ERROR,
        status=status,
        cause=exc.cause,
        message=str(exc),
        alerts=_failure_alerts(ctx, target, exc.cause, str(exc)),
    )


def _failure_alerts(
    ctx: Context, target: Target, cause: str, message: str
) -> tuple[OutboxItem, ...]:
    """Tell the target's groups once per failure episode, when its streak reaches the threshold.

    Every failing check at or past the threshold offers the notice again under the same
    episode key, and the outbox keeps only the first: so a threshold lowered or raised by a
    reload in the middle of an episode still gives exactly one notice.
    """
    try:
        streak = ctx.store.failure_streak(target.id) + 1
    except StoreError:
        return ()
    if streak < ctx.config.settings.failure_threshold:
        return ()
    payload = {
        "target": target.id,
        "title": target.title,
        "url": target.url,
        "failed_checks": streak,
        "cause": cause,
        "message": message,
    }
    return alert.route_failure(
        ctx.config.groups, target, _episode_key(ctx, target), payload, "failure"
    )


def _previous_document(
    ctx: Context, target: Target, latest: Version, extractor: str
) -> Document | None:
    """The latest version's text, re-extracted from its raw body if the rules changed since.

    ``None`` when the rules changed and the raw body is missing or the new rules find no policy
    in it: the stored text then belongs to other rules and cannot be diffed against the new one.
    """
    if latest.extractor == extractor:
        return latest.document
    if not latest.raw_sha256:
        return None
    body = ctx.store.raw_body(latest.raw_sha256)
    if body is None:
        return None
    old = Fetched(
        url=latest.url or target.url,
        status=200,
        content_type=ctx.store.body_content_type(latest.raw_sha256),
        body=body,
        fetched_at=latest.captured_at,
    )
    try:
        return document_of(old, target)
    except AnomalyError:
        return None


def _without_unstable(change: Change, recent: list[Version], new: Document, ctx: Context) -> Change:
    """Drop added/removed hunks of blocks that have come and gone before (learnt as unstable).

    A block is unstable when, over the recent versions plus the new text, its presence flipped
    at least twice (there, gone, there again). A real edit next to it is still reported.
    """
    if len(recent) < 2:
        return change
    texts = [set(v.document.text.split("\n\n")) for v in reversed(recent)]
    texts.append(set(new.text.split("\n\n")))
    rendered = {b.text: b.render() for b in new.blocks}
    kept: list[Hunk] = []
    for h in change.hunks:
        if h.kind in (HunkKind.ADDED, HunkKind.REMOVED):
            text = h.new or h.old
            block = rendered.get(text, text)
            candidates = {block, text}
            flips = 0
            for a, b in itertools.pairwise(texts):
                if bool(candidates & a) != bool(candidates & b):
                    flips += 1
            if flips >= 2:
                continue
        kept.append(h)
    if len(kept) == len(change.hunks):
        return change
    return replace(change, hunks=tuple(kept))


def _change_payload(target: Target, verdict: Verdict, change: Change, url: str) -> dict[str, Any]:
    """What a change alert needs to be rendered later, without reading the store again."""
    return {
        "target": target.id,
        "title": target.title,
        "provider": target.provider,
        "url": url,
        "change_id": "{change_id}",
        "severity": verdict.severity.value,
        "direction": verdict.direction.value,
        "categories": [c.value for c in verdict.categories],
        "summary": verdict.summary,
    }


# -- documents from files and URLs, for `watcher diff` -------------------------------------------


def load_document(ctx_client: httpx.Client, source: str, config: Config) -> Document:
    """A Document from a local file (HTML or text) or an http(s) URL, nothing stored."""
    if source.startswith(("http://", "https://")):
        target = Target(TargetId("adhoc/url"), source, "adhoc")
        fetched = fetch(ctx_client, target, None, config.fetch)
        if isinstance(fetched, NotModified):  # cannot happen without validators
            raise FetchError(f"{source}: unexpected 304 Not Modified", cause="http-status")
        return document_of(fetched, target)
    path = Path(source)
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{source}: no such file, and not a configured target") from None
    except OSError as exc:
        raise UsageError(f"{source}: cannot read ({exc.strerror})") from None
    ctype = "text/html" if path.suffix.lower() in (".html", ".htm", ".xhtml") else ""
    if path.suffix.lower() == ".pdf":
        ctype = "application/pdf"
    fetched = Fetched(
        url=path.resolve().as_uri(),
        status=200,
        content_type=ctype,
        body=body,
        fetched_at=datetime.now(UTC),
    )
    return document_of(fetched, Target(TargetId("adhoc/file"), "http://localhost/", "adhoc"))


def preview(ctx: Context, target: Target) -> Document:
    """Fetch and extract ``target`` now, storing nothing (``watcher diff TARGET``)."""
    fetched = fetch(ctx.client, target, None, ctx.config.fetch)
    if isinstance(fetched, NotModified):
        raise FetchError(f"{target.url}: unexpected 304 Not Modified", cause="http-status")
    return document_of(fetched, target)
