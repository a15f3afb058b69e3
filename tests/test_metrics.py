"""``/metrics`` read by the Prometheus client's own parser; figures checked against the store."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import PageServer
from tests.test_web_support import World, make_config, open_world
from watcher import web
from watcher.store import OutboxItem, Store


@pytest.fixture
def web_world(pages: PageServer, tmp_path: Path) -> Iterator[World]:
    yield from open_world(pages, tmp_path)


def families(w: World) -> dict[str, Any]:
    r = w.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def value(fams: dict[str, Any], family: str, sample: str | None = None, **labels: str) -> float:
    matches = [
        s.value
        for s in fams[family].samples
        if (sample is None or s.name == sample)
        and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert len(matches) == 1, (family, labels, matches)
    return float(matches[0])


def test_checks_by_target_and_outcome(web_world: World) -> None:
    fams = families(web_world)
    assert fams["watcher_checks"].type == "counter"
    assert value(fams, "watcher_checks", target="jetvpn/privacy", outcome="new") == 1
    assert value(fams, "watcher_checks", target="jetvpn/privacy", outcome="changed") == 1
    assert value(fams, "watcher_checks", target="acme/terms", outcome="error") == 2
    assert value(fams, "watcher_checks", target="acme/terms", outcome="changed") == 0
    assert value(fams, "watcher_changes", severity="critical") == 1


def test_check_duration_histogram(web_world: World) -> None:
    fams = families(web_world)
    h = fams["watcher_check_duration_seconds"]
    assert h.type == "histogram"
    buckets = [s for s in h.samples if s.name.endswith("_bucket")]
    counts = [s.value for s in buckets]
    assert counts == sorted(counts)  # cumulative
    assert buckets[-1].labels["le"] == "+Inf" and counts[-1] == 4
    assert (
        value(fams, "watcher_check_duration_seconds", "watcher_check_duration_seconds_count") == 4
    )
    total = sum(r.elapsed for rs in web_world.results.values() for r in rs)
    measured = value(fams, "watcher_check_duration_seconds", "watcher_check_duration_seconds_sum")
    assert abs(measured - total) < 0.01


def test_failing_targets_and_last_success(web_world: World) -> None:
    fams = families(web_world)
    assert value(fams, "watcher_targets_failing") == 1
    assert value(fams, "watcher_target_failing_checks", target="acme/terms") == 2
    assert value(fams, "watcher_target_failing_checks", target="jetvpn/privacy") == 0
    last = value(fams, "watcher_last_success_timestamp_seconds", target="jetvpn/privacy")
    assert abs(last - time.time()) < 60
    assert not [
        s
        for s in fams["watcher_last_success_timestamp_seconds"].samples
        if s.labels["target"] == "acme/terms"
    ]


def test_alerts_and_outbox(web_world: World) -> None:
    store = web_world.ctx.store
    pending = store.outbox(("pending",))
    fams = families(web_world)
    assert value(fams, "watcher_outbox_pending") == len(pending) > 0
    assert value(fams, "watcher_alerts_sent", group="ngo") == 0
    store.mark_delivery(pending[0].id, ok=False, error="timeout")
    store.mark_delivery(pending[0].id, ok=True)
    fams = families(web_world)
    group = pending[0].group
    assert value(fams, "watcher_alerts_sent", group=group) == 1
    assert value(fams, "watcher_alerts_failed", group=group) == 1
    assert value(fams, "watcher_outbox_pending") == len(pending) - 1


def test_label_values_are_escaped(pages: PageServer, tmp_path: Path) -> None:
    """A group name with quotes, a backslash and a newline still parses."""
    cfg = make_config(pages, tmp_path / "state")
    store = Store.open(cfg.settings.state_dir)
    weird = 'the "quoted"\\group\nline'
    store.add_alerts([OutboxItem(weird, "test", "k1", {})])
    item = store.outbox(("pending",))[0]
    store.mark_delivery(item.id, ok=True)
    handle = web.start_server(cfg, store, listen="127.0.0.1:0")
    try:
        import httpx

        text = httpx.get(handle.url + "/metrics").text
    finally:
        handle.stop()
        store.close()
    fams = {f.name: f for f in text_string_to_metric_families(text)}
    assert value(fams, "watcher_alerts_sent", group=weird) == 1
    assert value(fams, "watcher_checks", target="jetvpn/privacy", outcome="new") == 0
