"""``/metrics`` in the Prometheus text format (0.0.4) and ``/healthz``, both from the store.

Every figure is read from the database on each scrape, so ``watcher serve`` next to a running
daemon reports the same numbers as the daemon itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from watcher.errors import StoreError
from watcher.models import Outcome, Severity
from watcher.web.site import Site

DURATION_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
"""Check duration histogram bounds, in seconds."""

OUTBOX_STUCK_AFTER = timedelta(hours=1)
"""A pending alert this long past its next attempt means nobody is delivering."""


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}"


def _num(value: float) -> str:
    return (
        repr(float(value))
        if isinstance(value, float) and not value.is_integer()
        else str(int(value))
    )


class _Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(
        self, name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]
    ) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            self.lines.append(f"{name}{_labels(**labels)} {_num(value)}")


def metrics_text(site: Site) -> str:
    store = site.store
    out = _Text()
    targets = [t.id for t in site.targets()]

    counts: dict[tuple[str, str], int] = {(t, o.value): 0 for t in targets for o in Outcome}
    for target, outcome, n in store.check_counts():
        counts[(target, outcome)] = n
    out.family(
        "watcher_checks_total",
        "counter",
        "Checks run, by target and outcome.",
        (({"target": t, "outcome": o}, n) for (t, o), n in sorted(counts.items())),
    )

    bounds_ms = [round(b * 1000) for b in DURATION_BUCKETS]
    cumulative, count, total_ms = store.check_duration_histogram(bounds_ms)
    name = "watcher_check_duration_seconds"
    out.lines.append(f"# HELP {name} How long checks took (fetch to stored), all targets.")
    out.lines.append(f"# TYPE {name} histogram")
    for bound, n in zip(DURATION_BUCKETS, cumulative, strict=True):
        out.lines.append(f'{name}_bucket{{le="{bound}"}} {n}')
    out.lines.append(f'{name}_bucket{{le="+Inf"}} {count}')
    out.lines.append(f"{name}_sum {total_ms / 1000}")
    out.lines.append(f"{name}_count {count}")

    changes = store.change_counts()
    out.family(
        "watcher_changes_total",
        "counter",
        "Changes stored, by severity.",
        (({"severity": s.value}, changes.get(s.value, 0)) for s in Severity),
    )

    deliveries = store.delivery_counts()
    groups = sorted({g.name for g in site.config.groups} | {g for g, _, _ in deliveries})
    sent = {g: 0 for g in groups}
    failed = {g: 0 for g in groups}
    for group, ok, n in deliveries:
        (sent if ok else failed)[group] = n
    out.family(
        "watcher_alerts_sent_total",
        "counter",
        "Alerts delivered, by group.",
        (({"group": g}, n) for g, n in sent.items()),
    )
    out.family(
        "watcher_alerts_failed_total",
        "counter",
        "Failed delivery attempts (each retry counts), by group.",
        (({"group": g}, n) for g, n in failed.items()),
    )
    outbox = store.outbox_counts()
    out.family(
        "watcher_outbox_pending",
        "gauge",
        "Alerts waiting in the outbox for delivery or a retry.",
        [({}, outbox.get("pending", 0))],
    )
    out.family(
        "watcher_outbox_given_up",
        "gauge",
        "Alerts whose delivery was given up after every retry.",
        [({}, outbox.get("failed", 0))],
    )

    streaks = {t: store.failure_streak(t) for t in targets}
    out.family(
        "watcher_targets",
        "gauge",
        "Targets watched (configured, or still in the store).",
        [({}, len(targets))],
    )
    out.family(
        "watcher_targets_failing",
        "gauge",
        "Targets whose last check ended in error or anomaly.",
        [({}, sum(1 for n in streaks.values() if n))],
    )
    out.family(
        "watcher_target_failing_checks",
        "gauge",
        "Checks in a row, up to the last one, that ended in error or anomaly.",
        (({"target": t}, n) for t, n in sorted(streaks.items())),
    )
    last_ok = store.last_success_times()
    out.family(
        "watcher_last_success_timestamp_seconds",
        "gauge",
        "When the target's last successful check started (unix time).",
        (({"target": t}, round(last_ok[t].timestamp(), 3)) for t in sorted(last_ok)),
    )
    return "\n".join(out.lines) + "\n"


def health(site: Site, now: datetime | None = None) -> tuple[bool, dict[str, Any]]:
    """Whether watcher can do its job: the store reads and writes, alerts leave, the scheduler
    runs (inside the daemon). Returns (healthy, the JSON-ready report)."""
    at = now or datetime.now(UTC)
    checks: dict[str, dict[str, Any]] = {}
    try:
        site.store.known_targets()
        checks["store_read"] = {"ok": True}
    except StoreError as exc:
        checks["store_read"] = {"ok": False, "error": str(exc)}
    try:
        site.store.probe_write()
        checks["store_write"] = {"ok": True}
    except StoreError as exc:
        checks["store_write"] = {"ok": False, "error": str(exc)}
    try:
        overdue, oldest = site.store.overdue_alerts(at - OUTBOX_STUCK_AFTER)
        checks["outbox"] = {
            "ok": overdue == 0,
            "overdue": overdue,
            "oldest_due": oldest.isoformat() if oldest else None,
        }
    except StoreError as exc:
        checks["outbox"] = {"ok": False, "error": str(exc)}
    if site.is_alive is not None:
        try:
            alive = bool(site.is_alive())
        except Exception as exc:  # a broken probe is an unhealthy scheduler, not a crash
            checks["scheduler"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        else:
            checks["scheduler"] = {"ok": alive}
    ok = all(c["ok"] for c in checks.values())
    return ok, {"status": "ok" if ok else "fail", "checks": checks}


def health_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2) + "\n"
