"""From a fetched body to the policy's text, as ordered blocks, without the page around it.

A change alert must mean a policy change. Most of what differs between two fetches of the same
policy is the page around it (banners, widgets, tokens, counters), so extraction removes, in order:

1. markup that never carries visible text (script, style, template, svg...);
2. the target's ``rules.remove`` selectors, then its ``rules.select`` (keep only what those that
   match select: only a page that none of them matches is an anomaly, ``selector-empty``);
3. boilerplate by structure: navigation, headers and footers of the page, forms, hidden elements,
   ARIA landmark roles that are not content, and containers whose id or class says cookie banner,
   share widget, newsletter, popup, promo, chat... A container holding most of the page's text is
   never dropped, whatever its class says (``<body class="cookie-policy">``);
4. without ``select``, everything outside the main content (``<main>``, ``[role=main]``, the one
   ``<article>``, or the element holding nearly all the text together with the paragraphs and
   headings right next to it: a title, a "Last updated" line, an intro, a closing sentence);
5. text filters for noise that has no markup of its own (the seeds in tests/data/extract show it:
   a trailing "Loading", "Share On Facebook", leaked template code, call-to-action footers,
   counters, "generated at" and copyright lines), then the target's ``rules.ignore`` regexes.

Pages that are not the policy at all (a bot challenge, an error page served with 200) raise
``AnomalyError`` instead of producing text that would diff as "policy deleted".

A PDF (by its first bytes, or its content type) is read by ``watcher.pdf``, imported only then,
and its text takes the plain-text path.

lxml is used directly rather than through BeautifulSoup: BeautifulSoup builds a Python object per
node and is ten to thirty times slower on a 200 KB page. It is plain ``lxml.etree`` with its
HTMLParser, not ``lxml.html``, whose custom element classes cost a Python lookup for every element
touched; the two helpers we used from it (``drop_tree``, ``text_content``) are ``_drop_tree`` and
``_text`` here. CSS selectors go through ``cssselect``, lxml's own companion. BeautifulSoup's
``EncodingDetector`` still reads the charset a page declares, a small job it does well.

Bump ``EXTRACTOR_VERSION`` whenever a change here changes the text that comes out of some page.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterable
from typing import Any, Final, TypeAlias

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
from bs4.dammit import EncodingDetector
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from watcher.errors import AnomalyError, ConfigError, ExtractError
from watcher.models import Block, BlockKind, Document, ExtractRules, Fetched
from watcher.normalize import normalize_text

__all__ = ["EXTRACTOR_VERSION", "extract", "is_html", "is_pdf"]

EXTRACTOR_VERSION: Final = "2"

HtmlElement: TypeAlias = Any

# --- decoding ---------------------------------------------------------------------------------

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


def is_pdf(content_type: str, body: bytes) -> bool:
    """Whether ``body`` is a PDF: it says so in its first bytes, or the server does and the body
    does not start like markup (an HTML error page served under the PDF's type is read as HTML).
    """
    head = body[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return True
    ctype = content_type.split(";")[0].strip().lower()
    return ctype == "application/pdf" and not head.startswith(b"<")


# --- the public entry point -------------------------------------------------------------------


def extract(fetched: Fetched, rules: ExtractRules = ExtractRules()) -> Document:  # noqa: B008
    """The policy in ``fetched`` (HTML, plain text or PDF) as ordered blocks; pure, no I/O.

    Raises ``AnomalyError`` (bot-challenge, error-page) when the page is not the policy, and
    ``ExtractError`` (selector-empty, extraction-empty) when no policy text could be found.
    """
    ignore = _compile_ignore(rules.ignore)
    pdf = is_pdf(fetched.content_type, fetched.body)
    if pdf:
        from watcher.pdf import pdf_text  # loads pypdf: only when a PDF comes

        text = _strip_controls(pdf_text(fetched.body))
    else:
        text = _strip_controls(decode_body(fetched))
    if not pdf and is_html(fetched.content_type, text):
        title, blocks = _extract_html(text, rules, fetched.status)
    else:
        opening = " ".join(text.split()[:40])
        first_line = text.lstrip().split("\n", 1)[0][:200]
        _check_anomaly(fetched.status, "", text, text, opening, first_line)
        if rules.select:
            what = "a PDF" if pdf else "plain text"
            raise ExtractError(
                f"{_matched_nothing(rules.select)}: the page is {what}, not HTML",
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


# The characters one of which every _CONTROLS match holds: looking for each of them is a fast
# C search, twenty times faster than running the regular expression over a page that has none.
_CONTROL_CHARS = tuple(chr(c) for c in (*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x9B))


def _strip_controls(text: str) -> str:
    if text.isprintable() or not any(c in text for c in _CONTROL_CHARS):
        return text  # a page has newlines, which are not "printable": hence the second test
    return _CONTROLS.sub("", text)


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
# Fewer words than this is next to no text at all: a captcha widget there is the whole page.
_BARE_PAGE_WORDS = 50

# The challenge vendors' own pages: their scripts, form ids and cookies.
_CHALLENGE_MARKUP = re.compile(
    r"cf-browser-verification|cf_chl_|cf-chl-|cf-challenge"
    r"|id=[\"']?challenge-(?:form|running|stage)|jschl"
    r"|ddos-guard|_incapsula_resource|px-captcha|captcha-delivery\.com|sucuri_cloudproxy",
    re.IGNORECASE,
)
# Also found on ordinary pages: Cloudflare injects its challenge-platform script into pages it
# serves normally, and contact or newsletter forms carry a captcha widget.
_WIDGET_MARKUP = re.compile(
    r"challenge-platform|cf-turnstile|g-recaptcha|h-captcha|awswaf", re.IGNORECASE
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
    r"just a moment|attention required|are you a robot|one more step"
    r"|verify(?:ing)? you are human|ddos-guard|access to this page has been denied",
    re.IGNORECASE,
)
# Challenge titles that a policy's title may also say ("hCaptcha Privacy Policy").
_WEAK_CHALLENGE_TITLE = re.compile(r"security check|captcha", re.IGNORECASE)
# An error's own wording, strong enough to count even in the title of a page about a policy
# ("Page not found - Privacy Policy").
_ERROR_PHRASE = re.compile(
    r"page not found|\bnot found\b|access denied|\bforbidden\b|internal server error"
    r"|service (?:temporarily )?unavailable|bad gateway|gateway time-?out"
    r"|(?:page|file) (?:does not|doesn't|did not) exist|can'?t be found|cannot be found"
    r"|could not be found|no longer (?:exists|available)|something went wrong"
    r"|an error (?:has )?occurred|\boops\b|\b(?:error|http) ?[45]\d\d\b|\b[45]\d\d error\b",
    re.IGNORECASE,
)
# A bare status number: an error page's headline, or a company's name ("404 Media").
_ERROR_CODE = re.compile(r"\b(?:400|401|403|404|410|500|502|503|504)\b")
# What a policy's title or headings call it. A page that says it is a policy is read as one
# unless its headline is an error or the vendor's challenge markup is there.
_NAMES_A_POLICY = re.compile(
    r"\b(?:privacy|polic(?:y|ies)|terms|conditions|legal|gdpr|data protection|imprint)\b"
    r"|datenschutz|confidentialit|cookie (?:notice|statement|declaration)|impressum",
    re.IGNORECASE,
)


def _check_anomaly(
    status: int, title: str, markup: str, visible: str, heads: str = "", headline: str = ""
) -> None:
    """Raise ``AnomalyError`` when the page is a bot challenge or an error page.

    ``markup`` is searched for the challenge vendors' scripts and form ids; ``visible`` for their
    sentences; ``heads`` (the h1-h3 headings, or the first words of plain text) and ``headline``
    (the h1, or the first line) with the title for an error's wording. Everything but the HTTP
    status only counts on a short page, and a short page whose title or headings name a policy
    is a policy unless the challenge vendor's markup is there or its title or headline is an
    error's.
    """
    words = len(visible.split())
    if 400 <= status <= 599 and status not in (401,):
        raise AnomalyError(
            f"the server answered with status {status}: an error page, not the policy",
            cause="error-page",
        )
    if words >= _SHORT_PAGE_WORDS:
        return
    names_policy = _NAMES_A_POLICY.search(f"{title} {heads}") is not None
    if (
        _CHALLENGE_MARKUP.search(markup)
        or _CHALLENGE_TITLE.search(title)
        or (
            not names_policy
            and (
                _WEAK_CHALLENGE_TITLE.search(title)
                or _CHALLENGE_TEXT.search(visible)
                or (words < _BARE_PAGE_WORDS and _WIDGET_MARKUP.search(markup))
            )
        )
    ):
        raise AnomalyError(
            f"the page is a bot challenge ({title.strip() or 'no title'}, {words} words), "
            "not the policy",
            cause="bot-challenge",
        )
    if words < _ERROR_PAGE_WORDS:
        if names_policy:
            is_error = _ERROR_PHRASE.search(f"{title} {headline}") is not None
        else:
            probe = " ".join((title, heads or " ".join(visible.split()[:40])))
            is_error = (_ERROR_PHRASE.search(probe) or _ERROR_CODE.search(probe)) is not None
        if is_error:
            raise AnomalyError(
                f"the page is an error page served with status {status} "
                f"({title.strip() or 'no title'}), not the policy",
                cause="error-page",
            )


# --- HTML -------------------------------------------------------------------------------------

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
_INVISIBLE_IN_BODY = _INVISIBLE_TAGS - {"head"}  # the head goes after its title is read
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
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    if root is None:
        _check_anomaly(status, "", text, text)
        raise ExtractError("the page is empty", cause="extraction-empty")
    title_el = root.find(".//title")
    title = _collapse(_text(title_el)) if title_el is not None else ""
    _decode_cf_emails(root, text)
    _drop_all(root.iter(*_INVISIBLE_IN_BODY))
    head = root.find("head")
    if head is not None:
        _drop_tree(head)
    body = root.find("body")
    if body is None:
        body = root
    if _text_len(body) < 20000:
        visible = _text(body)
        heads = " ".join(_text(h) for h in body.iter("h1", "h2", "h3"))
        headline = " ".join(_text(h) for h in body.iter("h1"))
        _check_anomaly(status, title, text, visible, heads, headline)

    for css in rules.remove:
        _drop_all(_select(root, css))
    if rules.select:
        # Several selectors are alternatives as much as parts (one per layout a site has had):
        # those that match are used, and only a page none of them matches is an anomaly.
        roots = [el for css in rules.select for el in _select(root, css)]
        if not roots:
            raise ExtractError(
                f"{_matched_nothing(rules.select)} on the page", cause="selector-empty"
            )
        roots = _outermost(roots)
        for r in roots:
            _drop_boilerplate(r, keep_root=True)
    else:
        _drop_boilerplate(body, keep_root=True)
        roots = _main_content(body)
    blocks: list[Block] = []
    for r in roots:
        blocks.extend(_walk(r))
    return title, blocks


def _matched_nothing(select: tuple[str, ...]) -> str:
    if len(select) == 1:
        return f"selector {select[0]!r} matched nothing"
    return f"none of the selectors {', '.join(repr(css) for css in select)} matched anything"


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
        _drop_tree(el)  # keeps the tail text, which belongs to the parent


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


# --- boilerplate by structure -----------------------------------------------------------------


# The attributes _is_boilerplate reads: an element with none of them (most links, <strong>) is
# settled by its tag alone.
_TELLING_ATTRIBUTES = frozenset({"hidden", "aria-hidden", "role", "style", "class", "id"})


def _is_boilerplate(el: HtmlElement) -> bool:
    tag = el.tag
    if tag in _BOILERPLATE_TAGS:
        return True
    if tag in _PAGE_LANDMARK_TAGS and not any(a.tag in _SECTIONING for a in el.iterancestors()):
        return True
    keys = el.keys()
    if not keys or _TELLING_ATTRIBUTES.isdisjoint(keys):
        return False
    get = el.get
    if "hidden" in keys or (get("aria-hidden") or "").lower() == "true":
        return True
    role = (get("role") or "").lower()
    if role in _BOILERPLATE_ROLES:
        return True
    style = get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    verdict = _name_verdict(get("class") or "", get("id") or "")
    if verdict is _NAME_HIDDEN:
        return True
    return verdict is _NAME_BOILERPLATE and role != "main" and tag not in _NEVER_DROP


_NAME_CONTENT, _NAME_HIDDEN, _NAME_BOILERPLATE = "content", "hidden", "boilerplate"


@functools.lru_cache(maxsize=4096)
def _name_verdict(classes: str, ident: str) -> str:
    """What an element's class and id say it is: hidden, boilerplate, or (likely) content.

    Cached: a page repeats the same few class names on thousands of elements.
    """
    names = f"{classes} {ident}".strip()
    if not names:
        return _NAME_CONTENT
    tokens = classes.split()
    if any(t in _HIDDEN_CLASS for t in tokens) and not any(":" in t for t in tokens):
        return _NAME_HIDDEN
    # not split on camelCase: "sc-5wnAd" is a random hash, not an "ad"
    spaced = names.lower()
    if not _BOILERPLATE_CLASS.search(spaced):
        return _NAME_CONTENT
    if _POLICY_WORDS.search(spaced) and not _STILL_BOILERPLATE.search(spaced):
        return _NAME_CONTENT
    return _NAME_BOILERPLATE


def _drop_boilerplate(root: HtmlElement, *, keep_root: bool) -> None:
    """Drop boilerplate containers under ``root``, sparing any that hold most of its text."""
    doomed: list[HtmlElement] = []
    for el in root.iter(etree.Element):  # elements only, not comments
        if keep_root and el is root:
            continue
        if el.tag in _NEVER_DROP and not el.get("hidden"):
            continue
        if _is_boilerplate(el):
            doomed.append(el)
    if not doomed:
        return
    total = _text_len(root)
    for el in doomed:
        if el.getparent() is None:
            continue
        size = _text_len(el)
        if size >= _GUARD_MIN_CHARS and size >= _GUARD_SHARE * total:
            continue  # the policy itself, under a misleading name
        _drop_tree(el)


# --- main content -----------------------------------------------------------------------------

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


# Matched against the lower-cased line rather than with IGNORECASE, which is twice as slow; the
# patterns are written in lower case, and the line is NFKC-normalized already.
_NOISE = re.compile("|".join(f"(?:{p.pattern})" for p in _NOISE_LINES))
# Every noise pattern is bounded; a longer block is prose and skips the search.
_NOISE_MAX_CHARS = 400


def _is_noise(text: str) -> bool:
    if len(text) > _NOISE_MAX_CHARS:
        return False
    # Every pattern is anchored at the start ("^..."): match() does not try every position.
    return bool(_NOISE.match(text.lower()) or _CODE.match(text))


_TITLE_MAX_CHARS = 200  # a doubled line longer than this is prose that repeats, not a title


def _doubled(text: str) -> str | None:
    """The half of a line that is one phrase written twice (a page title leaking in), or None.

    ``text`` is collapsed (single spaces), so a doubled line is ``half + " " + half``: comparing
    the two ends of the string first rejects nearly every line without splitting it.
    """
    half_len = len(text) // 2
    if half_len == 0 or text[:half_len] != text[-half_len:]:
        return None
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
        text = block.text  # collapsed already, by _walk or _text_blocks
        if ignore:
            for pattern in ignore:
                text = pattern.sub(" ", text)
            text = _collapse(text)
        canonical = normalize_text(text)
        if not canonical or _is_noise(canonical):
            continue
        half = _doubled(canonical) if len(canonical) <= 2 * _TITLE_MAX_CHARS + 1 else None
        if half is not None and len(half) <= _TITLE_MAX_CHARS:
            title = title or half
            continue
        out.append(block if text == block.text else Block(block.kind, text, block.level))
    return out, title
