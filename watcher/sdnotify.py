"""The systemd notify protocol, spoken directly: datagrams of ``KEY=value`` lines to a unix socket.

systemd passes the socket's address in ``$NOTIFY_SOCKET`` (a path, or ``@name`` for the abstract
namespace) to a ``Type=notify`` service, and the watchdog period in ``$WATCHDOG_USEC``. The whole
protocol is one ``sendto`` per message, so it is written here rather than taken as a dependency
(python-systemd needs libsystemd headers to build; sdnotify on PyPI is unmaintained).

Outside systemd (no ``$NOTIFY_SOCKET``) every call is a no-op, so the daemon calls these without
asking where it runs. A failed send is logged once and never stops the daemon: losing a STATUS line
is better than losing the service; a lost READY=1 or WATCHDOG=1 is then systemd's to act on.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Mapping

logger = logging.getLogger(__name__)


class Notifier:
    """Sends notify messages to one address; thread-safe (the watchdog thread pings too)."""

    def __init__(self, address: str | None) -> None:
        self.address = address or None
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._warned = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Notifier:
        env = os.environ if environ is None else environ
        return cls(env.get("NOTIFY_SOCKET"))

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, *fields: str) -> bool:
        """Send ``KEY=value`` fields as one datagram. True when it was sent."""
        if self.address is None:
            return False
        target = self.address
        if target.startswith("@"):  # abstract namespace: a leading NUL byte instead of "@"
            target = "\0" + target[1:]
        data = "\n".join(fields).encode("utf-8")
        with self._lock:
            try:
                if self._sock is None:
                    self._sock = socket.socket(
                        socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                    )
                self._sock.sendto(data, target)
            except OSError as exc:
                if not self._warned:
                    logger.warning("cannot notify systemd at %s: %s", self.address, exc)
                    self._warned = True
                return False
        return True

    def ready(self, status: str | None = None) -> bool:
        return self.send("READY=1", *_status(status))

    def reloading(self, status: str | None = None) -> bool:
        """RELOADING=1 with the MONOTONIC_USEC that systemd >= 253 requires to accept it."""
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        return self.send("RELOADING=1", f"MONOTONIC_USEC={usec}", *_status(status))

    def stopping(self, status: str | None = None) -> bool:
        return self.send("STOPPING=1", *_status(status))

    def status(self, text: str) -> bool:
        return self.send(*_status(text))

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def close(self) -> None:
        with self._lock:
            if self._sock is not None:
                self._sock.close()
                self._sock = None

    def __enter__(self) -> Notifier:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _status(text: str | None) -> tuple[str, ...]:
    if text is None:
        return ()
    return ("STATUS=" + " ".join(text.split()),)  # one line: a newline would end the field


def watchdog_period(
    environ: Mapping[str, str] | None = None, pid: int | None = None
) -> float | None:
    """The watchdog period in seconds when systemd expects pings from this process, else None.

    ``$WATCHDOG_PID``, when set, names the process that must ping; any other process (a child that
    inherited the environment) must not.
    """
    env = os.environ if environ is None else environ
    raw = env.get("WATCHDOG_USEC", "")
    if not raw.isdigit() or int(raw) == 0:
        return None
    owner = env.get("WATCHDOG_PID", "")
    if owner and owner != str(os.getpid() if pid is None else pid):
        return None
    return int(raw) / 1_000_000
