"""The one write of a check: its raw body, version, change, validators, anomaly and alerts.

Separate because it is the store's central promise (all of a check or none of it, in one
transaction) and the only write the pipeline makes.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from datetime import datetime

from watcher.errors import ConflictError, StoreError
from watcher.models import TargetId
from watcher.store.connection import Connection
from watcher.store.outbox import _put_alert
from watcher.store.rows import _hunks_to_json
from watcher.store.values import CheckRecord, NewChange, _ts, sha256


class CheckWrites(Connection):
    """Store methods that write what one check produced."""

    def commit_check(self, record: CheckRecord) -> tuple[int | None, int | None]:
        """Store everything one check produced, atomically. Returns (version seq, change id)."""
        with self._write() as db:
            try:
                return self._commit(db, record)
            except sqlite3.Error as exc:
                raise StoreError(
                    f"{self.path}: could not store the check of {record.target_id} ({exc}); "
                    "nothing of it was kept"
                ) from None

    def _commit(self, db: sqlite3.Connection, r: CheckRecord) -> tuple[int | None, int | None]:
        raw_sha = None
        if r.raw is not None:
            raw_sha = self._put_body(db, r.raw, r.content_type)
        seq = None
        change_id = None
        if r.version is not None:
            prev = db.execute(
                "SELECT MAX(seq) FROM versions WHERE target_id = ?", (r.target_id,)
            ).fetchone()[0]
            if r.base_seq is not None and (prev or 0) != r.base_seq:
                raise ConflictError(
                    f"{self.path}: another check stored version {prev} of {r.target_id} while "
                    f"this one compared against version {r.base_seq}; nothing of it was kept"
                )
            seq = (prev or 0) + 1
            v = r.version
            db.execute(
                "INSERT INTO versions (target_id, seq, text, text_sha256, raw_sha256, captured_at,"
                " extractor, url, flip_of, note) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    r.target_id,
                    seq,
                    v.text,
                    sha256(v.text),
                    raw_sha,
                    _ts(r.started_at),
                    v.extractor,
                    v.url,
                    v.flip_of,
                    v.note,
                ),
            )
            if r.change is not None and prev:
                change_id = self._put_change(db, r.target_id, prev, seq, r.started_at, r.change)
        if r.validators is not None:
            db.execute(
                "INSERT INTO fetch_state (target_id, etag, last_modified) VALUES (?,?,?) "
                "ON CONFLICT(target_id) DO UPDATE SET etag=excluded.etag, "
                "last_modified=excluded.last_modified",
                (r.target_id, r.validators.etag, r.validators.last_modified),
            )
        if r.clear_anomaly:
            db.execute("DELETE FROM anomalies WHERE target_id = ?", (r.target_id,))
        if r.anomaly is not None:
            a = r.anomaly
            db.execute(
                "INSERT INTO anomalies (target_id, cause, text_sha256, first_seen, count) "
                "VALUES (?,?,?,?,?) ON CONFLICT(target_id) DO UPDATE SET cause=excluded.cause, "
                "text_sha256=excluded.text_sha256, first_seen=excluded.first_seen, "
                "count=excluded.count",
                (r.target_id, a.cause, a.text_sha256, _ts(a.first_seen), a.count),
            )
        db.execute(
            "INSERT INTO checks (target_id, started_at, outcome, status, duration_ms, cause,"
            " message, raw_sha256, version_seq, change_id) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                r.target_id,
                _ts(r.started_at),
                r.outcome.value,
                r.status,
                round(r.elapsed * 1000),
                r.cause,
                r.message,
                raw_sha,
                seq,
                change_id,
            ),
        )
        for alert in r.alerts:
            _put_alert(db, alert, r.target_id, change_id, r.started_at)
        return seq, change_id

    def _put_body(self, db: sqlite3.Connection, raw: bytes, content_type: str) -> str:
        digest = sha256(raw)
        db.execute(
            "INSERT OR IGNORE INTO bodies (sha256, size, content_type, data) VALUES (?,?,?,?)",
            (digest, len(raw), content_type, zlib.compress(raw, 6)),
        )
        return digest

    def _put_change(
        self,
        db: sqlite3.Connection,
        target_id: TargetId,
        old_seq: int,
        new_seq: int,
        at: datetime,
        nc: NewChange,
    ) -> int:
        v = nc.verdict
        cur = db.execute(
            "INSERT INTO changes (target_id, old_seq, new_seq, created_at, severity, material,"
            " direction, categories, summary, hunks, timed_out, note)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                target_id,
                old_seq,
                new_seq,
                _ts(at),
                v.severity.value,
                int(v.material),
                v.direction.value,
                json.dumps([c.value for c in v.categories]),
                v.summary,
                json.dumps(_hunks_to_json(nc.change, v), ensure_ascii=False),
                int(nc.change.timed_out),
                nc.note,
            ),
        )
        return int(cur.lastrowid or 0)
