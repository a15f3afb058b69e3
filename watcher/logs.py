"""Logging setup: the one place that configures handlers.

Logs go to stderr (stdout carries command results). Three formats:

- ``text``: a timestamp, the level and the message, for a person at a terminal;
- ``journal``: no timestamp of our own (journald adds one) and a ``<N>`` priority prefix that
  journald understands; chosen automatically when stderr is connected to the journal;
- ``json``: one object per line, for log shippers.

httpx logs every request at INFO; it is set to WARNING so that one check stays one line.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

_JOURNAL_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


class _JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        prio = _JOURNAL_PRIORITY.get(record.levelno, 6)
        return f"<{prio}>{super().format(record)}"


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def under_journal() -> bool:
    """Whether stderr is connected to journald (systemd sets JOURNAL_STREAM to its device:inode)."""
    stream = os.environ.get("JOURNAL_STREAM")
    if not stream:
        return False
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError):
        return False
    return stream == f"{st.st_dev}:{st.st_ino}"


def setup(level: str = "info", fmt: str = "text") -> None:
    """Configure the ``watcher`` logger once; calling again replaces the previous setup."""
    if fmt == "text" and under_journal():
        fmt = "journal"
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(_JsonFormatter())
    elif fmt == "journal":
        handler.setFormatter(_JournalFormatter("%(name)s: %(message)s"))
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%H:%M:%S")
        )
    root = logging.getLogger("watcher")
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    root.propagate = False
    for noisy in ("httpx", "httpcore", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # APScheduler's warnings (a skipped or missed run: the daemon is overloaded) and job
    # tracebacks would otherwise reach stderr through logging's bare last-resort handler, outside
    # the chosen format (a JSON log would get plain-text lines).
    sched = logging.getLogger("apscheduler")
    for old in list(sched.handlers):
        sched.removeHandler(old)
    sched.addHandler(handler)
    sched.propagate = False
