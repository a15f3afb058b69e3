"""Time ``classify`` on a change of 100 hunks built from the labelled pairs.

    .venv/bin/python bench/bench_classify.py [--hunks 100] [--runs 30]

Sentence reading is memoised by text (a daemon sees the same sentences again and again), so the
first run is the cold one; the median is over the runs after it. Both are printed. The aim is a
median under 50 ms for 100 hunks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classify_eval import hunk_of, load

from watcher.classify import classify
from watcher.classify.sentences import sentence
from watcher.models import Change


def build(n: int) -> Change:
    pairs = load()
    hunks = [hunk_of(pairs[i % len(pairs)]) for i in range(n)]
    return Change(tuple(hunks))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hunks", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    change = build(args.hunks)
    sentence.cache_clear()
    start = time.perf_counter()
    classify(change)
    cold = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        classify(change)
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"classify, {args.hunks} hunks: cold {cold:.1f} ms, "
        f"warm median {statistics.median(times):.1f} ms over {args.runs} runs"
    )


if __name__ == "__main__":
    main()
