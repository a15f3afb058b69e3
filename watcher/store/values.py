"""The values the store takes and gives back, and how it writes time and digests.

Separate from the queries so that callers (the pipeline, notify, the web front) can read what a
check record or an outbox row is without the SQL behind them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from watcher.models import Change, Outcome, TargetId, Validators, Verdict


@dataclass(frozen=True, slots=True)
class NewVersion:
    """A version the pipeline wants stored (the store assigns its seq)."""

    text: str
    extractor: str
    url: str = ""
    flip_of: int | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class NewChange:
    """A change the pipeline wants stored, between the latest version and the new one."""

    change: Change
    verdict: Verdict
    note: str = ""


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An alert to deliver to one group. ``key`` makes it unique: the same key is never sent twice.

    In ``key`` and ``payload`` the placeholder ``{change_id}`` is replaced by the id of the change
    stored in the same transaction.
    """

    group: str
    kind: str
    key: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class PendingAnomaly:
    cause: str
    text_sha256: str | None
    first_seen: datetime
    count: int


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """Everything one check writes, stored by ``Store.commit_check`` in one transaction."""

    target_id: TargetId
    started_at: datetime
    elapsed: float
    outcome: Outcome
    status: int | None = None
    cause: str | None = None
    message: str | None = None
    raw: bytes | None = None
    content_type: str = ""
    version: NewVersion | None = None
    change: NewChange | None = None
    validators: Validators | None = None
    anomaly: PendingAnomaly | None = None
    clear_anomaly: bool = False
    alerts: tuple[OutboxItem, ...] = ()
    base_seq: int | None = None
    """The latest version's seq (0: none) when the check read it; a new version is stored only
    if it still is, so two processes checking one target never store (and alert) one change twice.
    ``None``: not checked."""


@dataclass(frozen=True, slots=True)
class CheckRow:
    id: int
    target_id: TargetId
    started_at: datetime
    outcome: Outcome
    status: int | None
    duration_ms: int
    cause: str | None
    message: str | None
    raw_sha256: str | None
    version_seq: int | None
    change_id: int | None


@dataclass(frozen=True, slots=True)
class OutboxRow:
    id: int
    key: str
    group: str
    kind: str
    target_id: str | None
    change_id: int | None
    created_at: datetime
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt: datetime
    last_error: str | None
    sent_at: datetime | None


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def _ts(dt: datetime) -> str:
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def now() -> datetime:
    return datetime.now(UTC)
