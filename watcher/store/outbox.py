"""The outbox and its deliveries: queuing alerts, leasing them, and recording each attempt.

Separate because it is notify's side of the store: the pipeline only puts alerts in (through
``_put_alert``, in the same transaction as the check), and notify takes them out.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from watcher.store.connection import Connection
from watcher.store.rows import _outbox
from watcher.store.values import OutboxItem, OutboxRow, _ts, now


def _put_alert(
    db: sqlite3.Connection,
    alert: OutboxItem,
    target_id: str,
    change_id: int | None,
    at: datetime,
) -> None:
    cid = "" if change_id is None else str(change_id)
    key = alert.key.replace("{change_id}", cid)
    payload = json.dumps(alert.payload, ensure_ascii=False).replace("{change_id}", cid)
    db.execute(
        "INSERT OR IGNORE INTO outbox (idem_key, group_name, kind, target_id, change_id,"
        " created_at, payload, next_attempt) VALUES (?,?,?,?,?,?,?,?)",
        (key, alert.group, alert.kind, target_id, change_id, _ts(at), payload, _ts(at)),
    )


class OutboxQueries(Connection):
    """Store methods for the outbox and deliveries."""

    def due_alerts(self, at: datetime | None = None, limit: int = 100) -> list[OutboxRow]:
        rows = self._read(
            "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt <= ? "
            "ORDER BY id LIMIT ?",
            (_ts(at or now()), limit),
        )
        return [_outbox(r) for r in rows]

    def outbox(self, statuses: Sequence[str] = ("pending", "failed")) -> list[OutboxRow]:
        marks = ",".join("?" for _ in statuses)
        rows = self._read(
            f"SELECT * FROM outbox WHERE status IN ({marks}) ORDER BY id", tuple(statuses)
        )
        return [_outbox(r) for r in rows]

    def add_alerts(self, alerts: Sequence[OutboxItem], target_id: str | None = None) -> None:
        """Queue alerts that belong to no check (a test message, a digest)."""
        with self._write() as db:
            for a in alerts:
                _put_alert(db, a, target_id or "", None, now())

    def mark_delivery(
        self,
        outbox_id: int,
        *,
        ok: bool,
        error: str | None = None,
        retry_at: datetime | None = None,
        give_up: bool = False,
    ) -> None:
        """Record one delivery attempt; a failure is retried at ``retry_at`` unless ``give_up``."""
        at = now()
        with self._write() as db:
            db.execute(
                "INSERT INTO deliveries (outbox_id, at, ok, error) VALUES (?,?,?,?)",
                (outbox_id, _ts(at), int(ok), error),
            )
            if ok:
                db.execute(
                    "UPDATE outbox SET status='sent', attempts=attempts+1, sent_at=?, "
                    "last_error=NULL WHERE id=?",
                    (_ts(at), outbox_id),
                )
            else:
                status = "failed" if give_up else "pending"
                db.execute(
                    "UPDATE outbox SET status=?, attempts=attempts+1, last_error=?, "
                    "next_attempt=? WHERE id=?",
                    (status, error, _ts(retry_at or at), outbox_id),
                )

    def deliveries(self, outbox_id: int) -> list[dict[str, Any]]:
        rows = self._read(
            "SELECT at, ok, error FROM deliveries WHERE outbox_id = ? ORDER BY id", (outbox_id,)
        )
        return [{"at": r["at"], "ok": bool(r["ok"]), "error": r["error"]} for r in rows]

    # -- queries added for notifications (owned by the notify module's author) ----------------

    def pending_alerts(self, at: datetime, limit: int = 1000) -> list[OutboxRow]:
        """Pending rows whose next attempt is due, oldest first (digest rows included)."""
        rows = self._read(
            "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt <= ? "
            "ORDER BY id LIMIT ?",
            (_ts(at), limit),
        )
        return [_outbox(r) for r in rows]

    def claim_alerts(self, ids: Sequence[int], at: datetime, until: datetime) -> list[int]:
        """Lease due pending rows to this worker until ``until``; returns the ids it got.

        Another process (the daemon and a manual ``watcher check``) sees the row as not due
        while the lease runs, so two workers never send the same row at the same time. A worker
        that dies mid-send leaves the lease to expire, and the row is retried.
        """
        got: list[int] = []
        with self._write() as db:
            for i in ids:
                cur = db.execute(
                    "UPDATE outbox SET next_attempt = ? WHERE id = ? AND status = 'pending' "
                    "AND next_attempt <= ?",
                    (_ts(until), i, _ts(at)),
                )
                if cur.rowcount == 1:
                    got.append(i)
        return got

    def sent_urls(self, outbox_id: int) -> set[str]:
        """The url keys of a row that already took its alert (partial success earlier)."""
        rows = self._read("SELECT url_key FROM outbox_urls WHERE outbox_id = ?", (outbox_id,))
        return {r["url_key"] for r in rows}

    def mark_url_sent(self, outbox_ids: Sequence[int], url_key: str) -> None:
        """Remember that ``url_key`` took the alert of each row, so a retry skips it."""
        at = _ts(now())
        with self._write() as db:
            db.executemany(
                "INSERT OR IGNORE INTO outbox_urls (outbox_id, url_key, sent_at) VALUES (?,?,?)",
                [(i, url_key, at) for i in outbox_ids],
            )

    # -- queries added for the web front, feeds and metrics (owned by the web module's author) -
