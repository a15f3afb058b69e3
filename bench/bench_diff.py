"""How fast watcher.diff is on policies of 10 KB, 100 KB and 1 MB.

Run: ``.venv/bin/python bench/bench_diff.py [--repeat N] [--timeout SECONDS]``

For each size, three edits of a generated policy: a few edits (3 word edits, one paragraph added,
one removed, one moved), many edits (a tenth of the paragraphs edited, some added, removed and
moved) and a full rewrite (another policy of the same size). Prints the median wall time of
``diff`` over the runs, its peak traced memory (tracemalloc, measured in a separate run because
tracing slows the code down) and the shape of the result. Documents are generated from a fixed
seed, so runs are comparable across commits.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable

from watcher.diff import diff
from watcher.models import Block, BlockKind, Change, Document

_VOCABULARY = (
    "we your data personal information collect use share store process retain delete "
    "service account provider third parties partners advertising analytics ip address "
    "connection timestamps logs dns queries bandwidth payment email device browser cookies "
    "law enforcement request court order jurisdiction panama switzerland days months years "
    "security encryption access rights object erase portability consent withdraw contact "
    "may will never not only except when required to comply with applicable laws and the "
    "of for in on by a an or as is are be this that which these those such other any all"
)
_WORDS = _VOCABULARY.split()


def _sentence(rng: random.Random) -> str:
    n = rng.randint(8, 30)
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))


def policy(size: int, seed: int) -> Document:
    """A policy-shaped document of about ``size`` characters: sections, paragraphs, lists."""
    rng = random.Random(seed)
    blocks: list[Block] = [Block(BlockKind.HEADING, "Privacy Policy", 1)]
    length = 0
    section = 0
    while length < size:
        if rng.random() < 0.08:
            section += 1
            blocks.append(Block(BlockKind.HEADING, f"{section}. {_sentence(rng)[:40]}", 2))
        elif rng.random() < 0.2:
            blocks.append(Block(BlockKind.ITEM, _sentence(rng)))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, _paragraph(rng)))
        length += len(blocks[-1].text) + 2
    return Document(tuple(blocks))


def _edit_words(rng: random.Random, block: Block) -> Block:
    words = block.text.split(" ")
    for _ in range(rng.randint(1, 3)):
        words[rng.randrange(len(words))] = rng.choice(_WORDS)
    return Block(block.kind, " ".join(words), block.level)


def edited(doc: Document, share: float, seed: int) -> Document:
    """``doc`` with a share of its blocks edited, plus added, removed and moved blocks."""
    rng = random.Random(seed)
    blocks = list(doc.blocks)
    n_edits = max(3, int(len(blocks) * share))
    n_moves = max(1, n_edits // 10)
    for _ in range(n_edits):
        i = rng.randrange(1, len(blocks))
        blocks[i] = _edit_words(rng, blocks[i])
    for _ in range(n_moves):
        blocks.insert(rng.randrange(1, len(blocks)), Block(BlockKind.PARAGRAPH, _paragraph(rng)))
        blocks.pop(rng.randrange(1, len(blocks)))
        block = blocks.pop(rng.randrange(1, len(blocks)))
        blocks.insert(rng.randrange(1, len(blocks)), block)
    return Document(tuple(blocks))


def _median_ms(fn: Callable[[], Change], repeat: int) -> tuple[float, Change]:
    times = []
    result = fn()  # warm-up, and the result to describe
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def _peak_kib(fn: Callable[[], Change]) -> float:
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case (median)")
    parser.add_argument("--timeout", type=float, default=2.0, help="diff's timeout, seconds")
    args = parser.parse_args()

    print(f"{'size':>6} {'edit':>8} {'blocks':>7} {'median ms':>10} {'peak KiB':>9}  result")
    for label, size in (("10KB", 10_000), ("100KB", 100_000), ("1MB", 1_000_000)):
        old = policy(size, seed=1)
        cases = {
            "few": edited(old, 0.0, seed=2),
            "many": edited(old, 0.1, seed=3),
            "rewrite": policy(size, seed=4),
        }
        repeat = args.repeat if size < 1_000_000 else max(1, args.repeat // 2)
        for name, new in cases.items():

            def run(old: Document = old, new: Document = new) -> Change:
                return diff(old, new, timeout=args.timeout)

            ms, change = _median_ms(run, repeat)
            peak = _peak_kib(run)
            kinds = Counter(h.kind.value for h in change.hunks)
            shape = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            if change.timed_out:
                shape += " (timed out)"
            blocks = f"{len(old.blocks)}/{len(new.blocks)}"
            print(f"{label:>6} {name:>8} {blocks:>7} {ms:>10.1f} {peak:>9.0f}  {shape}")


if __name__ == "__main__":
    main()
