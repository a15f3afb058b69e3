"""Classification: is a change material, what is it about, does it weaken privacy, how badly.

``classify(change)`` judges each hunk with every registered rule (``RULES``) and folds their
signals into one ``Finding`` per hunk, then the findings into one ``Verdict``. It is pure and
deterministic: no I/O, no clock, no randomness, so the same change always gets the same verdict.

The method is DESIGN.md's: sentences are aligned, each is read as the practices it states, and
practices are compared. Similar wording only decides which sentences to compare; whether a change is
material is decided by what the practices say.
"""

from __future__ import annotations

from watcher.classify import rules as _rules
from watcher.classify.registry import RULES, Rule, Signal, describe_rules, rule
from watcher.classify.sentences import HunkView, canon, view
from watcher.models import Category, Change, Direction, Finding, Hunk, HunkKind, Severity, Verdict

__all__ = [
    "RULES",
    "HunkView",
    "Rule",
    "Signal",
    "classify",
    "classify_hunk",
    "describe_rules",
    "rule",
]

_CATEGORY_LABELS = {
    Category.VPN_LOGGING: "VPN logging",
    Category.GOVERNMENT_ACCESS: "Government access",
    Category.USER_RIGHTS: "User rights",
    Category.POLICY_CHANGES: "Policy changes",
}


def _direction(signals: list[Signal]) -> Direction:
    """Weakens if material signals only weaken, strengthens likewise, unclear if they disagree.

    Minor signals are left out when a major one exists: "do not store X" -> "store X but never Y"
    weakens, however much firmer the wording about Y became.
    """
    strong = [s for s in signals if s.severity.rank >= Severity.MAJOR.rank]
    considered = strong or [s for s in signals if s.severity.material]
    dirs = {s.direction for s in considered} - {Direction.NEUTRAL}
    if len(dirs) == 1:
        return dirs.pop()
    return Direction.UNCLEAR if dirs else Direction.NEUTRAL


def _ordered(items: list[Category]) -> tuple[Category, ...]:
    return tuple(dict.fromkeys(items))


def _fold(hv: HunkView, signals: list[Signal]) -> tuple[Finding, list[Signal]]:
    hunk = hv.hunk
    old = "" if hunk.kind is HunkKind.ADDED else hunk.old
    new = "" if hunk.kind is HunkKind.REMOVED else hunk.new
    if not signals:
        if " ".join(old.split()) == " ".join(new.split()):
            return Finding(Severity.NONE, Direction.NEUTRAL), []
        reason = "wording changed, same practice" if canon(old) != canon(new) else "punctuation"
        signals = [
            Signal(Severity.COSMETIC, Direction.NEUTRAL, (), reason, "only the wording changed")
        ]
    signals = sorted(signals, key=lambda s: -s.severity.rank)
    severity = signals[0].severity
    if severity is Severity.NONE:
        return Finding(
            Severity.NONE, Direction.NEUTRAL, (), tuple(s.reason for s in signals)
        ), signals
    cats = [c for s in signals if s.severity.material for c in s.categories]
    cats += sorted(hv.heading_categories)
    changed = hv.changed_old() + hv.changed_new() if not hv.moved else list(hv.old)
    if not cats or not severity.material:
        cats += [c for s in signals for c in s.categories]
        cats += sorted({c for s in changed for c in _rules.topics(s)})
    reasons = tuple(dict.fromkeys(s.reason for s in signals))
    return Finding(severity, _direction(signals), _ordered(cats), reasons), signals


def classify_hunk(hunk: Hunk) -> Finding:
    """The finding for one hunk on its own."""
    return _judge(hunk)[0]


def _judge(hunk: Hunk) -> tuple[Finding, list[Signal]]:
    hv = view(hunk)
    signals = [signal for fn in RULES.values() for signal in fn(hv)]
    return _fold(hv, signals)


def _summary(judged: list[tuple[Finding, list[Signal]]], severity: Severity) -> str:
    if not judged:
        return "no change"
    for finding, signals in judged:
        if finding.severity is severity and signals:
            top = signals[0]
            if severity is Severity.NONE:
                return "only a date changed"
            if severity is Severity.COSMETIC:
                return f"cosmetic: {top.plain or top.reason}"
            head = finding.categories[0] if finding.categories else None
            label = _CATEGORY_LABELS.get(head, head.value.capitalize()) if head else "Policy"
            return f"{label}: {top.plain or top.reason}"
    return "no difference after normalization"


def classify(change: Change) -> Verdict:
    """Judge a change: one finding per hunk, in order, and their maximum as the verdict."""
    judged = [_judge(h) for h in change.hunks]
    findings = tuple(f for f, _ in judged)
    severity = Severity.highest([f.severity for f in findings])
    material = [f for f in findings if f.material]
    dirs = {f.direction for f in material} - {Direction.NEUTRAL}
    if Direction.UNCLEAR in dirs or len(dirs) > 1:
        direction = Direction.UNCLEAR
    elif dirs:
        direction = dirs.pop()
    else:
        direction = Direction.NEUTRAL
    categories = _ordered([c for f in findings for c in f.categories])
    return Verdict(severity, direction, categories, _summary(judged, severity), findings)
