"""Finding which of many patterns can match a text, with one scan instead of one per pattern.

Each pattern gets a gate: for each of its alternatives, one literal word every match must contain
(``literal_runs``). A ``Gate`` joins every gate word of a family of patterns into one regular
expression shaped as a trie, built once at import; one scan of a text finds the words present (the
longest at each position, which stands for the shorter ones inside it), and only the patterns
whose gate word is present run.
A text with none of a pattern's words cannot match it, so the result is the same as running every
pattern: only cheaper.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any


def _split_top(body: str) -> list[str]:
    """The top-level alternatives of a pattern body."""
    depth, start, out, escaped = 0, 0, [], False
    for i, ch in enumerate(body):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(body[start:i])
            start = i + 1
    out.append(body[start:])
    return out


def _strip(pattern: str, groups: str) -> str:
    p = re.sub(r"\\[a-zA-Z]", " ", pattern)
    p = re.sub(r"\[[^\]]*\]", " ", p)
    while True:  # innermost groups first
        q = re.sub(r"\((?:\?(?:<?[!=]|:|P<\w+>))?[^()]*\)" + groups, " ", p)
        if q == p:
            return re.sub(r"[a-z0-9][?*]|\{\d*,?\d*\}", " ", p)
        p = q


def _wrapped(body: str) -> bool:
    """Does the group opened at ``\\b(?:`` close only at the closing ``)\\b``? Not in
    ``\\b(?:a|b)\\b|\\b(?:c)\\b``, whose alternatives are at the top level."""
    depth, i = 0, len(r"\b")
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a class: parentheses inside it are characters
            i = body.index("]", i + 2) + 1
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i == len(body) - len(r")\b")
        i += 1
    return False


def literal_runs(pattern: str) -> frozenset[str]:
    """For each alternative of a pattern, one word every match of it must contain.

    A text that contains none of them cannot match, so the (slow) pattern need not run on it:
    that gate is what keeps reading a sentence cheap. The word is the longest literal outside any
    group of the alternative; when there is none, every literal of the alternative is kept.
    """
    body = pattern
    if body.startswith(r"\b(?:") and body.endswith(r")\b") and _wrapped(body):
        body = body[len(r"\b(?:") : -len(r")\b")]
    out: set[str] = set()
    for alt in _split_top(body):
        top = [w for w in re.findall(r"[a-z0-9]+", _strip(alt, "[?*]?")) if len(w) >= 2]
        if top:
            out.add(max(top, key=len))
        else:
            out.update(w for w in re.findall(r"[a-z0-9]+", _strip(alt, "[?*]")) if len(w) >= 2)
    return frozenset(out)


def trie_pattern(words: Iterable[str]) -> str:
    """One regular expression matching any of ``words``, shaped as a trie so that each position
    of a text costs one walk down it, not one try per word; at a position it takes the longest."""
    trie: dict[str, dict[str, object]] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})  # type: ignore[assignment]
        node[""] = {}

    def emit(node: dict[str, dict[str, object]]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]  # type: ignore[arg-type]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


class Gate:
    """The patterns of a family (by index) that can match a text, found in one scan of it.

    ``sound``, when given, is a second gate per pattern (``required_words``): a pattern is a
    candidate only when both its gates pass. The first gates decide which patterns a text is read
    with, the sound ones only drop patterns that cannot match, so they change nothing but speed.
    """

    def __init__(
        self, gates: Sequence[frozenset[str]], sound: Sequence[frozenset[str]] | None = None
    ) -> None:
        n = len(gates)
        owners: dict[str, set[int]] = {}
        for i, gate in enumerate(gates):
            for w in gate:
                owners.setdefault(w, set()).add(i)
        if sound is not None:  # sound gate words are owned by index + n
            for i, gate in enumerate(sound):
                for w in gate - ALWAYS:
                    owners.setdefault(w, set()).add(i + n)
        self._n = n
        # Patterns whose sound gate always passes (every one, when there are no sound gates).
        passes = [ALWAYS] * n if sound is None else sound
        self._always = frozenset(i + n for i, gate in enumerate(passes) if gate >= ALWAYS)
        self._scan = re.compile(f"(?=({trie_pattern(owners)}))")
        # The longest word found at a position stands for every gate word inside it.
        self._reach = {
            w: frozenset(i for v, ids in owners.items() if v in w for i in ids) for w in owners
        }

    def candidates(self, text: str) -> list[int]:
        """Indices, in order, of the patterns whose gate word occurs in ``text``."""
        found: set[int] = set(self._always)
        for word in set(self._scan.findall(text)):
            if word:
                found |= self._reach[word]
        n = self._n
        return sorted(i for i in found if i < n and i + n in found)


# A word set no text is tested for: the pattern may match anything, so it is always a candidate.
ALWAYS: frozenset[str] = frozenset({""})


def required_words(pattern: str) -> frozenset[str]:
    """Words one of which every match of ``pattern`` contains, read from its parse tree.

    Sound by construction: a literal run, a mandatory group and every branch of an alternation
    are followed exactly; whatever cannot be read (a class, a lookaround, an optional part) is
    left out. When nothing is required the result is ``ALWAYS``, which a ``Gate`` always passes.
    """
    words = _req(_parser.parse(pattern))
    return frozenset(words) if words else ALWAYS


def _score(words: set[str]) -> tuple[int, int]:
    return (min(len(w) for w in words), -len(words))


def _req(seq: object) -> set[str] | None:
    """The best required word set of a sequence of parse nodes, or None."""
    best: set[str] | None = None
    run: list[str] = []

    def consider(cand: set[str] | None) -> None:
        nonlocal best
        if cand and (best is None or _score(cand) > _score(best)):
            best = cand

    def flush() -> None:
        for w in re.findall(r"[a-z0-9]+", "".join(run)):
            consider({w})
        run.clear()

    for op, av in seq:  # type: ignore[attr-defined]
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is _c.SUBPATTERN:
            consider(_req(av[-1]))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] >= 1:
            consider(_req(av[2]))
        elif op is _c.BRANCH:
            alts = [_req(b) for b in av[1]]
            if all(alts):
                consider(set().union(*alts))  # type: ignore[arg-type]
    flush()
    return best


def quick_gate(rx: re.Pattern[str], limit: int = 12) -> tuple[str, ...] | None:
    """Words one of which every match of ``rx`` contains, for a substring test before a search;
    None when such a test would not pay (nothing required, too many or too short words)."""
    words = required_words(rx.pattern)
    if words >= ALWAYS or len(words) > limit or min(map(len, words)) < 3:
        return None
    return tuple(sorted(words, key=len))


def gate_words(rx: re.Pattern[str]) -> tuple[str, ...]:
    """``quick_gate(rx)`` for ``any(map(text.__contains__, words))`` before ``rx.search(text)``;
    ``("",)``, which every text contains, when there is no gate worth testing or ``rx`` ignores
    case (its words are read from it as written)."""
    words = None if rx.flags & re.IGNORECASE else quick_gate(rx)
    return words or ("",)


class Gated:
    """A pattern whose searches first test for the words one of which every match contains
    (``quick_gate``, up to ``limit`` words): a text with none of them cannot match, so it is not
    scanned. Sound by construction, so it changes nothing but speed; it pays for patterns that
    most sentences do not match and that are searched in every sentence of every hunk."""

    __slots__ = ("rx", "words")

    def __init__(self, rx: re.Pattern[str], limit: int = 32) -> None:
        self.rx = rx
        self.words = (None if rx.flags & re.IGNORECASE else quick_gate(rx, limit)) or ("",)

    def may_match(self, text: str) -> bool:
        return any(map(text.__contains__, self.words))

    # The test is written out in each method: one Python call per search, not two.
    def search(self, text: str) -> re.Match[str] | None:
        return self.rx.search(text) if any(map(text.__contains__, self.words)) else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.rx.finditer(text) if any(map(text.__contains__, self.words)) else iter(())

    def findall(self, text: str) -> list[Any]:
        return self.rx.findall(text) if any(map(text.__contains__, self.words)) else []
