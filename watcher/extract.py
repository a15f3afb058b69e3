"""From a fetched body to the policy's text, as ordered blocks, without the page around it.

A change alert must mean a policy change. Most of what differs between two fetches of the same
policy is the page around it (banners, widgets, tokens, counters), so extraction removes, in order:

1. markup that never carries visible text (script, style, template, svg...);
2. the target's ``rules.remove`` selectors, then its ``rules.select`` (keep only those);
3. boilerplate by structure: navigation, headers and footers of the page, forms, hidden elements,
   ARIA landmark roles that are not content, and containers whose id or class says cookie banner,
   share widget, newsletter, popup, promo, chat... A container holding most of the page's text is
   never dropped, whatever its class says (``<body class="cookie-policy">``);
4. without ``select``, everything outside the main content (``<main>``, ``[role=main]``, the one
   ``<article>``, or the element holding nearly all the text);
5. text filters for noise that has no markup of its own (the seeds in tests/data/extract show it:
   a trailing "Loading", "Share On Facebook", leaked template code, call-to-action footers,
   counters, "generated at" and copyright lines), then the target's ``rules.ignore`` regexes.

Pages that are not the policy at all (a bot challenge, an error page served with 200) raise
``AnomalyError`` instead of producing text that would diff as "policy deleted".

lxml is used directly rather than through BeautifulSoup: BeautifulSoup builds a Python object per
node and is ten to thirty times slower on a 200 KB page. CSS selectors go through ``cssselect``,
lxml's own companion.

Bump ``EXTRACTOR_VERSION`` whenever a change here changes the text that comes out of some page.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from typing import Any, Final, TypeAlias

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
import lxml.html  # type: ignore[import-untyped,unused-ignore]
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from watcher.errors import AnomalyError, ConfigError, ExtractError
from watcher.models import Block, BlockKind, Document, ExtractRules, Fetched
from watcher.normalize import normalize_text

__all__ = ["EXTRACTOR_VERSION", "extract", "is_html"]

EXTRACTOR_VERSION: Final = "1"

HtmlElement: TypeAlias = Any

# --- decoding ---------------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([a-z0-9_.:-]{1,40})""",
    re.IGNORECASE,
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
    m = _META_CHARSET.search(fetched.body[:4096])
    if m:
        found.append(_codec((m.group(1) or m.group(2)).decode("ascii", "replace")))
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


# --- HTML or text -----------------------------------------------------------------------------

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


# --- the public entry point -------------------------------------------------------------------


def extract(fetched: Fetched, rules: ExtractRules = ExtractRules()) -> Document:  # noqa: B008
    """The policy in ``fetched`` as ordered blocks; pure, no I/O.

    Raises ``AnomalyError`` (bot-challenge, error-page) when the page is not the policy, and
    ``ExtractError`` (selector-empty, extraction-empty) when no policy text could be found.
    """
    text = _strip_controls(decode_body(fetched))
    ignore = _compile_ignore(rules.ignore)
    if is_html(fetched.content_type, text):
        title, blocks = _extract_html(text, rules, fetched.status)
    else:
        _check_anomaly(fetched.status, "", text, text)
        if rules.select:
            raise ExtractError(
                f"selector {rules.select[0]!r} matched nothing: the page is plain text, not HTML",
                cause="selector-empty",
            )
        blocks = _text_blocks(text)
        title = ""
    blocks, doubled_title = _filter_blocks(blocks, ignore)
    title = title or doubled_title or _first_heading(blocks)
    if not blocks:
        raise ExtractError(
            "no policy text left after removing the page's boilerplate", cause="extraction-empty"
        )
    return Document(tuple(blocks), title=title, extractor=f"x{EXTRACTOR_VERSION}")


# Control characters other than whitespace, with whole terminal escape sequences: lxml refuses
# some of them, and none is text a reader sees.
_CONTROLS = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[\x00-\x08\x0b\x0e-\x1f\x7f]"
)


def _strip_controls(text: str) -> str:
    return text if text.isprintable() else _CONTROLS.sub("", text)


def _compile_ignore(patterns: tuple[str, ...]) -> list[re.Pattern[str]]:
    out = []
    for pattern in patterns:
        try:
            out.append(re.compile(pattern))
        except re.error as exc:
            raise ConfigError(
                f"ignore: {pattern!r} is not a valid regular expression: {exc}"
            ) from exc
    return out


def _first_heading(blocks: list[Block]) -> str:
    return blocks[0].text if blocks and blocks[0].kind is BlockKind.HEADING else ""


# --- anomalies --------------------------------------------------------------------------------

# A page with fewer words than this may be a challenge or an error page; a real policy is longer,
# which is what keeps a policy that mentions "captcha", "cookies" or "404" from looking like one.
_SHORT_PAGE_WORDS = 400
_ERROR_PAGE_WORDS = 250

_CHALLENGE_MARKUP = re.compile(
    r"cf-browser-verification|cf_chl_|cf-chl-|/cdn-cgi/challenge-platform|challenge-platform"
    r"|cf-challenge|cf-turnstile|id=[\"']?challenge-(?:form|running|stage)|jschl"
    r"|ddos-guard|_incapsula_resource|px-captcha|captcha-delivery\.com|g-recaptcha|h-captcha"
    r"|awswaf|sucuri_cloudproxy",
    re.IGNORECASE,
)
_CHALLENGE_TEXT = re.compile(
    r"checking (?:your|if the site connection is secure|the site connection)"
    r"|checking your browser|enable javascript and cookies|verify (?:that )?you are (?:a )?human"
    r"|are you a robot|i'?m not a robot|complete the security check|press (?:&|and) hold"
    r"|needs to review the security of your connection|you have been blocked"
    r"|unusual traffic from your (?:computer|network)|human verification|ddos protection by"
    r"|please (?:turn|switch) javascript on|attention required",
    re.IGNORECASE,
)
_CHALLENGE_TITLE = re.compile(
    r"just a moment|attention required|security check|are you a robot|one more step"
    r"|verify(?:ing)? you are human|captcha|ddos-guard|access to this page has been denied",
    re.IGNORECASE,
)
_ERROR_TEXT = re.compile(
    r"\b(?:400|401|403|404|410|500|502|503|504)\b|page not found|\bnot found\b|access denied"
    r"|\bforbidden\b|internal server error|service (?:temporarily )?unavailable|bad gateway"
    r"|gateway time-?out|(?:page|file) (?:does not|doesn't|did not) exist|can'?t be found"
    r"|cannot be found|could not be found|no longer (?:exists|available)|something went wrong"
    r"|an error (?:has )?occurred|\boops\b",
    re.IGNORECASE,
)


def _check_anomaly(status: int, title: str, markup: str, visible: str, heads: str = "") -> None:
    """Raise ``AnomalyError`` when the page is a bot challenge or an error page.

    ``markup`` is searched for the challenge vendors' scripts and form ids; ``visible`` for their
    sentences; ``heads`` (title, headings, first lines) for an error's wording. Everything but the
    HTTP status only counts on a short page.
    """
    words = len(visible.split())
    if 400 <= status <= 599 and status not in (401,):
        raise AnomalyError(
            f"the server answered with status {status}: an error page, not the policy",
            cause="error-page",
        )
    if words >= _SHORT_PAGE_WORDS:
        return
    if (
        _CHALLENGE_MARKUP.search(markup)
        or _CHALLENGE_TITLE.search(title)
        or _CHALLENGE_TEXT.search(visible)
    ):
        raise AnomalyError(
            f"the page is a bot challenge ({title.strip() or 'no title'}, {words} words), "
            "not the policy",
            cause="bot-challenge",
        )
    if words < _ERROR_PAGE_WORDS:
        probe = " ".join((title, heads or " ".join(visible.split()[:40])))
        if _ERROR_TEXT.search(probe):
            raise AnomalyError(
                f"the page is an error page served with status {status} "
                f"({title.strip() or 'no title'}), not the policy",
                cause="error-page",
            )


# --- HTML -------------------------------------------------------------------------------------

_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False)

# Never text a reader sees, dropped before anything else looks at the page.
_INVISIBLE_TAGS = frozenset(
    [
        "script",
        "style",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "video",
        "audio",
        "map",
        "head",
        "link",
        "meta",
        "source",
        "track",
        "param",
    ]
)
# Boilerplate by tag. ``header`` and ``footer`` only when they belong to the page, not to an
# article or section (HTML's own rule for the banner and contentinfo roles).
_BOILERPLATE_TAGS = frozenset(
    [
        "nav",
        "aside",
        "form",
        "button",
        "input",
        "select",
        "textarea",
        "option",
        "dialog",
        "noscript",
        "label",
        "fieldset",
        "menu",
    ]
)
_PAGE_LANDMARK_TAGS = frozenset({"header", "footer"})
_SECTIONING = frozenset({"article", "section", "main", "aside", "nav"})
_BOILERPLATE_ROLES = frozenset(
    [
        "navigation",
        "banner",
        "contentinfo",
        "complementary",
        "dialog",
        "alertdialog",
        "search",
        "menu",
        "menubar",
        "toolbar",
        "tooltip",
    ]
)
_NEVER_DROP = frozenset({"html", "body", "main", "article"})

# id/class words of boilerplate containers, matched per token (split on "-", "_" and space; not
# on camelCase, since "sc-5wnAd" is a random hash, not an "ad"), so "cookie-banner",
# "cookieConsent", "social-icons" match. A container whose name also names the policy
# ("cookie-policy") is spared by _POLICY_WORDS.
_BOILERPLATE_CLASS = re.compile(
    # words that start a token ("cookieconsent", "subscribe-form", "social-icons")
    r"(?:^|[\s_-])(?:(?:cookie|consent|gdpr|newsletter|subscri|sharedaddy|sharethis|shareaholic"
    r"|social"
    r"|advert|popup|livechat|onetrust|optanon|cookiebot|usercentrics|adsbygoogle|breadcrumb"
    r"|preloader|intercom|tawk|crisp|zendesk|hubspot|mailchimp)[a-z]*"
    # whole tokens only ("ad", "hero", "menu" inside a random hash must not count)
    r"|share|sharing|gdpr|ccpa|cmp|a2a|modal|overlay|lightbox|promo|promos|promotion|ad|ads"
    r"|sponsor|sponsored|banner|hero|chat|toc|table-of-contents|pagination|related|comments?"
    r"|respond|back-to-top|scroll-top|visitor|counter|hit-counter|loader|loading|spinner"
    r"|skeleton|cta|call-to-action|tracking|pixel|navbar|menu|topbar|masthead|site-header"
    r"|site-footer|footer|sidebar|widget-area|print|rating|feedback|announcement|toast"
    r"|notice-bar|alert-bar|skip-link|signup|sign-up)"
    r"(?=$|[\s_-])",
)
_POLICY_WORDS = re.compile(r"polic|privacy|terms|legal|statement|gdpr-?text|notice-?content")
_STILL_BOILERPLATE = re.compile(
    r"(?:^|[\s_-])(?:banner|bar|popup|modal|overlay|dialog|button|btn|link|icon|toggle|widget"
    r"|consent|settings|preferences|accept)(?=$|[\s_-])"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASS = frozenset(
    [
        "sr-only",
        "screen-reader-text",
        "visually-hidden",
        "visuallyhidden",
        "screen-reader-only",
        "hidden",
        "d-none",
        "hide",
        "is-hidden",
        "invisible",
    ]
)
# A container holding at least this share of the page's text is content, whatever its name.
_GUARD_SHARE = 0.5
_GUARD_MIN_CHARS = 600


def _extract_html(text: str, rules: ExtractRules, status: int) -> tuple[str, list[Block]]:
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        _check_anomaly(status, "", text, text)
        raise ExtractError("the page is empty", cause="extraction-empty") from None
    title = _collapse(_text_of(root.find(".//title"))) if root.find(".//title") is not None else ""
    _decode_cf_emails(root)
    _drop_all(el for el in root.iter() if el.tag in _INVISIBLE_TAGS and el.tag != "head")
    head = root.find("head")
    if head is not None:
        head.drop_tree()
    body = root.find("body")
    if body is None:
        body = root
    visible = body.text_content()
    if len(visible) < 20000:
        heads = " ".join(_text_of(h) for h in body.iter("h1", "h2", "h3") if isinstance(h.tag, str))
        _check_anomaly(status, title, text, visible, heads)

    for css in rules.remove:
        _drop_all(_select(root, css))
    if rules.select:
        roots: list[HtmlElement] = []
        for css in rules.select:
            found = _select(root, css)
            if not found:
                raise ExtractError(
                    f"selector {css!r} matched nothing on the page", cause="selector-empty"
                )
            roots.extend(found)
        roots = _outermost(roots)
        for r in roots:
            _drop_boilerplate(r, keep_root=True)
    else:
        _drop_boilerplate(body, keep_root=True)
        roots = [_main_content(body)]
    blocks: list[Block] = []
    for r in roots:
        blocks.extend(_walk(r))
    return title, blocks


def _text_of(el: HtmlElement | None) -> str:
    return "" if el is None else str(el.text_content())


def _select(root: HtmlElement, css: str) -> list[HtmlElement]:
    try:
        from lxml.cssselect import CSSSelector  # type: ignore[import-untyped,unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigError(
            f"selector {css!r}: CSS selectors need the 'cssselect' package, which is not installed"
        ) from exc
    try:
        selector = CSSSelector(css)
    except Exception as exc:  # cssselect raises several types for one mistake
        raise ConfigError(f"{css!r} is not a valid CSS selector: {exc}") from exc
    found: list[HtmlElement] = selector(root)
    return [el for el in found if isinstance(el.tag, str)]


def _outermost(elements: list[HtmlElement]) -> list[HtmlElement]:
    """``elements`` without those inside another one, in document order, each once."""
    chosen = set(elements)
    out: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for el in elements:
        if el in seen:
            continue
        seen.add(el)
        if not any(a in chosen for a in el.iterancestors()):
            out.append(el)
    order = (
        {el: i for i, el in enumerate(elements[0].getroottree().getroot().iter())} if out else {}
    )
    return sorted(out, key=lambda e: order.get(e, 0))


def _drop_all(elements: Iterable[HtmlElement]) -> None:
    for el in list(elements):
        if el.getparent() is not None:
            el.drop_tree()  # keeps the tail text, which belongs to the parent


# --- Cloudflare e-mail obfuscation ------------------------------------------------------------

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


def _decode_cf_emails(root: HtmlElement) -> None:
    for el in root.xpath("//*[@data-cfemail]"):
        address = cf_decode(el.get("data-cfemail", ""))
        if address:
            _set_text(el, address)
    for el in root.xpath("//a[contains(@href, '/cdn-cgi/l/email-protection')]"):
        m = _CF_LINK.search(el.get("href", ""))
        address = cf_decode(m.group(1)) if m else None
        shown = _collapse(el.text_content()).replace("\xa0", " ")
        if address and (not shown or shown == "[email protected]"):
            _set_text(el, address)


# --- boilerplate by structure -----------------------------------------------------------------


def _is_boilerplate(el: HtmlElement) -> bool:
    tag = el.tag
    if tag in _BOILERPLATE_TAGS:
        return True
    if tag in _PAGE_LANDMARK_TAGS and not any(a.tag in _SECTIONING for a in el.iterancestors()):
        return True
    attrib = el.attrib
    if not attrib:
        return False
    if "hidden" in attrib or attrib.get("aria-hidden", "").lower() == "true":
        return True
    role = attrib.get("role", "").lower()
    if role in _BOILERPLATE_ROLES:
        return True
    style = attrib.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    classes = attrib.get("class", "")
    names = f"{classes} {attrib.get('id', '')}".strip()
    if not names:
        return False
    tokens = classes.split()
    if any(t in _HIDDEN_CLASS for t in tokens) and not any(":" in t for t in tokens):
        return True
    if role == "main" or tag in _NEVER_DROP:
        return False
    # not split on camelCase: "sc-5wnAd" is a random hash, not an "ad"
    spaced = names.lower()
    if not _BOILERPLATE_CLASS.search(spaced):
        return False
    return not (_POLICY_WORDS.search(spaced) and not _STILL_BOILERPLATE.search(spaced))


def _drop_boilerplate(root: HtmlElement, *, keep_root: bool) -> None:
    """Drop boilerplate containers under ``root``, sparing any that hold most of its text."""
    total = len(root.text_content())
    doomed: list[HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or (keep_root and el is root):
            continue
        if el.tag in _NEVER_DROP and not el.get("hidden"):
            continue
        if _is_boilerplate(el):
            doomed.append(el)
    for el in doomed:
        if el.getparent() is None:
            continue
        size = len(el.text_content())
        if size >= _GUARD_MIN_CHARS and size >= _GUARD_SHARE * total:
            continue  # the policy itself, under a misleading name
        el.drop_tree()


# --- main content -----------------------------------------------------------------------------

_MAIN_SHARE = 0.5  # <main> or an <article> is the content when it holds this share of the text
_DESCEND_SHARE = 0.9  # without one, descend into a child holding this share of its parent's text


def _main_content(body: HtmlElement) -> HtmlElement:
    """The element that holds the policy: <main>, [role=main], the one <article>, or the
    innermost element that still holds nearly all of the text; else ``body``."""
    total = len(body.text_content())
    if total == 0:
        return body
    for candidates in (
        body.xpath(".//main | .//*[@role='main']"),
        body.xpath(".//article"),
    ):
        for el in candidates:
            if len(el.text_content()) >= _MAIN_SHARE * total:
                return el
    el = body
    while True:
        size = len(el.text_content())
        children = [c for c in el if isinstance(c.tag, str)]
        if size == 0 or _collapse(el.text or ""):
            return el  # text directly in this element: it is the container
        best = None
        for child in children:
            child_size = len(child.text_content())
            if child_size >= _DESCEND_SHARE * size:
                best = child
            elif _collapse(child.tail or ""):
                best = None
                break
        if best is None or best.tag in _INLINE_TAGS or best.tag in _KINDED_TAGS:
            return el
        el = best


# --- from the tree to blocks ------------------------------------------------------------------

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

    Iterative rather than recursive, so a pathologically nested page cannot exhaust the stack.
    """
    blocks: list[Block] = []
    buf: list[str] = []
    kinds: list[tuple[BlockKind, int]] = [(BlockKind.PARAGRAPH, 0)]

    def flush() -> None:
        if not buf:
            return
        kind, level = kinds[-1]
        joined = "".join(buf)
        buf.clear()
        for part in _PARAGRAPH_BREAK.split(joined):
            line = _collapse(part.replace(_BR, " "))
            if line:
                blocks.append(Block(kind, line, level if kind is BlockKind.HEADING else 0))

    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        el, leaving = stack.pop()
        tag = el.tag
        if leaving:
            if tag not in _INLINE_TAGS:
                flush()
                kinds.pop()
            if el is not root and el.tail:
                buf.append(el.tail)
            continue
        if not isinstance(tag, str):
            if el.tail:
                buf.append(el.tail)
            continue
        if tag == "br":
            buf.append(_BR)
            if el.tail:
                buf.append(el.tail)
            continue
        if tag == "hr":
            flush()
            if el.tail:
                buf.append(el.tail)
            continue
        if tag not in _INLINE_TAGS:
            flush()
            kinds.append(_kind_of(el, kinds[-1]))
        if el.text:
            buf.append(el.text)
        stack.append((el, True))
        stack.extend((child, False) for child in reversed(el))
    flush()
    return blocks


# --- plain text -------------------------------------------------------------------------------

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
        level = _heading_level(line)
        if level:
            blocks.append(Block(BlockKind.HEADING, _collapse(line), level))
        else:
            blocks.append(Block(BlockKind.PARAGRAPH, _collapse(line)))
    return [b for b in blocks if b.text]


def _heading_level(line: str) -> int:
    """2 for an ALL-CAPS line, 3 for a short line that does not end like a sentence, else 0."""
    letters = [c for c in line if c.isalpha()]
    if len(line) > 120 or len(letters) < 3:
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


# --- text filters -----------------------------------------------------------------------------

_SOCIAL = (
    r"facebook|twitter|x|linkedin|whatsapp|telegram|reddit|pinterest|email|e-mail|mail"
    r"|messenger|tumblr|vk|xing|pocket|threads|mastodon|bluesky|print|copy link"
)
_NOISE_LINES: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        # placeholders left by pages that fill themselves in with JavaScript
        r"^(?:loading|please wait|chargement|cargando|wird geladen)\s*(?:\.{0,3}|…)$",
        r"^(?:you need to |please )?enable javascript"
        r"(?: to (?:run|view|use) this (?:app|page|site))?\.?$",
        # share widgets
        rf"^(?:(?:share|tweet|pin|post|send)(?: (?:this|it|page|article|post))?"
        rf"(?: (?:on|via|to|with))? (?:{_SOCIAL})\s*[|,·•/]?\s*)+$",
        r"^share(?: this(?: page| article| post)?)?\s*:?$",
        rf"^(?:(?:{_SOCIAL})\s*[|,·•/]?\s*){{2,}}$",
        # visitor and view counters
        r"^(?:total |unique |online )?(?:visitors?|visits|page ?views|views|hits)"
        r"(?: today| online)?\s*[:\-]?\s*[\d,. ]+$",
        r"^[\d,. ]+\s+(?:visitors?|visits|views|page ?views|hits"
        r"|people (?:are )?(?:viewing|online|reading)|online)\b.{0,40}$",
        r"^you are (?:visitor|reader)(?: number| no\.?)?\s*#?\s*[\d,.]+\.?$",
        # generation stamps
        r"^(?:this )?(?:page )?(?:was )?(?:generated|rendered|served|cached|built|compiled|created)"
        r"(?: (?:at|on|in))?\b.{0,80}\d.{0,40}$",
        # copyright and footer lines
        r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}|[^.]{0,60}\d{4}).{0,160}$",
        r"^\d{4}(?:\s*[-–]\s*\d{4})?\s*©.{0,160}$",
        r"^all rights reserved\.?$",
        # call-to-action footers
        r"^have a project (?:on|in) mind\??$",
        r"^we can help you bring your ideas to life\b.{0,160}$",
        r"^(?:let'?s talk|get in touch|contact us today|ready to get started"
        r"|get started(?: now| today)?|start (?:your )?free trial|try it (?:now|free)"
        r"|sign up (?:now|today)|subscribe(?: now)?"
        r"|back to top|scroll to top|read more|learn more|download now|buy now)\s*[.!?]*$",
    )
)
# Template, PHP or JavaScript source leaking into the page as text.
_CODE = re.compile(
    r"^(?:<\?php|\?>|add_(?:action|filter|shortcode)\s*\(|do_action\s*\(|wp_(?:enqueue|head|footer)\w*\s*\("
    r"|(?:var|let|const)\s+[\w$]+\s*=|function\s*[\w$]*\s*\(|(?:window|document)\.[\w$]+"
    r"|jQuery\s*\(|\$\s*\(|gtag\s*\(|fbq\s*\(|_gaq\.|dataLayer\.|\{\{.*\}\}$|\{%.*%\}$|<%.*%>$"
    r"|[\w$.]+\s*\(\s*['\"][^'\"]*['\"](?:\s*,\s*['\"][^'\"]*['\"])*\s*\)\s*;$)"
)


_NOISE = re.compile("|".join(f"(?:{p.pattern})" for p in _NOISE_LINES), re.IGNORECASE)
# Every noise pattern is bounded; a longer block is prose and skips the search.
_NOISE_MAX_CHARS = 400


def _is_noise(text: str) -> bool:
    if len(text) > _NOISE_MAX_CHARS:
        return False
    return bool(_NOISE.search(text) or _CODE.search(text))


def _doubled(text: str) -> str | None:
    """The half of a line that is one phrase written twice (a page title leaking in), or None."""
    words = text.split()
    n = len(words)
    if n >= 2 and n % 2 == 0 and words[: n // 2] == words[n // 2 :]:
        return " ".join(words[: n // 2])
    return None


def _filter_blocks(blocks: list[Block], ignore: list[re.Pattern[str]]) -> tuple[list[Block], str]:
    """Drop noise blocks and ``ignore`` matches; also return a title found doubled on a line."""
    out: list[Block] = []
    title = ""
    for block in blocks:
        text = block.text
        for pattern in ignore:
            text = pattern.sub(" ", text)
        text = _collapse(text)
        canonical = normalize_text(text)
        if not canonical or _is_noise(canonical):
            continue
        half = _doubled(canonical)
        if half is not None and len(half) <= 200:
            title = title or half
            continue
        out.append(block if text == block.text else Block(block.kind, text, block.level))
    return out, title
