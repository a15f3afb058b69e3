"""The practice rules: what the old and the new text of one hunk state, claim by claim.

Rules compare practices, never raw similarity. Each returns signals with a severity per the
DESIGN.md table, a direction, the categories it touches and a reason quoting the words on each
side; ``watcher.classify`` folds them into one finding per hunk. The rules about quantities and
facts (periods, places, contacts, dates, numbers) are in ``watcher.classify.facts``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from watcher.classify import claim as cl
from watcher.classify import lexicon as lx
from watcher.classify import weigh as w
from watcher.classify.matching import Gated
from watcher.classify.promises import PROVIDER_BLIND
from watcher.classify.registry import Signal, rule
from watcher.classify.sentences import HunkView, Sentence, token
from watcher.models import Category, Direction, HunkKind, Severity

C = Category
S = Severity
D = Direction


@rule("practice-modality")
def practice_modality(view: HunkView) -> Iterator[Signal]:
    """A practice stated on both sides changes how strongly it is stated (never ... do)."""
    if view.moved:
        return
    vpn = w.vpn_context(view)
    old, new = w.claims_by_key(view.changed_old()), w.claims_by_key(view.changed_new())
    for key in [k for k in new if k in old]:
        # A verb says how strongly; an item with no verb next to the same item with one adds
        # only noise ("no way of knowing which sites you visit, because we never record them").
        olds = [c for c in old[key] if c.verb] or old[key]
        news = [c for c in new[key] if c.verb] or new[key]
        o, n = w.most_permissive(olds), w.most_permissive(news)
        a, b = o.permissiveness, n.permissiveness
        if a == b:
            o, n = (
                min(olds, key=lambda c: c.permissiveness),
                min(news, key=lambda c: c.permissiveness),
            )
            a, b = o.permissiveness, n.permissiveness
            if a == b:
                continue
        core = w.core(n, vpn)
        severity = w.shift_severity(a, b, core)
        direction = D.WEAKENS if b > a else D.STRENGTHENS
        label = w.shift_label(o, n)
        reason = f"{label}: '{w.quote(o)}' -> '{w.quote(n)}' ({w.label(n)})"
        plain = w.contrast(o.clause, n.clause)
        yield Signal(severity, direction, w.categories(n, vpn), reason, plain)


def _unresolved_match(c: cl.Claim, others: tuple[Sentence, ...]) -> bool:
    """Does a sentence on the other side state the same verb at the same strength of an object
    it names only by a pronoun ("we discard it", its noun in the sentence before)?"""
    if c.kind not in ("data", "vpn") or not c.verb:
        return False
    return any(
        s.practice.verbs.get(c.group) == c.level
        and not any(o.group == c.group for o in s.practice.claims)
        and _PRONOUN_OBJECT.search(s.text)
        for s in others
    )


# An object pronoun, not one after a preposition ("clicks a link in it" names no object).
_PRONOUN_OBJECT = re.compile(
    r"(?<!\bin )(?<!\bon )(?<!\bof )(?<!\bat )(?<!\bby )(?<!\bwith )(?<!\bfrom )"
    r"\b(?:it|them|this|these|that)\b"
)


def _only_named(c: cl.Claim) -> bool:
    """A mention that says nothing: a heading ("Cookies and Similar Technologies") or a defined
    term in brackets or quotes ('("Personal Data")')."""
    if len(c.clause.split()) <= 6:
        return True
    at = c.clause.find(c.phrase)
    return at > 0 and c.clause[at - 1] in "(\"'"


@rule("practice-items")
def practice_items(view: HunkView) -> Iterator[Signal]:
    """A data type, recipient, purpose, right or promise appears on one side only."""
    if view.moved:
        return
    vpn = w.vpn_context(view)
    ctx = w.listing(view)
    old_all, new_all = w.claims_by_key(view.old, ctx), w.claims_by_key(view.new, ctx)
    old, new = w.claims_by_key(view.changed_old(), ctx), w.claims_by_key(view.changed_new(), ctx)
    handled: set[tuple[str, str]] = set()
    old_words: frozenset[str] | None = None  # for typo checks, read once when first needed
    new_words: frozenset[str] | None = None
    for signal, ko, kn in _narrowings(old, new, old_all, new_all, vpn):
        handled |= {ko, kn}
        yield signal
    for signal, ko, kn in _refinements(old, new, old_all, new_all, vpn):
        handled |= {ko, kn}
        yield signal
    disclosed = {c.item for cs in old_all.values() for c in cs if not w.is_promise(c)} | {
        c.cls for cs in old_all.values() for c in cs if c.cls and not w.is_promise(c)
    }
    if "service providers" in disclosed:
        disclosed |= _SERVICE_CLASSES
    for key, claims in new.items():
        if key in old or key in old_all or key in handled:
            continue
        c = w.most_permissive(claims)
        if _unresolved_match(c, view.changed_old()):
            continue  # "... near you. We discard it ...": the other side says it of "it"
        if old_words is None:
            old_words = w.words_of(view.changed_old())
        if w.respelled(c.phrase, old_words) or w.only_typos(c.clause, old_words):
            continue  # a typo fixed: "your trafic" -> "your traffic"
        if _unqualified(c, old_all):
            continue  # "never sell your data" -> "never sell your data to anyone"
        wider = _verb_narrowing(c, old_all, new_all)
        if wider is not None:
            yield wider
            continue
        if c.kind != "definition" and _restated(c, old_all, new_all):
            continue  # same item, same stance, other verb: "do not collect" -> "do not store"
        if c.item == "referenced data" and any(w.quote(c) in s.text for s in view.changed_old()):
            continue  # "we will delete it" -> "we will delete that information"
        cats = w.categories(c, vpn)
        if w.is_promise(c):
            yield Signal(
                S.MAJOR,
                D.STRENGTHENS,
                cats,
                f"new right: {w.label(c)}"
                if c.kind == "right"
                else f"new definition: {w.label(c)} is personal data"
                if c.kind == "definition"
                else f"new promise: '{w.quote(c)}' {w.label(c)}",
                f"the policy now says {w.say(c.clause)}",
            )
        elif c.kind == "recipient" and c.cls and c.cls != c.item and c.cls in disclosed:
            yield Signal(
                S.MINOR,
                D.NEUTRAL,
                cats,
                f"new recipient: {w.label(c)}",
                f"{c.item} is now named as a recipient",
            )
        elif not c.verb and c.kind in ("data", "recipient"):
            if c.item in lx.AUTHORITIES or all(map(_only_named, claims)):
                continue  # "when law enforcement asks us": who asks, not who receives
            yield Signal(
                S.MINOR,
                D.NEUTRAL,
                cats,
                f"now mentioned: {w.label(c)}",
                f"{c.item} is now mentioned",
            )
        else:
            what = {
                "source": "new source",
                "vpn": "log field",
                "data": "new data type",
                "recipient": "new recipient",
                "purpose": "new purpose",
                "right": "new right",
            }.get(c.kind, "new practice")
            core = w.core(c, vpn) and c.item not in lx.AUTHORITIES
            direction = D.WEAKENS  # a permissive statement that was not there before
            severity = S.CRITICAL if core and direction is D.WEAKENS else S.MAJOR
            yield Signal(
                severity,
                direction,
                cats,
                f"new definition: {w.label(c)} is not personal data"
                if c.kind == "definition"
                else f"{what}: {w.label(c)} ('{w.quote(c)}')",
                f"the policy now says {w.say(c.clause)}",
            )
    for key, claims in old.items():
        if key in new or key in handled:
            continue
        c = min(claims, key=lambda x: x.permissiveness)
        if key in new_all and (not w.is_promise(c) or any(w.is_promise(n) for n in new_all[key])):
            continue  # still stated; a promise only counts as kept if a promise still says it
        if _unresolved_match(c, view.changed_new()):
            continue
        if new_words is None:
            new_words = w.words_of(view.changed_new())
        if w.respelled(c.phrase, new_words) or w.only_typos(c.clause, new_words):
            continue  # a word of it misspelt now
        if _unqualified(c, new_all):
            continue  # "never sell your data to anyone" -> "never sell your data"
        if _restated(c, new_all, old_all):
            continue
        cats = w.categories(c, vpn)
        if w.is_promise(c):
            core = w.core(c, vpn)
            yield Signal(
                S.CRITICAL if core else S.MAJOR,
                D.WEAKENS,
                cats,
                f"right removed: {w.label(c)}"
                if c.kind == "right"
                else f"promise deleted: '{w.quote(c)}' {w.label(c)}",
                f"the policy no longer says {w.say(c.clause)}",
            )
        elif (
            c.kind == "recipient"
            and c.cls
            and c.cls != c.item
            and c.cls
            in (
                {n.item for cs in new_all.values() for n in cs}
                | {n.cls for cs in new_all.values() for n in cs}
            )
        ):
            yield Signal(S.MINOR, D.NEUTRAL, cats, f"recipient no longer named: {w.label(c)}", "")
        elif not c.verb and c.kind in ("data", "recipient"):
            if c.item in lx.AUTHORITIES or all(map(_only_named, claims)):
                continue
            yield Signal(S.MINOR, D.NEUTRAL, cats, f"no longer mentioned: {w.label(c)}", "")
        else:
            # A permissive statement is gone; a safeguard, though, is gone even when it was
            # hedged ("where necessary, we will challenge a request in court").
            safeguard = c.sense < 0 and c.level == cl.MAY and c.kind in ("safeguard", "notice")
            direction = D.WEAKENS if safeguard else D.STRENGTHENS
            what = "safeguard removed" if safeguard else "practice removed"
            yield Signal(
                S.MAJOR,
                direction,
                cats,
                f"{what}: {w.label(c)} ('{w.quote(c)}')",
                f"the policy no longer says {w.say(c.clause)}",
            )


def _restated(c: cl.Claim, other: Claims, own: Claims) -> bool:
    """Does the other side state ``c``'s item with the same stance under another verb, a
    substitute for ``c``'s ("do not collect" -> "do not store")? Not when ``c``'s side states that
    verb too: "not sold or shared" -> "not sold" drops a verb and keeps the other."""
    return any(
        o.item == c.item
        and w.is_promise(o) == w.is_promise(c)
        and (o.key not in own or not (o.verb and c.verb))
        for cs in other.values()
        for o in cs
    )


def _refinements(
    old: Claims, new: Claims, old_all: Claims, new_all: Claims, vpn: bool
) -> Iterator[tuple[Signal, tuple[str, str], tuple[str, str]]]:
    """A data type replaced by a finer or coarser kind of itself: "location" -> "precise
    location" collects more; the reverse, less."""
    for kn, cn in new.items():
        if kn in old_all:
            continue
        for ko, co in old.items():
            if ko in new_all or ko[0] != kn[0] or ko == kn:
                continue
            finer = kn[1].endswith(" " + ko[1])
            coarser = ko[1].endswith(" " + kn[1])
            if not (finer or coarser):
                continue
            c, o = w.most_permissive(cn), w.most_permissive(co)
            if w.is_promise(c) or w.is_promise(o):
                continue  # "do not collect precise location" is the practice rules' to read
            yield (
                Signal(
                    S.MAJOR,
                    D.WEAKENS if finer else D.STRENGTHENS,
                    w.categories(c, vpn),
                    f"{'finer' if finer else 'coarser'} data: {o.item} -> {c.item}",
                    f"the policy now says {w.say(c.clause)}",
                ),
                ko,
                kn,
            )
            break


# A promise not to do the first implies one not to do the second: "never share X" covers selling
# X, "never collect X" covers sharing and selling it. A promise that moves down this order got
# narrower (the provider may now do what the old one ruled out); one that moves up got wider.
_VERB_COVERS = frozenset({("keep", "share"), ("keep", "sell"), ("share", "sell")})


def _verb_narrowing(c: cl.Claim, old_all: Claims, new_all: Claims) -> Signal | None:
    """A promise about an item now rests on a narrower (or wider) verb: "never share" -> "never
    sell" lets the provider share what it may no longer sell."""
    if not w.is_promise(c) or c.key in old_all:
        return None
    for o in (o for cs in old_all.values() for o in cs):
        if not w.is_promise(o) or o.key in new_all:
            continue
        if o.group == c.group == "protect":
            if (o.item in PROVIDER_BLIND) == (c.item in PROVIDER_BLIND) or any(
                n.item in PROVIDER_BLIND for cs in new_all.values() for n in cs
            ) == (o.item in PROVIDER_BLIND):
                continue
            weaker = o.item in PROVIDER_BLIND
            return Signal(
                S.MAJOR,
                D.WEAKENS if weaker else D.STRENGTHENS,
                (C.SECURITY,),
                f"{'weaker' if weaker else 'stronger'} encryption: {o.item} -> {c.item}",
                f"data is now protected by {c.item} instead of {o.item}"
                + (", which the provider can undo" if weaker else ""),
            )
        if o.item != c.item:
            continue
        if (o.group, c.group) in _VERB_COVERS:
            return Signal(
                S.MAJOR,
                D.WEAKENS,
                w.categories(o, False) or w.categories(c, False),
                f"promise narrowed: '{w.quote(o)}' -> '{w.quote(c)}' ({w.label(c)})",
                f"the policy no longer promises not to {o.group} {c.item}, only not to {c.group}",
            )
        if (c.group, o.group) in _VERB_COVERS:
            return Signal(
                S.MAJOR,
                D.STRENGTHENS,
                w.categories(c, False) or w.categories(o, False),
                f"promise widened: '{w.quote(o)}' -> '{w.quote(c)}' ({w.label(c)})",
                f"the policy now promises not to {c.group} {c.item} at all",
            )
    return None


# Classes of processors that act for the provider: naming one after "service providers" were
# disclosed is more specific, not a new class of recipient.
_SERVICE_CLASSES = frozenset({"payment processors"})

# What a promise can be narrowed from: everyone, or all of the user's data.
_BROAD = {"anyone": "recipient", "third parties": "recipient", "personal data": "data"}

Claims = dict[tuple[str, str], list[cl.Claim]]


def _unqualified(c: cl.Claim, other: Claims) -> bool:
    """A promise to "anyone" says no more than the same promise with no recipient at all."""
    if c.item != "anyone" or not w.is_promise(c):
        return False
    same = [o for cs in other.values() for o in cs if o.group == c.group and w.is_promise(o)]
    return bool(same) and not any(o.kind == "recipient" for o in same)


def _narrowings(
    old: Claims, new: Claims, old_all: Claims, new_all: Claims, vpn: bool
) -> Iterator[tuple[Signal, tuple[str, str], tuple[str, str]]]:
    """A promise about everyone (or all data) that now covers only some: "never sell to anyone"
    -> "never sell to data brokers". It reads as a new promise, but the old one got narrower."""
    for ko, olds in old.items():
        if ko in new or ko in new_all:
            continue
        o = min(olds, key=lambda x: x.permissiveness)
        if o.item not in _BROAD or not w.is_promise(o):
            continue
        for kn, news in new.items():
            n = min(news, key=lambda x: x.permissiveness)
            if (
                kn in old_all
                or n.group != o.group
                or n.kind != _BROAD[o.item]
                or n.item in _BROAD
                or not w.is_promise(n)
            ):
                continue
            yield (
                Signal(
                    S.MAJOR,
                    D.WEAKENS,
                    w.categories(n, vpn),
                    f"promise narrowed: '{w.quote(o)}' {w.label(o)} -> {w.label(n)}",
                    f"the promise {w.say(o.clause)} now covers only {n.item}",
                ),
                ko,
                kn,
            )
            break


def _flip_label(a: int, b: int) -> str:
    if min(a, b) <= cl.NOT_CURRENTLY < max(a, b):
        return "negation removed" if b > a else "negation added"
    return "modality"


def _claims_shifted(o: Sentence, n: Sentence) -> bool:
    """Does a claim stated on both sides change its modality?"""
    old = {c.key: c.permissiveness for c in o.practice.claims}
    return any(c.key in old and old[c.key] != c.permissiveness for c in n.practice.claims)


@rule("verb-negation")
def verb_negation(view: HunkView) -> Iterator[Signal]:
    """A paired sentence flips the negation or modality of a verb with no known data type."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        shifted = _claims_shifted(o, n)
        grouped = {c.group for c in o.practice.claims} | {c.group for c in n.practice.claims}
        for group, sense, _ in lx.VERB_GROUPS:
            if group in grouped or group not in o.practice.verbs or group not in n.practice.verbs:
                continue
            if shifted and sense > 0:
                continue  # "if we receive a request, we will -> may notify you": the claims say it
            a, b = o.practice.verbs[group], n.practice.verbs[group]
            if sense < 0:
                a, b = cl.permissiveness(a, sense), cl.permissiveness(b, sense)
            if a == b or min(a, b) >= cl.MAY:
                continue  # "we collect" -> "we may collect": no promise either way
            gov = C.GOVERNMENT_ACCESS in (
                o.practice.categories | n.practice.categories | view.heading_categories
            )
            severity = w.shift_severity(a, b, core=gov and group == "share")
            yield Signal(
                severity,
                D.WEAKENS if b > a else D.STRENGTHENS,
                tuple(
                    sorted(
                        o.practice.categories | n.practice.categories | w.topics(o) | w.topics(n)
                    )
                ),
                f"{_flip_label(a, b)}: "
                f"'{cl.LEVEL_WORDS[o.practice.verbs[group]]} {group}' -> "
                f"'{cl.LEVEL_WORDS[n.practice.verbs[group]]} {group}'",
                w.contrast(o.raw, n.raw),
            )


_UNIVERSAL = re.compile(r"\b(?:all|every|each|any|entire|whole|anything|everything)\b")
# "limited" as in "a limited set", not as in "your rights are not limited by this policy"
_PARTIAL = re.compile(
    r"\b(?:some|certain|selected|most|parts? of|portions? of|specific|(?<!not )limited(?! by))\b"
)


# Counted in both sentences of every pair; most have none of their words.
_UNIVERSALS, _PARTIALS = Gated(_UNIVERSAL), Gated(_PARTIAL)


def _protective(s: Sentence) -> bool:
    """Does the sentence promise something to users (a right, a protection, a "we do not")?"""
    return any(c.sense < 0 or w.is_promise(c) for c in s.practice.claims) or any(
        group in ("protect", "delete", "notify") for group in s.practice.verbs
    )


@rule("quantifier-narrowed")
def quantifier_narrowed(view: HunkView) -> Iterator[Signal]:
    """A statement about all of something now covers only some of it ("all" -> "some", "your
    account and all associated data" -> "your account"), or the reverse ("the trips you mark as
    business trips" -> "all of your trips")."""
    if view.moved:
        return
    if w.split_keeps(view, lambda side: sum(len(_UNIVERSALS.findall(s.text)) for s in side)):
        return  # the "all" moved to the sentence beside it
    for o, n in w.pairs(view):
        before, after = len(_UNIVERSALS.findall(o.text)), len(_UNIVERSALS.findall(n.text))
        if before == after:
            continue
        narrower = before > after
        # The side that lost its "all" is the side that may gain "some".
        limited, unlimited = (n, o) if narrower else (o, n)
        partial = len(_PARTIALS.findall(limited.text)) > len(_PARTIALS.findall(unlimited.text))
        if not (partial or n.tokens < o.tokens) or not (narrower or n.practice.claims):
            continue
        if narrower:
            weakens = _protective(o)
            reason = "narrowed: " + ("a promise" if weakens else "a practice") + " now covers less"
        else:  # a qualifier that limited it is gone and "all" stands in its place
            weakens = not _protective(n)
            reason = "widened: " + ("a practice" if weakens else "a promise") + " now covers more"
        yield Signal(
            S.MAJOR,
            D.WEAKENS if weakens else D.STRENGTHENS,
            tuple(sorted(w.topics(o) & w.topics(n) or view.heading_categories)),
            reason,
            w.contrast(o.raw, n.raw),
        )


# Words that qualify a statement rather than name what it covers: dropping one is wording.
_NOT_LISTED = frozenset({"ever", "also", "otherwise", "other", "any", "all", "such", "similar"})


def _list_items_gone(o: Sentence, n: Sentence) -> list[str]:
    """The words ``o`` has and ``n`` has not, when all of them were items of a list in ``o``
    ("Team and Enterprise workspaces" -> "Enterprise workspaces") and ``n`` adds none."""
    gone = o.tokens - n.tokens
    if not gone or len(gone) > 3 or not n.tokens < o.tokens or gone & _NOT_LISTED:
        return []
    words = o.canon.split()
    at = [i for i, word in enumerate(words) if token(word) in gone]
    listed = all(
        (i > 0 and words[i - 1] in ("and", "or"))
        or (i + 1 < len(words) and words[i + 1] in ("and", "or"))
        for i in at
    )
    return sorted(gone) if at and listed else []


@rule("promise-list")
def promise_list(view: HunkView) -> Iterator[Signal]:
    """A promise names fewer things ("we do not train on data from Team and Enterprise
    workspaces" -> "from Enterprise workspaces"), or more: the promise covers less, or more."""
    if view.moved:
        return
    for o, n in w.pairs(view):
        if not (_promise_stated(o) and _promise_stated(n)):
            continue
        gone, came = _list_items_gone(o, n), _list_items_gone(n, o)
        if not gone and not came:
            continue
        cats = tuple(sorted(w.topics(o) & w.topics(n) or view.heading_categories))
        what = "no longer covers" if gone else "now also covers"
        yield Signal(
            S.MAJOR,
            D.WEAKENS if gone else D.STRENGTHENS,
            cats,
            f"promise {what}: {', '.join(gone or came)}",
            w.contrast(o.raw, n.raw),
        )


def _promise_stated(s: Sentence) -> bool:
    """Does the sentence promise something (a negated statement, or a protective claim) that
    is not a right or a canary? Those have rules of their own, which name what changed."""
    if any(c.kind in ("right", "safeguard") for c in s.practice.claims):
        return False
    return cl.level_of(s.text) <= cl.NOT_CURRENTLY or _protective(s)


def _verb_promises(s: Sentence) -> list[tuple[str, int]]:
    """Promises a sentence makes with a verb alone, on no data type the lexicon knows ("we will
    never sell the metrics we collect", "we delete inactive accounts after a year")."""
    if s.practice.claims or not s.practice.verbs:
        return []  # the practice rules compare what it says
    group, level = next(iter(s.practice.verbs.items()))  # the first verb: the one that promises
    sense = _SENSE[group]
    return [(group, level)] if cl.permissiveness(level, sense) <= cl.NOT_CURRENTLY else []


_SENSE = {group: sense for group, sense, _ in lx.VERB_GROUPS}


@rule("verb-promise")
def verb_promise(view: HunkView) -> Iterator[Signal]:
    """A paragraph added or deleted whole holds a promise made with a verb alone."""
    kind = view.hunk.kind
    if kind not in (HunkKind.ADDED, HunkKind.REMOVED):
        return
    added = kind is HunkKind.ADDED
    for s in view.new if added else view.old:
        for group, level in _verb_promises(s):
            words = group if level == cl.DO else f"{cl.LEVEL_WORDS[level]} {group}"
            cats = tuple(sorted(w.topics(s) - {C.CONTACT} | view.heading_categories)) or (
                (C.RETENTION,) if group == "delete" else (C.SHARING,) if group == "sell" else ()
            )
            yield Signal(
                S.MAJOR if added or group != "sell" else S.CRITICAL,
                D.STRENGTHENS if added else D.WEAKENS,
                cats,
                f"{'new promise' if added else 'promise deleted'}: '{words}'",
                f"the policy {'now says' if added else 'no longer says'} {w.say(s.raw)}",
            )
