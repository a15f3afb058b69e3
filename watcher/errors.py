"""watcher's one exception tree.

Third-party exceptions (httpx, sqlite3, tomllib, apprise) are turned into these at the module that
owns the library, with a message a person can act on. Stage code raises; only
``pipeline.check_target`` catches, and turns the error into an ``error`` or ``anomaly`` outcome.

::

    WatcherError
    ├── ConfigError          the config file is unreadable or invalid (exit 2)
    ├── UsageError           a command was called with arguments that cannot work (exit 2)
    ├── FetchError           the page could not be fetched      -> outcome "error"
    ├── AnomalyError         the page came, but is not the policy -> outcome "anomaly"
    │   └── ExtractError     nothing of the policy could be extracted
    ├── StoreError           the state directory cannot be read or written (exit 3)
    │   └── ConflictError    another process stored a version of the target meanwhile
    └── NotifyError          a notification could not be delivered
"""

from __future__ import annotations


class WatcherError(Exception):
    """Base of every error watcher raises on purpose. ``cause`` is a short stable slug."""

    cause: str = "error"

    def __init__(self, message: str, *, cause: str | None = None) -> None:
        super().__init__(message)
        if cause is not None:
            self.cause = cause

    @property
    def message(self) -> str:
        return str(self)


class ConfigError(WatcherError):
    """Invalid configuration; the message starts with the key path (``targets[2].interval``)."""

    cause = "config"


class UsageError(WatcherError):
    """A command's arguments cannot work together (unknown target, missing version...)."""

    cause = "usage"


class FetchError(WatcherError):
    """The page could not be fetched.

    ``cause`` is one of: dns, connect, tls, timeout, http-status, too-large, bad-content-type,
    decode, redirect, browser. ``transient`` says whether retrying soon may help.
    """

    cause = "fetch"

    def __init__(
        self,
        message: str,
        *,
        cause: str | None = None,
        transient: bool = False,
        status: int | None = None,
    ) -> None:
        super().__init__(message, cause=cause)
        self.transient = transient
        self.status = status


class AnomalyError(WatcherError):
    """The server answered, but what it served is not the policy (bot wall, error page...).

    Never stored as a version and never alerted as a policy change. ``cause`` is one of:
    bot-challenge, error-page, shrunk, selector-empty, extraction-empty.
    """

    cause = "anomaly"


class ExtractError(AnomalyError):
    """Extraction produced no policy text (a selector matched nothing, an empty page)."""

    cause = "extraction-empty"


class StoreError(WatcherError):
    """The state directory or its database cannot be read or written."""

    cause = "store"


class ConflictError(StoreError):
    """A check's result was based on a version that is no longer the latest: another process
    (the daemon and a manual ``watcher check``) stored a version of the target meanwhile.
    Nothing of the check was stored; running it again compares against the new latest."""

    cause = "conflict"


class NotifyError(WatcherError):
    """A notification could not be sent."""

    cause = "notify"
