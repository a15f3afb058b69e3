"""The rule registry and the small value types rules exchange.

A rule looks at one hunk, already split into sentences and read as practices (a ``HunkView``), and
returns the signals it sees. The classifier folds the signals of all rules into one ``Finding``.
Keeping rules as plain registered functions (STYLE.md rule 4) lets ``watcher rules`` list them and
lets a test check each has a docstring, without any import-time magic beyond the decorator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from watcher.classify.sentences import HunkView
from watcher.models import Category, Direction, Severity


@dataclass(frozen=True, slots=True)
class Signal:
    """One observation of one rule about one hunk, with the reason in plain words."""

    severity: Severity
    direction: Direction
    categories: tuple[Category, ...]
    reason: str
    plain: str = ""  # the same in a phrase for the summary ("the policy no longer says ...")


Rule = Callable[[HunkView], Iterable[Signal]]

RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under a kebab-case name; the name is what ``watcher rules`` shows."""

    def register(fn: Rule) -> Rule:
        if name in RULES:
            raise ValueError(f"rule {name!r} is registered twice")
        if not (fn.__doc__ or "").strip():
            raise ValueError(f"rule {name!r} has no docstring")
        RULES[name] = fn
        return fn

    return register


def describe_rules() -> list[tuple[str, str]]:
    """Each rule's name and the first paragraph of its docstring as one line, in registration
    order (a summary that wraps onto a second line is still one sentence)."""
    return [(name, summary_of(fn.__doc__ or "")) for name, fn in RULES.items()]


def summary_of(doc: str) -> str:
    """The first paragraph of a docstring, its lines joined."""
    return " ".join(doc.strip().split("\n\n")[0].split())
