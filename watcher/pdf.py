"""The text of a policy published as a PDF, for the extract stage's plain-text path.

The only module that imports pypdf (pure Python), and only when a PDF comes: extract imports this
module lazily, and this module imports pypdf inside ``pdf_text``, so a daemon that watches HTML
pages never loads it. A PDF that cannot be read raises ``ExtractError(cause="extraction-empty")``:
what came holds no policy text we can use, which must not look like a policy deleted.

PDF text is laid out for print: lines are wrapped at the page's width (extract's plain-text path
joins a wrapped line to the next), and pages may carry a bare page number ("3", "Page 3 of 10"),
which is dropped here because it moves whenever a page is added.
"""

from __future__ import annotations

import io
import re
import struct
import zlib

from watcher.errors import ExtractError

__all__ = ["pdf_text"]

# A line that is only a page number: "3", "- 3 -", "Page 3", "Page 3 of 10", "3/10".
_PAGE_NUMBER = re.compile(
    r"^\s*[-\u2013\u2014]?\s*(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*[-\u2013\u2014]?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# What pypdf raises besides its own errors on a damaged file: it parses untrusted bytes with
# plain Python, so broken input surfaces as these.
_BROKEN = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    RecursionError,
    OverflowError,
    ZeroDivisionError,
    UnicodeError,
    zlib.error,
    struct.error,
)


def pdf_text(body: bytes) -> str:
    """The text of the PDF ``body``, page after page, with a blank line between pages.

    Raises ``ExtractError(cause="extraction-empty")`` when the file cannot be read (damaged,
    encrypted with a password, pypdf missing) or holds no text (a scan without a text layer).
    """
    try:
        import pypdf
        from pypdf.errors import PyPdfError
    except ImportError as exc:  # pragma: no cover - pypdf is a declared dependency
        raise ExtractError(
            "cannot read a PDF policy: the pypdf package is not installed",
            cause="extraction-empty",
        ) from exc
    try:
        reader = pypdf.PdfReader(io.BytesIO(body))
        if reader.is_encrypted:
            reader.decrypt("")  # most "encrypted" policies only restrict printing or copying
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PyPdfError, NotImplementedError, *_BROKEN) as exc:
        raise ExtractError(
            f"the PDF cannot be read ({type(exc).__name__}: {exc})", cause="extraction-empty"
        ) from exc
    texts = [_PAGE_NUMBER.sub("", page).strip() for page in pages]
    text = "\n\n".join(t for t in texts if t)
    if not text:
        raise ExtractError(
            f"the PDF has no text layer on any of its {len(pages)} pages (a scan?)",
            cause="extraction-empty",
        )
    return text
