"""normalize(): one spelling for the same visible text; mask_volatile(): dates that only move."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from watcher.models import Block, BlockKind, Document
from watcher.normalize import NORMALIZER_VERSION, mask_volatile, normalize, normalize_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("We don\u2019t \u201csell\u201d data", 'We don\'t "sell" data'),
        ("2020\u20132024 \u2014 opt\u2010out \u2212 re-use", "2020-2024 - opt-out - re-use"),
        ("\ufb01le \uff21\uff22 caf\u0065\u0301 \u2026", "file AB caf\u00e9 ..."),
        ("no\u00a0break\u2003em\u3000ideo  \t\n spaces", "no break em ideo spaces"),
        ("\u2022 First item", "First item"),
        ("\uf0b7 Icon bullet and \U000f0001 glyph", "Icon bullet and glyph"),
        ("\u00b7 dotted item, Home \u00b7 About", "dotted item, Home \u00b7 About"),
        ("zero\u200bwidth\u200c\u200d\u2060\ufeff joined\u00adsoft", "zerowidth joinedsoft"),
        ("bidi \u202eevil\u202c \u2066x\u2069", "bidi evil x"),
        ("bell\x07 null\x00 del\x7f c1\x85line", "bell null del c1 line"),
        ("red \x1b[31mwarning\x1b[0m done", "red warning done"),
        ("title \x1b]0;pwned\x07 here \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "title here link"),
        ("csi \x9b2J clear \x1bc reset", "csi clear reset"),
        ("[email\u00a0protected]", "[email protected]"),
        ("  \n\t ", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_normalize_text_leaves_no_invisible_or_private_character() -> None:
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    out = normalize_text(every)
    bad = {unicodedata.category(ch) for ch in out} & {"Cc", "Cf", "Co", "Zl", "Zp"}
    assert bad == set()
    assert "\n" not in out and "  " not in out


def test_normalize_text_is_idempotent() -> None:
    raw = "\u201cA\u201d \u2013 \u2022 b\u200b \x1b[1mc\x1b[0m \ufb01 \u00a0 d"
    assert normalize_text(normalize_text(raw)) == normalize_text(raw)


def test_normalize_drops_empty_blocks_and_marks_the_extractor() -> None:
    doc = Document(
        (
            Block(BlockKind.HEADING, "\u201cData\u201d", 2),
            Block(BlockKind.ITEM, "\u2022 \u200b"),
            Block(BlockKind.PARAGRAPH, "We\u00a0do not log."),
        ),
        title="Privacy \u2013 Policy",
        extractor="x1",
    )
    out = normalize(doc)
    assert out.blocks == (
        Block(BlockKind.HEADING, '"Data"', 2),
        Block(BlockKind.PARAGRAPH, "We do not log."),
    )
    assert out.extractor == f"x1+n{NORMALIZER_VERSION}"
    assert out.title == "Privacy - Policy"


@pytest.mark.parametrize(
    "line",
    [
        "Last updated: January 5, 2024",
        "Last Updated on 5 January 2024.",
        "Effective date: 2024-01-05",
        "Effective as of March 3rd, 2023",
        "This policy was last revised on 01/05/2024.",
        "Last modified: Monday, 5th of February 2024",
        "Updated: Jan. 2024",
        "Date of last revision: 2023-11-30T10:00:00Z",
    ],
)
def test_mask_volatile_hides_the_date_of_update_lines(line: str) -> None:
    masked = mask_volatile(line)
    assert "<date>" in masked
    assert not any(ch.isdigit() for ch in masked.replace("<date>", ""))


def test_mask_volatile_makes_a_date_only_change_compare_equal() -> None:
    old = "Privacy Policy. Last updated: March 1, 2023. We do not log."
    new = "Privacy Policy. Last updated: April 12, 2024. We do not log."
    assert old != new and mask_volatile(old) == mask_volatile(new)
    assert mask_volatile(old) != mask_volatile(new.replace("do not log", "log"))


@pytest.mark.parametrize(
    "line",
    [
        "We keep invoices until December 31, 2030 as the law requires.",
        "Under the Data Protection Act 2018 you may object.",
        "Logs are deleted after 30 days.",
        "We updated our servers in 2024 to use the latest encryption standards for all traffic.",
    ],
)
def test_mask_volatile_keeps_dates_that_are_policy(line: str) -> None:
    assert mask_volatile(line) == line
