"""Which subscriber groups hear of an event, and what goes into their outbox.

Routing is pure: it reads the groups' filters and the verdict, and returns ``OutboxItem`` values
that the pipeline hands to the store in the same transaction as the change they report. The
message itself is rendered at delivery time (``notify``), from the payload kept here, so that a
template fix reaches alerts that are still waiting.

Every item has an idempotency key of (event, group): the store keeps the first and ignores any
repeat, so one change reaches one group once, whatever retries or restarts happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from watcher.config import Group
from watcher.models import Target, Verdict
from watcher.store import OutboxItem


def group_follows(group: Group, target: Target) -> bool:
    """Whether ``group`` subscribes to ``target`` (by provider, target id or tag; empty: all)."""
    scoped = group.providers or group.targets or group.tags
    if not scoped:
        return True
    return (
        target.provider in group.providers
        or target.provider.lower() in {p.lower() for p in group.providers}
        or target.id in group.targets
        or bool(group.tags & target.tags)
    )


def group_wants(group: Group, verdict: Verdict) -> bool:
    """Whether a change with ``verdict`` passes the group's severity, category and direction."""
    if verdict.severity.rank < group.min_severity.rank:
        return False
    if group.categories and not group.categories & {c.value for c in verdict.categories}:
        return False
    return not (group.directions and verdict.direction.value not in group.directions)


def route_change(
    groups: Iterable[Group], target: Target, verdict: Verdict, payload: dict[str, Any]
) -> tuple[OutboxItem, ...]:
    """One outbox item per group that follows the target and wants this change."""
    return tuple(
        OutboxItem(g.name, "change", f"change:{{change_id}}:{g.name}", payload)
        for g in groups
        if group_follows(g, target) and group_wants(g, verdict)
    )


def route_failure(
    groups: Iterable[Group], target: Target, event_key: str, payload: dict[str, Any], kind: str
) -> tuple[OutboxItem, ...]:
    """A failure or recovery notice, once per failure episode (``event_key``) and group."""
    return tuple(
        OutboxItem(g.name, kind, f"{kind}:{target.id}:{event_key}:{g.name}", payload)
        for g in groups
        if g.failures and group_follows(g, target)
    )
