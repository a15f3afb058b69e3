"""What a body is: HTML, plain text or PDF, by its declared type checked against its bytes.

Separate because the answer picks the path (the tree walk, the plain-text split, or pypdf) and
needs neither lxml nor the decoded page's structure.
"""

from __future__ import annotations

import re

_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|p|div|br|h[1-6]|ul|ol|li|table|span|a"
    r"|main|article|section|script|style|link)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)


def is_html(content_type: str, text: str) -> bool:
    """Whether to parse ``text`` as HTML: the declared type, checked against the body itself.

    Servers label text as HTML and HTML as text; a body with no HTML tag in its first 64 KB is
    read as plain text (split on blank lines) whatever the header says, and a body that starts
    like an HTML document is parsed as HTML even when labelled ``text/plain``.
    """
    head = text[:65536]
    ctype = content_type.split(";")[0].strip().lower()
    starts_as_html = re.match(r"\s*<(?:!doctype\s+html|html|head|body)\b", head, re.IGNORECASE)
    if starts_as_html:
        return True
    if ctype == "text/plain":
        return False
    return _HTML_SNIFF.search(head) is not None


def is_pdf(content_type: str, body: bytes) -> bool:
    """Whether ``body`` is a PDF: it says so in its first bytes, or the server does and the body
    does not start like markup (an HTML error page served under the PDF's type is read as HTML).
    """
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return True
    ctype = content_type.split(";")[0].strip().lower()
    return ctype == "application/pdf" and not head.startswith(b"<")
