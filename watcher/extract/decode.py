"""From a fetched body's bytes to its text: BOM, charset declarations, control characters.

Separate from the tree walk because it is about bytes, not markup: it runs on every body (HTML,
plain text, the text of a PDF) before anything decides what the body is. BeautifulSoup's
``EncodingDetector`` reads the charset a page declares, a small job it does well; the tree itself
is built with lxml (see the package docstring).
"""

from __future__ import annotations

import codecs
import re

from bs4.dammit import EncodingDetector

from watcher.models import Fetched

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that browsers (WHATWG Encoding) read as windows-1252, which is a superset of them.
_AS_CP1252 = {"ascii", "latin_1", "iso8859_1", "cp1252"}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name.replace("-", "_") in _AS_CP1252 else name


def _declared_charsets(fetched: Fetched) -> list[str]:
    found = [_codec(fetched.charset)]
    # BeautifulSoup's detector reads <meta charset>, <meta http-equiv> and <?xml encoding?>
    # declarations; the tree itself is built with lxml directly (see the module docstring).
    in_page = EncodingDetector.find_declared_encoding(fetched.body[:4096], is_html=True)
    if in_page:
        found.append(_codec(in_page))
    out: list[str] = []
    for name in found:
        if name and name not in out:
            out.append(name)
    return out


def decode_body(fetched: Fetched) -> str:
    """The body as text: BOM, then valid UTF-8, then the declared charset, then windows-1252.

    A body that is valid UTF-8 with non-ASCII characters is read as UTF-8 even when the server
    or the page declares latin-1: text in a single-byte charset is almost never valid UTF-8 by
    accident, while a stale ``<meta charset>`` is common. Invalid bytes never raise; they become
    U+FFFD, which stays the same from one fetch to the next.
    """
    body = fetched.body
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace")
    declared = _declared_charsets(fetched)
    wide = [d for d in declared if d.startswith(("utf_16", "utf_32", "utf-16", "utf-32"))]
    if wide and b"\x00" in body[:1024]:
        return body.decode(wide[0], "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for name in declared:
        if name in ("utf-8", "utf_8") or name in wide:
            continue
        try:
            return body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    as_utf8 = body.decode("utf-8", "replace")
    bad = as_utf8.count("\ufffd")
    good = sum(1 for ch in as_utf8 if ch > "\x7f") - bad
    if good >= bad:  # mostly UTF-8 with a few broken bytes: keep the good characters
        return as_utf8
    fallback = next((d for d in declared if d not in ("utf-8", "utf_8")), "cp1252")
    return body.decode(fallback, "replace")


# Control characters other than whitespace, with whole terminal escape sequences: lxml refuses
# some of them, and none is text a reader sees.
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[\x00-\x08\x0b\x0e-\x1f\x7f]"
)


# The characters one of which every _CONTROLS match holds: looking for each of them is a fast
# C search, twenty times faster than running the regular expression over a page that has none.
_CONTROL_CHARS = tuple(chr(c) for c in (*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x9B))


def _strip_controls(text: str) -> str:
    if text.isprintable() or not any(c in text for c in _CONTROL_CHARS):
        return text  # a page has newlines, which are not "printable": hence the second test
    return _CONTROLS.sub("", text)
