"""watcher's memory: one SQLite database in the state directory.

It keeps every raw body (content-addressed by sha256, zlib-compressed: the evidence, and what lets
an extraction upgrade re-derive the old text), every distinct normalized text as a numbered
version, every change with its diff and verdict, one row per check, the alerts waiting in the outbox
and the log of their deliveries.

Everything one check writes goes in through ``commit_check`` in a single transaction, so a crash
at any moment leaves either all of a check or none of it: never a version without its change, nor
a change without its alerts. The database runs in WAL mode so readers (the CLI, the web front)
never block the daemon.

This module is the only one that imports sqlite3; the narrow interface below is what a server
database would have to provide to take its place.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from watcher.errors import StoreError
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
    Validators,
    Verdict,
    Version,
    WordOp,
)

DB_NAME = "watcher.sqlite3"

# Each entry moves the schema from version i to i+1. Never edit one that has shipped: append.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bodies (
        sha256       TEXT PRIMARY KEY,
        size         INTEGER NOT NULL,
        content_type TEXT NOT NULL DEFAULT '',
        data         BLOB NOT NULL             -- zlib-compressed raw body
    );
    CREATE TABLE versions (
        id           INTEGER PRIMARY KEY,
        target_id    TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        text         TEXT NOT NULL,
        text_sha256  TEXT NOT NULL,
        raw_sha256   TEXT REFERENCES bodies(sha256),
        captured_at  TEXT NOT NULL,
        extractor    TEXT NOT NULL,
        url          TEXT NOT NULL DEFAULT '',
        flip_of      INTEGER,
        note         TEXT NOT NULL DEFAULT '',
        UNIQUE (target_id, seq)
    );
    CREATE INDEX versions_by_hash ON versions (target_id, text_sha256);
    CREATE TABLE changes (
        id           INTEGER PRIMARY KEY,
        target_id    TEXT NOT NULL,
        old_seq      INTEGER NOT NULL,
        new_seq      INTEGER NOT NULL,
        created_at   TEXT NOT NULL,
        severity     TEXT NOT NULL,
        material     INTEGER NOT NULL,
        direction    TEXT NOT NULL,
        categories   TEXT NOT NULL,            -- JSON array
        summary      TEXT NOT NULL,
        hunks        TEXT NOT NULL,            -- JSON: hunks with their findings
        timed_out    INTEGER NOT NULL DEFAULT 0,
        note         TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX changes_by_target ON changes (target_id, new_seq);
    CREATE TABLE checks (
        id           INTEGER PRIMARY KEY,
        target_id    TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        outcome      TEXT NOT NULL,
        status       INTEGER,
        duration_ms  INTEGER NOT NULL,
        cause        TEXT,
        message      TEXT,
        raw_sha256   TEXT,
        version_seq  INTEGER,
        change_id    INTEGER
    );
    CREATE INDEX checks_by_target ON checks (target_id, id);
    CREATE TABLE fetch_state (
        target_id     TEXT PRIMARY KEY,
        etag          TEXT,
        last_modified TEXT
    );
    CREATE TABLE anomalies (
        target_id    TEXT PRIMARY KEY,        -- at most one pending anomaly per target
        cause        TEXT NOT NULL,
        text_sha256  TEXT,
        first_seen   TEXT NOT NULL,
        count        INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE outbox (
        id           INTEGER PRIMARY KEY,
        idem_key     TEXT NOT NULL UNIQUE,     -- one alert per (event, group), ever
        group_name   TEXT NOT NULL,
        kind         TEXT NOT NULL,            -- change | failure | recovery | test
        target_id    TEXT,
        change_id    INTEGER,
        created_at   TEXT NOT NULL,
        payload      TEXT NOT NULL,            -- JSON: what the message needs
        status       TEXT NOT NULL DEFAULT 'pending',   -- pending | sent | failed
        attempts     INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT NOT NULL,
        last_error   TEXT,
        sent_at      TEXT
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt);
    CREATE TABLE deliveries (
        id           INTEGER PRIMARY KEY,
        outbox_id    INTEGER NOT NULL REFERENCES outbox(id),
        at           TEXT NOT NULL,
        ok           INTEGER NOT NULL,
        error        TEXT
    );
    """,
    # notifications: which of a group's URLs already took an alert, so that a retry after a
    # partial failure goes only to the URLs that failed (url_key: a hash of the URL as written).
    """
    CREATE TABLE outbox_urls (
        outbox_id    INTEGER NOT NULL REFERENCES outbox(id),
        url_key      TEXT NOT NULL,
        sent_at      TEXT NOT NULL,
        PRIMARY KEY (outbox_id, url_key)
    );
    """,
)


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


class Store:
    """The SQLite store. Safe to share between threads: one connection, one lock."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path

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
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.execute("ROLLBACK")
                raise StoreError(f"{self.path}: cannot write ({exc}); nothing was stored") from None

    def _read(self, sql: str, args: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cur = self._conn.execute(sql, args)
                cur.row_factory = sqlite3.Row
                return cur.fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"{self.path}: cannot read ({exc})") from None

    # -- the one write of a check -------------------------------------------------------------

    def commit_check(self, record: CheckRecord) -> tuple[int | None, int | None]:
        """Store everything one check produced, atomically. Returns (version seq, change id)."""
        try:
            with self._write() as db:
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
            self._put_alert(db, alert, r.target_id, change_id, r.started_at)
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

    def _put_alert(
        self,
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

    # -- versions ------------------------------------------------------------------------------

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

    # -- checks --------------------------------------------------------------------------------

    def checks(self, target_id: str, limit: int = 50) -> list[CheckRow]:
        rows = self._read(
            "SELECT * FROM checks WHERE target_id = ? ORDER BY id DESC LIMIT ?", (target_id, limit)
        )
        return [_check(r) for r in rows]

    def last_check(self, target_id: str) -> CheckRow | None:
        rows = self.checks(target_id, 1)
        return rows[0] if rows else None

    def failure_streak(self, target_id: str) -> int:
        """How many checks in a row, up to the last one, ended in error or anomaly."""
        rows = self._read(
            "SELECT COUNT(*) FROM checks WHERE target_id = ? AND id > COALESCE("
            "(SELECT MAX(id) FROM checks WHERE target_id = ?"
            " AND outcome NOT IN ('error', 'anomaly')), 0)",
            (target_id, target_id),
        )
        return int(rows[0][0])

    def known_targets(self) -> list[str]:
        rows = self._read(
            "SELECT target_id FROM checks UNION SELECT target_id FROM versions ORDER BY 1"
        )
        return [str(r[0]) for r in rows]

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

    # -- outbox --------------------------------------------------------------------------------

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
                self._put_alert(db, a, target_id or "", None, now())

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
                self._conn.execute("ROLLBACK")

    # -- queries added for the daemon and `watcher status` (owned by the daemon's author) ------

    def last_checks(self) -> dict[str, CheckRow]:
        """The latest check of every target, in one query (the daemon staggers 1,000 at start)."""
        rows = self._read(
            "SELECT * FROM checks WHERE id IN (SELECT MAX(id) FROM checks GROUP BY target_id)"
        )
        return {str(r["target_id"]): _check(r) for r in rows}

    def failure_streaks(self) -> dict[str, int]:
        """``failure_streak`` of every target that is failing now (absent means 0)."""
        rows = self._read(
            "SELECT c.target_id, COUNT(*) FROM checks c WHERE c.id > COALESCE("
            "(SELECT MAX(s.id) FROM checks s WHERE s.target_id = c.target_id"
            " AND s.outcome NOT IN ('error', 'anomaly')), 0) GROUP BY c.target_id"
        )
        return {str(r[0]): int(r[1]) for r in rows}

    def last_changes(self) -> dict[str, tuple[datetime, str]]:
        """When each target last changed, with the change's severity."""
        rows = self._read(
            "SELECT target_id, created_at, severity FROM changes"
            " WHERE id IN (SELECT MAX(id) FROM changes GROUP BY target_id)"
        )
        return {str(r[0]): (_dt(r[1]), str(r[2])) for r in rows}


# -- row -> value --------------------------------------------------------------------------------


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
