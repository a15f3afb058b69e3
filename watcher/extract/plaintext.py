"""A plain-text page (or a PDF's text) as blocks: paragraphs, hard wraps, bullets and headings.

Separate because it reads lines, not markup: blank lines separate paragraphs, and headings and
list items are guessed from how a line looks.
"""

from __future__ import annotations

import re

from watcher.extract.walk import _collapse
from watcher.models import Block, BlockKind

_BULLET_LINE = re.compile(
    "^\\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u2013\u2014\u25ba\u2713\u2714\ue000-\uf8ff]"
    "|\\d{1,2}[.)](?=\\s+[a-z]))\\s+"
)
_SENTENCE_END = re.compile(r"[.!?:;,)\"'\u201d\u2019]\s*$")


def _text_blocks(text: str) -> list[Block]:
    """Blocks of a plain-text page: blank lines separate paragraphs; a line that does not end a
    sentence and is followed by one starting in lower case is a hard wrap and is joined."""
    blocks: list[Block] = []
    lines = [line.strip() for line in text.splitlines()]
    merged: list[str] = []
    for line in lines:
        if (
            merged
            and line
            and len(merged[-1]) >= 40
            and line[0].islower()
            and not _SENTENCE_END.search(merged[-1])
            and not _BULLET_LINE.match(line)
        ):
            merged[-1] = f"{merged[-1]} {line}"
        else:
            merged.append(line)
    for line in merged:
        if not line:
            continue
        bullet = _BULLET_LINE.match(line)
        if bullet:
            blocks.append(Block(BlockKind.ITEM, _collapse(line[bullet.end() :])))
            continue
        atx = _ATX_HEADING.match(line)
        if atx:  # Markdown: "## Data we collect"
            blocks.append(Block(BlockKind.HEADING, _collapse(atx.group(2)), len(atx.group(1))))
            continue
        level = _heading_level(line)
        if level:
            blocks.append(Block(BlockKind.HEADING, _collapse(line), level))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, _collapse(line)))
    return [b for b in blocks if b.text]


_ATX_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
# "Last updated: 2 June 2025", "Effective date: ...": a stamp, however short, heads no section.
_STAMP = re.compile(
    r"^(?:last (?:updated|modified|revised|changed|reviewed)|updated|effective(?: date)?|"
    r"revised|version|dated?|published|as of|copyright|©)\b",
    re.IGNORECASE,
)


def _heading_level(line: str) -> int:
    """2 for an ALL-CAPS line, 3 for a short line that does not end like a sentence, else 0;
    never for a date or version stamp."""
    letters = [c for c in line if c.isalpha()]
    if len(line) > 120 or len(letters) < 3 or _STAMP.match(line):
        return 0
    if all(c.isupper() for c in letters) and len(line) <= 120:
        return 2
    words = line.split()
    first = line[0]
    if len(words) > 12 or not (first.isupper() or first.isdigit() or first == "("):
        return 0
    if line.endswith("?") and len(line) <= 80:
        return 3
    if re.search(r"[.!,;:\"'\u201d]$", line):
        return 0
    return 3
