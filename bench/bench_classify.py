"""Time ``classify`` on a change of 100 hunks built from the labelled pairs.

    .venv/bin/python bench/bench_classify.py [--hunks 100] [--runs 30]

Sentence reading and some rule tests are memoised by text (a daemon sees the same sentences again
and again), so a run after ``clear_caches()`` (every memo of the package) is a cold one and a run on
full memos a warm one. Both are medians over
``--runs`` runs of the process's CPU time (``time.process_time``), so that other work on a busy
machine inflates neither; the wall-clock cold median is printed too. The aim is a cold median
under 50 ms for 100 hunks.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from classify_eval import hunk_of, load

from watcher.classify import classify, clear_caches
from watcher.models import Change


def build(n: int) -> Change:
    pairs = load()
    hunks = [hunk_of(pairs[i % len(pairs)]) for i in range(n)]
    return Change(tuple(hunks))


def _time(change: Change, *, cold: bool, clock: Callable[[], float] = time.process_time) -> float:
    if cold:
        clear_caches()  # every memo of the package: sentences, rule tests
    start = clock()
    classify(change)
    return (clock() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hunks", type=int, default=100)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    change = build(args.hunks)
    first = _time(change, cold=True)  # includes compiling what the re module compiles lazily
    cold = [_time(change, cold=True) for _ in range(args.runs)]
    wall = [_time(change, cold=True, clock=time.perf_counter) for _ in range(args.runs)]
    warm = [_time(change, cold=False) for _ in range(args.runs)]
    print(
        f"classify, {args.hunks} hunks (CPU time): first run {first:.1f} ms, "
        f"cold median {statistics.median(cold):.1f} ms, "
        f"warm median {statistics.median(warm):.1f} ms over {args.runs} runs; "
        f"cold wall-clock median {statistics.median(wall):.1f} ms"
    )


if __name__ == "__main__":
    main()
