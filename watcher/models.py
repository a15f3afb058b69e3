"""The values that flow through the pipeline.

Every type here is a frozen dataclass or a closed ``StrEnum``: stages return new values and never
mutate the ones they were given, so any value can be logged, stored, compared or handed to another
thread without a copy. This module does no I/O and imports nothing else from watcher; everything
else imports it.

The order of one check, and which stage makes which value::

    Target --fetch--> Fetched | NotModified --extract--> Document --normalize--> Document
           --record--> Version --diff--> Change --classify--> Verdict --alert--> Alert
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NewType

TargetId = NewType("TargetId", str)
"""``provider/slug``, lowercase: the stable key of a target's stored history."""


class Severity(StrEnum):
    """How much a change matters, from ``none`` to ``critical`` (DESIGN.md, Classification)."""

    NONE = "none"
    COSMETIC = "cosmetic"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _SEVERITY_ORDER.index(self)

    @property
    def material(self) -> bool:
        """``material`` is ``severity >= minor``: a practice changed, not only its wording."""
        return self.rank >= Severity.MINOR.rank

    @classmethod
    def highest(cls, severities: list[Severity] | tuple[Severity, ...]) -> Severity:
        return max(severities, key=lambda s: s.rank, default=cls.NONE)


_SEVERITY_ORDER = (
    Severity.NONE,
    Severity.COSMETIC,
    Severity.MINOR,
    Severity.MAJOR,
    Severity.CRITICAL,
)


class Direction(StrEnum):
    """Whether a change weakens or strengthens the users' privacy."""

    WEAKENS = "weakens"
    STRENGTHENS = "strengthens"
    NEUTRAL = "neutral"
    UNCLEAR = "unclear"


class Category(StrEnum):
    """The topics a hunk can touch; one hunk may carry several."""

    VPN_LOGGING = "vpn-logging"
    COLLECTION = "collection"
    PURPOSE = "purpose"
    SHARING = "sharing"
    RETENTION = "retention"
    GOVERNMENT_ACCESS = "government-access"
    JURISDICTION = "jurisdiction"
    USER_RIGHTS = "user-rights"
    SECURITY = "security"
    TRACKING = "tracking"
    POLICY_CHANGES = "policy-changes"
    SCOPE = "scope"
    CONTACT = "contact"


class Outcome(StrEnum):
    """How one check of one target ended."""

    NEW = "new"
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ANOMALY = "anomaly"
    ERROR = "error"


class HunkKind(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    MOVED = "moved"


class BlockKind(StrEnum):
    HEADING = "heading"
    PARAGRAPH = "paragraph"
    ITEM = "item"
    CELL = "cell"


@dataclass(frozen=True, slots=True)
class ExtractRules:
    """What a target says about where its policy is on the page.

    ``select``: CSS selectors of the policy's container (empty: the page, boilerplate removed).
    ``remove``: CSS selectors of what to drop. ``ignore``: regular expressions of text to drop.
    """

    select: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> str:
        """A stable string that changes whenever the rules do (stored with each version)."""
        return repr((self.select, self.remove, self.ignore))


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """How watcher fetches pages (the config's ``[fetch]`` table)."""

    user_agent: str = "watcher/0.1 (privacy policy monitor)"
    contact: str = ""  # an e-mail or URL appended to the User-Agent so site owners can reach us
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0  # the whole fetch, retries excluded
    max_bytes: int = 10 * 1024 * 1024  # body cap, after decompression
    max_redirects: int = 10
    retries: int = 2  # extra attempts on transient failures
    backoff: float = 1.0  # seconds before the first retry; doubles each time, with jitter
    proxy: str | None = None
    browser_timeout: float = 45.0  # for targets with render = "browser"


@dataclass(frozen=True, slots=True)
class Target:
    id: TargetId
    url: str
    provider: str
    name: str = ""
    interval: timedelta | None = None
    cron: str | None = None
    rules: ExtractRules = field(default_factory=ExtractRules)
    tags: frozenset[str] = frozenset()
    render: str = "http"

    @property
    def title(self) -> str:
        """How people call this target: ``Jet VPN privacy`` rather than ``jetvpn/privacy``."""
        return f"{self.provider} {self.name}".strip() if self.name else self.provider or self.id


@dataclass(frozen=True, slots=True)
class Fetched:
    """One body as the server sent it, before any interpretation."""

    url: str
    status: int
    content_type: str
    body: bytes
    fetched_at: datetime
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class NotModified:
    """The server answered a conditional GET with 304: nothing to parse."""

    url: str
    fetched_at: datetime
    status: int = 304
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class Validators:
    """What a conditional GET sends back to the server (from the last 200)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One unit of the policy's text: a heading, a paragraph, a list item or a table cell."""

    kind: BlockKind
    text: str
    level: int = 0  # heading level 1-6; 0 for other kinds

    def render(self) -> str:
        if self.kind is BlockKind.HEADING:
            return "#" * max(1, min(self.level, 6)) + " " + self.text
        if self.kind is BlockKind.ITEM:
            return "- " + self.text
        if self.kind is BlockKind.CELL:
            return "| " + self.text
        return self.text


_BLOCK_PREFIX = re.compile(r"^(?:(#{1,6}) |(- )|(\| ))")


@dataclass(frozen=True, slots=True)
class Document:
    """The policy as ordered blocks, with the version of the rules that produced it.

    Its text rendering (``text``) is what the store keeps and what diffs are computed on: one
    block per paragraph, Markdown-like prefixes for headings, list items and table cells.
    ``parse`` reads that rendering back, so a stored version is a Document again.
    """

    blocks: tuple[Block, ...]
    title: str = ""
    extractor: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(b.render() for b in self.blocks)

    @classmethod
    def parse(cls, text: str, *, title: str = "", extractor: str = "") -> Document:
        blocks: list[Block] = []
        for chunk in text.split("\n\n"):
            line = chunk.strip()
            if not line:
                continue
            m = _BLOCK_PREFIX.match(line)
            if m and m.group(1):
                blocks.append(Block(BlockKind.HEADING, line[m.end() :], len(m.group(1))))
            elif m and m.group(2):
                blocks.append(Block(BlockKind.ITEM, line[m.end() :]))
            elif m and m.group(3):
                blocks.append(Block(BlockKind.CELL, line[m.end() :]))
            else:
                blocks.append(Block(BlockKind.PARAGRAPH, line))
        return cls(tuple(blocks), title=title, extractor=extractor)


@dataclass(frozen=True, slots=True)
class Version:
    """One distinct text of a target, as stored."""

    target_id: TargetId
    seq: int
    text: str
    text_sha256: str
    raw_sha256: str | None
    captured_at: datetime
    extractor: str
    url: str = ""
    flip_of: int | None = None  # seq of the earlier identical version, for a flip-back
    note: str = ""  # why this version exists when it is not a plain change ("flip-back", ...)

    @property
    def document(self) -> Document:
        return Document.parse(self.text, extractor=self.extractor)


@dataclass(frozen=True, slots=True)
class WordOp:
    """One word-level piece of a modified hunk: ``op`` is -1 deleted, 0 kept, 1 inserted."""

    op: int
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """One difference between two documents, located by block index and heading path."""

    kind: HunkKind
    old: str
    new: str
    old_index: int | None = None
    new_index: int | None = None
    heading: str = ""
    words: tuple[WordOp, ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    """What ``diff`` found between two documents. No hunks means no difference."""

    hunks: tuple[Hunk, ...]
    timed_out: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.hunks)


@dataclass(frozen=True, slots=True)
class Finding:
    """The classifier's judgement of one hunk (same index as in ``Change.hunks``)."""

    severity: Severity
    direction: Direction
    categories: tuple[Category, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def material(self) -> bool:
        return self.severity.material


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's judgement of a whole change: the maximum over its hunks, and why."""

    severity: Severity
    direction: Direction
    categories: tuple[Category, ...]
    summary: str
    findings: tuple[Finding, ...]

    @property
    def material(self) -> bool:
        return self.severity.material


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A change as kept in the store: the two versions, the diff and the verdict."""

    id: int
    target_id: TargetId
    old_seq: int
    new_seq: int
    created_at: datetime
    change: Change
    verdict: Verdict
    note: str = ""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """How one check of one target ended, with what it stored."""

    target_id: TargetId
    outcome: Outcome
    started_at: datetime
    elapsed: float = 0.0
    status: int | None = None
    version_seq: int | None = None
    change_id: int | None = None
    verdict: Verdict | None = None
    cause: str | None = None
    message: str | None = None
