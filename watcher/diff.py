"""Compare two documents: blocks first, then words inside the blocks that changed.

Why two levels: a policy is a few hundred blocks of a few dozen words. Diffing the whole text
character by character is slow on long policies and produces edits that cut through words and
paragraphs. Instead every distinct block rendering becomes one symbol (one character), so the
block-level diff is a diff of short strings however long the policy is; only the blocks that
changed are then compared word by word (each distinct word or space run one symbol), which is
what people read.

On top of the plain alignment, three things a policy editor does are recognised so that they never
look like text deleted and text added: a block moved unchanged (one ``moved`` hunk), a paragraph
split in two or more, and paragraphs merged into one (a ``modified`` hunk whose words show only the
whitespace that changed).

Hunk texts are ``Block.text`` (without the ``#``/``-``/``|`` prefixes of ``Block.render``); a hunk
that spans several blocks (a split or a merge) joins their texts with ``"\\n\\n"``, as
``Document.text`` does. Hunks carry enough to rebuild the new block texts from the old document
(``apply_hunks``), which is how the tests check that nothing is lost.

Cost is bounded: one deadline (``timeout`` seconds) covers the whole call. diff-match-patch gives
up at the deadline with a coarse but valid diff; word-level comparisons that do not fit are
skipped (a ``modified`` hunk without words) and ``Change.timed_out`` says so.

This is the only module that imports diff_match_patch. It is pure: no I/O, no clock except the
deadline.
"""

from __future__ import annotations

import bisect
import itertools
import re
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

from watcher.models import Block, BlockKind, Change, Document, Hunk, HunkKind, WordOp

__all__ = ["apply_hunks", "diff", "heading_paths", "word_ops"]

SEPARATOR = "\n\n"
"""How a hunk that spans several blocks joins their texts (as ``Document.text`` does)."""

_DELETE, _EQUAL, _INSERT = -1, 0, 1

# Tokens for the word-level diff: a run of word characters, a run of whitespace, or one other
# character (punctuation is its own token so "data." -> "data;" changes only the mark).
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)

# Symbols start above ASCII so that no symbol is a newline (diff-match-patch treats those
# specially) and skip the surrogate range, which a Python str may hold but other code may not.
_SYMBOL_BASE = 0x100
_SURROGATES = range(0xD800, 0xE000)
_MAX_SYMBOLS = 0x110000 - _SYMBOL_BASE - len(_SURROGATES)

# Pairing removed and added blocks compares every removed block with every added one in a run of
# changes; above this many comparisons a cheaper greedy pass looks only near the same position.
_PAIR_FULL_LIMIT = 40_000
_PAIR_WINDOW = 8
# Two blocks are "the same paragraph, edited" when this share of their word pairs is common (Dice).
_PAIR_THRESHOLD = 0.3
# The most blocks a split or merge may involve.
_SPLIT_MAX = 8


class _OutOfSymbols(Exception):
    """More distinct tokens than there are characters to stand for them."""


def _symbol(n: int) -> str:
    code = _SYMBOL_BASE + n
    if code >= _SURROGATES.start:
        code += len(_SURROGATES)
    return chr(code)


class _Symbols:
    """Maps each distinct hashable item to one character, so sequences become strings."""

    def __init__(self) -> None:
        self._codes: dict[Hashable, str] = {}

    def encode(self, items: Sequence[Hashable]) -> str:
        codes = self._codes
        out = []
        for item in items:
            sym = codes.get(item)
            if sym is None:
                if len(codes) >= _MAX_SYMBOLS:
                    raise _OutOfSymbols
                sym = _symbol(len(codes))
                codes[item] = sym
            out.append(sym)
        return "".join(out)


def _dmp(timeout: float) -> diff_match_patch:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = timeout
    return dmp


def _deadline(timeout: float) -> float:
    return time.time() + timeout if timeout > 0 else float("inf")


def _expired(deadline: float) -> bool:
    return time.time() >= deadline


def _remaining(deadline: float) -> float:
    """What is left of the deadline, as diff-match-patch's Diff_Timeout (0 means none)."""
    return 0.0 if deadline == float("inf") else max(deadline - time.time(), 1e-6)


def _dmp_deadline(deadline: float) -> float:
    # diff-match-patch compares against time.time(); it wants a finite number.
    return deadline if deadline != float("inf") else float(2**62)


# ---------------------------------------------------------------------------------------------
# Word level


def tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs and single punctuation marks (lossless)."""
    return _TOKEN.findall(text)


def word_ops(old: str, new: str, *, timeout: float = 2.0) -> tuple[tuple[WordOp, ...], bool]:
    """Word-level diff of two texts, cleaned up for people to read.

    Returns the ops and whether the deadline was hit (the ops are then still a valid but coarse
    diff: joining the kept and deleted ops gives ``old``, the kept and inserted ones ``new``).
    """
    return _word_ops(old, new, _deadline(timeout))


def _word_ops(old: str, new: str, deadline: float) -> tuple[tuple[WordOp, ...], bool]:
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    symbols = _Symbols()
    try:
        a = symbols.encode(old_tokens)
        b = symbols.encode(new_tokens)
    except _OutOfSymbols:
        return _coarse_ops(old, new), True
    dmp = _dmp(_remaining(deadline))
    diffs = dmp.diff_main(a, b, False, _dmp_deadline(deadline))
    timed_out = _expired(deadline)
    if not timed_out:
        dmp.diff_cleanupSemantic(diffs)
    ops: list[WordOp] = []
    oi = ni = 0
    for op, chars in diffs:
        n = len(chars)
        if op == _INSERT:
            text = "".join(new_tokens[ni : ni + n])
            ni += n
        else:
            text = "".join(old_tokens[oi : oi + n])
            oi += n
            if op == _EQUAL:
                ni += n
        if ops and ops[-1].op == op:
            ops[-1] = WordOp(op, ops[-1].text + text)
        else:
            ops.append(WordOp(op, text))
    return tuple(ops), timed_out


def _coarse_ops(old: str, new: str) -> tuple[WordOp, ...]:
    ops = []
    if old:
        ops.append(WordOp(_DELETE, old))
    if new:
        ops.append(WordOp(_INSERT, new))
    return tuple(ops)


# ---------------------------------------------------------------------------------------------
# Headings


def heading_paths(doc: Document) -> list[str]:
    """For each block, the headings above it, outermost first, joined with `` > ``.

    A heading's own path holds only its parents (the headings of a lower level above it), so a
    changed heading is located by the section it sits in, not by itself.
    """
    stack: list[tuple[int, str]] = []
    paths: list[str] = []
    below = ""  # the path of a block below the last heading, which is most blocks
    for block in doc.blocks:
        if block.kind is BlockKind.HEADING:
            level = max(1, block.level)
            while stack and stack[-1][0] >= level:
                stack.pop()
            paths.append(" > ".join(t for _, t in stack))
            stack.append((level, " ".join(block.text.split())))
            below = " > ".join(t for _, t in stack)
        else:
            paths.append(below)
    return paths


# ---------------------------------------------------------------------------------------------
# Block level


@dataclass(slots=True)
class _Region:
    """A run of old blocks replaced by a run of new blocks between two unchanged blocks."""

    new_start: int
    removed: list[int] = field(default_factory=list)
    added: list[int] = field(default_factory=list)


def _align(
    old_keys: list[str], new_keys: list[str], deadline: float
) -> tuple[list[tuple[int, int]], bool]:
    """The unchanged blocks: (old index, new index) pairs, in order, and whether time ran out.

    Blocks found on one side only can never be part of the alignment, so they are left out of
    the strings given to diff-match-patch: the longest common subsequence is the same, and a
    full rewrite costs nothing instead of the worst case of the diff algorithm.
    """
    old_set, new_set = set(old_keys), set(new_keys)
    common = old_set & new_set
    old_pos = [i for i, k in enumerate(old_keys) if k in common]
    new_pos = [j for j, k in enumerate(new_keys) if k in common]
    if not old_pos or not new_pos:
        return [], False
    symbols = _Symbols()
    a = symbols.encode([old_keys[i] for i in old_pos])
    b = symbols.encode([new_keys[j] for j in new_pos])
    dmp = _dmp(_remaining(deadline))
    diffs = dmp.diff_main(a, b, False, _dmp_deadline(deadline))
    timed_out = _expired(deadline)
    pairs: list[tuple[int, int]] = []
    oi = ni = 0
    for op, chars in diffs:
        n = len(chars)
        if op == _EQUAL:
            pairs.extend(zip(old_pos[oi : oi + n], new_pos[ni : ni + n], strict=True))
            oi += n
            ni += n
        elif op == _DELETE:
            oi += n
        else:
            ni += n
    return pairs, timed_out


def _regions(pairs: list[tuple[int, int]], n_old: int, n_new: int) -> list[_Region]:
    regions: list[_Region] = []
    prev_o = prev_n = -1
    for o, n in [*pairs, (n_old, n_new)]:
        if o - prev_o > 1 or n - prev_n > 1:
            regions.append(
                _Region(prev_n + 1, list(range(prev_o + 1, o)), list(range(prev_n + 1, n)))
            )
        prev_o, prev_n = o, n
    return regions


def _squash(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class _Pair:
    """Old blocks that became new blocks: 1:1 (edited), 1:n (split) or n:1 (merged)."""

    old: tuple[int, ...]
    new: tuple[int, ...]


def _find_splits(
    removed: list[int], added: list[int], old: Sequence[Block], new: Sequence[Block]
) -> list[_Pair]:
    """Old blocks equal to several consecutive new blocks joined, and the other way round.

    Texts are compared with whitespace squashed, so "A. B." split into "A." and "B." matches.
    Only blocks that are next to each other in the document can form a split or a merge. A
    window of blocks grows only while its text is the start of some wanted text, so the cost
    stays near linear on a full rewrite.
    """
    pairs: list[_Pair] = []
    used_old: set[int] = set()
    used_new: set[int] = set()

    def scan(
        singles: list[int],
        runs: list[int],
        single_blocks: Sequence[Block],
        run_blocks: Sequence[Block],
        make: Callable[[int, tuple[int, ...]], _Pair],
        used_single: set[int],
        used_run: set[int],
    ) -> None:
        wanted: dict[str, list[int]] = {}
        for i in singles:
            if i not in used_single and SEPARATOR not in single_blocks[i].text:
                key = _squash(single_blocks[i].text)
                if key:
                    wanted.setdefault(key, []).append(i)
        if not wanted:
            return
        keys = sorted(wanted)

        def starts_some_key(prefix: str) -> bool:
            at = bisect.bisect_left(keys, prefix)
            return at < len(keys) and keys[at].startswith(prefix)

        for start in range(len(runs)):
            joined = ""
            for k in range(1, _SPLIT_MAX + 1):
                if start + k > len(runs):
                    break
                j = runs[start + k - 1]
                if k > 1 and j != runs[start + k - 2] + 1:
                    break  # only blocks adjacent in the document
                if j in used_run or SEPARATOR in run_blocks[j].text:
                    break
                part = _squash(run_blocks[j].text)
                joined = f"{joined} {part}" if k > 1 else part
                if k > 1 and joined in wanted:
                    window = tuple(runs[start : start + k])
                    hits = wanted[joined]
                    single = hits.pop(0)
                    if not hits:
                        del wanted[joined]
                        keys.remove(joined)
                    used_single.add(single)
                    used_run.update(window)
                    pairs.append(make(single, window))
                    break
                if not joined or not starts_some_key(joined + " "):
                    break

    # One old block -> several new ones: a split. Several old -> one new: a merge.
    scan(removed, added, old, new, lambda i, w: _Pair((i,), w), used_old, used_new)
    scan(added, removed, new, old, lambda j, w: _Pair(w, (j,)), used_new, used_old)
    return pairs


def _word_set(text: str) -> frozenset[int]:
    """What similarity compares: pairs of consecutive words, with the start and end marked.

    Pairs rather than words because unrelated paragraphs of one policy share most of their
    words ("we", "your", "data") but few pairs, while an edited paragraph keeps most pairs.
    The marks give a one-word block something to compare. Pairs are kept as hashes, which
    take a fraction of the memory of tuples on a long policy; a collision only nudges a score.
    """
    words = ["", *(w.casefold() for w in _WORD.findall(text)), ""]
    return frozenset(hash(pair) for pair in itertools.pairwise(words))


def _similarity(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def _pair_by_similarity(
    removed: list[int], added: list[int], old: Sequence[Block], new: Sequence[Block]
) -> list[_Pair]:
    """Pair removed with added blocks that are edits of each other.

    Small runs: every removed block is compared with every added one and the most similar
    pairs are taken first, wherever they are (a paragraph moved and edited is still one
    modified hunk). Ties go to the pair closest in position. Large runs: a greedy pass in
    document order that looks a few blocks ahead.
    """
    if not removed or not added:
        return []
    old_words = [_word_set(old[i].text) for i in removed]
    new_words = [_word_set(new[j].text) for j in added]
    r, a = len(removed), len(added)
    if r * a <= _PAIR_FULL_LIMIT:
        candidates = []
        for x, ow in enumerate(old_words):
            for y, nw in enumerate(new_words):
                s = _similarity(ow, nw)
                if s >= _PAIR_THRESHOLD:
                    candidates.append((-s, abs(removed[x] - added[y]), x, y))
        candidates.sort()
        taken_x: set[int] = set()
        taken_y: set[int] = set()
        found: list[_Pair] = []
        for _, _, x, y in candidates:
            if x not in taken_x and y not in taken_y:
                taken_x.add(x)
                taken_y.add(y)
                found.append(_Pair((removed[x],), (added[y],)))
        return found
    pairs = []
    y0 = 0
    for x in range(r):
        best_y, best_s = -1, _PAIR_THRESHOLD
        for y in range(y0, min(a, y0 + _PAIR_WINDOW)):
            s = _similarity(old_words[x], new_words[y])
            if s >= best_s:
                best_y, best_s = y, s
        if best_y >= 0:
            pairs.append(_Pair((removed[x],), (added[best_y],)))
            y0 = best_y + 1
    return pairs


def diff(old: Document, new: Document, *, timeout: float = 2.0) -> Change:
    """The hunks that turn ``old`` into ``new``, in the order of the new document.

    ``timeout`` (seconds; 0 or less means none) bounds the whole call. When it runs out the
    result is still complete and valid, only coarser (``Change.timed_out`` is then True).
    """
    deadline = _deadline(timeout)
    old_blocks, new_blocks = old.blocks, new.blocks
    old_keys = [b.render() for b in old_blocks]
    new_keys = [b.render() for b in new_blocks]
    if old_keys == new_keys:
        return Change(())

    pairs, timed_out = _align(old_keys, new_keys, deadline)
    regions = _regions(pairs, len(old_keys), len(new_keys))

    # Moves: a block removed in one place and added, unchanged, in another.
    removed_by_key: dict[str, list[int]] = {}
    for region in regions:
        for i in region.removed:
            removed_by_key.setdefault(old_keys[i], []).append(i)
    moves: dict[int, int] = {}  # new index -> old index
    for region in regions:
        for j in region.added:
            candidates = removed_by_key.get(new_keys[j])
            if candidates:
                moves[j] = candidates.pop(0)
    moved_old = set(moves.values())

    old_paths = heading_paths(old)
    new_paths = heading_paths(new)
    # Sort key of each hunk: its place in the new document; removed blocks go just after the
    # new block that precedes them.
    keyed: list[tuple[float, int, Hunk]] = []

    # Edited, split and merged blocks. Pairing looks across the whole document when that is
    # cheap, so an edit next to a moved block (which cuts the alignment in two) is still found.
    groups = [
        (
            [i for i in r.removed if i not in moved_old],
            [j for j in r.added if j not in moves],
        )
        for r in regions
    ]
    all_removed = [i for rem, _ in groups for i in rem]
    all_added = [j for _, add in groups for j in add]
    if len(all_removed) * len(all_added) <= _PAIR_FULL_LIMIT:
        groups = [(all_removed, all_added)]
    matched: list[_Pair] = []
    for removed, added in groups:
        found = _find_splits(removed, added, old_blocks, new_blocks)
        split_old = {i for p in found for i in p.old}
        split_new = {j for p in found for j in p.new}
        found += _pair_by_similarity(
            [i for i in removed if i not in split_old],
            [j for j in added if j not in split_new],
            old_blocks,
            new_blocks,
        )
        matched += found
    used_old = {i for p in matched for i in p.old}
    used_new = {j for p in matched for j in p.new}

    for p in matched:
        old_text = SEPARATOR.join(old_blocks[i].text for i in p.old)
        new_text = SEPARATOR.join(new_blocks[j].text for j in p.new)
        words: tuple[WordOp, ...] = ()
        if _expired(deadline):
            timed_out = True
        else:
            words, late = _word_ops(old_text, new_text, deadline)
            if late:
                timed_out = True
                words = ()
        hunk = Hunk(
            HunkKind.MODIFIED,
            old_text,
            new_text,
            old_index=p.old[0],
            new_index=p.new[0],
            heading=new_paths[p.new[0]],
            words=words,
        )
        keyed.append((p.new[0], p.old[0], hunk))
    for j in all_added:
        if j not in used_new:
            keyed.append(
                (j, -1, Hunk(HunkKind.ADDED, "", new_blocks[j].text, None, j, new_paths[j]))
            )
    for j, i in moves.items():
        text = new_blocks[j].text
        keyed.append((j, i, Hunk(HunkKind.MOVED, text, text, i, j, new_paths[j])))

    # A removed block is shown just after the new block that the nearest old block before it
    # became (unchanged or edited).
    anchor = dict(pairs)
    removed_set = set(all_removed)
    anchor.update((p.old[-1], p.new[-1]) for p in matched)
    last_new = -1
    for i in range(len(old_blocks)):
        if i in anchor:
            last_new = max(last_new, anchor[i])
        elif i in removed_set and i not in used_old:
            hunk = Hunk(HunkKind.REMOVED, old_blocks[i].text, "", i, None, old_paths[i])
            keyed.append((last_new + 0.5, i, hunk))

    keyed.sort(key=lambda item: (item[0], item[1]))
    return Change(tuple(h for _, _, h in keyed), timed_out=timed_out)


# ---------------------------------------------------------------------------------------------
# Rebuilding


def _span(text: str) -> int:
    return text.count(SEPARATOR) + 1


def apply_hunks(old: Document, change: Change) -> tuple[str, ...]:
    """The new document's block texts, rebuilt from the old document and the hunks alone.

    Used by the tests to prove that hunks lose nothing. Kinds are not rebuilt (hunks carry
    texts). Modified hunks with words are rebuilt from their words, so those are checked too.
    Assumes, as ``Document`` does, that no block text contains ``"\\n\\n"``.
    """
    consumed: set[int] = set()
    produced: dict[int, str] = {}
    for hunk in change.hunks:
        if hunk.old_index is not None:
            consumed.update(range(hunk.old_index, hunk.old_index + _span(hunk.old)))
        if hunk.new_index is not None:
            text = hunk.new
            if hunk.kind is HunkKind.MODIFIED and hunk.words:
                text = "".join(w.text for w in hunk.words if w.op != _DELETE)
            elif hunk.kind is HunkKind.MOVED and hunk.old_index is not None:
                text = old.blocks[hunk.old_index].text
            for offset, part in enumerate(text.split(SEPARATOR)):
                produced[hunk.new_index + offset] = part
    kept = iter(b.text for i, b in enumerate(old.blocks) if i not in consumed)
    total = len(old.blocks) - len(consumed) + len(produced)
    out = []
    for pos in range(total):
        out.append(produced[pos] if pos in produced else next(kept))
    return tuple(out)
