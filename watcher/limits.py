"""Politeness limits on checks: a resizable global limit, and per host a limit and a pace.

Separate from the daemon because none of it touches the scheduler: it is plain threading, waits
that a stop interrupts, and sizes that a reload changes, testable with a fake clock. The daemon
takes a host's slot first (holding no global slot, so one slow provider does not starve the
others), then a global slot, then waits for the host's delay.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit


class Limiter:
    """A counting semaphore whose size a reload can change, and whose waits a stop interrupts."""

    def __init__(self, limit: int) -> None:
        self._cond = threading.Condition()
        self._limit = limit
        self.active = 0

    def acquire(self, stop: threading.Event) -> bool:
        with self._cond:
            while self.active >= self._limit:
                if stop.is_set():
                    return False
                self._cond.wait(1.0)
            if stop.is_set():
                return False
            self.active += 1
            return True

    def release(self) -> None:
        with self._cond:
            self.active -= 1
            self._cond.notify_all()

    def resize(self, limit: int) -> None:
        with self._cond:
            self._limit = limit
            self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


@dataclass
class _Host:
    active: int = 0
    last_start: float = float("-inf")


class HostGate:
    """Per host: at most ``per_host`` checks at once, requests started ``delay`` seconds apart."""

    def __init__(
        self, per_host: int, delay: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_host = per_host
        self.delay = delay
        self._clock = clock
        self._cond = threading.Condition()
        self._hosts: dict[str, _Host] = {}

    def configure(self, per_host: int, delay: float) -> None:
        with self._cond:
            self.per_host, self.delay = per_host, delay
            self._cond.notify_all()

    def enter(self, host: str, stop: threading.Event) -> bool:
        """Take one of the host's slots; False when the daemon stops first."""
        with self._cond:
            h = self._hosts.setdefault(host, _Host())
            while h.active >= self.per_host:
                if stop.is_set():
                    return False
                self._cond.wait(1.0)
            if stop.is_set():
                return False
            h.active += 1
            return True

    def pace(self, host: str, stop: threading.Event) -> bool:
        """Wait until ``delay`` has passed since the host's last request started; then start one."""
        with self._cond:
            h = self._hosts.setdefault(host, _Host())
            while True:
                wait = h.last_start + self.delay - self._clock()
                if wait <= 0:
                    h.last_start = self._clock()
                    return True
                if stop.is_set():
                    return False
                self._cond.wait(min(wait, 1.0))

    def leave(self, host: str) -> None:
        with self._cond:
            self._hosts[host].active -= 1
            self._cond.notify_all()

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or url).lower()
