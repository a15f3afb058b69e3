"""An alert's title and body, rendered for one channel: HTML, Markdown or plain text.

Rendering happens at delivery time, from the outbox payload and the stored change, so that a
template fix reaches alerts still waiting and a digest can gather several changes in one message.
Everything here is pure string building: ``notify`` decides the format and the length limits
(apprise knows them per service) and this module keeps within them, because a service that cuts a
message itself cuts it anywhere, links and closing tags included.

What must survive trimming, in order: the title, the summary line, the link to the change and the
page URL, then the material hunks (the most severe first), then their reasons. Cosmetic edits are
only counted.

Policy text is untrusted (see ``watcher.render``): control characters are dropped everywhere,
Markdown escapes its punctuation so a page cannot inject a link or a tracking image into a chat,
HTML escapes it all.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from watcher.models import Finding, Hunk, HunkKind, Severity, StoredChange, WordOp
from watcher.render import sanitize_terminal

__all__ = [
    "Format",
    "Message",
    "change_link",
    "render_alert",
    "render_digest",
    "sample_payload",
]


class Format(StrEnum):
    """What a channel shows well; ``notify`` picks it from the apprise plugin."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    body: str
    format: Format


@dataclass(frozen=True, slots=True)
class Item:
    """One alert to render: its kind, its outbox payload and, for a change, the stored change."""

    kind: str
    payload: dict[str, Any]
    change: StoredChange | None = None
    created_at: datetime | None = None


EXCERPT = 400  # characters of each side of a hunk before we shorten it, budget permitting
_MIN_EXCERPT = 60

# -- escaping --------------------------------------------------------------------------------------

# Enough to stop untrusted text from becoming emphasis, code, a link, an image, raw HTML, a heading
# or a table. Parentheses, "!" and braces mean nothing once "[" and "]" are escaped (a link or an
# image needs "](" after a bracket), so they stay as they are and messages stay readable.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<#|~])")


def _plain(text: str) -> str:
    return sanitize_terminal(str(text))


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", _plain(text)).replace("\n", " ")


def _h(text: str) -> str:
    return html.escape(_plain(text), quote=True)


def _esc(fmt: Format, text: str) -> str:
    if fmt is Format.HTML:
        return _h(text)
    if fmt is Format.MARKDOWN:
        return _md(text)
    return _plain(text)


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


# -- pieces ---------------------------------------------------------------------------------------


def change_link(base_url: str, payload: dict[str, Any]) -> str:
    """``{base_url}/changes/{change_id}`` when the web front has a public address, else ""."""
    cid = payload.get("change_id")
    if not base_url or cid in (None, "", "{change_id}"):
        return ""
    return f"{base_url.rstrip('/')}/changes/{cid}"


def _when(payload: dict[str, Any], created_at: datetime | None) -> str:
    at = created_at or datetime.now(UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _judgement(payload: dict[str, Any]) -> str:
    text = f"{payload.get('severity', 'none')}, {payload.get('direction', 'unclear')}"
    cats = payload.get("categories") or []
    if cats:
        text += ": " + ", ".join(str(c) for c in cats)
    return text


def _title(item: Item) -> str:
    p = item.payload
    name = p.get("title") or p.get("target") or "watcher"
    if item.kind == "change":
        summary = p.get("summary") or "the policy changed"
        return _plain(f"[{p.get('severity', 'none')}] {name}: {summary}")
    if item.kind == "failure":
        return _plain(
            f"[failing] {name}: {p.get('failed_checks', '?')} checks failed ({p.get('cause')})"
        )
    if item.kind == "recovery":
        return _plain(f"[recovered] {name}: checks work again")
    if item.kind == "test":
        return _plain(f"[test] watcher: sample alert for group {p.get('group', '')}")
    return _plain(f"[{item.kind}] {name}")


def _finding(change: StoredChange, i: int) -> Finding | None:
    findings = change.verdict.findings
    return findings[i] if i < len(findings) else None


def _side(ops: Sequence[WordOp], keep: int, fmt: Format, limit: int) -> str:
    """One side of a modified hunk (``keep`` -1 old, 1 new), changed words marked, shortened to
    ``limit`` visible characters around the change."""
    pieces = [(op.op, op.text) for op in ops if op.op == 0 or op.op == keep]
    changed = [i for i, (op, _) in enumerate(pieces) if op != 0]
    if not pieces:
        return ""
    total = sum(len(t) for _, t in pieces)
    if total > limit and changed:
        # Keep the changed stretch and as much context either side as fits.
        first, last = changed[0], changed[-1]
        core = sum(len(t) for _, t in pieces[first : last + 1])
        room = max(0, (limit - core) // 2)
        out: list[tuple[int, str]] = []
        before = "".join(t for _, t in pieces[:first])
        after = "".join(t for _, t in pieces[last + 1 :])
        if before:
            out.append((0, ("…" + before[-room:]) if len(before) > room else before))
        for op, t in pieces[first : last + 1]:
            out.append((op, t if op == 0 else t[: max(limit, _MIN_EXCERPT)]))
        if after:
            out.append((0, (after[:room] + "…") if len(after) > room else after))
        pieces = out
    elif total > limit:
        pieces = [(0, _shorten("".join(t for _, t in pieces), limit))]
    return "".join(_mark(fmt, op, t) for op, t in pieces)


def _mark(fmt: Format, op: int, text: str) -> str:
    if op == 0:
        return _esc(fmt, text)
    if fmt is Format.HTML:
        tag = "del" if op < 0 else "ins"
        return f"<{tag}>{_h(text)}</{tag}>"
    if fmt is Format.MARKDOWN and text.strip():
        # Emphasis must hug the words: "**do not **" is not bold in CommonMark.
        lead, core, trail = re.match(r"^(\s*)(.*?)(\s*)$", text, re.S).groups()  # type: ignore[union-attr]
        return f"{lead}**{_md(core)}**{trail}"
    if fmt is Format.MARKDOWN:
        return _md(text)
    return _plain(text)


def _ops(hunk: Hunk) -> tuple[WordOp, ...]:
    if hunk.words:
        return hunk.words
    ops: list[WordOp] = []
    if hunk.old:
        ops.append(WordOp(-1, hunk.old))
    if hunk.new:
        ops.append(WordOp(1, hunk.new))
    return tuple(ops)


def _hunk(n: int, hunk: Hunk, finding: Finding | None, fmt: Format, limit: int) -> str:
    """One hunk: what kind, where, how it was judged and why, then the old and new excerpts."""
    head = f"{n}. {hunk.kind.value}"
    if hunk.heading:
        head += f" — {hunk.heading}"
    judged = ""
    if finding is not None:
        judged = f"{finding.severity.value}, {finding.direction.value}"
        if finding.categories:
            judged += "; " + ", ".join(c.value for c in finding.categories)
    reasons = list(finding.reasons) if finding is not None else []
    ops = _ops(hunk)
    old = _side(ops, -1, fmt, limit) if hunk.kind is not HunkKind.ADDED else ""
    new = _side(ops, 1, fmt, limit) if hunk.kind is not HunkKind.REMOVED else ""
    if hunk.kind is HunkKind.MOVED:
        old, new = "", _esc(fmt, _shorten(hunk.new, limit))
    if fmt is Format.HTML:
        parts = [f"<li><b>{_h(head)}</b>"]
        if judged:
            parts.append(f" <i>({_h(judged)})</i>")
        if reasons:
            parts.append("<ul>" + "".join(f"<li>{_h(r)}</li>" for r in reasons) + "</ul>")
        rows = []
        if old:
            rows.append(f"<tr><th>old</th><td>{old}</td></tr>")
        if new:
            rows.append(f"<tr><th>new</th><td>{new}</td></tr>")
        if rows:
            parts.append("<table>" + "".join(rows) + "</table>")
        return "".join(parts) + "</li>"
    if fmt is Format.MARKDOWN:
        lines = [f"**{_md(head)}**" + (f" _({_md(judged)})_" if judged else "")]
        lines += [f"- {_md(r)}" for r in reasons]
        if old:
            lines.append(f"> old: {old}")
        if new:
            lines.append(f"> new: {new}")
        return "\n".join(lines)
    lines = [head + (f" ({judged})" if judged else "")]
    lines += [f"   why: {_plain(r)}" for r in reasons]
    if old:
        lines.append(f"   old: {old}")
    if new:
        lines.append(f"   new: {new}")
    return "\n".join(lines)


def _shown_hunks(change: StoredChange) -> tuple[list[int], int]:
    """Indices of the hunks to show (material ones, most severe first) and the cosmetic count.

    A change with no material hunk (a group that asked for cosmetic edits) shows them all.
    """
    material = []
    cosmetic = 0
    for i, _ in enumerate(change.change.hunks):
        f = _finding(change, i)
        if f is not None and f.material:
            material.append(i)
        else:
            cosmetic += 1
    if not material:
        return list(range(len(change.change.hunks))), 0

    def rank(i: int) -> tuple[int, int]:
        f = _finding(change, i)
        return (-(f.severity.rank if f else Severity.NONE.rank), i)

    return sorted(material, key=rank), cosmetic


# -- whole messages --------------------------------------------------------------------------------


def _section(item: Item, fmt: Format, base_url: str, budget: int, *, heading: bool) -> str:
    """The body of one alert within ``budget`` characters (``heading``: start with its title,
    as in a digest)."""
    p = item.payload
    head: list[str] = []
    foot: list[str] = []
    if heading:
        head.append(_line(fmt, _title(item), strong=True))
    if item.kind == "change":
        head.append(_line(fmt, f"{p.get('title', '')} — {_judgement(p)}"))
        if p.get("summary"):
            head.append(_line(fmt, str(p["summary"])))
    elif item.kind == "failure":
        head.append(
            _line(fmt, f"The last {p.get('failed_checks', '?')} checks failed ({p.get('cause')}).")
        )
        if p.get("message"):
            head.append(_line(fmt, str(p["message"])))
        head.append(_line(fmt, "You will hear again when it works; not on every failed check."))
    elif item.kind == "recovery":
        head.append(
            _line(
                fmt,
                f"Checks work again after {p.get('failed_checks', '?')} failed in a row "
                f"(last cause: {p.get('cause')}).",
            )
        )
    elif item.kind == "test":
        head.append(_line(fmt, "This is a test message from watcher: this channel works."))
    foot.append(_line(fmt, f"When: {_when(p, item.created_at)}"))
    if p.get("url"):
        foot.append(_link_line(fmt, "Page", str(p["url"])))
    link = change_link(base_url, p)
    if link:
        foot.append(_link_line(fmt, "Change", link))
    sep = "\n" if fmt is Format.HTML else "\n\n"
    fixed = sep.join(head + foot)
    hunks: list[str] = []
    notes: list[str] = []
    change = item.change
    if item.kind == "change" and change is not None:
        shown, cosmetic = _shown_hunks(change)
        room = budget - len(fixed) - 200  # the notes line and the list wrapper
        left_out = 0
        for n, i in enumerate(shown, 1):
            hunk, finding = change.change.hunks[i], _finding(change, i)
            text = ""
            for limit in (EXCERPT, EXCERPT // 2, _MIN_EXCERPT):
                text = _hunk(n, hunk, finding, fmt, limit)
                if len(text) + 2 <= room:
                    break
            if len(text) + 2 > room:
                left_out = len(shown) - n + 1
                break
            hunks.append(text)
            room -= len(text) + 2
        if left_out:
            notes.append(
                f"{left_out} more material {'edit' if left_out == 1 else 'edits'} not shown."
            )
        if cosmetic:
            notes.append(f"{cosmetic} cosmetic {'edit' if cosmetic == 1 else 'edits'} not shown.")
    body: list[str] = list(head)
    if hunks:
        body.append("<ol>" + "".join(hunks) + "</ol>" if fmt is Format.HTML else sep.join(hunks))
    body += [_line(fmt, n) for n in notes]
    body += foot
    text = sep.join(body)
    if len(text) > budget:  # the fixed part alone is too long: cut it, keeping the links last
        return _cut(fmt, sep.join(head), budget - len(sep.join(foot)) - 2) + sep + sep.join(foot)
    return text


def _cut(fmt: Format, text: str, limit: int) -> str:
    if limit <= 0:
        return ""
    if fmt is Format.HTML:  # never cut inside a tag: fall back to escaped plain text
        text = re.sub(r"<[^>]+>", " ", text)
        return _h(_shorten(html.unescape(text), limit))
    return _shorten(text, limit)


def _line(fmt: Format, text: str, *, strong: bool = False) -> str:
    if fmt is Format.HTML:
        inner = _h(text)
        return f"<p><b>{inner}</b></p>" if strong else f"<p>{inner}</p>"
    if fmt is Format.MARKDOWN:
        return f"**{_md(text)}**" if strong else _md(text)
    return _plain(text)


def _link_line(fmt: Format, label: str, url: str) -> str:
    safe = url if re.match(r"^https?://", url) else ""
    if fmt is Format.HTML:
        return (
            f'<p>{_h(label)}: <a href="{_h(safe)}">{_h(url)}</a></p>'
            if safe
            else f"<p>{_h(label)}: {_h(url)}</p>"
        )
    if fmt is Format.MARKDOWN:
        # A bare URL in angle brackets: a link in every Markdown flavour, and it cannot hide.
        return f"{label}: <{safe}>" if safe and ">" not in safe else f"{label}: {_md(url)}"
    return f"{label}: {_plain(url)}"


def _wrap_html(title: str, inner: str) -> str:
    return (
        '<div style="font:14px/1.5 sans-serif">'
        "<style>del{background:#fdd;color:#900}ins{background:#dfd;color:#060;"
        "text-decoration:none}th{text-align:left;vertical-align:top;padding-right:.5em}</style>"
        f"{inner}</div>"
    )


def render_alert(
    item: Item, fmt: Format, *, base_url: str = "", body_limit: int = 4000, title_limit: int = 250
) -> Message:
    """One alert (a change, a failure or recovery notice, a test) for one channel."""
    title = _shorten(_title(item), title_limit) if title_limit > 0 else ""
    budget = body_limit - (len(title) + 2 if title_limit <= 0 else 0)
    overhead = len(_wrap_html("", "")) if fmt is Format.HTML else 0
    inner = _section(item, fmt, base_url, budget - overhead, heading=title_limit <= 0)
    body = _wrap_html(title, inner) if fmt is Format.HTML else inner
    return Message(title, body, fmt)


def render_digest(
    group: str,
    items: Sequence[Item],
    fmt: Format,
    *,
    base_url: str = "",
    body_limit: int = 4000,
    title_limit: int = 250,
) -> Message:
    """One message listing several alerts of a digest group, the most severe first.

    Each item gets an equal share of the budget; what does not fit is counted at the end.
    """

    def rank(it: Item) -> tuple[int, str]:
        sev = Severity(it.payload.get("severity", "none")) if it.kind == "change" else None
        return (-(sev.rank if sev else Severity.CRITICAL.rank + 1), str(it.created_at))

    ordered = sorted(items, key=rank)
    worst = next((str(it.payload.get("severity")) for it in ordered if it.kind == "change"), "")
    n = len(ordered)
    title = _plain(
        f"[digest{', ' + worst if worst else ''}] watcher: {n} "
        f"{'alert' if n == 1 else 'alerts'} for {group}"
    )
    title = _shorten(title, title_limit) if title_limit > 0 else ""
    overhead = len(_wrap_html("", "")) if fmt is Format.HTML else 0
    budget = body_limit - overhead - (len(title) + 2 if title_limit <= 0 else 0) - 80
    share = max(300, budget // max(1, n))
    sep = "\n<hr>\n" if fmt is Format.HTML else "\n\n---\n\n"
    parts: list[str] = []
    used = 0
    for it in ordered:
        section = _section(it, fmt, base_url, min(share, budget - used), heading=True)
        if used + len(section) + len(sep) > budget:
            break
        parts.append(section)
        used += len(section) + len(sep)
    left = n - len(parts)
    if left:
        parts.append(_line(fmt, f"{left} more {'alert' if left == 1 else 'alerts'} not shown."))
    inner = sep.join(parts)
    body = _wrap_html(title, inner) if fmt is Format.HTML else inner
    return Message(title, body, fmt)


def sample_payload(group: str) -> dict[str, Any]:
    """What ``watcher notify test`` sends: a made-up change, clearly labelled as a test."""
    return {
        "group": group,
        "target": "example/privacy",
        "title": "Example VPN privacy policy",
        "provider": "Example VPN",
        "url": "https://vpn.example/privacy",
        "severity": "critical",
        "direction": "weakens",
        "categories": ["vpn-logging"],
        "summary": "connection timestamps now stored (sample)",
    }
