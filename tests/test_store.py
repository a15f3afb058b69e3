"""The store: schema migrations, content-addressed bodies, one transaction per check."""

from __future__ import annotations

import sqlite3
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watcher import store as store_mod
from watcher.errors import StoreError
from watcher.models import (
    Change,
    Direction,
    Finding,
    Hunk,
    HunkKind,
    Outcome,
    Severity,
    TargetId,
    Validators,
    Verdict,
)
from watcher.store import CheckRecord, NewChange, NewVersion, OutboxItem, Store

T = TargetId("jetvpn/privacy")
NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def verdict(severity: Severity = Severity.MAJOR) -> Verdict:
    return Verdict(
        severity,
        Direction.WEAKENS,
        (),
        "summary",
        (Finding(severity, Direction.WEAKENS, (), ("why",)),),
    )


def change() -> NewChange:
    h = Hunk(HunkKind.MODIFIED, "We do not log.", "We log.", 0, 0, "Logs")
    return NewChange(Change((h,)), verdict())


def record(text: str, **kw: object) -> CheckRecord:
    fields: dict[str, object] = {
        "outcome": Outcome.NEW,
        "raw": f"<p>{text}</p>".encode(),
        "content_type": "text/html",
        "version": NewVersion(text, "x1"),
    }
    fields.update(kw)
    return CheckRecord(T, NOW, 0.1, **fields)  # type: ignore[arg-type]


def test_new_database_has_current_schema_and_wal(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        assert s.schema_version == len(store_mod.MIGRATIONS)
    conn = sqlite3.connect(tmp_path / store_mod.DB_NAME)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_does_not_migrate_again(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    with Store.open(tmp_path) as s:
        s.commit_check(record("a"))
    with Store.open(tmp_path) as s:
        assert s.latest_version(T) is not None


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    conn = sqlite3.connect(tmp_path / store_mod.DB_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="newer than this watcher knows"):
        Store.open(tmp_path)


def test_versions_are_numbered_and_change_links_them(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        assert s.commit_check(record("We do not log.")) == (1, None)
        seq, cid = s.commit_check(record("We log.", outcome=Outcome.CHANGED, change=change()))
        assert seq == 2 and cid is not None
        stored = s.change(cid)
        assert stored is not None
        assert (stored.old_seq, stored.new_seq) == (1, 2)
        assert stored.verdict.severity is Severity.MAJOR
        assert stored.change.hunks[0].old == "We do not log."
        assert [v.seq for v in s.versions(T)] == [2, 1]


def test_raw_bodies_are_compressed_and_stored_once(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        s.commit_check(record("same"))
        s.commit_check(record("same", version=None, outcome=Outcome.UNCHANGED))
        v = s.latest_version(T)
        assert v is not None and v.raw_sha256
        assert s.raw_body(v.raw_sha256) == b"<p>same</p>"
    conn = sqlite3.connect(tmp_path / store_mod.DB_NAME)
    rows = conn.execute("SELECT sha256, data FROM bodies").fetchall()
    assert len(rows) == 1
    assert zlib.decompress(rows[0][1]) == b"<p>same</p>"
    assert conn.execute("SELECT COUNT(*) FROM checks").fetchone()[0] == 2


def test_a_failed_check_write_leaves_nothing_behind(tmp_path: Path) -> None:
    """A crash in the middle of a check's transaction stores none of it."""
    with Store.open(tmp_path) as s:
        s.commit_check(record("v1"))
        bad = record(
            "v2",
            outcome=Outcome.CHANGED,
            change=change(),
            alerts=(OutboxItem("g", "change", "change:{change_id}:g", {"x": object()}),),
        )
        with pytest.raises(TypeError):  # the payload cannot be serialised: fails after inserts
            s.commit_check(bad)
        assert [v.seq for v in s.versions(T)] == [1]
        assert s.changes(T) == []
        assert len(s.checks(T)) == 1
        assert s.outbox() == []


def test_outbox_keys_are_idempotent(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        s.commit_check(record("v1"))
        alerts = (OutboxItem("ngo", "change", "change:{change_id}:ngo", {"id": "{change_id}"}),)
        _, cid = s.commit_check(
            record("v2", outcome=Outcome.CHANGED, change=change(), alerts=alerts)
        )
        s.add_alerts([OutboxItem("ngo", "change", f"change:{cid}:ngo", {})])
        rows = s.outbox()
        assert len(rows) == 1
        assert rows[0].key == f"change:{cid}:ngo" and rows[0].payload == {"id": str(cid)}


def test_delivery_marking_and_retry(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        s.add_alerts([OutboxItem("g", "test", "test:1", {})])
        row = s.due_alerts()[0]
        later = datetime(2999, 1, 1, tzinfo=UTC)
        s.mark_delivery(row.id, ok=False, error="refused", retry_at=later)
        assert s.due_alerts() == []
        assert s.outbox()[0].attempts == 1 and s.outbox()[0].last_error == "refused"
        s.mark_delivery(row.id, ok=True)
        assert s.outbox() == []
        assert [d["ok"] for d in s.deliveries(row.id)] == [False, True]


def test_failure_streak_counts_errors_since_last_success(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        s.commit_check(record("v1"))
        for _ in range(3):
            s.commit_check(CheckRecord(T, NOW, 0.1, Outcome.ERROR, cause="timeout"))
        assert s.failure_streak(T) == 3
        s.commit_check(CheckRecord(T, NOW, 0.1, Outcome.UNCHANGED))
        assert s.failure_streak(T) == 0


def test_validators_round_trip(tmp_path: Path) -> None:
    with Store.open(tmp_path) as s:
        assert s.validators(T) is None
        s.commit_check(
            record("v1", validators=Validators('"abc"', "Sun, 01 Nov 2026 10:00:00 GMT"))
        )
        assert s.validators(T) == Validators('"abc"', "Sun, 01 Nov 2026 10:00:00 GMT")


def test_unwritable_state_dir_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create the state directory"):
        Store.open(blocker / "state")


def test_full_disk_is_a_clear_error_and_loses_nothing(tmp_path: Path) -> None:
    """SQLite's 'database or disk is full' (simulated with max_page_count) stores nothing."""
    with Store.open(tmp_path) as s:
        s.commit_check(record("v1"))
        pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
        s._conn.execute(f"PRAGMA max_page_count = {pages}")
        big = "x" * 200_000
        with pytest.raises(StoreError, match="full"):
            s.commit_check(record(big, outcome=Outcome.CHANGED, change=change()))
        assert [v.seq for v in s.versions(T)] == [1]
        assert s.latest_version(T).text == "v1"  # type: ignore[union-attr]
        assert len(s.checks(T)) == 1


def test_full_disk_while_recording_a_delivery_is_a_store_error(tmp_path: Path) -> None:
    """Every write, not only a check's, turns SQLite's errors into StoreError (one line for the
    CLI, a logged error for the daemon), and leaves the row as it was."""
    with Store.open(tmp_path) as s:
        s.add_alerts([OutboxItem("g", "test", "test:1", {})])
        row = s.due_alerts()[0]
        pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
        s._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreError, match="full"):
            for _ in range(100):
                s.mark_delivery(row.id, ok=False, error="x" * 20_000)
        s._conn.execute("PRAGMA max_page_count = 1073741823")
        s.mark_delivery(row.id, ok=True)  # the connection is usable again
        assert s.outbox() == []
