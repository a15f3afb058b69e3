"""The parsed page: lxml's HTML parser, an element's text, and removing a subtree.

The few lxml primitives every other HTML module uses, in one place. It is plain ``lxml.etree``
with its HTMLParser, not ``lxml.html``, whose custom element classes cost a Python lookup for every
element touched; ``_drop_tree`` and ``_text`` here are the two helpers we used from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeAlias

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

HtmlElement: TypeAlias = Any

_PARSER = etree.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)
# All the text under an element, as one string (what lxml.html's text_content() does), and its
# length, computed in C without building a Python string.
_TEXT = etree.XPath("string()", smart_strings=False)
_TEXT_LENGTH = etree.XPath("string-length()")


def _text(el: HtmlElement) -> str:
    text: str = _TEXT(el)
    return text


def _text_len(el: HtmlElement) -> int:
    return int(_TEXT_LENGTH(el))


def _drop_tree(el: HtmlElement) -> None:
    """Remove ``el`` and its subtree, keeping its tail text, which belongs to the parent."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + tail
        else:
            previous.tail = (previous.tail or "") + tail
    parent.remove(el)


def _drop_all(elements: Iterable[HtmlElement]) -> None:
    for el in list(elements):
        _drop_tree(el)  # keeps the tail text, which belongs to the parent
