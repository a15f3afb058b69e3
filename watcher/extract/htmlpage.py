"""An HTML page to its title and blocks: parse, check for anomalies, apply the rules, walk.

Separate because it is the HTML path's order of steps (the package docstring's steps 1 to 4),
calling the modules that own each of them, plus the target's CSS selectors.
"""

from __future__ import annotations

import re

# lxml ships no type information (lxml-stubs is a separate, optional package); its elements are
# typed as Any here rather than adding a dependency for types alone.
from lxml import etree  # type: ignore[import-untyped,unused-ignore]

from watcher.errors import ConfigError, ExtractError
from watcher.extract.anomaly import _check_anomaly
from watcher.extract.boilerplate import _INVISIBLE_IN_BODY, _drop_boilerplate
from watcher.extract.cfemail import _decode_cf_emails
from watcher.extract.content import _main_content
from watcher.extract.tree import _PARSER, HtmlElement, _drop_all, _drop_tree, _text, _text_len
from watcher.extract.walk import _collapse, _walk
from watcher.models import Block, ExtractRules


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
