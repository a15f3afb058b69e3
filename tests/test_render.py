"""Tests of watcher.render: golden files for every renderer, and untrusted text kept inert.

Golden cases live in tests/data/render/<case>/: ``input.json`` (two document texts, a title and
a verdict recipe) and one expected file per rendering. After an intended change of output,
regenerate them with ``WATCHER_REGEN=1 .venv/bin/pytest tests/test_render.py`` and review the
diff of tests/data/render/ before committing.
"""

from __future__ import annotations

import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from watcher.diff import diff
from watcher.models import (
    Category,
    Change,
    CheckResult,
    Direction,
    Document,
    Finding,
    Hunk,
    HunkKind,
    Outcome,
    Severity,
    TargetId,
    Verdict,
    WordOp,
)
from watcher.render import (
    change_html,
    change_json,
    change_markdown,
    change_text,
    change_unified,
    check_json,
    sanitize_terminal,
)

DATA = Path(__file__).parent / "data" / "render"
CASES = sorted(p.name for p in DATA.iterdir() if (p / "input.json").is_file())
REGEN = os.environ.get("WATCHER_REGEN") == "1"

_KIND_SEVERITY = {
    HunkKind.ADDED: Severity.MINOR,
    HunkKind.REMOVED: Severity.MAJOR,
    HunkKind.MOVED: Severity.COSMETIC,
}


def _verdict(spec: dict[str, Any] | None, change: Change) -> Verdict | None:
    """A verdict built from a case's recipe, so that golden inputs need not list findings."""
    if spec is None:
        return None
    severity = Severity(spec["severity"])
    direction = Direction(spec["direction"])
    categories = tuple(Category(c) for c in spec["categories"])
    reasons = tuple(spec.get("reasons", ()))
    findings = []
    for i, hunk in enumerate(change.hunks):
        if spec["findings"] == "last-critical":
            last = i == len(change.hunks) - 1
            findings.append(
                Finding(
                    severity if last else Severity.COSMETIC,
                    direction if last else Direction.NEUTRAL,
                    categories if last else (),
                    reasons or ((f"{hunk.kind.value} text",) if last else ()),
                )
            )
        else:
            s = _KIND_SEVERITY.get(hunk.kind, severity)
            findings.append(
                Finding(s, direction, categories, reasons or (f"{hunk.kind.value} text",))
            )
    return Verdict(severity, direction, categories, spec["summary"], tuple(findings))


def _load(case: str) -> tuple[Change, Verdict | None, dict[str, Any]]:
    spec = json.loads((DATA / case / "input.json").read_text(encoding="utf-8"))
    change = diff(Document.parse(spec["old"]), Document.parse(spec["new"]), timeout=0)
    return change, _verdict(spec["verdict"], change), spec


def _renderings(case: str) -> dict[str, str]:
    change, verdict, spec = _load(case)
    title = spec["title"]
    return {
        "text.txt": change_text(change, verdict, color=False),
        "color.txt": change_text(change, verdict, color=True),
        "unified.diff": change_unified(change, old_label=f"{title} (old)", new_label=title),
        "markdown.md": change_markdown(
            change, verdict, title=title, budget=spec.get("markdown_budget", 4000)
        ),
        "inline.html": change_html(change, verdict, title=title),
        "side.html": change_html(change, verdict, title=title, side_by_side=True),
        "change.json": json.dumps(change_json(change, verdict), indent=2, ensure_ascii=False)
        + "\n",
    }


@pytest.mark.parametrize("case", CASES)
def test_renderings_match_golden_files(case: str) -> None:
    """Every renderer's output for every case is exactly the reviewed file."""
    for name, got in _renderings(case).items():
        path = DATA / case / name
        if REGEN:
            path.write_text(got, encoding="utf-8", newline="")
        assert path.is_file(), f"{path} missing: run with WATCHER_REGEN=1 and review"
        assert got == path.read_text(encoding="utf-8"), f"{case}/{name} differs"


def test_golden_cases_exist() -> None:
    """The golden test above must have something to compare."""
    assert {"policy", "hostile", "unchanged", "budget"} <= set(CASES)


# ---------------------------------------------------------------------------------------------
# Untrusted text

_OUR_SGR = re.compile(r"\x1b\[(?:0|1|2|31|32|36|41|42)m")


@pytest.fixture(scope="module")
def out() -> dict[str, str]:
    """The renderings of the hostile case."""
    return _renderings("hostile")


class TestInert:
    """The hostile case: a page with <script>, entities, ESC/OSC/DCS sequences, bidi overrides."""

    def test_terminal_renderings_carry_no_escape_from_the_page(self, out: dict[str, str]) -> None:
        assert "\x1b" not in out["text.txt"]
        assert "\x1b" not in out["unified.diff"]
        assert "\x1b" not in _OUR_SGR.sub("", out["color.txt"])
        for name in ("text.txt", "color.txt", "unified.diff", "markdown.md", "inline.html"):
            assert not re.search("[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f\u202e]", out[name]), name

    def test_page_text_still_shows_once_escapes_are_gone(self, out: dict[str, str]) -> None:
        assert "rights" in out["text.txt"] and "pwned title" not in out["text.txt"]
        assert "<script>alert('" in out["text.txt"]  # a terminal shows it as text

    def test_html_has_no_markup_from_the_page(self, out: dict[str, str]) -> None:
        for name in ("inline.html", "side.html"):
            page = out[name].lower()
            assert "<script" not in page and "<img" not in page and "<b>" not in page
            assert "&lt;script&gt;" in page and "&lt;img src=x onerror=alert(3)&gt;" in page
            assert "&amp;amp;" in page  # an entity in the page is shown, not decoded
            assert "content-security-policy" in page

    def test_markdown_has_no_live_link_image_or_html(self, out: dict[str, str]) -> None:
        md = out["markdown.md"]
        assert not re.search(r"(?<!\\)[<>]", re.sub(r"(?m)^> ", "", md))
        assert "](" not in md and "![" not in md.replace("\\!\\[", "")
        assert not re.search(r"(?<!\\)&", md)

    def test_json_keeps_text_and_serialises_controls_escaped(self, out: dict[str, str]) -> None:
        assert "\x1b" not in out["change.json"] and "\\u001b" in out["change.json"]


class TestSanitizeTerminal:
    @pytest.mark.parametrize(
        ("raw", "clean"),
        [
            ("\x1b[31mred\x1b[0m", "red"),
            ("a\x1b]0;title\x07b", "ab"),
            ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
            ("a\x1bPq#0;payload\x1b\\b", "ab"),
            ("lone escape at the end \x1b", "lone escape at the end "),
            ("charset a\x1b(Bb", "charset ab"),
            ("c1 \x9b2J csi", "c1  csi"),
            ("bell\x07 back\x08space\rcr", "bell backspacecr"),
            ("rtl \u202eevil\u202c", "rtl evil"),
            ("keeps\ttabs\nand lines, é 数据 🙂", "keeps\ttabs\nand lines, é 数据 🙂"),
        ],
    )
    def test_strips_sequences_and_controls(self, raw: str, clean: str) -> None:
        assert sanitize_terminal(raw) == clean

    def test_unterminated_osc_keeps_following_text(self) -> None:
        assert sanitize_terminal("x\x1b]0;no end and more text") == "x0;no end and more text"


# ---------------------------------------------------------------------------------------------
# JSON contracts

_HUNK = Hunk(
    HunkKind.MODIFIED,
    "We do not store connection timestamps.",
    "We store connection timestamps.",
    old_index=4,
    new_index=4,
    heading="Privacy Policy > 1. Logs",
    words=(WordOp(0, "We "), WordOp(-1, "do not "), WordOp(0, "store connection timestamps.")),
)
_FINDING = Finding(
    Severity.CRITICAL,
    Direction.WEAKENS,
    (Category.VPN_LOGGING,),
    ("negation removed: 'do not store' -> 'store'", "log field: connection timestamps"),
)
_VERDICT = Verdict(
    Severity.CRITICAL,
    Direction.WEAKENS,
    (Category.VPN_LOGGING,),
    "VPN logging: the policy no longer says connection timestamps are not stored",
    (_FINDING,),
)


class TestChangeJson:
    def test_matches_the_documented_contract(self) -> None:
        got = change_json(Change((_HUNK,)), _VERDICT)
        assert {k: got[k] for k in ("changed", "material", "severity", "direction")} == {
            "changed": True,
            "material": True,
            "severity": "critical",
            "direction": "weakens",
        }
        assert got["categories"] == ["vpn-logging"]
        assert got["summary"] == _VERDICT.summary
        hunks = got["hunks"]
        assert isinstance(hunks, list) and len(hunks) == 1
        assert hunks[0] | {"words": None} == {
            "kind": "modified",
            "old": "We do not store connection timestamps.",
            "new": "We store connection timestamps.",
            "severity": "critical",
            "material": True,
            "direction": "weakens",
            "categories": ["vpn-logging"],
            "reasons": list(_FINDING.reasons),
            "heading": "Privacy Policy > 1. Logs",
            "old_index": 4,
            "new_index": 4,
            "words": None,
        }
        json.dumps(got)  # serialisable as is

    def test_no_change_is_the_documented_empty_object(self) -> None:
        got = change_json(Change(()), None)
        assert {k: v for k, v in got.items() if k != "timed_out"} == {
            "changed": False,
            "material": False,
            "severity": "none",
            "direction": "neutral",
            "categories": [],
            "summary": "no change",
            "hunks": [],
        }

    def test_unclassified_change_says_null_not_none(self) -> None:
        got = change_json(Change((_HUNK,)), None)
        assert got["changed"] is True and got["severity"] is None and got["material"] is None
        assert got["summary"] == "1 hunk: 1 modified"


class TestCheckJson:
    def test_changed_result_carries_the_verdict(self) -> None:
        result = CheckResult(
            TargetId("jetvpn/privacy"),
            Outcome.CHANGED,
            datetime(2026, 1, 1, tzinfo=UTC),
            elapsed=1.2345,
            status=200,
            version_seq=3,
            change_id=17,
            verdict=_VERDICT,
        )
        assert check_json(result) == {
            "target": "jetvpn/privacy",
            "outcome": "changed",
            "severity": "critical",
            "material": True,
            "direction": "weakens",
            "categories": ["vpn-logging"],
            "cause": None,
            "message": None,
            "version": 3,
            "change_id": 17,
            "status": 200,
            "elapsed_ms": 1234,
        }

    def test_flip_back_is_unchanged_with_its_cause(self) -> None:
        result = CheckResult(
            TargetId("jetvpn/privacy"),
            Outcome.UNCHANGED,
            datetime(2026, 1, 1, tzinfo=UTC),
            cause="flip-back",
            message="same text as version 2",
        )
        got = check_json(result)
        assert got["outcome"] == "unchanged" and got["cause"] == "flip-back"
        assert got["severity"] == "none" and got["material"] is False
        assert got["direction"] == "neutral" and got["categories"] == []


# ---------------------------------------------------------------------------------------------
# Text, Markdown, HTML behaviour


class TestText:
    def test_without_colour_marks_words_and_has_no_escapes(self) -> None:
        out = change_text(Change((_HUNK,)), _VERDICT, color=False)
        assert "We [-do not -]store connection timestamps." in out
        assert "\x1b" not in out
        assert "critical, weakens [vpn-logging]" in out
        assert "reason: negation removed" in out

    def test_with_colour_paints_deleted_red(self) -> None:
        out = change_text(Change((_HUNK,)), None, color=True)
        assert "\x1b[31mdo not \x1b[0m" in out

    def test_modified_without_words_shows_both_sides_whole(self) -> None:
        hunk = Hunk(HunkKind.MODIFIED, "old text", "new text", 0, 0)
        out = change_text(Change((hunk,), timed_out=True), None, color=False)
        assert "[-old text-]" in out and "{+new text+}" in out and "ran out of time" in out


def _many(n_cosmetic: int, long_text: str) -> tuple[Change, Verdict]:
    hunks = [
        Hunk(HunkKind.MODIFIED, f"cosmetic {i} " * 20, f"cosmetic {i} changed " * 20, i, i)
        for i in range(n_cosmetic)
    ]
    hunks.append(Hunk(HunkKind.ADDED, "", long_text, None, n_cosmetic, "Policy > Sharing"))
    findings = [Finding(Severity.COSMETIC, Direction.NEUTRAL) for _ in range(n_cosmetic)]
    findings.append(_FINDING)
    verdict = Verdict(
        Severity.CRITICAL, Direction.WEAKENS, (Category.SHARING,), "sharing", tuple(findings)
    )
    return Change(tuple(hunks)), verdict


class TestMarkdown:
    def test_material_hunk_comes_first(self) -> None:
        change, verdict = _many(3, "We sell your data.")
        out = change_markdown(change, verdict)
        assert out.index("We sell your data") < out.index("cosmetic 0")

    @pytest.mark.parametrize("budget", [300, 600, 1000, 2000])
    def test_stays_within_budget_and_keeps_material_over_cosmetic(self, budget: int) -> None:
        change, verdict = _many(20, "We sell your browsing history. " * 40)
        out = change_markdown(change, verdict, budget=budget, title="Jet VPN")
        assert len(out) <= budget
        assert "We sell your browsing history" in out
        assert re.search(r"_\d+ more hunks not shown", out)

    def test_says_nothing_left_out_when_all_fit(self) -> None:
        change, verdict = _many(1, "We sell your data.")
        assert "not shown" not in change_markdown(change, verdict, budget=4000)


class TestHtml:
    def test_page_is_self_contained(self) -> None:
        page = change_html(Change((_HUNK,)), _VERDICT, title="Jet VPN")
        assert page.startswith("<!DOCTYPE html>")
        assert "<style>" in page and "<script" not in page
        assert not re.search(r"""(?:src|href)\s*=""", page)
        assert "<del>do not </del>" in page

    def test_side_by_side_puts_deletions_left_and_insertions_right(self) -> None:
        hunk = Hunk(
            HunkKind.MODIFIED, "keep 7 days", "keep 30 days", 0, 0, "",
            (WordOp(0, "keep "), WordOp(-1, "7"), WordOp(1, "30"), WordOp(0, " days")),
        )  # fmt: skip
        page = change_html(Change((hunk,)), None, side_by_side=True)
        assert '<td class="text">keep <del>7</del> days</td>' in page
        assert '<td class="text">keep <ins>30</ins> days</td>' in page
