"""The fact rules: periods, places, contact details, legal safeguards, ages, dates and numbers.

Each compares one kind of quantity or fact between the old and the new text of a hunk, where
the practice rules (``watcher.classify.rules``) compare claims.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from watcher.classify import cues
from watcher.classify import weigh as w
from watcher.classify.matching import Gated
from watcher.classify.promises import (
    BREACH,
    NOTICE_CONTEXT,
    NOTIFY,
    RESPONSE_CONTEXT,
    RIGHTS_CUE,
)
from watcher.classify.registry import Signal, rule
from watcher.classify.sentences import DATE, DATE_LINE, HunkView, Sentence, clean, mask_dates
from watcher.models import Category, Direction, Severity

C = Category
S = Severity
D = Direction


_KEPT = re.compile(r"\b(?:retain|retains|retained|retention|store[sd]?|kept|keep|keeps)\b")


_PERIOD_NAMES = {"retention": "retention period", "window to act": "time you have to act"}
# The time a user has to do something ("you may object within 30 days"): shorter is worse.
_USER_WINDOW = re.compile(
    r"\b(?:you|customers?|users?|controller|subscribers?)\b[^.;]{0,40}?\b(?:may|can|must|have|has)"
    r"\b[^.;]{0,15}?\b(?:object|opt out|cancel|withdraw|appeal|dispute|contest|claim a refund|"
    r"request a refund)\b[^.;]{0,60}?\bwithin\b"
)


# Notice given ahead of a change ("at least 30 days' notice before authorising a sub-processor"):
# a shorter period leaves less time to object or leave, whatever the heading.
_ADVANCE_NOTICE = re.compile(
    r"\bdays?'? (?:prior |advance |written )?notice\b|\bnotice\b[^.;]{0,60}\b(?:before|prior to|"
    r"in advance)\b"
)


def _period_pairs(view: HunkView) -> list[tuple[list[Sentence], list[Sentence]]]:
    """Sentences to compare periods between: aligned pairs first, else the changed text whole.

    None when the changed text on both sides names the same periods: a sentence split or merged
    ("for 7 days, after which they are removed" -> "for 7 days. After that, they are removed")
    moves a period between sentences without changing it.
    """
    old_all = {d.seconds for s in view.changed_old() for d in s.practice.durations}
    if old_all and old_all == {d.seconds for s in view.changed_new() for d in s.practice.durations}:
        return []
    out = [([o], [n]) for o, n in w.pairs(view) if o.practice.durations and n.practice.durations]
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
    vpn = w.vpn_context(view)
    for olds, news in _period_pairs(view):
        od = [d for s in olds for d in s.practice.durations]
        nd = [d for s in news for d in s.practice.durations]
        if {d.seconds for d in od} == {d.seconds for d in nd}:  # the same periods, however often
            continue
        a, b = max(od, key=lambda d: d.seconds), max(nd, key=lambda d: d.seconds)
        if a.seconds == b.seconds:
            a, b = min(od, key=lambda d: d.seconds), min(nd, key=lambda d: d.seconds)
        text = " ".join(s.text for s in news)
        topics = {c for s in news for c in s.practice.categories} | view.heading_categories
        cats: tuple[Category, ...]
        if _USER_WINDOW.search(text):
            longer_is_worse, cats, what = False, (C.USER_RIGHTS,), "window to act"
            if "processor" in text:
                cats = (C.SHARING, C.USER_RIGHTS)
        elif (NOTICE_CONTEXT.search(text) and C.POLICY_CHANGES in topics) or _ADVANCE_NOTICE.search(
            text
        ):
            longer_is_worse, cats, what = False, (C.POLICY_CHANGES,), "notice period"
            if "processor" in text:  # notice of a new sub-processor: who receives the data
                cats = (C.SHARING, C.POLICY_CHANGES)
        elif BREACH.search(text) and NOTIFY.search(text):
            longer_is_worse, cats, what = True, (C.SECURITY,), "breach notice delay"
        elif not _KEPT.search(text) and (
            RESPONSE_CONTEXT.search(text)
            or (C.USER_RIGHTS in view.heading_categories and RIGHTS_CUE.search(text))
        ):
            longer_is_worse, cats, what = True, (C.USER_RIGHTS,), "response time"
        else:
            longer_is_worse, cats, what = True, (C.RETENTION,), "retention"
        worse = (b.seconds > a.seconds) == longer_is_worse
        core = what == "retention" and any(
            (w.core(c, vpn) and c.group == "keep") or (c.kind == "vpn" and c.item != "bandwidth")
            for s in (*olds, *news)
            for c in s.practice.claims
        )
        if core:
            cats = (C.VPN_LOGGING, *cats)
        severity = S.MINOR if what in ("response time", "window to act") else S.MAJOR
        if worse and core:
            severity = S.CRITICAL
        yield Signal(
            severity,
            D.WEAKENS if worse else D.STRENGTHENS,
            cats,
            f"{what}: {a.text} -> {b.text}",
            f"the {_PERIOD_NAMES.get(what, what)} changed from {a.text} to {b.text}",
        )


_PLACE = re.compile(
    r"\b(?:stored|stores|hosted|hosts|(?<!you are )(?<!you're )(?:located|based)|incorporated|"
    r"registered|"
    r"governed|processed|transferred|"
    r"servers?|data cent(?:er|re)s?|laws?|jurisdiction|headquarter(?:s|ed)?|establish(?:ed)?|"
    r"operator|region|"
    r"courts?|arbitration|controller|operated)\b"
)


_PLACES = Gated(_PLACE)  # asked of every changed sentence: a third have one of its words
# Where the user is, not where the provider or the data is: "if you are located in the EEA".
_USER_REGION = re.compile(r"\b(?:if|where|when|while) you (?:are|live|reside)\b")


def _jurisdiction_countries(sentences: Iterable[Sentence]) -> set[str]:
    return {
        c
        for s in sentences
        if (C.JURISDICTION in s.practice.categories and not _USER_REGION.search(s.text))
        or " | " in s.text
        or _PLACES.search(s.text)
        for c in s.practice.countries
    }


_EU_NAMED = re.compile(r"\b(?:the eu|the eea|european union|european economic area|europe)\b")
_EU_MEMBERS = frozenset(
    {
        *("austria", "belgium", "bulgaria", "croatia", "cyprus", "czech republic", "denmark"),
        *("estonia", "finland", "france", "germany", "greece", "hungary", "ireland", "italy"),
        *("latvia", "lithuania", "luxembourg", "malta", "netherlands", "poland", "portugal"),
        *("romania", "slovakia", "slovenia", "spain", "sweden"),
    }
)


# Where the GDPR applies, or an equal protection the EU recognises (an adequacy decision without
# conditions: the US framework covers only certified companies, so the US is not listed).
_ADEQUATE = _EU_MEMBERS | {
    *("eu", "eea", "iceland", "norway", "liechtenstein", "switzerland", "united kingdom"),
    *("canada", "japan", "israel", "new zealand", "argentina", "uruguay", "south korea"),
    *("andorra", "faroe islands", "guernsey", "jersey", "isle of man"),
}


def _within_eu(side: set[str], other: set[str], sentences: Iterable[Sentence]) -> bool:
    """Does one side name only the EU, and the other an EU country inside it as well?"""
    return (
        not side
        and bool(other)
        and other <= _EU_MEMBERS
        and any(_EU_NAMED.search(s.text) for s in sentences)
    )


@rule("jurisdiction")
def jurisdiction(view: HunkView) -> Iterator[Signal]:
    """The country whose law governs the provider or the data changes."""
    if view.moved:
        return
    old = _jurisdiction_countries(view.changed_old())
    new = _jurisdiction_countries(view.changed_new())
    if old == new or not (old or new):
        return
    if _within_eu(old, new, view.changed_old()) or _within_eu(new, old, view.changed_new()):
        return  # "in the EU" -> "in Frankfurt, in the EU": a place named inside the same region
    gained, lost = new - old, old - new
    cats: tuple[Category, ...] = (C.JURISDICTION,)
    if gained & cues.FOURTEEN_EYES and not (old & cues.FOURTEEN_EYES):
        direction = D.WEAKENS
    elif lost & cues.FOURTEEN_EYES and not (new & cues.FOURTEEN_EYES):
        direction = D.STRENGTHENS
    elif (
        lost and not new and any(C.GOVERNMENT_ACCESS in w.topics(s) for s in view.changed_new())
    ):  # "a Swiss court" -> "a court": the qualifier that limited disclosure is gone
        direction = D.WEAKENS
        cats = (C.GOVERNMENT_ACCESS,)  # who can compel a disclosure, not where the data is
    elif old and old <= _ADEQUATE and gained - _ADEQUATE:
        direction = D.WEAKENS  # data that stayed where the GDPR or its equal applies now leaves
    elif new and new <= _ADEQUATE and lost - _ADEQUATE:
        direction = D.STRENGTHENS
    else:
        direction = D.NEUTRAL
    before, after = (_places(side) for side in (old, new))
    show = " -> ".join(", ".join(sorted(x.title() for x in side)) or "none" for side in (old, new))
    if before and after:
        plain = f"the jurisdiction changed from {before} to {after}"
    else:
        plain = f"the policy {'now names' if after else 'no longer names'} {after or before}"
    yield Signal(S.MAJOR, direction, cats, f"jurisdiction: {show}", plain)


# A company named as it is introduced: "currently Postmark", "such as Plausible", "(Hetzner)".
# Names are read from the text as written: a capitalised word after one of these cues.
# A name may carry its country: "Stelvio Support Ltd. (Ireland) and Penhallow Desk GmbH".
_NAME = r"[A-Z][\w&.-]*[\w&](?:\s+[A-Z][\w&.-]*[\w&]){0,2}\.?(?:\s+\([A-Z][^()]{0,30}\))?"
_NAMED = re.compile(
    r"\b(?:currently|namely|such as|including|like|e\.g\.,?|i\.e\.,?|provided by|operated by|"
    r"processed by|"
    r"for example (?:a \w+ from )?(?:our partner )?|for instance|our partner|"
    r"(?:provider|processor|partner|vendor|agency),|"
    r"hosted (?:by|on|with|at)|powered by|run by|supplied by|(?:delivered|sent|routed) "
    r"(?:through|via|using))\s+"
    rf"({_NAME}(?:(?:,\s+|,?\s+and\s+|,?\s+or\s+){_NAME})*)|"
    rf"\((?:currently |e\.g\.,? )?({_NAME})\)"
)
_LIST_SEP = re.compile(r",\s+|,?\s+and\s+|,?\s+or\s+")
# Passive delivery through a company names a processor even where no recipient class is named.
_THROUGH = re.compile(r"\b(?:delivered|sent|routed) (?:through|via|using)\b")
_NOT_NAMES = frozenset(
    {"EU", "EEA", "UK", "US", "USA", "GDPR", "CCPA", "DPA", "SCCs", "Services", "Service", "Site"}
)


# Naming cues strong enough on their own: "currently X", "our verification provider, Veriff".
_CURRENTLY = re.compile(
    # "facilities are operated by X" names a supplier; "the VPN is provided by X", its operator
    r"\b(?:currently|namely|(?<!is )(?:processed|provided|supplied|operated) by)\b|"
    r"\b(?:provider|processor|partner|vendor),"
)
_THROUGHS, _CURRENTLYS = Gated(_THROUGH), Gated(_CURRENTLY)  # few sentences have their words
_COUNTRY_NOTE = re.compile(r"\.?\s+\([^()]*\)$|\.$")
_ACRONYM = re.compile(r"[A-Z]{2,5}s?$")  # "SDKs", "APIs": kinds of thing, not companies


def _named(s: Sentence) -> set[str]:
    if (
        not any(c.kind == "recipient" for c in s.practice.claims)
        and not _THROUGHS.search(s.text)
        and not _CURRENTLYS.search(s.text)
    ):
        return set()  # only a name inside a disclosed class of recipients is one of them
    known = " ".join(c.phrase for c in s.practice.claims).lower()
    return {
        name
        for m in _NAMED.finditer(s.raw)
        for listed in _LIST_SEP.split(m.group(1) or m.group(2))
        for name in (_COUNTRY_NOTE.sub("", listed),)
        if name not in _NOT_NAMES and name.lower() not in known and not _ACRONYM.match(name)
    }


@rule("named-recipient")
def named_recipient(view: HunkView) -> Iterator[Signal]:
    """A company the lexicon does not know is named inside a class of recipients the sentence
    already discloses ("a delivery provider, currently Postmark"), or is no longer named."""
    if view.moved:
        return
    for o, n in w.pairs_or_whole(view):
        old, new = _named(o), _named(n)
        if old == new or (old and not _named_differs(old, new)):
            continue
        added, gone = sorted(new - old), sorted(old - new)
        cats = tuple(sorted((w.topics(o) | w.topics(n)) & {C.SHARING, C.TRACKING})) or (C.SHARING,)
        show = f"{', '.join(gone) or 'none'} -> {', '.join(added) or 'none'}"
        yield Signal(
            S.MINOR,
            D.NEUTRAL,
            cats,
            f"recipient named: {show}",
            f"{' and '.join(added)} {'is' if len(added) == 1 else 'are'} now named"
            if added and not gone
            else f"the named recipient changed ({show})",
        )


def _named_differs(old: set[str], new: set[str]) -> bool:
    return {n.lower() for n in old} != {n.lower() for n in new}


# Who is responsible for the data: "the data controller is X", "X is the controller".
_CONTROLLER = re.compile(
    r"\b(?:data )?controller (?:of|for|responsible for) [^.;]{0,60}?\bis (?P<a>[^,;()]{2,60}?)"
    r"(?=,|;|\(|\.(?:\s|$)|$| (?:registered|located|incorporated|based|with|at|in)\b)|"
    r"\b(?:the )?(?:data )?controller (?:is|will be) (?P<b>[^,;()]{2,60}?)"
    r"(?=,|;|\(|\.(?:\s|$)|$| (?:registered|located|incorporated|based|with|at|in)\b)|"
    # "X, with its registered office in Munich, is the controller": the aside is not the name
    r"(?P<c>[a-z0-9][\w&.-]*(?: [\w&.-]+){0,5})(?:, (?:with|whose|which has) [^,;]{1,60})?,? "
    r"(?:\([^)]*\) )?(?:is|acts as) the (?:data )?controller\b"
)


def _controllers(sentences: Iterable[Sentence]) -> set[str]:
    out = set()
    for s in sentences:
        if "controller" not in s.text:
            continue
        for m in _CONTROLLER.finditer(s.text):
            name = (m.group("a") or m.group("b") or m.group("c") or "").strip(" .")
            name = re.sub(r"^(?:the|our|we)\b ?", "", name)
            if name and name not in ("we", "us"):
                written = re.search(re.escape(name), s.raw, re.IGNORECASE)
                out.add(written.group(0) if written else name)  # as the policy writes it
    return out


@rule("controller")
def controller(view: HunkView) -> Iterator[Signal]:
    """The company responsible for the data (the controller) changes."""
    if view.moved:
        return
    old, new = _controllers(view.changed_old()), _controllers(view.changed_new())
    if not old or not new or old == new:
        return
    show = f"{', '.join(sorted(old))} -> {', '.join(sorted(new))}"
    yield Signal(
        S.MAJOR,
        D.NEUTRAL,
        (C.JURISDICTION,),
        f"controller: {show}",
        f"the company responsible for your data is now {' and '.join(sorted(new))}",
    )


# Where a user's claims are heard: giving up the courts for arbitration (often with a class-action
# waiver) takes away a way to enforce every promise of the policy.
_ARBITRATION = re.compile(
    r"\barbitrat\w*|\bclass[- ]action waiver|\bwaive (?:any |your )?(?:right|rights) to "
    r"(?:take part|participate|join|bring|be part)"
)
_COURTS = re.compile(r"\bcourts?\b|\bsmall[- ]claims\b")


@rule("dispute-forum")
def dispute_forum(view: HunkView) -> Iterator[Signal]:
    """Claims move from the courts to binding arbitration (or a class-action waiver appears), or
    back."""
    if view.moved:
        return
    old = " ".join(s.text for s in view.changed_old())
    new = " ".join(s.text for s in view.changed_new())
    if not any(g in old or g in new for g in ("arbitra", "class", "waive")):
        return
    a, b = bool(_ARBITRATION.search(old)), bool(_ARBITRATION.search(new))
    if a == b or not (_COURTS.search(old) or _COURTS.search(new) or a or b):
        return
    yield Signal(
        S.MAJOR,
        D.WEAKENS if b else D.STRENGTHENS,
        (C.JURISDICTION, C.USER_RIGHTS),
        "disputes: courts -> binding arbitration" if b else "disputes: arbitration -> courts",
        "claims must now go to binding arbitration instead of a court"
        if b
        else "claims can now be brought in court instead of arbitration",
    )


# The legal ground for sending data abroad; swapping one for another changes the protection, and
# whether for better is disputed (Privacy Shield was struck down; so may its successors be).
_MECHANISMS = (
    ("standard contractual clauses", re.compile(r"\bstandard contractual clauses\b|\bsccs?\b")),
    ("Data Privacy Framework", re.compile(r"\bdata privacy framework\b|\bdpf\b")),
    ("Privacy Shield", re.compile(r"\bprivacy shield\b")),
    ("adequacy decision", re.compile(r"\badequacy (?:decision|finding|regulations?)\b")),
    ("binding corporate rules", re.compile(r"\bbinding corporate rules\b|\bbcrs?\b")),
)


_MECHANISM_GATE = ("contractual", "scc", "framework", "dpf", "shield", "adequacy", "bcr", "binding")


def _mechanisms(sentences: Iterable[Sentence]) -> set[str]:
    return {
        name
        for s in sentences
        if any(map(s.text.__contains__, _MECHANISM_GATE))
        for name, rx in _MECHANISMS
        if rx.search(s.text)
    }


@rule("transfer-mechanism")
def transfer_mechanism(view: HunkView) -> Iterator[Signal]:
    """The legal mechanism for transfers abroad (SCCs, an adequacy decision, a framework) changes
    or is dropped."""
    if view.moved:
        return
    old, new = _mechanisms(view.changed_old()), _mechanisms(view.changed_new())
    if old == new or not old:
        return
    gone, added = sorted(old - new), sorted(new - old)
    show = f"{', '.join(sorted(old))} -> {', '.join(sorted(new)) or 'none'}"
    if added:
        yield Signal(
            S.MAJOR if gone else S.MINOR,  # one more ground alongside the old one: more specific
            D.UNCLEAR if gone else D.NEUTRAL,
            (C.JURISDICTION,),
            f"transfer mechanism: {show}",
            f"transfers abroad now rest on {' and '.join(added)} instead of {' and '.join(gone)}"
            if gone
            else f"transfers abroad now also rest on {' and '.join(added)}",
        )
    elif view.changed_new():
        yield Signal(
            S.MAJOR,
            D.WEAKENS,
            (C.JURISDICTION,),
            f"transfer mechanism: {show}",
            f"the policy no longer names {' and '.join(gone)} as the ground for transfers abroad",
        )


def _places(countries: set[str]) -> str:
    names = [_COUNTRY_NAMES.get(c, c.title()) for c in sorted(countries)]
    return (
        names[0]
        if len(names) == 1
        else ", ".join(names[:-1]) + " and " + names[-1]
        if names
        else ""
    )


_COUNTRY_NAMES = {
    "united states": "the United States",
    "united kingdom": "the United Kingdom",
    "netherlands": "the Netherlands",
    "british virgin islands": "the British Virgin Islands",
    "cayman islands": "the Cayman Islands",
    "united arab emirates": "the United Arab Emirates",
    "czech republic": "the Czech Republic",
    "isle of man": "the Isle of Man",
    "european union": "the European Union",
    "eea": "the EEA",
}


_WORDS = re.compile(r"[^\W_]+")


def _plain(text: str) -> str:
    """``text`` without accents: a place spelt with or without its diacritics is one place. A
    link is the same link with or without its scheme, "www." or a trailing slash, and a postal
    code the same with or without its country prefix ("CH-6300")."""
    text = _LINK_DRESS.sub("", text).rstrip("/")
    text = _CODE_PREFIX.sub(r"\1", text)
    text = _ABBREVIATED.sub(lambda m: _SPELT_OUT[m.group(1)], text)
    text = _COUNTRY_CODE.sub(lambda m: cues.country(m.group(0)), text)
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


_SPELT_OUT = {"st": "street", "ste": "suite", "rd": "road", "ave": "avenue"}
# A country written as its code ("UK", "USA"): ``cues.country`` spells it out.
_COUNTRY_CODE = re.compile(r"(?<!\w)(?:uk|u\.k\.|usa|u\.s\.a\.|u\.s\.)(?!\w)")
_ABBREVIATED = re.compile(r"\b(st|ste|rd|ave)\b\.?")
_LINK_DRESS = re.compile(r"^(?:https?://)?(?:www\.)?")
_CODE_PREFIX = re.compile(r"\b[a-z]{1,2}-(\d{4,5})\b")


def _distinct(contacts: set[str]) -> set[str]:
    """Contacts without those that only repeat another with words around it ("email:
    dpo@x.com" beside "dpo@x.com")."""
    return {c for c in contacts if not any(o != c and o in c for o in contacts)}


def _same_places(old: set[str], new: set[str]) -> bool:
    """The same contacts, where a postal address that only gained or lost a detail (a district,
    a region) is the same address: "12 Harbour Road, Victoria" ~ "12 Harbour Road, Mahé, Victoria",
    and "Zürich" is "Zurich".
    """
    if old == new:
        return True
    old, new = _distinct({_plain(a) for a in old}), _distinct({_plain(b) for b in new})
    if old == new:
        return True
    if len(old) != len(new):
        return False
    for a in old - new:
        words = set(_WORDS.findall(a))
        if not any(
            words <= (other := set(_WORDS.findall(b))) or other <= words for b in new - old
        ) or not any(ch.isdigit() for ch in a):
            return False
    return True


@rule("contact-details")
def contact_details(view: HunkView) -> Iterator[Signal]:
    """An e-mail address, URL, phone number or postal address to reach the provider changes."""
    if view.moved:
        return
    old = {c for s in view.changed_old() for c in s.practice.contacts}
    new = {c for s in view.changed_new() for c in s.practice.contacts}
    if _same_places(old, new):
        return
    show = f"{', '.join(sorted(old)) or 'none'} -> {', '.join(sorted(new)) or 'none'}"
    gone, added = sorted(old - new), sorted(new - old)
    if gone and added:
        plain = f"the contact details changed from {_quoted(gone)} to {_quoted(added)}"
    else:
        plain = f"{_quoted(added or gone)} {'was added' if added else 'was removed'} as a contact"
    yield Signal(S.MINOR, D.NEUTRAL, (C.CONTACT,), f"contact: {show}", plain)


def _quoted(items: list[str]) -> str:
    return " and ".join(w.say(i, 60) for i in items)


def _disclosure_safeguards(sentences: Iterable[Sentence]) -> set[str]:
    return {
        re.sub(r"^(?:valid|legally binding|binding|lawful) ", "", g).rstrip("s")
        for s in sentences
        if C.GOVERNMENT_ACCESS in s.practice.categories and "share" in s.practice.verbs
        for g in s.practice.safeguards
    }


# The legal instruments that can compel a disclosure, strongest first: what a disclosure statement
# accepts is only as strong as the weakest one it names ("a subpoena or a search warrant").
_INSTRUMENTS = (
    ("search warrant", 4, re.compile(r"\b(?:search )?warrants?\b|\bmlat\b")),
    (
        "court order",
        3,
        re.compile(
            r"\b(?:court|judicial) orders?\b|\border of a (?:competent )?court\b|"
            r"\borders? (?:from|of|issued by) (?:a|an|the) (?:[\w-]+ ){0,2}?courts?\b"
        ),
    ),
    ("subpoena", 2, re.compile(r"\bsubpoenas?\b|\blegally binding requests?\b")),
    (
        "request",
        1,
        re.compile(
            r"\b(?:lawful|legal|valid|official|formal|government|law enforcement) "
            r"(?:requests?|demands?|process)\b|"
            r"\brequests? from (?:a |an |the )?(?:foreign |local |domestic )?(?:law enforcement|"
            r"police|government|authorit)"
        ),
    ),
)


def _weakest_instrument(sentences: Iterable[Sentence]) -> tuple[int, str] | None:
    named = [
        (rank, name)
        for s in sentences
        if C.GOVERNMENT_ACCESS in s.practice.categories and "share" in s.practice.verbs
        for name, rank, rx in _INSTRUMENTS
        if rx.search(s.text)
    ]
    return min(named) if named else None


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
    else:
        a, b = _weakest_instrument(old_s), _weakest_instrument(new_s)
        if a is None or b is None or a[0] == b[0]:
            return
        lower = b[0] < a[0]
        yield Signal(
            S.CRITICAL if lower else S.MAJOR,
            D.WEAKENS if lower else D.STRENGTHENS,
            (C.GOVERNMENT_ACCESS,),
            f"legal standard {'lowered' if lower else 'raised'}: '{a[1]}' -> '{b[1]}'",
            f"disclosure to authorities now needs only a {b[1]}, not a {a[1]}"
            if lower
            else f"disclosure to authorities now needs a {b[1]}, not just a {a[1]}",
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


_DIGIT = re.compile(r"\d")


_ASSESSED = re.compile(
    r"\b(?:audit|assess|certif|penetration[- ]test|pen[- ]test|soc ?2|iso ?2700)", re.IGNORECASE
)


_VERSION = re.compile(r"\b(?:version|v|rev(?:ision)?|release)\.? ?\d+(?:\.\d+)*[a-z]?\b", re.I)


_DIGITS = re.compile(r"\d+")  # on a stamp line every number is part of the stamp


def _stamp(line: str) -> str:
    """A date line with its dates and version numbers masked: "Policy version <v> (effective
    <date>)"."""
    return _DIGITS.sub("#", clean(mask_dates(_VERSION.sub("<version>", line))))


@rule("date-only")
def date_only(view: HunkView) -> Iterator[Signal]:
    """Only a date changed: on a "last updated" line nothing changed; elsewhere a date moved."""
    if view.moved:
        return
    old, new = view.hunk.old, view.hunk.new
    if not (_DIGIT.search(old) and _DIGIT.search(new)):  # every date has a digit
        return
    if not (DATE.search(old) and DATE.search(new)):
        return
    if clean(old) == clean(new):
        return
    if clean(mask_dates(old)) != clean(mask_dates(new)) and not (
        DATE_LINE.search(old) and _stamp(old) == _stamp(new)
    ):
        return
    if DATE_LINE.search(old) and not _ASSESSED.search(old):
        yield Signal(S.NONE, D.NEUTRAL, (), "date only: 'last updated' line", "only a date changed")
    else:
        cats = (C.SECURITY,) if _ASSESSED.search(old) else ()
        yield Signal(S.MINOR, D.NEUTRAL, cats, "date changed", "a date changed")


# A measure of how hard protection is to break, where a higher number is stronger: a TLS version,
# key-derivation iterations or rounds, a key length in bits, a minimum password length, the
# smallest group an aggregate figure may describe.
_STRENGTH = re.compile(
    r"\b(?:tls|iterations?|rounds|bits?|\d+-bit|key length|characters? long|"
    r"at least \d+ characters|groups? of at least)\b"
)


def _strength(gone: frozenset[str], came: frozenset[str], text: str) -> Direction:
    """Strengthens or weakens when one strength measure changed; neutral for any other number."""
    if len(gone) != 1 or len(came) != 1 or not _STRENGTH.search(text):
        return D.NEUTRAL
    try:
        a, b = (float(next(iter(x)).replace(",", "")) for x in (gone, came))
    except ValueError:
        return D.NEUTRAL
    return D.STRENGTHENS if b > a else D.WEAKENS if b < a else D.NEUTRAL


@rule("numbers")
def numbers(view: HunkView) -> Iterator[Signal]:
    """A number changed in a paired sentence that no other rule explains."""
    if view.moved:
        return
    for o, n in w.pairs(view):
        po, pn = o.practice, n.practice
        if po.numbers == pn.numbers:
            continue
        if DATE_LINE.search(o.raw) and _stamp(o.raw) == _stamp(n.raw):
            continue  # a version stamp: the date-only rule's
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
            _strength(po.numbers - pn.numbers, pn.numbers - po.numbers, n.text),
            tuple(sorted(po.categories | pn.categories)),
            f"number changed: {show}",
            f"a number changed from {before} to {', '.join(sorted(pn.numbers)) or 'none'}",
        )


@rule("moved-paragraph")
def moved_paragraph(view: HunkView) -> Iterator[Signal]:
    """A paragraph moved elsewhere in the policy: cosmetic, its practice is unchanged."""
    if view.moved:
        yield Signal(S.COSMETIC, D.NEUTRAL, (), "paragraph moved", "a paragraph moved")
