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
from collections.abc import Iterable, Sequence


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


def literal_runs(pattern: str) -> frozenset[str]:
    """For each alternative of a pattern, one word every match of it must contain.

    A text that contains none of them cannot match, so the (slow) pattern need not run on it:
    that gate is what keeps reading a sentence cheap. The word is the longest literal outside any
    group of the alternative; when there is none, every literal of the alternative is kept.
    """
    body = pattern
    if body.startswith(r"\b(?:") and body.endswith(r")\b"):
        body = body[len(r"\b(?:") : -len(r")\b")]
    out: set[str] = set()
    for alt in _split_top(body):
        top = [w for w in re.findall(r"[a-z0-9]+", _strip(alt, "[?*]?")) if len(w) >= 2]
        if top:
            out.add(max(top, key=len))
        else:
            out.update(w for w in re.findall(r"[a-z0-9]+", _strip(alt, "[?*]")) if len(w) >= 2)
    return frozenset(out)


def _trie_pattern(words: Iterable[str]) -> str:
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
    """The patterns of a family (by index) that can match a text, found in one scan of it."""

    def __init__(self, gates: Sequence[frozenset[str]]) -> None:
        owners: dict[str, set[int]] = {}
        for i, gate in enumerate(gates):
            for w in gate:
                owners.setdefault(w, set()).add(i)
        self._scan = re.compile(f"(?=({_trie_pattern(owners)}))")
        # The longest word found at a position stands for every gate word inside it.
        self._reach = {
            w: frozenset(i for v, ids in owners.items() if v in w for i in ids) for w in owners
        }

    def candidates(self, text: str) -> list[int]:
        """Indices, in order, of the patterns whose gate word occurs in ``text``."""
        found: set[int] = set()
        for word in set(self._scan.findall(text)):
            if word:
                found |= self._reach[word]
        return sorted(found)
