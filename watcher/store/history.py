"""Reads of a target's history: its versions, raw bodies, fetch state, anomaly and changes.

Separate because these are what the pipeline reads before a check and what the CLI shows after.
"""

from __future__ import annotations

import zlib
from typing import Any

from watcher.models import StoredChange, Validators, Version
from watcher.store.connection import Connection
from watcher.store.rows import _stored_change, _version
from watcher.store.values import PendingAnomaly, _dt


class HistoryQueries(Connection):
    """Store methods that read versions and changes."""

    def latest_version(self, target_id: str) -> Version | None:
        rows = self._read(
            "SELECT * FROM versions WHERE target_id = ? ORDER BY seq DESC LIMIT 1", (target_id,)
        )
        return _version(rows[0]) if rows else None

    def version(self, target_id: str, seq: int) -> Version | None:
        rows = self._read(
            "SELECT * FROM versions WHERE target_id = ? AND seq = ?", (target_id, seq)
        )
        return _version(rows[0]) if rows else None

    def versions(self, target_id: str, limit: int | None = None) -> list[Version]:
        """The target's versions, newest first."""
        sql = "SELECT * FROM versions WHERE target_id = ? ORDER BY seq DESC"
        args: list[Any] = [target_id]
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [_version(r) for r in self._read(sql, args)]

    def raw_body(self, digest: str) -> bytes | None:
        rows = self._read("SELECT data FROM bodies WHERE sha256 = ?", (digest,))
        return zlib.decompress(rows[0]["data"]) if rows else None

    def body_content_type(self, digest: str) -> str:
        rows = self._read("SELECT content_type FROM bodies WHERE sha256 = ?", (digest,))
        return str(rows[0]["content_type"]) if rows else ""

    def validators(self, target_id: str) -> Validators | None:
        rows = self._read("SELECT * FROM fetch_state WHERE target_id = ?", (target_id,))
        if not rows or not (rows[0]["etag"] or rows[0]["last_modified"]):
            return None
        return Validators(etag=rows[0]["etag"], last_modified=rows[0]["last_modified"])

    def pending_anomaly(self, target_id: str) -> PendingAnomaly | None:
        rows = self._read("SELECT * FROM anomalies WHERE target_id = ?", (target_id,))
        if not rows:
            return None
        r = rows[0]
        return PendingAnomaly(r["cause"], r["text_sha256"], _dt(r["first_seen"]), r["count"])

    # -- changes -------------------------------------------------------------------------------

    def change(self, change_id: int) -> StoredChange | None:
        rows = self._read("SELECT * FROM changes WHERE id = ?", (change_id,))
        return _stored_change(rows[0]) if rows else None

    def change_for(self, target_id: str, new_seq: int) -> StoredChange | None:
        rows = self._read(
            "SELECT * FROM changes WHERE target_id = ? AND new_seq = ?", (target_id, new_seq)
        )
        return _stored_change(rows[0]) if rows else None

    def changes(self, target_id: str | None = None, limit: int = 50) -> list[StoredChange]:
        """Stored changes, newest first, of one target or of all."""
        if target_id is None:
            rows = self._read("SELECT * FROM changes ORDER BY id DESC LIMIT ?", (limit,))
        else:
            rows = self._read(
                "SELECT * FROM changes WHERE target_id = ? ORDER BY id DESC LIMIT ?",
                (target_id, limit),
            )
        return [_stored_change(r) for r in rows]
