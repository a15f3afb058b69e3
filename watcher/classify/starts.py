"""Finding where many word-bounded patterns can match a text, with one pass over its words.

Every pattern of a family starts with ``\\b`` and then a word character, so a match can only start
where a word starts. From each pattern's parse tree we read the strings its matches can begin with
(up to ``KEY`` characters; shorter when the match may end sooner or what follows is not a known
character), and index the patterns by them. One scan of a text (a trie of those strings, tried at
each word start; the longest found stands for the shorter ones it begins with) yields every
(pattern, position) where a match may start; the pattern itself then decides at that position
(``pattern.match(text, pos)``, which sees the text before ``pos`` as ``\\b`` and lookbehinds
need). Walking the positions in order and skipping those inside the
previous match of the same pattern gives exactly what ``pattern.finditer(text)`` gives: the index
only leaves out positions where no match can start, so it changes nothing but speed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]

from watcher.classify.matching import trie_pattern

# Longer start strings tell more patterns apart: at 3 characters a clause's word starts gave about
# ten tries of a pattern per match found, at 6 about three, at 8 about two (the index grows, the
# scan stays one; past 8 it gains little more).
KEY = 8
_LIMIT = 4000  # more start strings than this: the pattern is tried at every word start

# A start string: the characters, and whether what follows them is unknown (a class, a wildcard).
_Pre = frozenset[tuple[str, bool]]


class _TooMany(Exception):
    pass


def _cat(left: set[tuple[str, bool]], right: _Pre) -> set[tuple[str, bool]]:
    out: set[tuple[str, bool]] = set()
    for s, stopped in left:
        if stopped or len(s) >= KEY:
            out.add((s, stopped))
            continue
        for t, t_stopped in right:
            out.add(((s + t)[:KEY], t_stopped))
    if len(out) > _LIMIT:
        raise _TooMany
    return out


def _seq(seq: object) -> _Pre:
    out: set[tuple[str, bool]] = {("", False)}
    for op, av in seq:  # type: ignore[attr-defined]
        if all(stopped or len(s) >= KEY for s, stopped in out):
            break
        out = _cat(out, _item(op, av))
    return frozenset(out)


def _item(op: object, av: object) -> _Pre:
    if op is _c.LITERAL:
        return frozenset({(chr(av), False)})  # type: ignore[arg-type]
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):  # zero width: nothing consumed
        return frozenset({("", False)})
    if op is _c.SUBPATTERN:
        return _seq(av[-1])  # type: ignore[index]
    if op is _c.BRANCH:
        return frozenset().union(*(_seq(b) for b in av[1]))  # type: ignore[index]
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        lo: int = av[0]  # type: ignore[index]
        hi: int = av[1]  # type: ignore[index]
        body: object = av[2]  # type: ignore[index]
        one = _seq(body)
        out: set[tuple[str, bool]] = set()
        reps: set[tuple[str, bool]] = {("", False)}
        for n in range(min(hi, lo + KEY + 1) + 1):
            if n >= lo:
                out |= reps
            reps = _cat(reps, one)
        return frozenset(out)
    if op is _c.IN:
        chars: set[str] = set()
        for iop, iav in av:  # type: ignore[attr-defined]
            if iop is _c.LITERAL:
                chars.add(chr(iav))
            elif iop is _c.RANGE and iav[1] - iav[0] < 64:
                chars.update(chr(c) for c in range(iav[0], iav[1] + 1))
            else:  # a category, a negation: any character
                return frozenset({("", True)})
        return frozenset((ch, False) for ch in chars)
    return frozenset({("", True)})  # anything else: unknown


def start_keys(pattern: str) -> frozenset[str] | None:
    """The strings a match of ``pattern`` can begin with, each of one to ``KEY`` characters, or
    None when it may start with any character (or not at a word start)."""
    tree = list(_parser.parse(pattern))
    if not tree or tree[0] != (_c.AT, _c.AT_BOUNDARY):
        return None
    try:
        pre = _seq(tree)
    except _TooMany:
        return None
    keys = frozenset(s for s, _ in pre)
    if any(not k or not (k[0].isalnum() and k[0].isascii()) for k in keys):
        return None
    return keys


class Starts:
    """For a family of word-bounded patterns, their matches in a text, found from one walk over the
    text's word starts."""

    def __init__(
        self,
        patterns: Sequence[re.Pattern[str]],
        gates: Sequence[frozenset[str]] | None = None,
    ) -> None:
        """``gates``, when given, are the words of ``matching.literal_runs``: a pattern counts as
        matching only when one of its words is in the text too, as with a ``matching.Gate``."""
        self._patterns = tuple(patterns)
        self._gates = tuple(gates) if gates is not None else None
        index: dict[str, list[int]] = {}
        always: list[int] = []
        for i, rx in enumerate(self._patterns):
            keys = start_keys(rx.pattern)
            if keys is None:
                always.append(i)
                continue
            for k in keys:
                index.setdefault(k, []).append(i)
        self._always = tuple(always)
        # One scan finds the longest key at each word start; it stands for every key it begins with.
        self._scan = re.compile(rf"\b(?=({trie_pattern(index)}))")
        self._reach = {
            k: tuple(sorted({i for j in range(1, len(k) + 1) for i in index.get(k[:j], ())}))
            for k in index
        }

    def candidates(self, text: str) -> dict[int, list[int]]:
        """Pattern index -> word starts (ascending) where a match of it may start; patterns that
        may start anywhere are left out (``finditer`` and ``searching`` run those whole)."""
        out: dict[int, list[int]] = {}
        reach = self._reach
        for m in self._scan.finditer(text):
            p = m.start()
            for i in reach[m.group(1)]:
                got = out.get(i)
                if got is None:
                    out[i] = [p]
                else:
                    got.append(p)
        return out

    def _gated(self, i: int, text: str) -> bool:
        return self._gates is None or any(map(text.__contains__, self._gates[i]))

    def finditer(self, text: str) -> list[tuple[int, list[re.Match[str]]]]:
        """(pattern index, its matches as ``finditer`` gives them), for each pattern matching."""
        found: list[tuple[int, list[re.Match[str]]]] = []
        for i, positions in self.candidates(text).items():
            match = self._patterns[i].match
            end = 0
            ms: list[re.Match[str]] = []
            for p in positions:
                if p < end:
                    continue
                m = match(text, p)
                if m is not None:
                    ms.append(m)
                    end = m.end()
            if ms and self._gated(i, text):
                found.append((i, ms))
        for i in self._always:
            ms = list(self._patterns[i].finditer(text))
            if ms and self._gated(i, text):
                found.append((i, ms))
        return found

    def searching(self, text: str) -> list[int]:
        """Indices of the patterns with a match in ``text``, ascending."""
        out = []
        for i, positions in self.candidates(text).items():
            if self._gated(i, text):  # the cheaper test first: both must pass
                match = self._patterns[i].match
                for p in positions:
                    if match(text, p):
                        out.append(i)
                        break
        out.extend(
            i for i in self._always if self._gated(i, text) and self._patterns[i].search(text)
        )
        out.sort()
        return out
