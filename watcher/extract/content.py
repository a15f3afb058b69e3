"""Where the policy is on the page, when no ``select`` rule says: the main content.

Separate from ``boilerplate`` because it keeps rather than drops: ``<main>``, the one ``<article>``,
or the element holding nearly all the text with the paragraphs and headings right next to it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from watcher.extract.tree import HtmlElement, _text, _text_len
from watcher.extract.walk import _HEADINGS, _INLINE_TAGS, _KINDED_TAGS, _NOT_BLOCKS

_MAIN_SHARE = 0.5  # <main> or an <article> is the content when it holds this share of the text
_DESCEND_SHARE = 0.9  # without one, descend into a child holding this share of its parent's text


def _main_content(body: HtmlElement) -> list[HtmlElement]:
    """The elements that hold the policy: <main>, [role=main], the one <article>; else the
    innermost element that still holds nearly all of the text, with the paragraphs and headings
    right before it on the way down (a title, a "Last updated" line, an intro) and the sentences
    right after it (a closing paragraph); else ``body``.
    """
    total = _text_len(body)
    if total == 0:
        return [body]
    for candidates in (
        body.xpath(".//main | .//*[@role='main']"),
        body.xpath(".//article"),
    ):
        for el in candidates:
            if _text_len(el) >= _MAIN_SHARE * total:
                return [el]
    before: list[HtmlElement] = []
    after: list[HtmlElement] = []
    el = body
    while True:
        size = _text_len(el)
        if size == 0 or not _is_blank(el.text):
            break  # text directly in this element: it is the container
        children = [c for c in el if c.tag.__class__ is str]
        best = None
        for child in children:
            if _text_len(child) >= _DESCEND_SHARE * size:
                best = child
            elif not _is_blank(child.tail):
                best = None
                break
        if best is None or best.tag in _INLINE_TAGS or best.tag in _KINDED_TAGS:
            break
        i = children.index(best)
        before += reversed(_text_siblings(reversed(children[:i]), trailing=False))
        after[:0] = _text_siblings(children[i + 1 :], trailing=True)
        el = best
    return [*before, el, *after]


# Siblings of the main container that are kept with it: a paragraph or a heading, or a block that
# holds only inline markup (a "Last updated" line in a <div>).
_PARAGRAPH_TAGS = frozenset({"p", *(f"h{i}" for i in range(1, 7))})
_SINGLE_BLOCK_TAGS = frozenset({"div", "section", "header", "span", "time", "address", "center"})


def _text_siblings(siblings: Iterable[HtmlElement], *, trailing: bool) -> list[HtmlElement]:
    """The run of paragraph-like siblings nearest the main container, nearest first.

    Elements without text (an emptied wrapper, an image) are passed over; the run ends at the
    first sibling that is something else, such as a wrapper of several blocks (a promo box).
    What comes before a policy is its own (title, date, intro); what comes after it is more often
    the page's ("Footer", "Was this helpful?"), so a ``trailing`` sibling must read as a sentence.
    """
    run: list[HtmlElement] = []
    for sib in siblings:
        if _text_len(sib) == 0:
            continue
        tag = sib.tag
        if not (
            tag in _PARAGRAPH_TAGS
            or (
                tag in _SINGLE_BLOCK_TAGS
                and all(d.tag in _NOT_BLOCKS for d in sib.iterdescendants(etree.Element))
            )
        ):
            break
        if trailing and (tag in _HEADINGS or not _is_sentence(_text(sib))):
            break
        run.append(sib)
    return run


_SENTENCE_WORDS = 4
_ENDS_SENTENCE = re.compile(r"[.!?][\"')\]\u201d\u2019]*$")


def _is_sentence(text: str) -> bool:
    words = text.split()
    return len(words) >= _SENTENCE_WORDS and _ENDS_SENTENCE.search(words[-1]) is not None


def _is_blank(text: str | None) -> bool:
    return not text or text.isspace()
