"""Classification: is a change material, what is it about, does it weaken privacy, how badly.

``classify(change)`` judges each hunk with every registered rule (``RULES``) and folds their
signals into one ``Finding`` per hunk, then the findings into one ``Verdict``. It is pure and
deterministic: no I/O, no clock, no randomness, so the same change always gets the same verdict.

The method is DESIGN.md's: sentences are aligned, each is read as the practices it states, and
practices are compared. Similar wording only decides which sentences to compare; whether a change is
material is decided by what the practices say.
"""

from __future__ import annotations

# Rules register on import, in this order: practice rules first, so their reasons come first.
from watcher.classify import rules as _rules  # noqa: F401

# isort: split
from watcher.classify import facts as _facts  # noqa: F401
from watcher.classify import notices as _notices  # noqa: F401

# isort: split
from watcher.classify import provisions as _provisions  # noqa: F401
from watcher.classify import qualifiers as _qualifiers  # noqa: F401

# isort: split
from watcher.classify.memo import clear_caches
from watcher.classify.registry import RULES, Rule, Signal, describe_rules, rule
from watcher.classify.sentences import HunkView, canon, view
from watcher.classify.summary import summarize
from watcher.classify.weigh import topics
from watcher.models import Category, Change, Direction, Finding, Hunk, HunkKind, Severity, Verdict

__all__ = [
    "RULES",
    "HunkView",
    "Rule",
    "Signal",
    "classify",
    "classify_hunk",
    "clear_caches",
    "describe_rules",
    "rule",
]


_BROAD_TOPICS = frozenset({Category.PURPOSE, Category.COLLECTION, Category.CONTACT})


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
    if Category.VPN_LOGGING in cats:
        # Under a no-logs promise the data named are log fields, whatever else they are.
        cats = [c for c in cats if c is not Category.COLLECTION]
    cats += sorted(hv.heading_categories)
    changed = hv.changed_old() + hv.changed_new() if not hv.moved else list(hv.old)
    if not cats or not severity.material:
        cats += [c for s in signals for c in s.categories]
        cats += sorted({c for s in changed for c in topics(s)})
        if not severity.material and set(cats) - _BROAD_TOPICS:
            # Nothing changed, so the finding only says what the text is about: wording like
            # "in order to" or "collect" is everywhere, and names a topic only when it is alone.
            cats = [c for c in cats if c not in _BROAD_TOPICS]
    if Category.SCOPE in cats:
        # In a statement of what the policy covers or what a term means, the data named are
        # what is covered, not what is collected.
        cats = [c for c in cats if c is not Category.COLLECTION]
    reasons = tuple(dict.fromkeys(s.reason for s in signals))
    return Finding(severity, _direction(signals), _ordered(cats), reasons), signals


def classify_hunk(hunk: Hunk) -> Finding:
    """The finding for one hunk on its own."""
    return _judge(hunk)[0]


def _judge(hunk: Hunk) -> tuple[Finding, list[Signal]]:
    hv = view(hunk)
    signals = [signal for fn in RULES.values() for signal in fn(hv)]
    return _fold(hv, signals)


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
    summary = summarize(judged, change.hunks, severity)
    return Verdict(severity, direction, categories, summary, findings)
