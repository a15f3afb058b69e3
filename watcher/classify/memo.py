"""Memos of the classifier, registered so that one call clears them all.

Reading a sentence and some rule tests are memoised by text (a daemon sees the same sentences again
and again). Every memo in the package is made with ``memo``, so ``clear_caches()`` empties every
one of them: what a cold run (the bench, the tests) must start from.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any, Protocol, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Clearable(Protocol):
    def cache_clear(self) -> None: ...


_MEMOS: list[_Clearable] = []


def register(cache: _Clearable) -> None:
    """Have ``clear_caches`` empty ``cache`` too (for a memo not made with ``memo``)."""
    _MEMOS.append(cache)


def memo(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, registered with ``clear_caches``."""

    def wrap(fn: F) -> F:
        cached = lru_cache(maxsize=maxsize)(fn)
        register(cached)
        return cached  # type: ignore[return-value]

    return wrap


def clear_caches() -> None:
    """Empty every memo of the classifier, so that the next run is a cold one."""
    for cache in _MEMOS:
        cache.cache_clear()
