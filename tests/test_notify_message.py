"""Rendering alerts per channel: titles, limits, untrusted text, digests (pure, no I/O)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from watcher.message import Format, Item, render_alert, render_digest
from watcher.models import (
    Category,
    Change,
    Direction,
    Finding,
    Hunk,
    HunkKind,
    Severity,
    StoredChange,
    TargetId,
    Verdict,
    WordOp,
)

PAYLOAD = {
    "target": "jetvpn/privacy",
    "title": "Jet VPN privacy policy",
    "url": "https://jet.example/privacy",
    "change_id": 7,
    "severity": "critical",
    "direction": "weakens",
    "categories": ["vpn-logging"],
    "summary": "connection timestamps now stored",
}


def stored(
    material: int = 1, cosmetic: int = 2, text: str = "connection timestamps"
) -> StoredChange:
    hunks, findings = [], []
    for i in range(material):
        hunks.append(
            Hunk(
                HunkKind.MODIFIED,
                f"We do not store {text} {i}.",
                f"We store {text} {i} for 30 days.",
                words=(
                    WordOp(0, "We "),
                    WordOp(-1, "do not "),
                    WordOp(0, f"store {text} {i}"),
                    WordOp(1, " for 30 days"),
                    WordOp(0, "."),
                ),
            )
        )
        findings.append(
            Finding(
                Severity.CRITICAL, Direction.WEAKENS, (Category.VPN_LOGGING,), ("negation removed",)
            )
        )
    for i in range(cosmetic):
        hunks.append(Hunk(HunkKind.MODIFIED, f"Hello {i}.", f"Hello {i}!"))
        findings.append(Finding(Severity.COSMETIC, Direction.NEUTRAL, (), ("punctuation",)))
    verdict = Verdict(
        Severity.CRITICAL, Direction.WEAKENS, (Category.VPN_LOGGING,), "s", tuple(findings)
    )
    return StoredChange(
        7, TargetId("jetvpn/privacy"), 1, 2, datetime.now(UTC), Change(tuple(hunks)), verdict
    )


def item(change: StoredChange | None = None, **payload: object) -> Item:
    return Item(
        "change",
        {**PAYLOAD, **payload},
        change or stored(),
        datetime(2026, 11, 22, 9, 30, tzinfo=UTC),
    )


def test_title_has_severity_provider_document_and_headline() -> None:
    msg = render_alert(item(), Format.TEXT)
    assert msg.title == "[critical] Jet VPN privacy policy: connection timestamps now stored"


@pytest.mark.parametrize("fmt", list(Format))
def test_body_has_hunk_excerpts_reasons_cosmetic_count_time_url_and_link(fmt: Format) -> None:
    body = render_alert(item(), fmt, base_url="https://w.example/").body
    assert "do not" in body and "30 days" in body
    assert "negation removed" in body and "vpn-logging" in body and "weakens" in body
    assert "2 cosmetic edits not shown" in body
    assert "2026-11-22 09:30 UTC" in body
    assert "https://jet.example/privacy" in body
    assert "https://w.example/changes/7" in body


def test_no_link_without_base_url() -> None:
    assert "/changes/" not in render_alert(item(), Format.TEXT).body


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("limit", [600, 1500, 4000])
def test_body_fits_the_channel_limit_and_keeps_the_links(fmt: Format, limit: int) -> None:
    big = stored(material=30, cosmetic=50, text="connection timestamps " * 40)
    body = render_alert(item(big), fmt, base_url="https://w.example", body_limit=limit).body
    assert len(body) <= limit
    assert "https://w.example/changes/7" in body
    assert "not shown" in body


def test_title_is_cut_to_the_title_limit() -> None:
    assert len(render_alert(item(summary="x" * 500), Format.TEXT, title_limit=100).title) <= 100


def test_markdown_cannot_be_injected_by_policy_text() -> None:
    evil = stored(text="[click](https://evil.example) ![px](https://evil.example/p.png) <b>x</b>")
    body = render_alert(item(evil), Format.MARKDOWN).body
    # Every bracket and angle bracket of the page is escaped: no link, image or HTML can form.
    assert re.search(r"(?<!\\)\]\(", body) is None
    assert re.search(r"(?<!\\)<b>", body) is None
    assert "\\[click\\]" in body


def test_html_escapes_policy_text_and_marks_the_diff() -> None:
    evil = stored(text="<script>alert(1)</script>")
    body = render_alert(item(evil), Format.HTML).body
    assert "<script>" not in body and "&lt;script&gt;" in body
    assert "<del>do not </del>" in body and "<ins> for 30 days</ins>" in body


def test_markdown_emphasis_hugs_the_changed_words() -> None:
    body = render_alert(item(), Format.MARKDOWN).body
    assert "We **do not** store" in body and "**for 30 days**." in body


def test_failure_and_recovery_messages_name_the_cause() -> None:
    p = {
        "title": "Jet VPN privacy policy",
        "failed_checks": 3,
        "cause": "tls",
        "message": "bad cert",
    }
    fail = render_alert(Item("failure", p), Format.TEXT)
    assert fail.title == "[failing] Jet VPN privacy policy: 3 checks failed (tls)"
    assert "bad cert" in fail.body
    rec = render_alert(Item("recovery", p), Format.TEXT)
    assert rec.title.startswith("[recovered] Jet VPN privacy policy")


def test_digest_lists_every_item_most_severe_first_within_limit() -> None:
    minor = item(severity="minor", summary="minor thing")
    crit = item(summary="critical thing")
    msg = render_digest("ngo", [minor, crit], Format.MARKDOWN, body_limit=3000)
    assert msg.title == "[digest, critical] watcher: 2 alerts for ngo"
    assert msg.body.index("critical thing") < msg.body.index("minor thing")
    assert len(msg.body) <= 3000
    many = render_digest("ngo", [crit] * 40, Format.TEXT, body_limit=2000)
    assert len(many.body) <= 2000 and "more alerts not shown" in many.body
