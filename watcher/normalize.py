"""Canonical text for comparison: the same policy must give the same characters on every fetch.

Pages differ between fetches in ways a reader never sees: curly or straight quotes, an en dash or a
hyphen, a non-breaking space, a zero-width joiner, an icon font's private-use glyph used as a
bullet. ``normalize_text`` folds all of these to one spelling, so that only a change a reader could
see reaches the diff. It also removes control characters and terminal escape sequences, because the
text is later printed to terminals and a page must not be able to drive one.

``mask_volatile`` is for comparison only: it hides the date in "last updated ..." lines, so the
classifier can tell a change that only moved that date from one that changed the policy. The stored
text keeps the date.

Bump ``NORMALIZER_VERSION`` whenever a change here changes the output for some input: stored
versions are then re-derived from their raw bodies before diffing, so the change never alerts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from watcher.models import Block, Document

__all__ = ["NORMALIZER_VERSION", "mask_volatile", "normalize", "normalize_text"]

NORMALIZER_VERSION = "1"

# Terminal escape sequences: CSI (ESC [ ... final, or the 8-bit CSI U+009B), OSC (ESC ] ... BEL or
# ESC \), DCS/SOS/PM/APC strings, and the two-character escapes. Removed as whole sequences before
# control characters go, so that no "[31m" is left behind.
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)

# Characters nobody reads: C0/C1 controls (whitespace controls become spaces below), format
# characters (zero-width, soft hyphen, bidi controls: Unicode category Cf), private-use glyphs
# (icon fonts; category Co), lone surrogates left by broken decoders (Cs), and noncharacters.
_INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\ue000-\uf8ff\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "\U000f0000-\U0010ffff]"
)

# Bullets and list glyphs: dropped wherever they stand (a list item's text never needs them).
_BULLETS = re.compile(
    "[\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25cb\u25a0\u25a1\u25ba\u25b8\u25e6"
    "\u2666\u27a2\u2794\u2713\u2714\u2756\u25c6\u25c7]"
)
# A middle dot is a bullet only at the start; inside a line it separates words.
_LEADING_DOT = re.compile(r"^(?:[\u00b7\u30fb]\s*)+")

_QUOTES_AND_DASHES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u2039": "'",
        "\u203a": "'",
        "\u02bc": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u2e3a": "-",
        "\u2e3b": "-",
        "\ufe58": "-",
    }
)


def normalize_text(text: str) -> str:
    """One canonical line for ``text``: what a reader sees, spelt one way.

    NFKC folds compatibility forms (non-breaking and other spaces, ligatures, full-width letters,
    the ellipsis) so that the same visible text compares equal however the page encoded it.
    """
    if text.isascii() and text.isprintable():
        # The common case, and often collapsed already (extract's blocks are): no copy then.
        if "  " in text or text[:1] == " " or text[-1:] == " ":
            return " ".join(text.split())
        return text
    if not text.isprintable():  # most lines have no control or invisible character
        text = _ANSI.sub("", text)
        # Whitespace controls first, so that "a\tb" stays two words once controls are removed.
        text = text.translate(_WHITESPACE_CONTROLS)
        text = _INVISIBLE.sub("", text)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        # Not str.translate: with a dict table it looks up every character of the line, which
        # costs twenty times more than finding the few quotes and dashes there are.
        text = _QUOTE_OR_DASH.sub(_fold_quote_or_dash, text)
        text = _BULLETS.sub(" ", text)
        text = " ".join(text.split())
        return _LEADING_DOT.sub("", text)
    return " ".join(text.split())


_QUOTE_OR_DASH = re.compile("[" + "".join(map(chr, _QUOTES_AND_DASHES)) + "]")


def _fold_quote_or_dash(match: re.Match[str]) -> str:
    folded: str = _QUOTES_AND_DASHES[ord(match.group())]
    return folded


_WHITESPACE_CONTROLS = str.maketrans(dict.fromkeys("\t\n\v\f\r\x85\u2028\u2029", " "))


def normalize(doc: Document) -> Document:
    """``doc`` with every block's text normalized and blocks left empty by it dropped."""
    blocks: list[Block] = []
    for block in doc.blocks:
        text = normalize_text(block.text)
        if not text:
            continue
        # Most blocks are canonical already; blocks are immutable, so those are kept as they are.
        blocks.append(block if text == block.text else replace(block, text=text))
    return Document(
        tuple(blocks),
        title=normalize_text(doc.title),
        extractor=f"{doc.extractor}+n{NORMALIZER_VERSION}",
    )


# --- volatile dates ---------------------------------------------------------------------------

DATE_PLACEHOLDER = "<date>"

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_DATE = re.compile(
    rf"""(?ix)
    (?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?
    (?:
        {_YEAR}[-/.](?:0?[1-9]|1[0-2])[-/.](?:[0-3]?\d)(?:[T\s]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?
      | (?:[0-3]?\d)[-/.](?:[0-3]?\d)[-/.](?:{_YEAR}|\d\d)\b
      | {_MONTH}\s+{_DAY},?\s+{_YEAR}
      | {_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}
      | {_MONTH},?\s+{_YEAR}
      | {_YEAR}\b
    )
    """
)
_TRIGGER = re.compile(
    r"(?i)\b(?:last[\s-]+(?:updated|modified|revised|changed|reviewed|amended)"
    r"|updated|modified|revised|amended|effective(?:\s+date|\s+from|\s+as\s+of)?"
    r"|date\s+of\s+(?:last\s+)?(?:revision|update|modification)|version\s+date"
    r"|in\s+(?:force|effect)\s+(?:from|since|as\s+of)|valid\s+(?:from|since)|published|posted)\b"
)
_JOINERS = re.compile(r"(?i)\b(?:on|as of|date|from|is|was|at|since)\b")
_WORDY = re.compile(r"[^\W\d_]{4,}")
# How far after its trigger a date may stand ("Last updated on: Monday, ...").
_TRIGGER_REACH = 40


def mask_volatile(text: str) -> str:
    """``text`` with the date of each "last updated / effective / revised ..." phrase replaced.

    Only a date that follows such a phrase closely is masked: a date elsewhere in the policy (a
    retention deadline, a law's year) is part of what the policy says.
    """
    out: list[str] = []
    pos = 0
    for trigger in _TRIGGER.finditer(text):
        if trigger.start() < pos:
            continue
        start = trigger.end()
        window = text[start : start + _TRIGGER_REACH + 40]
        date = _DATE.search(window)
        if date is None or date.start() > _TRIGGER_REACH:
            continue
        gap = window[: date.start()]
        # Only joiner words and punctuation between trigger and date: "on", "as of", ":", "-".
        if _WORDY.search(_JOINERS.sub("", gap)):
            continue
        out.append(text[pos : start + date.start()])
        out.append(DATE_PLACEHOLDER)
        pos = start + date.end()
    out.append(text[pos:])
    return "".join(out)
