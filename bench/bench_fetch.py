"""Benchmark the fetch stage: one pass over N pages on 127.0.0.1, unchanged then changed.

Run: ``.venv/bin/python bench/bench_fetch.py [--pages 1000] [--workers 8] [--size 40000]``

What it measures is the client side the daemon pays for, not the server: the server runs in a
separate process so that ``getrusage(RUSAGE_SELF)`` counts only fetch's CPU. Like the daemon, a
small thread pool shares one ``httpx.Client``. Three passes:

1. ``initial``: plain GETs (200, gzip bodies), which give every page its validators;
2. ``unchanged``: conditional GETs with those validators, answered 304;
3. ``changed``: every page has a new version, so conditional GETs get 200 and a new body.

Reported per pass: pages per second (wall), CPU seconds per page (user + system of this process),
and the process's peak RSS so far.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import resource
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.faultserver

from tests.faultserver import Exchange, FaultServer, send
from watcher.fetch import fetch, make_client
from watcher.models import Fetched, FetchSettings, NotModified, Target, TargetId, Validators

PARAGRAPH = (
    "We collect your e-mail address and payment details to provide the service. We do not store "
    "connection timestamps, source IP addresses or browsing activity. "
)


def _page(index: int, version: int, size: int) -> bytes:
    text = f"<h1>Provider {index} privacy policy, version {version}</h1>"
    body = "".join(f"<p>{PARAGRAPH}</p>" for _ in range(size // (len(PARAGRAPH) + 7) + 1))
    return f"<!doctype html><html><body><main>{text}{body}</main></body></html>".encode()


def _serve(pages: int, size: int, conn: Connection) -> None:
    """The server process: /p/N serves page N of the current version, honouring validators."""
    state = {"version": 1}
    bodies: dict[int, bytes] = {}

    def build() -> None:
        bodies.clear()
        for i in range(pages):
            bodies[i] = gzip.compress(_page(i, state["version"], size), compresslevel=6)

    def page(ex: Exchange) -> None:
        index = int(ex.path.rsplit("/", 1)[1])
        etag = f'"{index}-{state["version"]}"'
        if ex.headers.get("If-None-Match") == etag:
            send(ex, 304, b"", {"ETag": etag})
            return
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Encoding": "gzip",
            "ETag": etag,
        }
        send(ex, 200, bodies[index], headers)

    build()
    with FaultServer() as server:
        for i in range(pages):
            server.route(f"/p/{i}", page)
        conn.send(server.port)
        while True:
            command = conn.recv()
            if command == "bump":
                state["version"] += 1
                build()
                conn.send("ok")
            else:
                break


def _pass(
    name: str,
    targets: list[Target],
    validators: dict[str, Validators],
    settings: FetchSettings,
    workers: int,
) -> None:
    """Fetch every target once with a shared client; print throughput, CPU and RSS."""
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    with make_client(settings) as client:

        def one(target: Target) -> None:
            result = fetch(client, target, validators.get(target.id), settings)
            kind = "304" if isinstance(result, NotModified) else str(result.status)
            if isinstance(result, Fetched):
                validators[target.id] = Validators(etag=result.etag)
            with lock:
                outcomes[kind] = outcomes.get(kind, 0) + 1

        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for future in [pool.submit(one, t) for t in targets]:
                future.result()
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    n = len(targets)
    print(
        f"{name:<10} {n} pages  {n / wall:8.1f} pages/s  {cpu / n * 1000:6.3f} ms CPU/page  "
        f"peak RSS {after.ru_maxrss / 1024:6.1f} MiB  statuses {dict(sorted(outcomes.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--size", type=int, default=40_000, help="bytes of HTML per page")
    args = parser.parse_args()

    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("spawn").Process(
        target=_serve, args=(args.pages, args.size, theirs), daemon=True
    )
    server.start()
    port = ours.recv()
    settings = FetchSettings(user_agent="watcher-bench/0.1", retries=0, total_timeout=30.0)
    targets = [
        Target(id=TargetId(f"bench/p{i}"), url=f"http://127.0.0.1:{port}/p/{i}", provider="B")
        for i in range(args.pages)
    ]
    validators: dict[str, Validators] = {}
    print(
        f"python {sys.version.split()[0]}, {args.workers} threads sharing one httpx.Client, "
        f"~{args.size:,}-byte gzip pages, server in a separate process"
    )
    _pass("initial", targets, validators, settings, args.workers)
    _pass("unchanged", targets, validators, settings, args.workers)
    ours.send("bump")
    ours.recv()
    _pass("changed", targets, validators, settings, args.workers)
    ours.send("stop")
    server.join(timeout=10)


if __name__ == "__main__":
    main()
