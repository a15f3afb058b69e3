"""From the tree to blocks: block elements separate, inline elements join as written.

Separate because it is the one pass that turns markup into ``Block`` values (headings, items,
cells, paragraphs), and its tag sets are what the other modules mean by inline and block.
"""

from __future__ import annotations

import re

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from watcher.extract.tree import HtmlElement
from watcher.models import Block, BlockKind

_INLINE_TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "bdi",
        "bdo",
        "big",
        "cite",
        "code",
        "data",
        "del",
        "dfn",
        "em",
        "font",
        "i",
        "img",
        "ins",
        "kbd",
        "mark",
        "nobr",
        "q",
        "rp",
        "rt",
        "ruby",
        "s",
        "samp",
        "small",
        "span",
        "strike",
        "strong",
        "sub",
        "sup",
        "time",
        "tt",
        "u",
        "var",
        "wbr",
        "acronym",
        "label",
        "output",
        "meter",
        "picture",
    ]
)
_HEADINGS = {f"h{i}": i for i in range(1, 7)}
_KINDED_TAGS = frozenset({*_HEADINGS, "li", "td", "th", "dt", "dd"})
_NOT_BLOCKS = frozenset({*_INLINE_TAGS, "br", "wbr"})
_LAYOUT_CELL = (
    ".//*[self::p or self::div or self::ul or self::ol or self::table or self::h1 or self::h2"
    " or self::h3 or self::h4 or self::h5 or self::h6]"
)
_BR = "\x00"  # control characters are gone from the text by now, so this marks a <br>
_PARAGRAPH_BREAK = re.compile(r"\x00[ \x00]*\x00")


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _kind_of(el: HtmlElement, inherited: tuple[BlockKind, int]) -> tuple[BlockKind, int]:
    tag = el.tag
    if tag in _HEADINGS:
        return BlockKind.HEADING, _HEADINGS[tag]
    if el.get("role") == "heading":
        level = el.get("aria-level", "2")
        return BlockKind.HEADING, int(level) if level.isdigit() else 2
    if tag == "li":
        return BlockKind.ITEM, 0
    if tag in ("td", "th"):
        # a table used for page layout holds paragraphs, not cells
        return inherited if el.xpath(_LAYOUT_CELL) else (BlockKind.CELL, 0)
    return inherited


def _walk(root: HtmlElement) -> list[Block]:
    """Blocks in document order: block elements separate, inline elements join as written.

    Iterative (lxml's ``iterwalk``) rather than recursive, so a pathologically nested page cannot
    exhaust the stack.
    """
    blocks: list[Block] = []
    append_block = blocks.append
    buf: list[str] = []
    push = buf.append
    kinds: list[tuple[BlockKind, int]] = [(BlockKind.PARAGRAPH, 0)]
    inline = _INLINE_TAGS
    heading = BlockKind.HEADING

    def flush() -> None:
        kind, level = kinds[-1]
        if kind is not heading:
            level = 0
        joined = "".join(buf)
        buf.clear()
        if _BR in joined:
            for part in _PARAGRAPH_BREAK.split(joined):
                line = " ".join(part.replace(_BR, " ").split())
                if line:
                    append_block(Block(kind, line, level))
            return
        line = " ".join(joined.split())
        if line:
            append_block(Block(kind, line, level))

    # Whitespace with nothing before it in the block is dropped as it comes (the indentation
    # between block elements), so that it does not cost a flush of an empty block.
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if tag in inline or tag.__class__ is not str:  # inline elements, or a comment
            if event == "start":
                text = el.text if tag.__class__ is str else None
            else:
                text = el.tail if el is not root else None
        elif tag == "br" or tag == "hr":
            if event == "start":
                if tag == "br":
                    push(_BR)
                elif buf:
                    flush()
                continue
            text = el.tail if el is not root else None
        elif event == "start":
            if buf:
                flush()
            kind = kinds[-1]
            if tag in _KINDED_TAGS or el.get("role") == "heading":
                kind = _kind_of(el, kind)
            kinds.append(kind)
            text = el.text
        else:
            if buf:
                flush()
            kinds.pop()
            text = el.tail if el is not root else None
        if text and (buf or not text.isspace()):
            push(text)
    if buf:
        flush()
    return blocks
