"""Signals as data: SIGTERM, SIGINT and SIGHUP read by the main thread from a wakeup socket.

Separate from the daemon because it is the one piece of process plumbing it needs: with
``signal.set_wakeup_fd`` the handlers do nothing (``ignore_signal``) and the main thread reads
the signal numbers from the socket (``read_signals``), so a reload or a stop is plain code, not
work done inside a signal handler while a lock may be held.
"""

from __future__ import annotations

import select
import socket
from types import FrameType


def ignore_signal(signum: int, frame: FrameType | None) -> None:
    """Installed for SIGTERM/SIGINT/SIGHUP: the wakeup socket carries the signal instead."""


def read_signals(rsock: socket.socket, timeout: float) -> list[int]:
    """The signal numbers written to the wakeup socket, waiting up to ``timeout`` for the first."""
    ready, _, _ = select.select([rsock], [], [], timeout)
    if not ready:
        return []
    try:
        return list(rsock.recv(256))
    except BlockingIOError:
        return []
