"""Queries for the web front, the feeds and the metrics endpoint, and the health probe.

Separate because they serve readers other than the pipeline (pages, counters, histograms) and are
owned by the web module's author.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from watcher.errors import StoreError
from watcher.models import StoredChange
from watcher.store.connection import Connection
from watcher.store.rows import _stored_change
from watcher.store.values import _dt, _ts


class MetricsQueries(Connection):
    """Store methods for the web front, feeds and metrics."""

    def changes_page(
        self,
        *,
        target_ids: Sequence[str] | None = None,
        severities: Sequence[str] | None = None,
        before_id: int | None = None,
        limit: int = 50,
    ) -> list[StoredChange]:
        """Changes newest first, of some targets and severities, older than ``before_id``."""
        sql = "SELECT * FROM changes WHERE 1=1"
        args: list[Any] = []
        for column, values in (("target_id", target_ids), ("severity", severities)):
            if values is not None:
                sql += f" AND {column} IN ({','.join('?' for _ in values)})"
                args.extend(values)
        if before_id is not None:
            sql += " AND id < ?"
            args.append(before_id)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        return [_stored_change(r) for r in self._read(sql, args)]

    def version_index(self, target_id: str, limit: int = 500) -> list[dict[str, Any]]:
        """A target's versions newest first, without their text (cheap for long histories)."""
        rows = self._read(
            "SELECT seq, text_sha256, raw_sha256, captured_at, extractor, url, flip_of, note,"
            " length(text) AS chars FROM versions WHERE target_id = ? ORDER BY seq DESC LIMIT ?",
            (target_id, limit),
        )
        return [{**dict(r), "captured_at": _dt(r["captured_at"])} for r in rows]

    def version_evidence(self, target_id: str, seq: int) -> dict[str, Any] | None:
        """One version without its text, with its raw body's size and type and the HTTP status
        of the check that stored it."""
        rows = self._read(
            "SELECT v.seq, v.text_sha256, v.raw_sha256, v.captured_at, v.extractor, v.url,"
            " v.flip_of, v.note, length(v.text) AS chars, b.size AS raw_size,"
            " b.content_type AS raw_type,"
            " (SELECT c.status FROM checks c WHERE c.target_id = v.target_id"
            "  AND c.version_seq = v.seq ORDER BY c.id LIMIT 1) AS status"
            " FROM versions v LEFT JOIN bodies b ON b.sha256 = v.raw_sha256"
            " WHERE v.target_id = ? AND v.seq = ?",
            (target_id, seq),
        )
        if not rows:
            return None
        return {**dict(rows[0]), "captured_at": _dt(rows[0]["captured_at"])}

    def version_text(self, target_id: str, seq: int) -> str | None:
        rows = self._read(
            "SELECT text FROM versions WHERE target_id = ? AND seq = ?", (target_id, seq)
        )
        return str(rows[0]["text"]) if rows else None

    def check_counts(self) -> list[tuple[str, str, int]]:
        """(target, outcome, number of checks), for every pair seen."""
        rows = self._read(
            "SELECT target_id, outcome, COUNT(*) FROM checks GROUP BY target_id, outcome"
            " ORDER BY 1, 2"
        )
        return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]

    def check_duration_histogram(self, bounds_ms: Sequence[int]) -> tuple[list[int], int, int]:
        """Cumulative counts of checks with duration <= each bound, the count and the sum (ms)."""
        cols = "".join(f", SUM(duration_ms <= {int(b)})" for b in bounds_ms)
        row = self._read(f"SELECT COUNT(*), COALESCE(SUM(duration_ms), 0){cols} FROM checks")[0]
        return [int(row[i + 2] or 0) for i in range(len(bounds_ms))], int(row[0]), int(row[1])

    def last_success_times(self) -> dict[str, datetime]:
        """For each target, when its last check that reached the page's text started."""
        rows = self._read(
            "SELECT target_id, MAX(started_at) FROM checks"
            " WHERE outcome IN ('new', 'unchanged', 'changed') GROUP BY target_id"
        )
        return {str(r[0]): _dt(r[1]) for r in rows}

    def delivery_counts(self) -> list[tuple[str, bool, int]]:
        """(group, ok, number of delivery attempts)."""
        rows = self._read(
            "SELECT o.group_name, d.ok, COUNT(*) FROM deliveries d"
            " JOIN outbox o ON o.id = d.outbox_id GROUP BY o.group_name, d.ok ORDER BY 1, 2"
        )
        return [(str(r[0]), bool(r[1]), int(r[2])) for r in rows]

    def outbox_counts(self) -> dict[str, int]:
        """Number of outbox items by status (pending, sent, failed)."""
        rows = self._read("SELECT status, COUNT(*) FROM outbox GROUP BY status")
        return {str(r[0]): int(r[1]) for r in rows}

    def change_counts(self) -> dict[str, int]:
        """Number of stored changes by severity."""
        rows = self._read("SELECT severity, COUNT(*) FROM changes GROUP BY severity")
        return {str(r[0]): int(r[1]) for r in rows}

    def overdue_alerts(self, due_before: datetime) -> tuple[int, datetime | None]:
        """Pending alerts whose next attempt is older than ``due_before``, and the oldest one."""
        row = self._read(
            "SELECT COUNT(*), MIN(next_attempt) FROM outbox"
            " WHERE status = 'pending' AND next_attempt < ?",
            (_ts(due_before),),
        )[0]
        return int(row[0]), _dt(row[1]) if row[1] else None

    def probe_write(self) -> None:
        """Take the write lock and write a row, then roll back: raises StoreError if we cannot."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot start a write: {exc}") from None
            try:
                self._conn.execute(
                    "INSERT OR REPLACE INTO fetch_state (target_id) VALUES ('#healthz')"
                )
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot write: {exc}") from None
            finally:
                self._rollback()
