"""Weighing a claim: which topics it touches, whether it is a core promise, how much a shift in
its modality matters, and the words a reason quotes for it.

The rules compare what two texts state; this module is what they share to say how much a
difference matters (DESIGN.md's severity table) and to say it in plain words.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise

from watcher.classify import claim as cl
from watcher.classify import lexicon as lx
from watcher.classify.claim import Claim
from watcher.classify.memo import memo
from watcher.classify.quantities import durations
from watcher.classify.sentences import HunkView, Sentence
from watcher.models import Category, Severity

C = Category
S = Severity


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


def quote(claim: Claim) -> str:
    """The verb with the modal and negation words right before it: 'do not store'."""
    idx = claim.clause.find(claim.verb)
    if idx < 0:
        return claim.verb
    head = _AUX.search(claim.clause[:idx])
    return ((head.group(1) if head else "") + claim.verb).strip()


def snippet(text: str, limit: int = 90) -> str:
    """The text, cut at a word boundary with an ellipsis when longer than ``limit``."""
    text = text.strip(" .;,")
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


def contrast(old: str, new: str, limit: int = 90) -> str:
    """ "the policy now says “new” where it said “old”", each quotation starting near the first
    word that differs, so that cutting long sentences short never hides what changed."""
    a, b = old.strip(" .;,").split(), new.strip(" .;,").split()
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    start = same - 3 if same > 6 else 0
    lead = "…" if start else ""

    def part(words: list[str]) -> str:
        return "“" + lead + snippet(" ".join(words[start:]), limit) + "”"

    return f"the policy now says {part(b)} where it said {part(a)}"


def say(text: str, limit: int = 90) -> str:
    """A short quotation for a summary; the summary restores the policy's own capitals."""
    return f"“{snippet(text, limit)}”"


_TRACKERS = frozenset({"cookies"})
_ABROAD = re.compile(
    r"\b(?:abroad|overseas|outside (?:the|of|your)|international(?:ly)?|cross-border|other "
    r"countries|countries outside|third countries|to the united states|to the us|to the usa)\b"
)
_AD_PURPOSES = frozenset({"advertising", "analytics", "marketing"})
_JUSTIFICATIONS = frozenset({"fraud prevention"})
_TRACKERS_NAMED = re.compile(
    r"\b(?:cookies?|pixels?|sdks?|trackers?|tracking|beacons?|fingerprint\w*|tags?)\b"
)
_LOGGED = re.compile(r"\b(?:log|logs|logged|logging|record\w*|stor\w+|keep\w*|kept|retain\w*)\b")


@memo(maxsize=4096)
def _kept_for_a_period(clause: str) -> bool:
    """Does the clause name a period? Asked for each claim each time a rule weighs it."""
    return bool(durations(clause))


def categories(claim: Claim, vpn_context: bool) -> tuple[Category, ...]:
    """The topics a claim is about."""
    cats: list[Category] = []
    if is_log_field(claim, vpn_context):
        cats.append(C.VPN_LOGGING)
    elif claim.kind == "data" and claim.group in ("keep", "source"):
        if claim.item in _TRACKERS:
            pass  # cookies and pixels are tracking, below, not a data type collected
        elif claim.group == "keep" and _kept_for_a_period(claim.clause):
            cats.append(C.RETENTION)  # "stored for 30 days": how long, not whether
        else:
            # "We collect your location": what is collected. (Using data already held is not
            # collecting it: "we use your location for ads" is about the purpose.)
            cats.append(C.COLLECTION)
    if (
        claim.group == "share"
        and claim.verb.startswith("transfer")
        and _ABROAD.search(claim.clause)
    ):
        cats.append(C.JURISDICTION)  # "transferred outside the EEA": where, not to whom
    elif claim.group in ("share", "sell") and claim.item not in lx.AUTHORITIES:
        cats.append(C.SHARING)
    elif claim.group == "source":
        cats.append(C.COLLECTION)
    if claim.kind == "purpose":
        if claim.item in _AD_PURPOSES and _TRACKERS_NAMED.search(claim.clause):
            cats.append(C.TRACKING)  # "cookies for advertising": the trackers are the topic
        elif claim.item in _JUSTIFICATIONS:
            pass  # "to prevent fraud" justifies a practice; the practice is the topic
        elif vpn_context and _LOGGED.search(claim.verb):
            cats.append(C.VPN_LOGGING)  # "we log DNS queries to detect abuse": the log is
        else:
            cats.append(C.PURPOSE)
    if claim.item in ("law enforcement", "government", "warrant canary", "transparency report"):
        cats.append(C.GOVERNMENT_ACCESS)
    if claim.item in ("user notice of government requests", "challenge of government requests"):
        cats.append(C.GOVERNMENT_ACCESS)
    if claim.item in ("notice of policy changes", "previously collected data"):
        cats.append(C.POLICY_CHANGES)
    if claim.verb == _TRACK_LABEL or (claim.group == "keep" and claim.verb.startswith("track")):
        cats.append(C.TRACKING)  # "Data Used to Track You: Identifiers", "we track your clicks"
    if claim.item == "breach notification" or claim.group == "protect":
        cats.append(C.SECURITY)
    if claim.group == "delete":
        cats.append(C.RETENTION)
    if claim.group == "right" or claim.item == "Global Privacy Control signals":
        cats.append(C.USER_RIGHTS)  # GPC is a legally recognised opt-out request
    if claim.group == "define":
        cats.append(C.SCOPE)
    if (
        claim.item
        in (
            "cookies",
            "Do Not Track signals",
            "Global Privacy Control signals",
            "analytics providers",
        )
        or claim.cls == "analytics providers"
        or (claim.item == "device id" and "advertising" in claim.phrase)
    ):
        cats.append(C.TRACKING)
    return tuple(cats)


_NOT_CORE_FIELDS = frozenset({"bandwidth"})
_REFERENCED = frozenset({"IP address", "personal data", "usage data", "referenced data"})


def is_log_field(claim: Claim, vpn_context: bool) -> bool:
    if claim.kind == "vpn":
        return True
    return claim.group == "keep" and vpn_context and claim.item in _REFERENCED


def core(claim: Claim, vpn_context: bool) -> bool:
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
        "challenge of government requests",
        "previously collected data",
        "law enforcement",
        "government",
    )


def vpn_context(view: HunkView) -> bool:
    """Does the hunk speak of VPN log fields, so that "IP address" or "this data" is one?"""
    got = view.derived.get("vpn")
    if got is None:  # several rules ask: answered once per view
        got = view.derived["vpn"] = _vpn_context(view)
    return got


def _vpn_context(view: HunkView) -> bool:
    if C.VPN_LOGGING in view.heading_categories:
        return True
    return any(
        c.kind == "vpn" and c.item not in _NOT_CORE_FIELDS
        for s in view.old + view.new
        for c in s.practice.claims
    ) or any(C.VPN_LOGGING in s.practice.categories for s in view.old + view.new)


Listing = tuple[int, str]  # the level and verb a verbless list takes from what introduces it

# "Account data: ...", and the app-store labels "Data Linked to You: ..." and the like.
_LIST_LEAD = re.compile(
    r"^(?:[a-z][a-z /&-]{0,40}\b(?:data|information|details|identifiers?)|data (?:linked to you|"
    r"not linked to you|used to track you|collected|shared))\s*:"
)
_LIST_HEADING = re.compile(r"\b(?:data|information|details|identifiers?)\b")
_LISTED = frozenset({"data", "vpn"})


def listing(view: HunkView) -> Listing | None:
    """What a list of bare data types under the hunk's heading states about them.

    "What we never collect" gives its items its verb and its negation; "Device information" or
    "Account data" gives them "collected": a list under such a heading is what is collected.
    """
    heading = view.heading_practice
    if heading is None:
        return None
    keep = [level for group, level in heading.verbs.items() if group == "keep"]
    if keep:
        return (max(keep), "listed under a heading that says it is collected")
    if _LIST_HEADING.search(view.heading_text):
        return (cl.DO, "listed as collected")
    return None


# The app-store label for data used to follow a person across other companies' apps and sites.
_TRACK_LEAD = "data used to track you"
_TRACK_LABEL = "listed as used to track you"


def _in_context(claim: Claim, sentence: Sentence, context: Listing | None) -> Claim:
    if claim.verb or claim.kind not in _LISTED:
        return claim
    if context is None and _LIST_LEAD.match(sentence.text):
        context = (
            cl.DO,
            _TRACK_LABEL if sentence.text.startswith(_TRACK_LEAD) else "listed as collected",
        )
    if context is None:
        return claim
    return dataclasses.replace(claim, group="keep", level=context[0], verb=context[1])


_CELL_KINDS = frozenset({"purpose", "recipient"})


def claims_by_key(
    sentences: Iterable[Sentence], context: Listing | None = None
) -> dict[tuple[str, str], list[Claim]]:
    """Claims by (group, item); bare list items take the verb of what introduces the list."""
    out: dict[tuple[str, str], list[Claim]] = {}
    for s in sentences:
        # A purpose or a recipient in a table cell ("Purpose: analytics", "Provider: Google")
        # says what the data is used for and who gets it, however short the cell: a row split
        # at its separators states what the row read whole does.
        listed = (
            s.practice.listed
            if context is not None
            else [c for c in s.practice.listed if c.kind in _CELL_KINDS]
        )
        for c in s.practice.claims or listed:
            c = _in_context(c, s, context)
            out.setdefault(c.key, []).append(c)
    return out


def most_permissive(claims: list[Claim]) -> Claim:
    return max(claims, key=lambda c: c.permissiveness)


def is_promise(claim: Claim) -> bool:
    return claim.permissiveness <= cl.NOT_CURRENTLY


def shift_label(old: Claim, new: Claim) -> str:
    a, b = old.permissiveness, new.permissiveness
    if new.kind == "terms" and (a <= cl.NOT_CURRENTLY < b or b <= cl.NOT_CURRENTLY < a):
        return "retroactive terms " + ("allowed" if b > a else "ruled out")
    if old.sense > 0:
        if a <= cl.NOT_CURRENTLY < b:
            return "negation removed"
        if b <= cl.NOT_CURRENTLY < a:
            return "negation added"
        if new.level == cl.NOT_EXCEPT and old.level != cl.NOT_EXCEPT:
            return "exception added"
        if old.level == cl.NOT_EXCEPT and new.level != cl.NOT_EXCEPT:
            return "exception removed"
        if new.level == cl.NOT_CURRENTLY or old.level == cl.NOT_CURRENTLY:
            return "hedge " + ("added" if new.level == cl.NOT_CURRENTLY else "removed")
        return "modality"
    if a <= cl.NOT_CURRENTLY < b:
        return "promise negated"
    if b <= cl.NOT_CURRENTLY < a:
        return "promise affirmed"
    return "modality"


def shift_severity(a: int, b: int, core: bool) -> Severity:
    """Severity of a move from permissiveness ``a`` to ``b`` (higher is more permissive)."""
    lo, hi = min(a, b), max(a, b)
    if lo <= cl.NOT_CURRENTLY < hi or (lo <= cl.NOT and hi in (cl.NOT_EXCEPT, cl.NOT_CURRENTLY)):
        return S.CRITICAL if core and b > a and hi >= cl.MAY else S.MAJOR
    if lo == cl.NOT_EXCEPT and hi == cl.NOT_CURRENTLY:
        return S.MAJOR
    return S.MINOR


def label(claim: Claim) -> str:
    if claim.cls and claim.cls != claim.item:
        return f"{claim.item} ({_SHORT_CLASS.get(claim.cls, claim.cls)})"
    return claim.item


def topics(s: Sentence) -> set[Category]:
    """What a sentence is about: its topic cues and the topics of the practices it states."""
    vpn = C.VPN_LOGGING in s.practice.categories or "vpn" in s.text
    found = set(s.practice.categories) | {
        c for cl in s.practice.claims for c in categories(cl, vpn)
    }
    if s.practice.contacts:
        found.add(C.CONTACT)  # an address, a link or a phone number to reach someone
    return found


def pairs(view: HunkView) -> Iterator[tuple[Sentence, Sentence]]:
    for i, j in view.pairs:
        yield view.old[i], view.new[j]


def split_keeps(view: HunkView, measure: Callable[[tuple[Sentence, ...]], object]) -> bool:
    """Was a sentence split or merged (a sentence with no partner on a side) while ``measure``
    of the changed text as a whole stayed the same? Then what it measures only moved to the
    sentence beside it ("...; these counts are anonymous" -> "... . These counts are anonymous")."""
    return bool(view.added or view.removed) and measure(view.changed_old()) == measure(
        view.changed_new()
    )


def pairs_or_whole(view: HunkView) -> Iterator[tuple[Sentence, Sentence]]:
    """Aligned sentences; and when one sentence became one other, too different to align, those."""
    yield from pairs(view)
    if len(view.removed) == 1 and len(view.added) == 1:
        yield view.old[view.removed[0]], view.new[view.added[0]]


_LETTERS = re.compile(r"[a-z]+")


def _one_edit(a: str, b: str) -> bool:
    """Are two different words one typo apart: a letter added, dropped, changed or two swapped?"""
    if a == b or abs(len(a) - len(b)) > 1 or a[0] != b[0]:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and (a[diff[0]], a[diff[1]]) == (b[diff[1]], b[diff[0]])
        )
    if len(a) > len(b):
        a, b = b, a
    if b == a + "s":
        return False  # a plural is grammar, not a typo, and the lexicon knows both
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def words_of(sentences: Iterable[Sentence]) -> frozenset[str]:
    """The words of some sentences, for ``only_typos`` and ``respelled``."""
    return frozenset(word for s in sentences for word in _LETTERS.findall(s.text))


def only_typos(text: str, other: frozenset[str]) -> bool:
    """Does ``text`` differ from the other side's words only by words spelt otherwise ("Your
    vault is encrpyted before it leaves you device" -> "... encrypted ... your device")?"""
    words = _LETTERS.findall(text)
    glued = {  # "Youcan withdraw" -> "You can withdraw": both words are fixed by the space
        word for a, b in pairwise(words) if a + b in other for word in (a, b)
    }
    missing = [word for word in words if word not in other and word not in glued]
    return bool(missing or glued) and _misspelt(missing, other)


def respelled(phrase: str, other: frozenset[str]) -> bool:
    """Is ``phrase`` among the other side's words with a word spelt otherwise ("your trafic" ->
    "your traffic")? The lexicon knows only the right spelling, so fixing a typo would otherwise
    read as a practice that appeared or disappeared."""
    missing = [word for word in _LETTERS.findall(phrase) if word not in other]
    return bool(missing) and _misspelt(missing, other)


def _misspelt(words: list[str], other: frozenset[str]) -> bool:
    """Is each of ``words`` one typo away from a word of ``other``? Five letters at least:
    "not" -> "now" is one letter and the opposite promise."""
    for word in words:
        if len(word) < 5:
            return False
        # Only words with its first letter and a length within one can be one edit away
        # (``_one_edit`` says no to the others): test those, not every word of the other side.
        first, low, high = word[0], len(word) - 1, len(word) + 1
        near = [o for o in other if o[0] == first and low <= len(o) <= high]
        if not any(_one_edit(word, o) for o in near):
            return False
    return True
