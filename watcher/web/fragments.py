"""The pieces of a change shared by the change page and the feeds: headline, verdict, hunks.

Word-level diffs are ``<del>``/``<ins>`` around escaped text, so they read as struck-out and
underlined words in a browser, in a feed reader that strips styles, and to a screen reader.
"""

from __future__ import annotations

from collections.abc import Callable

from watcher.models import Change, Finding, Hunk, HunkKind, StoredChange, Verdict, WordOp
from watcher.render import hunk_words
from watcher.web.markup import badge, esc


def headline(change: Change, verdict: Verdict) -> str:
    """One line a person reads first: the classifier's summary, else a count of the hunks."""
    if verdict.summary:
        return verdict.summary
    n = len(change.hunks)
    return f"{n} change{'s' if n != 1 else ''} in the text" if n else "no change in the text"


def finding(sc: StoredChange, index: int) -> Finding | None:
    findings = sc.verdict.findings
    return findings[index] if index < len(findings) else None


def word_html(ops: tuple[WordOp, ...], keep: Callable[[int], bool] = lambda op: True) -> str:
    out = []
    for op in ops:
        if not keep(op.op):
            continue
        if op.op < 0:
            out.append(f"<del>{esc(op.text)}</del>")
        elif op.op > 0:
            out.append(f"<ins>{esc(op.text)}</ins>")
        else:
            out.append(esc(op.text))
    return "".join(out)


def location(hunk: Hunk) -> str:
    """Where a hunk is: its heading path, else its block number."""
    if hunk.heading:
        return hunk.heading
    index = hunk.new_index if hunk.new_index is not None else hunk.old_index
    return f"block {index + 1}" if index is not None else ""


def verdict_line(f: Finding | Verdict) -> str:
    """``critical`` ``weakens`` vpn-logging, sharing: as badges and escaped text."""
    parts = [badge("severity", f.severity.value), badge("direction", f.direction.value)]
    if f.categories:
        parts.append(esc(", ".join(c.value for c in f.categories)))
    return " ".join(parts)


def hunk_html(hunk: Hunk, f: Finding | None, *, side: bool, anchor: str = "") -> str:
    """One hunk: where it is, the judgement and its reasons, then the words that changed."""
    head = [f"<strong>{esc(hunk.kind.value)}</strong>"]
    loc = location(hunk)
    if loc:
        head.append(esc(loc))
    if f is not None:
        head.append(verdict_line(f))
    reasons = ""
    if f is not None and f.reasons:
        reasons = (
            '<ul class="reasons">' + "".join(f"<li>{esc(r)}</li>" for r in f.reasons) + "</ul>"
        )
    ops = hunk_words(hunk)
    if hunk.kind is HunkKind.MOVED:
        text = f'<p class="text"><em>moved:</em> {esc(hunk.new)}</p>'
    elif side:
        old = word_html(ops, lambda op: op <= 0) if hunk.kind is not HunkKind.ADDED else ""
        new = word_html(ops, lambda op: op >= 0) if hunk.kind is not HunkKind.REMOVED else ""
        text = (
            '<div class="side"><div><span class="label">before</span>'
            f'<p class="text">{old}</p></div><div><span class="label">after</span>'
            f'<p class="text">{new}</p></div></div>'
        )
    else:
        text = f'<p class="text">{word_html(ops)}</p>'
    ident = f' id="{esc(anchor)}"' if anchor else ""
    return (
        f'<section class="hunk"{ident}><div class="head">{" · ".join(head)}{reasons}</div>'
        f"{text}</section>"
    )


def feed_hunk_html(hunk: Hunk, f: Finding | None) -> str:
    """A hunk for a feed reader: no classes to rely on, only structure and ``<del>/<ins>``."""
    head = [f"<strong>{esc(hunk.kind.value)}</strong>"]
    loc = location(hunk)
    if loc:
        head.append(esc(loc))
    if f is not None:
        judgement = f"{f.severity.value}, {f.direction.value}"
        if f.categories:
            judgement += " [" + ", ".join(c.value for c in f.categories) + "]"
        head.append(esc(judgement))
    out = [f"<p>{' · '.join(head)}</p>"]
    if f is not None and f.reasons:
        out.append("<ul>" + "".join(f"<li>{esc(r)}</li>" for r in f.reasons) + "</ul>")
    if hunk.kind is HunkKind.MOVED:
        out.append(f"<blockquote><p><em>moved:</em> {esc(hunk.new)}</p></blockquote>")
    else:
        out.append(f"<blockquote><p>{word_html(hunk_words(hunk))}</p></blockquote>")
    return "".join(out)
