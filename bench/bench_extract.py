"""Time extract + normalize on generated policy pages of 20 KB, 200 KB and 2 MB.

Run: .venv/bin/python bench/bench_extract.py
Prints, per size, the median and minimum wall time over several runs, the same for CPU time (the
process's own, which other work on a shared machine disturbs much less than the wall clock), and
the peak memory traced while extracting once (tracemalloc, Python allocations only; lxml's C
allocations are not seen).
"""

from __future__ import annotations

import random
import statistics
import time
import tracemalloc
from datetime import UTC, datetime

from watcher.extract import extract
from watcher.models import Fetched
from watcher.normalize import normalize

WORDS = [
    "we",
    "do",
    "not",
    "store",
    "connection",
    "logs",
    "your",
    "data",
    "personal",
    "information",
    "service",
    "providers",
    "may",
    "share",
    "with",
    "third",
    "parties",
    "for",
    "purposes",
    "of",
    "billing",
    "security",
    "retention",
    "period",
    "days",
    "law",
    "enforcement",
]


def make_page(size: int, rng: random.Random) -> bytes:
    """A realistic page: site chrome, a cookie banner, and policy sections up to ``size`` bytes."""
    head = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Privacy Policy</title>"
        "<script>window.dataLayer=[];</script><style>p{margin:0}</style></head><body>"
        "<header class='site-header'><nav><ul>"
        + "".join(f"<li><a href='/{i}'>Item {i}</a></li>" for i in range(12))
        + "</ul></nav></header><div id='cookie-consent' class='cc-banner'><p>We use cookies."
        "</p><button>Accept</button></div><main><article><h1>Privacy Policy</h1>"
    )
    tail = "</article></main><footer><p>© 2024 Example</p></footer></body></html>"
    parts = [head]
    size_now = len(head) + len(tail)
    section = 0
    while size_now < size:
        section += 1
        chunk = [f"<h2 class='css-{rng.randrange(10**6)}'>Section {section}</h2>"]
        for _ in range(4):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 60)))
            chunk.append(
                f"<p class='x{rng.randrange(99)}'>{words[:40]}<strong>{words[40:60]}"
                f"</strong><a href='/p?{rng.randrange(10**6)}'>{words[60:]}</a>.</p>"
            )
        chunk.append(
            "<ul>" + "".join(f"<li>{rng.choice(WORDS)} item</li>" for _ in range(5)) + "</ul>"
        )
        text = "\n  ".join(chunk) + "\n"  # served pages are indented: text nodes of whitespace
        parts.append(text)
        size_now += len(text)
    parts.append(tail)
    return "".join(parts).encode("utf-8")


def run(body: bytes) -> None:
    fetched = Fetched(
        url="https://example.com/privacy",
        status=200,
        content_type="text/html; charset=utf-8",
        body=body,
        fetched_at=datetime.now(UTC),
    )
    normalize(extract(fetched))


def main() -> None:
    rng = random.Random(1)
    print(
        f"{'size':>8} {'bytes':>10} {'median ms':>10} {'min ms':>8} {'cpu median':>11} "
        f"{'cpu min':>8} {'peak MiB':>9} runs"
    )
    for label, size, runs in (
        ("20 KB", 20_000, 50),
        ("200 KB", 200_000, 20),
        ("2 MB", 2_000_000, 5),
    ):
        body = make_page(size, rng)
        run(body)  # warm-up
        times: list[float] = []
        cpu: list[float] = []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            run(body)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        tracemalloc.start()
        run(body)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{label:>8} {len(body):>10} {statistics.median(times):>10.1f} {min(times):>8.1f} "
            f"{statistics.median(cpu):>11.1f} {min(cpu):>8.1f} {peak / 2**20:>9.1f} {runs}"
        )


if __name__ == "__main__":
    main()
