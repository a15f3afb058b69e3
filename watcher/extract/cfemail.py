"""Cloudflare's e-mail obfuscation, undone so that an address reads the same on every fetch.

Separate because it is one vendor's encoding with its own public helper (``cf_decode``), applied
to the tree before anything else reads its text.
"""

from __future__ import annotations

import re

from watcher.extract.tree import HtmlElement, _text
from watcher.extract.walk import _collapse

_CF_PLACEHOLDER = "[email\xa0protected]"
_CF_LINK = re.compile(r"/cdn-cgi/l/email-protection#([0-9a-fA-F]+)")


def cf_decode(hex_string: str) -> str | None:
    """The address hidden by Cloudflare: hex bytes, the first one the XOR key of the others."""
    try:
        data = bytes.fromhex(hex_string)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    address = bytes(b ^ key for b in data[1:]).decode("utf-8", "replace")
    return address if "@" in address and address.isprintable() else None


def _set_text(el: HtmlElement, text: str) -> None:
    for child in list(el):
        el.remove(child)  # drops the child's tail too: the obfuscated form has none worth keeping
    el.text = text


def _decode_cf_emails(root: HtmlElement, markup: str) -> None:
    if "data-cfemail" not in markup and "email-protection" not in markup:
        return  # two searches of the text are cheaper than two walks of the tree
    for el in root.xpath("//*[@data-cfemail]"):
        address = cf_decode(el.get("data-cfemail", ""))
        if address:
            _set_text(el, address)
    for el in root.xpath("//a[contains(@href, '/cdn-cgi/l/email-protection')]"):
        m = _CF_LINK.search(el.get("href", ""))
        address = cf_decode(m.group(1)) if m else None
        shown = _collapse(_text(el)).replace("\xa0", " ")
        if address and (not shown or shown == "[email protected]"):
            _set_text(el, address)
