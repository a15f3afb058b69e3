"""Turn changes and check results into what people and other tools read.

Pure string building: every function takes values and returns a string or a JSON-ready dict, and
knows nothing of terminals, files or notification services beyond what its caller says (``color``,
``budget``...).

Policy text comes from web pages we do not control, so it is untrusted everywhere here:
- terminal renderings (``change_text``, ``change_unified``) pass it through ``sanitize_terminal``,
  so an escape sequence in a page cannot recolour, retitle or rewrite the analyst's terminal;
- Markdown escapes every ASCII punctuation mark of it, so it cannot become a link, an image
  (a tracking pixel in a chat client), raw HTML or an entity;
- HTML escapes all of it and the page forbids scripts and outside resources (CSP).
JSON keeps the text as it is: ``json.dumps`` escapes control characters, and consumers decide.

Block numbers shown to people are 1-based (like line numbers); JSON keeps the 0-based indices of
``Hunk.old_index``/``new_index``.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable

from watcher.models import (
    Change,
    CheckResult,
    Finding,
    Hunk,
    HunkKind,
    Severity,
    Verdict,
    WordOp,
)

__all__ = [
    "change_html",
    "change_json",
    "change_markdown",
    "change_text",
    "change_unified",
    "check_json",
    "sanitize_terminal",
]

_SEPARATOR = "\n\n"  # how a hunk spanning several blocks joins them (watcher.diff.SEPARATOR)

# ---------------------------------------------------------------------------------------------
# Untrusted text

_ESCAPE_SEQUENCE = re.compile(
    r"""
      \x1b\[[0-?]*[\x20-/]*[@-~]              # CSI: colours, cursor moves, erase
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)       # OSC: window title, hyperlinks, clipboard
    | \x1b[PX^_][^\x1b]*\x1b\\                # DCS, SOS, PM, APC strings
    | \x1b[\x20-/]*[0-~]?                     # any other escape (and a lone ESC)
    | \x9b[0-?]*[\x20-/]*[@-~]                # 8-bit CSI
    | \x9d[^\x07\x9c]*[\x07\x9c]              # 8-bit OSC
    """,
    re.VERBOSE,
)
# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides and isolates
# that can make a terminal show text in another order than it is ("Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def sanitize_terminal(text: str) -> str:
    """``text`` with escape sequences and control characters removed; tabs and newlines kept.

    What remains of a sequence (``[31m`` once its ESC is gone) is shown as plain text, which is
    what we want: the analyst sees that the page held something odd, and the terminal ignores it.
    """
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


# ---------------------------------------------------------------------------------------------
# Shared helpers


def _finding(verdict: Verdict | None, index: int) -> Finding | None:
    if verdict is None or index >= len(verdict.findings):
        return None
    return verdict.findings[index]


def _count_summary(change: Change) -> str:
    """A summary from the hunks alone, for when no classifier has looked at the change."""
    if not change.changed:
        return "no change"
    counts = Counter(h.kind for h in change.hunks)
    parts = [f"{counts[k]} {k.value}" for k in HunkKind if counts[k]]
    n = len(change.hunks)
    return f"{n} {'hunk' if n == 1 else 'hunks'}: " + ", ".join(parts)


def _summary(change: Change, verdict: Verdict | None) -> str:
    if not change.changed:
        return "no change"
    if verdict is not None and verdict.summary:
        return verdict.summary
    return _count_summary(change)


def _location(hunk: Hunk) -> str:
    """Where a hunk is, in 1-based block numbers: ``4``, ``4→5``."""
    if hunk.old_index is not None and hunk.new_index is not None:
        if hunk.old_index == hunk.new_index:
            return f"block {hunk.new_index + 1}"
        return f"block {hunk.old_index + 1}→{hunk.new_index + 1}"
    index = hunk.new_index if hunk.new_index is not None else hunk.old_index
    return f"block {index + 1}" if index is not None else ""


def _judgement(finding: Finding | None) -> str:
    if finding is None:
        return ""
    text = f"{finding.severity.value}, {finding.direction.value}"
    if finding.categories:
        text += " [" + ", ".join(c.value for c in finding.categories) + "]"
    return text


def hunk_words(hunk: Hunk) -> tuple[WordOp, ...]:
    """The word ops of a hunk; a hunk without them is shown as all old deleted, all new added."""
    if hunk.words:
        return hunk.words
    if hunk.kind is HunkKind.MOVED:
        return (WordOp(0, hunk.new),)
    ops = []
    if hunk.old:
        ops.append(WordOp(-1, hunk.old))
    if hunk.new:
        ops.append(WordOp(1, hunk.new))
    return tuple(ops)


def _visible(ops: tuple[WordOp, ...]) -> tuple[WordOp, ...]:
    """Ops with their text made safe for display; edits that were only escape codes vanish."""
    out = []
    for op in ops:
        text = sanitize_terminal(op.text)
        if text or op.op == 0:
            out.append(WordOp(op.op, text))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# JSON


def _hunk_json(hunk: Hunk, finding: Finding | None) -> dict[str, object]:
    return {
        "kind": hunk.kind.value,
        "old": hunk.old,
        "new": hunk.new,
        "severity": finding.severity.value if finding else None,
        "material": finding.material if finding else None,
        "direction": finding.direction.value if finding else None,
        "categories": [c.value for c in finding.categories] if finding else [],
        "reasons": list(finding.reasons) if finding else [],
        "heading": hunk.heading,
        "old_index": hunk.old_index,
        "new_index": hunk.new_index,
        "words": [[w.op, w.text] for w in hunk.words],
    }


def change_json(change: Change, verdict: Verdict | None) -> dict[str, object]:
    """The object ``watcher diff --json`` prints (DESIGN.md, "The contract of watcher diff --json").

    A change nobody classified (``verdict`` None) has ``severity``, ``material`` and
    ``direction`` null: the diff cannot tell whether it matters, and saying "none" would be a
    judgement. Beyond the contract: ``timed_out``, and per hunk ``heading``, ``old_index``,
    ``new_index`` and ``words`` (``[op, text]`` pairs, op -1 deleted, 0 kept, 1 inserted).
    """
    if not change.changed:
        return {
            "changed": False,
            "material": False,
            "severity": Severity.NONE.value,
            "direction": "neutral",
            "categories": [],
            "summary": "no change",
            "timed_out": change.timed_out,
            "hunks": [],
        }
    return {
        "changed": True,
        "material": verdict.material if verdict else None,
        "severity": verdict.severity.value if verdict else None,
        "direction": verdict.direction.value if verdict else None,
        "categories": [c.value for c in verdict.categories] if verdict else [],
        "summary": _summary(change, verdict),
        "timed_out": change.timed_out,
        "hunks": [_hunk_json(h, _finding(verdict, i)) for i, h in enumerate(change.hunks)],
    }


def check_json(result: CheckResult) -> dict[str, object]:
    """One entry of ``watcher check --json``'s ``results`` (DESIGN.md).

    A check without a verdict (unchanged, new, failed) says severity "none", direction
    "neutral": no change was judged.
    """
    verdict = result.verdict
    return {
        "target": result.target_id,
        "outcome": result.outcome.value,
        "severity": verdict.severity.value if verdict else Severity.NONE.value,
        "material": verdict.material if verdict else False,
        "direction": verdict.direction.value if verdict else "neutral",
        "categories": [c.value for c in verdict.categories] if verdict else [],
        "cause": result.cause,
        "message": result.message,
        "version": result.version_seq,
        "change_id": result.change_id,
        "status": result.status,
        "elapsed_ms": round(result.elapsed * 1000),
    }


# ---------------------------------------------------------------------------------------------
# Terminal text

_RED, _GREEN, _BOLD, _DIM, _CYAN, _RESET = (
    "\x1b[31m",
    "\x1b[32m",
    "\x1b[1m",
    "\x1b[2m",
    "\x1b[36m",
    "\x1b[0m",
)


def _paint(text: str, style: str, color: bool) -> str:
    """Wrap each line of ``text`` in ``style`` so colours never run across lines."""
    if not color or not text:
        return text
    return "\n".join(f"{style}{line}{_RESET}" if line else line for line in text.split("\n"))


_RED_BG, _GREEN_BG = "\x1b[41m", "\x1b[42m"


def _visible_space(text: str) -> str:
    """A whitespace-only edit made visible: a paragraph break (split, merge) shows as ``¶``."""
    return text.replace(_SEPARATOR, "¶").replace("\n", "↵")


def _inline_words(ops: tuple[WordOp, ...], color: bool) -> str:
    out = []
    for op in _visible(ops):
        text = op.text
        blank = op.op != 0 and not text.strip()
        if blank:
            text = _visible_space(text)
        if op.op < 0:
            style = _RED_BG if blank else _RED
            out.append(_paint(text, style, True) if color else f"[-{text}-]")
        elif op.op > 0:
            style = _GREEN_BG if blank else _GREEN
            out.append(_paint(text, style, True) if color else f"{{+{text}+}}")
        else:
            out.append(text)
    return "".join(out)


def _indent(text: str, prefix: str = "  ") -> str:
    return "\n".join(prefix + line for line in text.split("\n"))


def change_text(change: Change, verdict: Verdict | None, *, color: bool) -> str:
    """A change for a terminal: a summary line, then each hunk with its header and word diff.

    Without colour, deleted words are ``[-like this-]`` and inserted ones ``{+like this+}``
    (git's ``--word-diff=plain``), so the output reads the same in a log file or a pipe.
    """
    lines: list[str] = []
    if not change.changed:
        return "no change\n"
    head = _count_summary(change)
    if verdict is not None:
        head += f" · {verdict.severity.value}, {verdict.direction.value}"
        if verdict.categories:
            head += " [" + ", ".join(c.value for c in verdict.categories) + "]"
    lines.append(_paint(head, _BOLD, color))
    summary = _summary(change, verdict)
    if verdict is not None and summary:
        lines.append(sanitize_terminal(summary))
    if change.timed_out:
        lines.append("(the diff ran out of time: some changes are shown whole, not word by word)")
    for i, hunk in enumerate(change.hunks):
        finding = _finding(verdict, i)
        parts = [f"@@ {hunk.kind.value} {_location(hunk)}"]
        if hunk.heading:
            parts.append(sanitize_terminal(hunk.heading))
        judgement = _judgement(finding)
        if judgement:
            parts.append(judgement)
        lines.append("")
        lines.append(_paint(" · ".join(parts), _CYAN, color))
        if finding is not None:
            lines.extend(f"  reason: {sanitize_terminal(r)}" for r in finding.reasons)
        if hunk.kind is HunkKind.MOVED:
            lines.append(_indent(_paint(sanitize_terminal(hunk.new), _DIM, color)))
        elif hunk.kind is HunkKind.MODIFIED and not hunk.words:
            lines.append(_indent(_inline_words((WordOp(-1, hunk.old),), color)))
            lines.append(_indent(_inline_words((WordOp(1, hunk.new),), color)))
        else:
            lines.append(_indent(_inline_words(hunk_words(hunk), color)))
    return "\n".join(lines) + "\n"


def change_unified(change: Change, *, old_label: str, new_label: str) -> str:
    """A unified-diff-like view over blocks: one line per block, no context lines.

    Block numbers are 1-based. A removed block's position in the new document is estimated from
    the hunks before it (hunks do not carry it). A moved block is one section showing both ends.
    It is for reading, not for ``patch``.
    """
    out = [f"--- {sanitize_terminal(old_label)}", f"+++ {sanitize_terminal(new_label)}"]
    delta = 0
    for hunk in change.hunks:
        old_blocks = hunk.old.split(_SEPARATOR) if hunk.kind is not HunkKind.ADDED else []
        new_blocks = hunk.new.split(_SEPARATOR) if hunk.kind is not HunkKind.REMOVED else []
        if hunk.old_index is not None:
            old_start = hunk.old_index + 1
        else:
            old_start = max(0, (hunk.new_index or 0) - delta)
        if hunk.new_index is not None:
            new_start = hunk.new_index + 1
        else:
            new_start = max(0, (hunk.old_index or 0) + delta)
        if hunk.kind is not HunkKind.MOVED:
            delta += len(new_blocks) - len(old_blocks)
        title = hunk.kind.value
        if hunk.heading:
            title += " · " + sanitize_terminal(hunk.heading)
        out.append(f"@@ -{old_start},{len(old_blocks)} +{new_start},{len(new_blocks)} @@ {title}")
        out.extend(_indent(sanitize_terminal(b), "-") for b in old_blocks)
        out.extend(_indent(sanitize_terminal(b), "+") for b in new_blocks)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Markdown

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark


def _md(text: str) -> str:
    """Untrusted text as inert Markdown: punctuation escaped, lines kept inside one paragraph."""
    text = sanitize_terminal(text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return " ".join(text.split("\n"))


def _md_mark(text: str, mark: str) -> str:
    """``text`` between ``mark`` pairs, with edge spaces outside so the emphasis renders."""
    core = text.strip()
    if not core:  # a whitespace-only edit: show a paragraph break, keep a space otherwise
        return f" {mark}¶{mark} " if _SEPARATOR in text and mark == "**" else " "
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    return f"{' ' if lead else ''}{mark}{_md(core)}{mark}{' ' if trail else ''}"


def _md_words(ops: tuple[WordOp, ...]) -> str:
    out = []
    for op in _visible(ops):
        if op.op < 0:
            out.append(_md_mark(op.text, "~~"))
        elif op.op > 0:
            out.append(_md_mark(op.text, "**"))
        else:
            out.append(_md(op.text))
    return "".join(out)


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def _md_trimmed_words(ops: tuple[WordOp, ...], limit: int) -> tuple[WordOp, ...]:
    """Shorten long kept runs to their edges, then cut the whole to about ``limit`` characters."""
    short = []
    for op in ops:
        if op.op == 0 and len(op.text) > 80:
            short.append(WordOp(0, op.text[:30] + " … " + op.text[-30:]))
        else:
            short.append(op)
    out: list[WordOp] = []
    used = 0
    for op in short:
        if used + len(op.text) > limit:
            out.append(WordOp(op.op, _shorten(op.text, max(1, limit - used))))
            break
        out.append(op)
        used += len(op.text)
    return tuple(out)


def _md_hunk(
    number: int, hunk: Hunk, finding: Finding | None, text_limit: int | None, *, full: bool = True
) -> str:
    """One hunk as Markdown; ``text_limit`` shortens its text, ``full=False`` drops the heading
    path and the reasons as well (the last resort before leaving a material hunk out)."""
    title = f"**{number}. {hunk.kind.value}**"
    if hunk.heading and full:
        title += " — " + _md(hunk.heading)
    judgement = _judgement(finding)
    if judgement:
        title += f" ({_md(judgement)})"
    lines = [title]
    if finding is not None and full:
        lines.extend(f"- {_md(r)}" for r in finding.reasons)
    if hunk.kind is HunkKind.MOVED:
        body = f"moved from block {(hunk.old_index or 0) + 1} to block {(hunk.new_index or 0) + 1}"
        text = hunk.new if text_limit is None else _shorten(hunk.new, text_limit)
        lines.append(f"> _{body}:_ {_md(text)}")
    else:
        ops = hunk_words(hunk)
        if text_limit is not None:
            ops = _md_trimmed_words(ops, text_limit)
        lines.append("> " + _md_words(ops))
    return "\n".join(lines)


def change_markdown(
    change: Change, verdict: Verdict | None, *, budget: int = 4000, title: str = ""
) -> str:
    """A change as a notification body, at most ``budget`` characters.

    Material hunks come first, the most severe first. When the budget is short, whole
    non-material hunks are left out before material ones are shortened, and material ones are
    shortened (long unchanged stretches cut to their ends) before they are left out. The last
    line says how many hunks were left out.
    """
    head: list[str] = []
    if title:
        head.append(f"**{_md(title.strip())}**")
    line = _md(_summary(change, verdict))
    if verdict is not None and change.changed:
        judgement = f"{verdict.severity.value}, {verdict.direction.value}"
        if verdict.categories:
            judgement += ": " + ", ".join(c.value for c in verdict.categories)
        line = f"_{_md(judgement)}_ — {line}"
    head.append(line)
    if change.timed_out:
        head.append("_The diff ran out of time; some changes are shown whole._")
    header = "\n\n".join(head)
    if len(header) > budget:
        return _shorten(header, budget)

    def rank(i: int) -> tuple[int, int]:
        finding = _finding(verdict, i)
        severity = finding.severity if finding else Severity.NONE
        return (-severity.rank, i)

    order = sorted(range(len(change.hunks)), key=rank)
    sections: list[str] = []
    used = len(header)
    left_out = 0
    left_out_material = 0
    footer_room = 60  # for the "left out" line
    for i in order:
        hunk, finding = change.hunks[i], _finding(verdict, i)
        n = len(sections) + 1
        room = budget - used - 2 - footer_room
        section = _md_hunk(n, hunk, finding, None)
        if len(section) > room and finding is not None and finding.material:
            section = _md_hunk(n, hunk, finding, max(40, room // 2))
            if len(section) > room:
                section = _md_hunk(n, hunk, finding, max(20, room // 3), full=False)
        if len(section) > room:
            left_out += 1
            left_out_material += bool(finding and finding.material)
            continue
        sections.append(section)
        used += len(section) + 2
    text = "\n\n".join([header, *sections])
    if left_out:
        note = f"_{left_out} more {'hunk' if left_out == 1 else 'hunks'} not shown"
        if left_out_material:
            note += f" ({left_out_material} material)"
        text += "\n\n" + note + "._"
    return text


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}.summary{font-size:1.05rem}
section{border:1px solid #ddd;border-radius:6px;margin:1rem 0;padding:.5rem 1rem}
.meta{color:#555;font-size:.9rem}.kind{font-weight:bold;text-transform:uppercase}
.sev-critical,.sev-major{color:#a00}.sev-minor{color:#a60}.sev-cosmetic,.sev-none{color:#666}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none}
.moved{color:#555;font-style:italic}.text{white-space:pre-wrap;overflow-wrap:anywhere}
table{width:100%;border-collapse:collapse;table-layout:fixed}
td{vertical-align:top;padding:.25rem .5rem;width:50%}td+td{border-left:1px solid #ddd}
""".strip()

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"


def _h(text: str) -> str:
    """Untrusted text as inert HTML: control characters dropped, markup escaped."""
    return html.escape(sanitize_terminal(text), quote=True)


def _html_words(ops: tuple[WordOp, ...], keep: Callable[[int], bool]) -> str:
    out = []
    for op in _visible(ops):
        if not keep(op.op):
            continue
        if op.op < 0:
            out.append(f"<del>{_h(op.text)}</del>")
        elif op.op > 0:
            out.append(f"<ins>{_h(op.text)}</ins>")
        else:
            out.append(_h(op.text))
    return "".join(out)


def _html_hunk(hunk: Hunk, finding: Finding | None, side_by_side: bool) -> str:
    meta = [f'<span class="kind">{_h(hunk.kind.value)}</span>', _h(_location(hunk))]
    if hunk.heading:
        meta.append(_h(hunk.heading))
    if finding is not None:
        meta.append(f'<span class="sev-{finding.severity.value}">{_h(_judgement(finding))}</span>')
    parts = [f'<section><div class="meta">{" · ".join(meta)}</div>']
    if finding is not None and finding.reasons:
        parts.append("<ul>" + "".join(f"<li>{_h(r)}</li>" for r in finding.reasons) + "</ul>")
    ops = hunk_words(hunk)
    if hunk.kind is HunkKind.MOVED:
        parts.append(f'<p class="text moved">{_h(hunk.new)}</p>')
    elif side_by_side:
        old = _html_words(ops, lambda op: op <= 0) if hunk.kind is not HunkKind.ADDED else ""
        new = _html_words(ops, lambda op: op >= 0) if hunk.kind is not HunkKind.REMOVED else ""
        parts.append(
            f'<table><tr><td class="text">{old}</td><td class="text">{new}</td></tr></table>'
        )
    else:
        parts.append(f'<p class="text">{_html_words(ops, lambda op: True)}</p>')
    parts.append("</section>")
    return "".join(parts)


def change_html(
    change: Change, verdict: Verdict | None, *, title: str = "", side_by_side: bool = False
) -> str:
    """A change as one self-contained HTML page: inline CSS, no script, no outside resources.

    Inline (``<del>``/``<ins>`` in the running text) or in two columns, old and new. Every
    piece of page text is escaped, and the Content-Security-Policy forbids scripts anyway.
    """
    page_title = title or "watcher: change"
    summary = _summary(change, verdict)
    judgement = ""
    if verdict is not None and change.changed:
        judgement = f"{verdict.severity.value}, {verdict.direction.value}"
        if verdict.categories:
            judgement += " [" + ", ".join(c.value for c in verdict.categories) + "]"
    body = [f"<h1>{_h(page_title)}</h1>", f'<p class="summary">{_h(summary)}</p>']
    if judgement:
        body.append(f'<p class="meta sev-{verdict.severity.value if verdict else "none"}">')
        body[-1] += f"{_h(judgement)}</p>"
    if change.timed_out:
        body.append('<p class="meta">The diff ran out of time; some changes are shown whole.</p>')
    if side_by_side and change.changed:
        body.append('<table class="meta"><tr><td>old</td><td>new</td></tr></table>')
    body.extend(
        _html_hunk(h, _finding(verdict, i), side_by_side) for i, h in enumerate(change.hunks)
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_h(page_title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
