"""The built-in rules: each compares what the old and the new text of one hunk state.

Rules compare practices, never raw similarity. Each returns signals with a severity per the
DESIGN.md table, a direction, the categories it touches and a reason quoting the words on each
side; ``watcher.classify`` folds them into one finding per hunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from watcher.classify import cues
from watcher.classify import lexicon as lx
from watcher.classify import practice as pr
from watcher.classify.registry import Signal, rule
from watcher.classify.sentences import DATE, DATE_LINE, HunkView, Sentence, clean, mask_dates
from watcher.models import Category, Direction, Severity

C = Category
S = Severity
D = Direction

_SHORT_CLASS = {
    "analytics providers": "analytics",
    "payment processors": "payment",
    "service providers": "service provider",
    "advertisers": "advertising",
}
_AUX = re.compile(
    r"((?:(?:do|does|did|not|n't|never|will|won't|may|might|can|cannot|currently|shall|would|"
    r"could|no longer|also|only|generally|are|is|be|been|have|has)\s+)*)$"
)


def _quote(claim: pr.Claim) -> str:
    """The verb with the modal and negation words right before it: 'do not store'."""
    idx = claim.clause.find(claim.verb)
    if idx < 0:
        return claim.verb
    head = _AUX.search(claim.clause[:idx])
    return ((head.group(1) if head else "") + claim.verb).strip()


def _snippet(text: str, limit: int = 90) -> str:
    text = text.strip(" .;,")
    return text if len(text) <= limit else text[: limit - 3].rsplit(" ", 1)[0] + "..."


def _categories(claim: pr.Claim, vpn_context: bool) -> tuple[Category, ...]:
    """The topics a claim is about."""
    cats: list[Category] = []
    if _is_log_field(claim, vpn_context):
        cats.append(C.VPN_LOGGING)
    elif claim.group == "keep" and claim.kind == "data":
        cats.append(C.COLLECTION)
    if claim.group in ("share", "sell") and claim.item not in ("law enforcement", "government"):
        cats.append(C.SHARING)
    if claim.kind == "purpose" or (claim.group == "use" and claim.kind == "data"):
        cats.append(C.PURPOSE)
    if claim.item in ("law enforcement", "government", "warrant canary", "transparency report"):
        cats.append(C.GOVERNMENT_ACCESS)
    if claim.item == "user notice of government requests":
        cats.append(C.GOVERNMENT_ACCESS)
    if claim.item in ("notice of policy changes", "previously collected data"):
        cats.append(C.POLICY_CHANGES)
    if claim.item == "breach notification" or claim.group == "protect":
        cats.append(C.SECURITY)
    if claim.group == "delete":
        cats.append(C.RETENTION)
    if claim.group == "right":
        cats.append(C.USER_RIGHTS)
    if claim.group == "define":
        cats.append(C.SCOPE)
    if (
        claim.item in ("cookies", "Do Not Track signals", "analytics providers")
        or claim.cls == "analytics providers"
        or (claim.item == "device id" and "advertising" in claim.phrase)
    ):
        cats.append(C.TRACKING)
    return tuple(cats)


_NOT_CORE_FIELDS = frozenset({"bandwidth"})
_REFERENCED = frozenset({"IP address", "personal data", "usage data", "referenced data"})


def _is_log_field(claim: pr.Claim, vpn_context: bool) -> bool:
    if claim.kind == "vpn":
        return True
    return claim.group == "keep" and vpn_context and claim.item in _REFERENCED


def _core(claim: pr.Claim, vpn_context: bool) -> bool:
    """Is this a core promise (DESIGN.md critical): logging, selling, advertising, state access."""
    if claim.group == "keep" and claim.kind == "vpn" and claim.item not in _NOT_CORE_FIELDS:
        return True
    if claim.group == "keep" and vpn_context and claim.item in _REFERENCED:
        return True
    if claim.group == "sell":
        return True
    if claim.item in ("advertisers", "advertising", "data brokers") or claim.cls == "advertisers":
        return True
    return claim.item in (
        "warrant canary",
        "user notice of government requests",
        "previously collected data",
        "law enforcement",
        "government",
    )


def _vpn_context(view: HunkView) -> bool:
    """Does the hunk speak of VPN log fields, so that "IP address" or "this data" is one?"""
    if C.VPN_LOGGING in view.heading_categories:
        return True
    return any(
        c.kind == "vpn" and c.item not in _NOT_CORE_FIELDS
        for s in view.old + view.new
        for c in s.practice.claims
    ) or any(C.VPN_LOGGING in s.practice.categories for s in view.old + view.new)


def _claims(sentences: Iterable[Sentence]) -> dict[tuple[str, str], list[pr.Claim]]:
    out: dict[tuple[str, str], list[pr.Claim]] = {}
    for s in sentences:
        for c in s.practice.claims:
            out.setdefault(c.key, []).append(c)
    return out


def _most_permissive(claims: list[pr.Claim]) -> pr.Claim:
    return max(claims, key=lambda c: c.permissiveness)


def _is_promise(claim: pr.Claim) -> bool:
    return claim.permissiveness <= pr.NOT_CURRENTLY


def _shift_label(old: pr.Claim, new: pr.Claim) -> str:
    a, b = old.permissiveness, new.permissiveness
    if old.sense > 0:
        if a <= pr.NOT_CURRENTLY < b:
            return "negation removed"
        if b <= pr.NOT_CURRENTLY < a:
            return "negation added"
        if new.level == pr.NOT_EXCEPT and old.level != pr.NOT_EXCEPT:
            return "exception added"
        if old.level == pr.NOT_EXCEPT and new.level != pr.NOT_EXCEPT:
            return "exception removed"
        if new.level == pr.NOT_CURRENTLY or old.level == pr.NOT_CURRENTLY:
            return "hedge " + ("added" if new.level == pr.NOT_CURRENTLY else "removed")
        return "modality"
    if a <= pr.NOT_CURRENTLY < b:
        return "promise negated"
    if b <= pr.NOT_CURRENTLY < a:
        return "promise affirmed"
    return "modality"


def _shift_severity(a: int, b: int, core: bool) -> Severity:
    """Severity of a move from permissiveness ``a`` to ``b`` (higher is more permissive)."""
    lo, hi = min(a, b), max(a, b)
    if lo <= pr.NOT_CURRENTLY < hi or (lo <= pr.NOT and hi in (pr.NOT_EXCEPT, pr.NOT_CURRENTLY)):
        return S.CRITICAL if core and b > a and hi >= pr.MAY else S.MAJOR
    if lo == pr.NOT_EXCEPT and hi == pr.NOT_CURRENTLY:
        return S.MAJOR
    return S.MINOR


def _label(claim: pr.Claim) -> str:
    if claim.cls and claim.cls != claim.item:
        return f"{claim.item} ({_SHORT_CLASS.get(claim.cls, claim.cls)})"
    return claim.item


def topics(s: Sentence) -> set[Category]:
    """What a sentence is about: its topic cues and the topics of the practices it states."""
    vpn = C.VPN_LOGGING in s.practice.categories or "vpn" in s.text
    return set(s.practice.categories) | {
        c for cl in s.practice.claims for c in _categories(cl, vpn)
    }


@rule("practice-modality")
def practice_modality(view: HunkView) -> Iterator[Signal]:
    """A practice stated on both sides changes how strongly it is stated (never ... do)."""
    if view.moved:
        return
    vpn = _vpn_context(view)
    old, new = _claims(view.changed_old()), _claims(view.changed_new())
    for key in [k for k in new if k in old]:
        o, n = _most_permissive(old[key]), _most_permissive(new[key])
        a, b = o.permissiveness, n.permissiveness
        if a == b:
            o, n = (
                min(old[key], key=lambda c: c.permissiveness),
                min(new[key], key=lambda c: c.permissiveness),
            )
            a, b = o.permissiveness, n.permissiveness
            if a == b:
                continue
        core = _core(n, vpn)
        severity = _shift_severity(a, b, core)
        direction = D.WEAKENS if b > a else D.STRENGTHENS
        label = _shift_label(o, n)
        reason = f"{label}: '{_quote(o)}' -> '{_quote(n)}' ({_label(n)})"
        plain = f"'{_snippet(o.clause)}' became '{_snippet(n.clause)}'"
        yield Signal(severity, direction, _categories(n, vpn), reason, plain)


@rule("practice-items")
def practice_items(view: HunkView) -> Iterator[Signal]:
    """A data type, recipient, purpose, right or promise appears on one side only."""
    if view.moved:
        return
    vpn = _vpn_context(view)
    old_all, new_all = _claims(view.old), _claims(view.new)
    old, new = _claims(view.changed_old()), _claims(view.changed_new())
    disclosed = {c.item for cs in old_all.values() for c in cs if not _is_promise(c)} | {
        c.cls for cs in old_all.values() for c in cs if c.cls and not _is_promise(c)
    }
    for key, claims in new.items():
        if key in old or key in old_all:
            continue
        c = _most_permissive(claims)
        if any(
            o.item == c.item and _is_promise(o) == _is_promise(c)
            for cs in old_all.values()
            for o in cs
        ):
            continue  # same item, same stance, other verb: "do not collect" -> "do not store"
        cats = _categories(c, vpn)
        if _is_promise(c):
            yield Signal(
                S.MAJOR,
                D.STRENGTHENS,
                cats,
                f"new promise: '{_quote(c)}' {_label(c)}",
                f"the policy now says '{_snippet(c.clause)}'",
            )
        elif c.kind == "recipient" and c.cls and c.cls != c.item and c.cls in disclosed:
            yield Signal(
                S.MINOR,
                D.NEUTRAL,
                cats,
                f"new recipient: {_label(c)}",
                f"{c.item} is now named as a recipient",
            )
        elif not c.verb and c.kind in ("data", "recipient"):
            yield Signal(
                S.MINOR,
                D.NEUTRAL,
                cats,
                f"now mentioned: {_label(c)}",
                f"{c.item} is now mentioned",
            )
        else:
            what = {
                "vpn": "log field",
                "data": "new data type",
                "recipient": "new recipient",
                "purpose": "new purpose",
                "right": "new right",
            }.get(c.kind, "new practice")
            core = _core(c, vpn) and c.item not in ("law enforcement", "government")
            direction = D.WEAKENS  # a permissive statement that was not there before
            severity = S.CRITICAL if core and direction is D.WEAKENS else S.MAJOR
            yield Signal(
                severity,
                direction,
                cats,
                f"{what}: {_label(c)} ('{_quote(c)}')",
                f"the policy now says '{_snippet(c.clause)}'",
            )
    for key, claims in old.items():
        if key in new or key in new_all:
            continue
        c = min(claims, key=lambda x: x.permissiveness)
        if any(
            n.item == c.item and _is_promise(n) == _is_promise(c)
            for cs in new_all.values()
            for n in cs
        ):
            continue
        cats = _categories(c, vpn)
        if _is_promise(c):
            core = _core(c, vpn)
            yield Signal(
                S.CRITICAL if core else S.MAJOR,
                D.WEAKENS,
                cats,
                f"promise deleted: '{_quote(c)}' {_label(c)}",
                f"the policy no longer says '{_snippet(c.clause)}'",
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
            yield Signal(S.MINOR, D.NEUTRAL, cats, f"recipient no longer named: {_label(c)}", "")
        elif not c.verb and c.kind in ("data", "recipient"):
            yield Signal(S.MINOR, D.NEUTRAL, cats, f"no longer mentioned: {_label(c)}", "")
        else:
            direction = D.STRENGTHENS  # a permissive statement is gone
            what = "right removed" if c.kind == "right" else "practice removed"
            yield Signal(
                S.MAJOR,
                direction,
                cats,
                f"{what}: {_label(c)} ('{_quote(c)}')",
                f"the policy no longer says '{_snippet(c.clause)}'",
            )


def _pairs(view: HunkView) -> Iterator[tuple[Sentence, Sentence]]:
    for i, j in view.pairs:
        yield view.old[i], view.new[j]


@rule("verb-negation")
def verb_negation(view: HunkView) -> Iterator[Signal]:
    """A paired sentence flips the negation or modality of a verb with no known data type."""
    if view.moved:
        return
    for o, n in _pairs(view):
        grouped = {c.group for c in o.practice.claims} | {c.group for c in n.practice.claims}
        for group, sense, _ in lx.VERB_GROUPS:
            if group in grouped or group not in o.practice.verbs or group not in n.practice.verbs:
                continue
            a, b = o.practice.verbs[group], n.practice.verbs[group]
            if sense < 0:
                a, b = pr.DO - a, pr.DO - b
            if a == b:
                continue
            gov = C.GOVERNMENT_ACCESS in (
                o.practice.categories | n.practice.categories | view.heading_categories
            )
            severity = _shift_severity(a, b, core=gov and group == "share")
            yield Signal(
                severity,
                D.WEAKENS if b > a else D.STRENGTHENS,
                tuple(
                    sorted(o.practice.categories | n.practice.categories | topics(o) | topics(n))
                ),
                f"{'negation removed' if b > a else 'negation added'}: "
                f"'{pr.LEVEL_WORDS[o.practice.verbs[group]]} {group}' -> "
                f"'{pr.LEVEL_WORDS[n.practice.verbs[group]]} {group}'",
                f"'{_snippet(o.raw)}' became '{_snippet(n.raw)}'",
            )


def _period_pairs(view: HunkView) -> list[tuple[list[Sentence], list[Sentence]]]:
    """Sentences to compare periods between: aligned pairs first, else the changed text whole."""
    out = [([o], [n]) for o, n in _pairs(view) if o.practice.durations and n.practice.durations]
    if out:
        return out
    old = [s for s in view.changed_old() if s.practice.durations]
    new = [s for s in view.changed_new() if s.practice.durations]
    return [(old, new)] if old and new else []


@rule("retention-period")
def retention_period(view: HunkView) -> Iterator[Signal]:
    """A period changes: how long data is kept, how much notice is given, how fast we answer."""
    if view.moved:
        return
    vpn = _vpn_context(view)
    for olds, news in _period_pairs(view):
        od = [d for s in olds for d in s.practice.durations]
        nd = [d for s in news for d in s.practice.durations]
        if sorted(d.seconds for d in od) == sorted(d.seconds for d in nd):
            continue
        a, b = max(od, key=lambda d: d.seconds), max(nd, key=lambda d: d.seconds)
        if a.seconds == b.seconds:
            a, b = min(od, key=lambda d: d.seconds), min(nd, key=lambda d: d.seconds)
        text = " ".join(s.text for s in news)
        topics = {c for s in news for c in s.practice.categories} | view.heading_categories
        cats: tuple[Category, ...]
        if pr.NOTICE_CONTEXT.search(text) and C.POLICY_CHANGES in topics:
            longer_is_worse, cats, what = False, (C.POLICY_CHANGES,), "notice period"
        elif pr.RESPONSE_CONTEXT.search(text):
            longer_is_worse, cats, what = True, (C.USER_RIGHTS,), "response time"
        else:
            longer_is_worse, cats, what = True, (C.RETENTION,), "retention"
        worse = (b.seconds > a.seconds) == longer_is_worse
        core = what == "retention" and any(
            _core(c, vpn) and c.group == "keep" for s in (*olds, *news) for c in s.practice.claims
        )
        if core:
            cats = (C.VPN_LOGGING, *cats)
        severity = S.MINOR if what == "response time" else S.MAJOR
        if worse and core:
            severity = S.CRITICAL
        yield Signal(
            severity,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            f"{what}: {a.text} -> {b.text}",
            f"{what} changed from {a.text} to {b.text}",
        )


_PLACE = re.compile(
    r"\b(?:stored|hosted|located|based|incorporated|registered|governed|processed|transferred|"
    r"servers?|data cent(?:er|re)s?|laws?|jurisdiction|headquarter(?:s|ed)?|establish(?:ed)?)\b"
)


def _jurisdiction_countries(sentences: Iterable[Sentence]) -> set[str]:
    return {
        c
        for s in sentences
        if C.JURISDICTION in s.practice.categories or _PLACE.search(s.text)
        for c in s.practice.countries
    }


@rule("jurisdiction")
def jurisdiction(view: HunkView) -> Iterator[Signal]:
    """The country whose law governs the provider or the data changes."""
    if view.moved:
        return
    old = _jurisdiction_countries(view.changed_old())
    new = _jurisdiction_countries(view.changed_new())
    if old == new or not (old or new):
        return
    gained, lost = new - old, old - new
    if gained & cues.FOURTEEN_EYES and not (old & cues.FOURTEEN_EYES):
        direction = D.WEAKENS
    elif lost & cues.FOURTEEN_EYES and not (new & cues.FOURTEEN_EYES):
        direction = D.STRENGTHENS
    else:
        direction = D.NEUTRAL
    show = " -> ".join(", ".join(sorted(x.title() for x in side)) or "none" for side in (old, new))
    yield Signal(
        S.MAJOR, direction, (C.JURISDICTION,), f"jurisdiction: {show}", f"jurisdiction {show}"
    )


@rule("contact-details")
def contact_details(view: HunkView) -> Iterator[Signal]:
    """An e-mail address, URL, phone number or postal address to reach the provider changes."""
    if view.moved:
        return
    old = {c for s in view.changed_old() for c in s.practice.contacts}
    new = {c for s in view.changed_new() for c in s.practice.contacts}
    if old == new:
        return
    show = f"{', '.join(sorted(old)) or 'none'} -> {', '.join(sorted(new)) or 'none'}"
    yield Signal(
        S.MINOR, D.NEUTRAL, (C.CONTACT,), f"contact: {show}", f"contact details changed: {show}"
    )


def _disclosure_safeguards(sentences: Iterable[Sentence]) -> set[str]:
    return {
        re.sub(r"^(?:valid|legally binding|binding|lawful) ", "", g).rstrip("s")
        for s in sentences
        if C.GOVERNMENT_ACCESS in s.practice.categories and "share" in s.practice.verbs
        for g in s.practice.safeguards
    }


@rule("government-safeguards")
def government_safeguards(view: HunkView) -> Iterator[Signal]:
    """Disclosure to authorities no longer (or newly) needs a court order, warrant or subpoena."""
    if view.moved:
        return
    old_s, new_s = view.changed_old(), view.changed_new()
    if not any("share" in s.practice.verbs for s in old_s) or not any(
        "share" in s.practice.verbs for s in new_s
    ):
        return
    old, new = _disclosure_safeguards(old_s), _disclosure_safeguards(new_s)
    if old and not new:
        yield Signal(
            S.CRITICAL,
            D.WEAKENS,
            (C.GOVERNMENT_ACCESS,),
            f"safeguard dropped: '{sorted(old)[0]}'",
            f"disclosure to authorities no longer requires a {sorted(old)[0]}",
        )
    elif new and not old:
        yield Signal(
            S.MAJOR,
            D.STRENGTHENS,
            (C.GOVERNMENT_ACCESS,),
            f"safeguard added: '{sorted(new)[0]}'",
            f"disclosure to authorities now requires a {sorted(new)[0]}",
        )


@rule("age-threshold")
def age_threshold(view: HunkView) -> Iterator[Signal]:
    """The age under which the service does not collect children's data changes."""
    if view.moved:
        return
    old = {a for s in view.changed_old() for a in s.practice.ages}
    new = {a for s in view.changed_new() for a in s.practice.ages}
    if not old or not new or old == new:
        return
    a, b = min(old), min(new)
    yield Signal(
        S.MAJOR,
        D.WEAKENS if b < a else D.STRENGTHENS,
        (C.SCOPE,),
        f"age threshold: {a} -> {b}",
        f"the age threshold for children changed from {a} to {b}",
    )


@rule("date-only")
def date_only(view: HunkView) -> Iterator[Signal]:
    """Only a date changed: on a "last updated" line nothing changed; elsewhere a date moved."""
    if view.moved:
        return
    old, new = view.hunk.old, view.hunk.new
    if not (DATE.search(old) and DATE.search(new)):
        return
    if clean(mask_dates(old)) != clean(mask_dates(new)) or clean(old) == clean(new):
        return
    if DATE_LINE.search(old) and not re.search(r"\baudit", old, re.IGNORECASE):
        yield Signal(S.NONE, D.NEUTRAL, (), "date only: 'last updated' line", "only a date changed")
    else:
        cats = (C.SECURITY,) if re.search(r"\baudit", old, re.IGNORECASE) else ()
        yield Signal(S.MINOR, D.NEUTRAL, cats, "date changed", "a date changed")


@rule("numbers")
def numbers(view: HunkView) -> Iterator[Signal]:
    """A number changed in a paired sentence that no other rule explains."""
    if view.moved:
        return
    for o, n in _pairs(view):
        po, pn = o.practice, n.practice
        if po.numbers == pn.numbers:
            continue
        if (
            [d.seconds for d in po.durations] != [d.seconds for d in pn.durations]
            or po.ages != pn.ages
            or po.contacts != pn.contacts
        ):
            continue
        before = ", ".join(sorted(po.numbers)) or "none"
        show = f"{before} -> {', '.join(sorted(pn.numbers)) or 'none'}"
        yield Signal(
            S.MINOR,
            D.NEUTRAL,
            tuple(sorted(po.categories | pn.categories)),
            f"number changed: {show}",
            f"a number changed ({show})",
        )


@rule("moved-paragraph")
def moved_paragraph(view: HunkView) -> Iterator[Signal]:
    """A paragraph moved elsewhere in the policy: cosmetic, its practice is unchanged."""
    if view.moved:
        yield Signal(S.COSMETIC, D.NEUTRAL, (), "paragraph moved", "a paragraph moved")
