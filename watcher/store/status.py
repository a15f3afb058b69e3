"""Queries for the daemon and ``watcher status``: every target's latest state in one query each.

Separate because they answer for all targets at once (the daemon staggers 1,000 at start), where
the other groups answer for one; owned by the daemon's author.
"""

from __future__ import annotations

from datetime import datetime

from watcher.store.connection import Connection
from watcher.store.rows import _check
from watcher.store.values import CheckRow, _dt


class StatusQueries(Connection):
    """Store methods for the daemon and ``watcher status``."""

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
