"""watcher's memory: one SQLite database in the state directory.

It keeps every raw body (content-addressed by sha256, zlib-compressed: the evidence, and what lets
an extraction upgrade re-derive the old text), every distinct normalized text as a numbered
version, every change with its diff and verdict, one row per check, the alerts waiting in the outbox
and the log of their deliveries.

Everything one check writes goes in through ``commit_check`` in a single transaction, so a crash
at any moment leaves either all of a check or none of it: never a version without its change, nor
a change without its alerts. The database runs in WAL mode so readers (the CLI, the web front)
never block the daemon.

This package is the only one that imports sqlite3; the narrow interface of ``Store`` is what a
server database would have to provide to take its place. ``Store`` is made of one mixin per group
of queries, each in its own module (``commit``, ``history``, ``checks``, ``outbox``, ``metrics``,
``status``), over ``connection`` (the connection, its lock, reads and writes); ``schema`` holds
the migrations, ``values`` what callers hand in and get back, ``rows`` the row-to-value code.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from watcher.errors import StoreError
from watcher.store.checks import CheckQueries
from watcher.store.commit import CheckWrites
from watcher.store.connection import Connection
from watcher.store.history import HistoryQueries
from watcher.store.metrics import MetricsQueries
from watcher.store.outbox import OutboxQueries
from watcher.store.schema import DB_NAME, MIGRATIONS
from watcher.store.status import StatusQueries
from watcher.store.values import (
    CheckRecord,
    CheckRow,
    NewChange,
    NewVersion,
    OutboxItem,
    OutboxRow,
    PendingAnomaly,
    _ts,
    now,
    sha256,
)

__all__ = [
    "DB_NAME",
    "MIGRATIONS",
    "CheckRecord",
    "CheckRow",
    "NewChange",
    "NewVersion",
    "OutboxItem",
    "OutboxRow",
    "PendingAnomaly",
    "Store",
    "now",
    "sha256",
]


class Store(
    CheckWrites,
    HistoryQueries,
    CheckQueries,
    OutboxQueries,
    MetricsQueries,
    StatusQueries,
    Connection,
):
    """The SQLite store. Safe to share between threads: one connection, one lock."""

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, state_dir: Path) -> Store:
        """Open (creating and migrating if needed) the database in ``state_dir``."""
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the state directory {state_dir}: {exc.strerror}"
            ) from None
        path = state_dir / DB_NAME
        try:
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the database {path}: {exc}") from None
        store = cls(conn, path)
        store._migrate()
        return store

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def target_summary(self, target_id: str) -> dict[str, Any]:
        """What ``watcher list`` and ``status`` show of one target."""
        last = self.last_check(target_id)
        latest = self.latest_version(target_id)
        changes = self.changes(target_id, limit=1)
        return {
            "target": target_id,
            "versions": latest.seq if latest else 0,
            "last_check": _ts(last.started_at) if last else None,
            "last_outcome": last.outcome.value if last else None,
            "last_cause": last.cause if last else None,
            "failing": self.failure_streak(target_id),
            "last_change": _ts(changes[0].created_at) if changes else None,
            "last_severity": changes[0].verdict.severity.value if changes else None,
        }
