"""Escaping and the page frame: every piece of text from a watched page is untrusted.

Pages are built as strings, and every string that did not come from this package's own literals
goes through ``esc`` (HTML) or ``xml_text`` (Atom) first. Both drop the characters that XML 1.0
forbids (control characters, lone surrogates, U+FFFE/U+FFFF) and escape ``& < > " '``, so a policy
that contains ``<script>`` or ``]]>`` shows as text. The pages carry no script at all; the one
``<style>`` element is allowed by its hash in the Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import quote

# Everything XML 1.0 does not allow, plus the C1 controls and bidi overrides that could reorder
# the text a reader sees.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)


def clean(text: str) -> str:
    """``text`` without the characters that are invalid in XML or that reorder text."""
    return _UNSAFE.sub("", text)


def esc(text: object) -> str:
    """Untrusted text as inert HTML (also valid as XML character data and attribute values)."""
    return html.escape(clean(str(text)), quote=True)


xml_text = esc


def url_part(text: str) -> str:
    """A path segment (a target id keeps its slash) percent-encoded for an href."""
    return quote(text, safe="/")


def when(dt: datetime | None) -> str:
    """A time as ``<time>``: ``2026-11-22 01:07 UTC``; a dash when unknown."""
    if dt is None:
        return '<span class="muted">—</span>'
    u = dt.astimezone(UTC)
    return f'<time datetime="{u.isoformat(timespec="seconds")}">{u:%Y-%m-%d %H:%M} UTC</time>'


def badge(kind: str, value: str) -> str:
    """A coloured label such as the severity ``critical`` or the outcome ``error``."""
    return f'<span class="badge {esc(kind)}-{esc(value)}">{esc(value)}</span>'


CSS = """
:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#666;--line:#ddd;--card:#f6f6f4;
--ins:#d4f5d4;--ins-fg:#0b4d0b;--del:#fbd9d9;--del-fg:#7a0b0b;--link:#0645ad}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6e6;--bg:#151515;--muted:#a0a0a0;--line:#333;
--card:#1f1f1f;--ins:#12391a;--ins-fg:#b9f3c0;--del:#4a1717;--del-fg:#ffc9c9;--link:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg)}
header.top{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline;padding:.6rem 1rem;
border-bottom:1px solid var(--line)}
header.top .brand{font-weight:700;text-decoration:none;color:var(--fg)}
main{max-width:72rem;margin:0 auto;padding:1rem}
a{color:var(--link)}
h1{font-size:1.45rem;line-height:1.3;margin:.2rem 0 .6rem;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
.muted,.meta{color:var(--muted);font-size:.9rem}
.crumbs{font-size:.9rem;color:var(--muted);overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .45em;border-radius:.3em;font-size:.85rem;font-weight:600;
background:var(--card);border:1px solid var(--line);white-space:nowrap}
.severity-critical{background:#8b0000;color:#fff;border-color:#8b0000}
.severity-major{background:#c2410c;color:#fff;border-color:#c2410c}
.severity-minor{background:#a16207;color:#fff;border-color:#a16207}
.severity-cosmetic,.severity-none{color:var(--muted)}
.outcome-error,.outcome-anomaly{background:#b91c1c;color:#fff;border-color:#b91c1c}
.outcome-changed{background:#1d4ed8;color:#fff;border-color:#1d4ed8}
.outcome-new,.outcome-unchanged{background:#166534;color:#fff;border-color:#166534}
.direction-weakens{color:#b91c1c}.direction-strengthens{color:#166534}
table.list{border-collapse:collapse;width:100%}
table.list th,table.list td{text-align:left;padding:.45rem .5rem;
border-bottom:1px solid var(--line);vertical-align:top}
table.list tr.failing td:first-child{border-left:4px solid #b91c1c}
table.list code{overflow-wrap:normal}
@media (max-width:40rem){table.list thead{display:none}
table.list tr.failing{border-left:4px solid #b91c1c}table.list tr.failing td:first-child{border:0}
table.list tr{display:block;border:1px solid var(--line);border-radius:.4rem;margin:0 0 .7rem;
padding:.3rem .5rem}
table.list td{display:block;border:0;padding:.15rem 0}
table.list td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);
font-size:.85rem}}
.hunk{border:1px solid var(--line);border-radius:.4rem;margin:0 0 1rem;overflow:hidden}
.hunk>.head{background:var(--card);padding:.4rem .7rem;font-size:.9rem}
.hunk ul.reasons{margin:.2rem 0 0;padding-left:1.2rem}
.text{padding:.5rem .7rem;margin:0;white-space:pre-wrap;overflow-wrap:anywhere;
unicode-bidi:plaintext}
ins{background:var(--ins);color:var(--ins-fg);text-decoration:underline}
del{background:var(--del);color:var(--del-fg);text-decoration:line-through}
.side{display:grid;grid-template-columns:1fr 1fr}
.side>div+div{border-left:1px solid var(--line)}
.side>div>.label{display:block;padding:.2rem .7rem 0;color:var(--muted);font-size:.8rem}
@media (max-width:40rem){.side{grid-template-columns:1fr}.side>div+div{border-left:0;
border-top:1px solid var(--line)}}
ol.timeline{list-style:none;padding:0;margin:0;border-left:3px solid var(--line)}
ol.timeline li{padding:.3rem 0 .6rem .8rem;position:relative}
ol.timeline li::before{content:"";position:absolute;left:-.5rem;top:.75rem;width:.7rem;
height:.7rem;border-radius:50%;background:var(--line)}
ol.timeline li.ev-change::before{background:#1d4ed8}
ol.timeline li.ev-error::before,ol.timeline li.ev-anomaly::before{background:#b91c1c}
ol.timeline li.ev-flip::before{background:#a16207}
dl.evidence{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:0}
dl.evidence dt{color:var(--muted)}dl.evidence dd{margin:0;overflow-wrap:anywhere}
code{font-size:.85em;overflow-wrap:anywhere}
.cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(18rem,1fr));gap:1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:.4rem;padding:.6rem .8rem}
nav.views a[aria-current]{font-weight:700;text-decoration:none;color:var(--fg)}
""".strip()

CSS_HASH = "sha256-" + base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()

CSP = (
    "default-src 'none'; "
    f"style-src '{CSS_HASH}'; "
    "img-src 'self' data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""No script of any kind; the inline stylesheet only by its hash; no frames; no forms."""


def page(
    title: str,
    body: str,
    *,
    crumbs: Iterable[tuple[str, str]] = (),
    feeds: Iterable[tuple[str, str]] = (),
) -> str:
    """A whole page: ``title`` is escaped here; ``body`` is HTML already built from escaped parts.

    ``crumbs`` are (label, href) links above the title; ``feeds`` (title, href) are announced
    with ``<link rel=alternate>`` so feed readers find them.
    """
    alternates = "".join(
        f'<link rel="alternate" type="application/atom+xml" title="{esc(t)}" href="{esc(h)}">\n'
        for t, h in feeds
    )
    trail = " › ".join(f'<a href="{esc(h)}">{esc(label)}</a>' for label, h in crumbs)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<link rel="icon" href="data:,">\n'
        f"<title>{esc(title)} · watcher</title>\n{alternates}"
        f"<style>{CSS}</style>\n</head>\n<body>\n"
        '<header class="top"><a class="brand" href="/">watcher</a>'
        '<a href="/">Targets</a><a href="/feeds/">Feeds</a></header>\n'
        f"<main>\n{f'<div class=crumbs>{trail}</div>' if trail else ''}\n{body}\n</main>\n"
        "</body>\n</html>\n"
    )
