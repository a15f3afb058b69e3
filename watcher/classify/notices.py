"""The change-notice rule: how users learn that the policy (or the terms) will change.

DESIGN.md rates changed change-notice terms major: notice sent to the user directly (an e-mail, an
in-app message) becoming a page the user must check, an advance period appearing or going, "without
notice" or "at our sole discretion" appearing or going. Periods named on both sides are compared by
the fact rules (``watcher.classify.facts``); this rule sees a period that exists on one side only.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from watcher.classify.matching import gate_words
from watcher.classify.registry import Signal, rule
from watcher.classify.sentences import HunkView, Sentence
from watcher.models import Category, Direction, Severity

# A sentence about changing the policy or the terms themselves.
_SUBJECT = re.compile(
    r"\b(?:modif(?:y|ies|ied|ication)|amend\w*|chang(?:e|es|ed|ing)|updat(?:e|es|ed|ing)|"
    r"revis(?:e|es|ed|ion|ions))\b.*\b(?:polic(?:y|ies)|terms|notice|agreement|statement)\b|"
    r"\b(?:polic(?:y|ies)|terms|agreement|statement)\b.*\b(?:modif|amend|chang|updat|revis)"
)
# Notice that reaches the user, not a page the user has to look at.
_DIRECT = re.compile(
    r"\b(?:(?:by|via|through) (?:an? )?(?:e-?mail|in-app|push|sms|text message|direct message)|"
    r"e-?mail(?:ing)? you|send(?:ing)? you|write to you|you will (?:get|receive) an e-?mail|"
    r"(?:notify|inform|tell|contact|alert)(?:ing)? you "
    r"(?:directly|personally|individually)|in-app (?:notifications?|messages?|notices?)|"
    r"push notifications?|to the e-?mail address (?:associated|linked|on file|you)|"
    r"(?:notify|inform|tell|alert)(?:ing)? you (?:of|about) [^.;]{0,40}? (?:by|via) (?:an? )?"
    r"(?:e-?mail|in-app|push|sms|text message|letter|post))\b"
)
# Notice given before the change applies.
_ADVANCE = re.compile(
    r"\b(?:in advance|advance notice|prior notice|before (?:any |a |the )?(?:\w+ )?"
    r"(?:changes?|it|they|the "
    r"(?:changes?|update|revision)s?|\w+ takes? effect|taking effect)|prior to (?:\w+ )?"
    r"(?:changes?|the|its|their|it)|days'? (?:prior )?notice|notice period)\b"
)
# Words that make a sentence about changes one about telling users of them.
_TELL = re.compile(
    r"\b(?:notices?|notif\w*|inform(?:s|ed|ing)? (?:you|users|customers)|tell|e-?mail\w*|"
    r"alert\w*|announc\w*|post\w*|publish\w*|message)\b"
)
# No notice at all, or the provider's discretion alone.
_NONE = re.compile(
    r"\b(?:without (?:any |prior |advance |further |separate )?(?:notice|notification|"
    r"notifying you|informing you|telling you)|(?:at|in) (?:our|its) (?:sole|absolute|own) "
    r"discretion)\b"
)


@dataclass(frozen=True, slots=True)
class _Terms:
    direct: bool
    advance: bool
    period: bool
    none: bool
    only_material: bool  # notice of "material" changes only, not of every change


_SUBJECT_WORDS = gate_words(_SUBJECT)  # one of them is in every match: tested first


# Under a "Changes to this policy" heading, "material changes" needs no "policy" to be about it.
_CHANGE_WORD = re.compile(r"\b(?:modif\w*|amend\w*|chang(?:e|es|ed|ing)|updat\w*|revis\w*)\b")


_CHANGES_HEADING = re.compile(r"^(?:changes|updates|amendments|revisions)\b")


def _terms(sentences: Sequence[Sentence], under_heading: bool = False) -> _Terms | None:
    found = [
        s
        for s in sentences
        if (any(map(s.text.__contains__, _SUBJECT_WORDS)) and _SUBJECT.search(s.text))
        or (under_heading and _CHANGE_WORD.search(s.text))
    ]
    if not found:
        return None
    text = " ".join(s.text for s in found)
    told = bool(_TELL.search(text))
    period = told and any(d.seconds < 1e14 for s in found for d in s.practice.durations)
    return _Terms(
        direct=bool(_DIRECT.search(text)),
        advance=period or (told and bool(_ADVANCE.search(text))),
        period=period,
        none=bool(_NONE.search(text)),
        only_material=bool(_MATERIAL.search(text)),
    )


_MATERIAL = re.compile(
    r"\b(?:material|significant|substantial|important) (?:changes?|amendments?|"
    r"revisions?|modifications?|updates?)\b|\b(?:materially|significantly|substantially) "
    r"(?:revise|change|amend|modify|update)|"
    r"\b(?:changes?|amendments?|revisions?|modifications?|updates?)\b[^.;]{0,30}\b(?:is|are) "
    r"(?:material|significant|substantial)\b|"
    r"\bif (?:they|it)(?:'re| are| is|'s) (?:material|significant|substantial)\b"
)


def _told_both(old: _Terms, new: _Terms) -> bool:
    """Both sides promise to tell users of changes at all (directly or ahead)."""
    return (old.direct or old.advance) and (new.direct or new.advance)


@rule("change-notice")
def change_notice(view: HunkView) -> Iterator[Signal]:
    """How users are told of changes to the policy changes: directly or not, ahead or not."""
    if view.moved:
        return
    heading = Category.POLICY_CHANGES in view.heading_categories or bool(
        _CHANGES_HEADING.search(view.heading_text)
    )
    old, new = _terms(view.changed_old(), heading), _terms(view.changed_new(), heading)
    if old is None or new is None:
        return  # a notice sentence added or removed whole is read by the practice rules
    found: list[tuple[bool, bool, str]] = []  # (weakens, stated now, what)
    if old.direct != new.direct:
        found.append((old.direct, new.direct, "notice sent to users directly, such as by e-mail"))
    if old.advance != new.advance and not (old.period and new.period):
        found.append((old.advance, new.advance, "notice ahead of changes taking effect"))
    if old.only_material != new.only_material and _told_both(old, new):
        found.append(
            (new.only_material, new.only_material, "notice only of changes it deems material")
        )
    if old.none != new.none:
        found.append((new.none, new.none, "changes without notice, at the provider's discretion"))
    for weakens, now, what in found:
        said = f"{'now' if now else 'no longer'} {what}"
        yield Signal(
            Severity.MAJOR,
            Direction.WEAKENS if weakens else Direction.STRENGTHENS,
            (Category.POLICY_CHANGES,),
            f"change notice: {said}",
            f"how users learn of changes to the policy: {said}",
        )
