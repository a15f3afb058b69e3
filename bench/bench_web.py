"""Benchmark of the web front: a change page and the feed, for a 1 MB policy with 50 hunks.

Builds a store in a temporary directory with two versions of a ~1 MB policy (the real diff and
classifier compute the change), starts the web front on 127.0.0.1, and measures each path with
one keep-alive client (median and p95 latency) and with several concurrent clients (requests per
second).

    .venv/bin/python bench/bench_web.py [--seconds 5] [--clients 4]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from watcher import config as config_mod
from watcher import web
from watcher.models import Document, Outcome, TargetId
from watcher.pipeline import compare
from watcher.store import CheckRecord, NewChange, NewVersion, Store

WORDS = [
    "we",
    "collect",
    "store",
    "process",
    "share",
    "retain",
    "delete",
    "personal",
    "data",
    "account",
    "service",
    "users",
    "information",
    "providers",
    "partners",
    "law",
    "request",
    "security",
    "purposes",
    "connection",
    "logs",
    "email",
    "address",
    "payment",
    "cookies",
    "analytics",
    "third",
    "parties",
    "consent",
    "rights",
    "access",
    "period",
    "days",
]


def policy(rng: random.Random, paragraphs: int) -> list[str]:
    out = []
    for i in range(paragraphs):
        if i % 40 == 0:
            out.append(f"# Section {i // 40 + 1}")
        else:
            out.append(" ".join(rng.choice(WORDS) for _ in range(70)).capitalize() + ".")
    return out


def build(state: Path, hunks: int = 50, size: int = 1_000_000) -> tuple[Store, int, int]:
    rng = random.Random(7)
    old = policy(rng, 10)
    while len("\n\n".join(old)) < size:
        old += policy(rng, 200)
    new = list(old)
    step = len(new) // hunks
    for k in range(hunks):
        i = k * step + 1
        if new[i].startswith("#"):
            i += 1
        new[i] = new[i].replace(" we ", " we do not ", 1) + " We may share it with partners."
    old_text, new_text = "\n\n".join(old), "\n\n".join(new)
    t0 = time.perf_counter()
    change, verdict = compare(Document.parse(old_text), Document.parse(new_text))
    diff_s = time.perf_counter() - t0
    store = Store.open(state)
    tid = TargetId("bench/policy")
    at = datetime.now(UTC) - timedelta(hours=1)
    for i, text in enumerate((old_text, new_text)):
        store.commit_check(
            CheckRecord(
                tid,
                at + timedelta(minutes=i),
                0.5,
                Outcome.NEW if i == 0 else Outcome.CHANGED,
                status=200,
                raw=f"<html><body><main>{text}</main></body></html>".encode(),
                content_type="text/html",
                version=NewVersion(text, "bench"),
                change=NewChange(change, verdict) if i else None,
            )
        )
    print(
        f"policy: {len(new_text) / 1e6:.2f} MB, {len(new)} blocks, {len(change.hunks)} hunks, "
        f"severity {verdict.severity.value}; diff+classify {diff_s:.2f} s"
    )
    return store, len(change.hunks), len(new_text)


def measure(base: str, path: str, seconds: float, clients: int) -> None:
    with httpx.Client(base_url=base, timeout=30) as c:
        size = len(c.get(path).content)
        lat: list[float] = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t = time.perf_counter()
            r = c.get(path)
            lat.append(time.perf_counter() - t)
            assert r.status_code == 200
    count = [0] * clients

    def worker(n: int, stop: float) -> None:
        with httpx.Client(base_url=base, timeout=30) as c:
            while time.perf_counter() < stop:
                assert c.get(path).status_code == 200
                count[n] += 1

    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=worker, args=(n, stop)) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    lat.sort()
    print(
        f"{path:<28} {size / 1024:8.0f} KiB  median {statistics.median(lat) * 1000:7.1f} ms  "
        f"p95 {lat[int(len(lat) * 0.95)] * 1000:7.1f} ms  "
        f"1 client {len(lat) / seconds:6.1f} req/s  "
        f"{clients} clients {sum(count) / seconds:6.1f} req/s"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--clients", type=int, default=4)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store, _, _ = build(Path(tmp) / "state")
        cfg = config_mod.parse(
            {
                "watcher": {"state_dir": str(Path(tmp) / "state")},
                "targets": [{"id": "bench/policy", "url": "http://127.0.0.1:9/"}],
            }
        )
        handle = web.start_server(cfg, store, listen="127.0.0.1:0")
        try:
            for path in [
                "/changes/1",
                "/changes/1?view=side",
                "/feeds/changes.atom",
                "/targets/bench/policy",
                "/",
                "/metrics",
            ]:
                measure(handle.url, path, args.seconds, args.clients)
        finally:
            handle.stop()
            store.close()


if __name__ == "__main__":
    main()
