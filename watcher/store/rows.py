"""From database rows to values: versions, checks, outbox rows and stored changes.

Separate because it is the one place that knows how a value is laid out in columns (a change's
hunks and findings as JSON, timestamps as ISO text); the queries only choose which rows.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from watcher.models import (
    Category,
    Change,
    Direction,
    Finding,
    Hunk,
    HunkKind,
    Outcome,
    Severity,
    StoredChange,
    TargetId,
    Verdict,
    Version,
    WordOp,
)
from watcher.store.values import CheckRow, OutboxRow, _dt


def _version(r: sqlite3.Row) -> Version:
    return Version(
        target_id=TargetId(r["target_id"]),
        seq=r["seq"],
        text=r["text"],
        text_sha256=r["text_sha256"],
        raw_sha256=r["raw_sha256"],
        captured_at=_dt(r["captured_at"]),
        extractor=r["extractor"],
        url=r["url"],
        flip_of=r["flip_of"],
        note=r["note"],
    )


def _check(r: sqlite3.Row) -> CheckRow:
    return CheckRow(
        id=r["id"],
        target_id=TargetId(r["target_id"]),
        started_at=_dt(r["started_at"]),
        outcome=Outcome(r["outcome"]),
        status=r["status"],
        duration_ms=r["duration_ms"],
        cause=r["cause"],
        message=r["message"],
        raw_sha256=r["raw_sha256"],
        version_seq=r["version_seq"],
        change_id=r["change_id"],
    )


def _outbox(r: sqlite3.Row) -> OutboxRow:
    return OutboxRow(
        id=r["id"],
        key=r["idem_key"],
        group=r["group_name"],
        kind=r["kind"],
        target_id=r["target_id"] or None,
        change_id=r["change_id"],
        created_at=_dt(r["created_at"]),
        payload=json.loads(r["payload"]),
        status=r["status"],
        attempts=r["attempts"],
        next_attempt=_dt(r["next_attempt"]),
        last_error=r["last_error"],
        sent_at=_dt(r["sent_at"]) if r["sent_at"] else None,
    )


def _hunks_to_json(change: Change, verdict: Verdict) -> list[dict[str, Any]]:
    out = []
    for i, h in enumerate(change.hunks):
        f = verdict.findings[i] if i < len(verdict.findings) else None
        out.append(
            {
                "kind": h.kind.value,
                "old": h.old,
                "new": h.new,
                "old_index": h.old_index,
                "new_index": h.new_index,
                "heading": h.heading,
                "words": [[w.op, w.text] for w in h.words],
                "severity": (f.severity if f else Severity.NONE).value,
                "direction": (f.direction if f else Direction.NEUTRAL).value,
                "categories": [c.value for c in f.categories] if f else [],
                "reasons": list(f.reasons) if f else [],
            }
        )
    return out


def _stored_change(r: sqlite3.Row) -> StoredChange:
    hunks = []
    findings = []
    for h in json.loads(r["hunks"]):
        hunks.append(
            Hunk(
                kind=HunkKind(h["kind"]),
                old=h["old"],
                new=h["new"],
                old_index=h["old_index"],
                new_index=h["new_index"],
                heading=h["heading"],
                words=tuple(WordOp(op, text) for op, text in h["words"]),
            )
        )
        findings.append(
            Finding(
                severity=Severity(h["severity"]),
                direction=Direction(h["direction"]),
                categories=tuple(Category(c) for c in h["categories"]),
                reasons=tuple(h["reasons"]),
            )
        )
    verdict = Verdict(
        severity=Severity(r["severity"]),
        direction=Direction(r["direction"]),
        categories=tuple(Category(c) for c in json.loads(r["categories"])),
        summary=r["summary"],
        findings=tuple(findings),
    )
    return StoredChange(
        id=r["id"],
        target_id=TargetId(r["target_id"]),
        old_seq=r["old_seq"],
        new_seq=r["new_seq"],
        created_at=_dt(r["created_at"]),
        change=Change(tuple(hunks), timed_out=bool(r["timed_out"])),
        verdict=verdict,
        note=r["note"],
    )
