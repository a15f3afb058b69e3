"""Boilerplate by structure: markup never seen, and containers that are the page, not the policy.

Separate because it is the largest body of judgement in extraction (tags, ARIA roles, hidden
elements, and the id and class words of cookie banners, share widgets, promos...), and it decides
only what to drop; finding the policy among what is left is ``content``'s job.
"""

from __future__ import annotations

import functools
import re

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from watcher.extract.tree import HtmlElement, _drop_tree, _text_len

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
