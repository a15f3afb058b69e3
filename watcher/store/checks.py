"""Reads of the checks log: a target's recent checks, its failure streak, the known targets.

Separate because the checks table is the store's log of what happened, as opposed to what was
found (``history``).
"""

from __future__ import annotations

from watcher.store.connection import Connection
from watcher.store.rows import _check
from watcher.store.values import CheckRow


class CheckQueries(Connection):
    """Store methods that read the checks log."""

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

    def last_success_id(self, target_id: str) -> int:
        """The id of the target's last check that did not fail (0 if none): it names the
        failure episode that follows it, for failure and recovery notices."""
        rows = self._read(
            "SELECT COALESCE(MAX(id), 0) FROM checks WHERE target_id = ?"
            " AND outcome NOT IN ('error', 'anomaly')",
            (target_id,),
        )
        return int(rows[0][0])

    def known_targets(self) -> list[str]:
        rows = self._read(
            "SELECT target_id FROM checks UNION SELECT target_id FROM versions ORDER BY 1"
        )
        return [str(r[0]) for r in rows]
