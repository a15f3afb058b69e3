"""A claim: one statement about one thing, and how strongly a clause states it.

Modality is read on one scale, most protective first (DESIGN.md): never, do not, do not ...
except, currently do not, may, do. ``clause_level`` puts a clause on it from its markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watcher.classify import lexicon as lx
from watcher.classify.matching import quick_gate

# Modality levels, most protective first (DESIGN.md): a higher level is more permissive.
NEVER, NOT, NOT_EXCEPT, NOT_CURRENTLY, MAY, DO = range(6)
LEVEL_WORDS = {
    NEVER: "never",
    NOT: "do not",
    NOT_EXCEPT: "do not ... except",
    NOT_CURRENTLY: "currently do not",
    MAY: "may",
    DO: "do",
}


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement about one thing: ``(group, item)`` says what, ``level`` how strongly.

    ``sense`` is +1 when a negative statement protects users (we do not log) and -1 when a positive
    one does (we will notify you). ``verb`` and ``phrase`` are the words quoted in reasons.
    """

    group: str
    item: str
    kind: str
    level: int
    sense: int
    verb: str
    phrase: str
    cls: str = ""  # recipient class of a named company
    clause: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.item)

    @property
    def permissiveness(self) -> int:
        """How much the statement lets the provider do, on one scale for both senses.

        For a promise to act ("we will notify you"), "will" is the firm promise, "will ...
        unless" the promise with an exception, and "may" no promise at all: the provider is free
        to stay silent, as free as when it says nothing.
        """
        return permissiveness(self.level, self.sense)


def permissiveness(level: int, sense: int) -> int:
    """A modality level on the one scale where a higher value lets the provider do more."""
    return level if sense > 0 else _POSITIVE_PROMISE[level]


_POSITIVE_PROMISE = {
    DO: NEVER,
    NOT_EXCEPT: NOT_EXCEPT,
    MAY: MAY,
    NOT_CURRENTLY: DO,
    NOT: DO,
    NEVER: DO,
}

# "only" limits the practice to a case when the case follows it in the same statement: "kept in
# memory only and discarded when the session ends" limits nothing.
_ONLY_IF = re.compile(
    r"\bonly\b(?:(?! and )[^;])*?\b(?:if|when|where|in response to|upon|with your (?:prior |"
    r"express )?consent|"
    r"to the extent|as required|pursuant to|under|while|during|until)\b"
)
_IDLE = re.compile(
    r"\b(?:days?|weeks?|months?|years?|period|time) without\b|"
    r"\bwithout (?:undue |unreasonable |unnecessary |any )?(?:delay|charge|cost|fee)\b|"
    # "may view it without asking for a separate permission": the asking is what is denied
    r"\bwithout (?:first )?(?:asking|seeking|requesting|getting|obtaining|needing)\b"
)
# A quoted label or button: 'Do Not Sell My Info'. Apostrophes inside words are not quotes.
_QUOTED = re.compile(r"(?<!\w)'[^']{1,80}'(?!\w)|\"[^\"]{1,80}\"")
_ASIDE = re.compile(
    r"\bso (?:that )?(?:we|it|they|you) (?:can|could|may)(?: no longer| not| never)?\b|"
    r"\bin order (?:that we can|to be able)\b|"
    r"\b(?:that (?:is|are) )?not (?:supported|required|permitted|authori[sz]ed|allowed|valid|"
    r"justified) (?:by|under|in)\b|"
    r"\bno (?:longer|more|fewer|less|later) than\b|"  # "no longer than necessary" denies nothing
    r"\bwhether or not\b"
)
_NO_OTHER = re.compile(
    r"\bfor no other (?:reason|purpose|use)s?\b|\bno other (?:purpose|use)s?\b|"
    r"\b(?:but|and|or) (?:for )?nothing else\b"
)
DNT = re.compile(r"\bdo[- ]not[- ]track\b|\bdnt\b")


def _gated(rx: re.Pattern[str]) -> tuple[re.Pattern[str], tuple[str, ...] | None]:
    return rx, quick_gate(rx)


_NEVER, _NEGATION, _EXCEPTION, _HEDGE, _MAY, _ONLY = (
    _gated(rx) for rx in (lx.NEVER, lx.NEGATION, lx.EXCEPTION, lx.HEDGE, lx.MAY, _ONLY_IF)
)


def _has(gated: tuple[re.Pattern[str], tuple[str, ...] | None], text: str) -> bool:
    """``rx.search(text)``, skipped when a word every match needs is missing."""
    rx, gate = gated
    if gate is not None and not any(map(text.__contains__, gate)):
        return False
    return rx.search(text) is not None


def clause_level(clause: str) -> int:
    """The modality of one clause on the never ... do scale.

    "only ... if/when/in response to" reads as "not ... except": it limits a practice to a case.
    """
    return level_of(DNT.sub("dnt", clause))


def unquoted(clause: str) -> str:
    """The clause with quoted labels and buttons ('Do Not Sell My Info') replaced by a word:
    what a label says is its name, not a statement of the clause."""
    if "'" in clause or '"' in clause:
        return _QUOTED.sub("label", clause)
    return clause


def level_of(clause: str) -> int:
    """``clause_level`` of a clause whose "do not track" is already read as "dnt"."""
    if ("no other" in clause or "nothing else" in clause) and _NO_OTHER.search(clause):
        return NOT_EXCEPT  # "for X and for no other reason" is "only for X"
    if "without" in clause:  # "after 12 months without a sign-in" denies nothing
        clause = _IDLE.sub("idle", clause)
    clause = unquoted(clause)  # a button's "Do Not Sell My Info" denies nothing either
    if " so " in clause or "order" in clause or "not " in clause or "no " in clause:
        # "so that we can detect abuse" is a purpose, not a permission; a request "not
        # supported by the law" is what is refused, not what the clause denies
        clause = _ASIDE.sub("aside", clause)
    never = _has(_NEVER, clause)  # searched once: it also tells "never" from "do not" below
    if never or _has(_NEGATION, clause):
        if _has(_EXCEPTION, clause):
            return NOT_EXCEPT
        if _has(_HEDGE, clause):
            return NOT_CURRENTLY
        return NEVER if never else NOT
    if _has(_ONLY, clause):
        return NOT_EXCEPT
    if _has(_MAY, clause):
        return MAY
    return DO
