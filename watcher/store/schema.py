"""The database's file name and its schema, as the list of migrations that build it.

Separate because the schema is data, not behaviour: it only grows (one migration appended per
change), and the tests read it to build databases of older versions.
"""

from __future__ import annotations

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
