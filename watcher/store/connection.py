"""The one SQLite connection, its lock, its migrations, and the read and write primitives.

Separate because every group of queries (the mixins that make up ``Store``) builds on these: a
write is one eager transaction, a read returns rows, and both turn sqlite3's errors into
``StoreError``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from watcher.errors import StoreError
from watcher.store.schema import MIGRATIONS


class Connection:
    """The connection and lock shared by every query group of ``Store``."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self._write():
            current = self.schema_version
            if current > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path}: the database has schema version {current}, newer than this "
                    f"watcher knows ({len(MIGRATIONS)}): upgrade watcher"
                )
            for version in range(current, len(MIGRATIONS)):
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {version + 1}")

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken eagerly so two writers never deadlock on upgrade."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot start a write: {exc}") from None
            try:
                yield self._conn
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(f"{self.path}: cannot write ({exc}); nothing was stored") from None
            except BaseException:
                self._rollback()
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise StoreError(f"{self.path}: cannot write ({exc}); nothing was stored") from None

    def _rollback(self) -> None:
        """End a failed write. SQLite may have rolled it back already (a full disk, an I/O
        error): a second ROLLBACK would fail and hide the error that matters."""
        if self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cur = self._conn.execute(sql, args)
                cur.row_factory = sqlite3.Row
                return cur.fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot read ({exc})") from None
