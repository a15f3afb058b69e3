"""The qualifier rules: words that limit a practice without being a claim of their own.

How often something happens ("a canary updated every month"), whether data is only aggregate or
anonymous, and whether a practice waits for the user's opt-in or runs until they opt out: a
paraphrase keeps these, so a change in one is a change in the practice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from watcher.classify import lexicon as lx
from watcher.classify import weigh as w
from watcher.classify.matching import Gated, quick_gate
from watcher.classify.memo import memo
from watcher.classify.quantities import DELETES, frequencies
from watcher.classify.registry import Signal, rule
from watcher.classify.sentences import HunkView, Sentence
from watcher.models import Category, Direction, Severity

C = Category
S = Severity
D = Direction


def _hit(rx: re.Pattern[str], text: str) -> bool:
    """``rx.search(text)``, remembered: the daemon sees the same sentences again and again.

    Skipped when none of the words every match needs is in the text (``quick_gate``); a pattern
    that ignores case is always searched, since the words are read from it as written.

    The table and the memo are keyed by ``id(rx)``, not by the pattern: hashing a compiled
    pattern hashes its whole program every time (microseconds for the long ones, three times per
    call), which was most of what a call cost. The table holds each pattern it has seen, so an id
    in it always names that pattern.
    """
    key = id(rx)
    if key not in _GATES:
        _GATES[key] = (rx, None if rx.flags & re.IGNORECASE else quick_gate(rx))
    return _search(key, text)


@memo(maxsize=16384)
def _search(key: int, text: str) -> bool:
    rx, gate = _GATES[key]
    if gate is not None and not any(map(text.__contains__, gate)):
        return False
    return rx.search(text) is not None


# Patterns and their gate words by ``id``: a table of patterns, filled once, not a memo of texts.
_GATES: dict[int, tuple[re.Pattern[str], tuple[str, ...] | None]] = {}


@memo(maxsize=8192)
def _often(text: str) -> tuple[tuple[float, str], ...]:
    return frequencies(text)


_GOVERNMENT = re.compile(r"\b(?:canary|transparency report|government|law enforcement)\b")
_SECURITY = re.compile(r"\b(?:audit|penetration|pen test|security|vulnerabilit|backup)")
# Something done at intervals; elsewhere a frequency ("data you transfer each day") is granularity.
_DONE = re.compile(
    r"\b(?:updat|publish|refresh|renew|review|report|audit|test|rotat|back(?:ed)? ?up|notif|"
    r"remind|"
    r"scan|sign)"
)


@rule("frequency")
def frequency(view: HunkView) -> Iterator[Signal]:
    """How often something is done (a canary refreshed, a report published, an audit) changes."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        of, nf = _often(o.text), _often(n.text)
        if not of or not nf or not _hit(_DONE, n.text) or _hit(DELETES, n.text):
            continue
        a, b = max(of), max(nf)
        if abs(a[0] - b[0]) <= 0.05 * max(a[0], b[0]):
            continue
        if _hit(_GOVERNMENT, n.text):
            cats: tuple[Category, ...] = (C.GOVERNMENT_ACCESS,)
        elif _hit(_SECURITY, n.text):
            cats = (C.SECURITY,)
        else:
            cats = tuple(sorted(w.topics(n) - {C.RETENTION})) or (C.POLICY_CHANGES,)
        worse = b[0] > a[0]
        yield Signal(
            S.MAJOR,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            f"frequency: {a[1]} -> {b[1]}",
            f"how often this is done changed from {a[1]} to {b[1]}",
        )


# Words that say data cannot be tied to a person; losing one is a new, identifying practice.
_UNLINKED = re.compile(
    r"(?<!your )\b(?:aggregated?|anonymous|anonymi[sz]ed|de-identified|deidentified|"
    r"pseudonymi[sz]ed|"
    r"in aggregate|non-identifiable)\b"
)
_LINKED = re.compile(
    r"\b(?:(?:for|per|of) (?:each|every|your|individual) (?:account|user|customer|device)s?|"
    r"per[- ](?:account|user)|(?:linked|tied|connected) to your (?:account|identity)|"
    r"associated with your account|"
    r"individual (?:account|user)s?)\b"
)


_NOT_LINKED = re.compile(
    r"\bnot (?:linked|tied|associated|connected) (?:to|with) (?:any|an|your|a) "
    r"(?:account|user|person|identity|individual)"
)


def _linked(s: Sentence) -> int:
    """1 if the sentence ties data to a person, -1 if it says the data is not, else 0."""
    if _hit(_NOT_LINKED, s.text):
        return -1
    if _hit(_LINKED, s.text):
        return 1
    return -1 if _hit(_UNLINKED, s.text) else 0


@rule("identifiability")
def identifiability(view: HunkView) -> Iterator[Signal]:
    """Data said to be aggregate or anonymous becomes tied to an account, or the reverse."""
    if view.moved:
        return
    if w.split_keeps(view, lambda side: {_linked(s) for s in side} - {0}):
        return  # "not linked to any user" moved beside its subject
    for o, n in w.pairs_or_whole(view):
        a, b = _linked(o), _linked(n)
        dropped = a == -1 and b == 0 and _same_subject(o, n)
        if a == b or (0 in (a, b) and not dropped):
            continue
        worse = b > a
        cats = tuple(sorted(w.topics(n) & {C.VPN_LOGGING, C.COLLECTION})) or (C.COLLECTION,)
        if C.VPN_LOGGING in cats:
            cats = (C.VPN_LOGGING,)
        what = "tied to an account" if worse else "aggregate or anonymous"
        yield Signal(
            S.MAJOR,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            f"identifiability: the data is now {what}",
            f"the data is now {what}",
        )


def _same_subject(o: Sentence, n: Sentence) -> bool:
    """The new sentence keeps the old one's data words, only without the qualifier."""
    if _hit(lx.NEGATION, n.text) or _hit(lx.NEGATION, o.text):
        return False  # "may collect in aggregate" -> "do not collect in any form"
    return len(o.tokens & n.tokens) >= max(3, len(n.tokens) // 2)


_OPT_IN = re.compile(
    r"\b(?:opt(?:s|ed)?[- ]in|only (?:after|if|when|with) (?:you (?:give|have given|consent)|"
    r"your (?:prior |express )?consent)|with your (?:prior |express )?consent|"
    r"(?:ask|asks|request) (?:for )?your (?:permission|consent)|"
    r"with the (?:prior |express |written )?consent of|only with (?:the |your )?(?:[\w']+ ){0,3}"
    r"(?:consent|permission)|"
    r"after you (?:give|have given) (?:us )?your consent|"
    r"(?:off|disabled) (?:by default|unless you (?:turn|switch) (?:it|them) on)|"
    r"switched off unless|unless you (?:turn|switch) (?:it |them )?on)\b"
)
_OPT_OUT = re.compile(
    r"\b(?:opt(?:s|ed)?[- ]out|unsubscribe|disable (?:them|it|this|these)|turn (?:them|it) off|"
    r"withdraw your consent|object to|(?:on|enabled|active) by default|(?:turn|switch) (?:them|it) "
    r"off)\b"
)
# A legal basis that does not ask the user at all: as with an opt-out, the practice just runs.
_NOT_ASKED = re.compile(r"\blegitimate interests?\b")
# Consent read into the use of the service: the user is never asked, as with an opt-out.
_IMPLIED = re.compile(
    r"\b(?:(?:by|when you|if you|as you|once you) continu(?:e|ing) to (?:use|browse|visit)|"
    r"by (?:using|browsing|visiting|accessing) (?:our|the|this) (?:site|website|services?|app))\b"
)


@rule("consent-mode")
def consent_mode(view: HunkView) -> Iterator[Signal]:
    """A practice that waited for the user's opt-in now runs until they opt out, or the reverse."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        old_in, new_in = bool(_hit(_OPT_IN, o.text)), bool(_hit(_OPT_IN, n.text))
        if old_in == new_in:
            continue
        out = n if old_in else o
        implied = bool(_hit(_IMPLIED, out.text))
        interest = bool(_hit(_NOT_ASKED, out.text))
        if not implied and not interest and not _hit(_OPT_OUT, out.text):
            continue
        worse = old_in
        other = "implied by use" if implied else "legitimate interest" if interest else "opt-out"
        cats = tuple(sorted((w.topics(n) | w.topics(o)) & {C.PURPOSE, C.TRACKING})) or (C.PURPOSE,)
        yield Signal(
            S.MAJOR,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            f"consent: opt-in -> {other}" if worse else f"consent: {other} -> opt-in",
            "the practice no longer waits for your consent"
            if worse
            else "the practice now waits for your consent",
        )


_EXCEPT = re.compile(
    r"\b(?:except|unless|other than|with the exception of|excluding|save for|save where|save as|"
    r"notwithstanding|"
    r"apart from|aside from|"
    r"without (?:your |the |a )?(?:prior |express |verifiable |written )?(?:parental )?"
    r"(?:consent|permission|authori[sz]ation))\b"
)


@rule("exception-added")
def exception_added(view: HunkView) -> Iterator[Signal]:
    """A practice keeps its words and gains an exception ("unless the law requires", "without
    your permission"), or loses one."""
    if view.moved:
        return
    # An exception that moved to a sentence of its own (a sentence split in two) is still there.
    if any(_hit(_EXCEPT, s.text) for s in view.changed_old()) == any(
        _hit(_EXCEPT, s.text) for s in view.changed_new()
    ):
        return
    for o, n in w.pairs(view):
        old_x, new_x = bool(_hit(_EXCEPT, o.text)), bool(_hit(_EXCEPT, n.text))
        if old_x == new_x:
            continue
        short, long = (o, n) if new_x else (n, o)
        if not short.tokens <= long.tokens:
            continue  # reworded, not only qualified
        worse = new_x
        cats = tuple(sorted(w.topics(long) - {C.CONTACT})) or (C.SCOPE,)
        yield Signal(
            S.MAJOR,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            "exception added" if worse else "exception removed",
            "the practice now has an exception" if worse else "an exception was removed",
        )


_WIDER = re.compile(
    r"\b(?:in the background|at all times|even when (?:you are|the app is) not|continuously)\b"
)
_REQUIRED = re.compile(r"\b(?:require[sd]?|must|mandatory|enforce[sd]?)\b")
_ADVISED = re.compile(
    r"\b(?:encourage[sd]?|recommend(?:s|ed)?|suggest(?:s|ed)?|optional|available|offered|"
    r"you (?:can|may) (?:enable|turn on|activate|switch on))\b"
)


@rule("reach")
def reach(view: HunkView) -> Iterator[Signal]:
    """A practice now runs in the background or at all times, or a required safeguard is only
    recommended or optional (or the reverse)."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        wider = bool(_hit(_WIDER, n.text)) - bool(_hit(_WIDER, o.text))
        if wider:
            cats = tuple(sorted((w.topics(n) | w.topics(o)) & {C.COLLECTION, C.TRACKING}))
            yield Signal(
                S.MAJOR,
                D.WEAKENS if wider > 0 else D.STRENGTHENS,
                cats or (C.COLLECTION,),
                "reach: now also in the background" if wider > 0 else "reach: narrower",
                "the practice now runs more widely" if wider > 0 else "the practice runs less",
            )
        weaker = bool(_hit(_REQUIRED, o.text) and _hit(_ADVISED, n.text)) - bool(
            _hit(_REQUIRED, n.text) and _hit(_ADVISED, o.text)
        )
        if (
            weaker
            and not (_hit(_REQUIRED, n.text) and _hit(_ADVISED, n.text))
            and C.SECURITY in (w.topics(o) | w.topics(n) | view.heading_categories)
        ):  # "available to adults" -> "you must be 18" is no safeguard made optional
            cats = tuple(sorted(w.topics(n) - {C.CONTACT})) or (C.SECURITY,)
            yield Signal(
                S.MAJOR,
                D.WEAKENS if weaker > 0 else D.STRENGTHENS,
                cats,
                "required -> optional" if weaker > 0 else "optional -> required",
                "a required measure is now only recommended or optional"
                if weaker > 0
                else "an optional measure is now required",
            )


# A promise kept only when the law compels it: "we will notify you where the law requires us to".
_LEGAL_CONDITION = re.compile(
    r"\b(?:where|when|if|as|to the extent|in cases where) (?:the law|applicable law|law|we are "
    r"(?:legally )?(?:required|obliged|obligated)|legally)\b[^.;]{0,25}?\b(?:requires?|required|"
    r"obliged|obligated|mandates?|mandated|permits?)\b|"
    r"\b(?:only )?(?:where|when|if|as|to the extent) (?:required|mandated) by (?:applicable )?law\b"
)
_PROMISE_GROUPS = frozenset({"notify", "delete", "protect"})


@rule("legal-condition")
def legal_condition(view: HunkView) -> Iterator[Signal]:
    """A promise to users (to notify, delete, protect) now holds only where the law requires it,
    or no longer has that condition."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        old_c, new_c = _hit(_LEGAL_CONDITION, o.text), _hit(_LEGAL_CONDITION, n.text)
        if old_c == new_c:
            continue
        promised = _PROMISE_GROUPS & set(o.practice.verbs) & set(n.practice.verbs)
        if not promised:
            continue  # "we do not share it unless the law requires": an exception, not this
        worse = new_c
        cats = tuple(sorted((w.topics(o) | w.topics(n)) - {C.CONTACT})) or (C.USER_RIGHTS,)
        group = sorted(promised)[0]
        yield Signal(
            S.MAJOR,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            f"{'condition added' if worse else 'condition removed'}: '{group}' only where the "
            "law requires"
            if worse
            else f"condition removed: '{group}' no longer only where the law requires",
            "the promise now holds only where the law requires it"
            if worse
            else "the promise no longer depends on what the law requires",
        )


_EXCLUSIVE = re.compile(r"\b(?:only|solely|exclusively|for no other (?:reason|purpose))\b")
_EXCLUSIVES = Gated(_EXCLUSIVE)  # counted in both sentences of every pair: few have one


@rule("exclusivity-dropped")
def exclusivity_dropped(view: HunkView) -> Iterator[Signal]:
    """A practice limited to one use or one party ("used only to sync", "only the clinicians
    caring for you") loses its "only" and gains more: it now covers what was ruled out."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        if len(_EXCLUSIVES.findall(o.text)) <= len(_EXCLUSIVES.findall(n.text)):
            continue
        gained = n.tokens - o.tokens
        if len(gained) < 2 or len(o.tokens - n.tokens - _EXCLUSIVE_TOKENS) > 1:
            continue  # reworded, not widened: the old words must all still be there
        # What the practice now also covers is the topic: a new purpose, a new party.
        widened = w.topics(n) - w.topics(o) - {C.CONTACT, C.JURISDICTION}
        cats = tuple(sorted(widened or (w.topics(n) & _WIDENABLE))) or (C.PURPOSE,)
        yield Signal(
            S.MAJOR,
            D.WEAKENS,
            cats,
            "no longer only: a limited practice now covers more",
            w.contrast(o.raw, n.raw),
        )


_WIDENABLE = frozenset({C.PURPOSE, C.SHARING, C.COLLECTION, C.SECURITY, C.USER_RIGHTS})
_EXCLUSIVE_TOKENS = frozenset({"only", "solely", "exclusively", "no", "other", "reason", "purpose"})

# Rights or protections granted to everyone, then only to users in some places.
_REGION_ONLY = re.compile(
    r"\b(?:california|eea|eu|uk|european|swiss|canadian) (?:residents|users|customers|consumers|"
    r"readers)\b|"
    r"\b(?:users?|residents?|customers?|people|individuals|consumers|members)(?: who (?:live|"
    r"reside|are located|are based))? (?:in|of|from) (?:the )?(?:eea|european economic area|"
    r"european union|eu|uk|united kingdom|california|switzerland|canada|[a-z]+ (?:state|province))"
)


@rule("region-limited")
def region_limited(view: HunkView) -> Iterator[Signal]:
    """Rights granted to all users now go only to users in some region (the EEA, California),
    or the reverse."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        text = f"{o.text} {n.text}"
        if (
            "right" not in text
            and "opt out" not in text
            and "opt-out" not in text
            and C.USER_RIGHTS not in view.heading_categories
        ):
            continue
        a, b = bool(_REGION_ONLY.search(o.text)), bool(_REGION_ONLY.search(n.text))
        if a == b:
            continue
        yield Signal(
            S.MAJOR,
            D.WEAKENS if b else D.STRENGTHENS,
            (C.USER_RIGHTS, C.SCOPE),
            "rights now only for users in some regions" if b else "rights now for all users",
            w.contrast(o.raw, n.raw),
        )


_HEDGE_WORDS = frozenset({"currently", "present", "presently", "time", "now", "yet"})


@rule("hedge-added")
def hedge_added(view: HunkView) -> Iterator[Signal]:
    """A denial the lexicon cannot read the object of ("images are not sent to us") gains or
    loses a hedge ("not currently"): a promise becomes a statement about today only."""
    if view.moved:
        return
    for o, n in w.pairs(view):
        if o.practice.claims or n.practice.claims:
            continue  # the practice rules compare claims; this is for the rest
        a, b = bool(_hit(lx.HEDGE, o.text)), bool(_hit(lx.HEDGE, n.text))
        if a == b or not (_hit(lx.NEGATION, o.text) and _hit(lx.NEGATION, n.text)):
            continue
        if (o.tokens ^ n.tokens) - _HEDGE_WORDS:
            continue  # more than the hedge changed
        yield Signal(
            S.MAJOR,
            D.WEAKENS if b else D.STRENGTHENS,
            tuple(sorted(w.topics(o) | w.topics(n) | view.heading_categories)) or (C.COLLECTION,),
            "hedge added: 'not' -> 'not currently'"
            if b
            else "hedge removed: 'not currently' -> 'not'",
            w.contrast(o.raw, n.raw),
        )
