"""The one-line summary of a verdict: "<Category>: <what changed, in plain words>".

It is written to be pasted as it is into a post or an article: "VPN logging: the policy no longer
says “We do not store connection timestamps”". Quotations are short (cut at a word boundary with
an ellipsis) and keep the policy's own capitals, so proper nouns stay proper: the rules read
lower-cased text, so each quotation is looked up again in the hunk's original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from watcher.classify.registry import Signal
from watcher.models import Category, Finding, Hunk, HunkKind, Severity

LABELS = {
    Category.VPN_LOGGING: "VPN logging",
    Category.COLLECTION: "Data collection",
    Category.PURPOSE: "Purposes of use",
    Category.SHARING: "Sharing",
    Category.RETENTION: "Retention",
    Category.GOVERNMENT_ACCESS: "Government access",
    Category.JURISDICTION: "Jurisdiction",
    Category.USER_RIGHTS: "User rights",
    Category.SECURITY: "Security",
    Category.TRACKING: "Tracking",
    Category.POLICY_CHANGES: "Policy changes",
    Category.SCOPE: "Scope",
    Category.CONTACT: "Contact",
}

_QUOTED = re.compile(r"“([^”]*)”")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})


def restore_case(plain: str, sources: Sequence[str]) -> str:
    """Each “quotation” in ``plain`` with the capitals it has in ``sources``, where it is found."""
    texts = [re.sub(r"\s+", " ", s.translate(_QUOTES)) for s in sources if s]

    def original(m: re.Match[str]) -> str:
        inner = m.group(1)
        lead = "…" if inner.startswith("…") else ""
        inner = inner.removeprefix("…")
        body, cut = (inner[:-1], "…") if inner.endswith("…") else (inner, "")
        words = body.split()
        if not words or "<date>" in body:
            return m.group(0)
        rx = re.compile(r"\s*".join(re.escape(w) for w in words), re.IGNORECASE)
        for text in texts:
            found = rx.search(text)
            if found:
                quote = found.group(0)
                # A quotation that is a whole sentence, or starts one, starts with a capital.
                if not lead and (
                    found.start() == 0 or text[: found.start()].rstrip().endswith((".", ":"))
                ):
                    quote = quote[:1].upper() + quote[1:]
                return f"“{lead}{quote}{cut}”"
        return m.group(0)

    return _QUOTED.sub(original, plain)


def summarize(
    judged: Sequence[tuple[Finding, list[Signal]]], hunks: Sequence[Hunk], severity: Severity
) -> str:
    """The summary of the most severe finding (the first, when several are as severe)."""
    if not judged:
        return "No change"
    for (finding, signals), hunk in zip(judged, hunks, strict=True):
        if finding.severity is not severity or not signals:
            continue
        top = signals[0]
        sources = [t for t in (hunk.old, hunk.new) if t]
        if hunk.kind is HunkKind.ADDED:
            sources = [hunk.new]
        elif hunk.kind is HunkKind.REMOVED:
            sources = [hunk.old]
        plain = restore_case(top.plain or top.reason, sources)
        if severity is Severity.NONE:
            return "No change: only a date changed"
        if severity is Severity.COSMETIC:
            return f"No material change: {plain}"
        head = finding.categories[0] if finding.categories else None
        return f"{LABELS[head] if head else 'Policy'}: {plain}"
    return "No difference after normalization"
