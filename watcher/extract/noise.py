"""Text filters for noise that has no markup of its own, and the target's ``ignore`` regexes.

Separate because it works on blocks' text, whatever the path that made them (HTML, plain text,
PDF): a trailing "Loading", "Share On Facebook", leaked template code, call-to-action footers,
counters, "generated at" and copyright lines (the seeds in tests/data/extract show them).
"""

from __future__ import annotations

import re

from watcher.extract.walk import _collapse
from watcher.models import Block
from watcher.normalize import normalize_text

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
