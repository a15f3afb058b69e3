"""Sentences of a hunk, read as practices, and aligned between the old and the new text.

Alignment only decides which old sentence a new one should be compared with (DESIGN.md:
similarity may pair sentences, it never decides materiality). Identical sentences pair first; the
rest pair greedily by word overlap. Whatever stays unpaired is compared at the level of the whole
hunk, so a sentence that was split in two or merged with its neighbour is not read as deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from watcher.classify import practice as pr
from watcher.classify.memo import memo
from watcher.models import Category, Hunk, HunkKind

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?(?: of)? (?:{_MONTHS})\.?,? \d{{4}}|"
    rf"(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}|"
    rf"(?:{_MONTHS})\.?,? \d{{4}}|"
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|(?:19|20)\d{2})\b",
    re.IGNORECASE,
)
# A line that stamps the document (or a canary) with a date; a copyright notice is one too.
DATE_LINE = re.compile(
    r"\b(?:last (?:updated|modified|revised|changed|reviewed|refreshed)|updated|effective|revised|"
    r"revision|"
    r"modified|refreshed|version|dated?|published|as of|copyright|all rights reserved|"
    r"takes? effect|in effect|comes? into (?:force|effect)|policy id|document id)\b|©",
    re.IGNORECASE,
)
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(]?[A-Z0-9•\-])|\n+|\s+[•·▪]\s+")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP_WORDS = (
    "a an the and or of to in on for with by at from as is are be been this that these those "
    "our your we you us it its their they which who such any all other"
)
_STOP = frozenset(_STOP_WORDS.split(" "))


# "donot", "willnot": a negation glued to its verb is still a negation.
_GLUED_NOT = re.compile(r"\b(do|does|did|will|would|shall|should|could|must|may|have|has)not\b")
# Every match of it is one of these: a text with none of them needs no substitution.
_GLUED = (
    *("donot", "doesnot", "didnot", "willnot", "wouldnot", "shallnot", "shouldnot", "couldnot"),
    *("mustnot", "maynot", "havenot", "hasnot"),
)


def clean(text: str) -> str:
    """Lower-cased text with quotes, dashes and whitespace unified.

    ``str.split()`` cuts at the whitespace ``\\s`` matches, so joining its words is ``\\s+`` ->
    " " and a strip, at a third of the cost; ASCII text has nothing ``_QUOTES`` maps, so it skips
    the (per-character) translation.
    """
    if not text.isascii():
        text = text.translate(_QUOTES)
    lowered = " ".join(text.split()).lower()
    if any(map(lowered.__contains__, _GLUED)):
        return _GLUED_NOT.sub(r"\1 not", lowered)
    return lowered


_DIGIT = re.compile(r"\d")


def mask_dates(text: str) -> str:
    """Dates replaced by ``<date>`` (every date has a digit: text without one is left alone)."""
    return DATE.sub("<date>", text) if _DIGIT.search(text) else text


def canon(text: str) -> str:
    """The words only: what two sentences must share to be "the same text"."""
    return " ".join(_WORD.findall(clean(text)))


def split_sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(text if text.isascii() else text.translate(_QUOTES))
    return [p.strip(" -•·▪") for p in parts if p and p.strip(" -•·▪")]


@dataclass(frozen=True, slots=True)
class Sentence:
    raw: str
    text: str  # clean(), dates masked
    canon: str
    tokens: frozenset[str]
    practice: pr.Practice


def token(word: str) -> str:
    """A word as sentences are compared by (``Sentence.tokens``): without a plural's "s"."""
    return word.rstrip("s") if len(word) > 3 else word


@memo(maxsize=4096)
def sentence(raw: str) -> Sentence:
    cleaned = clean(raw)
    text = mask_dates(cleaned)
    found = _WORD.findall(text)
    words = map(token, found)
    return Sentence(
        raw=raw.strip(),
        text=text,
        canon=" ".join(found if text == cleaned else _WORD.findall(cleaned)),
        tokens=frozenset(words).difference(_STOP),
        practice=pr.read(text),
    )


def similarity(a: Sentence, b: Sentence) -> float:
    if not a.tokens or not b.tokens:
        return 0.0
    return len(a.tokens & b.tokens) / len(a.tokens | b.tokens)


@dataclass(frozen=True, slots=True)
class HunkView:
    """A hunk as rules see it: both sides split into sentences, and which pair with which."""

    hunk: Hunk
    old: tuple[Sentence, ...]
    new: tuple[Sentence, ...]
    pairs: tuple[tuple[int, int], ...]  # aligned sentences whose text differs
    removed: tuple[int, ...]  # old sentences with no partner
    added: tuple[int, ...]  # new sentences with no partner
    heading_categories: frozenset[Category]
    heading_text: str = ""  # clean(), dates masked
    heading_practice: pr.Practice | None = None  # what the heading itself states, if anything
    # Derived once, in __post_init__: every rule asks for them (a thousand times per classify).
    moved: bool = field(init=False, repr=False, compare=False)
    _changed_old: tuple[Sentence, ...] = field(init=False, repr=False, compare=False)
    _changed_new: tuple[Sentence, ...] = field(init=False, repr=False, compare=False)
    # Tests of the whole view that several rules ask, by name, answered once (weigh.vpn_context).
    derived: dict[str, bool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        old, new = self.old, self.new
        object.__setattr__(self, "moved", self.hunk.kind is HunkKind.MOVED)
        object.__setattr__(self, "derived", {})
        object.__setattr__(
            self,
            "_changed_old",
            tuple([old[i] for i, _ in self.pairs] + [old[i] for i in self.removed]),
        )
        object.__setattr__(
            self,
            "_changed_new",
            tuple([new[j] for _, j in self.pairs] + [new[j] for j in self.added]),
        )

    def changed_old(self) -> tuple[Sentence, ...]:
        """Old sentences that changed: those of the pairs, then the removed ones."""
        return self._changed_old

    def changed_new(self) -> tuple[Sentence, ...]:
        """New sentences that changed: those of the pairs, then the added ones."""
        return self._changed_new


PAIR_THRESHOLD = 0.3


def view(hunk: Hunk) -> HunkView:
    old_text = "" if hunk.kind is HunkKind.ADDED else hunk.old
    new_text = "" if hunk.kind is HunkKind.REMOVED else hunk.new
    old = tuple(sentence(s) for s in split_sentences(old_text))
    new = tuple(sentence(s) for s in split_sentences(new_text))
    free_old = set(range(len(old)))
    free_new = set(range(len(new)))
    for j, s in enumerate(new):  # identical text pairs first, in order
        for i in sorted(free_old):
            if old[i].canon == s.canon:
                free_old.discard(i)
                free_new.discard(j)
                break
    scored = sorted(
        ((-similarity(old[i], new[j]), abs(i - j), i, j) for i in free_old for j in free_new),
    )
    pairs: list[tuple[int, int]] = []
    for neg_score, _, i, j in scored:
        if -neg_score < PAIR_THRESHOLD:
            break
        if i in free_old and j in free_new:
            pairs.append((i, j))
            free_old.discard(i)
            free_new.discard(j)
    heading = clean(hunk.heading)
    read = sentence(hunk.heading) if heading else None
    if read is None:
        categories: frozenset[Category] = frozenset()
    elif read.text == heading:  # no date masked: the reading already holds its cue categories
        categories = read.practice.categories
    else:
        categories = pr.cue_categories(heading)
    return HunkView(
        hunk=hunk,
        old=old,
        new=new,
        pairs=tuple(sorted(pairs)),
        removed=tuple(sorted(free_old)),
        added=tuple(sorted(free_new)),
        heading_categories=categories,
        heading_text=heading,
        heading_practice=read.practice if read is not None else None,
    )
