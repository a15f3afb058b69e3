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
``_text`` in ``tree``. CSS selectors go through ``cssselect``, lxml's own companion. BeautifulSoup's
``EncodingDetector`` still reads the charset a page declares, a small job it does well. lxml and
BeautifulSoup are imported only inside this package.

This module is the entry point and the order of the steps; each step is a module of its own:
``decode`` (bytes to text), ``sniff`` (HTML, text or PDF), ``htmlpage`` (the HTML path, using
``tree``, ``cfemail``, ``anomaly``, ``boilerplate``, ``content`` and ``walk``), ``plaintext`` (the
plain-text path), and ``noise`` (the text filters both paths share).

Bump ``EXTRACTOR_VERSION`` whenever a change here changes the text that comes out of some page.
"""

from __future__ import annotations

import re
from typing import Final

from watcher.errors import ConfigError, ExtractError
from watcher.extract.anomaly import _check_anomaly
from watcher.extract.cfemail import cf_decode as cf_decode
from watcher.extract.decode import _strip_controls
from watcher.extract.decode import decode_body as decode_body
from watcher.extract.htmlpage import _extract_html, _matched_nothing
from watcher.extract.noise import _NOISE_LINES as _NOISE_LINES
from watcher.extract.noise import _filter_blocks
from watcher.extract.plaintext import _text_blocks
from watcher.extract.sniff import is_html, is_pdf
from watcher.models import Block, BlockKind, Document, ExtractRules, Fetched

__all__ = ["EXTRACTOR_VERSION", "extract", "is_html", "is_pdf"]

EXTRACTOR_VERSION: Final = "3"


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
